// Package cpu is peek32's x86 interpreter: the 32-bit user-mode instruction set of the i386-P6 line
// (plus x87, MMX and SSE/SSE2, which live in the x87*.go and sse*.go files), run over an mm.Space.
// It knows nothing of Windows: faults are values, API thunks are address ranges, and the kernel
// above decides what each stop means.
//
// # Translation
//
// Guest bytes are decoded once with golang.org/x/arch/x86/x86asm (Decode(bytes, 32)) and
// translated into Inst, a fixed-size value of our own: the handler index (the x86asm.Op), the
// length, the operand size, up to four operands (Arg: a kind, a register number, a size in bytes),
// one memory operand's base/index/scale/displacement/segment, and up to two immediates. Relative
// branch targets are resolved to absolute addresses at translation time. Inst holds no interfaces
// and no pointers into x86asm, so a translated block is a flat []Inst that the loop walks.
//
// x86asm's traps are handled in translate.go: truncated input returns no error with Op 0 (and the
// ENDBR32 hint decodes that way too, which we turn into a NOP); LOCK is checked by us against the
// table (lockable op with a memory destination, else #UD) rather than trusting PrefixInvalid; a SIB
// byte with no index reports Index 0, which is "no register"; segment overrides show up as
// Mem.Segment (FS and GS are based on CPU.FSBase/GSBase, every other segment is flat).
//
// # The block cache
//
// Instructions are translated per basic block: a run of instructions starting at one address and
// ending at a control transfer, at a page boundary (the last instruction may cross it), before a
// breakpoint address, or at maxBlockInsts. A Cache holds the blocks of one address space and is
// shared by every CPU (thread) of that space; it is not safe for concurrent use (the scheduler runs
// one thread at a time). Each block records mm.Space.PageGen of the one or two pages it was
// fetched from and marks them with MarkCode; on every entry the loop compares the generations, and
// a block whose page was written, re-protected, decommitted or released is translated again. That
// is how self-modifying code and unpackers work. (A write into the block currently executing takes
// effect from the next block entry.)
//
// # Lazy flags
//
// Arithmetic instructions do not compute EFLAGS. They record the operation, the operand size, the
// operands and the result (CPU.lf); CF/PF/AF/ZF/SF/OF are derived on demand by Flags() and by the
// condition evaluator used by Jcc/SETcc/CMOVcc. Instructions whose flag rules are unusual (shifts,
// rotates, BCD, bit tests, multiplies) compute the flags eagerly and store them with lazyNone.
//
// # Running
//
// Run(budget) executes up to budget instructions and returns a StopReason: StopBudget (spent),
// StopFault (Exception() says which, EIP is at the faulting instruction and the instruction had no
// architectural effect, except for the completed iterations of a REP string instruction),
// StopThunk (EIP is inside a CPU.ThunkRanges range; nothing there ran), StopBreakpoint (EIP is at a
// breakpoint address, not yet executed; the next Run or Step executes it), StopHalt (reserved) and
// StopSingleStep (TF was set: one instruction ran, Exception() is a SingleStep with EIP after it).
// The loop checks the budget per block (a block is cut short when fewer instructions remain),
// allocates nothing, and uses no fmt, defer or closures. A REP string instruction runs at most
// repChunk iterations per execution and then re-executes itself, so long copies stay preemptible.
//
// # Adding instructions (the table)
//
// Every instruction is one row of opTable, indexed by x86asm.Op, with one handler signature:
//
//	type handler func(c *CPU, in *Inst) flow
//
// A handler performs the instruction and returns flowNext, or flowFault after describing the fault
// with c.raise(kind) or c.memFault() (the loop fills in EIP). A handler must have no architectural
// effect when it faults: read and check every memory operand, do the writes, and only then update
// registers. Control transfers set c.EIP themselves (the loop presets c.EIP to the block's
// fall-through address before running a block) and their rows carry opEndsBlock.
//
// Rows are declared with defineOps from an init function in any file of this package, e.g. the x87
// file:
//
//	func init() {
//		defineOps(
//			opDef{Op: x86asm.FADD, Fn: opFADD, Args: [4]argMask{maskST | maskMem, maskST}},
//		)
//	}
//
// defineOps validates each row when the package initializes (a handler is present, the op is in
// range, no row is defined twice, the argument masks are sane) and panics on a programming error,
// so a bad table never reaches a test. Translation checks every decoded instruction against its
// row: an op without a row, an operand kind or size the row does not accept, or a LOCK prefix on a
// row without opLockable (or without a memory destination) translates to an #UD instruction. The
// helpers a handler uses: c.ea(in) (the memory operand's linear address), c.read8/16/32/64 and
// c.write8/16/32/64 (ok=false means fault: return c.memFault()), c.readArg/c.writeArg for
// integer operands, c.reg8/c.setReg8 and friends, c.raise(kind).
//
// CPUID reports CPUIDFeatureEDX/CPUIDFeatureECX: a file that implements a feature sets its bit in
// an init function, so CPUID claims exactly what is implemented.
package cpu
