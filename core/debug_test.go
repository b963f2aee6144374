package core

import (
	"testing"

	"github.com/peek32/peek32/loader/pewriter"
)

// TestMachine_BreakpointAndStep checks that a breakpoint stops the thread before the instruction and that
// stepping from there runs it.
func TestMachine_BreakpointAndStep(t *testing.T) {
	// mov eax, 5 ; inc eax ; inc eax ; ret   (exit code 7)
	code := []byte{0xB8, 5, 0, 0, 0, 0x40, 0x40, 0xC3}
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole}
	img.Entry = &pewriter.Ref{Section: img.AddSection(".text", code, pewriter.Code)}
	exe, err := img.Build()
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMachine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AddFile(`C:\t\bp.exe`, exe); err != nil {
		t.Fatal(err)
	}
	pi, err := m.CreateProcess(`C:\t\bp.exe`, ProcessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	entry := m.Modules(pi.PID)[0].Entry
	if err := m.SetBreakpoint(pi.PID, entry+5); err != nil {
		t.Fatal(err)
	}
	st := m.Run(1000)
	if st.Status != "breakpoint" || st.TID != pi.TID {
		t.Fatalf("status %+v, want a breakpoint in thread %d", st, pi.TID)
	}
	r, _ := m.Registers(pi.TID)
	if r.EIP != entry+5 || r.EAX != 5 {
		t.Fatalf("at breakpoint EIP=0x%X EAX=%d, want 0x%X and 5", r.EIP, r.EAX, entry+5)
	}
	if _, err := m.Step(pi.TID); err != nil {
		t.Fatal(err)
	}
	r, _ = m.Registers(pi.TID)
	if r.EAX != 6 {
		t.Errorf("after one step EAX=%d, want 6", r.EAX)
	}
	if st := m.Run(1000); st.Status != "exited" || st.ExitCode != 7 {
		t.Errorf("final state %+v, want exited with 7", st)
	}
}
