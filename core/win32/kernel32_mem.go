package win32

import (
	"errors"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/mm"
)

func init() {
	kernel32.Add(
		Export{Name: "VirtualAlloc", ArgBytes: 16, Handler: virtualAlloc},
		Export{Name: "VirtualFree", ArgBytes: 12, Handler: virtualFree},
		Export{Name: "VirtualProtect", ArgBytes: 16, Handler: virtualProtect},
		Export{Name: "VirtualQuery", ArgBytes: 12, Handler: virtualQuery},
		Export{Name: "VirtualLock", ArgBytes: 8, Handler: func(c *Call) { c.Arg(0); c.Arg(1); c.Return(1) }},
		Export{Name: "VirtualUnlock", ArgBytes: 8, Handler: func(c *Call) { c.Arg(0); c.Arg(1); c.Return(1) }},
		Export{Name: "FlushInstructionCache", ArgBytes: 12, Handler: func(c *Call) { c.Return(1) }, Note: "the decode cache tracks writes itself"},
		Export{Name: "GetProcessHeap", Handler: func(c *Call) { c.Return(c.State().Heap.Handle) }},
		Export{Name: "GetProcessHeaps", ArgBytes: 8, Handler: getProcessHeaps},
		Export{Name: "HeapCreate", ArgBytes: 12, Handler: heapCreate},
		Export{Name: "HeapDestroy", ArgBytes: 4, Handler: heapDestroy},
		Export{Name: "HeapAlloc", ArgBytes: 12, Handler: heapAlloc},
		Export{Name: "HeapReAlloc", ArgBytes: 16, Handler: heapReAlloc},
		Export{Name: "HeapFree", ArgBytes: 12, Handler: heapFree},
		Export{Name: "HeapSize", ArgBytes: 12, Handler: heapSize},
		Export{Name: "HeapValidate", ArgBytes: 12, Handler: heapValidate},
		Export{Name: "HeapCompact", ArgBytes: 8, Handler: func(c *Call) { c.Arg(0); c.Return(0x10000) }},
		Export{Name: "HeapLock", ArgBytes: 4, Handler: func(c *Call) { c.Return(1) }},
		Export{Name: "HeapUnlock", ArgBytes: 4, Handler: func(c *Call) { c.Return(1) }},
		Export{Name: "HeapSetInformation", ArgBytes: 16, Handler: func(c *Call) { c.Return(1) }},
		Export{Name: "HeapQueryInformation", ArgBytes: 20, Handler: func(c *Call) { c.Fail(abi.ERROR_NOT_SUPPORTED, 0) }},
		Export{Name: "LocalAlloc", ArgBytes: 8, Handler: localAlloc, Note: "fixed memory only: LMEM_MOVEABLE handles are pointers"},
		Export{Name: "LocalFree", ArgBytes: 4, Handler: localFree},
		Export{Name: "LocalReAlloc", ArgBytes: 12, Handler: localReAlloc},
		Export{Name: "LocalSize", ArgBytes: 4, Handler: localSize},
		Export{Name: "LocalLock", ArgBytes: 4, Handler: func(c *Call) { c.Return(c.Arg(0)) }},
		Export{Name: "LocalUnlock", ArgBytes: 4, Handler: func(c *Call) { c.Arg(0); c.Return(1) }},
		Export{Name: "GlobalAlloc", ArgBytes: 8, Handler: localAlloc, Note: "fixed memory only"},
		Export{Name: "GlobalFree", ArgBytes: 4, Handler: localFree},
		Export{Name: "GlobalReAlloc", ArgBytes: 12, Handler: localReAlloc},
		Export{Name: "GlobalSize", ArgBytes: 4, Handler: localSize},
		Export{Name: "GlobalLock", ArgBytes: 4, Handler: func(c *Call) { c.Return(c.Arg(0)) }},
		Export{Name: "GlobalUnlock", ArgBytes: 4, Handler: func(c *Call) { c.Arg(0); c.Return(1) }},
		Export{Name: "GlobalMemoryStatus", ArgBytes: 4, Handler: globalMemoryStatus},
		Export{Name: "IsBadReadPtr", ArgBytes: 8, Handler: func(c *Call) { isBadPtr(c, mm.AccessRead) }},
		Export{Name: "IsBadWritePtr", ArgBytes: 8, Handler: func(c *Call) { isBadPtr(c, mm.AccessWrite) }},
		Export{Name: "IsBadCodePtr", ArgBytes: 4, Handler: func(c *Call) {
			_, ok := c.Mem.Read8(c.Arg(0))
			c.Return(b2u(!ok))
		}},
	)
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// ProtFromWin converts a PAGE_* value to mm protection bits; ok is false for an invalid value.
func ProtFromWin(p uint32) (mm.Prot, bool) {
	var r mm.Prot
	switch p &^ (abi.PAGE_GUARD | abi.PAGE_NOCACHE | abi.PAGE_WRITECOMBINE) {
	case abi.PAGE_NOACCESS:
		r = mm.ProtNone
	case abi.PAGE_READONLY:
		r = mm.ProtRead
	case abi.PAGE_READWRITE:
		r = mm.ProtRead | mm.ProtWrite
	case abi.PAGE_WRITECOPY:
		r = mm.ProtRead | mm.ProtCopy
	case abi.PAGE_EXECUTE:
		r = mm.ProtExec | mm.ProtRead
	case abi.PAGE_EXECUTE_READ:
		r = mm.ProtExec | mm.ProtRead
	case abi.PAGE_EXECUTE_READWRITE:
		r = mm.ProtExec | mm.ProtRead | mm.ProtWrite
	case abi.PAGE_EXECUTE_WRITECOPY:
		r = mm.ProtExec | mm.ProtRead | mm.ProtCopy
	default:
		return 0, false
	}
	if p&abi.PAGE_GUARD != 0 {
		r |= mm.ProtGuard
	}
	return r, true
}

// ProtToWin converts mm protection bits to a PAGE_* value.
func ProtToWin(p mm.Prot) uint32 {
	var v uint32
	x, w, c := p&mm.ProtExec != 0, p&mm.ProtWrite != 0, p&mm.ProtCopy != 0
	switch {
	case x && c:
		v = abi.PAGE_EXECUTE_WRITECOPY
	case x && w:
		v = abi.PAGE_EXECUTE_READWRITE
	case x && p&mm.ProtRead != 0:
		v = abi.PAGE_EXECUTE_READ
	case x:
		v = abi.PAGE_EXECUTE
	case c:
		v = abi.PAGE_WRITECOPY
	case w:
		v = abi.PAGE_READWRITE
	case p&mm.ProtRead != 0:
		v = abi.PAGE_READONLY
	default:
		v = abi.PAGE_NOACCESS
	}
	if p&mm.ProtGuard != 0 {
		v |= abi.PAGE_GUARD
	}
	return v
}

// memErr maps an mm error to a Win32 error.
func memErr(err error) abi.Errno {
	switch {
	case err == nil:
		return abi.ERROR_SUCCESS
	case errorIs(err, mm.ErrCommitLimit):
		return abi.ERROR_NOT_ENOUGH_MEMORY
	case errorIs(err, mm.ErrNoSpace):
		return abi.ERROR_NOT_ENOUGH_MEMORY
	case errorIs(err, mm.ErrConflict), errorIs(err, mm.ErrNotReserved), errorIs(err, mm.ErrInvalidAddress),
		errorIs(err, mm.ErrNotBase), errorIs(err, mm.ErrSpansRegions), errorIs(err, mm.ErrKernelAddress):
		return abi.ERROR_INVALID_ADDRESS
	case errorIs(err, mm.ErrNotCommitted):
		return abi.ERROR_INVALID_ADDRESS
	}
	return abi.ERROR_INVALID_PARAMETER
}

func virtualAlloc(c *Call) {
	addr, size, typ, prot := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	p, ok := ProtFromWin(prot)
	if !ok || size == 0 || typ&(abi.MEM_COMMIT|abi.MEM_RESERVE|abi.MEM_RESET) == 0 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	s := c.Mem
	if typ&abi.MEM_RESET != 0 {
		c.Return(addr &^ (mm.PageSize - 1))
		return
	}
	if typ&abi.MEM_RESERVE != 0 {
		rbase := addr &^ (mm.AllocGranularity - 1)
		if uint64(addr)+uint64(size) > 0xFFFFFFFF {
			c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
			return
		}
		rsize := roundUp(addr+size, mm.PageSize) - rbase
		if addr == 0 {
			rsize = roundUp(size, mm.PageSize)
		}
		base, err := s.Reserve(rbase, rsize, p, mm.TypePrivate, typ&abi.MEM_TOP_DOWN != 0)
		if err != nil {
			c.Fail(memErr(err), 0)
			return
		}
		if typ&abi.MEM_COMMIT != 0 {
			if err := s.Commit(base, rsize, p); err != nil {
				_ = s.Release(base)
				c.Fail(memErr(err), 0)
				return
			}
		}
		c.Return(base)
		return
	}
	// MEM_COMMIT alone: inside an existing reservation.
	if addr == 0 {
		// Windows treats commit without an address as reserve+commit.
		base, err := s.Reserve(0, roundUp(size, mm.PageSize), p, mm.TypePrivate, typ&abi.MEM_TOP_DOWN != 0)
		if err == nil {
			err = s.Commit(base, roundUp(size, mm.PageSize), p)
		}
		if err != nil {
			c.Fail(memErr(err), 0)
			return
		}
		c.Return(base)
		return
	}
	start := addr &^ (mm.PageSize - 1)
	end := roundUp(addr+size, mm.PageSize)
	if err := s.Commit(start, end-start, p); err != nil {
		c.Fail(memErr(err), 0)
		return
	}
	c.Return(start)
}

func virtualFree(c *Call) {
	addr, size, typ := c.Arg(0), c.Arg(1), c.Arg(2)
	s := c.Mem
	switch {
	case typ&abi.MEM_RELEASE != 0:
		if size != 0 {
			c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
			return
		}
		if err := s.Release(addr); err != nil {
			c.Fail(memErr(err), 0)
			return
		}
	case typ&abi.MEM_DECOMMIT != 0:
		start := addr &^ (mm.PageSize - 1)
		if size == 0 {
			info, err := s.Query(addr)
			if err != nil {
				c.Fail(memErr(err), 0)
				return
			}
			r := info
			size = r.AllocBase + regionSpan(c, r.AllocBase) - start
		}
		end := roundUp(addr+size, mm.PageSize)
		if err := s.Decommit(start, end-start); err != nil {
			c.Fail(memErr(err), 0)
			return
		}
	default:
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	c.Return(1)
}

// regionSpan returns the size of the reservation at base.
func regionSpan(c *Call, base uint32) uint32 {
	var total uint32
	a := base
	for {
		info, err := c.Mem.Query(a)
		if err != nil || info.AllocBase != base || info.Size == 0 {
			return total
		}
		total += info.Size
		a += info.Size
	}
}

func virtualProtect(c *Call) {
	addr, size, prot, oldp := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	p, ok := ProtFromWin(prot)
	if !ok {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	start := addr &^ (mm.PageSize - 1)
	end := roundUp(addr+max(size, 1), mm.PageSize)
	old, err := c.Mem.Protect(start, end-start, p)
	if err != nil {
		c.Fail(memErr(err), 0)
		return
	}
	if oldp == 0 || !c.W32(oldp, ProtToWin(old)) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func virtualQuery(c *Call) {
	addr, buf, size := c.Arg(0), c.Arg(1), c.Arg(2)
	if size < abi.MBI_Size {
		c.Fail(abi.ERROR_BAD_LENGTH, 0)
		return
	}
	if ok, e := putMBI(c, c.Mem, addr, buf); !ok {
		c.Fail(e, 0)
		return
	}
	c.Return(abi.MBI_Size)
}

// heapOf resolves a heap handle.
func (c *Call) heapOf(h uint32) *Heap { return c.State().Heaps[h] }

func getProcessHeaps(c *Call) {
	n, buf := c.Arg(0), c.Arg(1)
	st := c.State()
	hs := []uint32{st.Heap.Handle}
	for h := range st.Heaps {
		if h != st.Heap.Handle {
			hs = append(hs, h)
		}
	}
	sortU32(hs[1:])
	for i, h := range hs {
		if uint32(i) < n {
			c.W32(buf+4*uint32(i), h)
		}
	}
	c.Return(uint32(len(hs)))
}

func heapCreate(c *Call) {
	flags, initial, maxSize := c.Arg(0), c.Arg(1), c.Arg(2)
	res := max(initial, 0x10000)
	h, err := NewHeap(c.Mem, flags, res, initial, maxSize)
	if err != nil {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	c.State().Heaps[h.Handle] = h
	c.Return(h.Handle)
}

func heapDestroy(c *Call) {
	hh := c.Arg(0)
	st := c.State()
	h := st.Heaps[hh]
	if h == nil || h == st.Heap {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	h.Destroy()
	delete(st.Heaps, hh)
	c.Return(1)
}

func heapAlloc(c *Call) {
	h := c.heapOf(c.Arg(0))
	flags, n := c.Arg(1), c.Arg(2)
	if h == nil {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	a, err := h.Alloc(n, flags&abi.HEAP_ZERO_MEMORY != 0)
	if err != nil {
		heapNoMemory(c, flags, n)
		return
	}
	c.Return(a)
}

// heapNoMemory fails a heap allocation of n bytes: with HEAP_GENERATE_EXCEPTIONS it raises STATUS_NO_MEMORY
// with the size as its one parameter, as RtlAllocateHeap does (at the return address, the call's arguments
// popped, so a handler that continues resumes after the call); otherwise NULL with ERROR_NOT_ENOUGH_MEMORY.
func heapNoMemory(c *Call, flags, n uint32) {
	if flags&abi.HEAP_GENERATE_EXCEPTIONS == 0 {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	c.done = true
	ctx := c.T.CPU.SaveContext()
	ctx.EIP = c.RetAddr
	ctx.Regs[cpu.ESP] += 4 + c.Export.ArgBytes
	ctx.Regs[cpu.EAX] = 0
	c.K.DispatchException(c.T, kernel.ExceptionInfo{Code: uint32(abi.STATUS_NO_MEMORY), Address: c.RetAddr,
		Params: []uint32{n}}, ctx)
}

func heapReAlloc(c *Call) {
	h := c.heapOf(c.Arg(0))
	flags, a, n := c.Arg(1), c.Arg(2), c.Arg(3)
	if h == nil || !h.Owns(a) {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	na, err := h.ReAlloc(a, n, flags&abi.HEAP_ZERO_MEMORY != 0, flags&abi.HEAP_REALLOC_IN_PLACE_ONLY != 0)
	if err != nil {
		heapNoMemory(c, flags, n)
		return
	}
	c.Return(na)
}

func heapFree(c *Call) {
	h := c.heapOf(c.Arg(0))
	c.Arg(1)
	a := c.Arg(2)
	if a == 0 {
		c.Return(1)
		return
	}
	if h == nil || !h.Free(a) {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	c.Return(1)
}

func heapSize(c *Call) {
	h := c.heapOf(c.Arg(0))
	c.Arg(1)
	a := c.Arg(2)
	if h == nil {
		c.Return(0xFFFFFFFF)
		return
	}
	n, ok := h.Size(a)
	if !ok {
		c.Return(0xFFFFFFFF)
		return
	}
	c.Return(n)
}

func heapValidate(c *Call) {
	h := c.heapOf(c.Arg(0))
	c.Arg(1)
	a := c.Arg(2)
	c.Return(b2u(h != nil && (a == 0 || h.Owns(a))))
}

const lmemZeroInit = 0x40

func localAlloc(c *Call) {
	flags, n := c.Arg(0), c.Arg(1)
	a, err := c.State().Heap.Alloc(n, flags&lmemZeroInit != 0)
	if err != nil {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	c.Return(a)
}

func localFree(c *Call) {
	a := c.Arg(0)
	if a == 0 || c.State().Heap.Free(a) {
		c.Return(0)
		return
	}
	c.Fail(abi.ERROR_INVALID_HANDLE, a)
}

func localReAlloc(c *Call) {
	a, n, flags := c.Arg(0), c.Arg(1), c.Arg(2)
	na, err := c.State().Heap.ReAlloc(a, n, flags&lmemZeroInit != 0, false)
	if err != nil {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	c.Return(na)
}

func localSize(c *Call) {
	n, _ := c.State().Heap.Size(c.Arg(0))
	c.Return(n)
}

func globalMemoryStatus(c *Call) {
	p := c.Arg(0)
	m := c.Mem.Machine()
	total := uint32(min(m.CommitLimit(), 0x7FFFFFFF))
	avail := total - uint32(min(m.Committed(), uint64(total)))
	for i, v := range []uint32{32, 0, total, avail, total, avail, 0x7FFE0000, 0x7FFE0000 - uint32(c.Mem.Stats().Committed)} {
		c.W32(p+4*uint32(i), v)
	}
	c.Return(0)
}

func isBadPtr(c *Call, acc mm.Access) {
	a, n := c.Arg(0), c.Arg(1)
	if n == 0 {
		c.Return(0)
		return
	}
	for p := a &^ (mm.PageSize - 1); ; p += mm.PageSize {
		info := c.Mem.PageInfo(p)
		okp := info.State == mm.StateCommit && info.Prot&mm.ProtGuard == 0 &&
			(acc == mm.AccessRead && info.Prot&mm.ProtRead != 0 || acc == mm.AccessWrite && info.Prot.Writable())
		if !okp {
			c.Return(1)
			return
		}
		if uint64(p)+mm.PageSize >= uint64(a)+uint64(n) {
			break
		}
	}
	c.Return(0)
}

func errorIs(err, target error) bool { return errors.Is(err, target) }
