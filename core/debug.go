package core

import (
	"fmt"
	"strings"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/kernel"
)

// SetBreakpoint stops every thread of pid (now and later) before it executes addr; Run then reports
// "breakpoint" with the thread's ID.
func (m *Machine) SetBreakpoint(pid, addr uint32) error {
	p := m.k.Process(pid)
	if p == nil || p.Exited() {
		return fmt.Errorf("no running process %d", pid)
	}
	p.SetBreakpoint(addr)
	return nil
}

// ClearBreakpoint removes a breakpoint.
func (m *Machine) ClearBreakpoint(pid, addr uint32) error {
	p := m.k.Process(pid)
	if p == nil {
		return fmt.Errorf("no process %d", pid)
	}
	p.ClearBreakpoint(addr)
	return nil
}

// SetAPIBreakpoint stops the machine when a thread calls the named API, before the call runs: Run reports
// "stopped" with a message naming it. name is "WriteFile" or "kernel32!WriteFile".
func (m *Machine) SetAPIBreakpoint(name string) { m.sys.SetAPIBreakpoint(name, true) }

// ClearAPIBreakpoint removes an API breakpoint.
func (m *Machine) ClearAPIBreakpoint(name string) { m.sys.SetAPIBreakpoint(name, false) }

// Step runs one instruction of thread tid (an API call counts as one) and reports the machine's state.
func (m *Machine) Step(tid uint32) (st RunState, err error) {
	if m.broken != "" {
		return RunState{Status: "error", Message: m.broken}, nil
	}
	defer func() {
		if r := recover(); r != nil {
			st, err = RunState{Status: "error", Message: m.panicked(r).Error(), Total: m.ran}, nil
		}
	}()
	t := m.k.Thread(tid)
	if t == nil {
		return st, fmt.Errorf("no thread %d", tid)
	}
	before := m.k.Clock()
	if !m.k.Step(t) {
		return st, fmt.Errorf("thread %d cannot run now (%s, suspend count %d)", tid, t.State(), t.SuspendCount())
	}
	m.ran += m.k.Clock() - before
	return m.state("stopped", tid), nil
}

// state reports the machine's status without running: "exited" when every program has ended, else status.
func (m *Machine) state(status string, tid uint32) RunState {
	st := RunState{Status: status, Total: m.ran, TID: tid}
	alive := false
	for _, p := range m.k.Processes() {
		if p != m.k.Explorer() && !p.Exited() {
			alive = true
		}
	}
	if !alive {
		st.Status = "exited"
	}
	if p := m.k.Process(m.first); p != nil {
		st.ExitCode = p.ExitCode()
	} else if code, ok := m.firstExit(); ok {
		st.ExitCode = code
	}
	return st
}

// stepLimit bounds StepOver and StepOut (instructions), so a call that never returns cannot hang the host.
const stepLimit = 50_000_000

// StepOver runs one instruction of tid; a CALL runs until it returns (or a breakpoint or the limit stops it).
func (m *Machine) StepOver(tid uint32) (RunState, error) {
	t := m.k.Thread(tid)
	if t == nil {
		return RunState{}, fmt.Errorf("no thread %d", tid)
	}
	lines := cpu.Disassemble(t.Proc.Space, t.CPU.EIP, 1)
	if len(lines) == 0 || !strings.HasPrefix(strings.ToLower(lines[0].Text), "call") {
		return m.Step(tid)
	}
	next := t.CPU.EIP + uint32(len(lines[0].Bytes))
	sp := t.CPU.Regs[cpu.ESP]
	return m.runThreadUntil(t, func(t *kernel.Thread) bool { return t.CPU.EIP == next && t.CPU.Regs[cpu.ESP] >= sp })
}

// StepOut runs tid until the current function returns to its caller (ESP rises above the frame's return
// address after a RET).
func (m *Machine) StepOut(tid uint32) (RunState, error) {
	t := m.k.Thread(tid)
	if t == nil {
		return RunState{}, fmt.Errorf("no thread %d", tid)
	}
	sp := t.CPU.Regs[cpu.ESP]
	wasRet := false
	return m.runThreadUntil(t, func(t *kernel.Thread) bool {
		done := wasRet && t.CPU.Regs[cpu.ESP] > sp
		lines := cpu.Disassemble(t.Proc.Space, t.CPU.EIP, 1)
		wasRet = len(lines) > 0 && strings.HasPrefix(strings.ToLower(lines[0].Text), "ret")
		return done
	})
}

// runThreadUntil steps t (only t) until done says so, the thread ends or blocks, a breakpoint of its process
// is reached, or stepLimit instructions ran.
func (m *Machine) runThreadUntil(t *kernel.Thread, done func(*kernel.Thread) bool) (RunState, error) {
	tid := t.ID
	bps := map[uint32]bool{}
	for _, a := range t.Proc.Breakpoints() {
		bps[a] = true
	}
	done(t)
	for i := 0; i < stepLimit; i++ {
		st, err := m.Step(tid)
		if err != nil || st.Status != "stopped" {
			return st, err
		}
		if m.k.Thread(tid) == nil || !t.Runnable() {
			return m.state("stopped", tid), nil
		}
		if done(t) {
			return st, nil
		}
		if bps[t.CPU.EIP] {
			return m.state("breakpoint", tid), nil
		}
	}
	return m.state("stopped", tid), nil
}
