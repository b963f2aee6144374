package win32

import (
	"strings"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/kernel"
)

// ntdll!RtlUserThreadStart is where every thread of a process begins, as on 32-bit Windows: a process-init
// hook (OnProcessInit, run before the main thread exists) hands its address to the kernel (kernel.Process.SetThreadStart), which starts new threads there with
// EAX = start routine and EBX = parameter and runs the start sequence itself when a thread first reaches it.
// The row's handler only runs for a thread that calls or jumps to it later: it calls EAX(EBX) and ends the
// thread with the result, which is what the function does.

func init() {
	ntdll.Add(Export{Name: "RtlUserThreadStart", ArgBytes: 8, Handler: rtlUserThreadStart,
		Note: "every thread's first instruction; the kernel runs the start sequence there (threadstart.go)"})
	OnProcessInit(func(_ *System, p *kernel.Process) error {
		for _, m := range p.Modules {
			if m.BuiltIn && strings.EqualFold(m.BaseName, ntdll.ModName) {
				setThreadStart(p, m)
			}
		}
		return nil
	})
}

func rtlUserThreadStart(c *Call) {
	start, param := c.T.CPU.Regs[cpu.EAX], c.T.CPU.Regs[cpu.EBX]
	c.CallGuest(start, []uint32{param}, func(c *Call, eax uint32) { c.K.ExitThread(c.T, eax) })
}

// setThreadStart gives the kernel the address of RtlUserThreadStart in p's ntdll (m).
func setThreadStart(p *kernel.Process, m *kernel.Module) {
	if e, ok := m.FindExport("RtlUserThreadStart", 0, false); ok {
		p.SetThreadStart(e.Addr)
	}
}
