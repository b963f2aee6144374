// Package win32 is peek32's emulated Windows system DLLs: kernel32, ntdll, msvcrt (its start-up and, through
// core/win32/crt, its library) and the names of the other system DLLs programs import.
//
// # The model
//
// Every system DLL is a real PE image, synthesized in Go at the DLL's usual base address: a .text section of
// thunks (two bytes each, 0F 0B = UD2) and a .data section for exported variables, with a real export directory.
// Processes load it through the loader like any DLL, so the PEB's module lists, GetModuleHandle, GetProcAddress
// and shellcode-style export walking all see a normal image. The CPU stops when EIP reaches an address inside a
// thunk section (cpu.ThunkRanges), and the kernel hands the thread to System.Dispatch, which finds the export by
// its address and calls its Go handler.
//
// # Declaring exports
//
// One table per DLL, declared with rows:
//
//	var kernel32 = NewDLL("kernel32.dll", 0x7C800000)
//	func init() {
//		kernel32.Add(
//			Export{Name: "GetTickCount", Handler: getTickCount, Note: "virtual clock"},
//			Export{Name: "Sleep", ArgBytes: 4, Handler: sleep},
//		)
//	}
//
// Name is the export name, Ordinal its ordinal (0: assigned by name order after the explicit ones), ArgBytes the
// bytes of stdcall arguments the function pops (0 for cdecl functions and functions without arguments: the
// caller cleans the stack), Handler the Go function, Note what is partial about it (shown in the trace and
// docs). A row with Data > 0 and no Handler exports a variable: Data bytes in the DLL's .data section, zeroed
// in each process (System.DataAddr finds it). A row with Forward ("msvcrt.wcsncmp") is an export forwarder, and
// DLL.ForwardRest forwards every code export of another built-in DLL that the table does not declare itself
// (ucrtbase.dll shares msvcrt.dll's library that way). Rows may be added from several files (init order is by
// file name), e.g. msvcrt_stdio.go adds stdio rows to the msvcrt table.
//
// # Handlers
//
// A handler receives a *Call. It reads its arguments with c.Arg(i) (dword i, recorded for the trace), c.Str(i)
// and c.WStr(i) (an ANSI or UTF-16 string argument, recorded quoted), reads and writes guest memory through
// c.Mem, and ends in exactly one of:
//
//   - c.Return(v) / c.Return64(v): EAX (EDX:EAX) = v; the stdcall arguments are popped; the caller continues.
//     c.Fail(errno, v) also sets the thread's last error. Last error is otherwise left alone, as Windows does.
//   - c.CallGuest(fn, args, then): call guest code (a callback, an atexit function, DllMain) and continue in
//     then(c, eax) when it returns; then ends in one of these same ways.
//   - c.Block(objects, all, timeout, host): the thread waits; when woken the same call is dispatched again from
//     the start, so a blocking handler checks its condition first (restartable calls). Waits on kernel objects
//     go through waitObjects (kernel32_wait.go), which blocks with a satisfy function so that a signal
//     completes the wait at once (kernel.Thread.BlockSatisfy) and the restarted call returns its result.
//     Alertable waits (apc.go) also wait on the thread's alert event, which QueueUserAPC pulses; their
//     satisfy function takes the objects first, then a queued APC (the restarted call runs the APCs and
//     returns WAIT_IO_COMPLETION).
//   - ending the thread or process (kernel ExitThread/ExitProcess/TerminateProcess), or raising an exception
//     (c.Fault for a bad pointer argument, kernel.DispatchException), which the program's handlers may take.
//
// Dispatch reuses one Call for the next API call once a handler has completed its call, so API calls allocate
// nothing: a handler holds c only while it runs, except through CallGuest (its continuation owns c) and c.keep()
// (before a kernel continuation that uses c, as RtlUnwind and LoadLibrary have); anything else that outlives
// the handler copies what it needs (c.T, an argument). See Call.
//
// A handler must not panic on guest input: a bad pointer is an error value (ERROR_NOACCESS or an access
// violation via c.Fault), never an index out of range.
//
// # Imports peek32 does not implement
//
// An import of a system DLL's function that has no row binds to a named trap: a further thunk in that DLL's
// trap area. Calling it reports "KERNEL32.dll!Foo is not implemented (called from 0x...)" as an "unimplemented"
// event and ends the process with STATUS_ENTRYPOINT_NOT_FOUND. GetProcAddress does not find unimplemented
// functions (programs that probe for optional APIs take their fallback, as on older Windows).
//
// # Resolution order
//
// An import names a DLL: API-set names (api-ms-win-*) map to their host first; a module already loaded in the
// process is used; else a real DLL file available to the machine (next to the exe, then in the current
// directory, through the host's FileSource) is loaded for real, with its own imports and DllMain; else a
// built-in DLL of that name; else the process fails to start with STATUS_DLL_NOT_FOUND ("foo.dll was not
// found"), as Windows does.
package win32
