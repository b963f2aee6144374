package cpu

import (
	"os"
	"testing"

	"github.com/peek32/peek32/mm"
)

// intLoop is an endless register-only loop: ALU ops, a compare and two branches per iteration.
var intLoop = asm(
	b(0x01, 0xC8),                // top: add eax, ecx
	b(0x31, 0xC2),                // xor edx, eax
	b(0x83, 0xE9, 0x01),          // sub ecx, 1
	b(0x81, 0xE2, 0xFF, 0, 0, 0), // and edx, 0xff
	b(0x8D, 0x5C, 0x13, 0x01),    // lea ebx, [ebx+edx+1]
	b(0x39, 0xD1),                // cmp ecx, edx
	b(0x75, 0x100-21),            // jne top
	b(0xEB, 0x100-23),            // jmp top
)

// memLoop is an endless loop dominated by loads, stores and stack traffic.
var memLoop = asm(
	b(0x8B, 0x06),       // top: mov eax, [esi]
	b(0x01, 0x07),       // add [edi], eax
	b(0x8B, 0x5E, 0x04), // mov ebx, [esi+4]
	b(0x89, 0x5F, 0x04), // mov [edi+4], ebx
	b(0x50),             // push eax
	b(0x5A),             // pop edx
	b(0x49),             // dec ecx
	b(0xEB, 0x100-15),   // jmp top
)

// mixLoop exercises the remaining fast forms: stores of immediates, compares with memory,
// ALU with a memory source, push imm.
var mixLoop = asm(
	b(0xC7, 0x46, 0x08, 0x78, 0x56, 0x34, 0x12), // top: mov dword [esi+8], 0x12345678
	b(0x81, 0x7E, 0x08, 0x79, 0x56, 0x34, 0x12), // cmp dword [esi+8], 0x12345679
	b(0x72, 0x02),       // jb 1f
	b(0x31, 0xC0),       // xor eax, eax
	b(0x3B, 0x46, 0x08), // 1: cmp eax, [esi+8]
	b(0x03, 0x5E, 0x08), // add ebx, [esi+8]
	b(0x6A, 0x07),       // push 7
	b(0x5A),             // pop edx
	b(0x85, 0xDA),       // test edx, ebx
	b(0xEB, 0x100-31),   // jmp top
)

func benchLoop(b *testing.B, code []byte) {
	c := newTestCPU(b, code)
	if _, err := c.Mem.Protect(codeBase, codeSize, mm.ProtRead|mm.ProtExec); err != nil {
		b.Fatal(err) // ordinary code is not writable (no self-modification rechecks)
	}
	c.Regs[ESI] = dataBase
	c.Regs[EDI] = dataBase + 0x100
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

func BenchmarkRun_IntegerLoop(b *testing.B) { benchLoop(b, intLoop) }
func BenchmarkRun_MemoryLoop(b *testing.B)  { benchLoop(b, memLoop) }

// BenchmarkRun_CProgram runs the compiled C workload of TestCProgram (-O2) from the start each
// iteration: a realistic instruction mix (calls, 64-bit libgcc arithmetic, memory, branches).
func BenchmarkRun_CProgram(b *testing.B) {
	img, err := os.ReadFile("testdata/cprog/prog_O2.bin")
	if err != nil {
		b.Fatal(err)
	}
	c := newCProgramCPU(b, img)
	c.Run(10_000_000) // translate outside the timed part
	var instrs uint64
	b.ReportAllocs()
	for b.Loop() {
		c.EIP, c.Regs[ESP] = codeBase, stackTop
		before := c.Count
		if r := c.Run(10_000_000); r != StopFault {
			b.Fatalf("stop %v", r)
		}
		instrs += c.Count - before
	}
	b.ReportMetric(float64(instrs)/b.Elapsed().Seconds()/1e6, "MIPS")
}

// BenchmarkTranslate measures block translation (x86asm decode + our form), per instruction,
// on the compiled C workload's code.
func BenchmarkTranslate(b *testing.B) {
	img, err := os.ReadFile("testdata/cprog/prog_O2.bin")
	if err != nil {
		b.Fatal(err)
	}
	c := newCProgramCPU(b, img)
	k := c.Cache()
	var insts int
	b.ReportAllocs()
	for b.Loop() {
		insts = 0
		for pc := uint32(codeBase); pc < codeBase+0x1000; {
			blk := k.translate(c, pc)
			insts += len(blk.insts)
			pc = blk.end
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(insts), "ns/inst")
}
