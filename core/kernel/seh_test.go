package kernel_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/peek32/peek32/core"
)

// sehDir holds the SEH guest programs: sources, MinGW builds and expectations written from Windows semantics
// (testdata/guest/seh/README.md says where each line comes from and how Wine 8 differs).
var sehDir = filepath.Join("..", "..", "testdata", "guest", "seh")

// runSEHGuest runs bin/NAME.exe through the facade and returns its standard output, the final run state and
// the events of kinds "exception" (one per dispatch) and "crash" (an unhandled exception's report).
func runSEHGuest(t *testing.T, name string) ([]byte, core.RunState, []core.Event) {
	t.Helper()
	exe, err := os.ReadFile(filepath.Join(sehDir, "bin", name+".exe"))
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	var events []core.Event
	m, err := core.NewMachine(core.Config{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		DropEvents: true, MaxInstructions: 500_000_000, OnEvent: func(e core.Event) {
			if e.Kind == "exception" || e.Kind == "crash" {
				events = append(events, e)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	path := `C:\seh\` + name + ".exe"
	if err := m.AddFile(path, exe); err != nil {
		t.Fatal(err)
	}
	if _, err := m.CreateProcess(core.CommandLine(path, nil), core.ProcessOptions{CurrentDir: `C:\seh`}); err != nil {
		t.Fatal(err)
	}
	var st core.RunState
	for {
		st = m.Run(50_000_000)
		if st.Status != "running" {
			break
		}
	}
	return stdout.Bytes(), st, events
}

// TestSEHGuestPrograms runs every program of testdata/guest/seh and compares standard output byte for byte and
// the exit code (a process ended by an unhandled exception exits with the exception code).
func TestSEHGuestPrograms(t *testing.T) {
	exes, _ := filepath.Glob(filepath.Join(sehDir, "bin", "*.exe"))
	if len(exes) < 4 {
		t.Fatalf("only %d SEH guest programs", len(exes))
	}
	for _, exe := range exes {
		name := strings.TrimSuffix(filepath.Base(exe), ".exe")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(sehDir, "expected", name+".stdout"))
			if err != nil {
				t.Fatal(err)
			}
			codeText, err := os.ReadFile(filepath.Join(sehDir, "expected", name+".exitcode"))
			if err != nil {
				t.Fatal(err)
			}
			wantCode, err := strconv.ParseUint(strings.TrimSpace(string(codeText)), 10, 32)
			if err != nil {
				t.Fatal(err)
			}
			got, st, _ := runSEHGuest(t, name)
			if st.Status != "exited" {
				t.Fatalf("status %s: %s", st.Status, st.Message)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("stdout differs\n got %q\nwant %q", got, want)
			}
			if st.ExitCode != uint32(wantCode) {
				t.Errorf("exit code 0x%X, want 0x%X; %s", st.ExitCode, wantCode, st.Message)
			}
		})
	}
}

// TestSEHCrashReport checks the unhandled end of seh_badchain: the crash event names the code, the corrupt
// chain and carries the registers and a disassembly.
func TestSEHCrashReport(t *testing.T) {
	_, st, events := runSEHGuest(t, "seh_badchain")
	if st.ExitCode != 0xE0000070 {
		t.Fatalf("exit code 0x%X", st.ExitCode)
	}
	var report string
	dispatched := 0
	for _, e := range events {
		switch e.Kind {
		case "crash":
			report = e.Text
		case "exception":
			dispatched++
		}
	}
	if dispatched != 1 {
		t.Errorf("%d exception events, want 1 (the RaiseException)", dispatched)
	}
	for _, want := range []string{"0xE0000070", "chain is corrupt", "EIP=", "ESP=", "stack:"} {
		if !strings.Contains(report, want) {
			t.Errorf("crash report lacks %q:\n%s", want, report)
		}
	}
}
