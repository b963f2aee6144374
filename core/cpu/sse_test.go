package cpu

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/peek32/peek32/core/cpu/fpu"
)

func TestSSE_PackedAndScalar(t *testing.T) {
	code := asm(
		b(0x0F, 0x28, 0x06),             // movaps xmm0, [esi]
		b(0x0F, 0x59, 0x46, 0x10),       // mulps xmm0, [esi+16]
		b(0x0F, 0x50, 0xC0),             // movmskps eax, xmm0
		b(0xF2, 0x0F, 0x10, 0x4E, 0x20), // movsd xmm1, [esi+32]
		b(0xF2, 0x0F, 0x51, 0xC9),       // sqrtsd xmm1, xmm1
		b(0xF2, 0x0F, 0x2C, 0xD9),       // cvttsd2si ebx, xmm1
		b(0x66, 0x0F, 0x2F, 0x4E, 0x20), // comisd xmm1, [esi+32]
		b(0x0F, 0x92, 0xC1),             // setb cl
		b(0x0F, 0x29, 0x46, 0x30),       // movaps [esi+48], xmm0
	)
	c := newTestCPU(t, code)
	c.Regs[ESI] = dataBase
	f32 := []float32{1.5, -2, 3, -4}
	g32 := []float32{2, 2, -2, 0.5}
	for i := range f32 {
		c.Mem.Write32(dataBase+uint32(4*i), math.Float32bits(f32[i]))
		c.Mem.Write32(dataBase+16+uint32(4*i), math.Float32bits(g32[i]))
	}
	c.Mem.Write64(dataBase+32, math.Float64bits(30.25))
	runN(t, c, 9)
	if c.Regs[EAX] != 0b1110 {
		t.Errorf("movmskps = %04b, want 1110", c.Regs[EAX])
	}
	if c.Regs[EBX] != 5 {
		t.Errorf("cvttsd2si(sqrt(30.25)) = %d, want 5", c.Regs[EBX])
	}
	if c.Regs[ECX]&0xFF != 1 {
		t.Errorf("setb after comisd 5.5 < 30.25 = %d, want 1", c.Regs[ECX]&0xFF)
	}
	for i, want := range []float32{3, -4, -6, -2} {
		v, _ := c.Mem.Read32(dataBase + 48 + uint32(4*i))
		if math.Float32frombits(v) != want {
			t.Errorf("lane %d = %v, want %v", i, math.Float32frombits(v), want)
		}
	}
}

func TestSSE_UnmaskedInvalidRaisesSIMDError(t *testing.T) {
	code := asm(
		b(0x0F, 0xAE, 0x16),       // ldmxcsr [esi]  (0x1F00: IE unmasked)
		b(0xF2, 0x0F, 0x51, 0xC1), // sqrtsd xmm0, xmm1  (xmm1 = -1)
	)
	c := newTestCPU(t, code)
	c.Regs[ESI] = dataBase
	c.Mem.Write32(dataBase, 0x1F00)
	c.FPU.XMM[1][0] = math.Float64bits(-1)
	c.FPU.XMM[0][0] = 0x1234
	if r := c.Run(5); r != StopFault {
		t.Fatalf("stop %v, want fault", r)
	}
	if e := c.Exception(); e.Kind != SIMDError || e.EIP != codeBase+3 || e.Detail != uint32(fpu.FlagInvalid) {
		t.Errorf("exception %+v, want SIMDError IE at %#x", e, codeBase+3)
	}
	if c.FPU.XMM[0][0] != 0x1234 {
		t.Errorf("destination changed to %#x", c.FPU.XMM[0][0])
	}
	if c.FPU.MXCSR&1 == 0 {
		t.Errorf("MXCSR %#x: IE flag not set", c.FPU.MXCSR)
	}
}

func TestSSE_MisalignedMOVAPSFaults(t *testing.T) {
	c := newTestCPU(t, b(0x0F, 0x28, 0x46, 0x04)) // movaps xmm0, [esi+4]
	c.Regs[ESI] = dataBase
	if r := c.Run(1); r != StopFault || c.Exception().Kind != GeneralProtection {
		t.Fatalf("stop %v %+v, want GeneralProtection", r, c.Exception())
	}
	c = newTestCPU(t, b(0x0F, 0x10, 0x46, 0x04)) // movups xmm0, [esi+4]
	c.Regs[ESI] = dataBase
	runN(t, c, 1)
}

func TestMMX_AliasesX87(t *testing.T) {
	code := asm(
		b(0x0F, 0x6F, 0x06),       // movq mm0, [esi]
		b(0x0F, 0xFC, 0x46, 0x08), // paddb mm0, [esi+8]
		b(0x0F, 0x7E, 0xC0),       // movd eax, mm0
		b(0x0F, 0x77),             // emms
	)
	c := newTestCPU(t, code)
	c.Regs[ESI] = dataBase
	c.Mem.Write64(dataBase, 0x00000000_01FF7F80)
	c.Mem.Write64(dataBase+8, 0x00000000_01010101)
	c.FPU.Top = 3
	runN(t, c, 3)
	if c.Regs[EAX] != 0x02008081 {
		t.Errorf("paddb = %#x, want 0x02008081", c.Regs[EAX])
	}
	if c.FPU.Top != 0 || c.FPU.Valid != 0xFF || c.FPU.R[0].SE != 0xFFFF {
		t.Errorf("MMX state: top %d valid %#x R0.SE %#x", c.FPU.Top, c.FPU.Valid, c.FPU.R[0].SE)
	}
	runN(t, c, 1)
	if c.FPU.Valid != 0 {
		t.Errorf("after emms valid = %#x", c.FPU.Valid)
	}
}

// sse2Loop is an endless loop of packed double arithmetic, aligned loads/stores and integer SIMD.
var sse2Loop = asm(
	b(0x66, 0x0F, 0x28, 0x06), // top: movapd xmm0, [esi]
	b(0x66, 0x0F, 0x58, 0xC1), // addpd xmm0, xmm1
	b(0x66, 0x0F, 0x59, 0xC2), // mulpd xmm0, xmm2
	b(0x66, 0x0F, 0x29, 0x06), // movapd [esi], xmm0
	b(0x66, 0x0F, 0xFE, 0xDC), // paddd xmm3, xmm4
	b(0x66, 0x0F, 0xEF, 0xEB), // pxor xmm5, xmm3
	b(0x49),                   // dec ecx
	b(0xEB, 0xE5),             // jmp top
)

func BenchmarkRun_SSE2Loop(b *testing.B) {
	benchLoopWith(b, sse2Loop, func(c *CPU) {
		one := math.Float64bits(1.0000001)
		c.FPU.XMM[1] = [2]uint64{math.Float64bits(0.5), math.Float64bits(0.25)}
		c.FPU.XMM[2] = [2]uint64{one, one}
		c.FPU.XMM[4] = [2]uint64{0x0001000100010001, 0x0001000100010001}
	})
}

// TestSIMD_RunAllocatesNothing runs a loop over many x87, MMX and SSE handler families and
// checks that the interpreter loop still allocates nothing.
func TestSIMD_RunAllocatesNothing(t *testing.T) {
	code := asm(
		b(0xD9, 0xE8),                   // top: fld1
		b(0xD9, 0xFE),                   // fsin
		b(0xDD, 0x5E, 0x40),             // fstp qword [esi+0x40]
		b(0x0F, 0x71, 0xD0, 0x03),       // psrlw mm0, 3
		b(0x0F, 0x63, 0xC1),             // packsswb mm0, mm1
		b(0x0F, 0x77),                   // emms
		b(0x66, 0x0F, 0x72, 0xE2, 0x02), // psrad xmm2, 2
		b(0x66, 0x0F, 0x70, 0xCA, 0x1B), // pshufd xmm1, xmm2, 0x1b
		b(0x66, 0x0F, 0x60, 0xCA),       // punpcklbw xmm1, xmm2
		b(0x0F, 0x5B, 0xC1),             // cvtdq2ps xmm0, xmm1
		b(0x0F, 0xC2, 0xC1, 0x01),       // cmpltps xmm0, xmm1
		b(0x66, 0x0F, 0x38, 0x00, 0xCA), // pshufb xmm1, xmm2
		b(0xF2, 0x0F, 0x7C, 0xC1),       // haddps xmm0, xmm1
	)
	code = append(code, 0xEB, byte(0x100-len(code)-2)) // jmp top
	c := newTestCPU(t, code)
	c.Regs[ESI] = dataBase
	runN(t, c, 1000)
	if n := testing.AllocsPerRun(20, func() { runN(t, c, 10000) }); n != 0 {
		t.Errorf("Run allocates %v times per call", n)
	}
}

// FuzzFPURun builds code that is mostly x87, MMX and SSE instructions (each group of four input
// bytes becomes an opcode prefix chosen by the first byte, followed by three raw bytes for the
// opcode/ModRM/SIB/displacement) and runs it: whatever the operands, Run must report a stop
// reason and never panic.
func FuzzFPURun(f *testing.F) {
	f.Add(x87Loop)
	f.Add(sse2Loop)
	f.Add([]byte{0, 0xE8, 0, 0, 1, 0xC1, 0, 0, 7, 0xF0, 0, 0, 9, 0x58, 0xC1, 0})
	prefixes := [][]byte{
		{0xD8}, {0xD9}, {0xDA}, {0xDB}, {0xDC}, {0xDD}, {0xDE}, {0xDF},
		{0x0F}, {0x66, 0x0F}, {0xF2, 0x0F}, {0xF3, 0x0F}, {0x0F, 0x38}, {0x66, 0x0F, 0x38}, {0x66, 0x0F, 0x3A}, {0x9B},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var code []byte
		for i := 0; i+4 <= len(data) && len(code) < 4096; i += 4 {
			code = append(code, prefixes[data[i]&15]...)
			code = append(code, data[i+1:i+4]...)
		}
		c := newTestCPU(t, code)
		for i := range c.Regs {
			c.Regs[i] = dataBase + uint32(i)*0x100
		}
		c.Regs[ESP] = stackTop - 0x800
		if len(data) > 0 {
			c.FPU.CW = uint16(data[0])<<8 | 0x40 | uint16(data[len(data)-1])&0x3F
			c.FPU.MXCSR = 0x1F80 ^ uint32(data[0])<<7&0xFF80
		}
		for range 8 {
			switch r := c.Run(500); r {
			case StopBudget, StopSingleStep:
			case StopFault:
				if c.Exception().Kind == NoException {
					t.Fatalf("fault without a kind")
				}
				c.FPU.SW = 0 // clear a pending x87 exception
				c.FPU.MXCSR = fpu.MXCSRDefault
				c.EIP++
			default:
				t.Fatalf("unexpected stop %v", r)
			}
		}
	})
}

// TestSSE_UnmaskedMatchesHardware replays fpu/testdata/sseu_hw.txt: packed and scalar SSE
// operations under MXCSR values with unmasked exceptions, recorded on the real CPU (a #XM was
// caught as SIGFPE and the registers read from the signal frame). It checks the handler's
// fault decision, the untouched destination on a fault, and the MXCSR flags.
func TestSSE_UnmaskedMatchesHardware(t *testing.T) {
	opcodes := map[string][]byte{
		"addps": {0x0F, 0x58, 0xC1}, "mulps": {0x0F, 0x59, 0xC1}, "divps": {0x0F, 0x5E, 0xC1},
		"sqrtps": {0x0F, 0x51, 0xC1}, "addpd": {0x66, 0x0F, 0x58, 0xC1}, "divpd": {0x66, 0x0F, 0x5E, 0xC1},
		"cvtpd2ps": {0x66, 0x0F, 0x5A, 0xC1}, "cvtps2dq": {0x66, 0x0F, 0x5B, 0xC1},
		"addss": {0xF3, 0x0F, 0x58, 0xC1}, "mulsd": {0xF2, 0x0F, 0x59, 0xC1},
	}
	data, err := os.ReadFile("fpu/testdata/sseu_hw.txt")
	if err != nil {
		t.Fatal(err)
	}
	hex128 := func(s string) [2]uint64 {
		hi, _ := strconv.ParseUint(s[:16], 16, 64)
		lo, _ := strconv.ParseUint(s[16:], 16, 64)
		return [2]uint64{lo, hi}
	}
	cpus := map[string]*CPU{}
	fails, n := 0, 0
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(line)
		if len(f) != 8 || len(f[2]) != 32 {
			t.Fatalf("line %d malformed", i+1)
		}
		c := cpus[f[0]]
		if c == nil {
			c = newTestCPU(t, opcodes[f[0]])
			cpus[f[0]] = c
		}
		mx, _ := strconv.ParseUint(f[1], 16, 32)
		wantMX, _ := strconv.ParseUint(f[7], 16, 32)
		c.EIP = codeBase
		c.FPU.MXCSR = uint32(mx)
		c.FPU.XMM[0], c.FPU.XMM[1] = hex128(f[2]), hex128(f[3])
		r := c.Run(1)
		fault := r == StopFault && c.Exception().Kind == SIMDError
		want := hex128(f[5])
		n++
		if c.FPU.XMM[0] != want || fault != (f[6] == "1") || c.FPU.MXCSR != uint32(wantMX) {
			fails++
			if fails <= 5 {
				t.Errorf("line %d: %s mxcsr=%s: got %016x%016x fault=%v mxcsr=%04x; want %s %s %s",
					i+1, f[0], f[1], c.FPU.XMM[0][1], c.FPU.XMM[0][0], fault, c.FPU.MXCSR, f[5], f[6], f[7])
			}
		}
	}
	if fails > 0 {
		t.Errorf("%d of %d cases differ", fails, n)
	}
}
