package crt

import (
	"math"
	"testing"
)

// scanCase runs one sscanf. Expected results come from Wine's dlls/msvcrt/tests/scanf.c (test_sscanf), whose
// assertions record Windows behaviour, unless a comment names another source.
type scanCase struct {
	input, format string
	outs          []int // destination sizes (1, 2, 4, 8, or -N for an N-byte string buffer)
	ret           int
	want          []any // per destination: uint64 for integers, float64/float32, string
}

var scanCases = []scanCase{
	{"", "%d", []int{4}, EOF, []any{nil}},
	{"0x519", "%x", []int{4}, 1, []any{uint64(0x519)}},
	{"0x51a", "%x", []int{4}, 1, []any{uint64(0x51a)}},
	{"0x51g", "%x", []int{4}, 1, []any{uint64(0x51)}},
	{"-1", "%x", []int{4}, 1, []any{uint64(0xffffffff)}},
	{"\"%12@", "%\"%%%d%@", []int{4}, 1, []any{uint64(12)}},
	{"abcefgdh", "%*[a-cg-e]%c", []int{1}, 1, []any{uint64('d')}},
	{"abcefgdh", "%*[a-cd-dg-e]%c", []int{1}, 1, []any{uint64('h')}},
	{"21:59:20", "%d%n", []int{4, 4}, 1, []any{uint64(21), uint64(2)}},
	{":59:20", "%*c%n", []int{4}, 0, []any{uint64(1)}},
	{"123", "%i", []int{4}, 1, []any{uint64(123)}},
	{"-1", "%i", []int{4}, 1, []any{uint64(0xffffffff)}},
	{"017", "%i", []int{4}, 1, []any{uint64(15)}},
	{"0x17", "%i", []int{4}, 1, []any{uint64(23)}},
	{"-1", "%o", []int{4}, 1, []any{uint64(0xffffffff)}},
	{"-1", "%u", []int{4}, 1, []any{uint64(0xffffffff)}},
	{"a", "%c", []int{1}, 1, []any{uint64('a')}},
	{" a", "%c", []int{1}, 1, []any{uint64(' ')}},
	{"18:59", "%d:%d%c", []int{4, 4, 1}, 2, []any{uint64(18), uint64(59), uint64(0x55)}},
	{"abc   def", "%s %n%s", []int{-8, 4, -8}, 2, []any{"abc", uint64(6), "def"}},
	{"3:45", "%d:%d%n", []int{4, 4, 4}, 2, []any{uint64(3), uint64(45), uint64(4)}},
	{" St. Petersburg, Florida\n", "%*c%[^\n]", []int{-32}, 1, []any{"St. Petersburg, Florida"}},
	{"-82.626701 27.760000", "%f%f", []int{4, 4}, 2, []any{float32(-82.6267), float32(27.76)}},
	// Wine scanf.c's %p checks (Windows results; marked todo_wine there).
	{"000000000046F170", "%p", []int{4}, 1, []any{uint64(0x46F170)}},
	{"0x46F173", "%p", []int{4}, 1, []any{uint64(0)}},
	{"-46F174", "%p", []int{4}, 1, []any{uint64(0xFFB90E8C)}},
	{"+46F175", "%p", []int{4}, 1, []any{uint64(0x46F175)}},
	// C semantics that msvcrt shares (Microsoft "scanf Type Field Characters" / "scanf Width Specification").
	{"12345", "%3d%d", []int{4, 4}, 2, []any{uint64(123), uint64(45)}},
	{"  -42 x", "%hd %c", []int{2, 1}, 2, []any{uint64(0xffd6), uint64('x')}},
	{"9223372036854775807", "%I64d", []int{8}, 1, []any{uint64(9223372036854775807)}},
	{"-5", "%lld", []int{8}, 1, []any{uint64(0xfffffffffffffffb)}},
	{"1.5e3 2.25", "%lf %le", []int{8, 8}, 2, []any{1500.0, 2.25}},
	{"3.25abc", "%3lf%s", []int{8, -8}, 2, []any{3.2, "5abc"}},
	{"hello", "%3c", []int{-3}, 1, []any{"hel"}},
	{"x", "%d", []int{4}, 0, []any{uint64(0x55555555)}},
	{"   ", "%d", []int{4}, EOF, []any{nil}},
	{"abc", "abd", nil, 0, nil},
	{"abc", "%2s", []int{-8}, 1, []any{"ab"}},
	{"]]x", "%[]]", []int{-8}, 1, []any{"]]"}},
	{"az-", "%[z-a-]", []int{-8}, 1, []any{"az-"}},
	{"1 2", "%*d %d", []int{4}, 1, []any{uint64(2)}},
}

func TestSscanf_Table(t *testing.T) {
	for _, tc := range scanCases {
		m := newTestMem()
		var addrs []uint32
		var vals []any
		for _, sz := range tc.outs {
			n := sz
			if n < 0 {
				n = -n
			}
			a := m.alloc(n + 1)
			for i := 0; i < n; i++ {
				m.Write8(a+uint32(i), 0x55)
			}
			addrs = append(addrs, a)
			vals = append(vals, a)
		}
		ret, err := Sscanf([]byte(tc.input), []byte(tc.format), &ValueArgs{Vals: vals}, m)
		if err != nil || ret != tc.ret {
			t.Errorf("sscanf(%q, %q) = %d, %v; want %d", tc.input, tc.format, ret, err, tc.ret)
			continue
		}
		for k, want := range tc.want {
			a := addrs[k]
			switch x := want.(type) {
			case nil:
			case uint64:
				var got uint64
				switch tc.outs[k] {
				case 1:
					v, _ := m.Read8(a)
					got = uint64(v)
				case 2:
					v, _ := m.Read16(a)
					got = uint64(v)
				case 4:
					v, _ := m.Read32(a)
					got = uint64(v)
				case 8:
					lo, _ := m.Read32(a)
					hi, _ := m.Read32(a + 4)
					got = uint64(hi)<<32 | uint64(lo)
				}
				if got != x {
					t.Errorf("sscanf(%q, %q) field %d = %#x, want %#x", tc.input, tc.format, k, got, x)
				}
			case float32:
				v, _ := m.Read32(a)
				if got := math.Float32frombits(v); got != x {
					t.Errorf("sscanf(%q, %q) field %d = %v, want %v", tc.input, tc.format, k, got, x)
				}
			case float64:
				lo, _ := m.Read32(a)
				hi, _ := m.Read32(a + 4)
				if got := math.Float64frombits(uint64(hi)<<32 | uint64(lo)); got != x {
					t.Errorf("sscanf(%q, %q) field %d = %v, want %v", tc.input, tc.format, k, got, x)
				}
			case string:
				s, _ := ReadCString(m, a, 64)
				if string(s) != x {
					t.Errorf("sscanf(%q, %q) field %d = %q, want %q", tc.input, tc.format, k, s, x)
				}
			}
		}
	}
}

func TestSwscanf_Wide(t *testing.T) {
	m := newTestMem()
	ws := m.alloc(32)
	ns := m.alloc(16)
	n := m.alloc(4)
	ret, err := Swscanf(append(w("word narrow 77"), 0x3042), w("%s %S %d"), &ValueArgs{Vals: []any{ws, ns, n}}, m)
	if err != nil || ret != 3 {
		t.Fatalf("ret=%d err=%v", ret, err)
	}
	gotW, _ := ReadWString(m, ws, 16)
	gotN, _ := ReadCString(m, ns, 16)
	gotI, _ := m.Read32(n)
	if string(rune(gotW[0])) != "w" || len(gotW) != 4 || string(gotN) != "narrow" || gotI != 77 {
		t.Fatalf("got %v %q %d", gotW, gotN, gotI)
	}
}

func TestFscanf_PushBack(t *testing.T) {
	// The character that ends a field stays in the stream for the next read.
	src := &SliceSource[byte]{Data: []byte("12abc")}
	m := newTestMem()
	a := m.alloc(4)
	ret, err := Fscanf(src, []byte("%d"), &ValueArgs{Vals: []any{a}}, m)
	if err != nil || ret != 1 || src.Pos != 2 {
		t.Fatalf("ret=%d err=%v pos=%d", ret, err, src.Pos)
	}
}

func TestSscanf_Fault(t *testing.T) {
	m := newTestMem()
	_, err := Sscanf([]byte("5"), []byte("%d"), &ValueArgs{Vals: []any{0x40}}, m)
	if fe, ok := err.(*FaultError); !ok || fe.Addr != 0x40 || !fe.Write {
		t.Fatalf("got %v", err)
	}
}

func FuzzSscanf(f *testing.F) {
	for _, tc := range scanCases {
		f.Add(tc.input, tc.format)
	}
	f.Fuzz(func(t *testing.T, input, format string) {
		m := newTestMem()
		var vals []any
		for i := 0; i < 8; i++ {
			vals = append(vals, m.alloc(64))
		}
		ret, _ := Sscanf([]byte(input), []byte(format), &ValueArgs{Vals: vals}, m)
		if ret < EOF || ret > len(format) {
			t.Fatalf("impossible count %d", ret)
		}
	})
}
