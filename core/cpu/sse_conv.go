package cpu

import (
	"golang.org/x/arch/x86/x86asm"

	"github.com/peek32/peek32/core/cpu/fpu"
)

// SSE/SSE2 conversions between integers, float32 and float64, with MXCSR rounding (the CVTT
// forms truncate). Out-of-range and NaN conversions to integers give the integer indefinite
// 0x80000000 and raise IE.

// Conversion kinds.
const (
	cvtSI2SS = iota
	cvtSI2SD
	cvtSS2SI
	cvtSD2SI
	cvtSS2SD
	cvtSD2SS
	cvtPI2PS // two int32 (MMX or m64) -> low two floats
	cvtPI2PD // two int32 -> two doubles
	cvtPS2PI // low two floats -> two int32 (MMX)
	cvtPD2PI // two doubles -> two int32 (MMX)
	cvtDQ2PS
	cvtPS2DQ
	cvtDQ2PD
	cvtPD2DQ
	cvtPS2PD
	cvtPD2PS
)

func sseConvert(kind int, trunc bool) handler {
	return func(c *CPU, in *Inst) flow {
		s, ok := c.simdSource(in)
		if !ok {
			return flowFault
		}
		d, _ := c.vecRead(in, 0)
		e := c.FPU.SSEEnv()
		lo32 := func(w uint64) uint32 { return uint32(w) }
		hi32 := func(w uint64) uint32 { return uint32(w >> 32) }
		pair := func(a, b uint32) uint64 { return uint64(b)<<32 | uint64(a) }
		r := d
		switch kind {
		case cvtSI2SS:
			r[0] = r[0]&^0xFFFFFFFF | uint64(e.Int32ToF32(int32(s[0])))
		case cvtSI2SD:
			r[0] = fpu.Int32ToF64(int32(s[0]))
		case cvtSS2SI:
			r = vec{uint64(uint32(e.F32ToInt32(lo32(s[0]), trunc)))}
		case cvtSD2SI:
			r = vec{uint64(uint32(e.F64ToInt32(s[0], trunc)))}
		case cvtSS2SD:
			r[0] = e.F32ToF64(lo32(s[0]))
		case cvtSD2SS:
			r[0] = r[0]&^0xFFFFFFFF | uint64(e.F64ToF32(s[0]))
		case cvtPI2PS:
			r[0] = pair(e.Int32ToF32(int32(lo32(s[0]))), e.Int32ToF32(int32(hi32(s[0]))))
		case cvtPI2PD, cvtDQ2PD:
			r = vec{fpu.Int32ToF64(int32(lo32(s[0]))), fpu.Int32ToF64(int32(hi32(s[0])))}
		case cvtPS2PI:
			r = vec{pair(uint32(e.F32ToInt32(lo32(s[0]), trunc)), uint32(e.F32ToInt32(hi32(s[0]), trunc)))}
		case cvtPD2PI:
			r = vec{pair(uint32(e.F64ToInt32(s[0], trunc)), uint32(e.F64ToInt32(s[1], trunc)))}
		case cvtPD2DQ:
			r = vec{pair(uint32(e.F64ToInt32(s[0], trunc)), uint32(e.F64ToInt32(s[1], trunc))), 0}
		case cvtDQ2PS:
			for h := 0; h < 2; h++ {
				r[h] = pair(e.Int32ToF32(int32(lo32(s[h]))), e.Int32ToF32(int32(hi32(s[h]))))
			}
		case cvtPS2DQ:
			for h := 0; h < 2; h++ {
				r[h] = pair(uint32(e.F32ToInt32(lo32(s[h]), trunc)), uint32(e.F32ToInt32(hi32(s[h]), trunc)))
			}
		case cvtPS2PD:
			r = vec{e.F32ToF64(lo32(s[0])), e.F32ToF64(hi32(s[0]))}
		case cvtPD2PS:
			r = vec{pair(e.F64ToF32(s[0]), e.F64ToF32(s[1])), 0}
		}
		if !c.sseFinish(&e) {
			return flowFault
		}
		if !c.vecWrite(in, 0, r) {
			return flowFault
		}
		return flowNext
	}
}

func init() {
	xx := [4]argMask{maskXMM, maskXMM | maskMem}
	xm := [4]argMask{maskXMM, maskMM | maskMem}
	mx := [4]argMask{maskMM, maskXMM | maskMem}
	rx := [4]argMask{maskReg, maskXMM | maskMem}
	xr := [4]argMask{maskXMM, maskReg | maskMem}
	defineOps(
		opDef{Op: x86asm.CVTSI2SS, Fn: sseConvert(cvtSI2SS, false), Args: xr},
		opDef{Op: x86asm.CVTSI2SD, Fn: sseConvert(cvtSI2SD, false), Args: xr},
		opDef{Op: x86asm.CVTSS2SI, Fn: sseConvert(cvtSS2SI, false), Args: rx},
		opDef{Op: x86asm.CVTTSS2SI, Fn: sseConvert(cvtSS2SI, true), Args: rx},
		opDef{Op: x86asm.CVTSD2SI, Fn: sseConvert(cvtSD2SI, false), Args: rx},
		opDef{Op: x86asm.CVTTSD2SI, Fn: sseConvert(cvtSD2SI, true), Args: rx},
		opDef{Op: x86asm.CVTSS2SD, Fn: sseConvert(cvtSS2SD, false), Args: xx},
		opDef{Op: x86asm.CVTSD2SS, Fn: sseConvert(cvtSD2SS, false), Args: xx},
		opDef{Op: x86asm.CVTPI2PS, Fn: sseConvert(cvtPI2PS, false), Args: xm},
		opDef{Op: x86asm.CVTPI2PD, Fn: sseConvert(cvtPI2PD, false), Args: xm},
		opDef{Op: x86asm.CVTPS2PI, Fn: sseConvert(cvtPS2PI, false), Args: mx},
		opDef{Op: x86asm.CVTTPS2PI, Fn: sseConvert(cvtPS2PI, true), Args: mx},
		opDef{Op: x86asm.CVTPD2PI, Fn: sseConvert(cvtPD2PI, false), Args: mx},
		opDef{Op: x86asm.CVTTPD2PI, Fn: sseConvert(cvtPD2PI, true), Args: mx},
		opDef{Op: x86asm.CVTDQ2PS, Fn: sseConvert(cvtDQ2PS, false), Args: xx},
		opDef{Op: x86asm.CVTPS2DQ, Fn: sseConvert(cvtPS2DQ, false), Args: xx},
		opDef{Op: x86asm.CVTTPS2DQ, Fn: sseConvert(cvtPS2DQ, true), Args: xx},
		opDef{Op: x86asm.CVTDQ2PD, Fn: sseConvert(cvtDQ2PD, false), Args: xx},
		opDef{Op: x86asm.CVTPD2DQ, Fn: sseConvert(cvtPD2DQ, false), Args: xx},
		opDef{Op: x86asm.CVTTPD2DQ, Fn: sseConvert(cvtPD2DQ, true), Args: xx},
		opDef{Op: x86asm.CVTPS2PD, Fn: sseConvert(cvtPS2PD, false), Args: xx},
		opDef{Op: x86asm.CVTPD2PS, Fn: sseConvert(cvtPD2PS, false), Args: xx},
	)
}
