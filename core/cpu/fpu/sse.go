package fpu

// Op is a binary arithmetic operation for the float32/float64 (SSE) entry points.
type Op uint8

// SSE arithmetic operations.
const (
	OpAdd Op = Op(opAdd)
	OpSub Op = Op(opSub)
	OpMul Op = Op(opMul)
	OpDiv Op = Op(opDiv)
)

// Arith64 computes a op b on float64 bit patterns under the SSE rules (a is the destination
// operand: with two NaNs it is the one returned).
func (e *Env) Arith64(op Op, a, b uint64) uint64 {
	return pack64(e.arith(binOp(op), unpack64(a, e.DAZ), unpack64(b, e.DAZ), &fmtF64, true))
}

// Arith32 computes a op b on float32 bit patterns under the SSE rules.
func (e *Env) Arith32(op Op, a, b uint32) uint32 {
	return pack32(e.arith(binOp(op), unpack32(a, e.DAZ), unpack32(b, e.DAZ), &fmtF32, true))
}

// Sqrt64 is SQRTSD.
func (e *Env) Sqrt64(a uint64) uint64 { return pack64(e.sqrt(unpack64(a, e.DAZ), &fmtF64, true)) }

// Sqrt32 is SQRTSS.
func (e *Env) Sqrt32(a uint32) uint32 { return pack32(e.sqrt(unpack32(a, e.DAZ), &fmtF32, true)) }

// minMax implements MINSx/MAXSx: any NaN operand raises IE and returns b (the source), as does
// a comparison of two zeros; otherwise the smaller (larger) operand is returned unchanged.
func (e *Env) minMax(ua, ub unp, max bool) (first bool) {
	o := e.compare(ua, ub, true)
	if max {
		return o == Greater
	}
	return o == Less
}

// daz64 and daz32 flush a denormal to a signed zero when DAZ is set (MINSD/MAXSD return the
// flushed operand).
func (e *Env) daz64(x uint64) uint64 {
	if e.DAZ && x&(0x7FF<<52) == 0 {
		return x & (1 << 63)
	}
	return x
}

func (e *Env) daz32(x uint32) uint32 {
	if e.DAZ && x&(0xFF<<23) == 0 {
		return x & (1 << 31)
	}
	return x
}

// Min64 is MINSD: a < b ? a : b (NaNs and equal operands return b).
func (e *Env) Min64(a, b uint64) uint64 {
	a, b = e.daz64(a), e.daz64(b)
	if e.minMax(unpack64(a, false), unpack64(b, false), false) {
		return a
	}
	return b
}

// Max64 is MAXSD: a > b ? a : b.
func (e *Env) Max64(a, b uint64) uint64 {
	a, b = e.daz64(a), e.daz64(b)
	if e.minMax(unpack64(a, false), unpack64(b, false), true) {
		return a
	}
	return b
}

// Min32 is MINSS.
func (e *Env) Min32(a, b uint32) uint32 {
	a, b = e.daz32(a), e.daz32(b)
	if e.minMax(unpack32(a, false), unpack32(b, false), false) {
		return a
	}
	return b
}

// Max32 is MAXSS.
func (e *Env) Max32(a, b uint32) uint32 {
	a, b = e.daz32(a), e.daz32(b)
	if e.minMax(unpack32(a, false), unpack32(b, false), true) {
		return a
	}
	return b
}

// CmpPredicate evaluates a CMPPS/CMPSD predicate (0 EQ, 1 LT, 2 LE, 3 UNORD, 4 NEQ, 5 NLT,
// 6 NLE, 7 ORD) given the comparison result. LT, LE, NLT and NLE signal IE on QNaNs.
func CmpPredicate(o Order, pred uint8) bool {
	switch pred & 7 {
	case 0:
		return o == Equal
	case 1:
		return o == Less
	case 2:
		return o == Less || o == Equal
	case 3:
		return o == Unordered
	case 4:
		return o != Equal
	case 5:
		return o != Less
	case 6:
		return o == Greater || o == Unordered
	}
	return o != Unordered
}

// predSignals reports whether predicate pred raises IE on a QNaN operand.
func predSignals(pred uint8) bool {
	p := pred & 3
	return p == 1 || p == 2
}

// Cmp64 evaluates CMPSD predicate pred on a and b.
func (e *Env) Cmp64(a, b uint64, pred uint8) bool {
	return CmpPredicate(e.compare(unpack64(a, e.DAZ), unpack64(b, e.DAZ), predSignals(pred)), pred)
}

// Cmp32 evaluates CMPSS predicate pred on a and b.
func (e *Env) Cmp32(a, b uint32, pred uint8) bool {
	return CmpPredicate(e.compare(unpack32(a, e.DAZ), unpack32(b, e.DAZ), predSignals(pred)), pred)
}

// F64ToF32 is CVTSD2SS.
func (e *Env) F64ToF32(a uint64) uint32 { return pack32(e.narrow(unpack64(a, e.DAZ), &fmtF32, true)) }

// F32ToF64 is CVTSS2SD (exact; SNaN raises IE, denormal DE).
func (e *Env) F32ToF64(a uint32) uint64 { return pack64(e.widen(unpack32(a, e.DAZ))) }

// F64ToInt32 is CVTSD2SI (trunc: CVTTSD2SI); invalid returns 0x80000000.
func (e *Env) F64ToInt32(a uint64, trunc bool) int32 {
	v, _ := e.toInt(unpack64(a, e.DAZ), 32, trunc)
	return int32(v)
}

// F32ToInt32 is CVTSS2SI (trunc: CVTTSS2SI).
func (e *Env) F32ToInt32(a uint32, trunc bool) int32 {
	v, _ := e.toInt(unpack32(a, e.DAZ), 32, trunc)
	return int32(v)
}

// Int32ToF64 is CVTSI2SD (exact).
func Int32ToF64(v int32) uint64 {
	var e Env
	return pack64(e.round(v < 0, Bias80+63, abs64(int64(v)), 0, &fmtF64))
}

// Int32ToF32 is CVTSI2SS (rounded with the current mode).
func (e *Env) Int32ToF32(v int32) uint32 {
	return pack32(e.round(v < 0, Bias80+63, abs64(int64(v)), 0, &fmtF32))
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// Load64 converts a float64 memory operand of an x87 arithmetic instruction to extended without
// quieting a signaling NaN (the operation does that, with the x87 NaN rules), raising DE for a
// denormal.
func (e *Env) Load64(x uint64) F80 {
	u := unpack64(x, false)
	if u.cls == ClassDenormal {
		e.Flags |= FlagDenormal
	}
	return pack80(u)
}

// Load32 is Load64 for float32 operands.
func (e *Env) Load32(x uint32) F80 {
	u := unpack32(x, false)
	if u.cls == ClassDenormal {
		e.Flags |= FlagDenormal
	}
	return pack80(u)
}

// Recip32 is RCPSS/RCPPS: the reciprocal approximation of the hardware, bit for bit (its result
// depends only on the top 11 significand bits, so a table taken from the real CPU reproduces it;
// see testdata/gen/rcpgen.c). Zeros and denormals give a signed infinity, infinities a signed
// zero, results too small to be normal are flushed to zero, NaNs are quieted; no flags.
func Recip32(x uint32) uint32 {
	sign := x & (1 << 31)
	e := int32(x>>23) & 0xFF
	switch {
	case e == 0xFF && x&(1<<23-1) != 0:
		return x | 1<<22
	case e == 0xFF:
		return sign
	case e == 0:
		return sign | 0x7F800000
	}
	t := rcpTable[x>>12&2047]
	re := int32(t>>23&0xFF) - (e - 127)
	if re <= 0 {
		return sign
	}
	return sign | uint32(re)<<23 | t&(1<<23-1)
}

// RecipSqrt32 is RSQRTSS/RSQRTPS, bit for bit like Recip32 (top 10 significand bits and the
// exponent's parity). Negative nonzero inputs give the indefinite, zeros and denormals a signed
// infinity, +inf gives +0.
func RecipSqrt32(x uint32) uint32 {
	sign := x & (1 << 31)
	e := int32(x>>23) & 0xFF
	switch {
	case e == 0xFF && x&(1<<23-1) != 0:
		return x | 1<<22
	case e == 0:
		return sign | 0x7F800000
	case sign != 0:
		return F32Indefinite
	case e == 0xFF:
		return 0
	}
	u := e - 127
	idx := x >> 13 & 1023
	if u&1 != 0 {
		idx |= 1024
		u--
	}
	t := rsqrtTable[idx]
	re := int32(t>>23&0xFF) - u/2
	return uint32(re)<<23 | t&(1<<23-1)
}
