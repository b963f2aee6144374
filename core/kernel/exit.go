package kernel

import (
	"fmt"

	"github.com/peek32/peek32/core/win32/abi"
)

// ExitThread ends t with code (ExitThread, or the thread's start routine returning). The DLLs get
// DLL_THREAD_DETACH first. When t is its process's last thread, the process ends with code instead, as
// RtlExitUserThread does (ExitProcess path, DLL_PROCESS_DETACH included).
func (k *Kernel) ExitThread(t *Thread, code uint32) {
	p := t.Proc
	if t.state == ThreadTerminated {
		return
	}
	if p.liveThreads() == 1 {
		k.ExitProcess(t, code)
		return
	}
	calls := k.threadExitCalls(t) // FLS callbacks first, then the DLLs
	for i := len(p.InitOrder) - 1; i >= 0; i-- {
		m := p.InitOrder[i]
		if m.Initialized {
			calls = append(calls, tlsCalls(m, abi.DLL_THREAD_DETACH)...)
			if m.Entry != 0 && m.HasEntry() {
				calls = append(calls, guestCall{fn: m.Entry, args: []uint32{m.Base, abi.DLL_THREAD_DETACH, 0}})
			}
		}
	}
	if p.Image != nil {
		calls = append(calls, tlsCalls(p.Image, abi.DLL_THREAD_DETACH)...)
	}
	k.callChain(t, calls, func(t *Thread, _ bool) { k.endThread(t, code) })
}

// ExitProcess ends t's process from inside (ExitProcess(code)): every other thread ends at once, then t runs
// DllMain(DLL_PROCESS_DETACH) for the initialized DLLs in reverse initialization order, then the process ends as
// PROCESS_MODEL.md §4 says (finishProcess). A second ExitProcess during the detach calls ends it immediately.
func (k *Kernel) ExitProcess(t *Thread, code uint32) {
	p := t.Proc
	if p.exited {
		return
	}
	if p.exiting {
		k.TerminateProcess(p, code)
		return
	}
	p.exiting, p.exitCode = true, code
	for _, o := range p.Threads() {
		if o != t {
			k.endThread(o, code)
		}
	}
	var calls []guestCall
	for i := len(p.InitOrder) - 1; i >= 0; i-- {
		m := p.InitOrder[i]
		if m.Initialized {
			calls = append(calls, tlsCalls(m, abi.DLL_PROCESS_DETACH)...)
			if m.Entry != 0 && m.HasEntry() {
				calls = append(calls, guestCall{fn: m.Entry, args: []uint32{m.Base, abi.DLL_PROCESS_DETACH, 1}})
			}
		}
	}
	if p.Image != nil {
		calls = append(calls, tlsCalls(p.Image, abi.DLL_PROCESS_DETACH)...)
	}
	k.callChain(t, calls, func(t *Thread, _ bool) { k.TerminateProcess(t.Proc, code) })
}

// TerminateProcess ends p at once with code (TerminateProcess, an unhandled exception, the end of ExitProcess):
// (1) all its threads end, (2) its handles are closed and its memory freed, (3) its object becomes signaled, (4)
// the reference that stood for "running" is dropped; the object lives while handles to it remain.
func (k *Kernel) TerminateProcess(p *Process, code uint32) {
	if p.exited {
		return
	}
	if !p.exiting {
		p.exitCode = code
	}
	p.exiting = true
	code = p.exitCode
	for _, t := range p.Threads() {
		k.endThread(t, code)
	}
	p.exited = true
	p.Handles.CloseAll()
	if k.sys != nil {
		k.sys.ProcessEnded(p)
	}
	k.emit(Event{Kind: "process-exited", PID: p.ID, Name: p.Name, Code: CodeOf(code),
		Text: fmt.Sprintf("%s (PID %d) exited with code %d (0x%X)", p.Name, p.ID, code, code)})
	if p.Space != nil {
		_ = p.Space.Close()
	}
	k.releaseProtos(p)
	p.Signal()
	p.Unref()
}

// endThread ends t with code: it leaves the scheduler, its TEB and stack are freed, its object becomes signaled,
// and its running reference is dropped. It does not end the process (callers decide).
func (k *Kernel) endThread(t *Thread, code uint32) {
	if t.state == ThreadTerminated {
		return
	}
	if t.wait != nil {
		for _, o := range t.wait.objects {
			o.Header().removeWaiter(t)
		}
		t.wait = nil
	}
	t.state, t.exitCode, t.frames = ThreadTerminated, code, nil
	t.abandonOwned()
	for i, x := range k.threads {
		if x == t {
			k.threads = append(k.threads[:i], k.threads[i+1:]...)
			k.schedRemoved(i, t)
			break
		}
	}
	p := t.Proc
	for i, x := range p.threads {
		if x == t {
			p.threads = append(p.threads[:i], p.threads[i+1:]...)
			break
		}
	}
	if !p.exiting {
		p.freeTEB(t.TEB)
		_ = p.Space.Release(t.StackAlloc)
	}
	k.emit(Event{Kind: "thread-exited", PID: p.ID, TID: t.ID, Code: CodeOf(code),
		Text: fmt.Sprintf("thread %d exited with code %d", t.ID, code)})
	t.Signal()
	t.Unref()
}

// liveThreads counts p's threads that have not ended.
func (p *Process) liveThreads() int { return len(p.threads) }

// TerminateThread ends t with code at once, without DLL notifications; if it was the last thread of its process,
// the process ends with that code.
func (k *Kernel) TerminateThread(t *Thread, code uint32) {
	p := t.Proc
	if p.liveThreads() == 1 && t.state != ThreadTerminated {
		k.TerminateProcess(p, code)
		return
	}
	k.endThread(t, code)
}
