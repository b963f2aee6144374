package api

import (
	"runtime"

	"github.com/peek32/peek32/core"
	"github.com/peek32/peek32/loader"
)

// table is the whole JS API. A row with needs set names the facade function the method waits for;
// wiring it is replacing needs by fn once that function exists in package core (or loader).
var table = []method{
	{name: "version", doc: "() -> {api, go}: the JS API version and the Go runtime", fn: version},
	{name: "methods", doc: "() -> [{name, doc, available, needs}]: every method and whether this build has it", fn: methods},

	// The PE view works before anything runs.
	{name: "inspect", doc: "(bytes) -> report: the PE view (loader.Report: headers, sections with entropy, imports, exports, TLS, relocs, resources, Rich header, signature, anomalies; runnable + verdict)", fn: inspect},

	// The machine.
	{name: "boot", doc: "({commitLimit, maxInstructions, traceAPI, quantum}) -> {explorer_pid}: a fresh machine with explorer.exe (replaces any previous one)", fn: boot},
	{name: "addFile", doc: "({path}, bytes) -> {}: put a file into the machine's C:\\ file system", fn: addFile},
	{name: "createProcess", doc: "({cmdline, imagePath, currentDir, env, suspended}) -> process: a child of explorer.exe (pid, tid, name, ...)", fn: createProcess},
	{name: "run", doc: "({budget}) -> {status, exit_code, ran, total, message, tid}: run all threads for up to budget instructions", fn: run},
	{name: "stop", doc: "({code}) -> {}: end every process but explorer.exe with code (default 1)", fn: stop},
	{name: "step", doc: "({tid}) -> state: one instruction of thread tid (an API call counts as one)", fn: stepWith((*core.Machine).Step)},
	{name: "stepOver", doc: "({tid}) -> state: one instruction; a CALL runs until it returns", fn: stepWith((*core.Machine).StepOver)},
	{name: "stepOut", doc: "({tid}) -> state: run thread tid until the current function returns", fn: stepWith((*core.Machine).StepOut)},
	{name: "stepBegin", doc: "({tid, kind: \"over\"|\"out\"}) -> {done, state, steps}: start a step over/out that stepContinue runs in slices (pause-able); a step over of a non-CALL is done at once", fn: stepBegin},
	{name: "stepContinue", doc: "({budget}) -> {done, state, steps}: run up to budget instructions of the step in progress", fn: stepContinue},
	{name: "stepCancel", doc: "() -> {}: abandon the step in progress (the thread stays where it is)", fn: stepCancel},
	{name: "setBreakpoint", doc: "({pid, addr}) -> {}: stop every thread of pid before the instruction at addr (run reports \"breakpoint\")", fn: setBreakpoint},
	{name: "clearBreakpoint", doc: "({pid, addr}) -> {}", fn: clearBreakpoint},
	{name: "setAPIBreakpoint", doc: "({name}) -> {}: stop before an API runs (e.g. \"WriteFile\" or \"kernel32!WriteFile\"; run reports \"stopped\")", fn: apiBreakpoint(true)},
	{name: "clearAPIBreakpoint", doc: "({name}) -> {}", fn: apiBreakpoint(false)},
	{name: "drainEvents", doc: "() -> [event]: events since the last drain (kind, pid, tid, icount, eip, step, name, text, args, ret, base, size, path, parent, code, data)", fn: drainEvents},
	{name: "writeStdin", doc: "({pid}, bytes) -> {}: bytes for a process's standard input", fn: writeStdin},
	{name: "closeStdin", doc: "({pid}) -> {}: end a process's standard input (reads see end of file)", fn: closeStdin},

	// Inspection.
	{name: "processes", doc: "() -> [{pid, parent_pid, name, path, command_line, running, exit_code, threads, handles}]: explorer.exe first", fn: processes},
	{name: "threads", doc: "({pid}) -> [{tid, pid, state, suspend_count, eip, esp, teb, stack_base, stack_limit, instructions, main}]", fn: threads},
	{name: "modules", doc: "({pid}) -> [{name, path, base, size, entry, builtin}]", fn: modules},
	{name: "handles", doc: "({pid}) -> [{handle, type, object, refs}]", fn: handles},
	{name: "memoryMap", doc: "({pid}) -> [{base, alloc_base, size, state, prot, type, module, shared_pages, cow_pages}]", fn: memoryMap},
	{name: "registers", doc: "({tid}) -> {EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, EIP, EFlags, FSBase}", fn: registers},
	{name: "readMemory", doc: "({pid, addr, size}) -> bytes (at most 1 MiB)", fn: readMemory},
	{name: "disassemble", doc: "({pid, addr, count}) -> [{addr, bytes, text}] (bytes as hex)", fn: disassemble},
	{name: "writtenFiles", doc: "() -> [{path, size}]: files the guest created or changed", fn: writtenFiles},
	{name: "readFile", doc: "({path}) -> bytes: a file of the machine's file system", fn: readFile},
}

func version(*Session, *Request) (any, error) {
	return map[string]string{"api": Version, "go": runtime.Version()}, nil
}

func methods(*Session, *Request) (any, error) { return Methods(), nil }

func inspect(_ *Session, r *Request) (any, error) {
	data, err := needData(r, "the file")
	if err != nil {
		return nil, err
	}
	return loader.Inspect(data)
}
