package api

import (
	"runtime"

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
	{name: "boot", doc: "({commitLimit, maxInstructions, traceAPI}) -> {explorerPid}: a fresh machine with explorer.exe", needs: "core.NewMachine"},
	{name: "addFile", doc: "({path}, bytes) -> {}: put a file into the machine's C:\\ file system", needs: "core.Machine.AddFile"},
	{name: "createProcess", doc: "({cmdline, suspended}) -> {pid, tid, ...}: a child of explorer.exe", needs: "core.Machine.CreateProcess"},
	{name: "run", doc: "({budget}) -> {status, exitCode, instructions}: run all threads for up to budget instructions", needs: "core.Machine.Run"},
	{name: "step", doc: "({tid}) -> state: one instruction", needs: "core.Machine.Step"},
	{name: "stepOver", doc: "({tid}) -> state: one instruction, calls run to their return", needs: "core.Machine.StepOver"},
	{name: "stepOut", doc: "({tid}) -> state: run until the current function returns", needs: "core.Machine.StepOut"},
	{name: "setBreakpoint", doc: "({pid, addr}) -> {}: break before the instruction at addr", needs: "core.Machine.SetBreakpoint"},
	{name: "clearBreakpoint", doc: "({pid, addr}) -> {}", needs: "core.Machine.ClearBreakpoint"},
	{name: "setAPIBreakpoint", doc: "({name}) -> {}: break when an API (e.g. \"WriteFile\" or \"kernel32!WriteFile\") is called", needs: "core.Machine.SetAPIBreakpoint"},
	{name: "drainEvents", doc: "() -> [event]: events since the last drain (process/thread/module, step, api, console, exception, exit)", needs: "core.Machine.DrainEvents"},
	{name: "writeStdin", doc: "({pid}, bytes) -> {}: bytes for a process's standard input", needs: "core.Machine.WriteStdin"},

	// Inspection.
	{name: "processes", doc: "() -> [process]: every process, explorer.exe first", needs: "core.Machine.Processes"},
	{name: "threads", doc: "({pid}) -> [thread]", needs: "core.Machine.Threads"},
	{name: "modules", doc: "({pid}) -> [module]", needs: "core.Machine.Modules"},
	{name: "handles", doc: "({pid}) -> [handle]", needs: "core.Machine.Handles"},
	{name: "memoryMap", doc: "({pid}) -> [region]: regions with state, protection, type, shared and copied pages", needs: "core.Machine.MemoryMap"},
	{name: "registers", doc: "({tid}) -> registers and flags", needs: "core.Machine.Registers"},
	{name: "readMemory", doc: "({pid, addr, size}) -> bytes", needs: "core.Machine.ReadMemory"},
	{name: "disassemble", doc: "({pid, addr, count}) -> [{addr, bytes, text}]", needs: "core.Machine.Disassemble"},
	{name: "writtenFiles", doc: "() -> [{path, size}]: files the guest created or changed", needs: "core.Machine.WrittenFiles"},
	{name: "readFile", doc: "({path}) -> bytes: a file of the machine's file system", needs: "core.Machine.WrittenFiles"},
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
