package fpu

import "testing"

func init() {
	// The table's operations start from a cleared status word, so CondNone reads as no bits.
	x87Extra["fprem"] = func(e *Env, a, b F80) (F80, *F80, uint32) {
		r, c := e.Remainder(a, b, false)
		return r, nil, condOf(c)
	}
	x87Extra["fprem1"] = func(e *Env, a, b F80) (F80, *F80, uint32) {
		r, c := e.Remainder(a, b, true)
		return r, nil, condOf(c)
	}
	x87Extra["fscale"] = func(e *Env, a, b F80) (F80, *F80, uint32) { return e.Scale(a, b), nil, 0 }
	x87Extra["frndint"] = func(e *Env, a, b F80) (F80, *F80, uint32) { return e.RoundInt(a), nil, 0 }
	x87Extra["fxtract"] = func(e *Env, a, b F80) (F80, *F80, uint32) {
		ex, sig := e.Extract(a)
		return sig, &ex, 0
	}
}

func init() {
	x87Extra["fsin"] = func(e *Env, a, b F80) (F80, *F80, uint32) {
		r, oor := e.Sin(a)
		return r, nil, c2(oor)
	}
	x87Extra["fcos"] = func(e *Env, a, b F80) (F80, *F80, uint32) {
		r, oor := e.Cos(a)
		return r, nil, c2(oor)
	}
	x87Extra["fsincos"] = func(e *Env, a, b F80) (F80, *F80, uint32) {
		s, c, oor := e.SinCos(a)
		if oor {
			return a, &b, c2(oor)
		}
		return c, &s, 0
	}
	x87Extra["fptan"] = func(e *Env, a, b F80) (F80, *F80, uint32) {
		r, push, oor := e.Tan(a)
		if oor {
			return a, &b, c2(oor)
		}
		return push, &r, 0
	}
	x87Extra["fpatan"] = func(e *Env, a, b F80) (F80, *F80, uint32) { return e.Atan(b, a), nil, 0 }
	x87Extra["f2xm1"] = func(e *Env, a, b F80) (F80, *F80, uint32) { return e.F2xm1(a), nil, 0 }
	x87Extra["fyl2x"] = func(e *Env, a, b F80) (F80, *F80, uint32) { return e.Yl2x(a, b), nil, 0 }
	x87Extra["fyl2xp1"] = func(e *Env, a, b F80) (F80, *F80, uint32) { return e.Yl2xp1(a, b), nil, 0 }
}

func c2(b bool) uint32 {
	if b {
		return uint32(SWC2)
	}
	return 0
}

func condOf(c uint16) uint32 {
	if c == CondNone {
		return 0
	}
	return uint32(c)
}

// TestScale_UnmaskedHugeExponents checks the exponent wrapping of unmasked x87 overflow and
// underflow (by 24576), and that a result out of range even after wrapping is delivered as a
// masked one would be rather than as a malformed encoding.
func TestScale_UnmaskedHugeExponents(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want F80
	}{
		{40000, F80{Mant: intBit, SE: Bias80 + 40000 - 24576}},
		{-40000, F80{Mant: intBit, SE: Bias80 - 40000 + 24576}},
		{1 << 20, PosInf},
		{-(1 << 20), PosZero},
	} {
		e := Env{Masks: FlagsAll &^ (FlagOverflow | FlagUnderflow), X87: true}
		if r := e.Scale(One, FromInt64(c.n)); r != c.want {
			t.Errorf("scale 1 by 2^%d = %v, want %v", c.n, r, c.want)
		}
	}
}
