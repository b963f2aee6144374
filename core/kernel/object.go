package kernel

import "fmt"

// ObjectType names the kind of a kernel object, as the handle view and the trace show it.
type ObjectType uint8

// Object types.
const (
	TypeProcess ObjectType = iota + 1
	TypeThread
	TypeFile
	TypeEvent
	TypeMutex
	TypeSemaphore
	TypeConsole
	TypePipe
	TypeSection
	TypeTimer
	TypeOther
)

var typeNames = [...]string{"", "Process", "Thread", "File", "Event", "Mutant", "Semaphore", "Console", "Pipe",
	"Section", "Timer", "Other"}

// String returns the Windows object-type name ("Process", "Thread", "File", "Event", "Mutant", ...).
func (t ObjectType) String() string {
	if int(t) < len(typeNames) && t != 0 {
		return typeNames[t]
	}
	return fmt.Sprintf("ObjectType(%d)", uint8(t))
}

// Object is a kernel object: a process, a thread, a file, an event... Every object embeds a ObjectHeader, which holds
// its reference count and its signaled state.
//
// Reference counting follows Windows: every open handle holds one reference, and so does every kernel structure
// that keeps a pointer (a running process holds one on itself until it ends; a thread holds one on its process).
// When the count drops to zero the object's ObjectHeader calls its destroy function, which frees what the object still
// owns (for processes and threads: their ID goes back to the pool).
type Object interface {
	Header() *ObjectHeader
}

// ObjectHeader is the part every kernel object shares. Its zero value is not usable; call Init.
type ObjectHeader struct {
	typ      ObjectType
	name     string
	refs     int32
	signaled bool
	destroy  func()
	// waiters are the threads blocked on this object (issue 5: waits); woken in FIFO order.
	waiters []*Thread
}

// Init sets the object's type and name, its first reference (owned by the caller) and the function run when the
// last reference goes (destroy may be nil).
func (h *ObjectHeader) Init(typ ObjectType, name string, destroy func()) {
	h.typ, h.name, h.refs, h.destroy = typ, name, 1, destroy
}

// Header returns h itself, so a struct embedding ObjectHeader satisfies Object.
func (h *ObjectHeader) Header() *ObjectHeader { return h }

// Type returns the object's type.
func (h *ObjectHeader) Type() ObjectType { return h.typ }

// Name returns the object's name ("" for unnamed objects).
func (h *ObjectHeader) Name() string { return h.name }

// Refs returns the current reference count.
func (h *ObjectHeader) Refs() int32 { return h.refs }

// Signaled reports whether a wait on the object would be satisfied now.
func (h *ObjectHeader) Signaled() bool { return h.signaled }

// Ref adds a reference.
func (h *ObjectHeader) Ref() { h.refs++ }

// Unref drops a reference and destroys the object when it was the last one. Dropping a reference that does not
// exist is a kernel bug and panics (the facade's recover reports it).
func (h *ObjectHeader) Unref() {
	if h.refs <= 0 {
		panic(fmt.Sprintf("kernel: Unref of %v %q with %d references", h.typ, h.name, h.refs))
	}
	h.refs--
	if h.refs == 0 && h.destroy != nil {
		d := h.destroy
		h.destroy = nil
		d()
	}
}

// Signal sets the object signaled and ends the waits on it, in the order the waiters came (FIFO). A wait with a
// satisfy function (Thread.BlockSatisfy: WaitForSingleObject, WaitForMultipleObjects) is satisfied here, at
// signal time, as Windows does: satisfy takes the objects (an auto-reset event resets, a semaphore counts
// down, a mutex changes owner) and the thread wakes with its result, so a later waiter — or the signaling
// thread itself — cannot take what an earlier waiter was given, and a manual-reset event set and reset at
// once still releases everyone who waited. A waiter whose satisfy declines (the object was consumed by an
// earlier one, or a wait-all misses another object) keeps waiting. Other waits are woken and re-check their
// condition when their call runs again.
func (h *ObjectHeader) Signal() {
	h.signaled = true
	w := h.waiters
	h.waiters = nil
	for _, t := range w {
		wt := t.wait
		if wt == nil || wt.satisfy == nil {
			t.wake()
			continue
		}
		if r, ok := wt.satisfy(); ok {
			t.result, t.hasResult = r, true
			t.wake()
		} else {
			h.waiters = append(h.waiters, t)
		}
	}
}

// Reset clears the signaled state.
func (h *ObjectHeader) Reset() { h.signaled = false }

// addWaiter records that t waits on the object.
func (h *ObjectHeader) addWaiter(t *Thread) { h.waiters = append(h.waiters, t) }

// removeWaiter forgets t (its wait ended another way).
func (h *ObjectHeader) removeWaiter(t *Thread) {
	for i, w := range h.waiters {
		if w == t {
			h.waiters = append(h.waiters[:i], h.waiters[i+1:]...)
			return
		}
	}
}

// SyncEvent is a Win32 event object (manual or auto reset).
type SyncEvent struct {
	ObjectHeader
	ManualReset bool
}

// NewEvent creates an event with one reference (the caller's).
func NewEvent(name string, manual, initial bool) *SyncEvent {
	e := &SyncEvent{ManualReset: manual}
	e.Init(TypeEvent, name, nil)
	e.signaled = initial
	return e
}
