package crt

import (
	"math"
	"strconv"
)

// DefaultLimit is the output limit (in characters) used when a caller passes limit <= 0.
const DefaultLimit = 1 << 24

// maxPrecision bounds an integer or floating-point precision so that a hostile format cannot make the engine
// allocate without bound; no real program comes near it.
const maxPrecision = 1 << 16

// maxStringRead bounds how far a %s argument is read when no NUL appears.
const maxStringRead = 1 << 26

// Sprintf formats like msvcrt's narrow printf family. It returns the output (at most limit bytes; limit <= 0
// means DefaultLimit), the number of bytes printf would report as written (which counts past the limit), and
// an error: a *FaultError when a guest pointer could not be read or written. On error the output so far is
// still returned.
func Sprintf(format []byte, args Args, mem Memory, limit int) ([]byte, int64, error) {
	p := printer[byte]{args: args, mem: mem, limit: limit}
	return p.run(format)
}

// Swprintf formats like msvcrt's wide printf family (wprintf, swprintf, fwprintf): the format and output are
// UTF-16 code units, %s and %c are wide, %S and %C narrow.
func Swprintf(format []uint16, args Args, mem Memory, limit int) ([]uint16, int64, error) {
	p := printer[uint16]{args: args, mem: mem, limit: limit, wide: true}
	return p.run(format)
}

type unit interface{ ~uint8 | ~uint16 }

type printer[T unit] struct {
	out   []T
	limit int
	n     int64
	args  Args
	mem   Memory
	wide  bool
	err   error
}

// spec is one parsed conversion specification.
type spec struct {
	left, plus, space, zero, alt bool
	width                        int
	prec                         int // -1: not given
	sizeMods
}

// sizeMods are the size modifiers of a printf or scanf conversion: h, l, ll/I64/j, and w.
type sizeMods struct {
	short, long, is64, wideMod bool
}

// wideArg reports whether a %c/%s (or scanf %[) argument is wide: w and l force wide, h forces narrow,
// otherwise the lower-case conversion has the function's own width (fnWide) and the upper-case one the other.
func (m *sizeMods) wideArg(conv byte, fnWide bool) bool {
	switch {
	case m.wideMod || m.long:
		return true
	case m.short:
		return false
	case conv == 'S' || conv == 'C':
		return !fnWide
	}
	return fnWide
}

func (p *printer[T]) room() int {
	r := p.limit - len(p.out)
	if r < 0 {
		return 0
	}
	return r
}

func (p *printer[T]) putString(s string) {
	p.n += int64(len(s))
	if r := p.room(); r < len(s) {
		s = s[:r]
	}
	for i := 0; i < len(s); i++ {
		p.out = append(p.out, T(s[i]))
	}
}

func (p *printer[T]) putUnits(s []T) {
	p.n += int64(len(s))
	if r := p.room(); r < len(s) {
		s = s[:r]
	}
	p.out = append(p.out, s...)
}

func (p *printer[T]) pad(c byte, n int) {
	if n <= 0 {
		return
	}
	p.n += int64(n)
	if r := p.room(); r < n {
		n = r
	}
	for i := 0; i < n; i++ {
		p.out = append(p.out, T(c))
	}
}

// field writes prefix and body padded to the spec's width the way msvcrt's _output does: blanks before the
// prefix, or zeros between prefix and body, or blanks after the body when left-aligned. textLen is the body's
// length for padding purposes (it differs from len(body) only when a wide string lost unconvertible characters).
func (p *printer[T]) field(sp *spec, prefix string, body []T, textLen int) {
	padding := sp.width - textLen - len(prefix)
	if !sp.left && !sp.zero {
		p.pad(' ', padding)
	}
	p.putString(prefix)
	if sp.zero && !sp.left {
		p.pad('0', padding)
	}
	p.putUnits(body)
	if sp.left {
		p.pad(' ', padding)
	}
}

func toUnits[T unit](b []byte) []T {
	out := make([]T, len(b))
	for i, c := range b {
		out[i] = T(c)
	}
	return out
}

func (p *printer[T]) run(f []T) ([]T, int64, error) {
	if p.limit <= 0 {
		p.limit = DefaultLimit
	}
	i := 0
	for i < len(f) && p.err == nil {
		if f[i] != '%' {
			j := i
			for j < len(f) && f[j] != '%' {
				j++
			}
			p.putUnits(f[i:j])
			i = j
			continue
		}
		i++
		if i < len(f) && f[i] == '%' {
			p.putString("%")
			i++
			continue
		}
		sp := spec{prec: -1}
	flags:
		for ; i < len(f); i++ {
			switch f[i] {
			case '+':
				sp.plus = true
			case ' ':
				sp.space = true
			case '-':
				sp.left = true
			case '0':
				sp.zero = true
			case '#':
				sp.alt = true
			default:
				break flags
			}
		}
		if i < len(f) && f[i] == '*' {
			i++
			w := int32(p.args.Uint32())
			if w < 0 {
				sp.left = true
				w = -w
				if w < 0 { // -2^31
					w = math.MaxInt32
				}
			}
			sp.width = int(w)
		}
		for ; i < len(f) && f[i] >= '0' && f[i] <= '9'; i++ {
			sp.width = addDigit(sp.width, int(f[i]-'0'))
		}
		if i < len(f) && f[i] == '.' {
			i++
			sp.prec = 0
			if i < len(f) && f[i] == '*' {
				i++
				sp.prec = int(int32(p.args.Uint32()))
				if sp.prec < 0 {
					sp.prec = -1
				}
			} else {
				for ; i < len(f) && f[i] >= '0' && f[i] <= '9'; i++ {
					sp.prec = addDigit(sp.prec, int(f[i]-'0'))
				}
			}
		}
	size:
		for ; i < len(f); i++ {
			next := func(k int) T {
				if i+k < len(f) {
					return f[i+k]
				}
				return 0
			}
			switch f[i] {
			case 'l':
				if next(1) == 'l' {
					sp.is64 = true
					i++
				} else {
					sp.long = true
				}
			case 'h':
				sp.short = true
			case 'I':
				switch {
				case next(1) == '6' && next(2) == '4':
					sp.is64 = true
					i += 2
				case next(1) == '3' && next(2) == '2':
					i += 2
				case isIntConv(next(1)):
					// native size: 32 bits
				default:
					break size
				}
			case 'w':
				sp.wideMod = true
			case 'z', 't':
				if !isIntConv(next(1)) {
					break size
				}
			case 'j':
				sp.is64 = true
			case 'L', 'F', 'N':
				// ignored
			default:
				break size
			}
		}
		if i >= len(f) {
			break
		}
		if p.convert(&sp, f[i]) {
			i++
		}
		// An invalid conversion character is left in place and printed as ordinary text.
	}
	if p.err == nil {
		p.err = argsFault(p.args)
	}
	return p.out, p.n, p.err
}

func addDigit(v, d int) int {
	if v > (math.MaxInt32-d)/10 {
		return math.MaxInt32
	}
	return v*10 + d
}

func isIntConv[T unit](c T) bool {
	switch c {
	case 'd', 'i', 'o', 'u', 'x', 'X':
		return true
	}
	return false
}

// convert performs one conversion; it reports false for a character that is not a conversion.
func (p *printer[T]) convert(sp *spec, c T) bool {
	switch c {
	case 'd', 'i', 'o', 'u', 'x', 'X':
		p.integer(sp, byte(c))
	case 'p':
		v := p.args.Uint32()
		sp.prec = 8
		sp.long, sp.short, sp.is64 = false, false, false
		p.integerValue(sp, 'X', uint64(v), false)
	case 'e', 'E', 'f', 'g', 'G', 'a', 'A':
		p.float(sp, byte(c))
	case 'c', 'C':
		p.char(sp, byte(c))
	case 's', 'S':
		p.str(sp, byte(c))
	case 'Z':
		p.counted(sp)
	case 'n':
		addr := p.args.Uint32()
		ok := false
		if sp.short {
			ok = p.mem.Write16(addr, uint16(p.n))
		} else {
			ok = p.mem.Write32(addr, uint32(p.n))
		}
		if !ok {
			p.err = &FaultError{Addr: addr, Write: true}
		}
	default:
		return false
	}
	return true
}

func (p *printer[T]) integer(sp *spec, conv byte) {
	signed := conv == 'd' || conv == 'i'
	var v uint64
	neg := false
	if sp.is64 {
		v = p.args.Uint64()
		if signed && int64(v) < 0 {
			neg, v = true, -v
		}
	} else {
		x := p.args.Uint32()
		switch {
		case sp.short && signed:
			s := int64(int16(x))
			if s < 0 {
				neg, s = true, -s
			}
			v = uint64(s)
		case sp.short:
			v = uint64(uint16(x))
		case signed:
			s := int64(int32(x))
			if s < 0 {
				neg, s = true, -s
			}
			v = uint64(s)
		default:
			v = uint64(x)
		}
	}
	p.integerValue(sp, conv, v, neg)
}

func (p *printer[T]) integerValue(sp *spec, conv byte, v uint64, neg bool) {
	base := 10
	switch conv {
	case 'o':
		base = 8
	case 'x', 'X':
		base = 16
	}
	prec := sp.prec
	if prec < 0 {
		prec = 1
	} else {
		sp.zero = false // an explicit precision turns the 0 flag off
		if prec > maxPrecision {
			prec = maxPrecision
		}
	}
	var digits []byte
	if v != 0 || prec != 0 {
		digits = strconv.AppendUint(nil, v, base)
		if conv == 'X' {
			for i, c := range digits {
				if c >= 'a' {
					digits[i] = c - 'a' + 'A'
				}
			}
		}
	}
	if len(digits) < prec {
		z := make([]byte, prec-len(digits), prec)
		for i := range z {
			z[i] = '0'
		}
		digits = append(z, digits...)
	}
	prefix := ""
	switch {
	case conv == 'd' || conv == 'i':
		prefix = signPrefix(sp, neg)
	case (conv == 'x' || conv == 'X') && sp.alt && v != 0:
		prefix = "0" + string(conv)
	case conv == 'o' && sp.alt && (len(digits) == 0 || digits[0] != '0'):
		digits = append([]byte{'0'}, digits...)
	}
	p.field(sp, prefix, toUnits[T](digits), len(digits))
}

func signPrefix(sp *spec, neg bool) string {
	switch {
	case neg:
		return "-"
	case sp.plus:
		return "+"
	case sp.space:
		return " "
	}
	return ""
}

func (p *printer[T]) float(sp *spec, conv byte) {
	v := p.args.Float64()
	bits := math.Float64bits(v)
	neg := bits>>63 != 0
	abs := math.Abs(v)
	prefix := signPrefix(sp, neg)
	prec := sp.prec
	if prec > maxPrecision {
		prec = maxPrecision
	}
	var body []byte
	switch {
	case math.IsInf(v, 0) || math.IsNaN(v):
		body = formatSpecial(bits, conv, prec, sp.alt)
	case conv == 'a' || conv == 'A':
		hp, b := formatHex(abs, prec, sp.alt, conv == 'A')
		prefix += hp
		body = b
	default:
		if prec < 0 {
			prec = 6
		}
		d := toDecimal(abs)
		switch conv {
		case 'f':
			body = formatF(d, prec, sp.alt)
		case 'e', 'E':
			body = formatE(d, prec, sp.alt, conv)
		default: // g, G
			e := byte('e')
			if conv == 'G' {
				e = 'E'
			}
			body = formatG(d, prec, sp.alt, e)
		}
	}
	p.field(sp, prefix, toUnits[T](body), len(body))
}

func (p *printer[T]) char(sp *spec, conv byte) {
	x := p.args.Uint32()
	if sp.wideArg(conv, p.wide) {
		u := uint16(x)
		if !p.wide {
			// wctomb in the C locale: only U+0000..U+00FF convert; anything else prints nothing at all.
			if u > 0xFF {
				return
			}
		}
		p.field(sp, "", []T{T(u)}, 1)
		return
	}
	p.field(sp, "", []T{T(uint8(x))}, 1)
}

func (p *printer[T]) str(sp *spec, conv byte) {
	addr := p.args.Uint32()
	if addr == 0 {
		p.field(sp, "", toUnits[T]([]byte("(null)")), limitLen(6, sp.prec))
		return
	}
	max := maxStringRead
	if sp.prec >= 0 && sp.prec < max {
		max = sp.prec
	}
	if sp.wideArg(conv, p.wide) {
		s, err := ReadWString(p.mem, addr, max)
		if err != nil {
			p.err = err
			return
		}
		p.wideText(sp, s)
		return
	}
	s, err := ReadCString(p.mem, addr, max)
	if err != nil {
		p.err = err
		return
	}
	p.field(sp, "", toUnits[T](s), len(s))
}

func limitLen(n, prec int) int {
	if prec >= 0 && prec < n {
		return prec
	}
	return n
}

// wideText prints UTF-16 text; a narrow printf converts it as wctomb in the C locale does, stopping at the
// first character above U+00FF, while padding uses the wide length, as msvcrt's _output does.
func (p *printer[T]) wideText(sp *spec, s []uint16) {
	body := make([]T, 0, len(s))
	for _, u := range s {
		if !p.wide && u > 0xFF {
			break
		}
		body = append(body, T(u))
	}
	p.field(sp, "", body, len(s))
}

// counted prints %Z: an ANSI_STRING (or with w/l a UNICODE_STRING) given by address:
// USHORT Length (bytes), USHORT MaximumLength, PCHAR/PWSTR Buffer.
func (p *printer[T]) counted(sp *spec) {
	addr := p.args.Uint32()
	var length uint16
	var buf uint32
	if addr != 0 {
		var ok bool
		if length, ok = p.mem.Read16(addr); !ok {
			p.err = &FaultError{Addr: addr}
			return
		}
		if buf, ok = p.mem.Read32(addr + 4); !ok {
			p.err = &FaultError{Addr: addr + 4}
			return
		}
	}
	if addr == 0 || buf == 0 {
		p.field(sp, "", toUnits[T]([]byte("(null)")), limitLen(6, sp.prec))
		return
	}
	if sp.wideMod || sp.long {
		n := limitLen(int(length/2), sp.prec)
		s := make([]uint16, n)
		for i := range s {
			u, ok := p.mem.Read16(buf + 2*uint32(i))
			if !ok {
				p.err = &FaultError{Addr: buf + 2*uint32(i)}
				return
			}
			s[i] = u
		}
		p.wideText(sp, s)
		return
	}
	n := limitLen(int(length), sp.prec)
	s := make([]T, n)
	for i := range s {
		b, ok := p.mem.Read8(buf + uint32(i))
		if !ok {
			p.err = &FaultError{Addr: buf + uint32(i)}
			return
		}
		s[i] = T(b)
	}
	p.field(sp, "", s, n)
}
