package cpu

import "golang.org/x/arch/x86/x86asm"

// argKind is what an operand is.
type argKind uint8

// Operand kinds.
const (
	argNone argKind = iota
	argReg          // general-purpose register: Reg 0..7 (8-bit: AL CL DL BL AH CH DH BH)
	argMem          // the instruction's memory operand (Inst.Base/Index/Scale/Disp/Seg)
	argImm          // immediate: Reg 0 = Inst.Imm, Reg 1 = Inst.Imm2 (sign-extended to 32 bits)
	argRel          // relative branch, already resolved: the absolute target is Inst.Imm
	argSeg          // segment register: Reg 0..5 = ES CS SS DS FS GS
	argST           // x87 register ST(Reg)
	argMM           // MMX register MM(Reg)
	argXMM          // SSE register XMM(Reg)
	argSys          // control, debug or descriptor-table register: privileged
	numArgKinds
)

// argMask is a set of operand kinds (1 << kind), used by table rows to say what they accept.
type argMask uint16

// Operand kind masks for opDef.Args.
const (
	maskNone argMask = 1 << argNone
	maskReg  argMask = 1 << argReg
	maskMem  argMask = 1 << argMem
	maskImm  argMask = 1 << argImm
	maskRel  argMask = 1 << argRel
	maskSeg  argMask = 1 << argSeg
	maskST   argMask = 1 << argST
	maskMM   argMask = 1 << argMM
	maskXMM  argMask = 1 << argXMM
	maskRM           = maskReg | maskMem
	maskRMI          = maskReg | maskMem | maskImm
	maskAny  argMask = 1<<numArgKinds - 1
)

// Arg is one operand of a translated instruction.
type Arg struct {
	Kind argKind
	Reg  uint8  // register number for register kinds; which immediate for argImm
	Size uint16 // operand size in bytes (memory: the access size; 0 when implied by the instruction)
}

// Segment bases an address can be relative to.
const (
	segFlat uint8 = iota
	segFS
	segGS
)

// REP prefixes.
const (
	repNone uint8 = iota
	repE          // F3: REP / REPE
	repNE         // F2: REPNE
)

// noReg marks an absent base or index register.
const noReg = 0xFF

// Operand forms precomputed at translation so hot handlers can skip the generic operand path.
const (
	formGeneric uint8 = iota
	formRR            // 32-bit register, 32-bit register
	formRI            // 32-bit register, immediate
	formRM            // 32-bit register, 32-bit memory
	formMR            // 32-bit memory, 32-bit register
	formMI            // 32-bit memory, immediate
)

// Inst is one translated instruction: fixed size, no pointers, built once per block translation.
type Inst struct {
	Addr     uint32 // address of the instruction
	Disp     uint32 // memory operand displacement
	Imm      uint32 // first immediate, or the absolute target of a relative branch
	Imm2     uint32 // second immediate (ENTER's nesting level)
	Op       uint16 // table index: the x86asm.Op, or one of the pseudo ops
	Len      uint8  // encoded length in bytes
	OpSize   uint8  // operand-size attribute in bytes: 2 (0x66 prefix) or 4
	AddrSize uint8  // address-size attribute in bytes: 2 (0x67 prefix) or 4
	Seg      uint8  // segFlat, segFS or segGS for the memory operand (string source included)
	Rep      uint8  // repNone, repE, repNE
	Lock     bool   // LOCK prefix present (already validated)
	Base     uint8  // memory base register 0..7 or noReg
	Index    uint8  // memory index register 0..7 or noReg
	Scale    uint8  // log2 of the index scale
	Form     uint8  // formGeneric or a fast-path form
	Fast     uint8  // fastNone, or the Run loop's inline implementation (see fast.go)
	MemSize  uint16 // bytes the memory operand accesses (for the FS/GS limit check); 0 if implied
	Check    bool   // may write memory and lies on a writable code page: recheck the block after it
	Args     [4]Arg
}

// Pseudo ops, stored in Inst.Op beyond the x86asm ops.
const (
	numX86Ops    = int(x86asm.XTEST) + 1 // the last non-VEX op x86asm decodes
	opInvalid    = uint16(numX86Ops)     // raises #UD
	opFetchFault = opInvalid + 1         // raises an execute access violation at Inst.Imm
	opPriv       = opInvalid + 2         // raises Privileged
	opSALC       = opInvalid + 3         // D6, undocumented SALC: AL = CF ? 0xFF : 0 (x86asm rejects it)
	tableSize    = int(opSALC) + 1
)
