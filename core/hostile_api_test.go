package core

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/peek32/peek32/core/win32"
	"github.com/peek32/peek32/loader/pewriter"
)

// hostileArgs are the argument patterns every built-in export is called with: NULL, -1, a low bad pointer, a
// kernel-half pointer, a pointer to a page of 'A's with no terminator (the page after it is free), and a mix of
// those with huge lengths. D stands for that page's address.
var hostileArgs = [][8]uint32{
	{},
	{^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0)},
	{0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10},
	{0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000},
	{hostileD, hostileD, hostileD, hostileD, hostileD, hostileD, hostileD, hostileD},
	{hostileD, 0x7FFFFFFF, hostileD, ^uint32(0), hostileD + 0xFF8, 0x10, 0, 0x7FFFFFFF},
	{hostileD + 0xFFC, 0xFFFFFFF0, 0x7FFFFFFF, hostileD, 0x40000000, hostileD, ^uint32(0), 0},
}

// hostileD is the data page of the sweep's programs (ImageBase 0x400000, .text at 0x1000, .data at 0x2000).
const hostileD = 0x402000

// sweepProgram builds an exe that calls dll!name once with args (8 dwords pushed; ESP restored after, whatever
// the convention), then ExitProcess(0).
func sweepProgram(dll, name string, args [8]uint32) ([]byte, error) {
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole, StackReserve: 0x40000, StackCommit: 0x4000}
	text := img.AddSection(".text", make([]byte, 0x100), pewriter.Code)
	data := img.AddSection(".data", bytes.Repeat([]byte{'A'}, 0x1000), pewriter.Data)
	imports := []pewriter.Import{{DLL: "KERNEL32.dll", Funcs: []pewriter.ImportFunc{{Name: "ExitProcess"}}}}
	if strings.EqualFold(dll, "KERNEL32.dll") {
		if name != "ExitProcess" {
			imports[0].Funcs = append(imports[0].Funcs, pewriter.ImportFunc{Name: name})
		}
	} else {
		imports = append(imports, pewriter.Import{DLL: dll, Funcs: []pewriter.ImportFunc{{Name: name}}})
	}
	img.Imports = imports
	img.Entry = &pewriter.Ref{Section: text}
	l, err := img.Layout()
	if err != nil {
		return nil, err
	}
	if data.RVA != hostileD-0x400000 {
		return nil, fmt.Errorf(".data at %#x", data.RVA)
	}
	le := binary.LittleEndian
	c := []byte{0x89, 0xE6} // mov esi, esp
	for i := 7; i >= 0; i-- {
		c = le.AppendUint32(append(c, 0x68), args[i]) // push args[i]
	}
	c = le.AppendUint32(append(c, 0xFF, 0x15), 0x400000+l.IAT(dll, name)) // call [dll!name]
	c = append(c, 0x89, 0xF4, 0x6A, 0x00, 0xFF, 0x15)                     // mov esp, esi; push 0; call [ExitProcess]
	c = le.AppendUint32(c, 0x400000+l.IAT("KERNEL32.dll", "ExitProcess"))
	copy(text.Data, c)
	return img.Build()
}

// TestHostile_EveryExport calls every export of every built-in DLL that has a handler with each of hostileArgs,
// one process per call in a shared machine (a fresh one after a failure). Whatever the call does — fail, fault,
// block forever, end the process, call garbage back — the emulator must not fail ("error"), and each process
// must end or be ended within a small budget and host time.
func TestHostile_EveryExport(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps thousands of calls")
	}
	var out bytes.Buffer
	newMachine := func() *Machine {
		out.Reset()
		m, err := NewMachine(Config{CommitLimit: 256 << 20, Stdin: bytes.NewReader(nil), Stdout: &out, Stderr: &out,
			DropEvents: true})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := newMachine()
	calls, failures := 0, 0
	for _, d := range win32.Builtins() {
		for _, row := range d.Rows() {
			if row.Handler == nil || row.Name == "" {
				continue
			}
			for pi, args := range hostileArgs {
				exe, err := sweepProgram(d.ModName, row.Name, args)
				if err != nil {
					t.Fatalf("%s!%s: %v", d.ModName, row.Name, err)
				}
				if err := m.AddFile(`C:\sweep\s.exe`, exe); err != nil {
					t.Fatal(err)
				}
				if _, err := m.CreateProcess(`C:\sweep\s.exe`, ProcessOptions{CurrentDir: `C:\sweep`}); err != nil {
					t.Errorf("%s!%s pattern %d: CreateProcess: %v", d.ModName, row.Name, pi, err)
					m = newMachine()
					failures++
					continue
				}
				calls++
				start := time.Now()
				st := m.Run(2_000_000)
				if st.Status == "running" || st.Status == "idle" || st.Status == "deadlock" {
					m.EndAll(1)
					st = m.Run(1_000_000)
				}
				if took := time.Since(start); took > 10*time.Second {
					t.Errorf("%s!%s pattern %d: took %v", d.ModName, row.Name, pi, took)
				}
				if st.Status == "error" {
					t.Errorf("%s!%s pattern %d: %s", d.ModName, row.Name, pi, firstLineOf(st.Message))
					failures++
					m = newMachine()
					continue
				}
				if st.Status != "exited" {
					t.Errorf("%s!%s pattern %d: status %s after EndAll (%s)", d.ModName, row.Name, pi, st.Status, st.Message)
					m = newMachine()
				}
				if out.Len() > 1<<20 {
					out.Reset()
				}
				if failures > 40 {
					t.Fatal("too many failures")
				}
			}
		}
	}
	t.Logf("%d calls", calls)
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// TestHostile_ImagesReleased: a machine that runs many different programs one after another keeps no commit
// charge for the images once their processes have ended (the kernel's image prototypes are released with their
// last process), so a guest cannot fill the commit limit by starting ever new images.
func TestHostile_ImagesReleased(t *testing.T) {
	m, err := NewMachine(Config{Stdin: bytes.NewReader(nil), Stdout: &bytes.Buffer{}, DropEvents: true})
	if err != nil {
		t.Fatal(err)
	}
	var baseline uint64
	for i := range 40 {
		exe, err := sweepProgram("KERNEL32.dll", "Sleep", [8]uint32{uint32(i)}) // a different image each time
		if err != nil {
			t.Fatal(err)
		}
		if err := m.AddFile(`C:\img\p.exe`, exe); err != nil {
			t.Fatal(err)
		}
		if _, err := m.CreateProcess(`C:\img\p.exe`, ProcessOptions{}); err != nil {
			t.Fatal(err)
		}
		if st := m.Run(10_000_000); st.Status != "exited" {
			t.Fatalf("run %d: %s %s", i, st.Status, st.Message)
		}
		if i == 0 {
			baseline = m.mem.Committed()
		}
	}
	if got := m.mem.Committed(); got != baseline {
		t.Errorf("committed %d KiB after 40 programs, %d KiB after the first", got>>10, baseline>>10)
	}
}
