package win32

import (
	"sort"

	"github.com/peek32/peek32/core/kernel"
)

// Fiber-local storage callbacks (FlsAlloc(callback)). Windows calls an FLS index's callback with a thread's
// value when the value is non-NULL and the thread ends (ExitThread, or its start routine returning: ntdll's
// LdrShutdownThread, before DLL_THREAD_DETACH), or when the index is freed (FlsFree: once for every thread's
// non-NULL value, in the thread that frees it). The value is cleared before its callback runs.

// ThreadExiting implements kernel.ThreadExitNotifier: the FLS callbacks of t's non-NULL values, in index
// order. t's values are forgotten (thread IDs are reused).
func (s *System) ThreadExiting(t *kernel.Thread) []kernel.ExitCall {
	st := State(t.Proc)
	if st == nil {
		return nil
	}
	v := st.FLSValues[t.ID]
	if owners, _ := st.Ext[flsOwnerKey].(map[uint32]*kernel.Thread); owners[t.ID] != t {
		v = nil // the values are an earlier thread's with the same ID
	} else {
		delete(owners, t.ID)
	}
	delete(st.FLSValues, t.ID)
	if v == nil {
		return nil
	}
	var out []kernel.ExitCall
	for i := 1; i < len(v); i++ {
		if st.FLS[i] && st.FLSCb[i] != 0 && v[i] != 0 {
			out = append(out, kernel.ExitCall{Fn: st.FLSCb[i], Arg: v[i]})
		}
	}
	return out
}

// flsOwnerKey is the ProcState.Ext key of the map from thread ID to the thread whose FLS values FLSValues
// holds under that ID.
const flsOwnerKey = "fls.owner"

// flsFresh forgets the FLS values kept under t's ID when they belong to an earlier thread with the same ID (one
// ended by TerminateThread or with its process's end, which runs no callbacks): a new thread starts with
// NULL values.
func flsFresh(st *ProcState, t *kernel.Thread) {
	owners, _ := st.Ext[flsOwnerKey].(map[uint32]*kernel.Thread)
	if owners == nil {
		owners = map[uint32]*kernel.Thread{}
		st.Ext[flsOwnerKey] = owners
	}
	if owners[t.ID] != t {
		delete(st.FLSValues, t.ID)
		owners[t.ID] = t
	}
}

// flsFreeCallbacks clears index i in every thread of the calling process and returns the callback calls for
// the non-NULL values, in thread-ID order (deterministic).
func flsFreeCallbacks(st *ProcState, i uint32) []kernel.ExitCall {
	cb := st.FLSCb[i]
	tids := make([]uint32, 0, len(st.FLSValues))
	for tid := range st.FLSValues {
		tids = append(tids, tid)
	}
	sort.Slice(tids, func(a, b int) bool { return tids[a] < tids[b] })
	var out []kernel.ExitCall
	for _, tid := range tids {
		v := st.FLSValues[tid]
		if v[i] != 0 && cb != 0 {
			out = append(out, kernel.ExitCall{Fn: cb, Arg: v[i]})
		}
		v[i] = 0
	}
	return out
}

// runExitCalls calls each of calls in turn in the calling thread, then returns ret from the API call.
func runExitCalls(c *Call, calls []kernel.ExitCall, ret uint32) {
	if len(calls) == 0 {
		c.Return(ret)
		return
	}
	c.CallGuest(calls[0].Fn, []uint32{calls[0].Arg}, func(c *Call, _ uint32) { runExitCalls(c, calls[1:], ret) })
}
