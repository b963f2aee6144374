package kernel

import "testing"

func TestCanonicalName(t *testing.T) {
	cases := []struct {
		in, want string
		st       NameStatus
	}{
		{"x", "x", NameOK}, {`Local\x`, "x", NameOK}, {`Global\x`, `Global\x`, NameOK},
		{`Session\1\x`, "x", NameOK}, {"", "", NameEmpty}, {`Local\`, "", NameEmpty},
		{`a\b`, `a\b`, NameBadPath}, {`Global\a\b`, `Global\a\b`, NameBadPath}, {"Case", "Case", NameOK},
	}
	for _, c := range cases {
		if got, st := CanonicalName(c.in); got != c.want || st != c.st {
			t.Errorf("CanonicalName(%q) = %q, %d; want %q, %d", c.in, got, st, c.want, c.st)
		}
	}
}

// TestNamespaceLifetime: a name is found while its object has references and freed with the last one; a taken
// name cannot be inserted twice; the object's own destroy function still runs.
func TestNamespaceLifetime(t *testing.T) {
	k := New(Config{})
	n := k.Names()
	destroyed := false
	e := &SyncEvent{}
	e.Init(TypeEvent, "ev", func() { destroyed = true })
	if !n.Insert(e) || n.Lookup("ev") != Object(e) {
		t.Fatal("insert/lookup failed")
	}
	other := NewEvent("ev", false, false)
	if n.Insert(other) {
		t.Error("a taken name was inserted again")
	}
	e.Ref() // a second handle
	e.Unref()
	if n.Lookup("ev") == nil {
		t.Error("name gone while a reference remains")
	}
	e.Unref()
	if n.Lookup("ev") != nil || n.Len() != 0 || !destroyed {
		t.Errorf("after the last reference: lookup %v, len %d, destroyed %v", n.Lookup("ev"), n.Len(), destroyed)
	}
	if !n.Insert(other) {
		t.Error("the freed name could not be reused")
	}
}
