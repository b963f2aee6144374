package kernel

import "testing"

// TestTimers_FireAndRearm drives the timer queue by hand: a one-shot timer fires once at its due time, a
// periodic one re-arms after the clock (skipping the periods the clock jumped over), cancel disarms, and a
// timer nobody waits on never offers the idle scheduler a deadline.
func TestTimers_FireAndRearm(t *testing.T) {
	k := New(Config{})
	one := k.NewTimer("", true)
	per := k.NewTimer("", false)
	k.SetTimer(one, 100, 0)
	k.SetTimer(per, 50, 30)
	if _, ok := k.nextTimer(); ok {
		t.Fatal("nextTimer offers a deadline though nobody waits")
	}
	per.addWaiter(&Thread{})
	if d, ok := k.nextTimer(); !ok || d != 50 {
		t.Fatalf("nextTimer = %d, %v; want 50", d, ok)
	}
	k.clock = 49
	k.fireTimers()
	if one.Signaled() || per.Signaled() {
		t.Fatal("a timer fired early")
	}
	k.clock = 100
	k.fireTimers()
	if !one.Signaled() || !per.Signaled() {
		t.Fatal("timers did not fire at their due time")
	}
	if _, armed := k.TimerArmed(one); armed {
		t.Error("a one-shot timer is still armed after firing")
	}
	if due, armed := k.TimerArmed(per); !armed || due != 110 {
		t.Errorf("periodic timer due %d armed %v; want 110 (50+30+30 is the first after 100)", due, armed)
	}
	per.Reset()
	if !k.CancelTimer(per) || k.CancelTimer(per) {
		t.Error("CancelTimer: want true then false")
	}
	k.clock = 1000
	k.fireTimers()
	if per.Signaled() {
		t.Error("a cancelled timer fired")
	}
	// The last reference disarms an armed timer.
	k.SetTimer(one, 10, 10)
	one.Unref()
	if _, armed := k.TimerArmed(one); armed {
		t.Error("a destroyed timer stays armed")
	}
}

// TestTimers_SetResets checks that arming resets the signaled state (SetWaitableTimer).
func TestTimers_SetResets(t *testing.T) {
	k := New(Config{})
	e := k.NewTimer("", true)
	k.SetTimer(e, 0, 0)
	k.fireTimers()
	if !e.Signaled() {
		t.Fatal("a timer due now did not fire")
	}
	k.SetTimer(e, 10, 0)
	if e.Signaled() {
		t.Error("SetTimer left the timer signaled")
	}
	if e.Type() != TypeTimer {
		t.Errorf("type %v, want Timer", e.Type())
	}
}
