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

// xprocDir holds the cross-process guest programs (sources, build.sh, binaries, expectations, README.md).
var xprocDir = filepath.Join("..", "..", "testdata", "guest", "xproc")

// runXproc runs testdata/guest/xproc/bin/NAME.exe through the facade, as a program dropped on the page is run
// (a child of explorer.exe, in C:\work), and returns its standard output, exit code and the machine.
func runXproc(t *testing.T, name string) ([]byte, uint32, *core.Machine) {
	t.Helper()
	exe, err := os.ReadFile(filepath.Join(xprocDir, "bin", name+".exe"))
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	m, err := core.NewMachine(core.Config{Stdout: &stdout, Stderr: &stdout, DropEvents: true, MaxInstructions: 1_000_000_000})
	if err != nil {
		t.Fatal(err)
	}
	path := `C:\work\` + name + ".exe"
	if err := m.AddFile(path, exe); err != nil {
		t.Fatal(err)
	}
	if _, err := m.CreateProcess(core.CommandLine(path, nil), core.ProcessOptions{CurrentDir: `C:\work`}); err != nil {
		t.Fatal(err)
	}
	var st core.RunState
	for st = m.Run(50_000_000); st.Status == "running"; st = m.Run(50_000_000) {
	}
	if st.Status != "exited" {
		t.Fatalf("%s: status %s: %s\noutput so far:\n%s", name, st.Status, st.Message, stdout.Bytes())
	}
	return stdout.Bytes(), st.ExitCode, m
}

// TestXprocPrograms runs every program of testdata/guest/xproc and compares its standard output byte for byte
// and its exit code with the expectations (written from the Windows documentation and compared with Wine 8;
// README.md lists where they differ and why). Each program also checks the error paths of its APIs: the
// return value and last error of every failing call are part of the expected output.
func TestXprocPrograms(t *testing.T) {
	codes, _ := filepath.Glob(filepath.Join(xprocDir, "expected", "*.exitcode"))
	if len(codes) == 0 {
		t.Fatal("no programs in testdata/guest/xproc")
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
			wantOut, err := os.ReadFile(filepath.Join(xprocDir, "expected", name+".stdout"))
			if err != nil {
				t.Fatal(err)
			}
			out, code, _ := runXproc(t, name)
			if !bytes.Equal(out, wantOut) {
				t.Errorf("stdout differs\n got:\n%s\nwant:\n%s", out, wantOut)
			}
			if code != uint32(want) {
				t.Errorf("exit code %d, want %d", code, want)
			}
		})
	}
}

// TestXprocMappingLeavesNoName checks the machine after the mapping program: its file-backed mapping wrote the
// file through the view before the program deleted it, and no named section outlives the processes that used
// it (a second run in the same machine creates the name afresh: "create: handle, error 0").
func TestXprocMappingLeavesNoName(t *testing.T) {
	exe, err := os.ReadFile(filepath.Join(xprocDir, "bin", "xp_mapping.exe"))
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	m, err := core.NewMachine(core.Config{Stdout: &stdout, DropEvents: true, MaxInstructions: 1_000_000_000})
	if err != nil {
		t.Fatal(err)
	}
	path := `C:\work\xp_mapping.exe`
	if err := m.AddFile(path, exe); err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 2; run++ {
		stdout.Reset()
		if _, err := m.CreateProcess(core.CommandLine(path, nil), core.ProcessOptions{CurrentDir: `C:\work`}); err != nil {
			t.Fatal(err)
		}
		var st core.RunState
		for st = m.Run(50_000_000); st.Status == "running"; st = m.Run(50_000_000) {
		}
		if !strings.HasPrefix(stdout.String(), "create: handle, error 0\r\n") {
			t.Fatalf("run %d: status %s, output:\n%s", run, st.Status, stdout.String())
		}
	}
}

// TestXprocViewWrittenBackAtExit runs xp_mapexit, which writes a file through a writable view and exits
// without unmapping it: the process's end writes the view back, so the file holds the bytes.
func TestXprocViewWrittenBackAtExit(t *testing.T) {
	_, code, m := runXproc(t, "xp_mapexit")
	if code != 0 {
		t.Fatalf("exit code %d", code)
	}
	b, err := m.FS().ReadFile(`C:\work\mapexit.txt`)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "written at exit!" {
		t.Errorf("file holds %q, want %q", b, "written at exit!")
	}
}
