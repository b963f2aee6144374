package kernel

import "testing"

// TestThreadStack: CreateThread's dwStackSize as kernel32's BaseCreateStack reads it ("Thread Stack Size"),
// for a process without an image (defaults 1 MiB reserved, 4 KiB committed).
func TestThreadStack(t *testing.T) {
	p := &Process{}
	for _, c := range []struct {
		size            uint32
		reservation     bool
		reserve, commit uint32
	}{
		{0, false, 0x100000, 0x1000},               // the defaults
		{0, true, 0x100000, 0x1000},                // zero with the flag: the defaults too
		{0x40000, true, 0x40000, 0x1000},           // STACK_SIZE_PARAM_IS_A_RESERVATION: 256 KiB reserved
		{0x8000, false, 0x100000, 0x8000},          // a commit below the reservation
		{0x180000, false, 0x200000, 0x180000},      // a commit above it: reservation rounded up to 1 MiB
		{0x100000, false, 0x100000, 0x100000},      // equal: rounded (already a multiple); setupStack keeps a guard
		{0xFFFFFFFF, false, 256 << 20, 0xFFFFFFFF}, // wraps: the largest stack (setupStack clamps the commit)
	} {
		r, cm := ThreadStack(p, c.size, c.reservation)
		if r != c.reserve || cm != c.commit {
			t.Errorf("ThreadStack(%#x, %v) = %#x, %#x; want %#x, %#x", c.size, c.reservation, r, cm, c.reserve, c.commit)
		}
	}
}
