package mm

import "strconv"

// Verify recomputes the machine's bookkeeping from scratch and reports the first inconsistency, or nil:
// every reservation is aligned, in bounds and disjoint from the others; every committed page lies in a
// reservation; the commit totals of each space and of the machine equal the committed pages counted;
// every frame's reference count equals the number of page-table entries that map it; and every TLB
// entry describes a page that may be accessed through it. It walks every table, so it is for tests
// and debugging, not for the hot path.
func (m *Machine) Verify() error {
	refs := map[*frame]int32{}
	var total uint64
	for s := range m.spaces {
		if s.closed {
			return verr(s, "closed space still registered", 0)
		}
		n, err := s.verify(refs)
		if err != nil {
			return err
		}
		total += n
	}
	if total*PageSize != m.committed {
		return &VerifyError{"machine commit total " + strconv.FormatUint(m.committed, 10) +
			" != committed pages counted " + strconv.FormatUint(total*PageSize, 10)}
	}
	for f, n := range refs {
		if f.refs != n {
			return &VerifyError{"frame refcount " + strconv.Itoa(int(f.refs)) + " != references " +
				strconv.Itoa(int(n))}
		}
		if f.data == nil {
			return &VerifyError{"frame without data"}
		}
	}
	return nil
}

// VerifyError is what Machine.Verify reports.
type VerifyError struct{ Msg string }

// Error implements error.
func (e *VerifyError) Error() string { return "mm: verify: " + e.Msg }

func verr(s *Space, msg string, a uint32) error {
	who := "space"
	if s.isKernel {
		who = "kernel"
	}
	return &VerifyError{who + " 0x" + hex32(a) + ": " + msg}
}

func (s *Space) verify(refs map[*frame]int32) (uint64, error) {
	lo, hi := s.bounds()
	var prevEnd uint64
	for i := range s.regions {
		r := &s.regions[i]
		switch {
		case r.base%AllocGranularity != 0 || r.size == 0 || r.size%PageSize != 0:
			return 0, verr(s, "misaligned reservation", r.base)
		case uint64(r.base) < lo || r.end() > hi:
			return 0, verr(s, "reservation out of bounds", r.base)
		case i > 0 && uint64(r.base) < prevEnd:
			return 0, verr(s, "overlapping reservations", r.base)
		case r.typ < TypeImage || r.typ > TypePrivate || !r.prot.Valid():
			return 0, verr(s, "bad reservation type or protection", r.base)
		}
		prevEnd = r.end()
	}
	var committed uint64
	for di, t := range s.dir {
		if t == nil {
			continue
		}
		for j := range t {
			p := &t[j]
			a := uint32(di)<<22 | uint32(j)<<pageShift
			if !p.committed {
				if p.f != nil || p.code || p.shared {
					return 0, verr(s, "uncommitted page with a frame, code mark or shared mark", a)
				}
				continue
			}
			committed++
			if !s.ownsAddr(a) || s.regionAt(a) == nil {
				return 0, verr(s, "committed page outside a reservation", a)
			}
			if !p.prot.Valid() {
				return 0, verr(s, "bad page protection", a)
			}
			if p.f != nil {
				refs[p.f]++
				if p.code && !p.f.code {
					return 0, verr(s, "code page whose frame is not marked", a)
				}
			}
		}
	}
	if committed != s.committedPages {
		return 0, verr(s, "commit count "+strconv.FormatUint(s.committedPages, 10)+" != committed pages "+
			strconv.FormatUint(committed, 10), 0)
	}
	for i := range s.rtlb {
		e := &s.rtlb[i]
		if e.tag == tlbEmpty {
			continue
		}
		a := e.tag << pageShift
		p := s.lookup(a)
		if int(uint8(e.tag)) != i || !s.ownsAddr(a) || p == nil || !p.committed ||
			p.prot&(ProtRead|ProtGuard) != ProtRead || e.page != p.data() {
			return 0, verr(s, "stale read TLB entry", a)
		}
	}
	for i := range s.wtlb {
		e := &s.wtlb[i]
		if e.tag == tlbEmpty {
			continue
		}
		a := e.tag << pageShift
		p := s.lookup(a)
		if int(uint8(e.tag)) != i || !s.ownsAddr(a) || p == nil || !p.committed || !p.writeFast() ||
			e.page != p.f.data {
			return 0, verr(s, "stale write TLB entry", a)
		}
	}
	return committed, nil
}
