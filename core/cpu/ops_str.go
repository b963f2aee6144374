package cpu

import "golang.org/x/arch/x86/x86asm"

// String instructions. The source is seg:ESI (DS unless overridden; FS/GS add their base), the
// destination ES:EDI (flat). Under 0x67 SI, DI and CX are used and wrap at 16 bits. With a REP
// prefix one execution performs at most repChunk iterations and then asks the loop to run it again
// (flowRepeat), so a huge count stays preemptible and the budget stays meaningful. A fault in the
// middle leaves the registers describing the iterations done, as on the real processor.

const repChunk = 1024

const (
	strMOVS = iota
	strCMPS
	strSTOS
	strLODS
	strSCAS
)

// strKind and strSize describe each string op.
var strKind, strSize [numX86Ops]uint8

func (c *CPU) str(in *Inst) flow {
	kind := strKind[in.Op]
	size := uint16(strSize[in.Op])
	step := uint32(size)
	if c.flags&FlagDF != 0 {
		step = -step
	}
	amask := uint32(0xFFFFFFFF)
	if in.AddrSize == 2 {
		amask = 0xFFFF
	}
	base := c.segBase(in)
	rep := in.Rep != repNone
	n := repChunk
	if !rep || c.flags&FlagTF != 0 {
		n = 1 // under TF the processor traps after every iteration
	}
	savedLF, savedFlags := c.lf, c.flags
	for ; n > 0; n-- {
		if rep && c.Regs[ECX]&amask == 0 {
			return flowNext
		}
		si, di := c.Regs[ESI]&amask, c.Regs[EDI]&amask
		if kind != strSTOS && kind != strSCAS && !c.segCheck(in, si, size) {
			return c.raise(GeneralProtection)
		}
		switch kind {
		case strMOVS:
			v, ok := c.readMem(base+si, size)
			if !ok {
				return c.memFault()
			}
			if !c.writeMem(di, size, v) {
				return c.memFault()
			}
			c.advance(ESI, step, amask)
			c.advance(EDI, step, amask)
		case strSTOS:
			if !c.writeMem(di, size, c.getReg(EAX, size)) {
				return c.memFault()
			}
			c.advance(EDI, step, amask)
		case strLODS:
			v, ok := c.readMem(base+si, size)
			if !ok {
				return c.memFault()
			}
			c.setReg(EAX, size, v)
			c.advance(ESI, step, amask)
		case strCMPS:
			a, ok := c.readMem(base+si, size)
			if !ok {
				return c.memFault()
			}
			b, ok := c.readMem(di, size)
			if !ok {
				return c.memFault()
			}
			c.aluDo(aluCmp, uint8(size), a, b)
			c.advance(ESI, step, amask)
			c.advance(EDI, step, amask)
		case strSCAS:
			b, ok := c.readMem(di, size)
			if !ok {
				return c.memFault()
			}
			c.aluDo(aluCmp, uint8(size), c.getReg(EAX, size), b)
			c.advance(EDI, step, amask)
		}
		if !rep {
			return flowNext
		}
		c.advance(ECX, ^uint32(0), amask)
		if kind == strCMPS || kind == strSCAS {
			eq := c.lf.res == 0
			if (in.Rep == repE && !eq) || (in.Rep == repNE && eq) {
				return flowNext
			}
		}
	}
	if c.Regs[ECX]&amask == 0 {
		return flowNext
	}
	if (kind == strCMPS || kind == strSCAS) && c.flags&FlagTF != 0 {
		// Measured on hardware: a REPE/REPNE CMPS/SCAS interrupted between iterations (here by
		// the single-step trap) shows the flags from before the instruction; they are written
		// when it terminates.
		c.lf, c.flags = savedLF, savedFlags
	}
	return flowRepeat
}

// advance adds d to register r within the address-size mask.
func (c *CPU) advance(r uint8, d, amask uint32) {
	v := c.Regs[r&7]
	c.Regs[r&7] = v&^amask | (v+d)&amask
}

func opString(c *CPU, in *Inst) flow { return c.str(in) }

func init() {
	for _, s := range []struct {
		op   x86asm.Op
		kind uint8
		size uint8
	}{
		{x86asm.MOVSB, strMOVS, 1}, {x86asm.MOVSW, strMOVS, 2}, {x86asm.MOVSD, strMOVS, 4},
		{x86asm.CMPSB, strCMPS, 1}, {x86asm.CMPSW, strCMPS, 2}, {x86asm.CMPSD, strCMPS, 4},
		{x86asm.STOSB, strSTOS, 1}, {x86asm.STOSW, strSTOS, 2}, {x86asm.STOSD, strSTOS, 4},
		{x86asm.LODSB, strLODS, 1}, {x86asm.LODSW, strLODS, 2}, {x86asm.LODSD, strLODS, 4},
		{x86asm.SCASB, strSCAS, 1}, {x86asm.SCASW, strSCAS, 2}, {x86asm.SCASD, strSCAS, 4},
	} {
		strKind[s.op], strSize[s.op] = s.kind, s.size
		defineOps(opDef{Op: s.op, Fn: opString, Args: [4]argMask{maskMem | maskReg, maskMem | maskReg | maskNone}})
	}
}
