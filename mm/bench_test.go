package mm

import "testing"

// benchSpace returns a space with 64 KiB committed read/write at UserMin, every page written once
// (so it has a private frame) and touched through the TLBs.
func benchSpace(b *testing.B) (*Space, uint32) {
	b.Helper()
	s := NewMachine(0).NewSpace()
	base, err := s.Reserve(0, 0x10000, ProtRead|ProtWrite, TypePrivate, false)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Commit(base, 0x10000, ProtRead|ProtWrite); err != nil {
		b.Fatal(err)
	}
	for a := base; a < base+0x10000; a += PageSize {
		if !s.Write32(a, 1) {
			b.Fatal(s.LastFault())
		}
		if _, ok := s.Read32(a); !ok {
			b.Fatal(s.LastFault())
		}
	}
	return s, base
}

func BenchmarkRead32Hit(b *testing.B) {
	s, base := benchSpace(b)
	b.ReportAllocs()
	var sum uint32
	i := uint32(0)
	for b.Loop() {
		v, ok := s.Read32(base + i&0xFFFC)
		if !ok {
			b.Fatal(s.LastFault())
		}
		sum += v
		i += 4
	}
	sink = sum
}

func BenchmarkWrite32Hit(b *testing.B) {
	s, base := benchSpace(b)
	b.ReportAllocs()
	i := uint32(0)
	for b.Loop() {
		if !s.Write32(base+i&0xFFFC, i) {
			b.Fatal(s.LastFault())
		}
		i += 4
	}
}

func BenchmarkRead8Hit(b *testing.B) {
	s, base := benchSpace(b)
	b.ReportAllocs()
	var sum uint8
	i := uint32(0)
	for b.Loop() {
		v, ok := s.Read8(base + i&0xFFFF)
		if !ok {
			b.Fatal(s.LastFault())
		}
		sum += v
		i++
	}
	sink = uint32(sum)
}

func BenchmarkRead32PageCross(b *testing.B) {
	s, base := benchSpace(b)
	b.ReportAllocs()
	var sum uint32
	for b.Loop() {
		v, ok := s.Read32(base + PageSize - 2)
		if !ok {
			b.Fatal(s.LastFault())
		}
		sum += v
	}
	sink = sum
}

func BenchmarkWrite32PageCross(b *testing.B) {
	s, base := benchSpace(b)
	b.ReportAllocs()
	for b.Loop() {
		if !s.Write32(base+PageSize-2, 7) {
			b.Fatal(s.LastFault())
		}
	}
}

// BenchmarkCOWBreak measures the first write to a shared copy-on-write page: the copy of the frame,
// the remap and the write. Each iteration re-shares the page (ShareFrom) and writes it.
func BenchmarkCOWBreak(b *testing.B) {
	s, base := benchSpace(b)
	d := s.Machine().NewSpace()
	dst, err := d.Reserve(0, 0x10000, ProtRead|ProtWrite, TypeImage, false)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := d.ShareFrom(s, base, dst, PageSize, ProtRead|ProtWrite, TypeNone); err != nil {
			b.Fatal(err)
		}
		if !d.Write32(dst, 1) {
			b.Fatal(d.LastFault())
		}
	}
}

func BenchmarkPageGen(b *testing.B) {
	s, base := benchSpace(b)
	b.ReportAllocs()
	var sum uint32
	for b.Loop() {
		sum += s.PageGen(base)
	}
	sink = sum
}

var sink uint32
