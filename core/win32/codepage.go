package win32

import (
	"unicode/utf16"
	"unicode/utf8"

	"github.com/peek32/peek32/core/win32/abi"
)

// ACP is the ANSI code page peek32 reports (Windows-1252, Western European); OEMCP the OEM one (437).
const (
	ACP   = abi.CP_1252
	OEMCP = abi.CP_437
)

// cp1252High maps bytes 0x80..0x9F of Windows-1252 (the rest is Latin-1). Undefined bytes map to themselves as
// MultiByteToWideChar does.
var cp1252High = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

// decodeCP converts bytes in code page cp to UTF-16 units. ok is false for invalid UTF-8 when strict.
func decodeCP(cp uint32, b []byte, strict bool) ([]uint16, bool) {
	switch cp {
	case abi.CP_UTF8:
		out := make([]uint16, 0, len(b))
		for len(b) > 0 {
			r, n := utf8.DecodeRune(b)
			if r == utf8.RuneError && n <= 1 {
				if strict {
					return nil, false
				}
				r = 0xFFFD
			}
			out = utf16.AppendRune(out, r)
			b = b[n:]
		}
		return out, true
	default:
		out := make([]uint16, len(b))
		for i, c := range b {
			switch {
			case c >= 0x80 && c < 0xA0 && cp != abi.CP_437:
				out[i] = uint16(cp1252High[c-0x80])
			default:
				out[i] = uint16(c)
			}
		}
		return out, true
	}
}

// encodeCP converts UTF-16 units to code page cp; usedDefault reports characters that had no mapping ('?').
func encodeCP(cp uint32, u []uint16) (out []byte, usedDefault bool) {
	if cp == abi.CP_UTF8 {
		rs := utf16.Decode(u)
		out = make([]byte, 0, len(rs))
		for _, r := range rs {
			out = utf8.AppendRune(out, r)
		}
		return out, false
	}
	out = make([]byte, 0, len(u))
	for _, c := range u {
		switch {
		case c < 0x80 || (c >= 0xA0 && c < 0x100):
			out = append(out, byte(c))
		default:
			found := false
			if cp != abi.CP_437 {
				for i, r := range cp1252High {
					if rune(c) == r {
						out, found = append(out, byte(0x80+i)), true
						break
					}
				}
			}
			if !found {
				out, usedDefault = append(out, '?'), true
			}
		}
	}
	return out, usedDefault
}

// ansiToString converts ANSI (code page 1252) bytes to a Go string.
func ansiToString(b []byte) string {
	u, _ := decodeCP(ACP, b, false)
	return string(utf16.Decode(u))
}

// stringToANSI converts a Go string to ANSI bytes.
func stringToANSI(s string) []byte {
	b, _ := encodeCP(ACP, utf16.Encode([]rune(s)))
	return b
}

// utf16Bytes encodes s as UTF-16LE bytes with a terminating NUL.
func utf16Bytes(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u)+2)
	for i, x := range u {
		b[2*i], b[2*i+1] = byte(x), byte(x>>8)
	}
	return b
}

func sortU32(s []uint32) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// decodeUTF16 converts UTF-16LE bytes to a Go string.
func decodeUTF16(b []byte) (string, bool) {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u)), len(b)%2 == 0
}
