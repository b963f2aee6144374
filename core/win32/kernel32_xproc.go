package win32

// Cross-process APIs and the remaining synchronization primitives: another process's memory (Read/
// WriteProcessMemory, VirtualAllocEx and friends), handles duplicated between processes, remote threads,
// waitable timers on the virtual clock, condition variables, WaitOnAddress and SignalObjectAndWait.
//
// Process and thread handles are not checked for access rights: a handle to a process gives every right.
//
// Condition variables and WaitOnAddress share one mechanism, the address wait queue: per process, a FIFO of
// waiting threads per address, each blocked on a private event. A wake takes threads off the queue, marks them
// woken and signals their events; the woken thread's call is dispatched again (calls are restartable) and finds
// its mark. A timed-out wait finds the kernel's timed-out flag instead. The sleeping variants of condition
// variables then re-acquire their lock, blocking again on the lock's own wait object if it is taken.

import (
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/mm"
)

func init() {
	kernel32.Add(
		Export{Name: "ReadProcessMemory", ArgBytes: 20, Handler: readProcessMemory},
		Export{Name: "WriteProcessMemory", ArgBytes: 20, Handler: writeProcessMemory, Note: "read-only pages are written as Windows' kernel32 does (temporarily writable); no access checks"},
		Export{Name: "VirtualAllocEx", ArgBytes: 20, Handler: virtualAllocEx},
		Export{Name: "VirtualFreeEx", ArgBytes: 16, Handler: virtualFreeEx},
		Export{Name: "VirtualProtectEx", ArgBytes: 20, Handler: virtualProtectEx},
		Export{Name: "VirtualQueryEx", ArgBytes: 16, Handler: virtualQueryEx},
		Export{Name: "GetProcessIdOfThread", ArgBytes: 4, Handler: getProcessIDOfThread},
		Export{Name: "CreateRemoteThread", ArgBytes: 28, Handler: func(c *Call) { createRemoteThread(c, false) }},
		Export{Name: "CreateRemoteThreadEx", ArgBytes: 32, Handler: func(c *Call) { createRemoteThread(c, true) }, Note: "attribute list ignored"},
		Export{Name: "CreateWaitableTimerA", ArgBytes: 12, Handler: func(c *Call) { createWaitableTimer(c, false, false) }},
		Export{Name: "CreateWaitableTimerW", ArgBytes: 12, Handler: func(c *Call) { createWaitableTimer(c, true, false) }},
		Export{Name: "CreateWaitableTimerExA", ArgBytes: 16, Handler: func(c *Call) { createWaitableTimer(c, false, true) }},
		Export{Name: "CreateWaitableTimerExW", ArgBytes: 16, Handler: func(c *Call) { createWaitableTimer(c, true, true) }},
		Export{Name: "OpenWaitableTimerA", ArgBytes: 12, Handler: func(c *Call) { openNamed(c, false, kernel.TypeTimer) }},
		Export{Name: "OpenWaitableTimerW", ArgBytes: 12, Handler: func(c *Call) { openNamed(c, true, kernel.TypeTimer) }},
		Export{Name: "SetWaitableTimer", ArgBytes: 24, Handler: setWaitableTimer, Note: "completion routines (APCs) are not called"},
		Export{Name: "SetWaitableTimerEx", ArgBytes: 28, Handler: setWaitableTimer, Note: "completion routines (APCs) are not called"},
		Export{Name: "CancelWaitableTimer", ArgBytes: 4, Handler: cancelWaitableTimer},
		Export{Name: "InitializeConditionVariable", ArgBytes: 4, Handler: initConditionVariable},
		Export{Name: "SleepConditionVariableCS", ArgBytes: 12, Handler: func(c *Call) { sleepConditionVariable(c, false) }},
		Export{Name: "SleepConditionVariableSRW", ArgBytes: 16, Handler: func(c *Call) { sleepConditionVariable(c, true) }},
		Export{Name: "WakeConditionVariable", ArgBytes: 4, Handler: func(c *Call) { wakeAddress(c, keyCV, 1) }},
		Export{Name: "WakeAllConditionVariable", ArgBytes: 4, Handler: func(c *Call) { wakeAddress(c, keyCV, -1) }},
		Export{Name: "WaitOnAddress", ArgBytes: 16, Handler: waitOnAddress},
		Export{Name: "WakeByAddressSingle", ArgBytes: 4, Handler: func(c *Call) { wakeAddress(c, keyAddr, 1) }},
		Export{Name: "WakeByAddressAll", ArgBytes: 4, Handler: func(c *Call) { wakeAddress(c, keyAddr, -1) }},
		Export{Name: "SignalObjectAndWait", ArgBytes: 16, Handler: signalObjectAndWait, Note: "not alertable"},
	)
}

// Constants not (yet) in abi.
const (
	errPartialCopy     = abi.Errno(299) // ERROR_PARTIAL_COPY
	timerManualReset   = 1              // CREATE_WAITABLE_TIMER_MANUAL_RESET
	timerAllAccess     = 0x1F0003       // TIMER_ALL_ACCESS
	conditionLockShare = 1              // CONDITION_VARIABLE_LOCKMODE_SHARED
)

// procArg resolves argument i as a process handle of a process that still has an address space.
func (c *Call) procArg(i int) (*kernel.Process, abi.Errno) {
	o, ok := c.Object(c.Arg(i))
	p, isP := o.(*kernel.Process)
	if !ok || !isP {
		return nil, abi.ERROR_INVALID_HANDLE
	}
	if p.Exited() || p.Space == nil {
		return nil, abi.ERROR_ACCESS_DENIED
	}
	return p, 0
}

// copyBetween copies n bytes from src (user access) to dst, a page at a time, forcing writes to committed
// read-only pages of dst when force is set. It returns the bytes copied before the first failure.
func copyBetween(dst *mm.Space, da uint32, src *mm.Space, sa uint32, n uint32, force bool) (uint32, bool) {
	var buf [mm.PageSize]byte
	var done uint32
	for done < n {
		k := min(n-done, mm.PageSize-(sa+done)%mm.PageSize, mm.PageSize-(da+done)%mm.PageSize)
		b := buf[:k]
		if src.ReadBytes(sa+done, b, mm.AccessRead) != nil {
			return done, false
		}
		if dst.WriteBytes(da+done, b, mm.AccessWrite) != nil {
			if !force || !forceWrite(dst, da+done, b) {
				return done, false
			}
		}
		done += k
	}
	return done, true
}

// forceWrite writes b to committed code pages (PAGE_EXECUTE, PAGE_EXECUTE_READ) as Windows' WriteProcessMemory
// does: it makes them writable for the write and restores them. Read-only and no-access data pages are not
// written (ERROR_NOACCESS). Shared frames are still copied first.
func forceWrite(s *mm.Space, a uint32, b []byte) bool {
	info := s.PageInfo(a)
	if info.State != mm.StateCommit || info.Prot&mm.ProtExec == 0 || info.Prot&mm.ProtGuard != 0 {
		return false
	}
	return s.WriteBytes(a, b, mm.AccessWrite|mm.AccessForce) == nil
}

func readProcessMemory(c *Call) {
	p, e := c.procArg(0)
	base, buf, n, pn := c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	if !userRange(base, n) || !userRange(buf, n) { // NtRead/WriteVirtualMemory: STATUS_ACCESS_VIOLATION, nothing copied
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	got, ok := copyBetween(c.Mem, buf, p.Space, base, n, false)
	if pn != 0 && !c.W32(pn, got) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	if !ok {
		if c.Mem.PageInfo(buf+got).State != mm.StateCommit || !c.Mem.PageInfo(buf+got).Prot.Writable() {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
		c.Fail(errPartialCopy, 0)
		return
	}
	c.Return(1)
}

func writeProcessMemory(c *Call) {
	p, e := c.procArg(0)
	base, buf, n, pn := c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	if !userRange(base, n) || !userRange(buf, n) { // NtRead/WriteVirtualMemory: STATUS_ACCESS_VIOLATION, nothing copied
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	put, ok := copyBetween(p.Space, base, c.Mem, buf, n, true)
	if pn != 0 && !c.W32(pn, put) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	if !ok {
		// A target page that is committed but not writable is ERROR_NOACCESS (kernel32 refuses to unprotect
		// data pages); an unmapped one, or an unreadable source, ERROR_PARTIAL_COPY.
		info := p.Space.PageInfo(base + put)
		if _, srcOK := c.ReadBytes(buf+put, 1); srcOK && info.State == mm.StateCommit {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
		c.Fail(errPartialCopy, 0)
		return
	}
	c.Return(1)
}

// allocIn is VirtualAlloc in space s; it returns the address or the error.
func allocIn(s *mm.Space, addr, size, typ, prot uint32) (uint32, abi.Errno) {
	p, ok := ProtFromWin(prot)
	if !ok || size == 0 || typ&(abi.MEM_COMMIT|abi.MEM_RESERVE|abi.MEM_RESET) == 0 || uint64(addr)+uint64(size) > 0xFFFFFFFF {
		return 0, abi.ERROR_INVALID_PARAMETER
	}
	if typ&abi.MEM_RESET != 0 {
		return addr &^ (mm.PageSize - 1), 0
	}
	topDown := typ&abi.MEM_TOP_DOWN != 0
	if typ&abi.MEM_RESERVE != 0 || addr == 0 {
		rbase := addr &^ (mm.AllocGranularity - 1)
		rsize := roundUp(addr+size, mm.PageSize) - rbase
		if addr == 0 {
			rsize = roundUp(size, mm.PageSize)
		}
		base, err := s.Reserve(rbase, rsize, p, mm.TypePrivate, topDown)
		if err != nil {
			return 0, memErr(err)
		}
		if typ&abi.MEM_COMMIT != 0 {
			if err := s.Commit(base, rsize, p); err != nil {
				_ = s.Release(base)
				return 0, memErr(err)
			}
		}
		return base, 0
	}
	start := addr &^ (mm.PageSize - 1)
	if err := s.Commit(start, roundUp(addr+size, mm.PageSize)-start, p); err != nil {
		return 0, memErr(err)
	}
	return start, 0
}

func virtualAllocEx(c *Call) {
	p, e := c.procArg(0)
	addr, size, typ, prot := c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	a, e := allocIn(p.Space, addr, size, typ, prot)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	c.Return(a)
}

func virtualFreeEx(c *Call) {
	p, e := c.procArg(0)
	addr, size, typ := c.Arg(1), c.Arg(2), c.Arg(3)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	s := p.Space
	var err error
	switch {
	case typ == abi.MEM_RELEASE:
		if size != 0 {
			c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
			return
		}
		err = s.Release(addr)
	case typ == abi.MEM_DECOMMIT:
		start := addr &^ (mm.PageSize - 1)
		if size == 0 {
			info, qerr := s.Query(addr)
			if qerr != nil || info.State == mm.StateFree {
				c.Fail(abi.ERROR_INVALID_ADDRESS, 0)
				return
			}
			err = s.Decommit(info.AllocBase, 0)
			break
		}
		err = s.Decommit(start, roundUp(addr+size, mm.PageSize)-start)
	default:
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	if err != nil {
		c.Fail(memErr(err), 0)
		return
	}
	c.Return(1)
}

func virtualProtectEx(c *Call) {
	p, e := c.procArg(0)
	addr, size, prot, oldp := c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	np, ok := ProtFromWin(prot)
	if !ok {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	if oldp == 0 {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	start := addr &^ (mm.PageSize - 1)
	old, err := p.Space.Protect(start, roundUp(addr+max(size, 1), mm.PageSize)-start, np)
	if err != nil {
		c.Fail(memErr(err), 0)
		return
	}
	if !c.W32(oldp, ProtToWin(old)) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

// putMBI writes the MEMORY_BASIC_INFORMATION of addr in s at buf; false when buf is not writable.
// memStateToWin and memTypeToWin give MEMORY_BASIC_INFORMATION's State and Type for mm's values.
var (
	memStateToWin = [...]uint32{mm.StateFree: abi.MEM_FREE, mm.StateReserve: abi.MEM_RESERVE, mm.StateCommit: abi.MEM_COMMIT}
	memTypeToWin  = [...]uint32{mm.TypeImage: abi.MEM_IMAGE, mm.TypeMapped: abi.MEM_MAPPED, mm.TypePrivate: abi.MEM_PRIVATE}
)

// putMBI writes the MEMORY_BASIC_INFORMATION of addr in space s to buf in the caller's memory (VirtualQuery
// and VirtualQueryEx). An address above lpMaximumApplicationAddress fails with ERROR_INVALID_PARAMETER, as
// on Windows.
func putMBI(c *Call, s *mm.Space, addr, buf uint32) (ok bool, e abi.Errno) {
	if addr > abi.MaxUserAddress {
		return false, abi.ERROR_INVALID_PARAMETER
	}
	info, err := s.Query(addr)
	if err != nil {
		return false, abi.ERROR_INVALID_PARAMETER
	}
	state, typ := memStateToWin[info.State], memTypeToWin[info.Type]
	var prot, allocProt uint32
	if info.State == mm.StateCommit {
		prot = ProtToWin(info.Prot)
	}
	if info.State != mm.StateFree {
		allocProt = ProtToWin(info.AllocProt)
	}
	for _, f := range []struct{ off, v uint32 }{
		{abi.MBI_BaseAddress, info.Base}, {abi.MBI_AllocationBase, info.AllocBase},
		{abi.MBI_AllocationProtect, allocProt}, {abi.MBI_RegionSize, info.Size},
		{abi.MBI_State, state}, {abi.MBI_Protect, prot}, {abi.MBI_Type, typ},
	} {
		if !c.W32(buf+f.off, f.v) {
			return false, abi.ERROR_NOACCESS
		}
	}
	return true, 0
}

func virtualQueryEx(c *Call) {
	p, e := c.procArg(0)
	addr, buf, size := c.Arg(1), c.Arg(2), c.Arg(3)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	if size < abi.MBI_Size {
		c.Fail(abi.ERROR_BAD_LENGTH, 0)
		return
	}
	if ok, e := putMBI(c, p.Space, addr, buf); !ok {
		c.Fail(e, 0)
		return
	}
	c.Return(abi.MBI_Size)
}

func getProcessIDOfThread(c *Call) {
	o, ok := c.Object(c.Arg(0))
	t, isT := o.(*kernel.Thread)
	if !ok || !isT {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	c.Return(t.Proc.ID)
}

func createRemoteThread(c *Call, ex bool) {
	p, e := c.procArg(0)
	stack, start, param, flags := c.Arg(2), c.Arg(3), c.Arg(4), c.Arg(5)
	ptid := c.Arg(6)
	if ex {
		ptid = c.Arg(7)
	}
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	reserve, commit := kernel.ThreadStack(p, stack, flags&abi.STACK_SIZE_PARAM_IS_A_RESERVATION != 0)
	t, err := c.K.CreateThreadStack(p, start, param, reserve, commit, flags&abi.CREATE_SUSPENDED != 0)
	if err != nil {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	h, ok := c.P.Handles.Insert(t, abi.THREAD_ALL_ACCESS, false)
	if !ok {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	if ptid != 0 {
		c.W32(ptid, t.ID)
	}
	c.Succeed(uint32(h))
}

// duplicateHandleX is DuplicateHandle between any two processes the caller has handles to: the source handle
// is looked up in the source process's table (its pseudo-handles meaning that process, and the calling thread
// when the source is the caller), the new handle goes into the target process's table and its value is
// written at lpTargetHandle in the caller's memory.
func duplicateHandleX(c *Call) {
	srcProc, src, dstProc, pdst, access, inherit, opts := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4), c.Arg(5), c.Arg(6)
	so, ok1 := c.Object(srcProc)
	do, ok2 := c.Object(dstProc)
	sp, isP1 := so.(*kernel.Process)
	dp, isP2 := do.(*kernel.Process)
	if !ok1 || !ok2 || !isP1 || !isP2 {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	var obj kernel.Object
	switch {
	case src == abi.CurrentProcess:
		obj = sp
		if opts&abi.DUPLICATE_SAME_ACCESS != 0 {
			access = abi.PROCESS_ALL_ACCESS
		}
	case src == abi.CurrentThread && sp == c.P:
		obj = c.T
		if opts&abi.DUPLICATE_SAME_ACCESS != 0 {
			access = abi.THREAD_ALL_ACCESS
		}
	default:
		ent, ok := sp.Handles.Get(kernel.Handle(src))
		if !ok {
			c.Fail(abi.ERROR_INVALID_HANDLE, 0)
			return
		}
		obj = ent.Object
		if opts&abi.DUPLICATE_SAME_ACCESS != 0 {
			access = ent.Access
		}
	}
	obj.Header().Ref() // keep it alive across a DUPLICATE_CLOSE_SOURCE
	defer obj.Header().Unref()
	if opts&abi.DUPLICATE_CLOSE_SOURCE != 0 && src != abi.CurrentProcess && src != abi.CurrentThread {
		sp.Handles.Close(kernel.Handle(src))
	}
	if dp.Exited() {
		c.Fail(abi.ERROR_ACCESS_DENIED, 0)
		return
	}
	h, ok := dp.Handles.Insert(obj, access, inherit != 0)
	if !ok {
		c.Fail(abi.ERROR_TOO_MANY_OPEN_FILES, 0)
		return
	}
	if pdst != 0 && !c.W32(pdst, uint32(h)) {
		dp.Handles.Close(h)
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

// Waitable timers.

// createWaitableTimer is CreateWaitableTimer(attrs, manual, name) and CreateWaitableTimerEx(attrs, name, flags,
// access); a named timer is in the kernel namespace like the other named objects (kernel32_named.go).
func createWaitableTimer(c *Call, wide, ex bool) {
	inherit, ok := inheritFlag(c, 0)
	var manual, nameOK bool
	var name string
	access := uint32(timerAllAccess)
	if ex {
		name, nameOK = nameArg(c, 1, wide)
		manual, access = c.Arg(2)&timerManualReset != 0, c.Arg(3)
	} else {
		manual = c.Arg(1) != 0
		name, nameOK = nameArg(c, 2, wide)
	}
	if !ok || !nameOK {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	createNamed(c, name, kernel.TypeTimer, access, inherit, func(canon string) kernel.Object {
		return c.K.NewTimer(canon, manual)
	})
}

// timerArg resolves argument i as a waitable timer handle.
func (c *Call) timerArg(i int) (*kernel.SyncEvent, bool) {
	o, ok := c.Object(c.Arg(i))
	e, isE := o.(*kernel.SyncEvent)
	return e, ok && isE && e.Type() == kernel.TypeTimer
}

func setWaitableTimer(c *Call) {
	t, ok := c.timerArg(0)
	pdue, period := c.Arg(1), int32(c.Arg(2))
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	due, rok := c.Mem.Read64(pdue)
	if !rok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	if period < 0 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	// Due times are in 100 ns units: negative relative to now, positive an absolute FILETIME.
	ipm := c.K.InstrPerMs()
	var after uint64
	if d := int64(due); d < 0 {
		after = uint64(-d) * ipm / 10000
	} else if now := c.K.SystemTime(); uint64(d) > now {
		after = (uint64(d) - now) * ipm / 10000
	}
	c.K.SetTimer(t, after, uint64(period)*ipm)
	c.Succeed(1)
}

func cancelWaitableTimer(c *Call) {
	t, ok := c.timerArg(0)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	c.K.CancelTimer(t)
	c.Return(1)
}

// Address wait queues (condition variables, WaitOnAddress).

type waitKey struct {
	kind int
	addr uint32
}

const (
	keyCV = iota
	keyAddr
)

// addrWaiter is one thread waiting in an address queue.
type addrWaiter struct {
	t        *kernel.Thread
	ev       *kernel.SyncEvent
	key      waitKey
	deadline uint64 // machine clock; 0: none
	woken    bool
	// For condition variables: the lock to re-acquire and whether the wait is over (reacquiring).
	lock      uint32
	srw       bool
	shared    bool
	reacquire bool
	timedOut  bool
}

type addrWaits struct {
	queues   map[waitKey][]*addrWaiter
	byThread map[*kernel.Thread]*addrWaiter
}

func addrState(c *Call) *addrWaits {
	st := c.State()
	w, _ := st.Ext["xproc.addrwait"].(*addrWaits)
	if w == nil {
		w = &addrWaits{queues: map[waitKey][]*addrWaiter{}, byThread: map[*kernel.Thread]*addrWaiter{}}
		st.Ext["xproc.addrwait"] = w
	}
	return w
}

// enqueue adds the calling thread to key's queue with a timeout in milliseconds (INFINITE: none) and blocks.
func (a *addrWaits) enqueue(c *Call, key waitKey, ms uint32) *addrWaiter {
	w := &addrWaiter{t: c.T, ev: kernel.NewEvent("", false, false), key: key}
	if ms != abi.INFINITE {
		w.deadline = c.K.Clock() + max(uint64(ms)*c.K.InstrPerMs(), 1)
	}
	a.queues[key] = append(a.queues[key], w)
	a.byThread[c.T] = w
	return w
}

// block makes the thread wait for w's wake or deadline.
func (w *addrWaiter) block(c *Call) {
	var timeout uint64
	if w.deadline != 0 {
		timeout = max(w.deadline-min(w.deadline, c.K.Clock()), 1)
	}
	w.ev.Reset()
	c.T.TimedOut()
	c.Block([]kernel.Object{w.ev}, false, timeout, false)
}

// dequeue removes w from its queue (a timed-out wait).
func (a *addrWaits) dequeue(w *addrWaiter) {
	q := a.queues[w.key]
	for i, x := range q {
		if x == w {
			q = append(q[:i], q[i+1:]...)
			break
		}
	}
	if len(q) == 0 {
		delete(a.queues, w.key)
	} else {
		a.queues[w.key] = q
	}
}

// pending returns the calling thread's wait in progress: whether it has ended by a wake or a timeout (over),
// and timedOut. ok is false when the thread has no wait in progress (a fresh call).
func (a *addrWaits) pending(c *Call) (w *addrWaiter, ok bool) {
	w = a.byThread[c.T]
	if w == nil {
		return nil, false
	}
	if !w.woken && !w.reacquire && (c.T.TimedOut() || (w.deadline != 0 && c.K.Clock() >= w.deadline)) {
		a.dequeue(w)
		w.timedOut = true
	}
	return w, true
}

func wakeAddress(c *Call, kind, n int) {
	addr := c.Arg(0)
	a := addrState(c)
	key := waitKey{kind, addr}
	q := a.queues[key]
	for n != 0 && len(q) > 0 {
		w := q[0]
		q = q[1:]
		if w.t.State() == kernel.ThreadTerminated {
			delete(a.byThread, w.t)
			continue
		}
		w.woken = true
		w.ev.Signal()
		n--
	}
	if len(q) == 0 {
		delete(a.queues, key)
	} else {
		a.queues[key] = q
	}
	c.Return(0)
}

func waitOnAddress(c *Call) {
	addr, cmp, size, ms := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	a := addrState(c)
	if w, ok := a.pending(c); ok {
		switch {
		case w.woken:
			delete(a.byThread, c.T)
			c.Return(1)
		case w.timedOut:
			delete(a.byThread, c.T)
			c.Fail(abi.ERROR_TIMEOUT, 0)
		default:
			w.block(c)
		}
		return
	}
	if size != 1 && size != 2 && size != 4 && size != 8 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	cur, ok1 := c.ReadBytes(addr, int(size))
	want, ok2 := c.ReadBytes(cmp, int(size))
	if !ok1 || !ok2 {
		c.Fault(addr, false)
		return
	}
	if string(cur) != string(want) {
		c.Return(1)
		return
	}
	if ms == 0 {
		c.Fail(abi.ERROR_TIMEOUT, 0)
		return
	}
	a.enqueue(c, waitKey{keyAddr, addr}, ms).block(c)
}

func initConditionVariable(c *Call) {
	p := c.Arg(0)
	if !c.W32(p, 0) {
		c.Fault(p, true)
		return
	}
	c.Return(0)
}

// csRelease leaves critical section cs once if the calling thread owns it (no return).
func csRelease(c *Call, cs uint32) bool {
	owner, ok1 := c.R32(cs + abi.CS_OwningThread)
	rec, ok2 := c.R32(cs + abi.CS_RecursionCount)
	if !ok1 || !ok2 {
		return false
	}
	if owner != c.T.ID || rec == 0 {
		return true
	}
	rec--
	c.W32(cs+abi.CS_RecursionCount, rec)
	if rec == 0 {
		c.W32(cs+abi.CS_OwningThread, 0)
		c.W32(cs+abi.CS_LockCount, 0xFFFFFFFF)
		if m, _ := c.State().Ext["cs"].(map[uint32]*kernel.SyncEvent); m != nil && m[cs] != nil {
			m[cs].Signal()
		}
	} else {
		lock, _ := c.R32(cs + abi.CS_LockCount)
		c.W32(cs+abi.CS_LockCount, lock-1)
	}
	return true
}

// srwReleaseLock releases SRW lock l held exclusively or shared (no return).
func srwReleaseLock(c *Call, l uint32, exclusive bool) bool {
	v, ok := c.R32(l)
	if !ok {
		return false
	}
	if exclusive || v <= 2 {
		v = 0
	} else {
		v -= 2
	}
	c.W32(l, v)
	if v == 0 {
		srwEvent(c, l).Signal()
	}
	return true
}

// sleepConditionVariable is SleepConditionVariableCS/SRW: release the lock, wait for a wake or the timeout,
// re-acquire the lock (blocking for it if needed), return TRUE or FALSE with ERROR_TIMEOUT.
func sleepConditionVariable(c *Call, srw bool) {
	cv, lock, ms := c.Arg(0), c.Arg(1), c.Arg(2)
	var flags uint32
	if srw {
		flags = c.Arg(3)
	}
	a := addrState(c)
	w, restarted := a.pending(c)
	if !restarted {
		if _, ok := c.R32(cv); !ok {
			c.Fault(cv, false)
			return
		}
		var released bool
		if srw {
			released = srwReleaseLock(c, lock, flags&conditionLockShare == 0)
		} else {
			released = csRelease(c, lock)
		}
		if !released {
			c.Fault(lock, false)
			return
		}
		w = a.enqueue(c, waitKey{keyCV, cv}, ms)
		w.lock, w.srw, w.shared = lock, srw, flags&conditionLockShare != 0
		if ms == 0 {
			a.dequeue(w)
			w.timedOut = true
		} else {
			w.block(c)
			return
		}
	}
	if !w.woken && !w.timedOut {
		w.block(c)
		return
	}
	w.reacquire = true
	if w.srw {
		took, ok := srwTake(c, w.lock, !w.shared)
		if !ok {
			delete(a.byThread, c.T)
			c.Fault(w.lock, false)
			return
		}
		if !took {
			e := srwEvent(c, w.lock)
			e.Reset()
			c.Block([]kernel.Object{e}, false, 0, false)
			return
		}
	} else if !tryCS(c, w.lock) {
		if c.Done() {
			delete(a.byThread, c.T)
			return
		}
		c.Block([]kernel.Object{csEvent(c, w.lock)}, false, 0, false)
		return
	}
	delete(a.byThread, c.T)
	if w.timedOut {
		c.Fail(abi.ERROR_TIMEOUT, 0)
		return
	}
	c.Return(1)
}

// signalObjectAndWait signals one object and waits on another, alertably if bAlertable (apc.go). The signal
// happens once; the wait is satisfied
// at signal time like WaitForSingleObject's (waitSatisfier, Thread.BlockSatisfy), so a restarted call completes
// with the result the signal gave it (WAIT_ABANDONED for an abandoned mutex, and a PulseEvent is not missed).
func signalObjectAndWait(c *Call) {
	hs, hw, ms := c.Arg(0), c.Arg(1), c.Arg(2)
	alertable := c.Arg(3) != 0
	st := c.State()
	marks, _ := st.Ext["xproc.soaw"].(map[*kernel.Thread]uint64)
	if marks == nil {
		marks = map[*kernel.Thread]uint64{}
		st.Ext["xproc.soaw"] = marks
	}
	wo, okw := c.Object(hw)
	deadline, restarted := marks[c.T]
	if restarted && ((!alertable && waitSatisfied(c)) || (alertable && alertableRestart(c))) {
		delete(marks, c.T)
		return
	}
	if !restarted {
		so, oks := c.Object(hs)
		if !oks || !okw {
			c.Fail(abi.ERROR_INVALID_HANDLE, abi.WAIT_FAILED)
			return
		}
		switch x := so.(type) {
		case *kernel.SyncEvent:
			if x.Type() != kernel.TypeEvent {
				c.Fail(abi.ERROR_INVALID_HANDLE, abi.WAIT_FAILED)
				return
			}
			x.Signal()
		case *Mutex:
			if x.Owner != c.T {
				c.Fail(abi.ERROR_NOT_OWNER, abi.WAIT_FAILED)
				return
			}
			if x.Count--; x.Count == 0 {
				x.Owner = nil
				c.T.Disown(x)
				x.Signal()
			}
		case *Semaphore:
			if x.Count+1 > x.Max {
				c.Fail(abi.ERROR_TOO_MANY_POSTS, abi.WAIT_FAILED)
				return
			}
			x.Count++
			x.Signal()
		default:
			c.Fail(abi.ERROR_INVALID_HANDLE, abi.WAIT_FAILED)
			return
		}
		if ms != abi.INFINITE {
			deadline = c.K.Clock() + uint64(ms)*c.K.InstrPerMs()
		}
		c.T.TimedOut()
	} else if !okw {
		delete(marks, c.T)
		c.Fail(abi.ERROR_INVALID_HANDLE, abi.WAIT_FAILED)
		return
	}
	sat := waitSatisfier([]kernel.Object{wo}, false, c.T)
	if r, ok := sat(); ok {
		delete(marks, c.T)
		c.T.TimedOut()
		c.Return(r)
		return
	}
	if alertable && hasAPC(c.T) { // apc.go: the object first, then the APCs
		delete(marks, c.T)
		c.T.TimedOut()
		runAPCs(c)
		return
	}
	if ms == 0 || c.T.TimedOut() || (deadline != 0 && c.K.Clock() >= deadline) {
		delete(marks, c.T)
		c.Return(abi.WAIT_TIMEOUT)
		return
	}
	marks[c.T] = deadline
	var timeout uint64
	if deadline != 0 {
		timeout = deadline - c.K.Clock()
	}
	if alertable {
		alertableBlock(c.T, []kernel.Object{wo}, false, timeout, sat)
		return
	}
	c.T.BlockSatisfy([]kernel.Object{wo}, false, timeout, sat)
}
