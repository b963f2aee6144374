package cpu

import (
	"slices"

	"golang.org/x/arch/x86/x86asm"

	"github.com/peek32/peek32/mm"
)

// maxInstLen is the architectural limit on an x86 instruction's length.
const maxInstLen = 15

// endbr32 is ENDBR32 (F3 0F 1E FB), which x86asm decodes as Op 0 without an error; on a CPU
// without CET it is a hint NOP (patchAlias turns it into one).
var endbr32 = [4]byte{0xF3, 0x0F, 0x1E, 0xFB}

// decodeAt decodes the instruction at addr into in. It returns ok=false, with in describing a
// fetch fault or an invalid opcode, when the bytes cannot be executed.
func decodeAt(mem *mm.Space, addr uint32, in *Inst) {
	var buf [maxInstLen]byte
	n := fetch(mem, addr, buf[:])
	*in = Inst{Addr: addr, Base: noReg, Index: noReg, OpSize: 4, AddrSize: 4}
	if n == 0 {
		fetchFault(mem, in)
		return
	}
	src := buf[:n]
	if i := prefixLen(src); i < n && src[i] == 0xD6 {
		in.Op, in.Len = opSALC, uint8(i+1)
		if slices.Contains(src[:i], 0xF0) {
			in.Op = opInvalid
		}
		return
	}
	x, err := x86asm.Decode(src, 32)
	if err != nil || x.Op == 0 {
		// Encodings x86asm does not know but the processor runs: decode the documented twin.
		if patchAlias(src) {
			x, err = x86asm.Decode(src, 32)
		}
	}
	if err != nil || x.Op == 0 || x.Len <= 0 || x.Len > n {
		if n < maxInstLen {
			// The bytes may have been cut short by an unfetchable page: decide by whether the
			// decoder wanted more (truncated, or Op 0 with no error, x86asm's truncation trap).
			if truncated(err) || (err == nil && x.Op == 0) {
				fetchFault(mem, in)
				return
			}
		}
		in.Op, in.Len = opInvalid, 1
		return
	}
	convert(&x, addr, in)
}

// patchAlias rewrites, in place, an encoding that x86asm rejects into the equivalent one it
// decodes: 82 /r (alias of 80 in 32-bit mode), the SAL alias /6 of the shift group (= SHL /4),
// TEST F6/F7 /1 (= /0) and the hint NOPs 0F 19..0F 1F /r (= 0F 1F /0, NOP r/m; this includes
// ENDBR32). It reports whether it changed anything.
func patchAlias(src []byte) bool {
	i := prefixLen(src)
	if i+1 >= len(src) {
		return false
	}
	op, modrm := src[i], src[i+1]
	reg := modrm >> 3 & 7
	switch {
	case op == 0x82:
		src[i] = 0x80
	case (op == 0xD0 || op == 0xD1 || op == 0xD2 || op == 0xD3 || op == 0xC0 || op == 0xC1) && reg == 6:
		src[i+1] = modrm&^0x38 | 4<<3
	case (op == 0xF6 || op == 0xF7) && reg == 1:
		src[i+1] = modrm &^ 0x38
	case op == 0x0F && modrm >= 0x19 && modrm <= 0x1F && i+2 < len(src):
		// x86asm knows only 0F 1F /0 without REP prefixes; the length is the same for any
		// ModRM reg field, and a DS override in place of F2/F3 changes nothing.
		src[i+1] = 0x1F
		src[i+2] &^= 0x38
		for j := range i {
			if src[j] == 0xF2 || src[j] == 0xF3 {
				src[j] = 0x3E
			}
		}
	default:
		return false
	}
	return true
}

// truncated reports whether a decode error says the input ended early. The VEX/EVEX decoder
// returns its own errors.New("truncated") rather than ErrTruncated.
func truncated(err error) bool {
	return err == x86asm.ErrTruncated || (err != nil && err.Error() == "truncated")
}

// prefixLen returns the number of legacy prefix bytes at the start of src.
func prefixLen(src []byte) int {
	i := 0
	for i < len(src) && i < maxInstLen-1 {
		switch src[i] {
		case 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3:
			i++
			continue
		}
		break
	}
	return i
}

// fetchFault makes in raise the execute fault that the last fetch reported (the fault address is
// in Imm, 1 in Imm2 for a guard page). The fault is taken from translation because a guard page
// is consumed by the fetch that discovers it.
func fetchFault(mem *mm.Space, in *Inst) {
	f := mem.LastFault()
	in.Op, in.Len, in.Imm, in.Imm2 = opFetchFault, 1, f.Addr, 0
	if f.Reason == mm.FaultGuard {
		in.Imm2 = 1
	}
}

// fetch reads up to len(buf) bytes of executable memory at addr and returns how many it got
// (it stops at the first byte that cannot be executed).
func fetch(mem *mm.Space, addr uint32, buf []byte) int {
	for len(buf) > 0 {
		room := mm.PageSize - int(addr&(mm.PageSize-1))
		k := min(room, len(buf))
		got, ok := mem.Fetch(addr, buf[:k])
		if !ok || got < k {
			return maxInstLen - len(buf) + got
		}
		buf = buf[k:]
		addr += uint32(k)
	}
	return maxInstLen
}

// convert translates a decoded instruction into in (already holding Addr and the defaults).
// Anything the table row does not accept becomes opInvalid.
func convert(x *x86asm.Inst, addr uint32, in *Inst) {
	in.Len = uint8(x.Len)
	if x.DataSize == 16 {
		in.OpSize = 2
	}
	if x.AddrSize == 16 {
		in.AddrSize = 2
	}
	for _, p := range x.Prefix {
		if p == 0 {
			break
		}
		switch p &^ (x86asm.PrefixImplicit | x86asm.PrefixIgnored) {
		case x86asm.PrefixLOCK:
			in.Lock = true
		case x86asm.PrefixREP:
			in.Rep = repE
		case x86asm.PrefixREPN:
			in.Rep = repNE
		}
		if p&x86asm.PrefixInvalid != 0 && p&0xFF == 0xF0 {
			in.Lock = true // still checked below against the row
		}
	}
	op := int(x.Op)
	if op <= 0 || op >= numX86Ops || handlers[op] == nil {
		in.Op, in.Len = opInvalid, uint8(x.Len)
		return
	}
	in.Op = uint16(op)
	nimm := uint8(0)
	memSeen := false
	next := addr + uint32(x.Len)
	for i, a := range x.Args {
		if a == nil {
			break
		}
		if i >= len(in.Args) {
			in.Op = opInvalid
			return
		}
		d := &in.Args[i]
		switch a := a.(type) {
		case x86asm.Reg:
			k, num, size := mapReg(a)
			if k == argNone {
				in.Op = opInvalid
				return
			}
			if k == argSys {
				in.Op = opPriv // MOV CRn/DRn and friends: #GP in ring 3
				return
			}
			d.Kind, d.Reg, d.Size = k, num, size
		case x86asm.Mem:
			d.Kind = argMem
			d.Size = uint16(x.MemBytes)
			in.MemSize = d.Size
			if !convertMem(a, in, memSeen) {
				in.Op = opInvalid
				return
			}
			memSeen = true
		case x86asm.Imm:
			if nimm == 0 {
				in.Imm = uint32(int64(a))
			} else {
				in.Imm2 = uint32(int64(a))
			}
			d.Kind, d.Reg, d.Size = argImm, nimm, uint16(in.OpSize)
			nimm++
		case x86asm.Rel:
			t := next + uint32(int32(a))
			if in.OpSize == 2 {
				t &= 0xFFFF
			}
			d.Kind, d.Size, in.Imm = argRel, uint16(in.OpSize), t
		default:
			in.Op = opInvalid
			return
		}
	}
	// Immediates take the size of the destination operand (ADD AL, imm8 is a byte operation).
	for i := 1; i < len(in.Args); i++ {
		if in.Args[i].Kind == argImm && in.Args[0].Kind != argImm && in.Args[0].Size != 0 && in.Args[0].Size <= 4 {
			in.Args[i].Size = in.Args[0].Size
		}
	}
	row := &opTable[op]
	if !row.accepts(in) {
		in.Op = opInvalid
		return
	}
	in.Form = formOf(in)
	in.Fast = fastOf(in)
}

// formOf classifies the operands for the handlers' fast paths.
func formOf(in *Inst) uint8 {
	a0, a1 := in.Args[0], in.Args[1]
	if a0.Size != 4 || (a1.Kind != argImm && a1.Size != 4) || in.Args[2].Kind != argNone {
		return formGeneric
	}
	switch {
	case a0.Kind == argReg && a1.Kind == argReg:
		return formRR
	case a0.Kind == argReg && a1.Kind == argImm:
		return formRI
	case a0.Kind == argReg && a1.Kind == argMem:
		return formRM
	case a0.Kind == argMem && a1.Kind == argReg:
		return formMR
	case a0.Kind == argMem && a1.Kind == argImm:
		return formMI
	}
	return formGeneric
}

// convertMem fills the memory-operand fields of in. String instructions carry two memory operands
// (one fixed to ES:EDI); the segment that matters is an FS or GS override on either.
func convertMem(m x86asm.Mem, in *Inst, second bool) bool {
	switch m.Segment {
	case x86asm.FS:
		in.Seg = segFS
	case x86asm.GS:
		in.Seg = segGS
	}
	if second {
		// Second memory operand of a string instruction: its registers are implied by the op.
		return true
	}
	if m.Base != 0 {
		r, ok := addrReg(m.Base)
		if !ok {
			return false
		}
		in.Base = r
	}
	if m.Index != 0 {
		r, ok := addrReg(m.Index)
		if !ok {
			return false
		}
		in.Index = r
		switch m.Scale {
		case 1:
			in.Scale = 0
		case 2:
			in.Scale = 1
		case 4:
			in.Scale = 2
		case 8:
			in.Scale = 3
		default:
			return false
		}
	}
	in.Disp = uint32(m.Disp)
	return true
}

// addrReg maps a 32- or 16-bit address register to its number.
func addrReg(r x86asm.Reg) (uint8, bool) {
	switch {
	case r >= x86asm.EAX && r <= x86asm.EDI:
		return uint8(r - x86asm.EAX), true
	case r >= x86asm.AX && r <= x86asm.DI:
		return uint8(r - x86asm.AX), true
	}
	return 0, false
}

// mapReg maps an x86asm register to an operand kind, number and size (argNone if unusable in
// 32-bit user mode).
func mapReg(r x86asm.Reg) (argKind, uint8, uint16) {
	switch {
	case r >= x86asm.AL && r <= x86asm.BH:
		return argReg, uint8(r - x86asm.AL), 1
	case r >= x86asm.AX && r <= x86asm.DI:
		return argReg, uint8(r - x86asm.AX), 2
	case r >= x86asm.EAX && r <= x86asm.EDI:
		return argReg, uint8(r - x86asm.EAX), 4
	case r >= x86asm.F0 && r <= x86asm.F7:
		return argST, uint8(r - x86asm.F0), 10
	case r >= x86asm.M0 && r <= x86asm.M7:
		return argMM, uint8(r - x86asm.M0), 8
	case r >= x86asm.X0 && r <= x86asm.X7:
		return argXMM, uint8(r - x86asm.X0), 16
	case r >= x86asm.ES && r <= x86asm.GS:
		return argSeg, uint8(r - x86asm.ES), 2
	case r >= x86asm.GDTR && r <= x86asm.DR7:
		return argSys, uint8(r - x86asm.GDTR), 4
	}
	return argNone, 0, 0
}
