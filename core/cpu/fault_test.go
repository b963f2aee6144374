package cpu

import (
	"testing"

	"github.com/peek32/peek32/mm"
)

// TestRun_Faults runs one faulting instruction per case and checks the exception and that the
// instruction had no effect (EIP and ESP unchanged, Count not advanced).
func TestRun_Faults(t *testing.T) {
	tests := []struct {
		name  string
		code  []byte
		setup func(c *CPU)
		kind  ExceptionKind
		addr  uint32
		acc   mm.Access
	}{
		{name: "div by zero", code: b(0xF7, 0xF1), kind: DivideError}, // div ecx
		{name: "idiv overflow", code: b(0xF7, 0xF9), setup: func(c *CPU) { c.Regs[EDX] = 0xFFFFFFFF; c.Regs[EAX] = 0x80000000; c.Regs[ECX] = 0xFFFFFFFF }, kind: DivideError},
		{name: "div quotient overflow", code: b(0xF6, 0xF1), setup: func(c *CPU) { c.Regs[EAX] = 0x1000; c.Regs[ECX] = 2 }, kind: DivideError}, // div cl
		{name: "aam 0", code: b(0xD4, 0x00), kind: DivideError},
		{name: "ud2", code: b(0x0F, 0x0B), kind: InvalidOpcode},
		{name: "lock on register", code: b(0xF0, 0x01, 0xC0), kind: InvalidOpcode},
		{name: "lock on nop", code: b(0xF0, 0x90), kind: InvalidOpcode},
		{name: "lock on mov", code: b(0xF0, 0x89, 0x03), kind: InvalidOpcode},
		{name: "invalid opcode", code: b(0x8D, 0xC0), kind: InvalidOpcode}, // lea eax, eax
		{name: "vex", code: b(0xC5, 0xF8, 0x77), kind: InvalidOpcode},      // vzeroupper
		{name: "int3", code: b(0xCC), kind: Breakpoint},
		{name: "int 2e", code: b(0xCD, 0x2E), kind: GeneralProtection},
		{name: "into", code: b(0xCE), setup: func(c *CPU) { c.SetFlags(FlagOF) }, kind: Overflow},
		{name: "bound", code: b(0x62, 0x03), setup: func(c *CPU) { c.Regs[EBX] = dataBase; c.Regs[EAX] = 100 }, kind: BoundRange},
		{name: "hlt", code: b(0xF4), kind: Privileged},
		{name: "cli", code: b(0xFA), kind: Privileged},
		{name: "in", code: b(0xE4, 0x10), kind: Privileged},
		{name: "mov cr0", code: b(0x0F, 0x20, 0xC0), kind: Privileged},
		{name: "read null", code: b(0x8B, 0x00), kind: AccessViolation, addr: 0, acc: mm.AccessRead},
		{name: "write kernel", code: b(0x89, 0x03), setup: func(c *CPU) { c.Regs[EBX] = 0x80001000 }, kind: AccessViolation, addr: 0x80001000, acc: mm.AccessWrite},
		{name: "write fs", code: b(0x64, 0x89, 0x03), setup: func(c *CPU) { c.FSBase = 0x10000000 }, kind: AccessViolation, addr: 0x10000000, acc: mm.AccessWrite},
		{name: "push faults", code: b(0x50), setup: func(c *CPU) { c.Regs[ESP] = stackBase }, kind: AccessViolation, addr: stackBase - 4, acc: mm.AccessWrite},
		{name: "call faults", code: b(0xE8, 0, 0, 0, 0), setup: func(c *CPU) { c.Regs[ESP] = stackBase }, kind: AccessViolation, addr: stackBase - 4, acc: mm.AccessWrite},
		{name: "ret faults", code: b(0xC3), setup: func(c *CPU) { c.Regs[ESP] = 0x1000 }, kind: AccessViolation, addr: 0x1000, acc: mm.AccessRead},
		{name: "add mem faults as a write", code: b(0x01, 0x03), setup: func(c *CPU) { c.Regs[EBX] = 0x7000 }, kind: AccessViolation, addr: 0x7000, acc: mm.AccessWrite},
		{name: "cmp mem faults as a read", code: b(0x39, 0x03), setup: func(c *CPU) { c.Regs[EBX] = 0x7000 }, kind: AccessViolation, addr: 0x7000, acc: mm.AccessRead},
		{name: "jump to data", code: b(0xFF, 0xE3), setup: func(c *CPU) { c.Regs[EBX] = dataBase }, kind: AccessViolation, addr: dataBase, acc: mm.AccessExec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCPU(t, tt.code)
			if tt.setup != nil {
				tt.setup(c)
			}
			regs := c.Regs
			r := c.Run(10)
			if r != StopFault {
				t.Fatalf("stop = %v, want fault", r)
			}
			e := c.Exception()
			if e.Kind != tt.kind {
				t.Fatalf("kind = %v, want %v (%+v)", e.Kind, tt.kind, e)
			}
			if tt.kind == AccessViolation {
				if e.Addr != tt.addr || e.Access != tt.acc {
					t.Errorf("fault at %#x (%v), want %#x (%v)", e.Addr, e.Access, tt.addr, tt.acc)
				}
			}
			wantEIP := uint32(codeBase)
			if tt.name == "jump to data" {
				wantEIP = dataBase
				regs = c.Regs
			}
			if e.EIP != wantEIP || c.EIP != wantEIP {
				t.Errorf("EIP = %#x / exception EIP %#x, want %#x", c.EIP, e.EIP, wantEIP)
			}
			if c.Regs != regs {
				t.Errorf("registers changed by a faulting instruction: %x -> %x", regs, c.Regs)
			}
		})
	}
}

func TestRun_DivideErrorDetail(t *testing.T) {
	c := newTestCPU(t, b(0xF7, 0xF1))
	c.Run(1)
	if e := c.Exception(); e.Detail != 0 {
		t.Errorf("zero divisor: detail %d, want 0", e.Detail)
	}
	c = newTestCPU(t, b(0xF7, 0xF1))
	c.Regs[EDX], c.Regs[ECX] = 5, 2
	c.Run(1)
	if e := c.Exception(); e.Kind != DivideError || e.Detail != 1 {
		t.Errorf("quotient overflow: %+v, want divide error detail 1", e)
	}
}

func TestRun_GuardPage(t *testing.T) {
	c := newTestCPU(t, b(0x8B, 0x03, 0x8B, 0x03, 0x0F, 0x0B)) // mov eax,[ebx]; mov eax,[ebx]; ud2
	if _, err := c.Mem.Protect(dataBase, mm.PageSize, mm.ProtRead|mm.ProtWrite|mm.ProtGuard); err != nil {
		t.Fatal(err)
	}
	c.Regs[EBX] = dataBase
	if r := c.Run(10); r != StopFault || !c.Exception().Guard || c.Exception().Kind != AccessViolation {
		t.Fatalf("stop %v exception %+v, want guard fault", r, c.Exception())
	}
	// The guard bit is gone: the retried instruction succeeds.
	if r := c.Run(10); r != StopFault || c.Exception().Kind != InvalidOpcode {
		t.Fatalf("after guard: stop %v exception %+v, want #UD at the ud2", r, c.Exception())
	}
}

// TestRun_GuardPageCode executes code on a guard page: the fetch faults once with the guard flag,
// and the retry runs the code (the cached fault translation does not outlive the guard bit).
func TestRun_GuardPageCode(t *testing.T) {
	c := newTestCPU(t, nil)
	if err := c.Mem.WriteBytes(dataBase, b(0x40, 0x0F, 0x0B), 0); err != nil { // inc eax; ud2
		t.Fatal(err)
	}
	if _, err := c.Mem.Protect(dataBase, mm.PageSize, mm.ProtRead|mm.ProtExec|mm.ProtGuard); err != nil {
		t.Fatal(err)
	}
	c.EIP = dataBase
	if r := c.Run(10); r != StopFault || !c.Exception().Guard || c.Exception().Access != mm.AccessExec {
		t.Fatalf("stop %v exception %+v, want an execute guard fault", r, c.Exception())
	}
	if r := c.Run(10); r != StopFault || c.Exception().Kind != InvalidOpcode || c.Regs[EAX] != 1 {
		t.Fatalf("after guard: stop %v exception %+v eax %d, want #UD at the ud2 after inc eax", r, c.Exception(), c.Regs[EAX])
	}
}

func TestRun_SingleStep(t *testing.T) {
	code := b(0x40, 0x40, 0x40, 0x0F, 0x0B) // inc eax x3; ud2
	c := newTestCPU(t, code)
	c.SetFlags(FlagTF)
	for i := 1; i <= 3; i++ {
		if r := c.Run(100); r != StopSingleStep {
			t.Fatalf("step %d: stop %v", i, r)
		}
		if e := c.Exception(); e.Kind != SingleStep || e.EIP != codeBase+uint32(i) || c.Regs[EAX] != uint32(i) {
			t.Fatalf("step %d: %+v eax=%d", i, e, c.Regs[EAX])
		}
	}
}

func TestRun_PopfSetsTrapAfterNextInstruction(t *testing.T) {
	// pushfd; or dword [esp], 0x100; popfd; inc eax; inc eax
	code := b(0x9C, 0x81, 0x0C, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9D, 0x40, 0x40)
	c := newTestCPU(t, code)
	if r := c.Run(100); r != StopSingleStep {
		t.Fatalf("stop %v, want single step", r)
	}
	if c.Regs[EAX] != 1 || c.EIP != codeBase+10 {
		t.Fatalf("eax=%d eip=%#x: the trap comes after the instruction following POPF", c.Regs[EAX], c.EIP)
	}
}

func TestRun_PopfKeepsPrivilegedBits(t *testing.T) {
	// push 0xFFFFFFFF; popfd; pushfd; pop eax
	c := newTestCPU(t, b(0x6A, 0xFF, 0x9D, 0x9C, 0x58))
	c.Run(2)
	c.SetFlags(c.Flags() &^ FlagTF) // do not trap in this test
	c.Run(2)
	want := flagsUser&^FlagTF | flagsFixed
	if c.Regs[EAX] != want {
		t.Fatalf("flags after popfd 0xFFFFFFFF = %#x, want %#x", c.Regs[EAX], want)
	}
}

func TestRun_FSLimit(t *testing.T) {
	for _, tc := range []struct {
		code []byte
		gp   bool
	}{
		{b(0x64, 0xA1, 0xFC, 0x0F, 0, 0), false},   // mov eax, fs:[0xFFC]
		{b(0x64, 0xA1, 0xFD, 0x0F, 0, 0), true},    // mov eax, fs:[0xFFD]: last byte beyond the limit
		{b(0x64, 0x8A, 0x06), true},                // mov al, fs:[esi] with esi = 0x1000
		{b(0x64, 0xAC), true},                      // lodsb fs:[esi]
		{b(0x64, 0x01, 0x05, 0, 0x10, 0, 0), true}, // add fs:[0x1000], eax
	} {
		c := newTestCPU(t, asm(tc.code, b(0x0F, 0x0B)))
		c.FSBase = dataBase
		c.Regs[ESI] = 0x1000
		c.Run(10)
		e := c.Exception()
		if gp := e.Kind == GeneralProtection; gp != tc.gp || (!gp && e.Kind != InvalidOpcode) || (gp && e.EIP != codeBase) {
			t.Errorf("% x: %+v, want GP=%v", tc.code, e, tc.gp)
		}
	}
	// A flat access faulting after an FS operand within the limit is still an access violation.
	c := newTestCPU(t, b(0x64, 0xA1, 0, 0, 0, 0, 0x8B, 0x00)) // mov eax, fs:[0]; mov eax, [eax]
	c.FSBase = dataBase
	c.Run(10)
	if e := c.Exception(); e.Kind != AccessViolation || e.EIP != codeBase+6 {
		t.Errorf("flat fault after an FS access: %+v", e)
	}
}
