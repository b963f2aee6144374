package pewriter_test

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/peek32/peek32/loader"
	"github.com/peek32/peek32/loader/pewriter"
)

// Example synthesizes a system-DLL-like image: a thunk section whose
// exports the loader can find, as core/win32 does.
func Example() {
	img := &pewriter.Image{DLL: true, ImageBase: 0x7c800000, RelocsStripped: true}
	thunks := img.AddSection(".text", []byte{0x0f, 0x0b, 0x0f, 0x0b}, pewriter.Code) // two UD2 thunks
	img.Exports = &pewriter.Exports{DLLName: "KERNEL32.dll", Funcs: []pewriter.ExportFunc{
		{Name: "ExitProcess", Target: pewriter.Ref{Section: thunks, Offset: 0}},
		{Name: "GetStdHandle", Target: pewriter.Ref{Section: thunks, Offset: 2}},
		{Name: "HeapAlloc", Forwarder: "NTDLL.RtlAllocateHeap"},
	}}
	data, err := img.Build()
	if err != nil {
		panic(err)
	}
	f, err := loader.Parse(data, loader.DefaultLimits())
	if err != nil {
		panic(err)
	}
	for _, e := range f.Exports.Entries {
		if e.Forwarder != "" {
			fmt.Printf("%d %s -> %s\n", e.Ordinal, e.Name, e.Forwarder)
			continue
		}
		fmt.Printf("%d %s rva=0x%x\n", e.Ordinal, e.Name, e.RVA)
	}
	// Output:
	// 1 ExitProcess rva=0x1000
	// 2 GetStdHandle rva=0x1002
	// 3 HeapAlloc -> NTDLL.RtlAllocateHeap
}

func TestImage_Build_errors(t *testing.T) {
	tests := []struct {
		name string
		img  *pewriter.Image
		want string
	}{
		{"long name", &pewriter.Image{Sections: []*pewriter.Section{{Name: ".toolongname"}}}, "longer than 8"},
		{"alignment", &pewriter.Image{SectionAlignment: 0x1800}, "powers of two"},
		{"dup ordinal", &pewriter.Image{Exports: &pewriter.Exports{Funcs: []pewriter.ExportFunc{{Name: "a", Ordinal: 2, Forwarder: "X.a"}, {Name: "b", Ordinal: 2, Forwarder: "X.b"}}}}, "duplicate"},
		{"no target", &pewriter.Image{Exports: &pewriter.Exports{Funcs: []pewriter.ExportFunc{{Name: "a"}}}}, "no target"},
		{"entry", &pewriter.Image{Entry: &pewriter.Ref{}}, "entry"},
	}
	for _, tc := range tests {
		if _, err := tc.img.Build(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestImage_Layout_stable(t *testing.T) {
	img := &pewriter.Image{}
	text := img.AddSection(".text", make([]byte, 8), pewriter.Code)
	img.Imports = []pewriter.Import{{DLL: "k.dll", Funcs: []pewriter.ImportFunc{{Name: "F"}, {Ordinal: 9}}}}
	l1, err := img.Layout()
	if err != nil {
		t.Fatal(err)
	}
	slot := l1.IAT("k.dll", "F")
	binary.LittleEndian.PutUint32(text.Data[2:], img.ImageBase+slot) // patch after Layout
	l2, err := img.Layout()
	if err != nil || l2.IAT("k.dll", "F") != slot || l2.IAT("k.dll", "#9") != slot+4 {
		t.Fatalf("layout moved: %v 0x%x 0x%x", err, l2.IAT("k.dll", "F"), slot)
	}
	data, err := img.Build()
	if err != nil {
		t.Fatal(err)
	}
	f, err := loader.Parse(data, loader.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if f.Imports[0].Funcs[0].IATRVA != slot || f.SizeOfImage != l2.SizeOfImage {
		t.Errorf("parsed IAT 0x%x size 0x%x", f.Imports[0].Funcs[0].IATRVA, f.SizeOfImage)
	}
}
