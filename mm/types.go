package mm

import "strconv"

// Address-space layout constants (PROCESS_MODEL.md §6).
const (
	// PageSize is the size of a page: the unit of commit, protection and sharing.
	PageSize = 4096
	// AllocGranularity is the alignment of every reservation's base address.
	AllocGranularity = 0x10000
	// UserMin is the lowest address a user reservation may start at; 0..UserMin-1 is the NULL region.
	UserMin = 0x00010000
	// UserMax is the exclusive end of user allocations; UserMax..KernelBase-1 is the guard between the halves.
	UserMax = 0x7FFF0000
	// KernelBase is the first address of the kernel half, shared by every Space of a Machine.
	KernelBase = 0x80000000
	// KernelMax is the exclusive end of kernel allocations (the top 64 KiB is never handed out).
	KernelMax = 0xFFFF0000

	pageShift = 12
	pageMask  = PageSize - 1
)

// Prot is a page protection: a set of bits. Any combination of the defined bits is accepted.
//
// Read, write and execute permission are checked on every access. ProtCopy (write-copy) permits writes
// like ProtWrite; the first write gives the page a private frame (copying only if the frame is shared)
// and turns ProtCopy into ProtWrite, as Windows turns PAGE_WRITECOPY into PAGE_READWRITE. ProtGuard makes
// the first access of any kind fault with FaultGuard and clears the bit, so the retried access succeeds.
// mm knows nothing of Windows PAGE_* values; the win32 layer maps them (PAGE_EXECUTE, which x86 lets
// programs read, should map to ProtExec|ProtRead).
type Prot uint8

// Protection bits.
const (
	ProtNone  Prot = 0
	ProtRead  Prot = 1 << 0
	ProtWrite Prot = 1 << 1
	ProtExec  Prot = 1 << 2
	ProtCopy  Prot = 1 << 3 // write-copy: writable; a write makes the page private and becomes ProtWrite
	ProtGuard Prot = 1 << 4 // first access faults with FaultGuard and clears the bit

	protAll = ProtRead | ProtWrite | ProtExec | ProtCopy | ProtGuard
)

// Valid reports whether p has only defined bits.
func (p Prot) Valid() bool { return p&^protAll == 0 }

// Writable reports whether writes are permitted (ProtWrite or ProtCopy).
func (p Prot) Writable() bool { return p&(ProtWrite|ProtCopy) != 0 }

// String renders p like "RWX", "R-X+C", "---", with "+C" for write-copy and "+G" for guard.
func (p Prot) String() string {
	b := []byte("---")
	if p&ProtRead != 0 {
		b[0] = 'R'
	}
	if p&ProtWrite != 0 {
		b[1] = 'W'
	}
	if p&ProtExec != 0 {
		b[2] = 'X'
	}
	if p&ProtCopy != 0 {
		b = append(b, "+C"...)
	}
	if p&ProtGuard != 0 {
		b = append(b, "+G"...)
	}
	if !p.Valid() {
		b = append(b, "+?"...)
	}
	return string(b)
}

// Access describes one memory access: a kind (exactly one of AccessRead, AccessWrite, AccessExec) and
// option bits. AccessKernel lets the access reach the kernel half (user-mode accesses there fault with
// FaultKernel). AccessForce ignores protection and guard bits (pages must still be committed); it is for
// the loader and the debugger, and a forced write to a shared frame still copies it first, so no other
// Space ever sees it.
type Access uint8

// Access kinds and options.
const (
	AccessRead   Access = 1 << 0
	AccessWrite  Access = 1 << 1
	AccessExec   Access = 1 << 2
	AccessKernel Access = 1 << 6 // option: kernel mode
	AccessForce  Access = 1 << 7 // option: ignore protection and guard

	accessKinds = AccessRead | AccessWrite | AccessExec
)

// Kind returns a's kind bits without the options.
func (a Access) Kind() Access { return a & accessKinds }

// String names the access kind ("read", "write", "execute").
func (a Access) String() string {
	switch a.Kind() {
	case AccessRead:
		return "read"
	case AccessWrite:
		return "write"
	case AccessExec:
		return "execute"
	}
	return "access(" + strconv.Itoa(int(a)) + ")"
}

// FaultReason says why an access faulted.
type FaultReason uint8

// Fault reasons.
const (
	FaultNone       FaultReason = iota // no fault (zero Fault)
	FaultFree                          // the address is not reserved
	FaultReserved                      // reserved but not committed
	FaultProtection                    // the page's protection forbids this access kind
	FaultGuard                         // a guard page: the bit is now cleared
	FaultKernel                        // a kernel-half address accessed in user mode
)

var faultNames = [...]string{"none", "free", "reserved", "protection", "guard", "kernel"}

// String names the reason.
func (r FaultReason) String() string { return enumName(faultNames[:], uint8(r), "fault") }

// enumName returns names[v], or kind(v) for a value past the table.
func enumName(names []string, v uint8, kind string) string {
	if int(v) < len(names) {
		return names[v]
	}
	return kind + "(" + strconv.Itoa(int(v)) + ")"
}

// Fault describes a failed access: the first inaccessible byte, the access kind (options stripped) and
// the reason. It implements error; bulk accessors return it as one.
type Fault struct {
	Addr   uint32
	Access Access
	Reason FaultReason
}

// Error implements error.
func (f Fault) Error() string {
	return "mm: " + f.Access.String() + " fault at 0x" + hex32(f.Addr) + " (" + f.Reason.String() + ")"
}

// State is a page's or region's allocation state.
type State uint8

// States.
const (
	StateFree State = iota
	StateReserve
	StateCommit
)

var stateNames = [...]string{"free", "reserve", "commit"}

// String names the state.
func (s State) String() string { return enumName(stateNames[:], uint8(s), "state") }

// Type is a reservation's type.
type Type uint8

// Types. TypeNone is the type of free memory and is not a valid argument to Reserve.
const (
	TypeNone Type = iota
	TypeImage
	TypeMapped
	TypePrivate
)

var typeNames = [...]string{"none", "image", "mapped", "private"}

// String names the type.
func (t Type) String() string { return enumName(typeNames[:], uint8(t), "type") }

// Sharing tells whether a committed page's frame is referenced by other pages (in this or other spaces).
type Sharing uint8

// Sharing values. A committed page is Private when its frame has one reference (or it has none yet:
// untouched demand-zero pages are always Private). With more references it is SharedCOW when it is
// writable and the next write copies it, and Shared otherwise (read-only, or shared in place by
// MapShared, where writes are seen by every mapping).
const (
	Private Sharing = iota
	Shared
	SharedCOW
)

var sharingNames = [...]string{"private", "shared", "shared-cow"}

// String names the sharing.
func (s Sharing) String() string { return enumName(sharingNames[:], uint8(s), "sharing") }

// RegionInfo is what Query returns, as VirtualQuery's MEMORY_BASIC_INFORMATION: the run of pages starting
// at Base (the queried address rounded down to a page) that share State and Prot within one reservation.
// For free memory AllocBase, AllocProt and Type are zero and the run extends to the next reservation.
// For reserved pages Prot is ProtNone.
type RegionInfo struct {
	Base, AllocBase uint32
	Size            uint32
	State           State
	Prot, AllocProt Prot
	Type            Type
}

// PageInfo describes one page.
type PageInfo struct {
	State    State
	Prot     Prot // ProtNone unless committed
	Type     Type // the reservation's type, TypeNone if free
	Sharing  Sharing
	Resident bool   // the page has a frame (it has been written or shared); false for demand-zero pages
	Code     bool   // MarkCode was called and the page has not been decommitted since
	Gen      uint32 // PageGen
}

// Stats summarizes one Space (its own half: the user half for a process space).
type Stats struct {
	Reservations int
	Committed    uint64 // bytes committed (what the commit limit charges)
	Resident     uint64 // bytes of committed pages that have a frame
	SharedPages  int    // committed pages whose frame is referenced more than once
	COWCopies    uint64 // frames this space copied to break sharing
	COWTakeovers uint64 // first writes to write-copy (ProtCopy) pages whose frame was no longer shared: no copy needed
}

// ErrorKind classifies the errors of the management calls. It implements error, so
// errors.Is(err, mm.ErrCommitLimit) works on an *Error.
type ErrorKind uint8

// Error kinds.
const (
	ErrInvalidSize    ErrorKind = iota + 1 // zero size, or addr+size overflows 32 bits
	ErrInvalidAddress                      // outside the range this Space may allocate in
	ErrInvalidProt                         // undefined protection bits
	ErrInvalidType                         // not TypeImage, TypeMapped or TypePrivate (or mismatching)
	ErrConflict                            // the range overlaps an existing reservation
	ErrNoSpace                             // no free range large enough
	ErrNotReserved                         // the address is not inside a reservation
	ErrNotBase                             // Release of an address that is not a reservation's base
	ErrSpansRegions                        // the range runs past the end of its reservation
	ErrNotCommitted                        // Protect or ShareFrom over pages that are not committed
	ErrCommitLimit                         // the machine's commit limit would be exceeded (out of memory)
	ErrKernelAddress                       // a user Space may not change the kernel half (use Machine.Kernel)
	ErrAlignment                           // an address that must be page-aligned is not
	ErrForeign                             // the other Space is nil, closed, or of another Machine
	ErrClosed                              // the Space was closed
	ErrTooLong                             // a string reader hit its limit before the terminator
)

var errNames = [...]string{"", "invalid size", "invalid address", "invalid protection", "invalid type",
	"conflicts with an existing reservation", "no free range large enough", "not reserved",
	"not a reservation base", "spans past the reservation", "not committed", "commit limit exceeded",
	"kernel address", "not page-aligned", "foreign or closed space", "space closed", "string too long"}

// Error implements error.
func (k ErrorKind) Error() string {
	if int(k) < len(errNames) && k != 0 {
		return "mm: " + errNames[k]
	}
	return "mm: error(" + strconv.Itoa(int(k)) + ")"
}

// Error is the error of a management call: the operation, the address and size it was given, and the
// kind. Unwrap returns the Kind.
type Error struct {
	Op   string // "reserve", "commit", "decommit", "release", "protect", "share", "clone", "read-string", ...
	Addr uint32
	Size uint32
	Kind ErrorKind
}

// Error implements error.
func (e *Error) Error() string {
	return "mm: " + e.Op + " 0x" + hex32(e.Addr) + "+0x" + hex32(e.Size) + ": " + e.Kind.Error()[4:]
}

// Unwrap returns the kind, for errors.Is.
func (e *Error) Unwrap() error { return e.Kind }

func hex32(v uint32) string {
	s := strconv.FormatUint(uint64(v), 16)
	const zeros = "00000000"
	return zeros[len(s):] + s
}
