package win32

import (
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// Toolhelp snapshots (CreateToolhelp32Snapshot): a copy of the process, thread and module lists taken at the
// call, walked with Process32First/Next, Thread32First/Next and Module32First/Next.

const (
	th32SnapHeapList = 0x1
	th32SnapProcess  = 0x2
	th32SnapThread   = 0x4
	th32SnapModule   = 0x8
	th32SnapModule32 = 0x10
)

type snapProcess struct {
	pid, ppid, threads uint32
	classBase          uint32 // pcPriClassBase: the base priority of the process's class
	name               string
}

type snapThread struct{ tid, pid, basePri uint32 } // basePri: tpBasePri, the thread's base priority 1..31

type snapModule struct {
	pid, base, size uint32
	name, path      string
}

// Snapshot is a toolhelp snapshot object.
type Snapshot struct {
	kernel.ObjectHeader
	procs      []snapProcess
	threads    []snapThread
	mods       []snapModule
	pi, ti, mi int
}

func init() {
	kernel32.Add(
		Export{Name: "CreateToolhelp32Snapshot", ArgBytes: 8, Handler: createSnapshot},
		Export{Name: "Process32First", ArgBytes: 8, Handler: func(c *Call) { processNext(c, false, true) }},
		Export{Name: "Process32Next", ArgBytes: 8, Handler: func(c *Call) { processNext(c, false, false) }},
		Export{Name: "Process32FirstW", ArgBytes: 8, Handler: func(c *Call) { processNext(c, true, true) }},
		Export{Name: "Process32NextW", ArgBytes: 8, Handler: func(c *Call) { processNext(c, true, false) }},
		Export{Name: "Thread32First", ArgBytes: 8, Handler: func(c *Call) { threadNext(c, true) }},
		Export{Name: "Thread32Next", ArgBytes: 8, Handler: func(c *Call) { threadNext(c, false) }},
		Export{Name: "Module32First", ArgBytes: 8, Handler: func(c *Call) { moduleNext(c, false, true) }},
		Export{Name: "Module32Next", ArgBytes: 8, Handler: func(c *Call) { moduleNext(c, false, false) }},
		Export{Name: "Module32FirstW", ArgBytes: 8, Handler: func(c *Call) { moduleNext(c, true, true) }},
		Export{Name: "Module32NextW", ArgBytes: 8, Handler: func(c *Call) { moduleNext(c, true, false) }},
	)
}

func createSnapshot(c *Call) {
	flags, pid := c.Arg(0), c.Arg(1)
	s := &Snapshot{}
	s.Init(kernel.TypeOther, "", nil)
	for _, p := range c.K.Processes() {
		if p.Exited() {
			continue
		}
		if flags&th32SnapProcess != 0 {
			s.procs = append(s.procs, snapProcess{pid: p.ID, ppid: p.Parent, threads: uint32(len(p.Threads())),
				classBase: classBasePriority(p), name: p.Name})
		}
		if flags&th32SnapThread != 0 {
			for _, t := range p.Threads() {
				s.threads = append(s.threads, snapThread{tid: t.ID, pid: p.ID, basePri: uint32(t.BasePriority())})
			}
		}
		want := pid
		if want == 0 {
			want = c.P.ID
		}
		if flags&(th32SnapModule|th32SnapModule32) != 0 && p.ID == want {
			for _, m := range p.Modules {
				s.mods = append(s.mods, snapModule{pid: p.ID, base: m.Base, size: m.Size, name: m.BaseName, path: m.FullPath})
			}
		}
	}
	h, ok := c.P.Handles.Insert(s, 0, false)
	s.Unref()
	if !ok {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, abi.InvalidHandleValue)
		return
	}
	c.Succeed(uint32(h))
}

func (c *Call) snapshot(i int) (*Snapshot, bool) {
	o, ok := c.Object(c.Arg(i))
	s, isS := o.(*Snapshot)
	return s, ok && isS
}

// snapshotNext opens a *32First/*32Next call on the snapshot handle in argument 0: cursor gives the snapshot's
// cursor for one list and the list's length; First resets the cursor. It returns the index of the entry to report
// and advances the cursor, or fails the call (ERROR_INVALID_HANDLE, ERROR_NO_MORE_FILES) and returns false.
func snapshotNext(c *Call, first bool, cursor func(*Snapshot) (*int, int)) (*Snapshot, int, bool) {
	s, ok := c.snapshot(0)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return nil, 0, false
	}
	cur, n := cursor(s)
	if first {
		*cur = 0
	}
	if *cur >= n {
		c.Fail(abi.ERROR_NO_MORE_FILES, 0)
		return nil, 0, false
	}
	*cur++
	return s, *cur - 1, true
}

// processNext fills PROCESSENTRY32(W): dwSize, cntUsage, th32ProcessID, th32DefaultHeapID, th32ModuleID,
// cntThreads, th32ParentProcessID, pcPriClassBase, dwFlags, szExeFile[MAX_PATH].
func processNext(c *Call, wide, first bool) {
	s, i, ok := snapshotNext(c, first, func(s *Snapshot) (*int, int) { return &s.pi, len(s.procs) })
	if !ok {
		return
	}
	e, p := s.procs[i], c.Arg(1)
	size, _ := c.R32(p)
	need := uint32(36 + abi.MAX_PATH)
	if wide {
		need = 36 + 2*abi.MAX_PATH
	}
	if size < need {
		c.Fail(abi.ERROR_BAD_LENGTH, 0)
		return
	}
	for i, v := range []uint32{0, e.pid, 0, 0, e.threads, e.ppid, e.classBase, 0} {
		c.W32(p+4+4*uint32(i), v)
	}
	putString(c, wide, p+36, abi.MAX_PATH, e.name)
	c.Return(1)
}

// threadNext fills THREADENTRY32: dwSize, cntUsage, th32ThreadID, th32OwnerProcessID, tpBasePri, tpDeltaPri,
// dwFlags.
func threadNext(c *Call, first bool) {
	s, i, ok := snapshotNext(c, first, func(s *Snapshot) (*int, int) { return &s.ti, len(s.threads) })
	if !ok {
		return
	}
	e, p := s.threads[i], c.Arg(1)
	if size, _ := c.R32(p); size < 28 {
		c.Fail(abi.ERROR_BAD_LENGTH, 0)
		return
	}
	for i, v := range []uint32{0, e.tid, e.pid, e.basePri, 0, 0} {
		c.W32(p+4+4*uint32(i), v)
	}
	c.Return(1)
}

// moduleNext fills MODULEENTRY32(W): dwSize, th32ModuleID, th32ProcessID, GlblcntUsage, ProccntUsage,
// modBaseAddr, modBaseSize, hModule, szModule[256], szExePath[MAX_PATH].
func moduleNext(c *Call, wide, first bool) {
	s, i, ok := snapshotNext(c, first, func(s *Snapshot) (*int, int) { return &s.mi, len(s.mods) })
	if !ok {
		return
	}
	e, p := s.mods[i], c.Arg(1)
	unit := uint32(1)
	if wide {
		unit = 2
	}
	if size, _ := c.R32(p); size < 32+unit*(256+abi.MAX_PATH) {
		c.Fail(abi.ERROR_BAD_LENGTH, 0)
		return
	}
	for i, v := range []uint32{1, e.pid, 0xFFFF, 0xFFFF, e.base, e.size, e.base} {
		c.W32(p+4+4*uint32(i), v)
	}
	putString(c, wide, p+32, 256, e.name)
	putString(c, wide, p+32+unit*256, abi.MAX_PATH, e.path)
	c.Return(1)
}

// classBasePriority is the base priority of p's priority class (8 for NORMAL_PRIORITY_CLASS): the priority a
// thread of p with THREAD_PRIORITY_NORMAL has, which is what Windows reports as a process's base priority.
func classBasePriority(p *kernel.Process) uint32 {
	switch p.PriorityClass() {
	case kernel.IdlePriorityClass:
		return 4
	case kernel.BelowNormalPriorityClass:
		return 6
	case kernel.AboveNormalPriorityClass:
		return 10
	case kernel.HighPriorityClass:
		return 13
	case kernel.RealtimePriorityClass:
		return 24
	}
	return 8
}
