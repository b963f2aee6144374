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
		Export{Name: "strlen", Handler: func(c *Call) { withStr(c, 0, func(s []byte) { c.Return(uint32(len(s))) }) }},
		Export{Name: "wcslen", Handler: func(c *Call) { withWStr(c, 0, func(s []uint16) { c.Return(uint32(len(s))) }) }},
		Export{Name: "strcmp", Handler: func(c *Call) { cmpFn(c, -1, false) }},
		Export{Name: "strncmp", Handler: func(c *Call) { cmpFn(c, int64(c.Arg(2)), false) }},
		Export{Name: "_stricmp", Handler: func(c *Call) { cmpFn(c, -1, true) }},
		Export{Name: "_strcmpi", Handler: func(c *Call) { cmpFn(c, -1, true) }},
		Export{Name: "_strnicmp", Handler: func(c *Call) { cmpFn(c, int64(c.Arg(2)), true) }},
		Export{Name: "wcscmp", Handler: func(c *Call) { wcmpFn(c, -1, false) }},
		Export{Name: "wcsncmp", Handler: func(c *Call) { wcmpFn(c, int64(c.Arg(2)), false) }},
		Export{Name: "_wcsicmp", Handler: func(c *Call) { wcmpFn(c, -1, true) }},
		Export{Name: "_wcsnicmp", Handler: func(c *Call) { wcmpFn(c, int64(c.Arg(2)), true) }},
		Export{Name: "strcpy", Handler: func(c *Call) { copyStr(c, false, -1) }},
		Export{Name: "strcat", Handler: func(c *Call) { copyStr(c, true, -1) }},
		Export{Name: "strncat", Handler: func(c *Call) { copyStr(c, true, int64(c.Arg(2))) }},
		Export{Name: "strncpy", Handler: strncpyFn},
		Export{Name: "wcscpy", Handler: func(c *Call) { copyWStr(c, false) }},
		Export{Name: "wcscat", Handler: func(c *Call) { copyWStr(c, true) }},
		Export{Name: "strchr", Handler: func(c *Call) { findChar(c, false) }},
		Export{Name: "strrchr", Handler: func(c *Call) { findChar(c, true) }},
		Export{Name: "wcschr", Handler: func(c *Call) { findWChar(c, false) }},
		Export{Name: "wcsrchr", Handler: func(c *Call) { findWChar(c, true) }},
		Export{Name: "strstr", Handler: strstrFn},
		Export{Name: "wcsstr", Handler: wcsstrFn},
		Export{Name: "strspn", Handler: func(c *Call) { spanFn(c, true) }},
		Export{Name: "strcspn", Handler: func(c *Call) { spanFn(c, false) }},
		Export{Name: "strpbrk", Handler: strpbrkFn},
		Export{Name: "_strdup", Handler: strdupFn},
		Export{Name: "_strupr", Handler: func(c *Call) { caseStr(c, true) }},
		Export{Name: "_strlwr", Handler: func(c *Call) { caseStr(c, false) }},
		Export{Name: "memcpy", Handler: func(c *Call) { memmoveFn(c) }},
		Export{Name: "memmove", Handler: func(c *Call) { memmoveFn(c) }},
		Export{Name: "memset", Handler: memsetFn},
		Export{Name: "memcmp", Handler: memcmpFn},
		Export{Name: "memchr", Handler: memchrFn},
		Export{Name: "toupper", Handler: func(c *Call) { c.Return(toUpperC(c.Arg(0))) }},
		Export{Name: "tolower", Handler: func(c *Call) { c.Return(toLowerC(c.Arg(0))) }},
		Export{Name: "towupper", Handler: func(c *Call) { c.Return(toUpperC(c.Arg(0) & 0xFFFF)) }},
		Export{Name: "towlower", Handler: func(c *Call) { c.Return(toLowerC(c.Arg(0) & 0xFFFF)) }},
		Export{Name: "isalpha", Handler: ctypeFn(ctAlpha)},
		Export{Name: "isdigit", Handler: ctypeFn(ctDigit)},
		Export{Name: "isxdigit", Handler: ctypeFn(ctHex)},
		Export{Name: "isspace", Handler: ctypeFn(ctSpace)},
		Export{Name: "isupper", Handler: ctypeFn(ctUpper)},
		Export{Name: "islower", Handler: ctypeFn(ctLower)},
		Export{Name: "isalnum", Handler: ctypeFn(ctAlpha | ctDigit)},
		Export{Name: "ispunct", Handler: ctypeFn(ctPunct)},
		Export{Name: "iscntrl", Handler: ctypeFn(ctCntrl)},
		Export{Name: "isprint", Handler: ctypeFn(ctAlpha | ctDigit | ctPunct | ctBlank)},
		Export{Name: "isgraph", Handler: ctypeFn(ctAlpha | ctDigit | ctPunct)},
		Export{Name: "iswalpha", Handler: ctypeFn(ctAlpha)},
		Export{Name: "iswdigit", Handler: ctypeFn(ctDigit)},
		Export{Name: "iswspace", Handler: ctypeFn(ctSpace)},
		Export{Name: "iswupper", Handler: ctypeFn(ctUpper)},
		Export{Name: "iswlower", Handler: ctypeFn(ctLower)},
		Export{Name: "iswalnum", Handler: ctypeFn(ctAlpha | ctDigit)},
		Export{Name: "iswxdigit", Handler: ctypeFn(ctHex)},
		Export{Name: "atoi", Handler: func(c *Call) { withStr(c, 0, func(s []byte) { c.Return(uint32(crt.Atoi(s))) }) }},
		Export{Name: "atol", Handler: func(c *Call) { withStr(c, 0, func(s []byte) { c.Return(uint32(crt.Atoi(s))) }) }},
		Export{Name: "_atoi64", Handler: func(c *Call) {
			withStr(c, 0, func(s []byte) { v, _, _ := crt.Strtol(s, 10, 64, true); c.Return64(v) })
		}},
		Export{Name: "strtol", Handler: func(c *Call) { strtolFn(c, 32, true) }},
		Export{Name: "strtoul", Handler: func(c *Call) { strtolFn(c, 32, false) }},
		Export{Name: "_strtoi64", Handler: func(c *Call) { strtolFn(c, 64, true) }},
		Export{Name: "_strtoui64", Handler: func(c *Call) { strtolFn(c, 64, false) }},
		Export{Name: "strtod", Handler: strtodFn},
		Export{Name: "atof", Handler: func(c *Call) {
			withStr(c, 0, func(s []byte) { v, _, _ := crt.Strtod(s); returnDouble(c, v) })
		}},
		Export{Name: "abs", Handler: func(c *Call) { c.Return(absU32(c.Arg(0))) }},
		Export{Name: "labs", Handler: func(c *Call) { c.Return(absU32(c.Arg(0))) }},
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
		Export{Name: "_itoa", Handler: func(c *Call) { itoaFn(c, int64(int32(c.Arg(0))), c.Arg(1), c.Arg(2), true) }},
		Export{Name: "_ltoa", Handler: func(c *Call) { itoaFn(c, int64(int32(c.Arg(0))), c.Arg(1), c.Arg(2), true) }},
		Export{Name: "_ultoa", Handler: func(c *Call) { itoaFn(c, int64(c.Arg(0)), c.Arg(1), c.Arg(2), false) }},
		Export{Name: "_i64toa", Handler: func(c *Call) { itoaFn(c, int64(c.Arg64(0)), c.Arg(2), c.Arg(3), true) }},
		Export{Name: "_ui64toa", Handler: func(c *Call) { itoa64u(c, c.Arg64(0), c.Arg(2), c.Arg(3)) }},
		Export{Name: "strerror", Handler: func(c *Call) { staticString(c, "strerror", errorText(c.Arg(0))) }},
		Export{Name: "perror", Handler: perrorFn},
		Export{Name: "setlocale", Handler: setlocaleFn, Note: "only the \"C\" locale"},
		Export{Name: "localeconv", Handler: localeconvFn},
		Export{Name: "getenv", Handler: getenvFn},
	)
}

// withStr reads argument i as a NUL-terminated string and runs f; a faulting pointer raises an access violation.
func withStr(c *Call, i int, f func([]byte)) {
	s, err := crt.ReadCString(c.Mem, c.Arg(i), 1<<28)
	if err != nil {
		faultFrom(c, err)
		return
	}
	f(s)
}

func withWStr(c *Call, i int, f func([]uint16)) {
	s, err := crt.ReadWString(c.Mem, c.Arg(i), 1<<27)
	if err != nil {
		faultFrom(c, err)
		return
	}
	f(s)
}

// readN reads up to n bytes of a string, stopping after a NUL (which is included).
func readN(c *Call, addr uint32, n int64) ([]byte, bool) {
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

func lowerASCII(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func cmpFn(c *Call, n int64, fold bool) {
	if n < 0 {
		n = 1 << 40
	}
	a, ok := readN(c, c.Arg(0), n)
	if !ok {
		return
	}
	b, ok := readN(c, c.Arg(1), n)
	if !ok {
		return
	}
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
			x, y = lowerASCII(x), lowerASCII(y)
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

func wcmpFn(c *Call, n int64, fold bool) {
	a, err := crt.ReadWString(c.Mem, c.Arg(0), 1<<27)
	if err != nil {
		faultFrom(c, err)
		return
	}
	b, err := crt.ReadWString(c.Mem, c.Arg(1), 1<<27)
	if err != nil {
		faultFrom(c, err)
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
			x, y = uint16(toLowerC(uint32(x))), uint16(toLowerC(uint32(y)))
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

func copyStr(c *Call, cat bool, n int64) {
	dst := c.Arg(0)
	withStr(c, 1, func(src []byte) {
		if n >= 0 && int64(len(src)) > n {
			src = src[:n]
		}
		at := dst
		if cat {
			d, err := crt.ReadCString(c.Mem, dst, 1<<28)
			if err != nil {
				faultFrom(c, err)
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

func strncpyFn(c *Call) {
	dst, n := c.Arg(0), int64(c.Arg(2))
	src, ok := readN(c, c.Arg(1), n)
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

func wbytes(u []uint16) []byte {
	b := make([]byte, 2*len(u))
	for i, x := range u {
		b[2*i], b[2*i+1] = byte(x), byte(x>>8)
	}
	return b
}

func copyWStr(c *Call, cat bool) {
	dst := c.Arg(0)
	withWStr(c, 1, func(src []uint16) {
		at := dst
		if cat {
			d, err := crt.ReadWString(c.Mem, dst, 1<<27)
			if err != nil {
				faultFrom(c, err)
				return
			}
			at += 2 * uint32(len(d))
		}
		if !c.WriteBytes(at, wbytes(append(append([]uint16(nil), src...), 0))) {
			c.Fault(at, true)
			return
		}
		c.Return(dst)
	})
}

func findChar(c *Call, last bool) {
	p, ch := c.Arg(0), byte(c.Arg(1))
	withStr(c, 0, func(s []byte) {
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

func findWChar(c *Call, last bool) {
	p, ch := c.Arg(0), uint16(c.Arg(1))
	withWStr(c, 0, func(s []uint16) {
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

func strstrFn(c *Call) {
	p := c.Arg(0)
	withStr(c, 0, func(s []byte) {
		withStr(c, 1, func(sub []byte) {
			i := bytes.Index(s, sub)
			if i < 0 {
				c.Return(0)
				return
			}
			c.Return(p + uint32(i))
		})
	})
}

func wcsstrFn(c *Call) {
	p := c.Arg(0)
	withWStr(c, 0, func(s []uint16) {
		withWStr(c, 1, func(sub []uint16) {
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

func spanFn(c *Call, accept bool) {
	withStr(c, 0, func(s []byte) {
		withStr(c, 1, func(set []byte) {
			n := 0
			for n < len(s) && (bytes.IndexByte(set, s[n]) >= 0) == accept {
				n++
			}
			c.Return(uint32(n))
		})
	})
}

func strpbrkFn(c *Call) {
	p := c.Arg(0)
	withStr(c, 0, func(s []byte) {
		withStr(c, 1, func(set []byte) {
			if i := bytes.IndexAny(s, string(set)); i >= 0 && len(set) > 0 {
				c.Return(p + uint32(i))
				return
			}
			c.Return(0)
		})
	})
}

func strdupFn(c *Call) {
	if c.Arg(0) == 0 {
		c.Return(0)
		return
	}
	withStr(c, 0, func(s []byte) {
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

func caseStr(c *Call, upper bool) {
	p := c.Arg(0)
	withStr(c, 0, func(s []byte) {
		out := make([]byte, len(s))
		for i, b := range s {
			if upper {
				out[i] = byte(toUpperC(uint32(b)))
			} else {
				out[i] = lowerASCII(b)
			}
		}
		if !c.WriteBytes(p, out) {
			c.Fault(p, true)
			return
		}
		c.Return(p)
	})
}

// memmoveFn implements memcpy and memmove (overlap-safe, as msvcrt's memcpy also is).
func memmoveFn(c *Call) {
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

func memsetFn(c *Call) {
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

func memcmpFn(c *Call) {
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

func memchrFn(c *Call) {
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

func toUpperC(ch uint32) uint32 {
	if ch >= 'a' && ch <= 'z' {
		return ch - 'a' + 'A'
	}
	return ch
}

func toLowerC(ch uint32) uint32 {
	if ch >= 'A' && ch <= 'Z' {
		return ch + 'a' - 'A'
	}
	return ch
}

// Character classes, with msvcrt's _ctype bit values (isalpha returns _UPPER|_LOWER bits, etc.).
const (
	ctUpper = 0x1
	ctLower = 0x2
	ctDigit = 0x4
	ctSpace = 0x8
	ctPunct = 0x10
	ctCntrl = 0x20
	ctBlank = 0x40
	ctHex   = 0x80
	ctAlpha = ctUpper | ctLower | 0x100
)

// ctypeBits classifies an ASCII character as msvcrt's "C" locale table does; other values have no class.
func ctypeBits(ch uint32) uint32 {
	var b uint32
	switch {
	case ch >= 'A' && ch <= 'Z':
		b = ctUpper | 0x100
		if ch <= 'F' {
			b |= ctHex
		}
	case ch >= 'a' && ch <= 'z':
		b = ctLower | 0x100
		if ch <= 'f' {
			b |= ctHex
		}
	case ch >= '0' && ch <= '9':
		b = ctDigit | ctHex
	case ch == ' ':
		b = ctSpace | ctBlank
	case ch >= 9 && ch <= 13:
		b = ctSpace | ctCntrl
	case ch < 32 || ch == 127:
		b = ctCntrl
	case ch > 32 && ch < 127:
		b = ctPunct
	}
	return b
}

func ctypeFn(mask uint32) Handler {
	return func(c *Call) { c.Return(ctypeBits(c.Arg(0)) & mask) }
}

func strtolFn(c *Call, bits int, signed bool) {
	p, end, base := c.Arg(0), c.Arg(1), int(int32(c.Arg(2)))
	withStr(c, 0, func(s []byte) {
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

func strtodFn(c *Call) {
	p, end := c.Arg(0), c.Arg(1)
	withStr(c, 0, func(s []byte) {
		v, n, errno := crt.Strtod(s)
		if end != 0 && !c.W32(end, p+uint32(n)) {
			c.Fault(end, true)
			return
		}
		if errno != 0 {
			c.SetErrno(uint32(errno))
		}
		returnDouble(c, v)
	})
}

func absU32(v uint32) uint32 {
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

func itoaFn(c *Call, v int64, buf, radix uint32, signed bool) {
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

func itoa64u(c *Call, v uint64, buf, radix uint32) {
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

// errorText is msvcrt's message for an errno value (_sys_errlist).
func errorText(e uint32) string {
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

// staticString returns (EAX) the address of a per-process buffer named key holding s, as msvcrt's functions
// that return a pointer to a static buffer do.
func staticString(c *Call, key string, s string) {
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

func perrorFn(c *Call) {
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
	put(c, stdStream(c, 2), []byte(prefix+errorText(e)+"\n"))
	c.Return(0)
}

func setlocaleFn(c *Call) {
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
	staticString(c, "setlocale", "C")
}

// localeconvFn returns the "C" locale's struct lconv: decimal_point ".", every other string empty, every char
// field CHAR_MAX.
func localeconvFn(c *Call) {
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

// getenvFn looks a variable up in the process environment block (case-insensitive names, as Windows).
func getenvFn(c *Call) {
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
