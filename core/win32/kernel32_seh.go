package win32

import (
	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

func init() {
	for _, d := range []*DLL{kernel32, ntdll} {
		d.Add(
			Export{Name: "AddVectoredExceptionHandler", ArgBytes: 8, Handler: addVectored},
			Export{Name: "RemoveVectoredExceptionHandler", ArgBytes: 4, Handler: removeVectored},
			Export{Name: "AddVectoredContinueHandler", ArgBytes: 8, Handler: addVectoredContinue},
			Export{Name: "RemoveVectoredContinueHandler", ArgBytes: 4, Handler: removeVectoredContinue},
		)
	}
	kernel32.Add(Export{Name: "RaiseException", ArgBytes: 16, Handler: raiseException})
	ntdll.Add(
		Export{Name: "RtlUnwind", ArgBytes: 16, Handler: rtlUnwind},
		Export{Name: "RtlRaiseException", ArgBytes: 4, Handler: rtlRaiseException},
		Export{Name: "NtContinue", ArgBytes: 8, Handler: ntContinue},
		Export{Name: "ZwContinue", ArgBytes: 8, Handler: ntContinue},
		Export{Name: "RtlAddVectoredExceptionHandler", ArgBytes: 8, Handler: addVectored},
		Export{Name: "RtlRemoveVectoredExceptionHandler", ArgBytes: 4, Handler: removeVectored},
		Export{Name: "RtlAddVectoredContinueHandler", ArgBytes: 8, Handler: addVectoredContinue},
		Export{Name: "RtlRemoveVectoredContinueHandler", ArgBytes: 4, Handler: removeVectoredContinue},
	)
}

// vectoredIDs hands out registration handles (opaque, non-zero, unique per process).
func nextVectoredID(c *Call) uint32 {
	st := c.State()
	n, _ := st.Ext["vectored-id"].(uint32)
	n++
	st.Ext["vectored-id"] = n
	return 0x00D00000 | n<<4
}

// addVectored is AddVectoredExceptionHandler(First, Handler): the handler goes first in the call order when
// First is nonzero, last otherwise; the result is the handle for RemoveVectoredExceptionHandler.
func addVectored(c *Call) { c.Return(addVectoredKind(c, false)) }

// addVectoredContinue is AddVectoredContinueHandler(First, Handler), ordered the same way among the continue
// handlers (called after a handler continued execution).
func addVectoredContinue(c *Call) { c.Return(addVectoredKind(c, true)) }

func addVectoredKind(c *Call, cont bool) uint32 {
	first, fn := c.Arg(0) != 0, c.Arg(1)
	h := kernel.VectoredHandler{ID: nextVectoredID(c), Fn: fn, Continue: cont}
	if first {
		c.P.Vectored = append([]kernel.VectoredHandler{h}, c.P.Vectored...)
	} else {
		c.P.Vectored = append(c.P.Vectored, h)
	}
	return h.ID
}

// removeVectored is RemoveVectoredExceptionHandler(Handle): 1 when the handle named a registered vectored
// exception handler (now removed), 0 otherwise.
func removeVectored(c *Call) { c.Return(removeVectoredKind(c, false)) }

// removeVectoredContinue is RemoveVectoredContinueHandler(Handle).
func removeVectoredContinue(c *Call) { c.Return(removeVectoredKind(c, true)) }

func removeVectoredKind(c *Call, cont bool) uint32 {
	id := c.Arg(0)
	for i, h := range c.P.Vectored {
		if h.ID == id && h.Continue == cont {
			c.P.Vectored = append(c.P.Vectored[:i:i], c.P.Vectored[i+1:]...)
			return 1
		}
	}
	return 0
}

// ntContinue is NtContinue(CONTEXT*, TestAlert): the thread goes on with the registers of the CONTEXT (the
// groups its ContextFlags name); it does not return.
func ntContinue(c *Call) {
	p := c.Arg(0)
	if err := c.T.ReadContext(c.P.Space, p); err != nil {
		c.Fault(p, false)
		return
	}
	c.done = true
	c.T.DropFramesBelow(c.T.CPU.Regs[cpu.ESP])
}

// unhandledExceptionFilter is UnhandledExceptionFilter(EXCEPTION_POINTERS*) as kernel32 runs it with no
// debugger attached: the top-level filter of SetUnhandledExceptionFilter decides when there is one and does not
// return EXCEPTION_CONTINUE_SEARCH; otherwise the answer is EXCEPTION_EXECUTE_HANDLER (the caller's __except
// then ends the process with the exception code).
func unhandledExceptionFilter(c *Call) {
	ptrs := c.Arg(0)
	f := c.P.UnhandledFilter
	if f == 0 {
		c.Return(abi.EXCEPTION_EXECUTE_HANDLER)
		return
	}
	c.CallGuest(f, []uint32{ptrs}, func(c *Call, eax uint32) {
		if eax == abi.EXCEPTION_CONTINUE_SEARCH {
			eax = abi.EXCEPTION_EXECUTE_HANDLER
		}
		c.Return(eax)
	})
}

// raiseException is RaiseException(code, flags, n, args): the exception is dispatched with the caller's
// context as it will be after the call returns, so a handler that continues makes RaiseException return.
func raiseException(c *Call) {
	code, flags, n, args := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	info := kernel.ExceptionInfo{Code: code, Flags: flags & abi.EXCEPTION_NONCONTINUABLE, Address: c.RetAddr}
	if n > abi.EXCEPTION_MAXIMUM_PARAMETERS {
		n = abi.EXCEPTION_MAXIMUM_PARAMETERS
	}
	if args != 0 {
		for i := uint32(0); i < n; i++ {
			v, ok := c.R32(args + 4*i)
			if !ok {
				c.Fault(args+4*i, false)
				return
			}
			info.Params = append(info.Params, v)
		}
	}
	ctx := c.T.CPU.SaveContext()
	ctx.EIP = c.RetAddr
	ctx.Regs[cpu.ESP] += 4 + c.Export.ArgBytes
	c.K.DispatchException(c.T, info, ctx)
}

// rtlRaiseException is RtlRaiseException(EXCEPTION_RECORD*).
func rtlRaiseException(c *Call) {
	p := c.Arg(0)
	code, ok1 := c.R32(p + abi.ER_ExceptionCode)
	flags, ok2 := c.R32(p + abi.ER_ExceptionFlags)
	n, ok3 := c.R32(p + abi.ER_NumberParameters)
	if !ok1 || !ok2 || !ok3 {
		c.Fault(p, false)
		return
	}
	info := kernel.ExceptionInfo{Code: code, Flags: flags, Address: c.RetAddr}
	for i := uint32(0); i < min(n, abi.EXCEPTION_MAXIMUM_PARAMETERS); i++ {
		v, _ := c.R32(p + abi.ER_ExceptionInformation + 4*i)
		info.Params = append(info.Params, v)
	}
	ctx := c.T.CPU.SaveContext()
	ctx.EIP = c.RetAddr
	ctx.Regs[cpu.ESP] += 4 + c.Export.ArgBytes
	c.K.DispatchException(c.T, info, ctx)
}

// rtlUnwind is RtlUnwind(TargetFrame, TargetIp, ExceptionRecord, ReturnValue): frame handlers above the target
// frame are called with EXCEPTION_UNWINDING and unlinked; then it returns ReturnValue to its caller.
func rtlUnwind(c *Call) {
	target, _, rec, ret := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	esp := c.T.CPU.Regs[cpu.ESP]
	c.keep() // the continuation ends the call (call.go, Call's lifetime)
	c.K.Unwind(c.T, target, rec, c.RetAddr, func(t *kernel.Thread) {
		t.CPU.Regs[cpu.ESP] = esp
		c.Return(ret)
	})
}
