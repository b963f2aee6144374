// Package core is the facade over the emulator: a Machine boots with explorer.exe, takes files, creates
// processes (children of explorer.exe, in the order of PROCESS_MODEL.md §1), runs them under a deterministic
// scheduler with budgets, and reports what happens as events. The web page (wasm/) and the command-line tool
// (cmd/peek32) both drive it; neither reaches below it.
//
// A Machine is not safe for concurrent use: one goroutine owns it. Every call that runs guest code recovers
// from an emulator panic and turns it into a RunState with Status "error" and a report (EIP, code bytes,
// disassembly), after which the machine refuses to run further.
package core
