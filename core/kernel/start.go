package kernel

import (
	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/win32/abi"
)

// guestCall is one step of a chain of guest calls run by callChain.
type guestCall struct {
	fn   uint32
	args []uint32
	// check, if set, decides from EAX whether the chain goes on (a DllMain returning FALSE stops it).
	check func(eax uint32) bool
}

// callChain runs calls one after the other on t through CallGuest, then done(t, true); if a check fails it calls
// done(t, false) at once. It is how the kernel runs guest code (DllMain, TLS callbacks, entry points) from Go
// without nesting Go stacks: each return comes back through StubReturn.
func (k *Kernel) callChain(t *Thread, calls []guestCall, done func(t *Thread, ok bool)) {
	if len(calls) == 0 {
		done(t, true)
		return
	}
	c := calls[0]
	ok := t.CallGuest(c.fn, c.args, func(t *Thread, eax uint32) {
		if c.check != nil && !c.check(eax) {
			done(t, false)
			return
		}
		k.callChain(t, calls[1:], done)
	})
	if !ok {
		k.raiseStackOverflow(t)
	}
}

// tlsCalls returns the TLS callback calls of m for reason.
func tlsCalls(m *Module, reason uint32) []guestCall {
	if m.TLS == nil {
		return nil
	}
	var out []guestCall
	for _, cb := range m.TLS.Callbacks {
		out = append(out, guestCall{fn: cb, args: []uint32{m.Base, reason, 0}})
	}
	return out
}

// attachCalls returns, for the modules of p in initialization order that are not yet initialized, their TLS
// callbacks and DllMain(hinst, DLL_PROCESS_ATTACH, reserved) calls, marking them initialized as they succeed.
// reserved is non-zero for DLLs loaded at process start (as Windows passes), zero for LoadLibrary.
func (p *Process) attachCalls(reserved uint32) []guestCall {
	var out []guestCall
	for _, m := range p.InitOrder {
		if m.Initialized {
			continue
		}
		m := m
		out = append(out, tlsCalls(m, abi.DLL_PROCESS_ATTACH)...)
		if m.Entry != 0 && m.HasEntry() {
			out = append(out, guestCall{fn: m.Entry, args: []uint32{m.Base, abi.DLL_PROCESS_ATTACH, reserved},
				check: func(eax uint32) bool { m.Initialized = eax != 0; return eax != 0 }})
		} else {
			m.Initialized = true
		}
	}
	return out
}

// InitModules runs DllMain(DLL_PROCESS_ATTACH) (and TLS callbacks) in t for every module of t's process that is
// loaded but not initialized, in initialization order, then done(ok); ok is false when a DllMain returned FALSE
// (LoadLibrary then fails). Modules without an entry point are marked initialized at once.
func (k *Kernel) InitModules(t *Thread, done func(t *Thread, ok bool)) {
	k.setupStaticTLS(t.Proc)
	k.callChain(t, t.Proc.attachCalls(0), done)
}

// threadStart is the first thing every thread does (EIP = Process.ThreadStart()): the main thread initializes the
// DLLs loaded with the exe (DllMain with DLL_PROCESS_ATTACH, TLS callbacks first) and runs the exe's TLS
// callbacks, then calls the entry point with the PEB as its argument; other threads notify the DLLs with
// DLL_THREAD_ATTACH and call their start routine with its parameter. When the call returns, the thread exits
// with the result (the last thread's exit ends the process, with that code).
func (k *Kernel) threadStart(t *Thread) {
	if at := t.Proc.ThreadStart(); len(t.frames) != 0 || t.CPU.EIP != at || t.started {
		k.raise(t, cpu.Exception{Kind: cpu.AccessViolation, EIP: at, Addr: at})
		return
	}
	p := t.Proc
	// As on Windows, where a thread starts in ntdll's RtlUserThreadStart with EAX = the start routine (the
	// entry point for a main thread) and EBX = its parameter (the PEB), the routine and parameter are taken
	// from the registers at the first instruction: a SetThreadContext on a suspended thread that changes EAX
	// changes where it starts.
	start, param := t.CPU.Regs[cpu.EAX], t.CPU.Regs[cpu.EBX]
	k.threadInit(t, func(t *Thread) {
		if t.main {
			k.emit(Event{Kind: "entry", PID: p.ID, TID: t.ID, EIP: start,
				Text: "calling the entry point (the C runtime's start-up code, which calls main)"})
		}
		t.CPU.Regs[cpu.EAX] = start
		t.CPU.Regs[cpu.EBX] = param
		if !t.CallGuest(start, []uint32{param}, func(t *Thread, eax uint32) { k.ExitThread(t, eax) }) {
			k.raiseStackOverflow(t)
		}
	})
}

// redirectedStart runs the start sequence of a thread whose context was changed before it first ran so that
// it no longer begins at StubThreadStart (SetThreadContext of EIP on a suspended thread): as on Windows, where
// the loader's initialization runs before the thread's context is resumed, the DLL and TLS notifications run
// first, then the thread continues in the context it was given.
func (k *Kernel) redirectedStart(t *Thread) {
	ctx := t.CPU.SaveContext()
	k.threadInit(t, func(t *Thread) { t.CPU.LoadContext(ctx) })
}

// threadInit is the start sequence of t up to its start routine (marking t started): static TLS, then for the
// main thread DLL_PROCESS_ATTACH to the DLLs and the exe's TLS callbacks, for other threads DLL_THREAD_ATTACH;
// then, unless a DllMain refused (the process ends with STATUS_DLL_INIT_FAILED), then(t).
func (k *Kernel) threadInit(t *Thread, then func(t *Thread)) {
	t.started = true
	p := t.Proc
	k.setupStaticTLS(p)
	k.threadTLS(t)
	var calls []guestCall
	if t.main {
		calls = p.attachCalls(1)
		if p.Image != nil {
			calls = append(calls, tlsCalls(p.Image, abi.DLL_PROCESS_ATTACH)...)
		}
	} else {
		for _, m := range p.InitOrder {
			if m.Initialized {
				calls = append(calls, tlsCalls(m, abi.DLL_THREAD_ATTACH)...)
				if m.Entry != 0 && m.HasEntry() {
					calls = append(calls, guestCall{fn: m.Entry, args: []uint32{m.Base, abi.DLL_THREAD_ATTACH, 0}})
				}
			}
		}
		if p.Image != nil {
			calls = append(calls, tlsCalls(p.Image, abi.DLL_THREAD_ATTACH)...)
		}
	}
	k.callChain(t, calls, func(t *Thread, ok bool) {
		if !ok {
			name := "a DLL" // the first module left uninitialized is the one whose DllMain said no
			for _, m := range p.InitOrder {
				if !m.Initialized {
					name = m.BaseName
					break
				}
			}
			k.emit(Event{Kind: "error", PID: p.ID, TID: t.ID, Code: CodeOf(uint32(abi.STATUS_DLL_INIT_FAILED)),
				Text: name + "'s initialization routine (DllMain) returned FALSE: the process cannot start"})
			k.TerminateProcess(p, uint32(abi.STATUS_DLL_INIT_FAILED))
			return
		}
		k.callChain(t, k.threadStartCalls(t), func(t *Thread, _ bool) { then(t) })
	})
}

// setupStaticTLS gives every module of p that has a TLS directory and no index yet its static-TLS index
// (written to the image's index slot), in load order.
func (k *Kernel) setupStaticTLS(p *Process) {
	for _, m := range p.Modules {
		if m.TLS == nil || m.tlsSet {
			continue
		}
		m.tlsIndex, m.tlsSet = p.tlsCount, true
		p.tlsCount++
		if m.TLS.IndexAddr != 0 {
			_ = put32(p.Space, m.TLS.IndexAddr, uint32(m.tlsIndex))
		}
		// Threads that already run get their block now (a DLL with TLS loaded by LoadLibrary).
		for _, t := range p.threads {
			if t.tlsArray != 0 {
				k.threadTLS(t)
			}
		}
	}
}

// threadTLS (re)builds t's ThreadLocalStoragePointer array: one block per static-TLS module, with the module's
// template copied in and the rest zeroed. Blocks already made are kept.
func (k *Kernel) threadTLS(t *Thread) {
	p := t.Proc
	if p.tlsCount == 0 {
		return
	}
	if t.tlsBlocks == nil {
		t.tlsBlocks = map[int]uint32{}
	}
	arr, err := p.arena.alloc(uint32(4 * p.tlsCount))
	if err != nil {
		return
	}
	for _, m := range p.Modules {
		if m.TLS == nil || !m.tlsSet {
			continue
		}
		blk, ok := t.tlsBlocks[m.tlsIndex]
		if !ok {
			tmpl := m.TLS.TemplateEnd - m.TLS.TemplateStart
			if m.TLS.TemplateEnd < m.TLS.TemplateStart || tmpl > 1<<20 || m.TLS.ZeroFill > 1<<20 {
				tmpl = 0
			}
			blk, err = p.arena.alloc(tmpl + m.TLS.ZeroFill)
			if err != nil {
				return
			}
			if tmpl > 0 {
				buf := make([]byte, tmpl)
				if p.Space.ReadBytes(m.TLS.TemplateStart, buf, readForce) == nil {
					_ = p.Space.WriteBytes(blk, buf, kacc)
				}
			}
			t.tlsBlocks[m.tlsIndex] = blk
		}
		_ = put32(p.Space, arr+4*uint32(m.tlsIndex), blk)
	}
	t.tlsArray = arr
	_ = put32(p.Space, t.TEB+abi.TEB_ThreadLocalStorage, arr)
}
