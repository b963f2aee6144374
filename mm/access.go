package mm

import (
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

var le = binary.LittleEndian

// LastFault returns the fault of the last failed hot accessor (Read*, Write*, Fetch) on s.
func (s *Space) LastFault() Fault { return s.fault }

// permits reports whether prot allows an access of kind.
func (s *Space) permits(prot Prot, kind Access) bool {
	switch kind {
	case AccessRead:
		return prot&ProtRead != 0
	case AccessWrite:
		return prot&(ProtWrite|ProtCopy) != 0
	case AccessExec:
		if s.noDEP {
			return prot&(ProtExec|ProtRead) != 0
		}
		return prot&ProtExec != 0
	}
	return false
}

// check validates an access to the page holding a and returns its pte and owning Space, or nil with
// s.fault set. With consume, a guard page loses its guard bit as it faults; without, check only probes.
func (s *Space) check(a uint32, acc Access, consume bool) (*pte, *Space) {
	o := s
	if a >= KernelBase && !s.isKernel {
		if acc&AccessKernel == 0 {
			s.fault = Fault{a, acc.Kind(), FaultKernel}
			return nil, nil
		}
		o = s.m.kernel
	}
	p := o.lookup(a)
	if p == nil || !p.committed {
		reason := FaultFree
		if o.ownsAddr(a) && o.regionAt(a) != nil {
			reason = FaultReserved
		}
		s.fault = Fault{a, acc.Kind(), reason}
		return nil, nil
	}
	if acc&AccessForce == 0 {
		if p.prot&ProtGuard != 0 {
			if consume {
				// Losing the guard bit is a protection change: a translation cached from the
				// fetch that faulted here must not outlive it.
				p.prot &^= ProtGuard
				p.gen = s.m.nextGen()
			}
			s.fault = Fault{a, acc.Kind(), FaultGuard}
			return nil, nil
		}
		if !s.permits(p.prot, acc.Kind()) {
			s.fault = Fault{a, acc.Kind(), FaultProtection}
			return nil, nil
		}
	}
	return p, o
}

// fillR caches a readable page in the read TLB of s (which must own it).
func (s *Space) fillR(a uint32, p *pte) {
	if p.prot&(ProtRead|ProtGuard) == ProtRead {
		s.rtlb[(a>>pageShift)&tlbMask] = tlbEntry{a >> pageShift, p.data()}
	}
}

// fillW caches a page in the write TLB of s if a write to it needs no slow-path action: writable
// without write-copy, not guard, no code mark on the page or its frame, and a frame that no one else
// maps or that is shared in place (MapShared).
func (s *Space) fillW(a uint32, p *pte) {
	if p.writeFast() {
		s.wtlb[(a>>pageShift)&tlbMask] = tlbEntry{a >> pageShift, p.f.data}
	}
}

func (p *pte) writeFast() bool {
	return p.prot&(ProtWrite|ProtCopy|ProtGuard) == ProtWrite && !p.code && p.f != nil && !p.f.code &&
		(p.f.refs == 1 || p.shared)
}

// inPlace reports whether writes to p go to its frame even when others map it: p was mapped by
// MapShared and is writable without write-copy. Any other write to a frame referenced elsewhere
// (forced writes to read-only pages included) copies the frame first.
func (p *pte) inPlace() bool {
	return p.shared && p.prot&(ProtWrite|ProtCopy) == ProtWrite
}

// generation is PageGen of p: the later of its own generation and its frame's.
func (p *pte) generation() uint32 {
	if p.f != nil && p.f.gen > p.gen {
		return p.f.gen
	}
	return p.gen
}

// prepareWrite makes the page at a (owned by s) ready for a write and returns its bytes: it gives a
// demand-zero page a frame, breaks copy-on-write sharing (copying unless the frame has no other
// reference left), turns write-copy into write, and gives a code frame a fresh generation.
func (s *Space) prepareWrite(a uint32, p *pte) *[PageSize]byte {
	switch {
	case p.f == nil:
		p.f = &frame{data: new([PageSize]byte), refs: 1, code: p.code}
		s.invalidatePage(a)
	case p.f.refs > 1 && !p.inPlace():
		nf := &frame{data: new([PageSize]byte), refs: 1, code: p.code}
		*nf.data = *p.f.data
		p.f.refs--
		p.f = nf
		p.shared = false
		p.gen = s.m.nextGen() // the page now shows another frame, whose generation is older
		s.cowCopies++
		s.invalidatePage(a)
	case p.prot&ProtCopy != 0:
		p.shared = false
		s.cowTakeovers++
	}
	if p.prot&ProtCopy != 0 {
		p.prot = p.prot&^ProtCopy | ProtWrite
	}
	if p.f.code {
		p.f.gen = s.m.nextGen()
	}
	return p.f.data
}

// Hot accessors. Each is a TLB probe (an index, a tag compare that also rejects page-crossing
// accesses, a little-endian load or store) with an out-of-line slow path that walks the page table,
// checks state and protection, handles page crossing and refills the TLB. The probes are written out
// per width, not shared through a helper or generic, so that each stays within Go's inlining budget:
// they run on every guest memory access.

// Read8 reads a byte in user mode (kernel mode for the kernel Space). ok=false means a fault; see LastFault.
func (s *Space) Read8(a uint32) (uint8, bool) {
	e := &s.rtlb[uint8(a>>pageShift)]
	if e.tag == a>>pageShift {
		return e.page[a&pageMask], true
	}
	return s.read8Slow(a)
}

// Read16 reads a little-endian uint16; unaligned and page-crossing accesses are fine.
func (s *Space) Read16(a uint32) (uint16, bool) {
	e := &s.rtlb[uint8(a>>pageShift)]
	if e.tag == (a+1)>>pageShift { // false if the access crosses the page
		return le.Uint16(e.page[a&pageMask:]), true
	}
	return s.read16Slow(a)
}

// Read32 reads a little-endian uint32; unaligned and page-crossing accesses are fine.
func (s *Space) Read32(a uint32) (uint32, bool) {
	e := &s.rtlb[uint8(a>>pageShift)]
	if e.tag == (a+3)>>pageShift { // false if the access crosses the page
		return le.Uint32(e.page[a&pageMask:]), true
	}
	return s.read32Slow(a)
}

// Read64 reads a little-endian uint64; unaligned and page-crossing accesses are fine.
func (s *Space) Read64(a uint32) (uint64, bool) {
	e := &s.rtlb[uint8(a>>pageShift)]
	if e.tag == (a+7)>>pageShift { // false if the access crosses the page
		return le.Uint64(e.page[a&pageMask:]), true
	}
	return s.read64Slow(a)
}

// Write8 writes a byte. ok=false means a fault (nothing written); see LastFault.
func (s *Space) Write8(a uint32, v uint8) bool {
	e := &s.wtlb[uint8(a>>pageShift)]
	if e.tag == a>>pageShift {
		e.page[a&pageMask] = v
		return true
	}
	return s.write8Slow(a, v)
}

// Write16 writes a little-endian uint16. A page-crossing write that faults on either page writes nothing.
func (s *Space) Write16(a uint32, v uint16) bool {
	e := &s.wtlb[uint8(a>>pageShift)]
	if e.tag == (a+1)>>pageShift { // false if the access crosses the page
		le.PutUint16(e.page[a&pageMask:], v)
		return true
	}
	return s.write16Slow(a, v)
}

// Write32 writes a little-endian uint32. A page-crossing write that faults on either page writes nothing.
func (s *Space) Write32(a uint32, v uint32) bool {
	e := &s.wtlb[uint8(a>>pageShift)]
	if e.tag == (a+3)>>pageShift { // false if the access crosses the page
		le.PutUint32(e.page[a&pageMask:], v)
		return true
	}
	return s.write32Slow(a, v)
}

// Write64 writes a little-endian uint64. A page-crossing write that faults on either page writes nothing.
func (s *Space) Write64(a uint32, v uint64) bool {
	e := &s.wtlb[uint8(a>>pageShift)]
	if e.tag == (a+7)>>pageShift { // false if the access crosses the page
		le.PutUint64(e.page[a&pageMask:], v)
		return true
	}
	return s.write64Slow(a, v)
}

// TLB-only forms. Read32, Write32 and the others are a TLB probe plus a call to their slow path,
// which puts them over Go's inlining budget; an interpreter's hot loop inlines these instead and
// calls the full accessor only on a miss:
//
//	v, ok := s.Read32TLB(a)
//	if !ok {
//		v, ok = s.Read32(a)
//	}
//
// A hit (ok=true) is exactly the fast path of the full accessor. A miss does nothing: no fault is
// recorded, no guard page consumed, no TLB entry filled; it only means "ask the full accessor",
// which then succeeds or faults as usual.

// Read8TLB reads a byte if its page is in the read TLB.
func (s *Space) Read8TLB(a uint32) (uint8, bool) {
	e := &s.rtlb[uint8(a>>pageShift)]
	if e.tag == a>>pageShift {
		return e.page[a&pageMask], true
	}
	return 0, false
}

// Read32TLB reads a little-endian uint32 if it lies within one page held by the read TLB.
func (s *Space) Read32TLB(a uint32) (uint32, bool) {
	e := &s.rtlb[uint8(a>>pageShift)]
	if e.tag == (a+3)>>pageShift {
		return le.Uint32(e.page[a&pageMask:]), true
	}
	return 0, false
}

// Write8TLB writes a byte if its page is in the write TLB, and reports whether it did.
func (s *Space) Write8TLB(a uint32, v uint8) bool {
	e := &s.wtlb[uint8(a>>pageShift)]
	if e.tag == a>>pageShift {
		e.page[a&pageMask] = v
		return true
	}
	return false
}

// Write32TLB writes a little-endian uint32 if it lies within one page held by the write TLB, and
// reports whether it did.
func (s *Space) Write32TLB(a uint32, v uint32) bool {
	e := &s.wtlb[uint8(a>>pageShift)]
	if e.tag == (a+3)>>pageShift {
		le.PutUint32(e.page[a&pageMask:], v)
		return true
	}
	return false
}

// MoveTLB copies n bytes from src to dst with copy's (memmove's) semantics if [src, src+n) lies
// within one page held by the read TLB and [dst, dst+n) within one page held by the write TLB, and
// reports whether it did; otherwise it does nothing (like the other TLB-only forms, a miss records
// no fault). It is the bulk form of the TLB hits of Read8/Write8 for string instructions: a copy it
// performs is exactly what n byte accesses would do when dst <= src or the ranges do not overlap
// (the caller must not use it for a forward copy onto an overlapping later destination, where the
// element order matters).
func (s *Space) MoveTLB(dst, src, n uint32) bool {
	if n == 0 {
		return true
	}
	re, we := &s.rtlb[uint8(src>>pageShift)], &s.wtlb[uint8(dst>>pageShift)]
	if re.tag != src>>pageShift || re.tag != (src+n-1)>>pageShift ||
		we.tag != dst>>pageShift || we.tag != (dst+n-1)>>pageShift {
		return false
	}
	so, do := src&pageMask, dst&pageMask
	copy(we.page[do:do+n], re.page[so:so+n])
	return true
}

// FillTLB stores the size-byte (1, 2 or 4) little-endian value v repeatedly over [dst, dst+n) if
// that range lies within one page held by the write TLB and n is a multiple of size, and reports
// whether it did; otherwise it does nothing. It is the bulk form of a run of Write8/16/32 TLB hits.
func (s *Space) FillTLB(dst, n, v uint32, size int) bool {
	if n == 0 {
		return true
	}
	we := &s.wtlb[uint8(dst>>pageShift)]
	if we.tag != dst>>pageShift || we.tag != (dst+n-1)>>pageShift || (size != 1 && size != 2 && size != 4) ||
		n%uint32(size) != 0 {
		return false
	}
	do := dst & pageMask
	b := we.page[do : do+n]
	switch size {
	case 1:
		b[0] = uint8(v)
	case 2:
		le.PutUint16(b, uint16(v))
	default:
		le.PutUint32(b, v)
	}
	for i := size; i < len(b); i *= 2 {
		copy(b[i:], b[:i])
	}
	return true
}

func (s *Space) mode() Access {
	if s.isKernel {
		return AccessKernel
	}
	return 0
}

//go:noinline
func (s *Space) read8Slow(a uint32) (uint8, bool) {
	var b [1]byte
	if !s.read(a, b[:], AccessRead|s.mode()) {
		return 0, false
	}
	return b[0], true
}

//go:noinline
func (s *Space) read16Slow(a uint32) (uint16, bool) {
	var b [2]byte
	if !s.read(a, b[:], AccessRead|s.mode()) {
		return 0, false
	}
	return le.Uint16(b[:]), true
}

//go:noinline
func (s *Space) read32Slow(a uint32) (uint32, bool) {
	var b [4]byte
	if !s.read(a, b[:], AccessRead|s.mode()) {
		return 0, false
	}
	return le.Uint32(b[:]), true
}

//go:noinline
func (s *Space) read64Slow(a uint32) (uint64, bool) {
	var b [8]byte
	if !s.read(a, b[:], AccessRead|s.mode()) {
		return 0, false
	}
	return le.Uint64(b[:]), true
}

//go:noinline
func (s *Space) write8Slow(a uint32, v uint8) bool {
	b := [1]byte{v}
	return s.write(a, b[:], AccessWrite|s.mode())
}

//go:noinline
func (s *Space) write16Slow(a uint32, v uint16) bool {
	var b [2]byte
	le.PutUint16(b[:], v)
	return s.write(a, b[:], AccessWrite|s.mode())
}

//go:noinline
func (s *Space) write32Slow(a uint32, v uint32) bool {
	var b [4]byte
	le.PutUint32(b[:], v)
	return s.write(a, b[:], AccessWrite|s.mode())
}

//go:noinline
func (s *Space) write64Slow(a uint32, v uint64) bool {
	var b [8]byte
	le.PutUint64(b[:], v)
	return s.write(a, b[:], AccessWrite|s.mode())
}

// read copies guest memory at a into buf page by page, stopping at the first fault (s.fault set; buf
// partly filled). Pages are touched in order, so a guard page is consumed only if reached.
func (s *Space) read(a uint32, buf []byte, acc Access) bool {
	for len(buf) > 0 {
		p, o := s.check(a, acc, true)
		if p == nil {
			return false
		}
		if o == s {
			s.fillR(a, p)
		}
		off := a & pageMask
		n := copy(buf, p.data()[off:])
		buf = buf[n:]
		a += uint32(n)
	}
	return true
}

// write copies buf into guest memory at a: all pages are checked first, so a write that faults writes
// nothing (a guard page consumed by the check is the only side effect). Addresses wrap past 4 GiB as
// the CPU's do; a buffer spanning every page always faults (page 0 is never mapped).
func (s *Space) write(a uint32, buf []byte, acc Access) bool {
	if len(buf) == 0 {
		return true
	}
	pages := (uint64(a&pageMask) + uint64(len(buf)) + pageMask) >> pageShift
	pages = min(pages, 1<<(32-pageShift))
	for i, pa := uint64(0), a; i < pages; i, pa = i+1, (pa&^pageMask)+PageSize {
		if p, _ := s.check(pa, acc, true); p == nil {
			return false
		}
	}
	for len(buf) > 0 {
		p, o := s.check(a, acc, false) // cannot fail: checked above
		if p == nil {
			return false
		}
		page := o.prepareWrite(a, p)
		if o == s {
			s.fillW(a, p)
			s.fillR(a, p)
		}
		m := copy(page[a&pageMask:], buf)
		buf = buf[m:]
		a += uint32(m)
	}
	return true
}

// Fetch reads instruction bytes at a with execute access, for the decoder: it fills buf as far as the
// bytes are executable and returns how many it read; ok is n == len(buf). On a short read LastFault
// tells why the byte at a+n is not available. Only the page holding a is accessed for real (a guard
// page there is consumed); later pages are probed without side effects, so a decoder that needs bytes
// beyond a page boundary calls Fetch again from the boundary to raise the fault.
func (s *Space) Fetch(a uint32, buf []byte) (n int, ok bool) {
	consume := true
	for n < len(buf) {
		p, _ := s.check(a, AccessExec|s.mode(), consume)
		if p == nil {
			return n, false
		}
		consume = false
		m := copy(buf[n:], p.data()[a&pageMask:])
		n += m
		a += uint32(m)
	}
	return n, true
}

func bulkAccess(acc Access, kind Access) Access {
	return kind | acc&(AccessKernel|AccessForce)
}

// ReadBytes copies len(buf) bytes at a into buf. acc supplies the options (AccessKernel, AccessForce)
// and may say AccessExec; otherwise the access is a read. The error is a Fault at the first
// inaccessible byte (buf is then partly filled).
func (s *Space) ReadBytes(a uint32, buf []byte, acc Access) error {
	kind := AccessRead
	if acc.Kind() == AccessExec {
		kind = AccessExec
	}
	if !s.read(a, buf, bulkAccess(acc, kind)|s.mode()) {
		return s.fault
	}
	return nil
}

// WriteBytes copies buf into guest memory at a, all or nothing. acc supplies the options
// (AccessKernel, AccessForce); the access is a write. The error is a Fault at the first inaccessible
// byte, and then nothing was written.
func (s *Space) WriteBytes(a uint32, buf []byte, acc Access) error {
	if !s.write(a, buf, bulkAccess(acc, AccessWrite)|s.mode()) {
		return s.fault
	}
	return nil
}

// ReadCString reads a NUL-terminated byte string at a in user mode (kernel mode for the kernel Space),
// looking at no more than max bytes. Without a terminator within max bytes it returns the max bytes
// read and an *Error of kind ErrTooLong. A fault returns the bytes before it and the Fault.
func (s *Space) ReadCString(a uint32, max int) (string, error) {
	var out []byte
	for max > 0 {
		p, _ := s.check(a, AccessRead|s.mode(), true)
		if p == nil {
			return string(out), s.fault
		}
		chunk := p.data()[a&pageMask:]
		if len(chunk) > max {
			chunk = chunk[:max]
		}
		for i, c := range chunk {
			if c == 0 {
				return string(append(out, chunk[:i]...)), nil
			}
		}
		out = append(out, chunk...)
		max -= len(chunk)
		a += uint32(len(chunk))
	}
	return string(out), &Error{"read-string", a, 0, ErrTooLong}
}

// ReadUTF16 reads a NUL-terminated little-endian UTF-16 string at a (no alignment needed), looking at
// no more than maxChars code units, and returns it as UTF-8 (unpaired surrogates become U+FFFD).
// Without a terminator within maxChars units it returns what it read and an *Error of kind
// ErrTooLong; a fault returns what was read before it and the Fault.
func (s *Space) ReadUTF16(a uint32, maxChars int) (string, error) {
	var units []uint16
	var err error
	for i := 0; ; i++ {
		if i >= maxChars {
			err = &Error{"read-utf16", a, 0, ErrTooLong}
			break
		}
		var b [2]byte
		if !s.read(a, b[:], AccessRead|s.mode()) {
			err = s.fault
			break
		}
		u := le.Uint16(b[:])
		if u == 0 {
			break
		}
		units = append(units, u)
		a += 2
	}
	runes := utf16.Decode(units)
	out := make([]byte, 0, len(runes))
	for _, r := range runes {
		out = utf8.AppendRune(out, r)
	}
	return string(out), err
}

// PageGen returns the generation of the page holding a, for the interpreter's translation cache. It
// changes whenever the page is committed, re-protected (a guard page losing its guard bit to a
// fault included), decommitted, released or remapped (ShareFrom,
// MapShared, a copy-on-write copy), and on every write to its bytes after MarkCode, through this or
// any other space sharing the frame in place. Generations are machine-wide sequence numbers, so a
// changed page never shows an earlier value again (until 2^32 changes wrap). A page that never had
// an entry has generation 0.
func (s *Space) PageGen(a uint32) uint32 {
	if p := s.owner(a).lookup(a); p != nil {
		return p.generation()
	}
	return 0
}

// GenEpoch returns the machine-wide generation sequence: it changes whenever any page generation
// (PageGen) of any Space of the machine changes, and only then (nextGen is the only source of
// generations). So while GenEpoch returns the value it returned when a cached translation was
// last checked, every PageGen is unchanged too and the per-page checks can be skipped. Like PageGen
// it wraps after 2^32 changes. Reading it is two loads; it allocates nothing.
func (s *Space) GenEpoch() uint32 { return s.m.genSeq }

// MarkCode records that the page holding a has cached translations: from now on every write to it
// (and to its frame, through any space) goes through the slow path and bumps its generation. The
// mark lasts until the page is decommitted or released. Marking an uncommitted page does nothing.
func (s *Space) MarkCode(a uint32) {
	o := s.owner(a)
	p := o.lookup(a)
	if p == nil || !p.committed {
		return
	}
	if !p.code {
		p.code = true
		o.invalidateWPage(a)
	}
	if p.f != nil {
		s.m.markFrameCode(p.f)
	}
}
