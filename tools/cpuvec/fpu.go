package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// fpuGroup reports whether vectors of a group carry x87/MMX/SSE state.
func fpuGroup(g string) bool { return g == "x87" || g == "sse" || g == "sse3" || g == "mmx" }

// fpuFields appends the x87/SSE fields of cur that differ from base (FXSAVE
// images). x87 registers are listed in stack order (st0 = ST(0)) as 80-bit
// values, sign and exponent first; XMM registers as 128-bit values, high
// bytes first; ftw is FXSAVE's abridged tag byte (bit i = physical register i
// is valid).
func fpuFields(sb *strings.Builder, base, cur *[512]byte, group string) {
	if !fpuGroup(group) {
		return
	}
	le16 := func(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 }
	if le16(cur[0:]) != le16(base[0:]) {
		fmt.Fprintf(sb, " fcw=%04x", le16(cur[0:]))
	}
	if le16(cur[2:]) != le16(base[2:]) {
		fmt.Fprintf(sb, " fsw=%04x", le16(cur[2:]))
	}
	if cur[4] != base[4] {
		fmt.Fprintf(sb, " ftw=%02x", cur[4])
	}
	for i := 0; i < 8; i++ {
		o := 32 + 16*i
		if !bytesEq(cur[o:o+10], base[o:o+10]) {
			fmt.Fprintf(sb, " st%d=%s", i, hexBE(cur[o:o+10]))
		}
	}
	if mx, bx := le16(cur[24:])|le16(cur[26:])<<16, le16(base[24:])|le16(base[26:])<<16; mx != bx {
		fmt.Fprintf(sb, " mxcsr=%08x", mx)
	}
	for i := 0; i < 8; i++ {
		o := 160 + 16*i
		if !bytesEq(cur[o:o+16], base[o:o+16]) {
			fmt.Fprintf(sb, " xmm%d=%s", i, hexBE(cur[o:o+16]))
		}
	}
}

func bytesEq(a, b []byte) bool { return string(a) == string(b) }

// hexBE prints little-endian bytes as one big-endian hex number.
func hexBE(b []byte) string {
	var sb strings.Builder
	for i := len(b) - 1; i >= 0; i-- {
		fmt.Fprintf(&sb, "%02x", b[i])
	}
	return sb.String()
}

// --- input state helpers (FXSAVE image layout) ---

func (in *inst) setFCW(v uint16) { binary.LittleEndian.PutUint16(in.fx[0:], v) }
func (in *inst) setFSW(v uint16) { binary.LittleEndian.PutUint16(in.fx[2:], v) }
func (in *inst) setMXCSR(v uint32) {
	binary.LittleEndian.PutUint32(in.fx[24:], v)
}

// setST writes ST(i) (stack order, as FXSAVE stores it).
func (in *inst) setST(i int, mant uint64, se uint16) {
	o := 32 + 16*i
	binary.LittleEndian.PutUint64(in.fx[o:], mant)
	binary.LittleEndian.PutUint16(in.fx[o+8:], se)
}

func (in *inst) setXMM(i int, lo, hi uint64) {
	o := 160 + 16*i
	binary.LittleEndian.PutUint64(in.fx[o:], lo)
	binary.LittleEndian.PutUint64(in.fx[o+8:], hi)
}

// --- interesting floating-point values ---

func randF32(r *rand.Rand) uint32 {
	e := []uint32{0, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40400000, 0x501502f9,
		0xb0cbcccd, 0x00800000, 0x00000001, 0x007fffff, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000,
		0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000, 0x4effffff, 0x4f000000, 0xcf000000, 0x3effffff, 0x4b000001}
	switch r.IntN(3) {
	case 0:
		return e[r.IntN(len(e))]
	case 1: // a random normal number with a moderate exponent
		return uint32(r.IntN(2))<<31 | uint32(127-24+r.IntN(60))<<23 | r.Uint32()&0x7fffff
	}
	return math.Float32bits(float32(r.IntN(2001)-1000) / float32(1+r.IntN(8)))
}

func randF64(r *rand.Rand) uint64 {
	e := []uint64{0, 1 << 63, 0x3ff0000000000000, 0xbff0000000000000, 0x3fe0000000000000, 0x3ff8000000000000,
		0x400921fb54442d18, 0x0010000000000000, 1, 0x000fffffffffffff, 0x7fefffffffffffff, 0x7ff0000000000000,
		0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000, 0x7ff0000000000001, 0x7ff4000000000000,
		0x41dfffffffc00000, 0x41e0000000000000, 0xc1e0000000000000, 0x43e0000000000000, 0x3fdfffffffffffff,
		0x4330000000000001, 0x36a0000000000000, 0x47efffffe0000000}
	switch r.IntN(3) {
	case 0:
		return e[r.IntN(len(e))]
	case 1:
		return uint64(r.IntN(2))<<63 | uint64(1023-50+r.IntN(110))<<52 | r.Uint64()&(1<<52-1)
	}
	return math.Float64bits(float64(r.IntN(20001)-10000) / float64(1+r.IntN(16)))
}

// randF80 returns an interesting 80-bit extended value (significand, sign+exponent).
func randF80(r *rand.Rand) (uint64, uint16) {
	const ib = uint64(1) << 63
	type f80 struct {
		m  uint64
		se uint16
	}
	e := []f80{{0, 0}, {0, 0x8000}, {ib, 0x3fff}, {ib, 0xbfff}, {ib, 0x3ffe}, {0xc000000000000000, 0x3fff},
		{0xc90fdaa22168c235, 0x4000}, {ib, 0x7fff}, {ib, 0xffff}, {0xc000000000000000, 0x7fff},
		{0xc000000000000000, 0xffff}, {0xa000000000000000, 0x7fff}, {ib, 0x0001}, {1, 0}, {0x7fffffffffffffff, 0},
		{0xffffffffffffffff, 0x7ffe}, {0xffffffffffffffff, 0x3ffe}, {ib, 0x403e}, {0xffffffffffffffff, 0x403d},
		{ib, 0x401e}, {0xa000000000000000, 0x4000}, {0xb000000000000000, 0x4001}, {ib, 0x3c00}, {ib, 0x43ff}}
	switch r.IntN(4) {
	case 0:
		if r.IntN(12) == 0 { // formats the 387 and later reject: unnormal, pseudo-infinity, pseudo-NaN
			u := []f80{{0x4000000000000000, 0x3fff}, {0, 0x7fff}, {0x4000000000000001, 0x7fff}, {1, 0x4001}}
			x := u[r.IntN(len(u))]
			return x.m, x.se | uint16(r.IntN(2))<<15
		}
		x := e[r.IntN(len(e))]
		return x.m, x.se
	case 1: // from a double (exactly representable)
		d := randF64(r)
		if d&0x7ff0000000000000 == 0x7ff0000000000000 || d&0x7ff0000000000000 == 0 {
			return ib, 0x3fff
		}
		exp := uint16(d>>52&0x7ff) - 1023 + 16383
		return ib | (d&(1<<52-1))<<11, exp | uint16(d>>63)<<15
	case 2: // small integers and halves (rounding and conversion cases)
		v := float64(r.IntN(2001)-1000) / 2
		if v == 0 {
			return 0, 0
		}
		d := math.Float64bits(v)
		exp := uint16(d>>52&0x7ff) - 1023 + 16383
		return ib | (d&(1<<52-1))<<11, exp | uint16(d>>63)<<15
	}
	return ib | r.Uint64(), uint16(r.IntN(2))<<15 | uint16(16383-70+r.IntN(140))
}

// fpuState gives a case a random x87 stack: TOP, nvalid registers from ST(0)
// down, random condition codes, sometimes sticky exception flags, and a control
// word with all exceptions masked (Windows') or, rarely, some unmasked.
func fpuState(in *inst, r *rand.Rand) {
	top := r.IntN(8)
	n := 1 + r.IntN(4)
	switch r.IntN(16) {
	case 0:
		n = 0
	case 1:
		n = 8
	case 2:
		n = 7
	}
	fsw := uint16(top) << 11
	fsw |= uint16(r.Uint32()) & (1<<8 | 1<<9 | 1<<10 | 1<<14)
	var valid uint8
	for i := 0; i < n; i++ {
		m, se := randF80(r)
		in.setST(i, m, se)
		valid |= 1 << ((top + i) & 7)
	}
	in.fx[4] = valid
	cw := uint16(0x27f)
	switch r.IntN(8) {
	case 0:
		cw = 0x37f
	case 1, 2:
		cw = 0x7f | uint16(r.IntN(4))<<8 | uint16(r.IntN(4))<<10
	case 3:
		if r.IntN(3) == 0 { // unmasked exceptions: a fault shows as #MF
			cw = 0x40 | uint16(r.Uint32())&0x3f | uint16(r.IntN(4))<<8 | uint16(r.IntN(4))<<10
		}
	}
	if r.IntN(6) == 0 {
		fsw |= uint16(r.Uint32()) & 0x3f
	}
	if fsw&0x3f&^cw != 0 {
		fsw |= 0x8080 // ES and B follow pending unmasked exceptions
	}
	in.setFCW(cw)
	in.setFSW(fsw)
}

// mxcsrState picks MXCSR: the default mostly, other rounding/FZ/DAZ
// sometimes, a few unmasked exceptions rarely.
func mxcsrState(in *inst, r *rand.Rand) {
	m := uint32(0x1f80)
	switch r.IntN(10) {
	case 0, 1:
		m = 0x1f80 | uint32(r.IntN(4))<<13
	case 2:
		m = 0x1f80 | uint32(r.IntN(2))<<15 | uint32(r.IntN(2))<<6 | uint32(r.IntN(4))<<13
	case 3:
		m |= r.Uint32() & 0x3f
	case 4:
		if r.IntN(2) == 0 {
			m = 0x1f80 &^ (uint32(1) << (7 + r.IntN(6)))
		}
	}
	in.setMXCSR(m)
}

// lanes fills n bytes with values of a lane type: 's' float32, 'd' float64, 'i' integers.
func lanes(r *rand.Rand, lane byte, n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n; {
		switch lane {
		case 's':
			binary.LittleEndian.PutUint32(b[i:], randF32(r))
			i += 4
		case 'd':
			binary.LittleEndian.PutUint64(b[i:], randF64(r))
			i += 8
		default:
			switch r.IntN(3) {
			case 0:
				b[i] = byte(edge(r, 8))
				i++
			case 1:
				if i+2 <= n {
					binary.LittleEndian.PutUint16(b[i:], uint16(edge(r, 16)))
					i += 2
				} else {
					b[i] = byte(r.Uint32())
					i++
				}
			default:
				if i+4 <= n {
					binary.LittleEndian.PutUint32(b[i:], edge(r, 32))
					i += 4
				} else {
					b[i] = byte(r.Uint32())
					i++
				}
			}
		}
	}
	return b
}

// fpuForms lists the x87, MMX and SSE/SSE2 forms.
func fpuForms() []*form {
	var fs []*form
	fs = append(fs, x87Forms()...)
	fs = append(fs, simdForms()...)
	return fs
}

// x87 memory operand kinds, for setup.
const (
	m32fp = iota + 1
	m64fp
	m80fp
	m16int
	m32int
	m64int
	m80bcd
	m16cw
	mEnv
	mSave
	mStore // destination only: random bytes
)

func x87Mem(kind int) func(in *inst, r *rand.Rand) {
	return func(in *inst, r *rand.Rand) {
		fpuState(in, r)
		if !in.mem {
			return
		}
		var b []byte
		le := binary.LittleEndian
		switch kind {
		case m32fp:
			b = le.AppendUint32(nil, randF32(r))
		case m64fp:
			b = le.AppendUint64(nil, randF64(r))
		case m80fp:
			m, se := randF80(r)
			b = le.AppendUint16(le.AppendUint64(nil, m), se)
		case m16int:
			b = le.AppendUint16(nil, uint16(edge(r, 16)))
		case m32int:
			b = le.AppendUint32(nil, edge(r, 32))
		case m64int:
			v := uint64(edge(r, 32))<<32 | uint64(edge(r, 32))
			if r.IntN(2) == 0 {
				v = uint64(int64(int32(edge(r, 32))))
			}
			b = le.AppendUint64(nil, v)
		case m80bcd:
			b = make([]byte, 10)
			for i := 0; i < 9; i++ {
				b[i] = byte(r.IntN(10) | r.IntN(10)<<4)
			}
			if r.IntN(8) == 0 {
				b[r.IntN(9)] = byte(r.Uint32()) // an invalid digit: the result is undefined but deterministic
			}
			b[9] = byte(r.IntN(2)) << 7
		case m16cw:
			cw := uint16(0x7f | r.IntN(4)<<8 | r.IntN(4)<<10)
			if r.IntN(4) == 0 {
				cw = uint16(r.Uint32())
			}
			b = le.AppendUint16(nil, cw)
		case mEnv, mSave:
			b = fpuImage(r, kind == mSave)
		default:
			return // mStore: keep the random bytes build put there
		}
		for i, x := range b {
			in.memPut(in.ea+uint32(i), 1, uint64(x))
		}
	}
}

// fpuImage builds a 32-bit protected-mode FLDENV (28 bytes) or FRSTOR (108 bytes) image.
func fpuImage(r *rand.Rand, regs bool) []byte {
	le := binary.LittleEndian
	b := make([]byte, 28)
	cw := uint16(0x7f | r.IntN(4)<<8 | r.IntN(4)<<10)
	top := r.IntN(8)
	sw := uint16(top)<<11 | uint16(r.Uint32())&(1<<8|1<<9|1<<10|1<<14)
	if r.IntN(4) == 0 {
		sw |= uint16(r.Uint32()) & 0x3f
	}
	var tw uint16
	for i := 0; i < 8; i++ {
		tw |= uint16([]int{0, 3, 3, 1, 2}[r.IntN(5)]) << (2 * i)
	}
	le.PutUint16(b[0:], cw)
	le.PutUint16(b[4:], sw)
	le.PutUint16(b[8:], tw)
	if !regs {
		return b
	}
	for i := 0; i < 8; i++ {
		m, se := randF80(r)
		b = le.AppendUint16(le.AppendUint64(b, m), se)
	}
	return b
}

// x87 condition-code bits.
const (
	swC0 = 1 << 8
	swC1 = 1 << 9
	swC2 = 1 << 10
	swC3 = 1 << 14
)

// x87UndefSW returns the status-word condition codes the Intel SDM leaves
// undefined after an x87 instruction ("FPU Flags Affected"): C0 C2 C3 for most
// instructions (C1 then reports rounding direction or stack faults), none for
// the compares, FTST, FXAM, FPREM/FPREM1 and the state loads, C0 C3 for the
// instructions that report an out-of-range operand in C2, and all four for
// the control instructions that leave them undefined.
func x87UndefSW(mn string) uint16 {
	switch mn {
	case "fcom", "fcomp", "fucom", "fucomp", "ficom", "ficomp", "fcompp", "fucompp", "ftst", "fxam",
		"fprem", "fprem1", "fldenv", "frstor", "fninit", "fnsave", "fcom_st0_sti", "fcomp_st0_sti":
		return 0
	case "fsin", "fcos", "fsincos", "fptan":
		return swC0 | swC1 | swC3 // C1 follows the last bit of an approximate result (see transcendental)
	case "f2xm1", "fyl2x", "fyl2xp1", "fpatan":
		return swC0 | swC1 | swC2 | swC3
	case "ffree", "ffreep", "fnop", "fldcw", "fnstcw", "fnstsw", "fnstsw_ax", "fnclex", "fwait", "fnstenv":
		return swC0 | swC1 | swC2 | swC3
	}
	return swC0 | swC2 | swC3
}

// transcendental reports the x87 instructions whose results the SDM
// specifies only to within 1 ulp ("Transcendental Instruction Accuracy"):
// their vectors carry ulp=1 and C1 (the rounding direction) is not compared.
func transcendental(mn string) bool {
	switch mn {
	case "f2xm1", "fyl2x", "fyl2xp1", "fptan", "fpatan", "fsin", "fcos", "fsincos":
		return true
	}
	return false
}

func x87Forms() []*form {
	var fs []*form
	add := func(mn string, op []byte, digit int, ops string, memOnly, regOnly bool, kind int, n int) {
		f := &form{group: "x87", mn: mn, op: op, digit: digit, ops: ops, sizes: s32, memOnly: memOnly, regOnly: regOnly,
			setup: x87Mem(kind), nReg: n, nMem: n}
		if digit == noModrm {
			f.ops = ""
		}
		f.undefSW = x87UndefSW(mn)
		fs = append(fs, f)
	}
	arith := []string{"fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"}
	iarith := []string{"fiadd", "fimul", "ficom", "ficomp", "fisub", "fisubr", "fidiv", "fidivr"}
	for k := 0; k < 8; k++ {
		add(arith[k], b(0xd8), k, "Md", true, false, m32fp, 24)
		add(arith[k], b(0xdc), k, "Mq", true, false, m64fp, 24)
		add(iarith[k], b(0xda), k, "Md", true, false, m32int, 16)
		add(iarith[k], b(0xde), k, "Mw", true, false, m16int, 16)
		add(arith[k]+"_st0_sti", b(0xd8), k, "E", false, true, 0, 24)
	}
	for _, k := range []int{0, 1, 4, 5, 6, 7} {
		rev := map[int]string{0: "fadd", 1: "fmul", 4: "fsubr", 5: "fsub", 6: "fdivr", 7: "fdiv"}[k]
		add(rev+"_sti_st0", b(0xdc), k, "E", false, true, 0, 20)
		add(rev+"p", b(0xde), k, "E", false, true, 0, 20)
	}
	add("fcompp", b(0xde, 0xd9), noModrm, "", false, false, 0, 16)
	add("fucompp", b(0xda, 0xe9), noModrm, "", false, false, 0, 16)
	// loads and stores
	add("fld", b(0xd9), 0, "Md", true, false, m32fp, 24)
	add("fst", b(0xd9), 2, "Md", true, false, mStore, 24)
	add("fstp", b(0xd9), 3, "Md", true, false, mStore, 24)
	add("fld", b(0xdd), 0, "Mq", true, false, m64fp, 24)
	add("fst", b(0xdd), 2, "Mq", true, false, mStore, 24)
	add("fstp", b(0xdd), 3, "Mq", true, false, mStore, 24)
	add("fld", b(0xdb), 5, "Mt", true, false, m80fp, 16)
	add("fstp", b(0xdb), 7, "Mt", true, false, mStore, 16)
	add("fild", b(0xdf), 0, "Mw", true, false, m16int, 12)
	add("fild", b(0xdb), 0, "Md", true, false, m32int, 12)
	add("fild", b(0xdf), 5, "Mq", true, false, m64int, 12)
	add("fist", b(0xdf), 2, "Mw", true, false, mStore, 20)
	add("fistp", b(0xdf), 3, "Mw", true, false, mStore, 20)
	add("fist", b(0xdb), 2, "Md", true, false, mStore, 20)
	add("fistp", b(0xdb), 3, "Md", true, false, mStore, 20)
	add("fistp", b(0xdf), 7, "Mq", true, false, mStore, 20)
	add("fisttp", b(0xdf), 1, "Mw", true, false, mStore, 12)
	add("fisttp", b(0xdb), 1, "Md", true, false, mStore, 12)
	add("fisttp", b(0xdd), 1, "Mq", true, false, mStore, 12)
	add("fbld", b(0xdf), 4, "Mt", true, false, m80bcd, 16)
	add("fbstp", b(0xdf), 6, "Mt", true, false, mStore, 16)
	add("fld_sti", b(0xd9), 0, "E", false, true, 0, 12)
	add("fxch", b(0xd9), 1, "E", false, true, 0, 12)
	add("fst_sti", b(0xdd), 2, "E", false, true, 0, 12)
	add("fstp_sti", b(0xdd), 3, "E", false, true, 0, 12)
	add("ffree", b(0xdd), 0, "E", false, true, 0, 8)
	add("ffreep", b(0xdf), 0, "E", false, true, 0, 8)
	add("fucom", b(0xdd), 4, "E", false, true, 0, 16)
	add("fucomp", b(0xdd), 5, "E", false, true, 0, 16)
	add("fucomi", b(0xdb), 5, "E", false, true, 0, 16)
	add("fcomi", b(0xdb), 6, "E", false, true, 0, 16)
	add("fucomip", b(0xdf), 5, "E", false, true, 0, 16)
	add("fcomip", b(0xdf), 6, "E", false, true, 0, 16)
	for k, mn := range []string{"fcmovb", "fcmove", "fcmovbe", "fcmovu"} {
		add(mn, b(0xda), k, "E", false, true, 0, 10)
	}
	for k, mn := range []string{"fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu"} {
		add(mn, b(0xdb), k, "E", false, true, 0, 10)
	}
	// control
	add("fldcw", b(0xd9), 5, "Mw", true, false, m16cw, 12)
	add("fnstcw", b(0xd9), 7, "Mw", true, false, mStore, 6)
	add("fnstsw", b(0xdd), 7, "Mw", true, false, mStore, 8)
	add("fnstsw_ax", b(0xdf, 0xe0), noModrm, "", false, false, 0, 8)
	add("fldenv", b(0xd9), 4, "M", true, false, mEnv, 12)
	add("fnstenv", b(0xd9), 6, "M", true, false, mStore, 10)
	add("frstor", b(0xdd), 4, "M", true, false, mSave, 12)
	add("fnsave", b(0xdd), 6, "M", true, false, mStore, 10)
	add("fninit", b(0xdb, 0xe3), noModrm, "", false, false, 0, 6)
	add("fnclex", b(0xdb, 0xe2), noModrm, "", false, false, 0, 6)
	add("fwait", b(0x9b), noModrm, "", false, false, 0, 10)
	add("fnop", b(0xd9, 0xd0), noModrm, "", false, false, 0, 6)
	add("fincstp", b(0xd9, 0xf7), noModrm, "", false, false, 0, 6)
	add("fdecstp", b(0xd9, 0xf6), noModrm, "", false, false, 0, 6)
	// constants, unary, transcendental
	for _, x := range []struct {
		mn string
		op byte
		n  int
	}{
		{"fchs", 0xe0, 12}, {"fabs", 0xe1, 12}, {"ftst", 0xe4, 16}, {"fxam", 0xe5, 24},
		{"fld1", 0xe8, 8}, {"fldl2t", 0xe9, 8}, {"fldl2e", 0xea, 8}, {"fldpi", 0xeb, 8},
		{"fldlg2", 0xec, 8}, {"fldln2", 0xed, 8}, {"fldz", 0xee, 8},
		{"f2xm1", 0xf0, 16}, {"fyl2x", 0xf1, 16}, {"fptan", 0xf2, 16}, {"fpatan", 0xf3, 16},
		{"fxtract", 0xf4, 16}, {"fprem1", 0xf5, 24}, {"fprem", 0xf8, 24}, {"fyl2xp1", 0xf9, 16},
		{"fsqrt", 0xfa, 24}, {"fsincos", 0xfb, 16}, {"frndint", 0xfc, 24}, {"fscale", 0xfd, 24},
		{"fsin", 0xfe, 16}, {"fcos", 0xff, 16},
	} {
		add(x.mn, b(0xd9, x.op), noModrm, "", false, false, 0, x.n)
	}
	return fs
}

// simdState gives a case random XMM registers of a lane type, MXCSR, and an
// MMX-ready x87 state (TOP 0, random register contents) with mm registers of
// integer lanes.
func simdState(lane byte) func(in *inst, r *rand.Rand) {
	return func(in *inst, r *rand.Rand) {
		mxcsrState(in, r)
		le := binary.LittleEndian
		// Only the registers the instruction names get values (the others stay
		// zero and must stay unchanged), which keeps the vectors short.
		regs := []int{in.greg}
		if !in.mem {
			regs = append(regs, in.rmreg)
		}
		for _, i := range regs {
			if in.f.group != "mmx" {
				x := lanes(r, lane, 16)
				in.setXMM(i, le.Uint64(x), le.Uint64(x[8:]))
			}
			m := lanes(r, 'i', 8)
			in.setST(i, le.Uint64(m), uint16(r.Uint32()))
		}
		in.fx[4] = uint8(r.Uint32())
		if r.IntN(2) == 0 {
			in.fx[4] = 0
		}
		if in.mem {
			for i, x := range lanes(r, lane, 16) {
				in.memPut(in.ea+uint32(i), 1, uint64(x))
			}
		}
	}
}

// simdForms: MMX, SSE and SSE2 (G = mm/xmm register, E = mm/xmm register or memory).
func simdForms() []*form {
	var fs []*form
	type sf struct {
		group string
		mn    string
		pre   []byte
		op    []byte
		digit int
		ops   string
		lane  byte
		mem   int // 0 both, 1 mem only, 2 reg only
		n     int
		imm   []uint32 // imm8 choices (nil = random)
	}
	var list []sf
	ps := func(mn string, op byte, lane byte) {
		list = append(list,
			sf{"sse", mn + "ps", nil, b(0x0f, op), modrmR, "G,E", 's', 0, 16, nil},
			sf{"sse", mn + "ss", b(0xf3), b(0x0f, op), modrmR, "G,E", 's', 0, 16, nil},
			sf{"sse", mn + "pd", b(0x66), b(0x0f, op), modrmR, "G,E", 'd', 0, 16, nil},
			sf{"sse", mn + "sd", b(0xf2), b(0x0f, op), modrmR, "G,E", 'd', 0, 16, nil},
		)
	}
	for _, x := range []struct {
		mn string
		op byte
	}{{"add", 0x58}, {"mul", 0x59}, {"sub", 0x5c}, {"min", 0x5d}, {"div", 0x5e}, {"max", 0x5f}, {"sqrt", 0x51}} {
		ps(x.mn, x.op, 's')
	}
	cmpImm := []uint32{0, 1, 2, 3, 4, 5, 6, 7}
	list = append(list,
		sf{"sse", "cmpps", nil, b(0x0f, 0xc2), modrmR, "G,E,Ib", 's', 0, 24, cmpImm},
		sf{"sse", "cmpss", b(0xf3), b(0x0f, 0xc2), modrmR, "G,E,Ib", 's', 0, 24, cmpImm},
		sf{"sse", "cmppd", b(0x66), b(0x0f, 0xc2), modrmR, "G,E,Ib", 'd', 0, 24, cmpImm},
		sf{"sse", "cmpsd", b(0xf2), b(0x0f, 0xc2), modrmR, "G,E,Ib", 'd', 0, 24, cmpImm},
		sf{"sse", "ucomiss", nil, b(0x0f, 0x2e), modrmR, "G,E", 's', 0, 16, nil},
		sf{"sse", "comiss", nil, b(0x0f, 0x2f), modrmR, "G,E", 's', 0, 16, nil},
		sf{"sse", "ucomisd", b(0x66), b(0x0f, 0x2e), modrmR, "G,E", 'd', 0, 16, nil},
		sf{"sse", "comisd", b(0x66), b(0x0f, 0x2f), modrmR, "G,E", 'd', 0, 16, nil},
		sf{"sse", "rcpps", nil, b(0x0f, 0x53), modrmR, "G,E", 's', 0, 8, nil},
		sf{"sse", "rcpss", b(0xf3), b(0x0f, 0x53), modrmR, "G,E", 's', 0, 8, nil},
		sf{"sse", "rsqrtps", nil, b(0x0f, 0x52), modrmR, "G,E", 's', 0, 8, nil},
		sf{"sse", "rsqrtss", b(0xf3), b(0x0f, 0x52), modrmR, "G,E", 's', 0, 8, nil},
		sf{"sse", "andps", nil, b(0x0f, 0x54), modrmR, "G,E", 's', 0, 8, nil},
		sf{"sse", "andnps", nil, b(0x0f, 0x55), modrmR, "G,E", 's', 0, 8, nil},
		sf{"sse", "orps", nil, b(0x0f, 0x56), modrmR, "G,E", 's', 0, 8, nil},
		sf{"sse", "xorps", nil, b(0x0f, 0x57), modrmR, "G,E", 's', 0, 8, nil},
		sf{"sse", "andpd", b(0x66), b(0x0f, 0x54), modrmR, "G,E", 'd', 0, 8, nil},
		sf{"sse", "andnpd", b(0x66), b(0x0f, 0x55), modrmR, "G,E", 'd', 0, 8, nil},
		sf{"sse", "orpd", b(0x66), b(0x0f, 0x56), modrmR, "G,E", 'd', 0, 8, nil},
		sf{"sse", "xorpd", b(0x66), b(0x0f, 0x57), modrmR, "G,E", 'd', 0, 8, nil},
		sf{"sse", "unpcklps", nil, b(0x0f, 0x14), modrmR, "G,E", 's', 0, 6, nil},
		sf{"sse", "unpckhps", nil, b(0x0f, 0x15), modrmR, "G,E", 's', 0, 6, nil},
		sf{"sse", "unpcklpd", b(0x66), b(0x0f, 0x14), modrmR, "G,E", 'd', 0, 6, nil},
		sf{"sse", "unpckhpd", b(0x66), b(0x0f, 0x15), modrmR, "G,E", 'd', 0, 6, nil},
		sf{"sse", "shufps", nil, b(0x0f, 0xc6), modrmR, "G,E,Ib", 's', 0, 10, nil},
		sf{"sse", "shufpd", b(0x66), b(0x0f, 0xc6), modrmR, "G,E,Ib", 'd', 0, 10, nil},
		// moves
		sf{"sse", "movups", nil, b(0x0f, 0x10), modrmR, "G,E", 's', 0, 6, nil},
		sf{"sse", "movups_st", nil, b(0x0f, 0x11), modrmR, "E,G", 's', 0, 6, nil},
		sf{"sse", "movss", b(0xf3), b(0x0f, 0x10), modrmR, "G,E", 's', 0, 6, nil},
		sf{"sse", "movss_st", b(0xf3), b(0x0f, 0x11), modrmR, "E,G", 's', 0, 6, nil},
		sf{"sse", "movupd", b(0x66), b(0x0f, 0x10), modrmR, "G,E", 'd', 0, 6, nil},
		sf{"sse", "movsd", b(0xf2), b(0x0f, 0x10), modrmR, "G,E", 'd', 0, 6, nil},
		sf{"sse", "movsd_st", b(0xf2), b(0x0f, 0x11), modrmR, "E,G", 'd', 0, 6, nil},
		sf{"sse", "movaps", nil, b(0x0f, 0x28), modrmR, "G,E", 's', 0, 6, nil},
		sf{"sse", "movaps_st", nil, b(0x0f, 0x29), modrmR, "E,G", 's', 0, 6, nil},
		sf{"sse", "movapd", b(0x66), b(0x0f, 0x28), modrmR, "G,E", 'd', 0, 6, nil},
		sf{"sse", "movlps", nil, b(0x0f, 0x12), modrmR, "G,E", 's', 1, 6, nil},
		sf{"sse", "movhlps", nil, b(0x0f, 0x12), modrmR, "G,E", 's', 2, 6, nil},
		sf{"sse", "movlps_st", nil, b(0x0f, 0x13), modrmR, "E,G", 's', 1, 6, nil},
		sf{"sse", "movhps", nil, b(0x0f, 0x16), modrmR, "G,E", 's', 1, 6, nil},
		sf{"sse", "movlhps", nil, b(0x0f, 0x16), modrmR, "G,E", 's', 2, 6, nil},
		sf{"sse", "movhps_st", nil, b(0x0f, 0x17), modrmR, "E,G", 's', 1, 6, nil},
		sf{"sse", "movlpd", b(0x66), b(0x0f, 0x12), modrmR, "G,E", 'd', 1, 6, nil},
		sf{"sse", "movhpd", b(0x66), b(0x0f, 0x16), modrmR, "G,E", 'd', 1, 6, nil},
		sf{"sse", "movntps", nil, b(0x0f, 0x2b), modrmR, "E,G", 's', 1, 4, nil},
		sf{"sse", "movmskps", nil, b(0x0f, 0x50), modrmR, "G,E", 's', 2, 8, nil},
		sf{"sse", "movmskpd", b(0x66), b(0x0f, 0x50), modrmR, "G,E", 'd', 2, 8, nil},
		sf{"sse", "movdqa", b(0x66), b(0x0f, 0x6f), modrmR, "G,E", 'i', 0, 6, nil},
		sf{"sse", "movdqu", b(0xf3), b(0x0f, 0x6f), modrmR, "G,E", 'i', 0, 6, nil},
		sf{"sse", "movdqa_st", b(0x66), b(0x0f, 0x7f), modrmR, "E,G", 'i', 0, 6, nil},
		sf{"sse", "movdqu_st", b(0xf3), b(0x0f, 0x7f), modrmR, "E,G", 'i', 0, 6, nil},
		sf{"sse", "movd_x_e", b(0x66), b(0x0f, 0x6e), modrmR, "G,E", 'i', 0, 8, nil},
		sf{"sse", "movd_e_x", b(0x66), b(0x0f, 0x7e), modrmR, "E,G", 'i', 0, 8, nil},
		sf{"sse", "movq_x_xm", b(0xf3), b(0x0f, 0x7e), modrmR, "G,E", 'i', 0, 8, nil},
		sf{"sse", "movq_xm_x", b(0x66), b(0x0f, 0xd6), modrmR, "E,G", 'i', 0, 8, nil},
		sf{"sse", "movntdq", b(0x66), b(0x0f, 0xe7), modrmR, "E,G", 'i', 1, 4, nil},
		sf{"sse", "movnti", nil, b(0x0f, 0xc3), modrmR, "E,G", 'i', 1, 4, nil},
		sf{"sse", "movq2dq", b(0xf3), b(0x0f, 0xd6), modrmR, "G,E", 'i', 2, 6, nil},
		sf{"sse", "movdq2q", b(0xf2), b(0x0f, 0xd6), modrmR, "G,E", 'i', 2, 6, nil},
		// conversions
		sf{"sse", "cvtsi2ss", b(0xf3), b(0x0f, 0x2a), modrmR, "G,E", 's', 0, 16, nil},
		sf{"sse", "cvtsi2sd", b(0xf2), b(0x0f, 0x2a), modrmR, "G,E", 'd', 0, 16, nil},
		sf{"sse", "cvtpi2ps", nil, b(0x0f, 0x2a), modrmR, "G,E", 's', 0, 10, nil},
		sf{"sse", "cvtpi2pd", b(0x66), b(0x0f, 0x2a), modrmR, "G,E", 'd', 0, 10, nil},
		sf{"sse", "cvttss2si", b(0xf3), b(0x0f, 0x2c), modrmR, "G,E", 's', 0, 16, nil},
		sf{"sse", "cvttsd2si", b(0xf2), b(0x0f, 0x2c), modrmR, "G,E", 'd', 0, 16, nil},
		sf{"sse", "cvtss2si", b(0xf3), b(0x0f, 0x2d), modrmR, "G,E", 's', 0, 16, nil},
		sf{"sse", "cvtsd2si", b(0xf2), b(0x0f, 0x2d), modrmR, "G,E", 'd', 0, 16, nil},
		sf{"sse", "cvttps2pi", nil, b(0x0f, 0x2c), modrmR, "G,E", 's', 0, 10, nil},
		sf{"sse", "cvtps2pi", nil, b(0x0f, 0x2d), modrmR, "G,E", 's', 0, 10, nil},
		sf{"sse", "cvttpd2pi", b(0x66), b(0x0f, 0x2c), modrmR, "G,E", 'd', 0, 10, nil},
		sf{"sse", "cvtpd2pi", b(0x66), b(0x0f, 0x2d), modrmR, "G,E", 'd', 0, 10, nil},
		sf{"sse", "cvtps2pd", nil, b(0x0f, 0x5a), modrmR, "G,E", 's', 0, 12, nil},
		sf{"sse", "cvtpd2ps", b(0x66), b(0x0f, 0x5a), modrmR, "G,E", 'd', 0, 12, nil},
		sf{"sse", "cvtss2sd", b(0xf3), b(0x0f, 0x5a), modrmR, "G,E", 's', 0, 12, nil},
		sf{"sse", "cvtsd2ss", b(0xf2), b(0x0f, 0x5a), modrmR, "G,E", 'd', 0, 12, nil},
		sf{"sse", "cvtdq2ps", nil, b(0x0f, 0x5b), modrmR, "G,E", 'i', 0, 12, nil},
		sf{"sse", "cvtps2dq", b(0x66), b(0x0f, 0x5b), modrmR, "G,E", 's', 0, 12, nil},
		sf{"sse", "cvttps2dq", b(0xf3), b(0x0f, 0x5b), modrmR, "G,E", 's', 0, 12, nil},
		sf{"sse", "cvttpd2dq", b(0x66), b(0x0f, 0xe6), modrmR, "G,E", 'd', 0, 12, nil},
		sf{"sse", "cvtdq2pd", b(0xf3), b(0x0f, 0xe6), modrmR, "G,E", 'i', 0, 12, nil},
		sf{"sse", "cvtpd2dq", b(0xf2), b(0x0f, 0xe6), modrmR, "G,E", 'd', 0, 12, nil},
		// state
		sf{"sse", "ldmxcsr", nil, b(0x0f, 0xae), 2, "Md", 'i', 1, 8, nil},
		sf{"sse", "stmxcsr", nil, b(0x0f, 0xae), 3, "Md", 'i', 1, 6, nil},
		sf{"sse", "fxsave", nil, b(0x0f, 0xae), 0, "M", 'i', 1, 6, nil},
		sf{"sse", "lfence", nil, b(0x0f, 0xae, 0xe8), noModrm, "", 'i', 2, 2, nil},
		sf{"sse", "mfence", nil, b(0x0f, 0xae, 0xf0), noModrm, "", 'i', 2, 2, nil},
		sf{"sse", "sfence", nil, b(0x0f, 0xae, 0xf8), noModrm, "", 'i', 2, 2, nil},
		sf{"sse", "prefetchnta", nil, b(0x0f, 0x18), 0, "M", 'i', 1, 2, nil},
		sf{"sse", "prefetcht0", nil, b(0x0f, 0x18), 1, "M", 'i', 1, 2, nil},
		sf{"sse", "prefetcht1", nil, b(0x0f, 0x18), 2, "M", 'i', 1, 2, nil},
		sf{"sse", "prefetcht2", nil, b(0x0f, 0x18), 3, "M", 'i', 1, 2, nil},
		sf{"sse", "prefetchw", nil, b(0x0f, 0x0d), 1, "M", 'i', 1, 2, nil},
		sf{"sse", "clflush", nil, b(0x0f, 0xae), 7, "M", 'i', 1, 2, nil},
		sf{"sse", "movntpd", b(0x66), b(0x0f, 0x2b), modrmR, "E,G", 'd', 1, 4, nil},
		sf{"sse", "fxrstor", nil, b(0x0f, 0xae), 1, "M", 'i', 1, 12, nil},
		sf{"sse", "maskmovdqu", b(0x66), b(0x0f, 0xf7), modrmR, "G,E", 'i', 2, 10, nil},
		sf{"mmx", "maskmovq", nil, b(0x0f, 0xf7), modrmR, "G,E", 'i', 2, 10, nil},
	)
	// Packed integer operations: MMX (no prefix) and SSE2 (66).
	type pi struct {
		mn  string
		op  byte
		mmx bool // also exists as an MMX form
	}
	for _, x := range []pi{
		{"punpcklbw", 0x60, true}, {"punpcklwd", 0x61, true}, {"punpckldq", 0x62, true}, {"packsswb", 0x63, true},
		{"pcmpgtb", 0x64, true}, {"pcmpgtw", 0x65, true}, {"pcmpgtd", 0x66, true}, {"packuswb", 0x67, true},
		{"punpckhbw", 0x68, true}, {"punpckhwd", 0x69, true}, {"punpckhdq", 0x6a, true}, {"packssdw", 0x6b, true},
		{"punpcklqdq", 0x6c, false}, {"punpckhqdq", 0x6d, false},
		{"pcmpeqb", 0x74, true}, {"pcmpeqw", 0x75, true}, {"pcmpeqd", 0x76, true},
		{"psrlw", 0xd1, true}, {"psrld", 0xd2, true}, {"psrlq", 0xd3, true}, {"paddq", 0xd4, true}, {"pmullw", 0xd5, true},
		{"psubusb", 0xd8, true}, {"psubusw", 0xd9, true}, {"pminub", 0xda, true}, {"pand", 0xdb, true},
		{"paddusb", 0xdc, true}, {"paddusw", 0xdd, true}, {"pmaxub", 0xde, true}, {"pandn", 0xdf, true},
		{"pavgb", 0xe0, true}, {"psraw", 0xe1, true}, {"psrad", 0xe2, true}, {"pavgw", 0xe3, true},
		{"pmulhuw", 0xe4, true}, {"pmulhw", 0xe5, true}, {"psubsb", 0xe8, true}, {"psubsw", 0xe9, true},
		{"pminsw", 0xea, true}, {"por", 0xeb, true}, {"paddsb", 0xec, true}, {"paddsw", 0xed, true},
		{"pmaxsw", 0xee, true}, {"pxor", 0xef, true}, {"psllw", 0xf1, true}, {"pslld", 0xf2, true},
		{"psllq", 0xf3, true}, {"pmuludq", 0xf4, true}, {"pmaddwd", 0xf5, true}, {"psadbw", 0xf6, true},
		{"psubb", 0xf8, true}, {"psubw", 0xf9, true}, {"psubd", 0xfa, true}, {"psubq", 0xfb, true},
		{"paddb", 0xfc, true}, {"paddw", 0xfd, true}, {"paddd", 0xfe, true},
	} {
		list = append(list, sf{"sse", x.mn, b(0x66), b(0x0f, x.op), modrmR, "G,E", 'i', 0, 10, nil})
		if x.mmx {
			list = append(list, sf{"mmx", x.mn, nil, b(0x0f, x.op), modrmR, "G,E", 'i', 0, 10, nil})
		}
	}
	shiftImm := []uint32{0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 200}
	for _, x := range []struct {
		mn    string
		op    byte
		digit int
		mmx   bool
	}{{"psrlw", 0x71, 2, true}, {"psraw", 0x71, 4, true}, {"psllw", 0x71, 6, true},
		{"psrld", 0x72, 2, true}, {"psrad", 0x72, 4, true}, {"pslld", 0x72, 6, true},
		{"psrlq", 0x73, 2, true}, {"psllq", 0x73, 6, true}, {"psrldq", 0x73, 3, false}, {"pslldq", 0x73, 7, false}} {
		list = append(list, sf{"sse", x.mn, b(0x66), b(0x0f, x.op), x.digit, "E,Ib", 'i', 2, 10, shiftImm})
		if x.mmx {
			list = append(list, sf{"mmx", x.mn, nil, b(0x0f, x.op), x.digit, "E,Ib", 'i', 2, 10, shiftImm})
		}
	}
	list = append(list,
		sf{"sse", "pshufd", b(0x66), b(0x0f, 0x70), modrmR, "G,E,Ib", 'i', 0, 8, nil},
		sf{"sse", "pshuflw", b(0xf2), b(0x0f, 0x70), modrmR, "G,E,Ib", 'i', 0, 8, nil},
		sf{"sse", "pshufhw", b(0xf3), b(0x0f, 0x70), modrmR, "G,E,Ib", 'i', 0, 8, nil},
		sf{"sse", "pinsrw", b(0x66), b(0x0f, 0xc4), modrmR, "G,E,Ib", 'i', 0, 8, nil},
		sf{"sse", "pextrw", b(0x66), b(0x0f, 0xc5), modrmR, "G,E,Ib", 'i', 2, 8, nil},
		sf{"sse", "pmovmskb", b(0x66), b(0x0f, 0xd7), modrmR, "G,E", 'i', 2, 8, nil},
		sf{"mmx", "pshufw", nil, b(0x0f, 0x70), modrmR, "G,E,Ib", 'i', 0, 8, nil},
		sf{"mmx", "pinsrw", nil, b(0x0f, 0xc4), modrmR, "G,E,Ib", 'i', 0, 8, nil},
		sf{"mmx", "pextrw", nil, b(0x0f, 0xc5), modrmR, "G,E,Ib", 'i', 2, 8, nil},
		sf{"mmx", "pmovmskb", nil, b(0x0f, 0xd7), modrmR, "G,E", 'i', 2, 8, nil},
		sf{"mmx", "movd_m_e", nil, b(0x0f, 0x6e), modrmR, "G,E", 'i', 0, 8, nil},
		sf{"mmx", "movd_e_m", nil, b(0x0f, 0x7e), modrmR, "E,G", 'i', 0, 8, nil},
		sf{"mmx", "movq_m_mm", nil, b(0x0f, 0x6f), modrmR, "G,E", 'i', 0, 8, nil},
		sf{"mmx", "movq_mm_m", nil, b(0x0f, 0x7f), modrmR, "E,G", 'i', 0, 8, nil},
		sf{"mmx", "movntq", nil, b(0x0f, 0xe7), modrmR, "E,G", 'i', 1, 4, nil},
		sf{"mmx", "emms", nil, b(0x0f, 0x77), noModrm, "", 'i', 2, 6, nil},
	)
	// SSE3 and SSSE3 (group sse3).
	list = append(list,
		sf{"sse3", "haddps", b(0xf2), b(0x0f, 0x7c), modrmR, "G,E", 's', 0, 12, nil},
		sf{"sse3", "haddpd", b(0x66), b(0x0f, 0x7c), modrmR, "G,E", 'd', 0, 12, nil},
		sf{"sse3", "hsubps", b(0xf2), b(0x0f, 0x7d), modrmR, "G,E", 's', 0, 12, nil},
		sf{"sse3", "hsubpd", b(0x66), b(0x0f, 0x7d), modrmR, "G,E", 'd', 0, 12, nil},
		sf{"sse3", "addsubps", b(0xf2), b(0x0f, 0xd0), modrmR, "G,E", 's', 0, 12, nil},
		sf{"sse3", "addsubpd", b(0x66), b(0x0f, 0xd0), modrmR, "G,E", 'd', 0, 12, nil},
		sf{"sse3", "movddup", b(0xf2), b(0x0f, 0x12), modrmR, "G,E", 'd', 0, 6, nil},
		sf{"sse3", "movsldup", b(0xf3), b(0x0f, 0x12), modrmR, "G,E", 's', 0, 6, nil},
		sf{"sse3", "movshdup", b(0xf3), b(0x0f, 0x16), modrmR, "G,E", 's', 0, 6, nil},
		sf{"sse3", "lddqu", b(0xf2), b(0x0f, 0xf0), modrmR, "G,E", 'i', 1, 6, nil},
	)
	for _, x := range []struct {
		mn string
		op byte
	}{{"pshufb", 0x00}, {"phaddw", 0x01}, {"phaddd", 0x02}, {"phaddsw", 0x03}, {"pmaddubsw", 0x04},
		{"phsubw", 0x05}, {"phsubd", 0x06}, {"phsubsw", 0x07}, {"psignb", 0x08}, {"psignw", 0x09},
		{"psignd", 0x0a}, {"pmulhrsw", 0x0b}, {"pabsb", 0x1c}, {"pabsw", 0x1d}, {"pabsd", 0x1e}} {
		list = append(list,
			sf{"sse3", x.mn, b(0x66), b(0x0f, 0x38, x.op), modrmR, "G,E", 'i', 0, 8, nil},
			sf{"sse3", x.mn + "_mmx", nil, b(0x0f, 0x38, x.op), modrmR, "G,E", 'i', 0, 6, nil})
	}
	list = append(list,
		sf{"sse3", "palignr", b(0x66), b(0x0f, 0x3a, 0x0f), modrmR, "G,E,Ib", 'i', 0, 12, []uint32{0, 1, 4, 7, 8, 15, 16, 17, 31, 32, 200}},
		sf{"sse3", "palignr_mmx", nil, b(0x0f, 0x3a, 0x0f), modrmR, "G,E,Ib", 'i', 0, 8, []uint32{0, 1, 4, 7, 8, 9, 15, 16, 17}})
	// Memory operands that are not 16-byte aligned: fine for scalar, 64-bit and
	// the unaligned moves (and for all MMX forms); #GP for other 128-bit operands.
	for _, mn := range []string{"movups", "movdqu", "movupd", "movss", "movsd", "addss", "addsd", "cvtss2sd",
		"movq_x_xm", "movd_x_e", "movhps", "movlpd", "comisd", "movups_st", "movdqu_st",
		"movaps", "movdqa", "movapd", "movaps_st", "addps", "mulpd", "paddb", "pshufd", "cvtps2pd", "lddqu"} {
		for _, x := range list {
			if x.mn == mn && x.mem != 2 && x.group != "mmx" {
				x.mn += "_unal"
				x.mem, x.n = 1, 6
				list = append(list, x)
				break
			}
		}
	}
	list = append(list, sf{"mmx", "paddb_unal", nil, b(0x0f, 0xfc), modrmR, "G,E", 'i', 1, 6, nil})
	for _, x := range list {
		x := x
		setup := simdState(x.lane)
		if x.imm != nil {
			base := setup
			setup = func(in *inst, r *rand.Rand) {
				base(in, r)
				in.imm[0] = x.imm[r.IntN(len(x.imm))]
			}
		}
		if x.mn == "maskmovdqu" || x.mn == "maskmovq" { // writes the selected bytes to [EDI]
			setup = func(in *inst, r *rand.Rand) {
				simdState('i')(in, r)
				in.regs[edi] = dataAddr + 0x100 + uint32(r.IntN(0xd00))
				in.randomFill(r, in.regs[edi]-4, 24)
			}
		}
		if x.mn == "fxrstor" { // a valid FXSAVE image of another random state
			setup = func(in *inst, r *rand.Rand) {
				simdState('s')(in, r)
				var o inst
				o.fx = defaultFX()
				fpuState(&o, r)
				mxcsrState(&o, r)
				le := binary.LittleEndian
				for i := 0; i < 8; i++ {
					x := lanes(r, 's', 16)
					o.setXMM(i, le.Uint64(x), le.Uint64(x[8:]))
				}
				for i, x := range o.fx[:288] {
					in.memPut(in.ea+uint32(i), 1, uint64(x))
				}
			}
		}
		if x.mn == "ldmxcsr" {
			setup = func(in *inst, r *rand.Rand) {
				simdState('i')(in, r)
				v := uint32(0x1f80) | uint32(r.IntN(4))<<13 | r.Uint32()&0x803f
				if r.IntN(3) == 0 {
					v = r.Uint32() & 0xffff
				}
				in.memPut(in.ea, 4, uint64(v))
			}
		}
		fs = append(fs, &form{group: x.group, mn: x.mn, pre: x.pre, op: x.op, digit: x.digit, ops: x.ops, sizes: s32,
			memOnly: x.mem == 1, regOnly: x.mem == 2, setup: setup, align: 16, misalign: strings.HasSuffix(x.mn, "_unal"),
			nReg: x.n, nMem: max(2, x.n/2)})
	}
	return fs
}
