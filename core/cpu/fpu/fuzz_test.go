package fpu

import (
	"encoding/binary"
	"testing"
)

// FuzzOps feeds arbitrary operand encodings and control words to every operation. Nothing may
// panic, and a few algebraic identities the hardware guarantees must hold.
func FuzzOps(f *testing.F) {
	f.Add(make([]byte, 22))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0x80, 0xFF, 0x3F, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0x7F, 0x7F, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 22 {
			return
		}
		le := binary.LittleEndian
		a := F80{Mant: le.Uint64(data), SE: le.Uint16(data[8:])}
		b := F80{Mant: le.Uint64(data[10:]), SE: le.Uint16(data[18:])}
		var s State
		s.Reset()
		s.SetControlWord(le.Uint16(data[20:]) | 0x3F)
		e := s.Env()
		if x, y := e.Add(a, b), e.Add(b, a); x != y && !x.IsNaN() {
			t.Errorf("add not commutative: %v %v", x, y)
		}
		if x, y := e.Mul(a, b), e.Mul(b, a); x != y && !x.IsNaN() {
			t.Errorf("mul not commutative: %v %v", x, y)
		}
		o1, o2 := e.Compare(a, b, true), e.Compare(b, a, true)
		if (o1 == Less) != (o2 == Greater) || (o1 == Equal) != (o2 == Equal) {
			t.Errorf("compare not antisymmetric: %v %v", o1, o2)
		}
		e.Sub(a, b)
		e.Div(a, b)
		e.Sqrt(a)
		e.Remainder(a, b, false)
		e.Remainder(a, b, true)
		e.Scale(a, b)
		e.Extract(a)
		e.RoundInt(a)
		e.ToFloat32(a)
		e.ToFloat64(a)
		e.ToInt(a, 16, false)
		e.ToInt(a, 64, true)
		var bcd [10]byte
		e.ToBCD(a, bcd[:])
		FromBCD(data[:10])
		e.Sin(a)
		e.Cos(a)
		e.SinCos(a)
		e.Tan(a)
		e.Atan(a, b)
		e.F2xm1(a)
		e.Yl2x(a, b)
		e.Yl2xp1(a, b)
		x, y := le.Uint64(data), le.Uint64(data[10:])
		se := s.SSEEnv()
		se.DAZ, se.FTZ = data[21]&1 != 0, data[21]&2 != 0
		for op := OpAdd; op <= OpDiv; op++ {
			se.Arith64(op, x, y)
			se.Arith32(op, uint32(x), uint32(y))
		}
		se.Sqrt64(x)
		se.F64ToF32(x)
		se.F64ToInt32(x, false)
		Recip32(uint32(x))
		RecipSqrt32(uint32(y))
		if img := [FXSaveSize]byte{}; true {
			s.FXSave(img[:])
			s.FXRestore(img[:])
		}
	})
}
