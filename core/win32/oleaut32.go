package win32

import ()

// oleaut32 is the built-in OLEAUT32.dll: BSTR strings and VARIANTs (what programs use without COM servers).
// Programs import these by ordinal, so the rows carry Windows' ordinals.
var oleaut32 = NewDLL("oleaut32.dll", 0x77120000)

// BSTR layout: a 4-byte byte count, then the UTF-16 characters, then a 2-byte NUL; the BSTR points after the
// count. VARIANT: vt (2 bytes), 6 reserved bytes, an 8-byte value.
const (
	vtEmpty = 0
	vtBSTR  = 8
)

func init() {
	oleaut32.Add(
		Export{Name: "SysAllocString", Ordinal: 2, ArgBytes: 4, Handler: sysAllocString},
		Export{Name: "SysReAllocString", Ordinal: 3, ArgBytes: 8, Handler: sysReAllocString},
		Export{Name: "SysAllocStringLen", Ordinal: 4, ArgBytes: 8, Handler: sysAllocStringLen},
		Export{Name: "SysReAllocStringLen", Ordinal: 5, ArgBytes: 12, Handler: sysReAllocStringLen},
		Export{Name: "SysFreeString", Ordinal: 6, ArgBytes: 4, Handler: sysFreeString},
		Export{Name: "SysStringLen", Ordinal: 7, ArgBytes: 4, Handler: func(c *Call) { n := bstrBytes(c, c.Arg(0)); c.Return(n / 2) }},
		Export{Name: "VariantInit", Ordinal: 8, ArgBytes: 4, Handler: variantInit},
		Export{Name: "VariantClear", Ordinal: 9, ArgBytes: 4, Handler: variantClear},
		Export{Name: "VariantCopy", Ordinal: 10, ArgBytes: 8, Handler: variantCopy},
		Export{Name: "SysStringByteLen", Ordinal: 149, ArgBytes: 4, Handler: func(c *Call) { c.Return(bstrBytes(c, c.Arg(0))) }},
		Export{Name: "SysAllocStringByteLen", Ordinal: 150, ArgBytes: 8, Handler: sysAllocStringByteLen},
	)
}

// bstrBytes returns the byte length of a BSTR (0 for NULL).
func bstrBytes(c *Call, b uint32) uint32 {
	if b == 0 {
		return 0
	}
	n, _ := c.R32(b - 4)
	return n
}

// newBSTR allocates a BSTR of n bytes copied from src (or zeroed when src is 0).
func newBSTR(c *Call, src, n uint32) (uint32, bool) {
	if n > 0x7FFFFFF0 {
		return 0, false
	}
	blk, err := c.State().Heap.Alloc(n+6, true)
	if err != nil {
		return 0, false
	}
	c.W32(blk, n)
	if src != 0 && n > 0 {
		b, ok := c.ReadBytes(src, int(n))
		if !ok {
			c.State().Heap.Free(blk)
			return 0, false
		}
		c.WriteBytes(blk+4, b)
	}
	return blk + 4, true
}

func freeBSTR(c *Call, b uint32) {
	if b != 0 {
		c.State().Heap.Free(b - 4)
	}
}

func sysAllocString(c *Call) {
	src := c.Arg(0)
	if src == 0 {
		c.Return(0)
		return
	}
	u, ok := readWide(c, src, -1)
	if !ok {
		c.Return(0)
		return
	}
	b, ok := newBSTR(c, src, uint32(2*(len(u)-1)))
	if !ok {
		c.Return(0)
		return
	}
	c.Return(b)
}

func sysAllocStringLen(c *Call) {
	src, n := c.Arg(0), c.Arg(1)
	b, ok := newBSTR(c, src, 2*n)
	if !ok {
		c.Return(0)
		return
	}
	c.Return(b)
}

func sysAllocStringByteLen(c *Call) {
	src, n := c.Arg(0), c.Arg(1)
	b, ok := newBSTR(c, src, n)
	if !ok {
		c.Return(0)
		return
	}
	c.Return(b)
}

func sysReAllocStringLen(c *Call) {
	pb, src, n := c.Arg(0), c.Arg(1), c.Arg(2)
	old, ok := c.R32(pb)
	if !ok {
		c.Fault(pb, false)
		return
	}
	b, ok := newBSTR(c, src, 2*n)
	if !ok {
		c.Return(0)
		return
	}
	freeBSTR(c, old)
	c.W32(pb, b)
	c.Return(1)
}

func sysReAllocString(c *Call) {
	pb, src := c.Arg(0), c.Arg(1)
	old, ok := c.R32(pb)
	if !ok {
		c.Fault(pb, false)
		return
	}
	var n uint32
	if src != 0 {
		u, ok := readWide(c, src, -1)
		if !ok {
			c.Return(0)
			return
		}
		n = uint32(2 * (len(u) - 1))
	}
	b, ok := newBSTR(c, src, n)
	if !ok {
		c.Return(0)
		return
	}
	freeBSTR(c, old)
	c.W32(pb, b)
	c.Return(1)
}

func sysFreeString(c *Call) {
	freeBSTR(c, c.Arg(0))
	c.Return(0)
}

func variantInit(c *Call) {
	p := c.Arg(0)
	if !c.Mem.Write16(p, vtEmpty) {
		c.Fault(p, true)
		return
	}
	c.Return(0)
}

func variantClear(c *Call) {
	p := c.Arg(0)
	vt, ok := c.Mem.Read16(p)
	if !ok {
		c.Fault(p, false)
		return
	}
	if vt == vtBSTR {
		b, _ := c.R32(p + 8)
		freeBSTR(c, b)
	}
	c.Mem.Write16(p, vtEmpty)
	c.Return(0) // S_OK
}

func variantCopy(c *Call) {
	dst, src := c.Arg(0), c.Arg(1)
	v, ok := c.ReadBytes(src, 16)
	if !ok {
		c.Fault(src, false)
		return
	}
	if vt, _ := c.Mem.Read16(dst); vt == vtBSTR {
		b, _ := c.R32(dst + 8)
		freeBSTR(c, b)
	}
	vt := uint16(v[0]) | uint16(v[1])<<8
	if vt == vtBSTR {
		b := uint32(v[8]) | uint32(v[9])<<8 | uint32(v[10])<<16 | uint32(v[11])<<24
		nb, ok := newBSTR(c, b, bstrBytes(c, b))
		if !ok && b != 0 {
			c.Return(0x8007000E) // E_OUTOFMEMORY
			return
		}
		v[8], v[9], v[10], v[11] = byte(nb), byte(nb>>8), byte(nb>>16), byte(nb>>24)
	}
	c.WriteBytes(dst, v)
	c.Return(0)
}
