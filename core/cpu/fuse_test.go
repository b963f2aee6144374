package cpu

import "testing"

// TestRun_FusedCompareBranch runs CMP/TEST + Jcc pairs for every condition and edge-case operands
// as one block (fused, see fuseJcc) and one instruction at a time (Step: the pair is split), and
// expects the same branch, registers and flags.
func TestRun_FusedCompareBranch(t *testing.T) {
	vals := []uint32{0, 1, 2, 5, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF}
	forms := []struct {
		name string
		code func(imm uint32) []byte
		fast uint8
	}{
		{"cmp r,r", func(uint32) []byte { return b(0x39, 0xD8) }, fastCmpJccRR},                 // cmp eax, ebx
		{"cmp r,i", func(v uint32) []byte { return asm(b(0x81, 0xF8), le32(v)) }, fastCmpJccRI}, // cmp eax, imm32
		{"test r,r", func(uint32) []byte { return b(0x85, 0xD8) }, fastTestJccRR},               // test eax, ebx
		{"test r,i", func(v uint32) []byte { return asm(b(0xF7, 0xC0), le32(v)) }, fastTestJccRI},
	}
	for _, f := range forms {
		for cc := range uint8(16) {
			for _, x := range vals {
				for _, y := range vals {
					code := asm(f.code(y), b(0x70+cc, 0x01), b(0x41), b(0xCC)) // jcc +1; inc ecx; int3
					var got [2]string
					for k, fused := range []bool{true, false} {
						c := newTestCPU(t, code)
						c.Regs[EAX], c.Regs[EBX] = x, y
						if fused {
							if r := c.Run(100); r != StopFault {
								t.Fatalf("stop %v", r)
							}
							if blk := c.cache.blocks[codeBase]; blk == nil || blk.insts[0].Fast != f.fast {
								t.Fatalf("%s: not fused", f.name)
							}
						} else {
							for c.Step() == StopBudget {
							}
						}
						got[k] = string(le32(c.Regs[ECX])) + string(le32(c.Flags())) + string(le32(c.EIP))
					}
					if got[0] != got[1] {
						t.Fatalf("%s %#x, %#x; j%x: fused % x, stepped % x", f.name, x, y, cc, got[0], got[1])
					}
				}
			}
		}
	}
}
