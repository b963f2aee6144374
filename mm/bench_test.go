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

// BenchmarkShareFrom1Page is the ShareFrom part of BenchmarkCOWBreak alone (re-sharing one page
// over a shared one), so that the cost of the break itself is the difference.
func BenchmarkShareFrom1Page(b *testing.B) {
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
	}
}

// BenchmarkRead32Miss alternates between two pages that map to the same TLB slot, so every read
// takes the slow path (page-table walk, checks, refill).
func BenchmarkRead32Miss(b *testing.B) {
	s := NewMachine(0).NewSpace()
	base, err := s.Reserve(0, tlbSize*PageSize+PageSize, ProtRead|ProtWrite, TypePrivate, false)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Commit(base, tlbSize*PageSize+PageSize, ProtRead|ProtWrite); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var sum uint32
	i := uint32(0)
	for b.Loop() {
		v, ok := s.Read32(base + (i&1)*tlbSize*PageSize)
		if !ok {
			b.Fatal(s.LastFault())
		}
		sum += v
		i++
	}
	sink = sum
}

func BenchmarkFetch16(b *testing.B) {
	s, base := benchSpace(b)
	if _, err := s.Protect(base, PageSize, ProtRead|ProtExec); err != nil {
		b.Fatal(err)
	}
	var buf [16]byte
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.Fetch(base+0x100, buf[:]); !ok {
			b.Fatal(s.LastFault())
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

// BenchmarkRead32TLBHit is the inlinable probe the interpreter's hot loop uses (Read32TLB, then
// Read32 only on a miss), on the hit path.
func BenchmarkRead32TLBHit(b *testing.B) {
	s, base := benchSpace(b)
	b.ReportAllocs()
	var sum uint32
	i := uint32(0)
	for b.Loop() {
		v, ok := s.Read32TLB(base + i&0xFFFC)
		if !ok {
			b.Fatal("TLB miss on a warm page")
		}
		sum += v
		i += 4
	}
	sink = sum
}

// BenchmarkWrite32TLBHit is Write32TLB on the hit path.
func BenchmarkWrite32TLBHit(b *testing.B) {
	s, base := benchSpace(b)
	b.ReportAllocs()
	i := uint32(0)
	for b.Loop() {
		if !s.Write32TLB(base+i&0xFFFC, i) {
			b.Fatal("TLB miss on a warm page")
		}
		i += 4
	}
}
