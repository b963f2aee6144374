package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peek32/peek32/core"
	"github.com/peek32/peek32/core/vfs"
)

// mtInput is deterministic test data for the multithreaded compressor: blocks of pseudo-random bytes (an
// xorshift generator, incompressible) alternating with repetitive text (highly compressible), so that LZMA's
// match finder and the range coder both work, and several blocks exist for the threads to share.
func mtInput(size int) []byte {
	out := make([]byte, 0, size)
	x := uint32(0x2545F491)
	line := []byte("peek32 runs 7-Zip with four threads; every byte must come back unchanged.\n")
	for block := 0; len(out) < size; block++ {
		n := min(32<<10, size-len(out))
		if block%2 == 0 {
			for i := 0; i < n; i++ {
				x ^= x << 13
				x ^= x >> 17
				x ^= x << 5
				out = append(out, byte(x))
			}
		} else {
			for i := 0; i < n; i++ {
				out = append(out, line[(i+block)%len(line)])
			}
		}
	}
	return out
}

// TestRealPrograms_7zaMultithreaded runs 7za.exe `a -mmt=4` on 3 MiB of data through the facade, in process
// (so the instruction count and the threads it started are visible), and has Linux's 7z extract the archive:
// the bytes must be the same. 7-Zip's LZMA encoder with -mmt=4 starts a match-finder thread besides the
// coder, and 7za's progress/IO threads: a real program synchronizing with events, critical sections and
// semaphores under the deterministic scheduler.
func TestRealPrograms_7zaMultithreaded(t *testing.T) {
	exe := realProg(t, "7za.exe")
	sz, err := exec.LookPath("7z")
	if err != nil {
		t.Skip("no Linux 7z (p7zip-full) to check the archive")
	}
	dir := t.TempDir()
	data := mtInput(3 << 20)
	if err := os.WriteFile(filepath.Join(dir, "data.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	prog, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "7za.exe"), prog, 0o644); err != nil {
		t.Fatal(err)
	}
	files := vfs.NewFS()
	if err := files.Mount(guestCwd, dir); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	threads := map[uint32]bool{}
	m, err := core.NewMachine(core.Config{Stdout: &stdout, Stderr: &stderr, FS: files, DropEvents: true,
		MaxInstructions: 60_000_000_000, OnEvent: func(e core.Event) {
			if e.Kind == "thread-created" {
				threads[e.TID] = true
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	guestExe := guestCwd + `\7za.exe`
	if _, err := m.CreateProcess(core.CommandLine(guestExe, []string{"a", "-mmt=4", "t.7z", "data.bin"}),
		core.ProcessOptions{ImagePath: guestExe, CurrentDir: guestCwd}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var st core.RunState
	for {
		st = m.Run(100_000_000)
		if st.Status != "running" {
			break
		}
	}
	elapsed := time.Since(start)
	t.Logf("7za a -mmt=4 on %d bytes: %d instructions in %v (%.0f MIPS), %d threads", len(data), st.Total,
		elapsed.Round(time.Millisecond), float64(st.Total)/elapsed.Seconds()/1e6, len(threads))
	if st.Status != "exited" || st.ExitCode != 0 || !strings.Contains(stdout.String(), "Everything is Ok") {
		t.Fatalf("7za a -mmt=4: status %s (%s) code %d\nstdout %q\nstderr %q", st.Status, st.Message, st.ExitCode,
			stdout.String(), stderr.String())
	}
	if len(threads) < 3 {
		t.Errorf("7za -mmt=4 started %d threads; want the main thread and at least two workers", len(threads))
	}
	got, err := exec.Command(sz, "x", "-so", filepath.Join(dir, "t.7z"), "data.bin").Output()
	if err != nil {
		t.Fatalf("Linux 7z x: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("Linux 7z extracted %d bytes that differ from the %d compressed", len(got), len(data))
	}
}
