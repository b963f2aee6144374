package win32

// Signal-time satisfaction of WaitForSingleObject(Ex) and WaitForMultipleObjects(Ex): the condition a blocked
// wait checks, packaged for kernel.Thread.BlockSatisfy, so that the kernel completes the wait when an object
// is signaled (the objects go to the waiters first come, first served, as on Windows) rather than waking
// the thread to re-check later, when another thread may have taken the object.

import (
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// waitSatisfier returns the satisfy function of a wait by t on objs (all of them, or any: the lowest index
// wins): if the wait can complete now it takes the objects (acquire) and returns the call's result —
// WAIT_OBJECT_0 + i, or WAIT_ABANDONED + i for an abandoned mutex.
func waitSatisfier(objs []kernel.Object, all bool, t *kernel.Thread) func() (uint32, bool) {
	return func() (uint32, bool) {
		if all {
			for _, o := range objs {
				if !signaledFor(o, t) {
					return 0, false
				}
			}
			ret := uint32(abi.WAIT_OBJECT_0)
			for i, o := range objs {
				if acquireWait(o, t) && ret == abi.WAIT_OBJECT_0 {
					ret = abi.WAIT_ABANDONED + uint32(i)
				}
			}
			return ret, true
		}
		for i, o := range objs {
			if signaledFor(o, t) {
				if acquireWait(o, t) {
					return abi.WAIT_ABANDONED + uint32(i), true
				}
				return abi.WAIT_OBJECT_0 + uint32(i), true
			}
		}
		return 0, false
	}
}

// waitSatisfied completes a restarted wait call with the result a signal gave it (kernel.Thread.Satisfied),
// before the call looks at its arguments again (a handle closed meanwhile does not undo the wait). It reports
// whether it did.
func waitSatisfied(c *Call) bool {
	r, ok := c.T.Satisfied()
	if ok {
		c.T.TimedOut()
		c.Return(r)
	}
	return ok
}

// waitObjects completes a wait call on objs with a timeout in milliseconds: the objects if the wait can be satisfied now, else WAIT_TIMEOUT (timed out, or a zero timeout),
// else the thread blocks until a signal satisfies the wait or the timeout passes.
func waitObjects(c *Call, objs []kernel.Object, all bool, ms uint32) {
	sat := waitSatisfier(objs, all, c.T)
	if r, ok := sat(); ok {
		c.T.TimedOut()
		c.Return(r)
		return
	}
	if c.T.TimedOut() || ms == 0 {
		c.Return(abi.WAIT_TIMEOUT)
		return
	}
	var timeout uint64
	if ms != abi.INFINITE {
		timeout = uint64(ms) * c.K.InstrPerMs()
	}
	c.T.BlockSatisfy(objs, all, timeout, sat)
}
