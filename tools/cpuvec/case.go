package main

import (
	"fmt"
	"math/rand/v2"
)

// Fixed guest layout shared with harness.c and core/cpu/vectors_test.go.
const (
	insnAddr  = 0x10008000 // first byte of the instruction under test
	dataAddr  = 0x20000000 // one page of memory operands
	stackAddr = 0x30000000 // one page of stack
	pageSize  = 4096
	stackTop  = stackAddr + 0x800 // ESP for stack forms
	fsBase    = dataAddr + 0x800  // FS segment base in the harness (the TEB in Windows)
	codeEnd   = 0x10010000        // end of the harness's code area: the page after it is unmapped
)

// Register numbers in encoding order.
const (
	eax = iota
	ecx
	edx
	ebx
	esp
	ebp
	esi
	edi
)

// EFLAGS bits.
const (
	fCF = 1 << 0
	fPF = 1 << 2
	fAF = 1 << 4
	fZF = 1 << 6
	fSF = 1 << 7
	fTF = 1 << 8
	fDF = 1 << 10
	fOF = 1 << 11

	fArith = fCF | fPF | fAF | fZF | fSF | fOF
	// fCompared are the flags a vector records and the runner compares.
	fCompared = fArith | fDF
)

// inst is one test case under construction: the encoded instruction and the
// complete input state, plus what the generator knows about undefined results.
type inst struct {
	f    *form
	size int  // operand size in bits: 8, 16, 32 (64 for 8-byte memory operands)
	mem  bool // the E operand is memory

	greg, rmreg, zreg int      // register numbers chosen for G, E (reg form), Z operands
	imm               []uint32 // immediates in operand order
	ea                uint32   // linear address of the memory operand
	segBase           uint32   // base of the segment the memory operand uses (FS forms)
	modrm             []byte   // encoded ModRM/SIB/displacement
	addrRegs          uint8    // registers used for addressing (bit per register)

	regs  [8]uint32
	flags uint32
	fx    [512]byte
	data  [pageSize]byte
	stack [pageSize]byte

	code      []byte
	at        uint32   // instruction address when not insnAddr (page-straddling cases)
	land      []uint32 // extra landing addresses (branch targets)
	undef     uint32   // flags the SDM leaves undefined for this case
	undefRegs uint8    // registers whose result the SDM leaves undefined
	skip      bool     // setup decided this combination is not a valid test
}

// defaultFX returns an FXSAVE image in the state Windows gives a new thread:
// FCW 0x27F (53-bit precision, all exceptions masked), empty stack, MXCSR 0x1F80.
func defaultFX() [512]byte {
	var fx [512]byte
	fx[0], fx[1] = 0x7f, 0x02
	fx[24], fx[25] = 0x80, 0x1f // MXCSR
	fx[28], fx[29] = 0xff, 0xff // MXCSR_MASK (ignored by FXRSTOR)
	fx[30], fx[31] = 0x00, 0x00 //
	return fx
}

// edge returns an interesting value of the given width.
func edge(r *rand.Rand, bits int) uint32 {
	var e []uint32
	switch bits {
	case 8:
		e = []uint32{0, 1, 2, 0x7f, 0x80, 0x81, 0xff, 0xfe, 0x0f, 0x10, 0x40, 0x99, 0x09}
	case 16:
		e = []uint32{0, 1, 2, 0x7fff, 0x8000, 0x8001, 0xffff, 0xfffe, 0xff, 0x100, 0x00ff}
	default:
		e = []uint32{0, 1, 2, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe, 0xffff, 0x10000, 0xff}
	}
	if r.IntN(5) < 2 {
		return r.Uint32() & mask(bits)
	}
	return e[r.IntN(len(e))] & mask(bits)
}

func mask(bits int) uint32 {
	if bits >= 32 {
		return 0xffffffff
	}
	return 1<<bits - 1
}

// randomFlags returns random arithmetic flags, and DF with probability 1/4.
func randomFlags(r *rand.Rand) uint32 {
	f := r.Uint32() & fArith
	if r.IntN(4) == 0 {
		f |= fDF
	}
	return f | 2
}

// setReg8 writes an 8-bit register (AL..BH numbering).
func (in *inst) setReg8(n int, v uint32) {
	if n < 4 {
		in.regs[n] = in.regs[n]&^0xff | v&0xff
	} else {
		in.regs[n-4] = in.regs[n-4]&^0xff00 | (v&0xff)<<8
	}
}

func (in *inst) reg8(n int) uint32 {
	if n < 4 {
		return in.regs[n] & 0xff
	}
	return in.regs[n-4] >> 8 & 0xff
}

// setRegN writes the low bits of register n at the given size (8-bit uses AL..BH numbering).
func (in *inst) setRegN(n, bits int, v uint32) {
	switch bits {
	case 8:
		in.setReg8(n, v)
	case 16:
		in.regs[n] = in.regs[n]&^0xffff | v&0xffff
	default:
		in.regs[n] = v
	}
}

func (in *inst) regN(n, bits int) uint32 {
	if bits == 8 {
		return in.reg8(n)
	}
	return in.regs[n] & mask(bits)
}

// memPut stores little-endian bytes at a guest address inside the data or stack page.
func (in *inst) memPut(addr uint32, n int, v uint64) {
	for i := 0; i < n; i++ {
		a := addr + uint32(i)
		b := byte(v >> (8 * i))
		switch {
		case a >= dataAddr && a < dataAddr+pageSize:
			in.data[a-dataAddr] = b
		case a >= stackAddr && a < stackAddr+pageSize:
			in.stack[a-stackAddr] = b
		default:
			panic(fmt.Sprintf("memPut outside the test pages: %#x", a))
		}
	}
}

func (in *inst) memGet(addr uint32, n int) uint64 {
	var v uint64
	for i := n - 1; i >= 0; i-- {
		a := addr + uint32(i)
		var b byte
		switch {
		case a >= dataAddr && a < dataAddr+pageSize:
			b = in.data[a-dataAddr]
		case a >= stackAddr && a < stackAddr+pageSize:
			b = in.stack[a-stackAddr]
		}
		v = v<<8 | uint64(b)
	}
	return v
}

// randomFill puts random bytes in [addr, addr+n).
func (in *inst) randomFill(r *rand.Rand, addr uint32, n int) {
	for i := 0; i < n; i++ {
		in.memPut(addr+uint32(i), 1, uint64(r.Uint32()))
	}
}

// setE sets the value of the E operand (register or memory) at the instance size.
func (in *inst) setE(v uint32) {
	if in.mem {
		in.memPut(in.ea, in.size/8, uint64(v))
		return
	}
	in.setRegN(in.rmreg, in.size, v)
}

func (in *inst) getE() uint32 {
	if in.mem {
		return uint32(in.memGet(in.ea, in.size/8))
	}
	return in.regN(in.rmreg, in.size)
}
