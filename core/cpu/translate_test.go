package cpu

import (
	"testing"

	"golang.org/x/arch/x86/x86asm"

	"github.com/peek32/peek32/mm"
)

// translateBytes translates the instruction at the start of code (placed at codeBase).
func translateBytes(t *testing.T, code []byte) Inst {
	t.Helper()
	c := newTestCPU(t, code)
	var in Inst
	decodeAt(c.Mem, codeBase, &in)
	return in
}

// TestTranslate_X86asmTraps pins the decoder behaviours the translator depends on.
func TestTranslate_X86asmTraps(t *testing.T) {
	// Truncated input: x86asm returns Op 0 and no error.
	if x, err := x86asm.Decode(b(0x8B), 32); err != nil || x.Op != 0 {
		t.Fatalf("x86asm truncation trap changed: op %v err %v", x.Op, err)
	}
	// SIB without index: Index is 0 (no register), Scale 1.
	in := translateBytes(t, b(0x8B, 0x04, 0x24)) // mov eax, [esp]
	if in.Base != ESP || in.Index != noReg {
		t.Errorf("mov eax,[esp]: base %d index %d", in.Base, in.Index)
	}
	// FS override shows up as the memory operand's segment.
	in = translateBytes(t, b(0x64, 0xA1, 0x18, 0, 0, 0)) // mov eax, fs:[0x18]
	if in.Seg != segFS || in.Disp != 0x18 || in.Base != noReg {
		t.Errorf("mov eax,fs:[0x18]: seg %d disp %#x base %d", in.Seg, in.Disp, in.Base)
	}
	// LOCK on a register destination is #UD (x86asm does not reject it itself).
	if in = translateBytes(t, b(0xF0, 0x01, 0xC0)); in.Op != opInvalid {
		t.Errorf("lock add eax,eax translated to %s", opName(in.Op))
	}
	// LOCK on a memory destination of a lockable op is fine.
	if in = translateBytes(t, b(0xF0, 0x0F, 0xC1, 0x03)); in.Op != uint16(x86asm.XADD) || !in.Lock {
		t.Errorf("lock xadd [ebx],eax translated to %s lock=%v", opName(in.Op), in.Lock)
	}
	// 16-bit addressing [bx+si+disp8].
	in = translateBytes(t, b(0x67, 0x8B, 0x40, 0x10)) // mov eax, [bx+si+0x10]
	if in.AddrSize != 2 || in.Base != EBX || in.Index != ESI || in.Disp != 0x10 {
		t.Errorf("16-bit addressing: %+v", in)
	}
	// ENDBR32 (which x86asm decodes as Op 0, no error) runs as a NOP.
	if in = translateBytes(t, b(0xF3, 0x0F, 0x1E, 0xFB)); in.Op != uint16(x86asm.NOP) || in.Len != 4 {
		t.Errorf("endbr32 translated to %s len %d", opName(in.Op), in.Len)
	}
	// Aliases x86asm rejects.
	for _, tc := range []struct {
		code []byte
		op   x86asm.Op
	}{
		{b(0x82, 0xC0, 0x01), x86asm.ADD},
		{b(0xD1, 0xF0), x86asm.SHL},
		{b(0xF6, 0xC8, 0x01), x86asm.TEST},
		{b(0x0F, 0x19, 0xC0), x86asm.NOP},
	} {
		if in = translateBytes(t, tc.code); in.Op != uint16(tc.op) {
			t.Errorf("% x translated to %s, want %v", tc.code, opName(in.Op), tc.op)
		}
	}
	// Relative targets are resolved; under 0x66 they wrap at 16 bits.
	if in = translateBytes(t, b(0xEB, 0xFE)); in.Imm != codeBase || in.Args[0].Kind != argRel {
		t.Errorf("jmp $: target %#x", in.Imm)
	}
	if in = translateBytes(t, b(0x66, 0xE9, 0x00, 0x00)); in.Imm != (codeBase+4)&0xFFFF {
		t.Errorf("jmp rel16: target %#x", in.Imm)
	}
}

// TestTranslate_TruncatedAtUnmappedPage checks that an instruction cut by an unmapped page is an
// execute fault at the first missing byte, not #UD.
func TestTranslate_TruncatedAtUnmappedPage(t *testing.T) {
	c := newTestCPU(t, nil)
	end := uint32(codeBase + codeSize)
	c.Mem.WriteBytes(end-2, b(0xB8, 0x01), 0) // mov eax, imm32 cut after 1 immediate byte
	c.EIP = end - 2
	if r := c.Run(10); r != StopFault {
		t.Fatalf("stop %v", r)
	}
	if e := c.Exception(); e.Kind != AccessViolation || e.Addr != end || e.EIP != end-2 {
		t.Fatalf("exception %+v, want execute fault at %#x", e, end)
	}
}

func TestTable_Rows(t *testing.T) {
	// Every defined row has a handler and a name; spot-check that the integer set is present.
	for op := range tableSize {
		if handlers[op] == nil {
			continue
		}
		if opTable[op].name == "" || opName(uint16(op)) == "" {
			t.Errorf("row %d has a handler but no name", op)
		}
	}
	for _, op := range []x86asm.Op{x86asm.ADD, x86asm.MOV, x86asm.CMPXCHG8B, x86asm.SHRD, x86asm.DAA,
		x86asm.ENTER, x86asm.CPUID, x86asm.RDTSC, x86asm.MOVSD, x86asm.SETG, x86asm.CMOVLE, x86asm.BSWAP} {
		if handlers[op] == nil {
			t.Errorf("%v has no handler", op)
		}
	}
}

func TestTable_DefineOpsRejectsBadRows(t *testing.T) {
	for name, d := range map[string]opDef{
		"nil handler":  {Op: x86asm.ADD},
		"duplicate":    {Op: x86asm.ADD, Fn: opNOP},
		"out of range": {Op: x86asm.Op(numX86Ops), Fn: opNOP},
		"gap":          {Op: x86asm.XTEST, Fn: opNOP, Args: [4]argMask{maskNone, maskReg}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: defineOps accepted the row", name)
				}
			}()
			defineOps(d)
		}()
	}
	if handlers[x86asm.XTEST] != nil {
		t.Fatal("a rejected row was installed")
	}
}

func TestTranslate_FastForms(t *testing.T) {
	for name, code := range map[string][]byte{"int": intLoop, "mem": memLoop, "mix": mixLoop} {
		c := newTestCPU(t, code)
		for pc := uint32(codeBase); pc < codeBase+uint32(len(code)); {
			var in Inst
			decodeAt(c.Mem, pc, &in)
			if in.Fast == fastNone {
				t.Errorf("%s: %s at +%#x has no fast path", name, opName(in.Op), pc-codeBase)
			}
			pc += uint32(in.Len)
		}
	}
}

// TestTranslate_TruncatedPrefixesAtPageEnd: VEX/EVEX prefixes cut by an unmapped page (x86asm
// v0.31 panicked on these; golang/go#81447) must be an execute fault, never a crash.
func TestTranslate_TruncatedPrefixesAtPageEnd(t *testing.T) {
	end := uint32(codeBase + codeSize)
	for _, tail := range [][]byte{{0xC5, 0xFC}, {0xC4, 0xE2, 0x7D}, {0x62, 0xF1, 0x7C, 0x48}, {0x66, 0xC5, 0xFC}, {0xF0}, {0x0F}} {
		c := newTestCPU(t, nil)
		at := end - uint32(len(tail))
		c.Mem.WriteBytes(at, tail, 0)
		c.EIP = at
		if r := c.Run(10); r != StopFault {
			t.Fatalf("% x: stop %v", tail, r)
		}
		if e := c.Exception(); e.Kind != AccessViolation || e.Addr != end || e.Access != mm.AccessExec {
			t.Errorf("% x: %+v, want an execute fault at %#x", tail, e, end)
		}
	}
}

// TestCPUID_ClaimsExactlyWhatIsImplemented pairs each feature bit with instructions it promises:
// a bit is claimed if and only if those instructions have table rows.
func TestCPUID_ClaimsExactlyWhatIsImplemented(t *testing.T) {
	for _, f := range []struct {
		name string
		reg  *uint32
		bit  uint32
		ops  []x86asm.Op
	}{
		{"FPU", &CPUIDFeatureEDX, FeatFPU, []x86asm.Op{x86asm.FADD, x86asm.FLD, x86asm.FSTP}},
		{"TSC", &CPUIDFeatureEDX, FeatTSC, []x86asm.Op{x86asm.RDTSC}},
		{"CX8", &CPUIDFeatureEDX, FeatCX8, []x86asm.Op{x86asm.CMPXCHG8B}},
		{"CMOV", &CPUIDFeatureEDX, FeatCMOV, []x86asm.Op{x86asm.CMOVE, x86asm.FCMOVE}},
		{"MMX", &CPUIDFeatureEDX, FeatMMX, []x86asm.Op{x86asm.PADDB, x86asm.EMMS}},
		{"FXSR", &CPUIDFeatureEDX, FeatFXSR, []x86asm.Op{x86asm.FXSAVE, x86asm.FXRSTOR}},
		{"SSE", &CPUIDFeatureEDX, FeatSSE, []x86asm.Op{x86asm.ADDPS, x86asm.MOVAPS, x86asm.LDMXCSR}},
		{"SSE2", &CPUIDFeatureEDX, FeatSSE2, []x86asm.Op{x86asm.ADDPD, x86asm.MOVDQA, x86asm.CVTSI2SD}},
		{"SSE3", &CPUIDFeatureECX, FeatSSE3, []x86asm.Op{x86asm.ADDSUBPD, x86asm.HADDPS, x86asm.LDDQU}},
		{"SSSE3", &CPUIDFeatureECX, FeatSSSE3, []x86asm.Op{x86asm.PSHUFB, x86asm.PALIGNR}},
		{"POPCNT", &CPUIDFeatureECX, FeatPOPCNT, []x86asm.Op{x86asm.POPCNT}},
	} {
		claimed := *f.reg&f.bit != 0
		for _, op := range f.ops {
			if has := handlers[op] != nil; has != claimed {
				t.Errorf("%s: CPUID claims it %v, but %v implemented = %v", f.name, claimed, op, has)
			}
		}
	}
}
