package fpu

// Order is the result of a comparison.
type Order uint8

// Comparison results.
const (
	Less Order = iota
	Equal
	Greater
	Unordered
)

// compare compares two unpacked values. An SNaN always raises IE; a QNaN raises IE when
// signaling is set (FCOM, COMISS, the ordered CMPPS predicates). Denormal operands raise DE
// when no NaN is involved. Unsupported x87 encodings raise IE and compare unordered.
func (e *Env) compare(a, b unp, signaling bool) Order {
	if a.cls == ClassUnsupported || b.cls == ClassUnsupported {
		e.Flags |= FlagInvalid
		return Unordered
	}
	if a.isNaN() || b.isNaN() {
		if signaling || a.cls == ClassSNaN || b.cls == ClassSNaN {
			e.Flags |= FlagInvalid
		}
		return Unordered
	}
	if a.cls == ClassDenormal || b.cls == ClassDenormal {
		e.Flags |= FlagDenormal
	}
	if a.cls == ClassZero && b.cls == ClassZero {
		return Equal
	}
	if a.cls == ClassZero {
		if b.sign {
			return Greater
		}
		return Less
	}
	if b.cls == ClassZero {
		if a.sign {
			return Less
		}
		return Greater
	}
	if a.sign != b.sign {
		if a.sign {
			return Less
		}
		return Greater
	}
	// Same sign, both nonzero: compare magnitudes (infinities have the largest exponent).
	var mag Order
	switch {
	case a.cls == ClassInf && b.cls == ClassInf:
		mag = Equal
	case a.cls == ClassInf:
		mag = Greater
	case b.cls == ClassInf:
		mag = Less
	case a.exp != b.exp:
		if a.exp > b.exp {
			mag = Greater
		} else {
			mag = Less
		}
	case a.sig != b.sig:
		if a.sig > b.sig {
			mag = Greater
		} else {
			mag = Less
		}
	default:
		mag = Equal
	}
	if a.sign && mag != Equal {
		return 2 - mag // Less <-> Greater
	}
	return mag
}

// Compare compares two extended values (FCOM with quiet=false, FUCOM with quiet=true).
func (e *Env) Compare(a, b F80, quiet bool) Order {
	return e.compare(unpack80(a), unpack80(b), !quiet)
}

// Compare64 compares two float64 bit patterns (COMISD: quiet=false, UCOMISD: quiet=true).
func (e *Env) Compare64(a, b uint64, quiet bool) Order {
	return e.compare(unpack64(a, e.DAZ), unpack64(b, e.DAZ), !quiet)
}

// Compare32 compares two float32 bit patterns.
func (e *Env) Compare32(a, b uint32, quiet bool) Order {
	return e.compare(unpack32(a, e.DAZ), unpack32(b, e.DAZ), !quiet)
}

// Examine classifies a register for FXAM, returning C3, C2, C0 as bits 2, 1, 0 (C1 is the sign;
// empty registers are the caller's case: 0b101).
func Examine(a F80) uint8 {
	switch a.Class() {
	case ClassUnsupported:
		return 0b000
	case ClassQNaN, ClassSNaN:
		return 0b001
	case ClassNormal:
		return 0b010
	case ClassInf:
		return 0b011
	case ClassZero:
		return 0b100
	}
	return 0b110 // denormal
}
