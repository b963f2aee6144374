package win32

import (
	"errors"
	"io"

	"github.com/peek32/peek32/core/kernel"
)

// ConsoleKind says which standard stream a Console object is.
type ConsoleKind uint8

// Console kinds.
const (
	ConsoleIn ConsoleKind = iota
	ConsoleOut
	ConsoleErr
)

// Console is a console stream object (what GetStdHandle returns for a program started from the host): output
// goes to a host writer, input comes from a host reader (the CLI: read synchronously) or from bytes the host
// feeds (the page: WriteStdin; a read with nothing buffered blocks the thread, and the machine reports "idle").
type Console struct {
	kernel.ObjectHeader
	Kind ConsoleKind
	in   io.Reader
	out  io.Writer
	buf  []byte
	eof  bool

	// The screen-buffer state the console API reports and changes (kernel32_conscreen.go): the current text
	// attribute and the cursor, which output moves as a terminal of screenCols columns would.
	attr       uint16
	curX, curY int
	esc        uint8 // inside an escape sequence of the output: 1 after ESC, 2 inside CSI
}

// NewConsole returns a console stream with one reference (the caller's).
func NewConsole(kind ConsoleKind, in io.Reader, out io.Writer) *Console {
	c := &Console{Kind: kind, in: in, out: out, attr: defaultAttr}
	c.Init(kernel.TypeConsole, "", nil)
	return c
}

// Write sends b to the host writer (errors are ignored: a closed host pipe must not crash the guest).
func (c *Console) Write(b []byte) {
	if c.out != nil {
		_, _ = c.out.Write(b)
	}
}

// Feed appends host input and wakes readers.
func (c *Console) Feed(b []byte) {
	c.buf = append(c.buf, b...)
	c.Signal()
}

// CloseInput marks the end of input: reads return 0 bytes once the buffer is empty.
func (c *Console) CloseInput() {
	c.eof = true
	c.Signal()
}

// ErrNoInput is what a host reader returns (with no bytes) when it gives up waiting for input that has not come
// (the CLI's --timeout): the read then blocks the thread as on a fed console, so the machine goes on with its
// other threads and reports "idle" when nothing else can run, instead of seeing the end of the input.
var ErrNoInput = errors.New("win32: no console input yet")

// Read returns up to max bytes of input. wait is true when nothing is available yet and more may come (the
// caller blocks the thread on c with host=true). With a host reader, Read reads it synchronously.
func (c *Console) Read(max int) (data []byte, wait bool) {
	if max <= 0 {
		return nil, false
	}
	if len(c.buf) == 0 && c.in != nil && !c.eof {
		tmp := make([]byte, min(max, 64<<10)) // a console read returns what one host read gives
		n, err := c.in.Read(tmp)
		c.buf = append(c.buf, tmp[:n]...)
		if n == 0 && errors.Is(err, ErrNoInput) {
			c.Reset()
			return nil, true
		}
		if err != nil && n == 0 {
			c.eof = true
		}
	}
	if len(c.buf) == 0 {
		if c.eof || c.in != nil {
			return nil, false
		}
		c.Reset()
		return nil, true
	}
	n := min(max, len(c.buf))
	data = append([]byte(nil), c.buf[:n]...)
	c.buf = c.buf[n:]
	return data, false
}
