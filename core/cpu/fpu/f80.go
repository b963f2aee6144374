package fpu

import "math/bits"

// F80 is an x87 80-bit extended-precision value: Mant is the 64-bit significand with the explicit
// integer bit at bit 63, SE holds the sign (bit 15) and the 15-bit biased exponent (bits 0..14).
type F80 struct {
	Mant uint64
	SE   uint16
}

// Exponent bias and limits of the extended format.
const (
	Bias80   = 16383
	expMax80 = 0x7FFF
	intBit   = uint64(1) << 63
	quietBit = uint64(1) << 62
)

// Well-known extended values.
var (
	// Indefinite is the x87 "real indefinite" QNaN returned by masked invalid operations.
	Indefinite = F80{Mant: 0xC000000000000000, SE: 0xFFFF}
	PosZero    = F80{}
	NegZero    = F80{SE: 0x8000}
	PosInf     = F80{Mant: intBit, SE: 0x7FFF}
	NegInf     = F80{Mant: intBit, SE: 0xFFFF}
	One        = F80{Mant: intBit, SE: Bias80}
)

// Sign reports whether the sign bit is set.
func (f F80) Sign() bool { return f.SE&0x8000 != 0 }

// Exp returns the biased exponent field.
func (f F80) Exp() int32 { return int32(f.SE & 0x7FFF) }

// Neg returns f with its sign flipped (FCHS: no exception, NaNs included).
func (f F80) Neg() F80 { f.SE ^= 0x8000; return f }

// Abs returns f with its sign cleared (FABS).
func (f F80) Abs() F80 { f.SE &= 0x7FFF; return f }

// Class is the kind of value an encoding holds.
type Class uint8

// Value classes. ClassUnsupported covers the encodings the 387 and later reject as operands:
// unnormals, pseudo-infinities and pseudo-NaNs (a zero integer bit with a nonzero exponent).
const (
	ClassZero Class = iota
	ClassDenormal
	ClassNormal
	ClassInf
	ClassQNaN
	ClassSNaN
	ClassUnsupported
)

// Class classifies f. Pseudo-denormals (exponent 0, integer bit set) are ClassDenormal.
func (f F80) Class() Class {
	e := f.SE & 0x7FFF
	switch {
	case e == 0:
		if f.Mant == 0 {
			return ClassZero
		}
		return ClassDenormal
	case f.Mant&intBit == 0:
		return ClassUnsupported
	case e == expMax80:
		if f.Mant<<1 == 0 {
			return ClassInf
		}
		if f.Mant&quietBit != 0 {
			return ClassQNaN
		}
		return ClassSNaN
	}
	return ClassNormal
}

// IsNaN reports whether f is a NaN (quiet or signaling).
func (f F80) IsNaN() bool { c := f.Class(); return c == ClassQNaN || c == ClassSNaN }

// Flags are exception flags with the layout of the low six bits of the x87 status word and MXCSR.
type Flags uint16

// Exception flags.
const (
	FlagInvalid   Flags = 1 << 0 // IE
	FlagDenormal  Flags = 1 << 1 // DE: an operand was denormal
	FlagDivZero   Flags = 1 << 2 // ZE
	FlagOverflow  Flags = 1 << 3 // OE
	FlagUnderflow Flags = 1 << 4 // UE
	FlagInexact   Flags = 1 << 5 // PE
	FlagsAll      Flags = 0x3F
)

// Rounding is a rounding mode, encoded as the x87 RC and MXCSR RC fields.
type Rounding uint8

// Rounding modes.
const (
	RoundNearest Rounding = 0
	RoundDown    Rounding = 1
	RoundUp      Rounding = 2
	RoundZero    Rounding = 3
)

// Precision is the x87 precision-control field (PC).
type Precision uint8

// Precision control values (1 is reserved; it behaves as 64 bits here).
const (
	Prec24 Precision = 0
	Prec53 Precision = 2
	Prec64 Precision = 3
)

// Env is the floating-point environment of one operation: the rounding mode, the precision, the
// exception masks and the flags raised. Create one per instruction (it is a small value), run the
// operation, then merge Flags and RoundedUp into the architectural state.
type Env struct {
	Round Rounding
	Prec  Precision
	// Masks holds the masked exceptions (x87 CW bits 0..5 / MXCSR bits 7..12 shifted down).
	// It only changes results for x87 overflow/underflow (unmasked: the exponent is wrapped by
	// 24576, as the 387 does); callers decide what an unmasked flag means.
	Masks Flags
	// X87 selects the x87 result rules (bias adjustment on unmasked OE/UE); SSE callers leave it false.
	X87 bool
	// DAZ treats denormal float32/float64 inputs as zero (MXCSR.DAZ); FTZ flushes tiny results
	// to zero when underflow is masked (MXCSR.FZ). SSE only.
	DAZ, FTZ bool
	// Fast says the SSE fast paths (Fast64, Fast32) may be used: see FastSSE.
	Fast bool

	Flags     Flags
	RoundedUp bool // the last rounding increased the magnitude (x87 C1)
}

// format describes a destination format for rounding. Exponents are biased as in F80.
type format struct {
	prec       uint
	eMin, eMax int32
}

var (
	fmtExt = [4]format{
		Prec24: {24, 1, 32766},
		1:      {64, 1, 32766},
		Prec53: {53, 1, 32766},
		Prec64: {64, 1, 32766},
	}
	fmtF64 = format{53, Bias80 - 1022, Bias80 + 1023}
	fmtF32 = format{24, Bias80 - 126, Bias80 + 127}
)

// unp is an unpacked operand or result. For finite nonzero values sig is normalized (bit 63 set)
// and the value is sig/2^63 * 2^(exp-Bias80); exp may lie outside the format's range. NaNs carry
// their significand aligned like an F80 significand (integer bit set).
type unp struct {
	cls  Class
	sign bool
	exp  int32
	sig  uint64
}

// unpack80 unpacks f, normalizing denormals.
func unpack80(f F80) unp {
	u := unp{cls: f.Class(), sign: f.Sign(), exp: f.Exp(), sig: f.Mant}
	if u.cls == ClassDenormal {
		n := bits.LeadingZeros64(u.sig)
		u.sig <<= uint(n)
		u.exp = 1 - int32(n)
	}
	return u
}

// pack80 encodes u (already rounded to the extended format).
func pack80(u unp) F80 {
	var se uint16
	if u.sign {
		se = 0x8000
	}
	switch u.cls {
	case ClassZero:
		return F80{SE: se}
	case ClassInf:
		return F80{Mant: intBit, SE: se | expMax80}
	case ClassQNaN, ClassSNaN:
		return F80{Mant: u.sig, SE: se | expMax80}
	}
	if u.sig&intBit == 0 { // denormal result: exponent field 0
		return F80{Mant: u.sig, SE: se}
	}
	return F80{Mant: u.sig, SE: se | uint16(u.exp)}
}

// roundMode decides whether to increment the magnitude.
func (e *Env) roundInc(sign, lsb, round, sticky bool) bool {
	switch e.Round {
	case RoundNearest:
		return round && (sticky || lsb)
	case RoundDown:
		return sign && (round || sticky)
	case RoundUp:
		return !sign && (round || sticky)
	}
	return false
}

// carries reports whether rounding the normalized (sig, extra) to p bits would carry out of the
// significand (used for after-rounding tininess detection).
func (e *Env) carries(sign bool, sig, extra uint64, p uint) bool {
	if p == 64 {
		if sig != ^uint64(0) {
			return false
		}
		return e.roundInc(sign, true, extra>>63 != 0, extra<<1 != 0)
	}
	sh := 64 - p
	if sig>>sh != (uint64(1)<<p)-1 {
		return false
	}
	half := uint64(1) << (sh - 1)
	return e.roundInc(sign, true, sig&half != 0, sig&(half-1) != 0 || extra != 0)
}

// shr128Jam shifts (hi, lo) right by n, ORing every bit shifted out into the lowest bit.
func shr128Jam(hi, lo uint64, n uint) (uint64, uint64) {
	switch {
	case n == 0:
		return hi, lo
	case n < 64:
		st := lo << (64 - n)
		lo = lo>>n | hi<<(64-n)
		hi >>= n
		if st != 0 {
			lo |= 1
		}
		return hi, lo
	case n < 128:
		st := lo
		if n > 64 {
			st |= hi << (128 - n)
		}
		lo = hi >> (n - 64)
		if st != 0 {
			lo |= 1
		}
		return 0, lo
	}
	if hi|lo != 0 {
		return 0, 1
	}
	return 0, 0
}

// round rounds the exact value sign * (sig:extra)/2^127 * 2^(exp-Bias80) to format f and returns
// the result as an unpacked value (ClassNormal with sig aligned at bit 63, or ClassZero, or
// ClassInf / the largest finite value on overflow). It raises PE, UE, OE and sets RoundedUp.
func (e *Env) round(sign bool, exp int32, sig, extra uint64, f *format) unp {
	e.RoundedUp = false
	if sig == 0 {
		if extra == 0 {
			return unp{cls: ClassZero, sign: sign}
		}
		sig, extra = extra, 0
		exp -= 64
	}
	if n := uint(bits.LeadingZeros64(sig)); n != 0 {
		sig = sig<<n | extra>>(64-n)
		extra <<= n
		exp -= int32(n)
	}
	p := f.prec
	tiny := false
	if exp < f.eMin {
		tiny = exp < f.eMin-1 || !e.carries(sign, sig, extra, p)
		if e.X87 && e.Masks&FlagUnderflow == 0 && exp+24576 >= f.eMin {
			// Unmasked x87 underflow: deliver the rounded result with the exponent wrapped.
			// (A result too small even for that is denormalized below, like a masked one.)
			e.Flags |= FlagUnderflow
			exp += 24576
			tiny = false
		} else if !e.X87 && e.Masks&FlagUnderflow == 0 && tiny {
			// Unmasked underflow outside the x87 registers: no result is delivered; UE is
			// reported, and PE when the value rounded with an unbounded exponent is inexact.
			e.Flags |= FlagUnderflow
			tiny = false
		} else if e.FTZ && e.Masks&FlagUnderflow != 0 && tiny {
			e.Flags |= FlagUnderflow | FlagInexact
			return unp{cls: ClassZero, sign: sign}
		} else {
			sig, extra = shr128Jam(sig, extra, uint(f.eMin-exp))
			exp = f.eMin
		}
	}
	var inexact, inc bool
	if p == 64 {
		r, st := extra>>63 != 0, extra<<1 != 0
		inexact = r || st
		inc = e.roundInc(sign, sig&1 != 0, r, st)
		if inc {
			sig++
			if sig == 0 {
				sig = intBit
				exp++
			}
		}
	} else {
		sh := 64 - p
		half := uint64(1) << (sh - 1)
		r, st := sig&half != 0, sig&(half-1) != 0 || extra != 0
		inexact = r || st
		inc = e.roundInc(sign, sig>>sh&1 != 0, r, st)
		sig &^= (uint64(1) << sh) - 1
		if inc {
			sig += uint64(1) << sh
			if sig == 0 {
				sig = intBit
				exp++
			}
		}
	}
	if inexact {
		e.Flags |= FlagInexact
		e.RoundedUp = inc
		if tiny {
			e.Flags |= FlagUnderflow
		}
	} else if tiny && e.Masks&FlagUnderflow == 0 {
		// An unmasked underflow is signalled for tiny results even when exact.
		e.Flags |= FlagUnderflow
	}
	if sig == 0 {
		return unp{cls: ClassZero, sign: sign}
	}
	if exp > f.eMax {
		e.Flags |= FlagOverflow
		if e.X87 && e.Masks&FlagOverflow == 0 && exp-24576 <= f.eMax {
			exp -= 24576
			return unp{cls: ClassNormal, sign: sign, exp: exp, sig: sig}
		}
		if !e.X87 && e.Masks&FlagOverflow == 0 {
			// Unmasked overflow outside the x87 registers: no result is delivered; PE was
			// reported above only if the value rounded with an unbounded exponent is inexact.
			return unp{cls: ClassInf, sign: sign}
		}
		e.Flags |= FlagInexact
		toInf := e.Round == RoundNearest || (e.Round == RoundUp && !sign) || (e.Round == RoundDown && sign)
		if toInf {
			e.RoundedUp = true
			return unp{cls: ClassInf, sign: sign}
		}
		e.RoundedUp = false
		return unp{cls: ClassNormal, sign: sign, exp: f.eMax, sig: ^uint64(0) << (64 - p)}
	}
	return unp{cls: ClassNormal, sign: sign, exp: exp, sig: sig}
}
