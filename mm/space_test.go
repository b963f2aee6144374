package mm

import (
	"errors"
	"runtime"
	"testing"
)

const rw = ProtRead | ProtWrite

// mustAlloc reserves and commits [addr, addr+size) in s with prot.
func mustAlloc(t *testing.T, s *Space, addr, size uint32, prot Prot) uint32 {
	t.Helper()
	base, err := s.Reserve(addr, size, prot, TypePrivate, false)
	if err != nil {
		t.Fatalf("Reserve(%#x, %#x): %v", addr, size, err)
	}
	if err := s.Commit(base, size, prot); err != nil {
		t.Fatalf("Commit(%#x, %#x): %v", base, size, err)
	}
	return base
}

func wantKind(t *testing.T, err error, want ErrorKind) {
	t.Helper()
	if want == 0 {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err %T is not *Error", err)
	}
}

func verify(t *testing.T, m *Machine) {
	t.Helper()
	if err := m.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestSpace_Reserve(t *testing.T) {
	tests := []struct {
		name     string
		kernel   bool
		addr     uint32
		size     uint32
		prot     Prot
		typ      Type
		top      bool
		want     uint32
		wantSize uint32
		err      ErrorKind
	}{
		{name: "bottom-up skips taken", size: 0x3000, want: 0x00420000, wantSize: 0x3000},
		{name: "top-down", size: 0x10000, top: true, want: UserMax - 0x10000, wantSize: 0x10000},
		{name: "top-down odd size", size: 0x1800, top: true, want: UserMax - 0x10000, wantSize: 0x2000},
		{name: "at address, rounded", addr: 0x00500123, size: 0x2000, want: 0x00500000, wantSize: 0x3000},
		{name: "at highest", addr: UserMax - PageSize, size: PageSize, want: UserMax - 0x10000, wantSize: 0x10000},
		{name: "overlap", addr: 0x00410000, size: 0x1000, err: ErrConflict},
		{name: "overlap by tail", addr: 0x003F0000, size: 0x10001, err: ErrConflict},
		{name: "zero size", size: 0, err: ErrInvalidSize},
		{name: "wraps", addr: 0xFFFFF000, size: 0x2000, err: ErrInvalidSize},
		{name: "null region", addr: 0x1000, size: 0x1000, err: ErrInvalidAddress},
		{name: "guard between halves", addr: UserMax, size: 0x1000, err: ErrInvalidAddress},
		{name: "runs into guard", addr: UserMax - PageSize, size: 0x2000, err: ErrInvalidAddress},
		{name: "kernel address", addr: KernelBase, size: 0x1000, err: ErrInvalidAddress},
		{name: "bad prot", size: 0x1000, prot: 0x80, err: ErrInvalidProt},
		{name: "type none", size: 0x1000, typ: TypeNone, err: ErrInvalidType},
		{name: "type out of range", size: 0x1000, typ: 9, err: ErrInvalidType},
		{name: "too big", size: 0x7FFE0001, err: ErrNoSpace},
		{name: "kernel bottom-up", kernel: true, size: 0x1000, want: KernelBase, wantSize: 0x1000},
		{name: "kernel top-down", kernel: true, size: 0x1000, top: true, want: KernelMax - 0x10000, wantSize: 0x1000},
		{name: "kernel at user address", kernel: true, addr: 0x00400000, size: 0x1000, err: ErrInvalidAddress},
		{name: "kernel top 64K", kernel: true, addr: KernelMax, size: 0x1000, err: ErrInvalidAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMachine(0)
			s := m.NewSpace()
			if tt.kernel {
				s = m.Kernel()
			} else {
				// A layout to collide with: [0x10000, 0x420000) is taken.
				if _, err := s.Reserve(UserMin, 0x00420000-UserMin, ProtRead, TypeImage, false); err != nil {
					t.Fatal(err)
				}
			}
			prot, typ := tt.prot, tt.typ
			if prot == 0 && tt.err != ErrInvalidProt {
				prot = rw
			}
			if typ == 0 && tt.err != ErrInvalidType {
				typ = TypePrivate
			}
			want := tt.want
			got, err := s.Reserve(tt.addr, tt.size, prot, typ, tt.top)
			wantKind(t, err, tt.err)
			if err != nil {
				return
			}
			if got != want {
				t.Fatalf("base = %#x, want %#x", got, want)
			}
			q, _ := s.Query(got)
			if q.AllocBase != got || q.Size != tt.wantSize || q.State != StateReserve || q.AllocProt != prot || q.Type != typ {
				t.Fatalf("Query = %+v", q)
			}
			verify(t, m)
		})
	}
}

func TestSpace_ReserveReusesGaps(t *testing.T) {
	s := NewMachine(0).NewSpace()
	var bases []uint32
	for range 3 {
		b, err := s.Reserve(0, 0x20000, rw, TypePrivate, false)
		if err != nil {
			t.Fatal(err)
		}
		bases = append(bases, b)
	}
	if bases[1] != bases[0]+0x20000 || bases[2] != bases[1]+0x20000 {
		t.Fatalf("bases %#x not packed", bases)
	}
	if err := s.Release(bases[1]); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.Reserve(0, 0x30000, rw, TypePrivate, false); b != bases[2]+0x20000 {
		t.Fatalf("too-big reservation placed at %#x, want after the last", b)
	}
	if b, _ := s.Reserve(0, 0x1000, rw, TypePrivate, false); b != bases[1] {
		t.Fatalf("small reservation placed at %#x, want the gap %#x", b, bases[1])
	}
	top1, _ := s.Reserve(0, 0x1000, rw, TypePrivate, true)
	top2, _ := s.Reserve(0, 0x1000, rw, TypePrivate, true)
	if top1 != UserMax-0x10000 || top2 != top1-0x10000 {
		t.Fatalf("top-down %#x, %#x", top1, top2)
	}
}

func TestSpace_Commit(t *testing.T) {
	tests := []struct {
		name       string
		addr, size uint32
		prot       Prot
		err        ErrorKind
	}{
		{"whole", 0x00400000, 0x10000, rw, 0},
		{"odd range rounds out", 0x00400FFF, 2, rw, 0},
		{"no access", 0x00401000, 0x1000, ProtNone, 0},
		{"outside", 0x00500000, 0x1000, rw, ErrNotReserved},
		{"null", 0, 0x1000, rw, ErrNotReserved},
		{"spans past", 0x0040F000, 0x2000, rw, ErrSpansRegions},
		{"zero size", 0x00400000, 0, rw, ErrInvalidSize},
		{"wraps", 0xFFFFF000, 0x2000, rw, ErrInvalidSize},
		{"kernel half", KernelBase, 0x1000, rw, ErrKernelAddress},
		{"bad prot", 0x00400000, 0x1000, 0x40, ErrInvalidProt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMachine(0)
			s := m.NewSpace()
			if _, err := s.Reserve(0x00400000, 0x10000, rw, TypePrivate, false); err != nil {
				t.Fatal(err)
			}
			wantKind(t, s.Commit(tt.addr, tt.size, tt.prot), tt.err)
			if tt.err == 0 {
				pi := s.PageInfo(tt.addr)
				if pi.State != StateCommit || pi.Prot != tt.prot || pi.Resident {
					t.Fatalf("PageInfo = %+v", pi)
				}
			} else if m.Committed() != 0 {
				t.Fatalf("failed commit charged %d bytes", m.Committed())
			}
			verify(t, m)
		})
	}
}

func TestSpace_CommitKeepsContents(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	base := mustAlloc(t, s, 0x00400000, 0x2000, rw)
	s.Write32(base, 0x12345678)
	if err := s.Commit(base, 0x2000, ProtRead); err != nil {
		t.Fatal(err)
	}
	if v, ok := s.Read32(base); !ok || v != 0x12345678 {
		t.Fatalf("recommitted page reads %#x, %v", v, ok)
	}
	if s.Write32(base, 1) || s.LastFault().Reason != FaultProtection {
		t.Fatalf("recommit did not apply the new protection: %v", s.LastFault())
	}
	if m.Committed() != 0x2000 {
		t.Fatalf("committed %#x after recommit, want 0x2000", m.Committed())
	}
}

func TestMachine_CommitLimit(t *testing.T) {
	m := NewMachine(4 * PageSize)
	s := m.NewSpace()
	base, _ := s.Reserve(0, 0x10000, rw, TypePrivate, false)
	wantKind(t, s.Commit(base, 3*PageSize, rw), 0)
	wantKind(t, s.Commit(base, 5*PageSize, rw), ErrCommitLimit) // 2 new pages would make 5
	if m.Committed() != 3*PageSize {
		t.Fatalf("failed commit changed the total: %#x", m.Committed())
	}
	wantKind(t, s.Commit(base, 4*PageSize, rw), 0)
	if _, err := s.Clone(); !errors.Is(err, ErrCommitLimit) {
		t.Fatalf("Clone past the limit: %v", err)
	}
	d := m.NewSpace()
	wantKind(t, d.ShareFrom(s, base, 0x00400000, PageSize, ProtRead, TypeImage), ErrCommitLimit)
	wantKind(t, s.Decommit(base, 2*PageSize), 0)
	wantKind(t, d.ShareFrom(s, base+2*PageSize, 0x00400000, 2*PageSize, ProtRead, TypeImage), 0)
	if m.Committed() != 4*PageSize || m.CommitLimit() != 4*PageSize {
		t.Fatalf("committed %#x", m.Committed())
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if m.Committed() != 2*PageSize {
		t.Fatalf("Close did not return the charge: %#x", m.Committed())
	}
	verify(t, m)
}

func TestSpace_Decommit(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	base := mustAlloc(t, s, 0x00400000, 0x10000, rw)
	for a := base; a < base+0x10000; a += PageSize {
		s.Write32(a, a)
	}
	wantKind(t, s.Decommit(base+0x1000, 0x2000), 0)
	if _, ok := s.Read32(base + 0x1000); ok || s.LastFault() != (Fault{base + 0x1000, AccessRead, FaultReserved}) {
		t.Fatalf("decommitted page: %v", s.LastFault())
	}
	if v, _ := s.Read32(base + 0x3000); v != base+0x3000 {
		t.Fatal("decommit touched a neighbour")
	}
	wantKind(t, s.Commit(base+0x1000, 0x1000, rw), 0)
	if v, ok := s.Read32(base + 0x1000); !ok || v != 0 {
		t.Fatalf("recommitted page reads %#x, want 0", v)
	}
	wantKind(t, s.Decommit(base+0x1000, 0), ErrInvalidSize)
	wantKind(t, s.Decommit(0x00500000, 0x1000), ErrNotReserved)
	wantKind(t, s.Decommit(base, 0x20000), ErrSpansRegions)
	wantKind(t, s.Decommit(KernelBase, 0x1000), ErrKernelAddress)
	wantKind(t, s.Decommit(base, 0), 0) // size 0 at the base: the whole reservation
	if q, _ := s.Query(base); q.State != StateReserve || q.Size != 0x10000 {
		t.Fatalf("Query after decommit-all = %+v", q)
	}
	if m.Committed() != 0 {
		t.Fatalf("committed %#x", m.Committed())
	}
	verify(t, m)
}

func TestSpace_Release(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	base := mustAlloc(t, s, 0x00400000, 0x20000, rw)
	wantKind(t, s.Release(base+0x1000), ErrNotBase)
	wantKind(t, s.Release(0x00600000), ErrNotReserved)
	wantKind(t, s.Release(KernelBase), ErrKernelAddress)
	wantKind(t, m.Kernel().Release(base), ErrInvalidAddress)
	s.Write8(base, 1)
	wantKind(t, s.Release(base), 0)
	wantKind(t, s.Release(base), ErrNotReserved)
	if q, _ := s.Query(base); q.State != StateFree || q.Base != base || q.Size != KernelBase-base {
		t.Fatalf("Query after release = %+v", q)
	}
	if _, ok := s.Read8(base); ok || s.LastFault().Reason != FaultFree {
		t.Fatalf("released page readable: %v", s.LastFault())
	}
	if m.Committed() != 0 || s.Stats().Reservations != 0 {
		t.Fatalf("committed %#x, stats %+v", m.Committed(), s.Stats())
	}
	verify(t, m)
}

func TestSpace_Protect(t *testing.T) {
	tests := []struct {
		name       string
		addr, size uint32
		prot, old  Prot
		err        ErrorKind
	}{
		{"read-only", 0x00400000, 0x1000, ProtRead, rw, 0},
		{"range", 0x00400800, 0x1000, ProtRead | ProtExec, rw, 0},
		{"guard", 0x00401000, 0x1000, rw | ProtGuard, rw, 0},
		{"write-copy", 0x00401000, 0x1000, ProtRead | ProtCopy, rw, 0},
		{"into reserved", 0x00403000, 0x2000, ProtRead, 0, ErrNotCommitted},
		{"outside", 0x00500000, 0x1000, ProtRead, 0, ErrNotReserved},
		{"spans", 0x0040F000, 0x2000, ProtRead, 0, ErrSpansRegions},
		{"zero size", 0x00400000, 0, ProtRead, 0, ErrInvalidSize},
		{"bad prot", 0x00400000, 0x1000, 0x20, 0, ErrInvalidProt},
		{"kernel half", KernelBase + 0x1000, 0x1000, ProtRead, 0, ErrKernelAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMachine(0)
			s := m.NewSpace()
			base, _ := s.Reserve(0x00400000, 0x10000, rw, TypePrivate, false)
			if err := s.Commit(base, 0x4000, rw); err != nil {
				t.Fatal(err)
			}
			s.Write32(tt.addr, 7) // warm the TLBs
			old, err := s.Protect(tt.addr, tt.size, tt.prot)
			wantKind(t, err, tt.err)
			if err != nil {
				if pi := s.PageInfo(base); pi.Prot != rw {
					t.Fatalf("failed Protect changed protection to %v", pi.Prot)
				}
				return
			}
			if old != tt.old {
				t.Fatalf("old = %v, want %v", old, tt.old)
			}
			if got := s.PageInfo(tt.addr).Prot; got != tt.prot {
				t.Fatalf("prot = %v", got)
			}
			ok := s.Write32(tt.addr, 8)
			if want := tt.prot&(ProtWrite|ProtCopy) != 0 && tt.prot&ProtGuard == 0; ok != want {
				t.Fatalf("write after Protect(%v) ok=%v (%v)", tt.prot, ok, s.LastFault())
			}
			verify(t, m)
		})
	}
}

// TestSpace_Faults covers every fault reason for every access kind, including page crossing.
func TestSpace_Faults(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	const base = 0x00400000
	if _, err := s.Reserve(base, 0x10000, rw, TypePrivate, false); err != nil {
		t.Fatal(err)
	}
	// Pages: 0 RW, 1 R, 2 X, 3 none, 4 RW+guard, 5 reserved, 6 RWX.
	for i, p := range []Prot{rw, ProtRead, ProtExec, ProtNone, rw | ProtGuard} {
		if err := s.Commit(base+uint32(i)*PageSize, PageSize, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Commit(base+6*PageSize, PageSize, rw|ProtExec); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		acc  Access
		addr uint32
		n    int
		want Fault
	}{
		{"read free", AccessRead, 0x00300000, 4, Fault{0x00300000, AccessRead, FaultFree}},
		{"read null", AccessRead, 0, 1, Fault{0, AccessRead, FaultFree}},
		{"write free", AccessWrite, 0x00300000, 4, Fault{0x00300000, AccessWrite, FaultFree}},
		{"exec free", AccessExec, 0x00300000, 4, Fault{0x00300000, AccessExec, FaultFree}},
		{"read reserved", AccessRead, base + 5*PageSize, 4, Fault{base + 5*PageSize, AccessRead, FaultReserved}},
		{"write reserved", AccessWrite, base + 5*PageSize, 2, Fault{base + 5*PageSize, AccessWrite, FaultReserved}},
		{"write read-only", AccessWrite, base + PageSize, 4, Fault{base + PageSize, AccessWrite, FaultProtection}},
		{"read exec-only", AccessRead, base + 2*PageSize, 4, Fault{base + 2*PageSize, AccessRead, FaultProtection}},
		{"exec read-write", AccessExec, base, 4, Fault{base, AccessExec, FaultProtection}},
		{"read no-access", AccessRead, base + 3*PageSize, 1, Fault{base + 3*PageSize, AccessRead, FaultProtection}},
		{"read guard", AccessRead, base + 4*PageSize, 4, Fault{base + 4*PageSize, AccessRead, FaultGuard}},
		{"read kernel", AccessRead, KernelBase + 16, 4, Fault{KernelBase + 16, AccessRead, FaultKernel}},
		{"write kernel", AccessWrite, 0xFFFFFFF0, 4, Fault{0xFFFFFFF0, AccessWrite, FaultKernel}},
		{"exec kernel", AccessExec, KernelBase, 1, Fault{KernelBase, AccessExec, FaultKernel}},
		{"read crossing into reserved", AccessRead, base + 5*PageSize - 2, 4, Fault{base + 5*PageSize, AccessRead, FaultReserved}},
		{"write crossing into read-only", AccessWrite, base + PageSize - 1, 8, Fault{base + PageSize, AccessWrite, FaultProtection}},
		{"read crossing into kernel", AccessRead, KernelBase - 2, 4, Fault{KernelBase - 2, AccessRead, FaultFree}},
		{"read wrapping", AccessRead, 0xFFFFFFFE, 4, Fault{0xFFFFFFFE, AccessRead, FaultKernel}},
		{"exec crossing", AccessExec, base + 7*PageSize - 1, 2, Fault{base + 7*PageSize, AccessExec, FaultReserved}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ok bool
			switch tt.acc {
			case AccessRead:
				switch tt.n {
				case 1:
					_, ok = s.Read8(tt.addr)
				case 2:
					_, ok = s.Read16(tt.addr)
				case 4:
					_, ok = s.Read32(tt.addr)
				default:
					_, ok = s.Read64(tt.addr)
				}
			case AccessWrite:
				switch tt.n {
				case 1:
					ok = s.Write8(tt.addr, 1)
				case 2:
					ok = s.Write16(tt.addr, 1)
				case 4:
					ok = s.Write32(tt.addr, 1)
				default:
					ok = s.Write64(tt.addr, 1)
				}
			case AccessExec:
				buf := make([]byte, tt.n)
				var n int
				n, ok = s.Fetch(tt.addr, buf)
				if !ok && tt.want.Addr-tt.addr != uint32(n) {
					t.Fatalf("Fetch read %d bytes before the fault at %#x", n, tt.want.Addr)
				}
			}
			if ok {
				t.Fatalf("access succeeded, want %v", tt.want)
			}
			if f := s.LastFault(); f != tt.want {
				t.Fatalf("fault = %+v, want %+v", f, tt.want)
			}
		})
	}
	t.Run("guard clears", func(t *testing.T) {
		a := uint32(base + 4*PageSize)
		if _, err := s.Protect(a, PageSize, rw|ProtGuard); err != nil {
			t.Fatal(err)
		}
		if s.Write32(a, 5) || s.LastFault().Reason != FaultGuard {
			t.Fatalf("first access: %v", s.LastFault())
		}
		if pi := s.PageInfo(a); pi.Prot != rw {
			t.Fatalf("guard not cleared: %v", pi.Prot)
		}
		if !s.Write32(a, 5) {
			t.Fatalf("second access: %v", s.LastFault())
		}
	})
	t.Run("crossing write into guard writes nothing", func(t *testing.T) {
		a := uint32(base + PageSize)
		s.Protect(a, PageSize, rw|ProtGuard)
		defer s.Protect(a, PageSize, ProtRead)
		s.Write32(a-4, 0)
		if s.Write64(a-4, 0x1122334455667788) || s.LastFault() != (Fault{a, AccessWrite, FaultGuard}) {
			t.Fatalf("fault %v", s.LastFault())
		}
		if v, _ := s.Read32(a - 4); v != 0 {
			t.Fatalf("first page written: %#x", v)
		}
		if !s.Write64(a-4, 0x1122334455667788) {
			t.Fatal(s.LastFault())
		}
		if v, _ := s.Read64(a - 4); v != 0x1122334455667788 {
			t.Fatalf("read back %#x", v)
		}
	})
	t.Run("kernel-mode option", func(t *testing.T) {
		k := m.Kernel()
		kb, err := k.Reserve(0, PageSize, rw, TypePrivate, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Commit(kb, PageSize, ProtRead); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4)
		if err := s.ReadBytes(kb, buf, AccessRead); !errors.Is(err, Fault{kb, AccessRead, FaultKernel}) {
			t.Fatalf("user-mode bulk read of kernel: %v", err)
		}
		if err := s.ReadBytes(kb, buf, AccessKernel); err != nil {
			t.Fatal(err)
		}
		if err := s.WriteBytes(kb, buf, AccessKernel); !errors.Is(err, Fault{kb, AccessWrite, FaultProtection}) {
			t.Fatalf("kernel-mode write to read-only: %v", err)
		}
		if err := s.WriteBytes(kb, []byte{1, 2, 3, 4}, AccessKernel|AccessForce); err != nil {
			t.Fatal(err)
		}
		if v, ok := k.Read32(kb); !ok || v != 0x04030201 {
			t.Fatalf("kernel read %#x %v", v, ok)
		}
	})
	verify(t, m)
}

func TestSpace_Accessors(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	base := mustAlloc(t, s, 0x00400000, 0x3000, rw)
	for _, off := range []uint32{0, 1, 3, 0xFF8, 0xFF9, 0xFFD, 0xFFE, 0xFFF, 0x1000} {
		a := base + off
		if !s.Write64(a, 0x0807060504030201) {
			t.Fatalf("Write64(%#x): %v", a, s.LastFault())
		}
		for i := range uint32(8) {
			if v, ok := s.Read8(a + i); !ok || v != uint8(i+1) {
				t.Fatalf("byte %#x = %#x %v", a+i, v, ok)
			}
		}
		if v, _ := s.Read16(a + 1); v != 0x0302 {
			t.Fatalf("Read16(%#x) = %#x", a+1, v)
		}
		if v, _ := s.Read32(a + 2); v != 0x06050403 {
			t.Fatalf("Read32(%#x) = %#x", a+2, v)
		}
		if v, _ := s.Read64(a); v != 0x0807060504030201 {
			t.Fatalf("Read64(%#x) = %#x", a, v)
		}
		s.Write16(a+1, 0xBBAA)
		s.Write32(a+3, 0xFFEEDDCC)
		s.Write8(a+7, 0x99)
		want := []byte{1, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x99}
		got := make([]byte, 8)
		if err := s.ReadBytes(a, got, AccessRead); err != nil || string(got) != string(want) {
			t.Fatalf("bytes at %#x = % x, %v", a, got, err)
		}
	}
	verify(t, m)
}

func TestSpace_AccessorsAllocateNothing(t *testing.T) {
	s := NewMachine(0).NewSpace()
	base := mustAlloc(t, s, 0x00400000, 0x2000, rw)
	s.Write32(base, 1)
	s.Write32(base+PageSize, 1)
	allocs := testing.AllocsPerRun(100, func() {
		s.Write32(base+8, 1)
		s.Read32(base + 8)
		s.Write64(base+PageSize-4, 2) // crossing: slow path
		s.Read64(base + PageSize - 4)
		s.Read32(0x10)           // fault
		s.Write16(KernelBase, 1) // fault
		s.Fetch(base, nil)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run", allocs)
	}
}

func TestSpace_Fetch(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	base, _ := s.Reserve(0x00400000, 0x10000, rw, TypeImage, false)
	s.Commit(base, PageSize, ProtRead|ProtExec)
	s.Commit(base+PageSize, PageSize, rw|ProtGuard)
	s.Commit(base+2*PageSize, PageSize, rw)
	if err := s.WriteBytes(base+PageSize-3, []byte{0x90, 0x90, 0xC3}, AccessForce); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 15)
	n, ok := s.Fetch(base+PageSize-3, buf)
	if ok || n != 3 || string(buf[:3]) != "\x90\x90\xC3" {
		t.Fatalf("Fetch = %d %v % x", n, ok, buf[:n])
	}
	if f := s.LastFault(); f != (Fault{base + PageSize, AccessExec, FaultGuard}) {
		t.Fatalf("fault %+v", f)
	}
	if s.PageInfo(base+PageSize).Prot&ProtGuard == 0 {
		t.Fatal("Fetch consumed the guard of a page after the first")
	}
	if n, ok := s.Fetch(base+PageSize, buf); ok || n != 0 || s.LastFault().Reason != FaultGuard {
		t.Fatalf("Fetch at the guard page: %d %v %v", n, ok, s.LastFault())
	}
	if s.PageInfo(base+PageSize).Prot&ProtGuard != 0 {
		t.Fatal("Fetch at a guard page did not consume it")
	}
	if _, ok := s.Fetch(base+2*PageSize, buf); ok || s.LastFault().Reason != FaultProtection {
		t.Fatalf("DEP: %v", s.LastFault())
	}
	s.SetDEP(false)
	if n, ok := s.Fetch(base+2*PageSize, buf); !ok || n != len(buf) {
		t.Fatalf("without DEP: %d %v %v", n, ok, s.LastFault())
	}
	if n, ok := s.Fetch(base, nil); !ok || n != 0 {
		t.Fatal("empty fetch")
	}
}

func TestSpace_BulkAllOrNothing(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	base, _ := s.Reserve(0x00400000, 0x10000, rw, TypePrivate, false)
	s.Commit(base, 3*PageSize, rw)
	buf := make([]byte, 3*PageSize+1)
	for i := range buf {
		buf[i] = 0xAB
	}
	err := s.WriteBytes(base+1, buf[:3*PageSize], AccessWrite)
	if !errors.Is(err, Fault{base + 3*PageSize, AccessWrite, FaultReserved}) {
		t.Fatalf("err %v", err)
	}
	if s.Stats().Resident != 0 {
		t.Fatal("a failed write materialized pages")
	}
	if err := s.WriteBytes(base, buf[:3*PageSize], 0); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 3*PageSize)
	if err := s.ReadBytes(base, got, 0); err != nil {
		t.Fatal(err)
	}
	for i, b := range got {
		if b != 0xAB {
			t.Fatalf("byte %d = %#x", i, b)
		}
	}
	if err := s.ReadBytes(base+1, got, 0); !errors.Is(err, Fault{base + 3*PageSize, AccessRead, FaultReserved}) {
		t.Fatalf("read past: %v", err)
	}
	if err := s.WriteBytes(base, nil, 0); err != nil {
		t.Fatal(err)
	}
}

func TestSpace_Strings(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	base, _ := s.Reserve(0x00400000, 0x10000, rw, TypePrivate, false)
	s.Commit(base, 2*PageSize, rw)
	end := base + 2*PageSize
	put := func(a uint32, b []byte) {
		t.Helper()
		if err := s.WriteBytes(a, b, 0); err != nil {
			t.Fatal(err)
		}
	}
	put(base, []byte("hello\x00"))
	put(base+PageSize-3, []byte("abcdef\x00")) // crosses the page boundary
	put(end-3, []byte("xyz"))                  // runs into reserved memory
	// "hé" + U+1F600 (a surrogate pair) + an unpaired high surrogate, then NUL.
	put(base+0x100, []byte{'h', 0, 0xE9, 0, 0x3D, 0xD8, 0x00, 0xDE, 0x3D, 0xD8, 'x', 0, 0, 0})
	put(base+0x201, []byte{'o', 0, 'k', 0, 0, 0}) // odd address
	tests := []struct {
		name string
		wide bool
		addr uint32
		max  int
		want string
		err  error
	}{
		{"c", false, base, 100, "hello", nil},
		{"c exact limit", false, base, 6, "hello", nil},
		{"c too long", false, base, 5, "hello", ErrTooLong},
		{"c zero max", false, base, 0, "", ErrTooLong},
		{"c crossing", false, base + PageSize - 3, 100, "abcdef", nil},
		{"c fault", false, end - 3, 100, "xyz", Fault{end, AccessRead, FaultReserved}},
		{"c kernel", false, KernelBase, 10, "", Fault{KernelBase, AccessRead, FaultKernel}},
		{"utf16", true, base + 0x100, 100, "hé\U0001F600\uFFFDx", nil},
		{"utf16 odd address", true, base + 0x201, 10, "ok", nil},
		{"utf16 too long", true, base + 0x201, 1, "o", ErrTooLong},
		{"utf16 fault", true, end - 2, 10, "\u7a79", Fault{end, AccessRead, FaultReserved}}, // "yz"
		{"utf16 fault mid-unit", true, end - 1, 10, "", Fault{end, AccessRead, FaultReserved}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			var err error
			if tt.wide {
				got, err = s.ReadUTF16(tt.addr, tt.max)
			} else {
				got, err = s.ReadCString(tt.addr, tt.max)
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if (tt.err == nil) != (err == nil) || tt.err != nil && !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
		})
	}
}

func TestSpace_KernelHalfShared(t *testing.T) {
	m := NewMachine(0)
	a, b := m.NewSpace(), m.NewSpace()
	k := m.Kernel()
	wantKind(t, func() error { _, err := a.Reserve(KernelBase, PageSize, rw, TypePrivate, false); return err }(), ErrInvalidAddress)
	kb, err := k.Reserve(0, 0x20000, rw, TypeMapped, true)
	if err != nil {
		t.Fatal(err)
	}
	if kb < KernelBase {
		t.Fatalf("kernel reservation at %#x", kb)
	}
	wantKind(t, a.Commit(kb, PageSize, rw), ErrKernelAddress)
	wantKind(t, k.Commit(kb, PageSize, rw), 0)
	// A space created after the mapping sees it too.
	c := m.NewSpace()
	if !k.Write32(kb, 0xCAFEBABE) {
		t.Fatal(k.LastFault())
	}
	buf := make([]byte, 4)
	for i, s := range []*Space{a, b, c} {
		if _, ok := s.Read32(kb); ok || s.LastFault().Reason != FaultKernel {
			t.Fatalf("space %d: user-mode read of kernel half: %v", i, s.LastFault())
		}
		if err := s.ReadBytes(kb, buf, AccessKernel); err != nil || le.Uint32(buf) != 0xCAFEBABE {
			t.Fatalf("space %d: kernel-mode read: % x %v", i, buf, err)
		}
		q, _ := s.Query(kb)
		if q.AllocBase != kb || q.State != StateCommit || q.Type != TypeMapped {
			t.Fatalf("space %d: Query = %+v", i, q)
		}
		if pi := s.PageInfo(kb); pi.State != StateCommit {
			t.Fatalf("space %d: PageInfo = %+v", i, pi)
		}
	}
	// A write through one space (kernel mode) is seen by the kernel Space and every other space.
	if err := a.WriteBytes(kb, []byte{1, 2, 3, 4}, AccessKernel); err != nil {
		t.Fatal(err)
	}
	if v, _ := k.Read32(kb); v != 0x04030201 {
		t.Fatalf("kernel sees %#x", v)
	}
	if err := c.ReadBytes(kb, buf, AccessKernel); err != nil || le.Uint32(buf) != 0x04030201 {
		t.Fatalf("other space sees % x", buf)
	}
	if regs := a.Regions(); regs[len(regs)-1].Base+regs[len(regs)-1].Size != KernelBase {
		t.Fatalf("user Regions do not end at the kernel half: %+v", regs[len(regs)-1])
	}
	if regs := k.Regions(); regs[0].Base != KernelBase {
		t.Fatalf("kernel Regions start at %#x", regs[0].Base)
	}
	if _, ok := k.Read8(0x00400000); ok || k.LastFault().Reason != FaultFree {
		t.Fatalf("kernel Space user half: %v", k.LastFault())
	}
	wantKind(t, k.Close(), ErrKernelAddress)
	if _, err := k.Clone(); !errors.Is(err, ErrKernelAddress) {
		t.Fatalf("kernel Clone: %v", err)
	}
	verify(t, m)
}

func TestSpace_ShareFromCOW(t *testing.T) {
	m := NewMachine(0)
	a, b := m.NewSpace(), m.NewSpace()
	const img = 0x00400000
	base := mustAlloc(t, a, img, 0x3000, rw)
	a.Write32(base, 0x11111111)           // .data page
	a.Write32(base+PageSize, 0x22222222)  // .rdata page
	a.Write32(base+PageSize*2, 0x3333333) // becomes copy-on-write
	a.Read32(base)                        // warm a's TLBs: they must be invalidated by the share
	// b maps a's pages at the same address: a new image reservation is made; then two pages are
	// mapped again, with other protections, into that reservation.
	wantKind(t, b.ShareFrom(a, base, img, 0x3000, rw, TypeImage), 0)
	wantKind(t, b.ShareFrom(a, base+PageSize, img+PageSize, PageSize, ProtRead, TypeNone), 0)
	wantKind(t, b.ShareFrom(a, base+2*PageSize, img+2*PageSize, PageSize, ProtRead|ProtCopy, TypeImage), 0)
	if q, _ := b.Query(img); q.Type != TypeImage || q.AllocBase != img || q.State != StateCommit || q.Size != PageSize {
		t.Fatalf("b Query = %+v", q)
	}
	for i, want := range []Sharing{SharedCOW, Shared, SharedCOW} {
		if pi := b.PageInfo(img + uint32(i)*PageSize); pi.Sharing != want {
			t.Fatalf("page %d sharing %v, want %v", i, pi.Sharing, want)
		}
	}
	if st := a.Stats(); st.SharedPages != 3 {
		t.Fatalf("a stats %+v", st)
	}
	// a writes its page: a copies (its frame is shared), b keeps the original.
	if !a.Write32(base, 0xAAAAAAAA) {
		t.Fatal(a.LastFault())
	}
	if v, _ := b.Read32(img); v != 0x11111111 {
		t.Fatalf("b sees a's write: %#x", v)
	}
	if st := a.Stats(); st.COWCopies != 1 || st.SharedPages != 2 {
		t.Fatalf("a stats %+v", st)
	}
	// b now holds the only reference to the old frame: it takes it over without copying.
	if pi := b.PageInfo(img); pi.Sharing != Private {
		t.Fatalf("b page 0 sharing %v after a's copy", pi.Sharing)
	}
	if !b.Write32(img, 0xBBBBBBBB) {
		t.Fatal(b.LastFault())
	}
	if st := b.Stats(); st.COWCopies != 0 {
		t.Fatalf("b copied a frame nobody else held: %+v", st)
	}
	if v, _ := a.Read32(base); v != 0xAAAAAAAA {
		t.Fatalf("a sees %#x", v)
	}
	// Read-only shared page: writes fault; a forced write copies, never changing a's view.
	if b.Write32(img+PageSize, 1) || b.LastFault().Reason != FaultProtection {
		t.Fatalf("write to shared read-only: %v", b.LastFault())
	}
	if err := b.WriteBytes(img+PageSize, []byte{9}, AccessForce); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Read32(base + PageSize); v != 0x22222222 {
		t.Fatalf("forced write leaked into a: %#x", v)
	}
	// Write-copy page: the write copies and turns the protection into read/write.
	if !b.Write8(img+2*PageSize, 0x44) {
		t.Fatal(b.LastFault())
	}
	if pi := b.PageInfo(img + 2*PageSize); pi.Prot != rw || pi.Sharing != Private {
		t.Fatalf("write-copy page after write: %+v", pi)
	}
	if v, _ := a.Read32(base + 2*PageSize); v != 0x3333333 {
		t.Fatalf("a's write-copy source changed: %#x", v)
	}
	verify(t, m)
}

func TestSpace_ShareFromErrors(t *testing.T) {
	m := NewMachine(0)
	a, b := m.NewSpace(), m.NewSpace()
	base := mustAlloc(t, a, 0x00400000, 0x20000, rw)
	b.Reserve(0x00600000, 0x10000, ProtRead, TypeMapped, false)
	tests := []struct {
		name              string
		src               *Space
		srcAddr, dst, len uint32
		prot              Prot
		typ               Type
		err               ErrorKind
	}{
		{"nil source", nil, base, 0x00800000, PageSize, ProtRead, TypeImage, ErrForeign},
		{"other machine", NewMachine(0).NewSpace(), base, 0x00800000, PageSize, ProtRead, TypeImage, ErrForeign},
		{"unaligned source", a, base + 1, 0x00800000, PageSize, ProtRead, TypeImage, ErrAlignment},
		{"unaligned destination", a, base, 0x00800010, PageSize, ProtRead, TypeImage, ErrAlignment},
		{"new region not granule-aligned", a, base, 0x00801000, PageSize, ProtRead, TypeImage, ErrAlignment},
		{"source not committed", a, base, 0x00800000, 0x21000, ProtRead, TypeImage, ErrNotCommitted},
		{"zero size", a, base, 0x00800000, 0, ProtRead, TypeImage, ErrInvalidSize},
		{"bad prot", a, base, 0x00800000, PageSize, 0x80, TypeImage, ErrInvalidProt},
		{"new region needs a type", a, base, 0x00800000, PageSize, ProtRead, TypeNone, ErrInvalidType},
		{"type mismatch", a, base, 0x00600000, PageSize, ProtRead, TypeImage, ErrInvalidType},
		{"spans", a, base, 0x0060F000, 0x2000, ProtRead, TypeNone, ErrSpansRegions},
		{"overlaps", a, base, 0x005F0000, 0x20000, ProtRead, TypeMapped, ErrConflict},
		{"into kernel half", a, base, KernelBase, PageSize, ProtRead, TypeMapped, ErrKernelAddress},
		{"into null region", a, base, 0, PageSize, ProtRead, TypeMapped, ErrInvalidAddress},
		{"into existing", a, base, 0x00600000, 0x2000, ProtRead, TypeNone, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantKind(t, b.ShareFrom(tt.src, tt.srcAddr, tt.dst, tt.len, tt.prot, tt.typ), tt.err)
			verify(t, m)
		})
	}
}

func TestSpace_Clone(t *testing.T) {
	m := NewMachine(0)
	a := m.NewSpace()
	base := mustAlloc(t, a, 0x00400000, 0x4000, rw)
	a.Write32(base, 1)
	a.Write32(base+PageSize, 2)
	a.MarkCode(base)
	a.SetDEP(false)
	c, err := a.Clone()
	if err != nil {
		t.Fatal(err)
	}
	if m.Committed() != 2*0x4000 {
		t.Fatalf("committed %#x", m.Committed())
	}
	if st := c.Stats(); st.SharedPages != 2 || st.Committed != 0x4000 || st.Resident != 2*PageSize {
		t.Fatalf("clone stats %+v", st)
	}
	if c.PageInfo(base).Code {
		t.Fatal("code mark copied")
	}
	if _, ok := c.Fetch(base, make([]byte, 1)); !ok {
		t.Fatal("DEP setting not copied")
	}
	// Writes on either side stay on that side.
	a.Write32(base, 10)
	c.Write32(base+PageSize, 20)
	c.Write32(base+2*PageSize, 30)
	for _, tc := range []struct {
		s    *Space
		a    uint32
		want uint32
	}{{a, base, 10}, {c, base, 1}, {a, base + PageSize, 2}, {c, base + PageSize, 20}, {a, base + 2*PageSize, 0}, {c, base + 2*PageSize, 30}} {
		if v, _ := tc.s.Read32(tc.a); v != tc.want {
			t.Fatalf("read %#x = %d, want %d", tc.a, v, tc.want)
		}
	}
	// a copied base and c copied base+PageSize (both shared); c's write to the untouched page copied nothing.
	if a.Stats().COWCopies != 1 || c.Stats().COWCopies != 1 {
		t.Fatalf("copies a=%+v c=%+v", a.Stats(), c.Stats())
	}
	ra, rc := a.Regions(), c.Regions()
	if len(ra) != len(rc) {
		t.Fatalf("regions differ: %+v vs %+v", ra, rc)
	}
	verify(t, m)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal("second Close failed")
	}
	if _, ok := c.Read32(base); ok {
		t.Fatal("closed space readable")
	}
	if _, err := c.Clone(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Clone of closed: %v", err)
	}
	if _, err := c.Query(base); !errors.Is(err, ErrClosed) {
		t.Fatalf("Query of closed: %v", err)
	}
	if err := a.ShareFrom(c, base, 0x00800000, PageSize, ProtRead, TypeImage); !errors.Is(err, ErrForeign) {
		t.Fatalf("ShareFrom a closed space: %v", err)
	}
	if m.Committed() != 0x4000 || a.Stats().SharedPages != 0 {
		t.Fatalf("after Close: committed %#x, a %+v", m.Committed(), a.Stats())
	}
	verify(t, m)
}

func TestSpace_QueryAndRegions(t *testing.T) {
	s := NewMachine(0).NewSpace()
	base, _ := s.Reserve(0x00400000, 0x10000, ProtRead|ProtExec, TypeImage, false)
	s.Commit(base, 0x1000, ProtRead)
	s.Commit(base+0x1000, 0x2000, ProtRead|ProtExec)
	s.Commit(base+0x5000, 0x1000, rw)
	tests := []struct {
		addr uint32
		want RegionInfo
	}{
		{0, RegionInfo{Base: 0, Size: base, State: StateFree}},
		{0x00123456, RegionInfo{Base: 0x00123000, Size: base - 0x00123000, State: StateFree}},
		{base + 0x10, RegionInfo{base, base, 0x1000, StateCommit, ProtRead, ProtRead | ProtExec, TypeImage}},
		{base + 0x1FFF, RegionInfo{base + 0x1000, base, 0x2000, StateCommit, ProtRead | ProtExec, ProtRead | ProtExec, TypeImage}},
		{base + 0x2000, RegionInfo{base + 0x2000, base, 0x1000, StateCommit, ProtRead | ProtExec, ProtRead | ProtExec, TypeImage}},
		{base + 0x3000, RegionInfo{base + 0x3000, base, 0x2000, StateReserve, 0, ProtRead | ProtExec, TypeImage}},
		{base + 0x6000, RegionInfo{base + 0x6000, base, 0xA000, StateReserve, 0, ProtRead | ProtExec, TypeImage}},
		{base + 0x10000, RegionInfo{Base: base + 0x10000, Size: KernelBase - base - 0x10000, State: StateFree}},
		{UserMax + 5, RegionInfo{Base: UserMax, Size: KernelBase - UserMax, State: StateFree}},
		{KernelBase, RegionInfo{Base: KernelBase, Size: KernelBase, State: StateFree}},
	}
	for _, tt := range tests {
		got, err := s.Query(tt.addr)
		if err != nil || got != tt.want {
			t.Errorf("Query(%#x) = %+v, %v; want %+v", tt.addr, got, err, tt.want)
		}
	}
	regs := s.Regions()
	if len(regs) != 7 {
		t.Fatalf("%d regions: %+v", len(regs), regs)
	}
	next := uint64(0)
	for _, r := range regs {
		if uint64(r.Base) != next {
			t.Fatalf("gap before %+v", r)
		}
		next += uint64(r.Size)
	}
	if next != KernelBase {
		t.Fatalf("Regions end at %#x", next)
	}
}

func TestSpace_PageGen(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	base := mustAlloc(t, s, 0x00400000, 0x2000, rw|ProtExec)
	code, data := base, base+PageSize
	s.Write32(data, 1)
	s.Write32(code, 1) // in the write TLB now
	g0, d0 := s.PageGen(code), s.PageGen(data)
	s.MarkCode(code)
	if !s.PageInfo(code).Code {
		t.Fatal("not marked")
	}
	steps := []struct {
		name   string
		do     func()
		bumped bool
	}{
		{"write to code page", func() { s.Write32(code+8, 2) }, true},
		{"byte write to code page", func() { s.Write8(code, 2) }, true},
		{"bulk write to code page", func() { s.WriteBytes(code+4, []byte{1}, 0) }, true},
		{"crossing write into code page", func() { s.Write32(code-2, 0) }, false}, // faults: free before
		{"read of code page", func() { s.Read32(code) }, false},
		{"protect", func() { s.Protect(code, PageSize, ProtRead|ProtExec) }, true},
		{"failed write", func() { s.Write32(code, 0) }, false},
		{"recommit", func() { s.Commit(code, PageSize, rw|ProtExec) }, true},
		{"decommit", func() { s.Decommit(code, PageSize) }, true},
		{"commit", func() { s.Commit(code, PageSize, rw|ProtExec) }, true},
	}
	prev := s.PageGen(code)
	if prev != g0 {
		t.Fatal("MarkCode changed the generation")
	}
	for _, st := range steps {
		st.do()
		got := s.PageGen(code)
		if (got != prev) != st.bumped {
			t.Fatalf("%s: generation %d -> %d", st.name, prev, got)
		}
		prev = got
	}
	if s.PageInfo(code).Code {
		t.Fatal("code mark survived decommit")
	}
	s.Write32(data, 5)
	if s.PageGen(data) != d0 {
		t.Fatal("write to an unmarked page bumped its generation")
	}
	if err := s.Release(base); err != nil {
		t.Fatal(err)
	}
	if s.PageGen(data) == d0 {
		t.Fatal("release did not bump the generation")
	}
	if s.PageGen(0x00900000) != 0 || s.PageGen(KernelBase) != 0 {
		t.Fatal("never-mapped pages have a generation")
	}
	s.MarkCode(0x00900000) // nothing to mark: no effect
	verify(t, m)
}

// TestSpace_Sparse checks that reservations cost nothing and that committing is paid per page used.
func TestSpace_Sparse(t *testing.T) {
	m := NewMachine(0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s := m.NewSpace()
	base, err := s.Reserve(0, 0x40000000, rw, TypePrivate, false) // 1 GiB
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(base, 0x10000000, rw); err != nil { // 256 MiB committed, untouched
		t.Fatal(err)
	}
	for a := base; a < base+0x100000; a += PageSize { // 1 MiB written
		s.Write8(a, 1)
	}
	runtime.ReadMemStats(&after)
	grew := after.TotalAlloc - before.TotalAlloc
	// 1 MiB of frames plus 64 page tables (16 KiB each) for the 256 MiB commit.
	if limit := uint64(1<<20 + 64*16<<10 + 256<<10); grew > limit {
		t.Fatalf("allocated %d KiB, want at most %d KiB", grew>>10, limit>>10)
	}
	if st := s.Stats(); st.Resident != 1<<20 || st.Committed != 0x10000000 {
		t.Fatalf("stats %+v", st)
	}
	regs := s.Regions() // free, 256 MiB committed, 768 MiB reserved, free
	if len(regs) != 4 || regs[1].Size != 0x10000000 || regs[2].Size != 0x30000000 || regs[2].State != StateReserve {
		t.Fatalf("Regions = %+v", regs)
	}
}

func TestErrors_Strings(t *testing.T) {
	f := Fault{0x1234, AccessWrite, FaultGuard}
	if got := f.Error(); got != "mm: write fault at 0x00001234 (guard)" {
		t.Fatalf("Fault.Error = %q", got)
	}
	e := &Error{"commit", 0x400000, 0x1000, ErrNotReserved}
	if got := e.Error(); got != "mm: commit 0x00400000+0x00001000: not reserved" {
		t.Fatalf("Error.Error = %q", got)
	}
	if got := (rw | ProtExec | ProtGuard).String(); got != "RWX+G" {
		t.Fatalf("Prot.String = %q", got)
	}
	if got := (ProtRead | ProtCopy).String(); got != "R--+C" {
		t.Fatalf("Prot.String = %q", got)
	}
	for k := ErrInvalidSize; k <= ErrTooLong; k++ {
		if k.Error() == "" || k.Error()[:4] != "mm: " {
			t.Fatalf("kind %d: %q", k, k.Error())
		}
	}
}

func TestSpace_MapShared(t *testing.T) {
	m := NewMachine(0)
	h, a, b, c := m.NewSpace(), m.NewSpace(), m.NewSpace(), m.NewSpace()
	sec := mustAlloc(t, h, 0x00400000, 2*PageSize, rw) // the section's pages, held by a prototype space
	const view = 0x00500000
	wantKind(t, a.MapShared(h, sec, view, 2*PageSize, rw, TypeMapped), 0)
	wantKind(t, b.MapShared(h, sec, view, 2*PageSize, rw, TypeMapped), 0)
	wantKind(t, c.MapShared(h, sec, view, 2*PageSize, ProtRead|ProtCopy, TypeMapped), 0) // FILE_MAP_COPY view
	if h.Stats().Resident != 2*PageSize {
		t.Fatal("MapShared did not give the untouched source pages frames")
	}
	for _, tc := range []struct {
		s    *Space
		addr uint32
		want Sharing
	}{{h, sec, Shared}, {a, view, Shared}, {b, view, Shared}, {c, view, SharedCOW}} {
		if pi := tc.s.PageInfo(tc.addr); pi.Sharing != tc.want {
			t.Fatalf("sharing %v at %#x, want %v", pi.Sharing, tc.addr, tc.want)
		}
	}
	// A write through one shared view is seen by every mapping, the copy-on-write view included.
	if !a.Write32(view, 0x11223344) {
		t.Fatal(a.LastFault())
	}
	for i, s := range []*Space{b, c} {
		if v, _ := s.Read32(view); v != 0x11223344 {
			t.Fatalf("view %d sees %#x", i, v)
		}
	}
	if v, _ := h.Read32(sec); v != 0x11223344 {
		t.Fatalf("section holder sees %#x", v)
	}
	// The copy-on-write view writes: it gets a private copy and stops seeing the others' writes.
	if !c.Write32(view, 0xCCCCCCCC) {
		t.Fatal(c.LastFault())
	}
	if pi := c.PageInfo(view); pi.Sharing != Private || pi.Prot != rw {
		t.Fatalf("copy view after write: %+v", pi)
	}
	b.Write32(view, 0xBBBBBBBB)
	if v, _ := c.Read32(view); v != 0xCCCCCCCC {
		t.Fatalf("copy view sees %#x", v)
	}
	if v, _ := a.Read32(view); v != 0xBBBBBBBB {
		t.Fatalf("a sees %#x", v)
	}
	// Code in a shared page: a write through another space, even one that had the page in its write
	// TLB before the mark, changes the generation.
	a.Write32(view+PageSize, 1) // in a's write TLB now
	g := b.PageGen(view + PageSize)
	b.MarkCode(view + PageSize)
	if !a.Write32(view+PageSize, 2) {
		t.Fatal(a.LastFault())
	}
	if b.PageGen(view+PageSize) == g {
		t.Fatal("a's write to a shared code frame did not change b's generation")
	}
	g = b.PageGen(view + PageSize)
	if !a.Write8(view+PageSize+9, 3) || b.PageGen(view+PageSize) == g {
		t.Fatal("second write: generation unchanged")
	}
	// A clone keeps the view shared in place.
	d, err := a.Clone()
	if err != nil {
		t.Fatal(err)
	}
	d.Write32(view, 0xDDDDDDDD)
	if v, _ := b.Read32(view); v != 0xDDDDDDDD {
		t.Fatalf("clone's write not shared: %#x", v)
	}
	// Read-only view: writes fault; a forced write copies and leaves the section alone.
	if _, err := b.Protect(view, PageSize, ProtRead); err != nil {
		t.Fatal(err)
	}
	if b.Write32(view, 5) || b.LastFault().Reason != FaultProtection {
		t.Fatalf("write to read-only view: %v", b.LastFault())
	}
	if err := b.WriteBytes(view, []byte{0xEE}, AccessForce); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Read8(view); v != 0xDD {
		t.Fatalf("forced write leaked into the section: %#x", v)
	}
	if b.Stats().COWCopies != 1 || c.Stats().COWCopies != 1 || a.Stats().COWCopies != 0 {
		t.Fatalf("copies a=%d b=%d c=%d", a.Stats().COWCopies, b.Stats().COWCopies, c.Stats().COWCopies)
	}
	wantKind(t, a.MapShared(h, sec, 0x00600000, 3*PageSize, rw, TypeMapped), ErrNotCommitted)
	verify(t, m)
}
