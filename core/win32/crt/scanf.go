package crt

import (
	"math"
	"strconv"
)

// EOF is what the scanf family returns when input ends before the first conversion succeeds.
const EOF = -1

// Source is the character stream a scanf reads: Next returns the next character (a byte for the narrow
// functions, a UTF-16 unit for the wide ones) or -1 at end of input; Back pushes the character Next last
// returned back onto the stream (scanf needs one character of look-ahead, as ungetc gives). A stream source
// must answer synchronously: the caller gathers input (or knows it has reached end of file) before calling.
type Source interface {
	Next() int
	Back()
}

// SliceSource is a Source over an in-memory string (sscanf's buffer, a line of console input).
type SliceSource[T unit] struct {
	Data []T
	Pos  int
}

// Next implements Source.
func (s *SliceSource[T]) Next() int {
	if s.Pos >= len(s.Data) {
		s.Pos++ // so that Back after end of input is balanced
		return -1
	}
	c := s.Data[s.Pos]
	s.Pos++
	return int(c)
}

// Back implements Source.
func (s *SliceSource[T]) Back() { s.Pos-- }

// Sscanf parses a narrow string like msvcrt's sscanf: input ends at the first NUL (or at the end of the slice).
// It returns the number of fields assigned, or EOF, and a *FaultError if a store through a guest pointer failed.
func Sscanf(input, format []byte, args Args, mem Memory) (int, error) {
	return Fscanf(&SliceSource[byte]{Data: beforeNUL(input)}, format, args, mem)
}

// Swscanf is the wide form of Sscanf.
func Swscanf(input, format []uint16, args Args, mem Memory) (int, error) {
	return Fwscanf(&SliceSource[uint16]{Data: beforeNUL(input)}, format, args, mem)
}

// beforeNUL returns s up to its first NUL unit (all of s when it has none).
func beforeNUL[T unit](s []T) []T {
	for i, c := range s {
		if c == 0 {
			return s[:i]
		}
	}
	return s
}

// Fscanf parses from a stream like msvcrt's fscanf/scanf. Characters it looked at but did not use are pushed
// back, so the stream is positioned just after the last character consumed.
func Fscanf(src Source, format []byte, args Args, mem Memory) (int, error) {
	s := scanner[byte]{src: src, args: args, mem: mem}
	return s.run(format)
}

// Fwscanf is the wide form of Fscanf (fwscanf, wscanf): %s and %c store wide characters, %S and %C narrow.
func Fwscanf(src Source, format []uint16, args Args, mem Memory) (int, error) {
	s := scanner[uint16]{src: src, args: args, mem: mem, wide: true}
	return s.run(format)
}

type scanner[T unit] struct {
	src      Source
	args     Args
	mem      Memory
	wide     bool
	consumed int
	err      error
}

func (s *scanner[T]) get() int {
	c := s.src.Next()
	s.consumed++
	return c
}

func (s *scanner[T]) unget() {
	s.src.Back()
	s.consumed--
}

func isSpace(c int) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// skipSpace consumes white space and returns the first other character (consumed), or -1.
func (s *scanner[T]) skipSpace() int {
	for {
		c := s.get()
		if !isSpace(c) {
			return c
		}
	}
}

// scanSpec is one parsed conversion specification; sizeMods.long also means double (%lf) and wide (%ls).
type scanSpec struct {
	suppress bool
	width    int // -1: none
	sizeMods
}

func (s *scanner[T]) run(f []T) (int, error) {
	assigned := 0
	converted := false // some conversion (even suppressed) matched
	eof := false       // input failure
	i := 0
loop:
	for i < len(f) && s.err == nil {
		fc := f[i]
		if isSpace(int(fc)) {
			s.skipSpace()
			s.unget()
			for i < len(f) && isSpace(int(f[i])) {
				i++
			}
			continue
		}
		if fc != '%' || i+1 >= len(f) || f[i+1] == '%' {
			// Literal character (or "%%", which matches a single '%').
			if fc == '%' && i+1 < len(f) {
				i++
			}
			c := s.get()
			if c == -1 {
				s.unget()
				eof = true
				break
			}
			if c != int(f[i]) {
				s.unget()
				break
			}
			i++
			continue
		}
		i++
		sp := scanSpec{width: -1}
		if f[i] == '*' {
			sp.suppress = true
			i++
		}
		if i < len(f) && f[i] >= '0' && f[i] <= '9' {
			sp.width = 0
			for ; i < len(f) && f[i] >= '0' && f[i] <= '9'; i++ {
				sp.width = addDigit(sp.width, int(f[i]-'0'))
			}
			if sp.width == 0 {
				sp.width = -1
			}
		}
	size:
		for ; i < len(f); i++ {
			switch f[i] {
			case 'h':
				sp.short = true
			case 'l':
				if i+1 < len(f) && f[i+1] == 'l' {
					sp.is64 = true
					i++
				} else {
					sp.long = true
				}
			case 'L':
				sp.long = true
			case 'w':
				sp.wideMod = true
			case 'I':
				switch {
				case i+2 < len(f) && f[i+1] == '6' && f[i+2] == '4':
					sp.is64 = true
					i += 2
				case i+2 < len(f) && f[i+1] == '3' && f[i+2] == '2':
					i += 2
				}
			case 'j':
				sp.is64 = true
			case 'z', 't', 'F', 'N':
			default:
				break size
			}
		}
		if i >= len(f) {
			break
		}
		conv := f[i]
		i++
		var ok bool
		switch conv {
		case 'n':
			if !sp.suppress {
				s.storeInt(&sp, uint64(s.consumed))
			}
			continue
		case 'c', 'C':
			ok, eof = s.chars(&sp, byte(conv))
		case '[':
			end := i
			ok, eof, end = s.scanset(&sp, f, i)
			i = end
		case 'd', 'i', 'o', 'u', 'x', 'X', 'p':
			ok, eof = s.integer(&sp, byte(conv))
		case 'e', 'E', 'f', 'g', 'G', 'a', 'A':
			ok, eof = s.float(&sp)
		case 's', 'S':
			ok, eof = s.str(&sp, byte(conv))
		default:
			// "%" followed by a character that is not a conversion matches that character.
			c := s.get()
			if c == -1 {
				s.unget()
				eof = true
				break loop
			}
			if c != int(conv) {
				s.unget()
				break loop
			}
			continue
		}
		if !ok {
			break
		}
		converted = true
		if !sp.suppress {
			assigned++
		}
	}
	if s.err != nil {
		return assigned, s.err
	}
	if err := argsFault(s.args); err != nil {
		return assigned, err
	}
	if eof && !converted && assigned == 0 {
		return EOF, nil
	}
	return assigned, nil
}

func (s *scanner[T]) store(addr uint32, size int, v uint64) {
	var ok bool
	switch size {
	case 1:
		ok = s.mem.Write8(addr, uint8(v))
	case 2:
		ok = s.mem.Write16(addr, uint16(v))
	case 4:
		ok = s.mem.Write32(addr, uint32(v))
	default:
		ok = s.mem.Write64(addr, v)
	}
	if !ok && s.err == nil {
		s.err = &FaultError{Addr: addr, Write: true}
	}
}

func (s *scanner[T]) storeInt(sp *scanSpec, v uint64) {
	addr := s.args.Uint32()
	switch {
	case sp.is64:
		s.store(addr, 8, v)
	case sp.short:
		s.store(addr, 2, v)
	default:
		s.store(addr, 4, v)
	}
}

func digitVal(c int, base int) int {
	var d int
	switch {
	case c >= '0' && c <= '9':
		d = c - '0'
	case c >= 'a' && c <= 'z':
		d = c - 'a' + 10
	case c >= 'A' && c <= 'Z':
		d = c - 'A' + 10
	default:
		return -1
	}
	if d >= base {
		return -1
	}
	return d
}

// integer reads %d %i %o %u %x %p. A sign is accepted for every conversion (the value is negated, as
// Windows does for "-1" read with %u, %x and %o); %i takes 0x.. as hex and 0.. as octal; %x skips a 0x
// prefix; %p reads plain hex digits.
func (s *scanner[T]) integer(sp *scanSpec, conv byte) (ok, eof bool) {
	base := 10
	switch conv {
	case 'i':
		base = 0
	case 'o':
		base = 8
	case 'x', 'X', 'p':
		base = 16
	}
	width := sp.width
	c := s.skipSpace()
	if c == -1 {
		s.unget()
		return false, true
	}
	neg := false
	if c == '-' || c == '+' {
		neg = c == '-'
		c = s.get()
		width--
	}
	seen := false
	var v uint64
	if width != 0 && c == '0' && conv != 'p' && (base == 0 || base == 16) {
		seen = true
		c = s.get()
		width--
		if width != 0 && (c == 'x' || c == 'X') {
			base = 16
			seen = false
			c = s.get()
			width--
		} else if base == 0 {
			base = 8
		}
	}
	if base == 0 {
		base = 10
	}
	for width != 0 {
		d := digitVal(c, base)
		if d < 0 {
			break
		}
		v = v*uint64(base) + uint64(d)
		seen = true
		c = s.get()
		width--
	}
	s.unget() // the character that ended the number
	if !seen {
		return false, c == -1
	}
	if neg {
		v = -v
	}
	if !sp.suppress {
		if conv == 'p' {
			s.store(s.args.Uint32(), 4, v)
		} else {
			s.storeInt(sp, v)
		}
	}
	return true, false
}

// float reads a decimal floating-point number: [sign] digits [. digits] [e|E [sign] digits], at most width
// characters, converted with correct rounding. l and L store a double, otherwise a float.
func (s *scanner[T]) float(sp *scanSpec) (ok, eof bool) {
	width := sp.width
	c := s.skipSpace()
	if c == -1 {
		s.unget()
		return false, true
	}
	var buf []byte
	take := func() {
		buf = append(buf, byte(c))
		c = s.get()
		width--
	}
	if c == '-' || c == '+' {
		take()
	}
	digits := 0
	for width != 0 && c >= '0' && c <= '9' {
		take()
		digits++
	}
	if width != 0 && c == '.' {
		take()
		for width != 0 && c >= '0' && c <= '9' {
			take()
			digits++
		}
	}
	if digits == 0 {
		s.unget()
		return false, c == -1
	}
	mant := len(buf)
	if width != 0 && (c == 'e' || c == 'E') {
		take()
		if width != 0 && (c == '-' || c == '+') {
			take()
		}
		expDigits := 0
		for width != 0 && c >= '0' && c <= '9' {
			take()
			expDigits++
		}
		if expDigits == 0 {
			buf = buf[:mant] // "1e" converts as 1; the consumed 'e' stays consumed, as in msvcrt
		}
	}
	s.unget()
	v, err := strconv.ParseFloat(string(buf), 64)
	if err != nil && v == 0 && !isRangeErr(err) {
		return false, false
	}
	if !sp.suppress {
		addr := s.args.Uint32()
		if sp.long || sp.is64 {
			s.store(addr, 8, math.Float64bits(v))
		} else {
			s.store(addr, 4, uint64(math.Float32bits(float32(v))))
		}
	}
	return true, false
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// sink stores consecutive characters of one field.
type sink struct {
	addr uint32
	wide bool
	n    uint32
}

func (s *scanner[T]) put(k *sink, c int) {
	if k.wide {
		s.store(k.addr+2*k.n, 2, uint64(uint16(c)))
	} else {
		s.store(k.addr+k.n, 1, uint64(uint8(c)))
	}
	k.n++
}

func (s *scanner[T]) newSink(sp *scanSpec, conv byte) *sink {
	if sp.suppress {
		return nil
	}
	return &sink{addr: s.args.Uint32(), wide: sp.wideArg(conv, s.wide)}
}

func (s *scanner[T]) chars(sp *scanSpec, conv byte) (ok, eof bool) {
	width := sp.width
	if width < 0 {
		width = 1
	}
	k := s.newSink(sp, conv)
	n := 0
	for ; n < width && s.err == nil; n++ {
		c := s.get()
		if c == -1 {
			s.unget()
			break
		}
		if k != nil {
			s.put(k, c)
		}
	}
	if n == 0 {
		return false, true
	}
	return true, false
}

func (s *scanner[T]) str(sp *scanSpec, conv byte) (ok, eof bool) {
	c := s.skipSpace()
	if c == -1 {
		s.unget()
		return false, true
	}
	k := s.newSink(sp, conv)
	width := sp.width
	for width != 0 && c != -1 && !isSpace(c) && s.err == nil {
		if k != nil {
			s.put(k, c)
		}
		c = s.get()
		width--
	}
	s.unget()
	if k != nil {
		s.put(k, 0)
	}
	return true, false
}

// scanset reads a %[...] field. The set starts at f[i]; '^' negates it, a ']' first is a member, and a-z
// is a range in either order ("%[z-a]" equals "%[a-z]", as Microsoft's scanf documentation says).
func (s *scanner[T]) scanset(sp *scanSpec, f []T, i int) (ok, eof bool, end int) {
	invert := false
	if i < len(f) && f[i] == '^' {
		invert = true
		i++
	}
	var members []T
	var ranges [][2]T
	if i < len(f) && f[i] == ']' {
		members = append(members, ']')
		i++
	}
	for i < len(f) && f[i] != ']' {
		if f[i] == '-' && len(members) > 0 && i+1 < len(f) && f[i+1] != ']' {
			lo, hi := members[len(members)-1], f[i+1]
			if lo > hi {
				lo, hi = hi, lo
			}
			members = members[:len(members)-1]
			ranges = append(ranges, [2]T{lo, hi})
			i += 2
			continue
		}
		members = append(members, f[i])
		i++
	}
	if i < len(f) {
		i++ // the closing ']'
	}
	in := func(c int) bool {
		hit := false
		for _, m := range members {
			if int(m) == c {
				hit = true
				break
			}
		}
		for _, r := range ranges {
			if c >= int(r[0]) && c <= int(r[1]) {
				hit = true
				break
			}
		}
		return hit != invert
	}
	k := s.newSink(sp, '[')
	width := sp.width
	n := 0
	c := s.get()
	for width != 0 && c != -1 && in(c) && s.err == nil {
		if k != nil {
			s.put(k, c)
		}
		n++
		c = s.get()
		width--
	}
	s.unget()
	if n == 0 {
		return false, c == -1, i
	}
	if k != nil {
		s.put(k, 0)
	}
	return true, false, i
}
