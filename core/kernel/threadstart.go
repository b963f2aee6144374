package kernel

// Where threads begin. On 32-bit Windows every thread's first instruction is in ntdll (RtlUserThreadStart),
// with EAX = the start routine (the exe's entry point for a main thread) and EBX = its parameter (the PEB): that
// is the context GetThreadContext shows for a thread created suspended. The system layer names the address in
// its ntdll with SetThreadStart when ntdll is mapped; the kernel then starts every new thread of the process
// there and handles reaching it on the thread's first instruction itself (threadStart), like its own stub
// StubThreadStart, which a process without such an address (a kernel without a system layer) keeps using.

// SetThreadStart makes addr, an API thunk of a system DLL mapped in p, the address where p's threads created
// from now on begin.
func (p *Process) SetThreadStart(addr uint32) { p.threadStart = addr }

// ThreadStart returns the address where p's new threads begin: the one given to SetThreadStart, else
// StubThreadStart.
func (p *Process) ThreadStart() uint32 {
	if p.threadStart != 0 {
		return p.threadStart
	}
	return StubThreadStart
}
