package cpu

import (
	"golang.org/x/arch/x86/x86asm"

	"github.com/peek32/peek32/core/cpu/fpu"
)

// SSE and SSE2 floating-point instructions, and the operand helpers shared with the MMX/SSE2
// integer instructions in mmx.go.
//
// Operands are read as up to 128 bits ([2]uint64, little-endian: [0] is bits 0..63). An MMX
// register reads as its 64 bits, a general register as its 32 bits, memory as the access size
// the decoder reports. 128-bit memory operands must be 16-byte aligned (#GP otherwise) except
// for the unaligned moves (MOVUPS, MOVUPD, MOVDQU, LDDQU). Floating-point results follow MXCSR:
// its rounding mode, DAZ and FZ, and its exception masks; an unmasked exception in any lane sets
// the MXCSR flags, writes nothing and raises SIMDError (#XM) with Exception.Detail = the flags
// raised.

type vec = [2]uint64

// unalignedOK reports whether op accepts an unaligned 128-bit memory operand.
func unalignedOK(op uint16) bool {
	switch x86asm.Op(op) {
	case x86asm.MOVUPS, x86asm.MOVUPD, x86asm.MOVDQU, x86asm.LDDQU, x86asm.MASKMOVDQU:
		return true
	}
	return false
}

// usesMMX reports whether the instruction has an MMX register operand; such instructions are
// x87-waiting (a pending x87 exception faults first) and switch the x87 unit to MMX mode.
func usesMMX(in *Inst) bool {
	return in.Args[0].Kind == argMM || in.Args[1].Kind == argMM
}

// simdBegin is the prologue of every MMX/SSE handler. It reports false after raising a fault.
func (c *CPU) simdBegin(in *Inst) bool {
	if usesMMX(in) {
		if !c.x87Wait() {
			return false
		}
		c.FPU.EnterMMX()
	}
	return true
}

// simdSource begins a SIMD instruction (simdBegin) and reads its source, operand 1. ok=false means
// a fault is recorded in c.exc.
func (c *CPU) simdSource(in *Inst) (vec, bool) {
	if !c.simdBegin(in) {
		return vec{}, false
	}
	return c.vecRead(in, 1)
}

// vecRead reads operand i. ok=false means the fault is recorded in c.exc.
func (c *CPU) vecRead(in *Inst, i int) (vec, bool) {
	a := in.Args[i]
	switch a.Kind {
	case argXMM:
		return c.FPU.XMM[a.Reg&7], true
	case argMM:
		return vec{c.FPU.MM(int(a.Reg))}, true
	case argReg:
		return vec{uint64(c.getReg(a.Reg, 4))}, true
	case argImm:
		return vec{uint64(in.Imm)}, true
	case argMem:
		addr := c.ea(in)
		var v vec
		var ok bool
		switch a.Size {
		case 1:
			var x uint8
			x, ok = c.read8(addr)
			v[0] = uint64(x)
		case 2:
			var x uint16
			x, ok = c.read16(addr)
			v[0] = uint64(x)
		case 4:
			var x uint32
			x, ok = c.read32(addr)
			v[0] = uint64(x)
		case 8:
			v[0], ok = c.read64(addr)
		default:
			if addr&15 != 0 && !unalignedOK(in.Op) {
				c.raise(GeneralProtection)
				return v, false
			}
			if v[0], ok = c.read64(addr); ok {
				v[1], ok = c.read64(addr + 8)
			}
		}
		if !ok {
			c.memFault()
		}
		return v, ok
	}
	c.raise(InvalidOpcode)
	return vec{}, false
}

// vecWrite writes operand i: an XMM register takes all 128 bits, an MMX register the low 64
// (with the MMX tag effects), a general register the low 32, memory its access size.
func (c *CPU) vecWrite(in *Inst, i int, v vec) bool {
	a := in.Args[i]
	switch a.Kind {
	case argXMM:
		c.FPU.XMM[a.Reg&7] = v
		return true
	case argMM:
		c.FPU.SetMM(int(a.Reg), v[0])
		return true
	case argReg:
		c.setReg(a.Reg, 4, uint32(v[0]))
		return true
	case argMem:
		addr := c.ea(in)
		var ok bool
		switch a.Size {
		case 4:
			ok = c.write32(addr, uint32(v[0]))
		case 8:
			ok = c.write64(addr, v[0])
		case 2:
			ok = c.write16(addr, uint16(v[0]))
		default:
			if addr&15 != 0 && !unalignedOK(in.Op) {
				c.raise(GeneralProtection)
				return false
			}
			ok = c.write128(addr, v)
		}
		if !ok {
			c.memFault()
		}
		return ok
	}
	c.raise(InvalidOpcode)
	return false
}

// write128 stores 16 bytes with no partial effect on a fault.
func (c *CPU) write128(addr uint32, v vec) bool {
	if addr&0xFFF <= 0xFF0 {
		// One page: the first write proves the page writable for the second.
		return c.write64(addr, v[0]) && c.write64(addr+8, v[1])
	}
	var buf [16]byte
	for i := 0; i < 8; i++ {
		buf[i] = byte(v[0] >> (8 * i))
		buf[8+i] = byte(v[1] >> (8 * i))
	}
	return c.Mem.WriteBytes(addr, buf[:], 0) == nil
}

// sseFinish merges the flags of e into MXCSR and reports whether the result may be written;
// on an unmasked exception it raises SIMDError.
func (c *CPU) sseFinish(e *fpu.Env) bool {
	const pre = fpu.FlagInvalid | fpu.FlagDenormal | fpu.FlagDivZero
	if c.FPU.SSEUnmasked(e)&pre != 0 {
		// An unmasked pre-computation exception: no lane is computed, so the post-computation
		// flags (OE, UE, PE) of other lanes are not reported.
		e.Flags &= pre
	}
	c.FPU.MergeSSE(e)
	if f := c.FPU.SSEUnmasked(e); f != 0 {
		c.exc = Exception{Kind: SIMDError, Detail: uint32(f)}
		return false
	}
	return true
}

// Float lane operations.
const (
	fAdd = iota
	fSub
	fMul
	fDiv
	fMin
	fMax
	fSqrt
	fCmp
	fRcp
	fRsqrt
)

func lane32(e *fpu.Env, kind int, a, b uint32, pred uint8) uint32 {
	switch kind {
	case fAdd, fSub, fMul, fDiv:
		if e.Fast {
			if r, ok := fpu.Fast32(fpu.Op(kind), a, b); ok {
				return r
			}
		}
		return e.Arith32(fpu.Op(kind), a, b)
	case fMin:
		return e.Min32(a, b)
	case fMax:
		return e.Max32(a, b)
	case fSqrt:
		return e.Sqrt32(b)
	case fCmp:
		if e.Cmp32(a, b, pred) {
			return ^uint32(0)
		}
		return 0
	case fRcp:
		return fpu.Recip32(b)
	case fRsqrt:
		return fpu.RecipSqrt32(b)
	}
	return 0
}

func lane64(e *fpu.Env, kind int, a, b uint64, pred uint8) uint64 {
	switch kind {
	case fAdd, fSub, fMul, fDiv:
		if e.Fast {
			if r, ok := fpu.Fast64(fpu.Op(kind), a, b); ok {
				return r
			}
		}
		return e.Arith64(fpu.Op(kind), a, b)
	case fMin:
		return e.Min64(a, b)
	case fMax:
		return e.Max64(a, b)
	case fSqrt:
		return e.Sqrt64(b)
	case fCmp:
		if e.Cmp64(a, b, pred) {
			return ^uint64(0)
		}
		return 0
	}
	return 0
}

// sseFloat performs a packed (PS/PD) or scalar (SS/SD) floating-point operation.
func (c *CPU) sseFloat(in *Inst, kind int, double, scalar bool) flow {
	d := c.FPU.XMM[in.Args[0].Reg&7]
	s, ok := c.vecRead(in, 1)
	if !ok {
		return flowFault
	}
	if kind <= fDiv && !scalar && fpu.FastSSE(c.FPU.MXCSR) {
		// Steady state: no flag can change, so skip the environment entirely when every lane
		// takes the host fast path.
		if double {
			r0, ok0 := fpu.Fast64(fpu.Op(kind), d[0], s[0])
			r1, ok1 := fpu.Fast64(fpu.Op(kind), d[1], s[1])
			if ok0 && ok1 {
				c.FPU.XMM[in.Args[0].Reg&7] = vec{r0, r1}
				return flowNext
			}
		} else if r, ok := fast4x32(fpu.Op(kind), d, s); ok {
			c.FPU.XMM[in.Args[0].Reg&7] = r
			return flowNext
		}
	}
	pred := uint8(in.Imm)
	e := c.FPU.SSEEnv()
	r := d
	switch {
	case double && scalar:
		r[0] = lane64(&e, kind, d[0], s[0], pred)
	case double:
		r[0] = lane64(&e, kind, d[0], s[0], pred)
		r[1] = lane64(&e, kind, d[1], s[1], pred)
	case scalar:
		r[0] = r[0]&^0xFFFFFFFF | uint64(lane32(&e, kind, uint32(d[0]), uint32(s[0]), pred))
	default:
		for h := 0; h < 2; h++ {
			lo := lane32(&e, kind, uint32(d[h]), uint32(s[h]), pred)
			hi := lane32(&e, kind, uint32(d[h]>>32), uint32(s[h]>>32), pred)
			r[h] = uint64(hi)<<32 | uint64(lo)
		}
	}
	if !c.sseFinish(&e) {
		return flowFault
	}
	c.FPU.XMM[in.Args[0].Reg&7] = r
	return flowNext
}

// fast4x32 applies the float32 fast path to four lanes; ok=false if any lane needs the soft path.
func fast4x32(op fpu.Op, d, s vec) (vec, bool) {
	var r vec
	for h := 0; h < 2; h++ {
		lo, ok0 := fpu.Fast32(op, uint32(d[h]), uint32(s[h]))
		hi, ok1 := fpu.Fast32(op, uint32(d[h]>>32), uint32(s[h]>>32))
		if !ok0 || !ok1 {
			return r, false
		}
		r[h] = uint64(hi)<<32 | uint64(lo)
	}
	return r, true
}

func sseOp(kind int, double, scalar bool) handler {
	return func(c *CPU, in *Inst) flow { return c.sseFloat(in, kind, double, scalar) }
}

// sseLogic performs a 128-bit bitwise operation (ANDPS, ANDNPS, ORPS, XORPS and PD forms).
func sseLogic(f func(a, b uint64) uint64) handler {
	return func(c *CPU, in *Inst) flow {
		s, ok := c.vecRead(in, 1)
		if !ok {
			return flowFault
		}
		d := &c.FPU.XMM[in.Args[0].Reg&7]
		d[0], d[1] = f(d[0], s[0]), f(d[1], s[1])
		return flowNext
	}
}

// sseComi implements COMISS/UCOMISS/COMISD/UCOMISD: ZF PF CF from the low lanes.
func sseComi(double, quiet bool) handler {
	return func(c *CPU, in *Inst) flow {
		d := c.FPU.XMM[in.Args[0].Reg&7]
		s, ok := c.vecRead(in, 1)
		if !ok {
			return flowFault
		}
		e := c.FPU.SSEEnv()
		var o fpu.Order
		if double {
			o = e.Compare64(d[0], s[0], quiet)
		} else {
			o = e.Compare32(uint32(d[0]), uint32(s[0]), quiet)
		}
		if !c.sseFinish(&e) {
			return flowFault
		}
		c.setFlagsArith(comiFlags(o))
		return flowNext
	}
}

// opSSEMove implements the full-register moves (MOVAPS, MOVUPS, MOVAPD, MOVUPD, MOVDQA, MOVDQU,
// LDDQU, MOVNTPS, MOVNTPD, MOVNTDQ).
func opSSEMove(c *CPU, in *Inst) flow {
	v, ok := c.vecRead(in, 1)
	if !ok {
		return flowFault
	}
	if !c.vecWrite(in, 0, v) {
		return flowFault
	}
	return flowNext
}

// opMOVSS / opMOVSD: register-register merges the low lane; a load zeroes the rest; a store
// writes the low lane.
func opMOVSS(c *CPU, in *Inst) flow {
	s, ok := c.vecRead(in, 1)
	if !ok {
		return flowFault
	}
	switch {
	case in.Args[0].Kind == argMem:
		if !c.write32(c.ea(in), uint32(s[0])) {
			return c.memFault()
		}
	case in.Args[1].Kind == argMem:
		c.FPU.XMM[in.Args[0].Reg&7] = vec{s[0] & 0xFFFFFFFF}
	default:
		d := &c.FPU.XMM[in.Args[0].Reg&7]
		d[0] = d[0]&^0xFFFFFFFF | s[0]&0xFFFFFFFF
	}
	return flowNext
}

func opMOVSD(c *CPU, in *Inst) flow {
	s, ok := c.vecRead(in, 1)
	if !ok {
		return flowFault
	}
	switch {
	case in.Args[0].Kind == argMem:
		if !c.write64(c.ea(in), s[0]) {
			return c.memFault()
		}
	case in.Args[1].Kind == argMem:
		c.FPU.XMM[in.Args[0].Reg&7] = vec{s[0]}
	default:
		c.FPU.XMM[in.Args[0].Reg&7][0] = s[0]
	}
	return flowNext
}

// opMOVLP moves the low qword (MOVLPS/MOVLPD); opMOVHP the high qword (MOVHPS/MOVHPD).
func opMOVLP(c *CPU, in *Inst) flow { return movQword(c, in, 0) }

func opMOVHP(c *CPU, in *Inst) flow { return movQword(c, in, 1) }

// movQword moves qword half of an XMM register to memory, or from memory (or the low qword of
// another register) into that half, leaving the other half alone.
func movQword(c *CPU, in *Inst, half int) flow {
	if in.Args[0].Kind == argMem {
		if !c.write64(c.ea(in), c.FPU.XMM[in.Args[1].Reg&7][half]) {
			return c.memFault()
		}
		return flowNext
	}
	s, ok := c.vecRead(in, 1)
	if !ok {
		return flowFault
	}
	c.FPU.XMM[in.Args[0].Reg&7][half] = s[0]
	return flowNext
}

func opMOVHLPS(c *CPU, in *Inst) flow {
	c.FPU.XMM[in.Args[0].Reg&7][0] = c.FPU.XMM[in.Args[1].Reg&7][1]
	return flowNext
}

func opMOVLHPS(c *CPU, in *Inst) flow {
	c.FPU.XMM[in.Args[0].Reg&7][1] = c.FPU.XMM[in.Args[1].Reg&7][0]
	return flowNext
}

func opMOVMSKPS(c *CPU, in *Inst) flow {
	s := c.FPU.XMM[in.Args[1].Reg&7]
	m := uint32(s[0]>>31&1 | s[0]>>62&2 | s[1]>>29&4 | s[1]>>60&8)
	c.setReg(in.Args[0].Reg, 4, m)
	return flowNext
}

func opMOVMSKPD(c *CPU, in *Inst) flow {
	s := c.FPU.XMM[in.Args[1].Reg&7]
	c.setReg(in.Args[0].Reg, 4, uint32(s[0]>>63|s[1]>>63<<1))
	return flowNext
}

// Shuffles and unpacks of floating-point lanes.
func opSHUFPS(c *CPU, in *Inst) flow {
	s, ok := c.vecRead(in, 1)
	if !ok {
		return flowFault
	}
	d := &c.FPU.XMM[in.Args[0].Reg&7]
	l := func(v vec, i uint32) uint64 { return v[i>>1] >> (32 * (i & 1)) & 0xFFFFFFFF }
	imm := in.Imm
	dv := *d
	d[0] = l(dv, imm&3) | l(dv, imm>>2&3)<<32
	d[1] = l(s, imm>>4&3) | l(s, imm>>6&3)<<32
	return flowNext
}

func opSHUFPD(c *CPU, in *Inst) flow {
	s, ok := c.vecRead(in, 1)
	if !ok {
		return flowFault
	}
	d := &c.FPU.XMM[in.Args[0].Reg&7]
	d[0], d[1] = d[in.Imm&1], s[in.Imm>>1&1]
	return flowNext
}

func unpck(high, double bool) handler {
	return func(c *CPU, in *Inst) flow {
		s, ok := c.vecRead(in, 1)
		if !ok {
			return flowFault
		}
		d := &c.FPU.XMM[in.Args[0].Reg&7]
		h := 0
		if high {
			h = 1
		}
		if double {
			d[0], d[1] = d[h], s[h]
			return flowNext
		}
		a, b := d[h], s[h]
		d[0] = a&0xFFFFFFFF | b<<32
		d[1] = a>>32 | b&^0xFFFFFFFF
		return flowNext
	}
}

func opLDMXCSR(c *CPU, in *Inst) flow {
	v, ok := c.read32(c.ea(in))
	if !ok {
		return c.memFault()
	}
	if v&^fpu.MXCSRMask != 0 {
		return c.raise(GeneralProtection)
	}
	c.FPU.MXCSR = v
	return flowNext
}

func opSTMXCSR(c *CPU, in *Inst) flow {
	if !c.write32(c.ea(in), c.FPU.MXCSR) {
		return c.memFault()
	}
	return flowNext
}

// opSSENop covers the hints with no architectural effect here: prefetches, fences, CLFLUSH.
func opSSENop(c *CPU, in *Inst) flow { return flowNext }

func init() {
	xx := [4]argMask{maskXMM, maskXMM | maskMem}
	xxi := [4]argMask{maskXMM, maskXMM | maskMem, maskImm}
	mov := [4]argMask{maskXMM | maskMem, maskXMM | maskMem}
	defs := []opDef{
		{Op: x86asm.MOVAPS, Fn: opSSEMove, Args: mov},
		{Op: x86asm.MOVUPS, Fn: opSSEMove, Args: mov},
		{Op: x86asm.MOVAPD, Fn: opSSEMove, Args: mov},
		{Op: x86asm.MOVUPD, Fn: opSSEMove, Args: mov},
		{Op: x86asm.MOVDQA, Fn: opSSEMove, Args: mov},
		{Op: x86asm.MOVDQU, Fn: opSSEMove, Args: mov},
		{Op: x86asm.MOVNTPS, Fn: opSSEMove, Args: [4]argMask{maskMem, maskXMM}},
		{Op: x86asm.MOVNTPD, Fn: opSSEMove, Args: [4]argMask{maskMem, maskXMM}},
		{Op: x86asm.MOVNTDQ, Fn: opSSEMove, Args: [4]argMask{maskMem, maskXMM}},
		{Op: x86asm.MOVSS, Fn: opMOVSS, Args: mov},
		{Op: x86asm.MOVSD_XMM, Fn: opMOVSD, Args: mov},
		{Op: x86asm.MOVLPS, Fn: opMOVLP, Args: mov},
		{Op: x86asm.MOVLPD, Fn: opMOVLP, Args: mov},
		{Op: x86asm.MOVHPS, Fn: opMOVHP, Args: mov},
		{Op: x86asm.MOVHPD, Fn: opMOVHP, Args: mov},
		{Op: x86asm.MOVHLPS, Fn: opMOVHLPS, Args: [4]argMask{maskXMM, maskXMM}},
		{Op: x86asm.MOVLHPS, Fn: opMOVLHPS, Args: [4]argMask{maskXMM, maskXMM}},
		{Op: x86asm.MOVMSKPS, Fn: opMOVMSKPS, Args: [4]argMask{maskReg, maskXMM}},
		{Op: x86asm.MOVMSKPD, Fn: opMOVMSKPD, Args: [4]argMask{maskReg, maskXMM}},

		{Op: x86asm.ADDPS, Fn: sseOp(fAdd, false, false), Args: xx},
		{Op: x86asm.ADDSS, Fn: sseOp(fAdd, false, true), Args: xx},
		{Op: x86asm.ADDPD, Fn: sseOp(fAdd, true, false), Args: xx},
		{Op: x86asm.ADDSD, Fn: sseOp(fAdd, true, true), Args: xx},
		{Op: x86asm.SUBPS, Fn: sseOp(fSub, false, false), Args: xx},
		{Op: x86asm.SUBSS, Fn: sseOp(fSub, false, true), Args: xx},
		{Op: x86asm.SUBPD, Fn: sseOp(fSub, true, false), Args: xx},
		{Op: x86asm.SUBSD, Fn: sseOp(fSub, true, true), Args: xx},
		{Op: x86asm.MULPS, Fn: sseOp(fMul, false, false), Args: xx},
		{Op: x86asm.MULSS, Fn: sseOp(fMul, false, true), Args: xx},
		{Op: x86asm.MULPD, Fn: sseOp(fMul, true, false), Args: xx},
		{Op: x86asm.MULSD, Fn: sseOp(fMul, true, true), Args: xx},
		{Op: x86asm.DIVPS, Fn: sseOp(fDiv, false, false), Args: xx},
		{Op: x86asm.DIVSS, Fn: sseOp(fDiv, false, true), Args: xx},
		{Op: x86asm.DIVPD, Fn: sseOp(fDiv, true, false), Args: xx},
		{Op: x86asm.DIVSD, Fn: sseOp(fDiv, true, true), Args: xx},
		{Op: x86asm.MINPS, Fn: sseOp(fMin, false, false), Args: xx},
		{Op: x86asm.MINSS, Fn: sseOp(fMin, false, true), Args: xx},
		{Op: x86asm.MINPD, Fn: sseOp(fMin, true, false), Args: xx},
		{Op: x86asm.MINSD, Fn: sseOp(fMin, true, true), Args: xx},
		{Op: x86asm.MAXPS, Fn: sseOp(fMax, false, false), Args: xx},
		{Op: x86asm.MAXSS, Fn: sseOp(fMax, false, true), Args: xx},
		{Op: x86asm.MAXPD, Fn: sseOp(fMax, true, false), Args: xx},
		{Op: x86asm.MAXSD, Fn: sseOp(fMax, true, true), Args: xx},
		{Op: x86asm.SQRTPS, Fn: sseOp(fSqrt, false, false), Args: xx},
		{Op: x86asm.SQRTSS, Fn: sseOp(fSqrt, false, true), Args: xx},
		{Op: x86asm.SQRTPD, Fn: sseOp(fSqrt, true, false), Args: xx},
		{Op: x86asm.SQRTSD, Fn: sseOp(fSqrt, true, true), Args: xx},
		{Op: x86asm.RCPPS, Fn: sseOp(fRcp, false, false), Args: xx},
		{Op: x86asm.RCPSS, Fn: sseOp(fRcp, false, true), Args: xx},
		{Op: x86asm.RSQRTPS, Fn: sseOp(fRsqrt, false, false), Args: xx},
		{Op: x86asm.RSQRTSS, Fn: sseOp(fRsqrt, false, true), Args: xx},
		{Op: x86asm.CMPPS, Fn: sseOp(fCmp, false, false), Args: xxi},
		{Op: x86asm.CMPSS, Fn: sseOp(fCmp, false, true), Args: xxi},
		{Op: x86asm.CMPPD, Fn: sseOp(fCmp, true, false), Args: xxi},
		{Op: x86asm.CMPSD_XMM, Fn: sseOp(fCmp, true, true), Args: xxi},

		{Op: x86asm.ANDPS, Fn: sseLogic(func(a, b uint64) uint64 { return a & b }), Args: xx},
		{Op: x86asm.ANDPD, Fn: sseLogic(func(a, b uint64) uint64 { return a & b }), Args: xx},
		{Op: x86asm.ANDNPS, Fn: sseLogic(func(a, b uint64) uint64 { return ^a & b }), Args: xx},
		{Op: x86asm.ANDNPD, Fn: sseLogic(func(a, b uint64) uint64 { return ^a & b }), Args: xx},
		{Op: x86asm.ORPS, Fn: sseLogic(func(a, b uint64) uint64 { return a | b }), Args: xx},
		{Op: x86asm.ORPD, Fn: sseLogic(func(a, b uint64) uint64 { return a | b }), Args: xx},
		{Op: x86asm.XORPS, Fn: sseLogic(func(a, b uint64) uint64 { return a ^ b }), Args: xx},
		{Op: x86asm.XORPD, Fn: sseLogic(func(a, b uint64) uint64 { return a ^ b }), Args: xx},

		{Op: x86asm.COMISS, Fn: sseComi(false, false), Args: xx},
		{Op: x86asm.UCOMISS, Fn: sseComi(false, true), Args: xx},
		{Op: x86asm.COMISD, Fn: sseComi(true, false), Args: xx},
		{Op: x86asm.UCOMISD, Fn: sseComi(true, true), Args: xx},

		{Op: x86asm.SHUFPS, Fn: opSHUFPS, Args: xxi},
		{Op: x86asm.SHUFPD, Fn: opSHUFPD, Args: xxi},
		{Op: x86asm.UNPCKLPS, Fn: unpck(false, false), Args: xx},
		{Op: x86asm.UNPCKHPS, Fn: unpck(true, false), Args: xx},
		{Op: x86asm.UNPCKLPD, Fn: unpck(false, true), Args: xx},
		{Op: x86asm.UNPCKHPD, Fn: unpck(true, true), Args: xx},

		{Op: x86asm.LDMXCSR, Fn: opLDMXCSR, Args: [4]argMask{maskMem}},
		{Op: x86asm.STMXCSR, Fn: opSTMXCSR, Args: [4]argMask{maskMem}},
		{Op: x86asm.PREFETCHNTA, Fn: opSSENop, Args: [4]argMask{maskMem}},
		{Op: x86asm.PREFETCHT0, Fn: opSSENop, Args: [4]argMask{maskMem}},
		{Op: x86asm.PREFETCHT1, Fn: opSSENop, Args: [4]argMask{maskMem}},
		{Op: x86asm.PREFETCHT2, Fn: opSSENop, Args: [4]argMask{maskMem}},
		// 0F 0D /1: PREFETCHW on CPUs that have it, a reserved NOP on older Intel ones.
		{Op: x86asm.PREFETCHW, Fn: opSSENop, Args: [4]argMask{maskMem}},
		{Op: x86asm.SFENCE, Fn: opSSENop},
		{Op: x86asm.LFENCE, Fn: opSSENop},
		{Op: x86asm.MFENCE, Fn: opSSENop},
		{Op: x86asm.CLFLUSH, Fn: opSSENop, Args: [4]argMask{maskMem}},
	}
	defineOps(defs...)
	CPUIDFeatureEDX |= FeatSSE | FeatSSE2
}
