package kernel

import (
	"testing"

	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/loader/pewriter"
	"github.com/peek32/peek32/mm"
)

// buildExe returns a console exe with no imports whose entry point is code.
func buildExe(t testing.TB, code []byte) []byte {
	t.Helper()
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole, StackReserve: 0x40000, StackCommit: 0x2000}
	text := img.AddSection(".text", code, pewriter.Code)
	img.Entry = &pewriter.Ref{Section: text}
	data, err := img.Build()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// newKernel boots a kernel without a system layer, recording events.
func newKernel(t testing.TB) (*Kernel, *[]Event) {
	t.Helper()
	var evs []Event
	k := New(Config{Mem: mm.NewMachine(256 << 20), Emit: func(e Event) { evs = append(evs, e) }})
	if _, err := k.Boot(); err != nil {
		t.Fatal(err)
	}
	return k, &evs
}

func TestKernel_EntryReturnEndsProcess(t *testing.T) {
	k, evs := newKernel(t)
	// mov eax, 42 ; ret
	exe := buildExe(t, []byte{0xB8, 42, 0, 0, 0, 0xC3})
	res, err := k.CreateProcess(CreateParams{Image: exe, ImagePath: `C:\t\answer.exe`, CommandLine: "answer"})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Process
	if p.Parent != k.Explorer().ID {
		t.Errorf("parent = %d, want explorer's %d", p.Parent, k.Explorer().ID)
	}
	if got := p.ExitCode(); got != abi.STILL_ACTIVE {
		t.Errorf("exit code before running = %d, want STILL_ACTIVE", got)
	}
	p.Ref() // keep the object to read its exit code, as a handle would
	r := k.Run(1_000_000)
	if r.Status != RunExited {
		t.Fatalf("status %v, want exited", r.Status)
	}
	if got := p.ExitCode(); got != 42 {
		t.Errorf("exit code = %d, want 42", got)
	}
	if !p.Signaled() {
		t.Error("process object not signaled after exit")
	}
	steps := 0
	for _, e := range *evs {
		if e.Kind == "step" {
			steps++
			if e.Step != steps {
				t.Errorf("step event %d out of order: %d", steps, e.Step)
			}
		}
	}
	if steps != 5 {
		t.Errorf("%d step events, want 5", steps)
	}
	pid := p.ID
	p.Unref()
	if k.IDs().InUse(pid) {
		t.Error("PID still in use after the last reference went")
	}
}

func TestKernel_PID_TID_Distinct(t *testing.T) {
	k, _ := newKernel(t)
	exe := buildExe(t, []byte{0xEB, 0xFE}) // jmp $
	seen := map[uint32]string{}
	for i := 0; i < 3; i++ {
		res, err := k.CreateProcess(CreateParams{Image: exe, ImagePath: `C:\t\spin.exe`})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []uint32{res.PID, res.TID} {
			if id%4 != 0 || id == 0 {
				t.Errorf("ID %d not a non-zero multiple of 4", id)
			}
			if _, dup := seen[id]; dup {
				t.Errorf("ID %d handed out twice", id)
			}
			seen[id] = "x"
		}
	}
	// Spinning processes cannot starve each other: after a few slices every thread has run.
	k.Run(200_000)
	for _, p := range k.Processes() {
		if p == k.Explorer() {
			continue
		}
		if n := p.Threads()[0].CPU.Count; n == 0 {
			t.Errorf("process %d never ran", p.ID)
		}
	}
}

// TestPEB_WalkLoaderLists walks PEB->Ldr->InMemoryOrderModuleList from guest memory, as shellcode does, and
// checks the first entry is the exe with the right base and name; it also checks the TEB fields.
func TestPEB_WalkLoaderLists(t *testing.T) {
	k, _ := newKernel(t)
	exe := buildExe(t, []byte{0xEB, 0xFE})
	res, err := k.CreateProcess(CreateParams{Image: exe, ImagePath: `C:\t\walk.exe`, CommandLine: `walk.exe a b`})
	if err != nil {
		t.Fatal(err)
	}
	p, th := res.Process, res.Thread
	s := p.Space
	rd := func(a uint32) uint32 {
		v, ok := s.Read32(a)
		if !ok {
			t.Fatalf("read 0x%08X faulted", a)
		}
		return v
	}
	if th.TEB != abi.TEBTop {
		t.Errorf("first TEB at 0x%08X, want 0x%08X", th.TEB, abi.TEBTop)
	}
	if got := rd(th.TEB + abi.TEB_Self); got != th.TEB {
		t.Errorf("TEB.Self = 0x%08X", got)
	}
	if got := rd(th.TEB + abi.TEB_ExceptionList); got != 0xFFFFFFFF {
		t.Errorf("TEB.ExceptionList = 0x%08X, want -1", got)
	}
	if got := rd(th.TEB + abi.TEB_ClientIdProcess); got != p.ID {
		t.Errorf("TEB pid = %d", got)
	}
	if got := rd(th.TEB + abi.TEB_ClientIdThread); got != th.ID {
		t.Errorf("TEB tid = %d", got)
	}
	if rd(th.TEB+abi.TEB_StackBase) != th.StackBase || rd(th.TEB+abi.TEB_StackLimit) != th.StackLimit {
		t.Error("TEB stack fields disagree with the thread")
	}
	peb := rd(th.TEB + abi.TEB_ProcessEnvironment)
	if peb != abi.PEBAddress {
		t.Fatalf("PEB at 0x%08X", peb)
	}
	if b, _ := s.Read8(peb + abi.PEB_BeingDebugged); b != 0 {
		t.Error("BeingDebugged set")
	}
	if got := rd(peb + abi.PEB_ImageBaseAddress); got != p.Image.Base {
		t.Errorf("PEB.ImageBaseAddress = 0x%08X, want 0x%08X", got, p.Image.Base)
	}
	ldr := rd(peb + abi.PEB_Ldr)
	head := ldr + abi.LDR_InMemoryOrderModuleList
	first := rd(head)
	if first == head {
		t.Fatal("empty module list")
	}
	entry := first - abi.LDRE_InMemoryOrderLinks
	if got := rd(entry + abi.LDRE_DllBase); got != p.Image.Base {
		t.Errorf("first module base 0x%08X, want the exe's 0x%08X", got, p.Image.Base)
	}
	name, err := s.ReadUTF16(rd(entry+abi.LDRE_BaseDllName+abi.US_Buffer), 260)
	if err != nil || name != "walk.exe" {
		t.Errorf("first module name %q (%v)", name, err)
	}
	// Walk back to the head: the list is circular.
	n := 0
	for e := first; e != head; e = rd(e) {
		if n++; n > 100 {
			t.Fatal("module list does not return to its head")
		}
	}
	pp := rd(peb + abi.PEB_ProcessParameters)
	cl, err := s.ReadUTF16(rd(pp+abi.RUPP_CommandLine+abi.US_Buffer), 1000)
	if err != nil || cl != "walk.exe a b" {
		t.Errorf("command line %q (%v)", cl, err)
	}
	if v, _ := s.Read32(abi.KUserSharedData + abi.KUSD_NtMajorVersion); v != abi.OSMajorVersion {
		t.Errorf("KUSER_SHARED_DATA major version %d", v)
	}
}

func TestKernel_StackGrowsThroughGuard(t *testing.T) {
	k, _ := newKernel(t)
	// sub esp, 0x8000 ; probe every page downward like _chkstk: loop: mov [esp+ecx], eax ...
	// Simpler: push 0x3000 dwords (48 KiB), far below the 8 KiB commit, then return 7.
	code := []byte{
		0xB9, 0x00, 0x30, 0x00, 0x00, // mov ecx, 0x3000
		0x6A, 0x00, // push 0
		0x49,       // dec ecx
		0x75, 0xFB, // jnz -5
		0x81, 0xC4, 0x00, 0xC0, 0x00, 0x00, // add esp, 0xC000
		0xB8, 7, 0, 0, 0, // mov eax, 7
		0xC3,
	}
	res, err := k.CreateProcess(CreateParams{Image: buildExe(t, code), ImagePath: `C:\t\stack.exe`})
	if err != nil {
		t.Fatal(err)
	}
	res.Process.Ref()
	defer res.Process.Unref()
	if r := k.Run(10_000_000); r.Status != RunExited {
		t.Fatalf("status %v", r.Status)
	}
	if got := res.Process.ExitCode(); got != 7 {
		t.Errorf("exit code 0x%X, want 7 (the stack should grow through its guard page)", got)
	}
}

func TestKernel_CrashEndsWithExceptionCode(t *testing.T) {
	k, evs := newKernel(t)
	// mov eax, [0] -> access violation
	res, err := k.CreateProcess(CreateParams{Image: buildExe(t, []byte{0xA1, 0, 0, 0, 0, 0xC3}), ImagePath: `C:\t\crash.exe`})
	if err != nil {
		t.Fatal(err)
	}
	res.Process.Ref()
	defer res.Process.Unref()
	k.Run(1000)
	if got := res.Process.ExitCode(); got != uint32(abi.STATUS_ACCESS_VIOLATION) {
		t.Errorf("exit code 0x%X, want STATUS_ACCESS_VIOLATION", got)
	}
	found := false
	for _, e := range *evs {
		if e.Kind == "crash" && e.Code != nil && *e.Code == uint32(abi.STATUS_ACCESS_VIOLATION) {
			found = true
		}
	}
	if !found {
		t.Error("no crash event")
	}
}

func TestKernel_CreateSuspended(t *testing.T) {
	k, _ := newKernel(t)
	res, err := k.CreateProcess(CreateParams{Image: buildExe(t, []byte{0xB8, 1, 0, 0, 0, 0xC3}),
		ImagePath: `C:\t\s.exe`, Flags: abi.CREATE_SUSPENDED})
	if err != nil {
		t.Fatal(err)
	}
	res.Process.Ref()
	defer res.Process.Unref()
	if r := k.Run(10000); r.Status != RunDeadlock && r.Status != RunIdle {
		// Nothing can run: the only user thread is suspended.
		if r.Status != RunBudget || res.Thread.CPU.Count != 0 {
			t.Fatalf("suspended thread ran: %v, %d instructions", r.Status, res.Thread.CPU.Count)
		}
	}
	res.Thread.Resume()
	if r := k.Run(10000); r.Status != RunExited {
		t.Fatalf("status after resume %v", r.Status)
	}
	if res.Process.ExitCode() != 1 {
		t.Errorf("exit code %d", res.Process.ExitCode())
	}
}
