package cpu

// ea returns the linear address of in's memory operand: base + index<<scale + disp, truncated to
// 16 bits under the 0x67 prefix, plus the FS or GS base when overridden.
//
// FS and GS also have a limit (CPU.FSLimit, GSLimit): an access whose last byte lies beyond it is a
// #GP, not a page fault. ea reports that by returning segFaultAddr (which no user-mode access can
// reach) with c.segFault set; the access then fails and memFault turns it into GeneralProtection.
// So a handler needs nothing special: compute ea, access memory, return memFault on failure.
func (c *CPU) ea(in *Inst) uint32 {
	a := c.offset(in)
	c.segFault = false
	switch in.Seg {
	case segFS:
		return c.segAddr(a, c.FSBase, c.FSLimit, in.MemSize)
	case segGS:
		return c.segAddr(a, c.GSBase, c.GSLimit, in.MemSize)
	}
	return a
}

// offset returns the offset of in's memory operand within its segment: base + index<<scale + disp,
// truncated to 16 bits under the 0x67 prefix (what LEA stores). It inlines into ea.
func (c *CPU) offset(in *Inst) uint32 {
	a := in.Disp
	if in.Base != noReg {
		a += c.Regs[in.Base&7]
	}
	if in.Index != noReg {
		a += c.Regs[in.Index&7] << in.Scale
	}
	if in.AddrSize == 2 {
		a &= 0xFFFF
	}
	return a
}

// segFaultAddr is returned by ea for an access beyond a segment limit: the top of the kernel half,
// which user-mode accesses always fault on.
const segFaultAddr = 0xFFFFFFF0

// segAddr applies a segment's base and limit to offset off for an access of size bytes.
func (c *CPU) segAddr(off, base, limit uint32, size uint16) uint32 {
	last := uint64(off) + uint64(max(size, 1)) - 1
	if last > uint64(limit) {
		c.segFault = true
		return segFaultAddr
	}
	return off + base
}

// eaFlat is ea for the fast paths, which fastOf only picks for flat 32-bit addressing.
func (c *CPU) eaFlat(in *Inst) uint32 {
	a := in.Disp
	if in.Base != noReg {
		a += c.Regs[in.Base&7]
	}
	if in.Index != noReg {
		a += c.Regs[in.Index&7] << (in.Scale & 3)
	}
	return a
}

// segCheck reports whether an access of size bytes at offset off is within in's segment limit
// (always true for flat segments). Used where the offset is implicit (string sources, XLAT).
func (c *CPU) segCheck(in *Inst, off uint32, size uint16) bool {
	var limit uint32
	switch in.Seg {
	case segFS:
		limit = c.FSLimit
	case segGS:
		limit = c.GSLimit
	default:
		return true
	}
	return uint64(off)+uint64(max(size, 1))-1 <= uint64(limit)
}

// segBase returns the base added for in's segment (string sources, XLAT).
func (c *CPU) segBase(in *Inst) uint32 {
	switch in.Seg {
	case segFS:
		return c.FSBase
	case segGS:
		return c.GSBase
	}
	return 0
}

// Memory accessors for handlers: ok=false means the access faulted; return c.memFault().
func (c *CPU) read8(a uint32) (uint8, bool)    { return c.Mem.Read8(a) }
func (c *CPU) read16(a uint32) (uint16, bool)  { return c.Mem.Read16(a) }
func (c *CPU) read32(a uint32) (uint32, bool)  { return c.Mem.Read32(a) }
func (c *CPU) read64(a uint32) (uint64, bool)  { return c.Mem.Read64(a) }
func (c *CPU) write8(a uint32, v uint8) bool   { return c.Mem.Write8(a, v) }
func (c *CPU) write16(a uint32, v uint16) bool { return c.Mem.Write16(a, v) }
func (c *CPU) write32(a uint32, v uint32) bool { return c.Mem.Write32(a, v) }
func (c *CPU) write64(a uint32, v uint64) bool { return c.Mem.Write64(a, v) }

// readMem reads size (1, 2 or 4) bytes at a, zero-extended.
func (c *CPU) readMem(a uint32, size uint16) (uint32, bool) {
	switch size {
	case 4:
		return c.read32(a)
	case 2:
		v, ok := c.read16(a)
		return uint32(v), ok
	default:
		v, ok := c.read8(a)
		return uint32(v), ok
	}
}

// writeMem writes the low size (1, 2 or 4) bytes of v at a.
func (c *CPU) writeMem(a uint32, size uint16, v uint32) bool {
	switch size {
	case 4:
		return c.write32(a, v)
	case 2:
		return c.write16(a, uint16(v))
	default:
		return c.write8(a, uint8(v))
	}
}

// getReg reads general register r at size bytes (8-bit: AL CL DL BL AH CH DH BH).
func (c *CPU) getReg(r uint8, size uint16) uint32 {
	switch size {
	case 4:
		return c.Regs[r&7]
	case 2:
		return c.Regs[r&7] & 0xFFFF
	}
	if r < 4 {
		return c.Regs[r&3] & 0xFF
	}
	return c.Regs[r&3] >> 8 & 0xFF
}

// setReg writes general register r at size bytes, keeping the other bits.
func (c *CPU) setReg(r uint8, size uint16, v uint32) {
	switch size {
	case 4:
		c.Regs[r&7] = v
	case 2:
		c.Regs[r&7] = c.Regs[r&7]&^0xFFFF | v&0xFFFF
	default:
		if r < 4 {
			c.Regs[r&3] = c.Regs[r&3]&^0xFF | v&0xFF
		} else {
			c.Regs[r&3] = c.Regs[r&3]&^0xFF00 | (v&0xFF)<<8
		}
	}
}

// readArg reads integer operand i (register, memory, immediate) zero-extended to 32 bits; for
// memory it also returns the address (so a read-modify-write computes it once).
func (c *CPU) readArg(in *Inst, i int) (v, addr uint32, ok bool) {
	a := &in.Args[i]
	switch a.Kind {
	case argReg:
		return c.getReg(a.Reg, a.Size), 0, true
	case argMem:
		addr = c.ea(in)
		v, ok = c.readMem(addr, a.Size)
		return v, addr, ok
	case argImm:
		if a.Reg == 0 {
			return in.Imm & sizeMask[7&a.Size], 0, true
		}
		return in.Imm2 & sizeMask[7&a.Size], 0, true
	case argSeg:
		return uint32(c.seg[a.Reg%6]), 0, true
	}
	return 0, 0, true
}

// writeArg writes integer operand i; addr is the memory address readArg returned (or 0 to compute it).
func (c *CPU) writeArg(in *Inst, i int, addr, v uint32, haveAddr bool) bool {
	a := &in.Args[i]
	switch a.Kind {
	case argReg:
		c.setReg(a.Reg, a.Size, v)
		return true
	case argMem:
		if !haveAddr {
			addr = c.ea(in)
		}
		return c.writeMem(addr, a.Size, v)
	}
	return true
}

// push32 pushes v; on a fault nothing changes.
func (c *CPU) push32(v uint32) bool {
	sp := c.Regs[ESP] - 4
	if !c.Mem.Write32(sp, v) {
		return false
	}
	c.Regs[ESP] = sp
	return true
}

// push16 pushes a word.
func (c *CPU) push16(v uint16) bool {
	sp := c.Regs[ESP] - 2
	if !c.Mem.Write16(sp, v) {
		return false
	}
	c.Regs[ESP] = sp
	return true
}

// push pushes size (2 or 4) bytes.
func (c *CPU) push(v uint32, size uint8) bool {
	if size == 2 {
		return c.push16(uint16(v))
	}
	return c.push32(v)
}

// pop reads size (2 or 4) bytes at ESP without moving it (the caller commits ESP after its
// other effects succeed).
func (c *CPU) peek(size uint8) (uint32, bool) {
	if size == 2 {
		v, ok := c.Mem.Read16(c.Regs[ESP])
		return uint32(v), ok
	}
	return c.Mem.Read32(c.Regs[ESP])
}
