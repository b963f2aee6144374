package cpu

import (
	"golang.org/x/arch/x86/x86asm"

	"github.com/peek32/peek32/core/cpu/fpu"
)

// The x87 instructions. The arithmetic lives in package fpu; this file decodes operand forms,
// manages the register stack (overflow and underflow as stack faults), records the last
// instruction and operand pointers, and applies the x87 exception model:
//
//   - A masked exception just sets its flag in the status word; the instruction completes with
//     the default result (the real indefinite, the integer indefinite, infinity, ...).
//   - An unmasked IE, DE or ZE leaves the destination and the stack unchanged; an unmasked OE or
//     UE delivers the exponent-wrapped result to a register (memory destinations are not
//     written). Either way the flag and ES are set, and the next waiting x87 instruction (any
//     x87 instruction except FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV, FNSAVE) or FWAIT raises
//     FPUError (#MF) before doing anything, with Exception.Detail holding the status word.

// x87Wait checks for a pending unmasked x87 exception. It reports false after raising FPUError.
func (c *CPU) x87Wait() bool {
	if c.FPU.Pending() {
		c.exc = Exception{Kind: FPUError, Detail: uint32(c.FPU.StatusWord())}
		return false
	}
	return true
}

// x87Begin is the prologue of a waiting, non-control x87 instruction: the pending-exception check
// and the last-instruction pointer.
func (c *CPU) x87Begin(in *Inst) bool {
	if !c.x87Wait() {
		return false
	}
	c.FPU.FIP = in.Addr
	return true
}

// x87Mem returns the memory operand's address and records it as the last operand pointer.
func (c *CPU) x87Mem(in *Inst) uint32 {
	a := c.ea(in)
	c.FPU.FDP = a
	return a
}

// blocked reports whether an unmasked IE/DE/ZE was raised (the destination must not change).
func (c *CPU) blocked(e *fpu.Env) bool {
	return uint16(e.Flags&(fpu.FlagInvalid|fpu.FlagDenormal|fpu.FlagDivZero))&^c.FPU.CW != 0
}

// storeBlocked reports whether an unmasked IE, OE or UE was raised by a conversion to memory:
// the store is then suppressed. (An unmasked PE does not stop the store.)
func (c *CPU) storeBlocked(e *fpu.Env) bool {
	return uint16(e.Flags&(fpu.FlagInvalid|fpu.FlagOverflow|fpu.FlagUnderflow))&^c.FPU.CW != 0
}

// c1Clear clears C1 (instructions that define it as 0 when no stack fault occurs).
func (c *CPU) c1Clear() { c.FPU.SW &^= fpu.SWC1 }

// setCond sets C0, C2, C3 from bits 0, 1, 2 of c3c2c0 (the FXAM/FCOM encoding) and clears C1.
func (c *CPU) setCond(c3c2c0 uint8) {
	sw := c.FPU.SW &^ (fpu.SWC0 | fpu.SWC1 | fpu.SWC2 | fpu.SWC3)
	if c3c2c0&1 != 0 {
		sw |= fpu.SWC0
	}
	if c3c2c0&2 != 0 {
		sw |= fpu.SWC2
	}
	if c3c2c0&4 != 0 {
		sw |= fpu.SWC3
	}
	c.FPU.SW = sw
}

// orderCond encodes a comparison result as C3 C2 C0.
func orderCond(o fpu.Order) uint8 {
	switch o {
	case fpu.Less:
		return 0b001
	case fpu.Equal:
		return 0b100
	case fpu.Unordered:
		return 0b111
	}
	return 0
}

// x87Push pushes v, handling stack overflow (an unmasked overflow pushes nothing).
func (c *CPU) x87Push(v fpu.F80) {
	s := &c.FPU
	if !s.CanPush() {
		if !s.StackFault(true) {
			return
		}
		v = fpu.Indefinite
	}
	s.Push(v)
}

// underflow records a stack underflow; it reports whether IE is masked.
func (c *CPU) underflow() bool { return c.FPU.StackFault(false) }

// readMemF loads a float32/float64/int16/int32/int64 memory operand of an arithmetic or compare
// instruction as an extended value. isInt selects the integer forms (FIADD etc.). A denormal
// float operand becomes a normal extended value, so its DE is reported in e and the caller
// applies it with memDenormal once it knows no higher-priority exception occurred.
func (c *CPU) readMemF(in *Inst, e *fpu.Env, isInt bool) (fpu.F80, bool) {
	a := c.x87Mem(in)
	switch {
	case isInt && in.Args[0].Size == 2:
		v, ok := c.read16(a)
		return fpu.FromInt64(int64(int16(v))), ok
	case isInt:
		v, ok := c.read32(a)
		return fpu.FromInt64(int64(int32(v))), ok
	case in.Args[0].Size == 4:
		v, ok := c.read32(a)
		return e.Load32(v), ok
	default:
		v, ok := c.read64(a)
		return e.Load64(v), ok
	}
}

// memDenormal re-applies the DE of a denormal memory operand (loadDE) after the operation:
// invalid operations, zero divides and NaN operands take priority over it.
func memDenormal(e *fpu.Env, loadDE bool, other fpu.F80) {
	if loadDE && e.Flags&(fpu.FlagInvalid|fpu.FlagDivZero) == 0 && !other.IsNaN() {
		e.Flags |= fpu.FlagDenormal
	}
}

// x87Blocked handles an unmasked IE, DE or ZE: the operation is not performed, so only those
// (pre-computation) flags are recorded, C1 is cleared and ES is set. It reports whether that
// was the case.
func (c *CPU) x87Blocked(e *fpu.Env) bool {
	if !c.blocked(e) {
		return false
	}
	pre := fpu.Env{Flags: e.Flags & (fpu.FlagInvalid | fpu.FlagDenormal | fpu.FlagDivZero)}
	c.FPU.MergeFlags(&pre)
	c.c1Clear()
	return true
}

// storeSuppressed records the flags of a store that an unmasked IE, OE or UE suppressed: no PE
// is reported (nothing was delivered) and C1 is cleared, as the hardware does.
func (c *CPU) storeSuppressed(e *fpu.Env) {
	e.Flags &^= fpu.FlagInexact
	c.FPU.MergeFlags(e)
	c.c1Clear()
}

// Arithmetic kinds for x87Arith.
const (
	xAdd = iota
	xMul
	xSub
	xSubR
	xDiv
	xDivR
)

// fastOps maps the arithmetic kinds to fpu.Op operand order: reversed kinds swap operands.
var fastOps = [...]fpu.Op{xAdd: fpu.OpAdd, xMul: fpu.OpMul, xSub: fpu.OpSub, xSubR: fpu.OpSub, xDiv: fpu.OpDiv, xDivR: fpu.OpDiv}

func x87Compute(e *fpu.Env, kind int, d, s fpu.F80, fast bool) fpu.F80 {
	if fast {
		a, b := d, s
		if kind == xSubR || kind == xDivR {
			a, b = s, d
		}
		if r, ok := e.FastArith80(fastOps[kind], a, b); ok {
			return r
		}
	}
	switch kind {
	case xAdd:
		return e.Add(d, s)
	case xMul:
		return e.Mul(d, s)
	case xSub:
		return e.Sub(d, s)
	case xSubR:
		return e.Sub(s, d)
	case xDiv:
		return e.Div(d, s)
	}
	return e.Div(s, d)
}

// x87Arith implements FADD/FMUL/FSUB/FSUBR/FDIV/FDIVR and their P and I forms:
// [mem] (ST0 op= mem), [ST0, STi] (ST0 op= STi), [STi, ST0] (STi op= ST0), with pop for the P forms.
func (c *CPU) x87Arith(in *Inst, kind int, pop, isInt bool) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	e := s.Env()
	dst, src := 0, 0
	var sv fpu.F80
	loadDE := false
	switch {
	case in.Args[0].Kind == argMem:
		v, ok := c.readMemF(in, &e, isInt)
		if !ok {
			return c.memFault()
		}
		sv = v
		src = -1
		loadDE = e.Flags&fpu.FlagDenormal != 0
		e.Flags = 0
	case in.Args[0].Kind == argST && in.Args[1].Kind == argST:
		dst, src = int(in.Args[0].Reg), int(in.Args[1].Reg)
	case in.Args[0].Kind == argST:
		dst, src = int(in.Args[0].Reg), 0
	default: // FADDP with no operands: ST1 op= ST0
		dst, src = 1, 0
	}
	if s.Empty(dst) || (src >= 0 && s.Empty(src)) {
		if c.underflow() {
			s.SetST(dst, fpu.Indefinite)
			if pop {
				s.Pop()
			}
		}
		return flowNext
	}
	if src >= 0 {
		sv = s.ST(src)
	}
	r := x87Compute(&e, kind, s.ST(dst), sv, fpu.FastX87(s.CW) && !loadDE)
	memDenormal(&e, loadDE, s.ST(dst))
	if c.x87Blocked(&e) {
		return flowNext
	}
	s.Merge(&e)
	s.SetST(dst, r)
	if pop {
		s.Pop()
	}
	return flowNext
}

func opFADD(c *CPU, in *Inst) flow   { return c.x87Arith(in, xAdd, false, false) }
func opFADDP(c *CPU, in *Inst) flow  { return c.x87Arith(in, xAdd, true, false) }
func opFIADD(c *CPU, in *Inst) flow  { return c.x87Arith(in, xAdd, false, true) }
func opFMUL(c *CPU, in *Inst) flow   { return c.x87Arith(in, xMul, false, false) }
func opFMULP(c *CPU, in *Inst) flow  { return c.x87Arith(in, xMul, true, false) }
func opFIMUL(c *CPU, in *Inst) flow  { return c.x87Arith(in, xMul, false, true) }
func opFSUB(c *CPU, in *Inst) flow   { return c.x87Arith(in, xSub, false, false) }
func opFSUBP(c *CPU, in *Inst) flow  { return c.x87Arith(in, xSub, true, false) }
func opFISUB(c *CPU, in *Inst) flow  { return c.x87Arith(in, xSub, false, true) }
func opFSUBR(c *CPU, in *Inst) flow  { return c.x87Arith(in, xSubR, false, false) }
func opFSUBRP(c *CPU, in *Inst) flow { return c.x87Arith(in, xSubR, true, false) }
func opFISUBR(c *CPU, in *Inst) flow { return c.x87Arith(in, xSubR, false, true) }
func opFDIV(c *CPU, in *Inst) flow   { return c.x87Arith(in, xDiv, false, false) }
func opFDIVP(c *CPU, in *Inst) flow  { return c.x87Arith(in, xDiv, true, false) }
func opFIDIV(c *CPU, in *Inst) flow  { return c.x87Arith(in, xDiv, false, true) }
func opFDIVR(c *CPU, in *Inst) flow  { return c.x87Arith(in, xDivR, false, false) }
func opFDIVRP(c *CPU, in *Inst) flow { return c.x87Arith(in, xDivR, true, false) }
func opFIDIVR(c *CPU, in *Inst) flow { return c.x87Arith(in, xDivR, false, true) }

// opFLD: FLD m32/m64/m80 or FLD ST(i).
func opFLD(c *CPU, in *Inst) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	e := s.Env()
	var v fpu.F80
	if in.Args[0].Kind == argST {
		i := int(in.Args[0].Reg)
		if s.Empty(i) {
			if !c.underflow() {
				return flowNext
			}
			v = fpu.Indefinite
		} else {
			v = s.ST(i)
		}
	} else {
		a := c.x87Mem(in)
		switch in.Args[0].Size {
		case 4:
			x, ok := c.read32(a)
			if !ok {
				return c.memFault()
			}
			v = e.FromFloat32(x)
		case 8:
			x, ok := c.read64(a)
			if !ok {
				return c.memFault()
			}
			v = e.FromFloat64(x)
		default:
			var buf [10]byte
			if c.Mem.ReadBytes(a, buf[:], 0) != nil {
				return c.memFault()
			}
			v = fpu.GetF80(buf[:])
		}
	}
	if c.blocked(&e) {
		s.Merge(&e)
		return flowNext
	}
	if !s.CanPush() {
		c.x87Push(v) // stack overflow: records the fault, pushes the indefinite when masked
		return flowNext
	}
	s.Merge(&e) // conversion flags; C1 cleared
	s.Push(v)
	return flowNext
}

// x87Store implements FST/FSTP to memory or a register.
func (c *CPU) x87Store(in *Inst, pop bool) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	e := s.Env()
	empty := s.Empty(0)
	v := s.ST(0)
	if empty {
		if !c.underflow() {
			return flowNext
		}
		v = fpu.Indefinite
	}
	if in.Args[0].Kind == argST {
		if !empty {
			c.c1Clear()
		}
		s.SetST(int(in.Args[0].Reg), v)
		if pop {
			s.Pop()
		}
		return flowNext
	}
	a := c.x87Mem(in)
	switch in.Args[0].Size {
	case 4:
		x := e.ToFloat32(v)
		if c.storeBlocked(&e) {
			c.storeSuppressed(&e)
			return flowNext
		}
		if !c.write32(a, x) {
			return c.memFault()
		}
	case 8:
		x := e.ToFloat64(v)
		if c.storeBlocked(&e) {
			c.storeSuppressed(&e)
			return flowNext
		}
		if !c.write64(a, x) {
			return c.memFault()
		}
	default:
		var buf [10]byte
		fpu.PutF80(buf[:], v)
		if c.Mem.WriteBytes(a, buf[:], 0) != nil {
			return c.memFault()
		}
	}
	if !empty {
		s.Merge(&e)
	}
	if pop {
		s.Pop()
	}
	return flowNext
}

func opFST(c *CPU, in *Inst) flow  { return c.x87Store(in, false) }
func opFSTP(c *CPU, in *Inst) flow { return c.x87Store(in, true) }

// opFILD pushes a 16/32/64-bit integer.
func opFILD(c *CPU, in *Inst) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	a := c.x87Mem(in)
	var v int64
	switch in.Args[0].Size {
	case 2:
		x, ok := c.read16(a)
		if !ok {
			return c.memFault()
		}
		v = int64(int16(x))
	case 4:
		x, ok := c.read32(a)
		if !ok {
			return c.memFault()
		}
		v = int64(int32(x))
	default:
		x, ok := c.read64(a)
		if !ok {
			return c.memFault()
		}
		v = int64(x)
	}
	if c.FPU.CanPush() {
		c.c1Clear()
	}
	c.x87Push(fpu.FromInt64(v))
	return flowNext
}

// x87IntStore implements FIST/FISTP/FISTTP.
func (c *CPU) x87IntStore(in *Inst, pop, trunc bool) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	e := s.Env()
	size := in.Args[0].Size
	bitsN := uint(size) * 8
	a := c.x87Mem(in)
	var v int64
	if s.Empty(0) {
		if !c.underflow() {
			return flowNext
		}
		v = int64(-1) << (bitsN - 1)
	} else {
		v = e.ToInt(s.ST(0), bitsN, trunc)
		if c.storeBlocked(&e) {
			c.storeSuppressed(&e)
			return flowNext
		}
	}
	var ok bool
	switch size {
	case 2:
		ok = c.write16(a, uint16(v))
	case 4:
		ok = c.write32(a, uint32(v))
	default:
		ok = c.write64(a, uint64(v))
	}
	if !ok {
		return c.memFault()
	}
	if !s.Empty(0) {
		s.Merge(&e)
	}
	if pop {
		s.Pop()
	}
	return flowNext
}

func opFIST(c *CPU, in *Inst) flow   { return c.x87IntStore(in, false, false) }
func opFISTP(c *CPU, in *Inst) flow  { return c.x87IntStore(in, true, false) }
func opFISTTP(c *CPU, in *Inst) flow { return c.x87IntStore(in, true, true) }

func opFBLD(c *CPU, in *Inst) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	var buf [10]byte
	if c.Mem.ReadBytes(c.x87Mem(in), buf[:], 0) != nil {
		return c.memFault()
	}
	if c.FPU.CanPush() {
		c.c1Clear()
	}
	c.x87Push(fpu.FromBCD(buf[:]))
	return flowNext
}

func opFBSTP(c *CPU, in *Inst) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	e := s.Env()
	a := c.x87Mem(in)
	var buf [10]byte
	empty := s.Empty(0)
	if empty {
		if !c.underflow() {
			return flowNext
		}
		buf[7], buf[8], buf[9] = 0xC0, 0xFF, 0xFF
	} else {
		e.ToBCD(s.ST(0), buf[:])
		if c.storeBlocked(&e) {
			c.storeSuppressed(&e)
			return flowNext
		}
	}
	if c.Mem.WriteBytes(a, buf[:], 0) != nil {
		return c.memFault()
	}
	if !empty {
		s.Merge(&e)
	}
	s.Pop()
	return flowNext
}

// opFXCH exchanges ST(0) and ST(i) (default ST(1)).
func opFXCH(c *CPU, in *Inst) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	i := 1
	if in.Args[0].Kind == argST {
		i = int(in.Args[0].Reg)
		if in.Args[1].Kind == argST && i == 0 {
			i = int(in.Args[1].Reg)
		}
	}
	a, b := s.ST(0), s.ST(i)
	if s.Empty(0) || s.Empty(i) {
		if !c.underflow() {
			return flowNext
		}
		if s.Empty(0) {
			a = fpu.Indefinite
		}
		if s.Empty(i) {
			b = fpu.Indefinite
		}
	} else {
		c.c1Clear()
	}
	s.SetST(0, b)
	s.SetST(i, a)
	return flowNext
}

// x87Compare implements FCOM/FCOMP/FCOMPP/FUCOM*/FICOM*/FTST: C3 C2 C0 from ST(0) vs the operand.
func (c *CPU) x87Compare(in *Inst, pops int, quiet, isInt, zero bool) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	e := s.Env()
	var b fpu.F80
	src := 1
	loadDE := false
	switch {
	case zero:
		src = -1
	case in.Args[0].Kind == argMem:
		v, ok := c.readMemF(in, &e, isInt)
		if !ok {
			return c.memFault()
		}
		b, src = v, -1
		loadDE = e.Flags&fpu.FlagDenormal != 0
		e.Flags = 0
	case in.Args[0].Kind == argST:
		src = int(in.Args[0].Reg)
		if in.Args[1].Kind == argST {
			src = int(in.Args[1].Reg)
		}
	}
	if s.Empty(0) || (src >= 0 && s.Empty(src)) {
		masked := c.underflow()
		c.setCond(0b111) // unordered, even when the exception is unmasked
		if masked {
			for ; pops > 0; pops-- {
				s.Pop()
			}
		}
		return flowNext
	}
	if src >= 0 {
		b = s.ST(src)
	}
	o := e.Compare(s.ST(0), b, quiet)
	memDenormal(&e, loadDE, s.ST(0))
	blocked := c.x87Blocked(&e)
	if !blocked {
		s.Merge(&e)
	}
	c.setCond(orderCond(o)) // the condition codes are set even when an exception is unmasked
	if blocked {
		return flowNext
	}
	for ; pops > 0; pops-- {
		s.Pop()
	}
	return flowNext
}

func opFCOM(c *CPU, in *Inst) flow    { return c.x87Compare(in, 0, false, false, false) }
func opFCOMP(c *CPU, in *Inst) flow   { return c.x87Compare(in, 1, false, false, false) }
func opFCOMPP(c *CPU, in *Inst) flow  { return c.x87Compare(in, 2, false, false, false) }
func opFUCOM(c *CPU, in *Inst) flow   { return c.x87Compare(in, 0, true, false, false) }
func opFUCOMP(c *CPU, in *Inst) flow  { return c.x87Compare(in, 1, true, false, false) }
func opFUCOMPP(c *CPU, in *Inst) flow { return c.x87Compare(in, 2, true, false, false) }
func opFICOM(c *CPU, in *Inst) flow   { return c.x87Compare(in, 0, false, true, false) }
func opFICOMP(c *CPU, in *Inst) flow  { return c.x87Compare(in, 1, false, true, false) }
func opFTST(c *CPU, in *Inst) flow    { return c.x87Compare(in, 0, false, false, true) }

// x87CompareI implements FCOMI/FCOMIP/FUCOMI/FUCOMIP: ZF PF CF from ST(0) vs ST(i).
func (c *CPU) x87CompareI(in *Inst, pop, quiet bool) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	e := s.Env()
	i := int(in.Args[1].Reg)
	if s.Empty(0) || s.Empty(i) {
		// EFLAGS say unordered even when the invalid exception is unmasked.
		c.setFlagsArith(FlagZF | FlagPF | FlagCF)
		if c.underflow() && pop {
			s.Pop()
		}
		return flowNext
	}
	o := e.Compare(s.ST(0), s.ST(i), quiet)
	blocked := c.x87Blocked(&e)
	if !blocked {
		s.MergeFlags(&e)
	}
	c.setFlagsArith(comiFlags(o))
	if blocked {
		return flowNext
	}
	if pop {
		s.Pop()
	}
	return flowNext
}

// comiFlags maps a comparison to ZF PF CF (OF SF AF cleared), as FCOMI and COMISS set them.
func comiFlags(o fpu.Order) uint32 {
	switch o {
	case fpu.Less:
		return FlagCF
	case fpu.Equal:
		return FlagZF
	case fpu.Unordered:
		return FlagZF | FlagPF | FlagCF
	}
	return 0
}

func opFCOMI(c *CPU, in *Inst) flow   { return c.x87CompareI(in, false, false) }
func opFCOMIP(c *CPU, in *Inst) flow  { return c.x87CompareI(in, true, false) }
func opFUCOMI(c *CPU, in *Inst) flow  { return c.x87CompareI(in, false, true) }
func opFUCOMIP(c *CPU, in *Inst) flow { return c.x87CompareI(in, true, true) }

func opFXAM(c *CPU, in *Inst) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	v := s.ST(0)
	if s.Empty(0) {
		c.setCond(0b101)
	} else {
		c.setCond(fpu.Examine(v))
	}
	if v.Sign() {
		s.SW |= fpu.SWC1
	}
	return flowNext
}

// x87Const pushes a constant.
func (c *CPU) x87Const(in *Inst, k fpu.Constant) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	e := c.FPU.Env()
	if c.FPU.CanPush() {
		c.c1Clear()
	}
	c.x87Push(e.LoadConstant(k))
	return flowNext
}

func opFLD1(c *CPU, in *Inst) flow   { return c.x87Const(in, fpu.ConstOne) }
func opFLDL2T(c *CPU, in *Inst) flow { return c.x87Const(in, fpu.ConstL2T) }
func opFLDL2E(c *CPU, in *Inst) flow { return c.x87Const(in, fpu.ConstL2E) }
func opFLDPI(c *CPU, in *Inst) flow  { return c.x87Const(in, fpu.ConstPi) }
func opFLDLG2(c *CPU, in *Inst) flow { return c.x87Const(in, fpu.ConstLG2) }
func opFLDLN2(c *CPU, in *Inst) flow { return c.x87Const(in, fpu.ConstLN2) }
func opFLDZ(c *CPU, in *Inst) flow   { return c.x87Const(in, fpu.ConstZero) }

// Operations of x87Unary, x87Binary and x87Pair. (A kind and a switch rather than function
// values: passing the Env to an unknown function would make it escape to the heap.)
const (
	uChs = iota
	uAbs
	uSqrt
	uRndint
	u2xm1
	uSin
	uCos
	bAtan
	bYl2x
	bYl2xp1
	bScale
	pTan
	pSinCos
	pXtract
)

func x87UnaryOp(e *fpu.Env, kind int, v fpu.F80) (fpu.F80, bool) {
	switch kind {
	case uChs:
		return v.Neg(), false
	case uAbs:
		return v.Abs(), false
	case uSqrt:
		return e.Sqrt(v), false
	case uRndint:
		return e.RoundInt(v), false
	case u2xm1:
		return e.F2xm1(v), false
	case uSin:
		return e.Sin(v)
	}
	return e.Cos(v)
}

// x87Unary applies an operation to ST(0) (FCHS, FABS, FSQRT, FRNDINT, F2XM1, FSIN, FCOS).
func (c *CPU) x87Unary(in *Inst, kind int) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	if s.Empty(0) {
		s.SW &^= fpu.SWC2
		if c.underflow() {
			s.SetST(0, fpu.Indefinite)
		}
		return flowNext
	}
	e := s.Env()
	r, outOfRange := x87UnaryOp(&e, kind, s.ST(0))
	if outOfRange {
		s.SW |= fpu.SWC2
		return flowNext
	}
	if c.x87Blocked(&e) {
		return flowNext
	}
	s.Merge(&e)
	s.SW &^= fpu.SWC2
	s.SetST(0, r)
	return flowNext
}

func opFCHS(c *CPU, in *Inst) flow    { return c.x87Unary(in, uChs) }
func opFABS(c *CPU, in *Inst) flow    { return c.x87Unary(in, uAbs) }
func opFSQRT(c *CPU, in *Inst) flow   { return c.x87Unary(in, uSqrt) }
func opFRNDINT(c *CPU, in *Inst) flow { return c.x87Unary(in, uRndint) }
func opF2XM1(c *CPU, in *Inst) flow   { return c.x87Unary(in, u2xm1) }
func opFSIN(c *CPU, in *Inst) flow    { return c.x87Unary(in, uSin) }
func opFCOS(c *CPU, in *Inst) flow    { return c.x87Unary(in, uCos) }

func x87BinaryOp(e *fpu.Env, kind int, st0, st1 fpu.F80) fpu.F80 {
	switch kind {
	case bAtan:
		return e.Atan(st1, st0)
	case bYl2x:
		return e.Yl2x(st0, st1)
	case bYl2xp1:
		return e.Yl2xp1(st0, st1)
	}
	return e.Scale(st0, st1)
}

// x87Binary computes ST(1) = op(ST(0), ST(1)) and pops (FPATAN, FYL2X, FYL2XP1), or, for
// FSCALE, ST(0) = op(ST(0), ST(1)) without popping.
func (c *CPU) x87Binary(in *Inst, kind int) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	keep := kind == bScale
	dst := 1
	if keep {
		dst = 0
	}
	if s.Empty(0) || s.Empty(1) {
		if c.underflow() {
			s.SetST(dst, fpu.Indefinite)
			if !keep {
				s.Pop()
			}
		}
		return flowNext
	}
	e := s.Env()
	r := x87BinaryOp(&e, kind, s.ST(0), s.ST(1))
	if c.x87Blocked(&e) {
		return flowNext
	}
	s.Merge(&e)
	s.SetST(dst, r)
	if !keep {
		s.Pop()
	}
	return flowNext
}

func opFPATAN(c *CPU, in *Inst) flow  { return c.x87Binary(in, bAtan) }
func opFYL2X(c *CPU, in *Inst) flow   { return c.x87Binary(in, bYl2x) }
func opFYL2XP1(c *CPU, in *Inst) flow { return c.x87Binary(in, bYl2xp1) }
func opFSCALE(c *CPU, in *Inst) flow  { return c.x87Binary(in, bScale) }

// x87Rem implements FPREM and FPREM1.
func (c *CPU) x87Rem(in *Inst, nearest bool) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	if s.Empty(0) || s.Empty(1) {
		s.SW &^= fpu.SWC2
		if c.underflow() {
			s.SetST(0, fpu.Indefinite)
		}
		return flowNext
	}
	e := s.Env()
	r, cond := e.Remainder(s.ST(0), s.ST(1), nearest)
	blocked := c.x87Blocked(&e)
	if !blocked {
		s.Merge(&e)
	}
	if cond == fpu.CondNone {
		s.SW &^= fpu.SWC1 | fpu.SWC2
	} else {
		s.SW = s.SW&^(fpu.SWC0|fpu.SWC1|fpu.SWC2|fpu.SWC3) | cond
	}
	if blocked {
		return flowNext
	}
	s.SetST(0, r)
	return flowNext
}

func opFPREM(c *CPU, in *Inst) flow  { return c.x87Rem(in, false) }
func opFPREM1(c *CPU, in *Inst) flow { return c.x87Rem(in, true) }

func x87PairOp(e *fpu.Env, kind int, v fpu.F80) (st0, push fpu.F80, outOfRange bool) {
	switch kind {
	case pTan:
		return e.Tan(v)
	case pSinCos:
		return e.SinCos(v)
	}
	ex, sig := e.Extract(v)
	return ex, sig, false
}

// x87Pair replaces ST(0) by the first result and pushes the second (FPTAN, FSINCOS, FXTRACT).
func (c *CPU) x87Pair(in *Inst, kind int) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	s := &c.FPU
	if s.Empty(0) || !s.CanPush() {
		s.SW &^= fpu.SWC2
		overflow := !s.Empty(0)
		if c.FPU.StackFault(overflow) {
			s.SetST(0, fpu.Indefinite)
			s.Push(fpu.Indefinite)
		}
		return flowNext
	}
	e := s.Env()
	a, b, oor := x87PairOp(&e, kind, s.ST(0))
	if oor {
		s.SW |= fpu.SWC2
		return flowNext
	}
	if c.x87Blocked(&e) {
		return flowNext
	}
	s.Merge(&e)
	s.SW &^= fpu.SWC2
	s.SetST(0, a)
	s.Push(b)
	return flowNext
}

func opFPTAN(c *CPU, in *Inst) flow   { return c.x87Pair(in, pTan) }
func opFSINCOS(c *CPU, in *Inst) flow { return c.x87Pair(in, pSinCos) }
func opFXTRACT(c *CPU, in *Inst) flow { return c.x87Pair(in, pXtract) }

func opFINCSTP(c *CPU, in *Inst) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	c.FPU.IncTop()
	c.c1Clear()
	return flowNext
}

func opFDECSTP(c *CPU, in *Inst) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	c.FPU.DecTop()
	c.c1Clear()
	return flowNext
}

func opFFREE(c *CPU, in *Inst) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	c.FPU.Free(int(in.Args[0].Reg))
	return flowNext
}

func opFFREEP(c *CPU, in *Inst) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	c.FPU.Free(int(in.Args[0].Reg))
	c.FPU.Pop()
	return flowNext
}

func opFNOP(c *CPU, in *Inst) flow {
	if !c.x87Begin(in) {
		return flowFault
	}
	return flowNext
}

func opFWAIT(c *CPU, in *Inst) flow {
	if !c.x87Wait() {
		return flowFault
	}
	return flowNext
}

// opFCMOV returns the handler of FCMOVcc for condition code cc (the Jcc encoding).
func opFCMOV(cc uint8) handler {
	return func(c *CPU, in *Inst) flow {
		if !c.x87Begin(in) {
			return flowFault
		}
		s := &c.FPU
		i := int(in.Args[1].Reg)
		if s.Empty(0) || s.Empty(i) {
			if c.underflow() {
				s.SetST(0, fpu.Indefinite)
			}
			return flowNext
		}
		if c.cond(cc) {
			s.SetST(0, s.ST(i))
		}
		return flowNext
	}
}

func opFLDCW(c *CPU, in *Inst) flow {
	if !c.x87Wait() {
		return flowFault
	}
	v, ok := c.read16(c.ea(in))
	if !ok {
		return c.memFault()
	}
	c.FPU.SetControlWord(v)
	return flowNext
}

func opFNSTCW(c *CPU, in *Inst) flow {
	if !c.write16(c.ea(in), c.FPU.CW) {
		return c.memFault()
	}
	return flowNext
}

func opFNSTSW(c *CPU, in *Inst) flow {
	sw := c.FPU.StatusWord()
	if in.Args[0].Kind == argReg {
		c.setReg(EAX, 2, uint32(sw))
		return flowNext
	}
	if !c.write16(c.ea(in), sw) {
		return c.memFault()
	}
	return flowNext
}

func opFNCLEX(c *CPU, in *Inst) flow {
	c.FPU.SW &^= uint16(fpu.FlagsAll) | fpu.SWStackFault | fpu.SWErrSummary | fpu.SWBusy
	return flowNext
}

func opFNINIT(c *CPU, in *Inst) flow {
	c.FPU.Init()
	return flowNext
}

// envSize and saveSize give the FSTENV and FSAVE image sizes for the operand size.
func envSize(in *Inst) int {
	if in.OpSize == 2 {
		return fpu.Env16Size
	}
	return fpu.EnvSize
}

func saveSize(in *Inst) int {
	if in.OpSize == 2 {
		return fpu.Save16Size
	}
	return fpu.SaveSize
}

func opFNSTENV(c *CPU, in *Inst) flow {
	var buf [fpu.EnvSize]byte
	n := envSize(in)
	if n == fpu.Env16Size {
		c.FPU.StoreEnv16(buf[:])
	} else {
		c.FPU.StoreEnv(buf[:])
	}
	if c.Mem.WriteBytes(c.ea(in), buf[:n], 0) != nil {
		return c.memFault()
	}
	c.FPU.SetControlWord(c.FPU.CW | uint16(fpu.FlagsAll))
	return flowNext
}

func opFLDENV(c *CPU, in *Inst) flow {
	if !c.x87Wait() {
		return flowFault
	}
	var buf [fpu.EnvSize]byte
	n := envSize(in)
	if c.Mem.ReadBytes(c.ea(in), buf[:n], 0) != nil {
		return c.memFault()
	}
	if n == fpu.Env16Size {
		c.FPU.LoadEnv16(buf[:])
	} else {
		c.FPU.LoadEnv(buf[:])
	}
	return flowNext
}

func opFNSAVE(c *CPU, in *Inst) flow {
	var buf [fpu.SaveSize]byte
	n := saveSize(in)
	c.FPU.StoreSaveN(buf[:], n)
	if c.Mem.WriteBytes(c.ea(in), buf[:n], 0) != nil {
		return c.memFault()
	}
	c.FPU.Init()
	return flowNext
}

func opFRSTOR(c *CPU, in *Inst) flow {
	if !c.x87Wait() {
		return flowFault
	}
	var buf [fpu.SaveSize]byte
	n := saveSize(in)
	if c.Mem.ReadBytes(c.ea(in), buf[:n], 0) != nil {
		return c.memFault()
	}
	c.FPU.RestoreN(buf[:], n)
	return flowNext
}

func opFXSAVE(c *CPU, in *Inst) flow {
	a := c.ea(in)
	if a&15 != 0 {
		return c.raise(GeneralProtection)
	}
	var buf [fpu.FXSaveSize]byte
	if c.Mem.ReadBytes(a, buf[:], 0) != nil { // keep the reserved bytes as they are
		return c.memFault()
	}
	c.FPU.FXSave(buf[:])
	if c.Mem.WriteBytes(a, buf[:], 0) != nil {
		return c.memFault()
	}
	return flowNext
}

func opFXRSTOR(c *CPU, in *Inst) flow {
	a := c.ea(in)
	if a&15 != 0 {
		return c.raise(GeneralProtection)
	}
	var buf [fpu.FXSaveSize]byte
	if c.Mem.ReadBytes(a, buf[:], 0) != nil {
		return c.memFault()
	}
	if !c.FPU.FXRestore(buf[:]) {
		return c.raise(GeneralProtection)
	}
	return flowNext
}

func init() {
	none := [4]argMask{}
	st1 := [4]argMask{maskST | maskNone}
	arith := [4]argMask{maskST | maskMem | maskNone, maskST | maskNone}
	stst := [4]argMask{maskST, maskST}
	mem := [4]argMask{maskMem}
	defs := []opDef{
		{Op: x86asm.FADD, Fn: opFADD, Args: arith},
		{Op: x86asm.FADDP, Fn: opFADDP, Args: arith},
		{Op: x86asm.FIADD, Fn: opFIADD, Args: mem},
		{Op: x86asm.FMUL, Fn: opFMUL, Args: arith},
		{Op: x86asm.FMULP, Fn: opFMULP, Args: arith},
		{Op: x86asm.FIMUL, Fn: opFIMUL, Args: mem},
		{Op: x86asm.FSUB, Fn: opFSUB, Args: arith},
		{Op: x86asm.FSUBP, Fn: opFSUBP, Args: arith},
		{Op: x86asm.FISUB, Fn: opFISUB, Args: mem},
		{Op: x86asm.FSUBR, Fn: opFSUBR, Args: arith},
		{Op: x86asm.FSUBRP, Fn: opFSUBRP, Args: arith},
		{Op: x86asm.FISUBR, Fn: opFISUBR, Args: mem},
		{Op: x86asm.FDIV, Fn: opFDIV, Args: arith},
		{Op: x86asm.FDIVP, Fn: opFDIVP, Args: arith},
		{Op: x86asm.FIDIV, Fn: opFIDIV, Args: mem},
		{Op: x86asm.FDIVR, Fn: opFDIVR, Args: arith},
		{Op: x86asm.FDIVRP, Fn: opFDIVRP, Args: arith},
		{Op: x86asm.FIDIVR, Fn: opFIDIVR, Args: mem},
		{Op: x86asm.FLD, Fn: opFLD, Args: [4]argMask{maskST | maskMem}},
		{Op: x86asm.FST, Fn: opFST, Args: [4]argMask{maskST | maskMem}},
		{Op: x86asm.FSTP, Fn: opFSTP, Args: [4]argMask{maskST | maskMem}},
		{Op: x86asm.FILD, Fn: opFILD, Args: mem},
		{Op: x86asm.FIST, Fn: opFIST, Args: mem},
		{Op: x86asm.FISTP, Fn: opFISTP, Args: mem},
		{Op: x86asm.FISTTP, Fn: opFISTTP, Args: mem},
		{Op: x86asm.FBLD, Fn: opFBLD, Args: mem},
		{Op: x86asm.FBSTP, Fn: opFBSTP, Args: mem},
		{Op: x86asm.FXCH, Fn: opFXCH, Args: arith},
		{Op: x86asm.FCOM, Fn: opFCOM, Args: arith},
		{Op: x86asm.FCOMP, Fn: opFCOMP, Args: arith},
		{Op: x86asm.FCOMPP, Fn: opFCOMPP, Args: none},
		{Op: x86asm.FUCOM, Fn: opFUCOM, Args: arith},
		{Op: x86asm.FUCOMP, Fn: opFUCOMP, Args: arith},
		{Op: x86asm.FUCOMPP, Fn: opFUCOMPP, Args: none},
		{Op: x86asm.FICOM, Fn: opFICOM, Args: mem},
		{Op: x86asm.FICOMP, Fn: opFICOMP, Args: mem},
		{Op: x86asm.FTST, Fn: opFTST, Args: none},
		{Op: x86asm.FCOMI, Fn: opFCOMI, Args: stst},
		{Op: x86asm.FCOMIP, Fn: opFCOMIP, Args: stst},
		{Op: x86asm.FUCOMI, Fn: opFUCOMI, Args: stst},
		{Op: x86asm.FUCOMIP, Fn: opFUCOMIP, Args: stst},
		{Op: x86asm.FXAM, Fn: opFXAM, Args: none},
		{Op: x86asm.FLD1, Fn: opFLD1, Args: none},
		{Op: x86asm.FLDL2T, Fn: opFLDL2T, Args: none},
		{Op: x86asm.FLDL2E, Fn: opFLDL2E, Args: none},
		{Op: x86asm.FLDPI, Fn: opFLDPI, Args: none},
		{Op: x86asm.FLDLG2, Fn: opFLDLG2, Args: none},
		{Op: x86asm.FLDLN2, Fn: opFLDLN2, Args: none},
		{Op: x86asm.FLDZ, Fn: opFLDZ, Args: none},
		{Op: x86asm.FCHS, Fn: opFCHS, Args: none},
		{Op: x86asm.FABS, Fn: opFABS, Args: none},
		{Op: x86asm.FSQRT, Fn: opFSQRT, Args: none},
		{Op: x86asm.FRNDINT, Fn: opFRNDINT, Args: none},
		{Op: x86asm.F2XM1, Fn: opF2XM1, Args: none},
		{Op: x86asm.FSIN, Fn: opFSIN, Args: none},
		{Op: x86asm.FCOS, Fn: opFCOS, Args: none},
		{Op: x86asm.FSINCOS, Fn: opFSINCOS, Args: none},
		{Op: x86asm.FPTAN, Fn: opFPTAN, Args: none},
		{Op: x86asm.FPATAN, Fn: opFPATAN, Args: none},
		{Op: x86asm.FYL2X, Fn: opFYL2X, Args: none},
		{Op: x86asm.FYL2XP1, Fn: opFYL2XP1, Args: none},
		{Op: x86asm.FSCALE, Fn: opFSCALE, Args: none},
		{Op: x86asm.FXTRACT, Fn: opFXTRACT, Args: none},
		{Op: x86asm.FPREM, Fn: opFPREM, Args: none},
		{Op: x86asm.FPREM1, Fn: opFPREM1, Args: none},
		{Op: x86asm.FINCSTP, Fn: opFINCSTP, Args: none},
		{Op: x86asm.FDECSTP, Fn: opFDECSTP, Args: none},
		{Op: x86asm.FFREE, Fn: opFFREE, Args: st1},
		{Op: x86asm.FFREEP, Fn: opFFREEP, Args: st1},
		{Op: x86asm.FNOP, Fn: opFNOP, Args: none},
		{Op: x86asm.FWAIT, Fn: opFWAIT, Args: none},
		{Op: x86asm.FLDCW, Fn: opFLDCW, Args: mem},
		{Op: x86asm.FNSTCW, Fn: opFNSTCW, Args: mem},
		{Op: x86asm.FNSTSW, Fn: opFNSTSW, Args: [4]argMask{maskMem | maskReg}},
		{Op: x86asm.FNCLEX, Fn: opFNCLEX, Args: none},
		{Op: x86asm.FNINIT, Fn: opFNINIT, Args: none},
		{Op: x86asm.FNSTENV, Fn: opFNSTENV, Args: mem},
		{Op: x86asm.FLDENV, Fn: opFLDENV, Args: mem},
		{Op: x86asm.FNSAVE, Fn: opFNSAVE, Args: mem},
		{Op: x86asm.FRSTOR, Fn: opFRSTOR, Args: mem},
		{Op: x86asm.FXSAVE, Fn: opFXSAVE, Args: mem},
		{Op: x86asm.FXRSTOR, Fn: opFXRSTOR, Args: mem},
		{Op: x86asm.FCMOVB, Fn: opFCMOV(0x2), Args: stst},
		{Op: x86asm.FCMOVNB, Fn: opFCMOV(0x3), Args: stst},
		{Op: x86asm.FCMOVE, Fn: opFCMOV(0x4), Args: stst},
		{Op: x86asm.FCMOVNE, Fn: opFCMOV(0x5), Args: stst},
		{Op: x86asm.FCMOVBE, Fn: opFCMOV(0x6), Args: stst},
		{Op: x86asm.FCMOVNBE, Fn: opFCMOV(0x7), Args: stst},
		{Op: x86asm.FCMOVU, Fn: opFCMOV(0xA), Args: stst},
		{Op: x86asm.FCMOVNU, Fn: opFCMOV(0xB), Args: stst},
	}
	defineOps(defs...)
	CPUIDFeatureEDX |= FeatFPU | FeatFXSR
}
