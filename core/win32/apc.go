package win32

import (
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// User-mode APCs (QueueUserAPC) and alertable waits. Each thread has a FIFO of queued APCs, kept in its
// process's state (the queuing thread may be in another process). An alertable wait — SleepEx,
// WaitForSingleObjectEx, WaitForMultipleObjectsEx with bAlertable TRUE — first runs the queued APCs, if any, and
// returns WAIT_IO_COMPLETION (unless its objects satisfy it at once, which comes first); otherwise it waits
// for its objects or an APC, whichever comes first: it also
// waits on the thread's alert event, which QueueUserAPC pulses, and its satisfy function (kernel.Thread
// .BlockSatisfy) prefers a queued APC to the objects. APCs run in the waiting thread, in queue order, each as
// PAPCFUNC(dwData) (stdcall), before the call returns. A thread that never waits alertably never runs its APCs
// (as on Windows), except that APCs queued to a thread before it starts run at the end of its start sequence
// (ThreadStarting).

// waitIOCompletion is WAIT_IO_COMPLETION, an alertable wait's result when it ran APCs.
const waitIOCompletion = 0xC0

type apc struct{ fn, data uint32 }

// apcQueue is a thread's queued APCs and its alert event.
type apcQueue struct {
	apcs  []apc
	alert *kernel.SyncEvent
}

// apcOf returns t's APC queue (created on first use); nil when t's process has no system state.
func apcOf(t *kernel.Thread) *apcQueue {
	st := State(t.Proc)
	if st == nil {
		return nil
	}
	m, _ := st.Ext["apc"].(map[*kernel.Thread]*apcQueue)
	if m == nil {
		m = map[*kernel.Thread]*apcQueue{}
		st.Ext["apc"] = m
	}
	q := m[t]
	if q == nil {
		q = &apcQueue{alert: kernel.NewEvent("", true, false)}
		m[t] = q
	}
	return q
}

func init() {
	kernel32.Add(Export{Name: "QueueUserAPC", ArgBytes: 12, Handler: queueUserAPC})
}

// queueUserAPC is QueueUserAPC(pfnAPC, hThread, dwData): non-zero on success.
func queueUserAPC(c *Call) {
	fn, data := c.Arg(0), c.Arg(2)
	t, ok := c.threadArg(1)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	q := apcOf(t)
	if q == nil || len(q.apcs) >= 1<<16 {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	q.apcs = append(q.apcs, apc{fn, data})
	q.alert.Signal() // a pending alertable wait takes the APC now (its satisfy); then non-signaled again
	q.alert.Reset()
	c.Return(1)
}

// runAPCs runs the calling thread's queued APCs (those queued while they run too), then returns
// WAIT_IO_COMPLETION from the call.
func runAPCs(c *Call) {
	q := apcOf(c.T)
	if q == nil || len(q.apcs) == 0 {
		c.Return(waitIOCompletion)
		return
	}
	a := q.apcs[0]
	q.apcs = q.apcs[1:]
	c.CallGuest(a.fn, []uint32{a.data}, func(c *Call, _ uint32) { runAPCs(c) })
}

// ThreadStarting implements kernel.ThreadStartNotifier: the APCs queued to t before it started run at the end of
// its start sequence, before its start routine, as Windows' loader delivers them ("early bird" APCs).
func (s *System) ThreadStarting(t *kernel.Thread) []kernel.ExitCall {
	q := apcOf(t)
	if q == nil || len(q.apcs) == 0 {
		return nil
	}
	out := make([]kernel.ExitCall, len(q.apcs))
	for i, a := range q.apcs {
		out[i] = kernel.ExitCall{Fn: a.fn, Arg: a.data}
	}
	q.apcs = nil
	return out
}

// hasAPC reports whether t has queued APCs.
func hasAPC(t *kernel.Thread) bool {
	q := apcOf(t)
	return q != nil && len(q.apcs) > 0
}

// alertableRestart completes a restarted alertable wait call with what woke it (a signal: the wait's result;
// an APC: the APCs run, then WAIT_IO_COMPLETION) and reports whether it did. It runs before the call looks
// at its arguments again (a handle closed meanwhile does not undo the wait).
func alertableRestart(c *Call) bool {
	r, ok := c.T.Satisfied()
	if !ok {
		return false
	}
	c.T.TimedOut()
	if r == waitIOCompletion {
		runAPCs(c)
	} else {
		c.Return(r)
	}
	return true
}

// alertableWait completes an alertable wait on objs (none: SleepEx) with a timeout in milliseconds, after
// alertableRestart: the objects if the wait is satisfied now (as the kernel's wait checks them before the
// thread's alertability: queued APCs then stay queued), else the queued APCs if any, else timeoutRet
// (WAIT_TIMEOUT, or 0 for SleepEx) when the time is up, else the thread blocks for the objects or an APC.
func alertableWait(c *Call, objs []kernel.Object, all bool, ms, timeoutRet uint32) {
	t := c.T
	var sat func() (uint32, bool)
	if len(objs) > 0 {
		sat = waitSatisfier(objs, all, t)
		if r, ok := sat(); ok {
			t.TimedOut()
			c.Return(r)
			return
		}
	}
	if hasAPC(t) {
		t.TimedOut()
		runAPCs(c)
		return
	}
	if t.TimedOut() || ms == 0 || apcOf(t) == nil {
		c.Return(timeoutRet)
		return
	}
	var timeout uint64
	if ms != abi.INFINITE {
		timeout = max(uint64(ms)*c.K.InstrPerMs(), 1)
	}
	alertableBlock(t, objs, all, timeout, sat)
}

// alertableBlock blocks t until sat (nil: none) satisfies its wait on objs, an APC is queued to it, or the
// timeout (instructions; 0: none) passes. t's process must have system state (apcOf not nil).
func alertableBlock(t *kernel.Thread, objs []kernel.Object, all bool, timeout uint64, sat func() (uint32, bool)) {
	wait := append(append([]kernel.Object(nil), objs...), apcOf(t).alert)
	t.BlockSatisfy(wait, all, timeout, func() (uint32, bool) {
		if sat != nil {
			if r, ok := sat(); ok {
				return r, true
			}
		}
		if hasAPC(t) {
			return waitIOCompletion, true
		}
		return 0, false
	})
}

// sleepEx is SleepEx(ms, bAlertable): Sleep, or an alertable wait on nothing (0 after the time,
// WAIT_IO_COMPLETION after APCs ran; SleepEx(0, TRUE) without APCs yields like Sleep(0)).
func sleepEx(c *Call) {
	if c.Arg(1) == 0 {
		sleep(c)
		return
	}
	if alertableRestart(c) {
		return
	}
	if c.Arg(0) == 0 && !hasAPC(c.T) {
		sleep(c)
		return
	}
	alertableWait(c, nil, false, c.Arg(0), 0)
}

// waitForSingleObjectEx is WaitForSingleObjectEx(h, ms, bAlertable).
func waitForSingleObjectEx(c *Call) {
	if c.Arg(2) == 0 {
		waitForSingleObject(c)
		return
	}
	if alertableRestart(c) {
		return
	}
	o, ok := c.Object(c.Arg(0))
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, abi.WAIT_FAILED)
		return
	}
	alertableWait(c, []kernel.Object{o}, false, c.Arg(1), abi.WAIT_TIMEOUT)
}

// waitForMultipleObjectsEx is WaitForMultipleObjectsEx(n, handles, waitAll, ms, bAlertable).
func waitForMultipleObjectsEx(c *Call) {
	if c.Arg(4) == 0 {
		waitForMultipleObjects(c)
		return
	}
	if alertableRestart(c) {
		return
	}
	n, arr, all, ms := c.Arg(0), c.Arg(1), c.Arg(2) != 0, c.Arg(3)
	if n == 0 || n > 64 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, abi.WAIT_FAILED)
		return
	}
	objs := make([]kernel.Object, n)
	for i := range objs {
		h, ok := c.R32(arr + 4*uint32(i))
		if !ok {
			c.Fail(abi.ERROR_NOACCESS, abi.WAIT_FAILED)
			return
		}
		if objs[i], ok = c.Object(h); !ok {
			c.Fail(abi.ERROR_INVALID_HANDLE, abi.WAIT_FAILED)
			return
		}
	}
	alertableWait(c, objs, all, ms, abi.WAIT_TIMEOUT)
}
