package win32

// Events, mutexes and semaphores, named and unnamed: CreateEvent(Ex), CreateMutex(Ex), CreateSemaphore(Ex),
// OpenEvent, OpenMutex, OpenSemaphore.
//
// A named object lives in the kernel's machine-wide namespace (kernel.Namespace: the session's directory for
// plain and "Local\" names, the global one for "Global\" names) until its last reference goes. Creating an object under
// a name that exists opens the existing object instead — the creation parameters (initial owner, initial state,
// counts) are ignored — and sets the last error to ERROR_ALREADY_EXISTS; if the existing object is of another
// type (including a file mapping of that name) the call fails with ERROR_INVALID_HANDLE. Opening a name that
// does not exist fails with ERROR_FILE_NOT_FOUND; a name with a backslash past the session prefix names a
// directory that does not exist (ERROR_PATH_NOT_FOUND). Access masks are recorded in the handle table but
// not enforced.

import (
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// Full-access masks of the synchronization objects.
const (
	eventAllAccess     = 0x1F0003
	mutexAllAccess     = 0x1F0001
	semaphoreAllAccess = 0x1F0003
	createMutexOwner   = 0x1 // CREATE_MUTEX_INITIAL_OWNER
	createEventManual  = 0x1 // CREATE_EVENT_MANUAL_RESET
	createEventSet     = 0x2 // CREATE_EVENT_INITIAL_SET
)

func init() {
	kernel32.Add(
		Export{Name: "CreateEventA", ArgBytes: 16, Handler: func(c *Call) { createEventCall(c, false, false) }},
		Export{Name: "CreateEventW", ArgBytes: 16, Handler: func(c *Call) { createEventCall(c, true, false) }},
		Export{Name: "CreateEventExA", ArgBytes: 16, Handler: func(c *Call) { createEventCall(c, false, true) }},
		Export{Name: "CreateEventExW", ArgBytes: 16, Handler: func(c *Call) { createEventCall(c, true, true) }},
		Export{Name: "CreateMutexA", ArgBytes: 12, Handler: func(c *Call) { createMutexCall(c, false, false) }},
		Export{Name: "CreateMutexW", ArgBytes: 12, Handler: func(c *Call) { createMutexCall(c, true, false) }},
		Export{Name: "CreateMutexExA", ArgBytes: 16, Handler: func(c *Call) { createMutexCall(c, false, true) }},
		Export{Name: "CreateMutexExW", ArgBytes: 16, Handler: func(c *Call) { createMutexCall(c, true, true) }},
		Export{Name: "CreateSemaphoreA", ArgBytes: 16, Handler: func(c *Call) { createSemaphoreCall(c, false, false) }},
		Export{Name: "CreateSemaphoreW", ArgBytes: 16, Handler: func(c *Call) { createSemaphoreCall(c, true, false) }},
		Export{Name: "CreateSemaphoreExA", ArgBytes: 24, Handler: func(c *Call) { createSemaphoreCall(c, false, true) }},
		Export{Name: "CreateSemaphoreExW", ArgBytes: 24, Handler: func(c *Call) { createSemaphoreCall(c, true, true) }},
		Export{Name: "PulseEvent", ArgBytes: 4, Handler: pulseEvent},
		Export{Name: "OpenEventA", ArgBytes: 12, Handler: func(c *Call) { openNamed(c, false, kernel.TypeEvent) }},
		Export{Name: "OpenEventW", ArgBytes: 12, Handler: func(c *Call) { openNamed(c, true, kernel.TypeEvent) }},
		Export{Name: "OpenMutexA", ArgBytes: 12, Handler: func(c *Call) { openNamed(c, false, kernel.TypeMutex) }},
		Export{Name: "OpenMutexW", ArgBytes: 12, Handler: func(c *Call) { openNamed(c, true, kernel.TypeMutex) }},
		Export{Name: "OpenSemaphoreA", ArgBytes: 12, Handler: func(c *Call) { openNamed(c, false, kernel.TypeSemaphore) }},
		Export{Name: "OpenSemaphoreW", ArgBytes: 12, Handler: func(c *Call) { openNamed(c, true, kernel.TypeSemaphore) }},
	)
}

// inheritFlag reads SECURITY_ATTRIBUTES.bInheritHandle (nLength, lpSecurityDescriptor, bInheritHandle) from
// argument i; a null pointer means not inheritable. ok is false when the structure cannot be read.
func inheritFlag(c *Call, i int) (inherit, ok bool) {
	sa := c.Arg(i)
	if sa == 0 {
		return false, true
	}
	v, ok := c.R32(sa + 8)
	return v != 0, ok
}

// nameArg reads an optional object name (a null pointer is an unnamed object). ok is false when the string
// cannot be read.
func nameArg(c *Call, i int, wide bool) (string, bool) {
	if c.Arg(i) == 0 {
		return "", true
	}
	return c.strArg(i, wide)
}

// createNamed completes a Create call for an object of type typ: with a name that exists, the existing object
// is opened (ERROR_ALREADY_EXISTS) or the call fails for another type; otherwise newObj makes the object (with
// one reference, the caller's, and the canonical name), which is registered under its name and given a
// handle.
func createNamed(c *Call, name string, typ kernel.ObjectType, access uint32, inherit bool, newObj func(name string) kernel.Object) {
	canon, st := kernel.CanonicalName(name)
	switch st {
	case kernel.NameBadPath:
		c.Fail(abi.ERROR_PATH_NOT_FOUND, 0)
		return
	case kernel.NameOK:
		if old := c.K.Names().Lookup(canon); old != nil || c.S.objects().sections[objectName(name)] != nil {
			if old == nil || old.Header().Type() != typ {
				c.Fail(abi.ERROR_INVALID_HANDLE, 0)
				return
			}
			h, ok := c.P.Handles.Insert(old, access, inherit)
			if !ok {
				c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
				return
			}
			c.Fail(abi.ERROR_ALREADY_EXISTS, uint32(h))
			return
		}
	default:
		canon = ""
	}
	o := newObj(canon)
	if canon != "" {
		c.K.Names().Insert(o)
	}
	h, ok := c.P.Handles.Insert(o, access, inherit)
	o.Header().Unref() // the handle holds it now (or, on failure, nothing does)
	if !ok {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	c.Succeed(uint32(h))
}

// createEventCall is CreateEvent(attrs, manual, initial, name) and CreateEventEx(attrs, name, flags, access).
func createEventCall(c *Call, wide, ex bool) {
	inherit, ok := inheritFlag(c, 0)
	var manual, initial bool
	var name string
	var nameOK bool
	access := uint32(eventAllAccess)
	if ex {
		name, nameOK = nameArg(c, 1, wide)
		flags := c.Arg(2)
		manual, initial, access = flags&createEventManual != 0, flags&createEventSet != 0, c.Arg(3)
	} else {
		manual, initial = c.Arg(1) != 0, c.Arg(2) != 0
		name, nameOK = nameArg(c, 3, wide)
	}
	if !ok || !nameOK {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	createNamed(c, name, kernel.TypeEvent, access, inherit, func(n string) kernel.Object {
		return kernel.NewEvent(n, manual, initial)
	})
}

// createMutexCall is CreateMutex(attrs, initialOwner, name) and CreateMutexEx(attrs, name, flags, access).
func createMutexCall(c *Call, wide, ex bool) {
	inherit, ok := inheritFlag(c, 0)
	var owner, nameOK bool
	var name string
	access := uint32(mutexAllAccess)
	if ex {
		name, nameOK = nameArg(c, 1, wide)
		owner, access = c.Arg(2)&createMutexOwner != 0, c.Arg(3)
	} else {
		owner = c.Arg(1) != 0
		name, nameOK = nameArg(c, 2, wide)
	}
	if !ok || !nameOK {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	createNamed(c, name, kernel.TypeMutex, access, inherit, func(n string) kernel.Object {
		m := &Mutex{}
		m.Init(kernel.TypeMutex, n, nil)
		if owner {
			m.Owner, m.Count = c.T, 1
			c.T.Own(m)
		} else {
			m.Signal()
		}
		return m
	})
}

// createSemaphoreCall is CreateSemaphore(attrs, initial, max, name) and CreateSemaphoreEx(attrs, initial, max,
// name, flags, access). The counts are checked even when the name exists, as NtCreateSemaphore does.
func createSemaphoreCall(c *Call, wide, ex bool) {
	inherit, ok := inheritFlag(c, 0)
	initial, maxc := int32(c.Arg(1)), int32(c.Arg(2))
	name, nameOK := nameArg(c, 3, wide)
	access := uint32(semaphoreAllAccess)
	if ex {
		c.Arg(4)
		access = c.Arg(5)
	}
	if !ok || !nameOK {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	if maxc <= 0 || initial < 0 || initial > maxc {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	createNamed(c, name, kernel.TypeSemaphore, access, inherit, func(n string) kernel.Object {
		s := &Semaphore{Count: initial, Max: maxc}
		s.Init(kernel.TypeSemaphore, n, nil)
		if initial > 0 {
			s.Signal()
		}
		return s
	})
}

// openNamed is OpenEvent/OpenMutex/OpenSemaphore(access, inherit, name).
func openNamed(c *Call, wide bool, typ kernel.ObjectType) {
	access, inherit := c.Arg(0), c.Arg(1) != 0
	if c.Arg(2) == 0 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	name, ok := c.strArg(2, wide)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	canon, st := kernel.CanonicalName(name)
	switch st {
	case kernel.NameBadPath:
		c.Fail(abi.ERROR_PATH_NOT_FOUND, 0)
		return
	case kernel.NameEmpty:
		c.Fail(abi.ERROR_INVALID_HANDLE, 0) // "" names the directory itself, not an object of this type
		return
	}
	o := c.K.Names().Lookup(canon)
	if o == nil {
		if c.S.objects().sections[objectName(name)] != nil {
			c.Fail(abi.ERROR_INVALID_HANDLE, 0)
			return
		}
		c.Fail(abi.ERROR_FILE_NOT_FOUND, 0)
		return
	}
	if o.Header().Type() != typ {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	h, ok := c.P.Handles.Insert(o, access, inherit)
	if !ok {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	c.Return(uint32(h)) // success leaves the last error alone, as kernel32's OpenXxx do
}

// acquireWait takes o for a satisfied wait by t (acquire) and reports whether it was an abandoned mutex.
func acquireWait(o kernel.Object, t *kernel.Thread) bool {
	acquire(o, t)
	m, ok := o.(*Mutex)
	return ok && m.tookAbandoned
}

// pulseEvent sets the event and resets it at once: the waits pending on it are satisfied at the signal (all of
// them for a manual-reset event, the first for an auto-reset one), then it is non-signaled. Waiters that only
// re-check when woken (not WaitForSingleObject/WaitForMultipleObjects) may miss the pulse, as Microsoft warns.
func pulseEvent(c *Call) {
	o, ok := c.Object(c.Arg(0))
	e, isE := o.(*kernel.SyncEvent)
	if !ok || !isE || e.Type() != kernel.TypeEvent {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	e.Signal()
	e.Reset()
	c.Return(1)
}
