package main

import (
	"fmt"
	"math/rand/v2"
)

// stringForms: MOVS CMPS STOS LODS SCAS, plain and with REP/REPE/REPNE, both
// directions, counts 0..9.
func stringForms() []*form {
	var fs []*form
	type sop struct {
		mn   string
		op   byte
		cmp  bool // sets flags and honours REPE/REPNE
		src  bool // reads [ESI]
		dst  bool // touches [EDI]
		uses uint8
	}
	ops := []sop{
		{"movs", 0xa4, false, true, true, 1<<esi | 1<<edi | 1<<ecx},
		{"cmps", 0xa6, true, true, true, 1<<esi | 1<<edi | 1<<ecx},
		{"stos", 0xaa, false, false, true, 1<<eax | 1<<edi | 1<<ecx},
		{"lods", 0xac, false, true, false, 1<<eax | 1<<esi | 1<<ecx},
		{"scas", 0xae, true, false, true, 1<<eax | 1<<edi | 1<<ecx},
	}
	for _, s := range ops {
		s := s
		setup := func(in *inst, r *rand.Rand) {
			in.flags = in.flags&^fDF | uint32(r.IntN(2))*fDF
			in.regs[ecx] = uint32(r.IntN(10))
			src := dataAddr + 0x880 + uint32(r.IntN(64)) // above fsBase: FS-relative sources stay in the segment
			dst := dataAddr + 0xa00 + uint32(r.IntN(64))
			in.randomFill(r, src-40, 80)
			in.randomFill(r, dst-40, 80)
			if s.cmp && r.IntN(3) != 0 { // mostly equal runs with one difference somewhere
				for i := -40; i < 40; i++ {
					in.memPut(dst+uint32(i), 1, in.memGet(src+uint32(i), 1))
				}
				step := in.size / 8
				if in.size == 32 && in.f.op[0]&1 == 0 {
					step = 1
				}
				k := r.IntN(12) - 1
				if in.flags&fDF != 0 {
					k = -k
				}
				in.memPut(dst+uint32(k*step), 1, uint64(r.Uint32()))
				if s.mn == "scas" {
					v := in.memGet(dst+uint32(r.IntN(3)*step), step)
					in.setRegN(eax, step*8, uint32(v))
				}
			}
			if s.src {
				in.regs[esi] = src
			}
			if s.dst {
				in.regs[edi] = dst
			}
			if s.mn == "scas" && r.IntN(3) == 0 {
				in.setRegN(eax, 8, uint32(in.memGet(dst, 1)))
			}
		}
		pres := [][]byte{nil, {0xf3}}
		if s.cmp {
			pres = append(pres, []byte{0xf2})
		}
		for _, p := range pres {
			mn := s.mn
			switch {
			case len(p) > 0 && p[0] == 0xf3 && s.cmp:
				mn = "repe_" + mn
			case len(p) > 0 && p[0] == 0xf3:
				mn = "rep_" + mn
			case len(p) > 0:
				mn = "repne_" + mn
			}
			n := 30
			fs = append(fs,
				&form{group: "string", mn: mn + "b", pre: p, op: b(s.op), digit: noModrm, sizes: s8, implicit: s.uses, setup: setup, nReg: n},
				&form{group: "string", mn: mn, pre: p, op: b(s.op + 1), digit: noModrm, sizes: s1632, implicit: s.uses, setup: setup, nReg: n},
			)
		}
	}
	return fs
}

// stackForms: PUSH/POP in all encodings, PUSHF/POPF, PUSHA/POPA, ENTER/LEAVE.
func stackForms() []*form {
	popf := func(in *inst, r *rand.Rand) {
		v := r.Uint32()&(fArith|fDF) | 0x202
		if in.size == 16 {
			in.memPut(stackTop, 2, uint64(v))
		} else {
			in.memPut(stackTop, 4, uint64(v))
		}
	}
	enter := func(in *inst, r *rand.Rand) {
		in.imm[0] = uint32(r.IntN(4) * 4)
		if r.IntN(3) == 0 {
			in.imm[0] = edge(r, 16) & 0x1ff
		}
		in.imm[1] = []uint32{0, 0, 1, 2, 3, 4, 33}[r.IntN(7)]
		in.regs[ebp] = stackTop + 0x100 + uint32(r.IntN(16))*4
		in.randomFill(r, stackTop+0x80, 0x200)
		in.randomFill(r, stackTop-0x300, 0x340)
	}
	leave := func(in *inst, r *rand.Rand) {
		in.regs[ebp] = stackTop + uint32(r.IntN(64))*4
		in.randomFill(r, stackTop, 0x110)
	}
	fs := []*form{
		{mn: "push", op: b(0x50), digit: noModrm, ops: "Z"},
		{mn: "pop", op: b(0x58), digit: noModrm, ops: "Z"},
		{mn: "push", op: b(0x68), digit: noModrm, ops: "I", nReg: 8},
		{mn: "push", op: b(0x6a), digit: noModrm, ops: "Ib", nReg: 8},
		{mn: "push", op: b(0xff), digit: 6, ops: "E", nReg: 8},
		{mn: "pop", op: b(0x8f), digit: 0, ops: "E", nReg: 8},
		{mn: "pushf", op: b(0x9c), digit: noModrm, nReg: 12},
		{mn: "popf", op: b(0x9d), digit: noModrm, nReg: 12, setup: popf},
		{mn: "pusha", op: b(0x60), digit: noModrm, nReg: 8},
		{mn: "popa", op: b(0x61), digit: noModrm, nReg: 8},
		{mn: "enter", op: b(0xc8), digit: noModrm, ops: "Iw,Ib", nReg: 30, setup: enter, implicit: 1 << ebp},
		{mn: "leave", op: b(0xc9), digit: noModrm, nReg: 12, setup: leave, implicit: 1 << ebp},
	}
	for _, f := range fs {
		f.group, f.sizes, f.stack = "stack", s1632, true
		f.implicit |= 1 << esp
	}
	// ESP as the base of the memory operand: PUSH reads it before the
	// decrement, POP computes the address after the increment.
	espBase := func(in *inst, r *rand.Rand) {
		d := byte(r.IntN(8) * 4)
		if in.size == 16 {
			d = byte(r.IntN(16) * 2)
		}
		if r.IntN(3) == 0 {
			in.modrm = []byte{in.modrm[0]&0x38 | 0x04, 0x24}
			d = 0
		} else {
			in.modrm = []byte{in.modrm[0]&0x38 | 0x44, 0x24, d}
		}
		in.ea = stackTop + uint32(d)
		in.randomFill(r, stackTop-8, 48)
	}
	fs = append(fs,
		&form{group: "stack", mn: "push_espbase", op: b(0xff), digit: 6, ops: "E", sizes: s1632, stack: true, implicit: 1 << esp, memOnly: true, setup: espBase, nMem: 8},
		&form{group: "stack", mn: "pop_espbase", op: b(0x8f), digit: 0, ops: "E", sizes: s1632, stack: true, implicit: 1 << esp, memOnly: true, setup: espBase, nMem: 8},
	)
	return fs
}

// landingTarget picks a branch target near the instruction that leaves room
// for the 16-byte landings at the target and after the instruction.
func landingTarget(r *rand.Rand) uint32 {
	if r.IntN(2) == 0 {
		return insnAddr + 0x40 + uint32(r.IntN(0xf0))*16
	}
	return insnAddr - 0x40 - uint32(r.IntN(0xf0))*16
}

// branchForms: Jcc, JMP, CALL, RET, LOOPcc, JECXZ. Each taken branch lands on a
// landing the harness writes at the target.
func branchForms() []*form {
	var fs []*form
	rel := func(width int) func(in *inst, r *rand.Rand) {
		return func(in *inst, r *rand.Rand) {
			n := len(in.code)
			var d int32
			if width == 8 {
				if r.IntN(2) == 0 {
					d = 16 + int32(r.IntN(112))
				} else {
					d = -int32(n) - 16 - int32(r.IntN(100))
				}
				in.code[n-1] = byte(d)
			} else {
				d = int32(landingTarget(r)) - int32(insnAddr+uint32(n))
				for i := 0; i < 4; i++ {
					in.code[n-4+i] = byte(uint32(d) >> (8 * i))
				}
			}
			in.land = append(in.land, insnAddr+uint32(n)+uint32(d))
		}
	}
	ecxSetup := func(in *inst, r *rand.Rand) {
		in.regs[ecx] = []uint32{0, 1, 2, 3, 0xffffffff, 0x10000, r.Uint32()}[r.IntN(7)]
	}
	for cc := byte(0); cc < 16; cc++ {
		fs = append(fs,
			&form{mn: "j" + ccName[cc], op: b(0x70 + cc), digit: noModrm, ops: "Jb", sizes: s32, post: rel(8), nReg: 16},
			&form{mn: "j" + ccName[cc], op: b(0x0f, 0x80+cc), digit: noModrm, ops: "Jd", sizes: s32, post: rel(32), nReg: 10},
		)
	}
	fs = append(fs,
		&form{mn: "jmp", op: b(0xeb), digit: noModrm, ops: "Jb", sizes: s32, post: rel(8), nReg: 8},
		&form{mn: "jmp", op: b(0xe9), digit: noModrm, ops: "Jd", sizes: s32, post: rel(32), nReg: 8},
		&form{mn: "call", op: b(0xe8), digit: noModrm, ops: "Jd", sizes: s32, post: rel(32), stack: true, implicit: 1 << esp, nReg: 8},
		&form{mn: "loop", op: b(0xe2), digit: noModrm, ops: "Jb", sizes: s32, post: rel(8), setup: ecxSetup, implicit: 1 << ecx, nReg: 16},
		&form{mn: "loope", op: b(0xe1), digit: noModrm, ops: "Jb", sizes: s32, post: rel(8), setup: ecxSetup, implicit: 1 << ecx, nReg: 16},
		&form{mn: "loopne", op: b(0xe0), digit: noModrm, ops: "Jb", sizes: s32, post: rel(8), setup: ecxSetup, implicit: 1 << ecx, nReg: 16},
		&form{mn: "jecxz", op: b(0xe3), digit: noModrm, ops: "Jb", sizes: s32, post: rel(8), setup: ecxSetup, implicit: 1 << ecx, nReg: 12},
		// 67: 16-bit address size, so the count register is CX.
		&form{mn: "jcxz", pre: b(0x67), op: b(0xe3), digit: noModrm, ops: "Jb", sizes: s32, post: rel(8), setup: ecxSetup, implicit: 1 << ecx, nReg: 12},
		&form{mn: "a16_loop", pre: b(0x67), op: b(0xe2), digit: noModrm, ops: "Jb", sizes: s32, post: rel(8), setup: ecxSetup, implicit: 1 << ecx, nReg: 12},
		&form{mn: "a16_loope", pre: b(0x67), op: b(0xe1), digit: noModrm, ops: "Jb", sizes: s32, post: rel(8), setup: ecxSetup, implicit: 1 << ecx, nReg: 12},
		&form{mn: "a16_loopne", pre: b(0x67), op: b(0xe0), digit: noModrm, ops: "Jb", sizes: s32, post: rel(8), setup: ecxSetup, implicit: 1 << ecx, nReg: 12},
	)
	for _, hint := range []byte{0x2e, 0x3e} { // branch hints: ignored prefixes
		fs = append(fs,
			&form{mn: fmt.Sprintf("hint%02x_je", hint), pre: b(hint), op: b(0x74), digit: noModrm, ops: "Jb", sizes: s32, post: rel(8), nReg: 6},
			&form{mn: fmt.Sprintf("hint%02x_jne", hint), pre: b(hint), op: b(0x0f, 0x85), digit: noModrm, ops: "Jd", sizes: s32, post: rel(32), nReg: 6})
	}
	indirect := func(in *inst, r *rand.Rand) {
		if in.f.stack && !in.mem && in.rmreg == esp {
			in.skip = true // CALL ESP would push into the code area, which no vector records
			return
		}
		t := landingTarget(r)
		in.setE(t)
		in.land = append(in.land, t)
	}
	ret := func(in *inst, r *rand.Rand) {
		t := landingTarget(r)
		in.memPut(stackTop, 4, uint64(t))
		in.land = append(in.land, t)
		if len(in.imm) > 0 {
			in.imm[0] = uint32(r.IntN(16)) * 4
			if r.IntN(4) == 0 {
				in.imm[0] = uint32(r.IntN(0x200))
			}
		}
	}
	fs = append(fs,
		&form{mn: "jmp", op: b(0xff), digit: 4, ops: "E", sizes: s32, setup: indirect, nReg: 8, nMem: 8},
		&form{mn: "call", op: b(0xff), digit: 2, ops: "E", sizes: s32, setup: indirect, stack: true, implicit: 1 << esp, nReg: 8, nMem: 8},
		&form{mn: "ret", op: b(0xc3), digit: noModrm, sizes: s32, setup: ret, stack: true, implicit: 1 << esp, nReg: 8},
		&form{mn: "ret", op: b(0xc2), digit: noModrm, ops: "Iw", sizes: s32, setup: ret, stack: true, implicit: 1 << esp, nReg: 12},
		&form{mn: "rep_ret", pre: b(0xf3), op: b(0xc3), digit: noModrm, sizes: s32, setup: ret, stack: true, implicit: 1 << esp, nReg: 4},
	)
	for _, f := range fs {
		f.group = "branch"
	}
	return fs
}

// faultForms: instructions whose expected result is an exception.
func faultForms() []*form {
	lowAddr := func(in *inst, r *rand.Rand) { // an address in the never-mapped first page
		in.imm[0] = uint32(r.IntN(0x1000))
	}
	bound := func(in *inst, r *rand.Rand) {
		w := in.size / 8
		lo := int32(edge(r, in.size)<<(32-in.size)) >> (32 - in.size)
		hi := int32(edge(r, in.size)<<(32-in.size)) >> (32 - in.size)
		if lo > hi && r.IntN(2) == 0 {
			lo, hi = hi, lo
		}
		in.memPut(in.ea, w, uint64(uint32(lo)))
		in.memPut(in.ea+uint32(w), w, uint64(uint32(hi)))
		switch r.IntN(3) {
		case 0:
			in.setRegN(in.greg, in.size, uint32(lo))
		case 1:
			in.setRegN(in.greg, in.size, uint32(hi))
		}
	}
	execFault := func(in *inst, r *rand.Rand) { in.setE(uint32(r.IntN(0x1000))) }
	o16Target := func(in *inst, r *rand.Rand) {
		if in.f.stack && !in.mem && in.rmreg == esp {
			in.skip = true
			return
		}
		in.setE(r.Uint32())
	}
	o16Ret := func(in *inst, r *rand.Rand) { in.memPut(stackTop, 2, uint64(r.Uint32())) }
	// crossPage re-encodes the memory operand as [disp32] straddling the end of
	// the data page: the next page is unmapped, so the access must fault
	// without a partial write.
	crossPage := func(in *inst, r *rand.Rand) {
		a := uint32(dataAddr + pageSize - 1 - r.IntN(in.size/8-1))
		in.modrm = append([]byte{0x05 | in.modrm[0]&0x38}, byte(a), byte(a>>8), byte(a>>16), byte(a>>24))
		in.ea = a
		in.randomFill(r, dataAddr+pageSize-8, 8)
	}
	pushCross := func(in *inst, r *rand.Rand) {
		in.regs[esp] = stackAddr + uint32(r.IntN(in.size/8))
		in.randomFill(r, stackAddr, 8)
	}
	fs := []*form{
		{mn: "mov_cross", op: b(0x8b), digit: modrmR, ops: "G,E", sizes: s1632, memOnly: true, setup: crossPage, nMem: 6},
		{mn: "mov_cross", op: b(0x89), digit: modrmR, ops: "E,G", sizes: s1632, memOnly: true, setup: crossPage, nMem: 6},
		{mn: "add_cross", op: b(0x01), digit: modrmR, ops: "E,G", sizes: s1632, memOnly: true, setup: crossPage, nMem: 6},
		{mn: "push_cross", op: b(0x50), digit: noModrm, ops: "Z", sizes: s1632, stack: true, implicit: 1 << esp, setup: pushCross, nReg: 6},
		{mn: "lock_cmp", pre: b(0xf0), op: b(0x39), digit: modrmR, ops: "E,G", memOnly: true, nMem: 3},
		{mn: "lock_inc", pre: b(0xf0), op: b(0xff), digit: 0, ops: "E", regOnly: true, nReg: 3},
		{mn: "ud2", op: b(0x0f, 0x0b), digit: noModrm, nReg: 4},
		{mn: "int3", op: b(0xcc), digit: noModrm, nReg: 4},
		{mn: "into", op: b(0xce), digit: noModrm, nReg: 12},
		{mn: "hlt", op: b(0xf4), digit: noModrm, nReg: 3},
		{mn: "cli", op: b(0xfa), digit: noModrm, nReg: 3},
		{mn: "sti", op: b(0xfb), digit: noModrm, nReg: 3},
		{mn: "in", op: b(0xe4), digit: noModrm, ops: "AL,Ib", nReg: 3},
		{mn: "out", op: b(0xe6), digit: noModrm, ops: "Ib,AL", nReg: 3},
		{mn: "lock_add", pre: b(0xf0), op: b(0x01), digit: modrmR, ops: "E,G", regOnly: true, nReg: 4},
		{mn: "lock_mov", pre: b(0xf0), op: b(0x89), digit: modrmR, ops: "E,G", nReg: 2, nMem: 4},
		{mn: "mov_low", op: b(0xa1), digit: noModrm, ops: "eAX,O", setup: lowAddr, implicit: 1 << eax, nReg: 6},
		{mn: "mov_low", op: b(0xa3), digit: noModrm, ops: "O,eAX", setup: lowAddr, implicit: 1 << eax, nReg: 6},
		{mn: "jmp_low", op: b(0xff), digit: 4, ops: "E", setup: execFault, regOnly: true, nReg: 6},
		// 16-bit operand size on near branches: the target is truncated to 16 bits (IP), which
		// lands in the never-mapped first 64 KiB, so the fetch there faults after the branch
		// (CALL has pushed its 16-bit return address, RET has popped 16 bits).
		{mn: "o16_jmp", op: b(0xff), digit: 4, ops: "E", sizes: s16, setup: o16Target, nReg: 6, nMem: 6},
		{mn: "o16_call", op: b(0xff), digit: 2, ops: "E", sizes: s16, setup: o16Target, stack: true, implicit: 1 << esp, nReg: 6, nMem: 6},
		{mn: "o16_jmp_rel", op: b(0xe9), digit: noModrm, ops: "Iw", sizes: s16, nReg: 6},
		{mn: "o16_call_rel", op: b(0xe8), digit: noModrm, ops: "Iw", sizes: s16, stack: true, implicit: 1 << esp, nReg: 6},
		{mn: "o16_jz_rel", op: b(0x0f, 0x84), digit: noModrm, ops: "Iw", sizes: s16, nReg: 8},
		{mn: "o16_ret", op: b(0xc3), digit: noModrm, sizes: s16, setup: o16Ret, stack: true, implicit: 1 << esp, nReg: 6},
		{mn: "o16_ret", op: b(0xc2), digit: noModrm, ops: "Iw", sizes: s16, setup: o16Ret, stack: true, implicit: 1 << esp, nReg: 6},
		{mn: "bound", op: b(0x62), digit: modrmR, ops: "G,M", sizes: s1632, memOnly: true, setup: bound, nMem: 24},
		{mn: "lock_bt", pre: b(0xf0), op: b(0x0f, 0xa3), digit: modrmR, ops: "E,G", memOnly: true, nMem: 3},
		// reserved encodings: #UD
		{mn: "ud0", op: b(0x0f, 0xff), digit: modrmR, ops: "G,E", regOnly: true, nReg: 2},
		{mn: "ud1", op: b(0x0f, 0xb9), digit: modrmR, ops: "G,E", regOnly: true, nReg: 2},
		{mn: "lea_reg", op: b(0x8d), digit: modrmR, ops: "G,E", regOnly: true, nReg: 2},
		{mn: "grp4_2", op: b(0xfe), digit: 2, ops: "E", regOnly: true, nReg: 2},
		{mn: "grp5_7", op: b(0xff), digit: 7, ops: "E", regOnly: true, nReg: 2},
		{mn: "grp1a_1", op: b(0x8f), digit: 1, ops: "E", memOnly: true, nMem: 2},
		{mn: "cmpxchg8b_reg", op: b(0x0f, 0xc7), digit: 1, ops: "E", regOnly: true, nReg: 2},
		{mn: "icebp", op: b(0xf1), digit: noModrm, nReg: 3},
		// privileged and system instructions (#GP at CPL 3; RSM is #UD)
		{mn: "in_dx", op: b(0xec), digit: noModrm, nReg: 2},
		{mn: "out_dx", op: b(0xee), digit: noModrm, nReg: 2},
		{mn: "insb", op: b(0x6c), digit: noModrm, nReg: 2},
		{mn: "outsb", op: b(0x6e), digit: noModrm, nReg: 2},
		{mn: "ins", op: b(0x6d), digit: noModrm, sizes: s1632, nReg: 2},
		{mn: "outs", op: b(0x6f), digit: noModrm, sizes: s1632, nReg: 2},
		{mn: "rep_outs", pre: b(0xf3), op: b(0x6f), digit: noModrm, sizes: s1632, nReg: 2},
		{mn: "rdpmc", op: b(0x0f, 0x33), digit: noModrm, nReg: 2},
		{mn: "sysexit", op: b(0x0f, 0x35), digit: noModrm, nReg: 2},
		{mn: "clts", op: b(0x0f, 0x06), digit: noModrm, nReg: 2},
		{mn: "invd", op: b(0x0f, 0x08), digit: noModrm, nReg: 2},
		{mn: "wbinvd", op: b(0x0f, 0x09), digit: noModrm, nReg: 2},
		{mn: "wrmsr", op: b(0x0f, 0x30), digit: noModrm, nReg: 2},
		{mn: "rdmsr", op: b(0x0f, 0x32), digit: noModrm, nReg: 2},
		{mn: "rsm", op: b(0x0f, 0xaa), digit: noModrm, nReg: 2},
		{mn: "lldt", op: b(0x0f, 0x00), digit: 2, ops: "Ew", nReg: 2, nMem: 2},
		{mn: "ltr", op: b(0x0f, 0x00), digit: 3, ops: "Ew", nReg: 2, nMem: 2},
		{mn: "lgdt", op: b(0x0f, 0x01), digit: 2, ops: "M", memOnly: true, nMem: 2},
		{mn: "lidt", op: b(0x0f, 0x01), digit: 3, ops: "M", memOnly: true, nMem: 2},
		{mn: "lmsw", op: b(0x0f, 0x01), digit: 6, ops: "Ew", nReg: 2, nMem: 2},
		{mn: "invlpg", op: b(0x0f, 0x01), digit: 7, ops: "M", memOnly: true, nMem: 2},
	}
	// Instructions that straddle a page boundary: into the next (mapped) code
	// page, which must execute normally, or past the end of the code area,
	// whose fetch faults (execute access at the first byte of the missing page).
	straddle := func(end uint32) func(in *inst, r *rand.Rand) {
		return func(in *inst, r *rand.Rand) {
			k := 1 + r.IntN(len(in.code)-1) // bytes before the boundary
			in.at = end - uint32(k)
		}
	}
	for _, x := range []struct {
		mn  string
		end uint32
	}{{"straddle_ok", insnAddr + 0x1000}, {"straddle_fault", codeEnd}} {
		fs = append(fs,
			&form{mn: x.mn + "_mov", op: b(0xb8), digit: noModrm, ops: "Z,I", post: straddle(x.end), nReg: 6},
			&form{mn: x.mn + "_add", op: b(0x81), digit: 0, ops: "E,I", post: straddle(x.end), nReg: 4, nMem: 4},
			&form{mn: x.mn + "_nop", op: b(0x0f, 0x1f), digit: 0, ops: "E", memOnly: true, post: straddle(x.end), nMem: 4},
		)
	}
	// INT n other than 3 (and other than the vectors Linux or Windows give user
	// mode: 4, 0x80; 0x29 0x2c 0x2d 0x2e) is #GP.
	for _, n := range []byte{0x00, 0x01, 0x05, 0x0d, 0x0e, 0x10, 0x21, 0x41, 0x81, 0xff} {
		fs = append(fs, &form{mn: fmt.Sprintf("int_%02x", n), op: b(0xcd, n), digit: noModrm, nReg: 1})
	}
	// INT 3 in its two-byte form (a known anti-debugging trick: Windows reports it one byte
	// into the instruction) and INT3 with a redundant prefix.
	fs = append(fs, &form{mn: "int_03", op: b(0xcd, 0x03), digit: noModrm, nReg: 3},
		&form{mn: "pfx3e_int3", pre: b(0x3e), op: b(0xcc), digit: noModrm, nReg: 2})
	for _, f := range fs {
		f.group = "fault"
		if f.sizes == nil {
			f.sizes = s32
		}
	}
	return fs
}

// trapForms: a selection of forms run with TF set, so the CPU raises the
// single-step trap (#DB) after the instruction (after each iteration of a REP
// instruction; not after one that faults).
func trapForms(all []*form) []*form {
	pick := []struct {
		group, mn string
		op        byte
		sizes     []int
	}{
		{"mov", "nop", 0x90, s32}, {"alu", "add", 0x01, s32}, {"alu", "inc", 0x40, s32}, {"mov", "mov", 0x8b, s32},
		{"mov", "sahf", 0x9e, s32}, {"branch", "jmp", 0xeb, s32}, {"branch", "je", 0x74, s32},
		{"branch", "call", 0xe8, s32}, {"branch", "ret", 0xc3, s32}, {"branch", "loop", 0xe2, s32},
		{"stack", "pushf", 0x9c, s32}, {"stack", "popf", 0x9d, s32}, {"stack", "push", 0x50, s32},
		{"string", "rep_movsb", 0xa4, s8}, {"string", "rep_stos", 0xab, s32}, {"string", "repe_cmpsb", 0xa6, s8},
		{"muldiv", "div", 0xf7, s32}, {"fault", "ud2", 0x0f, s32}, {"fault", "int3", 0xcc, s32},
		{"fault", "mov_low", 0xa1, s32},
	}
	var fs []*form
	for _, p := range pick {
		for _, f := range all {
			if f.group != p.group || f.mn != p.mn || f.op[0] != p.op {
				continue
			}
			t := *f
			t.group, t.mn, t.sizes, t.stack = "trap", "tf_"+f.mn, p.sizes, true
			t.implicit |= 1 << esp
			t.nReg, t.nMem = 8, 4
			inner := f.setup
			t.setup = func(in *inst, r *rand.Rand) {
				if inner != nil {
					inner(in, r)
				}
				in.flags |= fTF
				in.memPut(in.regs[esp]-4, 4, uint64(in.flags))
			}
			fs = append(fs, &t)
			break
		}
	}
	return fs
}

// fsForms: operands with an FS segment override, as Windows code reaches its
// TEB (fs:[0] SEH chain, fs:[18h] TEB self pointer, fs:[30h] PEB). The harness
// bases FS at fsBase; LEA ignores the segment; string instructions take FS for
// the source (DS:ESI) only.
func fsForms(all []*form) []*form {
	pick := []struct {
		group, mn string
		op        byte
		digit     int
	}{
		{"mov", "mov", 0x8b, modrmR}, {"mov", "mov", 0x89, modrmR}, {"mov", "mov", 0x8a, modrmR},
		{"mov", "mov", 0x88, modrmR}, {"mov", "mov", 0xa1, noModrm}, {"mov", "mov", 0xa3, noModrm},
		{"alu", "add", 0x01, modrmR}, {"alu", "add", 0x03, modrmR}, {"alu", "inc", 0xff, 0},
		{"mov", "lea", 0x8d, modrmR}, {"mov", "cmpxchg", 0x0f, modrmR}, {"mov", "xlat", 0xd7, noModrm},
		{"stack", "push", 0xff, 6}, {"stack", "pop", 0x8f, 0}, {"branch", "call", 0xff, 2}, {"branch", "jmp", 0xff, 4},
		{"string", "movsb", 0xa4, noModrm}, {"string", "rep_movs", 0xa5, noModrm}, {"string", "lods", 0xad, noModrm},
		{"string", "cmpsb", 0xa6, noModrm}, {"string", "stosb", 0xaa, noModrm},
	}
	// Offsets past the segment limit (0xFFF, as Windows' TEB segment): #GP.
	limit := func(in *inst, r *rand.Rand) {
		in.imm[0] = []uint32{0xffd, 0xffe, 0xfff, 0x1000, 0x2000, 0x7ffffffc, 0xfffffffc}[r.IntN(7)]
	}
	fs := []*form{
		{group: "segfs", mn: "fs_limit_mov", op: b(0xa1), digit: noModrm, ops: "eAX,O", sizes: s32, fs: true, implicit: 1 << eax, setup: limit, nReg: 8},
		{group: "segfs", mn: "fs_limit_mov", op: b(0xa3), digit: noModrm, ops: "O,eAX", sizes: s32, fs: true, implicit: 1 << eax, setup: limit, nReg: 6},
	}
	for _, p := range pick {
		for _, f := range all {
			if f.group != p.group || f.mn != p.mn || f.op[0] != p.op || f.digit != p.digit || f.regOnly {
				continue
			}
			t := *f
			t.group, t.mn, t.fs, t.memOnly = "segfs", "fs_"+f.mn, true, f.hasE()
			t.nReg, t.nMem = 8, 8
			inner := f.setup
			t.setup = func(in *inst, r *rand.Rand) {
				if inner != nil {
					inner(in, r)
				}
				switch {
				case p.mn == "xlat":
					in.regs[ebx] -= fsBase
				case p.group == "string" && p.mn != "stosb":
					in.regs[esi] -= fsBase
				}
			}
			fs = append(fs, &t)
			break
		}
	}
	return fs
}

// a16Forms: memory operands with 16-bit addressing (the 67 prefix):
// [BX+SI], [BX+DI], [BP+SI], [BP+DI], [SI], [DI], [disp16]/[BP], [BX] with
// 8- and 16-bit displacements, wrapping at 64 KiB. Flat segments put every such
// address in the never-mapped first 64 KiB, so loads and stores fault there
// (the fault address checks the computation); LEA computes the offset only;
// an FS override reaches fsBase + offset.
func a16Forms() []*form {
	a16 := func(withFS bool) func(in *inst, r *rand.Rand) {
		return func(in *inst, r *rand.Rand) {
			reg := in.modrm[0] >> 3 & 7
			r16 := func(n int) uint32 { return in.regs[n] & 0xffff }
			bases := [8]func() uint32{
				func() uint32 { return r16(ebx) + r16(esi) }, func() uint32 { return r16(ebx) + r16(edi) },
				func() uint32 { return r16(ebp) + r16(esi) }, func() uint32 { return r16(ebp) + r16(edi) },
				func() uint32 { return r16(esi) }, func() uint32 { return r16(edi) },
				func() uint32 { return r16(ebp) }, func() uint32 { return r16(ebx) },
			}
			mod, rm := r.IntN(3), r.IntN(8)
			var base, disp uint32
			var db []byte
			switch {
			case mod == 0 && rm == 6:
				disp = uint32(r.IntN(0x10000))
				db = []byte{byte(disp), byte(disp >> 8)}
			case mod == 0:
				base = bases[rm]()
			case mod == 1:
				base, disp = bases[rm](), uint32(int32(int8(r.Uint32())))
				db = []byte{byte(disp)}
			default:
				base, disp = bases[rm](), uint32(r.IntN(0x10000))
				db = []byte{byte(disp), byte(disp >> 8)}
			}
			if withFS { // aim at fsBase + [0x100, 0x700) with a 16-bit displacement
				if mod == 0 && rm != 6 || mod == 1 {
					mod = 2
				}
				t := uint32(0x100 + r.IntN(0x600))
				if mod == 0 {
					base = 0
				}
				disp = (t - base) & 0xffff
				db = []byte{byte(disp), byte(disp >> 8)}
			}
			in.modrm = append([]byte{byte(mod)<<6 | reg<<3 | byte(rm)}, db...)
			off := (base + disp) & 0xffff
			if withFS {
				in.ea = fsBase + off
				in.randomFill(r, in.ea-4, 4+in.size/8+4)
			} else {
				in.ea = off
			}
		}
	}
	return []*form{
		{group: "fault", mn: "a16_mov", pre: b(0x67), op: b(0x8b), digit: modrmR, ops: "G,E", sizes: s1632, memOnly: true, setup: a16(false), nMem: 12},
		{group: "fault", mn: "a16_mov", pre: b(0x67), op: b(0x89), digit: modrmR, ops: "E,G", sizes: s32, memOnly: true, setup: a16(false), nMem: 8},
		{group: "mov", mn: "a16_lea", pre: b(0x67), op: b(0x8d), digit: modrmR, ops: "G,M", sizes: s1632, memOnly: true, setup: a16(false), nMem: 24},
		{group: "segfs", mn: "fs_a16_mov", pre: b(0x67), op: b(0x8b), digit: modrmR, ops: "G,E", sizes: s1632, memOnly: true, fs: true, setup: a16(true), nMem: 12},
		{group: "segfs", mn: "fs_a16_add", pre: b(0x67), op: b(0x01), digit: modrmR, ops: "E,G", sizes: s32, memOnly: true, fs: true, setup: a16(true), nMem: 8},
		{group: "segfs", mn: "fs_a16_cmp", pre: b(0x67), op: b(0x3b), digit: modrmR, ops: "G,E", sizes: s1632, memOnly: true, fs: true, setup: a16(true), nMem: 8},
		{group: "segfs", mn: "fs_a16_xchg", pre: b(0x67), op: b(0x87), digit: modrmR, ops: "E,G", sizes: s1632, memOnly: true, fs: true, setup: a16(true), nMem: 8},
		{group: "segfs", mn: "fs_a16_inc", pre: b(0x67), op: b(0xfe), digit: 0, ops: "E", sizes: s8, memOnly: true, fs: true, setup: a16(true), nMem: 8},
		{group: "segfs", mn: "fs_a16_sub", pre: b(0x67), op: b(0x81), digit: 5, ops: "E,I", sizes: s1632, memOnly: true, fs: true, setup: a16(true), nMem: 8},
		{group: "segfs", mn: "fs_a16_movzx", pre: b(0x67), op: b(0x0f, 0xb6), digit: modrmR, ops: "G,Eb", sizes: s32, memOnly: true, fs: true, setup: a16(true), nMem: 8},
		{group: "segfs", mn: "fs_a16_bt", pre: b(0x67), op: b(0x0f, 0xba), digit: 4, ops: "E,Ib", sizes: s1632, memOnly: true, fs: true, setup: a16(true), undef: fOF | fSF | fAF | fPF, nMem: 8},
	}
}

// a16StringForms: every string form (plain, REP, REPE, REPNE) and XLAT with the
// 67 prefix, which makes them use SI, DI, CX and BX (16-bit, wrapping) instead of
// the 32-bit registers. The high halves of ESI, EDI, ECX and EBX are random, so
// using them shows. Forms that read DS:SI take an FS override (the source is
// fsBase + SI, mapped); ES:DI is flat and lands in the never-mapped first 64 KiB,
// so a destination access faults at DI (with the iterations done so far), while a
// REP count of 0 in CX runs nothing.
func a16StringForms(all []*form) []*form {
	var fs []*form
	for _, f := range all {
		isXlat := f.group == "mov" && f.mn == "xlat"
		if f.group != "string" && !isXlat {
			continue
		}
		t := *f
		t.group, t.mn = "string", "a16_"+f.mn
		t.pre = append([]byte{0x67}, f.pre...)
		t.nReg = 12
		readsSrc := f.implicit&(1<<esi) != 0
		t.fs = readsSrc || isXlat
		inner := f.setup
		t.setup = func(in *inst, r *rand.Rand) {
			if inner != nil {
				inner(in, r)
			}
			hi := func() uint32 { return r.Uint32() &^ 0xffff }
			if isXlat {
				in.regs[ebx] = hi() | uint32(0x100+r.IntN(0x600))
				return
			}
			if f.implicit&(1<<ecx) != 0 {
				in.regs[ecx] = hi() | in.regs[ecx]&0xffff
			}
			if readsSrc {
				in.regs[esi] = hi() | (in.regs[esi]-fsBase)&0xffff
			}
			if f.implicit&(1<<edi) != 0 {
				in.regs[edi] = r.Uint32()
			}
		}
		fs = append(fs, &t)
	}
	return fs
}
