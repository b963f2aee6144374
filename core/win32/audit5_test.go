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
	t.Helper()
	var stdout bytes.Buffer
	m, err := core.NewMachine(core.Config{Stdout: &stdout, Stderr: &stdout, DropEvents: true, MaxInstructions: 2_000_000_000})
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
	return stdout.Bytes(), st
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
