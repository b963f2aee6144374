package kernel

import "github.com/peek32/peek32/mm"

// WriteContextTo stores t's registers as a CONTEXT at addr in space: GetThreadContext, whose buffer is in the
// calling process, which need not be t's.
func (t *Thread) WriteContextTo(space *mm.Space, addr uint32) error {
	return writeContext(space, addr, t.CPU.SaveContext())
}
