package win32

// File mappings (sections): CreateFileMapping, OpenFileMapping, MapViewOfFile(Ex), UnmapViewOfFile,
// FlushViewOfFile.
//
// A section owns a backing address space (an mm.Space no process runs) in which its pages are committed once.
// A view maps a range of those pages into a process with mm's MapShared: the frames are shared in place, so a
// write through any view (in any process) is seen by every other view at once, and the memory map shows the
// view as TypeMapped. A FILE_MAP_COPY view maps the same frames copy-on-write: it sees others' writes until it
// writes a page itself. A file-backed section is loaded from the file when it is created; writable views write
// their pages back to the file on FlushViewOfFile and UnmapViewOfFile, and when the process ends. (Between
// those, ReadFile on the file does not see writes made through a view: Windows' cache coherence is not
// modelled.)
//
// Named sections live in the kernel's namespace of named objects (kernel.Namespace), with events, mutexes and
// semaphores: a name is case-sensitive and lasts while the section object does (a handle or a view). Creating
// an existing section's name opens it and sets ERROR_ALREADY_EXISTS; a name taken by an object of another type
// fails with ERROR_INVALID_HANDLE.

import (
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/mm"
)

func init() {
	kernel32.Add(
		Export{Name: "CreateFileMappingA", ArgBytes: 24, Handler: func(c *Call) { createFileMapping(c, false) }, Note: "SEC_* flags ignored"},
		Export{Name: "CreateFileMappingW", ArgBytes: 24, Handler: func(c *Call) { createFileMapping(c, true) }, Note: "SEC_* flags ignored"},
		Export{Name: "MapViewOfFile", ArgBytes: 20, Handler: func(c *Call) { mapViewOfFile(c, false) }},
		Export{Name: "MapViewOfFileEx", ArgBytes: 24, Handler: func(c *Call) { mapViewOfFile(c, true) }},
		Export{Name: "UnmapViewOfFile", ArgBytes: 4, Handler: unmapViewOfFile},
		Export{Name: "FlushViewOfFile", ArgBytes: 8, Handler: flushViewOfFile},
	)
}

// Constants not (yet) in abi.
const (
	fileMapCopy        = 0x0001
	fileMapWrite       = 0x0002
	fileMapRead        = 0x0004
	fileMapExecute     = 0x0020
	errMappedAlignment = abi.Errno(1132) // ERROR_MAPPED_ALIGNMENT
	errFileInvalid     = abi.Errno(1006) // ERROR_FILE_INVALID
	fileWriteData      = 0x0002          // FILE_WRITE_DATA
)

// Section is a file-mapping object.
type Section struct {
	kernel.ObjectHeader
	// Size is the section's size in bytes; Prot its page protection (PAGE_READONLY, PAGE_READWRITE,
	// PAGE_WRITECOPY or an EXECUTE_ variant).
	Size, Prot uint32
	backing    *mm.Space
	base       uint32
	file       *FileObject // nil: backed by the paging file
}

// view is one mapped view of a section in a process.
type view struct {
	sec              *Section
	base, size, off  uint32
	writable, copied bool
}

// machineObjects is the machine-wide state of named pipes, and an index of the named sections by canonical
// name (the sections themselves are found through the kernel namespace; kernel32_named.go consults the index).
type machineObjects struct {
	sections map[string]*Section
	pipes    map[string]*pipeServer
}

// objects returns the machine-wide named-object state.
func (s *System) objects() *machineObjects {
	if s.named == nil {
		s.named = &machineObjects{sections: map[string]*Section{}, pipes: map[string]*pipeServer{}}
	}
	return s.named
}

// objectName is the canonical namespace name of n (see kernel.CanonicalName).
func objectName(n string) string {
	canon, _ := kernel.CanonicalName(n)
	return canon
}

// views returns the calling process's views by base address.
func viewsOf(p *kernel.Process) map[uint32]*view {
	st := State(p)
	if st == nil {
		return nil
	}
	v, _ := st.Ext["xproc.views"].(map[uint32]*view)
	if v == nil {
		v = map[uint32]*view{}
		st.Ext["xproc.views"] = v
	}
	return v
}

// sectionProt checks a PAGE_* value for a section and returns its base protection (without SEC_ flags).
func sectionProt(p uint32) (uint32, bool) {
	switch p & 0xFF {
	case abi.PAGE_READONLY, abi.PAGE_READWRITE, abi.PAGE_WRITECOPY, abi.PAGE_EXECUTE_READ,
		abi.PAGE_EXECUTE_READWRITE, abi.PAGE_EXECUTE_WRITECOPY:
		return p & 0xFF, true
	}
	return 0, false
}

func createFileMapping(c *Call, wide bool) {
	hf, prot, hi, lo := c.Arg(0), c.Arg(2), c.Arg(3), c.Arg(4)
	c.Arg(1)
	name, ok := c.strArg(5, wide)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	sp, ok := sectionProt(prot)
	if !ok {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	name, st := kernel.CanonicalName(name)
	switch st {
	case kernel.NameBadPath:
		c.Fail(abi.ERROR_PATH_NOT_FOUND, 0)
		return
	case kernel.NameEmpty:
		name = ""
	}
	if name != "" {
		if old := c.K.Names().Lookup(name); old != nil {
			sec, isS := old.(*Section)
			if !isS {
				c.Fail(abi.ERROR_INVALID_HANDLE, 0)
				return
			}
			h, ok := c.P.Handles.Insert(sec, 0xF001F, false)
			if !ok {
				c.Fail(abi.ERROR_TOO_MANY_OPEN_FILES, 0)
				return
			}
			c.Fail(abi.ERROR_ALREADY_EXISTS, uint32(h))
			return
		}
	}
	if hi != 0 {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	size := lo
	var fo *FileObject
	var data []byte
	if hf != abi.InvalidHandleValue {
		ent, ok := c.P.Handles.Get(kernel.Handle(hf))
		if ok {
			fo, ok = ent.Object.(*FileObject)
		}
		if !ok || fo.F.Device != "" {
			c.Fail(abi.ERROR_INVALID_HANDLE, 0)
			return
		}
		writable := ent.Access&(abi.GENERIC_WRITE|abi.GENERIC_ALL|fileWriteData) != 0
		if (sp == abi.PAGE_READWRITE || sp == abi.PAGE_EXECUTE_READWRITE) && !writable {
			c.Fail(abi.ERROR_ACCESS_DENIED, 0)
			return
		}
		fsize := fo.F.Size()
		if size == 0 {
			if fsize == 0 {
				c.Fail(errFileInvalid, 0)
				return
			}
			if fsize > MaxCopy {
				c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
				return
			}
			size = uint32(fsize)
		}
		if int64(size) > fsize && !writable {
			c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
			return
		}
		if data, ok = readWholeFile(fo, min(int64(size), fsize)); !ok {
			c.Fail(abi.ERROR_READ_FAULT, 0)
			return
		}
		if int64(size) > fsize { // Windows extends the file to the section's size
			_ = writeFileAt(fo, fsize, make([]byte, int64(size)-fsize))
		}
	} else if size == 0 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	if size > 1<<30 {
		c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
		return
	}
	sec, e := newSection(c, name, size, sp, fo, data)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	h, ok := c.P.Handles.Insert(sec, 0xF001F, false)
	sec.Unref()
	if !ok {
		c.Fail(abi.ERROR_TOO_MANY_OPEN_FILES, 0)
		return
	}
	c.Succeed(uint32(h))
}

// newSection creates a section of size bytes with its backing pages (holding data at the start) and enters
// it in the namespace under name.
func newSection(c *Call, name string, size, prot uint32, fo *FileObject, data []byte) (*Section, abi.Errno) {
	back := c.K.Mem().NewSpace()
	rsize := roundUp(size, mm.AllocGranularity)
	base, err := back.Reserve(0, rsize, mm.ProtRead|mm.ProtWrite, mm.TypeMapped, false)
	if err == nil {
		err = back.Commit(base, roundUp(size, mm.PageSize), mm.ProtRead|mm.ProtWrite)
	}
	if err == nil && len(data) > 0 {
		err = back.WriteBytes(base, data, mm.AccessWrite)
	}
	if err != nil {
		_ = back.Close()
		return nil, abi.ERROR_NOT_ENOUGH_MEMORY
	}
	sec := &Section{Size: size, Prot: prot, backing: back, base: base, file: fo}
	objs := c.S.objects()
	sec.Init(kernel.TypeSection, name, func() {
		if name != "" && objs.sections[name] == sec {
			delete(objs.sections, name)
		}
		_ = back.Close()
		if sec.file != nil {
			sec.file.Unref()
		}
	})
	if fo != nil {
		fo.Ref()
	}
	if name != "" {
		c.K.Names().Insert(sec)
		objs.sections[name] = sec
	}
	return sec, 0
}

// readWholeFile reads the first n bytes of f's file without moving its file pointer.
func readWholeFile(f *FileObject, n int64) ([]byte, bool) {
	pos, err := f.F.Seek(0, 1)
	if err != nil {
		return nil, false
	}
	defer func() { _, _ = f.F.Seek(pos, 0) }()
	if _, err := f.F.Seek(0, 0); err != nil {
		return nil, false
	}
	b := make([]byte, n)
	got := 0
	for got < len(b) {
		k, err := f.F.Read(b[got:])
		if k == 0 || err != nil {
			break
		}
		got += k
	}
	return b, true
}

// writeFileAt writes b at offset off of f's file without moving its file pointer.
func writeFileAt(f *FileObject, off int64, b []byte) error {
	pos, err := f.F.Seek(0, 1)
	if err != nil {
		return err
	}
	defer func() { _, _ = f.F.Seek(pos, 0) }()
	if _, err := f.F.Seek(off, 0); err != nil {
		return err
	}
	_, err = f.F.Write(b)
	return err
}

func openFileMapping(c *Call, wide bool) {
	access, inherit := c.Arg(0), c.Arg(1) != 0
	name, ok := c.strArg(2, wide)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	canon, st := kernel.CanonicalName(name)
	switch st {
	case kernel.NameEmpty:
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	case kernel.NameBadPath:
		c.Fail(abi.ERROR_PATH_NOT_FOUND, 0)
		return
	}
	o := c.K.Names().Lookup(canon)
	if o == nil {
		c.Fail(abi.ERROR_FILE_NOT_FOUND, 0)
		return
	}
	sec, isS := o.(*Section)
	if !isS {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if access&fileMapWrite != 0 && (sec.Prot == abi.PAGE_READONLY || sec.Prot == abi.PAGE_EXECUTE_READ) {
		c.Fail(abi.ERROR_ACCESS_DENIED, 0)
		return
	}
	h, ok := c.P.Handles.Insert(sec, access, inherit)
	if !ok {
		c.Fail(abi.ERROR_TOO_MANY_OPEN_FILES, 0)
		return
	}
	c.Return(uint32(h)) // success leaves the last error alone, as kernel32's OpenFileMapping does
}

func mapViewOfFile(c *Call, ex bool) {
	o, ok := c.Object(c.Arg(0))
	access, hi, off, n := c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4)
	var want uint32
	if ex {
		want = c.Arg(5)
	}
	sec, isS := o.(*Section)
	if !ok || !isS {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	readOnly := sec.Prot == abi.PAGE_READONLY || sec.Prot == abi.PAGE_EXECUTE_READ
	execOK := sec.Prot&(abi.PAGE_EXECUTE_READ|abi.PAGE_EXECUTE_READWRITE|abi.PAGE_EXECUTE_WRITECOPY) != 0
	copyOnly := sec.Prot == abi.PAGE_WRITECOPY || sec.Prot == abi.PAGE_EXECUTE_WRITECOPY
	var prot mm.Prot
	switch {
	case access == 0:
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	case access&^fileMapExecute == fileMapCopy: // FILE_MAP_COPY alone (its bit is also SECTION_QUERY, part of FILE_MAP_ALL_ACCESS)
		prot = mm.ProtRead | mm.ProtCopy
	case access&fileMapWrite != 0:
		if readOnly || copyOnly {
			c.Fail(abi.ERROR_ACCESS_DENIED, 0)
			return
		}
		prot = mm.ProtRead | mm.ProtWrite
	case access&fileMapRead != 0:
		prot = mm.ProtRead
	default:
		if access&fileMapExecute == 0 {
			c.Fail(abi.ERROR_ACCESS_DENIED, 0)
			return
		}
		prot = mm.ProtRead
	}
	if access&fileMapExecute != 0 {
		if !execOK {
			c.Fail(abi.ERROR_ACCESS_DENIED, 0)
			return
		}
		prot |= mm.ProtExec
	}
	switch {
	case hi != 0 || off%mm.AllocGranularity != 0 || want%mm.AllocGranularity != 0:
		c.Fail(errMappedAlignment, 0)
		return
	case off >= sec.Size || (n != 0 && uint64(off)+uint64(n) > uint64(sec.Size)):
		c.Fail(abi.ERROR_ACCESS_DENIED, 0)
		return
	}
	if n == 0 {
		n = sec.Size - off
	}
	size := roundUp(n, mm.PageSize)
	s := c.Mem
	base := want
	if base == 0 {
		var err error
		if base, err = s.Reserve(0, size, prot, mm.TypeMapped, false); err != nil {
			c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
			return
		}
	} else if info, err := s.Query(base); err != nil || info.State != mm.StateFree || info.Size < size {
		c.Fail(abi.ERROR_INVALID_ADDRESS, 0)
		return
	}
	if err := s.MapShared(sec.backing, sec.base+off, base, size, prot, mm.TypeMapped); err != nil {
		if want == 0 {
			_ = s.Release(base)
		}
		c.Fail(memErr(err), 0)
		return
	}
	sec.Ref()
	viewsOf(c.P)[base] = &view{sec: sec, base: base, size: size, off: off,
		writable: prot&mm.ProtWrite != 0, copied: prot&mm.ProtCopy != 0}
	c.Succeed(base)
}

// viewAt returns the view of p containing addr.
func viewAt(p *kernel.Process, addr uint32) *view {
	for _, v := range viewsOf(p) {
		if addr >= v.base && addr-v.base < v.size {
			return v
		}
	}
	return nil
}

// flushView writes [addr, addr+n) of a writable file-backed view back to the file (n clipped to the view and
// to the section).
func flushView(p *kernel.Process, v *view, addr, n uint32) error {
	if v.sec.file == nil || !v.writable {
		return nil
	}
	end := v.base + min(v.size, v.sec.Size-v.off)
	if n == 0 || addr+n > end || addr+n < addr {
		n = end - addr
	}
	if addr >= end {
		return nil
	}
	b := make([]byte, n)
	if err := p.Space.ReadBytes(addr, b, mm.AccessRead|mm.AccessForce); err != nil {
		return err
	}
	return writeFileAt(v.sec.file, int64(v.off+(addr-v.base)), b)
}

// unmapView flushes and removes v from p.
func unmapView(p *kernel.Process, v *view) {
	_ = flushView(p, v, v.base, 0)
	_ = p.Space.Release(v.base)
	delete(viewsOf(p), v.base)
	v.sec.Unref()
}

func unmapViewOfFile(c *Call) {
	addr := c.Arg(0)
	v := viewAt(c.P, addr)
	if v == nil {
		c.Fail(abi.ERROR_INVALID_ADDRESS, 0)
		return
	}
	unmapView(c.P, v)
	c.Return(1)
}

func flushViewOfFile(c *Call) {
	addr, n := c.Arg(0), c.Arg(1)
	v := viewAt(c.P, addr)
	if v == nil {
		c.Fail(abi.ERROR_INVALID_ADDRESS, 0)
		return
	}
	if err := flushView(c.P, v, addr, n); err != nil {
		c.Fail(errno(err), 0)
		return
	}
	c.Return(1)
}

// endProcessObjects releases what a process holds in this file's objects when it ends: its views are written
// back and unmapped.
func endProcessObjects(p *kernel.Process) {
	vs := viewsOf(p)
	bases := make([]uint32, 0, len(vs))
	for b := range vs {
		bases = append(bases, b)
	}
	for _, b := range bases {
		unmapView(p, vs[b])
	}
}
