package win32

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// The console screen-buffer API (colours and cursor) on a console output stream.
//
// peek32's console is a stream whose output the page renders in a terminal (xterm.js). The calls that change
// the screen buffer's state are turned into the ANSI sequences that do the same on a terminal, sent as
// "console" events of the calling process, exactly where its text goes:
//   - SetConsoleTextAttribute: SGR colours (foreground/background, intensity, reverse, underscore);
//   - SetConsoleCursorPosition: CUP (the window is the buffer's top rows, so buffer = screen coordinates);
//   - FillConsoleOutputCharacter: the characters written at the coordinate, the cursor saved and restored;
//     a fill of the whole buffer from (0,0) (the usual clear-screen idiom) is ED 2 (erase display) instead;
//   - FillConsoleOutputAttribute: the fill is counted and reported, the attribute is not re-applied to text
//     already on the terminal (ANSI has no such operation); a whole-buffer fill sets the attribute the next
//     clear uses.
//
// The sequences go to the page's console only: the host writer (the CLI's stdout, which may be a pipe or a
// file) gets the program's text unchanged. On a handle that is not a console output (a file, a pipe, stdin)
// every call fails with ERROR_INVALID_HANDLE, as on Windows, and nothing is emitted.
//
// GetConsoleScreenBufferInfo reports a screenCols x screenRows buffer and window, the current attribute, and
// the cursor as the program's output moved it (text, CR, LF, BS, TAB, wrapping at screenCols; escape
// sequences in the output are skipped).

const (
	screenCols  = 80
	screenRows  = 25
	defaultAttr = 0x07 // light grey on black
)

func init() {
	kernel32.Add(
		Export{Name: "GetConsoleScreenBufferInfo", ArgBytes: 8, Handler: getConsoleScreenBufferInfo},
		Export{Name: "SetConsoleTextAttribute", ArgBytes: 8, Handler: setConsoleTextAttribute},
		Export{Name: "SetConsoleCursorPosition", ArgBytes: 8, Handler: setConsoleCursorPosition},
		Export{Name: "FillConsoleOutputCharacterA", ArgBytes: 20, Handler: func(c *Call) { fillConsoleOutputCharacter(c, false) }},
		Export{Name: "FillConsoleOutputCharacterW", ArgBytes: 20, Handler: func(c *Call) { fillConsoleOutputCharacter(c, true) }},
		Export{Name: "FillConsoleOutputAttribute", ArgBytes: 20, Handler: fillConsoleOutputAttribute},
	)
}

// screenOut returns the console output stream behind argument 0, or fails the call with ERROR_INVALID_HANDLE.
func screenOut(c *Call) (*Console, bool) {
	o, ok := c.Object(c.Arg(0))
	con, isCon := o.(*Console)
	if !ok || !isCon || con.Kind == ConsoleIn {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return nil, false
	}
	return con, true
}

// screenEvent sends seq (terminal control sequences) to the page's console of the calling process.
func screenEvent(c *Call, con *Console, seq string) {
	name := "stdout"
	if con.Kind == ConsoleErr {
		name = "stderr"
	}
	c.K.Emit(c.T, kernel.Event{Kind: "console", Name: name, Data: seq, EIP: c.RetAddr})
}

// coord splits a COORD passed by value (X in the low word, Y in the high word; signed).
func coord(v uint32) (x, y int) { return int(int16(v)), int(int16(v >> 16)) }

func getConsoleScreenBufferInfo(c *Call) {
	con, ok := screenOut(c)
	if !ok {
		return
	}
	var b [22]byte
	le := binary.LittleEndian
	le.PutUint16(b[0:], screenCols) // dwSize
	le.PutUint16(b[2:], screenRows)
	le.PutUint16(b[4:], uint16(con.curX)) // dwCursorPosition
	le.PutUint16(b[6:], uint16(con.curY))
	le.PutUint16(b[8:], con.attr)      // wAttributes
	le.PutUint16(b[14:], screenCols-1) // srWindow: Left 0, Top 0, Right, Bottom
	le.PutUint16(b[16:], screenRows-1) //
	le.PutUint16(b[18:], screenCols)   // dwMaximumWindowSize
	le.PutUint16(b[20:], screenRows)   //
	if !c.WriteBytes(c.Arg(1), b[:]) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func setConsoleTextAttribute(c *Call) {
	con, ok := screenOut(c)
	if !ok {
		return
	}
	con.attr = uint16(c.Arg(1))
	screenEvent(c, con, attrSGR(con.attr))
	c.Return(1)
}

func setConsoleCursorPosition(c *Call) {
	con, ok := screenOut(c)
	if !ok {
		return
	}
	x, y := coord(c.Arg(1))
	if x < 0 || y < 0 || x >= screenCols || y >= screenRows {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	con.curX, con.curY = x, y
	screenEvent(c, con, "\x1b["+strconv.Itoa(y+1)+";"+strconv.Itoa(x+1)+"H")
	c.Return(1)
}

// fillCount clips a fill of n cells from (x, y) to the buffer, as Windows does (it stops at the buffer's end).
func fillCount(x, y int, n uint32) int {
	if x < 0 || y < 0 || x >= screenCols || y >= screenRows {
		return 0
	}
	return int(min(uint64(n), uint64(screenCols*screenRows-(y*screenCols+x))))
}

func fillConsoleOutputCharacter(c *Call, wide bool) {
	con, ok := screenOut(c)
	if !ok {
		return
	}
	ch := rune(c.Arg(1) & 0xFF)
	if wide {
		ch = rune(c.Arg(1) & 0xFFFF)
	} else if ch >= 0x80 {
		ch = '?' // a byte of the ANSI code page beyond ASCII: no faithful UTF-8 for it here
	}
	if ch < 0x20 || ch == 0x7F || (ch >= 0xD800 && ch <= 0xDFFF) {
		ch = ' ' // control characters would move the terminal's cursor instead of filling cells
	}
	x, y := coord(c.Arg(3))
	n := fillCount(x, y, c.Arg(2))
	if n > 0 {
		var seq string
		if x == 0 && y == 0 && n == screenCols*screenRows && ch == ' ' {
			seq = attrSGR(con.attr) + "\x1b[2J" + attrSGR(con.attr)
		} else {
			// Save the cursor, move, write row by row (a terminal wider than the buffer must not get one long
			// line), restore.
			var sb strings.Builder
			sb.WriteString("\x1b7")
			for left, cx, cy := n, x, y; left > 0; cy++ {
				run := min(left, screenCols-cx)
				sb.WriteString("\x1b[" + strconv.Itoa(cy+1) + ";" + strconv.Itoa(cx+1) + "H")
				sb.WriteString(strings.Repeat(string(ch), run))
				left -= run
				cx = 0
			}
			sb.WriteString("\x1b8")
			seq = sb.String()
		}
		screenEvent(c, con, seq)
	}
	if p := c.Arg(4); p != 0 && !c.W32(p, uint32(n)) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func fillConsoleOutputAttribute(c *Call) {
	con, ok := screenOut(c)
	if !ok {
		return
	}
	attr := uint16(c.Arg(1))
	x, y := coord(c.Arg(3))
	n := fillCount(x, y, c.Arg(2))
	if x == 0 && y == 0 && n == screenCols*screenRows {
		con.attr = attr
		screenEvent(c, con, attrSGR(attr))
	}
	if p := c.Arg(4); p != 0 && !c.W32(p, uint32(n)) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

// attrSGR returns the ANSI SGR sequence for a console character attribute. The console's colour bits are
// blue 1, green 2, red 4 (ANSI: red 1, green 2, blue 4), intensity 8; the background is the same shifted by 4.
// The default attribute (grey on black) is the terminal's default colours.
func attrSGR(attr uint16) string {
	if attr&0xFF == defaultAttr && attr&0xC000 == 0 {
		return "\x1b[0m"
	}
	ansi := func(bgr uint16) int { return int(bgr&4>>2 | bgr&2 | bgr&1<<2) }
	fg, bg := 30+ansi(attr&7), 40+ansi(attr>>4&7)
	if attr&0x08 != 0 {
		fg += 60 // bright
	}
	if attr&0x80 != 0 {
		bg += 60
	}
	s := "\x1b[0"
	if attr&0x8000 != 0 { // COMMON_LVB_UNDERSCORE
		s += ";4"
	}
	if attr&0x4000 != 0 { // COMMON_LVB_REVERSE_VIDEO
		s += ";7"
	}
	return s + ";" + strconv.Itoa(fg) + ";" + strconv.Itoa(bg) + "m"
}

// advance moves the console's cursor over output b as a screenCols-wide terminal would, skipping escape
// sequences (an ESC sequence may span writes).
func (c *Console) advance(b []byte) {
	for _, ch := range b {
		switch {
		case c.esc == 1:
			c.esc = 0
			if ch == '[' {
				c.esc = 2
			}
			continue
		case c.esc == 2:
			if ch >= 0x40 && ch <= 0x7E {
				c.esc = 0
			}
			continue
		}
		switch {
		case ch == 0x1B:
			c.esc = 1
		case ch == '\n':
			c.curX = 0
			c.curY++
		case ch == '\r':
			c.curX = 0
		case ch == '\b':
			if c.curX > 0 {
				c.curX--
			}
		case ch == '\t':
			c.curX = min((c.curX+8)&^7, screenCols-1)
		case ch < 0x20 || ch&0xC0 == 0x80: // other controls; UTF-8 continuation bytes
		default:
			c.curX++
			if c.curX >= screenCols {
				c.curX = 0
				c.curY++
			}
		}
		if c.curY >= screenRows {
			c.curY = screenRows - 1 // the buffer scrolls
		}
	}
}
