package core

import (
	"fmt"
	"strings"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32"
)

// describeWait says what a blocked thread waits on, for deadlock reports: each object with its type, its name
// if it has one, the waiting process's handle to it, and what it stands for (a mutex's owner, a thread's or a
// process's ID), e.g. `waits for Mutant (handle 0x4C, owned by thread 16)`.
func describeWait(t *kernel.Thread) string {
	objs, all := t.WaitingOn()
	if len(objs) == 0 {
		return "waits with nothing to wake it"
	}
	descs := make([]string, 0, len(objs))
	for _, o := range objs {
		descs = append(descs, describeObject(t.Proc, o))
	}
	switch {
	case len(descs) == 1:
		return "waits for " + descs[0]
	case all:
		return "waits for all of " + strings.Join(descs, ", ")
	}
	return "waits for any of " + strings.Join(descs, ", ")
}

// describeObject names one kernel object as seen from process p.
func describeObject(p *kernel.Process, o kernel.Object) string {
	h := o.Header()
	var b strings.Builder
	b.WriteString(h.Type().String())
	if n := h.Name(); n != "" {
		fmt.Fprintf(&b, " %q", n)
	}
	var details []string
	for _, hv := range p.Handles.Handles() {
		if e, ok := p.Handles.Get(hv); ok && e.Object == o {
			details = append(details, fmt.Sprintf("handle 0x%X", uint32(hv)))
			break
		}
	}
	switch x := o.(type) {
	case *win32.Mutex:
		if x.Owner != nil {
			details = append(details, fmt.Sprintf("owned by thread %d", x.Owner.ID))
		}
	case *kernel.Thread:
		details = append(details, fmt.Sprintf("thread %d", x.ID))
	case *kernel.Process:
		details = append(details, fmt.Sprintf("%s, PID %d", x.Name, x.ID))
	}
	if len(details) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(details, ", "))
	}
	return b.String()
}
