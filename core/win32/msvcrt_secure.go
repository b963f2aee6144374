package win32

import (
	"github.com/peek32/peek32/core/win32/crt"
)

// The bounds-checked ("_s") functions msvcrt.dll exports since Vista. When a check fails, msvcrt calls its
// invalid-parameter handler; the default one here returns, as msvcrt.dll's does for programs that did not set
// one: the destination gets an empty string, errno is set, and the function reports the error.

const (
	crtTruncate  = 0xFFFFFFFF // _TRUNCATE
	crtSTRUNCATE = 80
)

func init() {
	msvcrt.Add(
		Export{Name: "sprintf_s", Handler: func(c *Call) { crtSprintfS(c, crtVaAt(c, 3)) }},
		Export{Name: "vsprintf_s", Handler: func(c *Call) { crtSprintfS(c, &crt.VaList{Mem: c.Mem, Ptr: c.Arg(3)}) }},
		Export{Name: "_snprintf_s", Handler: func(c *Call) { crtSnprintfS(c, crtVaAt(c, 4)) }},
		Export{Name: "_vsnprintf_s", Handler: func(c *Call) { crtSnprintfS(c, &crt.VaList{Mem: c.Mem, Ptr: c.Arg(4)}) }},
		Export{Name: "strcpy_s", Handler: func(c *Call) { crtStrcpyS(c, false) }},
		Export{Name: "strcat_s", Handler: func(c *Call) { crtStrcpyS(c, true) }},
		Export{Name: "strncpy_s", Handler: crtStrncpyS},
		Export{Name: "memcpy_s", Handler: crtMemcpyS},
		Export{Name: "memmove_s", Handler: crtMemcpyS},
	)
}

// crtEmpty stores an empty string at dst (size > 0), as the _s functions do on failure.
func crtEmpty(c *Call, dst, size uint32) {
	if dst != 0 && size > 0 {
		c.Mem.Write8(dst, 0)
	}
}

// crtSprintfS implements sprintf_s(buf, size, fmt, ...): the output and its NUL must fit, else buf is emptied,
// errno is ERANGE and the result is -1.
func crtSprintfS(c *Call, args crt.Args) {
	buf, size := c.Arg(0), c.Arg(1)
	if buf == 0 || size == 0 || c.Arg(2) == 0 {
		c.SetErrno(crtEINVAL)
		c.Return(crtEOF)
		return
	}
	f, ok := crtReadFormat(c, 2)
	if !ok {
		return
	}
	out, n, err := crt.Sprintf(f, args, c.Mem, int(min(size, 1<<24)))
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	if n >= int64(size) {
		crtEmpty(c, buf, size)
		c.SetErrno(crtERANGE)
		c.Return(crtEOF)
		return
	}
	if !c.WriteBytes(buf, append(out, 0)) {
		c.Fault(buf, true)
		return
	}
	c.Return(uint32(n))
}

// crtSnprintfS implements _snprintf_s(buf, size, count, fmt, ...): at most count characters (all that fit with
// count = _TRUNCATE), always NUL-terminated; -1 when truncated under _TRUNCATE, an empty buffer and ERANGE when
// the output does not fit otherwise.
func crtSnprintfS(c *Call, args crt.Args) {
	buf, size, count := c.Arg(0), c.Arg(1), c.Arg(2)
	if buf == 0 || size == 0 || c.Arg(3) == 0 {
		c.SetErrno(crtEINVAL)
		c.Return(crtEOF)
		return
	}
	f, ok := crtReadFormat(c, 3)
	if !ok {
		return
	}
	out, n, err := crt.Sprintf(f, args, c.Mem, int(min(size, 1<<24)))
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	limit := int64(size) - 1
	if count != crtTruncate && int64(count) < limit {
		limit = int64(count)
	}
	ret := uint32(n)
	if n > limit {
		if count != crtTruncate && int64(count) >= int64(size) {
			crtEmpty(c, buf, size)
			c.SetErrno(crtERANGE)
			c.Return(crtEOF)
			return
		}
		out = out[:limit]
		ret = crtEOF
	}
	if !c.WriteBytes(buf, append(out, 0)) {
		c.Fault(buf, true)
		return
	}
	c.Return(ret)
}

// crtStrcpyS implements strcpy_s/strcat_s(dst, size, src): 0, or EINVAL/ERANGE with dst emptied.
func crtStrcpyS(c *Call, cat bool) {
	dst, size, src := c.Arg(0), c.Arg(1), c.Arg(2)
	if dst == 0 || size == 0 {
		c.Return(crtEINVAL)
		return
	}
	if src == 0 {
		crtEmpty(c, dst, size)
		c.Return(crtEINVAL)
		return
	}
	s, err := crt.ReadCString(c.Mem, src, 1<<28)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	at := dst
	used := uint32(0)
	if cat {
		d, err := crt.ReadCString(c.Mem, dst, int(size))
		if err != nil {
			crtFaultFrom(c, err)
			return
		}
		if uint32(len(d)) >= size { // not terminated within size
			crtEmpty(c, dst, size)
			c.Return(crtEINVAL)
			return
		}
		used = uint32(len(d))
		at += used
	}
	if used+uint32(len(s))+1 > size {
		crtEmpty(c, dst, size)
		c.SetErrno(crtERANGE)
		c.Return(crtERANGE)
		return
	}
	if !c.WriteBytes(at, append(s, 0)) {
		c.Fault(at, true)
		return
	}
	c.Return(0)
}

// crtStrncpyS implements strncpy_s(dst, size, src, count): copies min(count, strlen) characters and a NUL;
// with count = _TRUNCATE it copies what fits and returns STRUNCATE when it cut.
func crtStrncpyS(c *Call) {
	dst, size, src, count := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	if dst == 0 || size == 0 {
		c.Return(crtEINVAL)
		return
	}
	if src == 0 && count != 0 {
		crtEmpty(c, dst, size)
		c.Return(crtEINVAL)
		return
	}
	max := count
	if count == crtTruncate {
		max = size
	}
	s, err := crt.ReadCString(c.Mem, src, int(min(max, 1<<28)))
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	var ret uint32
	if uint32(len(s)) >= size {
		if count != crtTruncate {
			crtEmpty(c, dst, size)
			c.SetErrno(crtERANGE)
			c.Return(crtERANGE)
			return
		}
		s = s[:size-1]
		ret = crtSTRUNCATE
	}
	if !c.WriteBytes(dst, append(s, 0)) {
		c.Fault(dst, true)
		return
	}
	c.Return(ret)
}

// crtMemcpyS implements memcpy_s/memmove_s(dst, dstSize, src, count): ERANGE (dst zeroed) when count > dstSize.
func crtMemcpyS(c *Call) {
	dst, dsize, src, n := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	if n == 0 {
		c.Return(0)
		return
	}
	if dst == 0 {
		c.Return(crtEINVAL)
		return
	}
	if src == 0 || n > dsize {
		zero := make([]byte, min(dsize, 1<<24))
		c.WriteBytes(dst, zero)
		if src == 0 {
			c.Return(crtEINVAL)
			return
		}
		c.SetErrno(crtERANGE)
		c.Return(crtERANGE)
		return
	}
	b, ok := c.ReadBytes(src, int(min(n, 1<<28)))
	if !ok {
		c.Fault(src, false)
		return
	}
	if !c.WriteBytes(dst, b) {
		c.Fault(dst, true)
		return
	}
	c.Return(0)
}
