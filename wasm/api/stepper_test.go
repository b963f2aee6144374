package api

import (
	"strings"
	"testing"
)

// atFirstCall boots a machine running hello.exe stopped at its entry point, then steps until the thread is at a
// direct CALL; it returns the session, the thread and the process.
func atFirstCall(t *testing.T) (s *Session, tid, pid uint32) {
	t.Helper()
	exe := guestExe(t, "hello.exe")
	s = New()
	call(t, s, "boot", map[string]any{}, nil, nil)
	call(t, s, "addFile", map[string]string{"path": `C:\hello.exe`}, exe, nil)
	var proc struct {
		PID uint32 `json:"pid"`
		TID uint32 `json:"tid"`
	}
	call(t, s, "createProcess", map[string]string{"cmdline": "hello.exe"}, nil, &proc)
	var mods []struct {
		Entry uint32 `json:"entry"`
	}
	call(t, s, "modules", map[string]uint32{"pid": proc.PID}, nil, &mods)
	call(t, s, "setBreakpoint", map[string]uint32{"pid": proc.PID, "addr": mods[0].Entry}, nil, nil)
	var st struct {
		Status string `json:"status"`
		TID    uint32 `json:"tid"`
	}
	call(t, s, "run", map[string]int{"budget": 10_000_000}, nil, &st)
	if st.Status != "breakpoint" {
		t.Fatalf("run to the entry point: %s", st.Status)
	}
	call(t, s, "clearBreakpoint", map[string]uint32{"pid": proc.PID, "addr": mods[0].Entry}, nil, nil)
	for range 100 {
		var regs struct{ EIP uint32 }
		call(t, s, "registers", map[string]uint32{"tid": st.TID}, nil, &regs)
		var lines []DisasmLine
		call(t, s, "disassemble", map[string]uint32{"pid": proc.PID, "addr": regs.EIP, "count": 1}, nil, &lines)
		if strings.HasPrefix(lines[0].Text, "call 0x") {
			return s, st.TID, proc.PID
		}
		call(t, s, "step", map[string]uint32{"tid": st.TID}, nil, nil)
	}
	t.Fatal("no direct CALL within 100 instructions of the entry point")
	return
}

type regsView struct{ EIP, ESP uint32 }

// sliced runs a step over/out through stepBegin + stepContinue with a small budget, so it takes many slices.
func sliced(t *testing.T, s *Session, tid uint32, kind string) (StepProgress, int) {
	t.Helper()
	var p StepProgress
	call(t, s, "stepBegin", map[string]any{"tid": tid, "kind": kind}, nil, &p)
	slices := 0
	for !p.Done {
		call(t, s, "stepContinue", map[string]int{"budget": 50}, nil, &p)
		slices++
	}
	return p, slices
}

// TestStepSliced checks that a step over and a step out run in slices end exactly where the facade's one-call
// StepOver and StepOut do, and that stepCancel leaves the thread where the last slice left it.
func TestStepSliced(t *testing.T) {
	for _, kind := range []string{"over", "out"} {
		t.Run(kind, func(t *testing.T) {
			a, tid, _ := atFirstCall(t)
			b, tidB, _ := atFirstCall(t)
			if kind == "out" { // into the call first
				call(t, a, "step", map[string]uint32{"tid": tid}, nil, nil)
				call(t, b, "step", map[string]uint32{"tid": tidB}, nil, nil)
			}
			method := map[string]string{"over": "stepOver", "out": "stepOut"}[kind]
			var want struct {
				Status string `json:"status"`
			}
			call(t, a, method, map[string]uint32{"tid": tid}, nil, &want)
			p, slices := sliced(t, b, tidB, kind)
			if slices < 2 {
				t.Errorf("step %s took %d slice(s) of 50 instructions; want several", kind, slices)
			}
			var ra, rb regsView
			call(t, a, "registers", map[string]uint32{"tid": tid}, nil, &ra)
			call(t, b, "registers", map[string]uint32{"tid": tidB}, nil, &rb)
			if ra != rb || p.State.Status != want.Status {
				t.Errorf("sliced step %s: %s at %+v after %d instructions; facade: %s at %+v", kind, p.State.Status, rb, p.Steps, want.Status, ra)
			}
		})
	}
	t.Run("cancel", func(t *testing.T) {
		s, tid, _ := atFirstCall(t)
		var before, after regsView
		call(t, s, "registers", map[string]uint32{"tid": tid}, nil, &before)
		var p StepProgress
		call(t, s, "stepBegin", map[string]any{"tid": tid, "kind": "over"}, nil, &p)
		call(t, s, "stepContinue", map[string]int{"budget": 5}, nil, &p)
		if p.Done || p.Steps != 5 {
			t.Fatalf("after 5 instructions: done %v, steps %d", p.Done, p.Steps)
		}
		call(t, s, "stepCancel", nil, nil, nil)
		call(t, s, "registers", map[string]uint32{"tid": tid}, nil, &after)
		if after.EIP == before.EIP {
			t.Errorf("EIP still %#x after 5 instructions of the call", after.EIP)
		}
		if _, _, err := s.CallJSON(&Request{Method: "stepContinue", Args: []byte(`{"budget":5}`)}); ErrorKind(err) != "argument" {
			t.Errorf("stepContinue after stepCancel: %v, want an argument error", err)
		}
	})
}
