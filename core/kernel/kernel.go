package kernel

import (
	"fmt"

	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/loader"
	"github.com/peek32/peek32/mm"
)

// System is what the kernel needs from the emulated system DLLs (core/win32 implements it). The kernel owns
// processes, threads, scheduling and the start-up sequence; the system layer owns the DLL images, the API
// handlers and the per-process state that the APIs keep (heaps, the CRT's data).
type System interface {
	// InitProcess runs in CreateProcess after the exe is mapped and before its imports are bound: the system
	// layer creates the process heap (PEB.ProcessHeap), its per-process state (Process.Sys), and loads the DLLs
	// every process has (ntdll.dll, kernel32.dll), so the loader lists start exe, ntdll, kernel32 as on Windows.
	InitProcess(p *Process) error
	// ModuleMapped is called for every module mapped into p, before its imports are bound (a built-in DLL's thunk
	// range is registered here with Process.AddThunkRange).
	ModuleMapped(p *Process, m *Module) error
	// Resolver returns the import resolver for p: it finds or loads the DLL an import names (a real DLL given to
	// the machine, else the built-in one) and returns the address to bind, or a named trap.
	Resolver(p *Process) loader.Resolver
	// Dispatch handles a thread stopped at an API thunk at addr (not a kernel stub). It must leave the thread in a
	// consistent state: returned (Thread.Return), calling guest code (Thread.CallGuest), blocked (Thread.Block),
	// or terminated.
	Dispatch(t *Thread, addr uint32)
	// ProcessEnded is called once when p has ended (threads gone, handles closed), before its address space is
	// freed, so the system layer can drop its per-process state.
	ProcessEnded(p *Process)
}

// Config configures a Kernel.
type Config struct {
	// Mem is the machine's memory (the commit limit, the shared kernel half).
	Mem *mm.Machine
	// System is the system layer; nil gives a kernel without APIs (tests of the kernel alone).
	System System
	// Quantum is the time slice in instructions (default 20000).
	Quantum uint64
	// InstrPerMs is the virtual clock rate: instructions per millisecond of guest time (default 100000, a
	// 100 MIPS machine). Sleep, GetTickCount and timeouts use it, so time is deterministic.
	InstrPerMs uint64
	// Emit receives every event, in order (nil: events are dropped).
	Emit func(Event)
	// BootTime is the FILETIME (100 ns since 1601) at clock 0 (default 2026-01-01 00:00:00 UTC).
	BootTime uint64
	// StarveAfter is the virtual time, in instructions, a runnable thread may go without the CPU before the
	// scheduler boosts it to priority 15 for one slice (default 4 s of virtual time, as Windows; priority.go).
	StarveAfter uint64
}

// Kernel is the machine's kernel: every process and thread, the ID pool, the clock and the scheduler. It is not
// safe for concurrent use; one goroutine drives it (the facade's).
type Kernel struct {
	cfg     Config
	mem     *mm.Machine
	sys     System
	ids     *IDPool
	procs   []*Process // every process whose object still exists, creation order
	threads []*Thread  // live threads, scheduling order
	// nextAt is the round-robin position in threads of each priority level; yield ends the running slice
	// after the current API call; skip is a thread that gave up the CPU to any other (SwitchToThread).
	nextAt [32]int
	yield  bool
	skip   *Thread
	// prioritiesUsed is set once a priority other than the default may exist (priority.go).
	prioritiesUsed bool
	// names is the machine-wide namespace of named objects (namespace.go).
	names    *Namespace
	clock    uint64 // virtual time in instructions (retired instructions + idle jumps)
	cur      *Thread
	explorer *Process
	// protos are prototype mappings of images (one address space each, never run): processes map an image by
	// sharing the prototype's frames (PROCESS_MODEL.md §6), keyed by the image's content.
	protos map[string]*loader.Module
	// protoUsers counts the live processes that mapped each prototype (protos.go): the last one to end
	// releases it, so a session that runs many different programs does not keep every image committed.
	protoUsers map[string]int
	// stop is set by a handler or the exception path to make Run return after the current slice.
	stop     bool
	stopWhy  string
	stopThrd *Thread
	// timers are the armed waitable timers (timer.go).
	timers []*armedTimer
}

// New creates a kernel. Call Boot next.
func New(cfg Config) *Kernel {
	if cfg.Quantum == 0 {
		cfg.Quantum = 20000
	}
	if cfg.InstrPerMs == 0 {
		cfg.InstrPerMs = 100000
	}
	if cfg.StarveAfter == 0 {
		cfg.StarveAfter = 4000 * cfg.InstrPerMs
	}
	if cfg.BootTime == 0 {
		cfg.BootTime = 134116992000000000 // 2026-01-01T00:00:00Z as a FILETIME
	}
	if cfg.Mem == nil {
		cfg.Mem = mm.NewMachine(1 << 30)
	}
	return &Kernel{cfg: cfg, mem: cfg.Mem, sys: cfg.System, ids: NewIDPool()}
}

// Mem returns the machine's memory.
func (k *Kernel) Mem() *mm.Machine { return k.mem }

// IDs returns the ID pool (for inspection and tests).
func (k *Kernel) IDs() *IDPool { return k.ids }

// Clock returns virtual time in instructions.
func (k *Kernel) Clock() uint64 { return k.clock }

// Current returns the thread that is running (or last ran).
func (k *Kernel) Current() *Thread { return k.cur }

// Explorer returns the explorer.exe process created by Boot.
func (k *Kernel) Explorer() *Process { return k.explorer }

// InstrPerMs returns the virtual clock rate.
func (k *Kernel) InstrPerMs() uint64 { return k.cfg.InstrPerMs }

func (k *Kernel) instrPer100ns() uint64 {
	if v := k.cfg.InstrPerMs / 10000; v > 0 {
		return v
	}
	return 1
}

// TickCount returns milliseconds since boot (GetTickCount), from the virtual clock.
func (k *Kernel) TickCount() uint64 { return k.clock / k.cfg.InstrPerMs }

// SystemTime returns the current FILETIME (100 ns units since 1601-01-01 UTC), from the virtual clock.
func (k *Kernel) SystemTime() uint64 { return k.cfg.BootTime + k.clock/k.instrPer100ns() }

// Processes returns the processes whose objects exist, in creation order.
func (k *Kernel) Processes() []*Process { return append([]*Process(nil), k.procs...) }

// Process returns the process with ID pid whose object still exists, or nil.
func (k *Kernel) Process(pid uint32) *Process {
	for _, p := range k.procs {
		if p.ID == pid {
			return p
		}
	}
	return nil
}

// Thread returns the live thread with ID tid, or nil.
func (k *Kernel) Thread(tid uint32) *Thread {
	for _, t := range k.threads {
		if t.ID == tid {
			return t
		}
	}
	return nil
}

// Boot creates explorer.exe, the desktop process that every program started from the host is a child of. It is
// a real process (ID, address space, PEB, handle table) with one idle thread that waits forever and never runs.
func (k *Kernel) Boot() (*Process, error) {
	if k.explorer != nil {
		return k.explorer, nil
	}
	p, err := k.newProcess(0, `C:\Windows\explorer.exe`, `C:\Windows\Explorer.EXE`, `C:\Windows\system32`, nil)
	if err != nil {
		return nil, err
	}
	if err := k.writePEB(p, 0, nil); err != nil {
		return nil, err
	}
	t, err := k.newThread(p, 0, 0, 0x10000, mm.PageSize, false)
	if err != nil {
		return nil, err
	}
	t.idle = true
	t.state = ThreadWaiting
	k.threads = append(k.threads, t)
	k.explorer = p
	k.emit(Event{Kind: "process-created", PID: p.ID, Name: p.Name, Path: p.ImagePath,
		Text: "explorer.exe (the desktop) is running"})
	k.emit(Event{Kind: "thread-created", PID: p.ID, TID: t.ID, Text: "explorer's idle thread waits for the user"})
	return p, nil
}

// newProcess creates the process object (with its ID and handle table) and its address space (steps 1 and 2).
func (k *Kernel) newProcess(parent uint32, imagePath, cmdline, curdir string, env []string) (*Process, error) {
	id := k.ids.Alloc()
	if id == 0 {
		return nil, fmt.Errorf("kernel: out of process IDs")
	}
	p := &Process{ID: id, Parent: parent, Name: baseName(imagePath), ImagePath: imagePath, CommandLine: cmdline,
		CurrentDir: curdir, Env: env, Handles: NewHandleTable(), kernel: k}
	p.Init(TypeProcess, "", func() { k.destroyProcess(p) })
	k.procs = append(k.procs, p)
	p.Space = k.mem.NewSpace()
	p.arena.space = p.Space
	if err := k.setupSpace(p); err != nil {
		k.failProcess(p)
		return nil, err
	}
	return p, nil
}

// destroyProcess runs when the last reference to p goes: its ID returns to the pool.
func (k *Kernel) destroyProcess(p *Process) {
	k.ids.Free(p.ID)
	for i, q := range k.procs {
		if q == p {
			k.procs = append(k.procs[:i], k.procs[i+1:]...)
			break
		}
	}
}

// failProcess undoes a process whose creation failed.
func (k *Kernel) failProcess(p *Process) {
	p.exited, p.exitCode = true, uint32(abi.STATUS_DLL_INIT_FAILED)
	for _, t := range p.threads {
		k.endThread(t, p.exitCode)
	}
	p.Handles.CloseAll()
	if p.Space != nil {
		_ = p.Space.Close()
	}
	k.releaseProtos(p)
	p.Unref()
}
