package cpu

import (
	"testing"

	"github.com/peek32/peek32/mm"
)

// movEAX returns "mov eax, imm32; ud2": a block whose result shows which bytes ran.
func movEAX(v uint32) []byte {
	return b(0xB8, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), 0x0F, 0x0B)
}

func TestCache_InvalidatedByGuestWrite(t *testing.T) {
	// The code rewrites its own immediate at codeBase+0x101 then jumps there.
	code := make([]byte, 0x108)
	copy(code, asm(
		b(0xC7, 0x05), le32(codeBase+0x101), le32(2), // mov dword [codeBase+0x101], 2
		b(0xE9), le32(0x100-15), // jmp codeBase+0x100
	))
	copy(code[0x100:], movEAX(1))
	c := newTestCPU(t, code)
	// Run the target once so its translation (with imm 1) is cached.
	c.EIP = codeBase + 0x100
	c.Run(10)
	if c.Regs[EAX] != 1 {
		t.Fatalf("first run: eax = %d", c.Regs[EAX])
	}
	c.EIP = codeBase
	c.Run(10)
	if c.Regs[EAX] != 2 {
		t.Fatalf("after self-modification eax = %d, want 2 (stale translation)", c.Regs[EAX])
	}
}

func TestCache_InvalidatedByHostWrite(t *testing.T) {
	c := newTestCPU(t, movEAX(1))
	c.Run(10)
	n := c.Cache().Translations
	if err := c.Mem.WriteBytes(codeBase+1, le32(7), 0); err != nil {
		t.Fatal(err)
	}
	c.EIP = codeBase
	c.Run(10)
	if c.Regs[EAX] != 7 || c.Cache().Translations != n+1 {
		t.Fatalf("eax=%d translations %d->%d", c.Regs[EAX], n, c.Cache().Translations)
	}
}

func TestCache_InvalidatedByProtect(t *testing.T) {
	c := newTestCPU(t, movEAX(1))
	c.Run(10)
	if _, err := c.Mem.Protect(codeBase, mm.PageSize, mm.ProtRead|mm.ProtWrite); err != nil {
		t.Fatal(err)
	}
	c.EIP = codeBase
	if r := c.Run(10); r != StopFault {
		t.Fatalf("stop %v", r)
	}
	if e := c.Exception(); e.Kind != AccessViolation || e.Access != mm.AccessExec || e.Addr != codeBase {
		t.Fatalf("exception %+v, want execute fault at code", e)
	}
}

func TestCache_ReusedWhenUnchanged(t *testing.T) {
	c := newTestCPU(t, asm(b(0x40), b(0xEB, 0xFD))) // inc eax; jmp -3
	c.Run(1000)
	if n := c.Cache().Translations; n != 1 {
		t.Fatalf("translations = %d, want 1", n)
	}
	// A write to the data page (not code) does not retranslate.
	c.Mem.Write32(dataBase, 5)
	c.Run(1000)
	if n := c.Cache().Translations; n != 1 {
		t.Fatalf("translations after data write = %d, want 1", n)
	}
}

func TestCache_InstructionCrossingPage(t *testing.T) {
	// mov eax, imm32 whose immediate straddles codeBase+0x1000.
	start := uint32(codeBase + 0x1000 - 3)
	code := make([]byte, 0x1010)
	copy(code[start-codeBase:], movEAX(0x11223344))
	c := newTestCPU(t, code)
	c.EIP = start
	c.Run(10)
	if c.Regs[EAX] != 0x11223344 {
		t.Fatalf("eax = %#x", c.Regs[EAX])
	}
	// Writing the second page's part of the immediate must retranslate.
	if err := c.Mem.WriteBytes(codeBase+0x1000, b(0x99, 0x88), 0); err != nil {
		t.Fatal(err)
	}
	c.EIP = start
	c.Run(10)
	if c.Regs[EAX] != 0x88993344 {
		t.Fatalf("after write to second page eax = %#x, want 0x88993344", c.Regs[EAX])
	}
	// Making the second page non-executable makes the fetch fault there.
	if _, err := c.Mem.Protect(codeBase+0x1000, mm.PageSize, mm.ProtRead); err != nil {
		t.Fatal(err)
	}
	c.EIP = start
	if r := c.Run(10); r != StopFault {
		t.Fatalf("stop %v", r)
	}
	if e := c.Exception(); e.Kind != AccessViolation || e.Addr != codeBase+0x1000 || e.Access != mm.AccessExec || e.EIP != start {
		t.Fatalf("exception %+v, want execute fault at the second page", e)
	}
}

func TestCache_Breakpoint(t *testing.T) {
	code := b(0x40, 0x40, 0x40, 0x40, 0xEB, 0xFA) // inc eax x4; jmp -6
	c := newTestCPU(t, code)
	c.Run(20)
	before := c.Cache().Len()
	c.SetBreakpoint(codeBase + 2)
	c.EIP = codeBase
	c.Regs[EAX] = 0
	if r := c.Run(100); r != StopBreakpoint || c.EIP != codeBase+2 || c.Regs[EAX] != 2 {
		t.Fatalf("stop %v eip %#x eax %d, want breakpoint at +2 after 2 incs", r, c.EIP, c.Regs[EAX])
	}
	// Resuming executes the instruction at the breakpoint, then stops there again next lap.
	if r := c.Run(100); r != StopBreakpoint || c.Regs[EAX] != 6 {
		t.Fatalf("resume: stop %v eax %d, want breakpoint with eax 6", r, c.Regs[EAX])
	}
	if r := c.Step(); r != StopBudget || c.Regs[EAX] != 7 || c.EIP != codeBase+3 {
		t.Fatalf("step: %v eax %d eip %#x", r, c.Regs[EAX], c.EIP)
	}
	c.ClearBreakpoint(codeBase + 2)
	if r := c.Run(100); r != StopBudget {
		t.Fatalf("after clear: stop %v", r)
	}
	if c.Cache().Len() > before+2 {
		t.Errorf("cache grew from %d to %d blocks", before, c.Cache().Len())
	}
}

func TestCache_BreakpointDropsOnlyAffectedBlocks(t *testing.T) {
	code := make([]byte, 0x200)
	copy(code, b(0x40, 0xC3))         // f1: inc eax; ret
	copy(code[0x100:], b(0x43, 0xC3)) // f2: inc ebx; ret
	c := newTestCPU(t, code)
	for _, a := range []uint32{codeBase, codeBase + 0x100} {
		c.EIP = a
		c.Regs[ESP] = stackTop - 4
		c.Mem.Write32(stackTop-4, codeBase+0x1F0)
		c.Run(2)
	}
	n := c.Cache().Translations
	c.SetBreakpoint(codeBase + 0x101)
	c.EIP = codeBase
	c.Regs[ESP] = stackTop - 4
	c.Run(2)
	if c.Cache().Translations != n {
		t.Fatalf("unrelated block retranslated")
	}
	c.EIP = codeBase + 0x100
	if r := c.Run(2); r != StopBreakpoint || c.EIP != codeBase+0x101 {
		t.Fatalf("stop %v at %#x", r, c.EIP)
	}
}

func TestCache_Thunk(t *testing.T) {
	code := make([]byte, 0x200)
	copy(code, asm(b(0xE8), le32(0x100-5), b(0x0F, 0x0B))) // call codeBase+0x100; ud2
	copy(code[0x100:], b(0x0F, 0x0B))                      // the thunk's bytes
	c := newTestCPU(t, code)
	c.ThunkRanges = []Range{{codeBase + 0x100, codeBase + 0x110}}
	if r := c.Run(100); r != StopThunk || c.EIP != codeBase+0x100 || c.Count != 1 {
		t.Fatalf("stop %v eip %#x count %d", r, c.EIP, c.Count)
	}
	ret, _ := c.Mem.Read32(c.Regs[ESP])
	if ret != codeBase+5 {
		t.Fatalf("return address %#x", ret)
	}
	// Falling through into a thunk range also stops.
	c.ThunkRanges = []Range{{codeBase + 0x102, codeBase + 0x110}}
	c.Cache().Flush()
	c.EIP = codeBase + 0x100 - 2
	c.Mem.WriteBytes(codeBase+0xFE, b(0x90, 0x90, 0x90, 0x90), 0)
	if r := c.Run(100); r != StopThunk || c.EIP != codeBase+0x102 {
		t.Fatalf("fall-through: stop %v eip %#x", r, c.EIP)
	}
}

func le32(v uint32) []byte { return b(byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }

func TestCache_InvalidatedByReleaseAndDecommit(t *testing.T) {
	for _, release := range []bool{false, true} {
		c := newTestCPU(t, nil)
		const at = 0x00700000
		if _, err := c.Mem.Reserve(at, 0x10000, mm.ProtRead|mm.ProtExec, mm.TypePrivate, false); err != nil {
			t.Fatal(err)
		}
		if err := c.Mem.Commit(at, 0x1000, mm.ProtRead|mm.ProtWrite|mm.ProtExec); err != nil {
			t.Fatal(err)
		}
		c.Mem.WriteBytes(at, movEAX(3), 0)
		c.EIP = at
		c.Run(10)
		if c.Regs[EAX] != 3 {
			t.Fatalf("eax = %d", c.Regs[EAX])
		}
		var err error
		if release {
			err = c.Mem.Release(at)
		} else {
			err = c.Mem.Decommit(at, 0x1000)
		}
		if err != nil {
			t.Fatal(err)
		}
		c.EIP = at
		if r := c.Run(10); r != StopFault || c.Exception().Kind != AccessViolation || c.Exception().Access != mm.AccessExec {
			t.Fatalf("release=%v: stop %v %+v, want an execute fault", release, r, c.Exception())
		}
	}
}

func TestCache_DataWriteOnCodePageKeepsTranslation(t *testing.T) {
	// A loop that increments a counter in its own code page: the page generation changes on
	// every write, but the block's bytes do not, so it is revalidated rather than retranslated.
	code := make([]byte, 0x900)
	copy(code, asm(b(0xFF, 0x05), le32(codeBase+0x800), b(0x49, 0x75, 0x100-9, 0x0F, 0x0B))) // inc dword [x]; dec ecx; jnz; ud2
	c := newTestCPU(t, code)
	c.Regs[ECX] = 1000
	if r := c.Run(10000); r != StopFault {
		t.Fatalf("stop %v", r)
	}
	v, _ := c.Mem.Read32(codeBase + 0x800)
	if v != 1000 {
		t.Fatalf("counter %d", v)
	}
	if k := c.Cache(); k.Translations > 3 || k.Revalidations < 999 {
		t.Fatalf("translations %d revalidations %d", k.Translations, k.Revalidations)
	}
}

func TestCache_BreakpointInsideResumedBlock(t *testing.T) {
	c := newTestCPU(t, b(0x40, 0x40, 0x40, 0x40, 0x0F, 0x0B)) // inc eax x4; ud2
	c.Run(1)                                                  // the budget cuts the block after the first inc
	c.SetBreakpoint(codeBase + 3)
	if r := c.Run(100); r != StopBreakpoint || c.EIP != codeBase+3 || c.Regs[EAX] != 3 {
		t.Fatalf("stop %v eip %#x eax %d, want the breakpoint at +3", r, c.EIP, c.Regs[EAX])
	}
	n := c.Cache().Translations
	c.Run(1)
	c.Run(100)
	if c.Regs[EAX] != 4 || c.Cache().Translations != n {
		t.Fatalf("eax %d, translations %d -> %d", c.Regs[EAX], n, c.Cache().Translations)
	}
}

func TestCache_SelfModificationInsideTheRunningBlock(t *testing.T) {
	// mov byte [codeBase+8], 5; mov eax, 1 (the low byte of its immediate is patched); ud2
	code := asm(b(0xC6, 0x05), le32(codeBase+8), b(0x05), b(0xB8, 1, 0, 0, 0), b(0x0F, 0x0B))
	c := newTestCPU(t, code)
	c.Run(10)
	if c.Regs[EAX] != 5 {
		t.Fatalf("eax = %d, want 5: the store must affect the next instruction of the same block", c.Regs[EAX])
	}
	// On a read-only code page nothing is flagged (no rechecks on ordinary code).
	c = newTestCPU(t, code)
	if _, err := c.Mem.Protect(codeBase, codeSize, mm.ProtRead|mm.ProtExec); err != nil {
		t.Fatal(err)
	}
	c.Run(10)
	for _, in := range c.Cache().blocks[codeBase].insts {
		if in.Check {
			t.Fatalf("instruction on a read-only page flagged for rechecks")
		}
	}
}
