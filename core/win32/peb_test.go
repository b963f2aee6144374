package win32

import (
	"strings"
	"testing"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/loader/pewriter"
)

// TestPEB_ShellcodeWalk finds kernel32's GetProcAddress the way shellcode does, from guest memory only:
// FS:[0x30] -> PEB -> Ldr -> the module lists (exe, ntdll, kernel32 in memory order; ntdll, kernel32 first in
// initialization order) -> kernel32's export directory -> the name table -> the ordinal -> the function RVA.
func TestPEB_ShellcodeWalk(t *testing.T) {
	exe := prog{
		imports: []pewriter.Import{k32("ExitProcess")},
		gen:     func(func(string, string) uint32, uint32) []byte { return []byte{0xEB, 0xFE} },
	}.build(t)
	m := newMachine(t)
	res, err := m.k.CreateProcess(kernel.CreateParams{Image: exe, ImagePath: `C:\t\walk.exe`, CommandLine: "walk"})
	if err != nil {
		t.Fatal(err)
	}
	p, th := res.Process, res.Thread
	s := p.Space
	rd := func(a uint32) uint32 {
		v, ok := s.Read32(a)
		if !ok {
			t.Fatalf("read of 0x%08X faulted", a)
		}
		return v
	}
	name := func(entry uint32) string {
		n, err := s.ReadUTF16(rd(entry+abi.LDRE_BaseDllName+abi.US_Buffer), 64)
		if err != nil {
			t.Fatal(err)
		}
		return strings.ToLower(n)
	}
	peb := rd(th.CPU.FSBase + abi.TEB_ProcessEnvironment)
	ldr := rd(peb + abi.PEB_Ldr)
	var mem []string
	head := ldr + abi.LDR_InMemoryOrderModuleList
	for e := rd(head); e != head && len(mem) < 10; e = rd(e) {
		mem = append(mem, name(e-abi.LDRE_InMemoryOrderLinks))
	}
	if len(mem) < 3 || mem[0] != "walk.exe" || mem[1] != "ntdll.dll" || mem[2] != "kernel32.dll" {
		t.Fatalf("memory order %v, want walk.exe, ntdll.dll, kernel32.dll first", mem)
	}
	var init []string
	ihead := ldr + abi.LDR_InInitializationOrderModuleList
	var k32base uint32
	for e := rd(ihead); e != ihead && len(init) < 10; e = rd(e) {
		ent := e - abi.LDRE_InInitializationOrderLinks
		init = append(init, name(ent))
		if name(ent) == "kernel32.dll" {
			k32base = rd(ent + abi.LDRE_DllBase)
		}
	}
	if len(init) < 2 || init[0] != "ntdll.dll" || init[1] != "kernel32.dll" {
		t.Fatalf("initialization order %v, want ntdll.dll, kernel32.dll first", init)
	}
	// Walk kernel32's export directory.
	pe := k32base + rd(k32base+0x3C)
	exp := k32base + rd(pe+0x78)
	n := rd(exp + 0x18)
	names, ords, funcs := k32base+rd(exp+0x20), k32base+rd(exp+0x24), k32base+rd(exp+0x1C)
	var found uint32
	for i := uint32(0); i < n; i++ {
		nm, err := s.ReadCString(k32base+rd(names+4*i), 64)
		if err != nil {
			t.Fatal(err)
		}
		if nm == "GetProcAddress" {
			o, _ := s.Read16(ords + 2*i)
			found = k32base + rd(funcs+4*uint32(o))
		}
	}
	mod := p.FindModule("kernel32.dll")
	want, err := m.s.resolveIn(p, mod, "GetProcAddress", 0, false, false)
	if err != nil || found == 0 || found != want {
		t.Errorf("walked GetProcAddress 0x%08X, resolver says 0x%08X (%v)", found, want, err)
	}
	if heap := rd(peb + abi.PEB_ProcessHeap); heap != State(p).Heap.Handle {
		t.Errorf("PEB.ProcessHeap 0x%08X, want 0x%08X", heap, State(p).Heap.Handle)
	}
}
