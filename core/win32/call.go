package win32

import (
	"fmt"
	"strconv"
	"unicode/utf16"

	"github.com/peek32/peek32/core/cpu"
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/mm"
)

// Call is one API call in progress: the thread that made it, its process, and the export it called.
//
// # Lifetime
//
// Dispatch reuses one Call for the next API call once a handler has returned with the call completed, so the
// common path allocates nothing. A handler may therefore hold c only while it runs, with two exceptions that
// hand c over to their continuation (Dispatch then takes a fresh Call for the next API call and c lives as
// long as its holder): CallGuest, whose continuation receives c, and keep, which a handler calls before it gives
// a kernel continuation that uses c (Kernel.Unwind, Kernel.InitModules) to the kernel. A call the handler leaves
// incomplete (blocked, the thread ended, a kernel continuation pending) is never reused either. Anything else
// that must outlive the handler (a wait's satisfy function, an object's state) copies the values it needs
// (c.T, an argument) instead of holding c.
type Call struct {
	T   *kernel.Thread
	P   *kernel.Process
	K   *kernel.Kernel
	S   *System
	Mem *mm.Space
	// DLL and Export are the function called.
	DLL    *DLL
	Export *Export
	// RetAddr is the caller's return address (where the call came from).
	RetAddr uint32

	trace bool
	args  []string
	done  bool
	// kept is set when something outlives the handler holding c (CallGuest, keep): Dispatch does not reuse it.
	kept bool
	// scratch is readScratch's buffer, kept across reuse.
	scratch []byte
}

// maxString bounds every string argument read from guest memory.
const maxString = 1 << 16

// Proc returns the process's system state.
func (c *Call) State() *ProcState { return State(c.P) }

// Arg returns dword argument i (0-based). An unreadable stack gives 0.
func (c *Call) Arg(i int) uint32 {
	v, _ := c.T.Arg(i)
	if c.trace {
		c.note(i, "0x"+strconv.FormatUint(uint64(v), 16))
	}
	return v
}

// Arg64 returns the 64-bit argument in slots i and i+1.
func (c *Call) Arg64(i int) uint64 {
	lo, _ := c.T.Arg(i)
	hi, _ := c.T.Arg(i + 1)
	if c.trace {
		c.note(i, strconv.FormatUint(uint64(hi)<<32|uint64(lo), 10))
	}
	return uint64(hi)<<32 | uint64(lo)
}

func (c *Call) note(i int, s string) {
	for len(c.args) <= i {
		c.args = append(c.args, "")
	}
	c.args[i] = s
}

// Str reads argument i as a pointer to a NUL-terminated ANSI string (NULL gives ""; ok false if unreadable).
func (c *Call) Str(i int) (string, bool) {
	p := c.Arg(i)
	if p == 0 {
		return "", true
	}
	s, err := c.Mem.ReadCString(p, maxString)
	if c.trace && err == nil {
		c.note(i, strconv.Quote(s))
	}
	return s, err == nil
}

// WStr reads argument i as a pointer to a NUL-terminated UTF-16 string.
func (c *Call) WStr(i int) (string, bool) {
	p := c.Arg(i)
	if p == 0 {
		return "", true
	}
	s, err := c.Mem.ReadUTF16(p, maxString)
	if c.trace && err == nil {
		c.note(i, "L"+strconv.Quote(s))
	}
	return s, err == nil
}

// Return completes the call with EAX = v.
func (c *Call) Return(v uint32) { c.finish(v, c.T.CPU.Regs[cpu.EDX], false) }

// Return64 completes the call with EDX:EAX = v.
func (c *Call) Return64(v uint64) { c.finish(uint32(v), uint32(v>>32), true) }

// Fail sets the last error to e and completes the call with EAX = v.
func (c *Call) Fail(e abi.Errno, v uint32) {
	c.T.SetLastError(uint32(e))
	c.Return(v)
}

// Succeed completes the call with EAX = v and, as many APIs do on success, the last error set to 0.
func (c *Call) Succeed(v uint32) {
	c.T.SetLastError(0)
	c.Return(v)
}

// SetLastError sets the thread's last error without completing the call.
func (c *Call) SetLastError(e abi.Errno) { c.T.SetLastError(uint32(e)) }

func (c *Call) finish(eax, edx uint32, wide bool) {
	if c.done {
		return
	}
	c.done = true
	if !c.T.Return(eax, edx, c.Export.ArgBytes) {
		c.K.Unhandled(c.T, uint32(abi.STATUS_ACCESS_VIOLATION), c.T.CPU.EIP, "the stack is unreadable on return from "+c.name())
		return
	}
	if c.trace {
		ret := "0x" + strconv.FormatUint(uint64(eax), 16)
		if wide {
			ret = "0x" + strconv.FormatUint(uint64(edx)<<32|uint64(eax), 16)
		}
		c.K.Emit(c.T, kernel.Event{Kind: "api", Name: c.name(), Args: c.args, Ret: ret, EIP: c.RetAddr})
	}
}

// name returns "KERNEL32.dll!Function".
func (c *Call) name() string { return c.DLL.ModName + "!" + c.Export.Name }

// Done reports whether the call has completed (returned).
func (c *Call) Done() bool { return c.done }

// CallGuest calls guest function fn with args; then runs with its EAX when it returns, and must end the call.
// The continuation owns c from here on (see Call's lifetime): then, and closures of the handler it calls, may
// use c.
func (c *Call) CallGuest(fn uint32, args []uint32, then func(c *Call, eax uint32)) {
	if !c.T.CallGuest(fn, args, func(t *kernel.Thread, eax uint32) { then(c, eax) }) {
		c.K.Unhandled(c.T, uint32(abi.STATUS_STACK_OVERFLOW), c.T.CPU.EIP, "stack overflow calling back into the program from "+c.name())
		return
	}
	c.kept = true
}

// keep hands c to a continuation that outlives the handler: a handler calls it before it passes a closure that
// uses c to the kernel (Kernel.Unwind, Kernel.InitModules), so that Dispatch does not reuse c for the next API
// call while the continuation still holds it.
func (c *Call) keep() { c.kept = true }

// Block makes the thread wait (see kernel.Thread.Block); the call is dispatched again when it wakes.
func (c *Call) Block(objs []kernel.Object, all bool, timeout uint64, host bool) {
	c.T.Block(objs, all, timeout, host)
}

// Fault raises the access violation Windows would raise inside the API when the call's arguments point at
// memory that cannot be read (or written): it is dispatched to the program's handlers like any exception, with
// the thread's context at the call (a handler that continues makes the call run again).
func (c *Call) Fault(addr uint32, write bool) {
	var rw uint32
	if write {
		rw = 1
	}
	c.done = true
	c.K.DispatchException(c.T, kernel.ExceptionInfo{Code: uint32(abi.STATUS_ACCESS_VIOLATION), Address: c.T.CPU.EIP,
		Params: []uint32{rw, addr}}, c.T.CPU.SaveContext())
}

// W32 writes a dword to guest memory (user access); false if it faults.
func (c *Call) W32(addr, v uint32) bool { return c.Mem.Write32(addr, v) }

// R32 reads a dword from guest memory (user access).
func (c *Call) R32(addr uint32) (uint32, bool) { return c.Mem.Read32(addr) }

// WriteBytes copies b to guest memory (user access, so it faults on read-only memory).
func (c *Call) WriteBytes(addr uint32, b []byte) bool {
	return c.Mem.WriteBytes(addr, b, mm.AccessWrite) == nil
}

// MaxCopy bounds a single ReadBytes: a guest asking the API to read more at once gets a failure, not a host
// allocation of its choosing.
const MaxCopy = 64 << 20

// ReadBytes copies n bytes from guest memory (false if any byte is unreadable or n is negative or > MaxCopy).
func (c *Call) ReadBytes(addr uint32, n int) ([]byte, bool) {
	if n < 0 || n > MaxCopy {
		return nil, false
	}
	b := make([]byte, n)
	return b, c.Mem.ReadBytes(addr, b, mm.AccessRead) == nil
}

// scratchMax bounds a Call's scratch buffer (readScratch): a larger read allocates, so that one large write
// does not pin a large buffer for the machine's lifetime.
const scratchMax = 4 << 10

// readScratch is ReadBytes into a buffer the Call reuses from one API call to the next: b is valid only until the
// handler returns, and whoever it is passed to must not keep it (an io.Writer, which must not retain it, a
// string conversion). Reads larger than scratchMax allocate as ReadBytes does.
func (c *Call) readScratch(addr uint32, n int) (b []byte, ok bool) {
	if n < 0 || n > scratchMax {
		return c.ReadBytes(addr, n)
	}
	if c.scratch == nil {
		c.scratch = make([]byte, scratchMax)
	}
	b = c.scratch[:n]
	return b, c.Mem.ReadBytes(addr, b, mm.AccessRead) == nil
}

// chunk is the unit in which large guest-sized operations are done.
const chunk = 64 << 10

// FillMem sets n bytes at addr to v, a chunk at a time; false at the first fault.
func (c *Call) FillMem(addr, n uint32, v byte) bool {
	buf := make([]byte, min(n, chunk))
	if v != 0 {
		for i := range buf {
			buf[i] = v
		}
	}
	for n > 0 {
		k := min(n, chunk)
		if !c.WriteBytes(addr, buf[:k]) {
			return false
		}
		addr, n = addr+k, n-k
	}
	return true
}

// MoveMem copies n bytes from src to dst with memmove semantics, a chunk at a time; it returns the faulting
// address and false on a fault.
func (c *Call) MoveMem(dst, src, n uint32) (uint32, bool) {
	if n <= MaxCopy {
		b, ok := c.ReadBytes(src, int(n))
		if !ok {
			return src, false
		}
		return dst, c.WriteBytes(dst, b)
	}
	buf := make([]byte, chunk)
	if dst <= src || dst >= src+n {
		for off := uint32(0); off < n; off += chunk {
			k := min(n-off, chunk)
			if c.Mem.ReadBytes(src+off, buf[:k], mm.AccessRead) != nil {
				return src + off, false
			}
			if !c.WriteBytes(dst+off, buf[:k]) {
				return dst + off, false
			}
		}
		return 0, true
	}
	for end := n; end > 0; {
		k := min(end, chunk)
		end -= k
		if c.Mem.ReadBytes(src+end, buf[:k], mm.AccessRead) != nil {
			return src + end, false
		}
		if !c.WriteBytes(dst+end, buf[:k]) {
			return dst + end, false
		}
	}
	return 0, true
}

// PutStringA writes s and a NUL into buf (size chars) as Windows' "copy into caller buffer" APIs do: it returns
// the characters written without the NUL, or, when the buffer is too small, the size needed including the NUL
// and ok=false.
func (c *Call) PutStringA(buf, size uint32, s string) (n uint32, ok bool) {
	if uint32(len(s))+1 > size {
		return uint32(len(s)) + 1, false
	}
	if !c.WriteBytes(buf, append([]byte(s), 0)) {
		return 0, false
	}
	return uint32(len(s)), true
}

// PutStringW is PutStringA for UTF-16 (sizes in characters).
func (c *Call) PutStringW(buf, size uint32, s string) (n uint32, ok bool) {
	u := utf16.Encode([]rune(s))
	if uint32(len(u))+1 > size {
		return uint32(len(u)) + 1, false
	}
	b := make([]byte, 2*len(u)+2)
	for i, x := range u {
		b[2*i], b[2*i+1] = byte(x), byte(x>>8)
	}
	if !c.WriteBytes(buf, b) {
		return 0, false
	}
	return uint32(len(u)), true
}

// Dispatch implements kernel.System: t is stopped at addr inside a built-in DLL's thunk section.
func (s *System) Dispatch(t *kernel.Thread, addr uint32) {
	p := t.Proc
	m := p.ModuleAt(addr)
	var d *DLL
	if m != nil && m.BuiltIn {
		if d = s.modDLL[m]; d == nil {
			d = Builtin(m.BaseName)
		}
	}
	ret, _ := p.Space.Read32(t.CPU.Regs[cpu.ESP])
	if d == nil {
		s.k.Unhandled(t, uint32(abi.STATUS_ILLEGAL_INSTRUCTION), addr, fmt.Sprintf("execution reached a thunk at 0x%08X outside any system DLL", addr))
		return
	}
	e, trap := d.exportAt(addr - m.Base)
	if e == nil {
		name := "?"
		if trap >= 0 && trap < len(s.traps[d]) {
			name = s.traps[d][trap]
		}
		s.unimplemented(t, d.ModName+"!"+name, ret)
		return
	}
	if e.Handler == nil {
		s.unimplemented(t, d.ModName+"!"+e.Name, ret)
		return
	}
	if s.apiBreak(t, d, e, addr) {
		return
	}
	// The Call is reused (Call's lifetime): taken from s.free, which stays nil while the handler runs (a nested
	// Dispatch would allocate its own), and put back only when nothing can hold it any more.
	c := s.free
	if c == nil {
		c = new(Call)
	}
	s.free = nil
	*c = Call{T: t, P: p, K: s.k, S: s, Mem: p.Space, DLL: d, Export: e, RetAddr: ret, trace: s.cfg.TraceAPI, scratch: c.scratch}
	e.Handler(c)
	if c.done && !c.kept {
		// Cleared so that the free Call keeps no thread, process or trace arguments (an Event holds those) alive.
		*c = Call{scratch: c.scratch}
		s.free = c
	}
}

// unimplemented reports a call to a function peek32 does not implement and ends the process.
func (s *System) unimplemented(t *kernel.Thread, fn string, from uint32) {
	msg := fmt.Sprintf("%s is not implemented (called from 0x%08X)", fn, from)
	if m := t.Proc.ModuleAt(from); m != nil {
		msg = fmt.Sprintf("%s is not implemented (called from 0x%08X in %s)", fn, from, m.BaseName)
	}
	s.LastUnimplemented = msg
	s.k.Emit(t, kernel.Event{Kind: "unimplemented", Name: fn, EIP: from, Text: msg})
	s.k.TerminateProcess(t.Proc, uint32(abi.STATUS_ENTRYPOINT_NOT_FOUND))
}
