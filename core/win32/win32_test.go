package win32

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/loader"
	"github.com/peek32/peek32/loader/pewriter"
	"github.com/peek32/peek32/mm"
)

// TestDLL_ExportsParseBack parses every built-in DLL image with the loader and checks its export directory
// against the table: every code row is exported at a thunk (0F 0B) inside the thunk section, every data row in
// .data.
func TestDLL_ExportsParseBack(t *testing.T) {
	for _, d := range Builtins() {
		img, err := d.Image()
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		f, err := loader.Parse(img, loader.DefaultLimits())
		if err != nil {
			t.Fatalf("%s: parse: %v", d.Name, err)
		}
		if !f.IsDLL || f.ImageBase != d.Base {
			t.Errorf("%s: IsDLL %v base 0x%X", d.Name, f.IsDLL, f.ImageBase)
		}
		rows := d.Rows()
		if len(rows) == 0 {
			continue
		}
		if f.Exports == nil {
			t.Fatalf("%s: no export directory", d.Name)
		}
		byName := map[string]loader.Export{}
		for _, e := range f.Exports.Entries {
			byName[e.Name] = e
		}
		lo, hi := d.thunkRange()
		for _, r := range rows {
			e, ok := byName[r.Name]
			if !ok {
				t.Errorf("%s!%s not exported", d.Name, r.Name)
				continue
			}
			if r.Forward != "" {
				if e.Forwarder != r.Forward {
					t.Errorf("%s!%s: forwarder %q, want %q", d.Name, r.Name, e.Forwarder, r.Forward)
				}
				continue
			}
			if r.Data > 0 {
				if e.RVA >= lo && e.RVA < hi {
					t.Errorf("%s!%s: data export inside the thunk section", d.Name, r.Name)
				}
				continue
			}
			if e.RVA < lo || e.RVA >= hi {
				t.Errorf("%s!%s: RVA 0x%X outside the thunk section [0x%X,0x%X)", d.Name, r.Name, e.RVA, lo, hi)
				continue
			}
			off := e.RVA - f.Sections[0].VirtualAddress + f.Sections[0].RawOffset
			if !bytes.Equal(img[off:off+2], []byte{0x0F, 0x0B}) {
				t.Errorf("%s!%s: thunk bytes % X", d.Name, r.Name, img[off:off+2])
			}
			if got, _ := d.exportAt(e.RVA); got == nil || got.Name != r.Name {
				t.Errorf("%s!%s: exportAt does not find it back", d.Name, r.Name)
			}
		}
	}
	if d := Builtin("KERNEL32"); d == nil || len(d.Rows()) < 100 {
		t.Errorf("kernel32 table missing or small")
	}
}

// asm builds a tiny exe: code is produced by gen after layout, which receives the IAT and data addresses.
type prog struct {
	imports []pewriter.Import
	data    []byte
	gen     func(iat func(dll, fn string) uint32, data uint32) []byte
}

func (p prog) build(t testing.TB) []byte {
	t.Helper()
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole, StackReserve: 0x40000, StackCommit: 0x2000}
	code := make([]byte, 512)
	text := img.AddSection(".text", code, pewriter.Code)
	ds := img.AddSection(".data", append(append([]byte(nil), p.data...), make([]byte, 64)...), pewriter.Data)
	img.Imports = p.imports
	img.Entry = &pewriter.Ref{Section: text}
	l, err := img.Layout()
	if err != nil {
		t.Fatal(err)
	}
	base := uint32(0x400000)
	out := p.gen(func(dll, fn string) uint32 { return base + l.IAT(dll, fn) }, base+ds.RVA)
	if len(out) > len(code) {
		t.Fatal("code too long")
	}
	copy(code, out)
	b, err := img.Build()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// x86 helpers.
func pushImm(v uint32) []byte { return append([]byte{0x68}, le(v)...) }
func callMem(a uint32) []byte { return append([]byte{0xFF, 0x15}, le(a)...) }
func le(v uint32) []byte      { b := make([]byte, 4); binary.LittleEndian.PutUint32(b, v); return b }
func cat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

type machine struct {
	k      *kernel.Kernel
	s      *System
	events []kernel.Event
}

func newMachine(t testing.TB) *machine {
	m := &machine{}
	m.s = New(Config{TraceAPI: true})
	m.k = kernel.New(kernel.Config{Mem: mm.NewMachine(256 << 20), System: m.s, Emit: func(e kernel.Event) { m.events = append(m.events, e) }})
	m.s.Attach(m.k)
	if _, err := m.k.Boot(); err != nil {
		t.Fatal(err)
	}
	return m
}

func (m *machine) run(t testing.TB, exe []byte, out *bytes.Buffer) *kernel.Process {
	t.Helper()
	std := m.s.Stdio(strings.NewReader(""), out, out)
	res, err := m.k.CreateProcess(kernel.CreateParams{Image: exe, ImagePath: `C:\t\p.exe`, CommandLine: "p.exe", Std: std})
	for _, o := range std {
		o.Header().Unref()
	}
	if err != nil {
		t.Fatal(err)
	}
	res.Process.Ref()
	t.Cleanup(res.Process.Unref)
	if r := m.k.Run(1_000_000); r.Status != kernel.RunExited {
		t.Fatalf("status %v", r.Status)
	}
	return res.Process
}

var k32 = func(fns ...string) pewriter.Import {
	imp := pewriter.Import{DLL: "KERNEL32.dll"}
	for _, f := range fns {
		imp.Funcs = append(imp.Funcs, pewriter.ImportFunc{Name: f})
	}
	return imp
}

func TestKernel32_WriteFileStdout(t *testing.T) {
	msg := []byte("hi\r\n")
	exe := prog{
		imports: []pewriter.Import{k32("GetStdHandle", "WriteFile", "ExitProcess")},
		data:    msg,
		gen: func(iat func(string, string) uint32, data uint32) []byte {
			written := data + 32
			return cat(
				[]byte{0x6A, 0xF5}, callMem(iat("KERNEL32.dll", "GetStdHandle")), // push -11; call
				[]byte{0x6A, 0x00}, pushImm(written), []byte{0x6A, byte(len(msg))}, pushImm(data), []byte{0x50},
				callMem(iat("KERNEL32.dll", "WriteFile")),
				[]byte{0x6A, 0x07}, callMem(iat("KERNEL32.dll", "ExitProcess")),
			)
		},
	}.build(t)
	m := newMachine(t)
	var out bytes.Buffer
	p := m.run(t, exe, &out)
	if out.String() != "hi\r\n" {
		t.Errorf("stdout %q", out.String())
	}
	if p.ExitCode() != 7 {
		t.Errorf("exit code %d", p.ExitCode())
	}
	var apis []string
	for _, e := range m.events {
		if e.Kind == "api" {
			apis = append(apis, e.Name)
		}
	}
	if strings.Join(apis, ",") != "KERNEL32.dll!GetStdHandle,KERNEL32.dll!WriteFile" {
		t.Errorf("api events %v", apis)
	}
}

func TestUnimplementedImportTrap(t *testing.T) {
	exe := prog{
		imports: []pewriter.Import{k32("ExitProcess", "FrobnicateW")},
		gen: func(iat func(string, string) uint32, _ uint32) []byte {
			return cat([]byte{0x6A, 0x01}, callMem(iat("KERNEL32.dll", "FrobnicateW")))
		},
	}.build(t)
	m := newMachine(t)
	var out bytes.Buffer
	p := m.run(t, exe, &out)
	if p.ExitCode() != uint32(abi.STATUS_ENTRYPOINT_NOT_FOUND) {
		t.Errorf("exit code 0x%X", p.ExitCode())
	}
	found := false
	for _, e := range m.events {
		if e.Kind == "unimplemented" {
			found = true
			if e.Name != "KERNEL32.dll!FrobnicateW" || !strings.Contains(e.Text, "is not implemented (called from 0x0040") {
				t.Errorf("event %+v", e)
			}
		}
	}
	if !found {
		t.Error("no unimplemented event")
	}
	if !strings.Contains(m.s.LastUnimplemented, "KERNEL32.dll!FrobnicateW is not implemented") {
		t.Errorf("message %q", m.s.LastUnimplemented)
	}
}

func TestGetProcAddress_ByNameAndMissing(t *testing.T) {
	name := []byte("GetTickCount\x00FrobnicateW\x00kernel32\x00")
	exe := prog{
		imports: []pewriter.Import{k32("GetModuleHandleA", "GetProcAddress", "ExitProcess")},
		data:    name,
		gen: func(iat func(string, string) uint32, data uint32) []byte {
			// h = GetModuleHandleA("kernel32"); a = GetProcAddress(h, "GetTickCount"); b = GetProcAddress(h, "FrobnicateW")
			// exit code = (a != 0) + 2*(b == 0)
			return cat(
				pushImm(data+25), callMem(iat("KERNEL32.dll", "GetModuleHandleA")),
				[]byte{0x89, 0xC6}, // mov esi, eax
				pushImm(data), []byte{0x56}, callMem(iat("KERNEL32.dll", "GetProcAddress")),
				[]byte{0x89, 0xC7}, // mov edi, eax
				pushImm(data+13), []byte{0x56}, callMem(iat("KERNEL32.dll", "GetProcAddress")),
				[]byte{0x31, 0xDB},                         // xor ebx, ebx
				[]byte{0x85, 0xFF, 0x74, 0x01, 0x43},       // test edi,edi; jz +1; inc ebx
				[]byte{0x85, 0xC0, 0x75, 0x02, 0x43, 0x43}, // test eax,eax; jnz +2; inc ebx; inc ebx
				[]byte{0x53}, callMem(iat("KERNEL32.dll", "ExitProcess")),
			)
		},
	}.build(t)
	m := newMachine(t)
	var out bytes.Buffer
	p := m.run(t, exe, &out)
	if p.ExitCode() != 3 {
		t.Errorf("exit code %d, want 3 (found GetTickCount, not FrobnicateW)", p.ExitCode())
	}
}

func TestHeap_AllocFreeReuse(t *testing.T) {
	mem := mm.NewMachine(64 << 20)
	s := mem.NewSpace()
	h, err := NewHeap(s, 0, 0x10000, 0x1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := h.Alloc(100, false)
	b, _ := h.Alloc(100, true)
	if a%8 != 0 || b%8 != 0 || b <= a || b-a < 100 {
		t.Fatalf("blocks at 0x%X 0x%X", a, b)
	}
	if n, _ := h.Size(a); n != 100 {
		t.Errorf("size %d", n)
	}
	h.Free(a)
	c, _ := h.Alloc(50, false)
	if c != a {
		t.Errorf("freed block not reused: 0x%X vs 0x%X", c, a)
	}
	big, err := h.Alloc(1<<20, true)
	if err != nil || !s.Write32(big+(1<<20)-4, 1) {
		t.Fatalf("big block: %v", err)
	}
	na, err := h.ReAlloc(b, 5000, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Read32(na + 4000); v != 0 {
		t.Error("grown part not zeroed")
	}
	if h.Free(b) {
		t.Error("old block still live after moving realloc")
	}
	for i := 0; i < 2000; i++ {
		if _, err := h.Alloc(1000, false); err != nil {
			t.Fatalf("alloc %d: %v", i, err)
		}
	}
}

func TestParseCommandLine(t *testing.T) {
	tests := []struct {
		cl   string
		want []string
	}{
		{`prog a b`, []string{"prog", "a", "b"}},
		{`"C:\Program Files\p.exe" "x y" z`, []string{`C:\Program Files\p.exe`, "x y", "z"}},
		{`p a\\\"b "c\\" d\e`, []string{"p", `a\"b`, `c\`, `d\e`}},
		{`p "a""b" ""`, []string{"p", `a"b`, ""}},
		{`p   `, []string{"p"}},
	}
	for _, tt := range tests {
		got := ParseCommandLine(tt.cl)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: got %q want %q", tt.cl, got, tt.want)
		}
	}
}

// TestCreateThread_WaitAndExitCode starts a thread, waits for it, and exits with its exit code.
func TestCreateThread_WaitAndExitCode(t *testing.T) {
	exe := prog{
		imports: []pewriter.Import{k32("CreateThread", "WaitForSingleObject", "GetExitCodeThread", "ExitProcess")},
		gen: func(iat func(string, string) uint32, data uint32) []byte {
			base := uint32(0x401000) // .text RVA 0x1000 at the default image base
			code := cat(
				[]byte{0x6A, 0x00, 0x6A, 0x00, 0x6A, 0x05}, // push 0 (tid ptr); push 0 (flags); push 5 (param)
				pushImm(0),                     // start address, patched below
				[]byte{0x6A, 0x00, 0x6A, 0x00}, // stack size, security
				callMem(iat("KERNEL32.dll", "CreateThread")),
				[]byte{0x89, 0xC6},       // mov esi, eax
				[]byte{0x6A, 0xFF, 0x56}, // push INFINITE; push esi
				callMem(iat("KERNEL32.dll", "WaitForSingleObject")),
				pushImm(data), []byte{0x56}, // push &code; push esi
				callMem(iat("KERNEL32.dll", "GetExitCodeThread")),
				[]byte{0xFF, 0x35}, le(data), // push [code]
				callMem(iat("KERNEL32.dll", "ExitProcess")),
			)
			fn := uint32(len(code))
			code = append(code, 0x8B, 0x44, 0x24, 0x04, 0x83, 0xC0, 0x0A, 0xC2, 0x04, 0x00) // mov eax,[esp+4]; add eax,10; ret 4
			copy(code[7:11], le(base+fn))
			return code
		},
	}.build(t)
	m := newMachine(t)
	var out bytes.Buffer
	p := m.run(t, exe, &out)
	if p.ExitCode() != 15 {
		t.Errorf("exit code %d, want 15 (the thread's 5+10)", p.ExitCode())
	}
	threads := 0
	for _, e := range m.events {
		if e.Kind == "thread-created" {
			threads++
		}
	}
	if threads != 3 { // explorer's, the main thread, the new one
		t.Errorf("%d thread-created events, want 3", threads)
	}
}
