package win32

import (
	"bytes"
	"strings"
	"testing"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/loader/pewriter"
)

// BenchmarkAPICall measures the cost of one API call through the thunk, dispatcher and handler
// (GetTickCount in a guest loop), including the instructions of the loop itself.
func BenchmarkAPICall(b *testing.B) {
	const calls = 20000
	exe := prog{
		imports: []pewriter.Import{k32("GetTickCount", "ExitProcess")},
		gen: func(iat func(string, string) uint32, _ uint32) []byte {
			return cat(
				[]byte{0xB9}, le(calls), // mov ecx, calls
				[]byte{0x51}, callMem(iat("KERNEL32.dll", "GetTickCount")), // L: push ecx; call
				[]byte{0x59, 0x49, 0x75, 0xF5}, // pop ecx; dec ecx; jnz L
				[]byte{0x6A, 0x00}, callMem(iat("KERNEL32.dll", "ExitProcess")),
			)
		},
	}.build(b)
	m := newMachine(b)
	m.s.SetTrace(false)
	b.ReportAllocs()
	for b.Loop() {
		var out bytes.Buffer
		std := m.s.Stdio(strings.NewReader(""), &out, &out)
		res, err := m.k.CreateProcess(kernel.CreateParams{Image: exe, ImagePath: `C:\t\b.exe`, Std: std})
		for _, o := range std {
			o.Header().Unref()
		}
		if err != nil {
			b.Fatal(err)
		}
		if r := m.k.Run(1 << 30); r.Status != kernel.RunExited || res.Process.ExitCode() != 0 {
			b.Fatalf("status %v code %d", r.Status, res.Process.ExitCode())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*calls), "ns/call")
}

// BenchmarkCreateProcess measures CreateProcess of a small exe (address space, PEB/TEB, exe, ntdll, kernel32
// mapped, imports bound) plus its run to ExitProcess.
func BenchmarkCreateProcess(b *testing.B) {
	exe := prog{
		imports: []pewriter.Import{k32("ExitProcess")},
		gen: func(iat func(string, string) uint32, _ uint32) []byte {
			return cat([]byte{0x6A, 0x00}, callMem(iat("KERNEL32.dll", "ExitProcess")))
		},
	}.build(b)
	m := newMachine(b)
	m.s.SetTrace(false)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.k.CreateProcess(kernel.CreateParams{Image: exe, ImagePath: `C:\t\b.exe`}); err != nil {
			b.Fatal(err)
		}
		if r := m.k.Run(1 << 20); r.Status != kernel.RunExited {
			b.Fatalf("status %v", r.Status)
		}
	}
}
