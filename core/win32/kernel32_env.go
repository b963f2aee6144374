package win32

import (
	"strings"

	"github.com/peek32/peek32/core/win32/abi"
)

func init() {
	kernel32.Add(
		Export{Name: "GetEnvironmentStrings", Handler: func(c *Call) { envBlock(c, false) }},
		Export{Name: "GetEnvironmentStringsA", Handler: func(c *Call) { envBlock(c, false) }},
		Export{Name: "GetEnvironmentStringsW", Handler: func(c *Call) { envBlock(c, true) }},
		Export{Name: "FreeEnvironmentStringsA", ArgBytes: 4, Handler: freeEnvBlock},
		Export{Name: "FreeEnvironmentStringsW", ArgBytes: 4, Handler: freeEnvBlock},
		Export{Name: "GetEnvironmentVariableA", ArgBytes: 12, Handler: func(c *Call) { getEnv(c, false) }},
		Export{Name: "GetEnvironmentVariableW", ArgBytes: 12, Handler: func(c *Call) { getEnv(c, true) }},
		Export{Name: "SetEnvironmentVariableA", ArgBytes: 8, Handler: func(c *Call) { setEnv(c, false) }},
		Export{Name: "SetEnvironmentVariableW", ArgBytes: 8, Handler: func(c *Call) { setEnv(c, true) }},
		Export{Name: "ExpandEnvironmentStringsA", ArgBytes: 12, Handler: func(c *Call) { expandEnv(c, false) }},
		Export{Name: "ExpandEnvironmentStringsW", ArgBytes: 12, Handler: func(c *Call) { expandEnv(c, true) }},
		Export{Name: "SetHandleCount", ArgBytes: 4, Handler: func(c *Call) { c.Return(c.Arg(0)) }},
		Export{Name: "RtlUnwind", ArgBytes: 16, Handler: rtlUnwind},
		Export{Name: "InterlockedPushEntrySList", ArgBytes: 8, Handler: slistPush},
		Export{Name: "InterlockedPopEntrySList", ArgBytes: 4, Handler: slistPop},
		Export{Name: "InterlockedFlushSList", ArgBytes: 4, Handler: slistFlush},
		Export{Name: "QueryDepthSList", ArgBytes: 4, Handler: func(c *Call) { v, _ := c.Mem.Read16(c.Arg(0) + 4); c.Return(uint32(v)) }},
		Export{Name: "GetComputerNameA", ArgBytes: 8, Handler: func(c *Call) { getComputerName(c, false) }},
		Export{Name: "GetComputerNameW", ArgBytes: 8, Handler: func(c *Call) { getComputerName(c, true) }},
		Export{Name: "GetWindowsDirectoryA", ArgBytes: 8, Handler: func(c *Call) { putDir(c, false, `C:\Windows`) }},
		Export{Name: "GetWindowsDirectoryW", ArgBytes: 8, Handler: func(c *Call) { putDir(c, true, `C:\Windows`) }},
		Export{Name: "GetSystemDirectoryA", ArgBytes: 8, Handler: func(c *Call) { putDir(c, false, systemDir) }},
		Export{Name: "GetSystemDirectoryW", ArgBytes: 8, Handler: func(c *Call) { putDir(c, true, systemDir) }},
		Export{Name: "GetSystemWindowsDirectoryA", ArgBytes: 8, Handler: func(c *Call) { putDir(c, false, `C:\Windows`) }},
		Export{Name: "GetSystemWindowsDirectoryW", ArgBytes: 8, Handler: func(c *Call) { putDir(c, true, `C:\Windows`) }},
	)
}

// envBlock returns a fresh copy of the environment block (NAME=value\0...\0\0) on the process heap.
func envBlock(c *Call, wide bool) {
	var b []byte
	for _, e := range c.P.Env {
		if wide {
			b = append(b, utf16Bytes(e)...)
		} else {
			b = append(b, stringToANSI(e)...)
			b = append(b, 0)
		}
	}
	if wide {
		b = append(b, 0, 0)
		if len(c.P.Env) == 0 {
			b = append(b, 0, 0)
		}
	} else {
		b = append(b, 0)
		if len(c.P.Env) == 0 {
			b = append(b, 0)
		}
	}
	h := c.State().Heap
	a, err := h.Alloc(uint32(len(b)), false)
	if err != nil || !c.WriteBytes(a, b) {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	c.Return(a)
}

func freeEnvBlock(c *Call) {
	a := c.Arg(0)
	if !c.State().Heap.Free(a) {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	c.Return(1)
}

// lookupEnv finds name (case-insensitive) in the environment.
func lookupEnv(env []string, name string) (int, string, bool) {
	for i, e := range env {
		if j := strings.IndexByte(e[min(1, len(e)):], '='); j >= 0 {
			j++
			if strings.EqualFold(e[:j], name) {
				return i, e[j+1:], true
			}
		}
	}
	return -1, "", false
}

func getEnv(c *Call, wide bool) {
	name, ok := c.strArg(0, wide)
	buf, size := c.Arg(1), c.Arg(2)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	_, v, found := lookupEnv(c.P.Env, name)
	if !found {
		c.Fail(abi.ERROR_ENVVAR_NOT_FOUND, 0)
		return
	}
	var n uint32
	if wide {
		n, ok = c.PutStringW(buf, size, v)
	} else {
		n, ok = c.PutStringA(buf, size, string(stringToANSI(v)))
	}
	if !ok {
		c.Return(n) // the size needed, NUL included
		return
	}
	c.Succeed(n)
}

func setEnv(c *Call, wide bool) {
	name, ok := c.strArg(0, wide)
	if !ok || name == "" || strings.Contains(name[1:], "=") {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	i, _, found := lookupEnv(c.P.Env, name)
	if c.Arg(1) == 0 {
		if found {
			c.P.Env = append(c.P.Env[:i:i], c.P.Env[i+1:]...)
		}
		c.Return(1)
		return
	}
	v, _ := c.strArg(1, wide)
	e := name + "=" + v
	if found {
		c.P.Env[i] = e
	} else {
		c.P.Env = append(c.P.Env, e)
	}
	c.Return(1)
}

func expandEnv(c *Call, wide bool) {
	s, ok := c.strArg(0, wide)
	buf, size := c.Arg(1), c.Arg(2)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			b.WriteString(s)
			break
		}
		name := s[i+1 : i+1+j]
		if _, v, found := lookupEnv(c.P.Env, name); found && name != "" {
			b.WriteString(s[:i] + v)
		} else {
			b.WriteString(s[:i+2+j])
		}
		s = s[i+2+j:]
	}
	out := b.String()
	var n uint32
	if wide {
		n, ok = c.PutStringW(buf, size, out)
	} else {
		n, ok = c.PutStringA(buf, size, string(stringToANSI(out)))
	}
	if !ok {
		c.Return(n)
		return
	}
	c.Return(n + 1) // ExpandEnvironmentStrings counts the NUL
}

// SLIST_HEADER (8 bytes): Next (the first entry), Depth (16 bits), Sequence (16 bits).
func slistPush(c *Call) {
	head, entry := c.Arg(0), c.Arg(1)
	first, _ := c.R32(head)
	depth, _ := c.Mem.Read16(head + 4)
	if !c.W32(entry, first) || !c.W32(head, entry) {
		c.Fault(entry, true)
		return
	}
	c.Mem.Write16(head+4, depth+1)
	c.Return(first)
}

func slistPop(c *Call) {
	head := c.Arg(0)
	first, ok := c.R32(head)
	if !ok {
		c.Fault(head, false)
		return
	}
	if first != 0 {
		next, _ := c.R32(first)
		depth, _ := c.Mem.Read16(head + 4)
		c.W32(head, next)
		c.Mem.Write16(head+4, depth-1)
	}
	c.Return(first)
}

func slistFlush(c *Call) {
	head := c.Arg(0)
	first, ok := c.R32(head)
	if !ok {
		c.Fault(head, false)
		return
	}
	c.W32(head, 0)
	c.Mem.Write16(head+4, 0)
	c.Return(first)
}

func getComputerName(c *Call, wide bool) {
	buf, psize := c.Arg(0), c.Arg(1)
	size, ok := c.R32(psize)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	const name = "PEEK32"
	var n uint32
	if wide {
		n, ok = c.PutStringW(buf, size, name)
	} else {
		n, ok = c.PutStringA(buf, size, name)
	}
	c.W32(psize, n)
	if !ok {
		c.Fail(abi.ERROR_BUFFER_OVERFLOW, 0)
		return
	}
	c.Return(1)
}

func putDir(c *Call, wide bool, dir string) {
	buf, size := c.Arg(0), c.Arg(1)
	var n uint32
	if wide {
		n, _ = c.PutStringW(buf, size, dir)
	} else {
		n, _ = c.PutStringA(buf, size, dir)
	}
	c.Return(n)
}
