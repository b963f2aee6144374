package fpu

import "math/bits"

// ext64 is the full-precision extended format (no precision control): for operations the
// precision-control field does not affect (FSCALE, FPREM, FRNDINT, transcendentals).
var ext64 = &fmtExt[Prec64]

// Remainder computes the partial remainder of a by b: FPREM (nearest=false, quotient truncated)
// or FPREM1 (nearest=true, IEEE remainder). It returns the new ST(0) and the condition bits as a
// status-word fragment: C2 set when the reduction is incomplete (the exponent difference was 64
// or more; the operand was reduced by 2^(32..63) and the instruction must be repeated),
// otherwise C0, C3, C1 = the low three quotient bits Q2, Q1, Q0. For a NaN or invalid result
// it returns CondNone: the hardware then clears C1 and C2 and leaves C0 and C3.
func (e *Env) Remainder(a80, b80 F80, nearest bool) (F80, uint16) {
	a, b := unpack80(a80), unpack80(b80)
	if r, done := e.checkOperands(&a, &b, false); done {
		return pack80(r), CondNone
	}
	if a.cls == ClassInf || b.cls == ClassZero {
		return pack80(e.invalid()), CondNone
	}
	e.denormalOperand(&a, &b)
	if a.cls == ClassZero || b.cls == ClassInf {
		if a.cls == ClassDenormal {
			return pack80(e.round(a.sign, a.exp, a.sig, 0, ext64)), 0
		}
		return a80, 0
	}
	d := a.exp - b.exp
	sign := a.sign
	var r, q uint64
	var cond uint16
	switch {
	case d < 0:
		r = a.sig
		if nearest && d == -1 && a.sig > b.sig {
			// a lies strictly between b/2 and b: the remainder is a - b, quotient 1.
			return pack80(e.round(!sign, a.exp, 2*b.sig-a.sig, 0, ext64)), quotBits(1)
		}
		return pack80(e.round(sign, a.exp, r, 0, ext64)), 0
	case d >= 64:
		n := uint(32 + d%32)
		if n >= 64 {
			n = 63
		}
		shift := uint(d) - (uint(d) - n) // = n: reduce a by b*2^(d-n)
		r, _ = remKernel(a.sig, b.sig, shift)
		cond = SWC2
		return pack80(e.round(sign, a.exp-int32(n), r, 0, ext64)), cond
	default:
		r, q = remKernel(a.sig, b.sig, uint(d))
	}
	if nearest && r != 0 && (r > b.sig-r || (r == b.sig-r && q&1 != 0)) {
		r = b.sig - r
		sign = !sign
		q++
	}
	if r == 0 {
		return F80{SE: a80.SE & 0x8000}, quotBits(q)
	}
	return pack80(e.round(sign, b.exp, r, 0, ext64)), quotBits(q)
}

// CondNone is Remainder's condition result when no quotient bits are defined.
const CondNone uint16 = 0xFFFF

// remKernel returns (x << shift) mod y and the low 64 bits of the quotient, for shift < 64.
func remKernel(x, y uint64, shift uint) (r, q uint64) {
	var hi, lo uint64
	if shift == 0 {
		hi, lo = 0, x
	} else {
		hi, lo = x>>(64-shift), x<<shift
	}
	hi %= y
	q, r = bits.Div64(hi, lo, y)
	return r, q
}

// quotBits maps the low three quotient bits to C0 (Q2), C3 (Q1), C1 (Q0).
func quotBits(q uint64) uint16 {
	var c uint16
	if q&4 != 0 {
		c |= SWC0
	}
	if q&2 != 0 {
		c |= SWC3
	}
	if q&1 != 0 {
		c |= SWC1
	}
	return c
}

// Scale computes a * 2^trunc(b) (FSCALE).
func (e *Env) Scale(a80, b80 F80) F80 {
	a, b := unpack80(a80), unpack80(b80)
	if r, done := e.checkOperands(&a, &b, false); done {
		return pack80(r)
	}
	if b.cls == ClassInf {
		switch {
		case a.cls == ClassZero && !b.sign, a.cls == ClassInf && b.sign:
			return pack80(e.invalid())
		}
		e.denormalOperand(&a, &b)
		if a.cls == ClassZero || a.cls == ClassInf {
			return a80
		}
		if b.sign {
			return pack80(unp{cls: ClassZero, sign: a.sign})
		}
		return pack80(unp{cls: ClassInf, sign: a.sign})
	}
	e.denormalOperand(&a, &b)
	if a.cls == ClassZero || a.cls == ClassInf {
		return a80
	}
	var n int32
	if b.cls != ClassZero {
		ue := b.exp - Bias80
		switch {
		case ue < 0:
			n = 0
		case ue > 30:
			n = 1 << 30
		default:
			n = int32(b.sig >> uint(63-ue))
		}
		if b.sign {
			n = -n
		}
	}
	return pack80(e.round(a.sign, a.exp+n, a.sig, 0, ext64))
}

// Extract splits a into its exponent (as a value) and its significand (exponent 0), FXTRACT.
// The instruction replaces ST(0) by the exponent and pushes the significand.
func (e *Env) Extract(a80 F80) (exp, sig F80) {
	a := unpack80(a80)
	switch a.cls {
	case ClassUnsupported:
		v := pack80(e.invalid())
		return v, v
	case ClassSNaN, ClassQNaN:
		v := pack80(e.propagateNaN(a, a, false))
		return v, v
	case ClassZero:
		e.Flags |= FlagDivZero
		return NegInf, a80
	case ClassInf:
		return PosInf, a80
	case ClassDenormal:
		e.Flags |= FlagDenormal
	}
	return FromInt64(int64(a.exp - Bias80)), pack80(unp{cls: ClassNormal, sign: a.sign, exp: Bias80, sig: a.sig})
}

// RoundInt rounds a to an integer value with the current rounding mode (FRNDINT).
func (e *Env) RoundInt(a80 F80) F80 {
	a := unpack80(a80)
	switch a.cls {
	case ClassUnsupported:
		return pack80(e.invalid())
	case ClassSNaN, ClassQNaN:
		return pack80(e.propagateNaN(a, a, false))
	case ClassZero, ClassInf:
		return a80
	case ClassDenormal:
		e.Flags |= FlagDenormal
	}
	fracBits := int32(Bias80) + 63 - a.exp
	if fracBits <= 0 {
		return a80
	}
	var ip, frac uint64
	if fracBits >= 128 {
		frac = 1
	} else {
		ip, frac = shr128Jam(a.sig, 0, uint(fracBits))
	}
	r, st := frac>>63 != 0, frac<<1 != 0
	inc := e.roundInc(a.sign, ip&1 != 0, r, st)
	if r || st {
		e.Flags |= FlagInexact
		e.RoundedUp = inc
	}
	if inc {
		ip++
	}
	if ip == 0 {
		return pack80(unp{cls: ClassZero, sign: a.sign})
	}
	n := bits.LeadingZeros64(ip)
	return pack80(unp{cls: ClassNormal, sign: a.sign, exp: Bias80 + 63 - int32(n), sig: ip << uint(n)})
}

// Constant selects an x87 load-constant instruction.
type Constant uint8

// The constants of FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ.
const (
	ConstOne Constant = iota
	ConstL2T
	ConstL2E
	ConstPi
	ConstLG2
	ConstLN2
	ConstZero
)

// constants holds each constant's exponent and 128 significand bits.
var constants = [...]struct {
	exp    int32
	hi, lo uint64
}{
	ConstOne:  {Bias80, intBit, 0},
	ConstL2T:  {Bias80 + 1, 0xD49A784BCD1B8AFE, 0x492BF6FF4DAFDB4C},
	ConstL2E:  {Bias80, 0xB8AA3B295C17F0BB, 0xBE87FED0691D3E88},
	ConstPi:   {Bias80 + 1, 0xC90FDAA22168C234, 0xC4C6628B80DC1CD1},
	ConstLG2:  {Bias80 - 2, 0x9A209A84FBCFF798, 0x8F8959AC0B7C9178},
	ConstLN2:  {Bias80 - 1, 0xB17217F7D1CF79AB, 0xC9E3B39803F2F6AF},
	ConstZero: {0, 0, 0},
}

// LoadConstant returns an x87 constant rounded with the current rounding mode (from its
// 128-bit value, which rounds as the hardware does). Loading a constant raises no exception and
// leaves the flags in e unchanged.
func (e *Env) LoadConstant(c Constant) F80 {
	switch {
	case int(c) >= len(constants) || c == ConstZero:
		return PosZero
	case c == ConstOne:
		return One
	}
	k := constants[c]
	saved := e.Flags
	r := e.round(false, k.exp, k.hi, k.lo, ext64)
	e.Flags = saved
	e.RoundedUp = false
	return pack80(r)
}
