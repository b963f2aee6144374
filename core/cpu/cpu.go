package cpu

import (
	"github.com/peek32/peek32/core/cpu/fpu"
	"github.com/peek32/peek32/mm"
)

// General-purpose register numbers, in x86 encoding order (Regs index).
const (
	EAX = iota
	ECX
	EDX
	EBX
	ESP
	EBP
	ESI
	EDI
)

// EFLAGS bits.
const (
	FlagCF   uint32 = 1 << 0
	FlagPF   uint32 = 1 << 2
	FlagAF   uint32 = 1 << 4
	FlagZF   uint32 = 1 << 6
	FlagSF   uint32 = 1 << 7
	FlagTF   uint32 = 1 << 8
	FlagIF   uint32 = 1 << 9
	FlagDF   uint32 = 1 << 10
	FlagOF   uint32 = 1 << 11
	FlagIOPL uint32 = 3 << 12
	FlagNT   uint32 = 1 << 14
	FlagRF   uint32 = 1 << 16
	FlagVM   uint32 = 1 << 17
	FlagAC   uint32 = 1 << 18
	FlagID   uint32 = 1 << 21

	// flagsArith are the status flags that lazy evaluation computes.
	flagsArith = FlagCF | FlagPF | FlagAF | FlagZF | FlagSF | FlagOF
	// flagsUser are the bits user-mode POPF/SAHF-style writes may change (IF, IOPL, VM, VIF, VIP
	// are not changeable from ring 3; RF is cleared).
	flagsUser = flagsArith | FlagTF | FlagDF | FlagNT | FlagAC | FlagID
	// flagsFixed are always set: bit 1 is reserved-one, and IF is on in user mode.
	flagsFixed = 1<<1 | FlagIF
)

// Range is a half-open address range [Lo, Hi).
type Range struct{ Lo, Hi uint32 }

// Contains reports whether a lies in r.
func (r Range) Contains(a uint32) bool { return a >= r.Lo && a < r.Hi }

// StopReason says why Run or Step returned.
type StopReason uint8

// Stop reasons.
const (
	StopBudget     StopReason = iota // the instruction budget is spent
	StopFault                        // an exception: see CPU.Exception
	StopThunk                        // EIP is inside a ThunkRanges range (nothing there ran)
	StopBreakpoint                   // EIP is at a breakpoint, not yet executed
	StopHalt                         // reserved for a halted CPU (HLT raises Privileged in user mode)
	StopSingleStep                   // TF was set: one instruction ran; Exception is a SingleStep
)

var stopNames = [...]string{"budget", "fault", "thunk", "breakpoint", "halt", "single-step"}

func (s StopReason) String() string {
	if int(s) < len(stopNames) {
		return stopNames[s]
	}
	return "stop?"
}

// ExceptionKind classifies an Exception the way Windows' exception codes do.
type ExceptionKind uint8

// Exception kinds.
const (
	NoException       ExceptionKind = iota
	DivideError                     // #DE: DIV/IDIV by zero or quotient overflow (STATUS_INTEGER_DIVIDE_BY_ZERO / _OVERFLOW)
	InvalidOpcode                   // #UD (STATUS_ILLEGAL_INSTRUCTION)
	AccessViolation                 // page fault (STATUS_ACCESS_VIOLATION, or STATUS_GUARD_PAGE_VIOLATION when Guard)
	Breakpoint                      // INT3 (STATUS_BREAKPOINT)
	SingleStep                      // TF trap (STATUS_SINGLE_STEP)
	Overflow                        // INTO with OF set (STATUS_INTEGER_OVERFLOW)
	BoundRange                      // BOUND out of range (STATUS_ARRAY_BOUNDS_EXCEEDED)
	Privileged                      // privileged instruction in user mode (STATUS_PRIVILEGED_INSTRUCTION)
	FPUError                        // unmasked x87 exception (#MF)
	SIMDError                       // unmasked SSE exception (#XM)
	GeneralProtection               // #GP, e.g. INT n with n != 3 (Windows: STATUS_ACCESS_VIOLATION)
)

var kindNames = [...]string{"none", "divide-error", "invalid-opcode", "access-violation", "breakpoint",
	"single-step", "overflow", "bound-range", "privileged", "fpu-error", "simd-error", "general-protection"}

func (k ExceptionKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "exception?"
}

// Exception describes the fault that stopped the CPU.
type Exception struct {
	Kind   ExceptionKind
	EIP    uint32    // where Windows reports it: the faulting instruction (INT3: at the INT3; SingleStep: after the instruction)
	Addr   uint32    // AccessViolation: the faulting address; GeneralProtection: 0xFFFFFFFF, as Windows reports it
	Access mm.Access // AccessViolation: read, write or execute (GeneralProtection: read)
	Guard  bool      // AccessViolation on a guard page (STATUS_GUARD_PAGE_VIOLATION)
	Vector uint8     // the interrupt vector for INT n (GeneralProtection), 0 otherwise
	Detail uint32    // DivideError: 1 when the quotient overflowed (not a zero divisor); FPU/SIMD: the status bits
}

// CPU is one thread's processor state over a shared address space and translation cache.
// A CPU is not safe for concurrent use.
type CPU struct {
	Regs    [8]uint32
	EIP     uint32
	FSBase  uint32 // FS segment base (the TEB); FS-relative operands add it
	GSBase  uint32 // GS segment base; other segments are flat
	FSLimit uint32 // last valid FS offset (Windows: 0xFFF, one page of TEB); beyond it is #GP
	GSLimit uint32 // last valid GS offset (default 0xFFFFFFFF)
	Mem     *mm.Space
	Count   uint64 // instructions retired; RDTSC derives from it

	// ThunkRanges are API thunk areas: reaching an address inside one stops Run with StopThunk
	// before anything there executes. Set them before running; a range added later is honoured
	// for code translated after it (new mappings bump page generations, so stale blocks are retranslated).
	ThunkRanges []Range

	// FPU is the x87/MMX/SSE state (owned by the x87/SSE code; saved with the context).
	FPU fpu.State

	// Trace, when set before Run, is called after each block is looked up (address, instructions in it).
	// It is read once per Run call; leave it nil on the hot path.
	Trace func(eip uint32, n int)

	flags uint32 // EFLAGS; the bits in flagsArith are stale while lf.op != lazyNone
	lf    lazyFlags
	seg   [6]uint16 // segment selectors (ES CS SS DS FS GS), visible to MOV/PUSH/POP Sreg

	cache *Cache
	exc   Exception

	// segFault is set by ea when the operand lies beyond the FS/GS limit (see ea).
	segFault bool

	// resume is the block a budget or single step cut short, and the index of the next
	// instruction in it: Run continues there when EIP still matches.
	resume    *block
	resumeIdx int

	// skipBP is the breakpoint address the next Run resumes from (set when Run stops at it).
	skipBP    uint32
	skipBPSet bool
	ssShadow  bool // a MOV/POP SS ran under TF: its single-step trap waits for the next instruction
}

// DefaultFSLimit is the limit of the FS segment Windows gives a 32-bit thread (its TEB page).
const DefaultFSLimit = 0xFFF

// Default flat-model selectors as Windows sets them for a 32-bit user thread.
var defaultSelectors = [6]uint16{0x23, 0x1B, 0x23, 0x23, 0x3B, 0x00}

// New returns a CPU running over space with translations cached in cache (threads of one process share
// one Cache; cache may be nil, in which case the CPU gets a private one). EFLAGS start as 0x202.
func New(space *mm.Space, cache *Cache) *CPU {
	if cache == nil {
		cache = NewCache(space)
	}
	c := &CPU{Mem: space, cache: cache, flags: flagsFixed, seg: defaultSelectors,
		FSLimit: DefaultFSLimit, GSLimit: 0xFFFFFFFF}
	c.FPU.Reset()
	return c
}

// Cache returns the translation cache the CPU uses.
func (c *CPU) Cache() *Cache { return c.cache }

// Flags returns EFLAGS with the status flags computed.
func (c *CPU) Flags() uint32 {
	if c.lf.op != lazyNone {
		c.materialize()
	}
	return c.flags
}

// SetFlags sets EFLAGS. Bits user mode cannot change (IF, IOPL, VM, reserved) keep their fixed values.
func (c *CPU) SetFlags(f uint32) {
	c.lf.op = lazyNone
	c.flags = f&flagsUser | flagsFixed
}

// Exception returns the exception that stopped the last Run or Step (valid after StopFault or StopSingleStep).
func (c *CPU) Exception() Exception { return c.exc }

// Segment returns the selector of segment register i (0..5 = ES, CS, SS, DS, FS, GS).
func (c *CPU) Segment(i int) uint16 {
	if i < 0 || i >= len(c.seg) {
		return 0
	}
	return c.seg[i]
}

// Context is the complete architectural state of a CPU, for thread switches and SEH CONTEXT records.
type Context struct {
	Regs     [8]uint32
	EIP      uint32
	EFlags   uint32
	FSBase   uint32
	GSBase   uint32
	FSLimit  uint32
	GSLimit  uint32
	Segments [6]uint16
	FPU      fpu.State
}

// SaveContext returns the CPU's full state.
func (c *CPU) SaveContext() Context {
	return Context{Regs: c.Regs, EIP: c.EIP, EFlags: c.Flags(), FSBase: c.FSBase, GSBase: c.GSBase,
		FSLimit: c.FSLimit, GSLimit: c.GSLimit, Segments: c.seg, FPU: c.FPU}
}

// LoadContext sets the CPU's full state (EFLAGS as SetFlags does; a zero FSLimit or GSLimit means
// the default limit).
func (c *CPU) LoadContext(x Context) {
	c.Regs = x.Regs
	c.EIP = x.EIP
	c.SetFlags(x.EFlags)
	c.FSBase, c.GSBase = x.FSBase, x.GSBase
	c.FSLimit, c.GSLimit = x.FSLimit, x.GSLimit
	if c.FSLimit == 0 { // a Context built without limits gets the defaults
		c.FSLimit = DefaultFSLimit
	}
	if c.GSLimit == 0 {
		c.GSLimit = 0xFFFFFFFF
	}
	c.seg = x.Segments
	c.FPU = x.FPU
	c.skipBPSet = false
	c.resume = nil
}
