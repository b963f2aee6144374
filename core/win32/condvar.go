package win32

import (
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// Condition variables (SleepConditionVariableCS/SRW, Wake(All)ConditionVariable). A sleeping call is
// restartable in two phases: it releases the lock and waits to be woken (or to time out), then it re-acquires
// the lock, blocking again if another thread holds it. The waiter's phase is kept per thread.

type condVar struct {
	waiters []*kernel.Thread
	woken   map[*kernel.Thread]bool
	ev      *kernel.SyncEvent
}

type cvWait struct {
	cv, lock uint32
	srw      bool
	shared   bool
	phase    int // 1: waiting to be woken, 2: re-acquiring the lock
	timedOut bool
}

func init() {
	kernel32.Add(
		Export{Name: "InitializeConditionVariable", ArgBytes: 4, Handler: func(c *Call) { c.W32(c.Arg(0), 0); c.Return(0) }},
		Export{Name: "SleepConditionVariableCS", ArgBytes: 12, Handler: func(c *Call) { sleepCV(c, false) }},
		Export{Name: "SleepConditionVariableSRW", ArgBytes: 16, Handler: func(c *Call) { sleepCV(c, true) }},
		Export{Name: "WakeConditionVariable", ArgBytes: 4, Handler: func(c *Call) { wakeCV(c, false) }},
		Export{Name: "WakeAllConditionVariable", ArgBytes: 4, Handler: func(c *Call) { wakeCV(c, true) }},
	)
}

func cvState(c *Call) (map[uint32]*condVar, map[*kernel.Thread]*cvWait) {
	st := c.State()
	cvs, _ := st.Ext["condvars"].(map[uint32]*condVar)
	if cvs == nil {
		cvs = map[uint32]*condVar{}
		st.Ext["condvars"] = cvs
	}
	ws, _ := st.Ext["cvwaits"].(map[*kernel.Thread]*cvWait)
	if ws == nil {
		ws = map[*kernel.Thread]*cvWait{}
		st.Ext["cvwaits"] = ws
	}
	return cvs, ws
}

func (c *Call) condVar(cvs map[uint32]*condVar, addr uint32) *condVar {
	v := cvs[addr]
	if v == nil {
		v = &condVar{woken: map[*kernel.Thread]bool{}, ev: kernel.NewEvent("", true, false)}
		cvs[addr] = v
	}
	return v
}

// releaseLock leaves a critical section (one level) or an SRW lock, waking its waiters.
func releaseLock(c *Call, w *cvWait) {
	if w.srw {
		v, _ := c.R32(w.lock)
		if !w.shared || v <= 2 {
			v = 0
		} else {
			v -= 2
		}
		c.W32(w.lock, v)
		if v == 0 {
			srwEvent(c, w.lock).Signal()
		}
		return
	}
	rec, _ := c.R32(w.lock + abi.CS_RecursionCount)
	if rec > 1 {
		c.W32(w.lock+abi.CS_RecursionCount, rec-1)
		return
	}
	c.W32(w.lock+abi.CS_RecursionCount, 0)
	c.W32(w.lock+abi.CS_OwningThread, 0)
	c.W32(w.lock+abi.CS_LockCount, 0xFFFFFFFF)
	csEvent(c, w.lock).Signal()
}

// takeLock tries to acquire the waiter's lock again.
func takeLock(c *Call, w *cvWait) (bool, kernel.Object) {
	if w.srw {
		took, _ := srwTake(c, w.lock, !w.shared)
		e := srwEvent(c, w.lock)
		if !took {
			e.Reset()
		}
		return took, e
	}
	return tryCS(c, w.lock), csEvent(c, w.lock)
}

func sleepCV(c *Call, srw bool) {
	cvAddr, lock, ms := c.Arg(0), c.Arg(1), c.Arg(2)
	var flags uint32
	if srw {
		flags = c.Arg(3)
	}
	cvs, ws := cvState(c)
	v := c.condVar(cvs, cvAddr)
	w := ws[c.T]
	if w == nil {
		w = &cvWait{cv: cvAddr, lock: lock, srw: srw, shared: flags&1 != 0, phase: 1}
		ws[c.T] = w
		releaseLock(c, w)
		v.waiters = append(v.waiters, c.T)
		c.T.TimedOut()
		c.Block([]kernel.Object{v.ev}, false, cvTimeout(c, ms), false)
		return
	}
	if w.phase == 1 {
		timedOut := c.T.TimedOut()
		if !v.woken[c.T] && !timedOut {
			c.Block([]kernel.Object{v.ev}, false, cvTimeout(c, ms), false)
			return
		}
		w.phase, w.timedOut = 2, !v.woken[c.T]
		delete(v.woken, c.T)
		for i, t := range v.waiters {
			if t == c.T {
				v.waiters = append(v.waiters[:i:i], v.waiters[i+1:]...)
				break
			}
		}
		if len(v.waiters) == 0 {
			v.ev.Reset()
		}
	}
	took, obj := takeLock(c, w)
	if !took {
		if c.Done() {
			return
		}
		c.Block([]kernel.Object{obj}, false, 0, false)
		return
	}
	delete(ws, c.T)
	if w.timedOut {
		c.Fail(abi.ERROR_TIMEOUT, 0)
		return
	}
	c.Return(1)
}

func cvTimeout(c *Call, ms uint32) uint64 {
	if ms == abi.INFINITE {
		return 0
	}
	return uint64(max(ms, 1)) * c.K.InstrPerMs()
}

func wakeCV(c *Call, all bool) {
	cvAddr := c.Arg(0)
	cvs, _ := cvState(c)
	v := c.condVar(cvs, cvAddr)
	for _, t := range v.waiters {
		if !v.woken[t] {
			v.woken[t] = true
			if !all {
				break
			}
		}
	}
	v.ev.Signal()
	c.Return(0)
}
