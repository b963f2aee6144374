package core

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/loader"
	"github.com/peek32/peek32/mm"
)

// The process model of issue 5 end to end through the facade: each test runs guest programs of
// testdata/guest (bin/) or testdata/guest/model (priorities, named objects) and checks what the facade shows
// beyond their standard output: processes, threads, IDs, pages, deadlock reports.

// modelRun is one facade run of a guest program.
type modelRun struct {
	m      *Machine
	st     RunState
	stdout bytes.Buffer
	events []Event
}

// guestExe reads a guest program: "NAME" from testdata/guest/bin, "model/NAME" from testdata/guest/model/bin.
func guestExe(t *testing.T, name string) []byte {
	t.Helper()
	path := filepath.Join(guestDir, "bin", name+".exe")
	if dir, base, ok := strings.Cut(name, "/"); ok {
		path = filepath.Join(guestDir, dir, "bin", base+".exe")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no %s: %v", path, err)
	}
	return b
}

// startModel boots a machine with cfg (streams and events filled in), puts the program at C:\work and starts
// it with args.
func startModel(t *testing.T, name string, args []string, cfg Config) *modelRun {
	t.Helper()
	r := &modelRun{}
	cfg.Stdout, cfg.Stderr, cfg.Stdin = &r.stdout, &r.stdout, bytes.NewReader(nil)
	cfg.DropEvents = true
	if cfg.MaxInstructions == 0 {
		cfg.MaxInstructions = 2_000_000_000
	}
	cfg.OnEvent = func(e Event) {
		if e.Kind != "console" {
			r.events = append(r.events, e)
		}
	}
	m, err := NewMachine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.m = m
	exe := `C:\work\` + filepath.Base(name) + ".exe"
	if err := m.AddFile(exe, guestExe(t, name)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.CreateProcess(CommandLine(exe, args), ProcessOptions{CurrentDir: `C:\work`}); err != nil {
		t.Fatalf("%s: CreateProcess: %v", name, err)
	}
	return r
}

// run runs until the machine stops for good ("exited", "deadlock", ...); each, if not nil, sees every
// intermediate state (slices of 200,000 instructions and API-breakpoint stops).
func (r *modelRun) run(each func(st RunState)) RunState {
	for {
		r.st = r.m.Run(200_000)
		if each != nil && (r.st.Status == "running" || r.st.Status == "stopped") {
			each(r.st)
		}
		if r.st.Status != "running" && r.st.Status != "stopped" {
			return r.st
		}
	}
}

// expectOutput compares standard output and the exit code with testdata expectations ("NAME" or
// "model/NAME").
func expectOutput(t *testing.T, r *modelRun, name string) {
	t.Helper()
	dir, base := guestDir, name
	if d, b, ok := strings.Cut(name, "/"); ok {
		dir, base = filepath.Join(guestDir, d), b
	}
	want, err := os.ReadFile(filepath.Join(dir, "expected", base+".stdout"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.stdout.Bytes(), want) {
		t.Errorf("%s: stdout differs\n got %q\nwant %q", name, r.stdout.Bytes(), want)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "expected", base+".exitcode")); err == nil {
		code, _ := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32)
		if r.st.Status != "exited" || r.st.ExitCode != uint32(code) {
			t.Errorf("%s: status %s, exit code %d; want exited with %d (%s)", name, r.st.Status, r.st.ExitCode, code, r.st.Message)
		}
	}
}

// eventsOf returns the events of one kind.
func (r *modelRun) eventsOf(kind string) []Event {
	var out []Event
	for _, e := range r.events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// checkIDs verifies PROCESS_MODEL.md §5 on every process and thread object that still exists (running, or
// ended but kept by a handle in some handle table): each ID is a nonzero multiple of 4, no two objects share
// an ID (a PID never equals a TID), and each is held in the ID pool — so an ID is handed out again only once
// its object is gone.
func checkIDs(t *testing.T, m *Machine) {
	t.Helper()
	type obj struct {
		id   uint32
		what string
	}
	objs := map[any]obj{}
	for _, p := range m.Kernel().Processes() {
		objs[p] = obj{p.ID, "process " + p.Name}
		for _, th := range p.Threads() {
			objs[th] = obj{th.ID, "a thread of " + p.Name}
		}
		for _, h := range p.Handles.Handles() {
			e, _ := p.Handles.Get(h)
			switch o := e.Object.(type) {
			case *kernel.Thread:
				objs[o] = obj{o.ID, "a thread of " + o.Proc.Name + " (by handle)"}
			case *kernel.Process:
				objs[o] = obj{o.ID, "process " + o.Name + " (by handle)"}
			}
		}
	}
	seen := map[uint32]string{}
	for _, o := range objs {
		if o.id == 0 || o.id%4 != 0 {
			t.Errorf("%s has ID %d: not a nonzero multiple of 4", o.what, o.id)
		}
		if prev, dup := seen[o.id]; dup {
			t.Errorf("ID %d used by both %s and %s", o.id, prev, o.what)
		}
		seen[o.id] = o.what
		if !m.Kernel().IDs().InUse(o.id) {
			t.Errorf("%s (ID %d) exists but its ID is free in the pool", o.what, o.id)
		}
	}
}

// TestModel_ThreadsCounting: four threads increment one counter with LOCK ADD (MinGW's inline
// InterlockedIncrement) and another under a critical section, 10,000 times each, preempted mid-loop by the
// scheduler: both totals are exact.
func TestModel_ThreadsCounting(t *testing.T) {
	exe := guestExe(t, "threads")
	if !bytes.Contains(exe, []byte{0xF0, 0x83, 0x05}) { // lock add dword [mem], imm8
		t.Error("threads.exe has no LOCK ADD: the atomic counter is not a LOCK-prefixed instruction")
	}
	r := startModel(t, "threads", nil, Config{Quantum: 3000})
	r.run(nil)
	expectOutput(t, r, "threads")
	if n := len(r.eventsOf("thread-created")); n < 5 {
		t.Errorf("%d threads created, want the main thread and four workers", n)
	}
}

// TestModel_ProducerConsumer: two producers and two consumers over an 8-slot ring with semaphores and a
// critical section.
func TestModel_ProducerConsumer(t *testing.T) {
	r := startModel(t, "prodcons", nil, Config{})
	r.run(nil)
	expectOutput(t, r, "prodcons")
}

// TestModel_PipeCapture: a parent captures its child's standard output through an anonymous pipe; the child is
// a second process whose parent is the first.
func TestModel_PipeCapture(t *testing.T) {
	r := startModel(t, "pipe", []string{}, Config{})
	r.run(nil)
	expectOutput(t, r, "pipe")
	created := r.eventsOf("process-created")
	if len(created) < 2 || created[len(created)-1].Parent != created[len(created)-2].PID {
		t.Errorf("process-created events %+v: want the child created by the parent", created)
	}
}

// TestModel_TerminateSpinningChild: TerminateProcess(child, 42) ends a child that spins forever; its
// process-exited event carries 42.
func TestModel_TerminateSpinningChild(t *testing.T) {
	r := startModel(t, "terminate", nil, Config{})
	r.run(nil)
	expectOutput(t, r, "terminate")
	found := false
	for _, e := range r.eventsOf("process-exited") {
		if e.Code != nil && *e.Code == 42 {
			found = true
		}
	}
	if !found {
		t.Errorf("no process exited with code 42: %+v", r.eventsOf("process-exited"))
	}
}

// TestModel_MainExitThread: the main thread calls ExitThread while a second one keeps the process alive: the
// facade shows the process running without its main thread, and the process ends with the last thread's exit
// code (5).
func TestModel_MainExitThread(t *testing.T) {
	r := startModel(t, "exitthread", nil, Config{Quantum: 2000})
	r.m.SetAPIBreakpoint("printf")
	mainGone := false
	r.run(func(st RunState) {
		for _, p := range r.m.Processes() {
			if p.Name != "exitthread.exe" || !p.Running {
				continue
			}
			mainTID := uint32(0)
			for _, e := range r.eventsOf("thread-created") {
				if e.PID == p.PID && mainTID == 0 {
					mainTID = e.TID
				}
			}
			if th := r.m.Threads(p.PID); mainTID != 0 && len(th) == 1 && th[0].TID != mainTID {
				mainGone = true
			}
		}
	})
	expectOutput(t, r, "exitthread")
	if !mainGone {
		t.Error("never saw the process running on its second thread alone after main's ExitThread")
	}
}

// TestModel_IDsAndHandles: the ids program's checks (IDs multiples of 4, PID != TID, pseudo-handles, CloseHandle
// does not end a thread or process), and the machine-wide ID invariant (checkIDs) at every slice of it and of
// model/prio, which creates threads one after another and closes their handles: their IDs are reused, but
// never while the previous holder's object exists.
func TestModel_IDsAndHandles(t *testing.T) {
	r := startModel(t, "ids", nil, Config{Quantum: 5000})
	r.run(func(RunState) { checkIDs(t, r.m) })
	expectOutput(t, r, "ids")
	checkIDs(t, r.m)

	r = startModel(t, "model/prio", nil, Config{Quantum: 5000, StarveAfter: 200_000})
	r.run(func(RunState) { checkIDs(t, r.m) })
	expectOutput(t, r, "model/prio")
	created := map[uint32]int{}
	for _, e := range r.eventsOf("thread-created") {
		created[e.TID]++
	}
	reused := 0
	for _, n := range created {
		if n > 1 {
			reused++
		}
	}
	if reused == 0 {
		t.Errorf("no thread ID was reused after its thread object was gone: %v", created)
	}
}

// TestModel_CopyOnWrite: two processes of cow.exe map the image at one base; when the child has written the
// global, its page is a private copy (the child's COW copies > 0) holding 2 while the parent's still holds 1, and
// both processes still share the read-only image pages. The facade shows the per-process counts.
func TestModel_CopyOnWrite(t *testing.T) {
	exe := guestExe(t, "cow")
	f, err := loader.Parse(exe, loader.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	rva, ok := f.SymbolRVA("_shared_value")
	if !ok {
		t.Fatal("cow.exe has no _shared_value symbol")
	}
	addr := f.ImageBase + rva
	r := startModel(t, "cow", nil, Config{})
	r.m.SetAPIBreakpoint("printf")
	checked := false
	r.run(func(st RunState) {
		if st.Status != "stopped" || checked {
			return
		}
		var parent, child uint32
		for _, p := range r.m.Processes() {
			if p.Name == "cow.exe" && p.Running {
				if parent == 0 {
					parent = p.PID
				} else {
					child = p.PID
				}
			}
		}
		if child == 0 {
			return
		}
		cv, err1 := r.m.ReadMemory(child, addr, 4)
		pv, err2 := r.m.ReadMemory(parent, addr, 4)
		if err1 != nil || err2 != nil || binary.LittleEndian.Uint32(cv) != 2 {
			return // the child has not written yet
		}
		checked = true
		r.m.ClearAPIBreakpoint("printf")
		if v := binary.LittleEndian.Uint32(pv); v != 1 {
			t.Errorf("parent's shared_value is %d after the child wrote 2; want 1", v)
		}
		for _, pid := range []uint32{parent, child} {
			shared, cow := 0, 0
			for _, reg := range r.m.MemoryMap(pid) {
				if reg.Type == "image" && strings.EqualFold(reg.Module, "cow.exe") {
					shared += reg.Shared
					cow += reg.COW
				}
			}
			copies := r.m.Kernel().Process(pid).Space.Stats().COWCopies
			t.Logf("PID %d: cow.exe pages shared read-only %d, shared copy-on-write %d; pages copied %d", pid, shared, cow, copies)
			if shared == 0 {
				t.Errorf("PID %d shares no read-only image pages", pid)
			}
		}
		sp := r.m.Kernel().Process(child).Space
		if sp.PageInfo(addr).Sharing != mm.Private {
			t.Errorf("the child's written page is %v, want a private copy", sp.PageInfo(addr).Sharing)
		}
		if sp.Stats().COWCopies == 0 {
			t.Error("the child made no copy-on-write copies")
		}
	})
	if !checked {
		t.Fatal("never saw the child's write")
	}
	expectOutput(t, r, "cow")
}

// TestModel_DeadlockReport: two threads each hold the mutex the other waits for, the main thread waits for
// both: the machine reports a deadlock naming each thread and what it waits on.
func TestModel_DeadlockReport(t *testing.T) {
	r := startModel(t, "deadlock", nil, Config{})
	st := r.run(nil)
	if st.Status != "deadlock" {
		t.Fatalf("status %s (%s), want deadlock", st.Status, st.Message)
	}
	want, _ := os.ReadFile(filepath.Join(guestDir, "expected", "deadlock.stdout"))
	if !bytes.Equal(r.stdout.Bytes(), want) {
		t.Errorf("stdout %q, want %q", r.stdout.Bytes(), want)
	}
	t.Log(st.Message)
	if n := strings.Count(st.Message, "deadlock.exe PID"); n != 3 {
		t.Errorf("report names %d threads, want 3: %s", n, st.Message)
	}
	if strings.Count(st.Message, "waits for Mutant") != 2 || strings.Count(st.Message, "owned by thread") != 2 {
		t.Errorf("report does not say which mutex each worker waits on and who owns it: %s", st.Message)
	}
	if !strings.Contains(st.Message, "waits for all of Thread") {
		t.Errorf("report does not say the main thread waits for both threads: %s", st.Message)
	}
}

// TestModel_Priorities: model/prio (priority APIs, strict priority, preemption on ResumeThread, SwitchToThread,
// Sleep(0), the anti-starvation boost), with the boost after 2 ms of virtual time so the starving thread
// runs quickly.
func TestModel_Priorities(t *testing.T) {
	r := startModel(t, "model/prio", nil, Config{StarveAfter: 200_000})
	r.run(nil)
	expectOutput(t, r, "model/prio")
}

// TestModel_NamedObjects: model/named (named event, mutex and semaphore shared by two processes; existing
// names, wrong types, missing names, Local\ and Global\, a name freed with its last handle).
func TestModel_NamedObjects(t *testing.T) {
	r := startModel(t, "model/named", nil, Config{})
	r.run(nil)
	expectOutput(t, r, "model/named")
	if n := r.m.Kernel().Names().Len(); n != 0 {
		t.Errorf("%d named objects left after every process ended, want 0", n)
	}
}

// TestModel_AbandonedMutex: model/abandon (WAIT_ABANDONED when a mutex's owner ends, returning, terminated, or
// having created it owned; a blocked waiter woken by the owner's end).
func TestModel_AbandonedMutex(t *testing.T) {
	r := startModel(t, "model/abandon", nil, Config{})
	r.run(nil)
	expectOutput(t, r, "model/abandon")
}

// TestModel_WaitHandoff: model/handoff (a signal satisfies pending waits at once and in order: no stolen
// auto-reset event, no missed set-and-reset, semaphore counts and mutex ownership handed over).
func TestModel_WaitHandoff(t *testing.T) {
	r := startModel(t, "model/handoff", nil, Config{})
	r.run(nil)
	expectOutput(t, r, "model/handoff")
}

// TestModel_SchedulingDeterministic: two runs of the priority program interleave identically (same API
// trace).
func TestModel_SchedulingDeterministic(t *testing.T) {
	trace := func() []byte {
		var b bytes.Buffer
		r := startModel(t, "model/prio", nil, Config{StarveAfter: 200_000, TraceAPI: true})
		r.run(nil)
		for _, e := range r.events {
			b.WriteString(strconv.FormatUint(e.Count, 10) + " " + strconv.FormatUint(uint64(e.TID), 10) + " " + e.Kind + " " + e.Name + "\n")
		}
		return b.Bytes()
	}
	a, b := trace(), trace()
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("two runs differ (%d and %d bytes of trace)", len(a), len(b))
	}
}
