package cpu

import (
	"testing"
)

// FuzzTranslateRun feeds arbitrary bytes to the translator and the loop: the first 8 bytes pick
// register values (pointing into the data region, the stack, or anywhere), the rest is code.
// Whatever the bytes, Run must return a stop reason, never panic, and keep EIP consistent with it.
func FuzzTranslateRun(f *testing.F) {
	for _, seed := range [][]byte{
		nil,
		asm(make([]byte, 8), intLoop),
		asm(make([]byte, 8), memLoop),
		asm(b(1, 2, 3, 4, 5, 6, 7, 8), b(0xF3, 0xA5, 0xF2, 0xAE, 0x0F, 0xC7, 0x0E)),
		asm(b(0xFF, 0, 0, 0, 0, 0, 0, 0), b(0xF0, 0x01, 0xC0, 0x66, 0x82, 0xC0, 0x01, 0xC8, 0x10, 0x00, 0x1F)),
		asm(b(9, 9, 9, 9, 9, 9, 9, 9), b(0x9C, 0x81, 0x0C, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9D, 0x40, 0x40)),
		asm(b(0, 1, 2, 3, 4, 5, 6, 7), b(0x67, 0xE3, 0x02, 0x64, 0x8B, 0x00, 0xD4, 0x00, 0xF7, 0xF1)),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var sel [8]byte
		copy(sel[:], data)
		code := data[min(len(data), 8):]
		if len(code) > codeSize {
			code = code[:codeSize]
		}
		c := newTestCPU(t, code)
		for i := range c.Regs {
			switch s := sel[i]; s >> 6 {
			case 0:
				c.Regs[i] = dataBase + uint32(s)*64
			case 1:
				c.Regs[i] = stackTop - uint32(s&63)*64
			case 2:
				c.Regs[i] = uint32(s&63) - 32
			default:
				c.Regs[i] = uint32(s) << 24
			}
		}
		c.Regs[ESP] = stackTop - 0x800
		c.FSBase = dataBase
		c.SetFlags(uint32(sel[0]) << 4 & flagsUser &^ FlagTF)
		if len(code) > 0 && sel[2]&1 != 0 {
			c.SetBreakpoint(codeBase + uint32(sel[2])%uint32(len(code)))
		}
		// Small budgets cut blocks short (the resume path); a large one runs far.
		budget := uint64(2000)
		rounds := 4
		if sel[1]&1 != 0 {
			budget, rounds = uint64(sel[1]%16)+1, 300
		}
		for range rounds {
			r := c.Run(budget)
			switch r {
			case StopBudget, StopBreakpoint:
			case StopFault:
				if c.Exception().EIP != c.EIP {
					t.Fatalf("fault EIP %#x, CPU EIP %#x", c.Exception().EIP, c.EIP)
				}
				if c.Exception().Kind == NoException {
					t.Fatalf("fault without a kind")
				}
				c.EIP++ // skip ahead like a handler that resumes elsewhere
			case StopSingleStep:
			default:
				t.Fatalf("unexpected stop %v", r)
			}
		}
	})
}
