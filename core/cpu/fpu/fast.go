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

// Fast32 computes a op b on float32 bit patterns.
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
