package win32

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/loader/pewriter"
)

// TestHandlers_HostileArguments calls every handler of every built-in DLL directly, many times, with
// arguments drawn from the values that break careless code (NULL, -1, huge sizes, pointers into unmapped,
// read-only and kernel memory, valid buffers), and requires that none panics: guest input is data.
func TestHandlers_HostileArguments(t *testing.T) {
	exe := prog{
		imports: []pewriter.Import{k32("ExitProcess")},
		data:    make([]byte, 4096),
		gen:     func(func(string, string) uint32, uint32) []byte { return []byte{0xEB, 0xFE} },
	}.build(t)
	m := newMachine(t)
	m.s.SetTrace(false)
	var proc *kernel.Process
	var th *kernel.Thread
	var buf uint32
	spawn := func() {
		var out bytes.Buffer
		std := m.s.Stdio(strings.NewReader("input line\n"), &out, &out)
		res, err := m.k.CreateProcess(kernel.CreateParams{Image: exe, ImagePath: `C:\t\p.exe`, CommandLine: "p.exe a b", Std: std})
		for _, o := range std {
			o.Header().Unref()
		}
		if err != nil {
			t.Fatal(err)
		}
		// Load the other DLLs so their exports are mapped too.
		for _, d := range Builtins() {
			if _, err := m.s.LoadLibrary(res.Process, d.Name); err != nil {
				t.Fatalf("load %s: %v", d.Name, err)
			}
		}
		proc, th = res.Process, res.Thread
		h := State(proc).Heap
		buf, _ = h.Alloc(0x10000, true)
	}
	spawn()
	rng := rand.New(rand.NewSource(1))
	values := func() uint32 {
		switch rng.Intn(12) {
		case 0:
			return 0
		case 1:
			return 0xFFFFFFFF
		case 2:
			return 0x7FFFFFFF
		case 3:
			return uint32(rng.Intn(16))
		case 4:
			return 0x80000000 + uint32(rng.Intn(1<<20)) // kernel half
		case 5:
			return 0x00001000 // NULL page
		case 6:
			return proc.Image.Base // read-only headers
		case 7:
			return 0xFFFFFFF5 // STD_OUTPUT_HANDLE
		case 8:
			return uint32(4 * rng.Intn(8)) // plausible handles
		default:
			return buf + uint32(rng.Intn(0x8000)) // a valid buffer
		}
	}
	calls := 0
	for _, d := range Builtins() {
		if _, err := d.Image(); err != nil {
			t.Fatal(err)
		}
		for _, e := range d.funcs {
			if e.Handler == nil {
				continue
			}
			for i := 0; i < 8; i++ {
				if proc.Exited() || th.State() == kernel.ThreadTerminated {
					spawn()
				}
				mod := proc.FindModule(d.Name)
				if mod == nil {
					t.Fatalf("%s not loaded", d.Name)
				}
				addr, _ := m.s.resolveIn(proc, mod, e.Name, 0, false, false)
				// A fresh frame: return address, then 10 argument dwords; a fresh string in the buffer.
				esp := th.StackBase - 0x400
				th.CPU.Regs[cpu.ESP] = esp
				th.CPU.EIP = addr
				proc.Space.Write32(esp, 0x401000)
				for j := uint32(1); j <= 10; j++ {
					proc.Space.Write32(esp+4*j, values())
				}
				proc.Space.WriteBytes(buf, []byte("C:\\t\\x.txt\x00\x00\x00"), 0x2)
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("%s!%s panicked: %v", d.Name, e.Name, r)
						}
					}()
					m.s.Dispatch(th, addr)
				}()
				calls++
				// Undo a wait so the next call starts clean.
				if th.State() == kernel.ThreadWaiting {
					th.Suspend()
					th.Resume()
					m.k.TerminateProcess(proc, 1)
				}
			}
		}
	}
	if calls < 1000 {
		t.Errorf("only %d calls", calls)
	}
}
