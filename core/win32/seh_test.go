package win32

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/loader/pewriter"
)

// sehImage builds a test exe whose main installs hand-made FS:[0] frames around the bytes of fault and then
// writes its 64-byte result block to standard output. The outer frame's handler (at text+0x200) records the
// EXCEPTION_RECORD and CONTEXT.Eip, unwinds the frames inside it with RtlUnwind(frame, 0, rec, 0) and resumes
// after the faulting code with the stack of the frame, as an __except block does (its result block, dwords:
// 0 code, 1 flags, 2 NumberParameters, 3-4 ExceptionInformation[0..1], 5 ExceptionAddress, 6 CONTEXT.Eip,
// 7 handler calls, 10-11 the inner frame handler's last flags and calls, 12 ExceptionInformation[2]). With
// inner, a second frame whose handler (text+0x300) declines and logs is registered inside. With misaligned, the
// outer record's address is misaligned by one byte. fault is given the address it is placed at.
type sehImage struct {
	inner, misaligned bool
	fault             func(at, data uint32, iat func(dll, fn string) uint32) []byte
	// unwindTarget, when not 0, is the TargetFrame the handler gives RtlUnwind instead of its own frame.
	unwindTarget uint32
}

const (
	sehHandlerOff = 0x200
	sehInnerOff   = 0x300
	sehArgsOff    = 0x90 // three RaiseException arguments in .data
)

func (p sehImage) build(t *testing.T) []byte {
	t.Helper()
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole, StackReserve: 0x40000, StackCommit: 0x2000}
	code := make([]byte, 0x400)
	text := img.AddSection(".text", code, pewriter.Code)
	data := make([]byte, 0x100)
	for i, v := range []uint32{11, 22, 33} {
		binary.LittleEndian.PutUint32(data[sehArgsOff+4*i:], v)
	}
	ds := img.AddSection(".data", data, pewriter.Data)
	img.Imports = []pewriter.Import{k32("GetStdHandle", "WriteFile", "ExitProcess", "RaiseException", "RtlUnwind")}
	img.Entry = &pewriter.Ref{Section: text}
	l, err := img.Layout()
	if err != nil {
		t.Fatal(err)
	}
	const base = 0x400000
	tb, db := base+text.RVA, base+ds.RVA
	iat := func(dll, fn string) uint32 { return base + l.IAT(dll, fn) }
	d := func(i uint32) []byte { return le(db + 4*i) }
	fsPush := []byte{0x64, 0xFF, 0x35, 0, 0, 0, 0} // push dword fs:[0]
	fsSet := []byte{0x64, 0x89, 0x25, 0, 0, 0, 0}  // mov fs:[0], esp

	// main
	pre := cat(pushImm(tb+sehHandlerOff), fsPush)
	if p.misaligned {
		pre = cat(pre, []byte{0x8D, 0x44, 0x24, 0x01, 0x64, 0xA3, 0, 0, 0, 0}) // lea eax,[esp+1]; mov fs:[0],eax
	} else {
		pre = cat(pre, fsSet)
	}
	pre = cat(pre, []byte{0x89, 0x25}, d(14)) // mov [d14], esp
	resumeAt := func(resume uint32) []byte { return cat([]byte{0xC7, 0x05}, d(15), le(resume)) }
	innerFrame := []byte{}
	if p.inner {
		innerFrame = cat(pushImm(tb+sehInnerOff), fsPush, fsSet)
	}
	faultAt := tb + uint32(len(pre)+10+len(innerFrame))
	fault := p.fault(faultAt, db, iat)
	resume := faultAt + uint32(len(fault))
	tail := cat(
		[]byte{0x64, 0x8F, 0x05, 0, 0, 0, 0}, []byte{0x83, 0xC4, 0x04}, // pop fs:[0]; add esp,4
		[]byte{0x6A, 0xF5}, callMem(iat("KERNEL32.dll", "GetStdHandle")),
		[]byte{0x6A, 0x00}, pushImm(db+0x80), []byte{0x6A, 0x40}, pushImm(db), []byte{0x50},
		callMem(iat("KERNEL32.dll", "WriteFile")),
		[]byte{0x6A, 0x00}, callMem(iat("KERNEL32.dll", "ExitProcess")),
	)
	copy(code, cat(pre, resumeAt(resume), innerFrame, fault, tail))

	// the outer frame's handler
	unwindCall := []byte{0x6A, 0x00, 0xFF, 0x74, 0x24, 0x08, 0x6A, 0x00, 0xFF, 0x74, 0x24, 0x14} // RtlUnwind(frame, 0, rec, 0)
	if p.unwindTarget != 0 {
		unwindCall = cat([]byte{0x6A, 0x00, 0xFF, 0x74, 0x24, 0x08, 0x6A, 0x00}, pushImm(p.unwindTarget))
	}
	rec := func(off byte, slot uint32) []byte { return cat([]byte{0x8B, 0x48, off, 0x89, 0x0D}, d(slot)) }
	body := cat(
		rec(0x04, 1), rec(0x10, 2), rec(0x14, 3), rec(0x18, 4), rec(0x1C, 12), rec(0x0C, 5),
		[]byte{0xFF, 0x05}, d(7), // inc [d7]
		[]byte{0x8B, 0x44, 0x24, 0x0C, 0x8B, 0x88, 0xB8, 0, 0, 0, 0x89, 0x0D}, d(6), // ctx.Eip -> d6
		unwindCall, callMem(iat("KERNEL32.dll", "RtlUnwind")),
		[]byte{0x8B, 0x44, 0x24, 0x0C},                               // mov eax,[esp+12] (ctx)
		[]byte{0x8B, 0x0D}, d(15), []byte{0x89, 0x88, 0xB8, 0, 0, 0}, // ctx.Eip = resume
		[]byte{0x8B, 0x0D}, d(14), []byte{0x89, 0x88, 0xC4, 0, 0, 0}, // ctx.Esp = the frame
		[]byte{0x31, 0xC0, 0xC3}, // ExceptionContinueExecution
	)
	decline := []byte{0xB8, 1, 0, 0, 0, 0xC3} // ExceptionContinueSearch
	handler := cat(
		[]byte{0x8B, 0x44, 0x24, 0x04, 0x8B, 0x08, 0x89, 0x0D}, d(0), // code -> d0
		[]byte{0xF6, 0x40, 0x04, 0x06, 0x74, byte(len(decline))}, // test byte [eax+4],6 (unwinding); jz body
		decline, body)
	copy(code[sehHandlerOff:], handler)
	copy(code[sehInnerOff:], cat(
		[]byte{0x8B, 0x44, 0x24, 0x04}, rec(0x04, 10), []byte{0xFF, 0x05}, d(11), decline))
	b, err := img.Build()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runSEH runs the image and returns the result block (nil when the program wrote nothing) and the exit code.
func runSEH(t *testing.T, p sehImage) ([16]uint32, bool, uint32, *machine) {
	t.Helper()
	m := newMachine(t)
	var out bytes.Buffer
	proc := m.run(t, p.build(t), &out)
	var r [16]uint32
	if out.Len() != 64 {
		return r, false, proc.ExitCode(), m
	}
	for i := range r {
		r[i] = binary.LittleEndian.Uint32(out.Bytes()[4*i:])
	}
	return r, true, proc.ExitCode(), m
}

// TestSEH_HardwareFaults catches each CPU exception in a hand-made frame and checks the record and context
// Windows gives (see testdata/guest/seh/README.md for the sources).
func TestSEH_HardwareFaults(t *testing.T) {
	type want struct {
		code, n, p0, p1      uint32
		addrOff, eipOff      uint32 // ExceptionAddress and CONTEXT.Eip relative to the fault bytes
		absAddr, checkParams bool
	}
	cases := []struct {
		name  string
		bytes []byte
		w     want
	}{
		{"read of address 0", []byte{0xA1, 0, 0, 0, 0}, want{code: 0xC0000005, n: 2, p0: 0, p1: 0, checkParams: true}},
		{"write to address 8", []byte{0xA3, 8, 0, 0, 0}, want{code: 0xC0000005, n: 2, p0: 1, p1: 8, checkParams: true}},
		{"call to address 0", []byte{0x31, 0xC0, 0xFF, 0xD0}, want{code: 0xC0000005, n: 2, p0: 8, p1: 0, absAddr: true, checkParams: true}},
		{"divide by zero", []byte{0x31, 0xC9, 0x99, 0xF7, 0xF9}, want{code: 0xC0000094, addrOff: 3, eipOff: 3}},
		{"INT_MIN / -1", []byte{0xB8, 0, 0, 0, 0x80, 0xB9, 0xFF, 0xFF, 0xFF, 0xFF, 0x99, 0xF7, 0xF9}, want{code: 0xC0000095, addrOff: 11, eipOff: 11}},
		{"INTO", []byte{0xB8, 0xFF, 0xFF, 0xFF, 0x7F, 0x40, 0xCE}, want{code: 0xC0000095, addrOff: 6, eipOff: 7}},
		{"INT3", []byte{0xCC}, want{code: 0x80000003, n: 3, checkParams: true}},
		{"UD2", []byte{0x0F, 0x0B}, want{code: 0xC000001D}},
		{"HLT", []byte{0xF4}, want{code: 0xC0000096}},
		{"single step", []byte{0x9C, 0x81, 0x0C, 0x24, 0, 1, 0, 0, 0x9D, 0x90, 0x90}, want{code: 0x80000004, addrOff: 10, eipOff: 10}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var at uint32
			r, ok, code, _ := runSEH(t, sehImage{fault: func(a, _ uint32, _ func(string, string) uint32) []byte {
				at = a
				return c.bytes
			}})
			if !ok {
				t.Fatalf("no result block; exit code 0x%X", code)
			}
			if r[0] != c.w.code || r[7] != 1 || r[1] != 0 {
				t.Errorf("code 0x%X flags %d calls %d, want 0x%X 0 1", r[0], r[1], r[7], c.w.code)
			}
			if c.w.checkParams && (r[2] != c.w.n || r[3] != c.w.p0 || r[4] != c.w.p1) {
				t.Errorf("params %d {%d, 0x%X}, want %d {%d, 0x%X}", r[2], r[3], r[4], c.w.n, c.w.p0, c.w.p1)
			}
			wantAddr, wantEip := at+c.w.addrOff, at+c.w.eipOff
			if c.w.absAddr {
				wantAddr, wantEip = 0, 0
			}
			if r[5] != wantAddr || r[6] != wantEip {
				t.Errorf("ExceptionAddress 0x%X Eip 0x%X, want 0x%X 0x%X", r[5], r[6], wantAddr, wantEip)
			}
			if code != 0 {
				t.Errorf("exit code 0x%X after the handler resumed", code)
			}
		})
	}
}

// TestSEH_RaiseException: code, flags (only EXCEPTION_NONCONTINUABLE is kept), arguments and the address.
func TestSEH_RaiseException(t *testing.T) {
	var ret uint32
	r, ok, _, _ := runSEH(t, sehImage{fault: func(at, data uint32, iat func(string, string) uint32) []byte {
		b := cat(pushImm(data+sehArgsOff), []byte{0x6A, 0x03, 0x6A, 0x70}, pushImm(0xE0001234),
			callMem(iat("KERNEL32.dll", "RaiseException")))
		ret = at + uint32(len(b))
		return b
	}})
	if !ok {
		t.Fatal("no result block")
	}
	if r[0] != 0xE0001234 || r[1] != 0 || r[2] != 3 || r[3] != 11 || r[4] != 22 || r[12] != 33 {
		t.Errorf("record %X", r)
	}
	if r[6] != ret {
		t.Errorf("CONTEXT.Eip 0x%X, want the return address 0x%X", r[6], ret)
	}
}

// TestSEH_UnwindCallsInnerHandler: the inner frame declines (flags 0), then RtlUnwind calls it again with
// EXCEPTION_UNWINDING and unlinks it, so main's epilogue finds its own frame at FS:[0].
func TestSEH_UnwindCallsInnerHandler(t *testing.T) {
	r, ok, code, _ := runSEH(t, sehImage{inner: true, fault: func(uint32, uint32, func(string, string) uint32) []byte {
		return []byte{0xA1, 0, 0, 0, 0}
	}})
	if !ok || code != 0 {
		t.Fatalf("result %v exit code 0x%X", ok, code)
	}
	if r[11] != 2 || r[10] != abi.EXCEPTION_UNWINDING {
		t.Errorf("inner handler called %d times, last flags %d; want 2 and EXCEPTION_UNWINDING", r[11], r[10])
	}
}

// TestSEH_InvalidChainUnhandled: a misaligned registration record makes the exception unhandled without any
// handler call; the process exits with the exception code and a crash event.
func TestSEH_InvalidChainUnhandled(t *testing.T) {
	_, ok, code, m := runSEH(t, sehImage{misaligned: true, fault: func(uint32, uint32, func(string, string) uint32) []byte {
		return []byte{0xA1, 0, 0, 0, 0}
	}})
	if ok || code != 0xC0000005 {
		t.Fatalf("result block %v, exit code 0x%X; want none and 0xC0000005", ok, code)
	}
	crashes := 0
	for _, e := range m.events {
		if e.Kind == "crash" {
			crashes++
		}
	}
	if crashes != 1 {
		t.Errorf("%d crash events", crashes)
	}
}

// TestSEH_UnwindTargets: RtlUnwind to 0xFFFFFFFF unwinds every frame and returns; to a frame that is not on the
// chain it unwinds every frame and then, finding no target, ends the process with the exception's code.
func TestSEH_UnwindTargets(t *testing.T) {
	av := func(uint32, uint32, func(string, string) uint32) []byte { return []byte{0xA1, 0, 0, 0, 0} }
	r, ok, code, _ := runSEH(t, sehImage{inner: true, unwindTarget: abi.ChainEnd, fault: av})
	if !ok || code != 0 || r[11] != 2 || r[10] != abi.EXCEPTION_UNWINDING {
		t.Errorf("to the chain end: result %v exit 0x%X, inner calls %d flags %d", ok, code, r[11], r[10])
	}
	_, ok, code, _ = runSEH(t, sehImage{inner: true, unwindTarget: 0x7FFD0000, fault: av})
	if ok || code != 0xC0000005 {
		t.Errorf("to a missing frame: result %v exit 0x%X, want the process ended with 0xC0000005", ok, code)
	}
}
