package kernel

import "testing"

func TestHandleTable_InsertCloseReuse(t *testing.T) {
	ht := NewHandleTable()
	e := NewEvent("", true, false)
	var hs []Handle
	for i := 0; i < 3; i++ {
		h, ok := ht.Insert(e, 0, false)
		if !ok {
			t.Fatal("insert failed")
		}
		hs = append(hs, h)
	}
	if hs[0] != 4 || hs[1] != 8 || hs[2] != 12 {
		t.Fatalf("handles %v, want 4 8 12", hs)
	}
	if e.Refs() != 4 {
		t.Fatalf("refs %d, want 4 (creator + 3 handles)", e.Refs())
	}
	if !ht.Close(8) {
		t.Fatal("close 8 failed")
	}
	if ht.Close(8) {
		t.Error("double close succeeded")
	}
	if e.Refs() != 3 {
		t.Errorf("refs after close %d, want 3", e.Refs())
	}
	if h, _ := ht.Insert(e, 0, false); h != 8 {
		t.Errorf("reused handle %d, want 8 (lowest free)", h)
	}
	if _, ok := ht.Get(13); !ok {
		t.Error("Get ignores the low two bits on Windows; 13 should find 12")
	}
	if _, ok := ht.Get(16); ok {
		t.Error("Get(16) found a handle never inserted")
	}
	ht.CloseAll()
	if e.Refs() != 1 || ht.Len() != 0 {
		t.Errorf("after CloseAll refs %d len %d", e.Refs(), ht.Len())
	}
}

func TestHandleTable_Limit(t *testing.T) {
	ht := NewHandleTable()
	ht.Max = 2
	e := NewEvent("", true, false)
	ht.Insert(e, 0, false)
	ht.Insert(e, 0, false)
	if _, ok := ht.Insert(e, 0, false); ok {
		t.Error("insert past Max succeeded")
	}
}

func TestObject_DestroyOnLastUnref(t *testing.T) {
	var h ObjectHeader
	destroyed := 0
	h.Init(TypeEvent, "x", func() { destroyed++ })
	h.Ref()
	h.Unref()
	if destroyed != 0 {
		t.Fatal("destroyed with a reference left")
	}
	h.Unref()
	if destroyed != 1 {
		t.Fatal("not destroyed at zero")
	}
}

func TestIDPool_ReuseAfterFree(t *testing.T) {
	p := NewIDPool()
	a, b, c := p.Alloc(), p.Alloc(), p.Alloc()
	if a != 4 || b != 8 || c != 12 {
		t.Fatalf("ids %d %d %d", a, b, c)
	}
	p.Free(8)
	p.Free(8) // ignored
	if got := p.Alloc(); got != 8 {
		t.Errorf("reused %d, want 8", got)
	}
	if got := p.Alloc(); got != 16 {
		t.Errorf("next %d, want 16", got)
	}
	if !p.InUse(4) || p.InUse(20) {
		t.Error("InUse wrong")
	}
}

// TestTermination_HandleKeepsObject checks §4/§5: closing a handle does not end a process; ending a process
// keeps its object (and ID) while a handle is open; the ID is reused only after the last handle closes.
func TestTermination_HandleKeepsObject(t *testing.T) {
	k, _ := newKernel(t)
	parent := k.Explorer()
	exe := buildExe(t, []byte{0xEB, 0xFE})
	res, err := k.CreateProcess(CreateParams{Parent: parent, Image: exe, ImagePath: `C:\t\spin.exe`})
	if err != nil {
		t.Fatal(err)
	}
	p, th := res.Process, res.Thread
	// Close the thread handle: the thread keeps running.
	parent.Handles.Close(res.HThread)
	k.Run(50_000)
	if th.State() == ThreadTerminated || p.Exited() {
		t.Fatal("closing a handle ended the thread")
	}
	k.TerminateProcess(p, 42)
	if !p.Exited() || p.ExitCode() != 42 || th.ExitCode() != 42 {
		t.Fatalf("after TerminateProcess: exited %v code %d thread %d", p.Exited(), p.ExitCode(), th.ExitCode())
	}
	if !k.IDs().InUse(p.ID) {
		t.Fatal("PID freed while a handle is open")
	}
	if k.IDs().InUse(th.ID) {
		t.Error("TID still in use: its handle was closed and the thread ended")
	}
	pid := p.ID
	parent.Handles.Close(res.HProcess)
	if k.IDs().InUse(pid) {
		t.Error("PID not freed after the last handle closed")
	}
	if k.Process(pid) != nil {
		t.Error("process object still listed")
	}
}

func TestHandleTable_InsertAt(t *testing.T) {
	ht := NewHandleTable()
	e := NewEvent("", true, false)
	if !ht.InsertAt(12, e, 0, true) {
		t.Fatal("InsertAt 12 failed")
	}
	if ht.InsertAt(12, e, 0, true) || ht.InsertAt(13, e, 0, true) || ht.InsertAt(0, e, 0, true) {
		t.Error("InsertAt accepted a used, unaligned or zero value")
	}
	got := []Handle{}
	for i := 0; i < 3; i++ {
		h, _ := ht.Insert(e, 0, false)
		got = append(got, h)
	}
	if got[0] != 4 || got[1] != 8 || got[2] != 16 {
		t.Errorf("after InsertAt(12), Insert gave %v, want 4 8 16", got)
	}
}
