package cpu

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peek32/peek32/mm"
	"golang.org/x/arch/x86/x86asm"
)

func read32(t *testing.T, c *CPU, a uint32) uint32 {
	t.Helper()
	v, ok := c.Mem.Read32(a)
	if !ok {
		t.Fatalf("read %#x failed", a)
	}
	return v
}

// TestRun_FarTransfers: far JMP/CALL/RET to the thread's own code selector (0x1B) are ordinary
// same-privilege transfers, as on Windows (the CS slot of a far CALL is zero-extended, as on
// this machine's CPU); any other selector is #GP at the instruction with nothing changed.
func TestRun_FarTransfers(t *testing.T) {
	const target = codeBase + 0x40
	t.Run("jmp ptr16:32", func(t *testing.T) {
		code := make([]byte, 0x50)
		copy(code, asm(b(0xEA), le32(target), b(0x1B, 0x00)))
		copy(code[0x40:], b(0xB8, 1, 0, 0, 0)) // mov eax, 1
		c := newTestCPU(t, code)
		runN(t, c, 2)
		if c.Regs[EAX] != 1 || c.EIP != target+5 {
			t.Errorf("EAX %#x EIP %#x, want 1, %#x", c.Regs[EAX], c.EIP, target+5)
		}
	})
	t.Run("call ptr16:32 and retf", func(t *testing.T) {
		code := make([]byte, 0x50)
		copy(code, asm(b(0x9A), le32(target), b(0x1B, 0x00)))
		code[0x40] = 0xCB // retf
		c := newTestCPU(t, code)
		c.Mem.Write32(stackTop-4, 0xDEADBEEF)
		runN(t, c, 1)
		if c.Regs[ESP] != stackTop-8 || c.EIP != target {
			t.Fatalf("ESP %#x EIP %#x after the call", c.Regs[ESP], c.EIP)
		}
		if ret, cs := read32(t, c, stackTop-8), read32(t, c, stackTop-4); ret != codeBase+7 || cs != 0x1B {
			t.Errorf("frame %#x:%#x, want 0000001b:%#x", cs, ret, codeBase+7)
		}
		runN(t, c, 1)
		if c.Regs[ESP] != stackTop || c.EIP != codeBase+7 {
			t.Errorf("after retf: ESP %#x EIP %#x", c.Regs[ESP], c.EIP)
		}
	})
	t.Run("call m16:32 and retf imm16", func(t *testing.T) {
		code := make([]byte, 0x50)
		copy(code, asm(b(0xFF, 0x1D), le32(dataBase))) // call far [dataBase]
		copy(code[0x40:], b(0xCA, 0x08, 0x00))         // retf 8
		c := newTestCPU(t, code)
		c.Mem.Write32(dataBase, target)
		c.Mem.Write16(dataBase+4, 0x1B)
		runN(t, c, 2)
		if c.Regs[ESP] != stackTop+8 || c.EIP != codeBase+6 {
			t.Errorf("ESP %#x EIP %#x, want %#x, %#x", c.Regs[ESP], c.EIP, stackTop+8, codeBase+6)
		}
	})
	gp := []struct {
		name  string
		code  []byte
		setup func(c *CPU)
	}{
		{"jmp to 0x33 (heaven's gate)", asm(b(0xEA), le32(target), b(0x33, 0x00)), nil},
		{"call to a data selector", asm(b(0x9A), le32(target), b(0x23, 0x00)), nil},
		{"jmp m16:32 to the null selector", asm(b(0xFF, 0x2D), le32(dataBase)), func(c *CPU) { c.Mem.Write32(dataBase, target) }},
		{"retf to another CS", b(0xCB), func(c *CPU) {
			c.Regs[ESP] = stackTop - 8
			c.Mem.Write32(stackTop-8, target)
			c.Mem.Write32(stackTop-4, 0x23)
		}},
	}
	for _, tt := range gp {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCPU(t, tt.code)
			if tt.setup != nil {
				tt.setup(c)
			}
			regs := c.Regs
			if r := c.Run(5); r != StopFault {
				t.Fatalf("stop %v, want a fault", r)
			}
			if e := c.Exception(); e.Kind != GeneralProtection || e.EIP != codeBase || c.Regs != regs {
				t.Errorf("%+v, regs %x -> %x; want #GP at %#x, nothing changed", e, regs, c.Regs, codeBase)
			}
		})
	}
	t.Run("call m16:32 faults on the pointer", func(t *testing.T) {
		c := newTestCPU(t, asm(b(0xFF, 0x1D), le32(0x7000)))
		if r := c.Run(5); r != StopFault {
			t.Fatalf("stop %v", r)
		}
		if e := c.Exception(); e.Kind != AccessViolation || e.Addr != 0x7000 || e.Access != mm.AccessRead || c.Regs[ESP] != stackTop {
			t.Errorf("%+v ESP %#x", e, c.Regs[ESP])
		}
	})
}

// TestRun_SegmentRegisters: MOV/PUSH/POP of segment registers with Windows' selectors (CS 0x1B,
// DS/ES/SS 0x23, FS 0x3B). PUSH Sreg with a 32-bit operand size stores 16 bits and leaves the rest
// of the slot alone, as this machine's CPU does (checked with gcc -m32: a slot holding 0xDEADBEEF
// becomes 0xDEAD002B after PUSH DS under Linux).
func TestRun_SegmentRegisters(t *testing.T) {
	t.Run("push fs, push ds, o16 push es", func(t *testing.T) {
		c := newTestCPU(t, b(0x0F, 0xA0, 0x1E, 0x66, 0x06))
		for i := uint32(1); i <= 3; i++ {
			c.Mem.Write32(stackTop-4*i, 0xDEADBEEF)
		}
		runN(t, c, 3)
		if v := read32(t, c, stackTop-4); v != 0xDEAD003B {
			t.Errorf("push fs slot %#x, want 0xdead003b", v)
		}
		if v := read32(t, c, stackTop-8); v != 0xDEAD0023 {
			t.Errorf("push ds slot %#x, want 0xdead0023", v)
		}
		if v := read32(t, c, stackTop-12); v != 0x0023BEEF || c.Regs[ESP] != stackTop-10 {
			t.Errorf("o16 push es: dword %#x ESP %#x", v, c.Regs[ESP])
		}
	})
	t.Run("push fs faults as a write", func(t *testing.T) {
		c := newTestCPU(t, b(0x0F, 0xA0))
		c.Regs[ESP] = stackBase
		if r := c.Run(1); r != StopFault {
			t.Fatalf("stop %v", r)
		}
		if e := c.Exception(); e.Kind != AccessViolation || e.Addr != stackBase-4 || e.Access != mm.AccessWrite || c.Regs[ESP] != stackBase {
			t.Errorf("%+v ESP %#x", e, c.Regs[ESP])
		}
	})
	t.Run("mov r32/r16/m16, sreg", func(t *testing.T) {
		// mov eax, fs; o16 mov bx, cs; mov [dataBase], ss
		c := newTestCPU(t, asm(b(0x8C, 0xE0, 0x66, 0x8C, 0xCB, 0x8C, 0x15), le32(dataBase)))
		c.Regs[EAX], c.Regs[EBX] = 0xFFFFFFFF, 0xFFFFFFFF
		c.Mem.Write32(dataBase, 0xDEADBEEF)
		runN(t, c, 3)
		if c.Regs[EAX] != 0x3B || c.Regs[EBX] != 0xFFFF001B {
			t.Errorf("EAX %#x EBX %#x, want 0x3b, 0xffff001b", c.Regs[EAX], c.Regs[EBX])
		}
		if v := read32(t, c, dataBase); v != 0xDEAD0023 {
			t.Errorf("stored %#x, want 0xdead0023", v)
		}
	})
	t.Run("loads of Windows selectors", func(t *testing.T) {
		// mov ds, ax (0x23); mov es, cx (0); pop gs (0x3B); mov fs, dx (0x3B)
		c := newTestCPU(t, b(0x8E, 0xD8, 0x8E, 0xC1, 0x0F, 0xA9, 0x8E, 0xE2))
		c.Regs[EAX], c.Regs[ECX], c.Regs[EDX] = 0x23, 0, 0x3B
		c.Regs[ESP] = stackTop - 4
		c.Mem.Write32(stackTop-4, 0x3B)
		runN(t, c, 4)
		if c.Segment(3) != 0x23 || c.Segment(0) != 0 || c.Segment(5) != 0x3B || c.Segment(4) != 0x3B || c.Regs[ESP] != stackTop {
			t.Errorf("selectors ES %#x DS %#x FS %#x GS %#x, ESP %#x", c.Segment(0), c.Segment(3), c.Segment(4), c.Segment(5), c.Regs[ESP])
		}
	})
	bad := []struct {
		name string
		code []byte
		ax   uint32
		kind ExceptionKind
	}{
		{"mov ds, unknown selector", b(0x8E, 0xD8), 0x1234, GeneralProtection},
		{"mov ds, kernel selector", b(0x8E, 0xD8), 0x10, GeneralProtection},
		{"mov ss, null", b(0x8E, 0xD0), 0, GeneralProtection},
		{"mov cs", b(0x8E, 0xC8), 0x1B, InvalidOpcode},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCPU(t, tt.code)
			c.Regs[EAX] = tt.ax
			if r := c.Run(1); r != StopFault {
				t.Fatalf("stop %v", r)
			}
			if e := c.Exception(); e.Kind != tt.kind || e.EIP != codeBase {
				t.Errorf("%+v, want %v at %#x", e, tt.kind, codeBase)
			}
		})
	}
}

// TestRun_SystemInstructions: the ring-0 and fast-system-call instructions a user thread may hit.
// Privileged ones are Privileged (Windows: STATUS_PRIVILEGED_INSTRUCTION); SYSENTER, SYSCALL and
// SYSRET are #UD here (peek32 does not emulate native system calls; INT 2E is a GeneralProtection
// carrying its vector for the kernel to decide); LOCK CMPXCHG8B on memory is legal, on a register
// #UD.
func TestRun_SystemInstructions(t *testing.T) {
	for _, tt := range []struct {
		name string
		code []byte
		kind ExceptionKind
	}{
		{"rdpmc", b(0x0F, 0x33), Privileged},
		{"rdmsr", b(0x0F, 0x32), Privileged},
		{"wrmsr", b(0x0F, 0x30), Privileged},
		{"sysexit", b(0x0F, 0x35), Privileged},
		{"out imm8", b(0xE6, 0x80), Privileged},
		{"in dx", b(0xEC), Privileged},
		{"rep insb", b(0xF3, 0x6C), Privileged},
		{"sysenter", b(0x0F, 0x34), InvalidOpcode},
		{"syscall", b(0x0F, 0x05), InvalidOpcode},
		{"lock cmpxchg8b reg", b(0xF0, 0x0F, 0xC7, 0xC8), InvalidOpcode},
		{"lock lea", b(0xF0, 0x8D, 0x03), InvalidOpcode},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCPU(t, tt.code)
			if r := c.Run(1); r != StopFault {
				t.Fatalf("stop %v", r)
			}
			if e := c.Exception(); e.Kind != tt.kind || e.EIP != codeBase {
				t.Errorf("%+v, want %v at %#x", e, tt.kind, codeBase)
			}
		})
	}
	t.Run("int 2e carries its vector", func(t *testing.T) {
		c := newTestCPU(t, b(0xCD, 0x2E))
		if r := c.Run(1); r != StopFault {
			t.Fatalf("stop %v", r)
		}
		if e := c.Exception(); e.Kind != GeneralProtection || e.Vector != 0x2E || e.EIP != codeBase {
			t.Errorf("%+v", e)
		}
	})
	t.Run("lock cmpxchg8b mem", func(t *testing.T) {
		c := newTestCPU(t, asm(b(0xF0, 0x0F, 0xC7, 0x0D), le32(dataBase)))
		c.Mem.Write64(dataBase, 0x1111111122222222)
		c.Regs[EDX], c.Regs[EAX], c.Regs[ECX], c.Regs[EBX] = 0x11111111, 0x22222222, 0xAAAAAAAA, 0xBBBBBBBB
		runN(t, c, 1)
		if v, _ := c.Mem.Read64(dataBase); v != 0xAAAAAAAABBBBBBBB || c.Flags()&FlagZF == 0 {
			t.Errorf("memory %#x flags %#x", v, c.Flags())
		}
	})
}

// TestVectors_CoverTable: every op with a table row is exercised by at least one real-CPU vector,
// except the ones listed here, whose results the generator cannot record on Linux (with the unit
// tests that check them instead).
func TestVectors_CoverTable(t *testing.T) {
	exempt := map[x86asm.Op]string{
		x86asm.CPUID: "model-specific: TestCPU_CPUIDAndRDTSC, TestCPUID_ClaimsExactlyWhatIsImplemented",
		x86asm.RDTSC: "time: TestCPU_CPUIDAndRDTSC",
		x86asm.LZCNT: "this CPU has ABM, peek32 claims none: TestRun_BMIEncodingsRunAsLegacy",
		x86asm.TZCNT: "this CPU has BMI1, peek32 claims none: TestRun_BMIEncodingsRunAsLegacy",
	}
	for _, op := range []x86asm.Op{x86asm.IRET, x86asm.IRETD, x86asm.LCALL, x86asm.LJMP, x86asm.LRET,
		x86asm.LDS, x86asm.LES, x86asm.LFS, x86asm.LGS, x86asm.LSS, x86asm.LAR, x86asm.LSL, x86asm.VERR,
		x86asm.VERW, x86asm.SGDT, x86asm.SIDT, x86asm.SLDT, x86asm.SMSW, x86asm.STR} {
		exempt[op] = "Linux and Windows selectors and descriptor tables differ (and UMIP): TestRun_FarTransfers, " +
			"TestProgram_IretLesArpl, TestRun_SelectorQueries, TestRun_DescriptorTableStores"
	}
	seen := map[x86asm.Op]bool{}
	files, err := filepath.Glob(filepath.Join("testdata", "vectors", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			fs := strings.Fields(l)
			if len(fs) < 2 || strings.HasPrefix(fs[0], "#") {
				continue
			}
			code, err := hex.DecodeString(fs[1])
			if err != nil {
				continue
			}
			patchAlias(code)
			if i, err := x86asm.Decode(code, 32); err == nil {
				seen[i.Op] = true
			}
		}
	}
	for op := 1; op < numX86Ops; op++ {
		if handlers[op] != nil && !seen[x86asm.Op(op)] && exempt[x86asm.Op(op)] == "" {
			t.Errorf("%v has a table row but no real-CPU vector", x86asm.Op(op))
		}
	}
}

// TestRun_GSSegment: GS overrides add CPU.GSBase and honour CPU.GSLimit like FS (no real-CPU
// vectors: the Linux harness keeps GS for its own TLS). String sources take the override too.
func TestRun_GSSegment(t *testing.T) {
	// mov eax, gs:[ebx+4]; add gs:[8], eax; gs lodsb
	code := asm(b(0x65, 0x8B, 0x43, 0x04, 0x65, 0x01, 0x05), le32(8), b(0x65, 0xAC))
	c := newTestCPU(t, code)
	c.GSBase, c.GSLimit = dataBase+0x100, 0xFF
	c.Regs[EBX], c.Regs[ESI] = 0x10, 0x20
	c.Mem.Write32(dataBase+0x114, 0x11223344)
	c.Mem.Write32(dataBase+0x108, 0x01000000)
	c.Mem.Write8(dataBase+0x120, 0x5A)
	runN(t, c, 3)
	if v := read32(t, c, dataBase+0x108); c.Regs[EAX] != 0x1122335A || v != 0x12223344 || c.Regs[ESI] != 0x21 {
		t.Errorf("EAX %#x [gs:8] %#x ESI %#x", c.Regs[EAX], v, c.Regs[ESI])
	}
	c = newTestCPU(t, b(0x65, 0x8B, 0x43, 0x00)) // mov eax, gs:[ebx], past the limit
	c.GSBase, c.GSLimit, c.Regs[EBX] = dataBase, 0xFF, 0xFE
	if r := c.Run(1); r != StopFault {
		t.Fatalf("stop %v", r)
	}
	if e := c.Exception(); e.Kind != GeneralProtection || e.EIP != codeBase {
		t.Errorf("%+v, want #GP at the instruction", e)
	}
}

// TestRun_Int3TwoByteForm: Windows reports a breakpoint at the trap EIP minus one, so CD 03 stops
// one byte into the instruction (ExceptionAddress and context EIP both), and a handler that
// continues runs the bytes from there: the anti-debugging trick that relies on it works.
func TestRun_Int3TwoByteForm(t *testing.T) {
	c := newTestCPU(t, b(0xCD, 0x03, 0xC0)) // int 3; at +1: add eax, eax
	c.Regs[EAX] = 1
	if r := c.Run(5); r != StopFault {
		t.Fatalf("stop %v", r)
	}
	if e := c.Exception(); e.Kind != Breakpoint || e.EIP != codeBase+1 || c.EIP != codeBase+1 {
		t.Fatalf("%+v EIP %#x, want a breakpoint at %#x", e, c.EIP, codeBase+1)
	}
	runN(t, c, 1)
	if c.Regs[EAX] != 2 || c.EIP != codeBase+3 {
		t.Errorf("after continuing: EAX %#x EIP %#x, want 2, %#x", c.Regs[EAX], c.EIP, codeBase+3)
	}
}

// TestCPUID_NoExtraBits: leaf 1 claims these bits and no others (the per-bit pairing with
// implemented instructions is TestCPUID_ClaimsExactlyWhatIsImplemented), the highest basic leaf
// is 1 (so leaf 7's AVX2/BMI/... words are unavailable) and the leaves above it read as zero.
func TestCPUID_NoExtraBits(t *testing.T) {
	wantEDX := FeatFPU | FeatTSC | FeatCX8 | FeatCMOV | FeatMMX | FeatFXSR | FeatSSE | FeatSSE2
	wantECX := FeatSSE3 | FeatSSSE3 | FeatPOPCNT
	c := newTestCPU(t, b(0x0F, 0xA2, 0x0F, 0xA2, 0x0F, 0xA2, 0x0F, 0xA2)) // cpuid x4
	cpuid := func(leaf uint32) [4]uint32 {
		c.Regs[EAX], c.Regs[ECX] = leaf, 0
		runN(t, c, 1)
		return [4]uint32{c.Regs[EAX], c.Regs[EBX], c.Regs[ECX], c.Regs[EDX]}
	}
	if r := cpuid(0); r[0] != 1 {
		t.Errorf("max basic leaf %d, want 1", r[0])
	}
	if r := cpuid(1); r[2] != wantECX || r[3] != wantEDX {
		t.Errorf("leaf 1 ECX %#x EDX %#x, want %#x %#x", r[2], r[3], wantECX, wantEDX)
	}
	if r := cpuid(7); r != [4]uint32{} {
		t.Errorf("leaf 7 = %x, want zeros", r)
	}
	if r := cpuid(0x80000001); r != [4]uint32{} {
		t.Errorf("leaf 0x80000001 = %x, want zeros (no NX/LM/LZCNT/3DNow claims)", r)
	}
}

// TestRun_SSLoadHoldsOffSingleStep: after POP SS or MOV SS under TF the single-step trap comes after
// the next instruction (SDM: MOV SS/POP SS inhibit debug exceptions for one instruction), so
// "pop ss; pushfd" captures TF, the classic probe for a single-stepping debugger.
func TestRun_SSLoadHoldsOffSingleStep(t *testing.T) {
	c := newTestCPU(t, b(0x17, 0x9C, 0x90, 0x8E, 0xD0, 0x90, 0x90)) // pop ss; pushfd; nop; mov ss, eax; nop; nop
	c.Regs[ESP] = stackTop - 4
	c.Mem.Write32(stackTop-4, 0x23)
	c.Regs[EAX] = 0x23
	c.SetFlags(c.Flags() | FlagTF)
	for _, want := range []uint32{codeBase + 2, codeBase + 3, codeBase + 6, codeBase + 7} {
		if r := c.Run(10); r != StopSingleStep {
			t.Fatalf("stop %v (%+v), want a single step to %#x", r, c.Exception(), want)
		}
		if e := c.Exception(); e.EIP != want || c.EIP != want {
			t.Fatalf("single step at %#x (EIP %#x), want %#x", e.EIP, c.EIP, want)
		}
	}
	if v := read32(t, c, stackTop-4); v&FlagTF == 0 {
		t.Errorf("pushfd after pop ss stored %#x: TF missing", v)
	}
}
