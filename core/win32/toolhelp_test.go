package win32

import (
	"bytes"
	"os"
	"testing"
)

// TestToolhelp_Snapshot runs testdata/toolhelp.exe (MinGW): the snapshot lists the program with explorer.exe as
// its parent, its own thread, and its modules in load order.
func TestToolhelp_Snapshot(t *testing.T) {
	exe, err := os.ReadFile("testdata/toolhelp.exe")
	if err != nil {
		t.Fatal(err)
	}
	m := newMachine(t)
	var out bytes.Buffer
	p := m.run(t, exe, &out)
	want := "self: p.exe, 1 thread(s)\r\nparent: explorer.exe\r\nown thread listed: yes\r\n" +
		"module: p.exe\r\nmodule: ntdll.dll\r\nmodule: KERNEL32.dll\r\nmodule: MSVCRT.dll\r\nend: 18\r\n"
	if out.String() != want || p.ExitCode() != 0 {
		t.Errorf("exit %d, output\n%s\nwant\n%s", p.ExitCode(), out.String(), want)
	}
}

// TestConditionVariables runs testdata/condvar.exe: five items pass from a producer thread to the main thread
// through a condition variable, and an unwoken timed wait fails with ERROR_TIMEOUT.
func TestConditionVariables(t *testing.T) {
	exe, err := os.ReadFile("testdata/condvar.exe")
	if err != nil {
		t.Fatal(err)
	}
	m := newMachine(t)
	var out bytes.Buffer
	p := m.run(t, exe, &out)
	if want := "consumed 5, timed wait: 0, error 1460\r\n"; out.String() != want || p.ExitCode() != 0 {
		t.Errorf("exit %d, output %q, want %q", p.ExitCode(), out.String(), want)
	}
}
