package mm

// Machine owns what all the address spaces of one emulated machine share: the commit limit and its
// running total, and the kernel half (one page table referenced by every Space).
//
// A Machine and its Spaces are not safe for concurrent use: the emulator drives them from one goroutine.
type Machine struct {
	limit     uint64 // bytes; 0 = unlimited
	committed uint64 // bytes committed by all spaces, the kernel included
	kernel    *Space
	spaces    map[*Space]struct{} // open spaces, the kernel included (for Verify)
	genSeq    uint32              // the last page generation handed out
}

// nextGen returns a fresh generation, greater than every one handed out before (until it wraps after
// 2^32 changes). Page generations are machine-wide so that PageGen can combine a page's own
// generation with its frame's (see pte.generation) and still never return an earlier value.
func (m *Machine) nextGen() uint32 {
	m.genSeq++
	return m.genSeq
}

// markFrameCode marks f as holding code. If other PTEs map f, some of them (shared in place) may
// hold it in their write TLBs, which would bypass the generation bump: drop every write TLB.
func (m *Machine) markFrameCode(f *frame) {
	if f.code {
		return
	}
	f.code = true
	if f.refs > 1 {
		for s := range m.spaces {
			s.flushWTLB()
		}
	}
}

// NewMachine returns a machine whose spaces together may commit at most commitLimit bytes
// (0 means no limit). Going past it is an ErrCommitLimit error, never a host crash.
func NewMachine(commitLimit uint64) *Machine {
	m := &Machine{limit: commitLimit, spaces: map[*Space]struct{}{}}
	m.kernel = newSpace(m, true)
	return m
}

// NewSpace returns an empty process address space. Its addresses >= KernelBase resolve through the
// machine's kernel half.
func (m *Machine) NewSpace() *Space { return newSpace(m, false) }

// Kernel returns the kernel-half Space. Reservations made through it land in KernelBase..KernelMax-1 and
// are visible at once in every Space of the machine (to kernel-mode accesses). All its own accesses
// are kernel mode; its user half is always empty. It cannot be closed or cloned.
func (m *Machine) Kernel() *Space { return m.kernel }

// CommitLimit returns the limit given to NewMachine (0 = unlimited).
func (m *Machine) CommitLimit() uint64 { return m.limit }

// Committed returns the bytes committed by all spaces of the machine together.
func (m *Machine) Committed() uint64 { return m.committed }

// charge reserves pages of commit, or reports false if the limit would be exceeded.
func (m *Machine) charge(pages uint64) bool {
	n := pages * PageSize
	if m.limit != 0 && (m.committed+n > m.limit || m.committed+n < m.committed) {
		return false
	}
	m.committed += n
	return true
}

func (m *Machine) uncharge(pages uint64) { m.committed -= pages * PageSize }
