package cpu

import (
	"github.com/peek32/peek32/mm"
	"golang.org/x/arch/x86/x86asm"
)

// String instructions. The source is seg:ESI (DS unless overridden; FS/GS add their base), the
// destination ES:EDI (flat). Under 0x67 SI, DI and CX are used and wrap at 16 bits. With a REP
// prefix one execution performs at most repChunk iterations and then asks the loop to run it again
// (flowRepeat), so a huge count stays preemptible and the budget stays meaningful. A fault in the
// middle leaves the registers describing the iterations done, as on the real processor.

const repChunk = 1024

// bulkStrEnabled turns the bulk REP MOVS/STOS path on (tests turn it off to compare).
var bulkStrEnabled = true

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
	// REP MOVS/STOS, forward, flat 32-bit, not single-stepping: runs of iterations whose bytes lie
	// within pages already held by the TLBs are done in bulk (bulkStr). Those cannot fault or need
	// write bookkeeping, so the result is the same as iterating; everything else (page crossings,
	// cold pages, faults, overlapping forward copies) takes the exact per-iteration path below.
	bulk := bulkStrEnabled && rep && n == repChunk && (kind == strMOVS || kind == strSTOS) && step == uint32(size) &&
		amask == 0xFFFFFFFF && in.Seg == segFlat
	for ; n > 0; n-- {
		if rep && c.Regs[ECX]&amask == 0 {
			return flowNext
		}
		if bulk {
			if k := c.bulkStr(kind, size, min(uint32(n), c.Regs[ECX])); k > 0 {
				d := k * uint32(size)
				if kind == strMOVS {
					c.Regs[ESI] += d
				}
				c.Regs[EDI] += d
				c.Regs[ECX] -= k
				n -= int(k) - 1 // the loop's n-- counts the last one
				continue
			}
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

// bulkStr performs up to max iterations (at least two, else none) of a forward flat REP MOVS or
// STOS of size-byte elements at once, as far as the source and destination stay within one page
// each and those pages are in the TLBs, and returns how many it did. A forward MOVS whose
// destination overlaps later source bytes is left to the per-iteration path (element order
// matters there).
func (c *CPU) bulkStr(kind uint8, size uint16, max uint32) uint32 {
	sz := uint32(size)
	di := c.Regs[EDI]
	k := (mm.PageSize - di&^pageMask) / sz
	if kind == strMOVS {
		k = min(k, (mm.PageSize-c.Regs[ESI]&^pageMask)/sz)
	}
	k = min(k, max)
	if k < 2 {
		return 0
	}
	nb := k * sz
	if kind == strMOVS {
		si := c.Regs[ESI]
		if di-si < nb && di != si { // di in (si, si+nb): forward overlap
			return 0
		}
		if !c.Mem.MoveTLB(di, si, nb) {
			return 0
		}
		return k
	}
	if !c.Mem.FillTLB(di, nb, c.Regs[EAX], int(size)) {
		return 0
	}
	return k
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
