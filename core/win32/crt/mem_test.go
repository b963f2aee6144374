package crt

import "encoding/binary"

// testMem is a flat guest memory at [base, base+len(buf)); everything else faults.
type testMem struct {
	base uint32
	buf  []byte
	next uint32
}

func newTestMem() *testMem { return &testMem{base: 0x10000, buf: make([]byte, 1<<16), next: 0x10000} }

func (m *testMem) off(a uint32, n uint32) (uint32, bool) {
	if a < m.base || a-m.base+n > uint32(len(m.buf)) || a-m.base+n < n {
		return 0, false
	}
	return a - m.base, true
}

func (m *testMem) Read8(a uint32) (uint8, bool) {
	o, ok := m.off(a, 1)
	if !ok {
		return 0, false
	}
	return m.buf[o], true
}
func (m *testMem) Read16(a uint32) (uint16, bool) {
	o, ok := m.off(a, 2)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint16(m.buf[o:]), true
}
func (m *testMem) Read32(a uint32) (uint32, bool) {
	o, ok := m.off(a, 4)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint32(m.buf[o:]), true
}
func (m *testMem) Write8(a uint32, v uint8) bool {
	o, ok := m.off(a, 1)
	if ok {
		m.buf[o] = v
	}
	return ok
}
func (m *testMem) Write16(a uint32, v uint16) bool {
	o, ok := m.off(a, 2)
	if ok {
		binary.LittleEndian.PutUint16(m.buf[o:], v)
	}
	return ok
}
func (m *testMem) Write32(a uint32, v uint32) bool {
	o, ok := m.off(a, 4)
	if ok {
		binary.LittleEndian.PutUint32(m.buf[o:], v)
	}
	return ok
}
func (m *testMem) Write64(a uint32, v uint64) bool {
	o, ok := m.off(a, 8)
	if ok {
		binary.LittleEndian.PutUint64(m.buf[o:], v)
	}
	return ok
}

// alloc reserves n bytes (8-aligned) and returns their address.
func (m *testMem) alloc(n int) uint32 {
	a := m.next
	m.next += uint32(n+7) &^ 7
	return a
}

// str places a NUL-terminated narrow string and returns its address.
func (m *testMem) str(s string) uint32 {
	a := m.alloc(len(s) + 1)
	copy(m.buf[a-m.base:], s)
	m.buf[a-m.base+uint32(len(s))] = 0
	return a
}

// wstr places a NUL-terminated UTF-16 string (s given as code units) and returns its address.
func (m *testMem) wstr(units ...uint16) uint32 {
	a := m.alloc(2*len(units) + 2)
	for i, u := range units {
		m.Write16(a+2*uint32(i), u)
	}
	m.Write16(a+2*uint32(len(units)), 0)
	return a
}

func w(s string) []uint16 {
	out := make([]uint16, len(s))
	for i := 0; i < len(s); i++ {
		out[i] = uint16(s[i])
	}
	return out
}
