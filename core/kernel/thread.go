package kernel

import (
	"fmt"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/mm"
)

// Kernel stubs: one page of UD2 bytes at StubBase in every process, inside the CPU's thunk ranges, whose addresses
// the kernel itself handles (they never reach the system layer's Dispatch).
const (
	StubBase = 0x7FFC0000
	// StubReturn is the return address pushed by Thread.CallGuest: reaching it means the guest function returned.
	StubReturn = StubBase + 0x00
	// StubThreadStart is where every thread begins: the kernel runs its start sequence (DLL and TLS
	// notifications, then the start routine through CallGuest, then ExitThread with the result).
	StubThreadStart = StubBase + 0x10
	stubSize        = mm.PageSize
)

// ThreadState is where a thread is in its life.
type ThreadState uint8

// Thread states.
const (
	ThreadReady      ThreadState = iota // runnable (when not suspended)
	ThreadWaiting                       // blocked in a wait or a sleep
	ThreadTerminated                    // ended; the object lives while referenced
)

func (s ThreadState) String() string {
	switch s {
	case ThreadReady:
		return "ready"
	case ThreadWaiting:
		return "waiting"
	case ThreadTerminated:
		return "terminated"
	}
	return "state?"
}

// Thread is a thread kernel object: one CPU (registers, FPU/SSE state) over its process's address space, a TEB,
// a stack, and its scheduling state. A Thread holds a reference on its process for as long as the object lives.
type Thread struct {
	ObjectHeader
	ID   uint32
	Proc *Process
	CPU  *cpu.CPU
	TEB  uint32
	// Stack: [StackAlloc, StackBase) is the reservation; StackLimit the lowest committed address.
	StackAlloc, StackBase, StackLimit uint32
	// Start is the start routine, Param its argument (for the main thread: the exe's entry point and the PEB).
	Start, Param uint32

	state    ThreadState
	suspend  int
	exitCode uint32
	main     bool
	started  bool // the start sequence (DLL and TLS notifications) has begun (start.go)
	idle     bool // explorer's idle thread: never runs, not counted for deadlocks
	frames   []guestFrame
	wait     *wait
	timedOut bool
	tebSlot  int
	seh      []*records // exception dispatches in progress, innermost last (seh.go)
	// tlsArray is the ThreadLocalStoragePointer array; tlsBlocks the static-TLS block per index.
	tlsArray  uint32
	tlsBlocks map[int]uint32
	// priority is the relative priority (THREAD_PRIORITY_*); readySince is 1 + the clock when the thread was
	// last seen runnable without the CPU (0: running or not runnable); boosted marks an anti-starvation boost
	// for the next slice (priority.go).
	priority   int
	readySince uint64
	boosted    bool
	// owned are the objects (mutexes) the thread owns, abandoned when it ends (owned.go).
	owned []Abandonable
	// result is what a signal-time satisfied wait returns (hasResult: there is one), for the call blocked at
	// resultEIP with ESP resultESP (waitinfo.go).
	result, resultEIP, resultESP uint32
	hasResult                    bool
}

// guestFrame is one outstanding CallGuest: the ESP to restore, where the return address was pushed (retSP) and
// how many argument bytes the callee may pop, and what to do with the result.
type guestFrame struct {
	esp, retSP, argBytes uint32
	then                 func(t *Thread, eax uint32)
}

// wait is what a waiting thread waits for: objects (any or all of them), a deadline on the machine clock, and
// whether the host can end it (console input), which makes an all-blocked machine "idle" rather than deadlocked.
type wait struct {
	objects  []Object
	all      bool
	deadline uint64 // 0: none
	host     bool
	// satisfy, if set, is tried when one of the objects is signaled (ObjectHeader.Signal).
	satisfy func() (uint32, bool)
}

// State returns the thread's state.
func (t *Thread) State() ThreadState { return t.state }

// ExitCode returns STILL_ACTIVE while the thread runs, then its exit code.
func (t *Thread) ExitCode() uint32 {
	if t.state != ThreadTerminated {
		return abi.STILL_ACTIVE
	}
	return t.exitCode
}

// SuspendCount returns the suspend count (CREATE_SUSPENDED starts at 1).
func (t *Thread) SuspendCount() int { return t.suspend }

// IsMain reports whether t is its process's first thread.
func (t *Thread) IsMain() bool { return t.main }

// Runnable reports whether the scheduler may give t the CPU.
func (t *Thread) Runnable() bool { return t.state == ThreadReady && t.suspend == 0 && !t.idle }

// Suspend increments the suspend count and returns the previous one.
func (t *Thread) Suspend() int { t.suspend++; return t.suspend - 1 }

// Resume decrements the suspend count (not below zero) and returns the previous one.
func (t *Thread) Resume() int {
	prev := t.suspend
	if t.suspend > 0 {
		t.suspend--
	}
	return prev
}

// SetLastError stores v in the TEB's LastErrorValue.
func (t *Thread) SetLastError(v uint32) { _ = put32(t.Proc.Space, t.TEB+abi.TEB_LastErrorValue, v) }

// LastError reads the TEB's LastErrorValue.
func (t *Thread) LastError() uint32 {
	v, _ := get32(t.Proc.Space, t.TEB+abi.TEB_LastErrorValue)
	return v
}

// Arg returns the i-th dword argument of a stdcall/cdecl function whose call just stopped at a thunk (ESP points
// at the return address). ok is false when the stack cannot be read.
func (t *Thread) Arg(i int) (uint32, bool) {
	return t.Proc.Space.Read32(t.CPU.Regs[cpu.ESP] + 4 + 4*uint32(i))
}

// Return completes an API call stopped at a thunk: EAX = eax, EDX = edx, pop the return address and argBytes of
// stdcall arguments (0 for cdecl), continue at the return address. ok is false when the stack is unreadable
// (the caller then raises an access violation).
func (t *Thread) Return(eax, edx uint32, argBytes uint32) bool {
	esp := t.CPU.Regs[cpu.ESP]
	ret, ok := t.Proc.Space.Read32(esp)
	if !ok {
		return false
	}
	t.CPU.Regs[cpu.EAX], t.CPU.Regs[cpu.EDX] = eax, edx
	t.CPU.Regs[cpu.ESP] = esp + 4 + argBytes
	t.CPU.EIP = ret
	return true
}

// CallGuest calls guest function fn with args (stdcall or cdecl: the stack is restored either way) on t's stack;
// when it returns, then runs with EAX. Calls nest: then may call CallGuest again. The caller must leave t's
// registers alone until then runs. It returns false when the stack cannot be written (the thread's stack is
// exhausted); then is not called in that case.
func (t *Thread) CallGuest(fn uint32, args []uint32, then func(t *Thread, eax uint32)) bool {
	esp := t.CPU.Regs[cpu.ESP]
	sp := esp
	s := t.Proc.Space
	for i := len(args) - 1; i >= 0; i-- {
		sp -= 4
		if !s.Write32(sp, args[i]) {
			return false
		}
	}
	sp -= 4
	if !s.Write32(sp, StubReturn) {
		return false
	}
	t.frames = append(t.frames, guestFrame{esp: esp, retSP: sp, argBytes: 4 * uint32(len(args)), then: then})
	t.CPU.Regs[cpu.ESP] = sp
	t.CPU.EIP = fn
	return true
}

// guestReturned handles StubReturn: the innermost CallGuest finished.
func (k *Kernel) guestReturned(t *Thread) {
	// The guest returned to StubReturn: ESP is just above the return address, plus the arguments for a stdcall
	// callee. Continuations of deeper calls the guest abandoned (it resumed an outer context) are dropped.
	esp := t.CPU.Regs[cpu.ESP]
	match := func(f guestFrame) bool { return esp >= f.retSP+4 && esp <= f.retSP+4+f.argBytes }
	for len(t.frames) > 0 && !match(t.frames[len(t.frames)-1]) && t.frames[len(t.frames)-1].retSP+4 < esp {
		t.frames = t.frames[:len(t.frames)-1]
	}
	if len(t.frames) == 0 || !match(t.frames[len(t.frames)-1]) {
		k.raise(t, cpu.Exception{Kind: cpu.AccessViolation, EIP: StubReturn, Addr: StubReturn, Access: mm.AccessExec})
		return
	}
	f := t.frames[len(t.frames)-1]
	t.frames = t.frames[:len(t.frames)-1]
	t.CPU.Regs[cpu.ESP] = f.esp
	f.then(t, t.CPU.Regs[cpu.EAX])
}

// Block puts t into a wait on objs (any, or all of them), with a deadline in instructions from now (0: none);
// host says the host can end the wait (console input). The API call that blocks has not completed: when the
// thread is woken it stops at the same thunk again and the handler re-checks (restartable calls). Use
// SleepFor for a wait that completes first.
func (t *Thread) Block(objs []Object, all bool, timeout uint64, host bool) {
	k := t.Proc.kernel
	w := &wait{objects: objs, all: all, host: host}
	if timeout != 0 {
		w.deadline = k.clock + timeout
	}
	t.wait, t.state, t.timedOut = w, ThreadWaiting, false
	for _, o := range objs {
		o.Header().addWaiter(t)
	}
}

// SleepFor blocks t for n instructions of virtual time with no object to wait on (Sleep after its call has
// completed).
func (t *Thread) SleepFor(n uint64) {
	if n == 0 {
		n = 1
	}
	t.Block(nil, false, n, false)
}

// TimedOut reports whether t's last wait ended by its deadline (read by a restarted wait handler), and clears it.
func (t *Thread) TimedOut() bool {
	r := t.timedOut
	t.timedOut = false
	return r
}

// wake ends t's wait (an object it waits on was signaled); the restarted call re-checks its condition.
func (t *Thread) wake() {
	if t.wait == nil {
		return
	}
	for _, o := range t.wait.objects {
		o.Header().removeWaiter(t)
	}
	t.wait = nil
	if t.state == ThreadWaiting {
		t.state = ThreadReady
	}
}

// newThread creates a thread of p that starts at StubThreadStart and runs start(param): its object, ID, stack
// (reserve/commit from the arguments, with a guard page), TEB and CPU. It is not yet scheduled.
func (k *Kernel) newThread(p *Process, start, param, stackReserve, stackCommit uint32, suspended bool) (*Thread, error) {
	id := k.ids.Alloc()
	if id == 0 {
		return nil, fmt.Errorf("kernel: out of thread IDs")
	}
	t := &Thread{ID: id, Proc: p, Start: start, Param: param, tebSlot: -1}
	t.Init(TypeThread, "", func() { k.destroyThread(t) })
	p.Ref() // the thread's reference on its process
	if suspended {
		t.suspend = 1
	}
	if err := k.setupStack(t, stackReserve, stackCommit); err != nil {
		t.Unref()
		return nil, err
	}
	if err := k.setupTEB(t); err != nil {
		t.Unref()
		return nil, err
	}
	t.CPU = cpu.New(p.Space, p.Cache)
	t.CPU.ThunkRanges = append([]cpu.Range(nil), p.thunkRanges...)
	for _, a := range p.Breakpoints() {
		t.CPU.SetBreakpoint(a)
	}
	t.CPU.FSBase = t.TEB
	t.CPU.EIP = p.ThreadStart()
	t.CPU.Regs[cpu.ESP] = t.StackBase - 16
	t.CPU.Regs[cpu.EAX] = start
	t.CPU.Regs[cpu.EBX] = param
	t.main = len(p.threads) == 0
	p.threads = append(p.threads, t)
	return t, nil
}

// setupStack reserves the stack (rounded to 64 KiB), commits its top stackCommit bytes and makes the page below
// them a guard page, as Windows does; the guard grows the stack on first touch (see growStack).
func (k *Kernel) setupStack(t *Thread, reserve, commit uint32) error {
	s := t.Proc.Space
	if reserve == 0 {
		reserve = 0x100000
	}
	if reserve > 256<<20 {
		reserve = 256 << 20
	}
	reserve = (reserve + 0xFFFF) &^ 0xFFFF
	commit = (commit + mm.PageSize - 1) &^ (mm.PageSize - 1)
	if commit == 0 {
		commit = mm.PageSize
	}
	if commit > reserve-2*mm.PageSize {
		commit = reserve - 2*mm.PageSize
	}
	base, err := s.Reserve(0, reserve, mm.ProtRead|mm.ProtWrite, mm.TypePrivate, false)
	if err != nil {
		return fmt.Errorf("kernel: reserve stack: %w", err)
	}
	top := base + reserve
	if err := s.Commit(top-commit, commit, mm.ProtRead|mm.ProtWrite); err != nil {
		return fmt.Errorf("kernel: commit stack: %w", err)
	}
	if err := s.Commit(top-commit-mm.PageSize, mm.PageSize, mm.ProtRead|mm.ProtWrite|mm.ProtGuard); err != nil {
		return fmt.Errorf("kernel: stack guard: %w", err)
	}
	t.StackAlloc, t.StackBase, t.StackLimit = base, top, top-commit
	return nil
}

// growStack handles a guard-page fault at addr inside t's stack: the touched page is now committed (mm cleared
// its guard bit); the page below becomes the new guard, as long as one page is left above the reservation's
// bottom. It reports false when the fault was not a stack guard page or the stack is exhausted (then
// STATUS_STACK_OVERFLOW is raised, once the last page was handed out).
func (k *Kernel) growStack(t *Thread, addr uint32) (handled, overflow bool) {
	if addr < t.StackAlloc || addr >= t.StackBase {
		return false, false
	}
	page := addr &^ (mm.PageSize - 1)
	t.StackLimit = page
	_ = put32(t.Proc.Space, t.TEB+abi.TEB_StackLimit, page)
	if page-mm.PageSize < t.StackAlloc+mm.PageSize {
		return true, true
	}
	if err := t.Proc.Space.Commit(page-mm.PageSize, mm.PageSize, mm.ProtRead|mm.ProtWrite|mm.ProtGuard); err != nil {
		return true, true
	}
	return true, false
}

// setupTEB allocates the thread's TEB slot and fills it: the NT_TIB (exception list -1, stack base and limit,
// self), client ID, PEB pointer, DeallocationStack, TLS storage pointer (filled by the system layer when the
// image has static TLS).
func (k *Kernel) setupTEB(t *Thread) error {
	p := t.Proc
	teb, slot, err := p.allocTEB()
	if err != nil {
		return err
	}
	t.TEB, t.tebSlot = teb, slot
	s := p.Space
	fields := []struct{ off, v uint32 }{
		{abi.TEB_ExceptionList, abi.ChainEnd},
		{abi.TEB_StackBase, t.StackBase},
		{abi.TEB_StackLimit, t.StackLimit},
		{abi.TEB_Self, teb},
		{abi.TEB_ClientIdProcess, p.ID},
		{abi.TEB_ClientIdThread, t.ID},
		{abi.TEB_ProcessEnvironment, p.PEB},
		{abi.TEB_CurrentLocale, 0x409},
		{abi.TEB_DeallocationStack, t.StackAlloc},
	}
	for _, f := range fields {
		if err := put32(s, teb+f.off, f.v); err != nil {
			return err
		}
	}
	return nil
}

// destroyThread runs when the last reference to t goes: its ID returns to the pool and its process loses the
// thread's reference.
func (k *Kernel) destroyThread(t *Thread) {
	k.ids.Free(t.ID)
	t.Proc.Unref()
}
