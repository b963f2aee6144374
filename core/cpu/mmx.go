package cpu

import "golang.org/x/arch/x86/x86asm"

// The integer SIMD instructions, shared by MMX (64-bit MMi operands) and SSE2 (128-bit XMMi
// operands): x86asm decodes both with the same op, and the handler works on one or two 64-bit
// halves depending on the operand kind. Lane-wise operations are written once as functions of
// two 64-bit words (lanes never cross a 64-bit boundary); packs, unpacks, shuffles and byte
// shifts work on the whole register.

// halves returns the number of 64-bit halves of the instruction's destination (1 MMX, 2 XMM).
func halves(in *Inst) int {
	if in.Args[0].Kind == argXMM || in.Args[1].Kind == argXMM {
		return 2
	}
	return 1
}

const (
	h8  = 0x8080808080808080
	h16 = 0x8000800080008000
	h32 = 0x8000000080000000
)

// SWAR add/sub without carries across lanes.
func addN(a, b, h uint64) uint64 { return ((a &^ h) + (b &^ h)) ^ ((a ^ b) & h) }
func subN(a, b, h uint64) uint64 { return ((a | h) - (b &^ h)) ^ ((a ^ ^b) & h) }

// laneOp applies f to each n-bit lane (n = 8, 16, 32) of a and b.
func laneOp(a, b uint64, n uint, f func(x, y uint64) uint64) uint64 {
	var r uint64
	m := uint64(1)<<n - 1
	for i := uint(0); i < 64; i += n {
		r |= f(a>>i&m, b>>i&m) & m << i
	}
	return r
}

func sx(v uint64, n uint) int64 { return int64(v<<(64-n)) >> (64 - n) }

func satS(v int64, n uint) uint64 {
	lo, hi := int64(-1)<<(n-1), int64(1)<<(n-1)-1
	if v < lo {
		v = lo
	} else if v > hi {
		v = hi
	}
	return uint64(v)
}

func satU(v int64, n uint) uint64 {
	if v < 0 {
		return 0
	}
	if m := int64(1)<<n - 1; v > m {
		return uint64(m)
	}
	return uint64(v)
}

func mask(b bool) uint64 {
	if b {
		return ^uint64(0)
	}
	return 0
}

// Lane functions (the 64-bit word forms).
var (
	fPADDB   = func(a, b uint64) uint64 { return addN(a, b, h8) }
	fPADDW   = func(a, b uint64) uint64 { return addN(a, b, h16) }
	fPADDD   = func(a, b uint64) uint64 { return addN(a, b, h32) }
	fPADDQ   = func(a, b uint64) uint64 { return a + b }
	fPSUBB   = func(a, b uint64) uint64 { return subN(a, b, h8) }
	fPSUBW   = func(a, b uint64) uint64 { return subN(a, b, h16) }
	fPSUBD   = func(a, b uint64) uint64 { return subN(a, b, h32) }
	fPSUBQ   = func(a, b uint64) uint64 { return a - b }
	fPADDSB  = satOp(8, true, false)
	fPADDSW  = satOp(16, true, false)
	fPADDUSB = satOp(8, false, false)
	fPADDUSW = satOp(16, false, false)
	fPSUBSB  = satOp(8, true, true)
	fPSUBSW  = satOp(16, true, true)
	fPSUBUSB = satOp(8, false, true)
	fPSUBUSW = satOp(16, false, true)
	fPAND    = func(a, b uint64) uint64 { return a & b }
	fPANDN   = func(a, b uint64) uint64 { return ^a & b }
	fPOR     = func(a, b uint64) uint64 { return a | b }
	fPXOR    = func(a, b uint64) uint64 { return a ^ b }
	fPCMPEQB = func(a, b uint64) uint64 { return eqLanes(a^b, h8, 8) }
	fPCMPEQW = func(a, b uint64) uint64 { return eqLanes(a^b, h16, 16) }
	fPCMPEQD = func(a, b uint64) uint64 { return eqLanes(a^b, h32, 32) }
	fPCMPGTB = func(a, b uint64) uint64 {
		return laneOp(a, b, 8, func(x, y uint64) uint64 { return mask(sx(x, 8) > sx(y, 8)) })
	}
	fPCMPGTW = func(a, b uint64) uint64 {
		return laneOp(a, b, 16, func(x, y uint64) uint64 { return mask(sx(x, 16) > sx(y, 16)) })
	}
	fPCMPGTD = func(a, b uint64) uint64 {
		return laneOp(a, b, 32, func(x, y uint64) uint64 { return mask(sx(x, 32) > sx(y, 32)) })
	}
	fPMULLW = func(a, b uint64) uint64 { return laneOp(a, b, 16, func(x, y uint64) uint64 { return x * y }) }
	fPMULHW = func(a, b uint64) uint64 {
		return laneOp(a, b, 16, func(x, y uint64) uint64 { return uint64(sx(x, 16) * sx(y, 16) >> 16) })
	}
	fPMULHUW = func(a, b uint64) uint64 { return laneOp(a, b, 16, func(x, y uint64) uint64 { return x * y >> 16 }) }
	fPMULUDQ = func(a, b uint64) uint64 { return (a & 0xFFFFFFFF) * (b & 0xFFFFFFFF) }
	fPMADDWD = func(a, b uint64) uint64 {
		var r uint64
		for i := uint(0); i < 64; i += 32 {
			s := sx(a>>i, 16)*sx(b>>i, 16) + sx(a>>(i+16), 16)*sx(b>>(i+16), 16)
			r |= uint64(uint32(s)) << i
		}
		return r
	}
	fPSADBW = func(a, b uint64) uint64 {
		var s uint64
		for i := uint(0); i < 64; i += 8 {
			x, y := a>>i&0xFF, b>>i&0xFF
			if x > y {
				s += x - y
			} else {
				s += y - x
			}
		}
		return s
	}
	fPAVGB = func(a, b uint64) uint64 { return laneOp(a, b, 8, func(x, y uint64) uint64 { return (x + y + 1) >> 1 }) }
	fPAVGW = func(a, b uint64) uint64 {
		return laneOp(a, b, 16, func(x, y uint64) uint64 { return (x + y + 1) >> 1 })
	}
	fPMINUB = func(a, b uint64) uint64 { return laneOp(a, b, 8, func(x, y uint64) uint64 { return min(x, y) }) }
	fPMAXUB = func(a, b uint64) uint64 { return laneOp(a, b, 8, func(x, y uint64) uint64 { return max(x, y) }) }
	fPMINSW = func(a, b uint64) uint64 {
		return laneOp(a, b, 16, func(x, y uint64) uint64 { return uint64(min(sx(x, 16), sx(y, 16))) })
	}
	fPMAXSW = func(a, b uint64) uint64 {
		return laneOp(a, b, 16, func(x, y uint64) uint64 { return uint64(max(sx(x, 16), sx(y, 16))) })
	}
)

// eqLanes returns all-ones in each n-bit lane of x that is zero (SWAR: PCMPEQB/W/D compare
// 16 bytes per instruction in string routines, so they avoid the per-lane loop). h has the top
// bit of each lane set.
func eqLanes(x, h uint64, n uint) uint64 {
	low := ^h                       // all bits but each lane's top bit
	nz := ((x & low) + low | x) & h // top bit set in every nonzero lane
	z := (nz ^ h) >> (n - 1)        // 1 in the lowest bit of every zero lane
	return z * (uint64(1)<<n - 1)   // widen to the full lane (no carries: lanes are disjoint)
}

// byteSigns gathers the top bit of each byte of x into an 8-bit mask (PMOVMSKB).
func byteSigns(x uint64) uint32 {
	return uint32((x & h8 >> 7) * 0x0102040810204080 >> 56)
}

func satOp(n uint, signed, sub bool) func(a, b uint64) uint64 {
	return func(a, b uint64) uint64 {
		return laneOp(a, b, n, func(x, y uint64) uint64 {
			if signed {
				if sub {
					return satS(sx(x, n)-sx(y, n), n)
				}
				return satS(sx(x, n)+sx(y, n), n)
			}
			if sub {
				return satU(int64(x)-int64(y), n)
			}
			return satU(int64(x)+int64(y), n)
		})
	}
}

// simdLanes returns the handler for a lane-wise integer operation.
func simdLanes(f func(a, b uint64) uint64) handler {
	return func(c *CPU, in *Inst) flow {
		s, ok := c.simdSource(in)
		if !ok {
			return flowFault
		}
		if in.Args[0].Kind == argMM {
			r := in.Args[0].Reg
			c.FPU.SetMM(int(r), f(c.FPU.MM(int(r)), s[0]))
			return flowNext
		}
		d := &c.FPU.XMM[in.Args[0].Reg&7]
		d[0], d[1] = f(d[0], s[0]), f(d[1], s[1])
		return flowNext
	}
}

// Shift kinds.
const (
	shLL = iota
	shRL
	shRA
)

// simdShift returns the handler of PSLL/PSRL/PSRA with n-bit lanes; the count is an immediate
// or the low 64 bits of the source operand.
func simdShift(n uint, kind int) handler {
	return func(c *CPU, in *Inst) flow {
		s, ok := c.simdSource(in)
		if !ok {
			return flowFault
		}
		cnt := s[0]
		f := func(w uint64) uint64 {
			return laneOp(w, 0, n, func(x, _ uint64) uint64 {
				switch {
				case kind == shRA:
					sh := min(cnt, uint64(n-1))
					return uint64(sx(x, n) >> sh)
				case cnt >= uint64(n):
					return 0
				case kind == shLL:
					return x << cnt
				}
				return x >> cnt
			})
		}
		if n == 64 {
			f = func(w uint64) uint64 {
				if cnt >= 64 {
					return 0
				}
				if kind == shLL {
					return w << cnt
				}
				return w >> cnt
			}
		}
		if in.Args[0].Kind == argMM {
			r := int(in.Args[0].Reg)
			c.FPU.SetMM(r, f(c.FPU.MM(r)))
			return flowNext
		}
		d := &c.FPU.XMM[in.Args[0].Reg&7]
		d[0], d[1] = f(d[0]), f(d[1])
		return flowNext
	}
}

// opPSLLDQ / opPSRLDQ shift a whole XMM register by bytes.
func opPSLLDQ(c *CPU, in *Inst) flow {
	d := &c.FPU.XMM[in.Args[0].Reg&7]
	*d = shl128(*d, in.Imm)
	return flowNext
}

func opPSRLDQ(c *CPU, in *Inst) flow {
	d := &c.FPU.XMM[in.Args[0].Reg&7]
	*d = shr128(*d, in.Imm)
	return flowNext
}

func shl128(v vec, nbytes uint32) vec {
	if nbytes > 15 {
		return vec{}
	}
	n := uint(nbytes) * 8
	switch {
	case n == 0:
		return v
	case n >= 64:
		return vec{0, v[0] << (n - 64)}
	}
	return vec{v[0] << n, v[1]<<n | v[0]>>(64-n)}
}

func shr128(v vec, nbytes uint32) vec {
	if nbytes > 15 {
		return vec{}
	}
	n := uint(nbytes) * 8
	switch {
	case n == 0:
		return v
	case n >= 64:
		return vec{v[1] >> (n - 64), 0}
	}
	return vec{v[0]>>n | v[1]<<(64-n), v[1] >> n}
}

// toLanes and fromLanes convert between a register image and n-bit lanes.
func toLanes(v vec, n uint, count int) [16]uint64 {
	var l [16]uint64
	m := uint64(1)<<n - 1
	for i := 0; i < count; i++ {
		bit := uint(i) * n
		l[i] = v[bit/64] >> (bit % 64) & m
	}
	return l
}

func fromLanes(l *[16]uint64, n uint, count int) vec {
	var v vec
	m := uint64(1)<<n - 1
	for i := 0; i < count; i++ {
		bit := uint(i) * n
		v[bit/64] |= l[i] & m << (bit % 64)
	}
	return v
}

// simdWhole returns a handler that computes the destination from the whole destination and
// source registers; h is the number of 64-bit halves (1 MMX, 2 XMM).
func simdWhole(f func(d, s vec, h int, imm uint32) vec) handler {
	return func(c *CPU, in *Inst) flow {
		s, ok := c.simdSource(in)
		if !ok {
			return flowFault
		}
		d, _ := c.vecRead(in, 0)
		r := f(d, s, halves(in), in.Imm)
		if !c.vecWrite(in, 0, r) {
			return flowFault
		}
		return flowNext
	}
}

// pack narrows n-bit lanes of d then s into n/2-bit lanes with signed or unsigned saturation.
func pack(n uint, signed bool) func(d, s vec, h int, _ uint32) vec {
	return func(d, s vec, h int, _ uint32) vec {
		cnt := h * 64 / int(n)
		ld, ls := toLanes(d, n, cnt), toLanes(s, n, cnt)
		var out [16]uint64
		for i := 0; i < cnt; i++ {
			if signed {
				out[i], out[cnt+i] = satS(sx(ld[i], n), n/2), satS(sx(ls[i], n), n/2)
			} else {
				out[i], out[cnt+i] = satU(sx(ld[i], n), n/2), satU(sx(ls[i], n), n/2)
			}
		}
		return fromLanes(&out, n/2, 2*cnt)
	}
}

// unpack interleaves the low (high=false) or high halves of d and s in n-bit lanes.
func unpack(n uint, high bool) func(d, s vec, h int, _ uint32) vec {
	return func(d, s vec, h int, _ uint32) vec {
		cnt := h * 64 / int(n)
		ld, ls := toLanes(d, n, cnt), toLanes(s, n, cnt)
		base := 0
		if high {
			base = cnt / 2
		}
		var out [16]uint64
		for i := 0; i < cnt/2; i++ {
			out[2*i], out[2*i+1] = ld[base+i], ls[base+i]
		}
		return fromLanes(&out, n, cnt)
	}
}

func unpackQ(high bool) func(d, s vec, h int, _ uint32) vec {
	return func(d, s vec, h int, _ uint32) vec {
		if high {
			return vec{d[1], s[1]}
		}
		return vec{d[0], s[0]}
	}
}

// shuffle16 permutes four 16-bit lanes of a 64-bit word by imm.
func shuffle16(w uint64, imm uint32) uint64 {
	var r uint64
	for i := uint(0); i < 4; i++ {
		r |= (w >> (16 * (imm >> (2 * i) & 3)) & 0xFFFF) << (16 * i)
	}
	return r
}

func shufW(d, s vec, h int, imm uint32) vec { return vec{shuffle16(s[0], imm)} }
func shufLW(d, s vec, h int, imm uint32) vec {
	return vec{shuffle16(s[0], imm), s[1]}
}
func shufHW(d, s vec, h int, imm uint32) vec {
	return vec{s[0], shuffle16(s[1], imm)}
}
func shufD(d, s vec, h int, imm uint32) vec {
	l := toLanes(s, 32, 4)
	var out [16]uint64
	for i := uint(0); i < 4; i++ {
		out[i] = l[imm>>(2*i)&3]
	}
	return fromLanes(&out, 32, 4)
}

// opMOVD moves 32 bits between a general register or memory and an MMX/XMM register (zero
// extending into the vector register).
func opMOVD(c *CPU, in *Inst) flow {
	s, ok := c.simdSource(in)
	if !ok {
		return flowFault
	}
	v := vec{s[0] & 0xFFFFFFFF}
	if in.Args[0].Kind == argMem {
		if !c.write32(c.ea(in), uint32(v[0])) {
			return c.memFault()
		}
		return flowNext
	}
	if !c.vecWrite(in, 0, v) {
		return flowFault
	}
	return flowNext
}

// opMOVQ moves 64 bits: MMX<->MMX/m64, XMM<-XMM/m64 (upper half zeroed), m64/XMM<-XMM.
func opMOVQ(c *CPU, in *Inst) flow {
	s, ok := c.simdSource(in)
	if !ok {
		return flowFault
	}
	if in.Args[0].Kind == argMem {
		if !c.write64(c.ea(in), s[0]) {
			return c.memFault()
		}
		return flowNext
	}
	if !c.vecWrite(in, 0, vec{s[0]}) {
		return flowFault
	}
	return flowNext
}

func opMOVQ2DQ(c *CPU, in *Inst) flow {
	if !c.simdBegin(in) {
		return flowFault
	}
	c.FPU.XMM[in.Args[0].Reg&7] = vec{c.FPU.MM(int(in.Args[1].Reg))}
	return flowNext
}

func opMOVDQ2Q(c *CPU, in *Inst) flow {
	if !c.simdBegin(in) {
		return flowFault
	}
	c.FPU.SetMM(int(in.Args[0].Reg), c.FPU.XMM[in.Args[1].Reg&7][0])
	return flowNext
}

func opMOVNTQ(c *CPU, in *Inst) flow {
	if !c.simdBegin(in) {
		return flowFault
	}
	if !c.write64(c.ea(in), c.FPU.MM(int(in.Args[1].Reg))) {
		return c.memFault()
	}
	return flowNext
}

func opMOVNTI(c *CPU, in *Inst) flow {
	if !c.write32(c.ea(in), c.Regs[in.Args[1].Reg&7]) {
		return c.memFault()
	}
	return flowNext
}

func opPMOVMSKB(c *CPU, in *Inst) flow {
	if !c.simdBegin(in) {
		return flowFault
	}
	s, _ := c.vecRead(in, 1)
	m := byteSigns(s[0])
	if halves(in) == 2 {
		m |= byteSigns(s[1]) << 8
	}
	c.setReg(in.Args[0].Reg, 4, m)
	return flowNext
}

func opPEXTRW(c *CPU, in *Inst) flow {
	if !c.simdBegin(in) {
		return flowFault
	}
	s, _ := c.vecRead(in, 1)
	i := in.Imm & uint32(4*halves(in)-1)
	c.setReg(in.Args[0].Reg, 4, uint32(s[i/4]>>(16*(i%4))&0xFFFF))
	return flowNext
}

func opPINSRW(c *CPU, in *Inst) flow {
	s, ok := c.simdSource(in)
	if !ok {
		return flowFault
	}
	d, _ := c.vecRead(in, 0)
	i := in.Imm & uint32(4*halves(in)-1)
	sh := 16 * (i % 4)
	d[i/4] = d[i/4]&^(0xFFFF<<sh) | (s[0]&0xFFFF)<<sh
	c.vecWrite(in, 0, d)
	return flowNext
}

// opMASKMOV stores the bytes of the first operand whose mask byte (second operand) has its top
// bit set to DS:EDI (MASKMOVQ, MASKMOVDQU). Every selected byte is checked writable before any
// is written.
func opMASKMOV(c *CPU, in *Inst) flow {
	if !c.simdBegin(in) {
		return flowFault
	}
	d, _ := c.vecRead(in, 0)
	m, _ := c.vecRead(in, 1)
	base := c.Regs[EDI]
	if in.AddrSize == 2 {
		base &= 0xFFFF
	}
	base += c.segBase(in)
	n := 8 * halves(in)
	for pass := 0; pass < 2; pass++ {
		for i := 0; i < n; i++ {
			if m[i/8]>>(uint(i%8)*8+7)&1 == 0 {
				continue
			}
			a := base + uint32(i)
			if pass == 0 {
				// Probe: rewriting a byte with its own value proves it writable without
				// changing memory, so a fault leaves no selected byte written.
				v, ok := c.read8(a)
				if !ok || !c.write8(a, v) {
					return c.memFault()
				}
				continue
			}
			if !c.write8(a, uint8(d[i/8]>>(uint(i%8)*8))) {
				return c.memFault()
			}
		}
	}
	return flowNext
}

func opEMMS(c *CPU, in *Inst) flow {
	if !c.x87Wait() {
		return flowFault
	}
	c.FPU.EMMS()
	return flowNext
}

func init() {
	mx := [4]argMask{maskMM | maskXMM, maskMM | maskXMM | maskMem}
	shift := [4]argMask{maskMM | maskXMM, maskMM | maskXMM | maskMem | maskImm}
	lanes := map[x86asm.Op]func(a, b uint64) uint64{
		x86asm.PADDB: fPADDB, x86asm.PADDW: fPADDW, x86asm.PADDD: fPADDD, x86asm.PADDQ: fPADDQ,
		x86asm.PSUBB: fPSUBB, x86asm.PSUBW: fPSUBW, x86asm.PSUBD: fPSUBD, x86asm.PSUBQ: fPSUBQ,
		x86asm.PADDSB: fPADDSB, x86asm.PADDSW: fPADDSW, x86asm.PADDUSB: fPADDUSB, x86asm.PADDUSW: fPADDUSW,
		x86asm.PSUBSB: fPSUBSB, x86asm.PSUBSW: fPSUBSW, x86asm.PSUBUSB: fPSUBUSB, x86asm.PSUBUSW: fPSUBUSW,
		x86asm.PAND: fPAND, x86asm.PANDN: fPANDN, x86asm.POR: fPOR, x86asm.PXOR: fPXOR,
		x86asm.PCMPEQB: fPCMPEQB, x86asm.PCMPEQW: fPCMPEQW, x86asm.PCMPEQD: fPCMPEQD,
		x86asm.PCMPGTB: fPCMPGTB, x86asm.PCMPGTW: fPCMPGTW, x86asm.PCMPGTD: fPCMPGTD,
		x86asm.PMULLW: fPMULLW, x86asm.PMULHW: fPMULHW, x86asm.PMULHUW: fPMULHUW, x86asm.PMULUDQ: fPMULUDQ,
		x86asm.PMADDWD: fPMADDWD, x86asm.PSADBW: fPSADBW, x86asm.PAVGB: fPAVGB, x86asm.PAVGW: fPAVGW,
		x86asm.PMINUB: fPMINUB, x86asm.PMAXUB: fPMAXUB, x86asm.PMINSW: fPMINSW, x86asm.PMAXSW: fPMAXSW,
	}
	var defs []opDef
	for op, f := range lanes {
		defs = append(defs, opDef{Op: op, Fn: simdLanes(f), Args: mx})
	}
	whole := []struct {
		op   x86asm.Op
		f    func(d, s vec, h int, imm uint32) vec
		args [4]argMask
	}{
		{x86asm.PACKSSWB, pack(16, true), mx},
		{x86asm.PACKSSDW, pack(32, true), mx},
		{x86asm.PACKUSWB, pack(16, false), mx},
		{x86asm.PUNPCKLBW, unpack(8, false), mx},
		{x86asm.PUNPCKLWD, unpack(16, false), mx},
		{x86asm.PUNPCKLDQ, unpack(32, false), mx},
		{x86asm.PUNPCKHBW, unpack(8, true), mx},
		{x86asm.PUNPCKHWD, unpack(16, true), mx},
		{x86asm.PUNPCKHDQ, unpack(32, true), mx},
		{x86asm.PUNPCKLQDQ, unpackQ(false), [4]argMask{maskXMM, maskXMM | maskMem}},
		{x86asm.PUNPCKHQDQ, unpackQ(true), [4]argMask{maskXMM, maskXMM | maskMem}},
		{x86asm.PSHUFW, shufW, [4]argMask{maskMM, maskMM | maskMem, maskImm}},
		{x86asm.PSHUFD, shufD, [4]argMask{maskXMM, maskXMM | maskMem, maskImm}},
		{x86asm.PSHUFLW, shufLW, [4]argMask{maskXMM, maskXMM | maskMem, maskImm}},
		{x86asm.PSHUFHW, shufHW, [4]argMask{maskXMM, maskXMM | maskMem, maskImm}},
	}
	for _, w := range whole {
		defs = append(defs, opDef{Op: w.op, Fn: simdWhole(w.f), Args: w.args})
	}
	defs = append(defs,
		opDef{Op: x86asm.PSLLW, Fn: simdShift(16, shLL), Args: shift},
		opDef{Op: x86asm.PSLLD, Fn: simdShift(32, shLL), Args: shift},
		opDef{Op: x86asm.PSLLQ, Fn: simdShift(64, shLL), Args: shift},
		opDef{Op: x86asm.PSRLW, Fn: simdShift(16, shRL), Args: shift},
		opDef{Op: x86asm.PSRLD, Fn: simdShift(32, shRL), Args: shift},
		opDef{Op: x86asm.PSRLQ, Fn: simdShift(64, shRL), Args: shift},
		opDef{Op: x86asm.PSRAW, Fn: simdShift(16, shRA), Args: shift},
		opDef{Op: x86asm.PSRAD, Fn: simdShift(32, shRA), Args: shift},
		opDef{Op: x86asm.PSLLDQ, Fn: opPSLLDQ, Args: [4]argMask{maskXMM, maskImm}},
		opDef{Op: x86asm.PSRLDQ, Fn: opPSRLDQ, Args: [4]argMask{maskXMM, maskImm}},
		opDef{Op: x86asm.MOVD, Fn: opMOVD, Args: [4]argMask{maskMM | maskXMM | maskReg | maskMem, maskMM | maskXMM | maskReg | maskMem}},
		opDef{Op: x86asm.MOVQ, Fn: opMOVQ, Args: [4]argMask{maskMM | maskXMM | maskMem, maskMM | maskXMM | maskMem}},
		opDef{Op: x86asm.MOVQ2DQ, Fn: opMOVQ2DQ, Args: [4]argMask{maskXMM, maskMM}},
		opDef{Op: x86asm.MOVDQ2Q, Fn: opMOVDQ2Q, Args: [4]argMask{maskMM, maskXMM}},
		opDef{Op: x86asm.MOVNTQ, Fn: opMOVNTQ, Args: [4]argMask{maskMem, maskMM}},
		opDef{Op: x86asm.MOVNTI, Fn: opMOVNTI, Args: [4]argMask{maskMem, maskReg}},
		opDef{Op: x86asm.PMOVMSKB, Fn: opPMOVMSKB, Args: [4]argMask{maskReg, maskMM | maskXMM}},
		opDef{Op: x86asm.PEXTRW, Fn: opPEXTRW, Args: [4]argMask{maskReg, maskMM | maskXMM, maskImm}},
		opDef{Op: x86asm.PINSRW, Fn: opPINSRW, Args: [4]argMask{maskMM | maskXMM, maskReg | maskMem, maskImm}},
		opDef{Op: x86asm.MASKMOVQ, Fn: opMASKMOV, Args: [4]argMask{maskMM, maskMM}},
		opDef{Op: x86asm.MASKMOVDQU, Fn: opMASKMOV, Args: [4]argMask{maskXMM, maskXMM}},
		opDef{Op: x86asm.EMMS, Fn: opEMMS},
	)
	defineOps(defs...)
	CPUIDFeatureEDX |= FeatMMX
}
