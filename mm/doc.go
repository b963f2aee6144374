// Package mm is one emulated machine's simulated 32-bit virtual memory: address spaces of 4 KiB pages
// with Windows' reserve/commit/protect model, reference-counted frames with copy-on-write, a kernel half
// shared by every space, faults as values, and fast accessors with a software TLB for the interpreter.
package mm
