package api

import (
	"fmt"
	"strings"

	"github.com/peek32/peek32/core"
)

// Step over and step out in slices.
//
// The facade's StepOver and StepOut run to completion in one call (bounded by 50 M instructions), which in the
// worker would be one long synchronous call that pause cannot interrupt. The worker instead calls stepBegin
// once and then stepContinue with an instruction budget per slice, yielding between slices exactly as run
// does, so a pause arrives within a slice; stepCancel abandons the step (the thread stays where it is).
//
// The rules are the facade's (core/debug.go): only the stepping thread runs, one instruction (an API call
// counts as one) at a time through Machine.Step; step over a CALL ends when the thread is back at the next
// instruction with ESP at or above its value at the CALL (a recursive call reaching the same address deeper
// does not count); step out ends after a RET has raised ESP above its value when the step began. Either ends
// early when the thread blocks or ends, the process exits, or the thread reaches an address breakpoint of its
// process (set through this session), and after stepLimit instructions.

// stepLimit bounds one step over/out, as the facade's does.
const stepLimit = 50_000_000

// stepper is a step over or out in progress.
type stepper struct {
	tid, pid uint32
	over     bool
	next, sp uint32 // over: the instruction after the CALL, ESP at the CALL; out: ESP at the start
	wasRet   bool   // out: the instruction just executed was a RET
	steps    uint64
	last     core.RunState
}

// StepProgress is what stepBegin and stepContinue return: Done with the final state, or not done yet.
type StepProgress struct {
	Done  bool          `json:"done"`
	State core.RunState `json:"state"`
	Steps uint64        `json:"steps"`
}

func stepBegin(s *Session, r *Request) (any, error) {
	var a struct {
		TID  uint32 `json:"tid"`
		Kind string `json:"kind"`
	}
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	if a.Kind != "over" && a.Kind != "out" {
		return nil, &ArgError{Method: r.Method, Msg: `kind must be "over" or "out"`}
	}
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	s.step = nil
	regs, err := m.Registers(a.TID)
	if err != nil {
		return nil, err
	}
	st := &stepper{tid: a.TID, pid: pidOf(m, a.TID), over: a.Kind == "over", sp: regs.ESP}
	if st.over {
		lines, _ := m.Disassemble(st.pid, regs.EIP, 1)
		if len(lines) == 0 || !strings.HasPrefix(strings.ToLower(lines[0].Text), "call") {
			state, err := m.Step(a.TID) // not a CALL: one instruction
			if err != nil {
				return nil, err
			}
			return StepProgress{Done: true, State: state, Steps: 1}, nil
		}
		st.next = regs.EIP + uint32(len(lines[0].Bytes))
	} else {
		st.wasRet = isRet(m, st.pid, regs.EIP)
	}
	s.step = st
	return StepProgress{State: core.RunState{Status: "running", TID: a.TID}}, nil
}

func stepContinue(s *Session, r *Request) (any, error) {
	var a struct {
		Budget uint64 `json:"budget"`
	}
	if err := decode(r, &a); err != nil {
		return nil, err
	}
	if a.Budget == 0 || a.Budget > maxBudget {
		return nil, &ArgError{Method: r.Method, Msg: "budget must be between 1 and 2^30 instructions"}
	}
	m, err := s.machine()
	if err != nil {
		return nil, err
	}
	st := s.step
	if st == nil {
		return nil, &ArgError{Method: r.Method, Msg: "no step over or step out in progress (call stepBegin first)"}
	}
	p := st.run(m, a.Budget, s.breakpoints[st.pid])
	if p.Done {
		s.step = nil
	}
	return p, nil
}

func stepCancel(s *Session, _ *Request) (any, error) {
	s.step = nil
	return struct{}{}, nil
}

// run executes up to budget instructions of the step.
func (st *stepper) run(m *core.Machine, budget uint64, bps map[uint32]bool) StepProgress {
	done := func(state core.RunState) StepProgress {
		state.TID = st.tid
		return StepProgress{Done: true, State: state, Steps: st.steps}
	}
	for range budget {
		state, err := m.Step(st.tid)
		if err != nil {
			if st.steps == 0 {
				return done(core.RunState{Status: "error", Message: err.Error()})
			}
			// The thread blocked or ended: the step ends where it is, as the facade's does.
			last := st.last
			last.Status = "stopped"
			return done(last)
		}
		st.steps++
		st.last = state
		if state.Status != "stopped" {
			return done(state)
		}
		regs, err := m.Registers(st.tid)
		if err != nil {
			return done(state)
		}
		if st.over {
			if regs.EIP == st.next && regs.ESP >= st.sp {
				return done(state)
			}
		} else {
			finished := st.wasRet && regs.ESP > st.sp
			st.wasRet = isRet(m, st.pid, regs.EIP)
			if finished {
				return done(state)
			}
		}
		if bps[regs.EIP] {
			state.Status = "breakpoint"
			return done(state)
		}
		if st.steps >= stepLimit {
			kind := "out"
			if st.over {
				kind = "over"
			}
			state.Message = fmt.Sprintf("step %s: %d instructions without returning", kind, stepLimit)
			return done(state)
		}
	}
	return StepProgress{State: core.RunState{Status: "running", TID: st.tid, Total: st.last.Total}, Steps: st.steps}
}

// pidOf returns the process of thread tid (0 if none has it).
func pidOf(m *core.Machine, tid uint32) uint32 {
	for _, p := range m.Processes() {
		for _, t := range m.Threads(p.PID) {
			if t.TID == tid {
				return p.PID
			}
		}
	}
	return 0
}

// isRet reports whether the instruction at eip is a RET (near or far, with or without an immediate, after
// REP/REPNE prefixes as compilers emit "rep ret").
func isRet(m *core.Machine, pid, eip uint32) bool {
	for i := uint32(0); i < 3; i++ {
		b, err := m.ReadMemory(pid, eip+i, 1)
		if err != nil || len(b) != 1 {
			return false
		}
		switch b[0] {
		case 0xF2, 0xF3:
			continue
		case 0xC2, 0xC3, 0xCA, 0xCB:
			return true
		}
		return false
	}
	return false
}
