package kernel

// Thread priorities and the scheduling rule.
//
// Every thread has a base priority from 1 to 31, computed as Windows does from its process's priority class
// and its own relative priority (SetThreadPriority):
//
//	class          base   THREAD_PRIORITY_IDLE  LOWEST..HIGHEST  TIME_CRITICAL
//	IDLE           4      1                     2..6             15
//	BELOW_NORMAL   6      1                     4..8             15
//	NORMAL         8      1                     6..10            15
//	ABOVE_NORMAL   10     1                     8..12            15
//	HIGH           13     1                     11..15           15
//	REALTIME       24     16                    22..26           31
//
// The scheduler (sched.go) is strict priority with round robin inside a level: each slice goes to a runnable
// thread of the highest effective priority, and threads of that level take turns in creation order. A thread
// of lower priority runs only when no higher one is runnable, and a running thread is preempted after an API
// call that made a higher-priority thread runnable (or changed priorities) — except for the anti-starvation rule, modelled
// on Windows' balance-set manager: a runnable thread that has not had the CPU for Config.StarveAfter
// instructions of virtual time (default 4 s, as Windows) is boosted to priority 15 for one time slice, then
// drops back to its base priority. Threads at 15 and above are never boosted (realtime threads can starve
// the others, as on Windows). The dynamic boosts Windows gives on wake-up (after I/O, an event, a GUI
// message) and priority-class quantum stretching are not modelled. Everything is counted in instructions of
// virtual time, so the choice is deterministic.

// Priority classes (the PROCESS_CREATION flags values GetPriorityClass returns).
const (
	IdlePriorityClass        = 0x00000040
	BelowNormalPriorityClass = 0x00004000
	NormalPriorityClass      = 0x00000020
	AboveNormalPriorityClass = 0x00008000
	HighPriorityClass        = 0x00000080
	RealtimePriorityClass    = 0x00000100
)

// Relative thread priorities (THREAD_PRIORITY_*).
const (
	ThreadPriorityIdle         = -15
	ThreadPriorityLowest       = -2
	ThreadPriorityNormal       = 0
	ThreadPriorityHighest      = 2
	ThreadPriorityTimeCritical = 15
)

// classBase returns a priority class's base priority, or 0 for a value that is not a class.
func classBase(class uint32) int {
	switch class {
	case IdlePriorityClass:
		return 4
	case BelowNormalPriorityClass:
		return 6
	case NormalPriorityClass:
		return 8
	case AboveNormalPriorityClass:
		return 10
	case HighPriorityClass:
		return 13
	case RealtimePriorityClass:
		return 24
	}
	return 0
}

// PriorityClass returns the process's priority class (NORMAL_PRIORITY_CLASS unless set).
func (p *Process) PriorityClass() uint32 {
	if p.priorityClass == 0 {
		return NormalPriorityClass
	}
	return p.priorityClass
}

// SetPriorityClass sets the process's priority class; it reports false for a value that is not one.
func (p *Process) SetPriorityClass(class uint32) bool {
	if classBase(class) == 0 {
		return false
	}
	p.priorityClass = class
	p.kernel.noteNonDefaultPriority()
	return true
}

// Priority returns the thread's relative priority (THREAD_PRIORITY_*).
func (t *Thread) Priority() int { return t.priority }

// SetPriority sets the thread's relative priority; it reports false for a value SetThreadPriority rejects
// (anything but IDLE, -2..2 and TIME_CRITICAL; realtime processes' -7..6 are accepted too).
func (t *Thread) SetPriority(rel int) bool {
	switch {
	case rel == ThreadPriorityIdle, rel == ThreadPriorityTimeCritical:
	case rel >= ThreadPriorityLowest && rel <= ThreadPriorityHighest:
	case t.Proc.PriorityClass() == RealtimePriorityClass && rel >= -7 && rel <= 6:
	default:
		return false
	}
	t.priority = rel
	t.Proc.kernel.noteNonDefaultPriority()
	return true
}

// BasePriority returns the thread's base priority, 1..31, from its process's class and its relative priority.
func (t *Thread) BasePriority() int {
	base := classBase(t.Proc.PriorityClass())
	lo, hi := 1, 15
	if base >= 16 {
		lo, hi = 16, 31
	}
	switch t.priority {
	case ThreadPriorityIdle:
		return lo
	case ThreadPriorityTimeCritical:
		return hi
	}
	return min(max(base+t.priority, lo), hi)
}

// starveBoost is the priority a starving thread is boosted to for one slice.
const starveBoost = 15

// effectivePriority is the priority pick compares: the base priority, or 15 for a starving thread.
func (k *Kernel) effectivePriority(t *Thread) int {
	base := t.BasePriority()
	if base >= starveBoost {
		return base
	}
	if !t.boosted && t.readySince != 0 && k.clock+1-t.readySince >= k.cfg.StarveAfter {
		t.boosted = true
	}
	if t.boosted {
		return starveBoost
	}
	return base
}

// Yield ends t's time slice after its current API call (Sleep(0), SwitchToThread). With anyPriority
// (SwitchToThread) the next slice goes to another runnable thread whatever its priority, if there is one;
// otherwise (Sleep(0)) t goes to the back of its priority level and runs again at once if no thread of equal
// or higher priority is runnable. It reports whether another thread is runnable (SwitchToThread's result).
func (k *Kernel) Yield(t *Thread, anyPriority bool) bool {
	other := false
	for _, x := range k.threads {
		if x != t && x.Runnable() {
			other = true
			break
		}
	}
	k.yield = true
	if anyPriority && other {
		k.skip = t
	}
	return other
}

// noteNonDefaultPriority records that some thread or process may now have a non-default priority, which turns
// on the preemption check after API calls (runSlice); programs that never touch priorities skip it.
func (k *Kernel) noteNonDefaultPriority() { k.prioritiesUsed = true }

// higherReady reports whether a runnable thread other than t has a higher effective priority than t: the
// running thread is then preempted after its current API call (it made a thread runnable, or changed a
// priority), as Windows preempts at once for a higher-priority thread.
func (k *Kernel) higherReady(t *Thread) bool {
	if !k.prioritiesUsed {
		return false
	}
	mine := k.effectivePriority(t)
	for _, x := range k.threads {
		if x != t && x.Runnable() && k.effectivePriority(x) > mine {
			return true
		}
	}
	return false
}

// initialPriorityClass is a new process's priority class: the one its creation flags name, else the parent's
// when that is IDLE or BELOW_NORMAL (which children inherit), else NORMAL (CreateProcess's documentation).
// Several class flags at once are rejected by Windows; here the highest wins.
func initialPriorityClass(flags uint32, parent *Process) uint32 {
	for _, c := range []uint32{RealtimePriorityClass, HighPriorityClass, AboveNormalPriorityClass,
		NormalPriorityClass, BelowNormalPriorityClass, IdlePriorityClass} {
		if flags&c != 0 {
			return c
		}
	}
	if parent != nil {
		if c := parent.PriorityClass(); c == IdlePriorityClass || c == BelowNormalPriorityClass {
			return c
		}
	}
	return NormalPriorityClass
}
