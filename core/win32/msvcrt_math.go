package win32

import (
	"math"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/cpu/fpu"
)

// msvcrt's math functions (results in ST(0), as the cdecl convention returns a double), the compiler helpers
// _ftol/_CI* that take their operands on the x87 stack, and setjmp/longjmp.

func init() {
	unary := map[string]func(float64) float64{
		"sqrt": math.Sqrt, "sin": math.Sin, "cos": math.Cos, "tan": math.Tan, "asin": math.Asin, "acos": math.Acos,
		"atan": math.Atan, "exp": math.Exp, "log": math.Log, "log10": math.Log10, "floor": math.Floor,
		"ceil": math.Ceil, "fabs": math.Abs, "sinh": math.Sinh, "cosh": math.Cosh, "tanh": math.Tanh,
	}
	for name, f := range unary {
		f := f
		msvcrt.Add(Export{Name: name, Handler: func(c *Call) { crtReturnDouble(c, f(crtArgDouble(c, 0))) }})
		msvcrt.Add(Export{Name: "_CI" + name, Handler: func(c *Call) { crtReturnDouble(c, f(crtPopST(c))) }})
	}
	msvcrt.Add(
		Export{Name: "pow", Handler: func(c *Call) { crtReturnDouble(c, math.Pow(crtArgDouble(c, 0), crtArgDouble(c, 2))) }},
		Export{Name: "atan2", Handler: func(c *Call) { crtReturnDouble(c, math.Atan2(crtArgDouble(c, 0), crtArgDouble(c, 2))) }},
		Export{Name: "fmod", Handler: func(c *Call) { crtReturnDouble(c, math.Mod(crtArgDouble(c, 0), crtArgDouble(c, 2))) }},
		Export{Name: "ldexp", Handler: func(c *Call) { crtReturnDouble(c, math.Ldexp(crtArgDouble(c, 0), int(int32(c.Arg(2))))) }},
		Export{Name: "modf", Handler: func(c *Call) {
			ip, frac := math.Modf(crtArgDouble(c, 0))
			if !c.Mem.Write64(c.Arg(2), math.Float64bits(ip)) {
				c.Fault(c.Arg(2), true)
				return
			}
			crtReturnDouble(c, frac)
		}},
		Export{Name: "frexp", Handler: func(c *Call) {
			m, e := math.Frexp(crtArgDouble(c, 0))
			if !c.W32(c.Arg(2), uint32(int32(e))) {
				c.Fault(c.Arg(2), true)
				return
			}
			crtReturnDouble(c, m)
		}},
		Export{Name: "_CIpow", Handler: func(c *Call) { y := crtPopST(c); x := crtPopST(c); crtReturnDouble(c, math.Pow(x, y)) }},
		Export{Name: "_CIatan2", Handler: func(c *Call) { x := crtPopST(c); y := crtPopST(c); crtReturnDouble(c, math.Atan2(y, x)) }},
		Export{Name: "_CIfmod", Handler: func(c *Call) { y := crtPopST(c); x := crtPopST(c); crtReturnDouble(c, math.Mod(x, y)) }},
		Export{Name: "_ftol", Handler: crtFtolFn, Note: "truncates ST(0) to a 64-bit integer in EDX:EAX and pops it"},
		Export{Name: "_ftol2", Handler: crtFtolFn},
		Export{Name: "_ftol2_sse", Handler: crtFtolFn},
		Export{Name: "_isnan", Handler: func(c *Call) { c.Return(crtBoolU32(math.IsNaN(crtArgDouble(c, 0)))) }},
		Export{Name: "_finite", Handler: func(c *Call) {
			v := crtArgDouble(c, 0)
			c.Return(crtBoolU32(!math.IsNaN(v) && !math.IsInf(v, 0)))
		}},
		Export{Name: "_setjmp", Handler: func(c *Call) { crtSetjmpFn(c, false) }},
		Export{Name: "_setjmp3", Handler: func(c *Call) { crtSetjmpFn(c, true) }},
		Export{Name: "longjmp", Handler: crtLongjmpFn},
	)
}

func crtBoolU32(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// crtArgDouble reads the double argument in dword slots i, i+1.
func crtArgDouble(c *Call, i int) float64 { return math.Float64frombits(c.Arg64(i)) }

// crtReturnDouble completes the call with v in ST(0).
func crtReturnDouble(c *Call, v float64) {
	f := &c.T.CPU.FPU
	env := f.Env()
	x := env.FromFloat64(math.Float64bits(v))
	if !f.CanPush() {
		f.StackFault(true)
		x = fpu.F80{SE: 0xFFFF, Mant: 0xC000000000000000} // the real indefinite
	}
	f.Push(x)
	c.Return(c.T.CPU.Regs[cpu.EAX])
}

// crtPopST pops ST(0) as a double (an empty register reads as the indefinite NaN, as FSTP would store).
func crtPopST(c *Call) float64 {
	f := &c.T.CPU.FPU
	if f.Empty(0) {
		f.StackFault(false)
		return math.NaN()
	}
	env := f.Env()
	v := math.Float64frombits(env.ToFloat64(f.ST(0)))
	f.Pop()
	return v
}

// crtFtolFn implements _ftol: ST(0) truncated toward zero into EDX:EAX (the 64-bit integer indefinite on overflow
// or NaN), ST(0) popped.
func crtFtolFn(c *Call) {
	f := &c.T.CPU.FPU
	var v int64 = math.MinInt64
	if !f.Empty(0) {
		env := f.Env()
		v = env.ToInt(f.ST(0), 64, true)
		f.Pop()
	}
	c.Return64(uint64(v))
}

// _JUMP_BUFFER offsets (msvcrt, x86).
const (
	crtJbEbp          = 0
	crtJbEbx          = 4
	crtJbEdi          = 8
	crtJbEsi          = 12
	crtJbEsp          = 16
	crtJbEip          = 20
	crtJbRegistration = 24
	crtJbTryLevel     = 28
	crtJbCookie       = 32 // _setjmp3: "VC20"
	crtJbUnwindFunc   = 36
)

// crtSetjmpFn saves the caller's context: ESP as it will be after the return, the return address as EIP, the
// callee-saved registers and the head of the SEH chain. It returns 0.
func crtSetjmpFn(c *Call, v3 bool) {
	buf := c.Arg(0)
	r := &c.T.CPU.Regs
	ret, _ := c.Mem.Read32(r[cpu.ESP])
	reg, _ := c.Mem.Read32(c.T.CPU.FSBase)
	vals := []struct{ off, v uint32 }{
		{crtJbEbp, r[cpu.EBP]}, {crtJbEbx, r[cpu.EBX]}, {crtJbEdi, r[cpu.EDI]}, {crtJbEsi, r[cpu.ESI]},
		{crtJbEsp, r[cpu.ESP] + 4}, {crtJbEip, ret}, {crtJbRegistration, reg}, {crtJbTryLevel, 0xFFFFFFFF},
	}
	if v3 {
		vals = append(vals, struct{ off, v uint32 }{crtJbCookie, 0x56433230}, struct{ off, v uint32 }{crtJbUnwindFunc, 0})
	}
	for _, x := range vals {
		if !c.W32(buf+x.off, x.v) {
			c.Fault(buf+x.off, true)
			return
		}
	}
	c.Return(0)
}

// crtLongjmpFn restores a context saved by setjmp: setjmp returns again, with val (1 if val is 0). SEH frames
// registered since are dropped by restoring the chain head (msvcrt would also run their unwind handlers).
func crtLongjmpFn(c *Call) {
	buf, val := c.Arg(0), c.Arg(1)
	var v [6]uint32
	for i, off := range []uint32{crtJbEbp, crtJbEbx, crtJbEdi, crtJbEsi, crtJbEsp, crtJbEip} {
		x, ok := c.R32(buf + off)
		if !ok {
			c.Fault(buf+off, false)
			return
		}
		v[i] = x
	}
	reg, _ := c.R32(buf + crtJbRegistration)
	if val == 0 {
		val = 1
	}
	r := &c.T.CPU.Regs
	r[cpu.EBP], r[cpu.EBX], r[cpu.EDI], r[cpu.ESI], r[cpu.ESP] = v[0], v[1], v[2], v[3], v[4]
	r[cpu.EAX] = val
	if reg != 0 {
		c.Mem.Write32(c.T.CPU.FSBase, reg)
	}
	c.T.CPU.EIP = v[5]
	c.done = true
}
