package cpu

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// Small programs assembled with GNU as (sources in the comments), run to their final ud2.

func runProgram(t *testing.T, hexCode string, end uint32, setup func(c *CPU)) *CPU {
	t.Helper()
	code, err := hex.DecodeString(hexCode)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestCPU(t, code)
	if setup != nil {
		setup(c)
	}
	if r := c.Run(1_000_000); r != StopFault || c.Exception().Kind != InvalidOpcode || c.EIP != codeBase+end {
		t.Fatalf("stop %v %+v at %#x, want the final ud2", r, c.Exception(), c.EIP)
	}
	return c
}

// TestProgram_Fib: recursive fib(20) with call/ret, push/pop, enter-less frames and leave.
//
//	mov ecx,20; push ecx; call fib; add esp,4; ud2
//	fib: push ebp; mov ebp,esp; push ebx; mov eax,[ebp+8]; cmp eax,2; jb 1f; dec eax; push eax
//	     call fib; mov ebx,eax; mov eax,[ebp+8]; sub eax,2; push eax; call fib; add esp,8
//	     add eax,ebx; 1: pop ebx; leave; ret
func TestProgram_Fib(t *testing.T) {
	c := runProgram(t, "b91400000051e80500000083c4040f0b5589e5538b450883f802721a4850e8edffffff89c38b450883e80250e8dfffffff83c40801d85bc9c3", 0x0E, nil)
	if c.Regs[EAX] != 6765 || c.Regs[ESP] != stackTop {
		t.Fatalf("fib(20) = %d, esp %#x", c.Regs[EAX], c.Regs[ESP])
	}
}

// TestProgram_Strings: strlen with repne scasb, rep movsb, repe cmpsb, rep stosd, lodsd+loop,
// and a backwards rep movsb with std.
func TestProgram_Strings(t *testing.T) {
	msg := []byte("hello, peek32!\x00")
	c := runProgram(t, "be00005000bf000150005789f731c0b9fffffffff2aef7d1495f89ca8d4a01fcf3a4be00005000bf000150008d4a01f3a60f94c3bf00025000b8efbeaddeb910000000f3abbe00025000b91000000031edad01c5e2fbfdbe0f025000bf0f035000b910000000f3a4fc0f0b", 0x69,
		func(c *CPU) { c.Mem.WriteBytes(dataBase, msg, 0) })
	if c.Regs[EDX] != uint32(len(msg)-1) {
		t.Errorf("strlen = %d", c.Regs[EDX])
	}
	if c.Regs[EBX]&0xFF != 1 {
		t.Errorf("repe cmpsb did not find the copy equal")
	}
	if c.Regs[EBP] != 0xEADBEEF0 {
		t.Errorf("lodsd sum = %#x", c.Regs[EBP])
	}
	got := make([]byte, len(msg))
	c.Mem.ReadBytes(dataBase+0x100, got, 0)
	if !bytes.Equal(got, msg) {
		t.Errorf("rep movsb copy = %q", got)
	}
	back := make([]byte, 16)
	c.Mem.ReadBytes(dataBase+0x300, back, 0)
	if !bytes.Equal(back, bytes.Repeat([]byte{0xEF, 0xBE, 0xAD, 0xDE}, 4)) {
		t.Errorf("backwards copy = % x", back)
	}
	if c.Flags()&FlagDF != 0 || c.Regs[ESI] != dataBase+0x1FF {
		t.Errorf("DF %v esi %#x", c.Flags()&FlagDF != 0, c.Regs[ESI])
	}
}

// TestProgram_JumpTable: an indirect jmp through a table, enter/leave, lock cmpxchg, lock xadd,
// pushad/popad, bswap, setg and cmovg.
func TestProgram_JumpTable(t *testing.T) {
	c := runProgram(t, "31f631ff89f083e003ff24850001400083c701eb1083c70aeb0b83c764eb0681c7e80300004683fe0a7cd9c8100000c745fc05000000b805000000b909000000f00fb14dfc8b55fcbb03000000f00fc15dfcc960b87856341261b9443322110fc981ffd00700000f9fc0bb070000000f4fdf0f0b", 0x72,
		func(c *CPU) {
			for i, off := range []uint32{0x10, 0x15, 0x1a, 0x1f} {
				c.Mem.WriteBytes(codeBase+0x100+uint32(i)*4, le32(codeBase+off), 0)
			}
		})
	want := [8]uint32{EAX: 1, ECX: 0x44332211, EDX: 9, EBX: 2233, ESP: stackTop, EBP: 0, ESI: 10, EDI: 2233}
	if c.Regs != want {
		t.Fatalf("registers %x, want %x", c.Regs, want)
	}
}

func TestRun_ZeroAllocs(t *testing.T) {
	for name, code := range map[string][]byte{"int": intLoop, "mem": memLoop} {
		c := newTestCPU(t, code)
		c.Regs[ESI], c.Regs[EDI] = dataBase, dataBase+0x100
		// Warm up: budgets that end mid-block leave EIP inside a block, and the next Run
		// translates a block starting there; visit every such entry point first.
		for i := range uint64(64) {
			c.Run(i)
		}
		if n := testing.AllocsPerRun(20, func() { c.Run(100000) }); n != 0 {
			t.Errorf("%s loop: %v allocations per Run", name, n)
		}
	}
}

func TestRun_BudgetIsExact(t *testing.T) {
	c := newTestCPU(t, intLoop)
	for _, n := range []uint64{1, 2, 3, 7, 8, 100, 12345} {
		before := c.Count
		if r := c.Run(n); r != StopBudget || c.Count-before != n {
			t.Fatalf("Run(%d): %v, executed %d", n, r, c.Count-before)
		}
	}
	// Stepping one instruction at a time reaches the same state as running.
	a, s := newTestCPU(t, intLoop), newTestCPU(t, intLoop)
	a.Run(1000)
	for range 1000 {
		s.Step()
	}
	if a.Regs != s.Regs || a.EIP != s.EIP || a.Flags() != s.Flags() {
		t.Fatalf("run and step disagree: %x/%#x vs %x/%#x", a.Regs, a.EIP, s.Regs, s.EIP)
	}
}

func TestRun_RepIsPreemptible(t *testing.T) {
	// rep stosb over 0x8000 bytes: several executions of the same instruction, same result.
	c := newTestCPU(t, b(0xF3, 0xAA, 0x0F, 0x0B))
	c.Regs[EDI], c.Regs[ECX], c.Regs[EAX] = dataBase, 0x8000, 0x5A
	r := c.Run(3)
	if r != StopBudget || c.EIP != codeBase || c.Regs[ECX] != 0x8000-3*repChunk {
		t.Fatalf("after 3 chunks: %v eip %#x ecx %#x", r, c.EIP, c.Regs[ECX])
	}
	if r := c.Run(1000); r != StopFault || c.Regs[ECX] != 0 || c.Regs[EDI] != dataBase+0x8000 {
		t.Fatalf("finish: %v ecx %#x edi %#x", r, c.Regs[ECX], c.Regs[EDI])
	}
	v, _ := c.Mem.Read8(dataBase + 0x7FFF)
	if v != 0x5A {
		t.Fatalf("last byte %#x", v)
	}
}

func TestRun_RepFaultKeepsProgress(t *testing.T) {
	// rep movsd running off the end of the data region: the registers show the copied part.
	c := newTestCPU(t, b(0xF3, 0xA5))
	c.Regs[ESI], c.Regs[EDI], c.Regs[ECX] = dataBase, dataBase+dataSize-8, 4
	if r := c.Run(10); r != StopFault {
		t.Fatalf("stop %v", r)
	}
	e := c.Exception()
	if e.Addr != dataBase+dataSize || e.EIP != codeBase || c.Regs[ECX] != 2 || c.Regs[EDI] != dataBase+dataSize {
		t.Fatalf("%+v ecx %d edi %#x", e, c.Regs[ECX], c.Regs[EDI])
	}
}

func TestCPU_SaveLoadContext(t *testing.T) {
	c := newTestCPU(t, intLoop)
	c.Run(1001)
	c.FSBase = 0x7FFDF000
	ctx := c.SaveContext()
	c.Run(500)
	after := c.SaveContext()
	d := newTestCPU(t, intLoop)
	d.LoadContext(ctx)
	d.Run(500)
	if got := d.SaveContext(); got != after {
		t.Fatalf("context after reload differs:\n%+v\n%+v", got, after)
	}
}

func TestCPU_CPUIDAndRDTSC(t *testing.T) {
	c := newTestCPU(t, b(0x31, 0xC0, 0x0F, 0xA2, 0x0F, 0x0B)) // xor eax,eax; cpuid; ud2
	c.Run(10)
	var v [12]byte
	copy(v[0:], le32(c.Regs[EBX]))
	copy(v[4:], le32(c.Regs[EDX]))
	copy(v[8:], le32(c.Regs[ECX]))
	if string(v[:]) != "GenuineIntel" || c.Regs[EAX] != 1 {
		t.Fatalf("vendor %q max leaf %d", v, c.Regs[EAX])
	}
	c = newTestCPU(t, b(0xB8, 1, 0, 0, 0, 0x0F, 0xA2, 0x0F, 0x31, 0x0F, 0x0B)) // cpuid(1); rdtsc
	c.Run(10)
	if c.Regs[EAX] != 2 || c.Regs[EDX] != 0 {
		t.Fatalf("rdtsc = %d:%d, want the instruction count 2", c.Regs[EDX], c.Regs[EAX])
	}
}

func TestDisassemble(t *testing.T) {
	c := newTestCPU(t, b(0x55, 0x89, 0xE5, 0xF3, 0x0F, 0x1E, 0xFB, 0x8D, 0xC0))
	lines := Disassemble(c.Mem, codeBase, 4)
	want := []string{"push ebp", "mov ebp, esp", "endbr32", "(bad)"}
	for i, l := range lines {
		if l.Text != want[i] {
			t.Errorf("line %d: %q, want %q", i, l.Text, want[i])
		}
	}
	if l := Disassemble(c.Mem, 0x1000, 1); len(l) != 1 || l[0].Text != "??" {
		t.Errorf("unmapped: %+v", l)
	}
}

// TestRun_FastPathsMatchHandlers runs the same code with the loop's inline fast paths on and off
// and expects identical results (registers, flags, memory).
func TestRun_FastPathsMatchHandlers(t *testing.T) {
	defer func() { fastEnabled = true }()
	for name, code := range map[string][]byte{"int": intLoop, "mem": memLoop, "mix": mixLoop} {
		var ctx [2]Context
		var data [2][]byte
		for i, on := range []bool{false, true} {
			fastEnabled = on
			c := newTestCPU(t, code)
			c.Regs[ESI], c.Regs[EDI] = dataBase, dataBase+0x100
			c.Regs[EAX], c.Regs[EBX] = 0x7FFFFFF0, 0x80000001
			for range 50 {
				c.Run(997)
				c.Flags()
			}
			ctx[i] = c.SaveContext()
			data[i] = make([]byte, 0x200)
			c.Mem.ReadBytes(dataBase, data[i], 0)
		}
		if ctx[0] != ctx[1] || !bytes.Equal(data[0], data[1]) {
			t.Errorf("%s: handlers and fast paths disagree:\n%+v\n%+v", name, ctx[0], ctx[1])
		}
	}
}

func TestRun_BMIEncodingsRunAsLegacy(t *testing.T) {
	// mov ecx, 0x50; rep bsf eax, ecx (TZCNT encoding); rep bsr edx, ecx (LZCNT encoding); popcnt ebx, ecx
	c := newTestCPU(t, b(0xB9, 0x50, 0, 0, 0, 0xF3, 0x0F, 0xBC, 0xC1, 0xF3, 0x0F, 0xBD, 0xD1, 0xF3, 0x0F, 0xB8, 0xD9, 0x0F, 0x0B))
	c.Run(10)
	if c.Regs[EAX] != 4 || c.Regs[EDX] != 6 || c.Regs[EBX] != 2 {
		t.Fatalf("bsf %d bsr %d popcnt %d, want 4 6 2", c.Regs[EAX], c.Regs[EDX], c.Regs[EBX])
	}
}

func TestRun_DescriptorTableStores(t *testing.T) {
	// sidt [esi]; str ax; smsw ebx
	c := newTestCPU(t, b(0x0F, 0x01, 0x0E, 0x66, 0x0F, 0x00, 0xC8, 0x0F, 0x01, 0xE3, 0x0F, 0x0B))
	c.Regs[ESI] = dataBase
	if r := c.Run(10); r != StopFault || c.Exception().Kind != InvalidOpcode {
		t.Fatalf("stop %v %+v", r, c.Exception())
	}
	base, _ := c.Mem.Read32(dataBase + 2)
	if base != fakeIDTBase || c.Regs[EAX]&0xFFFF != fakeTR || c.Regs[EBX] != fakeMSW {
		t.Fatalf("idt base %#x tr %#x msw %#x", base, c.Regs[EAX], c.Regs[EBX])
	}
}

// TestProgram_IretLesArpl: pushfd; push cs; push offset 1f; or dword [esp+8], 1 (CF); iretd;
// 1: mov dword [data], 0x1234; mov word [data+4], 0x23; les ebx, [data]; mov ax, 0x20;
// mov cx, 0x23; arpl ax, cx; setz dl; ud2
func TestProgram_IretLesArpl(t *testing.T) {
	c := runProgram(t, "9c0e680d004000834c240801cfc705000050003412000066c705040050002300c41d0000500066b8200066b9230063c80f94c20f0b", 0x33, nil)
	if c.Regs[ESP] != stackTop || c.Flags()&FlagCF == 0 {
		t.Errorf("iretd: esp %#x flags %#x", c.Regs[ESP], c.Flags())
	}
	if c.Regs[EBX] != 0x1234 || c.Segment(0) != 0x23 {
		t.Errorf("les: ebx %#x es %#x", c.Regs[EBX], c.Segment(0))
	}
	if c.Regs[EAX]&0xFFFF != 0x23 || c.Regs[EDX]&0xFF != 1 {
		t.Errorf("arpl: ax %#x zf %d", c.Regs[EAX]&0xFFFF, c.Regs[EDX]&0xFF)
	}
}

func TestRun_Trace(t *testing.T) {
	c := newTestCPU(t, b(0x40, 0xEB, 0x00, 0x43, 0x0F, 0x0B)) // inc eax; jmp +0; inc ebx; ud2
	var got []uint32
	var counts []int
	c.Trace = func(eip uint32, n int) { got = append(got, eip); counts = append(counts, n) }
	c.Run(100)
	if len(got) != 2 || got[0] != codeBase || got[1] != codeBase+3 || counts[0] != 2 || counts[1] != 2 {
		t.Fatalf("trace %x %v", got, counts)
	}
}

func TestRun_SelectorQueries(t *testing.T) {
	// mov ecx, 0x3B; lsl eax, ecx; mov edx, 0x1B; verw dx; setz bl; lar esi, ecx; ud2
	c := newTestCPU(t, b(0xB9, 0x3B, 0, 0, 0, 0x0F, 0x03, 0xC1, 0xBA, 0x1B, 0, 0, 0, 0x0F, 0x00, 0xEA, 0x0F, 0x94, 0xC3,
		0x0F, 0x02, 0xF1, 0x0F, 0x0B))
	c.Regs[EBX] = 0xFF
	c.Run(20)
	if c.Regs[EAX] != DefaultFSLimit || c.Regs[EBX]&0xFF != 0 || c.Regs[ESI] != 0x0040F300 {
		t.Fatalf("lsl %#x verw(code)=%d lar %#x", c.Regs[EAX], c.Regs[EBX]&0xFF, c.Regs[ESI])
	}
}
