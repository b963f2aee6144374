package win32

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/peek32/peek32/core/win32/crt"
	"github.com/peek32/peek32/mm"
)

// msvcrt's string, memory, character-class and conversion functions, in the "C" locale (ASCII classes, byte
// comparisons), which is the locale a program has until it calls setlocale.

func init() {
	msvcrt.Add(
		Export{Name: "strlen", Handler: func(c *Call) { crtWithStr(c, 0, func(s []byte) { c.Return(uint32(len(s))) }) }},
		Export{Name: "wcslen", Handler: func(c *Call) { crtWithWStr(c, 0, func(s []uint16) { c.Return(uint32(len(s))) }) }},
		Export{Name: "strcmp", Handler: func(c *Call) { crtCmpFn(c, -1, false) }},
		Export{Name: "strncmp", Handler: func(c *Call) { crtCmpFn(c, int64(c.Arg(2)), false) }},
		Export{Name: "_stricmp", Handler: func(c *Call) { crtCmpFn(c, -1, true) }},
		Export{Name: "_strcmpi", Handler: func(c *Call) { crtCmpFn(c, -1, true) }},
		Export{Name: "_strnicmp", Handler: func(c *Call) { crtCmpFn(c, int64(c.Arg(2)), true) }},
		Export{Name: "wcscmp", Handler: func(c *Call) { crtWcmpFn(c, -1, false) }},
		Export{Name: "wcsncmp", Handler: func(c *Call) { crtWcmpFn(c, int64(c.Arg(2)), false) }},
		Export{Name: "_wcsicmp", Handler: func(c *Call) { crtWcmpFn(c, -1, true) }},
		Export{Name: "_wcsnicmp", Handler: func(c *Call) { crtWcmpFn(c, int64(c.Arg(2)), true) }},
		Export{Name: "strcpy", Handler: func(c *Call) { crtCopyStr(c, false, -1) }},
		Export{Name: "strcat", Handler: func(c *Call) { crtCopyStr(c, true, -1) }},
		Export{Name: "strncat", Handler: func(c *Call) { crtCopyStr(c, true, int64(c.Arg(2))) }},
		Export{Name: "strncpy", Handler: crtStrncpyFn},
		Export{Name: "wcscpy", Handler: func(c *Call) { crtCopyWStr(c, false) }},
		Export{Name: "wcscat", Handler: func(c *Call) { crtCopyWStr(c, true) }},
		Export{Name: "strchr", Handler: func(c *Call) { crtFindChar(c, false) }},
		Export{Name: "strrchr", Handler: func(c *Call) { crtFindChar(c, true) }},
		Export{Name: "wcschr", Handler: func(c *Call) { crtFindWChar(c, false) }},
		Export{Name: "wcsrchr", Handler: func(c *Call) { crtFindWChar(c, true) }},
		Export{Name: "strstr", Handler: crtStrstrFn},
		Export{Name: "wcsstr", Handler: crtWcsstrFn},
		Export{Name: "strspn", Handler: func(c *Call) { crtSpanFn(c, true) }},
		Export{Name: "strcspn", Handler: func(c *Call) { crtSpanFn(c, false) }},
		Export{Name: "strpbrk", Handler: crtStrpbrkFn},
		Export{Name: "_strdup", Handler: crtStrdupFn},
		Export{Name: "_strupr", Handler: func(c *Call) { crtCaseStr(c, true) }},
		Export{Name: "_strlwr", Handler: func(c *Call) { crtCaseStr(c, false) }},
		Export{Name: "memcpy", Handler: func(c *Call) { crtMemmoveFn(c) }},
		Export{Name: "memmove", Handler: func(c *Call) { crtMemmoveFn(c) }},
		Export{Name: "memset", Handler: crtMemsetFn},
		Export{Name: "memcmp", Handler: crtMemcmpFn},
		Export{Name: "memchr", Handler: crtMemchrFn},
		Export{Name: "toupper", Handler: func(c *Call) { c.Return(crtToUpperC(c.Arg(0))) }},
		Export{Name: "tolower", Handler: func(c *Call) { c.Return(crtToLowerC(c.Arg(0))) }},
		Export{Name: "towupper", Handler: func(c *Call) { c.Return(crtToUpperC(c.Arg(0) & 0xFFFF)) }},
		Export{Name: "towlower", Handler: func(c *Call) { c.Return(crtToLowerC(c.Arg(0) & 0xFFFF)) }},
		Export{Name: "isalpha", Handler: crtCtypeFn(crtCtAlpha)},
		Export{Name: "isdigit", Handler: crtCtypeFn(crtCtDigit)},
		Export{Name: "isxdigit", Handler: crtCtypeFn(crtCtHex)},
		Export{Name: "isspace", Handler: crtCtypeFn(crtCtSpace)},
		Export{Name: "isupper", Handler: crtCtypeFn(crtCtUpper)},
		Export{Name: "islower", Handler: crtCtypeFn(crtCtLower)},
		Export{Name: "isalnum", Handler: crtCtypeFn(crtCtAlpha | crtCtDigit)},
		Export{Name: "ispunct", Handler: crtCtypeFn(crtCtPunct)},
		Export{Name: "iscntrl", Handler: crtCtypeFn(crtCtCntrl)},
		Export{Name: "isprint", Handler: crtCtypeFn(crtCtAlpha | crtCtDigit | crtCtPunct | crtCtBlank)},
		Export{Name: "isgraph", Handler: crtCtypeFn(crtCtAlpha | crtCtDigit | crtCtPunct)},
		Export{Name: "iswalpha", Handler: crtCtypeFn(crtCtAlpha)},
		Export{Name: "iswdigit", Handler: crtCtypeFn(crtCtDigit)},
		Export{Name: "iswspace", Handler: crtCtypeFn(crtCtSpace)},
		Export{Name: "iswupper", Handler: crtCtypeFn(crtCtUpper)},
		Export{Name: "iswlower", Handler: crtCtypeFn(crtCtLower)},
		Export{Name: "iswalnum", Handler: crtCtypeFn(crtCtAlpha | crtCtDigit)},
		Export{Name: "iswxdigit", Handler: crtCtypeFn(crtCtHex)},
		Export{Name: "atoi", Handler: func(c *Call) { crtWithStr(c, 0, func(s []byte) { c.Return(uint32(crt.Atoi(s))) }) }},
		Export{Name: "atol", Handler: func(c *Call) { crtWithStr(c, 0, func(s []byte) { c.Return(uint32(crt.Atoi(s))) }) }},
		Export{Name: "_atoi64", Handler: func(c *Call) {
			crtWithStr(c, 0, func(s []byte) { v, _, _ := crt.Strtol(s, 10, 64, true); c.Return64(v) })
		}},
		Export{Name: "strtol", Handler: func(c *Call) { crtStrtolFn(c, 32, true) }},
		Export{Name: "strtoul", Handler: func(c *Call) { crtStrtolFn(c, 32, false) }},
		Export{Name: "_strtoi64", Handler: func(c *Call) { crtStrtolFn(c, 64, true) }},
		Export{Name: "_strtoui64", Handler: func(c *Call) { crtStrtolFn(c, 64, false) }},
		Export{Name: "strtod", Handler: crtStrtodFn},
		Export{Name: "atof", Handler: func(c *Call) {
			crtWithStr(c, 0, func(s []byte) { v, _, _ := crt.Strtod(s); crtReturnDouble(c, v) })
		}},
		Export{Name: "abs", Handler: func(c *Call) { c.Return(crtAbsU32(c.Arg(0))) }},
		Export{Name: "labs", Handler: func(c *Call) { c.Return(crtAbsU32(c.Arg(0))) }},
		Export{Name: "_abs64", Handler: func(c *Call) {
			v := int64(c.Arg64(0))
			if v < 0 {
				v = -v
			}
			c.Return64(uint64(v))
		}},
		Export{Name: "rand", Handler: func(c *Call) {
			st := crtRand(c)
			*st = *st*214013 + 2531011
			c.Return((*st >> 16) & 0x7FFF)
		}, Note: "msvcrt's LCG, one seed per process (msvcrt keeps one per thread)"},
		Export{Name: "srand", Handler: func(c *Call) { *crtRand(c) = c.Arg(0); c.Return(0) }},
		Export{Name: "_itoa", Handler: func(c *Call) { crtItoaFn(c, int64(int32(c.Arg(0))), c.Arg(1), c.Arg(2), true) }},
		Export{Name: "_ltoa", Handler: func(c *Call) { crtItoaFn(c, int64(int32(c.Arg(0))), c.Arg(1), c.Arg(2), true) }},
		Export{Name: "_ultoa", Handler: func(c *Call) { crtItoaFn(c, int64(c.Arg(0)), c.Arg(1), c.Arg(2), false) }},
		Export{Name: "_i64toa", Handler: func(c *Call) { crtItoaFn(c, int64(c.Arg64(0)), c.Arg(2), c.Arg(3), true) }},
		Export{Name: "_ui64toa", Handler: func(c *Call) { crtItoa64u(c, c.Arg64(0), c.Arg(2), c.Arg(3)) }},
		Export{Name: "strerror", Handler: func(c *Call) { crtStaticString(c, "strerror", crtErrorText(c.Arg(0))) }},
		Export{Name: "perror", Handler: crtPerrorFn},
		Export{Name: "setlocale", Handler: crtSetlocaleFn, Note: "only the \"C\" locale"},
		Export{Name: "localeconv", Handler: crtLocaleconvFn},
		Export{Name: "getenv", Handler: crtGetenvFn},
	)
}

// crtWithStr reads argument i as a NUL-terminated string and runs f; a faulting pointer raises an access violation.
func crtWithStr(c *Call, i int, f func([]byte)) {
	s, err := crt.ReadCString(c.Mem, c.Arg(i), 1<<28)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	crtNoteStr(c, i, s)
	f(s)
}

func crtWithWStr(c *Call, i int, f func([]uint16)) {
	s, err := crt.ReadWString(c.Mem, c.Arg(i), 1<<27)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	if c.trace {
		crtNoteStr(c, i, []byte(crtUtf16ToString(s)))
	}
	f(s)
}

// crtReadN reads up to n bytes of a string, stopping after a NUL (which is included).
func crtReadN(c *Call, addr uint32, n int64) ([]byte, bool) {
	var out []byte
	for i := int64(0); i < n; i++ {
		b, ok := c.Mem.Read8(addr + uint32(i))
		if !ok {
			c.Fault(addr+uint32(i), false)
			return nil, false
		}
		out = append(out, b)
		if b == 0 {
			break
		}
	}
	return out, true
}

func crtLowerASCII(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func crtCmpFn(c *Call, n int64, fold bool) {
	if n < 0 {
		n = 1 << 40
	}
	a, ok := crtReadN(c, c.Arg(0), n)
	if !ok {
		return
	}
	b, ok := crtReadN(c, c.Arg(1), n)
	if !ok {
		return
	}
	crtNoteStr(c, 0, a)
	crtNoteStr(c, 1, b)
	for i := 0; ; i++ {
		if int64(i) >= n {
			c.Return(0)
			return
		}
		x, y := byte(0), byte(0)
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if fold {
			x, y = crtLowerASCII(x), crtLowerASCII(y)
		}
		if x != y {
			if x < y {
				c.Return(0xFFFFFFFF)
			} else {
				c.Return(1)
			}
			return
		}
		if x == 0 {
			c.Return(0)
			return
		}
	}
}

func crtWcmpFn(c *Call, n int64, fold bool) {
	a, err := crt.ReadWString(c.Mem, c.Arg(0), 1<<27)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	b, err := crt.ReadWString(c.Mem, c.Arg(1), 1<<27)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	if n < 0 {
		n = 1 << 40
	}
	for i := 0; int64(i) < n; i++ {
		var x, y uint16
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if fold {
			x, y = uint16(crtToLowerC(uint32(x))), uint16(crtToLowerC(uint32(y)))
		}
		if x != y {
			if x < y {
				c.Return(0xFFFFFFFF)
			} else {
				c.Return(1)
			}
			return
		}
		if x == 0 {
			break
		}
	}
	c.Return(0)
}

func crtCopyStr(c *Call, cat bool, n int64) {
	dst := c.Arg(0)
	crtWithStr(c, 1, func(src []byte) {
		if n >= 0 && int64(len(src)) > n {
			src = src[:n]
		}
		at := dst
		if cat {
			d, err := crt.ReadCString(c.Mem, dst, 1<<28)
			if err != nil {
				crtFaultFrom(c, err)
				return
			}
			at += uint32(len(d))
		}
		if !c.WriteBytes(at, append(append([]byte(nil), src...), 0)) {
			c.Fault(at, true)
			return
		}
		c.Return(dst)
	})
}

func crtStrncpyFn(c *Call) {
	dst, n := c.Arg(0), int64(c.Arg(2))
	src, ok := crtReadN(c, c.Arg(1), n)
	if !ok {
		return
	}
	out := make([]byte, n)
	copy(out, src)
	if !c.WriteBytes(dst, out) {
		c.Fault(dst, true)
		return
	}
	c.Return(dst)
}

func crtWbytes(u []uint16) []byte {
	b := make([]byte, 2*len(u))
	for i, x := range u {
		b[2*i], b[2*i+1] = byte(x), byte(x>>8)
	}
	return b
}

func crtCopyWStr(c *Call, cat bool) {
	dst := c.Arg(0)
	crtWithWStr(c, 1, func(src []uint16) {
		at := dst
		if cat {
			d, err := crt.ReadWString(c.Mem, dst, 1<<27)
			if err != nil {
				crtFaultFrom(c, err)
				return
			}
			at += 2 * uint32(len(d))
		}
		if !c.WriteBytes(at, crtWbytes(append(append([]uint16(nil), src...), 0))) {
			c.Fault(at, true)
			return
		}
		c.Return(dst)
	})
}

func crtFindChar(c *Call, last bool) {
	p, ch := c.Arg(0), byte(c.Arg(1))
	crtWithStr(c, 0, func(s []byte) {
		s = append(s, 0) // strchr(s, 0) finds the terminator
		i := bytes.IndexByte(s, ch)
		if last {
			i = bytes.LastIndexByte(s, ch)
		}
		if i < 0 {
			c.Return(0)
			return
		}
		c.Return(p + uint32(i))
	})
}

func crtFindWChar(c *Call, last bool) {
	p, ch := c.Arg(0), uint16(c.Arg(1))
	crtWithWStr(c, 0, func(s []uint16) {
		s = append(s, 0)
		idx := -1
		for i, x := range s {
			if x == ch {
				idx = i
				if !last {
					break
				}
			}
		}
		if idx < 0 {
			c.Return(0)
			return
		}
		c.Return(p + 2*uint32(idx))
	})
}

func crtStrstrFn(c *Call) {
	p := c.Arg(0)
	crtWithStr(c, 0, func(s []byte) {
		crtWithStr(c, 1, func(sub []byte) {
			i := bytes.Index(s, sub)
			if i < 0 {
				c.Return(0)
				return
			}
			c.Return(p + uint32(i))
		})
	})
}

func crtWcsstrFn(c *Call) {
	p := c.Arg(0)
	crtWithWStr(c, 0, func(s []uint16) {
		crtWithWStr(c, 1, func(sub []uint16) {
			for i := 0; i+len(sub) <= len(s); i++ {
				match := true
				for j := range sub {
					if s[i+j] != sub[j] {
						match = false
						break
					}
				}
				if match {
					c.Return(p + 2*uint32(i))
					return
				}
			}
			c.Return(0)
		})
	})
}

func crtSpanFn(c *Call, accept bool) {
	crtWithStr(c, 0, func(s []byte) {
		crtWithStr(c, 1, func(set []byte) {
			n := 0
			for n < len(s) && (bytes.IndexByte(set, s[n]) >= 0) == accept {
				n++
			}
			c.Return(uint32(n))
		})
	})
}

func crtStrpbrkFn(c *Call) {
	p := c.Arg(0)
	crtWithStr(c, 0, func(s []byte) {
		crtWithStr(c, 1, func(set []byte) {
			if i := bytes.IndexAny(s, string(set)); i >= 0 && len(set) > 0 {
				c.Return(p + uint32(i))
				return
			}
			c.Return(0)
		})
	})
}

func crtStrdupFn(c *Call) {
	if c.Arg(0) == 0 {
		c.Return(0)
		return
	}
	crtWithStr(c, 0, func(s []byte) {
		a, err := c.State().Heap.Alloc(uint32(len(s)+1), false)
		if err != nil {
			c.SetErrno(crtENOMEM)
			c.Return(0)
			return
		}
		c.WriteBytes(a, append(append([]byte(nil), s...), 0))
		c.Return(a)
	})
}

func crtCaseStr(c *Call, upper bool) {
	p := c.Arg(0)
	crtWithStr(c, 0, func(s []byte) {
		out := make([]byte, len(s))
		for i, b := range s {
			if upper {
				out[i] = byte(crtToUpperC(uint32(b)))
			} else {
				out[i] = crtLowerASCII(b)
			}
		}
		if !c.WriteBytes(p, out) {
			c.Fault(p, true)
			return
		}
		c.Return(p)
	})
}

// crtMemmoveFn implements memcpy and memmove (overlap-safe, as msvcrt's memcpy also is).
func crtMemmoveFn(c *Call) {
	dst, src, n := c.Arg(0), c.Arg(1), c.Arg(2)
	if n > 1<<28 {
		c.Fault(src+1<<28, false)
		return
	}
	b, ok := c.ReadBytes(src, int(n))
	if !ok {
		c.Fault(src, false)
		return
	}
	if !c.WriteBytes(dst, b) {
		c.Fault(dst, true)
		return
	}
	c.Return(dst)
}

func crtMemsetFn(c *Call) {
	dst, v, n := c.Arg(0), byte(c.Arg(1)), c.Arg(2)
	chunk := bytes.Repeat([]byte{v}, int(min(n, 1<<16)))
	for off := uint32(0); off < n; off += uint32(len(chunk)) {
		k := min(n-off, uint32(len(chunk)))
		if !c.WriteBytes(dst+off, chunk[:k]) {
			c.Fault(dst+off, true)
			return
		}
	}
	c.Return(dst)
}

func crtMemcmpFn(c *Call) {
	n := c.Arg(2)
	if n > 1<<28 {
		n = 1 << 28
	}
	a, ok := c.ReadBytes(c.Arg(0), int(n))
	if !ok {
		c.Fault(c.Arg(0), false)
		return
	}
	b, ok := c.ReadBytes(c.Arg(1), int(n))
	if !ok {
		c.Fault(c.Arg(1), false)
		return
	}
	switch r := bytes.Compare(a, b); {
	case r < 0:
		c.Return(0xFFFFFFFF)
	case r > 0:
		c.Return(1)
	default:
		c.Return(0)
	}
}

func crtMemchrFn(c *Call) {
	p, ch, n := c.Arg(0), byte(c.Arg(1)), c.Arg(2)
	for i := uint32(0); i < n; i++ {
		b, ok := c.Mem.Read8(p + i)
		if !ok {
			c.Fault(p+i, false)
			return
		}
		if b == ch {
			c.Return(p + i)
			return
		}
	}
	c.Return(0)
}

func crtToUpperC(ch uint32) uint32 {
	if ch >= 'a' && ch <= 'z' {
		return ch - 'a' + 'A'
	}
	return ch
}

func crtToLowerC(ch uint32) uint32 {
	if ch >= 'A' && ch <= 'Z' {
		return ch + 'a' - 'A'
	}
	return ch
}

// Character classes, with msvcrt's _ctype bit values (isalpha returns _UPPER|_LOWER bits, etc.).
const (
	crtCtUpper = 0x1
	crtCtLower = 0x2
	crtCtDigit = 0x4
	crtCtSpace = 0x8
	crtCtPunct = 0x10
	crtCtCntrl = 0x20
	crtCtBlank = 0x40
	crtCtHex   = 0x80
	crtCtAlpha = crtCtUpper | crtCtLower | 0x100
)

// crtCtypeBits classifies an ASCII character as msvcrt's "C" locale table does; other values have no class.
func crtCtypeBits(ch uint32) uint32 {
	var b uint32
	switch {
	case ch >= 'A' && ch <= 'Z':
		b = crtCtUpper | 0x100
		if ch <= 'F' {
			b |= crtCtHex
		}
	case ch >= 'a' && ch <= 'z':
		b = crtCtLower | 0x100
		if ch <= 'f' {
			b |= crtCtHex
		}
	case ch >= '0' && ch <= '9':
		b = crtCtDigit | crtCtHex
	case ch == ' ':
		b = crtCtSpace | crtCtBlank
	case ch >= 9 && ch <= 13:
		b = crtCtSpace | crtCtCntrl
	case ch < 32 || ch == 127:
		b = crtCtCntrl
	case ch > 32 && ch < 127:
		b = crtCtPunct
	}
	return b
}

func crtCtypeFn(mask uint32) Handler {
	return func(c *Call) { c.Return(crtCtypeBits(c.Arg(0)) & mask) }
}

func crtStrtolFn(c *Call, bits int, signed bool) {
	p, end, base := c.Arg(0), c.Arg(1), int(int32(c.Arg(2)))
	crtWithStr(c, 0, func(s []byte) {
		v, n, errno := crt.Strtol(s, base, bits, signed)
		if end != 0 && !c.W32(end, p+uint32(n)) {
			c.Fault(end, true)
			return
		}
		if errno != 0 {
			c.SetErrno(uint32(errno))
		}
		if bits == 64 {
			c.Return64(v)
			return
		}
		c.Return(uint32(v))
	})
}

func crtStrtodFn(c *Call) {
	p, end := c.Arg(0), c.Arg(1)
	crtWithStr(c, 0, func(s []byte) {
		v, n, errno := crt.Strtod(s)
		if end != 0 && !c.W32(end, p+uint32(n)) {
			c.Fault(end, true)
			return
		}
		if errno != 0 {
			c.SetErrno(uint32(errno))
		}
		crtReturnDouble(c, v)
	})
}

func crtAbsU32(v uint32) uint32 {
	if int32(v) < 0 {
		return -v
	}
	return v
}

func crtRand(c *Call) *uint32 {
	st := c.State()
	if p, ok := st.Ext["msvcrt.rand"].(*uint32); ok {
		return p
	}
	p := new(uint32)
	*p = 1
	st.Ext["msvcrt.rand"] = p
	return p
}

func crtItoaFn(c *Call, v int64, buf, radix uint32, signed bool) {
	if radix < 2 || radix > 36 {
		c.Return(buf)
		return
	}
	var s string
	if signed && radix == 10 {
		s = strconv.FormatInt(v, 10)
	} else if signed {
		s = strconv.FormatUint(uint64(uint32(v)), int(radix))
		if v < -(1<<31) || v > 1<<32 {
			s = strconv.FormatUint(uint64(v), int(radix))
		}
	} else {
		s = strconv.FormatUint(uint64(uint32(v)), int(radix))
	}
	if !c.WriteBytes(buf, append([]byte(s), 0)) {
		c.Fault(buf, true)
		return
	}
	c.Return(buf)
}

func crtItoa64u(c *Call, v uint64, buf, radix uint32) {
	if radix < 2 || radix > 36 {
		c.Return(buf)
		return
	}
	if !c.WriteBytes(buf, append([]byte(strconv.FormatUint(v, int(radix))), 0)) {
		c.Fault(buf, true)
		return
	}
	c.Return(buf)
}

// crtErrorText is msvcrt's message for an errno value (_sys_errlist).
func crtErrorText(e uint32) string {
	msgs := map[uint32]string{
		0: "No error", 1: "Operation not permitted", 2: "No such file or directory", 3: "No such process",
		4: "Interrupted function call", 5: "Input/output error", 6: "No such device or address",
		7: "Arg list too long", 8: "Exec format error", 9: "Bad file descriptor", 10: "No child processes",
		11: "Resource temporarily unavailable", 12: "Not enough space", 13: "Permission denied", 14: "Bad address",
		16: "Resource device", 17: "File exists", 18: "Improper link", 19: "No such device", 20: "Not a directory",
		21: "Is a directory", 22: "Invalid argument", 23: "Too many open files in system", 24: "Too many open files",
		25: "Inappropriate I/O control operation", 27: "File too large", 28: "No space left on device",
		29: "Invalid seek", 30: "Read-only file system", 31: "Too many links", 32: "Broken pipe",
		33: "Domain error", 34: "Result too large", 36: "Resource deadlock avoided", 38: "Filename too long",
		39: "No locks available", 40: "Function not implemented", 41: "Directory not empty",
		42: "Illegal byte sequence",
	}
	if m, ok := msgs[e]; ok {
		return m
	}
	return "Unknown error"
}

// crtStaticString returns (EAX) the address of a per-process buffer named key holding s, as msvcrt's functions
// that return a pointer to a static buffer do.
func crtStaticString(c *Call, key string, s string) {
	st := c.State()
	k := "msvcrt.static." + key
	addr, _ := st.Ext[k].(uint32)
	if addr == 0 {
		a, err := c.P.Alloc(256)
		if err != nil {
			c.Return(0)
			return
		}
		addr = a
		st.Ext[k] = addr
	}
	if len(s) > 255 {
		s = s[:255]
	}
	c.Mem.WriteBytes(addr, append([]byte(s), 0), mm.AccessWrite)
	c.Return(addr)
}

func crtPerrorFn(c *Call) {
	var prefix string
	if c.Arg(0) != 0 {
		s, ok := c.Str(0)
		if !ok {
			c.Fault(c.Arg(0), false)
			return
		}
		if s != "" {
			prefix = s + ": "
		}
	}
	e, _ := c.Mem.Read32(errnoCell(c, CRT(c.P).Errno))
	crtPut(c, crtStdStream(c, 2), []byte(prefix+crtErrorText(e)+"\n"))
	c.Return(0)
}

func crtSetlocaleFn(c *Call) {
	cat := c.Arg(0)
	if cat > 5 {
		c.Return(0)
		return
	}
	if c.Arg(1) != 0 {
		s, ok := c.Str(1)
		if !ok {
			c.Fault(c.Arg(1), false)
			return
		}
		if s != "" && s != "C" && !strings.EqualFold(s, "c") {
			c.Return(0) // only the "C" locale is available
			return
		}
	}
	crtStaticString(c, "setlocale", "C")
}

// crtLocaleconvFn returns the "C" locale's struct lconv: decimal_point ".", every other string empty, every char
// field CHAR_MAX.
func crtLocaleconvFn(c *Call) {
	st := c.State()
	if a, ok := st.Ext["msvcrt.lconv"].(uint32); ok {
		c.Return(a)
		return
	}
	a, err := c.P.Alloc(64)
	if err != nil {
		c.Return(0)
		return
	}
	dot, empty := a+48, a+50
	c.Mem.WriteBytes(dot, []byte{'.', 0, 0}, mm.AccessWrite)
	for i := uint32(0); i < 10; i++ { // ten char* fields
		v := empty
		if i == 0 {
			v = dot
		}
		c.Mem.WriteBytes(a+4*i, []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)}, mm.AccessWrite)
	}
	c.Mem.WriteBytes(a+40, bytes.Repeat([]byte{127}, 8), mm.AccessWrite)
	st.Ext["msvcrt.lconv"] = a
	c.Return(a)
}

// crtGetenvFn looks a variable up in the process environment block (case-insensitive names, as Windows).
func crtGetenvFn(c *Call) {
	name, ok := c.Str(0)
	if !ok {
		c.Fault(c.Arg(0), false)
		return
	}
	envp, _ := c.Mem.Read32(c.S.DataAddr(c.P, "msvcrt.dll", "_environ"))
	if envp == 0 {
		ensureArgs(c)
		envp, _ = c.Mem.Read32(c.S.DataAddr(c.P, "msvcrt.dll", "_environ"))
	}
	for i := uint32(0); envp != 0 && i < 1<<16; i++ {
		p, ok := c.Mem.Read32(envp + 4*i)
		if !ok || p == 0 {
			break
		}
		s, err := c.Mem.ReadCString(p, 1<<16)
		if err != nil {
			break
		}
		if eq := strings.IndexByte(s, '='); eq > 0 && strings.EqualFold(s[:eq], name) {
			c.Return(p + uint32(eq) + 1)
			return
		}
	}
	c.Return(0)
}
