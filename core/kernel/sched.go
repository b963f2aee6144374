package kernel

import (
	"github.com/peek32/peek32/core/cpu"
)

// RunStatus says why Run returned.
type RunStatus uint8

// Run statuses.
const (
	RunBudget     RunStatus = iota // the instruction budget is spent; threads can still run
	RunIdle                        // every live thread waits, and some wait for the host (console input)
	RunExited                      // no process other than explorer.exe is alive
	RunDeadlock                    // every live thread waits on something that can never happen
	RunBreakpoint                  // a thread reached a debugger breakpoint (Result.Thread)
	RunStopped                     // the system layer asked to stop (RequestStop)
)

var runStatusNames = [...]string{"running", "idle", "exited", "deadlock", "breakpoint", "stopped"}

// String returns the facade's name for the status ("running", "idle", "exited", "deadlock", ...).
func (s RunStatus) String() string {
	if int(s) < len(runStatusNames) {
		return runStatusNames[s]
	}
	return "status?"
}

// RunResult is what Run reports.
type RunResult struct {
	Status RunStatus
	Ran    uint64  // instructions retired in this call (API dispatches count one each)
	Thread *Thread // for RunBreakpoint: the thread; for RunStopped: the thread that asked
	Reason string  // for RunStopped
}

// RequestStop makes Run return RunStopped after the current step (a debugger API breakpoint, a host bound).
func (k *Kernel) RequestStop(t *Thread, reason string) {
	k.stop, k.stopThrd, k.stopWhy = true, t, reason
}

// Run schedules every live thread of every process with time slices of Config.Quantum instructions — the
// highest priority first, round robin in creation order within a priority level, with an anti-starvation
// boost (priority.go) — until budget instructions have run or nothing can run. When every thread waits
// and some wait has a deadline, virtual time jumps to it (a sleeping machine does not spin). The order of events
// depends only on the inputs, so two runs interleave identically.
func (k *Kernel) Run(budget uint64) RunResult {
	k.stop = false
	var ran uint64
	for ran < budget {
		k.expireWaits()
		t := k.pick()
		if t == nil {
			if !k.anyAlive() {
				return RunResult{Status: RunExited, Ran: ran}
			}
			if d, ok := k.nextDeadline(); ok {
				if d > k.clock {
					k.clock = d
				}
				continue
			}
			if k.anyHostWait() {
				return RunResult{Status: RunIdle, Ran: ran}
			}
			return RunResult{Status: RunDeadlock, Ran: ran}
		}
		slice := k.cfg.Quantum
		if budget-ran < slice {
			slice = budget - ran
		}
		n, bp := k.runSlice(t, slice)
		ran += n
		if bp {
			return RunResult{Status: RunBreakpoint, Ran: ran, Thread: t}
		}
		if k.stop {
			k.stop = false
			return RunResult{Status: RunStopped, Ran: ran, Thread: k.stopThrd, Reason: k.stopWhy}
		}
	}
	if !k.anyAlive() {
		return RunResult{Status: RunExited, Ran: ran}
	}
	return RunResult{Status: RunBudget, Ran: ran}
}

// pick returns the thread that gets the next slice, or nil when none is runnable: a runnable thread of the
// highest effective priority, round robin in creation order among the threads of that level (priority.go
// states the rule, with its anti-starvation boost). A thread that gave the CPU to any other (SwitchToThread)
// is passed over once if another thread is runnable.
func (k *Kernel) pick() *Thread {
	skip := k.skip
	k.skip = nil
	best, skipReady := -1, false
	for _, t := range k.threads {
		if !t.Runnable() {
			t.readySince, t.boosted = 0, false
			continue
		}
		if t.readySince == 0 {
			t.readySince = k.clock + 1
		}
		p := k.effectivePriority(t)
		if t == skip {
			skipReady = true
			continue
		}
		if p > best {
			best = p
		}
	}
	if best < 0 {
		if skipReady {
			return skip
		}
		return nil
	}
	n := len(k.threads)
	for i := 0; i < n; i++ {
		j := (k.nextAt[best] + i) % n
		if t := k.threads[j]; t != skip && t.Runnable() && k.effectivePriority(t) == best {
			k.nextAt[best] = (j + 1) % n
			return t
		}
	}
	return nil
}

// schedRemoved keeps the round-robin positions in step when the thread at index i of k.threads leaves it.
func (k *Kernel) schedRemoved(i int, t *Thread) {
	for l := range k.nextAt {
		if k.nextAt[l] > i {
			k.nextAt[l]--
		}
	}
	if k.skip == t {
		k.skip = nil
	}
}

// runSlice runs t for up to slice instructions, handling API thunks, kernel stubs and exceptions as they come.
// It reports the instructions used and whether a breakpoint stopped it.
func (k *Kernel) runSlice(t *Thread, slice uint64) (used uint64, breakpoint bool) {
	k.cur = t
	k.yield = false
	_ = k.updateSharedTime(t.Proc.Space)
	defer func() { t.readySince, t.boosted = 0, false }()
	if !t.started && t.CPU.EIP != t.Proc.ThreadStart() {
		k.redirectedStart(t)
	}
	for used < slice && t.Runnable() && !k.stop && !k.yield {
		before := t.CPU.Count
		r := t.CPU.Run(slice - used)
		n := t.CPU.Count - before
		used += n
		k.clock += n
		switch r {
		case cpu.StopThunk:
			used++
			k.clock++
			k.thunk(t)
			if k.higherReady(t) {
				return used, false
			}
		case cpu.StopFault, cpu.StopSingleStep:
			k.raise(t, t.CPU.Exception())
		case cpu.StopBreakpoint:
			if k.watchHit(t) {
				continue
			}
			return used, true
		case cpu.StopHalt:
			k.raise(t, cpu.Exception{Kind: cpu.Privileged, EIP: t.CPU.EIP})
		}
	}
	return used, false
}

// thunk handles a thread stopped at a thunk: a kernel stub, or an API (the system layer's Dispatch).
func (k *Kernel) thunk(t *Thread) {
	switch eip := t.CPU.EIP; eip {
	case StubReturn:
		k.guestReturned(t)
	case StubThreadStart:
		k.threadStart(t)
	default:
		if eip >= StubBase && eip < StubBase+stubSize {
			k.raise(t, cpu.Exception{Kind: cpu.InvalidOpcode, EIP: eip})
			return
		}
		if !t.started && eip == t.Proc.ThreadStart() { // the system layer's thread start (SetThreadStart)
			k.threadStart(t)
			return
		}
		if k.sys == nil {
			k.raise(t, cpu.Exception{Kind: cpu.InvalidOpcode, EIP: eip})
			return
		}
		k.sys.Dispatch(t, eip)
	}
}

// expireWaits wakes the waiting threads whose deadline has passed, marking them timed out.
func (k *Kernel) expireWaits() {
	k.fireTimers()
	for _, t := range k.threads {
		if w := t.wait; w != nil && w.deadline != 0 && w.deadline <= k.clock {
			t.wake()
			// A wait on no object is a sleep (SleepFor) whose call has completed: no restarted handler reads
			// the flag, and leaving it set would make the thread's next wait time out at once.
			t.timedOut = len(w.objects) > 0
		}
	}
}

// nextDeadline returns the earliest deadline among waiting, unsuspended threads.
func (k *Kernel) nextDeadline() (uint64, bool) {
	d, found := k.nextTimer()
	for _, t := range k.threads {
		if w := t.wait; w != nil && w.deadline != 0 && t.suspend == 0 && (!found || w.deadline < d) {
			d, found = w.deadline, true
		}
	}
	return d, found
}

// anyHostWait reports whether some waiting thread can be woken by the host.
func (k *Kernel) anyHostWait() bool {
	for _, t := range k.threads {
		if t.wait != nil && t.wait.host {
			return true
		}
	}
	return false
}

// anyAlive reports whether a process other than explorer.exe is still running.
func (k *Kernel) anyAlive() bool {
	for _, p := range k.procs {
		if p != k.explorer && !p.exited {
			return true
		}
	}
	return false
}

// Blocked returns the live threads that wait, with a description of what they wait for (for deadlock reports).
func (k *Kernel) Blocked() []*Thread {
	var out []*Thread
	for _, t := range k.threads {
		if t.wait != nil && !t.idle {
			out = append(out, t)
		}
	}
	return out
}

// Step runs one instruction of t for a debugger: an API call (or a kernel stub) counts as one step, an
// exception is handled as in Run, and a breakpoint at EIP does not stop it (the instruction runs). It reports
// whether t could run.
func (k *Kernel) Step(t *Thread) bool {
	if !t.Runnable() {
		return false
	}
	k.cur = t
	if !t.started && t.CPU.EIP != t.Proc.ThreadStart() { // as runSlice
		k.redirectedStart(t)
	}
	for i := 0; i < 2; i++ {
		before := t.CPU.Count
		r := t.CPU.Step()
		k.clock += t.CPU.Count - before
		switch r {
		case cpu.StopThunk:
			k.clock++
			k.thunk(t)
		case cpu.StopFault, cpu.StopSingleStep:
			k.raise(t, t.CPU.Exception())
		case cpu.StopHalt:
			k.raise(t, cpu.Exception{Kind: cpu.Privileged, EIP: t.CPU.EIP})
		case cpu.StopBreakpoint:
			k.watchHit(t)
			continue // stopped before a breakpoint: the second Step runs the instruction
		}
		break
	}
	return true
}
