package cpu

import (
	"github.com/peek32/peek32/mm"
)

const (
	maxBlockInsts = 64      // a block holds at most this many instructions
	fastBits      = 12      // the direct-mapped lookup table has 1<<fastBits slots
	maxBlocks     = 1 << 18 // beyond this many cached blocks the cache is flushed
	pageMask      = ^uint32(mm.PageSize - 1)
)

// block is a translated basic block.
type block struct {
	start, end   uint32 // [start, end): end is the fall-through address
	page0, page1 uint32 // pages the bytes came from (page1 == page0 unless the last instruction crosses)
	gen0, gen1   uint32 // their mm.PageGen at translation
	epoch        uint32 // mm.Space.GenEpoch when gen0/gen1 were last found current
	thunk        bool   // start lies in a thunk range: Run stops with StopThunk
	bp           bool   // start is a breakpoint address
	dead         bool   // dropped from the cache (a CPU's resume pointer must not use it)
	insts        []Inst
	code         []byte // the bytes [start, end) translated, for revalidation; nil if not readable
}

// Cache holds the translated blocks of one address space, shared by all CPUs running in it.
// It is not safe for concurrent use.
type Cache struct {
	mem    *mm.Space
	blocks map[uint32]*block
	fast   [1 << fastBits]*block
	bps    map[uint32]struct{}
	buf    [maxBlockInsts * maxInstLen]byte

	// Translations counts blocks translated; Revalidations counts stale blocks found unchanged
	// byte for byte and kept (for tests and statistics).
	Translations  uint64
	Revalidations uint64
}

// NewCache returns an empty translation cache for space.
func NewCache(space *mm.Space) *Cache {
	return &Cache{mem: space, blocks: make(map[uint32]*block), bps: make(map[uint32]struct{})}
}

func fastSlot(a uint32) uint32 { return (a ^ a>>fastBits) & (1<<fastBits - 1) }

// valid reports whether b's pages are unchanged since translation.
func (b *block) valid(mem *mm.Space) bool {
	return mem.PageGen(b.page0) == b.gen0 && (b.page1 == b.page0 || mem.PageGen(b.page1) == b.gen1)
}

// current reports whether b's pages are unchanged since translation, given the space's GenEpoch:
// when the epoch is the one b was last found current at, no generation has changed and the page
// checks are skipped; otherwise they run and, if they pass, b remembers the new epoch.
func (b *block) current(mem *mm.Space, epoch uint32) bool {
	if b.epoch == epoch {
		return true
	}
	if !b.valid(mem) {
		return false
	}
	b.epoch = epoch
	return true
}

// lookup returns the current block at addr, translating it if needed.
func (k *Cache) lookup(c *CPU, addr uint32) *block {
	b := k.blocks[addr]
	if b == nil || (!b.current(k.mem, k.mem.GenEpoch()) && !k.revalidate(b)) {
		b = k.translate(c, addr)
	}
	k.fast[fastSlot(addr)] = b
	return b
}

// revalidate keeps a block whose page generation changed when its bytes are unchanged and its pages
// are still plainly executable: a write to data that shares a page with code then costs a compare,
// not a retranslation. It reports whether b is current again.
func (k *Cache) revalidate(b *block) bool {
	if b.code == nil {
		return false
	}
	mem := k.mem
	for _, pg := range [2]uint32{b.page0, b.page1} {
		pi := mem.PageInfo(pg)
		if pi.State != mm.StateCommit || pi.Prot&mm.ProtExec == 0 || pi.Prot&mm.ProtGuard != 0 {
			return false
		}
	}
	buf := k.buf[:len(b.code)]
	if mem.ReadBytes(b.start, buf, mm.AccessRead|mm.AccessForce) != nil || string(buf) != string(b.code) {
		return false
	}
	b.gen0 = mem.PageGen(b.page0)
	b.gen1 = mem.PageGen(b.page1)
	b.epoch = mem.GenEpoch()
	k.Revalidations++
	return true
}

// Flush drops every translation (breakpoints stay).
func (k *Cache) Flush() {
	for _, b := range k.blocks {
		b.dead = true
	}
	clear(k.blocks)
	k.fast = [1 << fastBits]*block{}
}

// Len returns the number of cached blocks.
func (k *Cache) Len() int { return len(k.blocks) }

// inThunk reports whether a lies in one of c's thunk ranges.
func (c *CPU) inThunk(a uint32) bool {
	for _, r := range c.ThunkRanges {
		if r.Contains(a) {
			return true
		}
	}
	return false
}

// translate builds the block at addr and caches it.
func (k *Cache) translate(c *CPU, addr uint32) *block {
	if len(k.blocks) >= maxBlocks {
		k.Flush()
	}
	k.Translations++
	if old := k.blocks[addr]; old != nil {
		old.dead = true
	}
	mem := k.mem
	b := &block{start: addr, page0: addr & pageMask}
	b.page1 = b.page0
	// Generations are read before fetching: a fetch that consumes a guard page bumps the
	// generation, so the block that reports the guard fault is retranslated next time.
	b.gen0 = mem.PageGen(b.page0)
	b.epoch = mem.GenEpoch() // read with the generations: a change during the fetch shows as a new epoch
	_, b.bp = k.bps[addr]
	if c.inThunk(addr) {
		b.thunk = true
		b.end = addr
		k.blocks[addr] = b
		return b
	}
	var insts [maxBlockInsts]Inst
	n := 0
	// Code on a writable page may modify itself: instructions there that can write memory are
	// flagged so the loop rechecks the page generation after them (self-modification inside the
	// running block then takes effect at the next instruction, as on the processor).
	writable := mem.PageInfo(b.page0).Prot&(mm.ProtWrite|mm.ProtCopy) != 0
	pc := addr
	for n < maxBlockInsts {
		if n > 0 {
			if pc&pageMask != b.page0 {
				break // instructions start in the block's first page only
			}
			if _, bp := k.bps[pc]; bp || c.inThunk(pc) {
				break
			}
		}
		in := &insts[n]
		decodeAt(mem, pc, in)
		if in.Op == opFetchFault && n > 0 {
			break // let the faulting instruction start its own block
		}
		n++
		in.Check = writable && writesMemory(in)
		last := pc + uint32(in.Len) - 1
		if in.Op != opFetchFault && last&pageMask != b.page0 {
			b.page1 = last & pageMask
			b.gen1 = mem.PageGen(b.page1)
		}
		pc += uint32(in.Len)
		if opTable[in.Op].flags&opEndsBlock != 0 {
			break
		}
	}
	b.end = pc
	b.insts = make([]Inst, n)
	copy(b.insts, insts[:n])
	fuseJcc(b.insts)
	if insts[n-1].Op != opFetchFault && b.end-b.start <= uint32(len(k.buf)) {
		code := make([]byte, b.end-b.start)
		if mem.ReadBytes(b.start, code, mm.AccessRead|mm.AccessForce) == nil {
			b.code = code
		}
	}
	mem.MarkCode(b.page0)
	if b.page1 != b.page0 {
		mem.MarkCode(b.page1)
	}
	k.blocks[addr] = b
	return b
}

// writesMemory reports whether in may store to memory other than the stack (a memory first
// operand, or a string store).
func writesMemory(in *Inst) bool {
	if in.Args[0].Kind == argMem {
		return true
	}
	if int(in.Op) < numX86Ops {
		k := strKind[in.Op]
		return strSize[in.Op] != 0 && (k == strMOVS || k == strSTOS)
	}
	return false
}

// SetBreakpoint makes Run stop with StopBreakpoint before executing addr (in every CPU sharing the
// cache). Only the blocks containing addr are dropped.
func (c *CPU) SetBreakpoint(addr uint32) {
	k := c.cache
	k.bps[addr] = struct{}{}
	k.dropContaining(addr)
}

// ClearBreakpoint removes a breakpoint set with SetBreakpoint.
func (c *CPU) ClearBreakpoint(addr uint32) {
	k := c.cache
	if _, ok := k.bps[addr]; !ok {
		return
	}
	delete(k.bps, addr)
	k.dropContaining(addr)
}

// Breakpoints returns the number of breakpoints set.
func (k *Cache) Breakpoints() int { return len(k.bps) }

// dropContaining removes the blocks whose instructions cover addr, and the block starting there.
func (k *Cache) dropContaining(addr uint32) {
	for start, b := range k.blocks {
		if start == addr || (addr >= b.start && addr < b.end) {
			b.dead = true
			delete(k.blocks, start)
			if s := fastSlot(start); k.fast[s] == b {
				k.fast[s] = nil
			}
		}
	}
}
