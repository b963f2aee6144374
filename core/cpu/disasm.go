package cpu

import (
	"golang.org/x/arch/x86/x86asm"

	"github.com/peek32/peek32/mm"
)

// DisasmLine is one disassembled instruction.
type DisasmLine struct {
	Addr  uint32
	Bytes []byte
	Text  string // Intel syntax; "(bad)" for undecodable bytes, "??" for unreadable memory
}

// MaxDisassemble bounds the number of lines one Disassemble call returns.
const MaxDisassemble = 1 << 16

// Disassemble decodes n instructions (at most MaxDisassemble) starting at addr, for debuggers and crash reports. It reads
// memory with forced access (no faults raised, guard pages untouched) and never fails: unreadable
// or undecodable bytes produce one-byte "??" or "(bad)" lines.
func Disassemble(mem *mm.Space, addr uint32, n int) []DisasmLine {
	n = min(max(n, 0), MaxDisassemble)
	out := make([]DisasmLine, 0, n)
	for range n {
		var buf [maxInstLen]byte
		k := 0
		for k < len(buf) {
			if mem.ReadBytes(addr+uint32(k), buf[k:k+1], mm.AccessForce|mm.AccessKernel) != nil {
				break
			}
			k++
		}
		if k == 0 {
			out = append(out, DisasmLine{Addr: addr, Text: "??"})
			addr++
			continue
		}
		line := DisasmLine{Addr: addr}
		x, err := x86asm.Decode(buf[:k], 32)
		if err != nil || x.Op == 0 || x.Len <= 0 {
			line.Bytes = append([]byte(nil), buf[0])
			line.Text = "(bad)"
			if k >= 4 && [4]byte(buf[:4]) == endbr32 {
				line.Bytes, line.Text = append([]byte(nil), buf[:4]...), "endbr32"
			}
		} else {
			line.Bytes = append([]byte(nil), buf[:x.Len]...)
			line.Text = x86asm.IntelSyntax(x, uint64(addr), nil)
		}
		out = append(out, line)
		addr += uint32(len(line.Bytes))
	}
	return out
}
