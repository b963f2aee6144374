package win32

import (
	"strings"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/vfs"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/loader"
	"github.com/peek32/peek32/mm"
)

func init() {
	kernel32.Add(
		Export{Name: "CreateProcessA", ArgBytes: 40, Handler: func(c *Call) { createProcess(c, false) }},
		Export{Name: "CreateProcessW", ArgBytes: 40, Handler: func(c *Call) { createProcess(c, true) }},
		Export{Name: "OpenProcess", ArgBytes: 12, Handler: openProcess},
		Export{Name: "OpenThread", ArgBytes: 12, Handler: openThread},
		Export{Name: "CreatePipe", ArgBytes: 16, Handler: createPipe},
		Export{Name: "PeekNamedPipe", ArgBytes: 24, Handler: peekNamedPipe},
	)
}

// readEnvBlock reads a NAME=value\0...\0\0 block (ANSI or UTF-16).
func readEnvBlock(c *Call, p uint32, wide bool) ([]string, bool) {
	var env []string
	for n := 0; n < 4096; n++ {
		var s string
		var size uint32
		if wide {
			u, ok := readWide(c, p, -1)
			if !ok {
				return nil, false
			}
			s, size = wideToGo(u[:len(u)-1]), uint32(2*len(u))
		} else {
			b, err := c.Mem.ReadCString(p, maxString)
			if err != nil {
				return nil, false
			}
			s, size = ansiToString([]byte(b)), uint32(len(b)+1)
		}
		if s == "" {
			return env, true
		}
		env = append(env, s)
		p += size
	}
	return env, true
}

func wideToGo(u []uint16) string {
	b := make([]byte, 2*len(u))
	for i, x := range u {
		b[2*i], b[2*i+1] = byte(x), byte(x>>8)
	}
	s, _ := decodeUTF16(b)
	return s
}

// findProgram locates the program of a CreateProcess call as Windows does: an explicit application name
// relative to the current directory; else the first word of the command line, with ".exe" added when it has
// no extension, searched in the parent's directory, the current directory, the system directories and PATH.
func findProgram(c *Call, app, cmdline string) (string, abi.Errno) {
	fs := c.fs()
	if fs == nil {
		return "", abi.ERROR_FILE_NOT_FOUND
	}
	exists := func(p string) bool {
		info, err := fs.Stat(p)
		return err == nil && info.Attr&abi.FILE_ATTRIBUTE_DIRECTORY == 0
	}
	if app != "" {
		full, err := vfs.FullPath(c.P.CurrentDir, app)
		if err != nil {
			return "", errno(err)
		}
		if exists(full) {
			return full, 0
		}
		return "", abi.ERROR_FILE_NOT_FOUND
	}
	args := ParseCommandLine(cmdline)
	if len(args) == 0 || args[0] == "" {
		return "", abi.ERROR_FILE_NOT_FOUND
	}
	name := args[0]
	if i := strings.LastIndexAny(name, `\/`); !strings.Contains(name[i+1:], ".") {
		name += ".exe"
	}
	if strings.ContainsAny(name, `\/:`) {
		full, err := vfs.FullPath(c.P.CurrentDir, name)
		if err == nil && exists(full) {
			return full, 0
		}
		return "", abi.ERROR_FILE_NOT_FOUND
	}
	dirs := []string{dirOf(c.P.ImagePath), c.P.CurrentDir, systemDir, `C:\Windows`}
	if _, path, ok := lookupEnv(c.P.Env, "PATH"); ok {
		dirs = append(dirs, strings.Split(path, ";")...)
	}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		full, err := vfs.FullPath(c.P.CurrentDir, strings.TrimSuffix(d, `\`)+`\`+name)
		if err == nil && exists(full) {
			return full, 0
		}
	}
	return "", abi.ERROR_FILE_NOT_FOUND
}

// createProcess is CreateProcessA/W with its ten parameters: the child is a full process (its own address
// space and handle table) whose parent is the caller; PROCESS_INFORMATION receives handles in the caller's
// table and the IDs.
func createProcess(c *Call, wide bool) {
	app, _ := c.strArg(0, wide)
	cmdline, _ := c.strArg(1, wide)
	inherit, flags, envp, pinfo := c.Arg(4) != 0, c.Arg(5), c.Arg(6), c.Arg(9)
	cwd, _ := c.strArg(7, wide)
	si := c.Arg(8)
	path, e := findProgram(c, app, cmdline)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	if cmdline == "" {
		cmdline = path
		if strings.ContainsAny(path, " \t") {
			cmdline = `"` + path + `"`
		}
	}
	data, err := c.fs().ReadFile(path)
	if err != nil {
		c.Fail(errno(err), 0)
		return
	}
	var env []string
	if envp != 0 {
		var ok bool
		if env, ok = readEnvBlock(c, envp, flags&abi.CREATE_UNICODE_ENVIRONMENT != 0); !ok {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
	}
	if cwd != "" {
		full, err := vfs.FullPath(c.P.CurrentDir, cwd)
		if err != nil || c.fs().IsDir(full) != nil {
			c.Fail(abi.ERROR_DIRECTORY, 0)
			return
		}
		cwd = full
	}
	// Standard handles: those STARTUPINFO names with STARTF_USESTDHANDLES, else the parent's.
	stdVals := c.P.Std
	if si != 0 {
		if fl, ok := c.R32(si + abi.SI_dwFlags); ok && fl&abi.STARTF_USESTDHANDLES != 0 {
			for i := range stdVals {
				v, _ := c.R32(si + abi.SI_hStdInput + 4*uint32(i))
				stdVals[i] = kernel.Handle(v)
			}
		}
	}
	var std [3]kernel.Object
	for i, h := range stdVals {
		if o, ok := c.Object(uint32(h)); ok {
			std[i] = o
		}
	}
	res, err := c.K.CreateProcess(kernel.CreateParams{Parent: c.P, Image: data, ImagePath: path, CommandLine: cmdline,
		CurrentDir: cwd, Env: env, Flags: flags, Std: std, StdHandles: stdVals, InheritHandles: inherit})
	if err != nil {
		e := abi.ERROR_BAD_EXE_FORMAT
		if loader.KindOf(err) == loader.KindImport {
			e = abi.ERROR_MOD_NOT_FOUND
		}
		if errorIs(err, mm.ErrCommitLimit) || errorIs(err, mm.ErrNoSpace) {
			e = abi.ERROR_NOT_ENOUGH_MEMORY // the machine is out of memory, not the image malformed
		}
		c.Fail(e, 0)
		return
	}
	if pinfo != 0 {
		ok := c.W32(pinfo+abi.PI_hProcess, uint32(res.HProcess)) && c.W32(pinfo+abi.PI_hThread, uint32(res.HThread)) &&
			c.W32(pinfo+abi.PI_dwProcessId, res.PID) && c.W32(pinfo+abi.PI_dwThreadId, res.TID)
		if !ok {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
	}
	c.Succeed(1)
}

func openProcess(c *Call) {
	access, inherit, pid := c.Arg(0), c.Arg(1) != 0, c.Arg(2)
	p := c.K.Process(pid)
	if p == nil || pid == 0 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	h, ok := c.P.Handles.Insert(p, access, inherit)
	if !ok {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	c.Return(uint32(h))
}

func openThread(c *Call) {
	access, inherit, tid := c.Arg(0), c.Arg(1) != 0, c.Arg(2)
	t := c.K.Thread(tid)
	if t == nil {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	h, ok := c.P.Handles.Insert(t, access, inherit)
	if !ok {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	c.Return(uint32(h))
}

// pipe is the shared buffer of an anonymous pipe; its two ends are kernel objects. The buffer is unbounded:
// a writer is never blocked on a full pipe (a simplification of Windows' 4 KiB pipe buffer).
type pipe struct {
	buf     []byte
	writers int // write-end objects alive
	readers int
	rd      *PipeEnd
}

// PipeEnd is one end of an anonymous pipe (CreatePipe).
type PipeEnd struct {
	kernel.ObjectHeader
	p     *pipe
	write bool
}

// Write implements Writer (the write end).
func (e *PipeEnd) Write(b []byte) { _ = e.WriteErr(b) }

// WriteErr writes b; with no reader left it fails as Windows does (ERROR_NO_DATA).
func (e *PipeEnd) WriteErr(b []byte) error {
	if !e.write {
		return abi.ERROR_ACCESS_DENIED
	}
	if e.p.readers == 0 {
		return abi.ERROR_NO_DATA
	}
	e.p.buf = append(e.p.buf, b...)
	e.p.rd.Signal()
	return nil
}

// Read implements ByteReader (the read end): what is buffered, a wait while writers remain, else end of data.
func (e *PipeEnd) Read(max int) ([]byte, bool) {
	b, wait, _ := e.ReadErr(max)
	return b, wait
}

// ReadErr is Read with the pipe's end-of-data error: ERROR_BROKEN_PIPE once every write end is closed.
func (e *PipeEnd) ReadErr(max int) ([]byte, bool, abi.Errno) {
	if e.write {
		return nil, false, abi.ERROR_ACCESS_DENIED
	}
	if len(e.p.buf) == 0 {
		if e.p.writers == 0 {
			return nil, false, abi.ERROR_BROKEN_PIPE
		}
		e.Reset()
		return nil, true, 0
	}
	n := min(max, len(e.p.buf))
	out := append([]byte(nil), e.p.buf[:n]...)
	e.p.buf = e.p.buf[n:]
	return out, false, 0
}

// FileType implements FileTyper.
func (e *PipeEnd) FileType() uint32 { return abi.FILE_TYPE_PIPE }

func createPipe(c *Call) {
	pr, pw, sa := c.Arg(0), c.Arg(1), c.Arg(2)
	c.Arg(3)
	inherit := false
	if sa != 0 {
		v, _ := c.R32(sa + 8)
		inherit = v != 0
	}
	p := &pipe{writers: 1, readers: 1}
	r := &PipeEnd{p: p}
	w := &PipeEnd{p: p, write: true}
	p.rd = r
	r.Init(kernel.TypePipe, "", func() { p.readers-- })
	w.Init(kernel.TypePipe, "", func() {
		p.writers--
		r.Signal() // readers see the end of data
	})
	hr, ok1 := c.P.Handles.Insert(r, abi.GENERIC_READ|abi.SYNCHRONIZE, inherit)
	hw, ok2 := c.P.Handles.Insert(w, abi.GENERIC_WRITE|abi.SYNCHRONIZE, inherit)
	r.Unref()
	w.Unref()
	if !ok1 || !ok2 || !c.W32(pr, uint32(hr)) || !c.W32(pw, uint32(hw)) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func peekNamedPipe(c *Call) {
	o, ok := c.Object(c.Arg(0))
	e, isPipe := o.(*PipeEnd)
	buf, size, pread, pavail, pleft := c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4), c.Arg(5)
	if !ok || !isPipe {
		if peekNamedPipeEnd(c, o) { // kernel32_npipe.go
			return
		}
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	n := min(uint32(len(e.p.buf)), size)
	if buf != 0 && n > 0 {
		c.WriteBytes(buf, e.p.buf[:n])
	}
	for _, w := range []struct{ p, v uint32 }{{pread, n}, {pavail, uint32(len(e.p.buf))}, {pleft, 0}} {
		if w.p != 0 {
			c.W32(w.p, w.v)
		}
	}
	if len(e.p.buf) == 0 && e.p.writers == 0 {
		c.Fail(abi.ERROR_BROKEN_PIPE, 0)
		return
	}
	c.Return(1)
}

// Job is a job object: peek32 records the processes assigned to it (limits are not enforced).
type Job struct {
	kernel.ObjectHeader
	PIDs []uint32
	Info map[uint32][]byte // SetInformationJobObject data by information class
}

func init() {
	kernel32.Add(
		Export{Name: "CreateJobObjectA", ArgBytes: 8, Handler: createJobObject, Note: "limits are accepted, not enforced"},
		Export{Name: "CreateJobObjectW", ArgBytes: 8, Handler: createJobObject, Note: "limits are accepted, not enforced"},
		Export{Name: "SetInformationJobObject", ArgBytes: 16, Handler: func(c *Call) {
			class, p, n := c.Arg(1), c.Arg(2), c.Arg(3)
			jobOp(c, func(j *Job) bool {
				b, ok := c.ReadBytes(p, int(min(n, 4096)))
				if ok {
					if j.Info == nil {
						j.Info = map[uint32][]byte{}
					}
					j.Info[class] = b
				}
				return ok
			})
		}},
		Export{Name: "QueryInformationJobObject", ArgBytes: 20, Handler: func(c *Call) {
			class, p, n, pret := c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4)
			jobOp(c, func(j *Job) bool {
				b := make([]byte, min(n, 4096))
				copy(b, j.Info[class])
				if pret != 0 {
					c.W32(pret, uint32(len(b)))
				}
				return c.WriteBytes(p, b)
			})
		}, Note: "returns what was set (zeros otherwise)"},
		Export{Name: "AssignProcessToJobObject", ArgBytes: 8, Handler: func(c *Call) {
			jobOp(c, func(j *Job) bool {
				o, ok := c.Object(c.Arg(1))
				p, isP := o.(*kernel.Process)
				if ok && isP {
					j.PIDs = append(j.PIDs, p.ID)
				}
				return ok && isP
			})
		}},
	)
}

func createJobObject(c *Call) {
	j := &Job{}
	j.Init(kernel.TypeOther, "", nil)
	h, ok := c.P.Handles.Insert(j, 0x1F001F, false)
	j.Unref()
	if !ok {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	c.Succeed(uint32(h))
}

func jobOp(c *Call, f func(j *Job) bool) {
	o, ok := c.Object(c.Arg(0))
	j, isJ := o.(*Job)
	if !ok || !isJ || (f != nil && !f(j)) {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	c.Return(1)
}
