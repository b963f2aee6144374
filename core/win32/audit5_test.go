package win32_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/peek32/peek32/core"
)

// audit5Dir holds the issue-5 audit guest programs (docs/ISSUE5_AUDIT.md): sources, build.sh, binaries
// (programs and the a5dll.dll they import), expectations and README.md.
var audit5Dir = filepath.Join("..", "..", "testdata", "guest", "audit5")

// runAudit5 runs testdata/guest/audit5/bin/NAME.exe through the facade as a dropped program (a child of
// explorer.exe in C:\work, with every file of bin/ beside it) and returns its output, exit code and status.
func runAudit5(t *testing.T, name string) ([]byte, core.RunState) {
	out, st, _ := runAudit5Events(t, name, nil)
	return out, st
}

// runAudit5Events is runAudit5 with onEvent receiving every event; it also returns the machine.
func runAudit5Events(t *testing.T, name string, onEvent func(core.Event)) ([]byte, core.RunState, *core.Machine) {
	t.Helper()
	var stdout bytes.Buffer
	m, err := core.NewMachine(core.Config{Stdout: &stdout, Stderr: &stdout, DropEvents: true, OnEvent: onEvent,
		MaxInstructions: 2_000_000_000})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(audit5Dir, "bin", "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.AddFile(`C:\work\`+filepath.Base(f), b); err != nil {
			t.Fatal(err)
		}
	}
	path := `C:\work\` + name + ".exe"
	if _, err := m.CreateProcess(core.CommandLine(path, nil), core.ProcessOptions{CurrentDir: `C:\work`}); err != nil {
		t.Fatal(err)
	}
	var st core.RunState
	for st = m.Run(50_000_000); st.Status == "running"; st = m.Run(50_000_000) {
	}
	return stdout.Bytes(), st, m
}

// TestAudit5Programs runs every program of testdata/guest/audit5 and compares its standard output byte for
// byte and its exit code with the expectations (Windows documentation; README.md has Wine 8.0's differences).
func TestAudit5Programs(t *testing.T) {
	codes, _ := filepath.Glob(filepath.Join(audit5Dir, "expected", "*.exitcode"))
	if len(codes) == 0 {
		t.Fatal("no programs in testdata/guest/audit5")
	}
	for _, cf := range codes {
		name := strings.TrimSuffix(filepath.Base(cf), ".exitcode")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(cf)
			if err != nil {
				t.Fatal(err)
			}
			want, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32)
			if err != nil {
				t.Fatal(err)
			}
			wantOut, err := os.ReadFile(filepath.Join(audit5Dir, "expected", name+".stdout"))
			if err != nil {
				t.Fatal(err)
			}
			out, st := runAudit5(t, name)
			if st.Status != "exited" {
				t.Fatalf("status %s: %s\noutput so far:\n%s", st.Status, st.Message, out)
			}
			if !bytes.Equal(out, wantOut) {
				t.Errorf("stdout differs\n got:\n%s\nwant:\n%s", out, wantOut)
			}
			if st.ExitCode != uint32(want) {
				t.Errorf("exit code %d, want %d", st.ExitCode, want)
			}
		})
	}
}

// TestAudit5_SleepJumpsVirtualTime: a5_threads sleeps 3 s (and waits with timeouts) while no other thread can
// run; the virtual clock jumps over the idle time, so at least 3000 ms of guest time pass although the machine
// retires far fewer instructions than 3000 ms' worth.
func TestAudit5_SleepJumpsVirtualTime(t *testing.T) {
	_, st, m := runAudit5Events(t, "a5_threads", nil)
	if st.Status != "exited" {
		t.Fatalf("status %s: %s", st.Status, st.Message)
	}
	k := m.Kernel()
	ms := k.Clock() / k.InstrPerMs()
	if ms < 3000 {
		t.Errorf("virtual time %d ms, want >= 3000 (Sleep(3000))", ms)
	}
	if st.Total >= 3000*k.InstrPerMs() {
		t.Errorf("%d instructions retired: the sleep was spun through, not jumped over", st.Total)
	}
}

// TestAudit5_OutputDebugString: OutputDebugStringA/W become "debug-string" events with the text (the wide
// string converted to UTF-8), in order.
func TestAudit5_OutputDebugString(t *testing.T) {
	var got []string
	_, st, _ := runAudit5Events(t, "a5_misc", func(e core.Event) {
		if e.Kind == "debug-string" {
			got = append(got, e.Data)
		}
	})
	if st.Status != "exited" {
		t.Fatalf("status %s: %s", st.Status, st.Message)
	}
	want := []string{"a5_misc: hello, debugger", "a5_misc: wide \u00e9t\u00e9"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("debug strings %q, want %q", got, want)
	}
}
