package win32

import (
	"strings"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// msvcrt is the built-in MSVCRT.dll (the system C runtime MinGW programs link against), at its XP base.
//
// This file holds the runtime's start-up and termination (what runs before and after main) and its heap
// functions. The rows it owns: __getmainargs, __wgetmainargs, _initterm, _initterm_e, __set_app_type,
// __setusermatherr, _controlfp, _controlfp_s, _control87, __p__fmode, __p__commode, __p___argc, __p___argv,
// __p___wargv, __p__environ, __p__wenviron, __p___initenv, __p___winitenv, __p__acmdln, __p__wcmdln, atexit,
// _onexit, __dllonexit, exit, _exit, _cexit, _c_exit, abort, _amsg_exit, _errno, __doserrno, _lock, _unlock,
// signal, raise, _XcptFilter, malloc, free, calloc, realloc, _msize, _expand, and the data exports _fmode,
// _commode, __argc, __argv, __wargv, _environ, _wenviron, __initenv, __winitenv, _acmdln, _wcmdln,
// __mb_cur_max, _osver, _winver, _winmajor, _winminor. stdio, string, ctype, math, time and setjmp live in
// the msvcrt_*.go files of the C library (core/win32/crt is their engine).
var msvcrt = NewDLL("msvcrt.dll", 0x77C10000)

// CRTState is msvcrt's per-process state (ProcState.CRT).
type CRTState struct {
	// Argc and the argv/environment arrays built by __getmainargs (ANSI) and __wgetmainargs (wide).
	Argc              uint32
	Argv, Wargv       uint32
	Environ, Wenviron uint32
	// OnExit are atexit/_onexit functions in registration order; exit runs them in reverse.
	OnExit []uint32
	// Errno is each thread's errno cell (_errno), by TID; DosErrno likewise.
	Errno, DosErrno map[uint32]uint32
	// ControlWord is the _controlfp value.
	ControlWord uint32
	// Signals are signal() handlers by signal number.
	Signals map[uint32]uint32
	// MathErr is __setusermatherr's handler.
	MathErr uint32
	exiting bool
}

// CRT returns p's CRT state, creating it.
func CRT(p *kernel.Process) *CRTState {
	st := State(p)
	if st.CRT == nil {
		st.CRT = &CRTState{Errno: map[uint32]uint32{}, DosErrno: map[uint32]uint32{}, ControlWord: 0x9001F,
			Signals: map[uint32]uint32{}}
	}
	return st.CRT
}

// processExits run when a process ends itself (exit, ExitProcess): the C library flushes its streams here.
var processExits []func(c *Call)

// OnProcessExit registers f to run when a process ends through ExitProcess or exit (not TerminateProcess or a
// crash, where Windows loses buffered output too). Call it from init functions.
func OnProcessExit(f func(c *Call)) { processExits = append(processExits, f) }

func init() {
	msvcrt.Add(
		Export{Name: "__getmainargs", Handler: getMainArgs},
		Export{Name: "__wgetmainargs", Handler: wgetMainArgs},
		Export{Name: "_initterm", Handler: func(c *Call) { initterm(c, false) }},
		Export{Name: "_initterm_e", Handler: func(c *Call) { initterm(c, true) }},
		Export{Name: "__set_app_type", Handler: func(c *Call) { c.Arg(0); c.Return(0) }},
		Export{Name: "__setusermatherr", Handler: func(c *Call) { CRT(c.P).MathErr = c.Arg(0); c.Return(0) }},
		Export{Name: "_controlfp", Handler: controlfp, Note: "recorded; the x87 control word is left as Windows sets it"},
		Export{Name: "_control87", Handler: controlfp, Note: "recorded; the x87 control word is left as Windows sets it"},
		Export{Name: "__control87_2", Handler: func(c *Call) { c.Return(1) }},
		Export{Name: "_controlfp_s", Handler: controlfpS},
		Export{Name: "_fpreset", Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "__p__fmode", Handler: func(c *Call) { c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "_fmode")) }},
		Export{Name: "__p__commode", Handler: func(c *Call) { c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "_commode")) }},
		Export{Name: "__p___argc", Handler: func(c *Call) { ensureArgs(c); c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "__argc")) }},
		Export{Name: "__p___argv", Handler: func(c *Call) { ensureArgs(c); c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "__argv")) }},
		Export{Name: "__p___wargv", Handler: func(c *Call) { ensureArgs(c); c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "__wargv")) }},
		Export{Name: "__p__environ", Handler: func(c *Call) { ensureArgs(c); c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "_environ")) }},
		Export{Name: "__p__wenviron", Handler: func(c *Call) { ensureArgs(c); c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "_wenviron")) }},
		Export{Name: "__p___initenv", Handler: func(c *Call) { ensureArgs(c); c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "__initenv")) }},
		Export{Name: "__p___winitenv", Handler: func(c *Call) { ensureArgs(c); c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "__winitenv")) }},
		Export{Name: "__p__acmdln", Handler: func(c *Call) { c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "_acmdln")) }},
		Export{Name: "__p__wcmdln", Handler: func(c *Call) { c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "_wcmdln")) }},
		Export{Name: "atexit", Handler: func(c *Call) { CRT(c.P).OnExit = append(CRT(c.P).OnExit, c.Arg(0)); c.Return(0) }},
		Export{Name: "_onexit", Handler: func(c *Call) { f := c.Arg(0); CRT(c.P).OnExit = append(CRT(c.P).OnExit, f); c.Return(f) }},
		Export{Name: "__dllonexit", Handler: func(c *Call) { f := c.Arg(0); CRT(c.P).OnExit = append(CRT(c.P).OnExit, f); c.Return(f) },
			Note: "DLL exit functions join the process list (they run at process exit, not at FreeLibrary)"},
		Export{Name: "exit", Handler: func(c *Call) { crtExit(c, c.Arg(0), true, true) }},
		Export{Name: "_exit", Handler: func(c *Call) { crtExit(c, c.Arg(0), false, true) }},
		Export{Name: "_cexit", Handler: func(c *Call) { crtExit(c, 0, true, false) }},
		Export{Name: "_c_exit", Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "abort", Handler: func(c *Call) {
			writeStderr(c, "\r\nabnormal program termination\r\n")
			crtExit(c, 3, false, true)
		}},
		Export{Name: "_amsg_exit", Handler: func(c *Call) {
			n := c.Arg(0)
			writeStderr(c, "\r\nruntime error R60"+itoa2(n)+"\r\n")
			crtExit(c, 255, false, true)
		}},
		Export{Name: "_errno", Handler: func(c *Call) { c.Return(errnoCell(c, CRT(c.P).Errno)) }},
		Export{Name: "__doserrno", Handler: func(c *Call) { c.Return(errnoCell(c, CRT(c.P).DosErrno)) }},
		Export{Name: "_lock", Handler: func(c *Call) { c.Arg(0); c.Return(0) }, Note: "no-op: API calls are not preempted"},
		Export{Name: "_unlock", Handler: func(c *Call) { c.Arg(0); c.Return(0) }, Note: "no-op: API calls are not preempted"},
		Export{Name: "signal", Handler: signalFn},
		Export{Name: "raise", Handler: raiseFn},
		Export{Name: "_XcptFilter", Handler: func(c *Call) { c.Return(abi.EXCEPTION_CONTINUE_SEARCH) }},
		Export{Name: "malloc", Handler: mallocFn},
		Export{Name: "free", Handler: freeFn},
		Export{Name: "calloc", Handler: callocFn},
		Export{Name: "realloc", Handler: reallocFn},
		Export{Name: "_msize", Handler: func(c *Call) {
			n, ok := c.State().Heap.Size(c.Arg(0))
			if !ok {
				c.Return(0xFFFFFFFF)
				return
			}
			c.Return(n)
		}},
		Export{Name: "_expand", Handler: func(c *Call) {
			a, n := c.Arg(0), c.Arg(1)
			na, err := c.State().Heap.ReAlloc(a, n, false, true)
			if err != nil {
				c.Return(0)
				return
			}
			c.Return(na)
		}},
		Export{Name: "_fmode", Data: 4},
		Export{Name: "_commode", Data: 4},
		Export{Name: "__argc", Data: 4},
		Export{Name: "__argv", Data: 4},
		Export{Name: "__wargv", Data: 4},
		Export{Name: "_environ", Data: 4},
		Export{Name: "_wenviron", Data: 4},
		Export{Name: "__initenv", Data: 4},
		Export{Name: "__winitenv", Data: 4},
		Export{Name: "_acmdln", Data: 4},
		Export{Name: "_wcmdln", Data: 4},
		Export{Name: "__mb_cur_max", Data: 4},
		Export{Name: "_osver", Data: 4},
		Export{Name: "_winver", Data: 4},
		Export{Name: "_winmajor", Data: 4},
		Export{Name: "_winminor", Data: 4},
	)
	OnProcessInit(initMsvcrtData)
}

// initMsvcrtData fills msvcrt's data exports when msvcrt is loaded in a process. It runs at process creation
// (msvcrt may not be loaded yet, then ModuleMapped... see loadedMsvcrt) and is idempotent.
func initMsvcrtData(s *System, p *kernel.Process) error { return nil }

// setMsvcrtData writes the data exports that do not depend on __getmainargs (called on msvcrt's first use).
func setMsvcrtData(c *Call) {
	st := CRT(c.P)
	if st.Argv != 0 || st.exiting {
		return
	}
	s, p := c.S, c.P
	w := func(name string, v uint32) {
		if a := s.DataAddr(p, "msvcrt.dll", name); a != 0 {
			p.Space.Write32(a, v)
		}
	}
	w("__mb_cur_max", 1)
	w("_osver", abi.OSBuildNumber)
	w("_winmajor", abi.OSMajorVersion)
	w("_winminor", abi.OSMinorVersion)
	w("_winver", abi.OSMajorVersion<<8|abi.OSMinorVersion)
	cmdA, _ := p.AllocBytes(append(stringToANSI(p.CommandLine), 0))
	cmdW, _ := p.AllocBytes(utf16Bytes(p.CommandLine))
	w("_acmdln", cmdA)
	w("_wcmdln", cmdW)

	args := ParseCommandLine(p.CommandLine)
	heap := State(p).Heap
	mkArrayA := func(list []string) uint32 {
		arr, _ := heap.Alloc(uint32(4*(len(list)+1)), true)
		for i, a := range list {
			b := append(stringToANSI(a), 0)
			sp, _ := heap.Alloc(uint32(len(b)), false)
			p.Space.WriteBytes(sp, b, 0x2)
			p.Space.Write32(arr+4*uint32(i), sp)
		}
		return arr
	}
	mkArrayW := func(list []string) uint32 {
		arr, _ := heap.Alloc(uint32(4*(len(list)+1)), true)
		for i, a := range list {
			b := utf16Bytes(a)
			sp, _ := heap.Alloc(uint32(len(b)), false)
			p.Space.WriteBytes(sp, b, 0x2)
			p.Space.Write32(arr+4*uint32(i), sp)
		}
		return arr
	}
	st.Argc = uint32(len(args))
	st.Argv, st.Wargv = mkArrayA(args), mkArrayW(args)
	env := append([]string(nil), p.Env...)
	st.Environ, st.Wenviron = mkArrayA(env), mkArrayW(env)
	w("__argc", st.Argc)
	w("__argv", st.Argv)
	w("__wargv", st.Wargv)
	w("_environ", st.Environ)
	w("_wenviron", st.Wenviron)
	w("__initenv", st.Environ)
	w("__winitenv", st.Wenviron)
}

func ensureArgs(c *Call) { setMsvcrtData(c) }

// getMainArgs is __getmainargs(int *argc, char ***argv, char ***envp, int expandWildcards, _startupinfo *si).
func getMainArgs(c *Call) {
	pargc, pargv, penv := c.Arg(0), c.Arg(1), c.Arg(2)
	c.Arg(3)
	setMsvcrtData(c)
	st := CRT(c.P)
	if !c.W32(pargc, st.Argc) || !c.W32(pargv, st.Argv) || !c.W32(penv, st.Environ) {
		c.Fault(pargc, true)
		return
	}
	c.Return(0)
}

func wgetMainArgs(c *Call) {
	pargc, pargv, penv := c.Arg(0), c.Arg(1), c.Arg(2)
	setMsvcrtData(c)
	st := CRT(c.P)
	if !c.W32(pargc, st.Argc) || !c.W32(pargv, st.Wargv) || !c.W32(penv, st.Wenviron) {
		c.Fault(pargc, true)
		return
	}
	c.Return(0)
}

// ParseCommandLine splits a command line as msvcrt's start-up code does: argv[0] up to the first blank (or
// between quotes, without backslash processing); then words separated by blanks, where 2n backslashes before a
// quote give n backslashes and the quote toggles quoting, 2n+1 give n and a literal quote, other backslashes
// are literal, and inside quotes a doubled quote gives a literal quote.
func ParseCommandLine(cl string) []string {
	var args []string
	i := 0
	// argv[0]
	var b strings.Builder
	if i < len(cl) && cl[i] == '"' {
		i++
		for i < len(cl) && cl[i] != '"' {
			b.WriteByte(cl[i])
			i++
		}
		if i < len(cl) {
			i++
		}
	} else {
		for i < len(cl) && cl[i] != ' ' && cl[i] != '\t' {
			b.WriteByte(cl[i])
			i++
		}
	}
	args = append(args, b.String())
	for {
		for i < len(cl) && (cl[i] == ' ' || cl[i] == '\t') {
			i++
		}
		if i >= len(cl) {
			return args
		}
		b.Reset()
		inQuote := false
		for i < len(cl) {
			if !inQuote && (cl[i] == ' ' || cl[i] == '\t') {
				break
			}
			n := 0
			for i < len(cl) && cl[i] == '\\' {
				n++
				i++
			}
			if i < len(cl) && cl[i] == '"' {
				b.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					b.WriteByte('"')
					i++
					continue
				}
				if inQuote && i+1 < len(cl) && cl[i+1] == '"' {
					b.WriteByte('"')
					i += 2
					continue
				}
				inQuote = !inQuote
				i++
				continue
			}
			b.WriteString(strings.Repeat(`\`, n))
			if i < len(cl) && !(!inQuote && (cl[i] == ' ' || cl[i] == '\t')) {
				b.WriteByte(cl[i])
				i++
			}
		}
		args = append(args, b.String())
	}
}

// initterm calls the function pointers in [begin, end) in order, skipping NULLs; with stopOnError (_initterm_e)
// a non-zero result stops and is returned.
func initterm(c *Call, stopOnError bool) {
	begin, end := c.Arg(0), c.Arg(1)
	var step func(c *Call, p uint32)
	step = func(c *Call, p uint32) {
		for ; p < end; p += 4 {
			fn, ok := c.R32(p)
			if !ok {
				c.Fault(p, false)
				return
			}
			if fn != 0 {
				next := p + 4
				c.CallGuest(fn, nil, func(c *Call, eax uint32) {
					if stopOnError && eax != 0 {
						c.Return(eax)
						return
					}
					step(c, next)
				})
				return
			}
		}
		c.Return(0)
	}
	if end < begin || end-begin > 1<<20 {
		c.Return(0)
		return
	}
	step(c, begin)
}

func controlfp(c *Call) {
	nw, mask := c.Arg(0), c.Arg(1)
	st := CRT(c.P)
	st.ControlWord = st.ControlWord&^mask | nw&mask
	c.Return(st.ControlWord)
}

func controlfpS(c *Call) {
	cur, nw, mask := c.Arg(0), c.Arg(1), c.Arg(2)
	st := CRT(c.P)
	st.ControlWord = st.ControlWord&^mask | nw&mask
	if cur != 0 {
		c.W32(cur, st.ControlWord)
	}
	c.Return(0)
}

// crtExit runs the atexit functions (last registered first) when atexit is set, then ends the process with
// code when terminate is set (exit, _exit), or returns (_cexit).
func crtExit(c *Call, code uint32, atexit, terminate bool) {
	st := CRT(c.P)
	if !atexit || st.exiting {
		if terminate {
			exitProcess(c, code)
			return
		}
		c.Return(0)
		return
	}
	st.exiting = true
	var next func(c *Call)
	next = func(c *Call) {
		if n := len(st.OnExit); n > 0 {
			fn := st.OnExit[n-1]
			st.OnExit = st.OnExit[:n-1]
			c.CallGuest(fn, nil, func(c *Call, _ uint32) { next(c) })
			return
		}
		if terminate {
			exitProcess(c, code)
			return
		}
		st.exiting = false
		for _, f := range processExits {
			f(c)
		}
		c.Return(0)
	}
	next(c)
}

// exitProcess is ExitProcess from a handler: the C library's exit hooks, then the kernel.
func exitProcess(c *Call, code uint32) {
	for _, f := range processExits {
		f(c)
	}
	c.K.ExitProcess(c.T, code)
}

func itoa2(n uint32) string {
	return string([]byte{byte('0' + n/10%10), byte('0' + n%10)})
}

// writeStderr writes s to the process's standard error handle (for the CRT's own messages).
func writeStderr(c *Call, s string) {
	if e, ok := c.P.Handles.Get(c.P.Std[2]); ok {
		if w, ok := e.Object.(Writer); ok {
			w.Write([]byte(s))
		}
	}
}

// Writer is implemented by objects WriteFile can write to.
type Writer interface{ Write(b []byte) }

// errnoCell returns the address of the calling thread's cell in cells, allocating it.
func errnoCell(c *Call, cells map[uint32]uint32) uint32 {
	if a, ok := cells[c.T.ID]; ok {
		return a
	}
	a, _ := c.P.Alloc(4)
	cells[c.T.ID] = a
	return a
}

// SetErrno sets the calling thread's errno (for the C library's handlers).
func (c *Call) SetErrno(v uint32) { c.Mem.Write32(errnoCell(c, CRT(c.P).Errno), v) }

const (
	sigDFL = 0
	sigIGN = 1
	sigERR = 0xFFFFFFFF
)

func signalFn(c *Call) {
	sig, h := c.Arg(0), c.Arg(1)
	switch sig {
	case 2, 4, 8, 11, 15, 21, 22: // SIGINT SIGILL SIGFPE SIGSEGV SIGTERM SIGBREAK SIGABRT
	default:
		c.SetErrno(22) // EINVAL
		c.Return(sigERR)
		return
	}
	st := CRT(c.P)
	old := st.Signals[sig]
	st.Signals[sig] = h
	c.Return(old)
}

func raiseFn(c *Call) {
	sig := c.Arg(0)
	st := CRT(c.P)
	h := st.Signals[sig]
	switch h {
	case sigIGN:
		c.Return(0)
	case sigDFL:
		if sig == 22 {
			writeStderr(c, "\r\nabnormal program termination\r\n")
		}
		crtExit(c, 3, false, true)
	default:
		st.Signals[sig] = sigDFL
		c.CallGuest(h, []uint32{sig}, func(c *Call, _ uint32) { c.Return(0) })
	}
}

func mallocFn(c *Call) {
	a, err := c.State().Heap.Alloc(c.Arg(0), false)
	if err != nil {
		c.SetErrno(12) // ENOMEM
		c.Return(0)
		return
	}
	c.Return(a)
}

func freeFn(c *Call) {
	if a := c.Arg(0); a != 0 {
		c.State().Heap.Free(a)
	}
	c.Return(0)
}

func callocFn(c *Call) {
	n, size := c.Arg(0), c.Arg(1)
	total := uint64(n) * uint64(size)
	if total > 0x7FFF0000 {
		c.SetErrno(12)
		c.Return(0)
		return
	}
	a, err := c.State().Heap.Alloc(uint32(total), true)
	if err != nil {
		c.SetErrno(12)
		c.Return(0)
		return
	}
	c.Return(a)
}

func reallocFn(c *Call) {
	a, n := c.Arg(0), c.Arg(1)
	h := c.State().Heap
	if a == 0 {
		na, err := h.Alloc(n, false)
		if err != nil {
			c.SetErrno(12)
			na = 0
		}
		c.Return(na)
		return
	}
	if n == 0 {
		h.Free(a)
		c.Return(0)
		return
	}
	na, err := h.ReAlloc(a, n, false, false)
	if err != nil {
		c.SetErrno(12)
		c.Return(0)
		return
	}
	c.Return(na)
}

func init() {
	msvcrt.Add(Export{Name: "_CxxThrowException", Handler: cxxThrow, Note: "raises 0xE06D7363; catching needs __CxxFrameHandler, not implemented yet"})
}

// cxxThrow is _CxxThrowException(object, throwInfo): MSVC's C++ throw, raised as the exception 0xE06D7363 with
// the magic number, the object and its ThrowInfo as parameters.
func cxxThrow(c *Call) {
	obj, info := c.Arg(0), c.Arg(1)
	ctx := c.T.CPU.SaveContext()
	ctx.EIP = c.RetAddr
	ctx.Regs[4] += 4
	c.done = true
	c.K.DispatchException(c.T, kernel.ExceptionInfo{Code: 0xE06D7363, Flags: abi.EXCEPTION_NONCONTINUABLE,
		Address: c.RetAddr, Params: []uint32{0x19930520, obj, info}}, ctx)
}
