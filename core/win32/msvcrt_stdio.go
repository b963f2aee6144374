package win32

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/vfs"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/core/win32/crt"
)

// msvcrt's stdio: file descriptors over handles, FILE streams with buffering and text mode, and the printf/scanf
// families on the core/win32/crt engine.
//
// The model. A FILE* the program holds is a 32-byte block in guest memory (&_iob[0..2] for stdin, stdout and
// stderr; heap blocks for fopen), opaque to programs; its state lives here, keyed by address. A stream sits on a
// file descriptor; a descriptor on a handle of the process (GetStdHandle's for 0, 1, 2). Text mode (the default,
// _fmode) writes "\n" as "\r\n" and reads "\r\n" as "\n", with Ctrl-Z ending a file, as msvcrt does.
// Streams on files and pipes are fully buffered (4096 bytes, flushed when full, by fflush, and at exit); a
// stream on a console is written through at the end of every call; stderr is unbuffered.
//
// Reading may have to wait for console input: a reading call first gathers what it needs into the stream's
// buffer without consuming anything, and if the console has nothing yet it blocks the thread; the call is then
// dispatched again from the start and finds the bytes already buffered (restartable calls, see Call.Block).

const (
	crtFileSize   = 32 // sizeof(FILE) in msvcrt
	crtIobEntries = 20 // _iob[_IOB_ENTRIES]
	crtBufSize    = 4096
	crtEOF        = 0xFFFFFFFF

	crtOBinary = 0x8000 // _O_BINARY
	crtOText   = 0x4000 // _O_TEXT

	crtIoFBF = 0x0000 // setvbuf modes
	crtIoLBF = 0x0040
	crtIoNBF = 0x0004
)

type crtFD struct {
	h       kernel.Handle
	text    bool
	append  bool
	owned   bool   // opened by the C library: _close closes the handle
	pending []byte // raw bytes read ahead (a '\r' whose next byte decides its meaning)
	ctrlZ   bool   // text-mode end of file reached
}

type crtStream struct {
	addr          uint32
	fd            int32
	read, write   bool
	rbuf, wbuf    []byte
	unbuffered    bool
	eof, err      bool
	heapAllocated bool
}

type crtStdio struct {
	fds     map[int32]*crtFD
	streams map[uint32]*crtStream
}

func crtIO(c *Call) *crtStdio {
	st := c.State()
	if s, ok := st.Ext["msvcrt.stdio"].(*crtStdio); ok {
		return s
	}
	s := &crtStdio{fds: map[int32]*crtFD{}, streams: map[uint32]*crtStream{}}
	for i := int32(0); i < 3; i++ {
		s.fds[i] = &crtFD{h: c.P.Std[i], text: true}
	}
	st.Ext["msvcrt.stdio"] = s
	return s
}

func init() {
	OnProcessExit(func(c *Call) {
		if st := c.State(); st != nil {
			if _, ok := st.Ext["msvcrt.stdio"]; ok {
				crtFlushAll(c)
			}
		}
	})
	msvcrt.Add(
		Export{Name: "_iob", Data: crtIobEntries * crtFileSize},
		Export{Name: "__iob_func", Handler: func(c *Call) { c.Return(crtIobAddr(c)) }},
		Export{Name: "printf", Handler: func(c *Call) { crtPrintfTo(c, crtStdStream(c, 1), 0, crtVaAt(c, 1)) }},
		Export{Name: "vprintf", Handler: func(c *Call) { crtPrintfTo(c, crtStdStream(c, 1), 0, &crt.VaList{Mem: c.Mem, Ptr: c.Arg(1)}) }},
		Export{Name: "fprintf", Handler: func(c *Call) { crtPrintfTo(c, crtStreamArg(c, 0), 1, crtVaAt(c, 2)) }},
		Export{Name: "vfprintf", Handler: func(c *Call) { crtPrintfTo(c, crtStreamArg(c, 0), 1, &crt.VaList{Mem: c.Mem, Ptr: c.Arg(2)}) }},
		Export{Name: "sprintf", Handler: func(c *Call) { crtSprintfTo(c, 0, 1, -1, crtVaAt(c, 2)) }},
		Export{Name: "vsprintf", Handler: func(c *Call) { crtSprintfTo(c, 0, 1, -1, &crt.VaList{Mem: c.Mem, Ptr: c.Arg(2)}) }},
		Export{Name: "_snprintf", Handler: func(c *Call) { crtSprintfTo(c, 0, 2, int64(c.Arg(1)), crtVaAt(c, 3)) }},
		Export{Name: "_vsnprintf", Handler: func(c *Call) { crtSprintfTo(c, 0, 2, int64(c.Arg(1)), &crt.VaList{Mem: c.Mem, Ptr: c.Arg(3)}) }},
		Export{Name: "_scprintf", Handler: func(c *Call) { crtCountPrintf(c, 0, crtVaAt(c, 1)) }},
		Export{Name: "_vscprintf", Handler: func(c *Call) { crtCountPrintf(c, 0, &crt.VaList{Mem: c.Mem, Ptr: c.Arg(1)}) }},
		Export{Name: "swprintf", Handler: func(c *Call) { crtSwprintfTo(c, 0, 1, -1, crtVaAt(c, 2)) }, Note: "msvcrt's non-ISO form (no count)"},
		Export{Name: "vswprintf", Handler: func(c *Call) { crtSwprintfTo(c, 0, 1, -1, &crt.VaList{Mem: c.Mem, Ptr: c.Arg(2)}) }},
		Export{Name: "_snwprintf", Handler: func(c *Call) { crtSwprintfTo(c, 0, 2, int64(c.Arg(1)), crtVaAt(c, 3)) }},
		Export{Name: "_vsnwprintf", Handler: func(c *Call) { crtSwprintfTo(c, 0, 2, int64(c.Arg(1)), &crt.VaList{Mem: c.Mem, Ptr: c.Arg(3)}) }},
		Export{Name: "wprintf", Handler: func(c *Call) { crtWprintfTo(c, crtStdStream(c, 1), 0, crtVaAt(c, 1)) }},
		Export{Name: "vwprintf", Handler: func(c *Call) { crtWprintfTo(c, crtStdStream(c, 1), 0, &crt.VaList{Mem: c.Mem, Ptr: c.Arg(1)}) }},
		Export{Name: "fwprintf", Handler: func(c *Call) { crtWprintfTo(c, crtStreamArg(c, 0), 1, crtVaAt(c, 2)) }},
		Export{Name: "vfwprintf", Handler: func(c *Call) { crtWprintfTo(c, crtStreamArg(c, 0), 1, &crt.VaList{Mem: c.Mem, Ptr: c.Arg(2)}) }},
		Export{Name: "puts", Handler: crtPutsFn},
		Export{Name: "_putws", Handler: crtPutwsFn},
		Export{Name: "fputs", Handler: crtFputsFn},
		Export{Name: "fputc", Handler: func(c *Call) { crtPutcFn(c, c.Arg(0), crtStreamArg(c, 1)) }},
		Export{Name: "putc", Handler: func(c *Call) { crtPutcFn(c, c.Arg(0), crtStreamArg(c, 1)) }},
		Export{Name: "_fputchar", Handler: func(c *Call) { crtPutcFn(c, c.Arg(0), crtStdStream(c, 1)) }},
		Export{Name: "putchar", Handler: func(c *Call) { crtPutcFn(c, c.Arg(0), crtStdStream(c, 1)) }},
		Export{Name: "fwrite", Handler: crtFwriteFn},
		Export{Name: "fflush", Handler: crtFflushFn},
		Export{Name: "_flushall", Handler: func(c *Call) { c.Return(uint32(crtFlushAll(c))) }},
		Export{Name: "fgetc", Handler: func(c *Call) { crtGetcFn(c, crtStreamArg(c, 0)) }},
		Export{Name: "getc", Handler: func(c *Call) { crtGetcFn(c, crtStreamArg(c, 0)) }},
		Export{Name: "_fgetchar", Handler: func(c *Call) { crtGetcFn(c, crtStdStream(c, 0)) }},
		Export{Name: "getchar", Handler: func(c *Call) { crtGetcFn(c, crtStdStream(c, 0)) }},
		Export{Name: "fgets", Handler: crtFgetsFn},
		Export{Name: "fread", Handler: crtFreadFn},
		Export{Name: "ungetc", Handler: crtUngetcFn},
		Export{Name: "feof", Handler: func(c *Call) { crtFlagFn(c, func(s *crtStream) bool { return s.eof }) }},
		Export{Name: "ferror", Handler: func(c *Call) { crtFlagFn(c, func(s *crtStream) bool { return s.err }) }},
		Export{Name: "clearerr", Handler: func(c *Call) {
			if s := crtStreamArg(c, 0); s != nil {
				s.eof, s.err = false, false
			}
			c.Return(0)
		}},
		Export{Name: "fopen", Handler: func(c *Call) { crtFopenFn(c, false) }},
		Export{Name: "_wfopen", Handler: func(c *Call) { crtFopenFn(c, true) }},
		Export{Name: "fclose", Handler: crtFcloseFn},
		Export{Name: "_fileno", Handler: func(c *Call) {
			if s := crtStreamArg(c, 0); s != nil {
				c.Return(uint32(s.fd))
				return
			}
			c.SetErrno(crtEINVAL)
			c.Return(crtEOF)
		}},
		Export{Name: "_isatty", Handler: func(c *Call) {
			if _, isCon := crtFdObject(c, int32(c.Arg(0))).(*Console); isCon {
				c.Return(0x40)
				return
			}
			c.Return(0)
		}},
		Export{Name: "setvbuf", Handler: crtSetvbufFn},
		Export{Name: "setbuf", Handler: func(c *Call) {
			if s := crtStreamArg(c, 0); s != nil {
				s.unbuffered = c.Arg(1) == 0
			}
			c.Return(0)
		}},
		Export{Name: "fseek", Handler: func(c *Call) { crtFseekFn(c, int64(int32(c.Arg(1))), c.Arg(2)) }},
		Export{Name: "_fseeki64", Handler: func(c *Call) { crtFseekFn(c, int64(c.Arg64(1)), c.Arg(3)) }},
		Export{Name: "ftell", Handler: func(c *Call) {
			p := crtFtellOf(c, crtStreamArg(c, 0))
			if p < 0 || p > 0x7FFFFFFF {
				c.Return(crtEOF)
				return
			}
			c.Return(uint32(p))
		}},
		Export{Name: "_ftelli64", Handler: func(c *Call) { c.Return64(uint64(crtFtellOf(c, crtStreamArg(c, 0)))) }},
		Export{Name: "rewind", Handler: func(c *Call) {
			s := crtStreamArg(c, 0)
			if s != nil && crtSeekStream(c, s, 0, 0) {
				s.err = false
			}
			c.Return(0)
		}},
		Export{Name: "fgetpos", Handler: func(c *Call) {
			p := crtFtellOf(c, crtStreamArg(c, 0))
			if p < 0 || !c.Mem.Write64(c.Arg(1), uint64(p)) {
				c.Return(crtEOF)
				return
			}
			c.Return(0)
		}},
		Export{Name: "fsetpos", Handler: func(c *Call) {
			s := crtStreamArg(c, 0)
			p, ok := c.Mem.Read64(c.Arg(1))
			if s == nil || !ok || !crtSeekStream(c, s, int64(p), 0) {
				c.Return(crtEOF)
				return
			}
			c.Return(0)
		}},
		Export{Name: "remove", Handler: func(c *Call) { crtRemoveFn(c) }},
		Export{Name: "_unlink", Handler: func(c *Call) { crtRemoveFn(c) }},
		Export{Name: "rename", Handler: crtRenameFn},
		Export{Name: "scanf", Handler: func(c *Call) { crtScanStream(c, crtStdStream(c, 0), 0, crtVaAt(c, 1)) }},
		Export{Name: "fscanf", Handler: func(c *Call) { crtScanStream(c, crtStreamArg(c, 0), 1, crtVaAt(c, 2)) }},
		Export{Name: "sscanf", Handler: crtSscanfFn},
		Export{Name: "swscanf", Handler: crtSwscanfFn},
		Export{Name: "_write", Handler: crtWriteFD},
		Export{Name: "_read", Handler: crtReadFD},
		Export{Name: "_close", Handler: func(c *Call) {
			if crtCloseFD(c, int32(c.Arg(0))) {
				c.Return(0)
				return
			}
			c.SetErrno(crtEBADF)
			c.Return(crtEOF)
		}},
		Export{Name: "_lseek", Handler: crtLseekFn},
		Export{Name: "_setmode", Handler: func(c *Call) {
			fd, mode := int32(c.Arg(0)), c.Arg(1)
			d := crtIO(c).fds[fd]
			if d == nil || (mode != crtOBinary && mode != crtOText) {
				c.SetErrno(crtEINVAL)
				c.Return(crtEOF)
				return
			}
			old := uint32(crtOBinary)
			if d.text {
				old = crtOText
			}
			d.text = mode == crtOText
			c.Return(old)
		}},
		Export{Name: "_get_osfhandle", Handler: func(c *Call) {
			if d := crtIO(c).fds[int32(c.Arg(0))]; d != nil {
				c.Return(uint32(d.h))
				return
			}
			c.SetErrno(crtEBADF)
			c.Return(abi.InvalidHandleValue)
		}},
		Export{Name: "_open_osfhandle", Handler: func(c *Call) {
			h, flags := c.Arg(0), c.Arg(1)
			fd := crtNewFD(c, &crtFD{h: kernel.Handle(h), text: flags&crtOBinary == 0})
			c.Return(uint32(fd))
		}},
	)
}

// crtVaAt is a va_list over the call's stack arguments from dword i on (the "..." of a cdecl function).
func crtVaAt(c *Call, i int) *crt.VaList {
	return &crt.VaList{Mem: c.Mem, Ptr: c.T.CPU.Regs[cpu.ESP] + 4 + 4*uint32(i)}
}

func crtIobAddr(c *Call) uint32 { return c.S.DataAddr(c.P, "msvcrt.dll", "_iob") }

// crtStdStream returns the stream of stdin (0), stdout (1) or stderr (2).
func crtStdStream(c *Call, i int32) *crtStream {
	return crtStreamAt(c, crtIobAddr(c)+uint32(i)*crtFileSize)
}

// crtStreamArg returns the stream argument i points to, or nil for a pointer that is not an open FILE.
func crtStreamArg(c *Call, i int) *crtStream { return crtStreamAt(c, c.Arg(i)) }

func crtStreamAt(c *Call, addr uint32) *crtStream {
	sd := crtIO(c)
	if s, ok := sd.streams[addr]; ok {
		return s
	}
	iob := crtIobAddr(c)
	if iob == 0 || addr < iob || addr >= iob+3*crtFileSize || (addr-iob)%crtFileSize != 0 {
		return nil
	}
	fd := int32((addr - iob) / crtFileSize)
	s := &crtStream{addr: addr, fd: fd, read: fd == 0, write: fd != 0, unbuffered: fd == 2}
	c.Mem.Write32(addr+16, uint32(fd)) // FILE._file, for programs that peek
	sd.streams[addr] = s
	return s
}

func crtFdObject(c *Call, fd int32) kernel.Object {
	d := crtIO(c).fds[fd]
	if d == nil {
		return nil
	}
	o, ok := c.Object(uint32(d.h))
	if !ok {
		return nil
	}
	return o
}

func crtNewFD(c *Call, d *crtFD) int32 {
	sd := crtIO(c)
	for fd := int32(3); ; fd++ {
		if sd.fds[fd] == nil {
			sd.fds[fd] = d
			return fd
		}
	}
}

func crtCloseFD(c *Call, fd int32) bool {
	sd := crtIO(c)
	d := sd.fds[fd]
	if d == nil {
		return false
	}
	delete(sd.fds, fd)
	if d.owned {
		c.P.Handles.Close(d.h)
	}
	return true
}

// crtFdWrite writes b to descriptor fd (text mode: "\n" becomes "\r\n"). It returns false on an error (errno set).
func crtFdWrite(c *Call, fd int32, b []byte) bool {
	d := crtIO(c).fds[fd]
	o := crtFdObject(c, fd)
	w, ok := o.(Writer)
	if d == nil || !ok {
		c.SetErrno(crtEBADF)
		return false
	}
	if d.text {
		b = bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
	}
	if d.append {
		if f, isFile := o.(*FileObject); isFile {
			_, _ = f.F.Seek(0, 2)
		}
	}
	if fw, hasErr := o.(interface{ WriteErr([]byte) error }); hasErr {
		if err := fw.WriteErr(b); err != nil {
			crtSetError(c, err)
			return false
		}
	} else {
		w.Write(b)
	}
	consoleEvent(c, o, b)
	return true
}

// crtFdRead reads up to max bytes from fd, translating text mode. wait reports that the thread must block on obj
// (nothing available yet); n == 0 without wait is end of file.
func crtFdRead(c *Call, fd int32, max int) (data []byte, wait bool, obj kernel.Object, ok bool) {
	d := crtIO(c).fds[fd]
	o := crtFdObject(c, fd)
	r, isReader := o.(ByteReader)
	if d == nil || !isReader {
		c.SetErrno(crtEBADF)
		return nil, false, nil, false
	}
	if d.ctrlZ {
		return nil, false, o, true
	}
	raw := d.pending
	d.pending = nil
	if len(raw) == 0 || (len(raw) == 1 && raw[0] == '\r') {
		more, w := r.Read(max)
		if w {
			d.pending = raw
			return nil, true, o, true
		}
		raw = append(raw, more...)
	}
	if !d.text {
		return raw, false, o, true
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		ch := raw[i]
		switch {
		case ch == 0x1A:
			d.ctrlZ = true
			return out, false, o, true
		case ch == '\r' && i+1 < len(raw) && raw[i+1] == '\n':
			out = append(out, '\n')
			i++
		case ch == '\r' && i+1 == len(raw) && len(raw) > 1:
			d.pending = []byte{'\r'} // decide when the next byte arrives
		default:
			out = append(out, ch)
		}
	}
	return out, false, o, true
}

// crtFlush writes a stream's pending output.
func crtFlush(c *Call, s *crtStream) bool {
	if len(s.wbuf) == 0 {
		return true
	}
	b := s.wbuf
	s.wbuf = nil
	if !crtFdWrite(c, s.fd, b) {
		s.err = true
		return false
	}
	return true
}

// crtFlushAll flushes every open stream; it returns how many streams are open (as _flushall does).
func crtFlushAll(c *Call) int {
	sd := crtIO(c)
	n := 0
	for _, s := range sd.streams {
		crtFlush(c, s)
		n++
	}
	return n
}

// crtPut appends output to a stream, flushing as its buffering mode says.
func crtPut(c *Call, s *crtStream, b []byte) bool {
	if s == nil || !s.write {
		if s != nil {
			s.err = true
		}
		c.SetErrno(crtEBADF)
		return false
	}
	if len(s.rbuf) > 0 {
		s.rbuf = nil // switching from reading to writing drops read-ahead
	}
	s.wbuf = append(s.wbuf, b...)
	if s.unbuffered || len(s.wbuf) >= crtBufSize {
		return crtFlush(c, s)
	}
	if _, isCon := crtFdObject(c, s.fd).(*Console); isCon {
		return crtFlush(c, s)
	}
	return true
}

// crtFill gathers input into s.rbuf until done(s.rbuf) or end of file. It returns false if the thread was blocked
// (the caller returns at once; the call will be dispatched again).
func crtFill(c *Call, s *crtStream, done func([]byte) bool) bool {
	if len(s.wbuf) > 0 {
		crtFlush(c, s)
	}
	// Like msvcrt, reading stdin first writes out stdout when both are consoles.
	if s.fd == 0 {
		if out := crtIO(c).streams[crtIobAddr(c)+crtFileSize]; out != nil {
			crtFlush(c, out)
		}
	}
	for !s.eof && !done(s.rbuf) {
		data, wait, obj, ok := crtFdRead(c, s.fd, crtBufSize)
		if !ok {
			s.err = true
			return true
		}
		if wait {
			c.Block([]kernel.Object{obj}, false, 0, true)
			return false
		}
		if len(data) == 0 {
			if d := crtIO(c).fds[s.fd]; d != nil && len(d.pending) > 0 {
				continue
			}
			s.eof = true
			break
		}
		s.rbuf = append(s.rbuf, data...)
	}
	return true
}

func crtReadFormat(c *Call, i int) ([]byte, bool) {
	addr := c.Arg(i)
	f, err := crt.ReadCString(c.Mem, addr, 1<<20)
	if err != nil {
		crtFaultFrom(c, err)
		return nil, false
	}
	crtNoteStr(c, i, f) // the trace shows the format, not its address
	return f, true
}

func crtReadWFormat(c *Call, i int) ([]uint16, bool) {
	addr := c.Arg(i)
	f, err := crt.ReadWString(c.Mem, addr, 1<<20)
	if err != nil {
		crtFaultFrom(c, err)
		return nil, false
	}
	if c.trace {
		crtNoteStr(c, i, []byte(crtUtf16ToString(f)))
	}
	return f, true
}

// crtFaultFrom turns an engine error into the access violation Windows would raise inside msvcrt.
func crtFaultFrom(c *Call, err error) {
	if fe, ok := err.(*crt.FaultError); ok {
		c.Fault(fe.Addr, fe.Write)
		return
	}
	c.Fault(0, false)
}

func crtPrintfTo(c *Call, s *crtStream, fmtArg int, args crt.Args) {
	f, ok := crtReadFormat(c, fmtArg)
	if !ok {
		return
	}
	out, n, err := crt.Sprintf(f, args, c.Mem, 0)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	if !crtPut(c, s, out) {
		c.Return(crtEOF)
		return
	}
	c.Return(uint32(int32(n)))
}

func crtWprintfTo(c *Call, s *crtStream, fmtArg int, args crt.Args) {
	f, ok := crtReadWFormat(c, fmtArg)
	if !ok {
		return
	}
	out, n, err := crt.Swprintf(f, args, c.Mem, 0)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	// A narrow stream gets the characters converted to the ANSI code page, as wctomb does.
	if !crtPut(c, s, stringToANSI(crtUtf16ToString(out))) {
		c.Return(crtEOF)
		return
	}
	c.Return(uint32(int32(n)))
}

func crtUtf16ToString(u []uint16) string {
	r := make([]rune, 0, len(u))
	for i := 0; i < len(u); i++ {
		x := rune(u[i])
		if x >= 0xD800 && x < 0xDC00 && i+1 < len(u) && u[i+1] >= 0xDC00 && u[i+1] < 0xE000 {
			x = 0x10000 + (x-0xD800)<<10 + rune(u[i+1]-0xDC00)
			i++
		}
		r = append(r, x)
	}
	return string(r)
}

// crtSprintfTo implements sprintf (count < 0) and _snprintf: with a count, at most count characters are stored,
// a NUL only if there is room, and -1 is returned when the output did not fit (msvcrt's _snprintf contract).
func crtSprintfTo(c *Call, bufArg, fmtArg int, count int64, args crt.Args) {
	buf := c.Arg(bufArg)
	f, ok := crtReadFormat(c, fmtArg)
	if !ok {
		return
	}
	limit := 0
	if count >= 0 {
		limit = int(min(count, 1<<24)) + 1
	}
	out, n, err := crt.Sprintf(f, args, c.Mem, limit)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	ret := uint32(int32(n))
	if count >= 0 && n > count {
		out = out[:count]
		ret = crtEOF
	} else if count < 0 || n < count {
		out = append(out, 0)
	}
	if !c.WriteBytes(buf, out) {
		c.Fault(buf, true)
		return
	}
	c.Return(ret)
}

func crtSwprintfTo(c *Call, bufArg, fmtArg int, count int64, args crt.Args) {
	buf := c.Arg(bufArg)
	f, ok := crtReadWFormat(c, fmtArg)
	if !ok {
		return
	}
	limit := 0
	if count >= 0 {
		limit = int(min(count, 1<<24)) + 1
	}
	out, n, err := crt.Swprintf(f, args, c.Mem, limit)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	ret := uint32(int32(n))
	if count >= 0 && n > count {
		out = out[:count]
		ret = crtEOF
	} else if count < 0 || n < count {
		out = append(out, 0)
	}
	b := make([]byte, 2*len(out))
	for i, u := range out {
		b[2*i], b[2*i+1] = byte(u), byte(u>>8)
	}
	if !c.WriteBytes(buf, b) {
		c.Fault(buf, true)
		return
	}
	c.Return(ret)
}

func crtCountPrintf(c *Call, fmtArg int, args crt.Args) {
	f, ok := crtReadFormat(c, fmtArg)
	if !ok {
		return
	}
	_, n, err := crt.Sprintf(f, args, c.Mem, 1)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	c.Return(uint32(int32(n)))
}

// crtNoteStr records string argument i (read by the handler itself, a terminating NUL included or not) for the
// trace, quoted as Call.Str does, at most maxString bytes of it.
func crtNoteStr(c *Call, i int, s []byte) {
	if c.trace {
		s = bytes.TrimSuffix(s, []byte{0})
		c.note(i, strconv.Quote(string(s[:min(len(s), maxString)])))
	}
}

func crtPutsFn(c *Call) {
	s, err := crt.ReadCString(c.Mem, c.Arg(0), 1<<26)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	crtNoteStr(c, 0, s)
	if !crtPut(c, crtStdStream(c, 1), append(s, '\n')) {
		c.Return(crtEOF)
		return
	}
	c.Return(0)
}

func crtPutwsFn(c *Call) {
	s, err := crt.ReadWString(c.Mem, c.Arg(0), 1<<26)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	if !crtPut(c, crtStdStream(c, 1), append(stringToANSI(crtUtf16ToString(s)), '\n')) {
		c.Return(0xFFFF)
		return
	}
	c.Return(0)
}

func crtFputsFn(c *Call) {
	s, err := crt.ReadCString(c.Mem, c.Arg(0), 1<<26)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	crtNoteStr(c, 0, s)
	if !crtPut(c, crtStreamArg(c, 1), s) {
		c.Return(crtEOF)
		return
	}
	c.Return(0)
}

func crtPutcFn(c *Call, ch uint32, s *crtStream) {
	if !crtPut(c, s, []byte{byte(ch)}) {
		c.Return(crtEOF)
		return
	}
	c.Return(ch & 0xFF)
}

func crtFwriteFn(c *Call) {
	ptr, size, n := c.Arg(0), c.Arg(1), c.Arg(2)
	s := crtStreamArg(c, 3)
	total := uint64(size) * uint64(n)
	if total == 0 {
		c.Return(0)
		return
	}
	if total > 64<<20 {
		c.SetErrno(crtENOMEM)
		c.Return(0)
		return
	}
	b, ok := c.ReadBytes(ptr, int(total))
	if !ok {
		c.Fault(ptr, false)
		return
	}
	if !crtPut(c, s, b) {
		c.Return(0)
		return
	}
	c.Return(n)
}

func crtFflushFn(c *Call) {
	if c.Arg(0) == 0 {
		crtFlushAll(c)
		c.Return(0)
		return
	}
	s := crtStreamArg(c, 0)
	if s == nil {
		c.Return(crtEOF)
		return
	}
	if !crtFlush(c, s) {
		c.Return(crtEOF)
		return
	}
	c.Return(0)
}

func crtGetcFn(c *Call, s *crtStream) {
	if s == nil || !s.read {
		c.Return(crtEOF)
		return
	}
	if !crtFill(c, s, func(b []byte) bool { return len(b) >= 1 }) {
		return
	}
	if len(s.rbuf) == 0 {
		c.Return(crtEOF)
		return
	}
	ch := s.rbuf[0]
	s.rbuf = s.rbuf[1:]
	c.Return(uint32(ch))
}

func crtFgetsFn(c *Call) {
	buf, n := c.Arg(0), int32(c.Arg(1))
	s := crtStreamArg(c, 2)
	if s == nil || !s.read || n <= 0 {
		c.Return(0)
		return
	}
	want := int(n - 1)
	if !crtFill(c, s, func(b []byte) bool { return len(b) >= want || bytes.IndexByte(b, '\n') >= 0 }) {
		return
	}
	k := min(want, len(s.rbuf))
	if i := bytes.IndexByte(s.rbuf[:k], '\n'); i >= 0 {
		k = i + 1
	}
	if k == 0 && want > 0 {
		c.Return(0)
		return
	}
	out := append(append([]byte(nil), s.rbuf[:k]...), 0)
	if !c.WriteBytes(buf, out) {
		c.Fault(buf, true)
		return
	}
	s.rbuf = s.rbuf[k:]
	c.Return(buf)
}

func crtFreadFn(c *Call) {
	ptr, size, n := c.Arg(0), c.Arg(1), c.Arg(2)
	s := crtStreamArg(c, 3)
	total := uint64(size) * uint64(n)
	if s == nil || !s.read || total == 0 {
		c.Return(0)
		return
	}
	if total > 64<<20 {
		c.SetErrno(crtENOMEM)
		c.Return(0)
		return
	}
	if !crtFill(c, s, func(b []byte) bool { return uint64(len(b)) >= total }) {
		return
	}
	k := min(uint64(len(s.rbuf)), total)
	if k > 0 && !c.WriteBytes(ptr, s.rbuf[:k]) {
		c.Fault(ptr, true)
		return
	}
	s.rbuf = s.rbuf[k:]
	c.Return(uint32(k / uint64(size)))
}

func crtUngetcFn(c *Call) {
	ch := c.Arg(0)
	s := crtStreamArg(c, 1)
	if s == nil || ch == crtEOF {
		c.Return(crtEOF)
		return
	}
	s.rbuf = append([]byte{byte(ch)}, s.rbuf...)
	s.eof = false
	c.Return(ch & 0xFF)
}

func crtFlagFn(c *Call, f func(*crtStream) bool) {
	s := crtStreamArg(c, 0)
	if s != nil && f(s) {
		c.Return(1)
		return
	}
	c.Return(0)
}

// crtFopenFn implements fopen/_wfopen: modes r, w, a with optional +, b/t (and msvcrt's c, n, S, R, T, D, N, which
// change nothing here).
func crtFopenFn(c *Call, wide bool) {
	var name, mode string
	var ok1, ok2 bool
	if wide {
		name, ok1 = c.WStr(0)
		mode, ok2 = c.WStr(1)
	} else {
		name, ok1 = c.Str(0)
		mode, ok2 = c.Str(1)
	}
	if !ok1 || !ok2 {
		c.Fault(c.Arg(0), false)
		return
	}
	if !wide {
		name = ansiToString([]byte(name))
	}
	var access, disp uint32
	read, write, appnd := false, false, false
	switch {
	case strings.HasPrefix(mode, "r"):
		access, disp, read = abi.GENERIC_READ, vfs.OpenExisting, true
	case strings.HasPrefix(mode, "w"):
		access, disp, write = abi.GENERIC_WRITE, vfs.CreateAlways, true
	case strings.HasPrefix(mode, "a"):
		access, disp, write, appnd = abi.GENERIC_WRITE, vfs.OpenAlways, true, true
	default:
		c.SetErrno(crtEINVAL)
		c.Return(0)
		return
	}
	text := true
	if v, ok := c.Mem.Read32(c.S.DataAddr(c.P, "msvcrt.dll", "_fmode")); ok && v&crtOBinary != 0 {
		text = false
	}
	for _, ch := range mode[1:] {
		switch ch {
		case '+':
			access, read, write = abi.GENERIC_READ|abi.GENERIC_WRITE, true, true
		case 'b':
			text = false
		case 't':
			text = true
		}
	}
	h, _, err := c.OpenFile(name, access, abi.FILE_SHARE_READ|abi.FILE_SHARE_WRITE, disp, 0, false)
	if err != nil {
		crtSetError(c, err)
		c.Return(0)
		return
	}
	fd := crtNewFD(c, &crtFD{h: h, text: text, append: appnd, owned: true})
	addr, herr := c.State().Heap.Alloc(crtFileSize, true)
	if herr != nil {
		crtCloseFD(c, fd)
		c.SetErrno(crtENOMEM)
		c.Return(0)
		return
	}
	c.Mem.Write32(addr+16, uint32(fd))
	crtIO(c).streams[addr] = &crtStream{addr: addr, fd: fd, read: read, write: write, heapAllocated: true}
	c.Return(addr)
}

func crtFcloseFn(c *Call) {
	s := crtStreamArg(c, 0)
	if s == nil {
		c.SetErrno(crtEINVAL)
		c.Return(crtEOF)
		return
	}
	ok := crtFlush(c, s)
	crtCloseFD(c, s.fd)
	delete(crtIO(c).streams, s.addr)
	if s.heapAllocated {
		c.State().Heap.Free(s.addr)
	}
	if !ok {
		c.Return(crtEOF)
		return
	}
	c.Return(0)
}

func crtSetvbufFn(c *Call) {
	s := crtStreamArg(c, 0)
	mode := c.Arg(2)
	if s == nil || (mode != crtIoFBF && mode != crtIoLBF && mode != crtIoNBF) {
		c.Return(crtEOF)
		return
	}
	crtFlush(c, s)
	s.unbuffered = mode == crtIoNBF
	c.Return(0)
}

// crtSeekStream repositions a stream on a file: pending output is written, read-ahead dropped, EOF cleared.
func crtSeekStream(c *Call, s *crtStream, off int64, whence uint32) bool {
	if s == nil || whence > 2 {
		c.SetErrno(crtEINVAL)
		return false
	}
	if whence == 1 {
		off += crtFtellOf(c, s)
		whence = 0
	}
	crtFlush(c, s)
	f, ok := crtFdObject(c, s.fd).(*FileObject)
	if !ok {
		c.SetErrno(crtEINVAL)
		return false
	}
	if _, err := f.F.Seek(off, int(whence)); err != nil {
		crtSetError(c, err)
		return false
	}
	s.rbuf = nil
	s.eof = false
	if d := crtIO(c).fds[s.fd]; d != nil {
		d.pending, d.ctrlZ = nil, false
	}
	return true
}

func crtFseekFn(c *Call, off int64, whence uint32) {
	if !crtSeekStream(c, crtStreamArg(c, 0), off, whence) {
		c.Return(crtEOF)
		return
	}
	c.Return(0)
}

// crtFtellOf is the stream position: the file's position less read-ahead (each "\n" of text-mode read-ahead counted
// as the two bytes "\r\n", as msvcrt counts it) plus pending output.
func crtFtellOf(c *Call, s *crtStream) int64 {
	if s == nil {
		c.SetErrno(crtEINVAL)
		return -1
	}
	f, ok := crtFdObject(c, s.fd).(*FileObject)
	if !ok {
		c.SetErrno(crtEINVAL)
		return -1
	}
	pos, _ := f.F.Seek(0, 1)
	d := crtIO(c).fds[s.fd]
	ahead := int64(len(s.rbuf))
	out := int64(len(s.wbuf))
	if d != nil && d.text {
		ahead += int64(bytes.Count(s.rbuf, []byte("\n")))
		out += int64(bytes.Count(s.wbuf, []byte("\n")))
		ahead += int64(len(d.pending))
	}
	return pos - ahead + out
}

func crtPathArg(c *Call, i int) (string, bool) {
	s, ok := c.Str(i)
	if !ok {
		c.Fault(c.Arg(i), false)
		return "", false
	}
	return ansiToString([]byte(s)), true
}

func crtFullPath(c *Call, name string) (string, *vfs.FS, error) {
	fs := c.fs()
	if fs == nil {
		return "", nil, abi.ERROR_PATH_NOT_FOUND
	}
	full, err := vfs.FullPath(c.P.CurrentDir, name)
	return full, fs, err
}

func crtRemoveFn(c *Call) {
	name, ok := crtPathArg(c, 0)
	if !ok {
		return
	}
	full, fs, err := crtFullPath(c, name)
	if err == nil {
		err = fs.Delete(full)
	}
	if err != nil {
		crtSetError(c, err)
		c.Return(crtEOF)
		return
	}
	c.Return(0)
}

func crtRenameFn(c *Call) {
	from, ok := crtPathArg(c, 0)
	if !ok {
		return
	}
	to, ok := crtPathArg(c, 1)
	if !ok {
		return
	}
	ffrom, fs, err := crtFullPath(c, from)
	var fto string
	if err == nil {
		fto, _, err = crtFullPath(c, to)
	}
	if err == nil {
		err = fs.Move(ffrom, fto, 0)
	}
	if err != nil {
		crtSetError(c, err)
		c.Return(crtEOF)
		return
	}
	c.Return(0)
}

// crtBufSource is a crt.Source over a stream's read-ahead that notes when it ran off the end.
type crtBufSource struct {
	data   []byte
	pos    int
	hitEnd bool
}

func (b *crtBufSource) Next() int {
	if b.pos >= len(b.data) {
		b.pos++
		b.hitEnd = true
		return -1
	}
	b.pos++
	return int(b.data[b.pos-1])
}

func (b *crtBufSource) Back() { b.pos-- }

// crtScanStream runs scanf on a stream. It parses what is buffered; if the parse ran off the end of the buffer before
// end of file, it reads more (blocking when the console has nothing yet) and parses again from the start, so the
// stores it makes are the same each time and nothing is consumed until the parse is complete.
func crtScanStream(c *Call, s *crtStream, fmtArg int, args *crt.VaList) {
	if s == nil || !s.read {
		c.Return(crtEOF)
		return
	}
	f, ok := crtReadFormat(c, fmtArg)
	if !ok {
		return
	}
	start := args.Ptr
	for {
		src := &crtBufSource{data: s.rbuf}
		args.Ptr, args.Err = start, nil
		ret, err := crt.Fscanf(src, f, args, c.Mem)
		if err != nil {
			crtFaultFrom(c, err)
			return
		}
		if src.hitEnd && !s.eof {
			have := len(s.rbuf)
			if !crtFill(c, s, func(b []byte) bool { return len(b) > have }) {
				return
			}
			continue
		}
		s.rbuf = s.rbuf[min(src.pos, len(s.rbuf)):]
		c.Return(uint32(int32(ret)))
		return
	}
}

func crtSscanfFn(c *Call) {
	in, err := crt.ReadCString(c.Mem, c.Arg(0), 1<<26)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	f, ok := crtReadFormat(c, 1)
	if !ok {
		return
	}
	ret, err := crt.Sscanf(in, f, crtVaAt(c, 2), c.Mem)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	c.Return(uint32(int32(ret)))
}

func crtSwscanfFn(c *Call) {
	in, err := crt.ReadWString(c.Mem, c.Arg(0), 1<<26)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	f, ok := crtReadWFormat(c, 1)
	if !ok {
		return
	}
	ret, err := crt.Swscanf(in, f, crtVaAt(c, 2), c.Mem)
	if err != nil {
		crtFaultFrom(c, err)
		return
	}
	c.Return(uint32(int32(ret)))
}

func crtWriteFD(c *Call) {
	fd, buf, n := int32(c.Arg(0)), c.Arg(1), c.Arg(2)
	if n > 64<<20 {
		c.SetErrno(crtENOMEM)
		c.Return(crtEOF)
		return
	}
	b, ok := c.ReadBytes(buf, int(n))
	if !ok {
		c.Fault(buf, false)
		return
	}
	if !crtFdWrite(c, fd, b) {
		c.Return(crtEOF)
		return
	}
	c.Return(n)
}

func crtReadFD(c *Call) {
	fd, buf, n := int32(c.Arg(0)), c.Arg(1), c.Arg(2)
	data, wait, obj, ok := crtFdRead(c, fd, int(min(n, 16<<20)))
	if !ok {
		c.Return(crtEOF)
		return
	}
	if wait {
		c.Block([]kernel.Object{obj}, false, 0, true)
		return
	}
	if len(data) > 0 && !c.WriteBytes(buf, data) {
		c.Fault(buf, true)
		return
	}
	c.Return(uint32(len(data)))
}

func crtLseekFn(c *Call) {
	fd, off, whence := int32(c.Arg(0)), int32(c.Arg(1)), c.Arg(2)
	f, ok := crtFdObject(c, fd).(*FileObject)
	if !ok || whence > 2 {
		c.SetErrno(crtEBADF)
		c.Return(crtEOF)
		return
	}
	pos, err := f.F.Seek(int64(off), int(whence))
	if err != nil || pos > 0x7FFFFFFF {
		c.SetErrno(crtEINVAL)
		c.Return(crtEOF)
		return
	}
	if d := crtIO(c).fds[fd]; d != nil {
		d.pending, d.ctrlZ = nil, false
	}
	c.Return(uint32(pos))
}
