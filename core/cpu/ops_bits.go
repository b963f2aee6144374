package cpu

import (
	"math/bits"

	"golang.org/x/arch/x86/x86asm"
)

// Shifts, rotates, double shifts, multiply and divide, bit tests and scans, BCD adjustment.
// These compute their flags eagerly (setFlagsArith / setCF); flags the Intel manual leaves
// undefined get a deterministic value.

func flagIf(b bool, f uint32) uint32 {
	if b {
		return f
	}
	return 0
}

// shift implements SHL/SAL, SHR, SAR, ROL, ROR, RCL and RCR.
func (c *CPU) shift(in *Inst, op x86asm.Op) flow {
	a, addr, ok := c.readArg(in, 0)
	if !ok {
		return c.memFaultRMW()
	}
	cnt, _, _ := c.readArg(in, 1)
	cnt &= 31
	if cnt == 0 {
		return flowNext
	}
	size := uint8(in.Args[0].Size)
	nb := uint32(size) * 8
	m, sb := sizeMask[7&size], signBit[7&size]
	var r uint32
	var f uint32  // new status flags
	keep := false // rotates keep SF/ZF/AF/PF
	switch op {
	case x86asm.SHL:
		r = uint32(uint64(a)<<cnt) & m
		cf := cnt <= nb && a>>(nb-cnt)&1 != 0
		f = szp(r, size) | flagIf(cf, FlagCF) | flagIf((r&sb != 0) != cf, FlagOF)
	case x86asm.SHR:
		r = a >> cnt
		f = szp(r, size) | flagIf(a>>(cnt-1)&1 != 0, FlagCF) | flagIf(a&sb != 0, FlagOF)
	case x86asm.SAR:
		sa := int32(a<<(32-nb)) >> (32 - nb)
		r = uint32(sa>>cnt) & m
		f = szp(r, size) | flagIf(sa>>(cnt-1)&1 != 0, FlagCF)
	case x86asm.ROL:
		rc := cnt % nb
		r = (a<<rc | a>>((nb-rc)%nb)) & m
		cf := r&1 != 0
		f = flagIf(cf, FlagCF) | flagIf((r&sb != 0) != cf, FlagOF)
		keep = true
	case x86asm.ROR:
		rc := cnt % nb
		r = (a>>rc | a<<((nb-rc)%nb)) & m
		f = flagIf(r&sb != 0, FlagCF) | flagIf((r&sb != 0) != (r&(sb>>1) != 0), FlagOF)
		keep = true
	case x86asm.RCL, x86asm.RCR:
		rc := cnt % (nb + 1)
		if rc == 0 {
			return flowNext
		}
		oldCF := c.cf()
		w := uint64(nb + 1)
		wm := uint64(1)<<w - 1
		v := uint64(a) | uint64(b2u(oldCF))<<nb
		var rot uint64
		if op == x86asm.RCL {
			rot = (v<<rc | v>>(w-uint64(rc))) & wm
		} else {
			rot = (v>>rc | v<<(w-uint64(rc))) & wm
		}
		r = uint32(rot) & m
		cf := rot>>nb&1 != 0
		if op == x86asm.RCL {
			f = flagIf(cf, FlagCF) | flagIf((r&sb != 0) != cf, FlagOF)
		} else {
			f = flagIf(cf, FlagCF) | flagIf((a&sb != 0) != oldCF, FlagOF)
		}
		keep = true
	}
	if !c.writeArg(in, 0, addr, r, true) {
		return c.memFault()
	}
	if keep {
		old := c.Flags()
		f |= old & (FlagSF | FlagZF | FlagAF | FlagPF)
	}
	c.setFlagsArith(f)
	return flowNext
}

func opSHL(c *CPU, in *Inst) flow { return c.shift(in, x86asm.SHL) }
func opSHR(c *CPU, in *Inst) flow { return c.shift(in, x86asm.SHR) }
func opSAR(c *CPU, in *Inst) flow { return c.shift(in, x86asm.SAR) }
func opROL(c *CPU, in *Inst) flow { return c.shift(in, x86asm.ROL) }
func opROR(c *CPU, in *Inst) flow { return c.shift(in, x86asm.ROR) }
func opRCL(c *CPU, in *Inst) flow { return c.shift(in, x86asm.RCL) }
func opRCR(c *CPU, in *Inst) flow { return c.shift(in, x86asm.RCR) }

// dshift implements SHLD and SHRD.
func (c *CPU) dshift(in *Inst, left bool) flow {
	d, addr, ok := c.readArg(in, 0)
	if !ok {
		return c.memFaultRMW()
	}
	s, _, _ := c.readArg(in, 1)
	cnt, _, _ := c.readArg(in, 2)
	cnt &= 31
	if cnt == 0 {
		return flowNext
	}
	size := uint8(in.Args[0].Size)
	sb := signBit[7&size]
	var r uint32
	var cf bool
	if size == 4 {
		if left {
			r = d<<cnt | s>>(32-cnt)
			cf = d>>(32-cnt)&1 != 0
		} else {
			r = d>>cnt | s<<(32-cnt)
			cf = d>>(cnt-1)&1 != 0
		}
	} else {
		// 16-bit with counts above 16 is undefined; processors shift the 48-bit dst:src:dst.
		if left {
			v := uint64(d)<<32 | uint64(s)<<16 | uint64(d)
			r = uint32(v>>(32-cnt)) & 0xFFFF
			cf = v>>(48-cnt)&1 != 0
		} else {
			v := uint64(d) | uint64(s)<<16 | uint64(d)<<32
			r = uint32(v>>cnt) & 0xFFFF
			cf = v>>(cnt-1)&1 != 0
		}
	}
	if !c.writeArg(in, 0, addr, r, true) {
		return c.memFault()
	}
	c.setFlagsArith(szp(r, size) | flagIf(cf, FlagCF) | flagIf((r^d)&sb != 0, FlagOF))
	return flowNext
}

func opSHLD(c *CPU, in *Inst) flow { return c.dshift(in, true) }
func opSHRD(c *CPU, in *Inst) flow { return c.dshift(in, false) }

func sext(v uint32, size uint8) int64 {
	switch size {
	case 1:
		return int64(int8(v))
	case 2:
		return int64(int16(v))
	}
	return int64(int32(v))
}

func opMUL(c *CPU, in *Inst) flow {
	s, _, ok := c.readArg(in, 0)
	if !ok {
		return c.memFault()
	}
	size := uint8(in.Args[0].Size)
	var hi, lo uint32
	switch size {
	case 1:
		p := (c.Regs[EAX] & 0xFF) * s
		c.setReg(EAX, 2, p)
		hi, lo = p>>8&0xFF, p&0xFF
	case 2:
		p := (c.Regs[EAX] & 0xFFFF) * s
		c.setReg(EAX, 2, p)
		c.setReg(EDX, 2, p>>16)
		hi, lo = p>>16, p&0xFFFF
	default:
		h, l := bits.Mul32(c.Regs[EAX], s)
		c.Regs[EAX], c.Regs[EDX] = l, h
		hi, lo = h, l
	}
	c.setFlagsArith(szp(lo, size) | flagIf(hi != 0, FlagCF|FlagOF))
	return flowNext
}

// opIMUL handles the one-, two- and three-operand forms.
func opIMUL(c *CPU, in *Inst) flow {
	size := uint8(in.Args[0].Size)
	if in.Args[1].Kind == argNone {
		s, _, ok := c.readArg(in, 0)
		if !ok {
			return c.memFault()
		}
		a := sext(c.getReg(EAX, uint16(size)), size)
		p := a * sext(s, size)
		var over bool
		switch size {
		case 1:
			c.setReg(EAX, 2, uint32(p))
			over = p != int64(int8(p))
		case 2:
			c.setReg(EAX, 2, uint32(p))
			c.setReg(EDX, 2, uint32(p>>16))
			over = p != int64(int16(p))
		default:
			c.Regs[EAX], c.Regs[EDX] = uint32(p), uint32(p>>32)
			over = p != int64(int32(p))
		}
		c.setFlagsArith(szp(uint32(p), size) | flagIf(over, FlagCF|FlagOF))
		return flowNext
	}
	var a, b uint32
	var ok bool
	if in.Args[2].Kind != argNone {
		a, _, ok = c.readArg(in, 1)
		b, _, _ = c.readArg(in, 2)
	} else {
		a = c.getReg(in.Args[0].Reg, uint16(size))
		b, _, ok = c.readArg(in, 1)
	}
	if !ok {
		return c.memFault()
	}
	p := sext(a, size) * sext(b, size)
	r := uint32(p) & sizeMask[7&size]
	c.setReg(in.Args[0].Reg, uint16(size), r)
	c.setFlagsArith(szp(r, size) | flagIf(p != sext(r, size), FlagCF|FlagOF))
	return flowNext
}

func (c *CPU) divError(overflow bool) flow {
	c.exc = Exception{Kind: DivideError, Detail: b2u(overflow)}
	return flowFault
}

func opDIV(c *CPU, in *Inst) flow {
	s, _, ok := c.readArg(in, 0)
	if !ok {
		return c.memFault()
	}
	if s == 0 {
		return c.divError(false)
	}
	switch in.Args[0].Size {
	case 1:
		n := c.Regs[EAX] & 0xFFFF
		q := n / s
		if q > 0xFF {
			return c.divError(true)
		}
		c.setReg(EAX, 2, (n%s)<<8|q)
	case 2:
		n := (c.Regs[EDX]&0xFFFF)<<16 | c.Regs[EAX]&0xFFFF
		q := n / s
		if q > 0xFFFF {
			return c.divError(true)
		}
		c.setReg(EAX, 2, q)
		c.setReg(EDX, 2, n%s)
	default:
		hi, lo := c.Regs[EDX], c.Regs[EAX]
		if hi >= s {
			return c.divError(true)
		}
		q, r := bits.Div32(hi, lo, s)
		c.Regs[EAX], c.Regs[EDX] = q, r
	}
	return flowNext
}

func opIDIV(c *CPU, in *Inst) flow {
	s, _, ok := c.readArg(in, 0)
	if !ok {
		return c.memFault()
	}
	size := uint8(in.Args[0].Size)
	d := sext(s, size)
	if d == 0 {
		return c.divError(false)
	}
	switch size {
	case 1:
		n := int64(int16(c.Regs[EAX]))
		q, r := n/d, n%d
		if q != int64(int8(q)) {
			return c.divError(true)
		}
		c.setReg(EAX, 2, uint32(r)<<8|uint32(q)&0xFF)
	case 2:
		n := int64(int32((c.Regs[EDX]&0xFFFF)<<16 | c.Regs[EAX]&0xFFFF))
		q, r := n/d, n%d
		if q != int64(int16(q)) {
			return c.divError(true)
		}
		c.setReg(EAX, 2, uint32(q))
		c.setReg(EDX, 2, uint32(r))
	default:
		n := int64(uint64(c.Regs[EDX])<<32 | uint64(c.Regs[EAX]))
		if n == -1<<63 && d == -1 {
			return c.divError(true)
		}
		q, r := n/d, n%d
		if q != int64(int32(q)) {
			return c.divError(true)
		}
		c.Regs[EAX], c.Regs[EDX] = uint32(q), uint32(r)
	}
	return flowNext
}

// bitTest implements BT, BTS, BTR and BTC (op 0..3).
func (c *CPU) bitTest(in *Inst, op int) flow {
	size := in.Args[0].Size
	nb := uint32(size) * 8
	off, _, _ := c.readArg(in, 1)
	var v, addr uint32
	var bit uint32
	if in.Args[0].Kind == argMem {
		addr = c.ea(in)
		if in.Args[1].Kind == argReg {
			// A register bit offset is signed and may reach outside the operand.
			so := sext(off, uint8(size))
			if nb == 32 {
				addr += uint32(int32(so>>5) * 4)
			} else {
				addr += uint32(int32(so>>4) * 2)
			}
		}
		bit = off & (nb - 1)
		var ok bool
		v, ok = c.readMem(addr, size)
		if !ok {
			if op != 0 {
				return c.memFaultRMW()
			}
			return c.memFault()
		}
	} else {
		bit = off & (nb - 1)
		v = c.getReg(in.Args[0].Reg, size)
	}
	cf := v>>bit&1 != 0
	nv := v
	switch op {
	case 1:
		nv |= 1 << bit
	case 2:
		nv &^= 1 << bit
	case 3:
		nv ^= 1 << bit
	}
	if op != 0 {
		if in.Args[0].Kind == argMem {
			if !c.writeMem(addr, size, nv) {
				return c.memFault()
			}
		} else {
			c.setReg(in.Args[0].Reg, size, nv)
		}
	}
	c.setCF(cf)
	return flowNext
}

func opBT(c *CPU, in *Inst) flow  { return c.bitTest(in, 0) }
func opBTS(c *CPU, in *Inst) flow { return c.bitTest(in, 1) }
func opBTR(c *CPU, in *Inst) flow { return c.bitTest(in, 2) }
func opBTC(c *CPU, in *Inst) flow { return c.bitTest(in, 3) }

// scan implements BSF and BSR: a zero source sets ZF and leaves the destination unchanged.
func (c *CPU) scan(in *Inst, reverse bool) flow {
	s, _, ok := c.readArg(in, 1)
	if !ok {
		return c.memFault()
	}
	f := c.Flags() &^ FlagZF
	if s == 0 {
		c.flags = f | FlagZF
		return flowNext
	}
	var idx int
	if reverse {
		idx = 31 - bits.LeadingZeros32(s)
	} else {
		idx = bits.TrailingZeros32(s)
	}
	c.setReg(in.Args[0].Reg, in.Args[0].Size, uint32(idx))
	c.flags = f
	return flowNext
}

func opBSF(c *CPU, in *Inst) flow { return c.scan(in, false) }
func opBSR(c *CPU, in *Inst) flow { return c.scan(in, true) }

// opPOPCNT counts set bits: ZF = (source == 0), the other status flags are cleared.
func opPOPCNT(c *CPU, in *Inst) flow {
	s, _, ok := c.readArg(in, 1)
	if !ok {
		return c.memFault()
	}
	c.setReg(in.Args[0].Reg, in.Args[0].Size, uint32(bits.OnesCount32(s)))
	c.setFlagsArith(flagIf(s == 0, FlagZF))
	return flowNext
}

func opDAA(c *CPU, in *Inst) flow {
	f := c.Flags()
	al := c.Regs[EAX] & 0xFF
	oldAL, oldCF := al, f&FlagCF != 0
	var nf uint32
	if al&0xF > 9 || f&FlagAF != 0 {
		nf |= FlagAF | flagIf(oldCF || al+6 > 0xFF, FlagCF)
		al = (al + 6) & 0xFF
	}
	if oldAL > 0x99 || oldCF {
		al = (al + 0x60) & 0xFF
		nf |= FlagCF
	} else {
		nf &^= FlagCF
	}
	c.setReg(EAX, 1, al)
	c.setFlagsArith(nf | szp(al, 1))
	return flowNext
}

func opDAS(c *CPU, in *Inst) flow {
	f := c.Flags()
	al := c.Regs[EAX] & 0xFF
	oldAL, oldCF := al, f&FlagCF != 0
	var nf uint32
	if al&0xF > 9 || f&FlagAF != 0 {
		nf |= FlagAF | flagIf(oldCF || al < 6, FlagCF)
		al = (al - 6) & 0xFF
	}
	if oldAL > 0x99 || oldCF {
		al = (al - 0x60) & 0xFF
		nf |= FlagCF
	}
	c.setReg(EAX, 1, al)
	c.setFlagsArith(nf | szp(al, 1))
	return flowNext
}

func opAAA(c *CPU, in *Inst) flow {
	f := c.Flags()
	ax := c.Regs[EAX] & 0xFFFF
	var nf uint32
	if ax&0xF > 9 || f&FlagAF != 0 {
		ax += 0x106
		nf = FlagAF | FlagCF
	}
	ax &= 0xFF0F
	c.setReg(EAX, 2, ax)
	c.setFlagsArith(nf | szp(ax&0xFF, 1))
	return flowNext
}

func opAAS(c *CPU, in *Inst) flow {
	f := c.Flags()
	ax := c.Regs[EAX] & 0xFFFF
	var nf uint32
	if ax&0xF > 9 || f&FlagAF != 0 {
		ax = (ax - 6) & 0xFFFF
		ax = (ax - 0x100) & 0xFFFF
		nf = FlagAF | FlagCF
	}
	ax &= 0xFF0F
	c.setReg(EAX, 2, ax)
	c.setFlagsArith(nf | szp(ax&0xFF, 1))
	return flowNext
}

func opAAM(c *CPU, in *Inst) flow {
	base := in.Imm & 0xFF
	if base == 0 {
		return c.divError(false)
	}
	al := c.Regs[EAX] & 0xFF
	q, r := al/base, al%base
	c.setReg(EAX, 2, q<<8|r)
	c.setFlagsArith(szp(r, 1))
	return flowNext
}

func opAAD(c *CPU, in *Inst) flow {
	base := in.Imm & 0xFF
	ax := c.Regs[EAX]
	al := (ax&0xFF + (ax>>8&0xFF)*base) & 0xFF
	c.setReg(EAX, 2, al)
	c.setFlagsArith(szp(al, 1))
	return flowNext
}

func init() {
	CPUIDFeatureECX |= FeatPOPCNT
	sh := func(op x86asm.Op, fn handler) opDef {
		return opDef{Op: op, Fn: fn, Args: [4]argMask{maskRM, maskReg | maskImm}, Sizes: szInt}
	}
	bt := func(op x86asm.Op, fn handler, lock uint16) opDef {
		return opDef{Op: op, Fn: fn, Flags: lock, Args: [4]argMask{maskRM, maskReg | maskImm}, Sizes: sz16 | sz32}
	}
	defineOps(
		sh(x86asm.SHL, opSHL), sh(x86asm.SHR, opSHR), sh(x86asm.SAR, opSAR),
		sh(x86asm.ROL, opROL), sh(x86asm.ROR, opROR), sh(x86asm.RCL, opRCL), sh(x86asm.RCR, opRCR),
		opDef{Op: x86asm.SHLD, Fn: opSHLD, Args: [4]argMask{maskRM, maskReg, maskReg | maskImm}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.SHRD, Fn: opSHRD, Args: [4]argMask{maskRM, maskReg, maskReg | maskImm}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.MUL, Fn: opMUL, Args: [4]argMask{maskRM}, Sizes: szInt},
		opDef{Op: x86asm.IMUL, Fn: opIMUL, Args: [4]argMask{maskRM, maskNone | maskRM, maskNone | maskImm}, Sizes: szInt},
		opDef{Op: x86asm.DIV, Fn: opDIV, Args: [4]argMask{maskRM}, Sizes: szInt},
		opDef{Op: x86asm.IDIV, Fn: opIDIV, Args: [4]argMask{maskRM}, Sizes: szInt},
		bt(x86asm.BT, opBT, 0), bt(x86asm.BTS, opBTS, opLockable), bt(x86asm.BTR, opBTR, opLockable),
		bt(x86asm.BTC, opBTC, opLockable),
		opDef{Op: x86asm.BSF, Fn: opBSF, Args: [4]argMask{maskReg, maskRM}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.BSR, Fn: opBSR, Args: [4]argMask{maskReg, maskRM}, Sizes: sz16 | sz32},
		// F3 0F BC/BD are TZCNT/LZCNT only on BMI1/LZCNT processors, which CPUID does not claim;
		// elsewhere the REP prefix is ignored and they run as BSF/BSR (compilers rely on that).
		opDef{Op: x86asm.TZCNT, Fn: opBSF, Args: [4]argMask{maskReg, maskRM}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.LZCNT, Fn: opBSR, Args: [4]argMask{maskReg, maskRM}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.POPCNT, Fn: opPOPCNT, Args: [4]argMask{maskReg, maskRM}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.DAA, Fn: opDAA},
		opDef{Op: x86asm.DAS, Fn: opDAS},
		opDef{Op: x86asm.AAA, Fn: opAAA},
		opDef{Op: x86asm.AAS, Fn: opAAS},
		opDef{Op: x86asm.AAM, Fn: opAAM, Args: [4]argMask{maskImm}},
		opDef{Op: x86asm.AAD, Fn: opAAD, Args: [4]argMask{maskImm}},
	)
}
