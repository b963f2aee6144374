package kernel

import "fmt"

// ThreadStack returns the stack reservation and commit of a new thread of p for CreateThread's dwStackSize,
// as kernel32's BaseCreateStack computes them: with STACK_SIZE_PARAM_IS_A_RESERVATION (reservation true) the
// size is the reservation and the commit is the exe header's; otherwise a non-zero size is the commit, the
// reservation is the exe header's, or the commit rounded up to a multiple of 1 MiB when it is not smaller
// than that. Zero takes the header's value (1 MiB / 4 KiB for a process without an image). setupStack rounds
// the reservation to 64 KiB and the commit to pages.
func ThreadStack(p *Process, size uint32, reservation bool) (reserve, commit uint32) {
	reserve, commit = 0x100000, 0x1000
	if p.Image != nil && p.Image.File != nil {
		reserve, commit = p.Image.File.StackReserve, p.Image.File.StackCommit
	}
	switch {
	case size == 0:
	case reservation:
		reserve = size
	default:
		commit = size
		if commit >= reserve {
			reserve = (commit + 0xFFFFF) &^ 0xFFFFF
			if reserve == 0 { // wrapped: the largest stack setupStack allows
				reserve = 256 << 20
			}
		}
	}
	return reserve, commit
}

// CreateThreadStack creates a thread of p like CreateThread, with the stack reservation and commit given
// (see ThreadStack).
func (k *Kernel) CreateThreadStack(p *Process, start, param, reserve, commit uint32, suspended bool) (*Thread, error) {
	if p.exited || p.exiting {
		return nil, fmt.Errorf("kernel: process %d is ending", p.ID)
	}
	t, err := k.newThread(p, start, param, reserve, commit, suspended)
	if err != nil {
		return nil, err
	}
	k.threads = append(k.threads, t)
	k.emit(Event{Kind: "thread-created", PID: p.ID, TID: t.ID, EIP: start,
		Text: fmt.Sprintf("thread %d created at 0x%08X", t.ID, start)})
	return t, nil
}
