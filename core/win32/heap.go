package win32

import (
	"errors"
	"sort"

	"github.com/peek32/peek32/mm"
)

// Heap is a Win32 heap (HeapCreate, the process heap) over a process's address space. Its bookkeeping lives in
// Go, not in guest memory: blocks are carved from reserved segments with an 8-byte gap before each (where
// Windows keeps its block header), allocated first-fit from a free list sorted by address and coalesced on free,
// so the same sequence of calls gives the same addresses every run. Large blocks get their own reservation.
// A guest that overruns a block corrupts its neighbour's data as on Windows, but never the heap's metadata.
type Heap struct {
	// Handle is the HANDLE value: the base of the first segment, as on Windows.
	Handle uint32
	Flags  uint32
	space  *mm.Space
	max    uint32 // 0: growable
	segs   []*segment
	blocks map[uint32]block
	free   []span // sorted by address
	total  uint64 // bytes in use, for limits
}

type segment struct{ base, size, committed, brk uint32 }

type block struct {
	size uint32 // requested size
	cap  uint32 // bytes reserved for the block (from addr), excluding the gap
	big  bool   // own reservation
}

type span struct{ addr, size uint32 } // a free range including the gap before a future block

const (
	heapGap       = 8
	heapAlign     = 8
	bigBlock      = 512 << 10
	segmentMinRes = 1 << 20
)

// ErrHeapFull is returned when a fixed-size heap or the machine's memory is exhausted.
var ErrHeapFull = errors.New("win32: heap exhausted")

// NewHeap creates a heap in space with an initial reservation (rounded up) of which initial bytes are committed;
// max > 0 makes it fixed-size (HeapCreate with dwMaximumSize).
func NewHeap(space *mm.Space, flags, reserve, initial, max uint32) (*Heap, error) {
	h := &Heap{Flags: flags, space: space, max: max, blocks: map[uint32]block{}}
	if max > 0 && reserve < max {
		reserve = max
	}
	if reserve < 0x10000 {
		reserve = 0x10000
	}
	s, err := h.addSegment(reserve)
	if err != nil {
		return nil, err
	}
	h.Handle = s.base
	// The first bytes stand in for the HEAP structure programs sometimes peek at (Flags at +0x40 on Win7).
	s.brk = s.base + 0x100
	_ = h.commit(s, s.brk)
	_ = space.Write32(s.base+0x40, flags|2)
	_ = space.Write32(s.base+0x44, 0)
	_ = initial
	return h, nil
}

func (h *Heap) addSegment(size uint32) (*segment, error) {
	size = (size + 0xFFFF) &^ 0xFFFF
	base, err := h.space.Reserve(0, size, mm.ProtRead|mm.ProtWrite, mm.TypePrivate, false)
	if err != nil {
		return nil, err
	}
	s := &segment{base: base, size: size, committed: base, brk: base}
	h.segs = append(h.segs, s)
	return s, nil
}

// commit makes sure [s.base, end) is committed.
func (h *Heap) commit(s *segment, end uint32) error {
	need := (end + mm.PageSize - 1) &^ (mm.PageSize - 1)
	if need <= s.committed {
		return nil
	}
	if err := h.space.Commit(s.committed, need-s.committed, mm.ProtRead|mm.ProtWrite); err != nil {
		return err
	}
	s.committed = need
	return nil
}

func roundUp(n, a uint32) uint32 { return (n + a - 1) &^ (a - 1) }

// Alloc returns a block of n bytes (zeroed if zero), or 0 and an error.
func (h *Heap) Alloc(n uint32, zero bool) (uint32, error) {
	if n > 0x7FFF0000 {
		return 0, ErrHeapFull
	}
	c := roundUp(max(n, 1), heapAlign)
	if h.max > 0 && h.total+uint64(c) > uint64(h.max) {
		return 0, ErrHeapFull
	}
	if c >= bigBlock && h.max == 0 {
		size := roundUp(c+heapGap, mm.PageSize)
		base, err := h.space.Reserve(0, size, mm.ProtRead|mm.ProtWrite, mm.TypePrivate, false)
		if err != nil {
			return 0, ErrHeapFull
		}
		if err := h.space.Commit(base, size, mm.ProtRead|mm.ProtWrite); err != nil {
			_ = h.space.Release(base)
			return 0, ErrHeapFull
		}
		a := base + heapGap
		h.blocks[a] = block{size: n, cap: size - heapGap, big: true}
		h.total += uint64(c)
		return a, nil
	}
	need := c + heapGap
	// First fit in the free list.
	for i, f := range h.free {
		if f.size >= need {
			a := f.addr + heapGap
			if f.size-need >= heapGap+heapAlign {
				h.free[i] = span{f.addr + need, f.size - need}
			} else {
				c = f.size - heapGap
				h.free = append(h.free[:i], h.free[i+1:]...)
			}
			h.blocks[a] = block{size: n, cap: c}
			h.total += uint64(c)
			if zero {
				h.zero(a, n)
			}
			return a, nil
		}
	}
	// Bump in the last segment, or a new one.
	s := h.segs[len(h.segs)-1]
	if uint64(s.brk)+uint64(need) > uint64(s.base)+uint64(s.size) {
		if h.max > 0 {
			return 0, ErrHeapFull
		}
		ns, err := h.addSegment(max(segmentMinRes, need))
		if err != nil {
			return 0, ErrHeapFull
		}
		s = ns
	}
	if err := h.commit(s, s.brk+need); err != nil {
		return 0, ErrHeapFull
	}
	a := s.brk + heapGap
	s.brk += need
	h.blocks[a] = block{size: n, cap: c}
	h.total += uint64(c)
	// Fresh memory is zero already.
	return a, nil
}

func (h *Heap) zero(a, n uint32) {
	var buf [4096]byte
	for n > 0 {
		k := min(n, uint32(len(buf)))
		_ = h.space.WriteBytes(a, buf[:k], mm.AccessWrite|mm.AccessForce)
		a, n = a+k, n-k
	}
}

// Size returns the requested size of the block at a.
func (h *Heap) Size(a uint32) (uint32, bool) {
	b, ok := h.blocks[a]
	return b.size, ok
}

// Owns reports whether a is a live block of h.
func (h *Heap) Owns(a uint32) bool { _, ok := h.blocks[a]; return ok }

// Free releases the block at a; false if a is not a live block.
func (h *Heap) Free(a uint32) bool {
	b, ok := h.blocks[a]
	if !ok {
		return false
	}
	delete(h.blocks, a)
	h.total -= uint64(roundUp(max(b.size, 1), heapAlign))
	if b.big {
		_ = h.space.Release(a - heapGap)
		return true
	}
	sp := span{a - heapGap, b.cap + heapGap}
	i := sort.Search(len(h.free), func(i int) bool { return h.free[i].addr >= sp.addr })
	h.free = append(h.free, span{})
	copy(h.free[i+1:], h.free[i:])
	h.free[i] = sp
	// Coalesce with the next and the previous span.
	if i+1 < len(h.free) && h.free[i].addr+h.free[i].size == h.free[i+1].addr {
		h.free[i].size += h.free[i+1].size
		h.free = append(h.free[:i+1], h.free[i+2:]...)
	}
	if i > 0 && h.free[i-1].addr+h.free[i-1].size == h.free[i].addr {
		h.free[i-1].size += h.free[i].size
		h.free = append(h.free[:i], h.free[i+1:]...)
	}
	return true
}

// ReAlloc resizes the block at a to n bytes, moving it unless inPlace (then it fails if it cannot grow in place).
// New bytes are zeroed when zero is set. It returns the (possibly new) address.
func (h *Heap) ReAlloc(a, n uint32, zero, inPlace bool) (uint32, error) {
	b, ok := h.blocks[a]
	if !ok {
		return 0, errors.New("win32: not a heap block")
	}
	if n <= b.cap {
		if zero && n > b.size {
			h.zero(a+b.size, n-b.size)
		}
		h.total -= uint64(roundUp(max(b.size, 1), heapAlign))
		h.total += uint64(roundUp(max(n, 1), heapAlign))
		b.size = n
		h.blocks[a] = b
		return a, nil
	}
	if inPlace {
		return 0, ErrHeapFull
	}
	na, err := h.Alloc(n, false)
	if err != nil {
		return 0, err
	}
	var buf [4096]byte
	for off := uint32(0); off < b.size; off += uint32(len(buf)) {
		k := min(b.size-off, uint32(len(buf)))
		_ = h.space.ReadBytes(a+off, buf[:k], mm.AccessRead|mm.AccessForce)
		_ = h.space.WriteBytes(na+off, buf[:k], mm.AccessWrite|mm.AccessForce)
	}
	if zero {
		h.zero(na+b.size, n-b.size)
	}
	h.Free(a)
	return na, nil
}

// Destroy releases all of the heap's memory (HeapDestroy).
func (h *Heap) Destroy() {
	for a, b := range h.blocks {
		if b.big {
			_ = h.space.Release(a - heapGap)
		}
	}
	for _, s := range h.segs {
		_ = h.space.Release(s.base)
	}
	h.blocks, h.free, h.segs = map[uint32]block{}, nil, nil
}

// InUse returns the number of live blocks.
func (h *Heap) InUse() int { return len(h.blocks) }
