package mm

// A plain reference model of the address space, for the randomized differential test and the fuzz
// target: maps from page number to page, frames as numbered byte slices, reference counts recounted
// from all pages on demand, placement by trying every candidate base. It shares no code with the
// implementation and favours obviousness over speed.

import (
	"sort"
)

type refFrame struct {
	data []byte
}

type refPage struct {
	prot   Prot
	frame  *refFrame // nil: demand-zero
	code   bool
	shared bool // MapShared: writes in place while writable without write-copy
}

func (p *refPage) inPlace() bool { return p.shared && p.prot&ProtWrite != 0 && p.prot&ProtCopy == 0 }

type refRegion struct {
	base, size uint32
	prot       Prot
	typ        Type
}

type refSpace struct {
	kernel       bool
	noDEP        bool
	regions      map[uint32]*refRegion // by base
	pages        map[uint32]*refPage   // committed pages by page number
	cowCopies    uint64
	cowTakeovers uint64
}

type refMachine struct {
	limit     uint64
	committed uint64
	spaces    []*refSpace // [0] is the kernel
	rc        map[*refFrame]int
}

// cacheRefs counts every frame's references once, for a read-only comparison pass; uncacheRefs ends it.
func (m *refMachine) cacheRefs() {
	m.rc = map[*refFrame]int{}
	for _, s := range m.spaces {
		for _, p := range s.pages {
			if p.frame != nil {
				m.rc[p.frame]++
			}
		}
	}
}

func (m *refMachine) uncacheRefs() { m.rc = nil }

func newRefMachine(limit uint64) *refMachine {
	m := &refMachine{limit: limit}
	m.spaces = append(m.spaces, newRefSpace(true))
	return m
}

func newRefSpace(kernel bool) *refSpace {
	return &refSpace{kernel: kernel, regions: map[uint32]*refRegion{}, pages: map[uint32]*refPage{}}
}

func (s *refSpace) lo() uint64 {
	if s.kernel {
		return KernelBase
	}
	return UserMin
}

func (s *refSpace) hi() uint64 {
	if s.kernel {
		return KernelMax
	}
	return UserMax
}

func (s *refSpace) owns(a uint32) bool { return (a >= KernelBase) == s.kernel }

func (s *refSpace) region(a uint32) *refRegion {
	for _, r := range s.regions {
		if a >= r.base && uint64(a) < uint64(r.base)+uint64(r.size) {
			return r
		}
	}
	return nil
}

func (s *refSpace) free(base, end uint64) bool {
	for _, r := range s.regions {
		if base < uint64(r.base)+uint64(r.size) && uint64(r.base) < end {
			return false
		}
	}
	return true
}

// refs counts the pages of all spaces that map f (from rc when the caller has cached the counts).
func (m *refMachine) refs(f *refFrame) int {
	if m.rc != nil {
		return m.rc[f]
	}
	n := 0
	for _, s := range m.spaces {
		for _, p := range s.pages {
			if p.frame == f {
				n++
			}
		}
	}
	return n
}

func (m *refMachine) charge(pages uint64) bool {
	if m.limit != 0 && m.committed+pages*PageSize > m.limit {
		return false
	}
	m.committed += pages * PageSize
	return true
}

func (m *refMachine) reserve(s *refSpace, addr, size uint32, prot Prot, typ Type, top bool) (uint32, ErrorKind) {
	if !prot.Valid() {
		return 0, ErrInvalidProt
	}
	if typ < TypeImage || typ > TypePrivate {
		return 0, ErrInvalidType
	}
	if size == 0 || uint64(addr)+uint64(size) > 1<<32 {
		return 0, ErrInvalidSize
	}
	var base, end uint64
	if addr != 0 {
		base = uint64(addr) / AllocGranularity * AllocGranularity
		end = (uint64(addr) + uint64(size) + PageSize - 1) / PageSize * PageSize
		if base < s.lo() || end > s.hi() {
			return 0, ErrInvalidAddress
		}
		if !s.free(base, end) {
			return 0, ErrConflict
		}
	} else {
		n := (uint64(size) + PageSize - 1) / PageSize * PageSize
		// Candidates: the bottom (top) of the range and the granule just above (below) each region.
		cands := []uint64{s.lo()}
		if top {
			cands = nil
			if s.hi() >= n {
				cands = append(cands, (s.hi()-n)/AllocGranularity*AllocGranularity)
			}
		}
		for _, r := range s.regions {
			if top {
				if uint64(r.base) >= n {
					cands = append(cands, (uint64(r.base)-n)/AllocGranularity*AllocGranularity)
				}
			} else {
				e := uint64(r.base) + uint64(r.size)
				cands = append(cands, (e+AllocGranularity-1)/AllocGranularity*AllocGranularity)
			}
		}
		found := false
		for _, c := range cands {
			if c < s.lo() || c+n > s.hi() || !s.free(c, c+n) {
				continue
			}
			if !found || (top && c > base) || (!top && c < base) {
				base, found = c, true
			}
		}
		if !found {
			return 0, ErrNoSpace
		}
		end = base + n
	}
	s.regions[uint32(base)] = &refRegion{uint32(base), uint32(end - base), prot, typ}
	return uint32(base), 0
}

// pageRange mirrors the validation every page-range call does.
func (s *refSpace) pageRange(addr, size uint32) (start, end uint64, r *refRegion, kind ErrorKind) {
	if size == 0 || uint64(addr)+uint64(size) > 1<<32 {
		return 0, 0, nil, ErrInvalidSize
	}
	if !s.owns(addr) {
		if s.kernel {
			return 0, 0, nil, ErrInvalidAddress
		}
		return 0, 0, nil, ErrKernelAddress
	}
	start = uint64(addr) / PageSize * PageSize
	end = (uint64(addr) + uint64(size) + PageSize - 1) / PageSize * PageSize
	r = s.region(addr)
	if r == nil {
		return 0, 0, nil, ErrNotReserved
	}
	if end > uint64(r.base)+uint64(r.size) {
		return 0, 0, nil, ErrSpansRegions
	}
	return start, end, r, 0
}

func (m *refMachine) commit(s *refSpace, addr, size uint32, prot Prot) ErrorKind {
	start, end, _, k := s.pageRange(addr, size)
	if k != 0 {
		return k
	}
	if !prot.Valid() {
		return ErrInvalidProt
	}
	var fresh uint64
	for a := start; a < end; a += PageSize {
		if s.pages[uint32(a>>pageShift)] == nil {
			fresh++
		}
	}
	if !m.charge(fresh) {
		return ErrCommitLimit
	}
	for a := start; a < end; a += PageSize {
		pn := uint32(a >> pageShift)
		if p := s.pages[pn]; p != nil {
			p.prot = prot
		} else {
			s.pages[pn] = &refPage{prot: prot}
		}
	}
	return 0
}

func (m *refMachine) decommitRange(s *refSpace, start, end uint64) {
	for a := start; a < end; a += PageSize {
		if s.pages[uint32(a>>pageShift)] != nil {
			delete(s.pages, uint32(a>>pageShift))
			m.committed -= PageSize
		}
	}
}

func (m *refMachine) decommit(s *refSpace, addr, size uint32) ErrorKind {
	if size == 0 && s.owns(addr) {
		if r := s.region(addr); r != nil && r.base == addr {
			size = r.size
		}
	}
	start, end, _, k := s.pageRange(addr, size)
	if k != 0 {
		return k
	}
	m.decommitRange(s, start, end)
	return 0
}

func (m *refMachine) release(s *refSpace, base uint32) ErrorKind {
	if !s.owns(base) {
		if s.kernel {
			return ErrInvalidAddress
		}
		return ErrKernelAddress
	}
	r := s.region(base)
	if r == nil {
		return ErrNotReserved
	}
	if r.base != base {
		return ErrNotBase
	}
	m.decommitRange(s, uint64(r.base), uint64(r.base)+uint64(r.size))
	delete(s.regions, base)
	return 0
}

func (m *refMachine) protect(s *refSpace, addr, size uint32, prot Prot) (Prot, ErrorKind) {
	start, end, _, k := s.pageRange(addr, size)
	if k != 0 {
		return 0, k
	}
	if !prot.Valid() {
		return 0, ErrInvalidProt
	}
	for a := start; a < end; a += PageSize {
		if s.pages[uint32(a>>pageShift)] == nil {
			return 0, ErrNotCommitted
		}
	}
	old := s.pages[uint32(start>>pageShift)].prot
	for a := start; a < end; a += PageSize {
		s.pages[uint32(a>>pageShift)].prot = prot
	}
	return old, 0
}

func (m *refMachine) share(dst, src *refSpace, srcAddr, dstAddr, size uint32, prot Prot, typ Type, inPlace bool) ErrorKind {
	switch {
	case !prot.Valid():
		return ErrInvalidProt
	case size == 0 || uint64(srcAddr)+uint64(size) > 1<<32 || uint64(dstAddr)+uint64(size) > 1<<32:
		return ErrInvalidSize
	case srcAddr%PageSize != 0 || dstAddr%PageSize != 0:
		return ErrAlignment
	}
	n := (uint64(size) + PageSize - 1) / PageSize * PageSize
	so := src
	if !src.kernel && srcAddr >= KernelBase {
		so = m.spaces[0]
	}
	if !so.owns(srcAddr) || !so.owns(uint32(uint64(srcAddr)+n-1)) {
		return ErrInvalidAddress
	}
	for a := uint64(srcAddr); a < uint64(srcAddr)+n; a += PageSize {
		if so.pages[uint32(a>>pageShift)] == nil {
			return ErrNotCommitted
		}
	}
	dstEnd := uint64(dstAddr) + n
	if !dst.owns(dstAddr) || !dst.owns(uint32(dstEnd-1)) {
		if dst.kernel {
			return ErrInvalidAddress
		}
		return ErrKernelAddress
	}
	var newRegion bool
	if r := dst.region(dstAddr); r != nil {
		if dstEnd > uint64(r.base)+uint64(r.size) {
			return ErrSpansRegions
		}
		if typ != TypeNone && typ != r.typ {
			return ErrInvalidType
		}
	} else {
		if typ < TypeImage || typ > TypePrivate {
			return ErrInvalidType
		}
		if dstAddr%AllocGranularity != 0 {
			return ErrAlignment
		}
		if uint64(dstAddr) < dst.lo() || dstEnd > dst.hi() {
			return ErrInvalidAddress
		}
		if !dst.free(uint64(dstAddr), dstEnd) {
			return ErrConflict
		}
		newRegion = true
	}
	var fresh uint64
	for a := uint64(dstAddr); a < dstEnd; a += PageSize {
		if dst.pages[uint32(a>>pageShift)] == nil {
			fresh++
		}
	}
	if !m.charge(fresh) {
		return ErrCommitLimit
	}
	if newRegion {
		dst.regions[dstAddr] = &refRegion{dstAddr, uint32(n), prot, typ}
	}
	var frames []*refFrame
	for a := uint64(srcAddr); a < uint64(srcAddr)+n; a += PageSize {
		p := so.pages[uint32(a>>pageShift)]
		if inPlace {
			if p.frame == nil {
				p.frame = &refFrame{data: make([]byte, PageSize)}
			}
			p.shared = true
		}
		frames = append(frames, p.frame)
	}
	for i, a := 0, uint64(dstAddr); a < dstEnd; i, a = i+1, a+PageSize {
		pn := uint32(a >> pageShift)
		p := dst.pages[pn]
		if p == nil {
			p = &refPage{}
			dst.pages[pn] = p
		}
		p.frame = frames[i]
		p.prot = prot
		p.shared = inPlace && prot&ProtCopy == 0
	}
	return 0
}

func (m *refMachine) clone(s *refSpace) (*refSpace, ErrorKind) {
	if !m.charge(uint64(len(s.pages))) {
		return nil, ErrCommitLimit
	}
	c := newRefSpace(false)
	c.noDEP = s.noDEP
	for b, r := range s.regions {
		rr := *r
		c.regions[b] = &rr
	}
	for pn, p := range s.pages {
		c.pages[pn] = &refPage{prot: p.prot, frame: p.frame, shared: p.shared}
	}
	m.spaces = append(m.spaces, c)
	return c, 0
}

func (m *refMachine) close(i int) {
	s := m.spaces[i]
	for b := range s.regions {
		m.release(s, b)
	}
	m.spaces = append(m.spaces[:i], m.spaces[i+1:]...)
}

// check mirrors the per-page access check. consume clears a guard bit that faults.
func (m *refMachine) check(s *refSpace, a uint32, acc Access, consume bool) (*refPage, *refSpace, Fault) {
	o := s
	if a >= KernelBase && !s.kernel {
		if acc&AccessKernel == 0 {
			return nil, nil, Fault{a, acc.Kind(), FaultKernel}
		}
		o = m.spaces[0]
	}
	var p *refPage
	if o.owns(a) {
		p = o.pages[a>>pageShift]
	}
	if p == nil {
		if o.owns(a) && o.region(a) != nil {
			return nil, nil, Fault{a, acc.Kind(), FaultReserved}
		}
		return nil, nil, Fault{a, acc.Kind(), FaultFree}
	}
	if acc&AccessForce == 0 {
		if p.prot&ProtGuard != 0 {
			if consume {
				p.prot &^= ProtGuard
			}
			return nil, nil, Fault{a, acc.Kind(), FaultGuard}
		}
		ok := false
		switch acc.Kind() {
		case AccessRead:
			ok = p.prot&ProtRead != 0
		case AccessWrite:
			ok = p.prot&(ProtWrite|ProtCopy) != 0
		case AccessExec:
			ok = p.prot&ProtExec != 0 || s.noDEP && p.prot&ProtRead != 0
		}
		if !ok {
			return nil, nil, Fault{a, acc.Kind(), FaultProtection}
		}
	}
	return p, o, Fault{}
}

func (p *refPage) byteAt(off uint32) byte {
	if p.frame == nil {
		return 0
	}
	return p.frame.data[off]
}

// read reads n bytes byte by byte; on a fault it returns the fault and the bytes before it.
func (m *refMachine) read(s *refSpace, a uint32, n int, acc Access) ([]byte, Fault) {
	var out []byte
	var cur *refPage
	for i := 0; i < n; i++ {
		ai := a + uint32(i)
		if i == 0 || ai%PageSize == 0 {
			p, _, f := m.check(s, ai, acc, true)
			if p == nil {
				return out, f
			}
			cur = p
		}
		out = append(out, cur.byteAt(ai%PageSize))
	}
	return out, Fault{}
}

// write checks every page, then writes byte by byte, breaking sharing per page first. It returns
// the fault, or the frames written.
func (m *refMachine) write(s *refSpace, a uint32, data []byte, acc Access) (Fault, []*refFrame) {
	var written []*refFrame
	for i := 0; i < len(data); i++ {
		ai := a + uint32(i)
		if i == 0 || ai%PageSize == 0 {
			if p, _, f := m.check(s, ai, acc, true); p == nil {
				return f, nil
			}
		}
	}
	var cur *refPage
	for i := 0; i < len(data); i++ {
		ai := a + uint32(i)
		if i == 0 || ai%PageSize == 0 {
			p, o, _ := m.check(s, ai, acc, false)
			switch {
			case p.frame == nil:
				p.frame = &refFrame{data: make([]byte, PageSize)}
			case m.refs(p.frame) > 1 && !p.inPlace():
				p.frame = &refFrame{data: append([]byte(nil), p.frame.data...)}
				p.shared = false
				o.cowCopies++
			case p.prot&ProtCopy != 0:
				p.shared = false
				o.cowTakeovers++
			}
			if p.prot&ProtCopy != 0 {
				p.prot = p.prot&^ProtCopy | ProtWrite
			}
			cur = p
			written = append(written, p.frame)
		}
		cur.frame.data[ai%PageSize] = data[i]
	}
	return Fault{}, written
}

func (m *refMachine) fetch(s *refSpace, a uint32, n int) ([]byte, Fault) {
	var out []byte
	var cur *refPage
	mode := Access(0)
	if s.kernel {
		mode = AccessKernel
	}
	for i := 0; i < n; i++ {
		ai := a + uint32(i)
		if i == 0 || ai%PageSize == 0 {
			p, _, f := m.check(s, ai, AccessExec|mode, i == 0)
			if p == nil {
				return out, f
			}
			cur = p
		}
		out = append(out, cur.byteAt(ai%PageSize))
	}
	return out, Fault{}
}

func (m *refMachine) query(s *refSpace, addr uint32) RegionInfo {
	if !s.kernel && addr >= KernelBase {
		return m.query(m.spaces[0], addr)
	}
	page := addr / PageSize * PageSize
	halfEnd := uint64(KernelBase)
	if page >= KernelBase {
		halfEnd = 1 << 32
	}
	r := s.region(page)
	if r == nil || !s.owns(page) {
		end := halfEnd
		if s.owns(page) {
			for _, q := range s.regions {
				if q.base > page && uint64(q.base) < end {
					end = uint64(q.base)
				}
			}
		}
		return RegionInfo{Base: page, Size: uint32(end - uint64(page)), State: StateFree}
	}
	rEnd := uint64(r.base) + uint64(r.size)
	p0 := s.pages[page>>pageShift]
	a := uint64(page)
	if p0 == nil {
		// A reserved run ends at the first committed page after it, or at the region's end.
		a = rEnd
		for pn := range s.pages {
			if pa := uint64(pn) << pageShift; pa > uint64(page) && pa < a {
				a = pa
			}
		}
	} else {
		for a < rEnd {
			p := s.pages[uint32(a>>pageShift)]
			if p == nil || p.prot != p0.prot {
				break
			}
			a += PageSize
		}
	}
	ri := RegionInfo{Base: page, AllocBase: r.base, Size: uint32(a - uint64(page)), State: StateReserve,
		AllocProt: r.prot, Type: r.typ}
	if p0 != nil {
		ri.State, ri.Prot = StateCommit, p0.prot
	}
	return ri
}

func (m *refMachine) pageInfo(s *refSpace, a uint32) PageInfo {
	o := s
	if !s.kernel && a >= KernelBase {
		o = m.spaces[0]
	}
	var pi PageInfo
	if !o.owns(a) {
		return pi
	}
	r := o.region(a)
	if r == nil {
		return pi
	}
	pi.State, pi.Type = StateReserve, r.typ
	p := o.pages[a>>pageShift]
	if p == nil {
		return pi
	}
	pi.State, pi.Prot, pi.Code, pi.Resident = StateCommit, p.prot, p.code, p.frame != nil
	if p.frame != nil && m.refs(p.frame) > 1 {
		pi.Sharing = Shared
		if p.prot&(ProtWrite|ProtCopy) != 0 && !p.inPlace() {
			pi.Sharing = SharedCOW
		}
	}
	return pi
}

func (m *refMachine) stats(s *refSpace) Stats {
	st := Stats{Reservations: len(s.regions), Committed: uint64(len(s.pages)) * PageSize,
		COWCopies: s.cowCopies, COWTakeovers: s.cowTakeovers}
	for _, p := range s.pages {
		if p.frame != nil {
			st.Resident += PageSize
			if m.refs(p.frame) > 1 {
				st.SharedPages++
			}
		}
	}
	return st
}

// sortedPages returns the committed page numbers of s in order.
func (s *refSpace) sortedPages() []uint32 {
	out := make([]uint32, 0, len(s.pages))
	for pn := range s.pages {
		out = append(out, pn)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
