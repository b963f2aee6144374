package cpu

import (
	"testing"

	"github.com/peek32/peek32/mm"
	"golang.org/x/arch/x86/x86asm"
)

// Test layout: code at codeBase (RWX), data at dataBase (RW), stack below stackTop (RW).
const (
	codeBase  = 0x00400000
	codeSize  = 0x10000
	dataBase  = 0x00500000
	dataSize  = 0x10000
	stackBase = 0x00600000
	stackSize = 0x10000
	stackTop  = stackBase + stackSize
)

// newTestCPU maps the test layout, copies code to codeBase and returns a CPU at codeBase.
func newTestCPU(tb testing.TB, code []byte) *CPU {
	tb.Helper()
	m := mm.NewMachine(1 << 30)
	s := m.NewSpace()
	for _, r := range []struct {
		base, size uint32
		prot       mm.Prot
	}{
		{codeBase, codeSize, mm.ProtRead | mm.ProtWrite | mm.ProtExec},
		{dataBase, dataSize, mm.ProtRead | mm.ProtWrite},
		{stackBase, stackSize, mm.ProtRead | mm.ProtWrite},
	} {
		if _, err := s.Reserve(r.base, r.size, r.prot, mm.TypePrivate, false); err != nil {
			tb.Fatalf("reserve %#x: %v", r.base, err)
		}
		if err := s.Commit(r.base, r.size, r.prot); err != nil {
			tb.Fatalf("commit %#x: %v", r.base, err)
		}
	}
	if err := s.WriteBytes(codeBase, code, 0); err != nil {
		tb.Fatalf("write code: %v", err)
	}
	c := New(s, nil)
	c.EIP = codeBase
	c.Regs[ESP] = stackTop
	return c
}

func asm(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func b(x ...byte) []byte { return x }

// opName returns the mnemonic of a table index.
func opName(op uint16) string {
	switch op {
	case opInvalid:
		return "(bad)"
	case opFetchFault:
		return "(fetch fault)"
	case opPriv:
		return "(privileged)"
	case opSALC:
		return "SALC"
	}
	return x86asm.Op(op).String()
}
