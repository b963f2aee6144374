package kernel

import "github.com/peek32/peek32/core/cpu"

// WaitingOn returns the objects t waits on and whether it waits for all of them (WaitForMultipleObjects with
// bWaitAll); a thread that sleeps or waits for nothing returns none. Deadlock reports use it to say which
// thread waits on what.
func (t *Thread) WaitingOn() (objs []Object, all bool) {
	if t.wait == nil {
		return nil, false
	}
	return t.wait.objects, t.wait.all
}

// BlockSatisfy is Block for a wait the kernel completes at signal time (see ObjectHeader.Signal): when one of
// objs is signaled, satisfy runs at once — it checks the wait's condition and, if it holds, takes the objects
// and returns the call's result. The thread then wakes and its restarted call finds the result with Satisfied.
// satisfy must not capture per-call state that does not outlive the call (it runs while another thread runs).
func (t *Thread) BlockSatisfy(objs []Object, all bool, timeout uint64, satisfy func() (uint32, bool)) {
	t.hasResult = false
	t.resultEIP, t.resultESP = t.CPU.EIP, t.CPU.Regs[cpu.ESP]
	t.Block(objs, all, timeout, false)
	t.wait.satisfy = satisfy
}

// Satisfied returns, once, the result a signal gave the thread's wait (BlockSatisfy); ok is false when the
// wait was not satisfied that way (the call re-checks its condition, or it timed out), or when the thread is
// not at the call that blocked (its context was changed meanwhile: the result is dropped).
func (t *Thread) Satisfied() (result uint32, ok bool) {
	r, ok := t.result, t.hasResult
	t.result, t.hasResult = 0, false
	if t.CPU.EIP != t.resultEIP || t.CPU.Regs[cpu.ESP] != t.resultESP {
		return 0, false
	}
	return r, ok
}
