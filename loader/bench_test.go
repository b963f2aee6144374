package loader

import (
	"testing"

	"github.com/peek32/peek32/mm"
)

func BenchmarkParse_mingwExe(b *testing.B) {
	data := readTestdata(b, "hello.exe")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data, DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMap_mingwExeRelocated(b *testing.B) {
	f := parse(b, readTestdata(b, "hello.exe"))
	machine := mm.NewMachine(1 << 30)
	b.ReportAllocs()
	for b.Loop() {
		s := machine.NewSpace()
		m, err := f.Map(s, 0x10000000)
		if err != nil {
			b.Fatal(err)
		}
		if err := m.BindImports(constResolver{}); err != nil {
			b.Fatal(err)
		}
		_ = s.Close()
	}
}

func BenchmarkInspect_mingwExe(b *testing.B) {
	data := readTestdata(b, "hello.exe")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Inspect(data); err != nil {
			b.Fatal(err)
		}
	}
}
