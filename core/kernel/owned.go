package kernel

// Abandonable is an object a thread can own (a mutex): when the thread ends while owning it, the object is
// abandoned — Abandon runs, which frees it for the next waiter and makes that wait report WAIT_ABANDONED.
type Abandonable interface {
	Object
	// Abandon is called when t ends; it must check that t still owns the object (ownership can have moved
	// without Disown being called).
	Abandon(t *Thread)
}

// Own records that t now owns o, so that o is abandoned if t ends first. Owning an object twice records it once.
func (t *Thread) Own(o Abandonable) {
	for _, x := range t.owned {
		if x == o {
			return
		}
	}
	t.owned = append(t.owned, o)
}

// Disown forgets that t owns o (it released it).
func (t *Thread) Disown(o Abandonable) {
	for i, x := range t.owned {
		if x == o {
			t.owned = append(t.owned[:i], t.owned[i+1:]...)
			return
		}
	}
}

// abandonOwned abandons every object t still owns (endThread).
func (t *Thread) abandonOwned() {
	owned := t.owned
	t.owned = nil
	for _, o := range owned {
		o.Abandon(t)
	}
}
