package mm

// The operation interpreter shared by the randomized differential test and the fuzz target: it decodes
// a byte string into calls, applies each to the real Machine and to the reference model, and fails on
// the first disagreement in results, faults, bytes, queries, statistics or invariants.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

type opReader struct {
	data []byte
	i    int
}

func (r *opReader) done() bool { return r.i >= len(r.data) }

func (r *opReader) u8() byte {
	if r.i >= len(r.data) {
		return 0
	}
	b := r.data[r.i]
	r.i++
	return b
}

func (r *opReader) u16() uint16 { return uint16(r.u8()) | uint16(r.u8())<<8 }

func (r *opReader) u32() uint32 { return uint32(r.u16()) | uint32(r.u16())<<16 }

type harness struct {
	tb     testing.TB
	m      *Machine
	ref    *refMachine
	spaces []*Space // parallel to ref.spaces; [0] is the kernel
	step   int
	trace  bool // MM_TRACE=1 in the environment logs every operation, to follow a failing sequence
	// outcomes counts, per operation name, how often it succeeded and failed (logged by the tests, to
	// show the sequences exercise both).
	outcomes map[string]*[2]int
	// Window bases: most addresses fall into a few 64 KiB granules so that operations collide.
	userWin, kernWin uint32
}

const maxSpaces = 5

func newHarness(tb testing.TB, limitPages uint64) *harness {
	m := NewMachine(limitPages * PageSize)
	h := &harness{tb: tb, m: m, ref: newRefMachine(limitPages * PageSize), userWin: 0x00400000,
		kernWin: 0x80100000, trace: os.Getenv("MM_TRACE") != ""}
	h.spaces = []*Space{m.Kernel(), m.NewSpace()}
	h.ref.spaces = append(h.ref.spaces, newRefSpace(false))
	return h
}

func (h *harness) count(op string, ok bool) {
	if h.outcomes == nil {
		h.outcomes = map[string]*[2]int{}
	}
	c := h.outcomes[op]
	if c == nil {
		c = new([2]int)
		h.outcomes[op] = c
	}
	if ok {
		c[0]++
	} else {
		c[1]++
	}
}

func (h *harness) fatalf(format string, args ...any) {
	h.tb.Helper()
	h.tb.Fatalf("step %d: "+format, append([]any{h.step}, args...)...)
}

func (h *harness) pickSpace(r *opReader) int { return int(r.u8()) % len(h.spaces) }

// addr picks an address for space i: often in a committed page (at an offset that may cross into
// the next page), often in the space's window or at a reservation, sometimes in the other half or at
// an edge of the address space, sometimes anywhere.
func (h *harness) addr(r *opReader, i int) uint32 {
	sel := r.u8()
	rs := h.ref.spaces[i]
	win := h.userWin
	if rs.kernel {
		win = h.kernWin
	}
	switch sel % 10 {
	case 0, 1: // a page in the window (16 granules), at a page boundary or offset
		a := win + uint32(r.u8())*PageSize
		if sel&0x80 != 0 {
			a += uint32(r.u16()) & pageMask
		}
		return a
	case 2, 3, 4: // in a committed page (the kernel's, sometimes, from a process)
		src := rs
		if sel&0x40 != 0 {
			src = h.ref.spaces[0]
		}
		pages := src.sortedPages()
		if len(pages) == 0 {
			return win
		}
		a := pages[int(r.u16())%len(pages)] << pageShift
		if sel&0x80 != 0 {
			return a + PageSize - 1 - uint32(r.u8())%8
		}
		return a + uint32(r.u16())&pageMask
	case 5, 6: // inside or just past an existing reservation
		var bases []uint32
		for b := range rs.regions {
			bases = append(bases, b)
		}
		if len(bases) == 0 {
			return win
		}
		sortU32(bases)
		rr := rs.regions[bases[int(r.u8())%len(bases)]]
		off := uint32(r.u8()) * PageSize
		if off > rr.size {
			off = rr.size
		}
		if sel&0x80 != 0 {
			off -= uint32(r.u8()) % 8
		}
		return rr.base + off
	case 7: // the other window (kernel from a process and back)
		if rs.kernel {
			return h.userWin + uint32(r.u8())*PageSize
		}
		return h.kernWin + uint32(r.u8())*PageSize
	case 8:
		edges := []uint32{0, 1, UserMin - 1, UserMin, UserMax - PageSize, UserMax - 2, UserMax, KernelBase - 2,
			KernelBase, KernelMax - PageSize, KernelMax, 0xFFFFFFFF, 0xFFFFFFFE, 0x7FFE0000}
		return edges[int(r.u8())%len(edges)]
	default:
		return r.u32()
	}
}

// regionAddr picks, most of the time, an address inside (or at the base of) one of space i's
// reservations, for the page-range calls; otherwise any address.
func (h *harness) regionAddr(r *opReader, i int) uint32 {
	sel := r.u8()
	rs := h.ref.spaces[i]
	if sel%4 == 0 || len(rs.regions) == 0 {
		return h.addr(r, i)
	}
	var bases []uint32
	for b := range rs.regions {
		bases = append(bases, b)
	}
	sortU32(bases)
	rr := rs.regions[bases[int(r.u8())%len(bases)]]
	if sel&0x80 != 0 {
		return rr.base
	}
	return rr.base + uint32(r.u16())%rr.size
}

// committedAddr picks, most of the time, the base of a committed page of space i (or, sometimes,
// of the kernel); otherwise any address.
func (h *harness) committedAddr(r *opReader, i int) uint32 {
	sel := r.u8()
	src := h.ref.spaces[i]
	if sel&0x40 != 0 {
		src = h.ref.spaces[0]
	}
	pages := src.sortedPages()
	if sel%8 == 0 || len(pages) == 0 {
		return h.addr(r, i)
	}
	return pages[int(r.u16())%len(pages)] << pageShift
}

// accessAddr picks, most of the time, an address in a committed page, near its end half of those
// times (so that wider accesses cross into the next page); otherwise any address.
func (h *harness) accessAddr(r *opReader, i int) uint32 {
	sel := r.u8()
	if sel%3 == 0 {
		return h.addr(r, i)
	}
	a := h.committedAddr(r, i)
	if sel&0x80 != 0 {
		return a + PageSize - 1 - uint32(r.u8())%8
	}
	return a + uint32(r.u16())&pageMask
}

func (h *harness) typ(r *opReader) Type {
	if b := r.u8(); b < 250 {
		return Type(b%3) + TypeImage
	}
	return Type(r.u8() % 8)
}

func (h *harness) size(r *opReader) uint32 {
	sel := r.u8()
	switch sel % 16 {
	case 0:
		return 0
	case 1, 2:
		return uint32(r.u8()) + 1
	case 3, 4, 5, 6, 7, 8, 9, 10:
		return (uint32(r.u8()%8) + 1) * PageSize
	case 11, 12:
		return (uint32(r.u8()%24) + 1) * PageSize
	case 13:
		return uint32(r.u16())*16 + 1
	case 14:
		return AllocGranularity * (uint32(r.u8()%4) + 1)
	default:
		return r.u32()
	}
}

func (h *harness) prot(r *opReader) Prot {
	sel := r.u8()
	common := []Prot{ProtRead | ProtWrite, ProtRead, ProtRead | ProtExec, ProtRead | ProtWrite | ProtExec,
		ProtRead | ProtCopy, ProtNone, ProtRead | ProtWrite | ProtGuard, ProtExec, ProtRead | ProtExec | ProtCopy}
	if sel < 250 {
		return common[int(sel)%len(common)]
	}
	return Prot(r.u8())
}

func kindOf(err error) ErrorKind {
	if err == nil {
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 255
}

func sortU32(v []uint32) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// run decodes and applies operations until the input is exhausted, checking everything as it goes.
func (h *harness) run(data []byte) {
	r := &opReader{data: data}
	for !r.done() {
		h.step++
		epoch, gens := h.m.kernel.GenEpoch(), h.allGens()
		h.op(r)
		if h.m.kernel.GenEpoch() == epoch {
			// GenEpoch's contract: unchanged epoch, unchanged generations.
			for _, g := range gens {
				if g.space.PageGen(g.addr) != g.gen {
					h.fatalf("page %#x changed generation without a GenEpoch change", g.addr)
				}
			}
		}
		if err := h.m.Verify(); err != nil {
			h.fatalf("invariants: %v", err)
		}
		if h.m.Committed() != h.ref.committed {
			h.fatalf("machine committed %#x, model %#x", h.m.Committed(), h.ref.committed)
		}
		if h.step%32 == 0 {
			h.compareAll()
		}
	}
	h.compareAll()
}

func (h *harness) op(r *opReader) {
	i := h.pickSpace(r)
	s, rs := h.spaces[i], h.ref.spaces[i]
	code := r.u8() % 21
	if h.trace {
		h.tb.Logf("step %d: space %d op %d at byte %d", h.step+0, i, code, r.i)
	}
	switch code {
	case 0, 1: // reserve
		addr := h.addr(r, i)
		if r.u8()%3 == 0 {
			addr = 0
		}
		size, prot := h.size(r), h.prot(r)
		typ := h.typ(r)
		top := r.u8()%2 == 0
		got, err := s.Reserve(addr, size, prot, typ, top)
		want, wk := h.ref.reserve(rs, addr, size, prot, typ, top)
		h.count("reserve/"+kindName(err), err == nil)
		if kindOf(err) != wk || got != want {
			h.fatalf("Reserve(%#x,%#x,%v,%v,%v) = %#x,%v; model %#x,%v", addr, size, prot, typ, top, got, err, want, wk)
		}
	case 2, 3: // commit
		addr, size, prot := h.regionAddr(r, i), h.size(r), h.prot(r)
		gens := h.gens(s, addr, size)
		err := s.Commit(addr, size, prot)
		h.count("commit/"+kindName(err), err == nil)
		if wk := h.ref.commit(rs, addr, size, prot); kindOf(err) != wk {
			h.fatalf("Commit(%#x,%#x,%v) = %v; model %v", addr, size, prot, err, wk)
		}
		if err == nil {
			h.gensChanged(s, gens, "commit", func(uint32) bool { return true })
		}
	case 4: // decommit
		addr, size := h.regionAddr(r, i), h.size(r)
		before := h.committedSet(s, addr, size)
		gens := h.gens(s, addr, size)
		err := s.Decommit(addr, size)
		h.count("decommit/"+kindName(err), err == nil)
		if wk := h.ref.decommit(rs, addr, size); kindOf(err) != wk {
			h.fatalf("Decommit(%#x,%#x) = %v; model %v", addr, size, err, wk)
		}
		if err == nil {
			h.gensChanged(s, gens, "decommit", func(a uint32) bool { return before[a] })
		}
	case 5: // release
		addr := h.regionAddr(r, i)
		err := s.Release(addr)
		h.count("release/"+kindName(err), err == nil)
		if wk := h.ref.release(rs, addr); kindOf(err) != wk {
			h.fatalf("Release(%#x) = %v; model %v", addr, err, wk)
		}
	case 6: // protect
		addr, size, prot := h.committedAddr(r, i), h.size(r), h.prot(r)
		gens := h.gens(s, addr, size)
		old, err := s.Protect(addr, size, prot)
		wold, wk := h.ref.protect(rs, addr, size, prot)
		h.count("protect/"+kindName(err), err == nil)
		if kindOf(err) != wk || old != wold {
			h.fatalf("Protect(%#x,%#x,%v) = %v,%v; model %v,%v", addr, size, prot, old, err, wold, wk)
		}
		if err == nil {
			h.gensChanged(s, gens, "protect", func(uint32) bool { return true })
		}
	case 7, 8: // hot write
		addr := h.accessAddr(r, i)
		n := 1 << (r.u8() % 4)
		v := uint64(r.u32()) | uint64(r.u32())<<32
		var buf [8]byte
		le.PutUint64(buf[:], v)
		code := h.codeSet(s, addr, n)
		gens := h.gens(s, addr, uint32(n))
		codeGens := h.codeGens()
		var ok bool
		switch n {
		case 1:
			ok = s.Write8(addr, uint8(v))
		case 2:
			ok = s.Write16(addr, uint16(v))
		case 4:
			ok = s.Write32(addr, uint32(v))
		default:
			ok = s.Write64(addr, v)
		}
		mode := Access(0)
		if rs.kernel {
			mode = AccessKernel
		}
		wf, written := h.ref.write(rs, addr, buf[:n], AccessWrite|mode)
		h.count("write/"+wf.Reason.String(), ok)
		if ok != (wf == Fault{}) || !ok && s.LastFault() != wf {
			h.fatalf("Write%d(%#x) = %v (%v); model %v", n*8, addr, ok, s.LastFault(), wf)
		}
		if ok {
			h.gensChanged(s, gens, "write to code", func(a uint32) bool { return code[a] })
			h.codeGensChanged(codeGens, written)
		}
	case 9, 10: // hot read
		addr := h.accessAddr(r, i)
		n := 1 << (r.u8() % 4)
		var got uint64
		var ok bool
		switch n {
		case 1:
			var v uint8
			v, ok = s.Read8(addr)
			got = uint64(v)
		case 2:
			var v uint16
			v, ok = s.Read16(addr)
			got = uint64(v)
		case 4:
			var v uint32
			v, ok = s.Read32(addr)
			got = uint64(v)
		default:
			got, ok = s.Read64(addr)
		}
		mode := Access(0)
		if rs.kernel {
			mode = AccessKernel
		}
		wb, wf := h.ref.read(rs, addr, n, AccessRead|mode)
		h.count("read/"+wf.Reason.String(), ok)
		if ok != (wf == Fault{}) || !ok && s.LastFault() != wf {
			h.fatalf("Read%d(%#x) ok=%v (%v); model %v", n*8, addr, ok, s.LastFault(), wf)
		}
		if ok {
			var buf [8]byte
			copy(buf[:], wb)
			if want := le.Uint64(buf[:]); got != want {
				h.fatalf("Read%d(%#x) = %#x; model %#x", n*8, addr, got, want)
			}
		}
	case 11: // bulk write
		addr := h.accessAddr(r, i)
		n := int(r.u16() % (3 * PageSize))
		acc := Access(r.u8()) & (AccessKernel | AccessForce)
		buf := make([]byte, n)
		for j := range buf {
			buf[j] = byte(h.step + j)
		}
		codeGens := h.codeGens()
		err := s.WriteBytes(addr, buf, acc)
		mode := acc
		if rs.kernel {
			mode |= AccessKernel
		}
		wf, written := h.ref.write(rs, addr, buf, AccessWrite|mode)
		if wf == (Fault{}) {
			h.codeGensChanged(codeGens, written)
		}
		h.count("write-bytes", err == nil)
		if (err == nil) != (wf == Fault{}) || err != nil && err != error(wf) {
			h.fatalf("WriteBytes(%#x,%d,%#x) = %v; model %v", addr, n, acc, err, wf)
		}
	case 12: // bulk read
		addr := h.accessAddr(r, i)
		n := int(r.u16() % (3 * PageSize))
		acc := Access(r.u8()) & (AccessKernel | AccessForce | AccessExec)
		buf := make([]byte, n)
		err := s.ReadBytes(addr, buf, acc)
		kind := AccessRead
		if acc&AccessExec != 0 {
			kind = AccessExec
		}
		mode := acc &^ AccessExec
		if rs.kernel {
			mode |= AccessKernel
		}
		wb, wf := h.ref.read(rs, addr, n, kind|mode)
		h.count("read-bytes", err == nil)
		if (err == nil) != (wf == Fault{}) || err != nil && err != error(wf) {
			h.fatalf("ReadBytes(%#x,%d,%#x) = %v; model %v", addr, n, acc, err, wf)
		}
		if !bytes.Equal(buf[:len(wb)], wb) {
			h.fatalf("ReadBytes(%#x,%d) bytes differ from model", addr, n)
		}
	case 13: // fetch
		addr := h.accessAddr(r, i)
		buf := make([]byte, int(r.u8()%32)+1)
		n, ok := s.Fetch(addr, buf)
		wb, wf := h.ref.fetch(rs, addr, len(buf))
		h.count("fetch/"+wf.Reason.String(), ok)
		if n != len(wb) || ok != (wf == Fault{}) || !ok && s.LastFault() != wf || !bytes.Equal(buf[:n], wb) {
			h.fatalf("Fetch(%#x,%d) = %d,%v (%v); model %d,%v", addr, len(buf), n, ok, s.LastFault(), len(wb), wf)
		}
	case 14, 20: // share, map shared
		inPlace := code == 20
		j := h.pickSpace(r)
		src, rsrc := h.spaces[j], h.ref.spaces[j]
		srcAddr, dstAddr := h.committedAddr(r, j), h.regionAddr(r, i)
		if r.u8()%8 != 0 {
			srcAddr &^= pageMask
			dstAddr &^= pageMask
		}
		size, prot := h.size(r), h.prot(r)
		typ := h.typ(r)
		if h.ref.spaces[i].region(dstAddr) != nil && r.u8()%4 != 0 {
			typ = TypeNone
		}
		gens := h.gens(s, dstAddr, size)
		var err error
		if inPlace {
			err = s.MapShared(src, srcAddr, dstAddr, size, prot, typ)
			h.count("map-shared/"+kindName(err), err == nil)
		} else {
			err = s.ShareFrom(src, srcAddr, dstAddr, size, prot, typ)
			h.count("share/"+kindName(err), err == nil)
		}
		if wk := h.ref.share(rs, rsrc, srcAddr, dstAddr, size, prot, typ, inPlace); kindOf(err) != wk {
			h.fatalf("ShareFrom(%d,%#x,%#x,%#x,%v,%v) = %v; model %v", j, srcAddr, dstAddr, size, prot, typ, err, wk)
		}
		if err == nil {
			h.gensChanged(s, gens, "share", func(uint32) bool { return true })
		}
	case 15: // clone
		if len(h.spaces) >= maxSpaces {
			return
		}
		c, err := s.Clone()
		if rs.kernel {
			if kindOf(err) != ErrKernelAddress {
				h.fatalf("kernel Clone = %v", err)
			}
			return
		}
		rc, wk := h.ref.clone(rs)
		h.count("clone", err == nil)
		if kindOf(err) != wk {
			h.fatalf("Clone = %v; model %v", err, wk)
		}
		if err == nil {
			h.spaces = append(h.spaces, c)
			_ = rc
		}
	case 16: // close (never the kernel, keep one process)
		if i == 0 {
			if kindOf(s.Close()) != ErrKernelAddress {
				h.fatalf("kernel Close did not fail")
			}
			return
		}
		if len(h.spaces) <= 2 {
			return
		}
		if err := s.Close(); err != nil {
			h.fatalf("Close = %v", err)
		}
		if _, err := s.Reserve(0, PageSize, ProtRead, TypePrivate, false); kindOf(err) != ErrClosed {
			h.fatalf("Reserve after Close = %v", err)
		}
		h.ref.close(i)
		h.spaces = append(h.spaces[:i], h.spaces[i+1:]...)
	case 17: // mark code, toggle DEP
		addr := h.committedAddr(r, i)
		if r.u8()%4 == 0 {
			on := r.u8()%2 == 0
			s.SetDEP(on)
			rs.noDEP = !on
			return
		}
		s.MarkCode(addr)
		o := rs
		if !rs.kernel && addr >= KernelBase {
			o = h.ref.spaces[0]
		}
		if p := o.pages[addr>>pageShift]; p != nil && o.owns(addr) {
			p.code = true
		}
	case 18: // strings
		addr := h.accessAddr(r, i)
		max := int(r.u16() % (2 * PageSize))
		wide := r.u8()%2 == 0
		var got string
		var err error
		if wide {
			got, err = s.ReadUTF16(addr, max)
		} else {
			got, err = s.ReadCString(addr, max)
		}
		want, wantErr := h.refString(rs, addr, max, wide)
		h.count("string", err == nil)
		if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			h.fatalf("read string(%#x,%d,wide=%v) = %q,%v; model %q,%v", addr, max, wide, got, err, want, wantErr)
		}
	case 19: // queries at one address
		addr := h.addr(r, i)
		h.compareAt(i, addr)
	}
}

// refString reads a string from the model with the implementation's semantics.
func (h *harness) refString(rs *refSpace, a uint32, max int, wide bool) (string, error) {
	mode := Access(0)
	if rs.kernel {
		mode = AccessKernel
	}
	if wide {
		var units []uint16
		var err error
		for i := 0; ; i++ {
			if i >= max {
				err = &Error{"read-utf16", a, 0, ErrTooLong}
				break
			}
			b, f := h.ref.read(rs, a, 2, AccessRead|mode)
			if f != (Fault{}) {
				err = f
				break
			}
			u := uint16(b[0]) | uint16(b[1])<<8
			if u == 0 {
				break
			}
			units = append(units, u)
			a += 2
		}
		var out []byte
		for _, r := range utf16.Decode(units) {
			out = utf8.AppendRune(out, r)
		}
		return string(out), err
	}
	var out []byte
	for i := 0; i < max; i++ {
		b, f := h.ref.read(rs, a, 1, AccessRead|mode)
		if f != (Fault{}) {
			return string(out), f
		}
		if b[0] == 0 {
			return string(out), nil
		}
		out = append(out, b[0])
		a++
	}
	return string(out), &Error{"read-string", a, 0, ErrTooLong}
}

type pageGen struct {
	space *Space
	addr  uint32
	gen   uint32
}

// allGens records the generation of every page the model knows, in every space.
func (h *harness) allGens() []pageGen {
	var g []pageGen
	for i, rs := range h.ref.spaces {
		for pn := range rs.pages {
			g = append(g, pageGen{h.spaces[i], pn << pageShift, h.spaces[i].PageGen(pn << pageShift)})
		}
	}
	return g
}

type codePage struct {
	space int
	addr  uint32
	frame *refFrame
}

// codeGens records the generation of every code-marked page of every space, by the model's marks.
func (h *harness) codeGens() map[codePage]uint32 {
	g := map[codePage]uint32{}
	for i, rs := range h.ref.spaces {
		for pn, p := range rs.pages {
			if p.code {
				g[codePage{i, pn << pageShift, p.frame}] = h.spaces[i].PageGen(pn << pageShift)
			}
		}
	}
	return g
}

// codeGensChanged checks that every code-marked page that showed one of the written frames before
// the write (in any space) has a new generation.
func (h *harness) codeGensChanged(before map[codePage]uint32, written []*refFrame) {
	for cp, g := range before {
		for _, f := range written {
			if cp.frame == f && f != nil && h.spaces[cp.space].PageGen(cp.addr) == g {
				h.fatalf("write to a frame did not change the generation of code page %#x in space %d", cp.addr, cp.space)
			}
		}
	}
}

// gens records the generations of the pages of [addr, addr+size) (at most 64 pages).
func (h *harness) gens(s *Space, addr, size uint32) map[uint32]uint32 {
	g := map[uint32]uint32{}
	for k, a := 0, addr&^pageMask; k < 64 && uint64(a) < uint64(addr)+uint64(size); k, a = k+1, a+PageSize {
		g[a] = s.PageGen(a)
		if a+PageSize == 0 {
			break
		}
	}
	return g
}

func (h *harness) gensChanged(s *Space, before map[uint32]uint32, what string, must func(uint32) bool) {
	h.tb.Helper()
	for a, g := range before {
		if must(a) && s.PageGen(a) == g {
			h.fatalf("%s did not change the generation of page %#x", what, a)
		}
	}
}

func (h *harness) committedSet(s *Space, addr, size uint32) map[uint32]bool {
	c := map[uint32]bool{}
	for a := range h.gens(s, addr, size) {
		c[a] = s.PageInfo(a).State == StateCommit
	}
	return c
}

func (h *harness) codeSet(s *Space, addr uint32, n int) map[uint32]bool {
	c := map[uint32]bool{}
	for a := range h.gens(s, addr, uint32(n)) {
		c[a] = s.PageInfo(a).Code
	}
	return c
}

// compareAt compares Query and PageInfo at one address.
func (h *harness) compareAt(i int, addr uint32) {
	s, rs := h.spaces[i], h.ref.spaces[i]
	q, err := s.Query(addr)
	if err != nil {
		h.fatalf("Query(%#x): %v", addr, err)
	}
	if wq := h.ref.query(rs, addr); q != wq {
		h.fatalf("space %d Query(%#x) = %+v; model %+v", i, addr, q, wq)
	}
	pi := s.PageInfo(addr)
	pi.Gen = 0
	if wpi := h.ref.pageInfo(rs, addr); pi != wpi {
		h.fatalf("space %d PageInfo(%#x) = %+v; model %+v", i, addr, pi, wpi)
	}
}

// compareAll compares every space's map, statistics, page information and every committed byte.
func (h *harness) compareAll() {
	h.ref.cacheRefs()
	defer h.ref.uncacheRefs()
	if len(h.spaces) != len(h.ref.spaces) {
		h.fatalf("%d spaces, model %d", len(h.spaces), len(h.ref.spaces))
	}
	for i, s := range h.spaces {
		rs := h.ref.spaces[i]
		regs := s.Regions()
		var want []RegionInfo
		a, end := uint64(0), uint64(KernelBase)
		if rs.kernel {
			a, end = KernelBase, 1<<32
		}
		for a < end {
			ri := h.ref.query(rs, uint32(a))
			want = append(want, ri)
			a += uint64(ri.Size)
		}
		if fmt.Sprint(regs) != fmt.Sprint(want) {
			h.fatalf("space %d Regions = %+v; model %+v", i, regs, want)
		}
		st, wst := s.Stats(), h.ref.stats(rs)
		if st != wst {
			h.fatalf("space %d Stats = %+v; model %+v", i, st, wst)
		}
		h.count("stats:shared-pages", st.SharedPages > 0)
		h.count("stats:cow-copies", st.COWCopies > 0)
		h.count("stats:cow-takeovers", st.COWTakeovers > 0)
		buf := make([]byte, PageSize)
		for _, pn := range rs.sortedPages() {
			a := pn << pageShift
			pi := s.PageInfo(a)
			pi.Gen = 0
			if wpi := h.ref.pageInfo(rs, a); pi != wpi {
				h.fatalf("space %d PageInfo(%#x) = %+v; model %+v", i, a, pi, wpi)
			}
			if err := s.ReadBytes(a, buf, AccessForce|AccessKernel); err != nil {
				h.fatalf("space %d forced read of committed page %#x: %v", i, a, err)
			}
			p := rs.pages[pn]
			for off := range buf {
				if buf[off] != p.byteAt(uint32(off)) {
					h.fatalf("space %d byte %#x = %#x; model %#x", i, a+uint32(off), buf[off], p.byteAt(uint32(off)))
				}
			}
		}
	}
}

func kindName(err error) string {
	if err == nil {
		return "ok"
	}
	k := kindOf(err)
	if k == 255 {
		return "other"
	}
	return k.Error()[4:]
}
