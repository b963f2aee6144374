package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/peek32/peek32/loader/pewriter"
)

var (
	builtOnce sync.Once
	builtBin  string
	builtErr  error
	builtDir  string
)

// buildPeek32 builds the command once per test binary run.
func buildPeek32(t *testing.T) string {
	t.Helper()
	builtOnce.Do(func() {
		builtDir, builtErr = os.MkdirTemp("", "peek32-test")
		if builtErr != nil {
			return
		}
		builtBin = filepath.Join(builtDir, "peek32")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			builtErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// echoCmdline is a tiny exe: it writes GetCommandLineA() to standard output and exits with 7.
func echoCmdline(t *testing.T) []byte {
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole}
	code := make([]byte, 128)
	text := img.AddSection(".text", code, pewriter.Code)
	data := img.AddSection(".data", make([]byte, 16), pewriter.Data)
	img.Imports = []pewriter.Import{{DLL: "KERNEL32.dll", Funcs: []pewriter.ImportFunc{
		{Name: "GetCommandLineA"}, {Name: "lstrlenA"}, {Name: "GetStdHandle"}, {Name: "WriteFile"}, {Name: "ExitProcess"}}}}
	img.Entry = &pewriter.Ref{Section: text}
	l, err := img.Layout()
	if err != nil {
		t.Fatal(err)
	}
	iat := func(f string) []byte { return le(0x400000 + l.IAT("KERNEL32.dll", f)) }
	written := le(0x400000 + data.RVA)
	var c []byte
	c = append(c, 0xFF, 0x15)
	c = append(c, iat("GetCommandLineA")...)    // call [GetCommandLineA]
	c = append(c, 0x89, 0xC6, 0x50, 0xFF, 0x15) // mov esi,eax; push eax; call [lstrlenA]
	c = append(c, iat("lstrlenA")...)
	c = append(c, 0x89, 0xC7, 0x6A, 0xF5, 0xFF, 0x15) // mov edi,eax; push -11; call [GetStdHandle]
	c = append(c, iat("GetStdHandle")...)
	c = append(c, 0x6A, 0x00, 0x68) // push 0; push written
	c = append(c, written...)
	c = append(c, 0x57, 0x56, 0x50, 0xFF, 0x15) // push edi; push esi; push eax; call [WriteFile]
	c = append(c, iat("WriteFile")...)
	c = append(c, 0x6A, 0x07, 0xFF, 0x15) // push 7; call [ExitProcess]
	c = append(c, iat("ExitProcess")...)
	copy(code, c)
	b, err := img.Build()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func le(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }

func run(t *testing.T, bin, dir string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func TestRun_CommandLineAndExitCode(t *testing.T) {
	bin := buildPeek32(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "echo.exe"), echoCmdline(t), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, bin, dir, "", "run", "echo.exe", "a b", `q"x`, `t\`, "")
	if code != 7 {
		t.Errorf("exit code %d, want 7 (stderr %q)", code, errs)
	}
	want := `C:\work\echo.exe "a b" "q\"x" t\ ""`
	if out != want {
		t.Errorf("command line %q, want %q", out, want)
	}
	if errs != "" {
		t.Errorf("unexpected stderr %q", errs)
	}
}

func TestRun_Errors(t *testing.T) {
	bin := buildPeek32(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "text.exe"), []byte("not a program"), 0o644)
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"run", "missing.exe"}, exitNoStart, "cannot read"},
		{[]string{"run", "text.exe"}, exitNoStart, "text.exe"},
		{[]string{"bogus"}, exitUsage, "unknown command"},
		{[]string{"run"}, exitUsage, "usage"},
	}
	for _, tt := range tests {
		_, errs, code := run(t, bin, dir, "", tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.msg) {
			t.Errorf("%v: code %d stderr %q; want %d and %q", tt.args, code, errs, tt.code, tt.msg)
		}
		if strings.Count(strings.TrimSpace(errs), "\n") > 3 {
			t.Errorf("%v: error is not short: %q", tt.args, errs)
		}
	}
}

func TestRun_MaxInstructions(t *testing.T) {
	bin := buildPeek32(t)
	dir := t.TempDir()
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole}
	img.Entry = &pewriter.Ref{Section: img.AddSection(".text", []byte{0xEB, 0xFE}, pewriter.Code)} // jmp $
	data, err := img.Build()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "spin.exe"), data, 0o644)
	_, errs, code := run(t, bin, dir, "", "run", "--max-instructions", "200000", "spin.exe")
	if code != exitBound || !strings.Contains(errs, "--max-instructions") {
		t.Errorf("code %d stderr %q", code, errs)
	}
}

func TestInspect(t *testing.T) {
	bin := buildPeek32(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "echo.exe"), echoCmdline(t), 0o644)
	out, errs, code := run(t, bin, dir, "", "inspect", "echo.exe")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	for _, want := range []string{"PE32", "\nSections\n", ".text", "KERNEL32.dll", "GetCommandLineA"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q", want)
		}
	}
}

// TestGuestProgramsCLI runs the committed guest programs through the built command, as the acceptance checks
// do: stdin from NAME.stdin, arguments from NAME.args, stdout compared byte for byte, exit code (low 8 bits).
func TestGuestProgramsCLI(t *testing.T) {
	guest := filepath.Join("..", "..", "testdata", "guest")
	codes, _ := filepath.Glob(filepath.Join(guest, "expected", "*.exitcode"))
	if len(codes) == 0 {
		t.Skip("no guest programs")
	}
	bin := buildPeek32(t)
	for _, name := range []string{"hello", "exitcode", "exitmain", "args", "stdin_echo", "files", "crash", "unimplemented"} {
		t.Run(name, func(t *testing.T) {
			exe, err := os.ReadFile(filepath.Join(guest, "bin", name+".exe"))
			if err != nil {
				t.Skip("not built")
			}
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, name+".exe"), exe, 0o644)
			var args []string
			if a, err := os.ReadFile(filepath.Join(guest, "expected", name+".args")); err == nil {
				args = strings.Split(strings.TrimSuffix(string(a), "\n"), "\n")
			}
			stdin, _ := os.ReadFile(filepath.Join(guest, "expected", name+".stdin"))
			wantOut, _ := os.ReadFile(filepath.Join(guest, "expected", name+".stdout"))
			cb, codeErr := os.ReadFile(filepath.Join(guest, "expected", name+".exitcode"))
			wantCode, _ := strconv.ParseUint(strings.TrimSpace(string(cb)), 10, 32)
			out, errs, code := run(t, bin, dir, string(stdin), append([]string{"run", name + ".exe"}, args...)...)
			if strings.Contains(errs, "is not implemented") && !strings.Contains(errs, "GetSystemPowerStatus") {
				t.Skipf("stopped at an unimplemented function: %s", strings.TrimSpace(errs))
			}
			if out != string(wantOut) {
				t.Errorf("stdout %q, want %q", out, wantOut)
			}
			if name == "unimplemented" && !strings.Contains(errs, "KERNEL32.dll!GetSystemPowerStatus is not implemented") {
				t.Errorf("stderr %q lacks the unimplemented-function message", errs)
			}
			if codeErr == nil && code != int(wantCode&0xFF) {
				t.Errorf("exit code %d, want %d (stderr %q)", code, wantCode&0xFF, errs)
			}
		})
	}
}
