package win32

import (
	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

func init() {
	kernel32.Add(
		Export{Name: "CreateThread", ArgBytes: 24, Handler: createThread},
		Export{Name: "ReleaseMutex", ArgBytes: 4, Handler: releaseMutex},
		Export{Name: "InitOnceInitialize", ArgBytes: 4, Handler: func(c *Call) { c.W32(c.Arg(0), 0); c.Return(0) }},
		Export{Name: "InitOnceExecuteOnce", ArgBytes: 16, Handler: initOnceExecuteOnce},
		Export{Name: "InitializeSRWLock", ArgBytes: 4, Handler: func(c *Call) { c.W32(c.Arg(0), 0); c.Return(0) }},
		Export{Name: "AcquireSRWLockExclusive", ArgBytes: 4, Handler: func(c *Call) { srwAcquire(c, true) }},
		Export{Name: "AcquireSRWLockShared", ArgBytes: 4, Handler: func(c *Call) { srwAcquire(c, false) }},
		Export{Name: "ReleaseSRWLockExclusive", ArgBytes: 4, Handler: func(c *Call) { srwRelease(c, true) }},
		Export{Name: "ReleaseSRWLockShared", ArgBytes: 4, Handler: func(c *Call) { srwRelease(c, false) }},
		Export{Name: "TryAcquireSRWLockExclusive", ArgBytes: 4, Handler: func(c *Call) { srwTry(c, true) }},
		Export{Name: "TryAcquireSRWLockShared", ArgBytes: 4, Handler: func(c *Call) { srwTry(c, false) }},
		Export{Name: "GetCurrentPackageId", ArgBytes: 8, Handler: func(c *Call) { c.Return(15700) }}, // APPMODEL_ERROR_NO_PACKAGE
		Export{Name: "RtlCaptureContext", ArgBytes: 4, Handler: rtlCaptureContext},
		Export{Name: "GetThreadContext", ArgBytes: 8, Handler: getThreadContext},
		Export{Name: "SetThreadContext", ArgBytes: 8, Handler: setThreadContext},
	)
	msvcrt.Add(
		Export{Name: "_beginthreadex", Handler: beginThreadEx},
		Export{Name: "_beginthread", Handler: beginThread},
		Export{Name: "_endthreadex", Handler: func(c *Call) { c.K.ExitThread(c.T, c.Arg(0)) }},
		Export{Name: "_endthread", Handler: func(c *Call) { c.K.ExitThread(c.T, 0) }},
	)
}

// newThreadHandle creates a thread of c's process and a handle to it.
func newThreadHandle(c *Call, start, param, stack, flags uint32) (*kernel.Thread, kernel.Handle, bool) {
	reserve, commit := kernel.ThreadStack(c.P, stack, flags&abi.STACK_SIZE_PARAM_IS_A_RESERVATION != 0)
	t, err := c.K.CreateThreadStack(c.P, start, param, reserve, commit, flags&abi.CREATE_SUSPENDED != 0)
	if err != nil {
		return nil, 0, false
	}
	h, ok := c.P.Handles.Insert(t, abi.THREAD_ALL_ACCESS, false)
	return t, h, ok
}

func createThread(c *Call) {
	_, stack, start, param, flags, ptid := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4), c.Arg(5)
	t, h, ok := newThreadHandle(c, start, param, stack, flags)
	if !ok {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	if ptid != 0 {
		c.W32(ptid, t.ID)
	}
	c.Return(uint32(h))
}

// beginThreadEx is _beginthreadex(security, stack, start, arg, flags, &tid): like CreateThread (the thread's
// return value is its exit code).
func beginThreadEx(c *Call) {
	_, stack, start, param, flags, ptid := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4), c.Arg(5)
	t, h, ok := newThreadHandle(c, start, param, stack, flags)
	if !ok {
		c.SetErrno(11) // EAGAIN
		c.Return(0)
		return
	}
	if ptid != 0 {
		c.W32(ptid, t.ID)
	}
	c.Return(uint32(h))
}

// beginThread is _beginthread(start, stack, arg): the handle is closed by the runtime when the thread ends;
// here the program gets a handle value it must not close (as with msvcrt).
func beginThread(c *Call) {
	start, stack, param := c.Arg(0), c.Arg(1), c.Arg(2)
	t, err := c.K.CreateThread(c.P, start, param, stack, false)
	if err != nil {
		c.SetErrno(11)
		c.Return(0xFFFFFFFF)
		return
	}
	h, ok := c.P.Handles.Insert(t, abi.THREAD_ALL_ACCESS, false)
	if !ok {
		c.Return(0xFFFFFFFF)
		return
	}
	c.Return(uint32(h))
}

// Mutex is a Win32 mutex: owned by one thread at a time, recursively.
type Mutex struct {
	kernel.ObjectHeader
	Owner *kernel.Thread
	Count int
	// abandoned: the owner ended without releasing it; the next wait that takes it reports WAIT_ABANDONED
	// (tookAbandoned says whether the last acquisition did).
	abandoned, tookAbandoned bool
}

// Abandon frees the mutex when its owner t ends without releasing it (kernel.Abandonable).
func (m *Mutex) Abandon(t *kernel.Thread) {
	if m.Owner != t {
		return
	}
	m.Owner, m.Count, m.abandoned = nil, 0, true
	m.Signal()
}

func releaseMutex(c *Call) {
	o, ok := c.Object(c.Arg(0))
	m, isM := o.(*Mutex)
	if !ok || !isM {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if m.Owner != c.T {
		c.Fail(abi.ERROR_NOT_OWNER, 0)
		return
	}
	m.Count--
	if m.Count == 0 {
		m.Owner = nil
		c.T.Disown(m)
		m.Signal()
	}
	c.Return(1)
}

// initOnceExecuteOnce runs fn(initOnce, param, &context) once per INIT_ONCE; the state word is 0 (not run),
// 1 (running) or 2 (done, with the context in its upper bits as Windows keeps it).
func initOnceExecuteOnce(c *Call) {
	once, fn, param, ctx := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	v, ok := c.R32(once)
	if !ok {
		c.Fault(once, false)
		return
	}
	switch v & 3 {
	case 2:
		if ctx != 0 {
			c.W32(ctx, v&^3)
		}
		c.Return(1)
		return
	case 1:
		// Another thread runs the function: wait until it completes (the restarted call sees the new state).
		// A real wait, not a poll: a state nobody will complete is a deadlock the scheduler reports, not a
		// loop that burns the host's time without retiring instructions.
		e := onceEvent(c, once)
		e.Reset()
		c.Block([]kernel.Object{e}, false, 0, false)
		return
	}
	c.W32(once, 1)
	tmp, err := c.P.Alloc(4)
	if err != nil {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	c.CallGuest(fn, []uint32{once, param, tmp}, func(c *Call, eax uint32) {
		onceEvent(c, once).Signal()
		if eax == 0 {
			c.W32(once, 0)
			c.Fail(abi.ERROR_GEN_FAILURE, 0)
			return
		}
		cv, _ := c.R32(tmp)
		c.W32(once, cv&^3|2)
		if ctx != 0 {
			c.W32(ctx, cv&^3)
		}
		c.Return(1)
	})
}

// onceEvent is the event that threads waiting for the INIT_ONCE at once wait on (signaled when its function
// returns).
func onceEvent(c *Call, once uint32) *kernel.SyncEvent {
	st := c.State()
	m, _ := st.Ext["initonce"].(map[uint32]*kernel.SyncEvent)
	if m == nil {
		m = map[uint32]*kernel.SyncEvent{}
		st.Ext["initonce"] = m
	}
	if m[once] == nil {
		m[once] = kernel.NewEvent("", true, false)
	}
	return m[once]
}

// SRW locks: the pointer-sized word holds 0 (free), 1 (exclusively owned) or 2*readers (shared).
func srwEvent(c *Call, lock uint32) *kernel.SyncEvent {
	st := c.State()
	m, _ := st.Ext["srw"].(map[uint32]*kernel.SyncEvent)
	if m == nil {
		m = map[uint32]*kernel.SyncEvent{}
		st.Ext["srw"] = m
	}
	if m[lock] == nil {
		m[lock] = kernel.NewEvent("", true, false)
	}
	return m[lock]
}

func srwTake(c *Call, lock uint32, exclusive bool) (took, ok bool) {
	v, ok := c.R32(lock)
	if !ok {
		return false, false
	}
	switch {
	case exclusive && v == 0:
		return c.W32(lock, 1), true
	case !exclusive && v&1 == 0:
		return c.W32(lock, v+2), true
	}
	return false, true
}

func srwAcquire(c *Call, exclusive bool) {
	lock := c.Arg(0)
	took, ok := srwTake(c, lock, exclusive)
	if !ok {
		c.Fault(lock, false)
		return
	}
	if !took {
		e := srwEvent(c, lock)
		e.Reset()
		c.Block([]kernel.Object{e}, false, 0, false)
		return
	}
	c.Return(0)
}

func srwTry(c *Call, exclusive bool) {
	lock := c.Arg(0)
	took, ok := srwTake(c, lock, exclusive)
	if !ok {
		c.Fault(lock, false)
		return
	}
	c.Return(b2u(took))
}

func srwRelease(c *Call, exclusive bool) {
	lock := c.Arg(0)
	v, ok := c.R32(lock)
	if !ok {
		c.Fault(lock, false)
		return
	}
	if exclusive || v <= 2 {
		v = 0
	} else {
		v -= 2
	}
	c.W32(lock, v)
	if v == 0 {
		srwEvent(c, lock).Signal()
	}
	c.Return(0)
}

// rtlCaptureContext stores the caller's registers in a CONTEXT as they are after the call returns.
func rtlCaptureContext(c *Call) {
	p := c.Arg(0)
	r := c.T.CPU.Regs
	fields := []struct{ off, v uint32 }{
		{abi.CTX_ContextFlags, abi.CONTEXT_CONTROL | abi.CONTEXT_INTEGER | abi.CONTEXT_SEGMENTS},
		{abi.CTX_Eax, r[cpu.EAX]}, {abi.CTX_Ecx, r[cpu.ECX]}, {abi.CTX_Edx, r[cpu.EDX]}, {abi.CTX_Ebx, r[cpu.EBX]},
		{abi.CTX_Esi, r[cpu.ESI]}, {abi.CTX_Edi, r[cpu.EDI]}, {abi.CTX_Ebp, r[cpu.EBP]},
		{abi.CTX_Esp, r[cpu.ESP] + 4 + 4}, {abi.CTX_Eip, c.RetAddr}, {abi.CTX_EFlags, c.T.CPU.Flags()},
		{abi.CTX_SegCs, abi.SelCS}, {abi.CTX_SegDs, abi.SelDS}, {abi.CTX_SegEs, abi.SelDS}, {abi.CTX_SegSs, abi.SelDS},
		{abi.CTX_SegFs, abi.SelFS}, {abi.CTX_SegGs, abi.SelGS},
	}
	for _, f := range fields {
		if !c.W32(p+f.off, f.v) {
			c.Fault(p+f.off, true)
			return
		}
	}
	c.Return(0)
}

// threadArg resolves a thread handle argument.
func (c *Call) threadArg(i int) (*kernel.Thread, bool) {
	o, ok := c.Object(c.Arg(i))
	t, isT := o.(*kernel.Thread)
	return t, ok && isT && t.State() != kernel.ThreadTerminated
}

func getThreadContext(c *Call) {
	t, ok := c.threadArg(0)
	p := c.Arg(1)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	// For the calling thread itself this is its context at the call (Windows documents it as unreliable).
	if err := t.WriteContextTo(c.Mem, p); err != nil { // the buffer is the caller's, t may be another process's
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func setThreadContext(c *Call) {
	t, ok := c.threadArg(0)
	p := c.Arg(1)
	if !ok || t == c.T {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if err := t.ReadContext(c.Mem, p); err != nil {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}
