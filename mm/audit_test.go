package mm

import (
	"errors"
	"runtime"
	"testing"
)

// The issue-2 audit's tests (docs/ISSUE2_AUDIT.md): the protection matrix, the layout's forbidden
// ranges under every placement, and the host-memory cost of a space.

// matrixProts are the eight protections of the issue, in mm's bits (the win32 layer maps PAGE_* onto
// these; PAGE_EXECUTE there maps to ProtExec|ProtRead, here ProtExec alone is tested as the strict
// form).
var matrixProts = []struct {
	name string
	prot Prot
}{
	{"noaccess", ProtNone},
	{"read", ProtRead},
	{"readwrite", ProtRead | ProtWrite},
	{"execute", ProtExec},
	{"execute-read", ProtExec | ProtRead},
	{"execute-readwrite", ProtExec | ProtRead | ProtWrite},
	{"writecopy", ProtRead | ProtCopy},
	{"guard", ProtRead | ProtWrite | ProtGuard},
}

// matrixAllowed is the independent statement of the rules: which access kinds a protection permits
// (ignoring guard, which faults once first).
func matrixAllowed(p Prot, kind Access, dep bool) bool {
	switch kind {
	case AccessRead:
		return p&ProtRead != 0
	case AccessWrite:
		return p&(ProtWrite|ProtCopy) != 0
	default:
		if !dep {
			return p&(ProtExec|ProtRead) != 0
		}
		return p&ProtExec != 0
	}
}

// matrixDo performs one 4-byte access of kind through the path of mode and reports whether it
// succeeded and the fault. Modes: "user" (a process Space's hot accessors, Fetch for execute),
// "user-bulk" (ReadBytes/WriteBytes without options), "kernel-on-user" (bulk accessors with
// AccessKernel on a user page), "kernel" (the kernel Space's own hot accessors on a kernel page),
// "kernel-via-process" (a process Space's bulk accessors with AccessKernel on a kernel page) and
// "user-on-kernel" (a process Space's hot accessors on a kernel page).
func matrixDo(s *Space, mode string, kind Access, a uint32) (bool, Fault) {
	const v = 0x5A5A5A5A
	bulk := func(opt Access) (bool, Fault) {
		var err error
		switch kind {
		case AccessRead:
			err = s.ReadBytes(a, make([]byte, 4), opt)
		case AccessWrite:
			err = s.WriteBytes(a, []byte{0x5A, 0x5A, 0x5A, 0x5A}, opt)
		default:
			err = s.ReadBytes(a, make([]byte, 4), opt|AccessExec)
		}
		if err == nil {
			return true, Fault{}
		}
		var f Fault
		if !errors.As(err, &f) {
			panic("bulk accessor returned a non-Fault error: " + err.Error())
		}
		return false, f
	}
	switch mode {
	case "user-bulk":
		return bulk(0)
	case "kernel-on-user", "kernel-via-process":
		return bulk(AccessKernel)
	}
	var ok bool
	switch kind {
	case AccessRead:
		_, ok = s.Read32(a)
	case AccessWrite:
		ok = s.Write32(a, v)
	default:
		_, ok = s.Fetch(a, make([]byte, 4))
	}
	if ok {
		return true, Fault{}
	}
	return false, s.LastFault()
}

// TestProtectionMatrix checks every protection against every access kind in every mode, twice (the
// second access goes through whatever the first put in the TLBs): the expected outcome is computed
// from matrixAllowed, not from mm's own permits. A guard page faults once with FaultGuard, loses the
// bit, and the retry obeys the rest of its protection; a faulting write writes nothing; a successful
// write to write-copy turns it into read/write; user-mode accesses to the kernel half fault with
// FaultKernel whatever the protection.
func TestProtectionMatrix(t *testing.T) {
	const user = 0x00400000
	kinds := []Access{AccessRead, AccessWrite, AccessExec}
	modes := []string{"user", "user-bulk", "kernel-on-user", "kernel", "kernel-via-process", "user-on-kernel"}
	cells := 0
	for _, dep := range []bool{true, false} {
		for _, mp := range matrixProts {
			for _, kind := range kinds {
				for _, mode := range modes {
					if !dep && (kind != AccessExec || mode == "user-on-kernel") {
						continue // DEP only changes execute
					}
					name := mp.name + "/" + kind.String() + "/" + mode
					if !dep {
						name += "/noDEP"
					}
					cells++
					t.Run(name, func(t *testing.T) {
						m := NewMachine(0)
						s := m.NewSpace()
						k := m.Kernel()
						target, addr := s, uint32(user)
						if _, err := s.Reserve(user, 0x10000, ProtRead|ProtWrite, TypePrivate, false); err != nil {
							t.Fatal(err)
						}
						owner := s
						switch mode {
						case "kernel", "kernel-via-process", "user-on-kernel":
							kb, err := k.Reserve(0, 0x10000, ProtRead|ProtWrite, TypePrivate, false)
							if err != nil {
								t.Fatal(err)
							}
							addr, owner = kb, k
							if mode == "kernel" {
								target = k
							}
						}
						owner.SetDEP(dep)
						target.SetDEP(dep)
						if err := owner.Commit(addr, PageSize, ProtRead|ProtWrite); err != nil {
							t.Fatal(err)
						}
						// Known contents, then the protection under test.
						if err := owner.WriteBytes(addr, []byte{1, 2, 3, 4}, AccessForce); err != nil {
							t.Fatal(err)
						}
						if _, err := owner.Protect(addr, PageSize, mp.prot); err != nil {
							t.Fatal(err)
						}
						check := func(attempt int, prot Prot) {
							t.Helper()
							ok, f := matrixDo(target, mode, kind, addr)
							var want FaultReason
							switch {
							case mode == "user-on-kernel":
								want = FaultKernel
							case prot&ProtGuard != 0:
								want = FaultGuard
							case !matrixAllowed(prot, kind, dep):
								want = FaultProtection
							}
							if want == FaultNone {
								if !ok {
									t.Fatalf("attempt %d: fault %v, want success", attempt, f)
								}
							} else if ok || f != (Fault{addr, kind, want}) {
								t.Fatalf("attempt %d: ok=%v fault %+v, want %v", attempt, ok, f, want)
							}
							var got [4]byte
							if err := owner.ReadBytes(addr, got[:], AccessForce); err != nil {
								t.Fatal(err)
							}
							wrote := kind == AccessWrite && ok
							if wrote != (got == [4]byte{0x5A, 0x5A, 0x5A, 0x5A}) {
								t.Fatalf("attempt %d: ok=%v but memory holds % x", attempt, ok, got)
							}
						}
						check(1, mp.prot)
						after := mp.prot &^ ProtGuard
						if kind == AccessWrite && mp.prot&ProtCopy != 0 {
							after = after&^ProtCopy | ProtWrite // the write made it private
						}
						if mode == "user-on-kernel" {
							after = mp.prot // a FaultKernel access never reaches the page
						}
						if got := owner.PageInfo(addr).Prot; got != after {
							t.Fatalf("protection after one access %v, want %v", got, after)
						}
						check(2, after)
						if err := m.Verify(); err != nil {
							t.Fatal(err)
						}
					})
				}
			}
		}
	}
	if cells != 8*3*6+8*5 {
		t.Fatalf("%d cells", cells)
	}
}

// TestLayout_ForbiddenRangesNeverHandedOut fills the user half by every placement (bottom-up,
// top-down, explicit addresses at and around the edges, ShareFrom into free space) and checks that
// no reservation ever touches the NULL region or the guard between the halves, and the kernel half
// likewise never hands out its top 64 KiB.
func TestLayout_ForbiddenRangesNeverHandedOut(t *testing.T) {
	outside := func(base, size uint32, lo, hi uint64) bool {
		return uint64(base) < lo || uint64(base)+uint64(size) > hi
	}
	for _, top := range []bool{false, true} {
		m := NewMachine(0)
		s := m.NewSpace()
		// Explicit addresses in or across the forbidden ranges all fail.
		for _, r := range [][2]uint32{{1, 1}, {0xFFFF, 2}, {0x8000, 0x10000}, {UserMax, 1}, {UserMax - 1, 2},
			{0x7FFFFFFF, 1}, {UserMax - 0x10000, 0x10001}, {KernelBase - PageSize, PageSize}} {
			if _, err := s.Reserve(r[0], r[1], ProtRead, TypePrivate, top); !errors.Is(err, ErrInvalidAddress) {
				t.Fatalf("Reserve(%#x, %#x) = %v, want ErrInvalidAddress", r[0], r[1], err)
			}
		}
		// The edges themselves are fine.
		lo, err := s.Reserve(UserMin, PageSize, ProtRead, TypePrivate, false)
		if err != nil || lo != UserMin {
			t.Fatalf("Reserve at UserMin: %#x %v", lo, err)
		}
		hi, err := s.Reserve(UserMax-1, 1, ProtRead, TypePrivate, false)
		if err != nil || hi != UserMax-AllocGranularity {
			t.Fatalf("Reserve of the last byte: %#x %v", hi, err)
		}
		if err := s.Release(lo); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(hi); err != nil {
			t.Fatal(err)
		}
		// Fill everything with odd sizes; then single granules until nothing fits.
		n := 0
		for _, size := range []uint32{0x10000000, 0x01234567, 0x00100001, 0x1001, 1} {
			for {
				b, err := s.Reserve(0, size, ProtRead, TypePrivate, top)
				if errors.Is(err, ErrNoSpace) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				n++
				if outside(b, size, UserMin, UserMax) || b%AllocGranularity != 0 {
					t.Fatalf("top=%v: reservation %#x+%#x outside the user range", top, b, size)
				}
			}
		}
		for _, ri := range s.Regions() {
			if ri.State != StateFree && outside(ri.Base, ri.Size, UserMin, UserMax) {
				t.Fatalf("region %+v outside the user range", ri)
			}
			if ri.State == StateFree && uint64(ri.Base) >= UserMin && uint64(ri.Base)+uint64(ri.Size) <= UserMax && ri.Size >= AllocGranularity && ri.Base%AllocGranularity == 0 {
				t.Fatalf("top=%v: a free granule %+v left while Reserve says no space", top, ri)
			}
		}
		if q, _ := s.Query(0); q.State != StateFree || q.Size != UserMin {
			t.Fatalf("NULL region %+v", q)
		}
		if q, _ := s.Query(UserMax); q.State != StateFree || q.Size != KernelBase-UserMax {
			t.Fatalf("guard %+v", q)
		}
		if err := m.Verify(); err != nil {
			t.Fatal(err)
		}
		t.Logf("top=%v: %d reservations fill the user half", top, n)
	}
	// ShareFrom into free space obeys the same bounds.
	m := NewMachine(0)
	a, b := m.NewSpace(), m.NewSpace()
	src := mustAlloc(t, a, 0x00400000, 0x20000, ProtRead|ProtWrite)
	for _, dst := range []uint32{0, UserMax, UserMax - 0x10000} {
		// At UserMax the range runs on into the kernel half: ErrKernelAddress; the others ErrInvalidAddress.
		if err := b.ShareFrom(a, src, dst, 0x20000, ProtRead, TypeImage); !errors.Is(err, ErrInvalidAddress) &&
			!errors.Is(err, ErrKernelAddress) {
			t.Fatalf("ShareFrom to %#x: %v", dst, err)
		}
	}
	// The kernel half: top-down and explicit never reach KernelMax.
	k := m.Kernel()
	if kb, err := k.Reserve(0, 1, ProtRead, TypePrivate, true); err != nil || uint64(kb)+PageSize > KernelMax {
		t.Fatalf("kernel top-down %#x %v", kb, err)
	}
	if _, err := k.Reserve(0xFFFFF000, 1, ProtRead, TypePrivate, false); !errors.Is(err, ErrInvalidAddress) {
		t.Fatalf("kernel reserve in the top 64 KiB: %v", err)
	}
}

// allocated returns the bytes allocated so far (runtime.MemStats.TotalAlloc): deltas count exactly
// what the code between two calls allocated, unlike HeapAlloc, which other collections move.
func allocated() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

// TestSparse_HostCost measures host memory with runtime.MemStats: an empty Space costs its fixed
// struct (page directory and two TLBs, ~24 KiB) and nothing per page; a space with 1 MiB committed
// and written costs 1 MiB of frames, their small headers and one 16 KiB page table; reserving 1 GiB
// and committing 256 MiB without touching it costs only page tables (18 KiB of heap per 4 MiB).
func TestSparse_HostCost(t *testing.T) {
	m := NewMachine(0)
	h0 := allocated()
	s := m.NewSpace()
	h1 := allocated()
	base := mustAlloc(t, s, 0, 1<<20, ProtRead|ProtWrite)
	for a := base; a < base+1<<20; a += PageSize {
		if !s.Write32(a, a) {
			t.Fatal(s.LastFault())
		}
	}
	h2 := allocated()
	big, err := s.Reserve(0, 0x40000000, ProtRead|ProtWrite, TypePrivate, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(big, 0x10000000, ProtRead|ProtWrite); err != nil {
		t.Fatal(err)
	}
	h3 := allocated()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	live := ms.HeapAlloc
	runtime.KeepAlive(s)
	empty, mib, untouched := h1-h0, h2-h1, h3-h2
	t.Logf("empty space %d KiB; 1 MiB committed+written %d KiB; 1 GiB reserved + 256 MiB committed untouched %d KiB; live heap of the test binary after all this %d KiB",
		empty>>10, mib>>10, untouched>>10, live>>10)
	if empty > 48<<10 {
		t.Errorf("an empty space costs %d KiB", empty>>10)
	}
	// 256 frames of 4 KiB plus their 256 small frame headers and one page table (16 KiB).
	if mib < 1<<20 || mib > 1<<20+64<<10 {
		t.Errorf("1 MiB committed and written costs %d KiB, want about 1024", mib>>10)
	}
	// 64 page tables for 256 MiB, and no frames. A table is 16 KiB of entries, but it holds pointers,
	// so Go adds an 8-byte allocation header and the object lands in the 18 KiB size class.
	if untouched > 64*18<<10+16<<10 {
		t.Errorf("untouched commit costs %d KiB", untouched>>10)
	}
	if live > 64<<20 {
		t.Errorf("live heap %d MiB", live>>20)
	}
}

// TestCOW_TakeoverAndCounts walks the copy-on-write cases one by one and checks each space's own
// counts (Stats.SharedPages, COWCopies, COWTakeovers) and the sharing PageInfo reports: a shared
// writable page copies on the first write; a page whose other references are gone is taken over
// without a copy (read/write: silently; write-copy: counted as a takeover); a write-copy page still
// shared copies and becomes read/write.
func TestCOW_TakeoverAndCounts(t *testing.T) {
	const rw = ProtRead | ProtWrite
	m := NewMachine(0)
	a, b, c := m.NewSpace(), m.NewSpace(), m.NewSpace()
	src := mustAlloc(t, a, 0x00400000, 4*PageSize, rw)
	for i := range uint32(4) {
		a.Write32(src+i*PageSize, 0x100+i)
	}
	// b maps pages 0-1 read/write, c maps pages 2-3 write-copy.
	wantKind(t, b.ShareFrom(a, src, 0x00400000, 2*PageSize, rw, TypeImage), 0)
	wantKind(t, c.ShareFrom(a, src+2*PageSize, 0x00400000, 2*PageSize, ProtRead|ProtCopy, TypeImage), 0)
	type counts struct {
		shared             int
		copies, takeovers  uint64
		sharing0, sharing1 Sharing
	}
	get := func(s *Space) counts {
		st := s.Stats()
		return counts{st.SharedPages, st.COWCopies, st.COWTakeovers,
			s.PageInfo(0x00400000).Sharing, s.PageInfo(0x00401000).Sharing}
	}
	if got, want := get(a), (counts{4, 0, 0, SharedCOW, SharedCOW}); got != want {
		t.Fatalf("a %+v, want %+v", got, want)
	}
	if got, want := get(c), (counts{2, 0, 0, SharedCOW, SharedCOW}); got != want {
		t.Fatalf("c %+v, want %+v", got, want)
	}
	steps := []struct {
		name  string
		do    func() bool
		space *Space
		want  counts
	}{
		// b writes page 0, shared with a: b copies.
		{"shared read/write page copies", func() bool { return b.Write32(0x00400000, 1) }, b, counts{1, 1, 0, Private, SharedCOW}},
		// a's page 0 is now its alone: a's write takes it over, no copy.
		{"sole reference takes over", func() bool { return a.Write32(src, 2) }, a, counts{3, 0, 0, Private, SharedCOW}},
		// c writes its write-copy page 0 (a's page 2), still shared: c copies, the page becomes read/write.
		{"shared write-copy page copies", func() bool { return c.Write8(0x00400000, 3) }, c, counts{1, 1, 0, Private, SharedCOW}},
		// a releases: c's page 1 (a's page 3) has one reference left; c's write-copy write takes it over.
		{"release leaves c the sole holder", func() bool { return a.Release(src) == nil }, c, counts{0, 1, 0, Private, Private}},
		{"write-copy takeover", func() bool { return c.Write8(0x00401000, 4) }, c, counts{0, 1, 1, Private, Private}},
	}
	for _, st := range steps {
		if !st.do() {
			t.Fatalf("%s: %v", st.name, st.space.LastFault())
		}
		if got := get(st.space); got != st.want {
			t.Fatalf("%s: %+v, want %+v", st.name, got, st.want)
		}
		if err := m.Verify(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	for i, want := range []uint32{0x103, 0x104} {
		if v, _ := c.Read32(0x00400000 + uint32(i)*PageSize); v&0xFF != want&0xFF || v>>8 != 0x1 {
			t.Fatalf("c page %d reads %#x", i, v)
		}
	}
	if pi := c.PageInfo(0x00401000); pi.Prot != ProtRead|ProtWrite {
		t.Fatalf("write-copy page after its takeover: %v", pi.Prot)
	}
	if v, _ := b.Read32(0x00401000); v != 0x101 {
		t.Fatalf("b page 1 reads %#x after a released the source", v)
	}
}

// TestPageGen_GuardAndEpoch: a guard page's first fault is a protection change, so it gives the page
// a new generation and moves GenEpoch; a plain read moves neither.
func TestPageGen_GuardAndEpoch(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	base := mustAlloc(t, s, 0x00400000, PageSize, ProtRead|ProtExec)
	if _, err := s.Protect(base, PageSize, ProtRead|ProtExec|ProtGuard); err != nil {
		t.Fatal(err)
	}
	g, e := s.PageGen(base), s.GenEpoch()
	if _, ok := s.Read32(base); ok || s.LastFault().Reason != FaultGuard {
		t.Fatal(s.LastFault())
	}
	if s.PageGen(base) == g || s.GenEpoch() == e {
		t.Fatal("losing the guard bit did not change the page generation and the epoch")
	}
	g, e = s.PageGen(base), s.GenEpoch()
	if _, ok := s.Fetch(base, make([]byte, 4)); !ok {
		t.Fatal(s.LastFault())
	}
	if _, ok := s.Read32(base); !ok {
		t.Fatal(s.LastFault())
	}
	if s.PageGen(base) != g || s.GenEpoch() != e {
		t.Fatal("reads changed the generation")
	}
}
