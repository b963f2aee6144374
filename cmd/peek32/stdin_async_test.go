package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peek32/peek32/loader/pewriter"
)

// readerAndTalker is a tiny exe with two threads. The reader thread writes "reading\n", reads standard input
// (up to 64 bytes), echoes what it read and ends the process with 9. The main thread starts the reader, sleeps
// 100 ms, writes "main\n", waits for the reader thread and ends the process with 3 (it never gets there when
// the reader exits first).
func readerAndTalker(t *testing.T) []byte {
	t.Helper()
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole}
	code := make([]byte, 256)
	text := img.AddSection(".text", code, pewriter.Code)
	data := make([]byte, 256)
	copy(data[0:], "reading\n")
	copy(data[16:], "main\n")
	dsec := img.AddSection(".data", data, pewriter.Data)
	img.Imports = []pewriter.Import{{DLL: "KERNEL32.dll", Funcs: []pewriter.ImportFunc{
		{Name: "CreateThread"}, {Name: "Sleep"}, {Name: "GetStdHandle"}, {Name: "WriteFile"}, {Name: "ReadFile"},
		{Name: "WaitForSingleObject"}, {Name: "ExitProcess"}}}}
	img.Entry = &pewriter.Ref{Section: text}
	l, err := img.Layout()
	if err != nil {
		t.Fatal(err)
	}
	const base = 0x400000
	call := func(f string) []byte { return append([]byte{0xFF, 0x15}, le(base+l.IAT("KERNEL32.dll", f))...) }
	push := func(v uint32) []byte { return append([]byte{0x68}, le(v)...) }
	d := func(off uint32) uint32 { return base + dsec.RVA + off }
	msgReading, msgMain, written, tid, got, buf := d(0), d(16), d(32), d(36), d(40), d(64)
	const readerAt = 128 // the reader thread's code, at this offset of .text

	var m []byte // main thread
	m = append(m, push(tid)...)
	m = append(m, 0x6A, 0x00, 0x6A, 0x00) // push 0 (flags); push 0 (parameter)
	m = append(m, push(base+text.RVA+readerAt)...)
	m = append(m, 0x6A, 0x00, 0x6A, 0x00) // push 0 (stack size); push 0 (attributes)
	m = append(m, call("CreateThread")...)
	m = append(m, 0x89, 0xC6)       // mov esi,eax (the thread's handle)
	m = append(m, 0x6A, 0x64)       // push 100
	m = append(m, call("Sleep")...) //
	m = append(m, 0x6A, 0xF5)       // push -11 (STD_OUTPUT_HANDLE)
	m = append(m, call("GetStdHandle")...)
	m = append(m, 0x6A, 0x00)
	m = append(m, push(written)...)
	m = append(m, 0x6A, 0x05)
	m = append(m, push(msgMain)...)
	m = append(m, 0x50) // push eax
	m = append(m, call("WriteFile")...)
	m = append(m, 0x6A, 0xFF, 0x56) // push INFINITE; push esi
	m = append(m, call("WaitForSingleObject")...)
	m = append(m, 0x6A, 0x03)
	m = append(m, call("ExitProcess")...)

	var r []byte // reader thread
	r = append(r, 0x6A, 0xF5)
	r = append(r, call("GetStdHandle")...)
	r = append(r, 0x89, 0xC3) // mov ebx,eax
	r = append(r, 0x6A, 0x00)
	r = append(r, push(written)...)
	r = append(r, 0x6A, 0x08)
	r = append(r, push(msgReading)...)
	r = append(r, 0x53) // push ebx
	r = append(r, call("WriteFile")...)
	r = append(r, 0x6A, 0xF6) // push -10 (STD_INPUT_HANDLE)
	r = append(r, call("GetStdHandle")...)
	r = append(r, 0x6A, 0x00)
	r = append(r, push(got)...)
	r = append(r, 0x6A, 0x40)
	r = append(r, push(buf)...)
	r = append(r, 0x50)
	r = append(r, call("ReadFile")...)
	r = append(r, 0xA1) // mov eax,[got]
	r = append(r, le(got)...)
	r = append(r, 0x6A, 0x00)
	r = append(r, push(written)...)
	r = append(r, 0x50)
	r = append(r, push(buf)...)
	r = append(r, 0x53)
	r = append(r, call("WriteFile")...)
	r = append(r, 0x6A, 0x09)
	r = append(r, call("ExitProcess")...)

	if len(m) > readerAt || readerAt+len(r) > len(code) {
		t.Fatalf("code does not fit: main %d bytes, reader %d", len(m), len(r))
	}
	copy(code, m)
	copy(code[readerAt:], r)
	b, err := img.Build()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRun_StdinDoesNotStopOtherThreads: a thread blocked reading standard input blocks only itself, as on
// Windows. peek32's standard input is a pipe that stays open and empty, yet the main thread runs and prints;
// input written afterwards wakes the reader, which echoes it and ends the process. --timeout is only a safety
// net (had the read stopped the machine, the run would end with its exit code 124 and no "main").
func TestRun_StdinDoesNotStopOtherThreads(t *testing.T) {
	bin := buildPeek32(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rt.exe"), readerAndTalker(t), 0o644); err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	cmd := exec.Command(bin, "run", "--timeout", "30s", "rt.exe")
	cmd.Dir = dir
	cmd.Stdin = pr
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close() // the child has its copy

	// The lines come while standard input is open and empty.
	lines := make(chan string)
	go func() {
		defer close(lines)
		br := bufio.NewReader(out)
		for {
			s, err := br.ReadString('\n')
			if s != "" {
				lines <- s
			}
			if err != nil {
				return
			}
		}
	}()
	var got []string
	for len(got) < 2 {
		select {
		case s, ok := <-lines:
			if !ok {
				_ = cmd.Wait()
				t.Fatalf("output ended after %q without any input given; stderr %q", got, stderr.String())
			}
			got = append(got, s)
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("after 20 s with standard input open and empty, the output is %q; want \"reading\\n\", \"main\\n\"", got)
		}
	}
	if got[0] != "reading\n" || got[1] != "main\n" {
		t.Errorf("output before any input %q; want \"reading\\n\", \"main\\n\"", got)
	}

	// Input now wakes the reader, which echoes it and ends the process with 9.
	if _, err := io.WriteString(pw, "go\n"); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	for s := range lines {
		rest.WriteString(s)
	}
	err = cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if rest.String() != "go\n" || code != 9 {
		t.Errorf("after the input: output %q, exit code %d (stderr %q); want \"go\\n\" and 9", rest.String(), code,
			stderr.String())
	}
}

// TestRun_StdinFromFileIsDeterministic: with standard input redirected from a regular file, a multithreaded
// program's run does not depend on host timing: the same file gives the same output and the same trace.
func TestRun_StdinFromFileIsDeterministic(t *testing.T) {
	bin := buildPeek32(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rt.exe"), readerAndTalker(t), 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte("go\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var outs, traces []string
	for i := range 3 {
		f, err := os.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		trace := filepath.Join(dir, "trace"+string(rune('0'+i))+".jsonl")
		cmd := exec.Command(bin, "run", "--timeout", "30s", "--trace", trace, "rt.exe")
		cmd.Dir, cmd.Stdin = dir, f
		out, err := cmd.Output()
		f.Close()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 9 {
			t.Fatalf("run %d: %v (want exit code 9); output %q", i, err, out)
		}
		tr, err := os.ReadFile(trace)
		if err != nil {
			t.Fatal(err)
		}
		outs, traces = append(outs, string(out)), append(traces, string(tr))
	}
	for i := 1; i < len(outs); i++ {
		if outs[i] != outs[0] || traces[i] != traces[0] {
			t.Errorf("run %d differs from run 0: output %q vs %q (traces equal: %v)", i, outs[i], outs[0], traces[i] == traces[0])
		}
	}
	if !strings.Contains(outs[0], "go\n") {
		t.Errorf("output %q lacks the echoed input", outs[0])
	}
}
