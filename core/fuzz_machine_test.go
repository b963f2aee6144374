package core

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/peek32/peek32/core/win32"
	"github.com/peek32/peek32/loader/pewriter"
)

// fuzzImports are the functions a fuzzed program can call through its IAT: ESI points at the first (the IAT's
// dwords are in this order), so `call [esi+4*k]` calls the k-th. They cover memory, threads, waits, exceptions,
// files and output, and msvcrt functions that call back into guest code (qsort).
var fuzzImports = []pewriter.Import{
	{DLL: "KERNEL32.dll", Funcs: []pewriter.ImportFunc{
		{Name: "ExitProcess"}, {Name: "VirtualAlloc"}, {Name: "VirtualProtect"}, {Name: "VirtualFree"},
		{Name: "HeapAlloc"}, {Name: "GetProcessHeap"}, {Name: "CreateThread"}, {Name: "Sleep"},
		{Name: "CreateEventA"}, {Name: "SetEvent"}, {Name: "WaitForSingleObject"}, {Name: "CloseHandle"},
		{Name: "RaiseException"}, {Name: "SetUnhandledExceptionFilter"}, {Name: "AddVectoredExceptionHandler"},
		{Name: "GetStdHandle"}, {Name: "WriteFile"}, {Name: "ReadFile"}, {Name: "CreateFileA"},
		{Name: "LoadLibraryA"}, {Name: "GetProcAddress"}, {Name: "GetModuleHandleA"}, {Name: "lstrlenA"},
		{Name: "ExitThread"}, {Name: "TerminateProcess"}, {Name: "CreateProcessA"}, {Name: "GetLastError"},
		{Name: "GetSystemPowerStatus"}, // not implemented: a named trap
	}},
	{DLL: "msvcrt.dll", Funcs: []pewriter.ImportFunc{
		{Name: "malloc"}, {Name: "free"}, {Name: "memcpy"}, {Name: "memset"}, {Name: "strlen"}, {Name: "printf"},
		{Name: "sprintf"}, {Name: "qsort"}, {Name: "longjmp"}, {Name: "_setjmp"}, {Name: "signal"}, {Name: "raise"},
	}},
}

// fuzzCodeMax bounds the fuzzed code bytes (the .text section holds a prologue, them and an epilogue).
const fuzzCodeMax = 3072

// fuzzProgram builds a console exe whose entry point sets ESI to the IAT, EDI to a writable data page and EBX
// to its middle, runs code, and calls ExitProcess(0) if code falls through.
func fuzzProgram(code []byte) ([]byte, error) {
	if len(code) > fuzzCodeMax {
		code = code[:fuzzCodeMax]
	}
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole, StackReserve: 0x40000, StackCommit: 0x2000}
	text := img.AddSection(".text", make([]byte, 16+fuzzCodeMax+16), pewriter.Code)
	data := img.AddSection(".data", make([]byte, 0x1000), pewriter.Data)
	img.Imports = fuzzImports
	img.Entry = &pewriter.Ref{Section: text}
	l, err := img.Layout()
	if err != nil {
		return nil, err
	}
	const base = 0x400000
	le := binary.LittleEndian
	iat := base + l.IAT("KERNEL32.dll", "ExitProcess")
	var c []byte
	c = append(c, 0xBE)
	c = le.AppendUint32(c, iat) // mov esi, IAT
	c = append(c, 0xBF)
	c = le.AppendUint32(c, base+data.RVA) // mov edi, .data
	c = append(c, 0xBB)
	c = le.AppendUint32(c, base+data.RVA+0x800) // mov ebx, .data+0x800
	c = append(c, code...)
	c = append(c, 0x6A, 0x00, 0xFF, 0x16) // push 0; call [esi] (ExitProcess)
	copy(text.Data, c)
	return img.Build()
}

// runFuzzProgram runs one fuzzed program in a fresh machine with a small commit limit and instruction budget.
// It fails on an emulator failure ("error": a recovered panic), on a run that does not end within its budget,
// and on host time far beyond what the budget allows.
func runFuzzProgram(t *testing.T, code []byte) RunState {
	t.Helper()
	exe, err := fuzzProgram(code)
	if err != nil {
		t.Fatal(err)
	}
	return runFuzzExe(t, exe)
}

// runFuzzExe is runFuzzProgram for a built exe.
func runFuzzExe(t *testing.T, exe []byte) RunState {
	t.Helper()
	var out bytes.Buffer
	m, err := NewMachine(Config{CommitLimit: 64 << 20, MaxInstructions: 300_000, Stdin: bytes.NewReader(nil),
		Stdout: &out, Stderr: &out, DropEvents: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AddFile(`C:\fuzz\f.exe`, exe); err != nil {
		t.Fatal(err)
	}
	if _, err := m.CreateProcess(`C:\fuzz\f.exe`, ProcessOptions{CurrentDir: `C:\fuzz`}); err != nil {
		t.Fatalf("CreateProcess: %v", err)
	}
	// A Run that never returns is the worst outcome (a frozen page): end the test binary with every
	// goroutine's stack, so the fuzzer keeps the input and the trace shows where the machine is stuck.
	watchdog := time.AfterFunc(30*time.Second, func() {
		debug.SetTraceback("all")
		panic("FuzzMachine: a Run call has not returned for 30 s")
	})
	defer watchdog.Stop()
	start := time.Now()
	var st RunState
	for i := 0; ; i++ {
		st = m.Run(20_000)
		if st.Status != "running" {
			break
		}
		if i > 1000 || time.Since(start) > 20*time.Second {
			t.Fatalf("no end after %d runs, %v, %d instructions (the budget is 300000)", i, time.Since(start), st.Total)
		}
	}
	if st.Status == "error" {
		t.Fatalf("emulator failure: %s", st.Message)
	}
	if out.Len() > 64<<20 {
		t.Fatalf("%d bytes of output from 300000 instructions", out.Len())
	}
	return st
}

// FuzzMachine runs fuzzed x86 code as a whole program: loader, kernel, scheduler, the system DLLs and the
// CPU together. Whatever the code does (faults, calls through the IAT with garbage arguments, threads, waits,
// exceptions, self-modification), the machine must end it with a state other than "error", within the budget,
// without growing the host's memory beyond the commit limit's order.
func FuzzMachine(f *testing.F) {
	seeds := [][]byte{
		{},
		{0xEB, 0xFE},                   // jmp $: an endless loop
		{0xCC},                         // int3
		{0x0F, 0x0B},                   // ud2
		{0xF4},                         // hlt: privileged
		{0x31, 0xC9, 0xF7, 0xF1},       // xor ecx,ecx; div ecx
		{0xFF, 0xD1},                   // call ecx (garbage)
		{0xFF, 0x26},                   // jmp [esi]: ExitProcess with a garbage argument
		{0xE8, 0, 0, 0, 0, 0xEB, 0xF9}, // call $+5; jmp back: recursion without end
		{0xFF, 0x56, 0x6C},             // call [esi+0x6c]: GetSystemPowerStatus, not implemented
		// push ecx*3; call [esi+4] (VirtualAlloc with garbage); repeat
		{0x51, 0x51, 0x51, 0x51, 0xFF, 0x56, 0x04, 0xEB, 0xF7},
		// CreateThread(0, 0, ExitProcess thunk, 0, 0, 0) in a loop
		{0x6A, 0, 0x6A, 0, 0x6A, 0, 0xFF, 0x36, 0x6A, 0, 0x6A, 0, 0xFF, 0x56, 0x18, 0xEB, 0xEF},
		// CreateEventA(0,0,0,0) in a loop: a handle bomb
		{0x6A, 0, 0x6A, 0, 0x6A, 0, 0x6A, 0, 0xFF, 0x56, 0x20, 0xEB, 0xF3},
		// rep stosd with ecx = 0x40000000 from edi: runs off the data section
		{0xB9, 0, 0, 0, 0x40, 0xF3, 0xAB},
		// mov byte [here+n], 0xCC: self-modifying code
		{0xE8, 0, 0, 0, 0, 0x58, 0xC6, 0x40, 0x08, 0xCC, 0x90, 0x90, 0x90},
		// RaiseException(0xE0000001, 0, 15, edi)
		{0x57, 0x6A, 0x0F, 0x6A, 0x00, 0x68, 1, 0, 0, 0xE0, 0xFF, 0x56, 0x30},
		// qsort(edi, 0x100000, 4, edi): the comparator is data
		{0x57, 0x6A, 0x04, 0x68, 0, 0, 0x10, 0, 0x57, 0xFF, 0x96, 0x90, 0, 0, 0},
		// mov esp, 0; push eax: no stack at all
		{0xBC, 0, 0, 0, 0, 0x50},
		// mov fs:[0], edi (a garbage SEH chain); int3
		{0x64, 0x89, 0x3D, 0, 0, 0, 0, 0xCC},
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code []byte) {
		st := runFuzzProgram(t, code)
		t.Logf("%s, exit code %#x, %d instructions", st.Status, st.ExitCode, st.Total)
	})
}

// TestFuzzMachine_Bounds runs the seeds that stress the machine's limits and checks the host's heap stays within
// a generous bound of the 64 MiB commit limit.
func TestFuzzMachine_Bounds(t *testing.T) {
	for _, code := range [][]byte{
		{0xB9, 0, 0, 0, 0x40, 0xF3, 0xAB},
		{0x6A, 0, 0x6A, 0, 0x6A, 0, 0x6A, 0, 0xFF, 0x56, 0x20, 0xEB, 0xF3},
		{0x6A, 0, 0x6A, 0, 0x6A, 0, 0xFF, 0x36, 0x6A, 0, 0x6A, 0, 0xFF, 0x56, 0x18, 0xEB, 0xEF},
		// VirtualAlloc(0, 1 MiB, MEM_COMMIT|MEM_RESERVE, PAGE_READWRITE); touch every page; repeat
		{0x6A, 0x04, 0x68, 0, 0x30, 0, 0, 0x68, 0, 0, 0x10, 0, 0x6A, 0, 0xFF, 0x56, 0x04, 0x85, 0xC0, 0x74, 0x13,
			0xB9, 0, 1, 0, 0, 0xC6, 0x00, 1, 0x05, 0, 0x10, 0, 0, 0xE2, 0xF6, 0xEB, 0xDA, 0x90, 0x90},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		st := runFuzzProgram(t, code)
		runtime.ReadMemStats(&after)
		if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 256<<20 {
			t.Errorf("% x: the host heap grew by %d MiB (commit limit 64 MiB)", code, grew>>20)
		}
		if st.Status != "exited" && st.Status != "limit" && st.Status != "deadlock" && st.Status != "idle" {
			t.Errorf("% x: status %s (%s)", code, st.Status, st.Message)
		}
	}
}

// fuzzAPIs is every export of kernel32, ntdll and msvcrt that has a handler, in table order.
var fuzzAPIs = func() (out [][2]string) {
	for _, d := range win32.Builtins() {
		switch d.Name {
		case "kernel32.dll", "ntdll.dll", "msvcrt.dll":
		default:
			continue
		}
		for _, r := range d.Rows() {
			if r.Handler != nil && r.Name != "" {
				out = append(out, [2]string{d.ModName, r.Name})
			}
		}
	}
	return out
}()

// fuzzArg gives the value of argument selector b: interesting constants, pointers into the data page
// (hostileD, 'A's without a terminator), and the results of earlier calls (kept in the data page's second half).
func fuzzArg(b byte) (imm uint32, slot int) {
	consts := [...]uint32{0, 1, 2, 4, 0x10, 0xFF, 0x1000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFF0,
		hostileD, hostileD + 0x10, hostileD + 0x7F0, hostileD + 0xFFC, 0x7FFE0000}
	if b < 0x80 {
		return consts[int(b)%len(consts)], -1
	}
	return 0, int(b % 16)
}

// callScript turns data into a program of up to 24 calls: each step is 5 bytes, a function selector (two
// bytes, into fuzzAPIs) and four argument selectors (fuzzArg; four more arguments are the same again). Each
// call's EAX is stored in result slot step%16, which later arguments can pass (handles, pointers).
func callScript(data []byte) ([]byte, error) {
	type step struct {
		api  [2]string
		args [8]byte
	}
	var steps []step
	for len(data) >= 5 && len(steps) < 24 {
		i := int(binary.LittleEndian.Uint16(data)) % len(fuzzAPIs)
		s := step{api: fuzzAPIs[i]}
		copy(s.args[:4], data[2:5])
		copy(s.args[4:], data[2:5])
		steps = append(steps, s)
		data = data[5:]
	}
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole, StackReserve: 0x40000, StackCommit: 0x4000}
	text := img.AddSection(".text", make([]byte, 64*len(steps)+32), pewriter.Code)
	img.AddSection(".data", bytes.Repeat([]byte{'A'}, 0x1000), pewriter.Data)
	funcs := map[string][]pewriter.ImportFunc{"KERNEL32.dll": {{Name: "ExitProcess"}}}
	order := []string{"KERNEL32.dll"}
	seen := map[[2]string]bool{{"KERNEL32.dll", "ExitProcess"}: true}
	for _, s := range steps {
		if seen[s.api] {
			continue
		}
		seen[s.api] = true
		if funcs[s.api[0]] == nil {
			order = append(order, s.api[0])
		}
		funcs[s.api[0]] = append(funcs[s.api[0]], pewriter.ImportFunc{Name: s.api[1]})
	}
	for _, dll := range order {
		img.Imports = append(img.Imports, pewriter.Import{DLL: dll, Funcs: funcs[dll]})
	}
	img.Entry = &pewriter.Ref{Section: text}
	l, err := img.Layout()
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	slots := uint32(hostileD + 0x800)
	c := []byte{0x89, 0xE6} // mov esi, esp
	for i, s := range steps {
		for j := 7; j >= 0; j-- {
			imm, slot := fuzzArg(s.args[j])
			if slot < 0 {
				c = le.AppendUint32(append(c, 0x68), imm) // push imm32
			} else {
				c = le.AppendUint32(append(c, 0xFF, 0x35), slots+4*uint32(slot)) // push [slot]
			}
		}
		c = le.AppendUint32(append(c, 0xFF, 0x15), 0x400000+l.IAT(s.api[0], s.api[1])) // call [api]
		c = le.AppendUint32(append(c, 0xA3), slots+4*uint32(i%16))                     // mov [slot], eax
		c = append(c, 0x89, 0xF4)                                                      // mov esp, esi
	}
	c = append(c, 0x6A, 0x00, 0xFF, 0x15) // push 0; call [ExitProcess]
	c = le.AppendUint32(c, 0x400000+l.IAT("KERNEL32.dll", "ExitProcess"))
	copy(text.Data, c)
	return img.Build()
}

// FuzzMachineCalls runs scripts of API calls with hostile and fed-back arguments (callScript): the stateful
// half of FuzzMachine (handles used after close, waits on odd objects, heaps freed twice, callbacks into data).
func FuzzMachineCalls(f *testing.F) {
	f.Add([]byte{})
	for _, name := range []string{"CreateEventA", "CloseHandle", "WaitForSingleObject", "HeapAlloc", "HeapFree",
		"CreateThread", "lstrcpyA", "VirtualAlloc", "ReadFile", "qsort", "strncpy", "sprintf"} {
		for i, a := range fuzzAPIs {
			if a[1] == name {
				f.Add([]byte{byte(i), byte(i >> 8), 0x80, 0x0B, 0x09, byte(i), byte(i >> 8), 0x80, 0x80, 0x81})
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		exe, err := callScript(data)
		if err != nil {
			t.Fatal(err)
		}
		st := runFuzzExe(t, exe)
		t.Logf("%s, exit code %#x, %d instructions", st.Status, st.ExitCode, st.Total)
	})
}
