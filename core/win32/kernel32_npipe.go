package win32

// Named pipes: CreateNamedPipe, ConnectNamedPipe, CreateFile on \\.\pipe\NAME, WaitNamedPipe,
// DisconnectNamedPipe, PeekNamedPipe, ReadFile/WriteFile on either end.
//
// A named pipe (pipeServer) is a machine-wide name with up to nMaxInstances instances; each instance is a
// duplex connection between one server end and at most one client end, with a buffer each way (unbounded, so a
// writer never blocks). A PIPE_TYPE_MESSAGE pipe keeps the boundaries of the writes: an end in message read
// mode (PIPE_READMODE_MESSAGE, set at creation for the server, by SetNamedPipeHandleState for the client)
// reads one message per ReadFile; a message longer than the buffer is returned in pieces on successive reads
// (Windows says ERROR_MORE_DATA for all but the last piece; peek32 does not). An instance starts out
// listening: a client's CreateFile connects to the first listening instance, before or during the server's
// ConnectNamedPipe (which, if the client came first, fails with ERROR_PIPE_CONNECTED, as on Windows). Each end
// object is signaled while it has data to read (or its peer is gone), so ReadFile blocks on it as on an
// anonymous pipe. Closing one end breaks the pipe for the other (reads drain, then ERROR_BROKEN_PIPE; writes
// fail with ERROR_NO_DATA); DisconnectNamedPipe cuts the client off (ERROR_PIPE_NOT_CONNECTED) and discards
// unread data, and the instance listens again after the next ConnectNamedPipe. Overlapped I/O is not supported
// (the calls complete synchronously).

import (
	"strings"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

func init() {
	kernel32.Add(
		Export{Name: "CreateNamedPipeA", ArgBytes: 32, Handler: func(c *Call) { createNamedPipe(c, false) }, Note: "no overlapped I/O; no ERROR_MORE_DATA"},
		Export{Name: "CreateNamedPipeW", ArgBytes: 32, Handler: func(c *Call) { createNamedPipe(c, true) }, Note: "no overlapped I/O; no ERROR_MORE_DATA"},
		Export{Name: "ConnectNamedPipe", ArgBytes: 8, Handler: connectNamedPipe, Note: "synchronous"},
		Export{Name: "DisconnectNamedPipe", ArgBytes: 4, Handler: disconnectNamedPipe},
		Export{Name: "WaitNamedPipeA", ArgBytes: 8, Handler: func(c *Call) { waitNamedPipe(c, false) }},
		Export{Name: "WaitNamedPipeW", ArgBytes: 8, Handler: func(c *Call) { waitNamedPipe(c, true) }},
		Export{Name: "SetNamedPipeHandleState", ArgBytes: 16, Handler: setNamedPipeHandleState, Note: "read mode only"},
	)
}

// Constants not (yet) in abi.
const (
	errPipeBusy         = abi.Errno(231) // ERROR_PIPE_BUSY
	errPipeNotConnected = abi.Errno(233) // ERROR_PIPE_NOT_CONNECTED
	errPipeListening    = abi.Errno(536) // ERROR_PIPE_LISTENING
	pipeUnlimited       = 255            // PIPE_UNLIMITED_INSTANCES
	fileFlagFirstPipe   = 0x00080000
	nmpWaitDefault      = 0 // NMPWAIT_USE_DEFAULT_WAIT
	pipePrefix          = `\\.\pipe\`
	pipeReadModeMessage = 0x2 // PIPE_READMODE_MESSAGE
	pipeTypeMessage     = 0x4 // PIPE_TYPE_MESSAGE
	pipeNoWait          = 0x1 // PIPE_NOWAIT
)

// pipeServer is one pipe name and its instances.
type pipeServer struct {
	name           string // lower case, without the prefix
	maxInstances   int
	defaultTimeout uint32 // ms
	message        bool   // PIPE_TYPE_MESSAGE
	instances      []*pipeInstance
	// listen is pulsed when an instance starts listening (WaitNamedPipe waits on it).
	listen *kernel.SyncEvent
}

// Instance states.
const (
	pipeListening    = iota // accepts a client
	pipeConnected           // a client is connected
	pipeClientGone          // the client closed its end; the server must disconnect
	pipeDisconnected        // DisconnectNamedPipe: no client, not listening until ConnectNamedPipe
)

// pipeInstance is one server end and its (possible) client.
type pipeInstance struct {
	srv                *pipeServer
	state              int
	server, client     *NamedPipeEnd
	toServer, toClient pipeStream
	connected          *kernel.SyncEvent // signaled when a client connects
	connecting         bool              // a ConnectNamedPipe is waiting
}

// NamedPipeEnd is the server or the client end of a named pipe instance.
type NamedPipeEnd struct {
	kernel.ObjectHeader
	inst     *pipeInstance
	isServer bool
	detached bool // a client end the server disconnected
	closed   bool
	msgRead  bool // PIPE_READMODE_MESSAGE
}

// pipeStream is the data one way of an instance: the bytes, and for a message pipe the lengths of the
// messages they are made of.
type pipeStream struct {
	data []byte
	msgs []int
}

// empty reports whether nothing (not even an empty message) is waiting.
func (s *pipeStream) empty() bool { return len(s.data) == 0 && len(s.msgs) == 0 }

// write appends b, as one message when message is set.
func (s *pipeStream) write(b []byte, message bool) {
	s.data = append(s.data, b...)
	if message {
		s.msgs = append(s.msgs, len(b))
	}
}

// read takes up to max bytes: of the first message only when message is set, else across messages.
func (s *pipeStream) read(max int, message bool) []byte {
	n := min(max, len(s.data))
	if message && len(s.msgs) > 0 {
		n = min(max, s.msgs[0])
	}
	out := append([]byte(nil), s.data[:n]...)
	s.data = s.data[n:]
	for left := n; len(s.msgs) > 0; {
		if s.msgs[0] > left {
			s.msgs[0] -= left
			break
		}
		left -= s.msgs[0]
		s.msgs = s.msgs[1:]
		if left == 0 && (message || len(s.data) == 0) {
			break
		}
	}
	return out
}

// pipeName returns the lower-case pipe name of a \\.\pipe\NAME path.
func pipeName(path string) (string, bool) {
	if len(path) <= len(pipePrefix) || !strings.EqualFold(path[:len(pipePrefix)], pipePrefix) {
		return "", false
	}
	return strings.ToLower(strings.ReplaceAll(path[len(pipePrefix):], "/", `\`)), true
}

// peer returns the other end, or nil.
func (e *NamedPipeEnd) peer() *NamedPipeEnd {
	if e.isServer {
		return e.inst.client
	}
	return e.inst.server
}

// readBuf returns the stream e reads from.
func (e *NamedPipeEnd) readBuf() *pipeStream {
	if e.isServer {
		return &e.inst.toServer
	}
	return &e.inst.toClient
}

// status returns the error that reading or writing on e meets when no data is buffered (0: connected).
func (e *NamedPipeEnd) status() abi.Errno {
	if e.detached {
		return errPipeNotConnected
	}
	switch e.inst.state {
	case pipeListening:
		if e.isServer {
			return errPipeListening
		}
	case pipeDisconnected:
		return errPipeNotConnected
	case pipeClientGone:
		return abi.ERROR_BROKEN_PIPE
	}
	if !e.isServer && e.inst.server.closed {
		return abi.ERROR_BROKEN_PIPE
	}
	return 0
}

// ReadErr reads up to max buffered bytes; wait is true when the reader should block on e.
func (e *NamedPipeEnd) ReadErr(max int) ([]byte, bool, abi.Errno) {
	buf := e.readBuf()
	if !e.detached && !buf.empty() {
		return buf.read(max, e.msgRead && e.inst.srv.message), false, 0
	}
	if st := e.status(); st != 0 {
		return nil, false, st
	}
	e.Reset()
	return nil, true, 0
}

// Read implements ByteReader.
func (e *NamedPipeEnd) Read(max int) ([]byte, bool) {
	b, wait, _ := e.ReadErr(max)
	return b, wait
}

// WriteErr sends b to the peer.
func (e *NamedPipeEnd) WriteErr(b []byte) error {
	if st := e.status(); st != 0 {
		if st == abi.ERROR_BROKEN_PIPE {
			return abi.ERROR_NO_DATA
		}
		return st
	}
	p := e.peer()
	if p == nil {
		return errPipeNotConnected
	}
	p.readBuf().write(b, e.inst.srv.message)
	p.Signal()
	return nil
}

// Write implements Writer.
func (e *NamedPipeEnd) Write(b []byte) { _ = e.WriteErr(b) }

// FileType implements FileTyper.
func (e *NamedPipeEnd) FileType() uint32 { return abi.FILE_TYPE_PIPE }

// Peek returns the bytes e could read now, what is left of the first message beyond them (message pipes),
// and the error that a read would meet with nothing buffered.
func (e *NamedPipeEnd) Peek() (data []byte, msgLeft int, err abi.Errno) {
	if e.detached {
		return nil, 0, errPipeNotConnected
	}
	if b := e.readBuf(); !b.empty() {
		if len(b.msgs) > 0 {
			msgLeft = b.msgs[0]
		}
		return b.data, msgLeft, 0
	}
	return nil, 0, e.status()
}

func createNamedPipe(c *Call, wide bool) {
	path, ok := c.strArg(0, wide)
	openMode, pipeMode, maxInst, timeout, sa := c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(6), c.Arg(7)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, abi.InvalidHandleValue)
		return
	}
	name, ok := pipeName(path)
	if !ok {
		// \\.\other\x names a device directory that does not exist (Wine 8 agrees); anything else is no
		// pipe name at all.
		e := abi.ERROR_INVALID_NAME
		if strings.HasPrefix(path, `\\.\`) {
			e = abi.ERROR_PATH_NOT_FOUND
		}
		c.Fail(e, abi.InvalidHandleValue)
		return
	}
	if maxInst == 0 || maxInst > pipeUnlimited || pipeMode&^(pipeTypeMessage|pipeReadModeMessage|pipeNoWait|0x8) != 0 ||
		(pipeMode&pipeReadModeMessage != 0 && pipeMode&pipeTypeMessage == 0) {
		c.Fail(abi.ERROR_INVALID_PARAMETER, abi.InvalidHandleValue)
		return
	}
	objs := c.S.objects()
	srv := objs.pipes[name]
	if srv != nil {
		if openMode&fileFlagFirstPipe != 0 {
			c.Fail(abi.ERROR_ACCESS_DENIED, abi.InvalidHandleValue)
			return
		}
		if len(srv.instances) >= srv.maxInstances {
			c.Fail(errPipeBusy, abi.InvalidHandleValue)
			return
		}
		if srv.message != (pipeMode&pipeTypeMessage != 0) {
			c.Fail(abi.ERROR_ACCESS_DENIED, abi.InvalidHandleValue)
			return
		}
	} else {
		if timeout == 0 {
			timeout = 50
		}
		srv = &pipeServer{name: name, maxInstances: int(maxInst), defaultTimeout: timeout,
			message: pipeMode&pipeTypeMessage != 0, listen: kernel.NewEvent("", true, false)}
		objs.pipes[name] = srv
	}
	inst := &pipeInstance{srv: srv, connected: kernel.NewEvent("", true, false)}
	end := &NamedPipeEnd{inst: inst, isServer: true, msgRead: pipeMode&pipeReadModeMessage != 0}
	inst.server = end
	end.Init(kernel.TypePipe, path, func() {
		end.closed = true
		if cl := inst.client; cl != nil {
			cl.Signal() // its reads see the broken pipe
		}
		for i, x := range srv.instances {
			if x == inst {
				srv.instances = append(srv.instances[:i], srv.instances[i+1:]...)
				break
			}
		}
		if len(srv.instances) == 0 && objs.pipes[name] == srv {
			delete(objs.pipes, name)
		}
	})
	srv.instances = append(srv.instances, inst)
	inherit := false
	if sa != 0 {
		v, _ := c.R32(sa + 8)
		inherit = v != 0
	}
	h, ok := c.P.Handles.Insert(end, abi.GENERIC_READ|abi.GENERIC_WRITE|abi.SYNCHRONIZE, inherit)
	end.Unref()
	if !ok {
		c.Fail(abi.ERROR_TOO_MANY_OPEN_FILES, abi.InvalidHandleValue)
		return
	}
	srv.listen.Signal()
	srv.listen.Reset()
	c.Succeed(uint32(h))
}

// serverEnd resolves argument i as the server end of a named pipe.
func (c *Call) serverEnd(i int) (*NamedPipeEnd, bool) {
	o, ok := c.Object(c.Arg(i))
	e, isE := o.(*NamedPipeEnd)
	return e, ok && isE && e.isServer
}

func connectNamedPipe(c *Call) {
	e, ok := c.serverEnd(0)
	ovl := c.Arg(1)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	inst := e.inst
	switch inst.state {
	case pipeConnected:
		if inst.connecting {
			inst.connecting = false
			// The call completes synchronously even for an overlapped handle; its OVERLAPPED's event is set
			// as the completion would set it, for programs that wait on it.
			if ovl != 0 {
				if h, ok := c.R32(ovl + 16); ok {
					if ev, ok := c.Object(h); ok {
						if ev, isE := ev.(*kernel.SyncEvent); isE && ev.Type() == kernel.TypeEvent {
							ev.Signal()
						}
					}
				}
			}
			c.Succeed(1)
			return
		}
		c.Fail(abi.ERROR_PIPE_CONNECTED, 0)
		return
	case pipeClientGone:
		inst.connecting = false
		c.Fail(abi.ERROR_NO_DATA, 0)
		return
	case pipeDisconnected:
		inst.state = pipeListening
		inst.srv.listen.Signal()
		inst.srv.listen.Reset()
	}
	inst.connecting = true
	inst.connected.Reset()
	c.Block([]kernel.Object{inst.connected}, false, 0, false)
}

// openPipeClient is CreateFile on \\.\pipe\NAME (called first by createFile); it reports whether the path was a
// pipe path (and the call has been completed).
func openPipeClient(c *Call, wide bool) bool {
	path, ok := c.strArg(0, wide)
	if !ok {
		return false
	}
	name, isPipe := pipeName(path)
	if !isPipe {
		return false
	}
	access, sa := c.Arg(1), c.Arg(3)
	srv := c.S.objects().pipes[name]
	if srv == nil {
		c.Fail(abi.ERROR_FILE_NOT_FOUND, abi.InvalidHandleValue)
		return true
	}
	var inst *pipeInstance
	for _, x := range srv.instances {
		if x.state == pipeListening && !x.server.closed {
			inst = x
			break
		}
	}
	if inst == nil {
		c.Fail(errPipeBusy, abi.InvalidHandleValue)
		return true
	}
	end := &NamedPipeEnd{inst: inst}
	end.Init(kernel.TypePipe, path, func() {
		end.closed = true
		if !end.detached && inst.client == end {
			inst.state = pipeClientGone
			inst.server.Signal() // its reads see the broken pipe
		}
	})
	inst.client, inst.state = end, pipeConnected
	inst.toServer, inst.toClient = pipeStream{}, pipeStream{}
	inst.connected.Signal()
	inherit := false
	if sa != 0 {
		v, _ := c.R32(sa + 8)
		inherit = v != 0
	}
	h, ok := c.P.Handles.Insert(end, access|abi.SYNCHRONIZE, inherit)
	end.Unref()
	if !ok {
		c.Fail(abi.ERROR_TOO_MANY_OPEN_FILES, abi.InvalidHandleValue)
		return true
	}
	c.Succeed(uint32(h))
	return true
}

func disconnectNamedPipe(c *Call) {
	e, ok := c.serverEnd(0)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	inst := e.inst
	if cl := inst.client; cl != nil {
		cl.detached = true
		cl.Signal()
		inst.client = nil
	}
	inst.toServer, inst.toClient = pipeStream{}, pipeStream{}
	inst.state = pipeDisconnected
	c.Return(1)
}

func waitNamedPipe(c *Call, wide bool) {
	path, ok := c.strArg(0, wide)
	ms := c.Arg(1)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	name, isPipe := pipeName(path)
	if !isPipe {
		c.Fail(abi.ERROR_BAD_PATHNAME, 0)
		return
	}
	srv := c.S.objects().pipes[name]
	if srv == nil {
		c.T.TimedOut()
		c.Fail(abi.ERROR_FILE_NOT_FOUND, 0)
		return
	}
	for _, x := range srv.instances {
		if x.state == pipeListening && !x.server.closed {
			c.T.TimedOut()
			c.Return(1)
			return
		}
	}
	if c.T.TimedOut() {
		c.Fail(abi.ERROR_SEM_TIMEOUT, 0)
		return
	}
	if ms == nmpWaitDefault {
		ms = srv.defaultTimeout
	}
	var timeout uint64
	if ms != abi.INFINITE {
		timeout = max(uint64(ms)*c.K.InstrPerMs(), 1)
	}
	c.Block([]kernel.Object{srv.listen}, false, timeout, false)
}

// setNamedPipeHandleState sets the read mode (lpMode); PIPE_NOWAIT and the collection settings are accepted
// and ignored.
func setNamedPipeHandleState(c *Call) {
	o, ok := c.Object(c.Arg(0))
	pmode := c.Arg(1)
	switch o.(type) {
	case *NamedPipeEnd, *PipeEnd:
	default:
		ok = false
	}
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if pmode != 0 {
		mode, rok := c.R32(pmode)
		if !rok {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
		e, named := o.(*NamedPipeEnd)
		if mode&^(pipeReadModeMessage|pipeNoWait) != 0 || (mode&pipeReadModeMessage != 0 && (!named || !e.inst.srv.message)) {
			c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
			return
		}
		if named {
			e.msgRead = mode&pipeReadModeMessage != 0
		}
	}
	c.Return(1)
}

// peekNamedPipeEnd is PeekNamedPipe on a named pipe end (called by peekNamedPipe); false if o is not one.
func peekNamedPipeEnd(c *Call, o kernel.Object) bool {
	e, ok := o.(*NamedPipeEnd)
	if !ok {
		return false
	}
	buf, size, pread, pavail, pleft := c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4), c.Arg(5)
	data, msgLeft, st := e.Peek()
	if st != 0 {
		c.Fail(st, 0)
		return true
	}
	n := min(uint32(len(data)), size)
	if msgLeft > 0 && e.msgRead {
		n = min(n, uint32(msgLeft))
	}
	if buf != 0 && n > 0 && !c.WriteBytes(buf, data[:n]) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return true
	}
	left := uint32(0)
	if msgLeft > 0 {
		left = uint32(msgLeft) - min(n, uint32(msgLeft))
	}
	for _, w := range []struct{ p, v uint32 }{{pread, n}, {pavail, uint32(len(data))}, {pleft, left}} {
		if w.p != 0 && !c.W32(w.p, w.v) {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return true
		}
	}
	c.Return(1)
	return true
}
