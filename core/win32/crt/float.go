package crt

import (
	"math"
	"strconv"
)

// sigDigits is how many significant decimal digits msvcrt.dll produces for a double before it rounds to the
// requested precision; every later digit prints as '0'. Wine's printf tests record the Windows output
// "%.30f" of 1.0/3 = "0.333333333333333310000000000000" and of sqrt(2) = "1.414213562373095100000000000000",
// and _fcvt(123456789012345678901.0, 30) = "123456789012345680000000000000...".
const sigDigits = 17

// decimal is a finite non-negative value: digit string d (ASCII, most significant first; digits past the end
// are '0') with the decimal point dp digits from the left: value = 0.d[0]d[1]... * 10^dp.
type decimal struct {
	d  []byte
	dp int
}

func (x decimal) at(i int) byte {
	if i < 0 || i >= len(x.d) {
		return '0'
	}
	return x.d[i]
}

// toDecimal converts v (finite, >= 0) to its msvcrt digit string: sigDigits digits, correctly rounded.
func toDecimal(v float64) decimal {
	if v == 0 {
		return decimal{d: []byte("0"), dp: 1}
	}
	s := strconv.FormatFloat(v, 'e', sigDigits-1, 64) // d.dddddddddddddddde±XX
	d := make([]byte, 0, sigDigits)
	i := 0
	for ; i < len(s) && s[i] != 'e'; i++ {
		if s[i] != '.' {
			d = append(d, s[i])
		}
	}
	exp, _ := strconv.Atoi(s[i+1:])
	return decimal{d: d, dp: exp + 1}
}

// round keeps the first k digits of x, rounding half away from zero on digit k, as msvcrt's _fptostr does on
// its digit string. k <= 0 rounds to either zero (empty d) or one unit at position k.
func (x decimal) round(k int) decimal {
	if k < 0 {
		return decimal{dp: x.dp}
	}
	if k == 0 {
		if x.at(0) >= '5' {
			return decimal{d: []byte("1"), dp: x.dp + 1}
		}
		return decimal{dp: x.dp}
	}
	n := k
	if n > len(x.d) {
		n = len(x.d)
	}
	d := append([]byte(nil), x.d[:n]...)
	if x.at(k) >= '5' {
		i := n - 1
		for ; i >= 0; i-- {
			if d[i] == '9' {
				d[i] = '0'
				continue
			}
			d[i]++
			break
		}
		if i < 0 {
			d = append([]byte{'1'}, d[:len(d)-1]...)
			return decimal{d: d, dp: x.dp + 1}
		}
	}
	return decimal{d: d, dp: x.dp}
}

func (x decimal) isZero() bool {
	for _, c := range x.d {
		if c != '0' {
			return false
		}
	}
	return true
}

// formatF renders x (already the msvcrt digit string) in %f style with prec fraction digits.
func formatF(x decimal, prec int, alt bool) []byte {
	r := x.round(x.dp + prec)
	out := make([]byte, 0, 24+prec)
	if r.dp <= 0 {
		out = append(out, '0')
	} else {
		for i := 0; i < r.dp; i++ {
			out = append(out, r.at(i))
		}
	}
	if prec > 0 || alt {
		out = append(out, '.')
	}
	for i := 0; i < prec; i++ {
		out = append(out, r.at(r.dp+i))
	}
	return out
}

func appendExp(out []byte, e byte, exp int) []byte {
	out = append(out, e)
	if exp < 0 {
		out = append(out, '-')
		exp = -exp
	} else {
		out = append(out, '+')
	}
	s := strconv.Itoa(exp)
	for i := len(s); i < 3; i++ {
		out = append(out, '0')
	}
	return append(out, s...)
}

// formatE renders x in %e style: one digit, prec fraction digits, and a signed exponent of at least three digits.
func formatE(x decimal, prec int, alt bool, e byte) []byte {
	r := x.round(prec + 1)
	exp := r.dp - 1
	if r.isZero() {
		exp = 0
	}
	out := make([]byte, 0, 16+prec)
	out = append(out, r.at(0))
	if prec > 0 || alt {
		out = append(out, '.')
	}
	for i := 1; i <= prec; i++ {
		out = append(out, r.at(i))
	}
	return appendExp(out, e, exp)
}

// formatG renders x in %g style: %e when the exponent is below -4 or not below the precision, %f otherwise,
// trailing zeros (and a bare point) removed unless alt.
func formatG(x decimal, prec int, alt bool, e byte) []byte {
	if prec == 0 {
		prec = 1
	}
	r := x.round(prec)
	exp := r.dp - 1
	if r.isZero() {
		exp = 0
	}
	var out []byte
	if exp < -4 || exp >= prec {
		out = formatE(x, prec-1, alt, e)
	} else {
		out = formatF(x, prec-1-exp, alt)
	}
	if !alt {
		out = cropZeros(out)
	}
	return out
}

// cropZeros removes trailing zeros of the fraction, and the point if no fraction remains (msvcrt _cropzeros).
func cropZeros(s []byte) []byte {
	dot := -1
	end := len(s)
	for i, c := range s {
		if c == '.' {
			dot = i
		}
		if c == 'e' || c == 'E' {
			end = i
			break
		}
	}
	if dot < 0 {
		return s
	}
	j := end
	for j > dot+1 && s[j-1] == '0' {
		j--
	}
	if j == dot+1 {
		j = dot
	}
	return append(s[:j:j], s[end:]...)
}

// special is the msvcrt text of a non-finite double: 1.#INF, 1.#IND, 1.#QNAN or 1.#SNAN.
func special(bits uint64) string {
	const fracMask = 0x000FFFFFFFFFFFFF
	switch {
	case bits&fracMask == 0:
		return "1.#INF"
	case bits == 0xFFF8000000000000:
		return "1.#IND"
	case bits&(1<<51) != 0:
		return "1.#QNAN"
	default:
		return "1.#SNAN"
	}
}

// formatSpecial renders a non-finite value the way msvcrt.dll does, following the outputs recorded in
// Wine's printf tests for Windows: "%lf" INF -> 1.#INF00, "%le" -> 1.#INF00e+000, "%lg" -> 1.#INF,
// "%010.2lf" -> 0000001.#J (the text is cut to the precision and its last kept character incremented).
// prec is -1 when the format gave none.
func formatSpecial(bits uint64, conv byte, prec int, alt bool) []byte {
	pfx := []byte(special(bits))
	fracLen := len(pfx) - 2
	if conv == 'g' || conv == 'G' {
		prec-- // msvcrt's %g treats the precision as one less here
	}
	if prec >= 0 && prec < fracLen {
		pfx[1+prec]++
	}
	var sfx string
	switch conv {
	case 'e':
		sfx = "e+000"
	case 'E':
		sfx = "E+000"
	case 'a':
		sfx = "p+0"
	case 'A':
		sfx = "P+0"
	}
	var tail int
	if !alt && (conv == 'g' || conv == 'G') {
		tail = fracLen
	} else {
		tail = prec
	}
	if tail == -1 {
		switch conv {
		case 'f', 'e', 'E':
			tail = 6
		case 'a', 'A':
			tail = 13
		}
	}
	tail += len(sfx) - fracLen
	if prec >= 0 {
		p := prec
		if p == 0 {
			p = -1
		}
		if n := p + 2; n < len(pfx) {
			if n < 0 {
				n = 0
			}
			pfx = pfx[:n]
		}
	}
	out := pfx
	for i := len(sfx); i < tail; i++ {
		out = append(out, '0')
	}
	return append(out, sfx...)
}

// formatHex renders a finite non-negative double as msvcrt's %a: 0x1.<13 hex digits>p+<exp>, the mantissa cut
// to prec digits with half-up rounding. The "0x" prefix is returned separately so that zero padding goes after it.
func formatHex(v float64, prec int, alt bool, upper bool) (prefix string, body []byte) {
	digits := "0123456789abcdef"
	prefix, p := "0x", byte('p')
	if upper {
		digits = "0123456789ABCDEF"
		prefix, p = "0X", 'P'
	}
	bits := math.Float64bits(v)
	mant := bits & (1<<52 - 1)
	exp := int(bits>>52&0x7FF) - 1023
	lead := byte(1)
	if bits>>52&0x7FF == 0 {
		lead = 0
		if mant == 0 {
			exp = 0
		} else {
			exp = -1022
		}
	}
	var h [13]byte
	for i := 12; i >= 0; i-- {
		h[i] = byte(mant & 15)
		mant >>= 4
	}
	n := 13
	if prec >= 0 && prec < 13 {
		n = prec
		if h[prec] >= 8 {
			i := prec - 1
			for ; i >= 0; i-- {
				if h[i] == 15 {
					h[i] = 0
					continue
				}
				h[i]++
				break
			}
			if i < 0 {
				lead++
			}
		}
	}
	body = append(body, '0'+lead)
	if n > 0 || alt {
		body = append(body, '.')
	}
	for i := 0; i < n; i++ {
		body = append(body, digits[h[i]])
	}
	for i := 13; i < prec; i++ {
		body = append(body, '0')
	}
	body = append(body, p)
	if exp < 0 {
		body = append(body, '-')
		exp = -exp
	} else {
		body = append(body, '+')
	}
	body = strconv.AppendInt(body, int64(exp), 10)
	return prefix, body
}
