package win32

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/vfs"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/loader"
)

// FileSource gives the system layer the machine's files by Windows path (the virtual file system implements it).
// ReadFile returns an error wrapping fs.ErrNotExist-like failures when there is no such file.
type FileSource interface {
	ReadFile(path string) ([]byte, error)
}

// Config configures a System.
type Config struct {
	// Files is where real DLLs (and, through the file APIs, everything else) come from; nil means none.
	Files FileSource
	// FS is the machine's virtual file system, for the file APIs (nil: every file operation fails with
	// ERROR_PATH_NOT_FOUND).
	FS *vfs.FS
	// TraceAPI makes every API call an "api" event with its decoded arguments and return value.
	TraceAPI bool
}

// System implements kernel.System: the built-in DLLs, the import resolver and the API dispatcher for one machine.
type System struct {
	cfg Config
	k   *kernel.Kernel
	// traps: per built-in DLL, the names bound to trap slots, in slot order (per machine, deterministic).
	traps map[*DLL][]string
	// LastUnimplemented is the message of the last call to an unimplemented import (for the host's error line).
	LastUnimplemented string
	// apiBreaks are API breakpoints: "writefile" or "kernel32.dll!writefile" (lower case).
	apiBreaks map[string]bool
	// modDLL maps each built-in module of every process to its table (Dispatch's lookup, without string work).
	modDLL map[*kernel.Module]*DLL
	// passBreak is, per thread, the thunk address whose API breakpoint was just reported (the next dispatch
	// there runs the handler).
	passBreak map[*kernel.Thread]uint32
	// named holds the machine-wide named sections and pipes (kernel32_section.go).
	named *machineObjects
	// free is the Call Dispatch reuses for the next API call (call.go, Call's lifetime).
	free *Call
}

// SetAPIBreakpoint makes a call to the named API stop the machine before its handler runs (Run returns
// "stopped" with the reason). name is "WriteFile" (any DLL) or "kernel32!WriteFile" / "kernel32.dll!WriteFile".
func (s *System) SetAPIBreakpoint(name string, on bool) {
	if s.apiBreaks == nil {
		s.apiBreaks = map[string]bool{}
	}
	n := strings.ToLower(name)
	if i := strings.IndexByte(n, '!'); i >= 0 && !strings.HasSuffix(n[:i], ".dll") {
		n = n[:i] + ".dll" + n[i:]
	}
	if on {
		s.apiBreaks[n] = true
	} else {
		delete(s.apiBreaks, n)
	}
}

// apiBreak reports whether a call to d!e should stop first (and arms the pass for the retry).
func (s *System) apiBreak(t *kernel.Thread, d *DLL, e *Export, addr uint32) bool {
	if len(s.apiBreaks) == 0 {
		return false
	}
	if s.passBreak[t] == addr {
		delete(s.passBreak, t)
		return false
	}
	fn := strings.ToLower(e.Name)
	if !s.apiBreaks[fn] && !s.apiBreaks[d.Name+"!"+fn] {
		return false
	}
	if s.passBreak == nil {
		s.passBreak = map[*kernel.Thread]uint32{}
	}
	s.passBreak[t] = addr
	s.k.RequestStop(t, "API breakpoint: "+d.ModName+"!"+e.Name)
	return true
}

// New returns a System; call Attach with the kernel before creating processes.
func New(cfg Config) *System {
	return &System{cfg: cfg, traps: map[*DLL][]string{}}
}

// Attach connects s to its kernel (the kernel is created with s as its System, so this is a second step).
func (s *System) Attach(k *kernel.Kernel) { s.k = k }

// Kernel returns the kernel s is attached to.
func (s *System) Kernel() *kernel.Kernel { return s.k }

// SetTrace turns API-call events on or off.
func (s *System) SetTrace(on bool) { s.cfg.TraceAPI = on }

// ProcState is the system layer's per-process state (kernel.Process.Sys).
type ProcState struct {
	// Heap is the process heap (GetProcessHeap); Heaps every heap by handle.
	Heap  *Heap
	Heaps map[uint32]*Heap
	// TLS slot allocation (TlsAlloc): index -> in use.
	TLS [abi.TLSMinimumAvailable + abi.TLSExpansionSlots]bool
	// FLS slot allocation (FlsAlloc) and callbacks; values live per thread in FlsValues.
	FLS       [abi.FLSMaximumAvailable]bool
	FLSCb     [abi.FLSMaximumAvailable]uint32
	FLSValues map[uint32]*[abi.FLSMaximumAvailable]uint32 // by TID
	// Command line copies for GetCommandLineA/W (allocated on first call).
	CmdA, CmdW uint32
	// CRT is msvcrt's per-process state.
	CRT *CRTState
	// Ext lets other parts of the system layer (the msvcrt stdio in msvcrt_*.go) keep their own state, by key.
	Ext map[string]any
	// ConsoleMode per console handle value.
	ConsoleMode map[kernel.Handle]uint32
}

// State returns p's system-layer state.
func State(p *kernel.Process) *ProcState {
	st, _ := p.Sys.(*ProcState)
	return st
}

// processInits are run by InitProcess for every new process, after the heap exists (see OnProcessInit).
var processInits []func(s *System, p *kernel.Process) error

// OnProcessInit registers f to run for every new process after its heap and state exist and ntdll/kernel32 are
// loaded, before the exe's imports are bound. Call it from init functions.
func OnProcessInit(f func(s *System, p *kernel.Process) error) {
	processInits = append(processInits, f)
}

// InitProcess implements kernel.System.
func (s *System) InitProcess(p *kernel.Process) error {
	st := &ProcState{Heaps: map[uint32]*Heap{}, Ext: map[string]any{}, FLSValues: map[uint32]*[abi.FLSMaximumAvailable]uint32{},
		ConsoleMode: map[kernel.Handle]uint32{}}
	p.Sys = st
	var reserve, commit uint32 = 0x100000, 0x1000
	if p.Image != nil && p.Image.File.HeapReserve != 0 {
		reserve, commit = p.Image.File.HeapReserve, p.Image.File.HeapCommit
	}
	h, err := NewHeap(p.Space, abi.HEAP_GROWABLE, reserve, commit, 0)
	if err != nil {
		return fmt.Errorf("win32: process heap: %w", err)
	}
	st.Heap = h
	st.Heaps[h.Handle] = h
	if err := putPEB32(p, abi.PEB_ProcessHeap, h.Handle); err != nil {
		return err
	}
	for _, name := range []string{"ntdll.dll", "kernel32.dll"} {
		if _, err := s.loadBuiltin(p, Builtin(name)); err != nil {
			return err
		}
	}
	for _, f := range processInits {
		if err := f(s, p); err != nil {
			return err
		}
	}
	return nil
}

func putPEB32(p *kernel.Process, off, v uint32) error {
	if !p.Space.Write32(p.PEB+off, v) {
		return fmt.Errorf("win32: cannot write the PEB")
	}
	return nil
}

// ModuleMapped implements kernel.System: a built-in DLL's thunk section becomes a thunk range.
func (s *System) ModuleMapped(p *kernel.Process, m *kernel.Module) error {
	if !m.BuiltIn {
		return nil
	}
	d := Builtin(m.BaseName)
	if d == nil {
		return fmt.Errorf("win32: %s is marked built-in but has no table", m.BaseName)
	}
	lo, hi := d.thunkRange()
	p.AddThunkRange(m.Base+lo, m.Base+hi)
	if s.modDLL == nil {
		s.modDLL = map[*kernel.Module]*DLL{}
	}
	s.modDLL[m] = d
	return nil
}

// FixedImageRanges implements kernel.FixedImages: every built-in DLL's range (they have no relocations, so an
// exe that prefers one of them is placed elsewhere).
func (s *System) FixedImageRanges() [][2]uint32 {
	var out [][2]uint32
	for _, d := range Builtins() {
		if f, err := d.File(); err == nil {
			out = append(out, [2]uint32{d.Base, f.SizeOfImage})
		}
	}
	return out
}

// ProcessEnded implements kernel.System.
func (s *System) ProcessEnded(p *kernel.Process) { endProcessObjects(p) }

// systemDir is where built-in DLLs live in the guest's file system.
const systemDir = `C:\Windows\system32`

// loadBuiltin maps built-in DLL d into p (or returns it if loaded).
func (s *System) loadBuiltin(p *kernel.Process, d *DLL) (*kernel.Module, error) {
	if m := p.FindModule(d.Name); m != nil {
		return m, nil
	}
	f, err := d.File()
	if err != nil {
		return nil, err
	}
	return p.LoadParsed(d.ModName, systemDir+`\`+d.Name, f, true)
}

// ErrDLLNotFound is returned (wrapped) when an import names a DLL that is neither available nor built in.
var ErrDLLNotFound = errors.New("DLL not found")

// normalizeDLL lower-cases a DLL name, adds ".dll" when it has no extension and maps API-set names to hosts.
func normalizeDLL(name string) string {
	n := strings.ToLower(name)
	if i := strings.LastIndexAny(n, `\/`); i >= 0 {
		n = n[i+1:]
	}
	if !strings.Contains(n, ".") {
		n += ".dll"
	}
	if host, ok := loader.ResolveAPISet(n); ok {
		n = host
	}
	return n
}

// LoadLibrary finds or loads the DLL name in p (the resolution order of the package doc). path is a Windows
// path or a bare name. It does not run DllMain (the caller does, through kernel.InitModules).
func (s *System) LoadLibrary(p *kernel.Process, name string) (*kernel.Module, error) {
	n := normalizeDLL(name)
	if m := p.FindModule(n); m != nil {
		m.LoadCount++
		return m, nil
	}
	// A real DLL: the exact path if one was given, next to the exe, then in the current directory.
	if s.cfg.Files != nil {
		var cands []string
		if strings.ContainsAny(name, `\/`) {
			cands = append(cands, name)
		}
		base := name
		if i := strings.LastIndexAny(base, `\/`); i >= 0 {
			base = base[i+1:]
		}
		if !strings.Contains(base, ".") {
			base += ".dll"
		}
		cands = append(cands, dirOf(p.ImagePath)+`\`+base, strings.TrimSuffix(p.CurrentDir, `\`)+`\`+base)
		for _, c := range cands {
			if data, err := s.cfg.Files.ReadFile(c); err == nil {
				return p.LoadModule(base, c, data, false)
			}
		}
	}
	if d := Builtin(n); d != nil {
		return s.loadBuiltin(p, d)
	}
	return nil, fmt.Errorf("%s: %w", name, ErrDLLNotFound)
}

func dirOf(path string) string {
	if i := strings.LastIndexAny(path, `\/`); i >= 0 {
		return path[:i]
	}
	return "."
}

// resolver binds the imports of one process.
type resolver struct {
	s *System
	p *kernel.Process
}

// Resolver implements kernel.System.
func (s *System) Resolver(p *kernel.Process) loader.Resolver { return &resolver{s: s, p: p} }

// ResolveImport implements loader.Resolver.
func (r *resolver) ResolveImport(importer *loader.Module, dll, name string, ordinal uint16, byOrdinal bool) (uint32, error) {
	m, err := r.s.LoadLibrary(r.p, dll)
	if err != nil {
		return 0, err
	}
	// Imports do not count as LoadLibrary references beyond the first.
	return r.s.resolveIn(r.p, m, name, ordinal, byOrdinal, true)
}

// resolveIn finds an export of m, following forwarders; for a built-in DLL a missing function binds to a
// named trap when trap is set (import binding), or fails (GetProcAddress).
func (s *System) resolveIn(p *kernel.Process, m *kernel.Module, name string, ordinal uint16, byOrdinal, trap bool) (uint32, error) {
	addr, err := loader.ResolveExport(m.Module, name, ordinal, byOrdinal, func(dll string) (*loader.Module, error) {
		fm, err := s.LoadLibrary(p, dll)
		if err != nil {
			return nil, err
		}
		return fm.Module, nil
	})
	if err == nil {
		return addr, nil
	}
	var nf *loader.ExportNotFoundError
	if !trap || !m.BuiltIn || !errors.As(err, &nf) {
		return 0, err
	}
	d := Builtin(m.BaseName)
	fn := name
	if byOrdinal {
		fn = fmt.Sprintf("#%d", ordinal)
	}
	slot := s.trapSlot(d, fn)
	if slot < 0 {
		return 0, fmt.Errorf("win32: too many unimplemented imports from %s", d.Name)
	}
	return m.Base + d.trapRVA + uint32(slot*ThunkSize), nil
}

// trapSlot returns the trap slot for d!fn, allocating one.
func (s *System) trapSlot(d *DLL, fn string) int {
	for i, n := range s.traps[d] {
		if n == fn {
			return i
		}
	}
	if len(s.traps[d]) >= TrapSlots {
		return -1
	}
	s.traps[d] = append(s.traps[d], fn)
	return len(s.traps[d]) - 1
}

// DataAddr returns the address of data export name of built-in DLL dll in p (0 when not loaded or no such row).
func (s *System) DataAddr(p *kernel.Process, dll, name string) uint32 {
	d := Builtin(dll)
	if d == nil {
		return 0
	}
	m := p.FindModule(d.Name)
	if m == nil {
		return 0
	}
	if _, err := d.Image(); err != nil {
		return 0
	}
	rva, ok := d.dataRVAs[name]
	if !ok {
		return 0
	}
	return m.Base + rva
}

// Stdio makes the console objects for a process started by the host: input from in (nil: no input, reads see
// end of file unless the host writes some), output and error to out and errw (nil: discarded, still shown as
// console events).
func (s *System) Stdio(in io.Reader, out, errw io.Writer) [3]kernel.Object {
	return [3]kernel.Object{NewConsole(ConsoleIn, in, nil), NewConsole(ConsoleOut, nil, out), NewConsole(ConsoleErr, nil, errw)}
}

// SymbolAt names the code address addr of p for people: "KERNEL32.dll!WaitForSingleObject" for a thunk,
// "hello.exe+0x1234" inside a module, or "" elsewhere.
func (s *System) SymbolAt(p *kernel.Process, addr uint32) string {
	m := p.ModuleAt(addr)
	if m == nil {
		return ""
	}
	if m.BuiltIn {
		if d := Builtin(m.BaseName); d != nil {
			if e, trap := d.exportAt(addr - m.Base); e != nil {
				return d.ModName + "!" + e.Name
			} else if trap >= 0 && trap < len(s.traps[d]) {
				return d.ModName + "!" + s.traps[d][trap]
			}
		}
	}
	return fmt.Sprintf("%s+0x%X", m.BaseName, addr-m.Base)
}
