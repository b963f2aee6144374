package win32

import (
	"bytes"
	"testing"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/loader/pewriter"
)

var crtImport = func(fns ...string) pewriter.Import {
	imp := pewriter.Import{DLL: "msvcrt.dll"}
	for _, f := range fns {
		imp.Funcs = append(imp.Funcs, pewriter.ImportFunc{Name: f})
	}
	return imp
}

// crtStartWithConsole creates the process with a console whose input the test feeds (the page's model: a read with
// nothing buffered blocks the thread).
func crtStartWithConsole(t *testing.T, m *machine, exe []byte, out *bytes.Buffer) *Console {
	t.Helper()
	in := NewConsole(ConsoleIn, nil, nil)
	std := [3]kernel.Object{in, NewConsole(ConsoleOut, nil, out), NewConsole(ConsoleErr, nil, out)}
	res, err := m.k.CreateProcess(kernel.CreateParams{Image: exe, ImagePath: `C:\t\p.exe`, CommandLine: "p.exe", Std: std})
	for _, o := range std[1:] {
		o.Header().Unref()
	}
	if err != nil {
		t.Fatal(err)
	}
	res.Process.Ref()
	t.Cleanup(res.Process.Unref)
	t.Cleanup(in.Header().Unref)
	return in
}

// TestMsvcrt_ReadBlocksUntilInput: fgets and scanf on stdin wait for console input without consuming anything,
// and finish once the host feeds it; printf/puts output goes through msvcrt's formatting and text mode.
func TestMsvcrt_ReadBlocksUntilInput(t *testing.T) {
	format := []byte("n=%d s=%s\n\x00%d %s\x00")
	exe := prog{
		imports: []pewriter.Import{k32("ExitProcess"), crtImport("_iob", "fgets", "puts", "scanf", "printf")},
		data:    format,
		gen: func(iat func(string, string) uint32, data uint32) []byte {
			printfFmt, scanFmt := data, data+11
			buf, num, word := data+64, data+128, data+136
			return cat(
				// fgets(buf, 32, stdin); puts(buf)
				[]byte{0xA1}, le(iat("msvcrt.dll", "_iob")), []byte{0x50}, // push &_iob[0]
				[]byte{0x6A, 0x20}, pushImm(buf), callMem(iat("msvcrt.dll", "fgets")), []byte{0x83, 0xC4, 0x0C},
				pushImm(buf), callMem(iat("msvcrt.dll", "puts")), []byte{0x83, 0xC4, 0x04},
				// scanf("%d %s", &num, word); printf("n=%d s=%s\n", num, word)
				pushImm(word), pushImm(num), pushImm(scanFmt), callMem(iat("msvcrt.dll", "scanf")), []byte{0x83, 0xC4, 0x0C},
				pushImm(word), []byte{0xFF, 0x35}, le(num), pushImm(printfFmt), callMem(iat("msvcrt.dll", "printf")),
				[]byte{0x83, 0xC4, 0x0C},
				[]byte{0x6A, 0x00}, callMem(iat("KERNEL32.dll", "ExitProcess")),
			)
		},
	}.build(t)
	m := newMachine(t)
	var out bytes.Buffer
	in := crtStartWithConsole(t, m, exe, &out)
	if r := m.k.Run(1_000_000); r.Status != kernel.RunIdle {
		t.Fatalf("before input: status %v, want idle", r.Status)
	}
	in.Feed([]byte("first li"))
	if r := m.k.Run(1_000_000); r.Status != kernel.RunIdle {
		t.Fatalf("after a partial line: status %v, want idle", r.Status)
	}
	in.Feed([]byte("ne\r\n42"))
	if r := m.k.Run(1_000_000); r.Status != kernel.RunIdle {
		t.Fatalf("scanf must wait for the end of the number: status %v", r.Status)
	}
	in.Feed([]byte(" word\r\n"))
	if r := m.k.Run(1_000_000); r.Status != kernel.RunExited {
		t.Fatalf("after all input: status %v, want exited", r.Status)
	}
	if got, want := out.String(), "first line\r\n\r\nn=42 s=word\r\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
}
