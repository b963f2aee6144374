package cpu

import (
	"math/rand/v2"
	"testing"
)

// TestMMX_SWARMatchesLanes checks the SWAR forms of PCMPEQ and PMOVMSKB against lane loops.
func TestMMX_SWARMatchesLanes(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 100000; i++ {
		a := r.Uint64()
		b := a ^ r.Uint64()&r.Uint64()&r.Uint64() // many equal lanes
		for _, n := range []uint{8, 16, 32} {
			want := laneOp(a, b, n, func(x, y uint64) uint64 { return mask(x == y) })
			var got uint64
			switch n {
			case 8:
				got = fPCMPEQB(a, b)
			case 16:
				got = fPCMPEQW(a, b)
			default:
				got = fPCMPEQD(a, b)
			}
			if got != want {
				t.Fatalf("pcmpeq%d(%#x, %#x) = %#x, want %#x", n, a, b, got, want)
			}
		}
		var m uint32
		for j := 0; j < 8; j++ {
			if a>>(8*j+7)&1 != 0 {
				m |= 1 << j
			}
		}
		if got := byteSigns(a); got != m {
			t.Fatalf("byteSigns(%#x) = %#x, want %#x", a, got, m)
		}
	}
}
