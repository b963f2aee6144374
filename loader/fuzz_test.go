package loader

import (
	"io"
	"os"
	"testing"

	"github.com/peek32/peek32/loader/pewriter"
	"github.com/peek32/peek32/mm"
)

type constResolver struct{}

func (constResolver) ResolveImport(*Module, string, string, uint16, bool) (uint32, error) {
	return 0x7ff00000, nil
}

// fuzzLimits keep each input cheap: small images, few entries.
var fuzzLimits = Limits{MaxFileSize: 1 << 20, MaxImageSize: 16 << 20, MaxSections: 96, MaxImports: 4096,
	MaxExports: 4096, MaxRelocs: 1 << 16, MaxTLSCallbacks: 64, MaxResources: 1024, MaxSymbols: 4096}

// FuzzParseMap feeds arbitrary bytes through Inspect, Parse, Map (into a
// fresh space, at the preferred base and at a forced other base),
// BindImports and the export lookups. The unexported entry points are used
// so that a panic fails the target instead of being turned into an error.
// It also fails if anything reaches os.Stdout (saferwall/pe prints on some
// export tables; the CLI's stdout is the guest's). The seed corpus is in
// testdata/fuzz/FuzzParseMap plus the images below.
func FuzzParseMap(f *testing.F) {
	for _, mut := range []func(*pewriter.Image){
		nil,
		func(i *pewriter.Image) {
			i.DLL = true
			i.Exports = &pewriter.Exports{DLLName: "d.dll", Funcs: []pewriter.ExportFunc{{Name: "f", Target: pewriter.Ref{Section: i.Sections[0]}}, {Name: "g", Forwarder: "X.#3"}}}
		},
		func(i *pewriter.Image) {
			i.TLS = &pewriter.TLS{Template: []byte("t"), Callbacks: []pewriter.Ref{{Section: i.Sections[0]}}}
		},
		func(i *pewriter.Image) { i.SectionAlignment, i.FileAlignment = 0x200, 0x200 },
		func(i *pewriter.Image) {
			// saferwall/pe's export parser would print this name.
			i.DLL = true
			i.Exports = &pewriter.Exports{DLLName: "d.dll", Funcs: []pewriter.ExportFunc{{Name: "a b", Target: pewriter.Ref{Section: i.Sections[0]}}}}
		},
		func(i *pewriter.Image) {
			i.DelayImports = []pewriter.Import{{DLL: "u.dll", Funcs: []pewriter.ImportFunc{{Name: "A"}, {Ordinal: 2}}}}
		},
	} {
		f.Add(peFile(f, mut, nil))
	}
	stdout, err := os.CreateTemp(f.TempDir(), "stdout")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		old := os.Stdout
		os.Stdout = stdout
		defer func() {
			os.Stdout = old
			if n, _ := stdout.Seek(0, io.SeekCurrent); n != 0 {
				t.Fatalf("%d bytes written to stdout", n)
			}
		}()
		if r := inspect(data); r == nil || r.Verdict == "" {
			t.Fatalf("inspect gave no verdict")
		}
		file, err := parseFile(data, fuzzLimits)
		if err != nil {
			if KindOf(err) == 0 {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		_ = file.ProgramError()
		machine := mm.NewMachine(64 << 20)
		for _, base := range []uint32{0, 0x20000000} {
			m, err := file.mapAt(machine.NewSpace(), base)
			if err != nil {
				continue
			}
			_ = m.BindImports(constResolver{})
			for _, e := range m.Exports() {
				m.FindExport(e.Name, e.Ordinal, e.Name == "")
				if e.Forwarder != "" {
					_, _, _, _, _ = ParseForwarder(e.Forwarder)
				}
			}
		}
	})
}
