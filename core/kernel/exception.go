package kernel

import (
	"fmt"
	"strings"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/mm"
)

// readForce is the kernel's read access that ignores protection.
const readForce = mm.AccessRead | mm.AccessForce

// ExceptionCode returns the NTSTATUS Windows reports for a CPU exception.
func ExceptionCode(e cpu.Exception) abi.NTSTATUS {
	switch e.Kind {
	case cpu.DivideError:
		if e.Detail == 1 {
			return abi.STATUS_INTEGER_OVERFLOW
		}
		return abi.STATUS_INTEGER_DIVIDE_BY_ZERO
	case cpu.InvalidOpcode:
		return abi.STATUS_ILLEGAL_INSTRUCTION
	case cpu.AccessViolation:
		if e.Guard {
			return abi.STATUS_GUARD_PAGE_VIOLATION
		}
		return abi.STATUS_ACCESS_VIOLATION
	case cpu.Breakpoint:
		return abi.STATUS_BREAKPOINT
	case cpu.SingleStep:
		return abi.STATUS_SINGLE_STEP
	case cpu.Overflow:
		return abi.STATUS_INTEGER_OVERFLOW
	case cpu.BoundRange:
		return abi.STATUS_ARRAY_BOUNDS_EXCEEDED
	case cpu.Privileged:
		return abi.STATUS_PRIVILEGED_INSTRUCTION
	case cpu.FPUError:
		switch {
		case e.Detail&0x01 != 0:
			return abi.STATUS_FLOAT_INVALID_OPERATION
		case e.Detail&0x04 != 0:
			return abi.STATUS_FLOAT_DIVIDE_BY_ZERO
		case e.Detail&0x08 != 0:
			return abi.STATUS_FLOAT_OVERFLOW
		case e.Detail&0x10 != 0:
			return abi.STATUS_FLOAT_UNDERFLOW
		case e.Detail&0x02 != 0:
			return abi.STATUS_FLOAT_DENORMAL_OPERAND
		}
		return abi.STATUS_FLOAT_INEXACT_RESULT
	case cpu.SIMDError:
		return abi.STATUS_FLOAT_MULTIPLE_TRAPS
	case cpu.GeneralProtection:
		return abi.STATUS_ACCESS_VIOLATION
	}
	return abi.STATUS_ILLEGAL_INSTRUCTION
}

// raise handles a CPU exception in t. A guard-page fault inside t's stack grows the stack and the instruction
// is retried, as Windows' memory manager does. Anything else is dispatched to the program's handlers
// (DispatchException); an exception nobody takes ends the process with its code and a crash report.
func (k *Kernel) raise(t *Thread, e cpu.Exception) {
	if e.Kind == cpu.AccessViolation && e.Guard {
		handled, overflow := k.growStack(t, e.Addr)
		if handled && !overflow {
			return // retry the instruction: the page is committed now
		}
		if handled && overflow {
			// The last page before the reservation's end is committed: the program's handlers run there.
			info := exceptionInfo(e)
			info.Code = uint32(abi.STATUS_STACK_OVERFLOW)
			k.DispatchException(t, info, t.CPU.SaveContext())
			return
		}
	}
	ctx := t.CPU.SaveContext()
	info := exceptionInfo(e)
	switch e.Kind {
	case cpu.SingleStep:
		ctx.EFlags &^= flagTF // Windows clears TF in the context of a single-step exception
	case cpu.Overflow:
		ctx.EIP = e.EIP + 1 // INTO is a trap: the context resumes after it; the record names the INTO
	case cpu.FPUError:
		info.Address = ctx.FPU.FIP // the x87 instruction that raised the flag (ErrorOffset), not the FWAIT
		info.Code, info.Params = x87Exception(&ctx.FPU)
	}
	k.DispatchException(t, info, ctx)
}

// raiseStackOverflow ends t's process with STATUS_STACK_OVERFLOW.
func (k *Kernel) raiseStackOverflow(t *Thread) {
	k.Unhandled(t, uint32(abi.STATUS_STACK_OVERFLOW), t.CPU.EIP, "stack overflow: the thread's stack is exhausted")
}

// Unhandled ends t's process because of an exception nobody handled: it emits a "crash" event with a crash
// report (code, address, registers, stack, disassembly) and terminates the process with the code as its exit
// code.
func (k *Kernel) Unhandled(t *Thread, code, addr uint32, what string) {
	p := t.Proc
	k.emit(Event{Kind: "crash", PID: p.ID, TID: t.ID, EIP: addr, Code: CodeOf(code),
		Name: abi.NTSTATUS(code).String(), Text: k.CrashReport(t, code, addr, what)})
	k.TerminateProcess(p, code)
}

// CrashReport renders an unhandled exception for people: what happened, where (module+offset), the registers and
// the top of the stack.
func (k *Kernel) CrashReport(t *Thread, code, addr uint32, what string) string {
	var b strings.Builder
	p := t.Proc
	where := fmt.Sprintf("0x%08X", addr)
	if m := p.ModuleAt(addr); m != nil {
		where += fmt.Sprintf(" (%s+0x%X)", m.BaseName, addr-m.Base)
	}
	fmt.Fprintf(&b, "%s (PID %d) crashed: unhandled exception 0x%08X %s at %s: %s\n", p.Name, p.ID, code,
		abi.NTSTATUS(code), where, what)
	r := t.CPU.Regs
	fmt.Fprintf(&b, "EAX=%08X EBX=%08X ECX=%08X EDX=%08X ESI=%08X EDI=%08X\n", r[cpu.EAX], r[cpu.EBX], r[cpu.ECX],
		r[cpu.EDX], r[cpu.ESI], r[cpu.EDI])
	fmt.Fprintf(&b, "EIP=%08X ESP=%08X EBP=%08X EFL=%08X\n", t.CPU.EIP, r[cpu.ESP], r[cpu.EBP], t.CPU.Flags())
	b.WriteString("stack:")
	for i := uint32(0); i < 8; i++ {
		v, ok := p.Space.Read32(r[cpu.ESP] + 4*i)
		if !ok {
			break
		}
		fmt.Fprintf(&b, " %08X", v)
	}
	for _, l := range cpu.Disassemble(p.Space, addr, 4) {
		fmt.Fprintf(&b, "\n  %08X  %-20X %s", l.Addr, l.Bytes, l.Text)
	}
	return b.String()
}
