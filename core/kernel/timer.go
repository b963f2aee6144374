package kernel

// Waitable timers on the virtual clock.
//
// A waitable timer is a SyncEvent whose header type is TypeTimer: a notification timer is a manual-reset event,
// a synchronization timer an auto-reset one, so waits on it behave like waits on events (the system layer's
// wait code consumes it the same way). The kernel keeps the armed timers in due order; the scheduler signals
// each one whose due time has come at the start of every time slice (fireTimers), and when every thread waits,
// the clock may jump to the next due time of a timer that someone waits on (nextTimer). A timer nobody waits on
// never moves the clock, so a periodic timer cannot keep an otherwise deadlocked machine spinning.

// armedTimer is one armed timer: its object, the clock value it fires at and its period (0: one-shot), in
// instructions.
type armedTimer struct {
	ev     *SyncEvent
	due    uint64
	period uint64
}

// NewTimer creates a waitable timer object with one reference (the caller's): manual is a notification timer,
// otherwise a synchronization timer. It starts unsignaled and disarmed.
func (k *Kernel) NewTimer(name string, manual bool) *SyncEvent {
	e := &SyncEvent{ManualReset: manual}
	e.Init(TypeTimer, name, func() { k.CancelTimer(e) })
	return e
}

// SetTimer arms timer e (made by NewTimer) to fire after `after` instructions of virtual time (0: at the next
// slice), then every period instructions if period is not 0. Arming resets the timer's signaled state, as
// SetWaitableTimer does.
func (k *Kernel) SetTimer(e *SyncEvent, after, period uint64) {
	k.CancelTimer(e)
	e.Reset()
	k.timers = append(k.timers, &armedTimer{ev: e, due: k.clock + after, period: period})
}

// CancelTimer disarms e; it reports whether e was armed. The signaled state is left as it is.
func (k *Kernel) CancelTimer(e *SyncEvent) bool {
	for i, t := range k.timers {
		if t.ev == e {
			k.timers = append(k.timers[:i], k.timers[i+1:]...)
			return true
		}
	}
	return false
}

// TimerArmed reports whether e is armed and, if so, the clock value it fires at next.
func (k *Kernel) TimerArmed(e *SyncEvent) (due uint64, armed bool) {
	for _, t := range k.timers {
		if t.ev == e {
			return t.due, true
		}
	}
	return 0, false
}

// fireTimers signals every timer whose due time has passed; periodic timers are re-armed at their next due
// time after the clock, one-shot timers are disarmed.
func (k *Kernel) fireTimers() {
	kept := k.timers[:0]
	for _, t := range k.timers {
		if t.due > k.clock {
			kept = append(kept, t)
			continue
		}
		t.ev.Signal()
		if t.period != 0 {
			t.due += ((k.clock-t.due)/t.period + 1) * t.period
			kept = append(kept, t)
		}
	}
	for i := len(kept); i < len(k.timers); i++ {
		k.timers[i] = nil
	}
	k.timers = kept
}

// nextTimer returns the earliest due time among armed timers that some thread waits on.
func (k *Kernel) nextTimer() (uint64, bool) {
	var d uint64
	found := false
	for _, t := range k.timers {
		if len(t.ev.waiters) > 0 && (!found || t.due < d) {
			d, found = t.due, true
		}
	}
	return d, found
}
