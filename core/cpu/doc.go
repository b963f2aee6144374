// Package cpu is peek32's x86 interpreter: the 32-bit user-mode instruction set of the i386-P6 line
// (plus x87, MMX, SSE/SSE2 and SSE3/SSSE3, which live in x87.go, mmx.go and the sse*.go files, with
// the x87 and SSE floating point of package fpu), run over an mm.Space.
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
// x86asm's traps are handled in translate.go: truncated input returns no error with Op 0, so an
// undecodable instruction that was cut short by an unfetchable page becomes an execute fault at
// the first missing byte (not #UD); LOCK is checked by us against the table (lockable op with a
// memory destination, else #UD) rather than trusting PrefixInvalid; a SIB byte with no index
// reports Index 0, which is "no register"; segment overrides show up as Mem.Segment (FS and GS are
// based on CPU.FSBase/GSBase, every other segment is flat). Encodings the processor runs but
// x86asm rejects are rewritten to their documented twins before decoding (patchAlias): 82 /r,
// the SAL alias of the shift group, TEST F6/F7 /1, and the hint NOPs 0F 19..1F (ENDBR32 included).
// VEX-encoded instructions and ops without a table row are #UD.
//
// # The block cache
//
// Instructions are translated per basic block: a run of instructions starting at one address and
// ending at a control transfer, at a page boundary (the last instruction may cross it), before a
// breakpoint address, or at maxBlockInsts. A Cache holds the blocks of one address space and is
// shared by every CPU (thread) of that space; it is not safe for concurrent use (the scheduler runs
// one thread at a time). Each block records mm.Space.PageGen of the one or two pages it was
// fetched from and marks them with MarkCode; a block whose page was written, re-protected,
// decommitted or released is translated again. The check on entry is cheap: a block also records
// the mm.Space.GenEpoch at which its generations were last found current, and while the epoch is
// unchanged (no page generation anywhere in the machine has changed) the per-page comparisons are
// skipped; after a change each block compares once and records the new epoch. That
// is how self-modifying code and unpackers work. On a writable code page, instructions that may
// store to memory carry Inst.Check, and the loop rechecks the page generation after them, so a
// store into the running block itself takes effect at the next instruction, as on the processor
// (ordinary read+execute code pays nothing for this). A stale block whose bytes are unchanged and whose
// pages are still plainly executable is kept after a byte compare (revalidate), so data written to
// a page that also holds code costs a compare, not a retranslation. When the budget, a single
// step, a fault or a REP chunk stops the CPU inside a block, it remembers where (resume) and the
// next Run continues inside that block instead of translating one that starts mid-block.
//
// Breakpoints live in the Cache, so they apply to every thread of the process; setting or clearing
// one drops only the blocks that contain its address. Blocks also end before an address inside
// CPU.ThunkRanges; a block starting there is a thunk block (Run returns StopThunk).
//
// # Lazy flags
//
// Arithmetic instructions do not compute EFLAGS. They record the operation, the operand size, the
// operands and the result (CPU.lf, with field stores: setLazy; a struct literal there costs a
// third of the loop's speed); CF/PF/AF/ZF/SF/OF are derived on demand by Flags() and by the
// condition evaluator used by Jcc/SETcc/CMOVcc (the loop inlines the compare-and-branch cases).
// Instructions whose flag rules are unusual (shifts, rotates, BCD, bit tests, multiplies) compute
// the flags eagerly and store them with lazyNone.
//
// # Running
//
// Run(budget) executes up to budget instructions and returns a StopReason: StopBudget (spent),
// StopFault (Exception() says which, EIP is at the faulting instruction and the instruction had no
// architectural effect, except for the completed iterations of a REP string instruction),
// StopThunk (EIP is inside a CPU.ThunkRanges range; nothing there ran), StopBreakpoint (EIP is at a
// breakpoint address, not yet executed; the next Run or Step executes it), StopHalt (reserved) and
// StopSingleStep (TF was set: one instruction ran, Exception() is a SingleStep with EIP after it;
// a REP string instruction traps after each iteration).
// Faults report EIP at the faulting instruction, as Windows does (INT3 included: the exception
// address is the INT3 itself; Windows backs a breakpoint trap up by one byte, so CD 03 reports
// its second byte, with EIP there too); ICEBP's single-step trap reports the next instruction.
// The loop checks the budget per block (a block is cut short when fewer instructions remain),
// allocates nothing, and uses no fmt, defer or closures. A REP string instruction runs at most
// repChunk iterations per execution and then re-executes itself, so long copies stay preemptible.
// Forward flat REP MOVS/STOS (not single-stepping) do runs of iterations whose bytes lie within
// pages already in mm's TLBs in bulk (mm.Space.MoveTLB/FillTLB): those cannot fault or need write
// bookkeeping (code pages are never in the write TLB), so registers, memory, faults and counts are
// exactly those of iterating; page crossings, cold pages, faults and a forward MOVS onto an
// overlapping later destination take the per-iteration path (TestRun_BulkStringMatchesIteration).
//
// # The fast paths
//
// A function call per instruction is the main cost of interpretation (most of all under
// WebAssembly), so the Run loop executes the hottest forms inline: Inst.Fast, chosen at translation
// by fastOf (fast.go), selects 32-bit MOV/ADD/SUB/CMP/AND/OR/XOR/TEST on registers and immediates,
// MOV to and from memory, CMP/ADD with a memory operand, INC/DEC, LEA, Jcc, JMP/CALL rel32,
// RET, PUSH imm, PUSH/POP of a register, SHL/SHR/SAR r32 by a non-zero immediate, MOVZX/MOVSX
// r32 from a byte in memory, MOVZX r32 from r8/r16, MOV of r8 to memory, SUB/AND/OR/XOR r32 with
// a memory source, CMP [mem], r32, ADD/SUB dword [mem], imm and CMOVcc r32, r32. A CMP or TEST on
// registers/immediates followed by a Jcc is fused with it (fuseJcc) and both run in one step; the
// Jcc keeps its own fast form for when the budget, a single step or a resume splits the pair.
// Cases that cannot fault or store skip the loop's post-instruction checks. Memory accesses use
// mm's inlinable TLB-only accessors (Read32TLB and friends) and call the full accessor on a miss.
// Everything else (Fast == fastNone) calls its handler. TestRun_FastPathsMatchHandlers runs code
// with the fast paths on and off and expects the same state; TestRun_FusedCompareBranch runs the
// fused pairs against stepping.
//
// # Adding instructions (the table)
//
// Every instruction is one row of opTable, indexed by x86asm.Op, with one handler signature:
//
//	type handler func(c *CPU, in *Inst) flow
//
// A handler performs the instruction and returns flowNext, or flowFault after describing the fault
// with c.raise(kind), c.memFault() or c.memFaultRMW() (the read half of a read-modify-write, which
// the processor reports as a write); the loop fills in EIP (the faulting instruction). flowTrap is
// for trap-type exceptions reported after the instruction (ICEBP), flowRepeat for a REP string
// instruction that has more iterations to do. A handler must have no architectural effect when it
// faults: read and check every memory operand, do the writes, and only then update registers and
// flags. Control transfers set c.EIP themselves (the loop presets c.EIP to the block's fall-through
// address before running a block) and their rows carry opEndsBlock; so do instructions after which
// translation-relevant state may change (POPF can set TF; RDTSC reads the per-block Count).
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
// integer operands, c.getReg/c.setReg, c.Flags/c.setFlagsArith, c.raise(kind). The integer
// core owns the integer, control, string, BCD, CPUID/RDTSC and system rows (ops_*.go); the x87,
// MMX and SSE files own theirs, including fences, prefetches, CLFLUSH, MOVNTI and EMMS.
//
// Segments are flat except FS and GS. MOV/PUSH/POP of a segment register accept the selectors a
// Windows thread can hold (0x1B, 0x23, 0x2B, 0x3B, null outside SS) and raise #GP otherwise; PUSH
// Sreg with a 32-bit operand size stores 16 bits, as P6-and-later processors do. Far JMP, CALL and
// RET to the thread's own code selector are same-privilege transfers; to any other selector (a
// call gate, 0x33) they are #GP. IN/OUT/INS/OUTS, RDMSR/WRMSR/RDPMC, SYSEXIT and the descriptor-
// table loads are Privileged; SYSENTER and SYSCALL are #UD (native system calls are not emulated;
// INT n other than 3 is a GeneralProtection carrying Exception.Vector for the kernel to decide).
//
// CPUID reports vendor "GenuineIntel", family 6, and CPUIDFeatureEDX/CPUIDFeatureECX: a file that
// implements a feature sets its bit in an init function, so CPUID claims exactly what is
// implemented (the integer core: TSC, CX8, CMOV, POPCNT). RDTSC returns the number of instructions
// retired before it, so runs are deterministic.
//
// # Tests
//
// vectors_test.go runs the real-CPU vectors of testdata/vectors (tools/cpuvec); TestCProgram runs a
// freestanding C workload built with gcc -m32 at three optimization levels against its native run
// (testdata/cprog); the unit tests cover every fault, the cache's invalidation paths, the x86asm
// traps, breakpoints, thunks, single step and the zero-allocation loop; FuzzTranslateRun feeds
// random bytes to translate-and-run (seed corpus in testdata/fuzz). Benchmarks report MIPS for
// an integer loop, a memory loop and the C workload, natively and under GOOS=js GOARCH=wasm.
package cpu
