package mm

import "sort"

const (
	tlbSize  = 256 // the hot accessors index the TLBs with uint8(page number): keep 256
	tlbMask  = tlbSize - 1
	tlbEmpty = ^uint32(0) // never equal to a page number (those are < 1<<20)

	dirSize   = 1024 // directory entries; each covers 4 MiB
	tableSize = 1024 // PTEs per table
)

// frame is one page of host memory with a reference count: the number of PTEs (in any Space) that map
// it. code is set once any PTE mapping it has been marked with MarkCode; from then on every write to
// the frame sets gen to a fresh machine generation, which PageGen reports for every PTE mapping it.
type frame struct {
	data *[PageSize]byte
	refs int32
	gen  uint32
	code bool
}

// zeroPage backs reads of committed pages that were never written (demand-zero). It is never written:
// every write path gives the page a frame of its own first.
var zeroPage [PageSize]byte

// pte is one page's entry. A pte exists only in tables covering committed (or once committed) pages;
// a page without one is reserved or free, which the region list tells. Entries outlive decommit and
// release so that their generation keeps increasing.
type pte struct {
	f         *frame // nil: demand-zero (reads see zeroPage)
	gen       uint32 // a machine generation: fresh on every change of mapping or protection
	prot      Prot
	committed bool
	code      bool // MarkCode'd (then f, if any, is marked too)
	shared    bool // mapped by MapShared: writes go to the frame in place even if others map it
}

func (p *pte) data() *[PageSize]byte {
	if p.f == nil {
		return &zeroPage
	}
	return p.f.data
}

type ptable [tableSize]pte

// region is one reservation.
type region struct {
	base, size uint32
	prot       Prot // allocation protection
	typ        Type
}

func (r *region) end() uint64 { return uint64(r.base) + uint64(r.size) }

type tlbEntry struct {
	tag  uint32 // page number, or tlbEmpty
	page *[PageSize]byte
}

// Space is one address space: a process's user half plus a reference to its machine's kernel half,
// or (for Machine.Kernel) the kernel half itself. See the package documentation for the model.
type Space struct {
	rtlb [tlbSize]tlbEntry // pages readable in this Space's own half
	wtlb [tlbSize]tlbEntry // pages writable without a slow-path action (see canWriteFast)

	fault Fault
	m     *Machine
	dir   [dirSize]*ptable // only this Space's own half is ever populated

	regions  []region // sorted by base, non-overlapping
	isKernel bool
	closed   bool
	noDEP    bool // execute permission follows read permission

	committedPages uint64
	cowCopies      uint64
	cowTakeovers   uint64
}

func newSpace(m *Machine, kernel bool) *Space {
	s := &Space{m: m, isKernel: kernel}
	s.flushTLB()
	m.spaces[s] = struct{}{}
	return s
}

// Machine returns the machine the space belongs to.
func (s *Space) Machine() *Machine { return s.m }

// IsKernel reports whether s is its machine's kernel-half Space.
func (s *Space) IsKernel() bool { return s.isKernel }

// SetDEP turns data-execution prevention on (the default) or off for this Space. With DEP off, any
// readable page may be executed, as on Windows for programs that opt out.
func (s *Space) SetDEP(on bool) { s.noDEP = !on }

// bounds returns the range this Space may allocate in.
func (s *Space) bounds() (lo, hi uint64) {
	if s.isKernel {
		return KernelBase, KernelMax
	}
	return UserMin, UserMax
}

// ownsAddr reports whether a lies in this Space's own half.
func (s *Space) ownsAddr(a uint32) bool { return (a >= KernelBase) == s.isKernel }

// owner returns the Space whose tables hold a: s itself, or the kernel Space for kernel-half addresses
// (for the kernel Space, that is s itself either way).
func (s *Space) owner(a uint32) *Space {
	if a >= KernelBase {
		return s.m.kernel
	}
	return s
}

// lookup returns the pte of the page holding a in s's own tables, or nil.
func (s *Space) lookup(a uint32) *pte {
	t := s.dir[a>>22]
	if t == nil {
		return nil
	}
	return &t[(a>>pageShift)&(tableSize-1)]
}

// ptePtr returns the pte for a, allocating its table.
func (s *Space) ptePtr(a uint32) *pte {
	t := s.dir[a>>22]
	if t == nil {
		t = new(ptable)
		s.dir[a>>22] = t
	}
	return &t[(a>>pageShift)&(tableSize-1)]
}

// regionIndex returns the index of the reservation containing a, or -1.
func (s *Space) regionIndex(a uint32) int {
	i := sort.Search(len(s.regions), func(i int) bool { return s.regions[i].end() > uint64(a) })
	if i < len(s.regions) && s.regions[i].base <= a {
		return i
	}
	return -1
}

func (s *Space) regionAt(a uint32) *region {
	if i := s.regionIndex(a); i >= 0 {
		return &s.regions[i]
	}
	return nil
}

// flushTLB empties both TLBs.
func (s *Space) flushTLB() {
	for i := range s.rtlb {
		s.rtlb[i] = tlbEntry{tag: tlbEmpty}
		s.wtlb[i] = tlbEntry{tag: tlbEmpty}
	}
}

func (s *Space) flushWTLB() {
	for i := range s.wtlb {
		s.wtlb[i] = tlbEntry{tag: tlbEmpty}
	}
}

// invalidatePage drops the TLB entries of the page holding a.
func (s *Space) invalidatePage(a uint32) {
	pn := a >> pageShift
	if e := &s.rtlb[pn&tlbMask]; e.tag == pn {
		*e = tlbEntry{tag: tlbEmpty}
	}
	s.invalidateWPage(a)
}

// invalidateWPage drops the write-TLB entry of the page holding a.
func (s *Space) invalidateWPage(a uint32) {
	pn := a >> pageShift
	i := pn & tlbMask
	if s.wtlb[i].tag == pn {
		s.wtlb[i] = tlbEntry{tag: tlbEmpty}
	}
}

// invalidateRange drops the TLB entries of the pages of [start, end).
func (s *Space) invalidateRange(start, end uint64) {
	if end-start >= tlbSize*PageSize {
		s.flushTLB()
		return
	}
	for a := start; a < end; a += PageSize {
		s.invalidatePage(uint32(a))
	}
}

// forEachPTE calls f for every existing pte of the pages in [start, end) (page-aligned), skipping
// 4 MiB chunks that have no table.
func (s *Space) forEachPTE(start, end uint64, f func(a uint32, p *pte)) {
	for a := start; a < end; {
		t := s.dir[a>>22]
		if t == nil {
			a = (a | (1<<22 - 1)) + 1
			continue
		}
		f(uint32(a), &t[(a>>pageShift)&(tableSize-1)])
		a += PageSize
	}
}

// pageRange validates [addr, addr+size) for a page-range operation and returns it rounded out to whole
// pages, with the index of the one reservation that must contain it.
func (s *Space) pageRange(op string, addr, size uint32) (start, end uint64, ri int, err error) {
	if s.closed {
		return 0, 0, -1, &Error{op, addr, size, ErrClosed}
	}
	if size == 0 || uint64(addr)+uint64(size) > 1<<32 {
		return 0, 0, -1, &Error{op, addr, size, ErrInvalidSize}
	}
	if !s.ownsAddr(addr) {
		if s.isKernel {
			return 0, 0, -1, &Error{op, addr, size, ErrInvalidAddress}
		}
		return 0, 0, -1, &Error{op, addr, size, ErrKernelAddress}
	}
	start = uint64(addr) &^ pageMask
	end = (uint64(addr) + uint64(size) + pageMask) &^ pageMask
	ri = s.regionIndex(addr)
	if ri < 0 {
		return 0, 0, -1, &Error{op, addr, size, ErrNotReserved}
	}
	if end > s.regions[ri].end() {
		return 0, 0, -1, &Error{op, addr, size, ErrSpansRegions}
	}
	return start, end, ri, nil
}

// Reserve reserves a range of address space. With addr != 0 the reservation covers every page of
// [addr, addr+size) and starts at addr rounded down to AllocGranularity; with addr == 0 it is placed at
// the lowest (or, topDown, the highest) free AllocGranularity-aligned range that fits. It returns the
// reservation's base. prot is the allocation protection reported by Query; typ is TypeImage,
// TypeMapped or TypePrivate. Pages start reserved (not committed): Commit them.
func (s *Space) Reserve(addr, size uint32, prot Prot, typ Type, topDown bool) (uint32, error) {
	const op = "reserve"
	switch {
	case s.closed:
		return 0, &Error{op, addr, size, ErrClosed}
	case !prot.Valid():
		return 0, &Error{op, addr, size, ErrInvalidProt}
	case typ < TypeImage || typ > TypePrivate:
		return 0, &Error{op, addr, size, ErrInvalidType}
	case size == 0 || uint64(addr)+uint64(size) > 1<<32:
		return 0, &Error{op, addr, size, ErrInvalidSize}
	}
	lo, hi := s.bounds()
	var base, end uint64
	if addr != 0 {
		base = uint64(addr) &^ (AllocGranularity - 1)
		end = (uint64(addr) + uint64(size) + pageMask) &^ pageMask
		if base < lo || end > hi {
			return 0, &Error{op, addr, size, ErrInvalidAddress}
		}
		i := sort.Search(len(s.regions), func(i int) bool { return s.regions[i].end() > base })
		if i < len(s.regions) && uint64(s.regions[i].base) < end {
			return 0, &Error{op, addr, size, ErrConflict}
		}
	} else {
		n := (uint64(size) + pageMask) &^ pageMask
		var ok bool
		if topDown {
			base, ok = s.findTopDown(n, lo, hi)
		} else {
			base, ok = s.findBottomUp(n, lo, hi)
		}
		if !ok {
			return 0, &Error{op, addr, size, ErrNoSpace}
		}
		end = base + n
	}
	r := region{base: uint32(base), size: uint32(end - base), prot: prot, typ: typ}
	i := sort.Search(len(s.regions), func(i int) bool { return s.regions[i].base > r.base })
	s.regions = append(s.regions, region{})
	copy(s.regions[i+1:], s.regions[i:])
	s.regions[i] = r
	return r.base, nil
}

func alignUp64K(a uint64) uint64 { return (a + AllocGranularity - 1) &^ (AllocGranularity - 1) }

func (s *Space) findBottomUp(n, lo, hi uint64) (uint64, bool) {
	cand := lo
	for i := range s.regions {
		r := &s.regions[i]
		if cand+n <= uint64(r.base) {
			return cand, true
		}
		if e := alignUp64K(r.end()); e > cand {
			cand = e
		}
	}
	return cand, cand+n <= hi
}

func (s *Space) findTopDown(n, lo, hi uint64) (uint64, bool) {
	limit := hi
	for i := len(s.regions) - 1; i >= -1; i-- {
		var floor uint64 = lo
		if i >= 0 {
			floor = alignUp64K(s.regions[i].end())
		}
		if limit >= n {
			cand := (limit - n) &^ (AllocGranularity - 1)
			if cand >= floor && cand >= lo {
				return cand, true
			}
		}
		if i >= 0 {
			limit = uint64(s.regions[i].base)
		}
	}
	return 0, false
}

// Commit commits the pages of [addr, addr+size), which must lie inside one reservation, with protection
// prot. Newly committed pages read as zero (host memory is allocated on first write); pages already
// committed keep their contents and take the new protection. It fails with ErrCommitLimit, changing
// nothing, if the newly committed pages would exceed the machine's commit limit.
func (s *Space) Commit(addr, size uint32, prot Prot) error {
	const op = "commit"
	start, end, _, err := s.pageRange(op, addr, size)
	if err != nil {
		return err
	}
	if !prot.Valid() {
		return &Error{op, addr, size, ErrInvalidProt}
	}
	var fresh uint64
	for a := start; a < end; a += PageSize {
		if p := s.lookup(uint32(a)); p == nil || !p.committed {
			fresh++
		}
	}
	if !s.m.charge(fresh) {
		return &Error{op, addr, size, ErrCommitLimit}
	}
	s.committedPages += fresh
	for a := start; a < end; a += PageSize {
		p := s.ptePtr(uint32(a))
		p.committed = true
		p.prot = prot
		p.gen = s.m.nextGen()
	}
	s.invalidateRange(start, end)
	return nil
}

// decommitPage returns a committed page to the reserved state.
func (s *Space) decommitPage(p *pte) {
	if !p.committed {
		return
	}
	if p.f != nil {
		p.f.refs--
		p.f = nil
	}
	p.committed = false
	p.code = false
	p.shared = false
	p.prot = ProtNone
	p.gen = s.m.nextGen()
	s.committedPages--
	s.m.uncharge(1)
}

// Decommit decommits the pages of [addr, addr+size) inside one reservation; they become reserved and
// their contents are lost. Pages already reserved are left alone. With size 0 and addr a reservation's
// base, the whole reservation is decommitted.
func (s *Space) Decommit(addr, size uint32) error {
	const op = "decommit"
	if size == 0 && !s.closed && s.ownsAddr(addr) {
		if r := s.regionAt(addr); r != nil && r.base == addr {
			size = r.size
		}
	}
	start, end, _, err := s.pageRange(op, addr, size)
	if err != nil {
		return err
	}
	s.forEachPTE(start, end, func(_ uint32, p *pte) { s.decommitPage(p) })
	s.invalidateRange(start, end)
	return nil
}

// Release frees the whole reservation whose base is base, decommitting its pages.
func (s *Space) Release(base uint32) error {
	const op = "release"
	if s.closed {
		return &Error{op, base, 0, ErrClosed}
	}
	if !s.ownsAddr(base) {
		if s.isKernel {
			return &Error{op, base, 0, ErrInvalidAddress}
		}
		return &Error{op, base, 0, ErrKernelAddress}
	}
	i := s.regionIndex(base)
	if i < 0 {
		return &Error{op, base, 0, ErrNotReserved}
	}
	r := s.regions[i]
	if r.base != base {
		return &Error{op, base, 0, ErrNotBase}
	}
	s.releaseRegion(r)
	s.regions = append(s.regions[:i], s.regions[i+1:]...)
	return nil
}

func (s *Space) releaseRegion(r region) {
	s.forEachPTE(uint64(r.base), r.end(), func(_ uint32, p *pte) {
		s.decommitPage(p)
		p.gen = s.m.nextGen()
	})
	s.invalidateRange(uint64(r.base), r.end())
}

// Protect sets the protection of the pages of [addr, addr+size), which must all be committed and inside
// one reservation, and returns the previous protection of the first page.
func (s *Space) Protect(addr, size uint32, prot Prot) (Prot, error) {
	const op = "protect"
	start, end, _, err := s.pageRange(op, addr, size)
	if err != nil {
		return 0, err
	}
	if !prot.Valid() {
		return 0, &Error{op, addr, size, ErrInvalidProt}
	}
	for a := start; a < end; a += PageSize {
		if p := s.lookup(uint32(a)); p == nil || !p.committed {
			return 0, &Error{op, addr, size, ErrNotCommitted}
		}
	}
	old := s.lookup(uint32(start)).prot
	for a := start; a < end; a += PageSize {
		p := s.lookup(uint32(a))
		p.prot = prot
		p.gen = s.m.nextGen()
	}
	s.invalidateRange(start, end)
	return old, nil
}

// Query describes the run of pages starting at the page holding addr that have the same state and
// protection within one reservation (or, for free memory, up to the next reservation), like
// VirtualQuery. A process Space answers for kernel-half addresses from the kernel half. It fails only
// on a closed Space.
func (s *Space) Query(addr uint32) (RegionInfo, error) {
	if s.closed {
		return RegionInfo{}, &Error{"query", addr, 0, ErrClosed}
	}
	if !s.isKernel && addr >= KernelBase {
		return s.m.kernel.Query(addr)
	}
	return s.query(addr), nil
}

// halfEnd returns the exclusive end of the half holding a.
func halfEnd(a uint32) uint64 {
	if a >= KernelBase {
		return 1 << 32
	}
	return KernelBase
}

// pageState returns the commit state and protection of the page at a (in s's own tables).
func (s *Space) pageState(a uint32) (bool, Prot) {
	if p := s.lookup(a); p != nil && p.committed {
		return true, p.prot
	}
	return false, ProtNone
}

func (s *Space) query(addr uint32) RegionInfo {
	page := addr &^ pageMask
	i := s.regionIndex(page)
	if i < 0 || !s.ownsAddr(addr) {
		end := halfEnd(page)
		if s.ownsAddr(addr) {
			j := sort.Search(len(s.regions), func(j int) bool { return s.regions[j].base > page })
			if j < len(s.regions) {
				end = uint64(s.regions[j].base)
			}
		}
		return RegionInfo{Base: page, Size: uint32(end - uint64(page)), State: StateFree}
	}
	r := &s.regions[i]
	committed, prot := s.pageState(page)
	a := uint64(page) + PageSize
	for a < r.end() {
		if !committed && s.dir[a>>22] == nil {
			a = (a | (1<<22 - 1)) + 1
			continue
		}
		c, p := s.pageState(uint32(a))
		if c != committed || p != prot {
			break
		}
		a += PageSize
	}
	if a > r.end() {
		a = r.end()
	}
	ri := RegionInfo{Base: page, AllocBase: r.base, Size: uint32(a - uint64(page)), State: StateReserve,
		AllocProt: r.prot, Type: r.typ}
	if committed {
		ri.State = StateCommit
		ri.Prot = prot
	}
	return ri
}

// Regions returns the whole map of this Space's own half (the user half for a process Space,
// 0..KernelBase-1; the kernel half for Machine.Kernel), as consecutive Query results covering it.
func (s *Space) Regions() []RegionInfo {
	if s.closed {
		return nil
	}
	var out []RegionInfo
	a, end := uint64(0), uint64(KernelBase)
	if s.isKernel {
		a, end = KernelBase, 1<<32
	}
	for a < end {
		ri := s.query(uint32(a))
		out = append(out, ri)
		a += uint64(ri.Size)
	}
	return out
}

// PageInfo describes the page holding a. A process Space answers for kernel-half addresses from the
// kernel half.
func (s *Space) PageInfo(a uint32) PageInfo {
	o := s.owner(a)
	var pi PageInfo
	r := o.regionAt(a)
	if r == nil || !o.ownsAddr(a) {
		return pi
	}
	pi.State = StateReserve
	pi.Type = r.typ
	p := o.lookup(a)
	if p == nil {
		return pi
	}
	pi.Gen = p.generation()
	if !p.committed {
		return pi
	}
	pi.State = StateCommit
	pi.Prot = p.prot
	pi.Code = p.code
	pi.Resident = p.f != nil
	if p.f != nil && p.f.refs > 1 {
		pi.Sharing = Shared
		if p.prot.Writable() && !p.inPlace() {
			pi.Sharing = SharedCOW
		}
	}
	return pi
}

// Stats summarizes this Space's own half.
func (s *Space) Stats() Stats {
	st := Stats{Reservations: len(s.regions), Committed: s.committedPages * PageSize,
		COWCopies: s.cowCopies, COWTakeovers: s.cowTakeovers}
	for _, t := range s.dir {
		if t == nil {
			continue
		}
		for i := range t {
			p := &t[i]
			if p.committed && p.f != nil {
				st.Resident += PageSize
				if p.f.refs > 1 {
					st.SharedPages++
				}
			}
		}
	}
	return st
}

// ShareFrom maps the frames of src's committed pages [srcAddr, srcAddr+size) into s at dstAddr with
// protection prot: both spaces then reference the same frames (an image section mapped by two
// processes). A writable shared page is copy-on-write: whichever space writes it first gets a private
// copy. srcAddr and dstAddr must be page-aligned. If the destination range lies inside a reservation
// of s, the pages are committed there (typ must be TypeNone or that reservation's type) and replace
// what was committed; otherwise the range must be free, dstAddr AllocGranularity-aligned, and a new
// reservation of type typ with allocation protection prot is made. src may be s itself or
// Machine.Kernel (for src's kernel-half pages); the destination must be in s's own half.
func (s *Space) ShareFrom(src *Space, srcAddr, dstAddr, size uint32, prot Prot, typ Type) error {
	return s.share("share", src, srcAddr, dstAddr, size, prot, typ, false)
}

// MapShared is ShareFrom without copy-on-write, for section objects mapped by several processes
// (CreateFileMapping/MapViewOfFile): the source pages and the new ones are marked shared, and a write
// through any shared mapping of a frame changes it in place, seen by every space that maps it.
// Untouched source pages get their frames now. With ProtCopy in prot the new mapping is instead a
// copy-on-write view (FILE_MAP_COPY): it sees writes made through the shared mappings until it
// writes a page itself, which then becomes private. Arguments and errors are as for ShareFrom.
func (s *Space) MapShared(src *Space, srcAddr, dstAddr, size uint32, prot Prot, typ Type) error {
	return s.share("map-shared", src, srcAddr, dstAddr, size, prot, typ, true)
}

func (s *Space) share(op string, src *Space, srcAddr, dstAddr, size uint32, prot Prot, typ Type, inPlace bool) error {
	switch {
	case s.closed:
		return &Error{op, dstAddr, size, ErrClosed}
	case src == nil || src.closed || src.m != s.m:
		return &Error{op, srcAddr, size, ErrForeign}
	case !prot.Valid():
		return &Error{op, dstAddr, size, ErrInvalidProt}
	case size == 0 || uint64(srcAddr)+uint64(size) > 1<<32 || uint64(dstAddr)+uint64(size) > 1<<32:
		return &Error{op, dstAddr, size, ErrInvalidSize}
	case srcAddr&pageMask != 0 || dstAddr&pageMask != 0:
		return &Error{op, dstAddr, size, ErrAlignment}
	}
	n := (uint64(size) + pageMask) &^ pageMask
	so := src.owner(srcAddr)
	if !so.ownsAddr(srcAddr) || !so.ownsAddr(uint32(uint64(srcAddr)+n-1)) {
		return &Error{op, srcAddr, size, ErrInvalidAddress}
	}
	for a := uint64(srcAddr); a < uint64(srcAddr)+n; a += PageSize {
		if p := so.lookup(uint32(a)); p == nil || !p.committed {
			return &Error{op, srcAddr, size, ErrNotCommitted}
		}
	}
	// Destination.
	dstEnd := uint64(dstAddr) + n
	if !s.ownsAddr(dstAddr) || !s.ownsAddr(uint32(dstEnd-1)) {
		if s.isKernel {
			return &Error{op, dstAddr, size, ErrInvalidAddress}
		}
		return &Error{op, dstAddr, size, ErrKernelAddress}
	}
	newRegion := false
	if r := s.regionAt(dstAddr); r != nil {
		if dstEnd > r.end() {
			return &Error{op, dstAddr, size, ErrSpansRegions}
		}
		if typ != TypeNone && typ != r.typ {
			return &Error{op, dstAddr, size, ErrInvalidType}
		}
	} else {
		if typ < TypeImage || typ > TypePrivate {
			return &Error{op, dstAddr, size, ErrInvalidType}
		}
		if dstAddr&(AllocGranularity-1) != 0 {
			return &Error{op, dstAddr, size, ErrAlignment}
		}
		lo, hi := s.bounds()
		if uint64(dstAddr) < lo || dstEnd > hi {
			return &Error{op, dstAddr, size, ErrInvalidAddress}
		}
		i := sort.Search(len(s.regions), func(i int) bool { return s.regions[i].end() > uint64(dstAddr) })
		if i < len(s.regions) && uint64(s.regions[i].base) < dstEnd {
			return &Error{op, dstAddr, size, ErrConflict}
		}
		newRegion = true
	}
	var fresh uint64
	for a := uint64(dstAddr); a < dstEnd; a += PageSize {
		if p := s.lookup(uint32(a)); p == nil || !p.committed {
			fresh++
		}
	}
	if !s.m.charge(fresh) {
		return &Error{op, dstAddr, size, ErrCommitLimit}
	}
	s.committedPages += fresh
	if newRegion {
		if _, err := s.Reserve(dstAddr, uint32(n), prot, typ, false); err != nil {
			// Unreachable: the range was checked free and in bounds above.
			s.committedPages -= fresh
			s.m.uncharge(fresh)
			return err
		}
	}
	// Collect the source frames, taking the new references before any old one is dropped, so that
	// sharing a page onto itself keeps its frame. A shared mapping needs real frames to share.
	frames := make([]*frame, 0, n/PageSize)
	for a := uint64(srcAddr); a < uint64(srcAddr)+n; a += PageSize {
		p := so.lookup(uint32(a))
		if inPlace {
			if p.f == nil {
				p.f = &frame{data: new([PageSize]byte), refs: 1, code: p.code}
				so.invalidatePage(uint32(a)) // its read TLB entry pointed at the zero page
			}
			p.shared = true
		}
		if p.f != nil {
			p.f.refs++
		}
		frames = append(frames, p.f)
	}
	for i, a := 0, uint64(dstAddr); a < dstEnd; i, a = i+1, a+PageSize {
		p := s.ptePtr(uint32(a))
		if p.f != nil {
			p.f.refs--
		}
		p.f = frames[i]
		p.committed = true
		p.prot = prot
		p.shared = inPlace && prot&ProtCopy == 0
		p.gen = s.m.nextGen()
		if p.code && p.f != nil {
			s.m.markFrameCode(p.f)
		}
	}
	// The source's frames are now shared: they may no longer be written through its write TLB
	// (unless shared in place, which the refill will allow again).
	if n >= tlbSize*PageSize {
		so.flushWTLB()
	} else {
		for a := uint64(srcAddr); a < uint64(srcAddr)+n; a += PageSize {
			so.invalidateWPage(uint32(a))
		}
	}
	s.invalidateRange(uint64(dstAddr), dstEnd)
	return nil
}

// Clone returns a new Space of the same machine with the same reservations and committed pages, every
// frame shared copy-on-write (writes by either space copy) except pages mapped by MapShared, which
// stay shared in place. Code marks are not copied. It fails with
// ErrCommitLimit if the copy's commit would exceed the machine's limit. The kernel Space cannot be cloned.
func (s *Space) Clone() (*Space, error) {
	const op = "clone"
	if s.closed {
		return nil, &Error{op, 0, 0, ErrClosed}
	}
	if s.isKernel {
		return nil, &Error{op, KernelBase, 0, ErrKernelAddress}
	}
	if !s.m.charge(s.committedPages) {
		return nil, &Error{op, 0, 0, ErrCommitLimit}
	}
	c := newSpace(s.m, false)
	c.noDEP = s.noDEP
	c.committedPages = s.committedPages
	c.regions = append([]region(nil), s.regions...)
	for i, t := range s.dir {
		if t == nil {
			continue
		}
		nt := new(ptable)
		*nt = *t
		for j := range nt {
			p := &nt[j]
			p.code = false
			if p.f != nil {
				p.f.refs++
			}
		}
		c.dir[i] = nt
	}
	s.flushWTLB()
	return c, nil
}

// Close releases every reservation of s, returning its commit charge to the machine and dropping its
// frame references; s is unusable afterwards (management calls return ErrClosed, accesses fault).
// The kernel Space cannot be closed.
func (s *Space) Close() error {
	if s.isKernel {
		return &Error{"close", KernelBase, 0, ErrKernelAddress}
	}
	if s.closed {
		return nil
	}
	for _, r := range s.regions {
		s.releaseRegion(r)
	}
	s.regions = nil
	s.dir = [dirSize]*ptable{}
	s.closed = true
	s.flushTLB()
	delete(s.m.spaces, s)
	return nil
}
