package cpu

import "golang.org/x/arch/x86/x86asm"

// Integer ALU instructions: the eight classic binary ops, TEST, INC/DEC/NEG/NOT, MOV and its
// extensions, LEA, XCHG/XADD/CMPXCHG/CMPXCHG8B, SETcc/CMOVcc and the small flag instructions.

const (
	aluAdd uint8 = iota
	aluOr
	aluAdc
	aluSbb
	aluAnd
	aluSub
	aluXor
	aluCmp
	aluTest
)

// aluDo computes a op b at size and records the flags. It returns the (masked) result.
func (c *CPU) aluDo(op uint8, size uint8, a, b uint32) uint32 {
	m := sizeMask[7&size]
	var r uint32
	switch op {
	case aluAdd:
		r = (a + b) & m
		c.setLazy(lazyAdd, size, a, b, r)
	case aluAdc:
		var cin uint32
		if c.cf() {
			cin = 1
		}
		r = (a + b + cin) & m
		c.setLazy(lazyAdc, size, a, b, r)
		c.lf.cin = cin
	case aluSub, aluCmp:
		r = (a - b) & m
		c.setLazy(lazySub, size, a, b, r)
	case aluSbb:
		var cin uint32
		if c.cf() {
			cin = 1
		}
		r = (a - b - cin) & m
		c.setLazy(lazySbb, size, a, b, r)
		c.lf.cin = cin
	case aluOr:
		r = a | b
		c.setLazy(lazyLogic, size, 0, 0, r)
	case aluAnd, aluTest:
		r = a & b
		c.setLazy(lazyLogic, size, 0, 0, r)
	case aluXor:
		r = a ^ b
		c.setLazy(lazyLogic, size, 0, 0, r)
	}
	return r
}

// alu runs a two-operand ALU instruction; CMP and TEST do not write.
func (c *CPU) alu(in *Inst, op uint8) flow {
	store := op != aluCmp && op != aluTest
	switch in.Form {
	case formRR:
		d := in.Args[0].Reg & 7
		r := c.aluDo(op, 4, c.Regs[d], c.Regs[in.Args[1].Reg&7])
		if store {
			c.Regs[d] = r
		}
		return flowNext
	case formRI:
		d := in.Args[0].Reg & 7
		r := c.aluDo(op, 4, c.Regs[d], in.Imm)
		if store {
			c.Regs[d] = r
		}
		return flowNext
	case formRM:
		v, ok := c.Mem.Read32(c.ea(in))
		if !ok {
			return c.memFault()
		}
		d := in.Args[0].Reg & 7
		r := c.aluDo(op, 4, c.Regs[d], v)
		if store {
			c.Regs[d] = r
		}
		return flowNext
	case formMR, formMI:
		addr := c.ea(in)
		a, ok := c.Mem.Read32(addr)
		if !ok {
			if store {
				return c.memFaultRMW()
			}
			return c.memFault()
		}
		b := in.Imm
		if in.Form == formMR {
			b = c.Regs[in.Args[1].Reg&7]
		}
		if !store {
			c.aluDo(op, 4, a, b)
			return flowNext
		}
		saved, savedFlags := c.lf, c.flags
		if !c.Mem.Write32(addr, c.aluDo(op, 4, a, b)) {
			c.lf, c.flags = saved, savedFlags
			return c.memFault()
		}
		return flowNext
	}
	a, addr, ok := c.readArg(in, 0)
	if !ok {
		if store {
			return c.memFaultRMW()
		}
		return c.memFault()
	}
	b, _, ok := c.readArg(in, 1)
	if !ok {
		return c.memFault()
	}
	size := uint8(in.Args[0].Size)
	if !store {
		c.aluDo(op, size, a, b)
		return flowNext
	}
	// Compute into a scratch flag state first so a faulting write leaves the flags alone.
	saved := c.lf
	savedFlags := c.flags
	r := c.aluDo(op, size, a, b)
	if !c.writeArg(in, 0, addr, r, true) {
		c.lf, c.flags = saved, savedFlags
		return c.memFault()
	}
	return flowNext
}

// The handlers below open with a fast path for 32-bit register/register and register/immediate
// forms (no switch on the operation, no operand decoding); everything else goes through alu.

// rrOrRI returns the destination register and the source value of a formRR/formRI instruction.
func (c *CPU) rrOrRI(in *Inst) (*uint32, uint32) {
	b := in.Imm
	if in.Form == formRR {
		b = c.Regs[in.Args[1].Reg&7]
	}
	return &c.Regs[in.Args[0].Reg&7], b
}

func opADD(c *CPU, in *Inst) flow {
	if in.Form == formRR || in.Form == formRI {
		d, b := c.rrOrRI(in)
		a := *d
		r := a + b
		*d = r
		c.setLazy(lazyAdd, 4, a, b, r)
		return flowNext
	}
	return c.alu(in, aluAdd)
}

func opSUB(c *CPU, in *Inst) flow {
	if in.Form == formRR || in.Form == formRI {
		d, b := c.rrOrRI(in)
		a := *d
		r := a - b
		*d = r
		c.setLazy(lazySub, 4, a, b, r)
		return flowNext
	}
	return c.alu(in, aluSub)
}

func opCMP(c *CPU, in *Inst) flow {
	if in.Form == formRR || in.Form == formRI {
		d, b := c.rrOrRI(in)
		a := *d
		c.setLazy(lazySub, 4, a, b, a-b)
		return flowNext
	}
	return c.alu(in, aluCmp)
}

func opAND(c *CPU, in *Inst) flow {
	if in.Form == formRR || in.Form == formRI {
		d, b := c.rrOrRI(in)
		r := *d & b
		*d = r
		c.setLazy(lazyLogic, 4, 0, 0, r)
		return flowNext
	}
	return c.alu(in, aluAnd)
}

func opOR(c *CPU, in *Inst) flow {
	if in.Form == formRR || in.Form == formRI {
		d, b := c.rrOrRI(in)
		r := *d | b
		*d = r
		c.setLazy(lazyLogic, 4, 0, 0, r)
		return flowNext
	}
	return c.alu(in, aluOr)
}

func opXOR(c *CPU, in *Inst) flow {
	if in.Form == formRR || in.Form == formRI {
		d, b := c.rrOrRI(in)
		r := *d ^ b
		*d = r
		c.setLazy(lazyLogic, 4, 0, 0, r)
		return flowNext
	}
	return c.alu(in, aluXor)
}

func opTEST(c *CPU, in *Inst) flow {
	if in.Form == formRR || in.Form == formRI {
		d, b := c.rrOrRI(in)
		c.setLazy(lazyLogic, 4, 0, 0, *d&b)
		return flowNext
	}
	return c.alu(in, aluTest)
}

func opADC(c *CPU, in *Inst) flow { return c.alu(in, aluAdc) }
func opSBB(c *CPU, in *Inst) flow { return c.alu(in, aluSbb) }

// unary runs INC, DEC, NEG and NOT.
func (c *CPU) unary(in *Inst, op x86asm.Op) flow {
	a, addr, ok := c.readArg(in, 0)
	if !ok {
		return c.memFaultRMW()
	}
	size := uint8(in.Args[0].Size)
	m := sizeMask[7&size]
	var r uint32
	var lf lazyFlags
	switch op {
	case x86asm.INC:
		r = (a + 1) & m
		lf = lazyFlags{op: lazyInc, size: size, a: a, b: 1, res: r, cin: b2u(c.cf())}
	case x86asm.DEC:
		r = (a - 1) & m
		lf = lazyFlags{op: lazyDec, size: size, a: a, b: 1, res: r, cin: b2u(c.cf())}
	case x86asm.NEG:
		r = (0 - a) & m
		lf = lazyFlags{op: lazySub, size: size, a: 0, b: a, res: r}
	default: // NOT
		r = ^a & m
	}
	if !c.writeArg(in, 0, addr, r, true) {
		return c.memFault()
	}
	if op != x86asm.NOT {
		c.lf = lf
	}
	return flowNext
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

func opINC(c *CPU, in *Inst) flow {
	if in.Args[0].Kind == argReg && in.Args[0].Size == 4 {
		r := in.Args[0].Reg & 7
		a := c.Regs[r]
		cin := b2u(c.cf()) // before the lazy state is replaced
		c.setLazy(lazyInc, 4, a, 1, a+1)
		c.lf.cin = cin
		c.Regs[r] = a + 1
		return flowNext
	}
	return c.unary(in, x86asm.INC)
}

func opDEC(c *CPU, in *Inst) flow {
	if in.Args[0].Kind == argReg && in.Args[0].Size == 4 {
		r := in.Args[0].Reg & 7
		a := c.Regs[r]
		cin := b2u(c.cf()) // before the lazy state is replaced
		c.setLazy(lazyDec, 4, a, 1, a-1)
		c.lf.cin = cin
		c.Regs[r] = a - 1
		return flowNext
	}
	return c.unary(in, x86asm.DEC)
}

func opNEG(c *CPU, in *Inst) flow { return c.unary(in, x86asm.NEG) }
func opNOT(c *CPU, in *Inst) flow { return c.unary(in, x86asm.NOT) }

func opMOV(c *CPU, in *Inst) flow {
	switch in.Form {
	case formRR:
		c.Regs[in.Args[0].Reg&7] = c.Regs[in.Args[1].Reg&7]
		return flowNext
	case formRI:
		c.Regs[in.Args[0].Reg&7] = in.Imm
		return flowNext
	case formRM:
		v, ok := c.Mem.Read32(c.ea(in))
		if !ok {
			return c.memFault()
		}
		c.Regs[in.Args[0].Reg&7] = v
		return flowNext
	case formMR:
		if !c.Mem.Write32(c.ea(in), c.Regs[in.Args[1].Reg&7]) {
			return c.memFault()
		}
		return flowNext
	case formMI:
		if !c.Mem.Write32(c.ea(in), in.Imm) {
			return c.memFault()
		}
		return flowNext
	}
	v, _, ok := c.readArg(in, 1)
	if !ok {
		return c.memFault()
	}
	d := &in.Args[0]
	switch d.Kind {
	case argSeg:
		return c.loadSeg(d.Reg, v)
	case argReg:
		if in.Args[1].Kind == argSeg && d.Size == 4 {
			c.Regs[d.Reg&7] = v // MOV r32, Sreg zero-extends
			return flowNext
		}
	case argMem:
		if in.Args[1].Kind == argSeg {
			if !c.write16(c.ea(in), uint16(v)) { // MOV m, Sreg always stores 16 bits
				return c.memFault()
			}
			return flowNext
		}
	}
	if !c.writeArg(in, 0, 0, v, false) {
		return c.memFault()
	}
	return flowNext
}

// loadSeg loads a segment register. The model is flat: the selectors a user thread may hold are
// the null selector (not for SS/CS) and the ring-3 flat selectors; anything else is #GP.
func (c *CPU) loadSeg(r uint8, v uint32) flow {
	sel := uint16(v)
	switch {
	case r == 1: // CS cannot be loaded by MOV/POP
		return c.raise(InvalidOpcode)
	case sel == 0x23 || sel == 0x1B || sel == 0x3B || sel == 0x2B:
	case sel&^3 == 0 && r != 2:
	default:
		return c.raise(GeneralProtection)
	}
	c.seg[r%6] = sel
	if r == 2 && c.flags&FlagTF != 0 {
		c.ssShadow = true // consumed by Run's single-step check right after this instruction
	}
	return flowNext
}

func opMOVZX(c *CPU, in *Inst) flow {
	v, _, ok := c.readArg(in, 1)
	if !ok {
		return c.memFault()
	}
	c.setReg(in.Args[0].Reg, in.Args[0].Size, v)
	return flowNext
}

func opMOVSX(c *CPU, in *Inst) flow {
	v, _, ok := c.readArg(in, 1)
	if !ok {
		return c.memFault()
	}
	if in.Args[1].Size == 1 {
		v = uint32(int32(int8(v)))
	} else {
		v = uint32(int32(int16(v)))
	}
	c.setReg(in.Args[0].Reg, in.Args[0].Size, v)
	return flowNext
}

// opLEA stores the memory operand's offset (no segment base).
func opLEA(c *CPU, in *Inst) flow {
	c.setReg(in.Args[0].Reg, in.Args[0].Size, c.offset(in))
	return flowNext
}

func opXCHG(c *CPU, in *Inst) flow {
	a, addr, ok := c.readArg(in, 0)
	if !ok {
		return c.memFaultRMW()
	}
	b, _, _ := c.readArg(in, 1)
	if !c.writeArg(in, 0, addr, b, true) {
		return c.memFault()
	}
	c.writeArg(in, 1, 0, a, false)
	return flowNext
}

func opXADD(c *CPU, in *Inst) flow {
	a, addr, ok := c.readArg(in, 0)
	if !ok {
		return c.memFaultRMW()
	}
	b, _, _ := c.readArg(in, 1)
	size := uint8(in.Args[0].Size)
	r := (a + b) & sizeMask[7&size]
	if !c.writeArg(in, 0, addr, r, true) {
		return c.memFault()
	}
	if in.Args[0].Kind == argMem || in.Args[0].Reg != in.Args[1].Reg {
		c.writeArg(in, 1, 0, a, false)
	}
	if in.Args[0].Kind == argReg {
		c.writeArg(in, 0, 0, r, false) // XADD r, r with the same register: the sum wins
	}
	c.setLazy(lazyAdd, size, a, b, r)
	return flowNext
}

func opCMPXCHG(c *CPU, in *Inst) flow {
	d, addr, ok := c.readArg(in, 0)
	if !ok {
		return c.memFaultRMW()
	}
	size := uint8(in.Args[0].Size)
	acc := c.getReg(EAX, uint16(size))
	src, _, _ := c.readArg(in, 1)
	if acc == d {
		if !c.writeArg(in, 0, addr, src, true) {
			return c.memFault()
		}
	} else {
		// The processor writes the destination back even when the compare fails.
		if !c.writeArg(in, 0, addr, d, true) {
			return c.memFault()
		}
		c.setReg(EAX, uint16(size), d)
	}
	c.setLazy(lazySub, size, acc, d, (acc-d)&sizeMask[7&size])
	return flowNext
}

func opCMPXCHG8B(c *CPU, in *Inst) flow {
	addr := c.ea(in)
	v, ok := c.read64(addr)
	if !ok {
		return c.memFaultRMW()
	}
	cur := uint64(c.Regs[EDX])<<32 | uint64(c.Regs[EAX])
	eq := v == cur
	nv := v
	if eq {
		nv = uint64(c.Regs[ECX])<<32 | uint64(c.Regs[EBX])
	}
	if !c.write64(addr, nv) {
		return c.memFault()
	}
	if !eq {
		c.Regs[EAX], c.Regs[EDX] = uint32(v), uint32(v>>32)
	}
	f := c.Flags() &^ FlagZF
	if eq {
		f |= FlagZF
	}
	c.flags = f
	return flowNext
}

// ccOf maps Jcc/SETcc/CMOVcc ops to their condition nibble; isCMOV marks the CMOVcc ops.
var (
	ccOf   [tableSize]uint8
	isCMOV [tableSize]bool
)

func init() {
	type group struct {
		j, set, cmov x86asm.Op
		cc           uint8
	}
	for _, g := range []group{
		{x86asm.JO, x86asm.SETO, x86asm.CMOVO, 0x0}, {x86asm.JNO, x86asm.SETNO, x86asm.CMOVNO, 0x1},
		{x86asm.JB, x86asm.SETB, x86asm.CMOVB, 0x2}, {x86asm.JAE, x86asm.SETAE, x86asm.CMOVAE, 0x3},
		{x86asm.JE, x86asm.SETE, x86asm.CMOVE, 0x4}, {x86asm.JNE, x86asm.SETNE, x86asm.CMOVNE, 0x5},
		{x86asm.JBE, x86asm.SETBE, x86asm.CMOVBE, 0x6}, {x86asm.JA, x86asm.SETA, x86asm.CMOVA, 0x7},
		{x86asm.JS, x86asm.SETS, x86asm.CMOVS, 0x8}, {x86asm.JNS, x86asm.SETNS, x86asm.CMOVNS, 0x9},
		{x86asm.JP, x86asm.SETP, x86asm.CMOVP, 0xA}, {x86asm.JNP, x86asm.SETNP, x86asm.CMOVNP, 0xB},
		{x86asm.JL, x86asm.SETL, x86asm.CMOVL, 0xC}, {x86asm.JGE, x86asm.SETGE, x86asm.CMOVGE, 0xD},
		{x86asm.JLE, x86asm.SETLE, x86asm.CMOVLE, 0xE}, {x86asm.JG, x86asm.SETG, x86asm.CMOVG, 0xF},
	} {
		ccOf[g.j], ccOf[g.set], ccOf[g.cmov] = g.cc, g.cc, g.cc
		isCMOV[g.cmov] = true
		defineOps(
			opDef{Op: g.j, Fn: opJcc, Flags: opEndsBlock, Args: [4]argMask{maskRel}},
			opDef{Op: g.set, Fn: opSETcc, Args: [4]argMask{maskRM}, Sizes: sz8},
			opDef{Op: g.cmov, Fn: opCMOVcc, Args: [4]argMask{maskReg, maskRM}, Sizes: sz16 | sz32},
		)
	}
}

func opSETcc(c *CPU, in *Inst) flow {
	v := b2u(c.cond(ccOf[in.Op]))
	if !c.writeArg(in, 0, 0, v, false) {
		return c.memFault()
	}
	return flowNext
}

func opCMOVcc(c *CPU, in *Inst) flow {
	v, _, ok := c.readArg(in, 1) // the source is read (and may fault) whatever the condition
	if !ok {
		return c.memFault()
	}
	if c.cond(ccOf[in.Op]) {
		c.setReg(in.Args[0].Reg, in.Args[0].Size, v)
	}
	return flowNext
}

func opCBW(c *CPU, in *Inst) flow {
	c.setReg(EAX, 2, uint32(int32(int8(c.Regs[EAX]))))
	return flowNext
}

func opCWDE(c *CPU, in *Inst) flow {
	c.Regs[EAX] = uint32(int32(int16(c.Regs[EAX])))
	return flowNext
}

func opCWD(c *CPU, in *Inst) flow {
	c.setReg(EDX, 2, uint32(int32(int16(c.Regs[EAX]))>>16))
	return flowNext
}

func opCDQ(c *CPU, in *Inst) flow {
	c.Regs[EDX] = uint32(int32(c.Regs[EAX]) >> 31)
	return flowNext
}

func opBSWAP(c *CPU, in *Inst) flow {
	r := in.Args[0].Reg & 7
	if in.Args[0].Size == 2 {
		c.Regs[r] &^= 0xFFFF // BSWAP r16 is undefined; processors clear the word
		return flowNext
	}
	v := c.Regs[r]
	c.Regs[r] = v>>24 | v>>8&0xFF00 | v<<8&0xFF0000 | v<<24
	return flowNext
}

func opLAHF(c *CPU, in *Inst) flow {
	f := c.Flags()
	c.setReg(4, 1, f&(FlagSF|FlagZF|FlagAF|FlagPF|FlagCF)|2) // AH
	return flowNext
}

func opSAHF(c *CPU, in *Inst) flow {
	ah := c.Regs[EAX] >> 8 & 0xFF
	f := c.Flags()
	mask := FlagSF | FlagZF | FlagAF | FlagPF | FlagCF
	c.flags = f&^mask | ah&mask
	return flowNext
}

func opCLC(c *CPU, in *Inst) flow { c.setCF(false); return flowNext }
func opSTC(c *CPU, in *Inst) flow { c.setCF(true); return flowNext }
func opCMC(c *CPU, in *Inst) flow { c.setCF(!c.cf()); return flowNext }
func opCLD(c *CPU, in *Inst) flow { c.flags &^= FlagDF; return flowNext }
func opSTD(c *CPU, in *Inst) flow { c.flags |= FlagDF; return flowNext }
func opNOP(c *CPU, in *Inst) flow { return flowNext }

func init() {
	alu := func(op x86asm.Op, fn handler) opDef {
		return opDef{Op: op, Fn: fn, Flags: opLockable, Args: [4]argMask{maskRM, maskRMI}, Sizes: szInt}
	}
	defineOps(
		alu(x86asm.ADD, opADD), alu(x86asm.OR, opOR), alu(x86asm.ADC, opADC), alu(x86asm.SBB, opSBB),
		alu(x86asm.AND, opAND), alu(x86asm.SUB, opSUB), alu(x86asm.XOR, opXOR),
		opDef{Op: x86asm.CMP, Fn: opCMP, Args: [4]argMask{maskRM, maskRMI}, Sizes: szInt},
		opDef{Op: x86asm.TEST, Fn: opTEST, Args: [4]argMask{maskRM, maskRMI}, Sizes: szInt},
		opDef{Op: x86asm.INC, Fn: opINC, Flags: opLockable, Args: [4]argMask{maskRM}, Sizes: szInt},
		opDef{Op: x86asm.DEC, Fn: opDEC, Flags: opLockable, Args: [4]argMask{maskRM}, Sizes: szInt},
		opDef{Op: x86asm.NEG, Fn: opNEG, Flags: opLockable, Args: [4]argMask{maskRM}, Sizes: szInt},
		opDef{Op: x86asm.NOT, Fn: opNOT, Flags: opLockable, Args: [4]argMask{maskRM}, Sizes: szInt},
		opDef{Op: x86asm.MOV, Fn: opMOV, Args: [4]argMask{maskRM | maskSeg, maskRMI | maskSeg}, Sizes: szInt},
		opDef{Op: x86asm.MOVZX, Fn: opMOVZX, Args: [4]argMask{maskReg, maskRM}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.MOVSX, Fn: opMOVSX, Args: [4]argMask{maskReg, maskRM}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.LEA, Fn: opLEA, Args: [4]argMask{maskReg, maskMem}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.XCHG, Fn: opXCHG, Flags: opLockable, Args: [4]argMask{maskRM, maskReg}, Sizes: szInt},
		opDef{Op: x86asm.XADD, Fn: opXADD, Flags: opLockable, Args: [4]argMask{maskRM, maskReg}, Sizes: szInt},
		opDef{Op: x86asm.CMPXCHG, Fn: opCMPXCHG, Flags: opLockable, Args: [4]argMask{maskRM, maskReg}, Sizes: szInt},
		opDef{Op: x86asm.CMPXCHG8B, Fn: opCMPXCHG8B, Flags: opLockable, Args: [4]argMask{maskMem}, Sizes: sz64},
		opDef{Op: x86asm.CBW, Fn: opCBW},
		opDef{Op: x86asm.CWDE, Fn: opCWDE},
		opDef{Op: x86asm.CWD, Fn: opCWD},
		opDef{Op: x86asm.CDQ, Fn: opCDQ},
		opDef{Op: x86asm.BSWAP, Fn: opBSWAP, Args: [4]argMask{maskReg}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.LAHF, Fn: opLAHF},
		opDef{Op: x86asm.SAHF, Fn: opSAHF},
		opDef{Op: x86asm.CLC, Fn: opCLC},
		opDef{Op: x86asm.STC, Fn: opSTC},
		opDef{Op: x86asm.CMC, Fn: opCMC},
		opDef{Op: x86asm.CLD, Fn: opCLD},
		opDef{Op: x86asm.STD, Fn: opSTD},
		opDef{Op: x86asm.NOP, Fn: opNOP, Args: [4]argMask{maskNone | maskRM}},
		opDef{Op: x86asm.PAUSE, Fn: opNOP},
	)
}
