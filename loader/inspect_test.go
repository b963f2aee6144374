package loader

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/peek32/peek32/loader/pewriter"
)

func TestInspect_pe32(t *testing.T) {
	img, text, data := testImage()
	img.DelayImports = []pewriter.Import{{DLL: "user32.dll", Funcs: []pewriter.ImportFunc{{Name: "MessageBoxA"}}}}
	img.TLS = &pewriter.TLS{Template: []byte{1, 2, 3, 4}, Callbacks: []pewriter.Ref{{Section: text}}}
	img.Exports = &pewriter.Exports{DLLName: "x.exe", Funcs: []pewriter.ExportFunc{{Name: "exported", Target: pewriter.Ref{Section: text}},
		{Name: "fwd", Forwarder: "NTDLL.RtlAllocateHeap"}}}
	b := build(t, img, text, data)
	r, err := Inspect(b)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Runnable || r.Format != "PE32" || !strings.Contains(r.Verdict, "console") {
		t.Errorf("verdict %q runnable %v format %s", r.Verdict, r.Runnable, r.Format)
	}
	if r.Optional.EntrySection != ".text" || r.Optional.ImageBase != 0x400000 || r.Header.MachineName != "x86 (i386)" {
		t.Errorf("optional %+v", r.Optional)
	}
	if len(r.Sections) != 8 || r.Sections[0].Prot != "R-X" || r.Sections[1].Prot != "R--+C" || r.Sections[0].Entropy <= 0 {
		t.Errorf("sections %+v", r.Sections)
	}
	if len(r.Imports) != 3 || !r.Imports[2].Delay {
		t.Errorf("imports %+v", r.Imports)
	}
	if r.Exports == nil || len(r.Exports.Functions) != 2 || r.Exports.Functions[1].Forwarder != "NTDLL.RtlAllocateHeap" {
		t.Errorf("exports %+v", r.Exports)
	}
	if r.TLS == nil || len(r.TLS.Callbacks) != 1 {
		t.Errorf("TLS %+v", r.TLS)
	}
	if r.Relocs == nil || r.Relocs.ByType["HIGHLOW"] != 6 || r.Relocs.Total < 6 {
		t.Errorf("relocs %+v", r.Relocs)
	}
	if !hasPrefixIn(r.Anomalies, "1 TLS callback") {
		t.Errorf("anomalies %q", r.Anomalies)
	}
	js, err := json.Marshal(r)
	if err != nil || !bytes.Contains(js, []byte(`"runnable":true`)) {
		t.Errorf("json: %v %s", err, js)
	}
	var txt bytes.Buffer
	if err := r.WriteText(&txt); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Verdict:", ".text", "KERNEL32.dll", "#12", "(delay-load)", "-> NTDLL.RtlAllocateHeap", "HIGHLOW", "callback 0x"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, txt.String())
		}
	}
}

func hasPrefixIn(list []string, p string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func TestInspect_refused(t *testing.T) {
	tests := []struct {
		name   string
		data   []byte
		format string
		kind   string
	}{
		{"text", []byte("hello"), "unknown", "not-pe"},
		{"amd64", peFile(t, nil, func(b []byte, pe int) { b[pe+4], b[pe+5] = 0x64, 0x86 }), "PE32", "64-bit"},
		{"dll", peFile(t, func(i *pewriter.Image) { i.DLL = true }, nil), "PE32", "dll"},
		{"dotnet", peFile(t, func(i *pewriter.Image) { i.CLR = true }, nil), "PE32", "dotnet"},
	}
	for _, tc := range tests {
		r, err := Inspect(tc.data)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if r.Runnable || r.Format != tc.format || r.Kind != tc.kind || r.Verdict == "" {
			t.Errorf("%s: runnable %v format %q kind %q verdict %q", tc.name, r.Runnable, r.Format, r.Kind, r.Verdict)
		}
		if tc.format == "PE32" && len(r.Sections) == 0 {
			t.Errorf("%s: no sections shown", tc.name)
		}
	}
}

func TestReport_WriteText_escapes(t *testing.T) {
	r := &Report{Verdict: "x", Sections: []SectionInfo{{Section: Section{Name: "\x1b[31mred"}}}, Anomalies: []string{"a\nb"}}
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b") || !strings.Contains(b.String(), `\x1b[31mred`) || !strings.Contains(b.String(), `a\x0ab`) {
		t.Errorf("not escaped:\n%q", b.String())
	}
}
