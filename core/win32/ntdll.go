package win32

import (
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// ntdll is the built-in ntdll.dll: the native functions programs call directly.
var ntdll = NewDLL("ntdll.dll", 0x7C900000)

// Other system DLLs programs import. Their tables hold what peek32 implements (possibly nothing yet); every
// other import of them binds to a named trap, so a program that only imports them starts and fails only if it
// calls something missing.
func init() {
	for _, d := range []struct {
		name string
		base uint32
	}{
		{"user32.dll", 0x7E410000}, {"gdi32.dll", 0x77F10000}, {"advapi32.dll", 0x77DD0000},
		{"shell32.dll", 0x7C9C0000}, {"ole32.dll", 0x774E0000},
		{"ws2_32.dll", 0x71AB0000}, {"wsock32.dll", 0x71AD0000}, {"winmm.dll", 0x76B40000},
		{"version.dll", 0x77C00000}, {"comctl32.dll", 0x773D0000},
		{"comdlg32.dll", 0x763B0000}, {"psapi.dll", 0x76BF0000}, {"dbghelp.dll", 0x59A60000},
		{"userenv.dll", 0x769C0000}, {"secur32.dll", 0x77FE0000}, {"crypt32.dll", 0x77A80000},
		{"rpcrt4.dll", 0x77E70000}, {"imm32.dll", 0x76390000},
	} {
		NewDLL(d.name, d.base)
	}
	ntdll.Add(
		Export{Name: "RtlGetLastWin32Error", Handler: func(c *Call) { c.Return(c.T.LastError()) }},
		Export{Name: "RtlSetLastWin32Error", ArgBytes: 4, Handler: func(c *Call) { c.T.SetLastError(c.Arg(0)); c.Return(0) }},
		Export{Name: "RtlNtStatusToDosError", ArgBytes: 4, Handler: func(c *Call) { c.Return(uint32(abi.NTSTATUS(c.Arg(0)).Errno())) }},
		Export{Name: "RtlAllocateHeap", ArgBytes: 12, Handler: heapAlloc},
		Export{Name: "RtlFreeHeap", ArgBytes: 12, Handler: heapFree},
		Export{Name: "RtlReAllocateHeap", ArgBytes: 16, Handler: heapReAlloc},
		Export{Name: "RtlSizeHeap", ArgBytes: 12, Handler: heapSize},
		Export{Name: "RtlGetVersion", ArgBytes: 4, Handler: func(c *Call) { getVersionEx(c, true); c.T.CPU.Regs[0] = 0 }},
		Export{Name: "RtlZeroMemory", ArgBytes: 8, Handler: rtlZeroMemory},
		Export{Name: "RtlFillMemory", ArgBytes: 12, Handler: func(c *Call) {
			p, n, v := c.Arg(0), c.Arg(1), c.Arg(2)
			if !c.FillMem(p, n, byte(v)) {
				c.Fault(p, true)
				return
			}
			c.Return(0)
		}},
		Export{Name: "RtlMoveMemory", ArgBytes: 12, Handler: func(c *Call) {
			d, s, n := c.Arg(0), c.Arg(1), c.Arg(2)
			if at, ok := c.MoveMem(d, s, n); !ok {
				c.Fault(at, at == d)
				return
			}
			c.Return(0)
		}},
		Export{Name: "NtCurrentTeb", Handler: func(c *Call) { c.Return(c.T.TEB) }},
		Export{Name: "DbgPrint", Handler: func(c *Call) {
			s, _ := c.Str(0)
			c.K.Emit(c.T, kernelEvent("debug-string", s, c.RetAddr))
			c.Return(0)
		}, Note: "the format is not expanded"},
		Export{Name: "NtTerminateProcess", ArgBytes: 8, Handler: terminateProcess},
	)
	kernel32.Add(Export{Name: "RtlZeroMemory", ArgBytes: 8, Handler: rtlZeroMemory})
}

func rtlZeroMemory(c *Call) {
	p, n := c.Arg(0), c.Arg(1)
	if !c.FillMem(p, n, 0) {
		c.Fault(p, true)
		return
	}
	c.Return(0)
}

func kernelEvent(kind, data string, eip uint32) kernel.Event {
	return kernel.Event{Kind: kind, Data: data, EIP: eip}
}
