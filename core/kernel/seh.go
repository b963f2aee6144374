package kernel

import (
	"fmt"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/cpu/fpu"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/mm"
)

// ExceptionInfo is an exception to dispatch: what goes into the EXCEPTION_RECORD.
type ExceptionInfo struct {
	Code, Flags, Address uint32
	Record               uint32   // ExceptionRecord: a linked (earlier) record's address, 0 for none
	Params               []uint32 // at most EXCEPTION_MAXIMUM_PARAMETERS
}

// VectoredHandler is one AddVectoredExceptionHandler (Continue false) or AddVectoredContinueHandler (Continue
// true) registration; Process.Vectored keeps both kinds, each kind in call order.
type VectoredHandler struct {
	ID, Fn   uint32
	Continue bool
}

// vectored returns p's vectored exception handlers (cont false) or continue handlers (cont true) in call order.
func (p *Process) vectored(cont bool) []VectoredHandler {
	var out []VectoredHandler
	for _, h := range p.Vectored {
		if h.Continue == cont {
			out = append(out, h)
		}
	}
	return out
}

// maxNestedDispatch bounds exceptions raised while handlers of earlier ones run on the same thread.
const maxNestedDispatch = 32

// exceptionInfo converts a CPU exception to the record Windows builds for it.
func exceptionInfo(e cpu.Exception) ExceptionInfo {
	info := ExceptionInfo{Code: uint32(ExceptionCode(e)), Address: e.EIP}
	switch e.Kind {
	case cpu.AccessViolation:
		var rw uint32
		switch e.Access.Kind() {
		case mm.AccessWrite:
			rw = 1
		case mm.AccessExec:
			rw = 8
		}
		info.Params = []uint32{rw, e.Addr}
	case cpu.GeneralProtection:
		info.Params = []uint32{0, 0xFFFFFFFF}
	case cpu.Breakpoint:
		info.Params = []uint32{0, 0, 0} // BREAKPOINT_BREAK, as KiTrap03 passes three
	case cpu.FPUError, cpu.SIMDError:
		info.Params = []uint32{0}
	}
	return info
}

// x87Exception is the code and parameters Windows' #MF handler (KiTrap10) reports for the unmasked x87
// exceptions pending in f, the first of: invalid operation (STATUS_FLOAT_STACK_CHECK with {0, data address}
// when it is a stack fault), divide by zero, denormal (reported as an invalid operation, as Windows does),
// overflow, underflow, precision.
func x87Exception(f *fpu.State) (uint32, []uint32) {
	e := f.SW &^ f.CW & 0x3F
	switch {
	case e&0x01 != 0 && f.SW&fpu.SWStackFault != 0:
		return uint32(abi.STATUS_FLOAT_STACK_CHECK), []uint32{0, f.FDP}
	case e&0x01 != 0:
		return uint32(abi.STATUS_FLOAT_INVALID_OPERATION), []uint32{0}
	case e&0x04 != 0:
		return uint32(abi.STATUS_FLOAT_DIVIDE_BY_ZERO), []uint32{0}
	case e&0x02 != 0:
		return uint32(abi.STATUS_FLOAT_INVALID_OPERATION), []uint32{0}
	case e&0x08 != 0:
		return uint32(abi.STATUS_FLOAT_OVERFLOW), []uint32{0}
	case e&0x10 != 0:
		return uint32(abi.STATUS_FLOAT_UNDERFLOW), []uint32{0}
	}
	return uint32(abi.STATUS_FLOAT_INEXACT_RESULT), []uint32{0}
}

// WriteContext stores t's registers as a CONTEXT at addr in its process (GetThreadContext).
func (t *Thread) WriteContext(addr uint32) error {
	return writeContext(t.Proc.Space, addr, t.CPU.SaveContext())
}

// ReadContext loads t's registers from the CONTEXT at addr in space (SetThreadContext; the CONTEXT's flags say
// which groups apply).
func (t *Thread) ReadContext(space *mm.Space, addr uint32) error {
	ctx, err := readContext(space, addr, t.CPU.SaveContext())
	if err != nil {
		return err
	}
	t.CPU.LoadContext(ctx)
	return nil
}

// writeContext stores ctx as a CONTEXT at addr with ContextFlags CONTEXT_FULL|CONTEXT_FLOATING_POINT|
// CONTEXT_EXTENDED_REGISTERS, as KiUserExceptionDispatcher's CONTEXT has: the integer, control and segment
// registers, FloatSave in FSAVE layout (environment and ST0..ST7, Cr0NpxState 0) and ExtendedRegisters as the
// 512-byte FXSAVE image (x87, MXCSR, XMM0..XMM7).
func writeContext(s *mm.Space, addr uint32, ctx cpu.Context) error {
	b := make([]byte, abi.CTX_Size)
	put := func(off, v uint32) {
		b[off], b[off+1], b[off+2], b[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	r := ctx.Regs
	put(abi.CTX_ContextFlags, abi.CONTEXT_FULL|abi.CONTEXT_FLOATING_POINT|abi.CONTEXT_EXTENDED_REGISTERS)
	ctx.FPU.StoreSave(b[abi.CTX_FloatSave : abi.CTX_FloatSave+fpu.SaveSize])
	ctx.FPU.FXSave(b[abi.CTX_Extended : abi.CTX_Extended+fpu.FXSaveSize])
	for _, f := range []struct{ off, v uint32 }{
		{abi.CTX_Eax, r[cpu.EAX]}, {abi.CTX_Ecx, r[cpu.ECX]}, {abi.CTX_Edx, r[cpu.EDX]}, {abi.CTX_Ebx, r[cpu.EBX]},
		{abi.CTX_Esp, r[cpu.ESP]}, {abi.CTX_Ebp, r[cpu.EBP]}, {abi.CTX_Esi, r[cpu.ESI]}, {abi.CTX_Edi, r[cpu.EDI]},
		{abi.CTX_Eip, ctx.EIP}, {abi.CTX_EFlags, ctx.EFlags},
		{abi.CTX_SegCs, abi.SelCS}, {abi.CTX_SegSs, abi.SelDS}, {abi.CTX_SegDs, abi.SelDS}, {abi.CTX_SegEs, abi.SelDS},
		{abi.CTX_SegFs, abi.SelFS}, {abi.CTX_SegGs, abi.SelGS},
	} {
		put(f.off, f.v)
	}
	return s.WriteBytes(addr, b, mm.AccessWrite)
}

// readContext applies the CONTEXT at addr to base, group by group as its ContextFlags say (NtContinue,
// SetThreadContext): CONTEXT_INTEGER, CONTEXT_CONTROL (ESP, EBP, EIP, EFLAGS), CONTEXT_EXTENDED_REGISTERS (the
// FXSAVE image: x87, MXCSR with its reserved bits cleared, XMM), then CONTEXT_FLOATING_POINT (the FSAVE image,
// which wins for the x87 state, as on Windows). Segment and debug registers are fixed in this machine.
func readContext(s *mm.Space, addr uint32, base cpu.Context) (cpu.Context, error) {
	b := make([]byte, abi.CTX_Size)
	if err := s.ReadBytes(addr, b, mm.AccessRead); err != nil {
		return base, err
	}
	get := func(off uint32) uint32 {
		return uint32(b[off]) | uint32(b[off+1])<<8 | uint32(b[off+2])<<16 | uint32(b[off+3])<<24
	}
	flags := get(abi.CTX_ContextFlags)
	c := base
	if flags&abi.CONTEXT_INTEGER&^abi.CONTEXT_i386 != 0 {
		c.Regs[cpu.EAX], c.Regs[cpu.ECX], c.Regs[cpu.EDX], c.Regs[cpu.EBX] = get(abi.CTX_Eax), get(abi.CTX_Ecx), get(abi.CTX_Edx), get(abi.CTX_Ebx)
		c.Regs[cpu.ESI], c.Regs[cpu.EDI] = get(abi.CTX_Esi), get(abi.CTX_Edi)
	}
	if flags&abi.CONTEXT_CONTROL&^abi.CONTEXT_i386 != 0 {
		c.Regs[cpu.ESP], c.Regs[cpu.EBP] = get(abi.CTX_Esp), get(abi.CTX_Ebp)
		c.EIP, c.EFlags = get(abi.CTX_Eip), get(abi.CTX_EFlags)
	}
	if flags&abi.CONTEXT_EXTENDED_REGISTERS&^abi.CONTEXT_i386 != 0 {
		img := b[abi.CTX_Extended : abi.CTX_Extended+fpu.FXSaveSize]
		mx := get(abi.CTX_Extended+24) & fpu.MXCSRMask
		img[24], img[25], img[26], img[27] = byte(mx), byte(mx>>8), byte(mx>>16), byte(mx>>24)
		c.FPU.FXRestore(img)
	}
	if flags&abi.CONTEXT_FLOATING_POINT&^abi.CONTEXT_i386 != 0 {
		c.FPU.Restore(b[abi.CTX_FloatSave : abi.CTX_FloatSave+fpu.SaveSize])
	}
	return c, nil
}

// records are the addresses of one dispatch's EXCEPTION_RECORD, CONTEXT, EXCEPTION_POINTERS and dispatcher
// context on the thread's stack.
type records struct {
	rec, ctx, ptrs, dc uint32
	base               cpu.Context
	info               ExceptionInfo
	// active is the registration record whose handler is running (0: none), called with ESP callSP.
	active, callSP uint32
	// outer is the dispatch whose frame handler was running when this exception happened (nil: not nested);
	// passedOuter is set once the walk reached the frames outside that handler, nestedFrame is the frame after
	// whose handler EXCEPTION_NESTED_CALL is cleared.
	outer       *records
	passedOuter bool
	nestedFrame uint32
}

// pushRecords writes the exception record, the context and EXCEPTION_POINTERS below the faulting ESP, as
// KiUserExceptionDispatcher finds them, and moves ESP below them.
func (k *Kernel) pushRecords(t *Thread, info ExceptionInfo, ctx cpu.Context) (*records, error) {
	s := t.Proc.Space
	sp := (ctx.Regs[cpu.ESP] - abi.CTX_Size) &^ 15
	r := &records{ctx: sp, base: ctx, info: info}
	sp -= abi.ER_Size
	r.rec = sp
	sp -= 16
	r.ptrs, r.dc = sp, sp+8
	rb := make([]byte, abi.ER_Size)
	put := func(b []byte, off, v uint32) {
		b[off], b[off+1], b[off+2], b[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	n := min(len(info.Params), abi.EXCEPTION_MAXIMUM_PARAMETERS)
	put(rb, abi.ER_ExceptionCode, info.Code)
	put(rb, abi.ER_ExceptionFlags, info.Flags)
	put(rb, abi.ER_ExceptionRecord, info.Record)
	put(rb, abi.ER_ExceptionAddress, info.Address)
	put(rb, abi.ER_NumberParameters, uint32(n))
	for i := 0; i < n; i++ {
		put(rb, abi.ER_ExceptionInformation+4*uint32(i), info.Params[i])
	}
	if err := writeContext(s, r.ctx, ctx); err != nil {
		return nil, err
	}
	if err := s.WriteBytes(r.rec, rb, mm.AccessWrite); err != nil {
		return nil, err
	}
	if !s.Write32(r.ptrs, r.rec) || !s.Write32(r.ptrs+4, r.ctx) || !s.Write32(r.dc, 0) {
		return nil, fmt.Errorf("stack")
	}
	t.CPU.Regs[cpu.ESP] = sp - 4
	return r, nil
}

// DispatchException dispatches an exception in t as Windows does for 32-bit x86 (KiUserExceptionDispatcher ->
// RtlDispatchException), with the EXCEPTION_RECORD, CONTEXT and EXCEPTION_POINTERS written on the thread's
// stack below ctx's ESP and the handlers run below them with TF clear:
//   - the vectored exception handlers in order (EXCEPTION_CONTINUE_EXECUTION resumes);
//   - the frame handlers of the FS:[0] chain from the innermost, handler(rec, frame, ctx, dispatcherContext):
//     ExceptionContinueExecution resumes (STATUS_NONCONTINUABLE_EXCEPTION is raised instead when the record is
//     noncontinuable), ExceptionContinueSearch goes on, anything else raises STATUS_INVALID_DISPOSITION; both
//     new records link the original through ExceptionRecord. Every registration record is checked as Windows
//     does (4-byte aligned, inside the TEB's StackLimit..StackBase): a bad one marks the record
//     EXCEPTION_STACK_INVALID and the exception is unhandled without calling anything further. An exception
//     raised while a frame handler runs is nested: the frames outside that handler's stack, up to and including
//     the frame whose handler was running, see EXCEPTION_NESTED_CALL;
//   - at the end of the chain, the unhandled-exception filter of SetUnhandledExceptionFilter (kernel32 calls it
//     from the thread's outermost frame): EXCEPTION_CONTINUE_EXECUTION resumes, anything else ends the process
//     with the exception code and a crash report.
//
// Resuming runs the vectored continue handlers in order (until one returns EXCEPTION_CONTINUE_EXECUTION), then
// loads the CONTEXT as the handlers left it (NtContinue). A handler that never returns (an __except block or a
// C++ catch reached through RtlUnwind, a longjmp) just continues the program: the dispatch is forgotten once
// the stack pointer is above its records.
func (k *Kernel) DispatchException(t *Thread, info ExceptionInfo, ctx cpu.Context) {
	p := t.Proc
	t.pruneDispatches(ctx.Regs[cpu.ESP])
	if len(t.seh) >= maxNestedDispatch {
		k.Unhandled(t, info.Code, info.Address, "exceptions nested too deeply inside exception handlers")
		return
	}
	var outer *records
	if n := len(t.seh); n > 0 && t.seh[n-1].active != 0 {
		outer = t.seh[n-1]
	}
	r, err := k.pushRecords(t, info, ctx)
	if err != nil {
		k.Unhandled(t, uint32(abi.STATUS_STACK_OVERFLOW), info.Address, "no stack left to dispatch an exception")
		return
	}
	r.outer = outer
	t.seh = append(t.seh, r)
	t.CPU.SetFlags(t.CPU.Flags() &^ flagTF)
	k.emit(Event{Kind: "exception", PID: p.ID, TID: t.ID, EIP: info.Address, Code: CodeOf(info.Code),
		Name: abi.NTSTATUS(info.Code).String(), Text: fmt.Sprintf("exception 0x%08X %s at 0x%08X: dispatching to the program's handlers",
			info.Code, abi.NTSTATUS(info.Code), info.Address)})
	vectored := p.vectored(false)
	var vstep func(t *Thread, i int)
	vstep = func(t *Thread, i int) {
		if i >= len(vectored) {
			k.frameStep(t, r, t.chainHead())
			return
		}
		ok := t.CallGuest(vectored[i].Fn, []uint32{r.ptrs}, func(t *Thread, eax uint32) {
			if eax == abi.EXCEPTION_CONTINUE_EXECUTION {
				k.resume(t, r)
				return
			}
			vstep(t, i+1)
		})
		if !ok {
			k.dispatchFailed(t, r)
		}
	}
	vstep(t, 0)
}

// flagTF is EFLAGS' trap flag.
const flagTF = 0x100

// pruneDispatches forgets the dispatches whose records lie entirely below sp: their handlers left them by
// transferring control above (an __except block, a catch, a longjmp).
func (t *Thread) pruneDispatches(sp uint32) {
	for n := len(t.seh); n > 0 && t.seh[n-1].ctx+abi.CTX_Size <= sp; n-- {
		t.seh = t.seh[:n-1]
	}
}

// popDispatch ends dispatch r (and any inner one left behind).
func (t *Thread) popDispatch(r *records) {
	for i := len(t.seh) - 1; i >= 0; i-- {
		if t.seh[i] == r {
			t.seh = t.seh[:i]
			return
		}
	}
}

// chainHead reads FS:[0].
func (t *Thread) chainHead() uint32 {
	v, _ := get32(t.Proc.Space, t.TEB+abi.TEB_ExceptionList)
	return v
}

// validFrame checks an EXCEPTION_REGISTRATION_RECORD address as RtlDispatchException does: 4-byte aligned and
// inside the stack limits of the thread's TEB (StackLimit..StackBase, which the program may change).
func (t *Thread) validFrame(f uint32) bool {
	s := t.Proc.Space
	base, err1 := get32(s, t.TEB+abi.TEB_StackBase)
	limit, err2 := get32(s, t.TEB+abi.TEB_StackLimit)
	if err1 != nil || err2 != nil {
		base, limit = t.StackBase, t.StackLimit
	}
	return f&3 == 0 && f >= limit && f <= base-8
}

// setFlags changes the flags of r's record in guest memory (handlers see and may change them).
func (r *records) setFlags(s *mm.Space, set, clear uint32) {
	f, err := get32(s, r.rec+abi.ER_ExceptionFlags)
	if err != nil {
		f = r.info.Flags
	}
	r.info.Flags = f&^clear | set
	_ = put32(s, r.rec+abi.ER_ExceptionFlags, r.info.Flags)
}

// frameStep calls the frame handler of registration record f, then the next ones.
func (k *Kernel) frameStep(t *Thread, r *records, f uint32) {
	s := t.Proc.Space
	if f == abi.ChainEnd {
		k.unhandledStep(t, r)
		return
	}
	next, err1 := get32(s, f+abi.ERR_Next)
	handler, err2 := get32(s, f+abi.ERR_Handler)
	if !t.validFrame(f) || err1 != nil || err2 != nil {
		r.setFlags(s, abi.EXCEPTION_STACK_INVALID, 0)
		k.endUnhandled(t, r, fmt.Sprintf("; the exception handler chain is corrupt (record at 0x%08X)", f))
		return
	}
	// The frames outside the running handler of an outer dispatch are reached through that dispatch's nested-
	// exception frame: from there on the record is marked nested until the frame whose handler was running.
	if o := r.outer; o != nil && !r.passedOuter && f >= o.callSP {
		r.passedOuter = true
		r.nestedFrame = max(r.nestedFrame, o.active)
		r.setFlags(s, abi.EXCEPTION_NESTED_CALL, 0)
	}
	r.active = f
	ok := t.CallGuest(handler, []uint32{r.rec, f, r.ctx, r.dc}, func(t *Thread, eax uint32) {
		r.active = 0
		if f == r.nestedFrame {
			r.nestedFrame = 0
			r.setFlags(s, 0, abi.EXCEPTION_NESTED_CALL)
		}
		switch eax {
		case abi.ExceptionContinueExecution:
			if r.info.Flags&abi.EXCEPTION_NONCONTINUABLE != 0 {
				k.raiseFrom(t, r, abi.STATUS_NONCONTINUABLE_EXCEPTION)
				return
			}
			k.resume(t, r)
		case abi.ExceptionContinueSearch:
			k.frameStep(t, r, next)
		default:
			k.raiseFrom(t, r, abi.STATUS_INVALID_DISPOSITION)
		}
	})
	r.callSP = t.CPU.Regs[cpu.ESP]
	if !ok {
		k.dispatchFailed(t, r)
	}
}

// raiseFrom ends dispatch r and raises code (noncontinuable, linking r's record) from the dispatcher, below r's
// records, as RtlDispatchException does.
func (k *Kernel) raiseFrom(t *Thread, r *records, code abi.NTSTATUS) {
	t.popDispatch(r)
	ctx := r.base
	ctx.Regs[cpu.ESP] = r.ptrs
	k.DispatchException(t, ExceptionInfo{Code: uint32(code), Flags: abi.EXCEPTION_NONCONTINUABLE,
		Address: r.info.Address, Record: r.rec}, ctx)
}

// unhandledStep runs the unhandled-exception filter, or ends the process.
func (k *Kernel) unhandledStep(t *Thread, r *records) {
	p := t.Proc
	if p.UnhandledFilter == 0 {
		k.endUnhandled(t, r, "")
		return
	}
	ok := t.CallGuest(p.UnhandledFilter, []uint32{r.ptrs}, func(t *Thread, eax uint32) {
		if eax == abi.EXCEPTION_CONTINUE_EXECUTION && r.info.Flags&abi.EXCEPTION_NONCONTINUABLE == 0 {
			k.resume(t, r)
			return
		}
		k.endUnhandled(t, r, "")
	})
	if !ok {
		k.dispatchFailed(t, r)
	}
}

// endUnhandled ends the process: the exception reached no handler that took it.
func (k *Kernel) endUnhandled(t *Thread, r *records, why string) {
	t.popDispatch(r)
	t.CPU.LoadContext(r.base)
	k.Unhandled(t, r.info.Code, r.info.Address, describeCode(r.info)+why)
}

func describeCode(info ExceptionInfo) string {
	if info.Code == uint32(abi.STATUS_ACCESS_VIOLATION) && len(info.Params) == 2 {
		what := map[uint32]string{0: "read", 1: "write", 8: "execute"}[info.Params[0]]
		return fmt.Sprintf("access violation: %s of address 0x%08X", what, info.Params[1])
	}
	return fmt.Sprintf("unhandled exception %s", abi.NTSTATUS(info.Code))
}

// dispatchFailed ends the process when handlers cannot even be called (no stack left).
func (k *Kernel) dispatchFailed(t *Thread, r *records) {
	t.popDispatch(r)
	k.Unhandled(t, uint32(abi.STATUS_STACK_OVERFLOW), r.info.Address, "no stack left to call an exception handler")
}

// resume runs the vectored continue handlers, then continues from r's CONTEXT.
func (k *Kernel) resume(t *Thread, r *records) {
	handlers := t.Proc.vectored(true)
	var step func(t *Thread, i int)
	step = func(t *Thread, i int) {
		if i >= len(handlers) {
			k.continueFrom(t, r)
			return
		}
		ok := t.CallGuest(handlers[i].Fn, []uint32{r.ptrs}, func(t *Thread, eax uint32) {
			if eax == abi.EXCEPTION_CONTINUE_EXECUTION {
				k.continueFrom(t, r)
				return
			}
			step(t, i+1)
		})
		if !ok {
			k.dispatchFailed(t, r)
		}
	}
	step(t, 0)
}

// continueFrom resumes t with the CONTEXT record as the handlers left it (NtContinue).
func (k *Kernel) continueFrom(t *Thread, r *records) {
	t.popDispatch(r)
	ctx, err := readContext(t.Proc.Space, r.ctx, r.base)
	if err != nil {
		k.Unhandled(t, r.info.Code, r.info.Address, "the exception context became unreadable")
		return
	}
	t.CPU.LoadContext(ctx)
	// Frames of guest calls made below the resumed stack pointer are abandoned.
	t.dropFramesBelow(ctx.Regs[cpu.ESP])
}

// Status codes of RtlUnwind.
const (
	statusUnwind              abi.NTSTATUS = 0xC0000027 // the record RtlUnwind makes when given none
	statusBadStack            abi.NTSTATUS = 0xC0000028 // an invalid registration record met while unwinding
	statusInvalidUnwindTarget abi.NTSTATUS = 0xC0000029 // the target frame is not on the chain
)

// Unwind is RtlUnwind(target, ..., rec) as on 32-bit Windows: the frame handlers from FS:[0] down to (not
// including) target are called with the caller's EXCEPTION_RECORD (recAddr; 0: one is made with STATUS_UNWIND),
// its flags gaining EXCEPTION_UNWINDING (and EXCEPTION_EXIT_UNWIND when target is 0), and each frame is
// unlinked before the next; reaching target (or the chain's end when target is 0xFFFFFFFF) runs done, which
// returns to RtlUnwind's caller. Passing target raises STATUS_INVALID_UNWIND_TARGET, an invalid registration
// record STATUS_BAD_STACK (both noncontinuable, linking the record); reaching the end of the chain otherwise
// (an exit unwind, or a target that is not there) raises the record again with no handler left: the process
// ends with its code. retAddr is RtlUnwind's return address (the CONTEXT's EIP the handlers see).
func (k *Kernel) Unwind(t *Thread, target, recAddr, retAddr uint32, done func(t *Thread)) {
	s := t.Proc.Space
	flags := uint32(abi.EXCEPTION_UNWINDING)
	if target == 0 {
		flags |= abi.EXCEPTION_EXIT_UNWIND
	}
	ctx := t.CPU.SaveContext()
	ctx.EIP = retAddr
	info := ExceptionInfo{Code: uint32(statusUnwind), Flags: flags, Address: retAddr}
	if recAddr != 0 {
		code, err1 := get32(s, recAddr+abi.ER_ExceptionCode)
		f, err2 := get32(s, recAddr+abi.ER_ExceptionFlags)
		if err1 == nil && err2 == nil && put32(s, recAddr+abi.ER_ExceptionFlags, f|flags) == nil {
			info.Code, info.Flags = code, f|flags
		} else {
			recAddr = 0
		}
	}
	r, err := k.pushRecords(t, info, ctx)
	if err != nil {
		k.Unhandled(t, uint32(abi.STATUS_STACK_OVERFLOW), retAddr, "no stack left to unwind")
		return
	}
	if recAddr != 0 {
		r.rec = recAddr // the handlers see the caller's record itself, as on Windows
	}
	fail := func(t *Thread, code abi.NTSTATUS) {
		c := r.base
		c.Regs[cpu.ESP] = r.ptrs
		k.DispatchException(t, ExceptionInfo{Code: uint32(code), Flags: abi.EXCEPTION_NONCONTINUABLE,
			Address: retAddr, Record: r.rec}, c)
	}
	var step func(t *Thread, f uint32)
	step = func(t *Thread, f uint32) {
		switch {
		case f == target:
			done(t)
			return
		case f == abi.ChainEnd:
			if target == abi.ChainEnd {
				done(t)
				return
			}
			t.CPU.LoadContext(r.base)
			k.Unhandled(t, info.Code, retAddr, describeCode(info)+"; RtlUnwind reached the end of the handler chain")
			return
		case target != 0 && target < f:
			fail(t, statusInvalidUnwindTarget)
			return
		case !t.validFrame(f):
			fail(t, statusBadStack)
			return
		}
		next, err1 := get32(s, f+abi.ERR_Next)
		handler, err2 := get32(s, f+abi.ERR_Handler)
		if err1 != nil || err2 != nil {
			fail(t, statusBadStack)
			return
		}
		ok := t.CallGuest(handler, []uint32{r.rec, f, r.ctx, r.dc}, func(t *Thread, _ uint32) {
			_ = put32(s, t.TEB+abi.TEB_ExceptionList, next)
			step(t, next)
		})
		if !ok {
			k.Unhandled(t, uint32(abi.STATUS_STACK_OVERFLOW), retAddr, "no stack left to unwind")
		}
	}
	step(t, t.chainHead())
}

// ExceptionHandled tells the kernel that the exception being dispatched on t was handled by transferring
// control (a C++ catch block), so the dispatch is over.
func (t *Thread) ExceptionHandled() {
	if n := len(t.seh); n > 0 {
		t.seh = t.seh[:n-1]
	}
}

// DropFramesBelow forgets CallGuest continuations whose frames lie below sp (the guest left them without
// returning: it resumed an exception context, a catch block or a longjmp target above them).
func (t *Thread) DropFramesBelow(sp uint32) { t.dropFramesBelow(sp) }

func (t *Thread) dropFramesBelow(sp uint32) {
	for len(t.frames) > 0 && t.frames[len(t.frames)-1].retSP < sp {
		t.frames = t.frames[:len(t.frames)-1]
	}
}
