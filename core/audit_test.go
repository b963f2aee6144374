package core

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/peek32/peek32/core/win32"
)

// auditDir holds the issue-4 audit's guest programs (docs/ISSUE4_AUDIT.md, testdata/guest/audit/build.sh).
var auditDir = filepath.Join("..", "testdata", "guest", "audit")

// TestAuditPrograms runs the audit programs through the facade, each in a fresh machine with every audit DLL in
// its directory, and compares standard output byte for byte and the exit code with the expectations:
// dllchain (DLL initialization order and reasons, TLS callbacks, forwarder chains, API-set and delay-load
// imports), dllfail (a DllMain that fails, dynamically and statically), handles (pseudo-handles, invalid
// handles, last-error rules), peb (PEB, TEB, process parameters, KUSER_SHARED_DATA), placement (a real DLL
// preferring msvcrt.dll's base is relocated), startup (heaps, start-up
// info, environment, code pages, QPC, processor features, FLS, _controlfp, atexit/_onexit), vfs (the file
// functions and their last-error values).
func TestAuditPrograms(t *testing.T) {
	codes, _ := filepath.Glob(filepath.Join(auditDir, "expected", "*.exitcode"))
	if len(codes) == 0 {
		t.Fatal("no audit expectations")
	}
	// Every DLL and program of bin/ is in the program's directory (dllfail starts dllfail_static.exe).
	dlls, _ := filepath.Glob(filepath.Join(auditDir, "bin", "*.dll"))
	exes, _ := filepath.Glob(filepath.Join(auditDir, "bin", "*.exe"))
	dlls = append(dlls, exes...)
	for _, cf := range codes {
		name := strings.TrimSuffix(filepath.Base(cf), ".exitcode")
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(auditDir, "bin", name+".exe")); err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(filepath.Join(auditDir, "expected", name+".stdout"))
			cb, _ := os.ReadFile(cf)
			wantCode, err := strconv.ParseUint(strings.TrimSpace(string(cb)), 10, 32)
			if err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			m, err := NewMachine(Config{Stdin: bytes.NewReader(nil), Stdout: &stdout, Stderr: &stderr, DropEvents: true,
				MaxInstructions: 500_000_000})
			if err != nil {
				t.Fatal(err)
			}
			dir := `C:\audit`
			for _, d := range dlls {
				b, _ := os.ReadFile(d)
				if err := m.AddFile(dir+`\`+filepath.Base(d), b); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := m.CreateProcess(CommandLine(dir+`\`+name+".exe", nil), ProcessOptions{CurrentDir: dir}); err != nil {
				t.Fatal(err)
			}
			st := m.Run(50_000_000)
			for st.Status == "running" {
				st = m.Run(50_000_000)
			}
			if st.Status != "exited" {
				t.Fatalf("status %s: %s", st.Status, st.Message)
			}
			if !bytes.Equal(stdout.Bytes(), want) {
				t.Errorf("stdout differs\n got %q\nwant %q", stdout.Bytes(), want)
			}
			if st.ExitCode != uint32(wantCode) {
				t.Errorf("exit code %d, want %d (stderr %q)", st.ExitCode, wantCode, stderr.Bytes())
			}
		})
	}
}

// TestAudit_CommandLineParsing anchors peek32's msvcrt argument parser (which CommandLine's quoting is tested
// against) to Microsoft's own table ("Parsing C command-line arguments", the rows whose result does not depend
// on the runtime's version), so the round trip is not only peek32 agreeing with itself.
func TestAudit_CommandLineParsing(t *testing.T) {
	for _, tt := range []struct {
		cl   string
		want []string
	}{
		{`"abc" d e`, []string{"abc", "d", "e"}},
		{`a\\b d"e f"g h`, []string{`a\\b`, "de fg", "h"}},
		{`a\\\"b c d`, []string{`a\"b`, "c", "d"}},
		{`a\\\\"b c" d e`, []string{`a\\b c`, "d", "e"}},
	} {
		got := win32.ParseCommandLine(`prog.exe ` + tt.cl)
		if strings.Join(got, "|") != strings.Join(append([]string{"prog.exe"}, tt.want...), "|") {
			t.Errorf("%s: got %q, want %q", tt.cl, got[1:], tt.want)
		}
	}
}
