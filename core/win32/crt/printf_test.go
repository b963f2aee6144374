package crt

import (
	"errors"
	"math"
	"testing"
)

// Test arguments that must be placed in guest memory first.
type (
	strArg  string // narrow string; its address is passed
	wstrArg string // UTF-16 string (ASCII only); its address is passed
)

// resolve places string arguments in memory and returns the Args.
func resolve(m *testMem, vals []any) *ValueArgs {
	out := make([]any, len(vals))
	for i, v := range vals {
		switch x := v.(type) {
		case strArg:
			out[i] = m.str(string(x))
		case wstrArg:
			out[i] = m.wstr(w(string(x))...)
		default:
			out[i] = v
		}
	}
	return &ValueArgs{Vals: out}
}

var ind = math.Float64frombits(0xFFF8000000000000) // the x87 "indefinite" NaN (0.0/0.0)

// printfCases are Windows msvcrt.dll outputs. Unless noted, each row is taken from the test table of
// Wine's dlls/msvcrt/tests/printf.c (test_sprintf), whose expected strings record what Windows prints
// (rows Wine itself fails are marked todo_wine there, but Windows passes them).
var printfCases = []struct {
	format string
	args   []any
	want   string
}{
	{"%+#23.15e", []any{789456123.0}, "+7.894561230000000e+008"},
	{"%-#23.15e", []any{789456123.0}, "7.894561230000000e+008 "},
	{"%#23.15e", []any{789456123.0}, " 7.894561230000000e+008"},
	{"%#1.1g", []any{789456123.0}, "8.e+008"},
	{"%I64d", []any{uint64(0xffffffff) * 0xffffffff}, "-8589934591"},
	{"%+8I64d", []any{int64(100)}, "    +100"},
	{"%+.8I64d", []any{int64(100)}, "+00000100"},
	{"%+10.8I64d", []any{int64(100)}, " +00000100"},
	{"%_1I64d", []any{int64(100)}, "_1I64d"},
	{"%-1.5I64d", []any{int64(-100)}, "-00100"},
	{"%5I64d", []any{int64(100)}, "  100"},
	{"%5I64d", []any{int64(-100)}, " -100"},
	{"%-5I64d", []any{int64(100)}, "100  "},
	{"%-5I64d", []any{int64(-100)}, "-100 "},
	{"%-.5I64d", []any{int64(100)}, "00100"},
	{"%-.5I64d", []any{int64(-100)}, "-00100"},
	{"%-8.5I64d", []any{int64(100)}, "00100   "},
	{"%-8.5I64d", []any{int64(-100)}, "-00100  "},
	{"%05I64d", []any{int64(100)}, "00100"},
	{"%05I64d", []any{int64(-100)}, "-0100"},
	{"% I64d", []any{int64(100)}, " 100"},
	{"% I64d", []any{int64(-100)}, "-100"},
	{"% 5I64d", []any{int64(100)}, "  100"},
	{"% 5I64d", []any{int64(-100)}, " -100"},
	{"% .5I64d", []any{int64(100)}, " 00100"},
	{"% .5I64d", []any{int64(-100)}, "-00100"},
	{"% 8.5I64d", []any{int64(100)}, "   00100"},
	{"% 8.5I64d", []any{int64(-100)}, "  -00100"},
	{"%.0I64d", []any{int64(0)}, ""},
	{"%#+21.18I64x", []any{int64(-100)}, " 0x00ffffffffffffff9c"},
	{"%#.25I64o", []any{int64(-100)}, "0001777777777777777777634"},
	{"%#+24.20I64o", []any{int64(-100)}, " 01777777777777777777634"},
	{"%#+18.21I64X", []any{int64(-100)}, "0X00000FFFFFFFFFFFFFF9C"},
	{"%#+20.24I64o", []any{int64(-100)}, "001777777777777777777634"},
	{"%#+25.22I64u", []any{int64(-1)}, "   0018446744073709551615"},
	{"%#+30.25I64u", []any{int64(-1)}, "     0000018446744073709551615"},
	{"%+#25.22I64d", []any{int64(-1)}, "  -0000000000000000000001"},
	{"%#-8.5I64o", []any{int64(100)}, "00144   "},
	{"%#-+ 08.5I64d", []any{int64(100)}, "+00100  "},
	{"%.80I64d", []any{int64(1)}, "00000000000000000000000000000000000000000000000000000000000000000000000000000001"},
	{"% .80I64d", []any{int64(1)}, " 00000000000000000000000000000000000000000000000000000000000000000000000000000001"},
	{"% .80d", []any{1}, " 00000000000000000000000000000000000000000000000000000000000000000000000000000001"},
	{"%I", []any{1}, "I"},
	{"%Iq", []any{1}, "Iq"},
	{"%Ihd", []any{1}, "Ihd"},
	{"%I0d", []any{1}, "I0d"},
	{"%I64D", []any{int64(-1)}, "D"},
	{"%zx", []any{1}, "1"},
	{"%z", []any{1}, "z"},
	{"%tx", []any{1}, "1"},
	{"%t", []any{1}, "t"},
	{"% d", []any{1}, " 1"},
	{"%+ d", []any{1}, "+1"},
	{"%S", []any{wstrArg("wide")}, "wide"},
	{"%04c", []any{'1'}, "0001"},
	{"%-04c", []any{'1'}, "1   "},
	{"%#012x", []any{1}, "0x0000000001"},
	{"%#012x", []any{0}, "000000000000"},
	{"%#04.8x", []any{1}, "0x00000001"},
	{"%#04.8x", []any{0}, "00000000"},
	{"%#-08.2x", []any{1}, "0x01    "},
	{"%#-08.2x", []any{0}, "00      "},
	{"%#.0x", []any{1}, "0x1"},
	{"%#.0x", []any{0}, ""},
	{"%#08o", []any{1}, "00000001"},
	{"%#o", []any{1}, "01"},
	{"%#o", []any{0}, "0"},
	{"%04s", []any{strArg("foo")}, "0foo"},
	{"%.1s", []any{strArg("foo")}, "f"},
	{"hello", nil, "hello"},
	{"%ws", []any{wstrArg("wide")}, "wide"},
	{"%-10ws", []any{wstrArg("wide")}, "wide      "},
	{"%10ws", []any{wstrArg("wide")}, "      wide"},
	{"%#+ -03whlls", []any{wstrArg("wide")}, "wide"},
	{"%w0s", []any{wstrArg("wide")}, "0s"},
	{"%w-s", []any{wstrArg("wide")}, "-s"},
	{"%ls", []any{wstrArg("wide")}, "wide"},
	{"%Ls", []any{strArg("not wide")}, "not wide"},
	{"%b", nil, "b"},
	{"%3c", []any{'a'}, "  a"},
	{"%3d", []any{1234}, "1234"},
	{"%3h", nil, ""},
	{"%k%m%q%r%t%v%y%z", nil, "kmqrtvyz"},
	{"%-1d", []any{2}, "2"},
	{"%2.4f", []any{8.6}, "8.6000"},
	{"%0f", []any{0.6}, "0.600000"},
	{"%.0f", []any{0.6}, "1"},
	{"%2.4e", []any{8.6}, "8.6000e+000"},
	{"% 2.4e", []any{8.6}, " 8.6000e+000"},
	{"% 014.4e", []any{8.6}, " 008.6000e+000"},
	{"% 2.4e", []any{-8.6}, "-8.6000e+000"},
	{"%+2.4e", []any{8.6}, "+8.6000e+000"},
	{"%2.4g", []any{8.6}, "8.6"},
	{"%-i", []any{-1}, "-1"},
	{"%-i", []any{1}, "1"},
	{"%+i", []any{1}, "+1"},
	{"%o", []any{10}, "12"},
	{"%s", []any{0}, "(null)"},
	{"%s", []any{strArg("%%%%")}, "%%%%"},
	{"%u", []any{-1}, "4294967295"},
	{"%w", []any{-1}, ""},
	{"%h", []any{-1}, ""},
	{"%j", []any{int64(-1)}, ""},
	{"%jd", []any{int64(-1)}, "-1"},
	{"%F", []any{-1}, ""},
	{"%N", []any{-1}, ""},
	{"%H", []any{-1}, "H"},
	{"x%cx", []any{0x100 + 'X'}, "xXx"},
	{"%%0", nil, "%0"},
	{"%hx", []any{0x12345}, "2345"},
	{"%hhx", []any{0x123}, "123"},
	{"%hhx", []any{0x12345}, "2345"},
	{"%lf", []any{ind}, "-1.#IND00"},
	{"%lf", []any{math.NaN()}, "1.#QNAN0"},
	{"%lf", []any{math.Inf(1)}, "1.#INF00"},
	{"%le", []any{ind}, "-1.#IND00e+000"},
	{"%le", []any{math.NaN()}, "1.#QNAN0e+000"},
	{"%le", []any{math.Inf(1)}, "1.#INF00e+000"},
	{"%lg", []any{ind}, "-1.#IND"},
	{"%lg", []any{math.NaN()}, "1.#QNAN"},
	{"%lg", []any{math.Inf(1)}, "1.#INF"},
	{"%010.2lf", []any{ind}, "-000001.#J"},
	{"%010.2lf", []any{math.NaN()}, "0000001.#R"},
	{"%010.2lf", []any{math.Inf(1)}, "0000001.#J"},
	{"%c", []any{'a'}, "a"},
	{"%c", []any{0xa082}, "\x82"},
	{"%C", []any{'a'}, "a"},
	{"%C", []any{0x3042}, ""},
	{"a%Cb", []any{0x3042}, "ab"},
	{"%lld", []any{uint64(0xffffffff) * 0xffffffff}, "-8589934591"},
	{"%I32d", []any{1}, "1"},
	{"%.0f", []any{-1.5}, "-2"},
	{"%.0f", []any{-0.5}, "-1"},
	{"%.0f", []any{0.5}, "1"},
	{"%.0f", []any{1.5}, "2"},
	{"%.30f", []any{1.0 / 3.0}, "0.333333333333333310000000000000"},
	{"%.30lf", []any{math.Sqrt(2)}, "1.414213562373095100000000000000"},
	{"%f", []any{3.141592653590000}, "3.141593"},
	{"%.10f", []any{3.141592653590000}, "3.1415926536"},
	{"%.11f", []any{3.141592653590000}, "3.14159265359"},
	{"%.15f", []any{3.141592653590000}, "3.141592653590000"},
	{"%.15f", []any{math.Pi}, "3.141592653589793"},
	{"%.13f", []any{37.866261574537077}, "37.8662615745371"},
	{"%.14f", []any{37.866261574537077}, "37.86626157453708"},
	{"%.15f", []any{37.866261574537077}, "37.866261574537077"},
	{"%g", []any{0.0005}, "0.0005"},
	{"%g", []any{0.00005}, "5e-005"},
	{"%g", []any{0.000005}, "5e-006"},
	{"%g", []any{999999999999999.0}, "1e+015"},
	{"%g", []any{1000000000000000.0}, "1e+015"},
	{"%.15g", []any{0.0005}, "0.0005"},
	{"%.15g", []any{0.00005}, "5e-005"},
	{"%.15g", []any{0.000005}, "5e-006"},
	{"%.15g", []any{999999999999999.0}, "999999999999999"},
	{"%.15g", []any{1000000000000000.0}, "1e+015"},
	// Wine printf.c, the pointer checks for 32-bit builds.
	{"%p", []any{57}, "00000039"},
	{"%#012p", []any{57}, "  0X00000039"},
	{"%Fp", []any{57}, "00000039"},
	{"%Np", []any{57}, "00000039"},
	{"%#-012p", []any{57}, "0X00000039  "},
	{"%p", []any{0}, "00000000"},
	// Wine printf.c: "%.*s" with 1, "%*s" with -5.
	{"%.*s", []any{1, strArg("foo")}, "f"},
	{"%*s", []any{-5, strArg("foo")}, "foo  "},
	// Microsoft docs ("Format specification syntax"): default precision 6, three-digit exponent.
	{"%e", []any{1.0}, "1.000000e+000"},
	{"%E", []any{-12345.678}, "-1.234568E+004"},
	{"%G", []any{1e-10}, "1E-010"},
	{"%f", []any{0.0}, "0.000000"},
	{"%e", []any{0.0}, "0.000000e+000"},
	{"%g", []any{0.0}, "0"},
	{"%g", []any{100000.0}, "100000"},
	{"%g", []any{1000000.0}, "1e+006"},
	{"%#g", []any{1.0}, "1.00000"},
	{"%#.0f", []any{3.0}, "3."},
	{"%lf", []any{math.Inf(-1)}, "-1.#INF00"},
	{"%+f", []any{math.Inf(1)}, "+1.#INF00"},
	// msvcrt rounds half away from zero on its digit string (glibc would print 2 and 0.12).
	{"%.0f", []any{2.5}, "3"},
	{"%.2f", []any{0.125}, "0.13"},
	{"%e", []any{1e300}, "1.000000e+300"},
	{"%e", []any{5e-324}, "4.940656e-324"},
	{"%5.1f|%-8.3e|", []any{3.14159, 2.5}, "  3.1|2.500e+000|"},
	{"%d %s %c", []any{42, strArg("str"), 'z'}, "42 str z"},
	{"%x %X %o", []any{255, 255, 8}, "ff FF 10"},
	{"%hd %hu", []any{0x18000, 0x18000}, "-32768 32768"},
	{"%5%", nil, ""},
	{"100%", nil, "100"},
}

func TestSprintf_WineTable(t *testing.T) {
	for _, tc := range printfCases {
		m := newTestMem()
		args := resolve(m, tc.args)
		out, n, err := Sprintf([]byte(tc.format), args, m, 0)
		if err != nil {
			t.Errorf("%q: error %v", tc.format, err)
			continue
		}
		if string(out) != tc.want || n != int64(len(tc.want)) {
			t.Errorf("%q: got %q (n=%d), want %q", tc.format, out, n, tc.want)
		}
	}
}

func TestSwprintf_WideConversions(t *testing.T) {
	cases := []struct {
		format string
		args   []any
		want   string
	}{
		// Wine printf.c test_swprintf: %S of a narrow string and %hs in a wide format.
		{"%S", []any{strArg("string")}, "string"},
		{"%hs", []any{strArg("string")}, "string"},
		{"%s", []any{wstrArg("wide")}, "wide"},
		{"%c%C", []any{'w', 'n'}, "wn"},
		{"%+#23.15e", []any{789456123.0}, "+7.894561230000000e+008"},
		{"%I64d", []any{uint64(0xffffffff) * 0xffffffff}, "-8589934591"},
		{"%5.2f|", []any{-1.005}, "-1.00|"},
	}
	for _, tc := range cases {
		m := newTestMem()
		out, n, err := Swprintf(w(tc.format), resolve(m, tc.args), m, 0)
		if err != nil {
			t.Errorf("%q: error %v", tc.format, err)
			continue
		}
		got := make([]byte, len(out))
		for i, u := range out {
			got[i] = byte(u)
		}
		if string(got) != tc.want || n != int64(len(tc.want)) {
			t.Errorf("%q: got %q (n=%d), want %q", tc.format, got, n, tc.want)
		}
	}
	// A wide character above U+00FF passes through a wide printf unchanged.
	m := newTestMem()
	out, _, _ := Swprintf(w("%c"), &ValueArgs{Vals: []any{0x3042}}, m, 0)
	if len(out) != 1 || out[0] != 0x3042 {
		t.Errorf("wide %%c of U+3042: got %x", out)
	}
}

func TestSprintf_N(t *testing.T) {
	// Wine printf.c: "asdf%n" stores 4.
	m := newTestMem()
	p := m.alloc(4)
	m.Write32(p, 0xdeadbeef)
	out, n, err := Sprintf([]byte("asdf%n"), &ValueArgs{Vals: []any{p}}, m, 0)
	got, _ := m.Read32(p)
	if err != nil || string(out) != "asdf" || n != 4 || got != 4 {
		t.Fatalf("got %q n=%d err=%v stored=%d", out, n, err, got)
	}
}

func TestSprintf_Z(t *testing.T) {
	m := newTestMem()
	buf := m.str("counted!")
	as := m.alloc(8)
	m.Write16(as, 7) // Length: "counted"
	m.Write16(as+2, 9)
	m.Write32(as+4, buf)
	wbuf := m.wstr(w("unicode")...)
	us := m.alloc(8)
	m.Write16(us, 6) // 3 characters
	m.Write16(us+2, 16)
	m.Write32(us+4, wbuf)
	out, _, err := Sprintf([]byte("[%Z][%wZ][%Z]"), &ValueArgs{Vals: []any{as, us, 0}}, m, 0)
	if err != nil || string(out) != "[counted][uni][(null)]" {
		t.Fatalf("got %q err=%v", out, err)
	}
}

func TestSprintf_Faults(t *testing.T) {
	m := newTestMem()
	_, _, err := Sprintf([]byte("%s"), &ValueArgs{Vals: []any{0x1234}}, m, 0)
	var fe *FaultError
	if !errors.As(err, &fe) || fe.Addr != 0x1234 || fe.Write {
		t.Fatalf("read fault: got %v", err)
	}
	_, _, err = Sprintf([]byte("ab%n"), &ValueArgs{Vals: []any{0x20}}, m, 0)
	if !errors.As(err, &fe) || fe.Addr != 0x20 || !fe.Write {
		t.Fatalf("write fault: got %v", err)
	}
	// A va_list that runs off mapped memory reports the slot it could not read.
	va := &VaList{Mem: m, Ptr: m.base + uint32(len(m.buf)) - 4}
	_, _, err = Sprintf([]byte("%d %d"), va, m, 0)
	if !errors.As(err, &fe) || fe.Addr != m.base+uint32(len(m.buf)) {
		t.Fatalf("va_list fault: got %v", err)
	}
}

func TestSprintf_Limit(t *testing.T) {
	m := newTestMem()
	out, n, err := Sprintf([]byte("%2147483647d|"), &ValueArgs{Vals: []any{7}}, m, 10)
	if err != nil || len(out) != 10 || n != 2147483647+1 {
		t.Fatalf("len=%d n=%d err=%v", len(out), n, err)
	}
	out, n, _ = Sprintf([]byte("%.999999999f"), &ValueArgs{Vals: []any{1.0}}, m, 16)
	if len(out) != 16 || n != 2+maxPrecision {
		t.Fatalf("huge precision: len=%d n=%d", len(out), n)
	}
}

func TestVaList(t *testing.T) {
	m := newTestMem()
	p := m.alloc(32)
	m.Write32(p, 0xFFFFFFFB)
	m.Write64(p+4, math.Float64bits(2.5))
	m.Write64(p+12, 1<<40)
	m.Write32(p+20, m.str("hi"))
	out, _, err := Sprintf([]byte("%d %.1f %I64u %s"), &VaList{Mem: m, Ptr: p}, m, 0)
	if err != nil || string(out) != "-5 2.5 1099511627776 hi" {
		t.Fatalf("got %q err=%v", out, err)
	}
}

func FuzzSprintf(f *testing.F) {
	for _, tc := range printfCases {
		f.Add(tc.format)
	}
	f.Fuzz(func(t *testing.T, format string) {
		m := newTestMem()
		s := m.str("abc")
		ws := m.wstr(w("abc")...)
		args := &ValueArgs{Vals: []any{s, ws, 1.5, int64(-7), s, ws, 3, math.Inf(1), s, s, s, s}}
		out, n, _ := Sprintf([]byte(format), args, m, 4096)
		if int64(len(out)) > n {
			t.Fatalf("output %d longer than count %d", len(out), n)
		}
	})
}

func BenchmarkSprintf(b *testing.B) {
	m := newTestMem()
	s := m.str("world")
	format := []byte("hello %s %d %08.3f %e %x\n")
	b.ReportAllocs()
	for b.Loop() {
		args := ValueArgs{Vals: []any{s, 12345, 3.14159, 6.02e23, 0xbeef}}
		if _, _, err := Sprintf(format, &args, m, 0); err != nil {
			b.Fatal(err)
		}
	}
}
