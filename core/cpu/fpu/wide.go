package fpu

import (
	"math"
	"math/bits"
)

// wide is the working type of the transcendental functions: a 128-bit significand, about 60 bits
// more than the extended format, so results round correctly except in rare hard cases. The value
// is (-1)^neg * (hi:lo)/2^127 * 2^exp with hi's bit 63 set; zero has hi = lo = 0.
type wide struct {
	neg    bool
	exp    int32
	hi, lo uint64
}

func (w wide) isZero() bool { return w.hi == 0 && w.lo == 0 }

// norm normalizes a wide whose significand may have leading zeros.
func (w wide) norm() wide {
	if w.hi == 0 {
		if w.lo == 0 {
			return wide{}
		}
		w.hi, w.lo = w.lo, 0
		w.exp -= 64
	}
	if n := uint(bits.LeadingZeros64(w.hi)); n != 0 {
		w.hi = w.hi<<n | w.lo>>(64-n)
		w.lo <<= n
		w.exp -= int32(n)
	}
	return w
}

// wideOf converts a finite unpacked value (exactly).
func wideOf(u unp) wide {
	if u.cls == ClassZero {
		return wide{}
	}
	return wide{neg: u.sign, exp: u.exp - Bias80, hi: u.sig}
}

// wideInt converts an integer exactly.
func wideInt(v int64) wide {
	w := wide{neg: v < 0, exp: 63, hi: abs64(v)}
	return w.norm()
}

// wideFloat converts a float64 (used for initial estimates).
func wideFloat(f float64) wide {
	if f == 0 {
		return wide{}
	}
	fr, ex := math.Frexp(math.Abs(f)) // fr in [0.5, 1)
	return wide{neg: f < 0, exp: int32(ex - 1), hi: uint64(fr * 0x1p64)}.norm()
}

func (w wide) float() float64 {
	if w.isZero() {
		return 0
	}
	f := math.Ldexp(float64(w.hi), int(w.exp)-63)
	if w.neg {
		return -f
	}
	return f
}

func (w wide) negate() wide {
	if !w.isZero() {
		w.neg = !w.neg
	}
	return w
}

// scale multiplies by 2^n.
func (w wide) scale(n int32) wide {
	if !w.isZero() {
		w.exp += n
	}
	return w
}

// wadd returns a+b.
func wadd(a, b wide) wide {
	if a.isZero() {
		return b
	}
	if b.isZero() {
		return a
	}
	if a.exp < b.exp || (a.exp == b.exp && (a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo))) {
		a, b = b, a
	}
	bh, bl := shr128Jam(b.hi, b.lo, uint(a.exp-b.exp))
	if a.neg == b.neg {
		lo, c := bits.Add64(a.lo, bl, 0)
		hi, c2 := bits.Add64(a.hi, bh, c)
		r := wide{neg: a.neg, exp: a.exp, hi: hi, lo: lo}
		if c2 != 0 {
			r.hi, r.lo = shr128Jam(hi, lo, 1)
			r.hi |= intBit
			r.exp++
		}
		return r
	}
	lo, br := bits.Sub64(a.lo, bl, 0)
	hi, _ := bits.Sub64(a.hi, bh, br)
	return wide{neg: a.neg, exp: a.exp, hi: hi, lo: lo}.norm()
}

func wsub(a, b wide) wide { return wadd(a, b.negate()) }

// wmul returns a*b, truncated to 128 bits (error below 2^-125 relative).
func wmul(a, b wide) wide {
	if a.isZero() || b.isZero() {
		return wide{}
	}
	hh, hl := bits.Mul64(a.hi, b.hi)
	m1h, _ := bits.Mul64(a.hi, b.lo)
	m2h, _ := bits.Mul64(a.lo, b.hi)
	lo, c := bits.Add64(hl, m1h, 0)
	hi := hh + c
	lo, c = bits.Add64(lo, m2h, 0)
	hi += c
	r := wide{neg: a.neg != b.neg, exp: a.exp + b.exp + 1, hi: hi, lo: lo}
	return r.norm()
}

// wrecip returns 1/b by Newton iteration from a float64 estimate.
func wrecip(b wide) wide {
	m := b
	m.exp = 0
	r := wideFloat(1 / m.float())
	one := wideInt(1)
	for i := 0; i < 2; i++ { // 53 -> 106 -> ~125 bits
		r = wadd(r, wmul(r, wsub(one, wmul(m, r))))
	}
	r.exp -= b.exp
	r.neg = b.neg
	return r
}

// wdiv returns a/b (b nonzero).
func wdiv(a, b wide) wide {
	r := wrecip(b)
	q := wmul(a, r)
	// One correction step: q += (a - q*b) / b, using the reciprocal again.
	return wadd(q, wmul(wsub(a, wmul(q, b)), r))
}

// wsqrt returns the square root of a non-negative a, by Newton's iteration for the reciprocal
// square root (no divisions) from a float64 estimate, then one correction of the root.
func wsqrt(a wide) wide {
	if a.isZero() {
		return a
	}
	m := a
	e := a.exp
	if e&1 != 0 {
		m.exp = 1
		e--
	} else {
		m.exp = 0
	}
	y := wideFloat(1 / math.Sqrt(m.float()))
	one := wideInt(1)
	for i := 0; i < 2; i++ { // y += y*(1 - m*y*y)/2: 53 -> 106 -> ~125 bits
		y = wadd(y, wmul(y, wsub(one, wmul(m, wmul(y, y)))).scale(-1))
	}
	s := wmul(m, y)
	s = wadd(s, wmul(y, wsub(m, wmul(s, s))).scale(-1))
	return s.scale(e / 2)
}

// roundWide rounds a transcendental result to the extended format. The hardware reports every
// such result as inexact, even when the exact value is representable (y*log2(2^k), say): the
// lowest bit is made sticky so PE (and UE for tiny results) follow. When the wide value is
// exact to all 128 bits, the hardware's own approximation lies just below it in magnitude
// (observed: C1 reports a round-up in nearest mode, and the result steps toward zero in the
// directed modes), so the value is nudged down by one unit of the 128th bit.
func (e *Env) roundWide(w wide) unp {
	if w.isZero() {
		return unp{cls: ClassZero, sign: w.neg}
	}
	hi, lo := w.hi, w.lo
	if lo == 0 {
		hi, lo = hi-1, ^uint64(0)
	}
	return e.round(w.neg, w.exp+Bias80, hi, lo|1, ext64)
}
