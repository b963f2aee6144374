package fpu

import "math/bits"

// Transcendental instructions. Each is computed in the 128-bit wide type and rounded once to
// the extended format with the current rounding mode (precision control does not apply), which
// matches the hardware to within one unit in the last place for ordinary arguments and exactly
// in most cases. FSIN/FCOS/FSINCOS/FPTAN reduce their argument with the same 66-bit
// approximation of pi the hardware uses, so results near multiples of pi match it too.

var (
	wPi     = wide{exp: 1, hi: 0xC90FDAA22168C234, lo: 0xC4C6628B80DC1CD1}
	wPiHalf = wPi.scale(-1)
	wLn2    = wide{exp: -1, hi: 0xB17217F7D1CF79AB, lo: 0xC9E3B39803F2F6AF}
	wLog2E  = wide{exp: 0, hi: 0xB8AA3B295C17F0BB, lo: 0xBE87FED0691D3E88}

	sinCoef  [17]wide // (-1)^k / (2k+1)!: 17 terms reach 2^-130 for |r| <= pi/4
	cosCoef  [17]wide // (-1)^k / (2k)!
	expCoef  [34]wide // 1 / (k+1)!  (expm1(t) = t * sum expCoef[k] t^k)
	atanCoef [32]wide // (-1)^k / (2k+1)
	athCoef  [28]wide // 1 / (2k+1)
)

func init() {
	f := wideInt(1)
	for k := 0; k < len(sinCoef); k++ {
		// f = 1/(2k)! here.
		cosCoef[k] = f
		if k&1 != 0 {
			cosCoef[k] = f.negate()
		}
		f = wdiv(f, wideInt(int64(2*k+1)))
		sinCoef[k] = f
		if k&1 != 0 {
			sinCoef[k] = f.negate()
		}
		f = wdiv(f, wideInt(int64(2*k+2)))
	}
	f = wideInt(1)
	for k := 0; k < len(expCoef); k++ {
		f = wdiv(f, wideInt(int64(k+1)))
		expCoef[k] = f
	}
	for k := range atanCoef {
		atanCoef[k] = wdiv(wideInt(1), wideInt(int64(2*k+1)))
		if k&1 != 0 {
			atanCoef[k] = atanCoef[k].negate()
		}
	}
	for k := range athCoef {
		athCoef[k] = wdiv(wideInt(1), wideInt(int64(2*k+1)))
	}
}

// horner evaluates sum c[k] x^k.
func horner(c []wide, x wide) wide {
	r := c[len(c)-1]
	for k := len(c) - 2; k >= 0; k-- {
		r = wadd(wmul(r, x), c[k])
	}
	return r
}

func wsin(r wide) wide { return wmul(r, horner(sinCoef[:], wmul(r, r))) }
func wcos(r wide) wide { return horner(cosCoef[:], wmul(r, r)) }

// pi66Half is the hardware's pi/2 as a 66-bit integer scaled by 2^-65.
const (
	pi66Hi uint64 = 0x3
	pi66Lo uint64 = 0x243F6A8885A308D3
)

// reduce reduces a finite x with |x| < 2^63 modulo the hardware's pi/2: x = q*pi/2 + r with
// |r| <= pi/4 (r exact), returning q mod 4 and r.
func reduce(x unp) (quad int, r wide) {
	ex := x.exp - Bias80
	if ex < -2 { // |x| < 0.25
		return 0, wideOf(x)
	}
	// N = X << (ex+2) as a 192-bit integer; the quotient by P = pi/2 * 2^65 gives q, remainder R.
	sh := uint(ex + 2)
	var n [3]uint64
	n[0] = x.sig << (sh % 64)
	if sh%64 != 0 {
		n[1] = x.sig >> (64 - sh%64)
	}
	if sh >= 64 {
		n[2], n[1], n[0] = n[1], n[0], 0
	}
	var rh, rl, q uint64
	top := 191 // skip the leading zero bits of N: they leave R and q at zero
	switch {
	case n[2] != 0:
		top = 191 - bits.LeadingZeros64(n[2])
	case n[1] != 0:
		top = 127 - bits.LeadingZeros64(n[1])
	default:
		top = 63 - bits.LeadingZeros64(n[0])
	}
	for i := top; i >= 0; i-- {
		bit := n[i/64] >> (uint(i) % 64) & 1
		rh = rh<<1 | rl>>63
		rl = rl<<1 | bit
		q <<= 1
		if rh > pi66Hi || (rh == pi66Hi && rl >= pi66Lo) {
			var b uint64
			rl, b = bits.Sub64(rl, pi66Lo, 0)
			rh = rh - pi66Hi - b
			q |= 1
		}
	}
	neg := false
	// Round to nearest: if R > P/2 use R - P.
	hh, hl := pi66Hi>>1, pi66Lo>>1|(pi66Hi&1)<<63
	if rh > hh || (rh == hh && rl > hl) {
		var b uint64
		rl, b = bits.Sub64(pi66Lo, rl, 0)
		rh = pi66Hi - rh - b
		neg = true
		q++
	}
	r = wide{neg: neg != x.sign, exp: 127 - 65, hi: rh, lo: rl}.norm()
	quad = int(q & 3)
	if x.sign {
		quad = (4 - quad) & 3
	}
	return quad, r
}

// trigArg handles the common operand checks of FSIN/FCOS/FSINCOS/FPTAN. ok=false means special
// is the result (NaN, invalid, zero) or outOfRange is set (|x| >= 2^63: C2=1, ST(0) unchanged).
func (e *Env) trigArg(a80 F80) (x unp, special F80, outOfRange, ok bool) {
	x = unpack80(a80)
	switch x.cls {
	case ClassUnsupported, ClassInf:
		return x, pack80(e.invalid()), false, false
	case ClassSNaN, ClassQNaN:
		return x, pack80(e.propagateNaN(x, x, false)), false, false
	case ClassZero:
		return x, a80, false, false
	case ClassDenormal:
		e.Flags |= FlagDenormal
	}
	if x.exp-Bias80 >= 63 {
		return x, a80, true, false
	}
	return x, F80{}, false, true
}

// tinyTrig is the exponent below which FSIN/FPTAN return their argument and FCOS returns 1
// (reported inexact), as the hardware does.
const tinyTrig = -63

// tinyResult returns x itself as the (inexact) result for a tiny argument: the value is not
// rounded, PE is set, and UE when it is denormal.
func (e *Env) tinyResult(x unp) F80 {
	r := e.round(x.sign, x.exp, x.sig, 0, ext64)
	e.Flags |= FlagInexact
	if r.sig&intBit == 0 {
		e.Flags |= FlagUnderflow
	}
	e.RoundedUp = false
	return pack80(r)
}

// tinyOne returns 1.0 reported inexact (FCOS of a tiny argument).
func (e *Env) tinyOne() F80 {
	e.Flags |= FlagInexact
	e.RoundedUp = false
	return One
}

// sinCosQuad returns sin and cos of q*pi/2 + r.
func sinCosQuad(quad int, r wide) (s, c wide) {
	sr, cr := wsin(r), wcos(r)
	switch quad {
	case 0:
		return sr, cr
	case 1:
		return cr, sr.negate()
	case 2:
		return sr.negate(), cr.negate()
	}
	return cr.negate(), sr
}

// sinQuad returns sin(q*pi/2 + r) and cosQuad cos(q*pi/2 + r), each evaluating one series.
func sinQuad(quad int, r wide) wide {
	switch quad {
	case 0:
		return wsin(r)
	case 1:
		return wcos(r)
	case 2:
		return wsin(r).negate()
	}
	return wcos(r).negate()
}

func cosQuad(quad int, r wide) wide { return sinQuad((quad+1)&3, r) }

// Sin computes FSIN. outOfRange reports |x| >= 2^63 (C2 set, ST(0) must be left unchanged).
func (e *Env) Sin(a F80) (r F80, outOfRange bool) {
	x, sp, oor, ok := e.trigArg(a)
	if !ok {
		return sp, oor
	}
	if x.exp-Bias80 < tinyTrig {
		return e.tinyResult(x), false
	}
	return pack80(e.roundWide(sinQuad(reduce(x)))), false
}

// Cos computes FCOS.
func (e *Env) Cos(a F80) (r F80, outOfRange bool) {
	x, sp, oor, ok := e.trigArg(a)
	if !ok {
		if x.cls == ClassZero {
			return One, false
		}
		return sp, oor
	}
	if x.exp-Bias80 < tinyTrig {
		return e.tinyOne(), false
	}
	return pack80(e.roundWide(cosQuad(reduce(x)))), false
}

// SinCos computes FSINCOS: the sine (which replaces ST(0)) and the cosine (pushed). For a NaN
// or invalid operand both results are the NaN.
func (e *Env) SinCos(a F80) (sin, cos F80, outOfRange bool) {
	x, sp, oor, ok := e.trigArg(a)
	if !ok {
		if x.cls == ClassZero {
			return sp, One, false
		}
		return sp, sp, oor
	}
	if x.exp-Bias80 < tinyTrig {
		return e.tinyResult(x), One, false
	}
	s, c := sinCosQuad(reduce(x))
	su := e.roundWide(s)
	cu := e.roundWide(c) // C1 reports the rounding of the cosine, the value pushed last
	return pack80(su), pack80(cu), false
}

// Tan computes FPTAN: the tangent (which replaces ST(0)) and the value pushed after it, 1.0
// (or the NaN result itself for a NaN or invalid operand).
func (e *Env) Tan(a F80) (r, push F80, outOfRange bool) {
	x, sp, oor, ok := e.trigArg(a)
	if !ok {
		if sp.IsNaN() {
			return sp, sp, false
		}
		return sp, One, oor
	}
	if x.exp-Bias80 < tinyTrig {
		return e.tinyResult(x), One, false
	}
	s, c := sinCosQuad(reduce(x))
	return pack80(e.roundWide(wdiv(s, c))), One, false
}

// Atan computes FPATAN: atan2(y, x) where y is ST(1) and x is ST(0).
func (e *Env) Atan(y80, x80 F80) F80 {
	y, x := unpack80(y80), unpack80(x80)
	if r, done := e.checkOperands(&x, &y, false); done {
		if x.isNaN() || y.isNaN() { // x87 order: ST(0) is the first operand for NaN selection
			return pack80(r)
		}
		return pack80(r)
	}
	e.denormalOperand(&x, &y)
	piOr0 := func(neg bool) F80 { // +-pi for x negative, +-0 for x positive
		if x.sign {
			return pack80(e.roundWide(wide{neg: neg, exp: wPi.exp, hi: wPi.hi, lo: wPi.lo}))
		}
		return pack80(unp{cls: ClassZero, sign: neg})
	}
	switch {
	case y.cls == ClassZero:
		return piOr0(y.sign)
	case y.cls == ClassInf && x.cls == ClassInf:
		w := wPi.scale(-2)
		if x.sign {
			w = wmul(w, wideInt(3))
		}
		w.neg = y.sign
		return pack80(e.roundWide(w))
	case y.cls == ClassInf || x.cls == ClassZero:
		w := wPiHalf
		w.neg = y.sign
		return pack80(e.roundWide(w))
	case x.cls == ClassInf:
		return piOr0(y.sign)
	}
	wy, wx := wideOf(y), wideOf(x)
	wy.neg, wx.neg = false, false
	var a wide
	if wy.exp < wx.exp || (wy.exp == wx.exp && (wy.hi < wx.hi || (wy.hi == wx.hi && wy.lo <= wx.lo))) {
		a = watan(wdiv(wy, wx))
	} else {
		a = wsub(wPiHalf, watan(wdiv(wx, wy)))
	}
	if x.sign {
		a = wsub(wPi, a)
	}
	a.neg = y.sign
	return pack80(e.roundWide(a))
}

// watan computes atan(z) for 0 <= z <= 1: two argument halvings, then the Taylor series.
func watan(z wide) wide {
	if z.isZero() {
		return z
	}
	one := wideInt(1)
	k := int32(0)
	for z.exp >= -3 && k < 2 { // z >= 1/8
		z = wdiv(z, wadd(one, wsqrt(wadd(one, wmul(z, z)))))
		k++
	}
	return wmul(z, horner(atanCoef[:], wmul(z, z))).scale(k)
}

// watanh2 returns 2*atanh(z) = ln((1+z)/(1-z)) for small |z|.
func watanh2(z wide) wide { return wmul(z, horner(athCoef[:], wmul(z, z))).scale(1) }

// F2xm1 computes 2^x - 1 (F2XM1; the result is defined for -1 <= x <= 1).
func (e *Env) F2xm1(a80 F80) F80 {
	a := unpack80(a80)
	switch a.cls {
	case ClassUnsupported:
		return pack80(e.invalid())
	case ClassSNaN, ClassQNaN:
		return pack80(e.propagateNaN(a, a, false))
	case ClassZero:
		return a80
	case ClassInf:
		if a.sign {
			return F80{Mant: intBit, SE: 0xBFFF} // -1
		}
		return a80
	case ClassDenormal:
		e.Flags |= FlagDenormal
	}
	if a.exp == Bias80 && a.sig == intBit { // 2^1-1 = 1, 2^-1-1 = -0.5
		e.Flags |= FlagInexact
		if a.sign {
			return F80{Mant: intBit, SE: 0xBFFE}
		}
		return One
	}
	if a.exp >= Bias80 {
		// Outside [-1, 1] the hardware returns the operand unchanged, reporting it inexact.
		e.Flags |= FlagInexact
		return a80
	}
	t := wmul(wideOf(a), wLn2)
	return pack80(e.roundWide(wmul(t, horner(expCoef[:], t))))
}

// wlog2 returns log2 of a positive finite value.
func wlog2(a unp) wide { return wlogWide(wideOf(a)) }

// wlogWide returns log2(m) for a positive m.
func wlogWide(m wide) wide {
	ex := m.exp
	m.exp = 0
	// Keep m in [sqrt(1/2), sqrt(2)).
	if m.hi > 0xB504F333F9DE6484 {
		m.exp = -1
		ex++
	}
	one := wideInt(1)
	z := wdiv(wsub(m, one), wadd(m, one))
	return wadd(wideInt(int64(ex)), wmul(watanh2(z), wLog2E))
}

// Yl2x computes y*log2(x) (FYL2X: x is ST(0), y is ST(1)).
func (e *Env) Yl2x(x80, y80 F80) F80 {
	x, y := unpack80(x80), unpack80(y80)
	if r, done := e.checkOperands(&x, &y, false); done {
		return pack80(r)
	}
	if x.sign && x.cls != ClassZero {
		return pack80(e.invalid())
	}
	// log2(x): -inf for zero, +inf for +inf, 0 for one.
	isOne := x.cls == ClassNormal && x.exp == Bias80 && x.sig == intBit
	switch {
	case x.cls == ClassZero:
		if y.cls == ClassZero {
			return pack80(e.invalid())
		}
		if y.cls != ClassInf {
			e.Flags |= FlagDivZero
		}
		return pack80(unp{cls: ClassInf, sign: !y.sign})
	case x.cls == ClassInf:
		if y.cls == ClassZero {
			return pack80(e.invalid())
		}
		e.denormalOperand(&x, &y)
		return pack80(unp{cls: ClassInf, sign: y.sign})
	case y.cls == ClassInf:
		if isOne {
			return pack80(e.invalid())
		}
		e.denormalOperand(&x, &y)
		return pack80(unp{cls: ClassInf, sign: y.sign != (x.exp < Bias80)})
	}
	e.denormalOperand(&x, &y)
	if y.cls == ClassZero || isOne {
		return pack80(unp{cls: ClassZero, sign: y.sign != (x.exp < Bias80)})
	}
	return pack80(e.roundWide(wmul(wideOf(y), wlog2(x))))
}

// Yl2xp1 computes y*log2(x+1) (FYL2XP1, for |x| < 1 - sqrt(2)/2).
func (e *Env) Yl2xp1(x80, y80 F80) F80 {
	x, y := unpack80(x80), unpack80(y80)
	if r, done := e.checkOperands(&x, &y, false); done {
		return pack80(r)
	}
	switch {
	case x.cls == ClassInf && (y.cls == ClassZero || x.sign), y.cls == ClassInf && x.cls == ClassZero:
		return pack80(e.invalid())
	case x.cls == ClassInf:
		e.denormalOperand(&x, &y)
		return pack80(unp{cls: ClassInf, sign: y.sign})
	}
	e.denormalOperand(&x, &y)
	if x.cls == ClassZero || y.cls == ClassZero {
		return pack80(unp{cls: ClassZero, sign: x.sign != y.sign})
	}
	if y.cls == ClassInf {
		return pack80(unp{cls: ClassInf, sign: x.sign != y.sign})
	}
	wx := wideOf(x)
	if wx.neg && wx.exp >= 0 {
		// x <= -1: outside the domain; the hardware returns x, inexact.
		e.Flags |= FlagInexact
		return x80
	}
	var l wide
	if wx.exp < -2 { // |x| < 1/4: the series on x/(2+x) keeps full relative precision
		l = wmul(watanh2(wdiv(wx, wadd(wideInt(2), wx))), wLog2E)
	} else {
		l = wlogWide(wadd(wideInt(1), wx))
	}
	return pack80(e.roundWide(wmul(wideOf(y), l)))
}
