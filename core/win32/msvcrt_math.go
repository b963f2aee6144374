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
		msvcrt.Add(Export{Name: name, Handler: func(c *Call) { returnDouble(c, f(argDouble(c, 0))) }})
		msvcrt.Add(Export{Name: "_CI" + name, Handler: func(c *Call) { returnDouble(c, f(popST(c))) }})
	}
	msvcrt.Add(
		Export{Name: "pow", Handler: func(c *Call) { returnDouble(c, math.Pow(argDouble(c, 0), argDouble(c, 2))) }},
		Export{Name: "atan2", Handler: func(c *Call) { returnDouble(c, math.Atan2(argDouble(c, 0), argDouble(c, 2))) }},
		Export{Name: "fmod", Handler: func(c *Call) { returnDouble(c, math.Mod(argDouble(c, 0), argDouble(c, 2))) }},
		Export{Name: "ldexp", Handler: func(c *Call) { returnDouble(c, math.Ldexp(argDouble(c, 0), int(int32(c.Arg(2))))) }},
		Export{Name: "modf", Handler: func(c *Call) {
			ip, frac := math.Modf(argDouble(c, 0))
			if !c.Mem.Write64(c.Arg(2), math.Float64bits(ip)) {
				c.Fault(c.Arg(2), true)
				return
			}
			returnDouble(c, frac)
		}},
		Export{Name: "frexp", Handler: func(c *Call) {
			m, e := math.Frexp(argDouble(c, 0))
			if !c.W32(c.Arg(2), uint32(int32(e))) {
				c.Fault(c.Arg(2), true)
				return
			}
			returnDouble(c, m)
		}},
		Export{Name: "_CIpow", Handler: func(c *Call) { y := popST(c); x := popST(c); returnDouble(c, math.Pow(x, y)) }},
		Export{Name: "_CIatan2", Handler: func(c *Call) { x := popST(c); y := popST(c); returnDouble(c, math.Atan2(y, x)) }},
		Export{Name: "_CIfmod", Handler: func(c *Call) { y := popST(c); x := popST(c); returnDouble(c, math.Mod(x, y)) }},
		Export{Name: "_ftol", Handler: ftolFn, Note: "truncates ST(0) to a 64-bit integer in EDX:EAX and pops it"},
		Export{Name: "_ftol2", Handler: ftolFn},
		Export{Name: "_ftol2_sse", Handler: ftolFn},
		Export{Name: "_isnan", Handler: func(c *Call) { c.Return(boolU32(math.IsNaN(argDouble(c, 0)))) }},
		Export{Name: "_finite", Handler: func(c *Call) {
			v := argDouble(c, 0)
			c.Return(boolU32(!math.IsNaN(v) && !math.IsInf(v, 0)))
		}},
		Export{Name: "_setjmp", Handler: func(c *Call) { setjmpFn(c, false) }},
		Export{Name: "_setjmp3", Handler: func(c *Call) { setjmpFn(c, true) }},
		Export{Name: "longjmp", Handler: longjmpFn},
	)
}

func boolU32(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// argDouble reads the double argument in dword slots i, i+1.
func argDouble(c *Call, i int) float64 { return math.Float64frombits(c.Arg64(i)) }

// returnDouble completes the call with v in ST(0).
func returnDouble(c *Call, v float64) {
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

// popST pops ST(0) as a double (an empty register reads as the indefinite NaN, as FSTP would store).
func popST(c *Call) float64 {
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

// ftolFn implements _ftol: ST(0) truncated toward zero into EDX:EAX (the 64-bit integer indefinite on overflow
// or NaN), ST(0) popped.
func ftolFn(c *Call) {
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
	jbEbp          = 0
	jbEbx          = 4
	jbEdi          = 8
	jbEsi          = 12
	jbEsp          = 16
	jbEip          = 20
	jbRegistration = 24
	jbTryLevel     = 28
	jbCookie       = 32 // _setjmp3: "VC20"
	jbUnwindFunc   = 36
)

// setjmpFn saves the caller's context: ESP as it will be after the return, the return address as EIP, the
// callee-saved registers and the head of the SEH chain. It returns 0.
func setjmpFn(c *Call, v3 bool) {
	buf := c.Arg(0)
	r := &c.T.CPU.Regs
	ret, _ := c.Mem.Read32(r[cpu.ESP])
	reg, _ := c.Mem.Read32(c.T.CPU.FSBase)
	vals := []struct{ off, v uint32 }{
		{jbEbp, r[cpu.EBP]}, {jbEbx, r[cpu.EBX]}, {jbEdi, r[cpu.EDI]}, {jbEsi, r[cpu.ESI]},
		{jbEsp, r[cpu.ESP] + 4}, {jbEip, ret}, {jbRegistration, reg}, {jbTryLevel, 0xFFFFFFFF},
	}
	if v3 {
		vals = append(vals, struct{ off, v uint32 }{jbCookie, 0x56433230}, struct{ off, v uint32 }{jbUnwindFunc, 0})
	}
	for _, x := range vals {
		if !c.W32(buf+x.off, x.v) {
			c.Fault(buf+x.off, true)
			return
		}
	}
	c.Return(0)
}

// longjmpFn restores a context saved by setjmp: setjmp returns again, with val (1 if val is 0). SEH frames
// registered since are dropped by restoring the chain head (msvcrt would also run their unwind handlers).
func longjmpFn(c *Call) {
	buf, val := c.Arg(0), c.Arg(1)
	var v [6]uint32
	for i, off := range []uint32{jbEbp, jbEbx, jbEdi, jbEsi, jbEsp, jbEip} {
		x, ok := c.R32(buf + off)
		if !ok {
			c.Fault(buf+off, false)
			return
		}
		v[i] = x
	}
	reg, _ := c.R32(buf + jbRegistration)
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
