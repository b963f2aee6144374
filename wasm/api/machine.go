package api

import (
	"encoding/hex"

	"github.com/peek32/peek32/core"
)

// The machine methods: thin conversions between JSON arguments and the core facade. Results are the facade's
// own JSON-able types, except where noted.

type pidArg struct {
	PID uint32 `json:"pid"`
}

type tidArg struct {
	TID uint32 `json:"tid"`
}

func (s *Session) machine() (*core.Machine, error) {
	if s.m == nil {
		return nil, ErrNoMachine
	}
	return s.m, nil
}

// machineArgs decodes r's arguments into an A, then returns the session's machine: the common opening of a
// method that needs both (argument errors come first).
func machineArgs[A any](s *Session, r *Request) (*core.Machine, A, error) {
	var a A
	if err := decode(r, &a); err != nil {
		return nil, a, err
	}
	m, err := s.machine()
	return m, a, err
}

func boot(s *Session, r *Request) (any, error) {
	var a struct {
		CommitLimit     uint64 `json:"commitLimit"`
		MaxInstructions uint64 `json:"maxInstructions"`
		TraceAPI        bool   `json:"traceAPI"`
		Quantum         uint64 `json:"quantum"`
	}
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	m, err := core.NewMachine(core.Config{CommitLimit: a.CommitLimit, MaxInstructions: a.MaxInstructions,
		TraceAPI: a.TraceAPI, Quantum: a.Quantum})
	if err != nil {
		return nil, err
	}
	s.m = m
	s.breakpoints, s.step = nil, nil
	out := map[string]uint32{"explorer_pid": 0}
	if ps := m.Processes(); len(ps) > 0 {
		out["explorer_pid"] = ps[0].PID
	}
	return out, nil
}

func addFile(s *Session, r *Request) (any, error) {
	var a struct {
		Path string `json:"path"`
	}
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	if a.Path == "" {
		return nil, &ArgError{Method: r.Method, Msg: "path missing"}
	}
	data, err := needData(r, "the file")
	if err != nil {
		return nil, err
	}
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	return struct{}{}, m.AddFile(a.Path, data)
}

func createProcess(s *Session, r *Request) (any, error) {
	var a struct {
		Cmdline    string   `json:"cmdline"`
		ImagePath  string   `json:"imagePath"`
		CurrentDir string   `json:"currentDir"`
		Env        []string `json:"env"`
		Suspended  bool     `json:"suspended"`
	}
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	return m.CreateProcess(a.Cmdline, core.ProcessOptions{ImagePath: a.ImagePath, CurrentDir: a.CurrentDir,
		Env: a.Env, Suspended: a.Suspended})
}

// maxBudget bounds one run call so that the worker gets control back; the worker sizes slices far below it.
const maxBudget = 1 << 30

func run(s *Session, r *Request) (any, error) {
	var a struct {
		Budget uint64 `json:"budget"`
	}
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	if a.Budget == 0 || a.Budget > maxBudget {
		return nil, &ArgError{Method: r.Method, Msg: "budget must be between 1 and 2^30 instructions"}
	}
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	return m.Run(a.Budget), nil
}

func stop(s *Session, r *Request) (any, error) {
	a := struct {
		Code *uint32 `json:"code"`
	}{}
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	code := uint32(1)
	if a.Code != nil {
		code = *a.Code
	}
	m.EndAll(code)
	return struct{}{}, nil
}

func drainEvents(s *Session, _ *Request) (any, error) {
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	ev := m.DrainEvents()
	if ev == nil {
		ev = []core.Event{}
	}
	return ev, nil
}

func writeStdin(s *Session, r *Request) (any, error) {
	var a pidArg
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	data, err := needData(r, "the input")
	if err != nil {
		return nil, err
	}
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	return struct{}{}, m.WriteStdin(a.PID, data)
}

func closeStdin(s *Session, r *Request) (any, error) {
	m, a, err := machineArgs[pidArg](s, r)
	if err != nil {
		return nil, err
	}
	return struct{}{}, m.CloseStdin(a.PID)
}

// list converts a facade listing to a JSON array ([] rather than null when empty).
func list[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func processes(s *Session, _ *Request) (any, error) {
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	return list(m.Processes()), nil
}

// perProcess is the shape of threads, modules, handles and memoryMap.
func perProcess[T any](f func(*core.Machine, uint32) []T) handler {
	return func(s *Session, r *Request) (any, error) {
		m, a, err := machineArgs[pidArg](s, r)
		if err != nil {
			return nil, err
		}
		return list(f(m, a.PID)), nil
	}
}

var (
	threads   = perProcess((*core.Machine).Threads)
	modules   = perProcess((*core.Machine).Modules)
	handles   = perProcess((*core.Machine).Handles)
	memoryMap = perProcess((*core.Machine).MemoryMap)
)

func registers(s *Session, r *Request) (any, error) {
	m, a, err := machineArgs[tidArg](s, r)
	if err != nil {
		return nil, err
	}
	return m.Registers(a.TID)
}

func readMemory(s *Session, r *Request) (any, error) {
	var a struct {
		PID  uint32 `json:"pid"`
		Addr uint32 `json:"addr"`
		Size int    `json:"size"`
	}
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	b, err := m.ReadMemory(a.PID, a.Addr, a.Size)
	if err != nil {
		return nil, err
	}
	return Bytes(b), nil
}

// DisasmLine is one disassembled instruction as the JS API returns it.
type DisasmLine struct {
	Addr  uint32 `json:"addr"`
	Bytes string `json:"bytes"` // hex, e.g. "8b4508"
	Text  string `json:"text"`  // Intel syntax
}

func disassemble(s *Session, r *Request) (any, error) {
	var a struct {
		PID   uint32 `json:"pid"`
		Addr  uint32 `json:"addr"`
		Count int    `json:"count"`
	}
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	if a.Count <= 0 {
		a.Count = 16
	}
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	lines, err := m.Disassemble(a.PID, a.Addr, a.Count)
	if err != nil {
		return nil, err
	}
	out := make([]DisasmLine, len(lines))
	for i, l := range lines {
		out[i] = DisasmLine{Addr: l.Addr, Bytes: hex.EncodeToString(l.Bytes), Text: l.Text}
	}
	return out, nil
}

// WrittenFile is a file the guest wrote, without its contents (readFile fetches them).
type WrittenFile struct {
	Path string `json:"path"`
	Size int    `json:"size"`
}

func writtenFiles(s *Session, _ *Request) (any, error) {
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	fs := m.WrittenFiles()
	out := make([]WrittenFile, len(fs))
	for i, f := range fs {
		out[i] = WrittenFile{Path: f.Path, Size: len(f.Data)}
	}
	return out, nil
}

func readFile(s *Session, r *Request) (any, error) {
	var a struct {
		Path string `json:"path"`
	}
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	b, err := m.FS().ReadFile(a.Path)
	if err != nil {
		return nil, err
	}
	return Bytes(b), nil
}

// stepWith adapts one of the facade's step methods.
func stepWith(f func(*core.Machine, uint32) (core.RunState, error)) handler {
	return func(s *Session, r *Request) (any, error) {
		m, a, err := machineArgs[tidArg](s, r)
		if err != nil {
			return nil, err
		}
		return f(m, a.TID)
	}
}

type bpArg struct {
	PID  uint32 `json:"pid"`
	Addr uint32 `json:"addr"`
}

func setBreakpoint(s *Session, r *Request) (any, error) {
	m, a, err := machineArgs[bpArg](s, r)
	if err != nil {
		return nil, err
	}
	if err := m.SetBreakpoint(a.PID, a.Addr); err != nil {
		return nil, err
	}
	if s.breakpoints == nil {
		s.breakpoints = map[uint32]map[uint32]bool{}
	}
	if s.breakpoints[a.PID] == nil {
		s.breakpoints[a.PID] = map[uint32]bool{}
	}
	s.breakpoints[a.PID][a.Addr] = true
	return struct{}{}, nil
}

func clearBreakpoint(s *Session, r *Request) (any, error) {
	m, a, err := machineArgs[bpArg](s, r)
	if err != nil {
		return nil, err
	}
	delete(s.breakpoints[a.PID], a.Addr)
	return struct{}{}, m.ClearBreakpoint(a.PID, a.Addr)
}

func apiBreakpoint(set bool) handler {
	return func(s *Session, r *Request) (any, error) {
		var a struct {
			Name string `json:"name"`
		}
		if err := decode(r, &a); err != nil {
			return nil, err
		}
		if a.Name == "" {
			return nil, &ArgError{Method: r.Method, Msg: "name missing (e.g. \"WriteFile\" or \"kernel32!WriteFile\")"}
		}
		m, err := s.machine()
		if err != nil {
			return nil, err
		}
		if set {
			m.SetAPIBreakpoint(a.Name)
		} else {
			m.ClearAPIBreakpoint(a.Name)
		}
		return struct{}{}, nil
	}
}
