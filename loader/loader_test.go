package loader

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/peek32/peek32/loader/pewriter"
	"github.com/peek32/peek32/mm"
)

// testImage returns an EXE description with .text (code referencing a VA in
// .data through a HIGHLOW relocation), .data (with a zero-filled tail) and
// .bss, plus imports by name and ordinal.
func testImage() (*pewriter.Image, *pewriter.Section, *pewriter.Section) {
	img := &pewriter.Image{}
	code := []byte{0xA1, 0, 0, 0, 0, 0xC3} // mov eax,[data]; ret
	text := img.AddSection(".text", code, pewriter.Code)
	text.Relocs = []uint32{1}
	data := img.AddSection(".data", []byte("hello, data"), pewriter.Data)
	data.VirtualSize = 0x1800
	img.AddSection(".bss", nil, pewriter.BSS).VirtualSize = 0x100
	img.Imports = []pewriter.Import{
		{DLL: "KERNEL32.dll", Funcs: []pewriter.ImportFunc{{Name: "ExitProcess"}, {Name: "GetStdHandle", Hint: 7}}},
		{DLL: "msvcrt.dll", Funcs: []pewriter.ImportFunc{{Ordinal: 12}, {Name: "printf"}}},
	}
	img.Entry = &pewriter.Ref{Section: text}
	return img, text, data
}

// build lays img out, patches the .text relocation site with the VA of
// .data, and returns the file.
func build(t testing.TB, img *pewriter.Image, text, data *pewriter.Section) []byte {
	t.Helper()
	if _, err := img.Layout(); err != nil {
		t.Fatal(err)
	}
	if text != nil && data != nil {
		binary.LittleEndian.PutUint32(text.Data[1:], img.ImageBase+data.RVA)
	}
	b, err := img.Build()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parse(t testing.TB, b []byte) *File {
	t.Helper()
	f, err := Parse(b, DefaultLimits())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func newSpace() *mm.Space { return mm.NewMachine(1 << 30).NewSpace() }

func read32(t testing.TB, s *mm.Space, a uint32) uint32 {
	t.Helper()
	var b [4]byte
	if err := s.ReadBytes(a, b[:], mm.AccessRead|mm.AccessForce); err != nil {
		t.Fatalf("read 0x%x: %v", a, err)
	}
	return binary.LittleEndian.Uint32(b[:])
}

func TestParse_fields(t *testing.T) {
	img, text, data := testImage()
	f := parse(t, build(t, img, text, data))
	if f.ImageBase != 0x400000 || f.IsDLL || f.Subsystem != SubsystemWindowsCUI || !f.HasRelocs {
		t.Errorf("header fields: base 0x%x dll %v subsystem %d relocs %v", f.ImageBase, f.IsDLL, f.Subsystem, f.HasRelocs)
	}
	if f.EntryRVA != text.RVA || f.StackReserve != 0x100000 || f.StackCommit != 0x1000 {
		t.Errorf("entry 0x%x stack 0x%x/0x%x", f.EntryRVA, f.StackReserve, f.StackCommit)
	}
	if len(f.Sections) != 5 || f.Sections[0].Name != ".text" || f.Sections[3].Name != ".idata" {
		t.Errorf("sections: %+v", f.Sections)
	}
	if err := f.ProgramError(); err != nil {
		t.Errorf("ProgramError: %v", err)
	}
	var got []string
	for _, d := range f.Imports {
		for _, fn := range d.Funcs {
			got = append(got, d.DLL+"!"+fn.String())
		}
	}
	want := "KERNEL32.dll!ExitProcess KERNEL32.dll!GetStdHandle msvcrt.dll!#12 msvcrt.dll!printf"
	if strings.Join(got, " ") != want {
		t.Errorf("imports %q, want %q", strings.Join(got, " "), want)
	}
	if f.Imports[0].Funcs[1].Hint != 7 {
		t.Errorf("hint %d", f.Imports[0].Funcs[1].Hint)
	}
	if n := len(f.Relocs); n != 2 || f.Relocs[0].Type != RelHighLow || f.Relocs[0].RVA != text.RVA+1 || f.Relocs[1].Type != RelAbsolute {
		t.Errorf("relocs %+v", f.Relocs)
	}
}

// peFile returns a minimal PE built by pewriter, then mutated by patch
// (given the file and the PE header offset).
func peFile(t testing.TB, mut func(*pewriter.Image), patch func(b []byte, pe int)) []byte {
	img, text, data := testImage()
	if mut != nil {
		mut(img)
	}
	b := build(t, img, text, data)
	if patch != nil {
		patch(b, int(binary.LittleEndian.Uint32(b[0x3c:])))
	}
	return b
}

func TestParse_refusals(t *testing.T) {
	mz := func(sig string) []byte {
		b := make([]byte, 0x100)
		copy(b, "MZ")
		binary.LittleEndian.PutUint32(b[0x3c:], 0x80)
		copy(b[0x80:], sig)
		return b
	}
	put16 := func(b []byte, off int, v uint16) { binary.LittleEndian.PutUint16(b[off:], v) }
	tests := []struct {
		name string
		data []byte
		kind ErrorKind
		word string // a word the sentence must contain
	}{
		{"empty", nil, KindNotPE, "not a Windows program"},
		{"text", []byte("#!/bin/sh\necho hi\n"), KindNotPE, "not a Windows program"},
		{"elf", []byte("\x7fELF\x01\x01\x01"), KindNotPE, "not a Windows program"},
		{"dos", mz("\x00\x00\x00\x00"), KindDOS, "MS-DOS"},
		{"dos-short", []byte("MZ\x90\x00"), KindDOS, "MS-DOS"},
		{"dos-lfanew-outside", func() []byte { b := mz(""); binary.LittleEndian.PutUint32(b[0x3c:], 0xffffff00); return b }(), KindDOS, "MS-DOS"},
		{"ne", mz("NE"), KindNE, "16-bit"},
		{"le", mz("LE"), KindLE, "LE/LX"},
		{"lx", mz("LX"), KindLE, "LE/LX"},
		{"amd64", peFile(t, nil, func(b []byte, pe int) { put16(b, pe+4, 0x8664) }), Kind64, "64-bit"},
		{"pe32plus", peFile(t, nil, func(b []byte, pe int) { put16(b, pe+24, 0x20b) }), Kind64, "64-bit"},
		{"arm64", peFile(t, nil, func(b []byte, pe int) { put16(b, pe+4, 0xaa64) }), Kind64, "ARM"},
		{"mips", peFile(t, nil, func(b []byte, pe int) { put16(b, pe+4, 0x166) }), KindMachine, "MIPS"},
		{"dotnet", peFile(t, func(i *pewriter.Image) { i.CLR = true }, nil), KindDotNet, ".NET"},
		{"bad-magic", peFile(t, nil, func(b []byte, pe int) { put16(b, pe+24, 0x107) }), KindMalformed, "magic"},
		{"object", peFile(t, nil, func(b []byte, pe int) { put16(b, pe+22, 0x100) }), KindMalformed, "executable"},
		{"image-size-0", peFile(t, nil, func(b []byte, pe int) { binary.LittleEndian.PutUint32(b[pe+24+56:], 0) }), KindMalformed, "SizeOfImage"},
		{"image-too-big", peFile(t, nil, func(b []byte, pe int) { binary.LittleEndian.PutUint32(b[pe+24+56:], 0xF0000000) }), KindTooLarge, "SizeOfImage"},
		{"entry-outside", peFile(t, nil, func(b []byte, pe int) { binary.LittleEndian.PutUint32(b[pe+24+16:], 0x7fffffff) }), KindMalformed, "entry point"},
		{"align", peFile(t, nil, func(b []byte, pe int) { binary.LittleEndian.PutUint32(b[pe+24+32:], 0x1001) }), KindMalformed, "powers of two"},
		{"sections-overlap", peFile(t, nil, func(b []byte, pe int) {
			binary.LittleEndian.PutUint32(b[pe+24+224+40+12:], 0x1000) // .data at .text's RVA
		}), KindMalformed, "overlaps"},
		{"section-past-image", peFile(t, nil, func(b []byte, pe int) {
			binary.LittleEndian.PutUint32(b[pe+24+224+8:], 0x10000000)
		}), KindMalformed, "SizeOfImage"},
		{"too-many-sections", peFile(t, nil, func(b []byte, pe int) { put16(b, pe+6, 200) }), KindTooLarge, "sections"},
		{"section-table-outside", peFile(t, nil, func(b []byte, pe int) { put16(b, pe+20, 0xfff0) }), KindMalformed, "section table"},
		{"import-outside", peFile(t, nil, func(b []byte, pe int) { binary.LittleEndian.PutUint32(b[pe+24+96+8:], 0x7ffffff0) }), KindMalformed, "outside"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.data, DefaultLimits())
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", f)
			}
			if k := KindOf(err); k != tc.kind {
				t.Errorf("kind %v, want %v (%v)", k, tc.kind, err)
			}
			if !strings.Contains(err.Error(), tc.word) {
				t.Errorf("error %q does not mention %q", err, tc.word)
			}
			var nr *NotRunnableError
			if errors.As(err, &nr) && (!strings.HasSuffix(nr.Sentence, ".") || strings.Count(nr.Sentence, ". ") > 0) {
				t.Errorf("%q is not one sentence", nr.Sentence)
			}
		})
	}
}

func TestFile_ProgramError(t *testing.T) {
	dll := parse(t, peFile(t, func(i *pewriter.Image) { i.DLL = true }, nil))
	if !dll.IsDLL || KindOf(dll.ProgramError()) != KindDLL || !strings.Contains(dll.ProgramError().Error(), "DLL") {
		t.Errorf("DLL: IsDLL %v, ProgramError %v", dll.IsDLL, dll.ProgramError())
	}
	drv := parse(t, peFile(t, func(i *pewriter.Image) { i.Subsystem = pewriter.SubsystemNative }, nil))
	if KindOf(drv.ProgramError()) != KindSubsystem {
		t.Errorf("native: %v", drv.ProgramError())
	}
	efi := parse(t, peFile(t, func(i *pewriter.Image) { i.Subsystem = 10 }, nil))
	if err := efi.ProgramError(); KindOf(err) != KindSubsystem || !strings.Contains(err.Error(), "EFI") {
		t.Errorf("EFI: %v", err)
	}
}

func TestParse_limits(t *testing.T) {
	b := peFile(t, nil, nil)
	for _, lim := range []Limits{{MaxFileSize: 100}, {MaxImageSize: 0x2000}, {MaxSections: 2}, {MaxImports: 3}, {MaxRelocs: 1}} {
		if _, err := Parse(b, lim); KindOf(err) != KindTooLarge {
			t.Errorf("%+v: %v, want KindTooLarge", lim, err)
		}
	}
}

func TestFile_Map_preferred(t *testing.T) {
	img, text, data := testImage()
	f := parse(t, build(t, img, text, data))
	s := newSpace()
	m, err := f.Map(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Base != 0x400000 || m.Relocated || m.Entry != 0x400000+text.RVA || m.Size != f.SizeOfImage {
		t.Fatalf("module %+v", m)
	}
	if got := read32(t, s, m.Base+text.RVA+1); got != 0x400000+data.RVA {
		t.Errorf("unrelocated operand 0x%x", got)
	}
	str, err := s.ReadCString(m.Base+data.RVA, 64)
	if err != nil || str != "hello, data" {
		t.Errorf(".data = %q, %v", str, err)
	}
	// The zero-filled tail of .data (VirtualSize 0x1800 > raw 0x200).
	if v := read32(t, s, m.Base+data.RVA+0x17fc); v != 0 {
		t.Errorf("tail not zero: 0x%x", v)
	}
	if string(mustRead(t, s, m.Base, 2)) != "MZ" {
		t.Error("headers not mapped")
	}
	ri, err := s.Query(m.Base)
	if err != nil || ri.Type != mm.TypeImage || ri.AllocBase != m.Base {
		t.Errorf("Query: %+v %v", ri, err)
	}
	prot := map[uint32]mm.Prot{
		m.Base:                   mm.ProtRead,
		m.Base + text.RVA:        mm.ProtRead | mm.ProtExec,
		m.Base + data.RVA:        mm.ProtRead | mm.ProtCopy,
		m.Base + data.RVA + 4096: mm.ProtRead | mm.ProtCopy,
	}
	for a, want := range prot {
		if got := s.PageInfo(a).Prot; got != want {
			t.Errorf("prot at 0x%x = %v, want %v", a, got, want)
		}
	}
	// User-mode writes to the read-only headers and code fault; .data is writable.
	if s.Write8(m.Base+text.RVA, 0x90) || s.Write8(m.Base, 0) {
		t.Error("write to read-only image page succeeded")
	}
	if !s.Write8(m.Base+data.RVA, 'H') {
		t.Error("write to .data failed")
	}
}

func mustRead(t testing.TB, s *mm.Space, a uint32, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if err := s.ReadBytes(a, b, mm.AccessRead); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFile_Map_relocated(t *testing.T) {
	img, text, data := testImage()
	f := parse(t, build(t, img, text, data))
	s := newSpace()
	if _, err := s.Reserve(0x400000, 0x10000, mm.ProtRead, mm.TypePrivate, false); err != nil {
		t.Fatal(err)
	}
	m, err := f.Map(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Base == 0x400000 || !m.Relocated || m.Delta != m.Base-0x400000 {
		t.Fatalf("module at 0x%x relocated %v", m.Base, m.Relocated)
	}
	if got := read32(t, s, m.Base+text.RVA+1); got != m.Base+data.RVA {
		t.Errorf("relocated operand 0x%x, want 0x%x", got, m.Base+data.RVA)
	}
	// Explicit base (randomized placement).
	m2, err := f.Map(s, 0x12340000)
	if err != nil {
		t.Fatal(err)
	}
	if got := read32(t, s, m2.Base+text.RVA+1); m2.Base != 0x12340000 || got != m2.Base+data.RVA {
		t.Errorf("at 0x%x operand 0x%x", m2.Base, got)
	}
	if _, err := f.Map(s, 0x12340000); KindOf(err) != KindPlacement {
		t.Errorf("second map at the same base: %v", err)
	}
	if _, err := f.Map(s, 0x12345000); KindOf(err) != KindPlacement {
		t.Errorf("unaligned base: %v", err)
	}
}

func TestFile_Map_noRelocs(t *testing.T) {
	f := parse(t, peFile(t, func(i *pewriter.Image) { i.RelocsStripped = true }, nil))
	if f.HasRelocs {
		t.Fatal("HasRelocs with stripped relocations")
	}
	s := newSpace()
	if _, err := s.Reserve(0x400000, 0x10000, mm.ProtRead, mm.TypePrivate, false); err != nil {
		t.Fatal(err)
	}
	before := len(s.Regions())
	_, err := f.Map(s, 0)
	if KindOf(err) != KindPlacement || !strings.Contains(err.Error(), "no relocations") {
		t.Fatalf("err = %v", err)
	}
	if len(s.Regions()) != before {
		t.Error("failed Map left a reservation behind")
	}
	if _, err := f.Map(newSpace(), 0x500000); KindOf(err) != KindPlacement {
		t.Errorf("explicit other base: %v", err)
	}
	if _, err := f.Map(newSpace(), 0); err != nil {
		t.Errorf("preferred base free: %v", err)
	}
}

func TestFile_Map_relocTypes(t *testing.T) {
	mut := func(typ uint8) func(*pewriter.Image) {
		return func(i *pewriter.Image) {
			i.Sections[1].RawRelocs = []pewriter.Reloc{{Offset: 4, Type: typ}}
		}
	}
	// HIGHADJ is not supported: fine at the preferred base, an error when moved.
	f := parse(t, peFile(t, mut(4), nil))
	if _, err := f.Map(newSpace(), 0); err != nil {
		t.Fatalf("preferred base: %v", err)
	}
	if _, err := f.Map(newSpace(), 0x800000); KindOf(err) != KindMalformed || !strings.Contains(err.Error(), "HIGHADJ") {
		t.Errorf("relocated: %v", err)
	}
	// HIGH and LOW adjust 16-bit halves.
	for _, typ := range []uint8{RelHigh, RelLow} {
		f := parse(t, peFile(t, mut(typ), nil))
		s := newSpace()
		m, err := f.Map(s, 0x10400000)
		if err != nil {
			t.Fatal(err)
		}
		b := mustRead(t, s, m.Base+f.Sections[1].VirtualAddress+4, 2)
		want := map[uint8]uint16{RelHigh: 0x2c6f + 0x1000, RelLow: 0x2c6f}[typ] // "o," + the delta's half
		if got := binary.LittleEndian.Uint16(b); got != want {
			t.Errorf("%s: 0x%x, want 0x%x", RelocTypeName(typ), got, want)
		}
	}
}

func TestFile_Map_lowAlignment(t *testing.T) {
	img := &pewriter.Image{SectionAlignment: 0x200, FileAlignment: 0x200}
	text := img.AddSection(".text", []byte{0xC3}, pewriter.Code)
	img.Entry = &pewriter.Ref{Section: text}
	f := parse(t, build(t, img, nil, nil))
	if !f.LowAlignment {
		t.Fatal("not low-alignment")
	}
	s := newSpace()
	m, err := f.Map(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	if b := mustRead(t, s, m.Entry, 1); b[0] != 0xC3 {
		t.Errorf("entry byte 0x%x", b[0])
	}
	if p := s.PageInfo(m.Base).Prot; p != mm.ProtRead|mm.ProtExec|mm.ProtCopy {
		t.Errorf("prot %v", p)
	}
}

func TestSectionProt(t *testing.T) {
	tests := []struct {
		chars uint32
		want  mm.Prot
	}{
		{scnRead, mm.ProtRead},
		{scnRead | scnExecute, mm.ProtRead | mm.ProtExec},
		{scnExecute, mm.ProtRead | mm.ProtExec},
		{scnRead | scnWrite, mm.ProtRead | mm.ProtCopy},
		{scnWrite, mm.ProtRead | mm.ProtCopy},
		{scnRead | scnWrite | scnExecute, mm.ProtRead | mm.ProtExec | mm.ProtCopy},
		{scnRead | scnWrite | scnShared, mm.ProtRead | mm.ProtWrite},
		{0, mm.ProtNone},
	}
	for _, tc := range tests {
		if got := SectionProt(tc.chars); got != tc.want {
			t.Errorf("SectionProt(%#x) = %v, want %v", tc.chars, got, tc.want)
		}
	}
}

type fakeResolver struct {
	calls []string
	fail  string
}

func (r *fakeResolver) ResolveImport(m *Module, dll, name string, ord uint16, byOrd bool) (uint32, error) {
	key := dll + "!" + name
	if byOrd {
		key = fmt.Sprintf("%s!#%d", dll, ord)
	}
	r.calls = append(r.calls, key)
	if key == r.fail {
		return 0, errors.New("no such export")
	}
	return 0x70000000 + uint32(len(r.calls)), nil
}

func TestModule_BindImports(t *testing.T) {
	for _, ro := range []bool{false, true} {
		img, text, data := testImage()
		img.IATReadOnly = ro
		l, err := img.Layout()
		if err != nil {
			t.Fatal(err)
		}
		f := parse(t, build(t, img, text, data))
		s := newSpace()
		m, err := f.Map(s, 0)
		if err != nil {
			t.Fatal(err)
		}
		r := &fakeResolver{}
		if err := m.BindImports(r); err != nil {
			t.Fatal(err)
		}
		want := map[string]uint32{"KERNEL32.dll!ExitProcess": 0x70000001, "KERNEL32.dll!GetStdHandle": 0x70000002,
			"msvcrt.dll!#12": 0x70000003, "msvcrt.dll!printf": 0x70000004}
		for k, v := range want {
			dll, fn, _ := strings.Cut(k, "!")
			slot := l.IAT(dll, fn)
			if slot == 0 {
				t.Fatalf("no IAT slot for %s", k)
			}
			if got := read32(t, s, m.Base+slot); got != v {
				t.Errorf("readonly=%v: IAT[%s] = 0x%x, want 0x%x", ro, k, got, v)
			}
		}
		if ro && s.PageInfo(m.Base+l.IAT("KERNEL32.dll", "ExitProcess")).Prot.Writable() {
			t.Error("read-only IAT became writable")
		}
	}
	f := parse(t, peFile(t, nil, nil))
	m, err := f.Map(newSpace(), 0)
	if err != nil {
		t.Fatal(err)
	}
	m.Name = "test.exe"
	err = m.BindImports(&fakeResolver{fail: "msvcrt.dll!#12"})
	var ie *ImportError
	if KindOf(err) != KindImport || !errors.As(err, &ie) || ie.DLL != "msvcrt.dll" || ie.Func != "#12" {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "test.exe") || !strings.Contains(err.Error(), "#12") {
		t.Errorf("message %q", err)
	}
}

// dllImage builds a DLL exporting f1 (ordinal 1), f2 by ordinal 5 only,
// f3 at ordinal 7, and forwarders.
func dllImage(t testing.TB, name string, base uint32, fwd map[string]string) []byte {
	img := &pewriter.Image{DLL: true, ImageBase: base}
	text := img.AddSection(".text", make([]byte, 0x40), pewriter.Code)
	ex := &pewriter.Exports{DLLName: name, Funcs: []pewriter.ExportFunc{
		{Name: "f1", Target: pewriter.Ref{Section: text, Offset: 0x10}},
		{Ordinal: 5, Target: pewriter.Ref{Section: text, Offset: 0x20}},
		{Name: "f3", Ordinal: 7, Target: pewriter.Ref{Section: text, Offset: 0x30}},
	}}
	for n, to := range fwd {
		ex.Funcs = append(ex.Funcs, pewriter.ExportFunc{Name: n, Forwarder: to})
	}
	img.Exports = ex
	return build(t, img, nil, nil)
}

func TestModule_FindExport(t *testing.T) {
	f := parse(t, dllImage(t, "a.dll", 0, map[string]string{"fwd": "B.g", "fwdord": "B.#3"}))
	m, err := f.Map(newSpace(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "a.dll" || m.HasEntry() || m.Entry != 0 {
		t.Errorf("name %q entry 0x%x", m.Name, m.Entry)
	}
	text := f.Sections[0].VirtualAddress
	tests := []struct {
		name  string
		ord   uint16
		byOrd bool
		ok    bool
		addr  uint32
		fwd   string
	}{
		{"f1", 0, false, true, m.Base + text + 0x10, ""},
		{"", 1, true, true, m.Base + text + 0x10, ""},
		{"", 5, true, true, m.Base + text + 0x20, ""},
		{"f3", 0, false, true, m.Base + text + 0x30, ""},
		{"", 7, true, true, m.Base + text + 0x30, ""},
		{"F1", 0, false, false, 0, ""},
		{"", 6, true, false, 0, ""},
		{"", 0, true, false, 0, ""},
		{"", 100, true, false, 0, ""},
		{"fwd", 0, false, true, 0, "B.g"},
		{"fwdord", 0, false, true, 0, "B.#3"},
	}
	for _, tc := range tests {
		e, ok := m.FindExport(tc.name, tc.ord, tc.byOrd)
		if ok != tc.ok || e.Addr != tc.addr || e.Forwarder != tc.fwd {
			t.Errorf("FindExport(%q, %d, %v) = %+v, %v", tc.name, tc.ord, tc.byOrd, e, ok)
		}
	}
	ex := m.Exports()
	if len(ex) != 5 {
		t.Fatalf("Exports: %+v", ex)
	}
	names := map[string]Export{}
	for _, e := range ex {
		names[e.Name] = e
	}
	if names["f3"].Ordinal != 7 || names[""].Ordinal != 5 || names["fwd"].Forwarder != "B.g" {
		t.Errorf("Exports: %+v", ex)
	}
}

func TestResolveExport_forwarders(t *testing.T) {
	s := newSpace()
	load := func(name string, base uint32, fwd map[string]string) *Module {
		f := parse(t, dllImage(t, name, base, fwd))
		m, err := f.Map(s, base)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a := load("A.dll", 0x10000000, map[string]string{"viaB": "B.f3", "viaBord": "B.#5", "loop": "A.loop", "chain": "B.chain", "missing": "B.nothere", "nodll": "C.f1"})
	b := load("B.dll", 0x20000000, map[string]string{"chain": "A.f1"})
	mods := map[string]*Module{"a.dll": a, "b.dll": b}
	lookup := func(dll string) (*Module, error) {
		if m, ok := mods[strings.ToLower(dll)]; ok {
			return m, nil
		}
		return nil, fmt.Errorf("%s not found", dll)
	}
	textA, textB := a.File.Sections[0].VirtualAddress, b.File.Sections[0].VirtualAddress
	tests := []struct {
		name    string
		want    uint32
		errWord string
	}{
		{"f1", a.Base + textA + 0x10, ""},
		{"viaB", b.Base + textB + 0x30, ""},
		{"viaBord", b.Base + textB + 0x20, ""},
		{"chain", a.Base + textA + 0x10, ""},
		{"loop", 0, "longer than"},
		{"missing", 0, "does not export nothere"},
		{"nodll", 0, "C.dll not found"},
		{"absent", 0, "does not export absent"},
	}
	for _, tc := range tests {
		got, err := ResolveExport(a, tc.name, 0, false, lookup)
		if tc.errWord != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errWord) {
				t.Errorf("%s: err %v, want %q", tc.name, err, tc.errWord)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: 0x%x %v, want 0x%x", tc.name, got, err, tc.want)
		}
	}
}

func TestParseForwarder(t *testing.T) {
	tests := []struct {
		in    string
		dll   string
		name  string
		ord   uint16
		byOrd bool
		bad   bool
	}{
		{"NTDLL.RtlAllocateHeap", "NTDLL.dll", "RtlAllocateHeap", 0, false, false},
		{"KERNEL32.#12", "KERNEL32.dll", "", 12, true, false},
		{"api-ms-win-core-synch-l1-2-0.AcquireSRWLockShared", "api-ms-win-core-synch-l1-2-0.dll", "AcquireSRWLockShared", 0, false, false},
		{"NoDot", "", "", 0, false, true},
		{".Func", "", "", 0, false, true},
		{"DLL.", "", "", 0, false, true},
		{"DLL.#", "", "", 0, false, true},
		{"DLL.#0", "", "", 0, false, true},
		{"DLL.#70000", "", "", 0, false, true},
		{"DLL.#x1", "", "", 0, false, true},
	}
	for _, tc := range tests {
		dll, name, ord, byOrd, err := ParseForwarder(tc.in)
		if (err != nil) != tc.bad || dll != tc.dll || name != tc.name || ord != tc.ord || byOrd != tc.byOrd {
			t.Errorf("ParseForwarder(%q) = %q %q %d %v %v", tc.in, dll, name, ord, byOrd, err)
		}
	}
}

func TestResolveAPISet(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"api-ms-win-core-synch-l1-2-0.dll", "kernel32.dll", true},
		{"API-MS-WIN-CORE-PROCESSTHREADS-L1-1-2.DLL", "kernel32.dll", true},
		{"api-ms-win-crt-stdio-l1-1-0.dll", "ucrtbase.dll", true},
		{"api-ms-win-crt-runtime-l1-1-0", "ucrtbase.dll", true},
		{"api-ms-win-core-rtlsupport-l1-1-0.dll", "ntdll.dll", true},
		{"api-ms-win-core-registry-l1-1-0.dll", "advapi32.dll", true},
		{"api-ms-win-security-base-l1-1-0.dll", "advapi32.dll", true},
		{"ext-ms-win-ntuser-message-l1-1-0.dll", "user32.dll", true},
		{"api-ms-win-unknown-family-l1-1-0.dll", "", false},
		{"kernel32.dll", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, ok := ResolveAPISet(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ResolveAPISet(%q) = %q, %v", tc.in, got, ok)
		}
	}
}

func TestModule_TLS(t *testing.T) {
	img := &pewriter.Image{}
	text := img.AddSection(".text", make([]byte, 0x20), pewriter.Code)
	img.Entry = &pewriter.Ref{Section: text}
	img.TLS = &pewriter.TLS{Template: []byte("tls template"), ZeroFill: 0x40,
		Callbacks: []pewriter.Ref{{Section: text, Offset: 4}, {Section: text, Offset: 8}}}
	l, err := img.Layout()
	if err != nil {
		t.Fatal(err)
	}
	f := parse(t, build(t, img, nil, nil))
	if f.TLS == nil || len(f.TLS.Callbacks) != 2 || f.TLS.Callbacks[0] != 0x400000+text.RVA+4 {
		t.Fatalf("file TLS %+v", f.TLS)
	}
	s := newSpace()
	if _, err := s.Reserve(0x400000, 0x1000, mm.ProtRead, mm.TypePrivate, false); err != nil {
		t.Fatal(err)
	}
	m, err := f.Map(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	ti := m.TLS
	if ti == nil {
		t.Fatal("no TLS")
	}
	want := TLSInfo{TemplateStart: m.Base + l.TLSTemplate, TemplateEnd: m.Base + l.TLSTemplate + 12, ZeroFill: 0x40,
		IndexAddr: m.Base + l.TLSIndex, CallbacksAddr: ti.CallbacksAddr,
		Callbacks: []uint32{m.Base + text.RVA + 4, m.Base + text.RVA + 8}}
	if fmt.Sprint(*ti) != fmt.Sprint(want) {
		t.Errorf("TLS\n got %+v\nwant %+v", *ti, want)
	}
	if str, _ := s.ReadCString(ti.TemplateStart, 12); str != "tls template" {
		t.Errorf("template %q", str)
	}
}

func TestFile_delayImportsAndSymbols(t *testing.T) {
	img, text, data := testImage()
	img.DelayImports = []pewriter.Import{{DLL: "user32.dll", Funcs: []pewriter.ImportFunc{{Name: "MessageBoxA"}, {Ordinal: 3}}}}
	img.Symbols = []pewriter.Symbol{{Name: "_main", At: pewriter.Ref{Section: text, Offset: 2}},
		{Name: "_a_rather_long_symbol_name", At: pewriter.Ref{Section: data}}}
	l, err := img.Layout()
	if err != nil {
		t.Fatal(err)
	}
	f := parse(t, build(t, img, text, data))
	if len(f.DelayImports) != 1 {
		t.Fatalf("delay imports %+v", f.DelayImports)
	}
	d := f.DelayImports[0]
	if d.DLL != "user32.dll" || !d.Delay || len(d.Funcs) != 2 || d.Funcs[0].Name != "MessageBoxA" ||
		!d.Funcs[1].ByOrdinal || d.Funcs[1].Ordinal != 3 || d.Funcs[0].IATRVA != l.DelayIAT("user32.dll", "MessageBoxA") || d.ModuleHandleRVA == 0 {
		t.Errorf("delay import %+v", d)
	}
	m, err := f.Map(newSpace(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.DelayImports) != 1 {
		t.Error("Module.DelayImports empty")
	}
	if rva, ok := f.SymbolRVA("_main"); !ok || rva != text.RVA+2 {
		t.Errorf("_main at 0x%x %v", rva, ok)
	}
	if rva, ok := f.SymbolRVA("_a_rather_long_symbol_name"); !ok || rva != data.RVA {
		t.Errorf("long symbol at 0x%x %v", rva, ok)
	}
	if _, ok := f.SymbolRVA("_nope"); ok {
		t.Error("found a missing symbol")
	}
}

func TestModule_ShareInto(t *testing.T) {
	img, text, data := testImage()
	f := parse(t, build(t, img, text, data))
	machine := mm.NewMachine(1 << 30)
	proto, a := machine.NewSpace(), machine.NewSpace()
	pm, err := f.Map(proto, 0)
	if err != nil {
		t.Fatal(err)
	}
	am, err := pm.ShareInto(a)
	if err != nil {
		t.Fatal(err)
	}
	if am.Space != a || am.Base != pm.Base {
		t.Fatalf("shared module %+v", am)
	}
	if got := a.PageInfo(am.Base + text.RVA); got.Sharing != mm.Shared || got.Prot != mm.ProtRead|mm.ProtExec || got.Type != mm.TypeImage {
		t.Errorf(".text page %+v", got)
	}
	if got := a.PageInfo(am.Base + data.RVA); got.Sharing != mm.SharedCOW || got.Prot != mm.ProtRead|mm.ProtCopy {
		t.Errorf(".data page %+v", got)
	}
	if !a.Write8(am.Base+data.RVA, 'J') {
		t.Fatal("write to shared .data failed")
	}
	if s, _ := proto.ReadCString(pm.Base+data.RVA, 64); s != "hello, data" {
		t.Errorf("prototype changed: %q", s)
	}
	if s, _ := a.ReadCString(am.Base+data.RVA, 64); s != "Jello, data" {
		t.Errorf("private copy: %q", s)
	}
	if _, err := pm.ShareInto(a); KindOf(err) != KindPlacement {
		t.Errorf("sharing twice into one space: %v", err)
	}
}
