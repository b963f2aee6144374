package fpu

import (
	"math/rand/v2"
	"testing"
)

// TestFast_MatchesSoftFloat checks the fast paths against the soft-float path: wherever the
// fast path answers, the result must be identical and the soft path must raise at most PE.
func TestFast_MatchesSoftFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	rnd64 := func() uint64 {
		switch r.IntN(4) {
		case 0:
			return r.Uint64()
		case 1: // near the extremes of the exponent range
			return uint64(r.IntN(2))<<63 | uint64(r.IntN(40)+1+r.IntN(2)*(0x7FE-41))<<52 | r.Uint64()>>12
		}
		return uint64(r.IntN(2))<<63 | uint64(1023-30+r.IntN(60))<<52 | r.Uint64()>>12
	}
	fast := 0
	for i := 0; i < 200000; i++ {
		op := Op(r.IntN(4))
		a, b := rnd64(), rnd64()
		if got, ok := Fast64(op, a, b); ok {
			fast++
			e := Env{Masks: FlagsAll}
			want := e.Arith64(op, a, b)
			if got != want || e.Flags&^FlagInexact != 0 {
				t.Fatalf("Fast64(%d, %#x, %#x) = %#x, soft %#x flags %#x", op, a, b, got, want, e.Flags)
			}
		}
		a32, b32 := uint32(a>>32), uint32(b>>32)
		if i&1 == 0 {
			a32, b32 = uint32(r.IntN(2))<<31|uint32(127-10+r.IntN(20))<<23|uint32(a)>>9, uint32(b)
		}
		if got, ok := Fast32(op, a32, b32); ok {
			e := Env{Masks: FlagsAll}
			want := e.Arith32(op, a32, b32)
			if got != want || e.Flags&^FlagInexact != 0 {
				t.Fatalf("Fast32(%d, %#x, %#x) = %#x, soft %#x flags %#x", op, a32, b32, got, want, e.Flags)
			}
		}
	}
	if fast < 50000 {
		t.Errorf("fast path taken only %d times", fast)
	}
}

func TestFastSSE(t *testing.T) {
	for _, c := range []struct {
		mxcsr uint32
		want  bool
	}{{0x1F80, false}, {0x1FA0, true}, {0x3FA0, false}, {0x1FE0, false}, {0x0FA0, false}, {0x9FA0, false}} {
		if got := FastSSE(c.mxcsr); got != c.want {
			t.Errorf("FastSSE(%#x) = %v, want %v", c.mxcsr, got, c.want)
		}
	}
}

func BenchmarkArith64(b *testing.B) {
	e := Env{Masks: FlagsAll}
	x, y := uint64(0x3FF3333333333333), uint64(0x4005555555555555)
	b.ReportAllocs()
	for b.Loop() {
		x = e.Arith64(OpMul, x, y)&^(0x7FF<<52) | 0x3FF<<52
	}
}

func BenchmarkFast64(b *testing.B) {
	x, y := uint64(0x3FF3333333333333), uint64(0x4005555555555555)
	b.ReportAllocs()
	for b.Loop() {
		r, _ := Fast64(OpMul, x, y)
		x = r&^(0x7FF<<52) | 0x3FF<<52
	}
}

// TestFastArith80_MatchesSoftFloat checks the x87 fast path against the soft path under the
// Windows control word (53-bit precision, nearest).
func TestFastArith80_MatchesSoftFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	rnd := func() F80 {
		m := r.Uint64() | intBit
		if r.IntN(3) > 0 {
			m &^= 0x7FF // float64-representable
		}
		if r.IntN(4) == 0 {
			m &^= ^uint64(0) >> uint(r.IntN(53)+11) // short significands: exact results
		}
		return F80{Mant: m, SE: uint16(r.IntN(2))<<15 | uint16(Bias80-450+r.IntN(900))}
	}
	fast := 0
	for i := 0; i < 300000; i++ {
		op := Op(r.IntN(4))
		a, b := rnd(), rnd()
		if r.IntN(8) == 0 {
			b = a
			b.SE ^= uint16(r.IntN(2)) << 15
		}
		fe := Env{Prec: Prec53, Masks: FlagsAll, X87: true}
		got, ok := fe.FastArith80(op, a, b)
		if !ok {
			continue
		}
		fast++
		se := Env{Prec: Prec53, Masks: FlagsAll, X87: true}
		want := pack80(se.arith(binOp(op), unpack80(a), unpack80(b), &fmtExt[Prec53], false))
		if got != want || fe.Flags != se.Flags || fe.RoundedUp != se.RoundedUp {
			t.Fatalf("FastArith80(%d, %v, %v) = %v flags %#x up %v; soft %v flags %#x up %v",
				op, a, b, got, fe.Flags, fe.RoundedUp, want, se.Flags, se.RoundedUp)
		}
	}
	if fast < 100000 {
		t.Errorf("fast path taken only %d times", fast)
	}
}

func BenchmarkSin(b *testing.B) {
	e := Env{Masks: FlagsAll, X87: true}
	x := F80{Mant: 0xC90FDAA22168C235, SE: 0x3FFF} // about 1.57
	b.ReportAllocs()
	for b.Loop() {
		r, _ := e.Sin(x)
		x.Mant ^= r.Mant & 0xFF // vary the argument slightly
	}
}

func BenchmarkAtan(b *testing.B) {
	e := Env{Masks: FlagsAll, X87: true}
	x, y := One, F80{Mant: 0xB504F333F9DE6484, SE: 0x3FFE}
	b.ReportAllocs()
	for b.Loop() {
		r := e.Atan(y, x)
		y.Mant ^= r.Mant & 0xFF
	}
}
