package cpu

import (
	"math"
	"testing"

	"github.com/peek32/peek32/core/cpu/fpu"
)

// runUntilBudget runs n instructions and fails the test on any other stop.
func runN(t *testing.T, c *CPU, n uint64) {
	t.Helper()
	if r := c.Run(n); r != StopBudget {
		t.Fatalf("stop %v: %+v at %#x", r, c.Exception(), c.EIP)
	}
}

func TestX87_SqrtStore(t *testing.T) {
	code := asm(
		b(0xD9, 0xE8),       // fld1
		b(0xD9, 0xE8),       // fld1
		b(0xDE, 0xC1),       // faddp st1, st0
		b(0xD9, 0xFA),       // fsqrt
		b(0xDD, 0x1E),       // fstp qword [esi]
		b(0xDB, 0x46, 0x08), // fild dword [esi+8]
		b(0xDA, 0x46, 0x0C), // fiadd dword [esi+12]
		b(0xDF, 0x7E, 0x10), // fistp qword [esi+16]
		b(0xD9, 0x7E, 0x18), // fnstcw [esi+24]
	)
	c := newTestCPU(t, code)
	c.Regs[ESI] = dataBase
	c.Mem.Write32(dataBase+8, 40)
	c.Mem.Write32(dataBase+12, 2)
	runN(t, c, 9)
	got, _ := c.Mem.Read64(dataBase)
	if got != math.Float64bits(math.Sqrt2) {
		t.Errorf("sqrt(2) = %#x, want %#x", got, math.Float64bits(math.Sqrt2))
	}
	if v, _ := c.Mem.Read64(dataBase + 16); v != 42 {
		t.Errorf("fistp = %d, want 42", v)
	}
	if v, _ := c.Mem.Read16(dataBase + 24); v != fpu.CWWindows {
		t.Errorf("control word %#x, want %#x", v, fpu.CWWindows)
	}
	if c.FPU.Top != 0 || c.FPU.Valid != 0 {
		t.Errorf("stack not empty: top %d valid %#x", c.FPU.Top, c.FPU.Valid)
	}
}

func TestX87_UnmaskedInvalidFaultsAtNextInstruction(t *testing.T) {
	code := asm(
		b(0xD9, 0x2E), // fldcw [esi]  (0x027E: IE unmasked)
		b(0xD9, 0xE8), // fld1
		b(0xD9, 0xE0), // fchs
		b(0xD9, 0xFA), // fsqrt  -> IE, pending
		b(0xD9, 0xD0), // fnop   -> #MF here
	)
	c := newTestCPU(t, code)
	c.Regs[ESI] = dataBase
	c.Mem.Write16(dataBase, 0x027E)
	if r := c.Run(10); r != StopFault {
		t.Fatalf("stop %v, want fault", r)
	}
	e := c.Exception()
	if e.Kind != FPUError || e.EIP != codeBase+8 {
		t.Fatalf("exception %+v, want FPUError at %#x", e, codeBase+8)
	}
	if e.Detail&uint32(fpu.FlagInvalid) == 0 {
		t.Errorf("status %#x lacks IE", e.Detail)
	}
	// The destination was not changed: ST(0) is still -1.
	if v := c.FPU.ST(0); v != (fpu.F80{Mant: 1 << 63, SE: 0xBFFF}) {
		t.Errorf("ST0 = %+v, want -1", v)
	}
}

func TestX87_StackOverflowMasked(t *testing.T) {
	var code []byte
	for i := 0; i < 9; i++ {
		code = append(code, 0xD9, 0xEE) // fldz
	}
	code = append(code, 0xDF, 0xE0) // fnstsw ax
	c := newTestCPU(t, code)
	runN(t, c, 10)
	sw := uint16(c.Regs[EAX])
	if sw&(uint16(fpu.FlagInvalid)|fpu.SWStackFault|fpu.SWC1) != uint16(fpu.FlagInvalid)|fpu.SWStackFault|fpu.SWC1 {
		t.Errorf("status %#x: want IE, SF and C1 (overflow)", sw)
	}
	if c.FPU.ST(0) != fpu.Indefinite {
		t.Errorf("ST0 = %+v, want the indefinite", c.FPU.ST(0))
	}
}

func TestX87_CompareAndBranch(t *testing.T) {
	code := asm(
		b(0xD9, 0xE8),       // fld1
		b(0xD9, 0xEE),       // fldz
		b(0xDF, 0xF1),       // fcomip st0, st1   (0 < 1: CF=1)
		b(0x0F, 0x92, 0xC0), // setb al
		b(0xDD, 0xD8),       // fstp st0
	)
	c := newTestCPU(t, code)
	runN(t, c, 5)
	if c.Regs[EAX]&0xFF != 1 {
		t.Errorf("setb after fcomip = %d, want 1", c.Regs[EAX]&0xFF)
	}
	if c.FPU.Valid != 0 {
		t.Errorf("stack not empty: %#x", c.FPU.Valid)
	}
}

// TestX87_SeriesMatchesFloat64 runs a compiled-code-shaped loop (sum of 1/k^2 with FILD, FMUL,
// FDIVRP, FADDP) under the Windows control word: with 53-bit precision control every step rounds
// exactly as float64 arithmetic does, so Go's float64 loop is the oracle, bit for bit.
func TestX87_SeriesMatchesFloat64(t *testing.T) {
	code := asm(
		b(0xD9, 0xEE),       // fldz
		b(0xDB, 0x06),       // top: fild dword [esi]
		b(0xD8, 0xC8),       // fmul st0, st0
		b(0xD9, 0xE8),       // fld1
		b(0xDE, 0xF1),       // fdivrp st1, st0
		b(0xDE, 0xC1),       // faddp st1, st0
		b(0xFF, 0x06),       // inc dword [esi]
		b(0x49),             // dec ecx
		b(0x75, 0xF1),       // jnz top
		b(0xDD, 0x5E, 0x08), // fstp qword [esi+8]
	)
	c := newTestCPU(t, code)
	c.Regs[ESI] = dataBase
	c.Regs[ECX] = 1000
	c.Mem.Write32(dataBase, 1)
	runN(t, c, 1+8*1000+1)
	sum := 0.0
	for k := 1; k <= 1000; k++ {
		kk := float64(k) * float64(k)
		sum += 1 / kk
	}
	got, _ := c.Mem.Read64(dataBase + 8)
	if got != math.Float64bits(sum) {
		t.Errorf("sum = %v (%#x), want %v (%#x)", math.Float64frombits(got), got, sum, math.Float64bits(sum))
	}
	if c.FPU.Valid != 0 {
		t.Errorf("stack not empty: %#x", c.FPU.Valid)
	}
}

// x87Loop is an endless loop of x87 loads, arithmetic and stores.
var x87Loop = asm(
	b(0xD9, 0xE8), // top: fld1
	b(0xDC, 0x06), // fadd qword [esi]
	b(0xDD, 0x1E), // fstp qword [esi]
	b(0xDD, 0x06), // fld qword [esi]
	b(0xD8, 0xC8), // fmul st0, st0
	b(0xDD, 0xD8), // fstp st0
	b(0x49),       // dec ecx
	b(0xEB, 0xF1), // jmp top
)

func BenchmarkRun_X87Loop(b *testing.B) { benchLoopWith(b, x87Loop, nil) }

// benchLoopWith is benchLoop with a state set-up hook.
func benchLoopWith(b *testing.B, code []byte, setup func(c *CPU)) {
	c := newTestCPU(b, code)
	c.Regs[ESI] = dataBase
	c.Regs[EDI] = dataBase + 0x100
	if setup != nil {
		setup(c)
	}
	const chunk = 1 << 20
	c.Run(chunk) // translate outside the timed part
	b.ReportAllocs()
	for b.Loop() {
		if r := c.Run(chunk); r != StopBudget {
			b.Fatalf("stop %v (%+v)", r, c.Exception())
		}
	}
	b.ReportMetric(float64(chunk)*float64(b.N)/b.Elapsed().Seconds()/1e6, "MIPS")
}

func TestX87_SaveRestore16And32(t *testing.T) {
	code := asm(
		b(0xD9, 0xEB),             // fldpi
		b(0xD9, 0xE8),             // fld1
		b(0x66, 0xDD, 0x36),       // fnsave [esi] (16-bit: 94 bytes)
		b(0x66, 0xDD, 0x26),       // frstor [esi]
		b(0xDD, 0x76, 0x60),       // fnsave [esi+0x60] (32-bit: 108 bytes)
		b(0xDD, 0x66, 0x60),       // frstor [esi+0x60]
		b(0x66, 0xD9, 0x76, 0x70), // fnstenv [esi+0x70]... overlaps nothing needed below
		b(0xDE, 0xC1),             // faddp st1, st0
	)
	c := newTestCPU(t, code)
	c.Regs[ESI] = dataBase
	runN(t, c, 8)
	if tw, _ := c.Mem.Read16(dataBase + 4); tw != 0x0FFF {
		t.Errorf("16-bit image tag word %#x, want 0x0fff", tw)
	}
	if v, _ := c.Mem.Read64(dataBase + 14); v != 1<<63 {
		t.Errorf("16-bit image ST0 significand %#x, want 1.0", v)
	}
	e := c.FPU.Env()
	want := e.Add(fpu.One, e.LoadConstant(fpu.ConstPi))
	if c.FPU.ST(0) != want || c.FPU.CW != fpu.CWWindows|0x3F {
		t.Errorf("after restores: ST0 %v (want %v), CW %#x", c.FPU.ST(0), want, c.FPU.CW)
	}
}
