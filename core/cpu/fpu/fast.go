package fpu

import "math"

// Fast paths for SSE arithmetic. When rounding is to nearest, DAZ and FZ are off, and the
// precision exception is both masked and already flagged in MXCSR (the steady state of almost
// every program: the first inexact operation sets PE and nothing clears it), an operation on two
// normal operands whose host result is normal and not the smallest normal raises no flag that
// is not already set, and the host's IEEE arithmetic gives the correctly rounded result. These
// functions compute that result, or report ok=false when the soft-float path must decide.

// FastSSE reports whether mxcsr allows the fast paths.
func FastSSE(mxcsr uint32) bool {
	const need = 1<<5 | 1<<12 // PE flagged, PM masked
	return mxcsr&need == need && mxcsr&(3<<13|MXCSRDAZ|MXCSRFZ) == 0
}

// Fast64 computes a op b on float64 bit patterns (see FastSSE for when it may be used).
func Fast64(op Op, a, b uint64) (r uint64, ok bool) {
	if (a>>52&0x7FF)-1 >= 0x7FE || (b>>52&0x7FF)-1 >= 0x7FE {
		return 0, false
	}
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	var z float64
	switch op {
	case OpAdd:
		z = x + y
	case OpSub:
		z = x - y
	case OpMul:
		z = x * y
	default:
		z = x / y
	}
	r = math.Float64bits(z)
	if (r>>52&0x7FF)-2 >= 0x7FD && (r>>52&0x7FF != 1 || r&(1<<52-1) == 0) {
		return 0, false // zero, denormal, smallest normal, infinity or NaN: the slow path decides
	}
	return r, true
}

// Fast32 computes a op b on float32 bit patterns. It is Fast64 written again for float32 on
// purpose: the field widths are constants and the host arithmetic is float32, which a shared
// generic or parameterised body would lose on a path taken by every SSE float instruction.
func Fast32(op Op, a, b uint32) (r uint32, ok bool) {
	if (a>>23&0xFF)-1 >= 0xFE || (b>>23&0xFF)-1 >= 0xFE {
		return 0, false
	}
	x, y := math.Float32frombits(a), math.Float32frombits(b)
	var z float32
	switch op {
	case OpAdd:
		z = x + y
	case OpSub:
		z = x - y
	case OpMul:
		z = x * y
	default:
		z = x / y
	}
	r = math.Float32bits(z)
	if (r>>23&0xFF)-2 >= 0xFD && (r>>23&0xFF != 1 || r&(1<<23-1) == 0) {
		return 0, false
	}
	return r, true
}

// The x87 fast path: with 53-bit precision control and rounding to nearest (the Windows
// default control word 0x027F), an operation on two extended values that are exactly
// representable as float64 with moderate exponents is computed with the host's float64
// arithmetic, which rounds the same way. The rounding error is recovered exactly (TwoSum,
// Dekker's product) to report PE and the direction of rounding (C1) as the soft path does.
// Products are wrapped in float64() conversions so the compiler never fuses them.

// FastX87 reports whether the control word allows the x87 fast path.
func FastX87(cw uint16) bool { return cw&0xF00 == 0x200 }

// fastRange bounds the operands' unbiased exponents so that no intermediate of the error
// computations overflows or underflows.
const fastRange = 400

func f80Float(f F80) (float64, bool) {
	e := int32(f.SE&0x7FFF) - Bias80
	if e < -fastRange || e > fastRange || f.Mant&0x7FF != 0 || f.Mant&intBit == 0 {
		return 0, false
	}
	return math.Float64frombits(uint64(f.SE>>15)<<63 | uint64(e+1023)<<52 | f.Mant>>11&(1<<52-1)), true
}

// twoSumErr returns (a+b) - s exactly, where s = fl(a+b).
func twoSumErr(a, b, s float64) float64 {
	bb := float64(s - a)
	return float64(a-float64(s-bb)) + float64(b-bb)
}

// split is Veltkamp's splitting of a into two 26-bit halves.
func split(a float64) (hi, lo float64) {
	c := float64(134217729 * a) // 2^27 + 1
	hi = float64(c - float64(c-a))
	return hi, float64(a - hi)
}

// mulErr returns a*b - p exactly, where p = fl(a*b) (Dekker).
func mulErr(a, b, p float64) float64 {
	ah, al := split(a)
	bh, bl := split(b)
	return float64(float64(float64(float64(ah*bh)-p)+float64(ah*bl))+float64(al*bh)) + float64(al*bl)
}

// FastArith80 computes a op b for the x87 when FastX87 holds; ok=false means the soft path
// must be used. It raises PE and sets RoundedUp exactly as the soft path would.
func (e *Env) FastArith80(op Op, a, b F80) (r F80, ok bool) {
	x, ok1 := f80Float(a)
	y, ok2 := f80Float(b)
	if !ok1 || !ok2 {
		return F80{}, false
	}
	var z, diff float64 // diff has the sign of (exact result - z), 0 when exact
	switch op {
	case OpAdd:
		z = x + y
		diff = twoSumErr(x, y, z)
	case OpSub:
		z = x - y
		diff = twoSumErr(x, -y, z)
	case OpMul:
		z = float64(x * y)
		diff = mulErr(x, y, z)
	default:
		z = x / y
		ph := float64(z * y)
		rem := float64(x-ph) - mulErr(z, y, ph) // x - z*y, exact
		diff = rem
		if y < 0 {
			diff = -rem
		}
	}
	bits := math.Float64bits(z)
	ez := int32(bits>>52&0x7FF) - 1023
	if ez < -1022 || ez > 1023 { // zero, denormal (impossible here) or overflow: the soft path decides
		return F80{}, false
	}
	r = F80{Mant: intBit | bits<<11, SE: uint16(bits>>63)<<15 | uint16(ez+Bias80)}
	e.RoundedUp = false
	if diff != 0 {
		e.Flags |= FlagInexact
		e.RoundedUp = (diff > 0) != (z > 0)
	}
	return r, true
}
