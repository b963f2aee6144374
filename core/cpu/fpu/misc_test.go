package fpu

func init() {
	x87Extra["fprem"] = func(e *Env, a, b F80) (F80, *F80, uint32) {
		r, c := e.Remainder(a, b, false)
		return r, nil, uint32(c)
	}
	x87Extra["fprem1"] = func(e *Env, a, b F80) (F80, *F80, uint32) {
		r, c := e.Remainder(a, b, true)
		return r, nil, uint32(c)
	}
	x87Extra["fscale"] = func(e *Env, a, b F80) (F80, *F80, uint32) { return e.Scale(a, b), nil, 0 }
	x87Extra["frndint"] = func(e *Env, a, b F80) (F80, *F80, uint32) { return e.RoundInt(a), nil, 0 }
	x87Extra["fxtract"] = func(e *Env, a, b F80) (F80, *F80, uint32) {
		ex, sig := e.Extract(a)
		return sig, &ex, 0
	}
}
