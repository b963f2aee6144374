package crt

import (
	"math"
	"testing"
)

func TestStrtol(t *testing.T) {
	// C semantics as Microsoft documents strtol/strtoul/_strtoi64 ("Return value": LONG_MAX/LONG_MIN or
	// ULONG_MAX on overflow with errno ERANGE; 0 and endptr = nptr when nothing converts).
	cases := []struct {
		in     string
		base   int
		bits   int
		signed bool
		v      uint64
		n      int
		errno  int
	}{
		{"  123xyz", 10, 32, true, 123, 5, 0},
		{"-123", 10, 32, true, 0xffffff85, 4, 0},
		{"0x1F", 0, 32, true, 31, 4, 0},
		{"0x1F", 16, 32, true, 31, 4, 0},
		{"017", 0, 32, true, 15, 3, 0},
		{"z", 36, 32, true, 35, 1, 0},
		{"2147483647", 10, 32, true, 2147483647, 10, 0},
		{"2147483648", 10, 32, true, 2147483647, 10, ERANGE},
		{"-2147483648", 10, 32, true, 0x80000000, 11, 0},
		{"-2147483649", 10, 32, true, 0x80000000, 11, ERANGE},
		{"4294967295", 10, 32, false, 0xffffffff, 10, 0},
		{"4294967296", 10, 32, false, 0xffffffff, 10, ERANGE},
		{"-1", 10, 32, false, 0xffffffff, 2, 0},
		{"xyz", 10, 32, true, 0, 0, 0},
		{"0xg", 16, 32, true, 0, 0, 0},
		{"12", 1, 32, true, 0, 0, 0},
		{"-9223372036854775808", 10, 64, true, 1 << 63, 20, 0},
		{"99999999999999999999", 10, 64, false, math.MaxUint64, 20, ERANGE},
	}
	for _, c := range cases {
		v, n, e := Strtol([]byte(c.in), c.base, c.bits, c.signed)
		if v != c.v || n != c.n || e != c.errno {
			t.Errorf("Strtol(%q, %d, %d, %v) = %#x, %d, %d; want %#x, %d, %d", c.in, c.base, c.bits, c.signed, v, n, e, c.v, c.n, c.errno)
		}
	}
}

func TestAtoi(t *testing.T) {
	cases := map[string]int32{" 42": 42, "-7x": -7, "+3": 3, "abc": 0, "4294967297": 1}
	for in, want := range cases {
		if got := Atoi([]byte(in)); got != want {
			t.Errorf("Atoi(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestStrtod(t *testing.T) {
	cases := []struct {
		in    string
		v     float64
		n     int
		errno int
	}{
		{" 3.25rest", 3.25, 5, 0},
		{"-1e3", -1000, 4, 0},
		{"1d2", 100, 3, 0}, // msvcrt accepts d/D as the exponent letter
		{"1e", 1, 1, 0},
		{".5", 0.5, 2, 0},
		{"5.", 5, 2, 0},
		{"inf", 0, 0, 0}, // msvcrt.dll has no inf/nan parsing
		{"1e999", math.Inf(1), 5, ERANGE},
		{"0.1", 0.1, 3, 0},
	}
	for _, c := range cases {
		v, n, e := Strtod([]byte(c.in))
		if v != c.v || n != c.n || e != c.errno {
			t.Errorf("Strtod(%q) = %v, %d, %d; want %v, %d, %d", c.in, v, n, e, c.v, c.n, c.errno)
		}
	}
}
