package kernel

import (
	"fmt"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/loader"
	"github.com/peek32/peek32/mm"
)

// CreateParams are CreateProcess's inputs, already decoded from whatever the caller had (the host, or a guest's
// CreateProcessA/W arguments).
type CreateParams struct {
	// Parent is the creating process (nil: explorer.exe).
	Parent *Process
	// Image is the exe file's bytes; ImagePath its full Windows path ("C:\work\hello.exe").
	Image     []byte
	ImagePath string
	// CommandLine is the whole command line as the program will see it (GetCommandLine).
	CommandLine string
	// CurrentDir is the new process's current directory (default: the parent's).
	CurrentDir string
	// Env is the environment, "NAME=value" strings (default: the parent's).
	Env []string
	// Flags are the creation flags; CREATE_SUSPENDED and the priority-class flags are honoured.
	Flags uint32
	// Std are objects to install as the standard input, output and error handles of the new process (nil: the
	// handle value stays 0). InheritHandles copies the parent's inheritable handles first, at the same values;
	// a Std object whose parent handle (StdHandles) was inherited keeps that value in the child.
	Std            [3]Object
	StdHandles     [3]Handle
	InheritHandles bool
}

// CreateResult is PROCESS_INFORMATION: handles in the parent's table (0 when there is no parent table) and IDs.
type CreateResult struct {
	Process  *Process
	Thread   *Thread
	HProcess Handle
	HThread  Handle
	PID, TID uint32
}

// CreateProcess creates a process in the order of PROCESS_MODEL.md §1, emitting a "step" event for each step:
// (1) the process object, (2) its 4 GB address space, (3) the image mapped at its ImageBase (relocated if
// needed) with its DLLs loaded and imports bound, (4) the main thread with its stack (sizes from the PE header),
// TEB and context, (5) the thread handed to the scheduler (unless CREATE_SUSPENDED). When the thread first runs
// it notifies the DLLs (DllMain, TLS callbacks) and calls the entry point; see threadStart.
//
// Errors are the loader's typed errors for a file that cannot run, or import-resolution errors; nothing of the
// failed process remains except its ID (freed).
func (k *Kernel) CreateProcess(cp CreateParams) (*CreateResult, error) {
	parent := cp.Parent
	if parent == nil {
		parent = k.explorer
	}
	f, err := loader.Parse(cp.Image, loader.DefaultLimits())
	if err != nil {
		return nil, err
	}
	if err := f.ProgramError(); err != nil {
		return nil, err
	}
	var ppid uint32
	curdir, env := cp.CurrentDir, cp.Env
	if parent != nil {
		ppid = parent.ID
		if curdir == "" {
			curdir = parent.CurrentDir
		}
		if env == nil {
			env = parent.Env
		}
	}
	if curdir == "" {
		curdir = dirOf(cp.ImagePath)
	}
	cmdline := cp.CommandLine
	if cmdline == "" {
		cmdline = cp.ImagePath
	}

	p, err := k.newProcess(ppid, cp.ImagePath, cmdline, curdir, append([]string(nil), env...))
	if err != nil {
		return nil, err
	}
	if c := initialPriorityClass(cp.Flags, parent); c != NormalPriorityClass {
		p.SetPriorityClass(c)
	}
	k.emit(Event{Kind: "step", Step: 1, PID: p.ID, Name: p.Name, Parent: ppid,
		Text: fmt.Sprintf("process object created: %s, PID %d, parent PID %d", p.Name, p.ID, ppid)})
	k.emit(Event{Kind: "step", Step: 2, PID: p.ID,
		Text: "4 GB virtual address space created (user half 0x00010000-0x7FFEFFFF, kernel half shared)"})

	fail := func(err error) (*CreateResult, error) {
		k.failProcess(p)
		return nil, err
	}
	if cp.InheritHandles && cp.Parent != nil {
		for _, h := range cp.Parent.Handles.Handles() {
			if e, _ := cp.Parent.Handles.Get(h); e.Inherit {
				p.Handles.InsertAt(h, e.Object, e.Access, true)
			}
		}
	}
	for i, o := range cp.Std {
		if o == nil {
			continue
		}
		if h := cp.StdHandles[i]; h != 0 {
			if e, ok := p.Handles.Get(h); ok && e.Object == o {
				p.Std[i] = h
				continue
			}
		}
		h, ok := p.Handles.Insert(o, 0, true)
		if !ok {
			return fail(fmt.Errorf("kernel: handle table full"))
		}
		p.Std[i] = h
	}
	if err := k.writePEB(p, f.ImageBase, f); err != nil {
		return fail(err)
	}
	f.Name = p.Name
	held := k.holdFixedImages(p, f)
	lm, err := k.mapImage(p, f, imageKey(cp.Image))
	for _, b := range held {
		_ = p.Space.Release(b)
	}
	if err != nil {
		return fail(err)
	}
	lm.Path = p.ImagePath
	img := &Module{Module: lm, BaseName: p.Name, FullPath: p.ImagePath, LoadCount: 1, Initialized: true}
	p.Image = img
	p.Modules = append(p.Modules, img)
	_ = put32(p.Space, p.PEB+abi.PEB_ImageBaseAddress, lm.Base)
	if err := p.addLdrEntry(img); err != nil {
		return fail(err)
	}
	p.Cache = cpu.NewCache(p.Space)
	k.emit(Event{Kind: "module-loaded", PID: p.ID, Name: p.Name, Path: p.ImagePath, Base: lm.Base, Size: lm.Size,
		Text: fmt.Sprintf("%s mapped at 0x%08X%s", p.Name, lm.Base, relocNote(lm))})
	if k.sys != nil {
		if err := k.sys.InitProcess(p); err != nil {
			return fail(err)
		}
		if err := lm.BindImports(k.sys.Resolver(p)); err != nil {
			return fail(err)
		}
	}
	k.emit(Event{Kind: "step", Step: 3, PID: p.ID, Base: lm.Base,
		Text: fmt.Sprintf("image loaded at 0x%08X, %d modules mapped, imports bound", lm.Base, len(p.Modules))})

	suspended := cp.Flags&abi.CREATE_SUSPENDED != 0
	t, err := k.newThread(p, lm.Entry, p.PEB, f.StackReserve, f.StackCommit, true)
	if err != nil {
		return fail(err)
	}
	k.watchMain(p, t)
	k.emit(Event{Kind: "thread-created", PID: p.ID, TID: t.ID, EIP: lm.Entry,
		Text: fmt.Sprintf("main thread %d: stack 0x%08X-0x%08X, TEB 0x%08X", t.ID, t.StackAlloc, t.StackBase, t.TEB)})
	k.emit(Event{Kind: "step", Step: 4, PID: p.ID, TID: t.ID, EIP: lm.Entry,
		Text: fmt.Sprintf("main thread created (TID %d), entry point 0x%08X = ImageBase 0x%08X + 0x%X",
			t.ID, lm.Entry, lm.Base, f.EntryRVA)})

	res := &CreateResult{Process: p, Thread: t, PID: p.ID, TID: t.ID}
	if cp.Parent != nil {
		hp, ok1 := cp.Parent.Handles.Insert(p, abi.PROCESS_ALL_ACCESS, false)
		ht, ok2 := cp.Parent.Handles.Insert(t, abi.THREAD_ALL_ACCESS, false)
		if !ok1 || !ok2 {
			return fail(fmt.Errorf("kernel: the parent's handle table is full"))
		}
		res.HProcess, res.HThread = hp, ht
	}
	k.emit(Event{Kind: "process-created", PID: p.ID, TID: t.ID, EIP: lm.Entry, Name: p.Name, Path: p.ImagePath, Parent: ppid,
		Text: fmt.Sprintf("%s (PID %d) created by PID %d: %s", p.Name, p.ID, ppid, p.CommandLine)})
	k.threads = append(k.threads, t)
	if !suspended {
		t.Resume()
		k.emit(Event{Kind: "step", Step: 5, PID: p.ID, TID: t.ID, EIP: lm.Entry,
			Text: "main thread handed to the scheduler"})
	} else {
		k.emit(Event{Kind: "step", Step: 5, PID: p.ID, TID: t.ID, EIP: lm.Entry,
			Text: "main thread created suspended (CREATE_SUSPENDED): it runs after ResumeThread"})
	}
	return res, nil
}

func relocNote(m *loader.Module) string {
	if m.Relocated {
		return fmt.Sprintf(" (relocated from 0x%08X)", m.File.ImageBase)
	}
	return ""
}

// CreateThread creates a thread of p starting at start(param) with the given stack sizes (0: the exe's header
// values), suspended or not, and schedules it. The caller inserts a handle if it needs one.
func (k *Kernel) CreateThread(p *Process, start, param, stackSize uint32, suspended bool) (*Thread, error) {
	if p.exited || p.exiting {
		return nil, fmt.Errorf("kernel: process %d is ending", p.ID)
	}
	reserve, commit := uint32(0x100000), uint32(0x1000)
	if p.Image != nil {
		reserve, commit = p.Image.File.StackReserve, p.Image.File.StackCommit
	}
	if stackSize > reserve {
		reserve = stackSize
	}
	t, err := k.newThread(p, start, param, reserve, commit, suspended)
	if err != nil {
		return nil, err
	}
	k.threads = append(k.threads, t)
	k.emit(Event{Kind: "thread-created", PID: p.ID, TID: t.ID, EIP: start,
		Text: fmt.Sprintf("thread %d created at 0x%08X", t.ID, start)})
	return t, nil
}

// mainSymbols are the COFF symbols of a program's own main function, as MinGW and MSVC name them.
var mainSymbols = []string{"_main", "main", "_wmain", "wmain", "_WinMain@16", "WinMain", "_wWinMain@16", "wWinMain"}

// watchMain arranges for a "main" event when the exe's main function (found by symbol) is first called, so the
// timeline shows the runtime start-up handing over to the program (PROCESS_MODEL.md §2).
func (k *Kernel) watchMain(p *Process, t *Thread) {
	f := p.Image.File
	for _, name := range mainSymbols {
		if rva, ok := f.SymbolRVA(name); ok {
			addr := p.Image.Base + rva
			if p.watches == nil {
				p.watches = map[uint32]string{}
			}
			p.watches[addr] = name
			t.CPU.SetBreakpoint(addr)
			return
		}
	}
}

// watchHit handles a breakpoint at a watched address: it emits the event, removes the watch (and the CPU
// breakpoint unless the user set one there too) and reports true; false means a user breakpoint.
func (k *Kernel) watchHit(t *Thread) bool {
	p := t.Proc
	eip := t.CPU.EIP
	name, ok := p.watches[eip]
	if !ok {
		return false
	}
	delete(p.watches, eip)
	k.emit(Event{Kind: "main", PID: p.ID, TID: t.ID, EIP: eip, Name: name,
		Text: fmt.Sprintf("the C runtime calls %s at 0x%08X", name, eip)})
	if p.breakpoints[eip] {
		return false
	}
	for _, x := range p.threads {
		x.CPU.ClearBreakpoint(eip)
	}
	return true
}

// FixedImages is an optional part of System: the ranges [base, base+size) of DLLs that can only be mapped at
// their own base (core/win32's built-in DLLs have no relocations). CreateProcess and the loading of real DLLs
// keep those ranges free while they place an image, so an exe or DLL that prefers one of them is relocated (or
// refused, when it has no relocations) instead of leaving the system DLL nowhere to go; on Windows, too, the
// system DLLs keep their addresses.
type FixedImages interface {
	FixedImageRanges() [][2]uint32
}

// holdFixedImages reserves the fixed DLL ranges that f's preferred range overlaps (those not mapped in p
// already), for the caller to release once f is mapped: the exe, and real DLLs loaded before the built-in DLLs
// they would displace.
func (k *Kernel) holdFixedImages(p *Process, f *loader.File) []uint32 {
	fi, ok := k.sys.(FixedImages)
	if !ok {
		return nil
	}
	lo, hi := uint64(f.ImageBase), uint64(f.ImageBase)+uint64(f.SizeOfImage)
	var held []uint32
	for _, r := range fi.FixedImageRanges() {
		if uint64(r[0]) < hi && lo < uint64(r[0])+uint64(r[1]) {
			if b, err := p.Space.Reserve(r[0], r[1], mm.ProtRead, mm.TypePrivate, false); err == nil {
				held = append(held, b)
			}
		}
	}
	return held
}
