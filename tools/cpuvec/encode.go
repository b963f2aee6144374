package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Modrm field sentinels for form.digit.
const (
	modrmR    = -1 // ModRM present, reg field is the G operand (/r)
	noModrm   = -2 // no ModRM byte
	sizeOfOp  = 0  // operand suffix: use the form's operand size
	opsizePfx = 0x66
)

// form is one instruction form: an opcode (with its /digit or /r), the operand
// pattern in Intel opcode-map notation, and how to make good inputs for it.
//
// Operand kinds in ops (comma separated; a trailing size b/w/d/q pins the width,
// otherwise the instance's operand size applies):
//
//	E  ModRM r/m (register or memory)     M  ModRM memory only     R  ModRM register only
//	G  ModRM reg field                    Z  register in the opcode's low 3 bits
//	I  immediate of the operand size (imm32 for 32-bit, imm16 for 16, imm8 for 8)
//	Ib Iw immediates of fixed width       Jb Jd relative branch displacement
//	O  moffs32 absolute address
//	anything else (AL, eAX, CL, 1, ...) is implicit and only names the form.
type form struct {
	group    string
	mn       string
	pre      []byte // prefixes emitted after the 0x66 operand-size prefix
	op       []byte
	digit    int // /digit, or modrmR, or noModrm
	ops      string
	sizes    []int  // operand sizes to generate
	implicit uint8  // registers read or written implicitly (never used for addressing)
	stack    bool   // uses the stack: ESP = stackTop, stack around it random
	memOnly  bool   // E operand is memory only
	regOnly  bool   // E operand is register only
	undef    uint32 // flags the SDM leaves undefined (static part)
	align    uint32 // memory operand alignment (0 or 1: any)
	undefSW  uint16 // x87 status-word bits the SDM leaves undefined
	misalign bool   // memory operand deliberately not 16-byte aligned
	fs       bool   // FS segment override (64 prefix): operands address fsBase + offset
	nReg     int    // vectors per size for the register form (0 = default)
	nMem     int    // vectors per size for the memory form (0 = default)
	// setup adjusts a case after the generic random choices (operand values,
	// counts, divisors, branch targets) and may set in.undef/undefRegs/skip.
	setup func(in *inst, r *rand.Rand)
	// post runs after encoding, when the instruction length is known.
	post func(in *inst, r *rand.Rand)
}

const (
	defaultNReg = 20
	defaultNMem = 10
)

func (f *form) hasE() bool { return f.digit != noModrm }

func (f *form) opnds() []string {
	if f.ops == "" {
		return nil
	}
	return strings.Split(f.ops, ",")
}

func (f *form) hasG() bool {
	for _, o := range f.opnds() {
		if o[0] == 'G' {
			return true
		}
	}
	return false
}

func (f *form) hasZ() bool {
	for _, o := range f.opnds() {
		if o == "Z" {
			return true
		}
	}
	return false
}

// opndSize returns the width of an operand given the instance size.
func opndSize(o string, size int) int {
	if len(o) == 2 {
		switch o[1] {
		case 'b':
			return 8
		case 'w':
			return 16
		case 'd':
			return 32
		case 'q':
			return 64
		case 't':
			return 80
		}
	}
	return size
}

// id names a form instance: mnemonic, operands with widths, opcode, r/m kind.
func (f *form) id(size int, mem bool) string {
	var b strings.Builder
	b.WriteString(f.mn)
	sized := false // some operand's width shows the operand size
	if ops := f.opnds(); len(ops) > 0 {
		b.WriteByte('.')
		for i, o := range ops {
			if strings.ContainsRune("EGMRZIO", rune(o[0])) && len(o) == 1 {
				sized = true
			}
			if i > 0 {
				b.WriteByte(',')
			}
			switch o[0] {
			case 'E', 'G', 'M', 'R', 'Z', 'I', 'O':
				fmt.Fprintf(&b, "%c%d", o[0], opndSize(o, size))
			case 'J':
				b.WriteString(o)
			default:
				b.WriteString(o)
			}
		}
	}
	if !sized && len(f.sizes) > 1 {
		fmt.Fprintf(&b, ".%d", size)
	}
	b.WriteByte('.')
	for _, p := range f.pre {
		fmt.Fprintf(&b, "%02x", p)
	}
	for _, o := range f.op {
		fmt.Fprintf(&b, "%02x", o)
	}
	if f.digit >= 0 {
		fmt.Fprintf(&b, "/%d", f.digit)
	}
	if f.hasE() {
		if mem {
			b.WriteString(".m")
		} else {
			b.WriteString(".r")
		}
	}
	return b.String()
}

// build makes one random case of form f.
func build(f *form, size int, mem bool, r *rand.Rand) *inst {
	in := &inst{f: f, size: size, mem: mem}
	in.fx = defaultFX()
	for i := range in.regs {
		in.regs[i] = r.Uint32()
		if r.IntN(4) != 0 {
			bits := size
			if bits > 32 {
				bits = 32
			}
			in.regs[i] = in.regs[i]&^mask(bits) | edge(r, bits)
		}
	}
	in.flags = randomFlags(r)
	in.greg, in.rmreg, in.zreg = r.IntN(8), r.IntN(8), r.IntN(8)
	if fpuGroup(f.group) {
		// x87/SIMD forms read at most two GPRs (G and the r/m register) besides
		// addressing registers; the others stay zero, which keeps lines short.
		g, e := in.regs[in.greg], in.regs[in.rmreg]
		in.regs = [8]uint32{}
		in.regs[in.greg], in.regs[in.rmreg] = g, e
	}
	if f.stack {
		in.regs[esp] = stackTop
		in.randomFill(r, stackTop-16, 56)
	}

	// Operand registers are never used for addressing.
	excl := f.implicit
	if f.hasG() {
		excl |= 1 << regOf(in.greg, opndSizeG(f, size))
	}
	if f.hasZ() {
		excl |= 1 << regOf(in.zreg, size)
	}
	if f.stack {
		excl |= 1 << esp
	}
	regField := f.digit
	if regField == modrmR {
		regField = in.greg
	}
	var seg byte
	if f.fs {
		seg, in.segBase = 0x64, fsBase
	}
	if f.hasE() {
		if mem {
			if seg == 0 && r.IntN(8) == 0 {
				seg = []byte{0x26, 0x36, 0x3e}[r.IntN(3)]
			}
			in.encodeMem(regField, excl, r)
			eSize := size
			for _, o := range f.opnds() {
				if o[0] == 'E' || o[0] == 'M' {
					eSize = opndSize(o, size)
				}
			}
			in.randomFill(r, in.ea-8, 8)
			in.randomFill(r, in.ea+uint32(eSize/8), 8)
			for i := 0; i < eSize/8; i += 4 {
				n := min(4, eSize/8-i)
				in.memPut(in.ea+uint32(i), n, uint64(edge(r, min(32, eSize))))
			}
		} else {
			in.modrm = []byte{0xc0 | byte(regField)<<3 | byte(in.rmreg)}
		}
	}
	for _, o := range f.opnds() {
		switch {
		case o == "I":
			in.imm = append(in.imm, edge(r, min(size, 32)))
		case o == "Ib":
			in.imm = append(in.imm, edge(r, 8))
		case o == "Iw":
			in.imm = append(in.imm, edge(r, 16))
		case o == "O":
			in.ea = dataAddr + 0x100 + uint32(r.IntN(0xd00))
			if in.segBase != 0 {
				in.ea = in.segBase + uint32(r.IntN(0x7e0))
			}
			in.imm = append(in.imm, in.ea-in.segBase)
			in.randomFill(r, in.ea-4, 4+size/8+4)
		case o[0] == 'J':
			in.imm = append(in.imm, 16+uint32(r.IntN(64)))
		}
	}
	if f.setup != nil {
		f.setup(in, r)
	}
	if in.skip {
		return nil
	}
	in.undef |= f.undef

	var code []byte
	if seg != 0 {
		code = append(code, seg)
	}
	if size == 16 {
		code = append(code, opsizePfx)
	}
	code = append(code, f.pre...)
	code = append(code, f.op...)
	if f.hasZ() {
		code[len(code)-1] += byte(in.zreg)
	}
	code = append(code, in.modrm...)
	k := 0
	for _, o := range f.opnds() {
		var n int
		switch {
		case o == "I":
			n = min(size, 32) / 8
		case o == "Ib", o == "Jb":
			n = 1
		case o == "Iw":
			n = 2
		case o == "O", o == "Jd":
			n = 4
		default:
			continue
		}
		v := in.imm[k]
		k++
		for i := 0; i < n; i++ {
			code = append(code, byte(v>>(8*i)))
		}
	}
	in.code = code
	if f.post != nil {
		f.post(in, r)
	}
	if in.skip || len(in.code) > 15 {
		return nil
	}
	return in
}

func opndSizeG(f *form, size int) int {
	for _, o := range f.opnds() {
		if o[0] == 'G' {
			return opndSize(o, size)
		}
	}
	return size
}

// regOf maps a register number at a width to the 32-bit register it lives in.
func regOf(n, bits int) int {
	if bits == 8 {
		return n & 3
	}
	return n
}

// encodeMem picks a random 32-bit addressing form whose effective address
// falls inside the data page, sets the address registers and in.modrm/in.ea.
func (in *inst) encodeMem(regField int, excl uint8, r *rand.Rand) {
	in.ea = dataAddr + 0x100 + uint32(r.IntN(0xd00))
	if a := in.f.align; a > 1 {
		in.ea &^= a - 1
	}
	if in.f.misalign {
		in.ea = in.ea&^15 + 1 + uint32(r.IntN(15))
	}
	if in.segBase != 0 { // FS: offsets within the TEB-sized segment's mapped half
		in.ea = in.segBase + uint32(r.IntN(0x7e0))
	}
	ea := in.ea - in.segBase // the offset the address computation must produce
	free := func(noESP, noEBP bool) []int {
		var l []int
		for i := 0; i < 8; i++ {
			if excl&(1<<i) != 0 || (noESP && i == esp) || (noEBP && i == ebp) {
				continue
			}
			l = append(l, i)
		}
		return l
	}
	rf := byte(regField) << 3
	le32 := func(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
	for {
		switch r.IntN(7) {
		case 0: // [disp32]
			in.modrm = append([]byte{0x05 | rf}, le32(ea)...)
			return
		case 1: // [base]
			l := free(true, true)
			if len(l) == 0 {
				continue
			}
			b := l[r.IntN(len(l))]
			in.regs[b] = ea
			in.addrRegs = 1 << b
			in.modrm = []byte{byte(b) | rf}
			return
		case 2: // [base+disp8]
			l := free(true, false)
			if len(l) == 0 {
				continue
			}
			b := l[r.IntN(len(l))]
			d := int8(r.Uint32())
			in.regs[b] = ea - uint32(int32(d))
			in.addrRegs = 1 << b
			in.modrm = []byte{0x40 | byte(b) | rf, byte(d)}
			return
		case 3: // [base+disp32]
			l := free(true, false)
			if len(l) == 0 {
				continue
			}
			b := l[r.IntN(len(l))]
			d := r.Uint32()
			in.regs[b] = ea - d
			in.addrRegs = 1 << b
			in.modrm = append([]byte{0x80 | byte(b) | rf}, le32(d)...)
			return
		case 4: // [base+index*scale+disp8]
			lb, li := free(false, false), free(true, false)
			if len(lb) < 2 || len(li) == 0 {
				continue
			}
			b := lb[r.IntN(len(lb))]
			i := li[r.IntN(len(li))]
			if i == b {
				continue
			}
			s := r.IntN(4)
			d := int8(r.Uint32())
			iv := r.Uint32()
			if r.IntN(2) == 0 {
				iv = uint32(r.IntN(64))
			}
			in.regs[i] = iv
			in.regs[b] = ea - iv<<s - uint32(int32(d))
			in.addrRegs = 1<<b | 1<<i
			in.modrm = []byte{0x44 | rf, byte(s)<<6 | byte(i)<<3 | byte(b), byte(d)}
			if b == ebp && r.IntN(2) == 0 { // also the disp32 variant
				dd := r.Uint32()
				in.regs[b] = ea - iv<<s - dd
				in.modrm = append([]byte{0x84 | rf, byte(s)<<6 | byte(i)<<3 | byte(b)}, le32(dd)...)
			}
			return
		case 5: // [index*scale+disp32]
			li := free(true, false)
			if len(li) == 0 {
				continue
			}
			i := li[r.IntN(len(li))]
			s := r.IntN(4)
			iv := r.Uint32()
			in.regs[i] = iv
			in.addrRegs = 1 << i
			in.modrm = append([]byte{0x04 | rf, byte(s)<<6 | byte(i)<<3 | 5}, le32(ea-iv<<s)...)
			return
		case 6: // [base] through a SIB with no index (the ESP-based form)
			l := free(false, true)
			if len(l) == 0 {
				continue
			}
			b := l[r.IntN(len(l))]
			s := r.IntN(4) // scale is ignored without an index
			in.regs[b] = ea
			in.addrRegs = 1 << b
			in.modrm = []byte{0x04 | rf, byte(s)<<6 | 4<<3 | byte(b)}
			return
		}
	}
}
