package win32

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/loader/pewriter"
	"github.com/peek32/peek32/mm"
)

// countWriter counts the bytes written to it, without allocating.
type countWriter struct{ n int }

func (w *countWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// TestAPICallAllocs runs guest loops of common API calls through the real path (thunk stop, kernel, Dispatch,
// handler, return) and asserts what they allocate once warm: nothing for GetLastError, GetTickCount,
// HeapAlloc/HeapFree on the process heap and EnterCriticalSection/LeaveCriticalSection, and for WriteFile to the
// console only the text of its "console" event (the page shows it), which a Go string must copy.
func TestAPICallAllocs(t *testing.T) {
	msg := []byte("x\n")
	type apiCase struct {
		name    string
		body    func(k func(string) []byte, cs, written, text uint32) []byte
		perCall float64 // allocations per loop iteration
	}
	cases := []apiCase{
		{"GetLastError", func(k func(string) []byte, _, _, _ uint32) []byte { return k("GetLastError") }, 0},
		{"GetTickCount", func(k func(string) []byte, _, _, _ uint32) []byte { return k("GetTickCount") }, 0},
		{"HeapAlloc+HeapFree", func(k func(string) []byte, _, _, _ uint32) []byte {
			return cat(
				[]byte{0x6A, 0x10, 0x6A, 0x00, 0x57}, k("HeapAlloc"), // HeapAlloc(edi, 0, 16)
				[]byte{0x50, 0x6A, 0x00, 0x57}, k("HeapFree"), // HeapFree(edi, 0, eax)
			)
		}, 0},
		{"EnterCriticalSection+LeaveCriticalSection", func(k func(string) []byte, cs, _, _ uint32) []byte {
			return cat(pushImm(cs), k("EnterCriticalSection"), pushImm(cs), k("LeaveCriticalSection"))
		}, 0},
		{"WriteFile(console)", func(k func(string) []byte, _, written, text uint32) []byte {
			return cat([]byte{0x6A, 0x00}, pushImm(written), []byte{0x6A, byte(len(msg))}, pushImm(text), []byte{0x56}, // push esi
				k("WriteFile"))
		}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var counter uint32
			exe := prog{
				imports: []pewriter.Import{k32("GetStdHandle", "GetProcessHeap", "InitializeCriticalSection", "GetLastError",
					"GetTickCount", "WriteFile", "HeapAlloc", "HeapFree", "EnterCriticalSection", "LeaveCriticalSection")},
				data: append(make([]byte, 40), msg...),
				gen: func(iat func(string, string) uint32, data uint32) []byte {
					k := func(fn string) []byte { return callMem(iat("KERNEL32.dll", fn)) }
					cs, written, text := data, data+32, data+40
					counter = data + 36
					loop := cat(tc.body(k, cs, written, text), []byte{0xFF, 0x05}, le(counter)) // inc dword [counter]
					return cat(
						[]byte{0x6A, 0xF5}, k("GetStdHandle"), []byte{0x89, 0xC6}, // mov esi, eax
						k("GetProcessHeap"), []byte{0x89, 0xC7}, // mov edi, eax
						pushImm(cs), k("InitializeCriticalSection"),
						loop,
						[]byte{0xE9}, le(uint32(-int32(len(loop)+5))), // jmp loop
					)
				},
			}.build(t)
			// The host's configuration: trace off, an event sink (which keeps nothing here).
			s := New(Config{})
			k := kernel.New(kernel.Config{Mem: mm.NewMachine(64 << 20), System: s, Emit: func(kernel.Event) {}})
			s.Attach(k)
			if _, err := k.Boot(); err != nil {
				t.Fatal(err)
			}
			var out countWriter
			std := s.Stdio(strings.NewReader(""), &out, &out)
			res, err := k.CreateProcess(kernel.CreateParams{Image: exe, ImagePath: `C:\t\a.exe`, Std: std})
			for _, o := range std {
				o.Header().Unref()
			}
			if err != nil {
				t.Fatal(err)
			}
			p := res.Process
			defer k.TerminateProcess(p, 0)
			const budget, runs = 4000, 50
			run := func() {
				if r := k.Run(budget); r.Status != kernel.RunBudget {
					t.Fatalf("status %v", r.Status)
				}
			}
			run() // start-up and the first call of each API (lazy per-process state)
			before, _ := p.Space.Read32(counter)
			allocs := testing.AllocsPerRun(runs, run) * runs
			after, _ := p.Space.Read32(counter)
			iters := float64(after-before) * runs / (runs + 1) // AllocsPerRun runs once more to warm up
			if iters < 100 {
				t.Fatalf("only %v loop iterations per %d runs", iters, runs)
			}
			if per := allocs / iters; per > tc.perCall {
				t.Errorf("%.3f allocations per call, want <= %v (%v in %v iterations)", per, tc.perCall, allocs, iters)
			}
			if p.Exited() {
				t.Errorf("process exited with 0x%X", p.ExitCode())
			}
		})
	}
}

// TestCallGuestKeepsCall checks the reuse rule of Dispatch (Call's lifetime): qsort's comparator makes API calls
// of its own (SetLastError, GetTickCount) while qsort's Call is held by its continuation, so those calls must
// not reuse it; qsort then completes, sorted, and returns to its caller with the stack intact.
func TestCallGuestKeepsCall(t *testing.T) {
	vals := []uint32{7, 3, 9, 1, 8, 2, 6, 5, 4, 0}
	data := make([]byte, 4*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint32(data[4*i:], v)
	}
	exe := prog{
		imports: []pewriter.Import{k32("GetStdHandle", "WriteFile", "SetLastError", "GetTickCount", "GetLastError",
			"ExitProcess"), crtImport("qsort")},
		data: data,
		gen: func(iat func(string, string) uint32, d uint32) []byte {
			k := func(fn string) []byte { return callMem(iat("KERNEL32.dll", fn)) }
			cmp := cat(
				pushImm(0x2A), k("SetLastError"), k("GetTickCount"),
				[]byte{0x8B, 0x44, 0x24, 0x04, 0x8B, 0x00}, // mov eax, [esp+4]; mov eax, [eax]
				[]byte{0x8B, 0x4C, 0x24, 0x08, 0x8B, 0x09}, // mov ecx, [esp+8]; mov ecx, [ecx]
				[]byte{0x29, 0xC8, 0xC3},                   // sub eax, ecx; ret
			)
			written := d + uint32(len(data))
			var main []byte
			for range 2 {
				// The comparator's address is found from EIP: call next; pop eax; add eax, cmp-next.
				main = cat(
					[]byte{0x89, 0xE5},                                            // mov ebp, esp
					[]byte{0xE8, 0, 0, 0, 0, 0x58, 0x05}, le(uint32(len(main)-7)), // (len(main) is the full length on the second pass)
					[]byte{0x50, 0x6A, 0x04, 0x6A, byte(len(vals))}, pushImm(d), callMem(iat("msvcrt.dll", "qsort")),
					[]byte{0x83, 0xC4, 0x10},                                // add esp, 16
					[]byte{0x39, 0xE5, 0x75, 0xFE},                          // cmp ebp, esp; jne $ (hangs: the stack was not restored)
					k("GetLastError"), []byte{0x83, 0xF8, 0x2A, 0x75, 0xFE}, // cmp eax, 42; jne $
					[]byte{0x6A, 0xF5}, k("GetStdHandle"),
					[]byte{0x6A, 0x00}, pushImm(written), pushImm(uint32(len(data))), pushImm(d), []byte{0x50},
					k("WriteFile"),
					[]byte{0x6A, 0x00}, k("ExitProcess"),
				)
			}
			return cat(main, cmp)
		},
	}.build(t)
	m := newMachine(t)
	m.s.SetTrace(false)
	var out bytes.Buffer
	m.run(t, exe, &out)
	got := out.Bytes()
	if len(got) != len(data) {
		t.Fatalf("output %d bytes, want %d", len(got), len(data))
	}
	for i := range vals {
		if v := binary.LittleEndian.Uint32(got[4*i:]); v != uint32(i) {
			t.Fatalf("element %d is %d after qsort: % X", i, v, got)
		}
	}
}
