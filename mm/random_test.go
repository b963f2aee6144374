package mm

import (
	"math/rand/v2"
	"testing"
)

// TestSpace_RandomDifferential runs long random operation sequences against the reference model.
func TestSpace_RandomDifferential(t *testing.T) {
	seeds := 16
	if testing.Short() {
		seeds = 4
	}
	total := map[string][2]int{}
	for seed := range seeds {
		rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
		data := make([]byte, 12000)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		// The model is quadratic in committed pages: keep the limit small enough to stay fast, and
		// sometimes small enough that commit-limit failures are common.
		limit := []uint64{64, 256, 512}[seed%3]
		h := newHarness(t, limit)
		h.run(data)
		for op, c := range h.outcomes {
			tc := total[op]
			tc[0] += c[0]
			tc[1] += c[1]
			total[op] = tc
		}
	}
	t.Logf("operations (succeeded, failed): %v", total)
}

// FuzzOps decodes the input as an operation sequence (see harness_test.go) and checks the real
// address space against the reference model after every operation. The first byte picks the
// commit limit.
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 0, 2, 4, 0, 0, 1, 2, 2, 0, 0, 2, 4, 0, 1, 7, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 1, 9, 0, 0, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		h := newHarness(t, uint64(data[0]%4+1)*64)
		h.run(data[1:])
	})
}
