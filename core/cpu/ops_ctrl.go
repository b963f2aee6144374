package cpu

import "golang.org/x/arch/x86/x86asm"

// Control transfer, stack, and system-ish instructions. Every control transfer sets c.EIP and
// carries opEndsBlock; the loop has preset c.EIP to the fall-through address.

// target returns the destination of a JMP/CALL operand: the resolved relative target, or a
// register or memory value (truncated to 16 bits under 0x66).
func (c *CPU) target(in *Inst) (uint32, bool) {
	a := &in.Args[0]
	var t uint32
	switch a.Kind {
	case argRel:
		return in.Imm, true
	case argReg:
		t = c.getReg(a.Reg, a.Size)
	case argMem:
		v, ok := c.readMem(c.ea(in), a.Size)
		if !ok {
			return 0, false
		}
		t = v
	}
	return t, true
}

func opJMP(c *CPU, in *Inst) flow {
	t, ok := c.target(in)
	if !ok {
		return c.memFault()
	}
	c.EIP = t
	return flowNext
}

func opJcc(c *CPU, in *Inst) flow {
	if c.cond(ccOf[in.Op]) {
		c.EIP = in.Imm
	}
	return flowNext
}

func opCALL(c *CPU, in *Inst) flow {
	t, ok := c.target(in)
	if !ok {
		return c.memFault()
	}
	if !c.push(in.Addr+uint32(in.Len), in.OpSize) {
		return c.memFault()
	}
	c.EIP = t
	return flowNext
}

func opRET(c *CPU, in *Inst) flow {
	v, ok := c.peek(in.OpSize)
	if !ok {
		return c.memFault()
	}
	c.Regs[ESP] += uint32(in.OpSize)
	if in.Args[0].Kind == argImm {
		c.Regs[ESP] += in.Imm & 0xFFFF
	}
	c.EIP = v
	return flowNext
}

// counter returns ECX or CX per the address size, and a setter.
func (c *CPU) decCounter(in *Inst) uint32 {
	if in.AddrSize == 2 {
		v := (c.Regs[ECX] - 1) & 0xFFFF
		c.setReg(ECX, 2, v)
		return v
	}
	c.Regs[ECX]--
	return c.Regs[ECX]
}

func opLOOP(c *CPU, in *Inst) flow {
	if c.decCounter(in) != 0 {
		c.EIP = in.Imm
	}
	return flowNext
}

func opLOOPE(c *CPU, in *Inst) flow {
	if c.decCounter(in) != 0 && c.zf() {
		c.EIP = in.Imm
	}
	return flowNext
}

func opLOOPNE(c *CPU, in *Inst) flow {
	if c.decCounter(in) != 0 && !c.zf() {
		c.EIP = in.Imm
	}
	return flowNext
}

func opJCXZ(c *CPU, in *Inst) flow {
	if c.Regs[ECX]&0xFFFF == 0 {
		c.EIP = in.Imm
	}
	return flowNext
}

func opJECXZ(c *CPU, in *Inst) flow {
	if c.Regs[ECX] == 0 {
		c.EIP = in.Imm
	}
	return flowNext
}

func opPUSH(c *CPU, in *Inst) flow {
	a := &in.Args[0]
	if a.Kind == argReg && a.Size == 4 {
		if !c.push32(c.Regs[a.Reg&7]) {
			return c.memFault()
		}
		return flowNext
	}
	if a.Kind == argSeg && in.OpSize == 4 {
		// PUSH Sreg with a 32-bit operand size: P6 and later processors (this machine's CPU
		// included) store only the 16-bit selector and leave the upper half of the slot as it was.
		sp := c.Regs[ESP] - 4
		if !c.write16(sp, c.seg[a.Reg%6]) {
			return c.memFault()
		}
		c.Regs[ESP] = sp
		return flowNext
	}
	v, _, ok := c.readArg(in, 0)
	if !ok {
		return c.memFault()
	}
	if a.Kind == argImm {
		v = in.Imm // PUSH imm8 is sign-extended to the operand size
	}
	if !c.push(v, in.OpSize) {
		return c.memFault()
	}
	return flowNext
}

func opPOP(c *CPU, in *Inst) flow {
	a := &in.Args[0]
	size := in.OpSize
	v, ok := c.peek(size)
	if !ok {
		return c.memFault()
	}
	switch a.Kind {
	case argReg:
		c.Regs[ESP] += uint32(size)
		c.setReg(a.Reg, uint16(size), v)
	case argSeg:
		if r := c.loadSeg(a.Reg, v); r != flowNext {
			return r
		}
		c.Regs[ESP] += uint32(size)
	case argMem:
		// The address is computed with ESP already incremented.
		old := c.Regs[ESP]
		c.Regs[ESP] += uint32(size)
		if !c.writeMem(c.ea(in), uint16(size), v) {
			c.Regs[ESP] = old
			return c.memFault()
		}
	}
	return flowNext
}

func opPUSHA(c *CPU, in *Inst) flow {
	size := in.OpSize
	orig := c.Regs[ESP]
	sp := orig
	for i := range 8 {
		v := c.Regs[i]
		if i == ESP {
			v = orig
		}
		sp -= uint32(size)
		if !c.writeMem(sp, uint16(size), v) {
			return c.memFault()
		}
	}
	c.Regs[ESP] = sp
	return flowNext
}

func opPOPA(c *CPU, in *Inst) flow {
	size := uint32(in.OpSize)
	sp := c.Regs[ESP]
	var vals [8]uint32
	for i := 7; i >= 0; i-- {
		v, ok := c.readMem(sp, uint16(size))
		if !ok {
			return c.memFault()
		}
		vals[i] = v
		sp += size
	}
	for i := range 8 {
		if i != ESP {
			c.setReg(uint8(i), uint16(size), vals[i])
		}
	}
	c.Regs[ESP] = sp
	return flowNext
}

func opPUSHF(c *CPU, in *Inst) flow {
	f := c.Flags() &^ (FlagRF | FlagVM)
	if !c.push(f, in.OpSize) {
		return c.memFault()
	}
	return flowNext
}

func opPOPF(c *CPU, in *Inst) flow {
	v, ok := c.peek(in.OpSize)
	if !ok {
		return c.memFault()
	}
	c.Regs[ESP] += uint32(in.OpSize)
	if in.OpSize == 2 {
		v = c.Flags()&0xFFFF0000 | v&0xFFFF
	}
	c.SetFlags(v)
	return flowNext
}

func opENTER(c *CPU, in *Inst) flow {
	size := uint32(in.OpSize)
	alloc := in.Imm & 0xFFFF
	level := in.Imm2 & 31
	sp := c.Regs[ESP] - size
	if !c.writeMem(sp, uint16(size), c.Regs[EBP]) {
		return c.memFault()
	}
	frame := sp
	bp := c.Regs[EBP]
	if level > 0 {
		for i := uint32(1); i < level; i++ {
			bp -= size
			v, ok := c.readMem(bp, uint16(size))
			if !ok {
				return c.memFault()
			}
			sp -= size
			if !c.writeMem(sp, uint16(size), v) {
				return c.memFault()
			}
		}
		sp -= size
		if !c.writeMem(sp, uint16(size), frame) {
			return c.memFault()
		}
	}
	c.setReg(EBP, uint16(size), frame)
	c.Regs[ESP] = sp - alloc
	return flowNext
}

func opLEAVE(c *CPU, in *Inst) flow {
	size := uint32(in.OpSize)
	bp := c.Regs[EBP]
	v, ok := c.readMem(bp, uint16(size))
	if !ok {
		return c.memFault()
	}
	c.Regs[ESP] = bp + size
	c.setReg(EBP, uint16(size), v)
	return flowNext
}

func opINT(c *CPU, in *Inst) flow {
	n := uint8(in.Imm)
	if n == 3 {
		return c.raise(Breakpoint)
	}
	c.raise(GeneralProtection)
	c.exc.Vector = n
	return flowFault
}

func opINTO(c *CPU, in *Inst) flow {
	if c.of() {
		return c.raise(Overflow)
	}
	return flowNext
}

// opICEBP (F1, INT1) raises a single-step trap reported after the instruction.
func opICEBP(c *CPU, in *Inst) flow {
	c.exc = Exception{Kind: SingleStep}
	return flowTrap
}

func opBOUND(c *CPU, in *Inst) flow {
	size := in.Args[0].Size
	addr := c.ea(in)
	lo, ok := c.readMem(addr, size)
	if !ok {
		return c.memFault()
	}
	hi, ok := c.readMem(addr+uint32(size), size)
	if !ok {
		return c.memFault()
	}
	idx := sext(c.getReg(in.Args[0].Reg, size), uint8(size))
	if idx < sext(lo, uint8(size)) || idx > sext(hi, uint8(size)) {
		return c.raise(BoundRange)
	}
	return flowNext
}

func opXLATB(c *CPU, in *Inst) flow {
	a := c.Regs[EBX] + c.Regs[EAX]&0xFF
	if in.AddrSize == 2 {
		a &= 0xFFFF
	}
	if !c.segCheck(in, a, 1) {
		return c.raise(GeneralProtection)
	}
	v, ok := c.read8(a + c.segBase(in))
	if !ok {
		return c.memFault()
	}
	c.setReg(EAX, 1, uint32(v))
	return flowNext
}

// CPUID identity: a P6-family processor with a real vendor string.
const (
	cpuidVendor = "GenuineIntel"
	cpuidBrand  = "peek32 virtual x86 CPU"
	cpuidSig    = 0x000006F6 // family 6, model 15, stepping 6
)

func vendorWord(s string, i int) uint32 {
	var b [4]byte
	copy(b[:], s[min(i, len(s)):])
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func opCPUID(c *CPU, in *Inst) flow {
	leaf := c.Regs[EAX]
	var a, b, cx, d uint32
	switch leaf {
	case 0:
		a = 1
		b, d, cx = vendorWord(cpuidVendor, 0), vendorWord(cpuidVendor, 4), vendorWord(cpuidVendor, 8)
	case 1:
		a = cpuidSig
		b = 0x00010000 // one logical processor
		cx, d = CPUIDFeatureECX, CPUIDFeatureEDX
	case 0x80000000:
		a = 0x80000004
	case 0x80000002, 0x80000003, 0x80000004:
		var brand [48]byte
		copy(brand[:], cpuidBrand)
		o := int(leaf-0x80000002) * 16
		a, b = vendorWord(string(brand[o:o+4]), 0), vendorWord(string(brand[o+4:o+8]), 0)
		cx, d = vendorWord(string(brand[o+8:o+12]), 0), vendorWord(string(brand[o+12:o+16]), 0)
	}
	c.Regs[EAX], c.Regs[EBX], c.Regs[ECX], c.Regs[EDX] = a, b, cx, d
	return flowNext
}

// opRDTSC returns the number of instructions retired before it: deterministic and monotonic.
// The row ends its block, so the loop's Count (advanced per block) counts exactly up to it.
func opRDTSC(c *CPU, in *Inst) flow {
	t := c.Count - 1
	c.Regs[EAX], c.Regs[EDX] = uint32(t), uint32(t>>32)
	return flowNext
}

// Descriptor-table stores are not privileged in ring 3 (no UMIP). They report what a 32-bit
// Windows kernel of the XP era shows, which is what "red pill" style probes expect from real hardware.
const (
	fakeGDTBase  = 0x80036000
	fakeGDTLimit = 0x03FF
	fakeIDTBase  = 0x8003F400
	fakeIDTLimit = 0x07FF
	fakeTR       = 0x0028
	fakeMSW      = 0x003B // low word of CR0: PE, MP, TS, ET, NE
)

func (c *CPU) storeTable(in *Inst, base uint32, limit uint16) flow {
	a := c.ea(in)
	if !c.write16(a, limit) || !c.write32(a+2, base) {
		return c.memFault()
	}
	return flowNext
}

func opSGDT(c *CPU, in *Inst) flow { return c.storeTable(in, fakeGDTBase, fakeGDTLimit) }
func opSIDT(c *CPU, in *Inst) flow { return c.storeTable(in, fakeIDTBase, fakeIDTLimit) }

// storeSel implements SLDT, STR and SMSW: a 16-bit store to memory, or a register write
// (zero-extended to 32 bits for 32-bit registers).
func (c *CPU) storeSel(in *Inst, v uint32) flow {
	if in.Args[0].Kind == argMem {
		if !c.write16(c.ea(in), uint16(v)) {
			return c.memFault()
		}
		return flowNext
	}
	c.setReg(in.Args[0].Reg, in.Args[0].Size, v)
	return flowNext
}

func opSLDT(c *CPU, in *Inst) flow { return c.storeSel(in, 0) }
func opSTR(c *CPU, in *Inst) flow  { return c.storeSel(in, fakeTR) }
func opSMSW(c *CPU, in *Inst) flow { return c.storeSel(in, fakeMSW) }

// opIRET performs a same-privilege interrupt return: pop EIP, CS and EFLAGS. CS must stay the
// ring-3 flat code selector (anything else would be a privilege or task change: #GP); EFLAGS are
// loaded as POPF does.
func opIRET(c *CPU, in *Inst) flow {
	size := uint32(in.OpSize)
	sp := c.Regs[ESP]
	eip, ok1 := c.readMem(sp, uint16(size))
	cs, ok2 := c.readMem(sp+size, uint16(size))
	fl, ok3 := c.readMem(sp+2*size, uint16(size))
	if !ok1 || !ok2 || !ok3 {
		return c.memFault()
	}
	if uint16(cs) != c.seg[1] {
		return c.raise(GeneralProtection)
	}
	if size == 2 {
		fl = c.Flags()&0xFFFF0000 | fl&0xFFFF
	}
	c.Regs[ESP] = sp + 3*size
	c.SetFlags(fl)
	c.EIP = eip
	return flowNext
}

// opLoadFar implements LDS, LES, LFS, LGS and LSS: an offset and a selector from memory.
func opLoadFar(c *CPU, in *Inst) flow {
	size := in.Args[0].Size
	addr := c.ea(in)
	off, ok := c.readMem(addr, size)
	if !ok {
		return c.memFault()
	}
	sel, ok := c.read16(addr + uint32(size))
	if !ok {
		return c.memFault()
	}
	var seg uint8
	switch x86asm.Op(in.Op) {
	case x86asm.LES:
		seg = 0
	case x86asm.LSS:
		seg = 2
	case x86asm.LDS:
		seg = 3
	case x86asm.LFS:
		seg = 4
	default:
		seg = 5
	}
	if r := c.loadSeg(seg, uint32(sel)); r != flowNext {
		return r
	}
	c.setReg(in.Args[0].Reg, size, off)
	return flowNext
}

// opARPL raises the requested privilege level of a selector: ZF says whether it changed.
func opARPL(c *CPU, in *Inst) flow {
	d, addr, ok := c.readArg(in, 0)
	if !ok {
		return c.memFaultRMW()
	}
	src, _, _ := c.readArg(in, 1)
	f := c.Flags() &^ FlagZF
	if d&3 < src&3 {
		if !c.writeArg(in, 0, addr, d&^3|src&3, true) {
			return c.memFault()
		}
		f |= FlagZF
	}
	c.flags = f
	return flowNext
}

// The selectors a 32-bit Windows thread can name, with what LAR/LSL/VERR/VERW report for them
// (flat ring-3 code and data, and the TEB segment).
func selectorInfo(sel uint16) (rights, limit uint32, readable, writable, ok bool) {
	switch sel &^ 3 {
	case 0x18: // 0x1B: user code
		return 0x00CFFB00, 0xFFFFFFFF, true, false, sel&3 == 3
	case 0x20: // 0x23: user data
		return 0x00CFF300, 0xFFFFFFFF, true, true, sel&3 == 3
	case 0x38: // 0x3B: TEB
		return 0x0040F300, DefaultFSLimit, true, true, sel&3 == 3
	}
	return 0, 0, false, false, false
}

// opSelector implements LAR, LSL, VERR and VERW: ZF says whether the selector is usable.
func opSelector(c *CPU, in *Inst) flow {
	src := 0
	if x86asm.Op(in.Op) == x86asm.LAR || x86asm.Op(in.Op) == x86asm.LSL {
		src = 1
	}
	v, _, ok := c.readArg(in, src)
	if !ok {
		return c.memFault()
	}
	rights, limit, r, w, valid := selectorInfo(uint16(v))
	switch x86asm.Op(in.Op) {
	case x86asm.LAR:
		if valid {
			c.setReg(in.Args[0].Reg, in.Args[0].Size, rights&0x00FFFF00)
		}
	case x86asm.LSL:
		if valid {
			c.setReg(in.Args[0].Reg, in.Args[0].Size, limit)
		}
	case x86asm.VERR:
		valid = valid && r
	case x86asm.VERW:
		valid = valid && w
	}
	f := c.Flags() &^ FlagZF
	if valid {
		f |= FlagZF
	}
	c.flags = f
	return flowNext
}

func opUD2(c *CPU, in *Inst) flow { return c.raise(InvalidOpcode) }

// farTarget returns the selector and offset of a far CALL or JMP: ptr16:16/32 immediates
// (selector in Imm, offset in Imm2) or an m16:16/32 operand (offset, then selector).
func (c *CPU) farTarget(in *Inst) (sel uint16, off uint32, ok bool) {
	if in.Args[0].Kind != argMem {
		return uint16(in.Imm), in.Imm2 & sizeMask[7&in.OpSize], true
	}
	a := c.ea(in)
	off, ok = c.readMem(a, uint16(in.OpSize))
	if !ok {
		return 0, 0, false
	}
	s, ok := c.read16(a + uint32(in.OpSize))
	return s, off, ok
}

// opFarJMP and opFarCALL implement far JMP and CALL (EA, 9A, FF /5, FF /3). A 32-bit Windows
// thread has one code selector (CS, 0x1B), and a far transfer to it is an ordinary same-privilege
// transfer: it works, CALL pushing CS (zero-extended to the operand size, as this machine's CPU
// does) and then the return offset. Any other selector (a call gate, the 64-bit 0x33 of
// "heaven's gate", a data selector, the null selector) is #GP, which Windows reports as an
// access violation.
func opFarJMP(c *CPU, in *Inst) flow {
	sel, off, ok := c.farTarget(in)
	if !ok {
		return c.memFault()
	}
	if sel != c.seg[1] {
		return c.raise(GeneralProtection)
	}
	c.EIP = off
	return flowNext
}

func opFarCALL(c *CPU, in *Inst) flow {
	sel, off, ok := c.farTarget(in)
	if !ok {
		return c.memFault()
	}
	if sel != c.seg[1] {
		return c.raise(GeneralProtection)
	}
	size := uint32(in.OpSize)
	sp := c.Regs[ESP]
	var ok1, ok2 bool
	if size == 2 {
		ok1 = c.write16(sp-2, c.seg[1])
		ok2 = ok1 && c.write16(sp-4, uint16(in.Addr+uint32(in.Len)))
	} else {
		ok1 = c.write32(sp-4, uint32(c.seg[1]))
		ok2 = ok1 && c.write32(sp-8, in.Addr+uint32(in.Len))
	}
	if !ok2 {
		return c.memFault()
	}
	c.Regs[ESP] = sp - 2*size
	c.EIP = off
	return flowNext
}

// opFarRET implements RETF (CB, CA iw): pop the offset and CS; returning to any selector other
// than the thread's code selector would be a privilege change (#GP).
func opFarRET(c *CPU, in *Inst) flow {
	size := uint32(in.OpSize)
	sp := c.Regs[ESP]
	off, ok1 := c.readMem(sp, uint16(size))
	cs, ok2 := c.readMem(sp+size, uint16(size))
	if !ok1 || !ok2 {
		return c.memFault()
	}
	if uint16(cs) != c.seg[1] {
		return c.raise(GeneralProtection)
	}
	c.Regs[ESP] = sp + 2*size
	if in.Args[0].Kind == argImm {
		c.Regs[ESP] += in.Imm & 0xFFFF
	}
	c.EIP = off
	return flowNext
}

func init() {
	jmp := [4]argMask{maskRel | maskRM}
	priv := func(op x86asm.Op) opDef {
		return opDef{Op: op, Fn: opPrivileged, Flags: opEndsBlock, Args: [4]argMask{maskAny, maskAny, maskAny, maskAny}}
	}
	defineOps(
		opDef{Op: x86asm.JMP, Fn: opJMP, Flags: opEndsBlock, Args: jmp, Sizes: sz16 | sz32},
		opDef{Op: x86asm.CALL, Fn: opCALL, Flags: opEndsBlock, Args: jmp, Sizes: sz16 | sz32},
		opDef{Op: x86asm.RET, Fn: opRET, Flags: opEndsBlock, Args: [4]argMask{maskNone | maskImm}},
		opDef{Op: x86asm.LOOP, Fn: opLOOP, Flags: opEndsBlock, Args: [4]argMask{maskRel}},
		opDef{Op: x86asm.LOOPE, Fn: opLOOPE, Flags: opEndsBlock, Args: [4]argMask{maskRel}},
		opDef{Op: x86asm.LOOPNE, Fn: opLOOPNE, Flags: opEndsBlock, Args: [4]argMask{maskRel}},
		opDef{Op: x86asm.JCXZ, Fn: opJCXZ, Flags: opEndsBlock, Args: [4]argMask{maskRel}},
		opDef{Op: x86asm.JECXZ, Fn: opJECXZ, Flags: opEndsBlock, Args: [4]argMask{maskRel}},
		opDef{Op: x86asm.PUSH, Fn: opPUSH, Args: [4]argMask{maskRMI | maskSeg}},
		opDef{Op: x86asm.POP, Fn: opPOP, Args: [4]argMask{maskRM | maskSeg}},
		opDef{Op: x86asm.PUSHA, Fn: opPUSHA},
		opDef{Op: x86asm.PUSHAD, Fn: opPUSHA},
		opDef{Op: x86asm.POPA, Fn: opPOPA},
		opDef{Op: x86asm.POPAD, Fn: opPOPA},
		opDef{Op: x86asm.PUSHF, Fn: opPUSHF},
		opDef{Op: x86asm.PUSHFD, Fn: opPUSHF},
		opDef{Op: x86asm.POPF, Fn: opPOPF, Flags: opEndsBlock},  // may set TF
		opDef{Op: x86asm.POPFD, Fn: opPOPF, Flags: opEndsBlock}, // may set TF
		opDef{Op: x86asm.ENTER, Fn: opENTER, Args: [4]argMask{maskImm, maskImm}},
		opDef{Op: x86asm.LEAVE, Fn: opLEAVE},
		opDef{Op: x86asm.INT, Fn: opINT, Flags: opEndsBlock, Args: [4]argMask{maskImm}},
		opDef{Op: x86asm.INTO, Fn: opINTO, Flags: opEndsBlock},
		opDef{Op: x86asm.ICEBP, Fn: opICEBP, Flags: opEndsBlock},
		opDef{Op: x86asm.BOUND, Fn: opBOUND, Args: [4]argMask{maskReg, maskMem}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.XLATB, Fn: opXLATB, Args: [4]argMask{maskMem}},
		opDef{Op: x86asm.CPUID, Fn: opCPUID},
		opDef{Op: x86asm.RDTSC, Fn: opRDTSC, Flags: opEndsBlock},
		opDef{Op: x86asm.UD2, Fn: opUD2, Flags: opEndsBlock},
		opDef{Op: x86asm.SGDT, Fn: opSGDT, Args: [4]argMask{maskMem}},
		opDef{Op: x86asm.SIDT, Fn: opSIDT, Args: [4]argMask{maskMem}},
		opDef{Op: x86asm.SLDT, Fn: opSLDT, Args: [4]argMask{maskRM}},
		opDef{Op: x86asm.STR, Fn: opSTR, Args: [4]argMask{maskRM}},
		opDef{Op: x86asm.SMSW, Fn: opSMSW, Args: [4]argMask{maskRM}},
		opDef{Op: x86asm.LAR, Fn: opSelector, Args: [4]argMask{maskReg, maskRM}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.LSL, Fn: opSelector, Args: [4]argMask{maskReg, maskRM}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.VERR, Fn: opSelector, Args: [4]argMask{maskRM}},
		opDef{Op: x86asm.VERW, Fn: opSelector, Args: [4]argMask{maskRM}},
		opDef{Op: x86asm.LCALL, Fn: opFarCALL, Flags: opEndsBlock, Args: [4]argMask{maskImm | maskMem, maskNone | maskImm}},
		opDef{Op: x86asm.LJMP, Fn: opFarJMP, Flags: opEndsBlock, Args: [4]argMask{maskImm | maskMem, maskNone | maskImm}},
		opDef{Op: x86asm.LRET, Fn: opFarRET, Flags: opEndsBlock, Args: [4]argMask{maskNone | maskImm}},
		opDef{Op: x86asm.IRET, Fn: opIRET, Flags: opEndsBlock},
		opDef{Op: x86asm.IRETD, Fn: opIRET, Flags: opEndsBlock},
		opDef{Op: x86asm.LDS, Fn: opLoadFar, Args: [4]argMask{maskReg, maskMem}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.LES, Fn: opLoadFar, Args: [4]argMask{maskReg, maskMem}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.LFS, Fn: opLoadFar, Args: [4]argMask{maskReg, maskMem}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.LGS, Fn: opLoadFar, Args: [4]argMask{maskReg, maskMem}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.LSS, Fn: opLoadFar, Args: [4]argMask{maskReg, maskMem}, Sizes: sz16 | sz32},
		opDef{Op: x86asm.ARPL, Fn: opARPL, Args: [4]argMask{maskRM, maskReg}, Sizes: sz16},
		priv(x86asm.HLT), priv(x86asm.CLI), priv(x86asm.STI), priv(x86asm.IN), priv(x86asm.OUT),
		priv(x86asm.INSB), priv(x86asm.INSW), priv(x86asm.INSD), priv(x86asm.OUTSB), priv(x86asm.OUTSW),
		priv(x86asm.OUTSD), priv(x86asm.LGDT), priv(x86asm.LIDT), priv(x86asm.LLDT), priv(x86asm.LTR),
		priv(x86asm.LMSW), priv(x86asm.CLTS), priv(x86asm.INVD), priv(x86asm.WBINVD), priv(x86asm.INVLPG),
		priv(x86asm.RDMSR), priv(x86asm.WRMSR), priv(x86asm.RDPMC), priv(x86asm.SYSEXIT),
	)
}
