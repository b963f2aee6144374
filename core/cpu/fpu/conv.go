package fpu

import "math/bits"

// Float formats used by SSE and by x87 loads and stores, as raw IEEE bit patterns.
const (
	F64Indefinite uint64 = 0xFFF8000000000000
	F32Indefinite uint32 = 0xFFC00000
)

// unpack64 unpacks a float64 bit pattern; with daz, denormals read as zero (no DE).
func unpack64(x uint64, daz bool) unp { return unpackIEEE(x, 52, 11, daz) }

// unpack32 unpacks a float32 bit pattern; with daz, denormals read as zero (no DE).
func unpack32(x uint32, daz bool) unp { return unpackIEEE(uint64(x), 23, 8, daz) }

// pack64 encodes u, already rounded to the float64 format.
func pack64(u unp) uint64 { return packIEEE(u, 52, 11) }

// pack32 encodes u, already rounded to the float32 format.
func pack32(u unp) uint32 { return uint32(packIEEE(u, 23, 8)) }

// unpackIEEE unpacks an IEEE binary format with frac fraction bits and an expw-bit exponent,
// held in the low frac+expw+1 bits of x; with daz, denormals read as zero (no DE).
func unpackIEEE(x uint64, frac, expw uint, daz bool) unp {
	eAll := int32(1)<<expw - 1 // the all-ones exponent; the bias is eAll>>1
	shift := 63 - frac         // aligns the fraction under the F80 integer bit
	u := unp{sign: x>>(frac+expw)&1 != 0}
	e := int32(x>>frac) & eAll
	m := x & (1<<frac - 1)
	switch {
	case e == eAll:
		u.exp = expMax80
		u.sig = intBit | m<<shift
		switch {
		case m == 0:
			u.cls = ClassInf
		case m&(1<<(frac-1)) != 0:
			u.cls = ClassQNaN
		default:
			u.cls = ClassSNaN
		}
	case e == 0:
		if m == 0 || daz {
			u.cls = ClassZero
			return u
		}
		n := bits.LeadingZeros64(m)
		u.cls = ClassDenormal
		u.sig = m << uint(n)
		u.exp = Bias80 - (eAll>>1 - 1) - int32(n-int(shift))
	default:
		u.cls = ClassNormal
		u.exp = e - eAll>>1 + Bias80
		u.sig = intBit | m<<shift
	}
	return u
}

// packIEEE encodes u, already rounded to the IEEE format with frac fraction bits and an
// expw-bit exponent, into the low frac+expw+1 bits of the result.
func packIEEE(u unp, frac, expw uint) uint64 {
	eAll := uint64(1)<<expw - 1
	shift := 63 - frac
	fracMask := uint64(1)<<frac - 1
	var s uint64
	if u.sign {
		s = 1 << (frac + expw)
	}
	switch u.cls {
	case ClassZero:
		return s
	case ClassInf:
		return s | eAll<<frac
	case ClassQNaN, ClassSNaN:
		return s | eAll<<frac | u.sig>>shift&fracMask
	}
	if u.sig&intBit == 0 {
		return s | u.sig>>shift
	}
	return s | uint64(u.exp-Bias80+int32(eAll>>1))<<frac | u.sig>>shift&fracMask
}

// narrow converts u to format f (a store or a down-conversion): NaNs are quieted (SNaN raises
// IE), denormal operands raise DE when de is set (SSE conversions; x87 stores do not report it),
// finite values are rounded with the current rounding mode. x87 exponent wrapping never applies
// to memory stores.
func (e *Env) narrow(u unp, f *format, de bool) unp {
	switch u.cls {
	case ClassUnsupported:
		return e.invalid()
	case ClassSNaN:
		e.Flags |= FlagInvalid
		return quiet(u)
	case ClassQNaN, ClassZero, ClassInf:
		return u
	case ClassDenormal:
		if de {
			e.Flags |= FlagDenormal
		}
	}
	x87 := e.X87
	e.X87 = false
	r := e.round(u.sign, u.exp, u.sig, 0, f)
	e.X87 = x87
	return r
}

// widen prepares a float32/float64 operand loaded into the extended format: an SNaN raises IE
// and is quieted, a denormal raises DE. The value itself is exact.
func (e *Env) widen(u unp) unp {
	switch u.cls {
	case ClassSNaN:
		e.Flags |= FlagInvalid
		return quiet(u)
	case ClassDenormal:
		e.Flags |= FlagDenormal
	}
	return u
}

// FromFloat64 converts float64 bits to extended (FLD m64): exact; SNaN raises IE, denormal DE.
func (e *Env) FromFloat64(x uint64) F80 {
	if ex := x >> 52 & 0x7FF; ex-1 < 0x7FE { // normal: a direct re-encoding
		return F80{Mant: intBit | x<<11, SE: uint16(x>>63)<<15 | uint16(ex-1023+Bias80)}
	}
	return pack80(e.widen(unpack64(x, false)))
}

// FromFloat32 converts float32 bits to extended (FLD m32).
func (e *Env) FromFloat32(x uint32) F80 { return pack80(e.widen(unpack32(x, false))) }

// ToFloat64 rounds an extended value to float64 bits (FST m64) with the current rounding mode
// (precision control does not apply to stores).
func (e *Env) ToFloat64(a F80) uint64 {
	if ex := int32(a.SE&0x7FFF) - Bias80; ex >= -1022 && ex <= 1023 && a.Mant&0x7FF == 0 && a.Mant&intBit != 0 {
		// A normal value that fits float64 exactly: no rounding, no flags.
		return uint64(a.SE>>15)<<63 | uint64(ex+1023)<<52 | a.Mant>>11&(1<<52-1)
	}
	return pack64(e.narrow(unpack80(a), &fmtF64, false))
}

// ToFloat32 rounds an extended value to float32 bits (FST m32).
func (e *Env) ToFloat32(a F80) uint32 { return pack32(e.narrow(unpack80(a), &fmtF32, false)) }

// FromInt64 converts an integer to extended, exactly (FILD).
func FromInt64(v int64) F80 {
	if v == 0 {
		return PosZero
	}
	var se uint16
	m := uint64(v)
	if v < 0 {
		se = 0x8000
		m = -m
	}
	n := bits.LeadingZeros64(m)
	return F80{Mant: m << uint(n), SE: se | uint16(Bias80+63-n)}
}

// toInt converts u to a signed integer of n bits (16, 32 or 64), rounding with the current mode
// or truncating. NaNs, infinities and out-of-range values raise IE and return the integer
// indefinite (the most negative value); ok is false then.
func (e *Env) toInt(u unp, n uint, trunc bool) (v int64, ok bool) {
	minV := int64(-1) << (n - 1)
	switch u.cls {
	case ClassZero:
		return 0, true
	case ClassNormal, ClassDenormal:
	default:
		e.Flags |= FlagInvalid
		return minV, false
	}
	// Integer part and fraction of sig * 2^(exp - Bias80 - 63).
	fracBits := int64(Bias80) + 63 - int64(u.exp)
	var ip, frac uint64
	switch {
	case fracBits <= 0:
		if fracBits < 0 {
			e.Flags |= FlagInvalid
			return minV, false
		}
		ip = u.sig
	case fracBits >= 128:
		frac = 1
	default:
		ip, frac = shr128Jam(u.sig, 0, uint(fracBits))
	}
	mode := e.Round
	if trunc {
		mode = RoundZero
	}
	r, st := frac>>63 != 0, frac<<1 != 0
	inc := false
	switch mode {
	case RoundNearest:
		inc = r && (st || ip&1 != 0)
	case RoundDown:
		inc = u.sign && (r || st)
	case RoundUp:
		inc = !u.sign && (r || st)
	}
	if inc {
		ip++
		if ip == 0 { // carried out of 64 bits
			e.Flags |= FlagInvalid
			return minV, false
		}
	}
	limit := uint64(1) << (n - 1)
	if (!u.sign && ip >= limit) || (u.sign && ip > limit) {
		e.Flags |= FlagInvalid
		return minV, false
	}
	if r || st {
		e.Flags |= FlagInexact
		e.RoundedUp = inc
	}
	if u.sign {
		return -int64(ip), true
	}
	return int64(ip), true
}

// ToInt converts an extended value to an n-bit signed integer (n = 16, 32, 64) as FIST does
// (trunc=true: FISTTP). On invalid it raises IE and returns the integer indefinite.
func (e *Env) ToInt(a F80, n uint, trunc bool) int64 {
	v, _ := e.toInt(unpack80(a), n, trunc)
	return v
}

// FromBCD converts a 10-byte packed-BCD operand (FBLD): 18 digits, sign in bit 7 of byte 9.
// Invalid digits are taken at face value, as the hardware's result is undefined for them.
func FromBCD(b []byte) F80 {
	_ = b[9]
	var v uint64
	for i := 8; i >= 0; i-- {
		v = v*100 + uint64(b[i]>>4)*10 + uint64(b[i]&15)
	}
	r := FromInt64(int64(v))
	if b[9]&0x80 != 0 {
		r.SE |= 0x8000
	}
	return r
}

// ToBCD rounds a to an integer with the current rounding mode and stores it as packed BCD
// (FBSTP). Values beyond 18 digits, NaNs and infinities raise IE and store the BCD indefinite.
func (e *Env) ToBCD(a F80, b []byte) {
	_ = b[9]
	u := unpack80(a)
	v, ok := e.toInt(u, 64, false)
	if ok && (v > 999999999999999999 || v < -999999999999999999) {
		e.Flags |= FlagInvalid
		e.Flags &^= FlagInexact
		ok = false
	}
	if !ok {
		for i := 0; i < 7; i++ {
			b[i] = 0
		}
		b[7], b[8], b[9] = 0xC0, 0xFF, 0xFF
		return
	}
	var sign byte
	m := uint64(v)
	if v < 0 || (v == 0 && u.sign) {
		sign = 0x80
		m = uint64(-v)
	}
	for i := 0; i < 9; i++ {
		d := m % 100
		m /= 100
		b[i] = byte(d/10)<<4 | byte(d%10)
	}
	b[9] = sign
}
