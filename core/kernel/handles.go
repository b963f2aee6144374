package kernel

import (
	"sort"

	"github.com/peek32/peek32/core/win32/abi"
)

// Handle is a value in one process's handle table.
type Handle uint32

// Pseudo-handles: valid in every process without a table entry.
const (
	CurrentProcess Handle = abi.CurrentProcess // -1
	CurrentThread  Handle = abi.CurrentThread  // -2
)

// HandleEntry is one slot of a handle table.
type HandleEntry struct {
	Object  Object
	Access  uint32
	Inherit bool
	// Protect is HANDLE_FLAG_PROTECT_FROM_CLOSE.
	Protect bool
}

// HandleTable is one process's handle table. Handle values are multiples of 4 starting at 4, the lowest free
// value is reused first (as Windows does), and every entry holds one reference on its object.
type HandleTable struct {
	entries map[Handle]*HandleEntry
	free    []Handle // closed values, ascending
	next    Handle
	// Max bounds the number of open handles (a guest that leaks handles gets ERROR_NO_MORE_ITEMS-like failure,
	// not unbounded host memory).
	Max int
}

// DefaultMaxHandles is the per-process handle limit (Windows allows about 16 million; a guest that needs more
// than this is leaking).
const DefaultMaxHandles = 1 << 16

// NewHandleTable returns an empty table.
func NewHandleTable() *HandleTable {
	return &HandleTable{entries: map[Handle]*HandleEntry{}, next: 4, Max: DefaultMaxHandles}
}

// Insert adds obj, taking a new reference on it, and returns the handle; ok is false when the table is full.
func (t *HandleTable) Insert(obj Object, access uint32, inherit bool) (Handle, bool) {
	if len(t.entries) >= t.Max {
		return 0, false
	}
	var h Handle
	if len(t.free) > 0 {
		h, t.free = t.free[0], t.free[1:]
	} else {
		h = t.next
		t.next += 4
	}
	obj.Header().Ref()
	t.entries[h] = &HandleEntry{Object: obj, Access: access, Inherit: inherit}
	return h, true
}

// InsertAt adds obj at handle value h (for handle inheritance: a child sees its parent's inheritable handles at
// the same values). It fails if h is not a valid handle value, is in use, or the table is full.
func (t *HandleTable) InsertAt(h Handle, obj Object, access uint32, inherit bool) bool {
	if h == 0 || h%4 != 0 || h >= 0x1000000 || len(t.entries) >= t.Max {
		return false
	}
	if _, used := t.entries[h]; used {
		return false
	}
	for i, f := range t.free {
		if f == h {
			t.free = append(t.free[:i], t.free[i+1:]...)
			break
		}
	}
	for ; t.next <= h; t.next += 4 {
		if t.next != h {
			t.free = append(t.free, t.next)
		}
	}
	sort.Slice(t.free, func(i, j int) bool { return t.free[i] < t.free[j] })
	obj.Header().Ref()
	t.entries[h] = &HandleEntry{Object: obj, Access: access, Inherit: inherit}
	return true
}

// Get returns the entry for h (not resolving pseudo-handles; the caller does that with its own process/thread).
// Windows ignores the low two bits of a handle value; so does Get.
func (t *HandleTable) Get(h Handle) (*HandleEntry, bool) {
	e, ok := t.entries[h&^3]
	return e, ok
}

// Close removes h and drops its reference. It returns false for an unknown handle or one protected from close.
func (t *HandleTable) Close(h Handle) bool {
	h &^= 3
	e, ok := t.entries[h]
	if !ok || e.Protect {
		return false
	}
	delete(t.entries, h)
	i := sort.Search(len(t.free), func(i int) bool { return t.free[i] >= h })
	t.free = append(t.free, 0)
	copy(t.free[i+1:], t.free[i:])
	t.free[i] = h
	e.Object.Header().Unref()
	return true
}

// CloseAll closes every handle, protected ones included, in ascending order (process rundown, §4 step 2).
func (t *HandleTable) CloseAll() {
	for _, h := range t.Handles() {
		e := t.entries[h]
		delete(t.entries, h)
		e.Object.Header().Unref()
	}
	t.free = nil
	t.next = 4
}

// Handles returns the open handle values in ascending order.
func (t *HandleTable) Handles() []Handle {
	hs := make([]Handle, 0, len(t.entries))
	for h := range t.entries {
		hs = append(hs, h)
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i] < hs[j] })
	return hs
}

// Len returns the number of open handles.
func (t *HandleTable) Len() int { return len(t.entries) }
