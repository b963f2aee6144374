package cpu

import "testing"

func TestRun_SimpleArith(t *testing.T) {
	code := asm(
		b(0xB8, 5, 0, 0, 0), // mov eax, 5
		b(0xBB, 7, 0, 0, 0), // mov ebx, 7
		b(0x01, 0xD8),       // add eax, ebx
		b(0x6B, 0xC0, 0x03), // imul eax, eax, 3
		b(0x0F, 0x0B),       // ud2
	)
	c := newTestCPU(t, code)
	if r := c.Run(100); r != StopFault {
		t.Fatalf("stop = %v, want fault", r)
	}
	if e := c.Exception(); e.Kind != InvalidOpcode || e.EIP != codeBase+15 {
		t.Fatalf("exception = %+v", e)
	}
	if c.Regs[EAX] != 36 {
		t.Fatalf("eax = %d, want 36", c.Regs[EAX])
	}
	if c.Count != 4 {
		t.Fatalf("count = %d, want 4", c.Count)
	}
}
