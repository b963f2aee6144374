package fpu

import (
	"math"
	"math/bits"
)

// Binary operations.
type binOp uint8

const (
	opAdd binOp = iota
	opSub
	opMul
	opDiv
)

// indefinite returns the invalid-operation result (negative QNaN with only the quiet bit set).
func indefinite() unp { return unp{cls: ClassQNaN, sign: true, exp: expMax80, sig: intBit | quietBit} }

// invalid raises IE and returns the indefinite.
func (e *Env) invalid() unp {
	e.Flags |= FlagInvalid
	return indefinite()
}

// isNaN reports whether u is a NaN.
func (u *unp) isNaN() bool { return u.cls == ClassQNaN || u.cls == ClassSNaN }

// quiet returns u with the quiet bit set.
func quiet(u unp) unp {
	u.sig |= quietBit
	u.cls = ClassQNaN
	return u
}

// propagateNaN chooses the NaN result of a two-operand operation where a or b is a NaN.
// x87 rules (sse=false): an SNaN raises IE; with two NaNs, the one with the larger significand
// (ties: b unless a is positive... resolved as the hardware does by comparing the quieted
// significands and then preferring a). SSE rules: the first NaN operand, quieted.
func (e *Env) propagateNaN(a, b unp, sse bool) unp {
	if a.cls == ClassSNaN || b.cls == ClassSNaN {
		e.Flags |= FlagInvalid
	}
	if sse {
		if a.isNaN() {
			return quiet(a)
		}
		return quiet(b)
	}
	if !a.isNaN() {
		return quiet(b)
	}
	if !b.isNaN() {
		return quiet(a)
	}
	if a.cls != b.cls { // one SNaN, one QNaN: the QNaN
		if a.cls == ClassQNaN {
			return a
		}
		return b
	}
	qa, qb := quiet(a), quiet(b)
	if qa.sig<<1 < qb.sig<<1 {
		return qb
	}
	if qb.sig<<1 < qa.sig<<1 {
		return qa
	}
	if !qa.sign {
		return qa
	}
	return qb
}

// checkOperands handles the classes that short-circuit a two-operand x87/SSE operation:
// unsupported encodings and NaNs. done=true means r is the result.
func (e *Env) checkOperands(a, b *unp, sse bool) (r unp, done bool) {
	if a.cls == ClassUnsupported || b.cls == ClassUnsupported {
		return e.invalid(), true
	}
	if a.isNaN() || b.isNaN() {
		return e.propagateNaN(*a, *b, sse), true
	}
	return unp{}, false
}

// denormalOperand raises DE when an operand is denormal. Operations call it after their invalid
// and divide-by-zero checks: those exceptions take priority over DE.
func (e *Env) denormalOperand(a, b *unp) {
	if a.cls == ClassDenormal || b.cls == ClassDenormal {
		e.Flags |= FlagDenormal
	}
}

// arith performs a binary operation on unpacked operands and rounds to f.
func (e *Env) arith(op binOp, a, b unp, f *format, sse bool) unp {
	if r, done := e.checkOperands(&a, &b, sse); done {
		return r
	}
	switch op {
	case opSub:
		b.sign = !b.sign
		fallthrough
	case opAdd:
		return e.add(a, b, f)
	case opMul:
		return e.mul(a, b, f)
	}
	return e.div(a, b, f)
}

func (e *Env) add(a, b unp, f *format) unp {
	if a.cls == ClassInf || b.cls == ClassInf {
		if a.cls == ClassInf && b.cls == ClassInf && a.sign != b.sign {
			return e.invalid()
		}
		e.denormalOperand(&a, &b)
		if a.cls == ClassInf {
			return a
		}
		return b
	}
	e.denormalOperand(&a, &b)
	if a.cls == ClassZero && b.cls == ClassZero {
		if a.sign == b.sign {
			return a
		}
		return unp{cls: ClassZero, sign: e.Round == RoundDown}
	}
	if b.cls == ClassZero {
		return e.round(a.sign, a.exp, a.sig, 0, f)
	}
	if a.cls == ClassZero {
		return e.round(b.sign, b.exp, b.sig, 0, f)
	}
	// Order by magnitude: a >= b.
	if a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig) {
		a, b = b, a
	}
	d := uint(a.exp - b.exp)
	bh, bl := shr128Jam(b.sig, 0, d)
	if a.sign == b.sign {
		lo, c := bits.Add64(0, bl, 0)
		hi, c2 := bits.Add64(a.sig, bh, c)
		exp := a.exp
		if c2 != 0 {
			hi, lo = shr128Jam(hi, lo, 1)
			hi |= intBit
			exp++
		}
		return e.round(a.sign, exp, hi, lo, f)
	}
	lo, br := bits.Sub64(0, bl, 0)
	hi, _ := bits.Sub64(a.sig, bh, br)
	if hi == 0 && lo == 0 {
		return unp{cls: ClassZero, sign: e.Round == RoundDown}
	}
	return e.round(a.sign, a.exp, hi, lo, f)
}

func (e *Env) mul(a, b unp, f *format) unp {
	sign := a.sign != b.sign
	if a.cls == ClassInf || b.cls == ClassInf {
		if a.cls == ClassZero || b.cls == ClassZero {
			return e.invalid()
		}
		e.denormalOperand(&a, &b)
		return unp{cls: ClassInf, sign: sign}
	}
	e.denormalOperand(&a, &b)
	if a.cls == ClassZero || b.cls == ClassZero {
		return unp{cls: ClassZero, sign: sign}
	}
	hi, lo := bits.Mul64(a.sig, b.sig)
	return e.round(sign, a.exp+b.exp-Bias80+1, hi, lo, f)
}

func (e *Env) div(a, b unp, f *format) unp {
	sign := a.sign != b.sign
	switch {
	case a.cls == ClassInf && b.cls == ClassInf, a.cls == ClassZero && b.cls == ClassZero:
		return e.invalid()
	case b.cls == ClassZero && a.cls != ClassInf:
		e.Flags |= FlagDivZero
		return unp{cls: ClassInf, sign: sign}
	}
	e.denormalOperand(&a, &b)
	switch {
	case a.cls == ClassInf:
		return unp{cls: ClassInf, sign: sign}
	case b.cls == ClassInf:
		return unp{cls: ClassZero, sign: sign}
	case a.cls == ClassZero:
		return unp{cls: ClassZero, sign: sign}
	}
	exp := a.exp - b.exp + Bias80
	var q1, r uint64
	if a.sig >= b.sig {
		q1, r = bits.Div64(a.sig>>1, a.sig<<63, b.sig)
	} else {
		q1, r = bits.Div64(a.sig, 0, b.sig)
		exp--
	}
	q2, r2 := bits.Div64(r, 0, b.sig)
	if r2 != 0 {
		q2 |= 1
	}
	return e.round(sign, exp, q1, q2, f)
}

// isqrt128 returns s = floor(sqrt(hi:lo)) and the remainder (hi:lo) - s*s (at most 65 bits, as rh:rl).
func isqrt128(hi, lo uint64) (s, rh, rl uint64) {
	est := math.Sqrt(float64(hi)*0x1p64 + float64(lo))
	if est >= 0x1p64 {
		s = ^uint64(0)
	} else {
		s = uint64(est)
	}
	if s == 0 {
		s = 1
	}
	// One Newton step from the float estimate (error ~2^11) lands within 1 of the root.
	if hi < s {
		q, _ := bits.Div64(hi, lo, s)
		s = s>>1 + q>>1 + (s & q & 1)
	}
	for {
		ph, pl := bits.Mul64(s, s)
		if ph > hi || (ph == hi && pl > lo) {
			s--
			continue
		}
		if s == ^uint64(0) {
			break
		}
		nh, nl := bits.Mul64(s+1, s+1)
		if nh < hi || (nh == hi && nl <= lo) {
			s++
			continue
		}
		break
	}
	ph, pl := bits.Mul64(s, s)
	rl, b := bits.Sub64(lo, pl, 0)
	rh, _ = bits.Sub64(hi, ph, b)
	return s, rh, rl
}

// sqrt computes the correctly rounded square root.
func (e *Env) sqrt(a unp, f *format, sse bool) unp {
	switch a.cls {
	case ClassUnsupported:
		return e.invalid()
	case ClassQNaN, ClassSNaN:
		return e.propagateNaN(a, a, sse)
	case ClassZero:
		return a
	case ClassInf:
		if a.sign {
			return e.invalid()
		}
		return a
	}
	if a.sign {
		return e.invalid()
	}
	if a.cls == ClassDenormal {
		e.Flags |= FlagDenormal
	}
	ue := a.exp - Bias80
	var nh, nl uint64
	if ue&1 == 0 {
		nh, nl = a.sig>>1, a.sig<<63
	} else {
		nh, nl = a.sig, 0
		ue--
	}
	s, rh, rl := isqrt128(nh, nl)
	var extra uint64
	if rh != 0 || rl > s {
		extra = intBit | 1
	} else if rl != 0 {
		extra = 1
	}
	return e.round(false, ue/2+Bias80, s, extra, f)
}

// Add returns a+b rounded under the x87 precision control.
func (e *Env) Add(a, b F80) F80 {
	return pack80(e.arith(opAdd, unpack80(a), unpack80(b), &fmtExt[e.Prec&3], false))
}

// Sub returns a-b.
func (e *Env) Sub(a, b F80) F80 {
	return pack80(e.arith(opSub, unpack80(a), unpack80(b), &fmtExt[e.Prec&3], false))
}

// Mul returns a*b.
func (e *Env) Mul(a, b F80) F80 {
	return pack80(e.arith(opMul, unpack80(a), unpack80(b), &fmtExt[e.Prec&3], false))
}

// Div returns a/b.
func (e *Env) Div(a, b F80) F80 {
	return pack80(e.arith(opDiv, unpack80(a), unpack80(b), &fmtExt[e.Prec&3], false))
}

// Sqrt returns the square root of a (FSQRT).
func (e *Env) Sqrt(a F80) F80 {
	return pack80(e.sqrt(unpack80(a), &fmtExt[e.Prec&3], false))
}
