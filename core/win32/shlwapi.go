package win32

import (
	"strings"
	"unicode/utf16"

	"github.com/peek32/peek32/core/vfs"
	"github.com/peek32/peek32/core/win32/abi"
)

// shlwapi is the built-in SHLWAPI.dll: the string and path helpers console programs use.
var shlwapi = NewDLL("shlwapi.dll", 0x77F60000)

func init() {
	shlwapi.Add(
		Export{Name: "StrStrIW", ArgBytes: 8, Handler: func(c *Call) { strStr(c, true, true) }},
		Export{Name: "StrStrIA", ArgBytes: 8, Handler: func(c *Call) { strStr(c, false, true) }},
		Export{Name: "StrStrW", ArgBytes: 8, Handler: func(c *Call) { strStr(c, true, false) }},
		Export{Name: "StrStrA", ArgBytes: 8, Handler: func(c *Call) { strStr(c, false, false) }},
		Export{Name: "PathRemoveFileSpecW", ArgBytes: 4, Handler: func(c *Call) { pathRemoveFileSpec(c, true) }},
		Export{Name: "PathRemoveFileSpecA", ArgBytes: 4, Handler: func(c *Call) { pathRemoveFileSpec(c, false) }},
		Export{Name: "PathCombineW", ArgBytes: 12, Handler: func(c *Call) { pathCombine(c, true) }},
		Export{Name: "PathCombineA", ArgBytes: 12, Handler: func(c *Call) { pathCombine(c, false) }},
		Export{Name: "PathFileExistsW", ArgBytes: 4, Handler: func(c *Call) { pathFileExists(c, true) }},
		Export{Name: "PathFileExistsA", ArgBytes: 4, Handler: func(c *Call) { pathFileExists(c, false) }},
		Export{Name: "PathFindFileNameW", ArgBytes: 4, Handler: func(c *Call) { pathFindFileName(c, true) }},
		Export{Name: "PathFindFileNameA", ArgBytes: 4, Handler: func(c *Call) { pathFindFileName(c, false) }},
	)
}

// strStr finds the first occurrence of arg 1 in arg 0 (case-insensitively with fold) and returns a pointer to it.
func strStr(c *Call, wide, fold bool) {
	hp := c.Arg(0)
	h, ok1 := c.strArg(0, wide)
	n, ok2 := c.strArg(1, wide)
	if hp == 0 || c.Arg(1) == 0 || !ok1 || !ok2 {
		c.Return(0)
		return
	}
	hs, ns := h, n
	if fold {
		hs, ns = strings.ToLower(h), strings.ToLower(n)
	}
	i := strings.Index(hs, ns)
	if i < 0 {
		c.Return(0)
		return
	}
	// Convert the byte offset in the Go string to characters (or ANSI bytes) of the guest string.
	prefix := h[:i]
	if fold {
		prefix = string([]rune(h)[:len([]rune(hs[:i]))])
	}
	if wide {
		c.Return(hp + 2*uint32(len(utf16.Encode([]rune(prefix)))))
		return
	}
	c.Return(hp + uint32(len(stringToANSI(prefix))))
}

// putStr writes s (ANSI or wide, NUL-terminated) at p.
func (c *Call) putStr(p uint32, s string, wide bool) bool {
	if wide {
		return c.WriteBytes(p, utf16Bytes(s))
	}
	return c.WriteBytes(p, append(stringToANSI(s), 0))
}

func pathRemoveFileSpec(c *Call, wide bool) {
	p := c.Arg(0)
	s, ok := c.strArg(0, wide)
	if !ok || p == 0 {
		c.Return(0)
		return
	}
	i := strings.LastIndexAny(s, `\/`)
	var out string
	switch {
	case i < 0:
		out = ""
		if len(s) >= 2 && s[1] == ':' {
			out = s[:2]
		}
	case i == 2 && s[1] == ':' || i == 0:
		out = s[:i+1]
	default:
		out = s[:i]
	}
	if out == s {
		c.Return(0)
		return
	}
	c.putStr(p, out, wide)
	c.Return(1)
}

func pathCombine(c *Call, wide bool) {
	dst := c.Arg(0)
	dir, _ := c.strArg(1, wide)
	file, _ := c.strArg(2, wide)
	var out string
	switch {
	case file == "":
		out = dir
	case dir == "" || strings.HasPrefix(file, `\`) || len(file) >= 2 && file[1] == ':':
		out = file
	default:
		out = strings.TrimSuffix(dir, `\`) + `\` + file
	}
	if full, err := vfs.FullPath(`C:\`, out); err == nil && (len(out) >= 2 && out[1] == ':') {
		out = full
	}
	if len(out) >= abi.MAX_PATH || !c.putStr(dst, out, wide) {
		c.Return(0)
		return
	}
	c.Return(dst)
}

func pathFileExists(c *Call, wide bool) {
	info, e := c.stat(0, wide)
	_ = info
	c.Return(b2u(e == 0))
}

func pathFindFileName(c *Call, wide bool) {
	p := c.Arg(0)
	s, ok := c.strArg(0, wide)
	if !ok {
		c.Return(p)
		return
	}
	i := strings.LastIndexAny(strings.TrimRight(s, `\/`), `\/:`)
	prefix := s[:i+1]
	if wide {
		c.Return(p + 2*uint32(len(utf16.Encode([]rune(prefix)))))
		return
	}
	c.Return(p + uint32(len(stringToANSI(prefix))))
}
