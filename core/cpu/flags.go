package cpu

// Lazy flag operations: what the last flag-setting arithmetic instruction was.
const (
	lazyNone  uint8 = iota // c.flags holds the status flags
	lazyAdd                // res = a + b
	lazyAdc                // res = a + b + cin
	lazySub                // res = a - b (also CMP, NEG as 0 - b)
	lazySbb                // res = a - b - cin
	lazyLogic              // AND/OR/XOR/TEST: CF=OF=AF=0
	lazyInc                // res = a + 1, CF = cin (preserved)
	lazyDec                // res = a - 1, CF = cin (preserved)
)

// lazyFlags is the recorded last flag-setting operation. Values are kept masked to size.
type lazyFlags struct {
	op   uint8
	size uint8 // 1, 2 or 4
	cin  uint32
	a, b uint32
	res  uint32
}

// sizeMask and signBit by operand size in bytes (index 1, 2, 4; indexes are masked with 7 so a
// malformed size can never panic, only compute garbage for an instruction the table refuses).
var sizeMask = [8]uint32{0, 0xFF, 0xFFFF, 0, 0xFFFFFFFF}
var signBit = [8]uint32{0, 0x80, 0x8000, 0, 0x80000000}

// parity[b] is PF for the byte b (set when the number of one bits is even).
var parity = func() (t [256]bool) {
	for i := range t {
		n := 0
		for v := i; v != 0; v >>= 1 {
			n += v & 1
		}
		t[i] = n%2 == 0
	}
	return t
}()

// setLazy records an arithmetic result of the given size (values already masked to it).
func (c *CPU) setLazy(op, size uint8, a, b, res uint32) {
	c.lf.op, c.lf.size, c.lf.a, c.lf.b, c.lf.res = op, size, a, b, res
}

// setLazy4 records a 32-bit arithmetic result (field stores: cheaper than a struct literal,
// and cin is left alone because only the ops that use it set it).
func (c *CPU) setLazy4(op uint8, a, b, res uint32) {
	c.lf.op, c.lf.size, c.lf.a, c.lf.b, c.lf.res = op, 4, a, b, res
}

// setLogic4 records a 32-bit logical result.
func (c *CPU) setLogic4(res uint32) {
	c.lf.op, c.lf.size, c.lf.res = lazyLogic, 4, res
}

// cf returns the carry flag without materializing the others.
func (c *CPU) cf() bool {
	l := &c.lf
	switch l.op {
	case lazyNone:
		return c.flags&FlagCF != 0
	case lazyAdd:
		return l.res < l.a
	case lazyAdc:
		if l.cin != 0 {
			return l.res <= l.a
		}
		return l.res < l.a
	case lazySub:
		return l.a < l.b
	case lazySbb:
		if l.cin != 0 {
			return l.a <= l.b
		}
		return l.a < l.b
	case lazyInc, lazyDec:
		return l.cin != 0
	}
	return false
}

// zf returns the zero flag.
func (c *CPU) zf() bool {
	if c.lf.op == lazyNone {
		return c.flags&FlagZF != 0
	}
	return c.lf.res == 0
}

// sf returns the sign flag.
func (c *CPU) sf() bool {
	if c.lf.op == lazyNone {
		return c.flags&FlagSF != 0
	}
	return c.lf.res&signBit[7&c.lf.size] != 0
}

// of returns the overflow flag.
func (c *CPU) of() bool {
	l := &c.lf
	sb := signBit[7&l.size]
	switch l.op {
	case lazyNone:
		return c.flags&FlagOF != 0
	case lazyAdd, lazyAdc:
		return (l.a^l.res)&(l.b^l.res)&sb != 0
	case lazySub, lazySbb:
		return (l.a^l.b)&(l.a^l.res)&sb != 0
	case lazyInc:
		return l.res == sb
	case lazyDec:
		return l.res == sb-1
	}
	return false
}

// materialize computes the status flags into c.flags and drops the lazy state.
func (c *CPU) materialize() {
	l := &c.lf
	f := c.flags &^ flagsArith
	if c.cf() {
		f |= FlagCF
	}
	if c.of() {
		f |= FlagOF
	}
	if parity[uint8(l.res)] {
		f |= FlagPF
	}
	if l.res == 0 {
		f |= FlagZF
	}
	if l.res&signBit[7&l.size] != 0 {
		f |= FlagSF
	}
	switch l.op {
	case lazyAdd, lazyAdc, lazySub, lazySbb:
		f |= (l.a ^ l.b ^ l.res) & FlagAF
	case lazyInc:
		f |= (l.a ^ 1 ^ l.res) & FlagAF
	case lazyDec:
		f |= (l.a ^ 1 ^ l.res) & FlagAF
	}
	c.flags = f
	l.op = lazyNone
}

// setFlagsArith replaces the status flags with f (only the flagsArith bits of f are used).
func (c *CPU) setFlagsArith(f uint32) {
	c.lf.op = lazyNone
	c.flags = c.flags&^flagsArith | f&flagsArith
}

// setCF sets or clears CF, keeping the other status flags.
func (c *CPU) setCF(v bool) {
	if c.lf.op != lazyNone {
		c.materialize()
	}
	if v {
		c.flags |= FlagCF
	} else {
		c.flags &^= FlagCF
	}
}

// szp returns ZF, SF and PF for a result of the given size.
func szp(res uint32, size uint8) uint32 {
	var f uint32
	res &= sizeMask[7&size]
	if res == 0 {
		f |= FlagZF
	}
	if res&signBit[7&size] != 0 {
		f |= FlagSF
	}
	if parity[uint8(res)] {
		f |= FlagPF
	}
	return f
}

// cond evaluates condition code cc (the low nibble of the Jcc/SETcc/CMOVcc opcode).
func (c *CPU) cond(cc uint8) bool {
	l := &c.lf
	if l.op == lazySub {
		// CMP/SUB fast path: the common compare-and-branch.
		switch cc {
		case 0x2:
			return l.a < l.b
		case 0x3:
			return l.a >= l.b
		case 0x4:
			return l.a == l.b
		case 0x5:
			return l.a != l.b
		case 0x6:
			return l.a <= l.b
		case 0x7:
			return l.a > l.b
		case 0xC, 0xD, 0xE, 0xF:
			sh := 32 - 8*uint32(l.size)
			a, b := int32(l.a<<sh), int32(l.b<<sh)
			switch cc {
			case 0xC:
				return a < b
			case 0xD:
				return a >= b
			case 0xE:
				return a <= b
			default:
				return a > b
			}
		}
	}
	var r bool
	switch cc >> 1 {
	case 0: // O
		r = c.of()
	case 1: // B
		r = c.cf()
	case 2: // E
		r = c.zf()
	case 3: // BE
		r = c.cf() || c.zf()
	case 4: // S
		r = c.sf()
	case 5: // P
		if l.op == lazyNone {
			r = c.flags&FlagPF != 0
		} else {
			r = parity[uint8(l.res)]
		}
	case 6: // L
		r = c.sf() != c.of()
	case 7: // LE
		r = c.zf() || c.sf() != c.of()
	}
	return r != (cc&1 != 0)
}
