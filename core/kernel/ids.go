package kernel

import "sort"

// IDPool hands out process and thread IDs from one numbering, as Windows does (its client-ID table): every ID is a
// non-zero multiple of 4, a process and a thread never have the same ID at the same time, and an ID is given out
// again only after Free, which the kernel calls when the object that had it is gone (its last reference dropped),
// not when it merely ends. Reuse is lowest-first, so runs are deterministic.
type IDPool struct {
	next uint32   // the next never-used ID
	free []uint32 // freed IDs, ascending
	used map[uint32]bool
}

// firstID is the first ID handed out; Windows starts user processes well above the System process (4).
const firstID = 4

// NewIDPool returns an empty pool.
func NewIDPool() *IDPool { return &IDPool{next: firstID, used: map[uint32]bool{}} }

// Alloc returns an unused ID, or 0 when the 32-bit space is exhausted.
func (p *IDPool) Alloc() uint32 {
	var id uint32
	if len(p.free) > 0 {
		id = p.free[0]
		p.free = p.free[1:]
	} else {
		if p.next == 0 || p.next > 0xFFFFFFF0 {
			return 0
		}
		id = p.next
		p.next += 4
	}
	p.used[id] = true
	return id
}

// Free returns id to the pool. Freeing an ID that is not in use is ignored.
func (p *IDPool) Free(id uint32) {
	if !p.used[id] {
		return
	}
	delete(p.used, id)
	i := sort.Search(len(p.free), func(i int) bool { return p.free[i] >= id })
	p.free = append(p.free, 0)
	copy(p.free[i+1:], p.free[i:])
	p.free[i] = id
}

// InUse reports whether id is currently allocated.
func (p *IDPool) InUse(id uint32) bool { return p.used[id] }
