package loader

import (
	"os"
	"strings"
	"testing"

	"github.com/peek32/peek32/mm"
)

// The files in testdata are built by testdata/build.sh with MinGW from
// testdata/src.

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mingwResolver loads testdll.dll for real and gives every other import a
// distinct fake address, as the kernel's resolver would with built-ins.
type mingwResolver struct {
	space *mm.Space
	dll   *Module
	next  uint32
	seen  map[string]uint32
}

func (r *mingwResolver) ResolveImport(m *Module, dll, name string, ord uint16, byOrd bool) (uint32, error) {
	if strings.EqualFold(dll, "testdll.dll") {
		return ResolveExport(r.dll, name, ord, byOrd, func(string) (*Module, error) { return nil, os.ErrNotExist })
	}
	r.next += 16
	r.seen[dll+"!"+name] = 0x7f000000 + r.next
	return 0x7f000000 + r.next, nil
}

func TestMinGW_exeAndDLL(t *testing.T) {
	exe := parse(t, readTestdata(t, "hello.exe"))
	dllFile := parse(t, readTestdata(t, "testdll.dll"))
	exe.Name, dllFile.Name = "hello.exe", "testdll.dll"
	if err := exe.ProgramError(); err != nil {
		t.Fatalf("hello.exe: %v", err)
	}
	if KindOf(dllFile.ProgramError()) != KindDLL {
		t.Errorf("testdll.dll ProgramError: %v", dllFile.ProgramError())
	}
	if !exe.HasRelocs || exe.TLS == nil || len(exe.TLS.Callbacks) == 0 || exe.Subsystem != SubsystemWindowsCUI {
		t.Fatalf("hello.exe: relocs %v TLS %+v subsystem %d", exe.HasRelocs, exe.TLS, exe.Subsystem)
	}
	if _, ok := exe.SymbolRVA("_main"); !ok {
		t.Error("no _main symbol")
	}
	if exe.Sections[len(exe.Sections)-1].Name[0] == '/' {
		t.Errorf("long section name not resolved: %q", exe.Sections[len(exe.Sections)-1].Name)
	}

	space := newSpace()
	// Take testdll's preferred base so it must be relocated.
	if _, err := space.Reserve(dllFile.ImageBase, 0x10000, mm.ProtRead, mm.TypePrivate, false); err != nil {
		t.Fatal(err)
	}
	dll, err := dllFile.Map(space, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !dll.Relocated || dll.TLS == nil || len(dll.TLS.Callbacks) != len(dllFile.TLS.Callbacks) {
		t.Fatalf("dll: relocated %v TLS %+v", dll.Relocated, dll.TLS)
	}
	for i, cb := range dll.TLS.Callbacks {
		if cb != dllFile.TLS.Callbacks[i]+dll.Delta {
			t.Errorf("TLS callback %d = 0x%x, want relocated 0x%x", i, cb, dllFile.TLS.Callbacks[i]+dll.Delta)
		}
	}
	add, ok := dll.FindExport("add", 0, false)
	mul, ok5 := dll.FindExport("", 5, true)
	fwd, okf := dll.FindExport("HeapAllocFwd", 0, false)
	if !ok || !ok5 || !okf || add.Ordinal != 1 || fwd.Forwarder != "KERNEL32.HeapAlloc" || mul.Addr == 0 {
		t.Fatalf("exports: %+v %+v %+v", add, mul, fwd)
	}

	m, err := exe.Map(space, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Base != 0x400000 || m.Entry != 0x400000+exe.EntryRVA {
		t.Errorf("exe at 0x%x entry 0x%x", m.Base, m.Entry)
	}
	r := &mingwResolver{space: space, dll: dll, seen: map[string]uint32{}}
	if err := m.BindImports(r); err != nil {
		t.Fatal(err)
	}
	for _, d := range exe.Imports {
		for _, fn := range d.Funcs {
			got := read32(t, space, m.Base+fn.IATRVA)
			var want uint32
			switch {
			case strings.EqualFold(d.DLL, "testdll.dll") && fn.ByOrdinal && fn.Ordinal == 5:
				want = mul.Addr
			case strings.EqualFold(d.DLL, "testdll.dll") && fn.Name == "add":
				want = add.Addr
			default:
				want = r.seen[d.DLL+"!"+fn.Name]
			}
			if got != want || want == 0 {
				t.Errorf("IAT %s!%s = 0x%x, want 0x%x", d.DLL, fn, got, want)
			}
		}
	}
	// The code section is read/execute, .data write-copy, headers read-only.
	for _, s := range exe.Sections {
		if s.Name == ".text" || s.Name == ".data" {
			if got, want := space.PageInfo(m.Base+s.VirtualAddress).Prot, SectionProt(s.Characteristics); got != want {
				t.Errorf("%s prot %v, want %v", s.Name, got, want)
			}
		}
	}
	r2, err := Inspect(readTestdata(t, "testdll.dll"))
	if err != nil || r2.Runnable || r2.Kind != "dll" || r2.Exports == nil || len(r2.Exports.Functions) != 3 {
		t.Errorf("Inspect(testdll.dll): %v %+v", err, r2)
	}
}

func TestInspect_mingwResourcesAndSignature(t *testing.T) {
	r, err := Inspect(readTestdata(t, "hello.exe"))
	if err != nil {
		t.Fatal(err)
	}
	find := func(ns []ResourceNode, name string) *ResourceNode {
		for i := range ns {
			if ns[i].Name == name {
				return &ns[i]
			}
		}
		return nil
	}
	rc := find(r.Resources, "RT_RCDATA")
	if rc == nil || find(rc.Children, "GREETING") == nil {
		t.Fatalf("resources %+v", r.Resources)
	}
	leaf := find(find(rc.Children, "GREETING").Children, "lang 0x409")
	if leaf == nil || leaf.Size != 22 || leaf.RVA == 0 {
		t.Errorf("GREETING leaf %+v", leaf)
	}
	if find(r.Resources, "RT_VERSION") == nil || find(r.Resources, "RT_STRING") == nil {
		t.Errorf("resources %+v", r.Resources)
	}
	if r.Signature != nil {
		t.Errorf("hello.exe is not signed: %+v", r.Signature)
	}

	d, err := Inspect(readTestdata(t, "testdll.dll"))
	if err != nil {
		t.Fatal(err)
	}
	s := d.Signature
	if s == nil || s.Type != 2 || len(s.Signers) != 1 || s.Signers[0].Subject != "CN=peek32 test signer,O=peek32" || s.Signers[0].NotAfter == "" {
		t.Fatalf("signature %+v", s)
	}
}

func TestInspect_mingwDebugDirectory(t *testing.T) {
	r, err := Inspect(readTestdata(t, "hello.exe"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Debug) != 1 || r.Debug[0].Type != "CODEVIEW" || len(r.Debug[0].GUID) != 36 || r.Debug[0].Age != 1 {
		t.Errorf("debug %+v", r.Debug)
	}
}
