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
			Export{Name: "AddVectoredContinueHandler", ArgBytes: 8, Handler: addVectoredContinue, Note: "recorded; continue handlers are not called yet"},
			Export{Name: "RemoveVectoredContinueHandler", ArgBytes: 4, Handler: removeVectoredContinue},
		)
	}
	kernel32.Add(Export{Name: "RaiseException", ArgBytes: 16, Handler: raiseException})
	ntdll.Add(
		Export{Name: "RtlUnwind", ArgBytes: 16, Handler: rtlUnwind},
		Export{Name: "RtlRaiseException", ArgBytes: 4, Handler: rtlRaiseException},
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

func addVectored(c *Call) {
	first, fn := c.Arg(0) != 0, c.Arg(1)
	h := kernel.VectoredHandler{ID: nextVectoredID(c), Fn: fn}
	if first {
		c.P.Vectored = append([]kernel.VectoredHandler{h}, c.P.Vectored...)
	} else {
		c.P.Vectored = append(c.P.Vectored, h)
	}
	c.Return(h.ID)
}

func removeVectored(c *Call) {
	id := c.Arg(0)
	for i, h := range c.P.Vectored {
		if h.ID == id {
			c.P.Vectored = append(c.P.Vectored[:i:i], c.P.Vectored[i+1:]...)
			c.Return(1)
			return
		}
	}
	c.Return(0)
}

// Continue handlers are kept in the process state (called by Windows after a handler continues execution).
func addVectoredContinue(c *Call) {
	c.Arg(0)
	fn := c.Arg(1)
	st := c.State()
	list, _ := st.Ext["vectored-continue"].([]kernel.VectoredHandler)
	h := kernel.VectoredHandler{ID: nextVectoredID(c), Fn: fn}
	st.Ext["vectored-continue"] = append(list, h)
	c.Return(h.ID)
}

func removeVectoredContinue(c *Call) {
	id := c.Arg(0)
	st := c.State()
	list, _ := st.Ext["vectored-continue"].([]kernel.VectoredHandler)
	for i, h := range list {
		if h.ID == id {
			st.Ext["vectored-continue"] = append(list[:i:i], list[i+1:]...)
			c.Return(1)
			return
		}
	}
	c.Return(0)
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
	c.K.Unwind(c.T, target, rec, c.RetAddr, func(t *kernel.Thread) {
		t.CPU.Regs[cpu.ESP] = esp
		c.Return(ret)
	})
}
