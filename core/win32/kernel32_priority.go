package win32

// Thread priorities and yielding: SetThreadPriority, GetThreadPriority, SetPriorityClass, GetPriorityClass,
// SwitchToThread (Sleep(0) is in kernel32_proc.go). The scheduling rule they feed is the kernel's
// (core/kernel/priority.go): strict priority, round robin within a level, an anti-starvation boost to 15.

import (
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// threadPriorityErrorReturn is GetThreadPriority's failure value (THREAD_PRIORITY_ERROR_RETURN).
const threadPriorityErrorReturn = 0x7FFFFFFF

func init() {
	kernel32.Add(
		Export{Name: "SetThreadPriority", ArgBytes: 8, Handler: setThreadPriority},
		Export{Name: "GetThreadPriority", ArgBytes: 4, Handler: getThreadPriority},
		Export{Name: "SetPriorityClass", ArgBytes: 8, Handler: setPriorityClass},
		Export{Name: "GetPriorityClass", ArgBytes: 4, Handler: getPriorityClass},
		Export{Name: "SwitchToThread", Handler: func(c *Call) { c.Return(b2u(c.K.Yield(c.T, true))) }},
	)
}

// threadArg returns the thread a handle argument names, failing the call with ERROR_INVALID_HANDLE.
func threadArg(c *Call, i int, fail uint32) (*kernel.Thread, bool) {
	o, ok := c.Object(c.Arg(i))
	t, isT := o.(*kernel.Thread)
	if !ok || !isT {
		c.Fail(abi.ERROR_INVALID_HANDLE, fail)
		return nil, false
	}
	return t, true
}

// processArg returns the process a handle argument names, failing the call with ERROR_INVALID_HANDLE.
func processArg(c *Call, i int) (*kernel.Process, bool) {
	o, ok := c.Object(c.Arg(i))
	p, isP := o.(*kernel.Process)
	if !ok || !isP {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return nil, false
	}
	return p, true
}

func setThreadPriority(c *Call) {
	t, ok := threadArg(c, 0, 0)
	if !ok {
		return
	}
	if !t.SetPriority(int(int32(c.Arg(1)))) {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	c.Return(1)
}

func getThreadPriority(c *Call) {
	t, ok := threadArg(c, 0, threadPriorityErrorReturn)
	if !ok {
		return
	}
	c.Return(uint32(int32(t.Priority())))
}

func setPriorityClass(c *Call) {
	p, ok := processArg(c, 0)
	if !ok {
		return
	}
	if !p.SetPriorityClass(c.Arg(1)) {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	c.Return(1)
}

func getPriorityClass(c *Call) {
	p, ok := processArg(c, 0)
	if !ok {
		return
	}
	c.Return(p.PriorityClass())
}
