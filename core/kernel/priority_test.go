package kernel

import "testing"

// TestBasePriority checks the class × relative-priority table of priority.go (Microsoft's "Scheduling
// Priorities" table).
func TestBasePriority(t *testing.T) {
	k := New(Config{})
	p := &Process{kernel: k}
	th := &Thread{Proc: p}
	cases := []struct {
		class uint32
		rel   int
		want  int
	}{
		{NormalPriorityClass, 0, 8}, {NormalPriorityClass, ThreadPriorityLowest, 6},
		{NormalPriorityClass, ThreadPriorityHighest, 10}, {NormalPriorityClass, ThreadPriorityIdle, 1},
		{NormalPriorityClass, ThreadPriorityTimeCritical, 15}, {IdlePriorityClass, ThreadPriorityLowest, 2},
		{BelowNormalPriorityClass, 1, 7}, {AboveNormalPriorityClass, -1, 9}, {HighPriorityClass, 2, 15},
		{HighPriorityClass, ThreadPriorityIdle, 1}, {RealtimePriorityClass, 0, 24},
		{RealtimePriorityClass, ThreadPriorityIdle, 16}, {RealtimePriorityClass, ThreadPriorityTimeCritical, 31},
		{RealtimePriorityClass, -7, 17}, {RealtimePriorityClass, 6, 30},
	}
	for _, c := range cases {
		if !p.SetPriorityClass(c.class) || !th.SetPriority(c.rel) {
			t.Fatalf("class 0x%X relative %d rejected", c.class, c.rel)
		}
		if got := th.BasePriority(); got != c.want {
			t.Errorf("class 0x%X relative %d: base %d, want %d", c.class, c.rel, got, c.want)
		}
	}
	p.SetPriorityClass(NormalPriorityClass)
	for _, bad := range []int{3, -3, 7, 16, -16} {
		if th.SetPriority(bad) {
			t.Errorf("relative priority %d accepted outside the realtime class", bad)
		}
	}
	if p.SetPriorityClass(0x12345) || p.SetPriorityClass(0) {
		t.Error("invalid priority class accepted")
	}
}

// TestStarvationBoost: a runnable thread that has not run for StarveAfter is boosted to 15 for one slice;
// a thread at 15 or above is never boosted.
func TestStarvationBoost(t *testing.T) {
	k := New(Config{StarveAfter: 1000})
	p := &Process{kernel: k}
	low := &Thread{Proc: p, priority: ThreadPriorityLowest}
	k.clock = 10
	low.readySince = k.clock + 1
	if got := k.effectivePriority(low); got != 6 {
		t.Fatalf("fresh thread at %d, want 6", got)
	}
	k.clock += 1000
	if got := k.effectivePriority(low); got != 15 {
		t.Errorf("starving thread at %d, want the boost to 15", got)
	}
	crit := &Thread{Proc: p, priority: ThreadPriorityTimeCritical, readySince: 1}
	if got := k.effectivePriority(crit); got != 15 || crit.boosted {
		t.Errorf("TIME_CRITICAL thread at %d (boosted %v), want 15 unboosted", got, crit.boosted)
	}
}

// TestInitialPriorityClass: the creation flags name the class; otherwise IDLE and BELOW_NORMAL are inherited
// and everything else starts NORMAL.
func TestInitialPriorityClass(t *testing.T) {
	k := New(Config{})
	parent := &Process{kernel: k}
	if c := initialPriorityClass(0x4|HighPriorityClass, parent); c != HighPriorityClass {
		t.Errorf("HIGH flag gave 0x%X", c)
	}
	if c := initialPriorityClass(0, parent); c != NormalPriorityClass {
		t.Errorf("normal parent gave 0x%X", c)
	}
	parent.SetPriorityClass(BelowNormalPriorityClass)
	if c := initialPriorityClass(0, parent); c != BelowNormalPriorityClass {
		t.Errorf("BELOW_NORMAL parent gave 0x%X, want it inherited", c)
	}
	parent.SetPriorityClass(HighPriorityClass)
	if c := initialPriorityClass(0, parent); c != NormalPriorityClass {
		t.Errorf("HIGH parent gave 0x%X, want NORMAL (not inherited)", c)
	}
}
