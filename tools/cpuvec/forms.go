package main

import (
	"fmt"
	"math/rand/v2"
)

var (
	s8    = []int{8}
	s16   = []int{16}
	s32   = []int{32}
	s1632 = []int{16, 32}
)

func b(x ...byte) []byte { return x }

// countChoices are shift/rotate counts: around 0, 1, each width, and the 5-bit mask.
var countChoices = []uint32{0, 1, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 255}

func pickCount(r *rand.Rand) uint32 {
	if r.IntN(5) == 0 {
		return uint32(r.IntN(256))
	}
	return countChoices[r.IntN(len(countChoices))]
}

// integerForms lists the i386-P6 integer instruction forms, by group.
func integerForms() []*form {
	var fs []*form
	add := func(f *form) { fs = append(fs, f) }

	// --- alu: the eight classic ALU operations in every encoding.
	aluNames := []string{"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"}
	for k, mn := range aluNames {
		var u uint32
		if mn == "and" || mn == "or" || mn == "xor" {
			u = fAF
		}
		o := byte(k * 8)
		add(&form{group: "alu", mn: mn, op: b(o + 0), digit: modrmR, ops: "E,G", sizes: s8, undef: u})
		add(&form{group: "alu", mn: mn, op: b(o + 1), digit: modrmR, ops: "E,G", sizes: s1632, undef: u})
		add(&form{group: "alu", mn: mn, op: b(o + 2), digit: modrmR, ops: "G,E", sizes: s8, undef: u})
		add(&form{group: "alu", mn: mn, op: b(o + 3), digit: modrmR, ops: "G,E", sizes: s1632, undef: u})
		add(&form{group: "alu", mn: mn, op: b(o + 4), digit: noModrm, ops: "AL,I", sizes: s8, implicit: 1 << eax, undef: u})
		add(&form{group: "alu", mn: mn, op: b(o + 5), digit: noModrm, ops: "eAX,I", sizes: s1632, implicit: 1 << eax, undef: u})
		add(&form{group: "alu", mn: mn, op: b(0x80), digit: k, ops: "E,I", sizes: s8, undef: u})
		add(&form{group: "alu", mn: mn, op: b(0x81), digit: k, ops: "E,I", sizes: s1632, undef: u})
		add(&form{group: "alu", mn: mn, op: b(0x82), digit: k, ops: "E,I", sizes: s8, undef: u, nReg: 6, nMem: 4})
		add(&form{group: "alu", mn: mn, op: b(0x83), digit: k, ops: "E,Ib", sizes: s1632, undef: u})
		if mn != "cmp" { // LOCK on the memory forms
			add(&form{group: "alu", mn: "lock_" + mn, pre: b(0xf0), op: b(o + 1), digit: modrmR, ops: "E,G", sizes: s32, memOnly: true, undef: u, nMem: 6})
			add(&form{group: "alu", mn: "lock_" + mn, pre: b(0xf0), op: b(0x80), digit: k, ops: "E,I", sizes: s8, memOnly: true, undef: u, nMem: 6})
		}
	}
	add(&form{group: "alu", mn: "test", op: b(0x84), digit: modrmR, ops: "E,G", sizes: s8, undef: fAF})
	add(&form{group: "alu", mn: "test", op: b(0x85), digit: modrmR, ops: "E,G", sizes: s1632, undef: fAF})
	add(&form{group: "alu", mn: "test", op: b(0xa8), digit: noModrm, ops: "AL,I", sizes: s8, implicit: 1 << eax, undef: fAF})
	add(&form{group: "alu", mn: "test", op: b(0xa9), digit: noModrm, ops: "eAX,I", sizes: s1632, implicit: 1 << eax, undef: fAF})
	add(&form{group: "alu", mn: "test", op: b(0xf6), digit: 0, ops: "E,I", sizes: s8, undef: fAF})
	add(&form{group: "alu", mn: "test", op: b(0xf7), digit: 0, ops: "E,I", sizes: s1632, undef: fAF})
	// F6/F7 /1 is an undocumented alias of TEST that the CPU executes.
	add(&form{group: "alu", mn: "test", op: b(0xf6), digit: 1, ops: "E,I", sizes: s8, undef: fAF, nReg: 6, nMem: 4})
	add(&form{group: "alu", mn: "test", op: b(0xf7), digit: 1, ops: "E,I", sizes: s1632, undef: fAF, nReg: 6, nMem: 4})
	add(&form{group: "alu", mn: "inc", op: b(0x40), digit: noModrm, ops: "Z", sizes: s1632})
	add(&form{group: "alu", mn: "dec", op: b(0x48), digit: noModrm, ops: "Z", sizes: s1632})
	add(&form{group: "alu", mn: "inc", op: b(0xfe), digit: 0, ops: "E", sizes: s8})
	add(&form{group: "alu", mn: "dec", op: b(0xfe), digit: 1, ops: "E", sizes: s8})
	add(&form{group: "alu", mn: "inc", op: b(0xff), digit: 0, ops: "E", sizes: s1632})
	add(&form{group: "alu", mn: "dec", op: b(0xff), digit: 1, ops: "E", sizes: s1632})
	add(&form{group: "alu", mn: "not", op: b(0xf6), digit: 2, ops: "E", sizes: s8})
	add(&form{group: "alu", mn: "neg", op: b(0xf6), digit: 3, ops: "E", sizes: s8})
	add(&form{group: "alu", mn: "not", op: b(0xf7), digit: 2, ops: "E", sizes: s1632})
	add(&form{group: "alu", mn: "neg", op: b(0xf7), digit: 3, ops: "E", sizes: s1632})
	for _, mn := range []string{"inc", "dec", "not", "neg"} {
		d := map[string]int{"inc": 0, "dec": 1, "not": 2, "neg": 3}[mn]
		op := byte(0xff)
		if d >= 2 {
			op = 0xf7
		}
		add(&form{group: "alu", mn: "lock_" + mn, pre: b(0xf0), op: b(op), digit: d, ops: "E", sizes: s32, memOnly: true, nMem: 6})
	}

	// --- mov: data movement, sign/zero extension, exchanges.
	add(&form{group: "mov", mn: "mov", op: b(0x88), digit: modrmR, ops: "E,G", sizes: s8})
	add(&form{group: "mov", mn: "mov", op: b(0x89), digit: modrmR, ops: "E,G", sizes: s1632})
	add(&form{group: "mov", mn: "mov", op: b(0x8a), digit: modrmR, ops: "G,E", sizes: s8})
	add(&form{group: "mov", mn: "mov", op: b(0x8b), digit: modrmR, ops: "G,E", sizes: s1632})
	add(&form{group: "mov", mn: "mov", op: b(0xb0), digit: noModrm, ops: "Z,I", sizes: s8})
	add(&form{group: "mov", mn: "mov", op: b(0xb8), digit: noModrm, ops: "Z,I", sizes: s1632})
	add(&form{group: "mov", mn: "mov", op: b(0xc6), digit: 0, ops: "E,I", sizes: s8})
	add(&form{group: "mov", mn: "mov", op: b(0xc7), digit: 0, ops: "E,I", sizes: s1632})
	add(&form{group: "mov", mn: "mov", op: b(0xa0), digit: noModrm, ops: "AL,O", sizes: s8, implicit: 1 << eax, nReg: 8})
	add(&form{group: "mov", mn: "mov", op: b(0xa1), digit: noModrm, ops: "eAX,O", sizes: s1632, implicit: 1 << eax, nReg: 8})
	add(&form{group: "mov", mn: "mov", op: b(0xa2), digit: noModrm, ops: "O,AL", sizes: s8, implicit: 1 << eax, nReg: 8})
	add(&form{group: "mov", mn: "mov", op: b(0xa3), digit: noModrm, ops: "O,eAX", sizes: s1632, implicit: 1 << eax, nReg: 8})
	add(&form{group: "mov", mn: "xchg", op: b(0x86), digit: modrmR, ops: "E,G", sizes: s8})
	add(&form{group: "mov", mn: "xchg", op: b(0x87), digit: modrmR, ops: "E,G", sizes: s1632})
	add(&form{group: "mov", mn: "xchg", op: b(0x90), digit: noModrm, ops: "eAX,Z", sizes: s1632, implicit: 1 << eax})
	add(&form{group: "mov", mn: "arpl", op: b(0x63), digit: modrmR, ops: "Ew,Gw", sizes: s32, nReg: 16, nMem: 8})
	add(&form{group: "mov", mn: "salc", op: b(0xd6), digit: noModrm, sizes: s32, implicit: 1 << eax, nReg: 6})
	// Redundant and ignored prefixes (a CS override is fine for reads).
	for _, p := range [][]byte{{0x3e, 0x3e}, {0x66, 0x66}, {0xf3}, {0xf2}, {0x2e}, {0x26, 0x36, 0x3e}} {
		add(&form{group: "mov", mn: fmt.Sprintf("pfx%x_add", p), pre: p, op: b(0x03), digit: modrmR, ops: "G,E", sizes: s32, nReg: 4, nMem: 4})
	}
	add(&form{group: "mov", mn: "lock_xchg", pre: b(0xf0), op: b(0x87), digit: modrmR, ops: "E,G", sizes: s32, memOnly: true, nMem: 6})
	add(&form{group: "mov", mn: "pause", pre: b(0xf3), op: b(0x90), digit: noModrm, sizes: s32, nReg: 3})
	add(&form{group: "mov", mn: "lea", op: b(0x8d), digit: modrmR, ops: "G,M", sizes: s1632, memOnly: true, nMem: 24})
	add(&form{group: "mov", mn: "movzx", op: b(0x0f, 0xb6), digit: modrmR, ops: "G,Eb", sizes: s1632})
	add(&form{group: "mov", mn: "movzx", op: b(0x0f, 0xb7), digit: modrmR, ops: "G,Ew", sizes: s1632})
	add(&form{group: "mov", mn: "movsx", op: b(0x0f, 0xbe), digit: modrmR, ops: "G,Eb", sizes: s1632})
	add(&form{group: "mov", mn: "movsx", op: b(0x0f, 0xbf), digit: modrmR, ops: "G,Ew", sizes: s1632})
	add(&form{group: "mov", mn: "cbw", op: b(0x98), digit: noModrm, sizes: s1632, implicit: 1 << eax, nReg: 12})
	add(&form{group: "mov", mn: "cwd", op: b(0x99), digit: noModrm, sizes: s1632, implicit: 1<<eax | 1<<edx, nReg: 12})
	add(&form{group: "mov", mn: "bswap", op: b(0x0f, 0xc8), digit: noModrm, ops: "Z", sizes: s32})
	add(&form{group: "mov", mn: "xadd", op: b(0x0f, 0xc0), digit: modrmR, ops: "E,G", sizes: s8})
	add(&form{group: "mov", mn: "xadd", op: b(0x0f, 0xc1), digit: modrmR, ops: "E,G", sizes: s1632})
	add(&form{group: "mov", mn: "lock_xadd", pre: b(0xf0), op: b(0x0f, 0xc1), digit: modrmR, ops: "E,G", sizes: s32, memOnly: true, nMem: 6})
	cmpxSetup := func(in *inst, r *rand.Rand) {
		if r.IntN(2) == 0 {
			in.setRegN(eax, in.size, in.getE())
		}
	}
	add(&form{group: "mov", mn: "cmpxchg", op: b(0x0f, 0xb0), digit: modrmR, ops: "E,G", sizes: s8, implicit: 1 << eax, setup: cmpxSetup})
	add(&form{group: "mov", mn: "cmpxchg", op: b(0x0f, 0xb1), digit: modrmR, ops: "E,G", sizes: s1632, implicit: 1 << eax, setup: cmpxSetup})
	add(&form{group: "mov", mn: "lock_cmpxchg", pre: b(0xf0), op: b(0x0f, 0xb1), digit: modrmR, ops: "E,G", sizes: s32, implicit: 1 << eax, memOnly: true, setup: cmpxSetup, nMem: 8})
	cx8Setup := func(in *inst, r *rand.Rand) {
		if r.IntN(2) == 0 {
			in.regs[eax] = uint32(in.memGet(in.ea, 4))
			in.regs[edx] = uint32(in.memGet(in.ea+4, 4))
		}
	}
	add(&form{group: "mov", mn: "cmpxchg8b", op: b(0x0f, 0xc7), digit: 1, ops: "Mq", sizes: s32, memOnly: true, implicit: 1<<eax | 1<<edx | 1<<ecx | 1<<ebx, setup: cx8Setup, nMem: 16})
	add(&form{group: "mov", mn: "lock_cmpxchg8b", pre: b(0xf0), op: b(0x0f, 0xc7), digit: 1, ops: "Mq", sizes: s32, memOnly: true, implicit: 1<<eax | 1<<edx | 1<<ecx | 1<<ebx, setup: cx8Setup, nMem: 8})
	for cc := byte(0); cc < 16; cc++ {
		add(&form{group: "mov", mn: "set" + ccName[cc], op: b(0x0f, 0x90+cc), digit: 0, ops: "Eb", sizes: s8, nReg: 8, nMem: 4})
		add(&form{group: "mov", mn: "cmov" + ccName[cc], op: b(0x0f, 0x40+cc), digit: modrmR, ops: "G,E", sizes: s1632, nReg: 8, nMem: 4})
	}
	add(&form{group: "mov", mn: "lahf", op: b(0x9f), digit: noModrm, sizes: s32, implicit: 1 << eax, nReg: 12})
	add(&form{group: "mov", mn: "sahf", op: b(0x9e), digit: noModrm, sizes: s32, implicit: 1 << eax, nReg: 16})
	for _, x := range []struct {
		mn string
		op byte
	}{{"clc", 0xf8}, {"stc", 0xf9}, {"cmc", 0xf5}, {"cld", 0xfc}, {"std", 0xfd}, {"nop", 0x90}} {
		add(&form{group: "mov", mn: x.mn, op: b(x.op), digit: noModrm, sizes: s32, nReg: 6})
	}
	add(&form{group: "mov", mn: "nop", op: b(0x0f, 0x1f), digit: 0, ops: "E", sizes: s1632, nReg: 4, nMem: 4})
	add(&form{group: "mov", mn: "xlat", op: b(0xd7), digit: noModrm, sizes: s32, implicit: 1<<eax | 1<<ebx, nReg: 12,
		setup: func(in *inst, r *rand.Rand) {
			in.regs[ebx] = dataAddr + 0x800 + uint32(r.IntN(0x700)) // above fsBase (see fsForms)
			in.randomFill(r, in.regs[ebx], 256)
		}})

	fs = append(fs, shiftForms()...)
	fs = append(fs, muldivForms()...)
	fs = append(fs, bitForms()...)
	fs = append(fs, bcdForms()...)
	fs = append(fs, stringForms()...)
	fs = append(fs, stackForms()...)
	fs = append(fs, branchForms()...)
	fs = append(fs, faultForms()...)
	fs = append(fs, trapForms(fs)...)
	fs = append(fs, fsForms(fs)...)
	fs = append(fs, a16Forms()...)
	fs = append(fs, a16StringForms(fs)...)
	return fs
}

var ccName = []string{"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"}

// shiftUndef returns the flags the SDM leaves undefined for a shift or rotate
// of the given kind (ModRM digit) by count at width bits.
func shiftUndef(kind int, count uint32, bits int) uint32 {
	mc := count & 31
	if mc == 0 {
		return 0
	}
	var u uint32
	if mc != 1 {
		u |= fOF
	}
	if kind >= 4 { // SHL SHR SAL SAR
		u |= fAF
		if int(mc) >= bits && kind != 7 {
			u |= fCF
		}
	}
	return u
}

func shiftForms() []*form {
	var fs []*form
	names := []string{"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"}
	for k, mn := range names {
		by1 := func(in *inst, r *rand.Rand) { in.undef = shiftUndef(k, 1, in.size) }
		byCL := func(in *inst, r *rand.Rand) {
			c := pickCount(r)
			in.setReg8(1, c) // CL
			in.undef = shiftUndef(k, in.reg8(1), in.size)
		}
		byImm := func(in *inst, r *rand.Rand) {
			in.imm[0] = pickCount(r)
			in.undef = shiftUndef(k, in.imm[0], in.size)
		}
		fs = append(fs,
			&form{group: "shift", mn: mn, op: b(0xd0), digit: k, ops: "E,1", sizes: s8, setup: by1, nReg: 12, nMem: 6},
			&form{group: "shift", mn: mn, op: b(0xd1), digit: k, ops: "E,1", sizes: s1632, setup: by1, nReg: 12, nMem: 6},
			&form{group: "shift", mn: mn, op: b(0xd2), digit: k, ops: "E,CL", sizes: s8, implicit: 1 << ecx, setup: byCL, nReg: 24},
			&form{group: "shift", mn: mn, op: b(0xd3), digit: k, ops: "E,CL", sizes: s1632, implicit: 1 << ecx, setup: byCL, nReg: 24},
			&form{group: "shift", mn: mn, op: b(0xc0), digit: k, ops: "E,Ib", sizes: s8, setup: byImm, nReg: 24},
			&form{group: "shift", mn: mn, op: b(0xc1), digit: k, ops: "E,Ib", sizes: s1632, setup: byImm, nReg: 24},
		)
	}
	// SHLD/SHRD: counts above 16 leave a 16-bit result undefined, so 16-bit
	// cases use counts 0..16 only (modulo 32).
	dbl := func(cl bool) func(in *inst, r *rand.Rand) {
		return func(in *inst, r *rand.Rand) {
			c := pickCount(r)
			if in.size == 16 && c&31 > 16 {
				c = c & 15
			}
			if cl {
				in.setReg8(1, c)
				c = in.reg8(1)
				if in.size == 16 && c&31 > 16 {
					in.skip = true
				}
			} else {
				in.imm[0] = c
			}
			if c&31 != 0 {
				in.undef = fAF
				if c&31 != 1 {
					in.undef |= fOF
				}
			}
		}
	}
	for i, mn := range []string{"shld", "shrd"} {
		o := byte(0xa4 + 8*i)
		fs = append(fs,
			&form{group: "shift", mn: mn, op: b(0x0f, o), digit: modrmR, ops: "E,G,Ib", sizes: s1632, setup: dbl(false), nReg: 24},
			&form{group: "shift", mn: mn, op: b(0x0f, o+1), digit: modrmR, ops: "E,G,CL", sizes: s1632, implicit: 1 << ecx, setup: dbl(true), nReg: 24},
		)
	}
	return fs
}

func muldivForms() []*form {
	var fs []*form
	const mulU = fSF | fZF | fAF | fPF
	for k, mn := range []string{"mul", "imul", "div", "idiv"} {
		u := uint32(mulU)
		var setup func(in *inst, r *rand.Rand)
		if k >= 2 {
			u = fArith
			signed := k == 3
			setup = func(in *inst, r *rand.Rand) { divSetup(in, r, signed) }
		}
		fs = append(fs,
			&form{group: "muldiv", mn: mn, op: b(0xf6), digit: 4 + k, ops: "E", sizes: s8, implicit: 1<<eax | 1<<edx, undef: u, setup: setup, nReg: 40, nMem: 12},
			&form{group: "muldiv", mn: mn, op: b(0xf7), digit: 4 + k, ops: "E", sizes: s1632, implicit: 1<<eax | 1<<edx, undef: u, setup: setup, nReg: 40, nMem: 12},
		)
	}
	fs = append(fs,
		&form{group: "muldiv", mn: "imul", op: b(0x0f, 0xaf), digit: modrmR, ops: "G,E", sizes: s1632, undef: mulU, nReg: 30},
		&form{group: "muldiv", mn: "imul", op: b(0x69), digit: modrmR, ops: "G,E,I", sizes: s1632, undef: mulU, nReg: 30},
		&form{group: "muldiv", mn: "imul", op: b(0x6b), digit: modrmR, ops: "G,E,Ib", sizes: s1632, undef: mulU, nReg: 30},
	)
	return fs
}

// divSetup chooses divisor and dividend: some divide by zero, some overflow
// the quotient, most divide cleanly.
func divSetup(in *inst, r *rand.Rand, signed bool) {
	bits := in.size
	m := uint64(mask(bits))
	d := uint64(in.getE())
	switch x := r.IntN(10); {
	case x == 0:
		d = 0
	case x < 3:
		d = uint64(edge(r, bits))
	}
	in.setE(uint32(d))
	d = uint64(in.getE()) // the E operand may alias the dividend registers
	var lo, hi uint64 = uint64(in.regN(eax, bits)), uint64(in.regN(edx, bits))
	if bits == 8 {
		lo, hi = uint64(in.regs[eax]&0xff), uint64(in.regs[eax]>>8&0xff)
	}
	if d != 0 && r.IntN(10) < 7 { // a quotient that fits
		if signed {
			sd := int64(d<<(64-bits)) >> (64 - bits)
			q := int64(int32(r.Uint32())) >> uint(r.IntN(bits))
			q = q << (64 - bits) >> (64 - bits) // fits in width
			if r.IntN(2) == 0 {
				q = q >> 1
			}
			rem := int64(0)
			if sd != 0 {
				a := sd
				if a < 0 {
					a = -a
				}
				rem = int64(r.Uint64() % uint64(a))
				if r.IntN(2) == 0 {
					rem = -rem
				}
			}
			n := q*sd + rem
			if (n >= 0) != (rem >= 0) && rem != 0 { // remainder takes the dividend's sign
				rem = -rem
				n = q*sd + rem
			}
			lo, hi = uint64(n)&m, uint64(n>>bits)&m
		} else {
			hi = hi % d
		}
	}
	if bits == 8 {
		in.regs[eax] = in.regs[eax]&^0xffff | uint32(hi<<8|lo)
	} else {
		in.setRegN(eax, bits, uint32(lo))
		in.setRegN(edx, bits, uint32(hi))
	}
	if !in.mem && regOf(in.rmreg, bits) == eax || !in.mem && regOf(in.rmreg, bits) == edx {
		// The divisor register doubles as part of the dividend: keep whatever it is now.
		in.skip = in.getE() == 0 && r.IntN(2) == 0
	}
}

func bitForms() []*form {
	var fs []*form
	const btU = fOF | fSF | fAF | fPF
	btSetup := func(in *inst, r *rand.Rand) {
		if in.mem { // keep the bit offset within ±1024 bits of the operand
			off := int32(r.IntN(2048)) - 1024
			if r.IntN(2) == 0 {
				off = int32(r.IntN(in.size))
			}
			in.setRegN(in.greg, in.size, uint32(off))
			in.randomFill(r, in.ea-136, 272)
		}
	}
	for k, mn := range []string{"bt", "bts", "btr", "btc"} {
		o := byte(0xa3 + 8*k)
		fs = append(fs,
			&form{group: "bits", mn: mn, op: b(0x0f, o), digit: modrmR, ops: "E,G", sizes: s1632, undef: btU, setup: btSetup, nReg: 20, nMem: 16},
			&form{group: "bits", mn: mn, op: b(0x0f, 0xba), digit: 4 + k, ops: "E,Ib", sizes: s1632, undef: btU, nReg: 16, nMem: 8},
		)
		if k > 0 {
			fs = append(fs, &form{group: "bits", mn: "lock_" + mn, pre: b(0xf0), op: b(0x0f, o), digit: modrmR, ops: "E,G", sizes: s32, memOnly: true, undef: btU, setup: btSetup, nMem: 8})
		}
	}
	bsSetup := func(in *inst, r *rand.Rand) {
		if r.IntN(5) == 0 {
			in.setE(0)
		}
		if in.getE() == 0 {
			in.undefRegs = 1 << in.greg // destination undefined for a zero source
		}
	}
	fs = append(fs,
		&form{group: "bits", mn: "bsf", op: b(0x0f, 0xbc), digit: modrmR, ops: "G,E", sizes: s1632, undef: fCF | fOF | fSF | fAF | fPF, setup: bsSetup},
		&form{group: "bits", mn: "bsr", op: b(0x0f, 0xbd), digit: modrmR, ops: "G,E", sizes: s1632, undef: fCF | fOF | fSF | fAF | fPF, setup: bsSetup},
		&form{group: "bits", mn: "popcnt", pre: b(0xf3), op: b(0x0f, 0xb8), digit: modrmR, ops: "G,E", sizes: s1632, setup: func(in *inst, r *rand.Rand) {
			switch r.IntN(6) {
			case 0:
				in.setE(0)
			case 1:
				in.setE(0xffffffff)
			}
		}},
	)
	return fs
}

func bcdForms() []*form {
	al := func(in *inst, r *rand.Rand) {
		if r.IntN(3) == 0 { // a valid packed/unpacked BCD byte
			in.setReg8(0, uint32(r.IntN(10)<<4|r.IntN(10)))
		}
	}
	aam := func(in *inst, r *rand.Rand) {
		switch r.IntN(4) {
		case 0, 1:
			in.imm[0] = 10
		case 2:
			in.imm[0] = uint32(r.IntN(3)) // includes 0: #DE
		}
	}
	return []*form{
		{group: "bcd", mn: "daa", op: b(0x27), digit: noModrm, sizes: s32, implicit: 1 << eax, undef: fOF, setup: al, nReg: 250},
		{group: "bcd", mn: "das", op: b(0x2f), digit: noModrm, sizes: s32, implicit: 1 << eax, undef: fOF, setup: al, nReg: 250},
		{group: "bcd", mn: "aaa", op: b(0x37), digit: noModrm, sizes: s32, implicit: 1 << eax, undef: fOF | fSF | fZF | fPF, setup: al, nReg: 200},
		{group: "bcd", mn: "aas", op: b(0x3f), digit: noModrm, sizes: s32, implicit: 1 << eax, undef: fOF | fSF | fZF | fPF, setup: al, nReg: 200},
		{group: "bcd", mn: "aam", op: b(0xd4), digit: noModrm, ops: "Ib", sizes: s32, implicit: 1 << eax, undef: fOF | fAF | fCF, setup: aam, nReg: 60},
		{group: "bcd", mn: "aad", op: b(0xd5), digit: noModrm, ops: "Ib", sizes: s32, implicit: 1 << eax, undef: fOF | fAF | fCF, setup: aam, nReg: 60},
	}
}
