package kernel

// Event is one thing that happened in the machine, in the order it happened. Events are plain data (JSON-able,
// deterministic): the facade queues them for the page and the CLI writes them as trace lines.
//
// Kinds: "process-created", "step" (one CreateProcess step, Step 1..5), "thread-created", "module-loaded",
// "module-unloaded" (FreeLibrary dropped the last reference),
// "entry" (the main thread calls the entry point), "main" (the runtime calls main/WinMain, found by symbol),
// "api" (an API call and its result), "console" (bytes written to a console), "exception" (a first-chance
// exception being dispatched to the program's handlers), "crash" (an exception nobody handled: the crash
// report that ends the process), "thread-exited",
// "process-exited", "debug-string", "unimplemented" (a call to an import peek32 does not implement), "error"
// (an emulator-side failure reported instead of a panic).
type Event struct {
	Kind string `json:"kind"`
	// PID, TID, Count and EIP are on every record (0 where there is none: a process event before its first
	// thread exists, explorer.exe's boot).
	PID   uint32 `json:"pid"`
	TID   uint32 `json:"tid"`
	Count uint64 `json:"icount"` // machine-wide instructions retired when it happened (virtual time)
	EIP   uint32 `json:"eip"`    // the current thread's EIP (for an API call: the caller's return address)
	Step  int    `json:"step,omitempty"`
	Name  string `json:"name,omitempty"` // process image name, module name, "DLL!Function"
	Text  string `json:"text,omitempty"` // a sentence for people
	// API calls: the decoded arguments and the return value.
	Args []string `json:"args,omitempty"`
	Ret  string   `json:"ret,omitempty"`
	// Modules: where the image lies; processes: the parent.
	Base   uint32 `json:"base,omitempty"`
	Size   uint32 `json:"size,omitempty"`
	Path   string `json:"path,omitempty"`
	Parent uint32 `json:"parent,omitempty"`
	// Code is an exit code or an exception code.
	Code *uint32 `json:"code,omitempty"`
	// Data is console output or a debug string.
	Data string `json:"data,omitempty"`
}

// CodeOf returns a pointer to c, for Event.Code.
func CodeOf(c uint32) *uint32 { return &c }

// emit stamps e with the current time and hands it to the configured sink.
func (k *Kernel) emit(e Event) {
	if k.cfg.Emit == nil {
		return
	}
	e.Count = k.clock
	// An event about the running thread's process (ExitProcess, LoadLibrary's module-loaded, its own
	// thread-exited) names that thread and where it is.
	if t := k.cur; t != nil && t.Proc != nil && t.Proc.ID == e.PID && (e.TID == 0 || e.TID == t.ID) {
		e.TID = t.ID
		if e.EIP == 0 {
			e.EIP = t.CPU.EIP
		}
	}
	k.cfg.Emit(e)
}

// Emit lets the system layer add an event with the kernel's time stamp (t may be nil).
func (k *Kernel) Emit(t *Thread, e Event) {
	if t != nil {
		e.PID, e.TID = t.Proc.ID, t.ID
		if e.EIP == 0 {
			e.EIP = t.CPU.EIP
		}
	}
	k.emit(e)
}
