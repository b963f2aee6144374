package loader

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"github.com/peek32/peek32/loader/pewriter"
)

// saferwallCases are images whose every directory saferwall/pe and the
// loader must read alike.
func saferwallCases(t testing.TB) map[string][]byte {
	cases := map[string][]byte{
		"exe":       peFile(t, nil, nil),
		"hello.exe": readTestdata(t, "hello.exe"),
		"dll":       readTestdata(t, "testdll.dll"),
		"exports+forwarders": peFile(t, func(i *pewriter.Image) {
			i.DLL = true
			i.Exports = &pewriter.Exports{DLLName: "d.dll", Base: 5, Funcs: []pewriter.ExportFunc{
				{Name: "f", Target: pewriter.Ref{Section: i.Sections[0]}},
				{Name: "g", Forwarder: "NTDLL.RtlAllocateHeap"},
				{Ordinal: 9, Target: pewriter.Ref{Section: i.Sections[0], Offset: 1}},
				{Name: "h", Forwarder: "X.#3"}}}
		}, nil),
		"delay+tls": peFile(t, func(i *pewriter.Image) {
			i.DelayImports = []pewriter.Import{{DLL: "u.dll", Funcs: []pewriter.ImportFunc{{Name: "A"}, {Ordinal: 2}}}}
			i.TLS = &pewriter.TLS{Template: []byte("tls"), Callbacks: []pewriter.Ref{{Section: i.Sections[0]}, {Section: i.Sections[0], Offset: 2}}}
		}, nil),
	}
	return cases
}

// TestSaferwall_agrees checks that saferwall/pe parses the headers and the
// directories of ordinary images (imports by name and ordinal, exports with
// forwarders, delay imports, TLS callbacks, relocations) and that its
// tables equal the loader's: no cross-check note.
func TestSaferwall_agrees(t *testing.T) {
	for name, b := range saferwallCases(t) {
		f, sw, err := parseAll(b, DefaultLimits())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !sw.ok || !sw.dirs {
			t.Errorf("%s: saferwall headers %v, directories %v (%v)", name, sw.ok, sw.dirs, sw.notes)
		}
		if len(f.notes) != 0 || len(sw.notes) != 0 {
			t.Errorf("%s: cross-check notes %q, saferwall notes %q", name, f.notes, sw.notes)
		}
		if n := len(sw.f.Imports); n != len(f.Imports) || n == 0 {
			t.Errorf("%s: saferwall read %d import descriptors, the loader %d", name, n, len(f.Imports))
		}
		if f.Exports != nil && len(sw.f.Export.Functions) != len(f.Exports.Entries) {
			t.Errorf("%s: saferwall read %d exports", name, len(sw.f.Export.Functions))
		}
	}
}

// TestSaferwall_differences covers inputs where saferwall/pe's reading is
// not the Windows loader's: the loader's view wins and the difference is
// noted (and shown by Inspect).
func TestSaferwall_differences(t *testing.T) {
	// NumberOfRvaAndSizes = 2: the TLS entry beyond it does not exist for
	// Windows, but saferwall reads all 16.
	b := peFile(t, nil, func(b []byte, pe int) {
		opt := pe + 24
		binary.LittleEndian.PutUint32(b[opt+92:], 2)
		binary.LittleEndian.PutUint32(b[opt+96+8*DirTLS:], 0x7fff0000)
		binary.LittleEndian.PutUint32(b[opt+96+8*DirTLS+4:], 24)
	})
	f := parse(t, b)
	if f.TLS != nil || f.Dirs[DirTLS] != (DataDir{}) {
		t.Errorf("TLS directory beyond NumberOfRvaAndSizes used: %+v", f.Dirs[DirTLS])
	}
	if len(f.notes) == 0 || !strings.Contains(f.notes[0], "NumberOfRvaAndSizes") {
		t.Errorf("notes %q", f.notes)
	}
	r, err := Inspect(b)
	if err != nil || !r.Runnable || !strings.Contains(strings.Join(r.Anomalies, "\n"), "NumberOfRvaAndSizes") {
		t.Errorf("Inspect: %v %v %q", err, r.Runnable, r.Anomalies)
	}

	// A flat-mapped (low alignment) image: saferwall's file offsets are
	// not the mapped layout, so it does not parse the directories.
	b = peFile(t, func(i *pewriter.Image) { i.SectionAlignment, i.FileAlignment = 0x200, 0x200 }, nil)
	f, sw, err := parseAll(b, DefaultLimits())
	if err != nil || !sw.ok || sw.dirs || len(f.notes) != 1 || !strings.Contains(f.notes[0], "view differs") {
		t.Errorf("low alignment: %v, saferwall headers %v, directories %v, notes %q", err, sw.ok, sw.dirs, f.notes)
	}

	// An ImageBase that is not 64 KiB aligned: saferwall refuses the
	// headers; the loader reads them itself (and relocates, as Windows).
	b = peFile(t, nil, func(b []byte, pe int) {
		binary.LittleEndian.PutUint32(b[pe+24+28:], 0x401000)
	})
	f, sw, err = parseAll(b, DefaultLimits())
	if err != nil || sw.ok || f.ImageBase != 0x401000 || len(f.notes) == 0 {
		t.Errorf("unaligned ImageBase: %v, saferwall ok %v, notes %q", err, sw.ok, f.notes)
	}
}

// TestSaferwall_noStdout checks that nothing of saferwall/pe reaches the
// process's standard output (the CLI passes the guest's output through it
// byte for byte): its export parser prints when a name is not a plain
// identifier, so such tables never reach it.
func TestSaferwall_noStdout(t *testing.T) {
	b := peFile(t, func(i *pewriter.Image) {
		i.DLL = true
		i.Exports = &pewriter.Exports{DLLName: "d.dll", Funcs: []pewriter.ExportFunc{
			{Name: "not a name!", Target: pewriter.Ref{Section: i.Sections[0]}}}}
	}, nil)
	w, err := os.CreateTemp(t.TempDir(), "stdout") // no pipes on js
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	old := os.Stdout
	os.Stdout = w
	f, perr := Parse(b, DefaultLimits())
	_, ierr := Inspect(b)
	os.Stdout = old
	out, _ := os.ReadFile(w.Name())
	if perr != nil || ierr != nil {
		t.Fatal(perr, ierr)
	}
	if len(out) != 0 {
		t.Errorf("saferwall/pe wrote %q to stdout", out)
	}
	if _, ok := f.Exports.lookup("not a name!", 0, false); !ok {
		t.Error("export lost")
	}
}

// hostileFiles are valid images patched to claim absurd counts; each must
// be refused or parsed within the limits, fast (BenchmarkParse_hostile).
func hostileFiles(t testing.TB) map[string][]byte {
	img := func(mut func(*pewriter.Image)) (*pewriter.Image, *pewriter.Layout, []byte) {
		i, text, data := testImage()
		if mut != nil {
			mut(i)
		}
		l, err := i.Layout()
		if err != nil {
			t.Fatal(err)
		}
		return i, l, build(t, i, text, data)
	}
	out := map[string][]byte{}
	// 2^31 COFF symbols at the start of the file.
	_, _, b := img(nil)
	pe := int(binary.LittleEndian.Uint32(b[0x3c:]))
	binary.LittleEndian.PutUint32(b[pe+4+8:], 0x40)
	binary.LittleEndian.PutUint32(b[pe+4+12:], 0x7fffffff)
	out["symbols 2^31"] = b
	// A relocation block claiming 2^31 entries.
	i, _, b := img(nil)
	_ = i
	f := parse(t, b)
	off := fileOffset(t, f, f.Dirs[DirBaseReloc].RVA)
	binary.LittleEndian.PutUint32(b[off+4:], 0xfffffff0)
	out["reloc block 2^31"] = b
	// The same with the directory size claiming the whole image too.
	b = append([]byte(nil), b...)
	pe = int(binary.LittleEndian.Uint32(b[0x3c:]))
	binary.LittleEndian.PutUint32(b[pe+24+96+8*DirBaseReloc+4:], f.SizeOfImage-f.Dirs[DirBaseReloc].RVA)
	out["reloc dir whole image"] = b
	// An export directory claiming 2^31 functions and names.
	_, l, b := img(func(i *pewriter.Image) {
		i.DLL = true
		i.Exports = &pewriter.Exports{DLLName: "d.dll", Funcs: []pewriter.ExportFunc{{Name: "f", Target: pewriter.Ref{Section: i.Sections[0]}}}}
	})
	f = parse(t, b)
	off = fileOffset(t, f, l.ExportDir)
	binary.LittleEndian.PutUint32(b[off+20:], 0x7fffffff)
	binary.LittleEndian.PutUint32(b[off+24:], 0x7fffffff)
	out["exports 2^31"] = b
	// An import descriptor whose name table never ends: every thunk points
	// at the same by-ordinal import.
	_, _, b = img(nil)
	f = parse(t, b)
	off = fileOffset(t, f, f.Imports[0].NameTableRVA)
	for o := off; o+4 <= len(b); o += 4 {
		binary.LittleEndian.PutUint32(b[o:], 0x80000001)
	}
	out["endless thunks"] = b
	return out
}

// fileOffset maps an RVA inside a section's raw data to its file offset.
func fileOffset(t testing.TB, f *File, rva uint32) int {
	t.Helper()
	for _, s := range f.Sections {
		if rva >= s.VirtualAddress && rva < s.VirtualAddress+s.RawSize {
			return int(rva - s.VirtualAddress + s.RawOffset)
		}
	}
	t.Fatalf("RVA 0x%x has no file data", rva)
	return 0
}

func TestParse_hostileCounts(t *testing.T) {
	want := map[string]ErrorKind{
		"symbols 2^31":          0, // the table runs past the file: ignored
		"reloc block 2^31":      KindMalformed,
		"reloc dir whole image": KindMalformed,
		"exports 2^31":          KindTooLarge,
		"endless thunks":        KindMalformed,
	}
	for name, b := range hostileFiles(t) {
		f, err := Parse(b, DefaultLimits())
		if KindOf(err) != want[name] {
			t.Errorf("%s: %v, want kind %v", name, err, want[name])
		}
		if f != nil && len(f.Symbols) > DefaultLimits().MaxSymbols {
			t.Errorf("%s: %d symbols", name, len(f.Symbols))
		}
		if r, err := Inspect(b); err != nil || r.Verdict == "" {
			t.Errorf("%s: Inspect %v", name, err)
		}
	}
}

// BenchmarkParse_hostile measures Parse on each hostile file: the limits
// must keep every one at the cost of an ordinary file or less.
func BenchmarkParse_hostile(b *testing.B) {
	for name, data := range hostileFiles(b) {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Parse(data, DefaultLimits())
			}
		})
	}
}
