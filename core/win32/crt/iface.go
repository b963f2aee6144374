package crt

import (
	"fmt"
	"math"
)

// Args yields the variadic arguments of one call, in order. Each method consumes the next slot(s) the way a
// 32-bit cdecl va_arg does: Uint32 one 4-byte slot (int, unsigned, char and short after promotion, pointers),
// Uint64 two slots (__int64), Float64 two slots (double; float is promoted to double by the caller).
type Args interface {
	Uint32() uint32
	Uint64() uint64
	Float64() float64
}

// Memory is the guest memory the engine reads strings from and stores results into. ok=false means the
// access faulted. *mm.Space satisfies it.
type Memory interface {
	Read8(addr uint32) (uint8, bool)
	Read16(addr uint32) (uint16, bool)
	Read32(addr uint32) (uint32, bool)
	Write8(addr uint32, v uint8) bool
	Write16(addr uint32, v uint16) bool
	Write32(addr uint32, v uint32) bool
	Write64(addr uint32, v uint64) bool
}

// FaultError reports a guest pointer the engine could not read or write. Windows would raise an access
// violation at that address; the caller decides how to surface it.
type FaultError struct {
	Addr  uint32
	Write bool
}

func (e *FaultError) Error() string {
	op := "read"
	if e.Write {
		op = "write"
	}
	return fmt.Sprintf("crt: access violation: %s of 0x%08X", op, e.Addr)
}

// VaList implements Args over a va_list in guest memory: Ptr is the address of the next argument slot
// (for printf(fmt, ...) the address just after fmt on the stack; for vprintf the va_list value).
// A faulting read yields zero and is remembered in Err; the engine checks Err when it finishes.
type VaList struct {
	Mem Memory
	Ptr uint32
	Err *FaultError
}

func (v *VaList) read32() uint32 {
	x, ok := v.Mem.Read32(v.Ptr)
	if !ok && v.Err == nil {
		v.Err = &FaultError{Addr: v.Ptr}
	}
	v.Ptr += 4
	return x
}

// Uint32 implements Args.
func (v *VaList) Uint32() uint32 { return v.read32() }

// Uint64 implements Args.
func (v *VaList) Uint64() uint64 {
	lo := v.read32()
	hi := v.read32()
	return uint64(hi)<<32 | uint64(lo)
}

// Float64 implements Args.
func (v *VaList) Float64() float64 { return math.Float64frombits(v.Uint64()) }

// Fault implements the optional fault reporting the engine looks for on Args.
func (v *VaList) Fault() *FaultError { return v.Err }

// ValueArgs implements Args over Go values, for tests and for handlers that already hold the arguments.
// Elements may be int, int32, uint32, int64, uint64, float64, float32 (promoted) or uintptr; each call
// consumes one element and converts it. A missing argument reads as zero, like stack garbage would.
type ValueArgs struct {
	Vals []any
	i    int
}

func (a *ValueArgs) next() any {
	if a.i >= len(a.Vals) {
		return nil
	}
	v := a.Vals[a.i]
	a.i++
	return v
}

func asUint64(v any) uint64 {
	switch x := v.(type) {
	case int:
		return uint64(int64(x))
	case int32:
		return uint64(int64(x))
	case uint32:
		return uint64(x)
	case int64:
		return uint64(x)
	case uint64:
		return x
	case uintptr:
		return uint64(x)
	case float64:
		return math.Float64bits(x)
	case float32:
		return math.Float64bits(float64(x))
	}
	return 0
}

// Uint32 implements Args.
func (a *ValueArgs) Uint32() uint32 { return uint32(asUint64(a.next())) }

// Uint64 implements Args.
func (a *ValueArgs) Uint64() uint64 { return asUint64(a.next()) }

// Float64 implements Args.
func (a *ValueArgs) Float64() float64 {
	switch x := a.next().(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	case nil:
		return 0
	default:
		return math.Float64frombits(asUint64(x))
	}
}

// faulter is implemented by Args that can fail to read (VaList).
type faulter interface{ Fault() *FaultError }

func argsFault(a Args) error {
	if f, ok := a.(faulter); ok {
		if e := f.Fault(); e != nil {
			return e
		}
	}
	return nil
}

// ReadCString reads a NUL-terminated narrow string of at most max bytes from guest memory.
// It returns a *FaultError if a byte before the terminator (and within max) cannot be read.
func ReadCString(mem Memory, addr uint32, max int) ([]byte, error) {
	var out []byte
	for i := 0; i < max; i++ {
		b, ok := mem.Read8(addr + uint32(i))
		if !ok {
			return out, &FaultError{Addr: addr + uint32(i)}
		}
		if b == 0 {
			break
		}
		out = append(out, b)
	}
	return out, nil
}

// ReadWString reads a NUL-terminated UTF-16 string of at most max units from guest memory.
func ReadWString(mem Memory, addr uint32, max int) ([]uint16, error) {
	var out []uint16
	for i := 0; i < max; i++ {
		u, ok := mem.Read16(addr + 2*uint32(i))
		if !ok {
			return out, &FaultError{Addr: addr + 2*uint32(i)}
		}
		if u == 0 {
			break
		}
		out = append(out, u)
	}
	return out, nil
}
