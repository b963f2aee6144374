package mm

import "testing"

func TestSpace_Smoke(t *testing.T) {
	m := NewMachine(0)
	s := m.NewSpace()
	base, err := s.Reserve(0, 0x20000, ProtRead|ProtWrite, TypePrivate, false)
	if err != nil || base != UserMin {
		t.Fatalf("reserve = %#x, %v", base, err)
	}
	if err := s.Commit(base, 0x2000, ProtRead|ProtWrite); err != nil {
		t.Fatal(err)
	}
	if !s.Write32(base+0xFFE, 0xAABBCCDD) {
		t.Fatal(s.LastFault())
	}
	if v, ok := s.Read32(base + 0xFFE); !ok || v != 0xAABBCCDD {
		t.Fatalf("read = %#x %v", v, ok)
	}
	if s.Write32(base+0x1FFE, 1) {
		t.Fatal("write across into reserved page succeeded")
	}
	if f := s.LastFault(); f != (Fault{base + 0x2000, AccessWrite, FaultReserved}) {
		t.Fatalf("fault = %+v", f)
	}
}
