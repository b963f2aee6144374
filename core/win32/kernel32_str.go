package win32

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/peek32/peek32/core/win32/abi"
)

func init() {
	kernel32.Add(
		Export{Name: "GetACP", Handler: func(c *Call) { c.Return(ACP) }},
		Export{Name: "GetOEMCP", Handler: func(c *Call) { c.Return(OEMCP) }},
		Export{Name: "GetConsoleCP", Handler: func(c *Call) { c.Return(OEMCP) }},
		Export{Name: "GetConsoleOutputCP", Handler: func(c *Call) { c.Return(OEMCP) }},
		Export{Name: "SetConsoleCP", ArgBytes: 4, Handler: func(c *Call) { c.Arg(0); c.Return(1) }},
		Export{Name: "SetConsoleOutputCP", ArgBytes: 4, Handler: func(c *Call) { c.Arg(0); c.Return(1) }},
		Export{Name: "IsValidCodePage", ArgBytes: 4, Handler: func(c *Call) { c.Return(b2u(validCP(c.Arg(0)))) }},
		Export{Name: "GetCPInfo", ArgBytes: 8, Handler: getCPInfo},
		Export{Name: "MultiByteToWideChar", ArgBytes: 24, Handler: multiByteToWideChar},
		Export{Name: "WideCharToMultiByte", ArgBytes: 32, Handler: wideCharToMultiByte},
		Export{Name: "IsDBCSLeadByte", ArgBytes: 4, Handler: func(c *Call) { c.Arg(0); c.Return(0) }, Note: "single-byte code pages only"},
		Export{Name: "IsDBCSLeadByteEx", ArgBytes: 8, Handler: func(c *Call) { c.Arg(0); c.Arg(1); c.Return(0) }},
		Export{Name: "lstrlenA", ArgBytes: 4, Handler: func(c *Call) { s, _ := c.Str(0); c.Return(uint32(len(s))) }},
		Export{Name: "lstrlenW", ArgBytes: 4, Handler: lstrlenW},
		Export{Name: "lstrcpyA", ArgBytes: 8, Handler: lstrcpyA},
		Export{Name: "lstrcpynA", ArgBytes: 12, Handler: lstrcpynA},
		Export{Name: "lstrcatA", ArgBytes: 8, Handler: lstrcatA},
		Export{Name: "lstrcmpA", ArgBytes: 8, Handler: func(c *Call) { lstrcmp(c, false, false) }},
		Export{Name: "lstrcmpiA", ArgBytes: 8, Handler: func(c *Call) { lstrcmp(c, false, true) }},
		Export{Name: "lstrcmpW", ArgBytes: 8, Handler: func(c *Call) { lstrcmp(c, true, false) }},
		Export{Name: "lstrcmpiW", ArgBytes: 8, Handler: func(c *Call) { lstrcmp(c, true, true) }},
		Export{Name: "GetStringTypeW", ArgBytes: 16, Handler: getStringTypeW},
		Export{Name: "GetStringTypeA", ArgBytes: 20, Handler: getStringTypeA},
		Export{Name: "LCMapStringW", ArgBytes: 24, Handler: lcMapStringW, Note: "LCMAP_LOWERCASE/UPPERCASE; other flags copy"},
		Export{Name: "LCMapStringA", ArgBytes: 24, Handler: lcMapStringA, Note: "LCMAP_LOWERCASE/UPPERCASE; other flags copy"},
		Export{Name: "CompareStringA", ArgBytes: 24, Handler: func(c *Call) { compareString(c, false) }, Note: "ordinal comparison, NORM_IGNORECASE honoured"},
		Export{Name: "CompareStringW", ArgBytes: 24, Handler: func(c *Call) { compareString(c, true) }, Note: "ordinal comparison, NORM_IGNORECASE honoured"},
		Export{Name: "GetUserDefaultLCID", Handler: func(c *Call) { c.Return(0x409) }},
		Export{Name: "GetSystemDefaultLCID", Handler: func(c *Call) { c.Return(0x409) }},
		Export{Name: "GetThreadLocale", Handler: func(c *Call) { c.Return(0x409) }},
		Export{Name: "GetUserDefaultLangID", Handler: func(c *Call) { c.Return(0x409) }},
		Export{Name: "GetSystemDefaultLangID", Handler: func(c *Call) { c.Return(0x409) }},
		Export{Name: "GetUserDefaultUILanguage", Handler: func(c *Call) { c.Return(0x409) }},
		Export{Name: "IsValidLocale", ArgBytes: 8, Handler: func(c *Call) { c.Return(b2u(c.Arg(0)&0x3FF == 0x09 || c.Arg(0) == 0x400 || c.Arg(0) == 0x800)) }},
		Export{Name: "GetLocaleInfoA", ArgBytes: 16, Handler: func(c *Call) { getLocaleInfo(c, false) }, Note: "en-US values for common LCTYPEs"},
		Export{Name: "GetLocaleInfoW", ArgBytes: 16, Handler: func(c *Call) { getLocaleInfo(c, true) }, Note: "en-US values for common LCTYPEs"},
	)
}

func validCP(cp uint32) bool {
	switch cp {
	case abi.CP_ACP, abi.CP_OEMCP, abi.CP_THREAD_ACP, abi.CP_1252, abi.CP_437, abi.CP_UTF8, 28591, 20127:
		return true
	}
	return false
}

func realCP(cp uint32) uint32 {
	switch cp {
	case abi.CP_ACP, abi.CP_THREAD_ACP:
		return ACP
	case abi.CP_OEMCP:
		return OEMCP
	}
	return cp
}

func getCPInfo(c *Call) {
	cp, p := realCP(c.Arg(0)), c.Arg(1)
	if !validCP(cp) {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	b := make([]byte, 20) // MaxCharSize, DefaultChar[2], LeadByte[12]
	b[0], b[4] = 1, '?'
	if cp == abi.CP_UTF8 {
		b[0] = 4
	}
	if !c.WriteBytes(p, b) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

// readCount reads a string argument with an explicit length (-1: NUL-terminated, the NUL included).
func readMB(c *Call, p uint32, n int32) ([]byte, bool) {
	if n < 0 {
		s, err := c.Mem.ReadCString(p, maxString)
		if err != nil {
			return nil, false
		}
		return append([]byte(s), 0), true
	}
	return c.ReadBytes(p, int(n))
}

func readWide(c *Call, p uint32, n int32) ([]uint16, bool) {
	if n < 0 {
		var out []uint16
		for i := uint32(0); i < maxString; i++ {
			v, ok := c.Mem.Read16(p + 2*i)
			if !ok {
				return nil, false
			}
			out = append(out, v)
			if v == 0 {
				return out, true
			}
		}
		return nil, false
	}
	b, ok := c.ReadBytes(p, 2*int(n))
	if !ok {
		return nil, false
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return out, true
}

func multiByteToWideChar(c *Call) {
	cp, flags, src, n, dst, size := realCP(c.Arg(0)), c.Arg(1), c.Arg(2), int32(c.Arg(3)), c.Arg(4), c.Arg(5)
	if !validCP(cp) {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	if n == 0 || src == 0 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	b, ok := readMB(c, src, n)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	u, valid := decodeCP(cp, b, flags&abi.MB_ERR_INVALID_CHARS != 0)
	if !valid {
		c.Fail(abi.ERROR_NO_UNICODE_TRANSLATION, 0)
		return
	}
	if size == 0 {
		c.Return(uint32(len(u)))
		return
	}
	if uint32(len(u)) > size {
		c.Fail(abi.ERROR_INSUFFICIENT_BUFFER, 0)
		return
	}
	out := make([]byte, 2*len(u))
	for i, x := range u {
		out[2*i], out[2*i+1] = byte(x), byte(x>>8)
	}
	if !c.WriteBytes(dst, out) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(uint32(len(u)))
}

func wideCharToMultiByte(c *Call) {
	cp, _, src, n, dst, size, _, usedDef := realCP(c.Arg(0)), c.Arg(1), c.Arg(2), int32(c.Arg(3)), c.Arg(4), c.Arg(5), c.Arg(6), c.Arg(7)
	if !validCP(cp) || n == 0 || src == 0 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	u, ok := readWide(c, src, n)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	b, def := encodeCP(cp, u)
	if usedDef != 0 {
		c.W32(usedDef, b2u(def))
	}
	if size == 0 {
		c.Return(uint32(len(b)))
		return
	}
	if uint32(len(b)) > size {
		c.Fail(abi.ERROR_INSUFFICIENT_BUFFER, 0)
		return
	}
	if !c.WriteBytes(dst, b) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(uint32(len(b)))
}

func lstrlenW(c *Call) {
	p := c.Arg(0)
	if p == 0 {
		c.Return(0)
		return
	}
	u, ok := readWide(c, p, -1)
	if !ok {
		c.Return(0)
		return
	}
	c.Return(uint32(len(u) - 1))
}

func lstrcpyA(c *Call) {
	dst := c.Arg(0)
	s, ok := c.Str(1)
	if !ok || !c.WriteBytes(dst, append([]byte(s), 0)) {
		c.Return(0)
		return
	}
	c.Return(dst)
}

func lstrcpynA(c *Call) {
	dst, n := c.Arg(0), c.Arg(2)
	s, ok := c.Str(1)
	if !ok || n == 0 {
		c.Return(0)
		return
	}
	if uint32(len(s)) > n-1 {
		s = s[:n-1]
	}
	if !c.WriteBytes(dst, append([]byte(s), 0)) {
		c.Return(0)
		return
	}
	c.Return(dst)
}

func lstrcatA(c *Call) {
	dst := c.Arg(0)
	d, ok1 := c.Str(0)
	s, ok2 := c.Str(1)
	if !ok1 || !ok2 || !c.WriteBytes(dst+uint32(len(d)), append([]byte(s), 0)) {
		c.Return(0)
		return
	}
	c.Return(dst)
}

func lstrcmp(c *Call, wide, fold bool) {
	a, _ := c.strArg(0, wide)
	b, _ := c.strArg(1, wide)
	if fold {
		a, b = strings.ToLower(a), strings.ToLower(b)
	}
	c.Return(uint32(int32(strings.Compare(a, b))))
}

// ctype1 returns the CT_CTYPE1 bits of r.
func ctype1(r rune) uint16 {
	var v uint16
	if unicode.IsUpper(r) {
		v |= 0x001
	}
	if unicode.IsLower(r) {
		v |= 0x002
	}
	if unicode.IsDigit(r) {
		v |= 0x004
	}
	if unicode.IsSpace(r) {
		v |= 0x008
	}
	if unicode.IsPunct(r) || unicode.IsSymbol(r) {
		v |= 0x010
	}
	if unicode.IsControl(r) {
		v |= 0x020
	}
	if r == ' ' || r == '\t' {
		v |= 0x040
	}
	if strings.ContainsRune("0123456789abcdefABCDEF", r) {
		v |= 0x080
	}
	if unicode.IsLetter(r) {
		v |= 0x100
	}
	if r == 0 {
		v = 0x020
	}
	return v
}

func getStringTypeW(c *Call) {
	info, src, n, out := c.Arg(0), c.Arg(1), int32(c.Arg(2)), c.Arg(3)
	u, ok := readWide(c, src, n)
	if !ok || info != 1 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	if n < 0 {
		u = u[:len(u)-1]
	}
	for i, x := range u {
		c.Mem.Write16(out+2*uint32(i), ctype1(rune(x)))
	}
	c.Return(1)
}

func getStringTypeA(c *Call) {
	c.Arg(0)
	info, src, n, out := c.Arg(1), c.Arg(2), int32(c.Arg(3)), c.Arg(4)
	b, ok := readMB(c, src, n)
	if !ok || info != 1 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	if n < 0 {
		b = b[:len(b)-1]
	}
	u, _ := decodeCP(ACP, b, false)
	for i, x := range u {
		c.Mem.Write16(out+2*uint32(i), ctype1(rune(x)))
	}
	c.Return(1)
}

const (
	lcmapLower = 0x100
	lcmapUpper = 0x200
)

func mapCase(u []uint16, flags uint32) []uint16 {
	rs := utf16.Decode(u)
	for i, r := range rs {
		if flags&lcmapLower != 0 {
			rs[i] = unicode.ToLower(r)
		} else if flags&lcmapUpper != 0 {
			rs[i] = unicode.ToUpper(r)
		}
	}
	return utf16.Encode(rs)
}

func lcMapStringW(c *Call) {
	c.Arg(0)
	flags, src, n, dst, size := c.Arg(1), c.Arg(2), int32(c.Arg(3)), c.Arg(4), c.Arg(5)
	u, ok := readWide(c, src, n)
	if !ok {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	u = mapCase(u, flags)
	if size == 0 {
		c.Return(uint32(len(u)))
		return
	}
	if uint32(len(u)) > size {
		c.Fail(abi.ERROR_INSUFFICIENT_BUFFER, 0)
		return
	}
	for i, x := range u {
		c.Mem.Write16(dst+2*uint32(i), x)
	}
	c.Return(uint32(len(u)))
}

func lcMapStringA(c *Call) {
	c.Arg(0)
	flags, src, n, dst, size := c.Arg(1), c.Arg(2), int32(c.Arg(3)), c.Arg(4), c.Arg(5)
	b, ok := readMB(c, src, n)
	if !ok {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	u, _ := decodeCP(ACP, b, false)
	out, _ := encodeCP(ACP, mapCase(u, flags))
	if size == 0 {
		c.Return(uint32(len(out)))
		return
	}
	if uint32(len(out)) > size || !c.WriteBytes(dst, out) {
		c.Fail(abi.ERROR_INSUFFICIENT_BUFFER, 0)
		return
	}
	c.Return(uint32(len(out)))
}

func compareString(c *Call, wide bool) {
	c.Arg(0)
	flags := c.Arg(1)
	var a, b []uint16
	var ok1, ok2 bool
	if wide {
		a, ok1 = readWide(c, c.Arg(2), int32(c.Arg(3)))
		b, ok2 = readWide(c, c.Arg(4), int32(c.Arg(5)))
	} else {
		var x, y []byte
		x, ok1 = readMB(c, c.Arg(2), int32(c.Arg(3)))
		y, ok2 = readMB(c, c.Arg(4), int32(c.Arg(5)))
		a, _ = decodeCP(ACP, x, false)
		b, _ = decodeCP(ACP, y, false)
	}
	if !ok1 || !ok2 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	trim := func(u []uint16) string {
		for len(u) > 0 && u[len(u)-1] == 0 {
			u = u[:len(u)-1]
		}
		return string(utf16.Decode(u))
	}
	sa, sb := trim(a), trim(b)
	if flags&1 != 0 { // NORM_IGNORECASE
		sa, sb = strings.ToLower(sa), strings.ToLower(sb)
	}
	c.Return(uint32(strings.Compare(sa, sb) + 2)) // CSTR_LESS_THAN 1, CSTR_EQUAL 2, CSTR_GREATER_THAN 3
}

var localeInfo = map[uint32]string{
	0x0001: "0409", 0x0002: "English (United States)", 0x0003: "ENU", 0x0004: "English", 0x0005: "1",
	0x0007: "United States", 0x0009: "Eng", 0x000B: "437", 0x000C: ",", 0x000D: "0", 0x000E: ".", 0x000F: ",",
	0x0010: "3;0", 0x0011: "2", 0x0014: "$", 0x0015: "USD", 0x0016: ".", 0x0017: ",", 0x0018: "3;0",
	0x001D: "/", 0x001E: ":", 0x001F: "M/d/yyyy", 0x0020: "dddd, MMMM d, yyyy", 0x1004: "1252",
	0x0059: "en", 0x005A: "US", 0x005C: "en-US",
}

func getLocaleInfo(c *Call, wide bool) {
	c.Arg(0)
	typ, buf, size := c.Arg(1)&0xFFFF, c.Arg(2), c.Arg(3)
	v, ok := localeInfo[typ]
	if !ok {
		c.Fail(abi.ERROR_INVALID_FLAGS, 0)
		return
	}
	if size == 0 {
		c.Return(uint32(len(utf16.Encode([]rune(v)))) + 1)
		return
	}
	var n uint32
	if wide {
		n, ok = c.PutStringW(buf, size, v)
	} else {
		n, ok = c.PutStringA(buf, size, v)
	}
	if !ok {
		c.Fail(abi.ERROR_INSUFFICIENT_BUFFER, 0)
		return
	}
	c.Return(n + 1)
}
