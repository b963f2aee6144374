package kernel

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/loader"
	"github.com/peek32/peek32/mm"
)

// Process is a process kernel object: an address space, the modules mapped in it, a handle table, a PEB, its
// threads, and an exit code. The object is created with one reference that stands for "the process is running";
// ending the process drops it (PROCESS_MODEL.md §4 step 4), and the object lives on while handles to it are open.
type Process struct {
	ObjectHeader
	ID     uint32
	Parent uint32 // the creating process's ID (InheritedFromUniqueProcessId)
	// Name is the image's file name ("hello.exe"); ImagePath its full Windows path.
	Name, ImagePath string
	CommandLine     string
	CurrentDir      string
	Env             []string // "NAME=value", in the order given
	Space           *mm.Space
	Cache           *cpu.Cache
	Handles         *HandleTable
	// Image is the exe's module; Modules every module in load order (the exe first); InitOrder the DLLs in the
	// order their DllMain runs (dependencies first), as PEB_LDR_DATA's three lists have them.
	Image     *Module
	Modules   []*Module
	InitOrder []*Module
	// protoKeys are the prototypes (Kernel.protos) this process mapped, released when it ends.
	protoKeys []string
	PEB       uint32
	// Params is the RTL_USER_PROCESS_PARAMETERS address.
	Params uint32
	// Std are the standard handles given at creation (input, output, error).
	Std [3]Handle
	// Sys is the system layer's per-process state (heaps, CRT data, ...); the kernel never looks inside.
	Sys any
	// Vectored are the vectored exception handlers in call order; UnhandledFilter is the top-level filter
	// (SetUnhandledExceptionFilter). The system layer's APIs maintain them; DispatchException uses them.
	Vectored        []VectoredHandler
	UnhandledFilter uint32
	// priorityClass is the PROCESS priority class (0: NORMAL_PRIORITY_CLASS; priority.go).
	priorityClass uint32

	kernel      *Kernel
	threads     []*Thread // live threads, creation order
	exited      bool
	exiting     bool
	exitCode    uint32
	arena       arena
	ldr         uint32 // PEB_LDR_DATA
	thunkRanges []cpu.Range
	threadStart uint32   // where new threads begin (SetThreadStart; 0: StubThreadStart)
	tebFree     []uint32 // free TEB addresses, lowest first
	tebBlocks   int
	tlsCount    int
	breakpoints map[uint32]bool
	// watches are addresses the kernel reports once as events (main, WinMain) without stopping.
	watches map[uint32]string
}

// Module is a loaded image of a process, with what the kernel keeps about it.
type Module struct {
	*loader.Module
	// BaseName is the file name as the loader lists it ("KERNEL32.dll", "hello.exe"); FullPath the Windows path.
	BaseName, FullPath string
	BuiltIn            bool // a synthesized system DLL
	LoadCount          int
	Initialized        bool // DllMain(DLL_PROCESS_ATTACH) returned (or there is none)
	ldrEntry           uint32
	tlsIndex           int
	tlsSet             bool
}

// ExitCode returns STILL_ACTIVE while the process runs, then its exit code.
func (p *Process) ExitCode() uint32 {
	if !p.exited {
		return abi.STILL_ACTIVE
	}
	return p.exitCode
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool { return p.exited }

// Threads returns the live threads in creation order.
func (p *Process) Threads() []*Thread { return append([]*Thread(nil), p.threads...) }

// Kernel returns the kernel p belongs to.
func (p *Process) Kernel() *Kernel { return p.kernel }

// Alloc allocates n zeroed bytes of kernel-managed memory in p (for structures the system layer builds once per
// process, such as the ANSI command line). The memory lives as long as the process.
func (p *Process) Alloc(n uint32) (uint32, error) { return p.arena.alloc(n) }

// AllocBytes copies b into kernel-managed memory of p and returns its address.
func (p *Process) AllocBytes(b []byte) (uint32, error) { return p.arena.bytes(b) }

// FindModule returns the loaded module whose base name is name (case-insensitive; ".dll" is implied when name
// has no extension), or nil.
func (p *Process) FindModule(name string) *Module {
	n := strings.ToLower(name)
	if i := strings.LastIndexAny(n, `\/`); i >= 0 {
		n = n[i+1:]
	}
	if !strings.Contains(n, ".") {
		n += ".dll"
	}
	for _, m := range p.Modules {
		if strings.ToLower(m.BaseName) == n {
			return m
		}
	}
	return nil
}

// ModuleAt returns the module containing addr, or nil.
func (p *Process) ModuleAt(addr uint32) *Module {
	for _, m := range p.Modules {
		if addr >= m.Base && addr-m.Base < m.Size {
			return m
		}
	}
	return nil
}

// AddThunkRange adds [lo, hi) to the address ranges whose execution stops the CPU with StopThunk, in every
// thread of p now and later (a built-in DLL's thunk section).
func (p *Process) AddThunkRange(lo, hi uint32) {
	p.thunkRanges = append(p.thunkRanges, cpu.Range{Lo: lo, Hi: hi})
	for _, t := range p.threads {
		t.CPU.ThunkRanges = append(t.CPU.ThunkRanges, cpu.Range{Lo: lo, Hi: hi})
	}
}

// allocTEB returns the address of a free TEB page (committed, zeroed) and its slot number. The first block is
// the 64 KiB region below KUSER_SHARED_DATA that also holds the PEB, so the first TEB is at 0x7FFDE000 and the
// next ones go down a page at a time, as on Windows XP/7 without ASLR; later blocks are reserved top-down.
func (p *Process) allocTEB() (uint32, int, error) {
	if len(p.tebFree) == 0 {
		base, err := p.Space.Reserve(0, 0x10000, mm.ProtRead|mm.ProtWrite, mm.TypePrivate, true)
		if err != nil {
			return 0, 0, fmt.Errorf("kernel: reserve TEBs: %w", err)
		}
		for a := base + 0x10000 - abi.TEBSize; ; a -= abi.TEBSize {
			p.tebFree = append(p.tebFree, a)
			if a == base {
				break
			}
		}
		p.tebBlocks++
	}
	teb := p.tebFree[0]
	p.tebFree = p.tebFree[1:]
	if err := p.Space.Commit(teb, abi.TEBSize, mm.ProtRead|mm.ProtWrite); err != nil {
		return 0, 0, fmt.Errorf("kernel: commit TEB: %w", err)
	}
	return teb, 0, nil
}

// freeTEB decommits a TEB page and makes it available again (top-most first, for determinism).
func (p *Process) freeTEB(teb uint32) {
	if p.Space == nil {
		return
	}
	_ = p.Space.Decommit(teb, abi.TEBSize)
	i := 0
	for i < len(p.tebFree) && p.tebFree[i] > teb {
		i++
	}
	p.tebFree = append(p.tebFree, 0)
	copy(p.tebFree[i+1:], p.tebFree[i:])
	p.tebFree[i] = teb
}

// setupSpace builds the fixed parts of a new address space: KUSER_SHARED_DATA (read-only, 0x7FFE0000), the PEB
// page with the first TEB block under it, and the kernel stub page.
func (k *Kernel) setupSpace(p *Process) error {
	s := p.Space
	if _, err := s.Reserve(abi.KUserSharedData, 0x10000, mm.ProtRead, mm.TypePrivate, false); err != nil {
		return fmt.Errorf("kernel: reserve KUSER_SHARED_DATA: %w", err)
	}
	if err := s.Commit(abi.KUserSharedData, mm.PageSize, mm.ProtRead); err != nil {
		return err
	}
	if err := k.writeSharedData(s); err != nil {
		return err
	}
	pebBlock := uint32(abi.PEBAddress &^ 0xFFFF)
	if _, err := s.Reserve(pebBlock, 0x10000, mm.ProtRead|mm.ProtWrite, mm.TypePrivate, false); err != nil {
		return fmt.Errorf("kernel: reserve PEB: %w", err)
	}
	if err := s.Commit(abi.PEBAddress, mm.PageSize, mm.ProtRead|mm.ProtWrite); err != nil {
		return err
	}
	p.PEB = abi.PEBAddress
	for a := uint32(abi.TEBTop); a >= pebBlock; a -= abi.TEBSize {
		p.tebFree = append(p.tebFree, a)
	}
	p.tebBlocks = 1
	if _, err := s.Reserve(StubBase, 0x10000, mm.ProtRead|mm.ProtExec, mm.TypePrivate, false); err != nil {
		return fmt.Errorf("kernel: reserve stubs: %w", err)
	}
	if err := s.Commit(StubBase, stubSize, mm.ProtRead|mm.ProtExec); err != nil {
		return err
	}
	ud2 := make([]byte, stubSize)
	for i := 0; i < len(ud2); i += 2 {
		ud2[i], ud2[i+1] = 0x0F, 0x0B
	}
	if err := s.WriteBytes(StubBase, ud2, kacc); err != nil {
		return err
	}
	p.thunkRanges = append(p.thunkRanges, cpu.Range{Lo: StubBase, Hi: StubBase + stubSize})
	return nil
}

// writeSharedData fills KUSER_SHARED_DATA with the machine's fixed values (version, system root, processor
// features) and the current virtual time.
func (k *Kernel) writeSharedData(s *mm.Space) error {
	base := uint32(abi.KUserSharedData)
	root := utf16z(`C:\Windows`)
	if err := s.WriteBytes(base+abi.KUSD_NtSystemRoot, root, kacc); err != nil {
		return err
	}
	for _, f := range []struct{ off, v uint32 }{
		{abi.KUSD_TickCountMultiplier, 0x0FA00000},
		{abi.KUSD_ImageNumberLow, 0x014C014C},
		{abi.KUSD_NtProductType, 1},
		{abi.KUSD_ProductTypeIsValid, 1},
		{abi.KUSD_NtMajorVersion, abi.OSMajorVersion},
		{abi.KUSD_NtMinorVersion, abi.OSMinorVersion},
		{abi.KUSD_NumberOfPhysicalPages, 0x40000},
	} {
		if err := put32(s, base+f.off, f.v); err != nil {
			return err
		}
	}
	feat := make([]byte, 64)
	for _, i := range []int{abi.PF_COMPARE_EXCHANGE_DOUBLE, abi.PF_MMX_INSTRUCTIONS_AVAILABLE,
		abi.PF_XMMI_INSTRUCTIONS_AVAILABLE, abi.PF_RDTSC_INSTRUCTION_AVAILABLE, abi.PF_XMMI64_INSTRUCTIONS_AVAILABLE,
		abi.PF_NX_ENABLED} {
		feat[i] = 1
	}
	if err := s.WriteBytes(base+abi.KUSD_ProcessorFeatures, feat, kacc); err != nil {
		return err
	}
	return k.updateSharedTime(s)
}

// updateSharedTime writes the virtual clock into KUSER_SHARED_DATA's tick count and times.
func (k *Kernel) updateSharedTime(s *mm.Space) error {
	base := uint32(abi.KUserSharedData)
	ms := k.TickCount()
	ft := k.SystemTime()
	it := k.clock / k.instrPer100ns()
	for _, f := range []struct{ off, v uint32 }{
		{abi.KUSD_TickCountLowDeprecated, uint32(ms)},
		{abi.KUSD_TickCount, uint32(ms)},
		{abi.KUSD_TickCount + 4, uint32(ms >> 32)},
		{abi.KUSD_TickCount + 8, uint32(ms >> 32)},
		{abi.KUSD_SystemTime, uint32(ft)},
		{abi.KUSD_SystemTime + 4, uint32(ft >> 32)},
		{abi.KUSD_SystemTime + 8, uint32(ft >> 32)},
		{abi.KUSD_InterruptTime, uint32(it)},
		{abi.KUSD_InterruptTime + 4, uint32(it >> 32)},
		{abi.KUSD_InterruptTime + 8, uint32(it >> 32)},
	} {
		if err := put32(s, base+f.off, f.v); err != nil {
			return err
		}
	}
	return nil
}

// writePEB fills the PEB, the process parameters (command line, image path, current directory, environment,
// standard handles, window flags from STARTUPINFO) and an empty PEB_LDR_DATA.
func (k *Kernel) writePEB(p *Process, imageBase uint32, f *loader.File) error {
	s, a := p.Space, &p.arena
	ldr, err := a.alloc(abi.LDR_Size)
	if err != nil {
		return err
	}
	p.ldr = ldr
	for _, off := range []uint32{abi.LDR_InLoadOrderModuleList, abi.LDR_InMemoryOrderModuleList, abi.LDR_InInitializationOrderModuleList} {
		// Empty circular lists point at themselves.
		if err := put32(s, ldr+off, ldr+off); err != nil {
			return err
		}
		if err := put32(s, ldr+off+4, ldr+off); err != nil {
			return err
		}
	}
	_ = put32(s, ldr+abi.LDR_Length, abi.LDR_Size)
	_ = put32(s, ldr+abi.LDR_Initialized, 1)

	pp, err := a.alloc(abi.RUPP_Size)
	if err != nil {
		return err
	}
	p.Params = pp
	cur := p.CurrentDir
	if !strings.HasSuffix(cur, `\`) {
		cur += `\`
	}
	for _, us := range []struct {
		off uint32
		s   string
	}{
		{abi.RUPP_CurrentDirectory, cur},
		{abi.RUPP_DllPath, dirOf(p.ImagePath) + `;C:\Windows\system32;C:\Windows`},
		{abi.RUPP_ImagePathName, p.ImagePath},
		{abi.RUPP_CommandLine, p.CommandLine},
		{abi.RUPP_WindowTitle, p.ImagePath},
		{abi.RUPP_DesktopInfo, `WinSta0\Default`},
		{abi.RUPP_ShellInfo, ""},
		{abi.RUPP_RuntimeData, ""},
	} {
		if err := a.unicodeString(pp+us.off, us.s); err != nil {
			return err
		}
	}
	var env []byte
	for _, e := range p.Env {
		env = append(env, utf16z(e)...)
	}
	env = append(env, 0, 0)
	if len(p.Env) == 0 {
		env = append(env, 0, 0)
	}
	envAddr, err := a.bytes(env)
	if err != nil {
		return err
	}
	for _, f := range []struct{ off, v uint32 }{
		{abi.RUPP_MaximumLength, abi.RUPP_Size},
		{abi.RUPP_Length, abi.RUPP_Size},
		{abi.RUPP_Flags, abi.RUPPFlagNormalized},
		{abi.RUPP_StandardInput, uint32(p.Std[0])},
		{abi.RUPP_StandardOutput, uint32(p.Std[1])},
		{abi.RUPP_StandardError, uint32(p.Std[2])},
		{abi.RUPP_Environment, envAddr},
		{abi.RUPP_EnvironmentSize, uint32(len(env))},
		{abi.RUPP_WindowFlags, abi.STARTF_USESTDHANDLES},
		{abi.RUPP_ShowWindowFlags, 1},
	} {
		if err := put32(s, pp+f.off, f.v); err != nil {
			return err
		}
	}

	sub, subMaj, subMin := uint32(abi.IMAGE_SUBSYSTEM_WINDOWS_CUI), uint32(6), uint32(0)
	if f != nil {
		sub, subMaj, subMin = uint32(f.Subsystem), uint32(f.MajorSubsystemVersion), uint32(f.MinorSubsystemVersion)
	}
	peb := p.PEB
	for _, fl := range []struct{ off, v uint32 }{
		{abi.PEB_ImageBaseAddress, imageBase},
		{abi.PEB_Ldr, ldr},
		{abi.PEB_ProcessParameters, pp},
		{abi.PEB_NumberOfProcessors, abi.NumberOfProcessors},
		{abi.PEB_NtGlobalFlag, 0},
		{abi.PEB_CriticalSectionTimeout, 0x9A5F4400}, // -2592000000000 (30 days) in 100 ns units
		{abi.PEB_CriticalSectionTimeout + 4, 0xFFFFDA6E},
		{abi.PEB_HeapSegmentReserve, 0x100000},
		{abi.PEB_HeapSegmentCommit, 0x2000},
		{abi.PEB_OSMajorVersion, abi.OSMajorVersion},
		{abi.PEB_OSMinorVersion, abi.OSMinorVersion},
		{abi.PEB_OSPlatformId, abi.OSPlatformId},
		{abi.PEB_ImageSubsystem, sub},
		{abi.PEB_ImageSubsystemMajor, subMaj},
		{abi.PEB_ImageSubsystemMinor, subMin},
		{abi.PEB_ActiveProcessAffinity, 1},
		{abi.PEB_SessionId, 1},
		{abi.PEB_TlsBitmap, peb + abi.PEB_TlsBitmapBits},
	} {
		if err := put32(s, peb+fl.off, fl.v); err != nil {
			return err
		}
	}
	_ = put16(s, peb+abi.PEB_OSBuildNumber, abi.OSBuildNumber)
	_ = put16(s, peb+abi.PEB_OSCSDVersion, abi.OSCSDVersion)
	return nil
}

// dirOf returns the directory part of a Windows path ("C:\a\b.exe" -> "C:\a").
func dirOf(path string) string {
	if i := strings.LastIndexAny(path, `\/`); i >= 0 {
		if i == 2 && len(path) > 2 && path[1] == ':' {
			return path[:3]
		}
		return path[:i]
	}
	return "."
}

// baseName returns the file part of a Windows path.
func baseName(path string) string {
	if i := strings.LastIndexAny(path, `\/`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// linkTail inserts the LIST_ENTRY at entry at the tail of the circular list whose head is at head.
func linkTail(s *mm.Space, head, entry uint32) error {
	blink, err := get32(s, head+abi.LE_Blink)
	if err != nil {
		return err
	}
	for _, f := range []struct{ at, v uint32 }{
		{entry + abi.LE_Flink, head},
		{entry + abi.LE_Blink, blink},
		{blink + abi.LE_Flink, entry},
		{head + abi.LE_Blink, entry},
	} {
		if err := put32(s, f.at, f.v); err != nil {
			return err
		}
	}
	return nil
}

// unlink removes the LIST_ENTRY at entry from its list.
func unlink(s *mm.Space, entry uint32) error {
	flink, err := get32(s, entry+abi.LE_Flink)
	if err != nil {
		return err
	}
	blink, err := get32(s, entry+abi.LE_Blink)
	if err != nil {
		return err
	}
	if err := put32(s, blink+abi.LE_Flink, flink); err != nil {
		return err
	}
	return put32(s, flink+abi.LE_Blink, blink)
}

// addLdrEntry writes m's LDR_DATA_TABLE_ENTRY and links it at the tail of the load-order and memory-order lists
// (the initialization-order link is made when its imports are bound, see markInitOrder).
func (p *Process) addLdrEntry(m *Module) error {
	s, a := p.Space, &p.arena
	e, err := a.alloc(abi.LDRE_Size)
	if err != nil {
		return err
	}
	m.ldrEntry = e
	flags := uint32(abi.LDRP_ENTRY_PROCESSED)
	if m.File.IsDLL {
		flags |= abi.LDRP_IMAGE_DLL
	}
	for _, f := range []struct{ off, v uint32 }{
		{abi.LDRE_DllBase, m.Base},
		{abi.LDRE_EntryPoint, m.Entry},
		{abi.LDRE_SizeOfImage, m.Size},
		{abi.LDRE_Flags, flags},
		{abi.LDRE_TimeDateStamp, m.File.TimeDateStamp},
		{abi.LDRE_HashLinks, e + abi.LDRE_HashLinks},
		{abi.LDRE_HashLinks + 4, e + abi.LDRE_HashLinks},
		{abi.LDRE_InInitializationOrderLinks, e + abi.LDRE_InInitializationOrderLinks},
		{abi.LDRE_InInitializationOrderLinks + 4, e + abi.LDRE_InInitializationOrderLinks},
	} {
		if err := put32(s, e+f.off, f.v); err != nil {
			return err
		}
	}
	_ = put16(s, e+abi.LDRE_LoadCount, 0xFFFF)
	if err := a.unicodeString(e+abi.LDRE_FullDllName, m.FullPath); err != nil {
		return err
	}
	if err := a.unicodeString(e+abi.LDRE_BaseDllName, m.BaseName); err != nil {
		return err
	}
	if err := linkTail(s, p.ldr+abi.LDR_InLoadOrderModuleList, e+abi.LDRE_InLoadOrderLinks); err != nil {
		return err
	}
	return linkTail(s, p.ldr+abi.LDR_InMemoryOrderModuleList, e+abi.LDRE_InMemoryOrderLinks)
}

// LoadModule maps a PE image into p (at its preferred base, relocated if that is taken), lists it in the loader
// data, emits "module-loaded", and binds its imports through the system layer's resolver, which may load further
// modules (recursively). A DLL joins the initialization order after its dependencies; its DllMain runs later
// (InitModules). name is the base name to list, path the full Windows path. A module already loaded under name
// is returned with its count raised.
func (p *Process) LoadModule(name, path string, data []byte, builtIn bool) (*Module, error) {
	if m := p.FindModule(name); m != nil {
		m.LoadCount++
		return m, nil
	}
	f, err := loader.Parse(data, loader.DefaultLimits())
	if err != nil {
		return nil, err
	}
	f.Name = name
	return p.loadParsed(name, path, f, builtIn, imageKey(data))
}

// LoadParsed is LoadModule for an image already parsed (the system layer parses each built-in DLL once and
// maps the same File into every process; a File is not modified by mapping).
func (p *Process) LoadParsed(name, path string, f *loader.File, builtIn bool) (*Module, error) {
	return p.loadParsed(name, path, f, builtIn, "builtin:"+name)
}

func (p *Process) loadParsed(name, path string, f *loader.File, builtIn bool, key string) (*Module, error) {
	if m := p.FindModule(name); m != nil {
		m.LoadCount++
		return m, nil
	}
	var held []uint32
	if !builtIn { // a real DLL must not take a built-in DLL's place before that one is loaded
		held = p.kernel.holdFixedImages(p, f)
	}
	lm, err := p.kernel.mapImage(p, f, key)
	for _, b := range held {
		_ = p.Space.Release(b)
	}
	if err != nil {
		return nil, err
	}
	lm.Path = path
	m := &Module{Module: lm, BaseName: name, FullPath: path, BuiltIn: builtIn, LoadCount: 1}
	p.Modules = append(p.Modules, m)
	if err := p.addLdrEntry(m); err != nil {
		return nil, err
	}
	k := p.kernel
	k.emit(Event{Kind: "module-loaded", PID: p.ID, Name: name, Path: path, Base: lm.Base, Size: lm.Size,
		Text: fmt.Sprintf("%s mapped at 0x%08X", name, lm.Base)})
	if k.sys != nil {
		if err := k.sys.ModuleMapped(p, m); err != nil {
			return nil, err
		}
		if err := lm.BindImports(k.sys.Resolver(p)); err != nil {
			return nil, err
		}
	}
	if f.IsDLL {
		p.InitOrder = append(p.InitOrder, m)
		if err := linkTail(p.Space, p.ldr+abi.LDR_InInitializationOrderModuleList, m.ldrEntry+abi.LDRE_InInitializationOrderLinks); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// UnloadModule drops one load count of m; at zero it is unmapped and unlisted (FreeLibrary). The caller runs
// DllMain(DLL_PROCESS_DETACH) first.
func (p *Process) UnloadModule(m *Module) {
	if m.LoadCount > 0 {
		m.LoadCount--
	}
	if m.LoadCount > 0 || m == p.Image {
		return
	}
	s := p.Space
	_ = unlink(s, m.ldrEntry+abi.LDRE_InLoadOrderLinks)
	_ = unlink(s, m.ldrEntry+abi.LDRE_InMemoryOrderLinks)
	_ = unlink(s, m.ldrEntry+abi.LDRE_InInitializationOrderLinks)
	p.Modules = removeModule(p.Modules, m)
	p.InitOrder = removeModule(p.InitOrder, m)
	_ = s.Release(m.Base)
	p.kernel.emit(Event{Kind: "module-unloaded", PID: p.ID, Name: m.BaseName, Path: m.FullPath, Base: m.Base, Size: m.Size,
		Text: fmt.Sprintf("%s unmapped from 0x%08X", m.BaseName, m.Base)})
}

func removeModule(list []*Module, m *Module) []*Module {
	for i, x := range list {
		if x == m {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// SetBreakpoint makes every thread of p (now and later) stop with RunBreakpoint before executing addr.
func (p *Process) SetBreakpoint(addr uint32) {
	if p.breakpoints == nil {
		p.breakpoints = map[uint32]bool{}
	}
	p.breakpoints[addr] = true
	for _, t := range p.threads {
		t.CPU.SetBreakpoint(addr)
	}
}

// ClearBreakpoint removes a breakpoint set with SetBreakpoint.
func (p *Process) ClearBreakpoint(addr uint32) {
	delete(p.breakpoints, addr)
	for _, t := range p.threads {
		t.CPU.ClearBreakpoint(addr)
	}
}

// Breakpoints returns p's breakpoint addresses in ascending order.
func (p *Process) Breakpoints() []uint32 {
	var out []uint32
	for a := range p.breakpoints {
		out = append(out, a)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// imageKey identifies an image by its content, for sharing its pages between processes.
func imageKey(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// mapImage maps f into p by sharing the frames of the image's prototype mapping (made on first use, in a space
// of its own that never runs): read-only pages stay shared, writable ones are copy-on-write, so every process
// sees the pristine relocated image and its first write to a page makes its own copy (PROCESS_MODEL.md §6).
// When the prototype's range is taken in p, the image is mapped afresh (relocated).
func (k *Kernel) mapImage(p *Process, f *loader.File, key string) (*loader.Module, error) {
	if k.protos == nil {
		k.protos = map[string]*loader.Module{}
	}
	proto := k.protos[key]
	if proto == nil {
		m, err := f.Map(k.mem.NewSpace(), 0)
		if err != nil {
			return nil, err
		}
		k.protos[key] = m
		proto = m
	}
	k.useProto(p, key)
	if m, err := proto.ShareInto(p.Space); err == nil {
		return m, nil
	}
	return f.Map(p.Space, 0)
}
