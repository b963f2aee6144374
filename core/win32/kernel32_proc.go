package win32

import (
	"strings"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// kernel32 is the built-in KERNEL32.dll, at its Windows XP base address.
var kernel32 = NewDLL("kernel32.dll", 0x7C800000)

func init() {
	kernel32.Add(
		Export{Name: "GetCommandLineA", Handler: getCommandLineA},
		Export{Name: "GetCommandLineW", Handler: getCommandLineW},
		Export{Name: "GetStartupInfoA", ArgBytes: 4, Handler: getStartupInfo},
		Export{Name: "GetStartupInfoW", ArgBytes: 4, Handler: getStartupInfo},
		Export{Name: "GetModuleHandleA", ArgBytes: 4, Handler: func(c *Call) { getModuleHandle(c, false) }},
		Export{Name: "GetModuleHandleW", ArgBytes: 4, Handler: func(c *Call) { getModuleHandle(c, true) }},
		Export{Name: "GetModuleHandleExA", ArgBytes: 12, Handler: func(c *Call) { getModuleHandleEx(c, false) }},
		Export{Name: "GetModuleHandleExW", ArgBytes: 12, Handler: func(c *Call) { getModuleHandleEx(c, true) }},
		Export{Name: "GetModuleFileNameA", ArgBytes: 12, Handler: func(c *Call) { getModuleFileName(c, false) }},
		Export{Name: "GetModuleFileNameW", ArgBytes: 12, Handler: func(c *Call) { getModuleFileName(c, true) }},
		Export{Name: "LoadLibraryA", ArgBytes: 4, Handler: func(c *Call) { loadLibrary(c, false) }},
		Export{Name: "LoadLibraryW", ArgBytes: 4, Handler: func(c *Call) { loadLibrary(c, true) }},
		Export{Name: "LoadLibraryExA", ArgBytes: 12, Handler: func(c *Call) { loadLibrary(c, false) }, Note: "flags ignored"},
		Export{Name: "LoadLibraryExW", ArgBytes: 12, Handler: func(c *Call) { loadLibrary(c, true) }, Note: "flags ignored"},
		Export{Name: "GetProcAddress", ArgBytes: 8, Handler: getProcAddress},
		Export{Name: "FreeLibrary", ArgBytes: 4, Handler: freeLibrary},
		Export{Name: "DisableThreadLibraryCalls", ArgBytes: 4, Handler: func(c *Call) { c.Arg(0); c.Return(1) }},
		Export{Name: "ExitProcess", ArgBytes: 4, Handler: func(c *Call) { exitProcess(c, c.Arg(0)) }},
		Export{Name: "ExitThread", ArgBytes: 4, Handler: func(c *Call) { c.K.ExitThread(c.T, c.Arg(0)) }},
		Export{Name: "TerminateProcess", ArgBytes: 8, Handler: terminateProcess},
		Export{Name: "TerminateThread", ArgBytes: 8, Handler: terminateThread},
		Export{Name: "GetCurrentProcess", Handler: func(c *Call) { c.Return(abi.CurrentProcess) }},
		Export{Name: "GetCurrentThread", Handler: func(c *Call) { c.Return(abi.CurrentThread) }},
		Export{Name: "GetCurrentProcessId", Handler: func(c *Call) { c.Return(c.P.ID) }},
		Export{Name: "GetCurrentThreadId", Handler: func(c *Call) { c.Return(c.T.ID) }},
		Export{Name: "GetProcessId", ArgBytes: 4, Handler: getProcessID},
		Export{Name: "GetThreadId", ArgBytes: 4, Handler: getThreadID},
		Export{Name: "GetExitCodeProcess", ArgBytes: 8, Handler: getExitCodeProcess},
		Export{Name: "GetExitCodeThread", ArgBytes: 8, Handler: getExitCodeThread},
		Export{Name: "CloseHandle", ArgBytes: 4, Handler: closeHandle},
		Export{Name: "WaitForSingleObject", ArgBytes: 8, Handler: waitForSingleObject, Note: "process, thread, event and console objects"},
		Export{Name: "WaitForSingleObjectEx", ArgBytes: 12, Handler: waitForSingleObjectEx, Note: "alertable: APCs (apc.go)"},
		Export{Name: "ResumeThread", ArgBytes: 4, Handler: resumeThread},
		Export{Name: "SuspendThread", ArgBytes: 4, Handler: suspendThread},
		Export{Name: "GetLastError", Handler: func(c *Call) { c.Return(c.T.LastError()) }},
		Export{Name: "SetLastError", ArgBytes: 4, Handler: func(c *Call) { c.T.SetLastError(c.Arg(0)); c.Return(0) }},
		Export{Name: "Sleep", ArgBytes: 4, Handler: sleep, Note: "virtual time"},
		Export{Name: "SleepEx", ArgBytes: 8, Handler: sleepEx, Note: "virtual time; alertable: APCs (apc.go)"},
		Export{Name: "GetVersion", Handler: func(c *Call) {
			c.Return(uint32(abi.OSBuildNumber)<<16 | abi.OSMinorVersion<<8 | abi.OSMajorVersion)
		}},
		Export{Name: "GetVersionExA", ArgBytes: 4, Handler: func(c *Call) { getVersionEx(c, false) }},
		Export{Name: "GetVersionExW", ArgBytes: 4, Handler: func(c *Call) { getVersionEx(c, true) }},
		Export{Name: "IsDebuggerPresent", Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "OutputDebugStringA", ArgBytes: 4, Handler: func(c *Call) { outputDebugString(c, false) }},
		Export{Name: "OutputDebugStringW", ArgBytes: 4, Handler: func(c *Call) { outputDebugString(c, true) }},
		Export{Name: "SetUnhandledExceptionFilter", ArgBytes: 4, Handler: setUnhandledExceptionFilter},
		Export{Name: "UnhandledExceptionFilter", ArgBytes: 4, Handler: unhandledExceptionFilter},
		Export{Name: "SetErrorMode", ArgBytes: 4, Handler: func(c *Call) { c.Arg(0); c.Return(0) }},
		Export{Name: "GetErrorMode", Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "IsProcessorFeaturePresent", ArgBytes: 4, Handler: isProcessorFeaturePresent},
		Export{Name: "GetSystemInfo", ArgBytes: 4, Handler: getSystemInfo},
		Export{Name: "GetNativeSystemInfo", ArgBytes: 4, Handler: getSystemInfo},
		Export{Name: "IsWow64Process", ArgBytes: 8, Handler: func(c *Call) { c.Arg(0); c.W32(c.Arg(1), 0); c.Return(1) }},
		Export{Name: "GetCurrentDirectoryA", ArgBytes: 8, Handler: func(c *Call) { getCurrentDirectory(c, false) }},
		Export{Name: "GetCurrentDirectoryW", ArgBytes: 8, Handler: func(c *Call) { getCurrentDirectory(c, true) }},
		Export{Name: "EncodePointer", ArgBytes: 4, Handler: func(c *Call) { c.Return(c.Arg(0) ^ pointerCookie) }},
		Export{Name: "DecodePointer", ArgBytes: 4, Handler: func(c *Call) { c.Return(c.Arg(0) ^ pointerCookie) }},
		Export{Name: "EncodeSystemPointer", ArgBytes: 4, Handler: func(c *Call) { c.Return(c.Arg(0) ^ pointerCookie) }},
		Export{Name: "DecodeSystemPointer", ArgBytes: 4, Handler: func(c *Call) { c.Return(c.Arg(0) ^ pointerCookie) }},
		Export{Name: "GetProcessAffinityMask", ArgBytes: 12, Handler: func(c *Call) {
			c.Arg(0)
			c.W32(c.Arg(1), 1)
			c.W32(c.Arg(2), 1)
			c.Return(1)
		}},
		Export{Name: "SetConsoleCtrlHandler", ArgBytes: 8, Handler: func(c *Call) { c.Arg(0); c.Arg(1); c.Return(1) }},
		Export{Name: "GetStartupInfo", ArgBytes: 4, Handler: getStartupInfo, Note: "alias"},
	)
}

// pointerCookie is the per-machine value EncodePointer XORs with (fixed: runs are deterministic).
const pointerCookie = 0x5EE3_2A5B

// Object resolves handle h in c's process: pseudo-handles -1/-2 are the current process and thread.
func (c *Call) Object(h uint32) (kernel.Object, bool) {
	switch h {
	case abi.CurrentProcess:
		return c.P, true
	case abi.CurrentThread:
		return c.T, true
	}
	e, ok := c.P.Handles.Get(kernel.Handle(h))
	if !ok {
		return nil, false
	}
	return e.Object, true
}

func getCommandLineA(c *Call) {
	st := c.State()
	if st.CmdA == 0 {
		st.CmdA, _ = c.P.AllocBytes(append(stringToANSI(c.P.CommandLine), 0))
	}
	c.Return(st.CmdA)
}

func getCommandLineW(c *Call) {
	st := c.State()
	if st.CmdW == 0 {
		st.CmdW, _ = c.P.AllocBytes(utf16Bytes(c.P.CommandLine))
	}
	c.Return(st.CmdW)
}

func getStartupInfo(c *Call) {
	si := c.Arg(0)
	b := make([]byte, abi.SI_Size)
	put := func(off, v uint32) {
		b[off], b[off+1], b[off+2], b[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	put(abi.SI_cb, abi.SI_Size)
	put(abi.SI_dwFlags, abi.STARTF_USESTDHANDLES)
	b[abi.SI_wShowWindow] = 1
	put(abi.SI_hStdInput, uint32(c.P.Std[0]))
	put(abi.SI_hStdOutput, uint32(c.P.Std[1]))
	put(abi.SI_hStdError, uint32(c.P.Std[2]))
	if !c.WriteBytes(si, b) {
		c.Fault(si, true)
		return
	}
	c.Return(0)
}

func (c *Call) strArg(i int, wide bool) (string, bool) {
	if wide {
		return c.WStr(i)
	}
	s, ok := c.Str(i)
	return ansiToString([]byte(s)), ok
}

func getModuleHandle(c *Call, wide bool) {
	if c.Arg(0) == 0 {
		c.Return(c.P.Image.Base)
		return
	}
	name, ok := c.strArg(0, wide)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	m := findModule(c.P, name)
	if m == nil {
		c.Fail(abi.ERROR_MOD_NOT_FOUND, 0)
		return
	}
	c.Return(m.Base)
}

// findModule looks a module up the way GetModuleHandle does: by base name (".dll" implied), a full path, or an
// API-set name.
func findModule(p *kernel.Process, name string) *kernel.Module {
	if m := p.FindModule(name); m != nil {
		return m
	}
	return p.FindModule(normalizeDLL(name))
}

func getModuleHandleEx(c *Call, wide bool) {
	const fromAddress, unchanged = 4, 2
	flags, out := c.Arg(0), c.Arg(2)
	var m *kernel.Module
	switch {
	case flags&fromAddress != 0:
		m = c.P.ModuleAt(c.Arg(1))
	case c.Arg(1) == 0:
		m = c.P.Image
	default:
		name, _ := c.strArg(1, wide)
		m = findModule(c.P, name)
	}
	if m == nil {
		c.W32(out, 0)
		c.Fail(abi.ERROR_MOD_NOT_FOUND, 0)
		return
	}
	if flags&unchanged == 0 {
		m.LoadCount++
	}
	c.W32(out, m.Base)
	c.Return(1)
}

func getModuleFileName(c *Call, wide bool) {
	h, buf, size := c.Arg(0), c.Arg(1), c.Arg(2)
	m := c.P.Image
	if h != 0 {
		m = nil
		for _, x := range c.P.Modules {
			if x.Base == h {
				m = x
			}
		}
	}
	if m == nil {
		c.Fail(abi.ERROR_MOD_NOT_FOUND, 0)
		return
	}
	path := m.FullPath
	// Windows truncates to size-1 characters plus NUL and returns size with ERROR_INSUFFICIENT_BUFFER.
	var n uint32
	var ok bool
	if wide {
		n, ok = c.PutStringW(buf, size, path)
	} else {
		n, ok = c.PutStringA(buf, size, string(stringToANSI(path)))
	}
	if !ok {
		if size > 0 {
			r := []rune(path)
			if uint32(len(r)) >= size {
				r = r[:size-1]
			}
			if wide {
				c.PutStringW(buf, size, string(r))
			} else {
				c.PutStringA(buf, size, string(stringToANSI(string(r))))
			}
		}
		c.Fail(abi.ERROR_INSUFFICIENT_BUFFER, size)
		return
	}
	c.Succeed(n)
}

func loadLibrary(c *Call, wide bool) {
	name, ok := c.strArg(0, wide)
	if !ok || name == "" {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	m, err := c.S.LoadLibrary(c.P, name)
	if err != nil {
		c.Fail(abi.ERROR_MOD_NOT_FOUND, 0)
		return
	}
	c.keep() // the continuation ends the call (call.go, Call's lifetime)
	c.K.InitModules(c.T, func(t *kernel.Thread, ok bool) {
		if !ok {
			c.P.UnloadModule(m)
			c.Fail(abi.ERROR_DLL_INIT_FAILED, 0)
			return
		}
		c.Return(m.Base)
	})
}

func getProcAddress(c *Call) {
	h, np := c.Arg(0), c.Arg(1)
	var m *kernel.Module
	for _, x := range c.P.Modules {
		if x.Base == h {
			m = x
		}
	}
	if h == 0 {
		m = c.P.Image
	}
	if m == nil {
		c.Fail(abi.ERROR_MOD_NOT_FOUND, 0)
		return
	}
	var name string
	var ord uint16
	byOrd := np < 0x10000
	if byOrd {
		ord = uint16(np)
	} else {
		s, ok := c.Str(1)
		if !ok {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
		name = s
	}
	addr, err := c.S.resolveIn(c.P, m, name, ord, byOrd, false)
	if err != nil {
		if byOrd {
			c.Fail(abi.ERROR_INVALID_ORDINAL, 0)
			return
		}
		c.Fail(abi.ERROR_PROC_NOT_FOUND, 0)
		return
	}
	c.Return(addr)
}

func freeLibrary(c *Call) {
	h := c.Arg(0)
	for _, m := range c.P.Modules {
		if m.Base == h {
			if m.LoadCount == 1 && m.Initialized && m.Entry != 0 && m.HasEntry() && !m.BuiltIn {
				c.CallGuest(m.Entry, []uint32{m.Base, abi.DLL_PROCESS_DETACH, 0}, func(c *Call, _ uint32) {
					c.P.UnloadModule(m)
					c.Return(1)
				})
				return
			}
			c.P.UnloadModule(m)
			c.Return(1)
			return
		}
	}
	c.Fail(abi.ERROR_MOD_NOT_FOUND, 0)
}

func terminateProcess(c *Call) {
	o, ok := c.Object(c.Arg(0))
	code := c.Arg(1)
	p, isP := o.(*kernel.Process)
	if !ok || !isP {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	c.K.TerminateProcess(p, code)
	if p != c.P { // ending the caller itself never returns to it
		c.Return(1)
	}
}

func terminateThread(c *Call) {
	o, ok := c.Object(c.Arg(0))
	code := c.Arg(1)
	t, isT := o.(*kernel.Thread)
	if !ok || !isT {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	c.K.TerminateThread(t, code)
	if t != c.T { // ending the caller itself never returns to it
		c.Return(1)
	}
}

func getProcessID(c *Call) {
	o, ok := c.Object(c.Arg(0))
	if p, isP := o.(*kernel.Process); ok && isP {
		c.Return(p.ID)
		return
	}
	c.Fail(abi.ERROR_INVALID_HANDLE, 0)
}

func getThreadID(c *Call) {
	o, ok := c.Object(c.Arg(0))
	if t, isT := o.(*kernel.Thread); ok && isT {
		c.Return(t.ID)
		return
	}
	c.Fail(abi.ERROR_INVALID_HANDLE, 0)
}

func getExitCodeProcess(c *Call) {
	o, ok := c.Object(c.Arg(0))
	out := c.Arg(1)
	p, isP := o.(*kernel.Process)
	if !ok || !isP {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if !c.W32(out, p.ExitCode()) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func getExitCodeThread(c *Call) {
	o, ok := c.Object(c.Arg(0))
	out := c.Arg(1)
	t, isT := o.(*kernel.Thread)
	if !ok || !isT {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if !c.W32(out, t.ExitCode()) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func closeHandle(c *Call) {
	h := c.Arg(0)
	if h == abi.CurrentProcess || h == abi.CurrentThread {
		c.Return(1)
		return
	}
	if !c.P.Handles.Close(kernel.Handle(h)) {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	c.Return(1)
}

// waitForSingleObject waits on a process, thread, event or console: restartable (see Call.Block).
func waitForSingleObject(c *Call) {
	o, ok := c.Object(c.Arg(0))
	ms := c.Arg(1)
	if waitSatisfied(c) {
		return
	}
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, abi.WAIT_FAILED)
		return
	}
	waitObjects(c, []kernel.Object{o}, false, ms)
}

func resumeThread(c *Call) {
	o, ok := c.Object(c.Arg(0))
	t, isT := o.(*kernel.Thread)
	if !ok || !isT {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0xFFFFFFFF)
		return
	}
	c.Return(uint32(t.Resume()))
}

func suspendThread(c *Call) {
	o, ok := c.Object(c.Arg(0))
	t, isT := o.(*kernel.Thread)
	if !ok || !isT {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0xFFFFFFFF)
		return
	}
	c.Return(uint32(t.Suspend()))
}

func sleep(c *Call) {
	ms := c.Arg(0)
	c.Return(0)
	if ms == 0 {
		c.K.Yield(c.T, false) // the rest of the slice to a ready thread of equal or higher priority
		return
	}
	if ms == abi.INFINITE {
		c.T.Block(nil, false, 0, false)
		return
	}
	c.T.SleepFor(uint64(ms) * c.K.InstrPerMs())
}

func getVersionEx(c *Call, wide bool) {
	p := c.Arg(0)
	size, ok := c.R32(p)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	for _, f := range []struct{ off, v uint32 }{
		{4, abi.OSMajorVersion}, {8, abi.OSMinorVersion}, {12, abi.OSBuildNumber}, {16, abi.OSPlatformId},
	} {
		c.W32(p+f.off, f.v)
	}
	csd := "Service Pack 1"
	if wide {
		c.PutStringW(p+20, 128, csd)
	} else {
		c.PutStringA(p+20, 128, csd)
	}
	extOff := uint32(20 + 128)
	if wide {
		extOff = 20 + 256
	}
	if size >= extOff+8 { // OSVERSIONINFOEX: service pack 1.0, suite mask 0x100, product type workstation
		c.Mem.Write16(p+extOff, 1)
		c.Mem.Write16(p+extOff+2, 0)
		c.Mem.Write16(p+extOff+4, 0x100)
		c.Mem.Write8(p+extOff+6, 1)
	}
	c.Return(1)
}

func outputDebugString(c *Call, wide bool) {
	s, _ := c.strArg(0, wide)
	c.K.Emit(c.T, kernel.Event{Kind: "debug-string", Data: s, EIP: c.RetAddr})
	c.Return(0)
}

func setUnhandledExceptionFilter(c *Call) {
	old := c.P.UnhandledFilter
	c.P.UnhandledFilter = c.Arg(0)
	c.Return(old)
}

func isProcessorFeaturePresent(c *Call) {
	switch c.Arg(0) {
	case abi.PF_COMPARE_EXCHANGE_DOUBLE, abi.PF_MMX_INSTRUCTIONS_AVAILABLE, abi.PF_XMMI_INSTRUCTIONS_AVAILABLE,
		abi.PF_RDTSC_INSTRUCTION_AVAILABLE, abi.PF_XMMI64_INSTRUCTIONS_AVAILABLE, abi.PF_NX_ENABLED:
		c.Return(1)
	default:
		c.Return(0)
	}
}

func getSystemInfo(c *Call) {
	p := c.Arg(0)
	for _, f := range []struct{ off, v uint32 }{
		{abi.SYSI_wProcessorArchitecture, 0},
		{abi.SYSI_dwPageSize, abi.PageSize},
		{abi.SYSI_lpMinimumApplicationAddress, abi.MinUserAddress},
		{abi.SYSI_lpMaximumApplicationAddress, abi.MaxUserAddress},
		{abi.SYSI_dwActiveProcessorMask, 1},
		{abi.SYSI_dwNumberOfProcessors, abi.NumberOfProcessors},
		{abi.SYSI_dwProcessorType, 586},
		{abi.SYSI_dwAllocationGranularity, abi.AllocationGranularity},
		{abi.SYSI_wProcessorLevel, 6 | 0x0F02<<16},
	} {
		if !c.W32(p+f.off, f.v) {
			c.Fault(p+f.off, true)
			return
		}
	}
	c.Return(0)
}

func getCurrentDirectory(c *Call, wide bool) {
	size, buf := c.Arg(0), c.Arg(1)
	dir := strings.TrimSuffix(c.P.CurrentDir, `\`)
	if len(dir) == 2 && dir[1] == ':' {
		dir += `\`
	}
	var n uint32
	var ok bool
	if wide {
		n, ok = c.PutStringW(buf, size, dir)
	} else {
		n, ok = c.PutStringA(buf, size, string(stringToANSI(dir)))
	}
	c.Return(n)
	_ = ok
}
