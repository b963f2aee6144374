package win32

import (
	"github.com/peek32/peek32/core/win32/crt"
)

// msvcrt's conversions between the ANSI code page and UTF-16 (mbstowcs and friends, which follow the C locale:
// one byte is one character) and the wide forms of the string conversions.

func init() {
	msvcrt.Add(
		Export{Name: "mbstowcs", Handler: mbstowcsFn},
		Export{Name: "wcstombs", Handler: wcstombsFn},
		Export{Name: "mbtowc", Handler: func(c *Call) {
			dst, src, n := c.Arg(0), c.Arg(1), c.Arg(2)
			if src == 0 {
				c.Return(0)
				return
			}
			if n == 0 {
				c.Return(crtEOF)
				return
			}
			b, ok := c.Mem.Read8(src)
			if !ok {
				c.Fault(src, false)
				return
			}
			if dst != 0 && !c.Mem.Write16(dst, uint16(b)) {
				c.Fault(dst, true)
				return
			}
			c.Return(crtBoolU32(b != 0))
		}},
		Export{Name: "wctomb", Handler: func(c *Call) {
			dst, ch := c.Arg(0), uint16(c.Arg(1))
			if dst == 0 {
				c.Return(0)
				return
			}
			if ch > 0xFF {
				c.SetErrno(42) // EILSEQ
				c.Return(crtEOF)
				return
			}
			if !c.Mem.Write8(dst, byte(ch)) {
				c.Fault(dst, true)
				return
			}
			c.Return(1)
		}},
		Export{Name: "_wtoi", Handler: func(c *Call) { crtWithNarrowed(c, 0, func(s []byte) { c.Return(uint32(crt.Atoi(s))) }) }},
		Export{Name: "_wtol", Handler: func(c *Call) { crtWithNarrowed(c, 0, func(s []byte) { c.Return(uint32(crt.Atoi(s))) }) }},
		Export{Name: "wcstol", Handler: func(c *Call) { crtWcstol(c, true) }},
		Export{Name: "wcstoul", Handler: func(c *Call) { crtWcstol(c, false) }},
		Export{Name: "wcsncpy", Handler: func(c *Call) {
			dst, src, n := c.Arg(0), c.Arg(1), c.Arg(2)
			s, err := crt.ReadWString(c.Mem, src, int(min(n, 1<<27)))
			if err != nil {
				crtFaultFrom(c, err)
				return
			}
			out := make([]uint16, min(n, 1<<27))
			copy(out, s)
			if !c.WriteBytes(dst, crtWbytes(out)) {
				c.Fault(dst, true)
				return
			}
			c.Return(dst)
		}},
		Export{Name: "_wcsdup", Handler: func(c *Call) {
			if c.Arg(0) == 0 {
				c.Return(0)
				return
			}
			crtWithWStr(c, 0, func(s []uint16) {
				a, err := c.State().Heap.Alloc(uint32(2*len(s)+2), false)
				if err != nil {
					c.SetErrno(crtENOMEM)
					c.Return(0)
					return
				}
				c.WriteBytes(a, crtWbytes(append(append([]uint16(nil), s...), 0)))
				c.Return(a)
			})
		}},
	)
}

// crtWithNarrowed reads wide argument i and runs f on it with every unit above 0xFF replaced by '?' (enough for
// number parsing, which only looks at ASCII).
func crtWithNarrowed(c *Call, i int, f func([]byte)) {
	crtWithWStr(c, i, func(s []uint16) {
		b := make([]byte, len(s))
		for k, u := range s {
			if u > 0xFF {
				u = '?'
			}
			b[k] = byte(u)
		}
		f(b)
	})
}

func crtWcstol(c *Call, signed bool) {
	p, end, base := c.Arg(0), c.Arg(1), int(int32(c.Arg(2)))
	crtWithNarrowed(c, 0, func(s []byte) {
		v, n, errno := crt.Strtol(s, base, 32, signed)
		if end != 0 && !c.W32(end, p+2*uint32(n)) {
			c.Fault(end, true)
			return
		}
		if errno != 0 {
			c.SetErrno(uint32(errno))
		}
		c.Return(uint32(v))
	})
}

// mbstowcsFn converts with the C locale (each byte one character); with dst NULL it returns the length needed.
func mbstowcsFn(c *Call) {
	dst, src, n := c.Arg(0), c.Arg(1), c.Arg(2)
	s, err := crt.ReadCString(c.Mem, src, 1<<27)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	if dst == 0 {
		c.Return(uint32(len(s)))
		return
	}
	k := min(uint32(len(s)), n)
	out := make([]uint16, k, k+1)
	for i := range out {
		out[i] = uint16(s[i])
	}
	if k < n {
		out = append(out, 0)
	}
	if !c.WriteBytes(dst, crtWbytes(out)) {
		c.Fault(dst, true)
		return
	}
	c.Return(k)
}

// wcstombsFn converts to bytes in the C locale; a character above U+00FF fails with -1 (EILSEQ).
func wcstombsFn(c *Call) {
	dst, src, n := c.Arg(0), c.Arg(1), c.Arg(2)
	s, err := crt.ReadWString(c.Mem, src, 1<<27)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	out := make([]byte, 0, len(s)+1)
	for _, u := range s {
		if u > 0xFF {
			c.SetErrno(42)
			c.Return(crtEOF)
			return
		}
		out = append(out, byte(u))
	}
	if dst == 0 {
		c.Return(uint32(len(out)))
		return
	}
	k := min(uint32(len(out)), n)
	out = out[:k]
	if k < n {
		out = append(out, 0)
	}
	if !c.WriteBytes(dst, out) {
		c.Fault(dst, true)
		return
	}
	c.Return(k)
}
