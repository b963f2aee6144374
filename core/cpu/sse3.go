package cpu

import (
	"golang.org/x/arch/x86/x86asm"

	"github.com/peek32/peek32/core/cpu/fpu"
)

// SSE3 and SSSE3: the horizontal and alternating float operations, the duplicating moves, and
// the SSSE3 integer operations (in both their MMX and XMM forms, via the helpers of mmx.go).

// sse3Float implements ADDSUBPS/PD, HADDPS/PD and HSUBPS/PD.
func sse3Float(double bool, kind int) handler {
	const (
		addsub = iota
		hadd
		hsub
	)
	return func(c *CPU, in *Inst) flow {
		d := c.FPU.XMM[in.Args[0].Reg&7]
		s, ok := c.vecRead(in, 1)
		if !ok {
			return flowFault
		}
		e := c.FPU.SSEEnv()
		var r vec
		if double {
			switch kind {
			case addsub:
				r = vec{e.Arith64(fpu.OpSub, d[0], s[0]), e.Arith64(fpu.OpAdd, d[1], s[1])}
			case hadd:
				r = vec{e.Arith64(fpu.OpAdd, d[0], d[1]), e.Arith64(fpu.OpAdd, s[0], s[1])}
			default:
				r = vec{e.Arith64(fpu.OpSub, d[0], d[1]), e.Arith64(fpu.OpSub, s[0], s[1])}
			}
		} else {
			dl, sl := toLanes(d, 32, 4), toLanes(s, 32, 4)
			var out [16]uint64
			f := func(op fpu.Op, a, b uint64) uint64 { return uint64(e.Arith32(op, uint32(a), uint32(b))) }
			switch kind {
			case addsub:
				for i := 0; i < 4; i++ {
					op := fpu.OpSub
					if i&1 != 0 {
						op = fpu.OpAdd
					}
					out[i] = f(op, dl[i], sl[i])
				}
			default:
				op := fpu.OpAdd
				if kind == hsub {
					op = fpu.OpSub
				}
				out[0], out[1] = f(op, dl[0], dl[1]), f(op, dl[2], dl[3])
				out[2], out[3] = f(op, sl[0], sl[1]), f(op, sl[2], sl[3])
			}
			r = fromLanes(&out, 32, 4)
		}
		if !c.sseFinish(&e) {
			return flowFault
		}
		c.FPU.XMM[in.Args[0].Reg&7] = r
		return flowNext
	}
}

// dupMove implements MOVSLDUP (odd=false), MOVSHDUP (odd=true) and MOVDDUP (qword).
func dupMove(kind int) handler {
	return func(c *CPU, in *Inst) flow {
		s, ok := c.vecRead(in, 1)
		if !ok {
			return flowFault
		}
		var r vec
		switch kind {
		case 0:
			r = vec{s[0]&0xFFFFFFFF | s[0]<<32, s[1]&0xFFFFFFFF | s[1]<<32}
		case 1:
			r = vec{s[0]>>32 | s[0]&^0xFFFFFFFF, s[1]>>32 | s[1]&^0xFFFFFFFF}
		default:
			r = vec{s[0], s[0]}
		}
		c.FPU.XMM[in.Args[0].Reg&7] = r
		return flowNext
	}
}

// Whole-register SSSE3 operations, in the simdWhole shape (h = 64-bit halves).

func pabs(n uint) func(d, s vec, h int, _ uint32) vec {
	return func(d, s vec, h int, _ uint32) vec {
		cnt := h * 64 / int(n)
		l := toLanes(s, n, cnt)
		for i := 0; i < cnt; i++ {
			if v := sx(l[i], n); v < 0 {
				l[i] = uint64(-v)
			}
		}
		return fromLanes(&l, n, cnt)
	}
}

func psign(n uint) func(d, s vec, h int, _ uint32) vec {
	return func(d, s vec, h int, _ uint32) vec {
		cnt := h * 64 / int(n)
		ld, ls := toLanes(d, n, cnt), toLanes(s, n, cnt)
		for i := 0; i < cnt; i++ {
			switch v := sx(ls[i], n); {
			case v < 0:
				ld[i] = uint64(-sx(ld[i], n))
			case v == 0:
				ld[i] = 0
			}
		}
		return fromLanes(&ld, n, cnt)
	}
}

func pshufb(d, s vec, h int, _ uint32) vec {
	cnt := 8 * h
	ld, ls := toLanes(d, 8, cnt), toLanes(s, 8, cnt)
	var out [16]uint64
	for i := 0; i < cnt; i++ {
		if ls[i]&0x80 == 0 {
			out[i] = ld[ls[i]&uint64(cnt-1)]
		}
	}
	return fromLanes(&out, 8, cnt)
}

// phorizontal combines adjacent lane pairs of d then s: sub selects a-b, sat signed saturation.
func phorizontal(n uint, sub, sat bool) func(d, s vec, h int, _ uint32) vec {
	return func(d, s vec, h int, _ uint32) vec {
		cnt := h * 64 / int(n)
		ld, ls := toLanes(d, n, cnt), toLanes(s, n, cnt)
		var out [16]uint64
		pair := func(a, b uint64) uint64 {
			x, y := sx(a, n), sx(b, n)
			v := x + y
			if sub {
				v = x - y
			}
			if sat {
				return satS(v, n)
			}
			return uint64(v)
		}
		for i := 0; i < cnt/2; i++ {
			out[i] = pair(ld[2*i], ld[2*i+1])
			out[cnt/2+i] = pair(ls[2*i], ls[2*i+1])
		}
		return fromLanes(&out, n, cnt)
	}
}

func pmaddubsw(d, s vec, h int, _ uint32) vec {
	cnt := 8 * h
	ld, ls := toLanes(d, 8, cnt), toLanes(s, 8, cnt)
	var out [16]uint64
	for i := 0; i < cnt/2; i++ {
		v := int64(ld[2*i])*sx(ls[2*i], 8) + int64(ld[2*i+1])*sx(ls[2*i+1], 8)
		out[i] = satS(v, 16)
	}
	return fromLanes(&out, 16, cnt/2)
}

func pmulhrsw(d, s vec, h int, _ uint32) vec {
	cnt := 4 * h
	ld, ls := toLanes(d, 16, cnt), toLanes(s, 16, cnt)
	for i := 0; i < cnt; i++ {
		ld[i] = uint64((sx(ld[i], 16)*sx(ls[i], 16)>>14 + 1) >> 1)
	}
	return fromLanes(&ld, 16, cnt)
}

func palignr(d, s vec, h int, imm uint32) vec {
	if h == 1 { // MMX: (d:s) >> imm bytes, low 8 bytes
		if imm >= 16 {
			return vec{}
		}
		r := shr128(vec{s[0], d[0]}, imm)
		return vec{r[0]}
	}
	if imm >= 32 {
		return vec{}
	}
	if imm >= 16 {
		return shr128(d, imm-16)
	}
	lo := shr128(s, imm)
	hi := shl128(d, 16-imm)
	return vec{lo[0] | hi[0], lo[1] | hi[1]}
}

func init() {
	xx := [4]argMask{maskXMM, maskXMM | maskMem}
	mx := [4]argMask{maskMM | maskXMM, maskMM | maskXMM | maskMem}
	defs := []opDef{
		{Op: x86asm.ADDSUBPS, Fn: sse3Float(false, 0), Args: xx},
		{Op: x86asm.ADDSUBPD, Fn: sse3Float(true, 0), Args: xx},
		{Op: x86asm.HADDPS, Fn: sse3Float(false, 1), Args: xx},
		{Op: x86asm.HADDPD, Fn: sse3Float(true, 1), Args: xx},
		{Op: x86asm.HSUBPS, Fn: sse3Float(false, 2), Args: xx},
		{Op: x86asm.HSUBPD, Fn: sse3Float(true, 2), Args: xx},
		{Op: x86asm.MOVSLDUP, Fn: dupMove(0), Args: xx},
		{Op: x86asm.MOVSHDUP, Fn: dupMove(1), Args: xx},
		{Op: x86asm.MOVDDUP, Fn: dupMove(2), Args: xx},
		{Op: x86asm.LDDQU, Fn: opSSEMove, Args: [4]argMask{maskXMM, maskMem}},
	}
	whole := []struct {
		op x86asm.Op
		f  func(d, s vec, h int, imm uint32) vec
	}{
		{x86asm.PABSB, pabs(8)}, {x86asm.PABSW, pabs(16)}, {x86asm.PABSD, pabs(32)},
		{x86asm.PSIGNB, psign(8)}, {x86asm.PSIGNW, psign(16)}, {x86asm.PSIGND, psign(32)},
		{x86asm.PSHUFB, pshufb},
		{x86asm.PHADDW, phorizontal(16, false, false)}, {x86asm.PHADDD, phorizontal(32, false, false)},
		{x86asm.PHADDSW, phorizontal(16, false, true)}, {x86asm.PHSUBW, phorizontal(16, true, false)},
		{x86asm.PHSUBD, phorizontal(32, true, false)}, {x86asm.PHSUBSW, phorizontal(16, true, true)},
		{x86asm.PMADDUBSW, pmaddubsw}, {x86asm.PMULHRSW, pmulhrsw},
	}
	for _, w := range whole {
		defs = append(defs, opDef{Op: w.op, Fn: simdWhole(w.f), Args: mx})
	}
	defs = append(defs, opDef{Op: x86asm.PALIGNR, Fn: simdWhole(palignr),
		Args: [4]argMask{maskMM | maskXMM, maskMM | maskXMM | maskMem, maskImm}})
	defineOps(defs...)
	// Every SSE3 (FISTTP is in x87.go) and SSSE3 instruction is implemented and passes the
	// real-CPU vectors; MONITOR/MWAIT have their own CPUID bit, which stays clear.
	CPUIDFeatureECX |= FeatSSE3 | FeatSSSE3
}
