// Package kernel is peek32's Windows kernel: kernel objects, processes and threads, handle tables, the ID pool,
// the scheduler, process creation and termination, and the start-up sequence of every thread. It knows the
// CPU (core/cpu), the address space (mm) and the PE loader (loader); the emulated system DLLs (core/win32) plug
// in through the System interface.
//
// # Objects, handles and IDs (PROCESS_MODEL.md §5)
//
// Every kernel object embeds an ObjectHeader: a type, a reference count and a signaled state with the threads
// waiting on it. A handle-table entry holds one reference; so does every kernel structure that keeps a
// pointer (a thread on its process; a running process and a running thread on themselves). When the count
// reaches zero the object's destroy function runs — for processes and threads that returns their ID to the
// IDPool, so an ID is reused only after its object is gone. Handle values are multiples of 4 from 4, lowest
// free first; -1 and -2 are the current process and thread. IDs come from one pool (multiples of 4), so a
// process ID never equals a thread ID.
//
// # Creating a process (§1)
//
// CreateProcess follows the five steps and emits a "step" event for each: the process object; its address
// space (KUSER_SHARED_DATA at 0x7FFE0000, the PEB at 0x7FFDF000 with TEBs below it, a page of kernel stubs at
// StubBase); the image mapped at its ImageBase (relocated if needed) with PEB, process parameters and loader
// lists written, the system DLLs loaded by System.InitProcess and the imports bound through System.Resolver;
// the main thread with its stack (reserve and commit from the PE header, a guard page below) and TEB; and the
// thread handed to the scheduler (unless CREATE_SUSPENDED). Explorer.exe, created by Boot, is every host-
// started program's parent; its one thread waits forever and never runs.
//
// # Running guest code from Go
//
// Every thread starts at Process.ThreadStart(): ntdll's RtlUserThreadStart, named by the system layer
// (SetThreadStart), else StubThreadStart, with EAX = the start routine (the entry point for a main thread) and
// EBX = its parameter (the PEB), as Windows starts threads. When the CPU reaches it, threadStart runs the start
// sequence: static TLS blocks, DllMain(DLL_PROCESS_ATTACH) for each DLL in initialization order with its TLS
// callbacks first (the main thread) or DLL_THREAD_ATTACH (other threads), the exe's TLS callbacks, then EAX(EBX),
// whose return value goes to ExitThread (after the FLS callbacks, ThreadExitNotifier, and DLL_THREAD_DETACH). A
// thread whose EIP was changed before it first ran (SetThreadContext) runs the same sequence, then continues in
// the context it was given (redirectedStart). Guest calls are made with
// Thread.CallGuest: it pushes the arguments and StubReturn as the return address and records a continuation;
// when the guest function returns to StubReturn, the continuation runs with EAX. No Go stack is held across
// guest code, so handlers can call back into the program (DllMain, _initterm, atexit, qsort comparators) and
// the scheduler can preempt it in the middle.
//
// # API calls
//
// The CPU stops at any address inside a thunk range (the stub page, the built-in DLLs' thunk sections). The
// kernel handles its own stubs and gives every other thunk to System.Dispatch, which completes the call
// (Thread.Return), calls guest code (CallGuest), blocks (Thread.Block: the call is dispatched again when the
// thread wakes, so blocking calls are restartable), or ends the thread or process.
//
// # Scheduling and time
//
// Run gives each runnable thread of every process a time slice of Config.Quantum instructions: strict priority
// (the base priority from the process's class and the thread's relative priority, 1..31, as Windows computes
// it), round robin in creation order within a level, and a running thread is preempted after an API call that
// readied a higher-priority one. A runnable thread that has not had the CPU for Config.StarveAfter (4 s of
// virtual time) is boosted to 15 for one slice, as Windows' balance-set manager does, so low-priority threads
// still progress; Sleep(0) and SwitchToThread yield (priority.go states the rule). Time is virtual: the clock is the number of instructions retired (plus one per API call);
// Sleep and wait timeouts are deadlines on it, and when every thread waits the clock jumps to the next deadline.
// Nothing depends on the host's clock or on goroutines, so the same inputs give the same interleaving and the
// same events every run. Run reports why it stopped: budget spent, idle (waiting for host input), every program
// exited, deadlock, breakpoint, or a stop requested by the system layer.
//
// # Named objects and ownership
//
// Names (CreateEvent, CreateMutex, CreateSemaphore with a name; Open*) live in the Namespace (namespace.go): one
// machine-wide directory for the session's names and one for "Global\" names, an object staying there until its
// last reference goes. A thread that ends while owning an Abandonable object (a mutex) abandons it (owned.go).
// Waits made with Thread.BlockSatisfy (WaitForSingleObject, WaitForMultipleObjects) are completed by
// ObjectHeader.Signal itself, in the order the waiters came, as Windows does: the object is taken for the
// waiter at signal time, so no other thread can take it first and a set-then-reset event still releases its
// waiters.
//
// # Ending (§4) and exceptions
//
// ExitProcess ends the other threads, runs DllMain(DLL_PROCESS_DETACH) in reverse initialization order, then
// TerminateProcess: all threads end, all handles are closed, the address space is freed, the process object
// becomes signaled and its running reference is dropped — the object itself lives while handles remain, with
// GetExitCodeProcess giving STILL_ACTIVE (259) before and the exit code after. The last thread's ExitThread
// ends the process with that code.
//
// # Exceptions
//
// A CPU exception goes to raise: a guard-page fault in a thread's stack grows the stack (STATUS_STACK_OVERFLOW
// when it runs out); anything else, and RaiseException, goes to DispatchException, which does what Windows'
// KiUserExceptionDispatcher does on x86: EXCEPTION_RECORD, CONTEXT and EXCEPTION_POINTERS on the thread's stack,
// the vectored handlers, the FS:[0] frame handlers (ExceptionContinueExecution resumes with the CONTEXT as the
// handler left it), then the unhandled-exception filter. Unwind implements RtlUnwind. Handlers are guest calls
// like any other; one that never returns (an __except block, a longjmp) just continues the program, and the
// continuations it abandoned are dropped when a shallower frame returns. An exception nobody takes ends the
// process with the exception code and a "crash" event carrying the report.
package kernel
