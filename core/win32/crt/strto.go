package crt

import (
	"math"
	"strconv"
)

// ERANGE is msvcrt's errno value for a result out of range.
const ERANGE = 34

// Strtol parses like msvcrt's strtol (bits=32, signed), strtoul (bits=32, unsigned), _strtoi64 and _strtoui64
// (bits=64): leading white space, an optional sign, then digits in base (0 picks 0x.. hex, 0.. octal or decimal;
// 16 allows a 0x prefix). It returns the value (as the C type's bit pattern, zero-extended), the number of bytes
// used (0 when no digits were found: the end pointer is the start), and errno (ERANGE on overflow, where the
// result saturates: LONG_MAX/LONG_MIN for signed, ULONG_MAX for unsigned; a negated unsigned value wraps).
func Strtol(s []byte, base int, bits int, signed bool) (v uint64, n int, errno int) {
	if base != 0 && (base < 2 || base > 36) {
		return 0, 0, 0
	}
	i, neg := skipSpaceSign(s)
	at := func(k int) byte {
		if k < len(s) {
			return s[k]
		}
		return 0
	}
	if base == 0 {
		switch {
		case at(i) != '0':
			base = 10
		case at(i+1) == 'x' || at(i+1) == 'X':
			base = 16
		default:
			base = 8
		}
	}
	if base == 16 && at(i) == '0' && (at(i+1) == 'x' || at(i+1) == 'X') {
		i += 2
	}
	var max uint64 = math.MaxUint64 >> (64 - bits) // unsigned limit
	overflow := false
	digits := 0
	var acc uint64
	for ; i < len(s); i++ {
		d := digitVal(int(s[i]), base)
		if d < 0 {
			break
		}
		digits++
		if acc > (max-uint64(d))/uint64(base) {
			overflow = true
			continue
		}
		acc = acc*uint64(base) + uint64(d)
	}
	if digits == 0 {
		return 0, 0, 0
	}
	if signed {
		lim := uint64(1) << (bits - 1) // |LONG_MIN|
		if !neg && acc > lim-1 || neg && acc > lim {
			overflow = true
		}
		if overflow {
			if neg {
				return lim, i, ERANGE // LONG_MIN's bit pattern
			}
			return lim - 1, i, ERANGE
		}
		if neg {
			acc = -acc & max
		}
		return acc, i, 0
	}
	if overflow {
		return max, i, ERANGE
	}
	if neg {
		acc = -acc & max
	}
	return acc, i, 0
}

// Atoi parses like msvcrt's atoi/atol: white space, a sign, decimal digits, with 32-bit wrap-around and no
// error reporting.
func Atoi(s []byte) int32 {
	i, neg := skipSpaceSign(s)
	var v uint32
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		v = v*10 + uint32(s[i]-'0')
	}
	if neg {
		v = -v
	}
	return int32(v)
}

// Strtod parses like msvcrt's strtod: white space, an optional sign, digits with an optional point, and an
// optional exponent introduced by e, E, d or D (msvcrt accepts the Fortran letters). It does not accept
// "inf", "nan" or hex floats (msvcrt.dll does not). It returns the value, the bytes used (0 when there is no
// number), and ERANGE when the result overflowed to ±HUGE_VAL or underflowed to 0.
func Strtod(s []byte) (float64, int, int) {
	i := 0
	for i < len(s) && isSpace(int(s[i])) {
		i++
	}
	var buf []byte
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		buf = append(buf, s[i])
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		buf = append(buf, s[i])
		digits++
	}
	if i < len(s) && s[i] == '.' {
		buf = append(buf, '.')
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			buf = append(buf, s[i])
			digits++
		}
	}
	if digits == 0 {
		return 0, 0, 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E' || s[i] == 'd' || s[i] == 'D') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			buf = append(buf, 'e')
			buf = append(buf, s[i+1:j]...)
			for ; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
				buf = append(buf, s[j])
			}
			i = j
		}
	}
	v, err := strconv.ParseFloat(string(buf), 64)
	if err != nil && isRangeErr(err) {
		return v, i, ERANGE
	}
	return v, i, 0
}

// skipSpaceSign skips the leading white space and an optional sign of a number: it returns the index after
// them and whether the sign was '-'.
func skipSpaceSign(s []byte) (i int, neg bool) {
	for i < len(s) && isSpace(int(s[i])) {
		i++
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	return i, neg
}
