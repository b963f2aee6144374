package cpu

import (
	"golang.org/x/arch/x86/x86asm"

	"github.com/peek32/peek32/mm"
)

// flow is what a handler tells the loop.
type flow uint8

const (
	flowNext   flow = iota // done; continue with the next instruction of the block
	flowFault              // faulted with no effect: c.exc is set (the loop fills in EIP)
	flowRepeat             // a REP chunk is done but the count is not: run this instruction again
	flowTrap               // a trap: the instruction completed and c.exc is reported with EIP after it
)

// handler executes one translated instruction. See the package documentation for its contract.
type handler func(c *CPU, in *Inst) flow

// Row flags.
const (
	opEndsBlock uint16 = 1 << iota // control transfer (sets c.EIP) or changes state translation depends on (TF)
	opLockable                     // LOCK is legal when the first operand is memory
)

// opDef declares one table row.
type opDef struct {
	Op    x86asm.Op
	Fn    handler
	Flags uint16
	// Args[i] is the set of operand kinds accepted at position i; a zero mask means "no operand"
	// (maskNone). Positions beyond the instruction's operands must accept argNone.
	Args [4]argMask
	// Sizes, when nonzero, is the set of accepted sizes of the first operand (bit n = 1<<n bytes,
	// and sizeBit10 for 80-bit operands).
	Sizes uint8
}

// sizeBit10 marks 10-byte (80-bit) operands in opDef.Sizes; 1..16 bytes map to bits 0..4.
const sizeBit10 = 1 << 7

func sizeBit(n uint16) uint8 {
	switch n {
	case 1:
		return 1 << 0
	case 2:
		return 1 << 1
	case 4:
		return 1 << 2
	case 8:
		return 1 << 3
	case 16:
		return 1 << 4
	case 10:
		return sizeBit10
	}
	return 1 << 6 // any other size (e.g. FXSAVE's 512 bytes): accepted only by rows that allow it
}

// Size masks for opDef.Sizes.
const (
	sz8     = 1 << 0
	sz16    = 1 << 1
	sz32    = 1 << 2
	sz64    = 1 << 3
	sz128   = 1 << 4
	szOther = 1 << 6
	szInt   = sz8 | sz16 | sz32
)

type opRow struct {
	flags uint16
	sizes uint8
	args  [4]argMask
	name  string
}

var (
	opTable  [tableSize]opRow
	handlers [tableSize]handler
)

// defineOps installs table rows. It is called from init functions and panics on a malformed row:
// that is a bug in this package, found by any test run.
func defineOps(defs ...opDef) {
	for _, d := range defs {
		if d.Op == 0 || int(d.Op) >= numX86Ops {
			panic("cpu: defineOps: op out of range: " + d.Op.String())
		}
		if d.Fn == nil {
			panic("cpu: defineOps: nil handler for " + d.Op.String())
		}
		if handlers[d.Op] != nil {
			panic("cpu: defineOps: op defined twice: " + d.Op.String())
		}
		for i, m := range d.Args {
			if m == 0 {
				d.Args[i] = maskNone
			} else if m&^maskAny != 0 {
				panic("cpu: defineOps: bad operand mask for " + d.Op.String())
			}
		}
		// Once a position accepts only "no operand", later positions must too.
		for i := 1; i < len(d.Args); i++ {
			if d.Args[i-1] == maskNone && d.Args[i] != maskNone {
				panic("cpu: defineOps: operand after a missing one for " + d.Op.String())
			}
		}
		handlers[d.Op] = d.Fn
		opTable[d.Op] = opRow{flags: d.Flags, sizes: d.Sizes, args: d.Args, name: d.Op.String()}
	}
}

func init() {
	handlers[opInvalid] = opUD
	opTable[opInvalid] = opRow{flags: opEndsBlock, args: [4]argMask{maskNone, maskNone, maskNone, maskNone}, name: "(bad)"}
	handlers[opFetchFault] = opFetch
	opTable[opFetchFault] = opRow{flags: opEndsBlock, args: [4]argMask{maskNone, maskNone, maskNone, maskNone}, name: "(fetch fault)"}
	handlers[opSALC] = opSalc
	opTable[opSALC] = opRow{args: [4]argMask{maskNone, maskNone, maskNone, maskNone}, name: "SALC"}
	handlers[opPriv] = opPrivileged
	opTable[opPriv] = opRow{flags: opEndsBlock, args: [4]argMask{maskNone, maskNone, maskNone, maskNone}, name: "(privileged)"}
}

func opUD(c *CPU, in *Inst) flow { return c.raise(InvalidOpcode) }

func opPrivileged(c *CPU, in *Inst) flow { return c.raise(Privileged) }

func opSalc(c *CPU, in *Inst) flow {
	c.setReg(EAX, 1, 0xFF*b2u(c.cf()))
	return flowNext
}

func opFetch(c *CPU, in *Inst) flow {
	c.exc = Exception{Kind: AccessViolation, Addr: in.Imm, Access: mm.AccessExec, Guard: in.Imm2 != 0}
	return flowFault
}

// accepts reports whether row r accepts the translated operands of in.
func (r *opRow) accepts(in *Inst) bool {
	for i, a := range in.Args {
		if r.args[i]&(1<<a.Kind) == 0 {
			return false
		}
	}
	// A row with Sizes gets exactly those: an operand of unknown size (0) is refused too, so
	// handlers can rely on it (shift counts divide by the width).
	if r.sizes != 0 && in.Args[0].Kind != argNone && r.sizes&sizeBit(in.Args[0].Size) == 0 {
		return false
	}
	if in.Lock && (r.flags&opLockable == 0 || in.Args[0].Kind != argMem) {
		return false
	}
	return true
}

// CPUID feature bits (leaf 1). The integer core sets what it implements; the x87/MMX/SSE files set
// theirs in init functions. CPUID reports exactly these.
var (
	CPUIDFeatureEDX uint32
	CPUIDFeatureECX uint32
)

// Leaf-1 EDX feature bits.
const (
	FeatFPU  uint32 = 1 << 0
	FeatTSC  uint32 = 1 << 4
	FeatCX8  uint32 = 1 << 8
	FeatCMOV uint32 = 1 << 15
	FeatMMX  uint32 = 1 << 23
	FeatFXSR uint32 = 1 << 24
	FeatSSE  uint32 = 1 << 25
	FeatSSE2 uint32 = 1 << 26
)

// Leaf-1 ECX feature bits.
const (
	FeatSSE3   uint32 = 1 << 0
	FeatSSSE3  uint32 = 1 << 9
	FeatPOPCNT uint32 = 1 << 23
)

func init() {
	CPUIDFeatureEDX |= FeatTSC | FeatCX8 | FeatCMOV
}
