package cpu

import "golang.org/x/arch/x86/x86asm"

// The hottest instruction forms are executed inline by the Run loop instead of through the handler
// table: a function call per instruction is the main cost of interpretation, most of all under
// WebAssembly. Inst.Fast selects the inline code at translation time; fastNone means "call the
// handler". Each inline case must behave exactly like its handler (the vector tests run both:
// Step and Run share this loop, and the handlers' own fast paths are the same code).
const (
	fastNone uint8 = iota
	fastMovRR
	fastMovRI
	fastMovRM
	fastMovMR
	fastAddRR
	fastAddRI
	fastSubRR
	fastSubRI
	fastCmpRR
	fastCmpRI
	fastAndRR
	fastAndRI
	fastOrRR
	fastOrRI
	fastXorRR
	fastXorRI
	fastTestRR
	fastTestRI
	fastIncR
	fastDecR
	fastLea
	fastJcc
	fastJmpRel
	fastPushR
	fastPopR
	fastCallRel
	fastRet
	fastMovMI
	fastCmpRM
	fastCmpMI
	fastAddRM
	fastPushI
	fastAddMR
	fastShlRI   // SHL r32, imm8 with a non-zero count (mod 32)
	fastShrRI   // SHR r32, imm8 likewise
	fastSarRI   // SAR r32, imm8 likewise
	fastMovzxRR // MOVZX r32, r8/r16
	fastMovzxRM // MOVZX r32, byte [mem]
	fastMovsxRM // MOVSX r32, byte [mem]
	fastMovM8R  // MOV byte [mem], r8
	fastSubRM   // SUB r32, [mem]
	fastAndRM   // AND r32, [mem]
	fastOrRM    // OR r32, [mem]
	fastXorRM   // XOR r32, [mem]
	fastCmpMR   // CMP [mem], r32
	fastAddMI   // ADD dword [mem], imm
	fastSubMI   // SUB dword [mem], imm
	fastCmovRR  // CMOVcc r32, r32

	// A CMP or TEST of registers/immediates directly followed by a Jcc in the same block is fused
	// (fuseJcc): the loop runs both in one step. The Jcc keeps its own Inst (fastJcc), which runs
	// alone when the budget, a single step or a resume splits the pair.
	fastCmpJccRR
	fastCmpJccRI
	fastTestJccRR
	fastTestJccRI
)

// fuseJcc marks each CMP/TEST r32, r32/imm that a Jcc directly follows in insts (one block) as
// fused with it.
func fuseJcc(insts []Inst) {
	for i := 0; i+1 < len(insts); i++ {
		if insts[i+1].Fast != fastJcc {
			continue
		}
		switch insts[i].Fast {
		case fastCmpRR:
			insts[i].Fast = fastCmpJccRR
		case fastCmpRI:
			insts[i].Fast = fastCmpJccRI
		case fastTestRR:
			insts[i].Fast = fastTestJccRR
		case fastTestRI:
			insts[i].Fast = fastTestJccRI
		}
	}
}

// fastOf picks the inline implementation for a translated instruction.
var fastEnabled = true

func fastOf(in *Inst) uint8 {
	if !fastEnabled {
		return fastNone
	}
	if in.Lock || in.Seg != segFlat || in.AddrSize != 4 {
		return fastNone
	}
	a0 := in.Args[0]
	rr, ri := in.Form == formRR, in.Form == formRI
	pick := func(r, i uint8) uint8 {
		switch {
		case rr:
			return r
		case ri:
			return i
		}
		return fastNone
	}
	switch x86asm.Op(in.Op) {
	case x86asm.MOV:
		switch in.Form {
		case formRR:
			return fastMovRR
		case formRI:
			return fastMovRI
		case formRM:
			return fastMovRM
		case formMR:
			return fastMovMR
		case formMI:
			return fastMovMI
		}
		if a1 := in.Args[1]; a0.Kind == argMem && a0.Size == 1 && a1.Kind == argReg && a1.Size == 1 {
			return fastMovM8R
		}
	case x86asm.ADD:
		switch in.Form {
		case formRM:
			return fastAddRM
		case formMR:
			return fastAddMR
		case formMI:
			return fastAddMI
		}
		return pick(fastAddRR, fastAddRI)
	case x86asm.SUB:
		switch in.Form {
		case formRM:
			return fastSubRM
		case formMI:
			return fastSubMI
		}
		return pick(fastSubRR, fastSubRI)
	case x86asm.CMP:
		switch in.Form {
		case formRM:
			return fastCmpRM
		case formMI:
			return fastCmpMI
		case formMR:
			return fastCmpMR
		}
		return pick(fastCmpRR, fastCmpRI)
	case x86asm.AND:
		if in.Form == formRM {
			return fastAndRM
		}
		return pick(fastAndRR, fastAndRI)
	case x86asm.SHL, x86asm.SHR, x86asm.SAR:
		// Only counts that shift: a zero count leaves the flags alone, which the handler does.
		a1 := in.Args[1]
		if a0.Kind == argReg && a0.Size == 4 && a1.Kind == argImm && a1.Reg == 0 && in.Imm&31 != 0 {
			switch x86asm.Op(in.Op) {
			case x86asm.SHL:
				return fastShlRI
			case x86asm.SHR:
				return fastShrRI
			}
			return fastSarRI
		}
	case x86asm.MOVZX, x86asm.MOVSX:
		a1 := in.Args[1]
		if a0.Kind != argReg || a0.Size != 4 {
			break
		}
		switch {
		case a1.Kind == argMem && a1.Size == 1:
			if x86asm.Op(in.Op) == x86asm.MOVZX {
				return fastMovzxRM
			}
			return fastMovsxRM
		case a1.Kind == argReg && (a1.Size == 1 || a1.Size == 2) && x86asm.Op(in.Op) == x86asm.MOVZX:
			return fastMovzxRR
		}
	case x86asm.OR:
		if in.Form == formRM {
			return fastOrRM
		}
		return pick(fastOrRR, fastOrRI)
	case x86asm.XOR:
		if in.Form == formRM {
			return fastXorRM
		}
		return pick(fastXorRR, fastXorRI)
	case x86asm.TEST:
		return pick(fastTestRR, fastTestRI)
	case x86asm.INC:
		if a0.Kind == argReg && a0.Size == 4 {
			return fastIncR
		}
	case x86asm.DEC:
		if a0.Kind == argReg && a0.Size == 4 {
			return fastDecR
		}
	case x86asm.LEA:
		if a0.Size == 4 {
			return fastLea
		}
	case x86asm.JMP:
		if a0.Kind == argRel && in.OpSize == 4 {
			return fastJmpRel
		}
	case x86asm.CALL:
		if a0.Kind == argRel && in.OpSize == 4 {
			return fastCallRel
		}
	case x86asm.RET:
		if a0.Kind == argNone && in.OpSize == 4 {
			return fastRet
		}
	case x86asm.PUSH:
		if a0.Kind == argReg && a0.Size == 4 {
			return fastPushR
		}
		if a0.Kind == argImm && in.OpSize == 4 {
			return fastPushI
		}
	case x86asm.POP:
		if a0.Kind == argReg && a0.Size == 4 {
			return fastPopR
		}
	default:
		if ccOf[in.Op] != 0 || x86asm.Op(in.Op) == x86asm.JO {
			if a0.Kind == argRel {
				return fastJcc
			}
		}
		if isCMOV[in.Op] && rr {
			return fastCmovRR
		}
	}
	return fastNone
}
