package kernel

// WaitingOn returns the objects t waits on and whether it waits for all of them (WaitForMultipleObjects with
// bWaitAll); a thread that sleeps or waits for nothing returns none. Deadlock reports use it to say which
// thread waits on what.
func (t *Thread) WaitingOn() (objs []Object, all bool) {
	if t.wait == nil {
		return nil, false
	}
	return t.wait.objects, t.wait.all
}
