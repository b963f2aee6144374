package main

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRun_HostileBounds runs the hostile guest programs (testdata/guest/hostile) through the built command and
// checks what a user sees: peek32's exit code, the one stderr line, the host time, and the host memory (the
// child's peak RSS) for the bombs, which the machine's limits must stop.
func TestRun_HostileBounds(t *testing.T) {
	bin := buildPeek32(t)
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "guest", "hostile", "bin"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		args    []string
		code    int
		stderr  string // the stderr line must contain this ("" = stderr empty)
		stdout  string // stdout must contain this
		maxTime time.Duration
		maxRSS  int64 // KiB (0: not checked)
	}{
		{name: "spin max-instructions", args: []string{"--max-instructions", "20000000", "hostile.exe", "spin"},
			code: exitBound, stderr: "peek32: the program was stopped after --max-instructions 20000000", maxTime: 20 * time.Second},
		{name: "spin timeout", args: []string{"--timeout", "1s", "hostile.exe", "spin"},
			code: exitBound, stderr: "peek32: the program was stopped after --timeout 1s", maxTime: 20 * time.Second},
		{name: "recurse", args: []string{"hostile.exe", "recurse"},
			code: 0xFD, stderr: "crashed: unhandled exception 0xC00000FD STATUS_STACK_OVERFLOW", maxTime: 20 * time.Second},
		{name: "exec-null", args: []string{"hostile.exe", "exec-null"},
			code: 0x05, stdout: "exception c0000005 flags=0 params=2 info0=00000008 info1=00000000", maxTime: 20 * time.Second},
		{name: "unimpl", args: []string{"unimpl.exe"},
			code: 0x39, stderr: "GetSystemPowerStatus is not implemented", stdout: "before", maxTime: 20 * time.Second},
		{name: "handles", args: []string{"hostile.exe", "handles"},
			stdout: "createevent failed after >0 handles: 1 err=8", maxTime: 20 * time.Second, maxRSS: 256 << 10},
		{name: "procs", args: []string{"hostile.exe", "procs"},
			stdout: "createprocess failed after >0 children: 1 bounded: 1 err=8", maxTime: 30 * time.Second, maxRSS: 768 << 10},
		{name: "threads", args: []string{"hostile.exe", "threads"},
			stdout: "createthread failed after >0 threads: 1 bounded: 1 err=8", maxTime: 20 * time.Second, maxRSS: 256 << 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, append([]string{"run"}, tc.args...)...)
			cmd.Dir = dir
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			took := time.Since(start)
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tc.code, stderr.String())
			}
			if tc.stderr == "" {
				if stderr.Len() != 0 {
					t.Errorf("stderr %q, want nothing", stderr.String())
				}
			} else if lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n"); len(lines) != 1 ||
				!strings.HasPrefix(lines[0], "peek32: ") || !strings.Contains(lines[0], tc.stderr) {
				t.Errorf("stderr %q, want one line with %q", stderr.String(), tc.stderr)
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q, want %q", stdout.String(), tc.stdout)
			}
			if took > tc.maxTime {
				t.Errorf("took %v, want at most %v", took, tc.maxTime)
			}
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && tc.maxRSS > 0 && ru.Maxrss > tc.maxRSS {
				t.Errorf("peak RSS %d MiB, want at most %d MiB", ru.Maxrss>>10, tc.maxRSS>>10)
			}
		})
	}
}
