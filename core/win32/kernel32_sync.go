package win32

import (
	"time"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

func init() {
	kernel32.Add(
		Export{Name: "InitializeCriticalSection", ArgBytes: 4, Handler: initCS},
		Export{Name: "InitializeCriticalSectionAndSpinCount", ArgBytes: 8, Handler: initCS},
		Export{Name: "InitializeCriticalSectionEx", ArgBytes: 12, Handler: initCS},
		Export{Name: "DeleteCriticalSection", ArgBytes: 4, Handler: deleteCS},
		Export{Name: "EnterCriticalSection", ArgBytes: 4, Handler: enterCS},
		Export{Name: "TryEnterCriticalSection", ArgBytes: 4, Handler: tryEnterCS},
		Export{Name: "LeaveCriticalSection", ArgBytes: 4, Handler: leaveCS},
		Export{Name: "SetCriticalSectionSpinCount", ArgBytes: 8, Handler: func(c *Call) { c.Arg(0); c.Return(0) }},
		Export{Name: "TlsAlloc", Handler: tlsAlloc},
		Export{Name: "TlsFree", ArgBytes: 4, Handler: tlsFree},
		Export{Name: "TlsGetValue", ArgBytes: 4, Handler: tlsGetValue},
		Export{Name: "TlsSetValue", ArgBytes: 8, Handler: tlsSetValue},
		Export{Name: "FlsAlloc", ArgBytes: 4, Handler: flsAlloc, Note: "callbacks run at thread exit and FlsFree (fls_exit.go)"},
		Export{Name: "FlsFree", ArgBytes: 4, Handler: flsFree},
		Export{Name: "FlsGetValue", ArgBytes: 4, Handler: flsGetValue},
		Export{Name: "FlsSetValue", ArgBytes: 8, Handler: flsSetValue},
		Export{Name: "InterlockedIncrement", ArgBytes: 4, Handler: func(c *Call) { interlocked(c, func(v, _ uint32) (uint32, uint32) { return v + 1, v + 1 }) }},
		Export{Name: "InterlockedDecrement", ArgBytes: 4, Handler: func(c *Call) { interlocked(c, func(v, _ uint32) (uint32, uint32) { return v - 1, v - 1 }) }},
		Export{Name: "InterlockedExchange", ArgBytes: 8, Handler: func(c *Call) { interlocked(c, func(v, x uint32) (uint32, uint32) { return x, v }) }},
		Export{Name: "InterlockedExchangeAdd", ArgBytes: 8, Handler: func(c *Call) { interlocked(c, func(v, x uint32) (uint32, uint32) { return v + x, v }) }},
		Export{Name: "InterlockedCompareExchange", ArgBytes: 12, Handler: interlockedCompareExchange},
		Export{Name: "InitializeSListHead", ArgBytes: 4, Handler: func(c *Call) { p := c.Arg(0); c.W32(p, 0); c.W32(p+4, 0); c.Return(0) }},
		Export{Name: "GetSystemTimeAsFileTime", ArgBytes: 4, Handler: getSystemTimeAsFileTime},
		Export{Name: "GetSystemTimePreciseAsFileTime", ArgBytes: 4, Handler: getSystemTimeAsFileTime},
		Export{Name: "GetSystemTime", ArgBytes: 4, Handler: getSystemTime},
		Export{Name: "GetLocalTime", ArgBytes: 4, Handler: getSystemTime, Note: "the time zone is UTC"},
		Export{Name: "GetTimeZoneInformation", ArgBytes: 4, Handler: getTimeZoneInformation},
		Export{Name: "FileTimeToSystemTime", ArgBytes: 8, Handler: fileTimeToSystemTime},
		Export{Name: "SystemTimeToFileTime", ArgBytes: 8, Handler: systemTimeToFileTime},
		Export{Name: "FileTimeToLocalFileTime", ArgBytes: 8, Handler: copyFileTime},
		Export{Name: "LocalFileTimeToFileTime", ArgBytes: 8, Handler: copyFileTime},
		Export{Name: "QueryPerformanceCounter", ArgBytes: 4, Handler: func(c *Call) { c.W64(c.Arg(0), c.K.Clock()); c.Return(1) }, Note: "instructions retired"},
		Export{Name: "QueryPerformanceFrequency", ArgBytes: 4, Handler: func(c *Call) { c.W64(c.Arg(0), c.K.InstrPerMs()*1000); c.Return(1) }},
		Export{Name: "GetTickCount", Handler: func(c *Call) { c.Return(uint32(c.K.TickCount())) }, Note: "virtual clock"},
		Export{Name: "GetTickCount64", Handler: func(c *Call) { c.Return64(c.K.TickCount()) }},
		Export{Name: "SetEvent", ArgBytes: 4, Handler: func(c *Call) { eventOp(c, true) }},
		Export{Name: "ResetEvent", ArgBytes: 4, Handler: func(c *Call) { eventOp(c, false) }},
	)
}

// W64 writes a qword to guest memory.
func (c *Call) W64(addr uint32, v uint64) bool { return c.Mem.Write64(addr, v) }

// csWaiters holds, per process, the auto-reset event that threads blocked on a critical section wait for.
func csEvent(c *Call, cs uint32) *kernel.SyncEvent {
	st := c.State()
	m, _ := st.Ext["cs"].(map[uint32]*kernel.SyncEvent)
	if m == nil {
		m = map[uint32]*kernel.SyncEvent{}
		st.Ext["cs"] = m
	}
	e := m[cs]
	if e == nil {
		e = kernel.NewEvent("", false, false)
		m[cs] = e
	}
	return e
}

func initCS(c *Call) {
	cs := c.Arg(0)
	b := make([]byte, abi.CS_Size)
	for i := 0; i < 4; i++ {
		b[abi.CS_LockCount+i] = 0xFF
	}
	if !c.WriteBytes(cs, b) {
		c.Fault(cs, true)
		return
	}
	c.Return(1)
}

func deleteCS(c *Call) {
	cs := c.Arg(0)
	if m, _ := c.State().Ext["cs"].(map[uint32]*kernel.SyncEvent); m != nil {
		delete(m, cs)
	}
	c.Return(0)
}

// enterCS acquires the section, or blocks until its owner leaves it (the call restarts then).
func enterCS(c *Call) {
	cs := c.Arg(0)
	if !tryCS(c, cs) {
		if c.Done() {
			return
		}
		c.Block([]kernel.Object{csEvent(c, cs)}, false, 0, false)
		return
	}
	c.Return(0)
}

// tryCS takes the section if it is free or ours; it reports whether it did (faults end the call).
func tryCS(c *Call, cs uint32) bool {
	owner, ok1 := c.R32(cs + abi.CS_OwningThread)
	rec, ok2 := c.R32(cs + abi.CS_RecursionCount)
	lock, ok3 := c.R32(cs + abi.CS_LockCount)
	if !ok1 || !ok2 || !ok3 {
		c.Fault(cs, false)
		return false
	}
	switch {
	case rec == 0 || owner == 0:
		c.W32(cs+abi.CS_OwningThread, c.T.ID)
		c.W32(cs+abi.CS_RecursionCount, 1)
		c.W32(cs+abi.CS_LockCount, 0)
	case owner == c.T.ID:
		c.W32(cs+abi.CS_RecursionCount, rec+1)
		c.W32(cs+abi.CS_LockCount, lock+1)
	default:
		return false
	}
	return true
}

func tryEnterCS(c *Call) {
	cs := c.Arg(0)
	ok := tryCS(c, cs)
	if !c.Done() {
		c.Return(b2u(ok))
	}
}

func leaveCS(c *Call) {
	cs := c.Arg(0)
	owner, _ := c.R32(cs + abi.CS_OwningThread)
	rec, ok := c.R32(cs + abi.CS_RecursionCount)
	if !ok {
		c.Fault(cs, false)
		return
	}
	if owner == c.T.ID && rec > 0 {
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
	}
	c.Return(0)
}

func tlsAlloc(c *Call) {
	st := c.State()
	for i := range st.TLS {
		if !st.TLS[i] {
			st.TLS[i] = true
			// Fresh slots read as 0 in every thread.
			for _, t := range c.P.Threads() {
				setTLS(c, t, uint32(i), 0)
			}
			c.Return(uint32(i))
			return
		}
	}
	c.Fail(abi.ERROR_NO_MORE_ITEMS, abi.TLSOutOfIndexes)
}

func tlsFree(c *Call) {
	i := c.Arg(0)
	st := c.State()
	if i >= uint32(len(st.TLS)) || !st.TLS[i] {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	st.TLS[i] = false
	c.Return(1)
}

// tlsSlotAddr returns the address of TLS slot i of thread t, allocating the expansion block when needed.
func tlsSlotAddr(c *Call, t *kernel.Thread, i uint32) uint32 {
	if i < abi.TLSMinimumAvailable {
		return t.TEB + abi.TEB_TlsSlots + 4*i
	}
	exp, _ := c.Mem.Read32(t.TEB + abi.TEB_TlsExpansionSlots)
	if exp == 0 {
		var err error
		exp, err = c.P.Alloc(4 * abi.TLSExpansionSlots)
		if err != nil {
			return 0
		}
		c.Mem.Write32(t.TEB+abi.TEB_TlsExpansionSlots, exp)
	}
	return exp + 4*(i-abi.TLSMinimumAvailable)
}

func setTLS(c *Call, t *kernel.Thread, i, v uint32) bool {
	a := tlsSlotAddr(c, t, i)
	return a != 0 && c.Mem.Write32(a, v)
}

func tlsGetValue(c *Call) {
	i := c.Arg(0)
	if i >= uint32(len(c.State().TLS)) {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	v, _ := c.Mem.Read32(tlsSlotAddr(c, c.T, i))
	c.Succeed(v) // TlsGetValue clears the last error so that 0 can be told from failure
}

func tlsSetValue(c *Call) {
	i, v := c.Arg(0), c.Arg(1)
	if i >= uint32(len(c.State().TLS)) || !setTLS(c, c.T, i, v) {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	c.Return(1)
}

func flsValues(c *Call) *[abi.FLSMaximumAvailable]uint32 {
	st := c.State()
	flsFresh(st, c.T)
	v := st.FLSValues[c.T.ID]
	if v == nil {
		v = new([abi.FLSMaximumAvailable]uint32)
		st.FLSValues[c.T.ID] = v
	}
	return v
}

func flsAlloc(c *Call) {
	cb := c.Arg(0)
	st := c.State()
	for i := 1; i < len(st.FLS); i++ { // index 0 is reserved, as on Windows
		if !st.FLS[i] {
			st.FLS[i], st.FLSCb[i] = true, cb
			for _, v := range st.FLSValues {
				v[i] = 0
			}
			c.Return(uint32(i))
			return
		}
	}
	c.Fail(abi.ERROR_NO_MORE_ITEMS, abi.TLSOutOfIndexes)
}

func flsFree(c *Call) {
	i := c.Arg(0)
	st := c.State()
	if i == 0 || i >= uint32(len(st.FLS)) || !st.FLS[i] {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	calls := flsFreeCallbacks(st, i)
	st.FLS[i], st.FLSCb[i] = false, 0
	runExitCalls(c, calls, 1)
}

func flsGetValue(c *Call) {
	i := c.Arg(0)
	st := c.State()
	if i == 0 || i >= uint32(len(st.FLS)) || !st.FLS[i] {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	c.Succeed(flsValues(c)[i])
}

func flsSetValue(c *Call) {
	i, v := c.Arg(0), c.Arg(1)
	st := c.State()
	if i == 0 || i >= uint32(len(st.FLS)) || !st.FLS[i] {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	flsValues(c)[i] = v
	c.Return(1)
}

// interlocked applies op to the dword at arg 0 (with arg 1) and returns op's second result. The scheduler runs
// one thread at a time and API calls are not preempted, so the update is atomic.
func interlocked(c *Call, op func(v, x uint32) (newV, ret uint32)) {
	p := c.Arg(0)
	var x uint32
	if c.Export.ArgBytes > 4 {
		x = c.Arg(1)
	}
	v, ok := c.R32(p)
	if !ok {
		c.Fault(p, false)
		return
	}
	nv, ret := op(v, x)
	if !c.W32(p, nv) {
		c.Fault(p, true)
		return
	}
	c.Return(ret)
}

func interlockedCompareExchange(c *Call) {
	p, x, cmp := c.Arg(0), c.Arg(1), c.Arg(2)
	v, ok := c.R32(p)
	if !ok {
		c.Fault(p, false)
		return
	}
	if v == cmp && !c.W32(p, x) {
		c.Fault(p, true)
		return
	}
	c.Return(v)
}

func getSystemTimeAsFileTime(c *Call) {
	if !c.W64(c.Arg(0), c.K.SystemTime()) {
		c.Fault(c.Arg(0), true)
		return
	}
	c.Return(0)
}

// fileTimeEpoch is 1601-01-01 in Unix seconds.
const fileTimeEpoch = -11644473600

func fileTimeToTime(ft uint64) time.Time {
	return time.Unix(fileTimeEpoch+int64(ft/10000000), int64(ft%10000000)*100).UTC()
}

func timeToFileTime(t time.Time) uint64 {
	return uint64((t.Unix()-fileTimeEpoch)*10000000 + int64(t.Nanosecond()/100))
}

// putSystemTime writes a SYSTEMTIME.
func putSystemTime(c *Call, p uint32, t time.Time) bool {
	v := []uint16{uint16(t.Year()), uint16(t.Month()), uint16(t.Weekday()), uint16(t.Day()), uint16(t.Hour()),
		uint16(t.Minute()), uint16(t.Second()), uint16(t.Nanosecond() / 1e6)}
	for i, x := range v {
		if !c.Mem.Write16(p+2*uint32(i), x) {
			return false
		}
	}
	return true
}

func getSystemTime(c *Call) {
	p := c.Arg(0)
	if !putSystemTime(c, p, fileTimeToTime(c.K.SystemTime())) {
		c.Fault(p, true)
		return
	}
	c.Return(0)
}

func getTimeZoneInformation(c *Call) {
	p := c.Arg(0)
	if !c.WriteBytes(p, make([]byte, 172)) {
		c.Fault(p, true)
		return
	}
	c.PutStringW(p+4, 32, "Coordinated Universal Time")
	c.PutStringW(p+88, 32, "Coordinated Universal Time")
	c.Return(0) // TIME_ZONE_ID_UNKNOWN: no daylight saving
}

func fileTimeToSystemTime(c *Call) {
	in, out := c.Arg(0), c.Arg(1)
	ft, ok := c.Mem.Read64(in)
	if !ok || ft >= 0x8000000000000000 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	if !putSystemTime(c, out, fileTimeToTime(ft)) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func systemTimeToFileTime(c *Call) {
	in, out := c.Arg(0), c.Arg(1)
	var v [8]uint16
	for i := range v {
		x, ok := c.Mem.Read16(in + 2*uint32(i))
		if !ok {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
		v[i] = x
	}
	if v[0] < 1601 || v[0] > 30827 || v[1] < 1 || v[1] > 12 || v[3] < 1 || v[3] > 31 || v[4] > 23 || v[5] > 59 || v[6] > 59 || v[7] > 999 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	t := time.Date(int(v[0]), time.Month(v[1]), int(v[3]), int(v[4]), int(v[5]), int(v[6]), int(v[7])*1e6, time.UTC)
	if !c.W64(out, timeToFileTime(t)) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func copyFileTime(c *Call) {
	in, out := c.Arg(0), c.Arg(1)
	v, ok := c.Mem.Read64(in)
	if !ok || !c.W64(out, v) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func eventOp(c *Call, set bool) {
	o, ok := c.Object(c.Arg(0))
	e, isE := o.(*kernel.SyncEvent)
	if !ok || !isE {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if set {
		e.Signal()
	} else {
		e.Reset()
	}
	c.Return(1)
}
