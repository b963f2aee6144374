package mm

import (
	"bytes"
	"testing"
)

// TestSpace_TLBForms checks the TLB-only accessors: a hit behaves exactly like the full accessor,
// a miss does nothing (no fault recorded, no TLB fill, nothing written).
func TestSpace_TLBForms(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	base := mustAlloc(t, s, 0x00400000, 0x3000, rw)
	ro := mustAlloc(t, s, 0x00500000, 0x1000, ProtRead)

	// Cold pages miss without side effects.
	s.fault = Fault{}
	if _, ok := s.Read32TLB(base); ok {
		t.Fatal("Read32TLB hit a page never accessed")
	}
	if s.Write32TLB(base, 1) || s.Write8TLB(base, 1) || s.MoveTLB(base, base+8, 4) || s.FillTLB(base, 4, 1, 4) {
		t.Fatal("write forms hit a page never written")
	}
	if s.LastFault() != (Fault{}) {
		t.Fatalf("a miss recorded %v", s.LastFault())
	}
	if v, _ := s.Read32(base); v != 0 {
		t.Fatal("a missed write wrote")
	}

	// Warm pages hit.
	for a := base; a < base+0x3000; a += PageSize {
		s.Write32(a, 0)
	}
	if !s.Write32TLB(base+6, 0x44332211) || !s.Write8TLB(base+10, 0x55) {
		t.Fatal("write forms missed a warm page")
	}
	if v, ok := s.Read32TLB(base + 7); !ok || v != 0x55443322 {
		t.Fatalf("Read32TLB = %#x %v", v, ok)
	}
	if v, ok := s.Read8TLB(base + 10); !ok || v != 0x55 {
		t.Fatalf("Read8TLB = %#x %v", v, ok)
	}
	// Page-crossing accesses miss.
	if _, ok := s.Read32TLB(base + PageSize - 2); ok {
		t.Fatal("Read32TLB hit across a page")
	}
	if s.Write32TLB(base+PageSize-1, 1) || s.MoveTLB(base+PageSize-2, base, 4) || s.MoveTLB(base, base+PageSize-2, 4) ||
		s.FillTLB(base+PageSize-2, 4, 0, 2) {
		t.Fatal("a write form hit across a page")
	}
	// Read-only and code pages stay on the slow path for writes.
	s.Read8(ro)
	if _, ok := s.Read8TLB(ro); !ok {
		t.Fatal("Read8TLB missed a warm read-only page")
	}
	if s.Write8TLB(ro, 1) || s.MoveTLB(ro, base, 4) || s.FillTLB(ro, 4, 0, 1) {
		t.Fatal("a write form hit a read-only page")
	}
	if !s.MoveTLB(base, ro, 4) {
		t.Fatal("MoveTLB missed a read-only source")
	}
	s.MarkCode(base + 2*PageSize)
	if s.Write32TLB(base+2*PageSize, 1) || s.FillTLB(base+2*PageSize, 8, 0, 4) {
		t.Fatal("a write form hit a code page")
	}
	verify(t, m)
}

func TestSpace_MoveFillTLB(t *testing.T) {
	s := NewMachine(0).NewSpace()
	base := mustAlloc(t, s, 0x00400000, 0x2000, rw)
	pat := make([]byte, 64)
	for i := range pat {
		pat[i] = byte(i + 1)
	}
	if err := s.WriteBytes(base, pat, 0); err != nil {
		t.Fatal(err)
	}
	s.Write8(base+PageSize, 0)
	got := make([]byte, 64)

	// Across pages, and within one page with the destination before the source (memmove).
	if !s.MoveTLB(base+PageSize+100, base, 64) {
		t.Fatal("MoveTLB missed")
	}
	s.ReadBytes(base+PageSize+100, got, 0)
	if !bytes.Equal(got, pat) {
		t.Fatalf("moved % x", got)
	}
	if !s.MoveTLB(base, base+8, 32) {
		t.Fatal("MoveTLB missed")
	}
	s.ReadBytes(base, got[:32], 0)
	if !bytes.Equal(got[:32], pat[8:40]) {
		t.Fatalf("overlapping move % x", got[:32])
	}

	for _, c := range []struct {
		size int
		v    uint32
		want []byte
	}{
		{1, 0xAB, []byte{0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB}},
		{2, 0x1234, []byte{0x34, 0x12, 0x34, 0x12, 0x34, 0x12}},
		{4, 0xDDCCBBAA, []byte{0xAA, 0xBB, 0xCC, 0xDD, 0xAA, 0xBB, 0xCC, 0xDD, 0xAA, 0xBB, 0xCC, 0xDD}},
	} {
		s.WriteBytes(base+PageSize, make([]byte, 32), 0)
		if !s.FillTLB(base+PageSize+1, uint32(len(c.want)), c.v, c.size) {
			t.Fatalf("FillTLB size %d missed", c.size)
		}
		g := got[:len(c.want)+2]
		s.ReadBytes(base+PageSize, g, 0)
		if g[0] != 0 || g[len(g)-1] != 0 || !bytes.Equal(g[1:len(g)-1], c.want) {
			t.Fatalf("fill size %d: % x", c.size, g)
		}
	}
	if s.FillTLB(base, 6, 0, 4) || s.FillTLB(base, 4, 0, 3) {
		t.Fatal("FillTLB accepted a length that is not a multiple of the size, or a bad size")
	}
}
