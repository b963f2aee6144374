package kernel

import (
	"encoding/binary"
	"unicode/utf16"

	"github.com/peek32/peek32/mm"
)

// kacc is the access the kernel uses to fill structures in a process's user half: it ignores protection (the
// kernel writes read-only pages such as KUSER_SHARED_DATA) but still needs committed pages.
const kacc = mm.AccessWrite | mm.AccessForce

// put32 writes v at a with kernel rights.
func put32(s *mm.Space, a, v uint32) error {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	return s.WriteBytes(a, b[:], kacc)
}

// put16 writes v at a with kernel rights.
func put16(s *mm.Space, a uint32, v uint16) error {
	var b [2]byte
	binary.LittleEndian.PutUint16(b[:], v)
	return s.WriteBytes(a, b[:], kacc)
}

// get32 reads a dword at a with kernel rights.
func get32(s *mm.Space, a uint32) (uint32, error) {
	var b [4]byte
	if err := s.ReadBytes(a, b[:], mm.AccessRead|mm.AccessForce); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}

// utf16z encodes s as UTF-16LE with a terminating NUL.
func utf16z(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u)+2)
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// arena is a bump allocator in regions of a process's user half, for the structures the kernel builds there
// (process parameters, environment, loader data). Windows puts these on the process heap; peek32 keeps them
// apart so a guest heap overflow cannot reach them by accident and the heap stays the system layer's business.
// Memory is never freed individually; the space is closed when the process ends.
type arena struct {
	space     *mm.Space
	cur, end  uint32
	committed uint32 // end of the committed part of the current block
}

const arenaBlock = 0x10000

// alloc returns n zeroed bytes aligned to 8, or an error when the space is exhausted.
func (a *arena) alloc(n uint32) (uint32, error) {
	n = (n + 7) &^ 7
	if n == 0 {
		n = 8
	}
	if a.cur == 0 || uint64(a.cur)+uint64(n) > uint64(a.end) {
		size := uint32(arenaBlock)
		if n > size {
			size = (n + arenaBlock - 1) &^ (arenaBlock - 1)
		}
		base, err := a.space.Reserve(0, size, mm.ProtRead|mm.ProtWrite, mm.TypePrivate, false)
		if err != nil {
			return 0, err
		}
		a.cur, a.end, a.committed = base, base+size, base
	}
	p := a.cur
	need := (p + n + mm.PageSize - 1) &^ (mm.PageSize - 1)
	if need > a.committed {
		if err := a.space.Commit(a.committed, need-a.committed, mm.ProtRead|mm.ProtWrite); err != nil {
			return 0, err
		}
		a.committed = need
	}
	a.cur += n
	return p, nil
}

// bytes copies b into the arena and returns its address.
func (a *arena) bytes(b []byte) (uint32, error) {
	p, err := a.alloc(uint32(len(b)))
	if err != nil {
		return 0, err
	}
	return p, a.space.WriteBytes(p, b, kacc)
}

// unicodeString writes a UNICODE_STRING at at whose buffer (allocated in the arena) holds s.
func (a *arena) unicodeString(at uint32, s string) error {
	b := utf16z(s)
	buf, err := a.bytes(b)
	if err != nil {
		return err
	}
	if err := put16(a.space, at, uint16(len(b)-2)); err != nil {
		return err
	}
	if err := put16(a.space, at+2, uint16(len(b))); err != nil {
		return err
	}
	return put32(a.space, at+4, buf)
}
