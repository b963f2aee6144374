package core

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// hostileDir holds the hostile guest programs (testdata/guest/hostile: README.md, build.sh).
var hostileDir = filepath.Join("..", "testdata", "guest", "hostile")

var updateHostile = flag.Bool("update-hostile", false, "rewrite testdata/guest/hostile/expected from this run")

// hostileRun is the outcome of one hostile program run through the facade.
type hostileRun struct {
	st     RunState
	stdout []byte
	events []Event
	grew   int64 // host heap growth (bytes) while the machine ran, measured with the machine still alive
}

// runHostile runs bin/exe with args in a fresh machine with the given commit limit and instruction bound.
func runHostile(t *testing.T, exe string, args []string, commit, maxInstr uint64) hostileRun {
	t.Helper()
	var r hostileRun
	var stdout bytes.Buffer
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, err := NewMachine(Config{CommitLimit: commit, MaxInstructions: maxInstr, Stdin: bytes.NewReader(nil),
		Stdout: &stdout, Stderr: &stdout, DropEvents: true, OnEvent: func(e Event) {
			if e.Kind != "api" && e.Kind != "console" {
				r.events = append(r.events, e)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"hostile.exe", "unimpl.exe"} {
		b, err := os.ReadFile(filepath.Join(hostileDir, "bin", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := m.AddFile(`C:\hostile\`+name, b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.CreateProcess(CommandLine(`C:\hostile\`+exe, args), ProcessOptions{CurrentDir: `C:\hostile`}); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		r.st = m.Run(50_000_000)
		if r.st.Status != "running" {
			break
		}
		if i > 400 {
			t.Fatalf("still running after %d instructions", r.st.Total)
		}
	}
	runtime.GC() // the machine stays reachable (KeepAlive below): what remains is its memory, not garbage
	runtime.ReadMemStats(&after)
	r.grew = int64(after.HeapAlloc) - int64(before.HeapAlloc)
	runtime.KeepAlive(m)
	r.stdout = stdout.Bytes()
	for _, e := range r.events {
		if e.Kind == "error" && e.PID != 0 {
			t.Errorf("error event: %s", e.Text)
		}
	}
	if r.st.Status == "error" {
		t.Fatalf("emulator failure: %s", r.st.Message)
	}
	return r
}

func (r hostileRun) has(kind string, code uint32) bool {
	for _, e := range r.events {
		if e.Kind == kind && (code == 0 || e.Code != nil && *e.Code == code) {
			return true
		}
	}
	return false
}

// TestHostilePrograms runs every mode of hostile.exe (and unimpl.exe) and checks standard output byte for byte
// against expected/MODE.stdout, the exit code, the events (first-chance exception, crash, unimplemented), that no
// emulator error happened, and that the host heap stayed within a generous bound of the machine's commit limit.
func TestHostilePrograms(t *testing.T) {
	const mib = 1 << 20
	cases := []struct {
		mode   string
		exe    string
		commit uint64 // machine commit limit (0: the default 1 GiB)
		code   uint32
		event  string // an event kind the run must have had, with code
		ecode  uint32
	}{
		{mode: "vbomb", commit: 96 * mib},
		{mode: "hbomb", commit: 96 * mib, code: 0xC0000017, event: "exception", ecode: 0xC0000017},
		{mode: "mbomb", commit: 96 * mib},
		{mode: "recurse", code: 0xC00000FD, event: "crash", ecode: 0xC00000FD},
		{mode: "threads", commit: 96 * mib},
		{mode: "smallthreads", commit: 64 * mib},
		{mode: "procs", commit: 96 * mib},
		{mode: "handles"},
		{mode: "exec-null", code: 0xC0000005, event: "exception", ecode: 0xC0000005},
		{mode: "exec-garbage", code: 0xC0000005, event: "exception", ecode: 0xC0000005},
		{mode: "exec-data", code: 0xC0000005, event: "exception", ecode: 0xC0000005},
		{mode: "exec-kernel", code: 0xC0000005, event: "exception", ecode: 0xC0000005},
		{mode: "exec-readnull", code: 0xC0000005, event: "exception", ecode: 0xC0000005},
		{mode: "exec-writekernel", code: 0xC0000005, event: "exception", ecode: 0xC0000005},
		{mode: "exec-ud2", code: 0xC000001D, event: "exception", ecode: 0xC000001D},
		{mode: "exec-priv", code: 0xC0000096, event: "exception", ecode: 0xC0000096},
		{mode: "exec-div0", code: 0xC0000094, event: "exception", ecode: 0xC0000094},
		{mode: "smc", code: 0xC0000005, event: "exception", ecode: 0xC0000005},
		{mode: "badio"},
		{mode: "badargs"},
		{mode: "unimpl", exe: "unimpl.exe", code: 0xC0000139, event: "unimplemented"},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			exe, args := "hostile.exe", []string{tc.mode}
			if tc.exe != "" {
				exe, args = tc.exe, nil
			}
			commit := tc.commit
			if commit == 0 {
				commit = 1 << 30
			}
			r := runHostile(t, exe, args, commit, 2_000_000_000)
			if r.st.Status != "exited" {
				t.Fatalf("status %s (%s), want exited", r.st.Status, r.st.Message)
			}
			if r.st.ExitCode != tc.code {
				t.Errorf("exit code %#x, want %#x; stdout %q", r.st.ExitCode, tc.code, r.stdout)
			}
			if tc.event != "" && !r.has(tc.event, tc.ecode) {
				t.Errorf("no %s event with code %#x", tc.event, tc.ecode)
			}
			// The machine's memory is its commit charge plus its bookkeeping; a guest must not get more.
			if bound := int64(commit) + 64*mib; r.grew > bound {
				t.Errorf("the host heap grew by %d MiB (commit limit %d MiB)", r.grew/mib, commit/mib)
			}
			path := filepath.Join(hostileDir, "expected", tc.mode+".stdout")
			if *updateHostile {
				if err := os.WriteFile(path, r.stdout, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(r.stdout, want) {
				t.Errorf("stdout differs\n got %q\nwant %q", r.stdout, want)
			}
		})
	}
}

// TestHostile_EndlessLoop: a loop without API calls is ended by MaxInstructions with "limit" and every process
// ends with STATUS_TIMEOUT.
func TestHostile_EndlessLoop(t *testing.T) {
	r := runHostile(t, "hostile.exe", []string{"spin"}, 0, 5_000_000)
	if r.st.Status != "limit" || !strings.Contains(r.st.Message, "instruction limit") {
		t.Fatalf("status %s (%s), want limit", r.st.Status, r.st.Message)
	}
	if !r.has("process-exited", 0x102) {
		t.Error("no process-exited event with STATUS_TIMEOUT")
	}
}

// TestHostile_ThreadsBounded: the thread bomb stops at the user address space (each thread reserves its stack
// as on Windows) with ERROR_NOT_ENOUGH_MEMORY, after a bounded number of threads.
func TestHostile_ThreadsBounded(t *testing.T) {
	r := runHostile(t, "hostile.exe", []string{"threads"}, 96<<20, 2_000_000_000)
	n := 0
	for _, e := range r.events {
		if e.Kind == "thread-created" {
			n++
		}
	}
	if n < 100 || n > 4096 {
		t.Errorf("%d threads created, want between 100 and 4096", n)
	}
	if !strings.Contains(string(r.stdout), "err="+strconv.Itoa(8)) {
		t.Errorf("stdout %q: want ERROR_NOT_ENOUGH_MEMORY", r.stdout)
	}
}
