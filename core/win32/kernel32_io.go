package win32

import (
	"unicode/utf16"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

func init() {
	kernel32.Add(
		Export{Name: "GetStdHandle", ArgBytes: 4, Handler: getStdHandle},
		Export{Name: "SetStdHandle", ArgBytes: 8, Handler: setStdHandle},
		Export{Name: "WriteFile", ArgBytes: 20, Handler: writeFile},
		Export{Name: "ReadFile", ArgBytes: 20, Handler: readFile},
		Export{Name: "WriteConsoleA", ArgBytes: 20, Handler: func(c *Call) { writeConsole(c, false) }},
		Export{Name: "WriteConsoleW", ArgBytes: 20, Handler: func(c *Call) { writeConsole(c, true) }},
		Export{Name: "ReadConsoleA", ArgBytes: 20, Handler: func(c *Call) { readConsole(c, false) }},
		Export{Name: "ReadConsoleW", ArgBytes: 20, Handler: func(c *Call) { readConsole(c, true) }},
		Export{Name: "GetConsoleMode", ArgBytes: 8, Handler: getConsoleMode},
		Export{Name: "SetConsoleMode", ArgBytes: 8, Handler: setConsoleMode},
		Export{Name: "GetFileType", ArgBytes: 4, Handler: getFileType},
		Export{Name: "FlushFileBuffers", ArgBytes: 4, Handler: func(c *Call) {
			if _, ok := c.Object(c.Arg(0)); !ok {
				c.Fail(abi.ERROR_INVALID_HANDLE, 0)
				return
			}
			c.Return(1)
		}},
		Export{Name: "GetNumberOfConsoleInputEvents", ArgBytes: 8, Handler: func(c *Call) { c.W32(c.Arg(1), 0); c.Return(1) }},
		Export{Name: "FlushConsoleInputBuffer", ArgBytes: 4, Handler: func(c *Call) { c.Return(1) }},
		Export{Name: "GetConsoleWindow", Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "SetConsoleTitleA", ArgBytes: 4, Handler: func(c *Call) { c.Return(1) }},
		Export{Name: "SetConsoleTitleW", ArgBytes: 4, Handler: func(c *Call) { c.Return(1) }},
		Export{Name: "AllocConsole", Handler: func(c *Call) { c.Fail(abi.ERROR_ACCESS_DENIED, 0) }},
		Export{Name: "FreeConsole", Handler: func(c *Call) { c.Return(1) }},
	)
}

// ByteReader is implemented by objects ReadFile can read: Read returns up to max bytes, or wait=true when none
// are available yet and the thread should block on the object (the host will signal it).
type ByteReader interface {
	Read(max int) (data []byte, wait bool)
}

func getStdHandle(c *Call) {
	switch c.Arg(0) {
	case abi.STD_INPUT_HANDLE:
		c.Return(uint32(c.P.Std[0]))
	case abi.STD_OUTPUT_HANDLE:
		c.Return(uint32(c.P.Std[1]))
	case abi.STD_ERROR_HANDLE:
		c.Return(uint32(c.P.Std[2]))
	default:
		c.Fail(abi.ERROR_INVALID_HANDLE, abi.InvalidHandleValue)
	}
}

func setStdHandle(c *Call) {
	which, h := c.Arg(0), c.Arg(1)
	switch which {
	case abi.STD_INPUT_HANDLE:
		c.P.Std[0] = kernel.Handle(h)
	case abi.STD_OUTPUT_HANDLE:
		c.P.Std[1] = kernel.Handle(h)
	case abi.STD_ERROR_HANDLE:
		c.P.Std[2] = kernel.Handle(h)
	default:
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	c.Return(1)
}

// Emit a "console" event for output to a console object (the page shows it).
func consoleEvent(c *Call, o kernel.Object, b []byte) {
	if con, ok := o.(*Console); ok {
		con.advance(b)
		name := "stdout"
		if con.Kind == ConsoleErr {
			name = "stderr"
		}
		c.K.Emit(c.T, kernel.Event{Kind: "console", Name: name, Data: string(b), EIP: c.RetAddr})
	}
}

func writeFile(c *Call) {
	h, buf, n, pWritten := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	c.Arg(4)
	o, ok := c.Object(h)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	w, ok := o.(Writer)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if !userRange(buf, n) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	if n > MaxCopy {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	var data []byte
	if _, isCon := o.(*Console); isCon {
		data, ok = c.readScratch(buf, int(n)) // a console keeps nothing of it: its host io.Writer and event copy
	} else {
		data, ok = c.ReadBytes(buf, int(n))
	}
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	if fw, isF := o.(interface{ WriteErr([]byte) error }); isF {
		if err := fw.WriteErr(data); err != nil {
			c.Fail(errno(err), 0)
			return
		}
	} else {
		w.Write(data)
	}
	consoleEvent(c, o, data)
	if pWritten != 0 && !c.W32(pWritten, n) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

// readFile reads from a console or file; a console with no input yet blocks the thread (restartable).
func readFile(c *Call) {
	h, buf, n, pRead := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	c.Arg(4)
	o, ok := c.Object(h)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	r, ok := o.(ByteReader)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if !userRange(buf, n) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	if pRead != 0 {
		c.W32(pRead, 0)
	}
	var data []byte
	var wait bool
	if pr, isPipe := o.(interface { // anonymous and named pipe ends
		ReadErr(int) ([]byte, bool, abi.Errno)
	}); isPipe {
		var e abi.Errno
		data, wait, e = pr.ReadErr(int(min(n, 16<<20)))
		if e != 0 {
			c.Fail(e, 0)
			return
		}
		if wait {
			c.Block([]kernel.Object{o}, false, 0, false)
			return
		}
	} else {
		data, wait = r.Read(int(min(n, 16<<20)))
		if wait {
			c.Block([]kernel.Object{o}, false, 0, true)
			return
		}
	}
	if len(data) > 0 && !c.WriteBytes(buf, data) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	if pRead != 0 && !c.W32(pRead, uint32(len(data))) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func writeConsole(c *Call, wide bool) {
	h, buf, n, pWritten := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	o, ok := c.Object(h)
	con, isCon := o.(*Console)
	if !ok || !isCon || con.Kind == ConsoleIn {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if n > 16<<20 {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	var out []byte
	if wide {
		u, ok := readWide(c, buf, int32(n))
		if !ok {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
		out = []byte(string(utf16.Decode(u)))
	} else {
		b, ok := c.ReadBytes(buf, int(n))
		if !ok {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
		out = b
	}
	con.Write(out)
	consoleEvent(c, con, out)
	if pWritten != 0 {
		c.W32(pWritten, n)
	}
	c.Return(1)
}

func readConsole(c *Call, wide bool) {
	h, buf, n, pRead := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	o, ok := c.Object(h)
	con, isCon := o.(*Console)
	if !ok || !isCon || con.Kind != ConsoleIn {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	data, wait := con.Read(int(min(n, 1<<20)))
	if wait {
		c.Block([]kernel.Object{con}, false, 0, true)
		return
	}
	count := uint32(len(data))
	if wide {
		u, _ := decodeCP(ACP, data, false)
		b := make([]byte, 2*len(u))
		for i, x := range u {
			b[2*i], b[2*i+1] = byte(x), byte(x>>8)
		}
		data, count = b, uint32(len(u))
	}
	if len(data) > 0 && !c.WriteBytes(buf, data) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	if pRead != 0 {
		c.W32(pRead, count)
	}
	c.Return(1)
}

func getConsoleMode(c *Call) {
	h, p := c.Arg(0), c.Arg(1)
	o, ok := c.Object(h)
	con, isCon := o.(*Console)
	if !ok || !isCon {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	mode, set := c.State().ConsoleMode[kernel.Handle(h)]
	if !set {
		mode = abi.ENABLE_PROCESSED_OUTPUT | abi.ENABLE_WRAP_AT_EOL_OUTPUT
		if con.Kind == ConsoleIn {
			mode = abi.ENABLE_PROCESSED_INPUT | abi.ENABLE_LINE_INPUT | abi.ENABLE_ECHO_INPUT
		}
	}
	if !c.W32(p, mode) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func setConsoleMode(c *Call) {
	h, mode := c.Arg(0), c.Arg(1)
	o, ok := c.Object(h)
	if _, isCon := o.(*Console); !ok || !isCon {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	c.State().ConsoleMode[kernel.Handle(h)] = mode
	c.Return(1)
}

// FileTyper is implemented by objects that report a GetFileType value.
type FileTyper interface{ FileType() uint32 }

func getFileType(c *Call) {
	o, ok := c.Object(c.Arg(0))
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, abi.FILE_TYPE_UNKNOWN)
		return
	}
	switch x := o.(type) {
	case *Console:
		c.Succeed(abi.FILE_TYPE_CHAR)
	case FileTyper:
		c.Succeed(x.FileType())
	default:
		c.Succeed(abi.FILE_TYPE_UNKNOWN)
	}
}
