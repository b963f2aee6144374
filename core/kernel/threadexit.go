package kernel

// ThreadExitNotifier is an optional interface of the System: a system layer that implements it is asked, when
// a thread ends by ExitThread (or by returning from its start routine) while its process goes on, for the guest
// calls to run in that thread before the DLLs get DLL_THREAD_DETACH — the fiber-local storage callbacks
// (FlsAlloc) with the thread's non-NULL values, as ntdll runs them in LdrShutdownThread. A thread ended from
// outside (TerminateThread, the end of its process) runs nothing, as on Windows.
type ThreadExitNotifier interface {
	ThreadExiting(t *Thread) []ExitCall
}

// ExitCall is one guest call made in an exiting thread: Fn(Arg), stdcall or cdecl (the stack is restored).
type ExitCall struct{ Fn, Arg uint32 }

// threadExitCalls returns the System's calls for t's exit (none without a ThreadExitNotifier).
func (k *Kernel) threadExitCalls(t *Thread) []guestCall {
	n, ok := k.sys.(ThreadExitNotifier)
	if !ok {
		return nil
	}
	var out []guestCall
	for _, c := range n.ThreadExiting(t) {
		out = append(out, guestCall{fn: c.Fn, args: []uint32{c.Arg}})
	}
	return out
}

// ThreadStartNotifier is an optional interface of the System: ThreadStarting returns the guest calls to run in
// t at the end of its start sequence, after the DLL notifications and before its start routine (or the context
// it was redirected to) — the user APCs queued while it was suspended, which Windows' loader delivers there
// (LdrInitializeThunk ends with NtTestAlert).
type ThreadStartNotifier interface {
	ThreadStarting(t *Thread) []ExitCall
}

// threadStartCalls returns the System's calls for t's start (none without a ThreadStartNotifier).
func (k *Kernel) threadStartCalls(t *Thread) []guestCall {
	n, ok := k.sys.(ThreadStartNotifier)
	if !ok {
		return nil
	}
	var out []guestCall
	for _, c := range n.ThreadStarting(t) {
		out = append(out, guestCall{fn: c.Fn, args: []uint32{c.Arg}})
	}
	return out
}
