package core

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/vfs"
	"github.com/peek32/peek32/core/win32"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/loader"
	"github.com/peek32/peek32/mm"
)

// ErrNoInput is what a Config.Stdin reader returns, with no bytes, when it stops waiting for input that has not
// come (the CLI's --timeout): the program's read blocks instead of seeing the end of the input.
var ErrNoInput = win32.ErrNoInput

// Event is one thing that happened (see kernel.Event for the kinds and fields).
type Event = kernel.Event

// Config is a machine's immutable configuration.
type Config struct {
	// CommitLimit is the bytes the whole machine may commit (default 1 GiB).
	CommitLimit uint64
	// MaxInstructions bounds the instructions the machine runs in total (0: unbounded); when reached, every
	// process is ended and Run reports "limit".
	MaxInstructions uint64
	// TraceAPI makes every API call an "api" event with decoded arguments and return value.
	TraceAPI bool
	// Stdin, Stdout, Stderr are host streams for the processes the host creates (nil: input comes from
	// WriteStdin, output only as "console" events). Stdin is read synchronously when a program reads; a Stdin
	// that gives up waiting returns ErrNoInput, and the reading thread then blocks (Run reports "idle").
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// OnEvent, if set, receives every event as it happens (the CLI's --trace); events are also queued for
	// DrainEvents unless DropEvents is set.
	OnEvent    func(Event)
	DropEvents bool
	// FS is the machine's file system (drive C:); nil gives a fresh in-memory one. Mount host directories on it
	// before creating processes (the CLI mounts the host's current directory at C:\work).
	FS *vfs.FS
	// Quantum is the scheduler's time slice in instructions (0: the kernel's default).
	Quantum uint64
	// StarveAfter is how long, in instructions of virtual time, a runnable thread may go without the CPU
	// before the scheduler's anti-starvation boost gives it a slice at priority 15 (0: the kernel's default,
	// 4 s of virtual time).
	StarveAfter uint64
}

// Machine is one emulated Windows machine.
type Machine struct {
	cfg    Config
	mem    *mm.Machine
	k      *kernel.Kernel
	sys    *win32.System
	events []Event
	ran    uint64
	broken string // set after an emulator panic
	stdin  map[uint32]*win32.Console
	first  uint32 // PID of the first process the host created (its exit code is the run's)
}

// NewMachine boots a machine: memory, the kernel, the system DLLs, and explorer.exe.
func NewMachine(cfg Config) (*Machine, error) {
	if cfg.CommitLimit == 0 {
		cfg.CommitLimit = 1 << 30
	}
	if cfg.FS == nil {
		cfg.FS = vfs.NewFS()
	}
	m := &Machine{cfg: cfg, mem: mm.NewMachine(cfg.CommitLimit), stdin: map[uint32]*win32.Console{}}
	m.sys = win32.New(win32.Config{Files: cfg.FS, FS: cfg.FS, TraceAPI: cfg.TraceAPI})
	m.k = kernel.New(kernel.Config{Mem: m.mem, System: m.sys, Emit: m.emit, Quantum: cfg.Quantum,
		StarveAfter: cfg.StarveAfter})
	m.sys.Attach(m.k)
	cfg.FS.Clock = m.k.SystemTime
	if _, err := m.k.Boot(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Machine) emit(e Event) {
	if m.cfg.OnEvent != nil {
		m.cfg.OnEvent(e)
	}
	if !m.cfg.DropEvents {
		m.events = append(m.events, e)
	}
}

// Kernel gives tests and tools access to the kernel (not for the page: it uses the inspection methods).
func (m *Machine) Kernel() *kernel.Kernel { return m.k }

// AddFile puts a file into the machine's file system at a Windows path ("C:\work\hello.exe"), creating
// missing directories.
func (m *Machine) AddFile(path string, data []byte) error { return m.cfg.FS.AddFile(path, data) }

// File is a file the guest created or changed.
type File = vfs.WrittenFile

// WrittenFiles returns the files the guest created or changed (for the host to take out).
func (m *Machine) WrittenFiles() []File { return m.cfg.FS.Written() }

// FS returns the machine's file system.
func (m *Machine) FS() *vfs.FS { return m.cfg.FS }

// ProcessOptions are the host's choices for a new process.
type ProcessOptions struct {
	// ImagePath is the exe's Windows path; default: the first word of the command line, resolved against
	// CurrentDir.
	ImagePath string
	// CurrentDir is the process's current directory (default: the exe's directory).
	CurrentDir string
	// Env is the environment ("NAME=value"); nil gives a small default one.
	Env []string
	// Suspended creates the main thread suspended (CREATE_SUSPENDED).
	Suspended bool
}

// ProcessInfo describes a process.
type ProcessInfo struct {
	PID         uint32 `json:"pid"`
	ParentPID   uint32 `json:"parent_pid"`
	Name        string `json:"name"`
	Path        string `json:"path"`
	CommandLine string `json:"command_line"`
	Running     bool   `json:"running"`
	ExitCode    uint32 `json:"exit_code"`
	Threads     int    `json:"threads"`
	Handles     int    `json:"handles"`
	// TID is the main thread's ID (from CreateProcess's PROCESS_INFORMATION).
	TID uint32 `json:"tid,omitempty"`
}

// DefaultEnv is the environment of processes the host creates.
var DefaultEnv = []string{
	`ALLUSERSPROFILE=C:\ProgramData`, `COMPUTERNAME=PEEK32`, `ComSpec=C:\Windows\system32\cmd.exe`,
	`NUMBER_OF_PROCESSORS=1`, `OS=Windows_NT`, `PATH=C:\Windows\system32;C:\Windows`,
	`PATHEXT=.COM;.EXE;.BAT;.CMD`, `PROCESSOR_ARCHITECTURE=x86`, `SystemDrive=C:`, `SystemRoot=C:\Windows`,
	`TEMP=C:\Windows\Temp`, `TMP=C:\Windows\Temp`, `USERNAME=user`, `USERPROFILE=C:\Users\user`, `windir=C:\Windows`,
}

// CreateProcess starts a program as explorer.exe would (a double-click): a child of explorer.exe with the
// host's standard streams. The command line is what the program sees (GetCommandLine).
func (m *Machine) CreateProcess(cmdline string, opt ProcessOptions) (info ProcessInfo, err error) {
	if m.broken != "" {
		return info, errors.New(m.broken)
	}
	defer func() {
		if r := recover(); r != nil {
			err = m.panicked(r)
		}
	}()
	path := opt.ImagePath
	if path == "" {
		args := win32.ParseCommandLine(cmdline)
		if len(args) == 0 || args[0] == "" {
			return info, errors.New("empty command line")
		}
		path = args[0]
		if !strings.Contains(path, `:`) && opt.CurrentDir != "" {
			path = strings.TrimSuffix(opt.CurrentDir, `\`) + `\` + path
		}
	}
	data, err := m.cfg.FS.ReadFile(path)
	if err != nil {
		return info, fmt.Errorf("%s: %w", path, err)
	}
	env := opt.Env
	if env == nil {
		env = DefaultEnv
	}
	std := m.sys.Stdio(m.cfg.Stdin, m.cfg.Stdout, m.cfg.Stderr)
	var flags uint32
	if opt.Suspended {
		flags |= abi.CREATE_SUSPENDED
	}
	res, err := m.k.CreateProcess(kernel.CreateParams{Image: data, ImagePath: path, CommandLine: cmdline,
		CurrentDir: opt.CurrentDir, Env: env, Flags: flags, Std: std, Parent: m.k.Explorer()})
	for _, o := range std {
		o.Header().Unref() // the new process's handles hold them
	}
	if err != nil {
		return info, err
	}
	m.stdin[res.PID] = std[0].(*win32.Console)
	if m.first == 0 {
		m.first = res.PID
	}
	info = processInfo(res.Process)
	info.TID = res.TID
	return info, nil
}

func processInfo(p *kernel.Process) ProcessInfo {
	return ProcessInfo{PID: p.ID, ParentPID: p.Parent, Name: p.Name, Path: p.ImagePath, CommandLine: p.CommandLine,
		Running: !p.Exited(), ExitCode: p.ExitCode(), Threads: len(p.Threads()), Handles: p.Handles.Len()}
}

// RunState is what Run reports.
type RunState struct {
	// Status: "running" (budget spent, more to do), "idle" (waiting for input), "exited" (every program has
	// ended), "deadlock", "breakpoint", "limit" (MaxInstructions reached; processes were ended), "error" (an
	// emulator bug; Message has the report).
	Status string `json:"status"`
	// ExitCode is the exit code of the first process the host created, once it has ended.
	ExitCode uint32 `json:"exit_code"`
	// Ran is the instructions run by this call; Total by the machine so far.
	Ran   uint64 `json:"ran"`
	Total uint64 `json:"total"`
	// Message explains an error, a deadlock or an unimplemented function.
	Message string `json:"message,omitempty"`
	// TID is the thread at a breakpoint.
	TID uint32 `json:"tid,omitempty"`
}

// Run runs every thread of every process for up to budget instructions (scheduled deterministically), and
// says why it stopped.
func (m *Machine) Run(budget uint64) (st RunState) {
	if m.broken != "" {
		return RunState{Status: "error", Message: m.broken, Total: m.ran}
	}
	defer func() {
		if r := recover(); r != nil {
			st = RunState{Status: "error", Message: m.panicked(r).Error(), Total: m.ran}
		}
	}()
	limited := false
	if max := m.cfg.MaxInstructions; max > 0 {
		if m.ran >= max {
			limited = true
			budget = 0
		} else if budget > max-m.ran {
			budget = max - m.ran
		}
	}
	var r kernel.RunResult
	if budget > 0 {
		r = m.k.Run(budget)
		m.ran += r.Ran
	} else {
		r.Status = kernel.RunBudget
	}
	st = RunState{Status: r.Status.String(), Ran: r.Ran, Total: m.ran, Message: r.Reason}
	if r.Thread != nil {
		st.TID = r.Thread.ID
	}
	if max := m.cfg.MaxInstructions; (limited || (max > 0 && m.ran >= max)) && r.Status == kernel.RunBudget {
		m.EndAll(uint32(abi.STATUS_TIMEOUT))
		st.Status = "limit"
		st.Message = fmt.Sprintf("the instruction limit (%d) was reached; the program was stopped", max)
	}
	if r.Status == kernel.RunDeadlock {
		st.Message = m.deadlockReport()
	}
	if p := m.k.Process(m.first); p != nil {
		st.ExitCode = p.ExitCode()
	} else if code, ok := m.firstExit(); ok {
		st.ExitCode = code
	}
	if u := m.sys.LastUnimplemented; u != "" && st.Message == "" {
		st.Message = u
	}
	return st
}

// firstExit finds the first process's exit code from the events when its object is gone.
func (m *Machine) firstExit() (uint32, bool) {
	for i := len(m.events) - 1; i >= 0; i-- {
		e := m.events[i]
		if e.Kind == "process-exited" && e.PID == m.first && e.Code != nil {
			return *e.Code, true
		}
	}
	return 0, false
}

// EndAll terminates every process except explorer.exe with code (a host bound was hit).
func (m *Machine) EndAll(code uint32) {
	for _, p := range m.k.Processes() {
		if p != m.k.Explorer() && !p.Exited() {
			m.k.TerminateProcess(p, code)
		}
	}
}

func (m *Machine) deadlockReport() string {
	var b strings.Builder
	b.WriteString("deadlock: every thread waits and nothing can wake it:")
	for _, t := range m.k.Blocked() {
		where := fmt.Sprintf("0x%08X", t.CPU.EIP)
		if sym := m.sys.SymbolAt(t.Proc, t.CPU.EIP); sym != "" {
			where = sym
		}
		fmt.Fprintf(&b, " [%s PID %d, thread %d in %s %s]", t.Proc.Name, t.Proc.ID, t.ID, where, describeWait(t))
	}
	return b.String()
}

// panicked turns an emulator panic into an error with a report, and marks the machine broken.
func (m *Machine) panicked(r any) error {
	var b strings.Builder
	fmt.Fprintf(&b, "internal emulator error (a peek32 bug, not the program's): %v", r)
	if t := m.k.Current(); t != nil && t.CPU != nil {
		fmt.Fprintf(&b, "\nthread %d of %s (PID %d) at EIP=0x%08X", t.ID, t.Proc.Name, t.Proc.ID, t.CPU.EIP)
		if t.Proc.Space != nil {
			for _, l := range cpu.Disassemble(t.Proc.Space, t.CPU.EIP, 4) {
				fmt.Fprintf(&b, "\n  %08X  % -20X %s", l.Addr, l.Bytes, l.Text)
			}
		}
	}
	fmt.Fprintf(&b, "\n%s", debug.Stack())
	m.broken = b.String()
	m.emit(Event{Kind: "error", Text: m.broken})
	return errors.New(m.broken)
}

// DrainEvents returns the events queued since the last call, oldest first.
func (m *Machine) DrainEvents() []Event {
	e := m.events
	m.events = nil
	return e
}

// WriteStdin gives bytes to a process's standard input (a process the host created).
func (m *Machine) WriteStdin(pid uint32, data []byte) error {
	c, ok := m.stdin[pid]
	if !ok {
		return fmt.Errorf("no process %d with host standard input", pid)
	}
	c.Feed(data)
	return nil
}

// CloseStdin ends a process's standard input (reads then see end of file).
func (m *Machine) CloseStdin(pid uint32) error {
	c, ok := m.stdin[pid]
	if !ok {
		return fmt.Errorf("no process %d with host standard input", pid)
	}
	c.CloseInput()
	return nil
}

// Processes lists the processes whose objects exist (explorer.exe first), in creation order.
func (m *Machine) Processes() []ProcessInfo {
	var out []ProcessInfo
	for _, p := range m.k.Processes() {
		out = append(out, processInfo(p))
	}
	return out
}

// ThreadInfo describes a thread.
type ThreadInfo struct {
	TID          uint32 `json:"tid"`
	PID          uint32 `json:"pid"`
	State        string `json:"state"`
	Suspend      int    `json:"suspend_count"`
	EIP          uint32 `json:"eip"`
	ESP          uint32 `json:"esp"`
	TEB          uint32 `json:"teb"`
	StackBase    uint32 `json:"stack_base"`
	StackLimit   uint32 `json:"stack_limit"`
	Instructions uint64 `json:"instructions"`
	Main         bool   `json:"main"`
}

// Threads lists the live threads of pid.
func (m *Machine) Threads(pid uint32) []ThreadInfo {
	p := m.k.Process(pid)
	if p == nil {
		return nil
	}
	var out []ThreadInfo
	for _, t := range p.Threads() {
		out = append(out, ThreadInfo{TID: t.ID, PID: p.ID, State: t.State().String(), Suspend: t.SuspendCount(),
			EIP: t.CPU.EIP, ESP: t.CPU.Regs[cpu.ESP], TEB: t.TEB, StackBase: t.StackBase, StackLimit: t.StackLimit,
			Instructions: t.CPU.Count, Main: t.IsMain()})
	}
	return out
}

// ModuleInfo describes a loaded module.
type ModuleInfo struct {
	Name    string `json:"name"`
	Path    string `json:"path"`
	Base    uint32 `json:"base"`
	Size    uint32 `json:"size"`
	Entry   uint32 `json:"entry"`
	BuiltIn bool   `json:"builtin"`
}

// Modules lists pid's modules in load order (the exe first).
func (m *Machine) Modules(pid uint32) []ModuleInfo {
	p := m.k.Process(pid)
	if p == nil {
		return nil
	}
	var out []ModuleInfo
	for _, x := range p.Modules {
		out = append(out, ModuleInfo{Name: x.BaseName, Path: x.FullPath, Base: x.Base, Size: x.Size, Entry: x.Entry, BuiltIn: x.BuiltIn})
	}
	return out
}

// HandleInfo describes one handle-table entry.
type HandleInfo struct {
	Handle uint32 `json:"handle"`
	Type   string `json:"type"`
	Object string `json:"object"`
	Refs   int32  `json:"refs"`
}

// Handles lists pid's handle table in handle order.
func (m *Machine) Handles(pid uint32) []HandleInfo {
	p := m.k.Process(pid)
	if p == nil {
		return nil
	}
	var out []HandleInfo
	for _, h := range p.Handles.Handles() {
		e, _ := p.Handles.Get(h)
		hd := e.Object.Header()
		desc := hd.Name()
		switch o := e.Object.(type) {
		case *kernel.Process:
			desc = fmt.Sprintf("%s (PID %d)", o.Name, o.ID)
		case *kernel.Thread:
			desc = fmt.Sprintf("TID %d of PID %d", o.ID, o.Proc.ID)
		case *win32.Console:
			desc = [...]string{"console input", "console output", "console error"}[o.Kind]
		}
		out = append(out, HandleInfo{Handle: uint32(h), Type: hd.Type().String(), Object: desc, Refs: hd.Refs()})
	}
	return out
}

// Region is one run of pages with the same state and protection (VirtualQuery's view), with its sharing.
type Region struct {
	Base      uint32 `json:"base"`
	AllocBase uint32 `json:"alloc_base"`
	Size      uint32 `json:"size"`
	State     string `json:"state"`
	Prot      string `json:"prot"`
	Type      string `json:"type"`
	Module    string `json:"module,omitempty"`
	Shared    int    `json:"shared_pages"`
	COW       int    `json:"cow_pages"`
}

// MemoryMap lists pid's address space (free runs omitted).
func (m *Machine) MemoryMap(pid uint32) []Region {
	p := m.k.Process(pid)
	if p == nil || p.Exited() {
		return nil
	}
	var out []Region
	for _, r := range p.Space.Regions() {
		if r.State == mm.StateFree {
			continue
		}
		reg := Region{Base: r.Base, AllocBase: r.AllocBase, Size: r.Size, State: r.State.String(), Prot: r.Prot.String(), Type: r.Type.String()}
		if mod := p.ModuleAt(r.Base); mod != nil {
			reg.Module = mod.BaseName
		}
		if r.State == mm.StateCommit && r.Size <= 64<<20 {
			for a := r.Base; a-r.Base < r.Size; a += mm.PageSize {
				switch p.Space.PageInfo(a).Sharing {
				case mm.Shared:
					reg.Shared++
				case mm.SharedCOW:
					reg.COW++
				}
			}
		}
		out = append(out, reg)
	}
	return out
}

// Registers are a thread's registers.
type Registers struct {
	EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, EIP, EFlags, FSBase uint32
}

// Registers returns thread tid's registers.
func (m *Machine) Registers(tid uint32) (Registers, error) {
	t := m.k.Thread(tid)
	if t == nil {
		return Registers{}, fmt.Errorf("no thread %d", tid)
	}
	r := t.CPU.Regs
	return Registers{EAX: r[cpu.EAX], ECX: r[cpu.ECX], EDX: r[cpu.EDX], EBX: r[cpu.EBX], ESP: r[cpu.ESP],
		EBP: r[cpu.EBP], ESI: r[cpu.ESI], EDI: r[cpu.EDI], EIP: t.CPU.EIP, EFlags: t.CPU.Flags(), FSBase: t.CPU.FSBase}, nil
}

// ReadMemory reads n bytes of pid's memory (ignoring protection; unreadable memory is an error).
func (m *Machine) ReadMemory(pid, addr uint32, n int) ([]byte, error) {
	p := m.k.Process(pid)
	if p == nil || p.Exited() {
		return nil, fmt.Errorf("no running process %d", pid)
	}
	if n < 0 || n > 1<<20 {
		return nil, fmt.Errorf("bad length %d", n)
	}
	b := make([]byte, n)
	if err := p.Space.ReadBytes(addr, b, mm.AccessRead|mm.AccessForce); err != nil {
		return nil, err
	}
	return b, nil
}

// Disassemble decodes n instructions of pid at addr.
func (m *Machine) Disassemble(pid, addr uint32, n int) ([]cpu.DisasmLine, error) {
	p := m.k.Process(pid)
	if p == nil || p.Exited() {
		return nil, fmt.Errorf("no running process %d", pid)
	}
	return cpu.Disassemble(p.Space, addr, min(n, 1000)), nil
}

// Inspect parses a PE file for the page's and the CLI's PE view.
func Inspect(data []byte) (*loader.Report, error) { return loader.Inspect(data) }
