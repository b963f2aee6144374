package cpu

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/peek32/peek32/mm"
)

// TestRun_BulkStringMatchesIteration runs REP MOVS/STOS with the bulk path on and off over
// overlapping, page-crossing and faulting ranges, with several budgets, and expects the same
// registers, flags, counts, stop reasons and memory.
func TestRun_BulkStringMatchesIteration(t *testing.T) {
	defer func() { bulkStrEnabled = true }()
	ops := []struct {
		name string
		code []byte
	}{
		{"movsb", b(0xF3, 0xA4)}, {"movsw", b(0x66, 0xF3, 0xA5)}, {"movsd", b(0xF3, 0xA5)},
		{"stosb", b(0xF3, 0xAA)}, {"stosw", b(0x66, 0xF3, 0xAB)}, {"stosd", b(0xF3, 0xAB)},
	}
	type regs struct{ si, di, cx uint32 }
	cases := []regs{
		{dataBase, dataBase + 0x3000, 5000},             // disjoint, crossing pages
		{dataBase + 3, dataBase + 0x2FFE, 3000},         // unaligned, crossing
		{dataBase + 0x100, dataBase + 0x101, 900},       // forward overlap by one byte
		{dataBase + 0x100, dataBase + 0x102, 900},       // forward overlap by two
		{dataBase + 0x105, dataBase + 0x100, 900},       // destination before the source
		{dataBase + 0x200, dataBase + 0x200, 700},       // same range
		{dataBase + 0x10, dataBase + 0xE800, 0x1000},    // runs into the read-only last page
		{dataBase + 0xEFF0, dataBase + 0x40, 0x800},     // source runs off the data region
		{dataBase + 0x40, codeBase + 0x800, 0x300},      // destination is the code page
		{dataBase + 0x40, dataBase + 0x5000, 0},         // no iterations
		{dataBase + 0x40, dataBase + 0x5000, 1},         // one iteration
		{dataBase + 0xFFE, dataBase + 0x4FFF, 0x400000}, // long: many chunks, then a fault
	}
	for _, op := range ops {
		for ci, rc := range cases {
			for _, budget := range []uint64{1, 3, 1 << 20} {
				t.Run(fmt.Sprintf("%s/%d/%d", op.name, ci, budget), func(t *testing.T) {
					var got [2]string
					var mem [2][]byte
					for i, on := range []bool{false, true} {
						bulkStrEnabled = on
						c := newTestCPU(t, asm(op.code, b(0xCC)))
						if _, err := c.Mem.Protect(dataBase+dataSize-mm.PageSize, mm.PageSize, mm.ProtRead); err != nil {
							t.Fatal(err)
						}
						pat := make([]byte, dataSize-mm.PageSize)
						for j := range pat {
							pat[j] = byte(j*7 + j>>8)
						}
						if err := c.Mem.WriteBytes(dataBase, pat, 0); err != nil {
							t.Fatal(err)
						}
						c.Regs[ESI], c.Regs[EDI], c.Regs[ECX], c.Regs[EAX] = rc.si, rc.di, rc.cx, 0xA1B2C3D4
						var stops []StopReason
						for k := 0; k < 100000; k++ {
							r := c.Run(budget)
							if r != StopBudget {
								stops = append(stops, r)
								break
							}
						}
						got[i] = fmt.Sprintf("regs %x eip %#x flags %#x count %d stops %v exc %+v",
							c.Regs, c.EIP, c.Flags(), c.Count, stops, c.Exception())
						mem[i] = make([]byte, dataSize)
						c.Mem.ReadBytes(dataBase, mem[i], mm.AccessForce)
						code := make([]byte, 0x1000)
						c.Mem.ReadBytes(codeBase, code, mm.AccessForce)
						mem[i] = append(mem[i], code...)
					}
					if got[0] != got[1] {
						t.Fatalf("iterating: %s\nbulk:      %s", got[0], got[1])
					}
					if !bytes.Equal(mem[0], mem[1]) {
						t.Fatal("memory differs")
					}
				})
			}
		}
	}
}

// BenchmarkRun_RepMovsd copies 16 KiB with REP MOVSD and fills 16 KiB with REP STOSD per pass of
// a loop, with the bulk path and iterating; MB/s counts the bytes moved.
func BenchmarkRun_RepMovsd(b *testing.B) {
	code := asm(
		bb(0xBE), le32(dataBase), // top: mov esi, dataBase
		bb(0xBF), le32(dataBase+0x8000), // mov edi, dataBase+0x8000
		bb(0xB9), le32(0x1000), // mov ecx, 0x1000
		bb(0xF3, 0xA5),         // rep movsd
		bb(0xB9), le32(0x1000), // mov ecx, 0x1000
		bb(0xF3, 0xAB),     // rep stosd
		bb(0xEB, 0x100-26), // jmp top
	)
	defer func() { bulkStrEnabled = true }()
	for _, bulk := range []bool{true, false} {
		name := "bulk"
		if !bulk {
			name = "iterate"
		}
		b.Run(name, func(b *testing.B) {
			bulkStrEnabled = bulk
			c := newTestCPU(b, code)
			const chunk = 1 << 12
			c.Run(chunk)
			b.ReportAllocs()
			for b.Loop() {
				if r := c.Run(chunk); r != StopBudget {
					b.Fatalf("stop %v (%+v)", r, c.Exception())
				}
			}
			// A pass is 13 instructions (a REP of 4096 iterations counts as 4 executions of
			// repChunk) and moves 32 KiB.
			const instPerPass = 5 + 4 + 4
			b.ReportMetric(float64(chunk)*float64(b.N)/instPerPass*32768/b.Elapsed().Seconds()/1e6, "MB/s")
		})
	}
}

func bb(x ...byte) []byte { return x }
