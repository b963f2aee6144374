package loader

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/peek32/peek32/mm"
)

// Module is a PE image mapped into an address space.
type Module struct {
	Name  string // file name ("hello.exe"); from File.Name, else the export directory's name
	Path  string // full guest path, set by the caller
	Base  uint32 // where the image is mapped
	Size  uint32 // SizeOfImage
	Entry uint32 // Base + AddressOfEntryPoint; 0 if the image has none (a DLL without DllMain)
	File  *File
	Space *mm.Space
	// Delta is Base - File.ImageBase (mod 2^32); Relocated says it is non-zero.
	Delta     uint32
	Relocated bool
	// TLS is the image's TLS directory adjusted to Base, with its callbacks
	// read from the mapped (relocated) image; nil without a TLS directory.
	TLS *TLSInfo
	// DelayImports are the delay-load descriptors with their IAT slots (RVAs);
	// the program's own delay helper binds them through LoadLibrary and
	// GetProcAddress at first call, so BindImports leaves them as they are.
	DelayImports []ImportDLL
}

// TLSInfo is what the kernel needs for implicit TLS: at process start it
// allocates a TLS slot index and writes it to IndexAddr; for every thread
// it allocates a block of (TemplateEnd - TemplateStart) + ZeroFill bytes,
// copies the template from the image into it and zero-fills the rest, and
// stores the block in the thread's ThreadLocalStoragePointer array; then it
// calls each callback (DllMain-like: hinstance, reason, reserved) with
// DLL_PROCESS_ATTACH before the entry point, and DLL_THREAD_ATTACH/DETACH
// for each thread. All addresses are VAs in the mapped image.
type TLSInfo struct {
	TemplateStart   uint32   `json:"template_start"`
	TemplateEnd     uint32   `json:"template_end"`
	ZeroFill        uint32   `json:"zero_fill"`
	IndexAddr       uint32   `json:"index_addr"`
	CallbacksAddr   uint32   `json:"callbacks_addr"`
	Callbacks       []uint32 `json:"callbacks"`
	Characteristics uint32   `json:"characteristics"`
}

// HasEntry reports whether the image has an entry point (AddressOfEntryPoint
// != 0). An EXE always has one; a DLL without DllMain does not.
func (m *Module) HasEntry() bool { return m.File.EntryRVA != 0 }

// SectionProt is the protection Map gives a section with the characteristics
// chars: read/write/execute from IMAGE_SCN_MEM_*, writable sections as
// write-copy (ProtCopy) so that processes sharing the image share their pages
// copy-on-write, except IMAGE_SCN_MEM_SHARED sections, which stay shared and
// writable (ProtWrite). Execute-only is readable too, as on x86.
func SectionProt(chars uint32) mm.Prot {
	var p mm.Prot
	if chars&scnRead != 0 {
		p |= mm.ProtRead
	}
	if chars&scnExecute != 0 {
		p |= mm.ProtExec | mm.ProtRead
	}
	if chars&scnWrite != 0 {
		p |= mm.ProtRead
		if chars&scnShared != 0 {
			p |= mm.ProtWrite
		} else {
			p |= mm.ProtCopy
		}
	}
	return p
}

// imageAllocProt is the allocation protection of image reservations
// (Windows reports PAGE_EXECUTE_WRITECOPY).
const imageAllocProt = mm.ProtRead | mm.ProtExec | mm.ProtCopy

func placement(format string, args ...any) error {
	return &FormatError{Kind: KindPlacement, Detail: fmt.Sprintf(format, args...)}
}

// Map maps the image into space: it reserves SizeOfImage bytes as an image
// region, copies the headers and sections (file bytes, zero-filled tails),
// applies base relocations if the image does not sit at its preferred base,
// and sets each part's protection (headers read-only; sections by their
// characteristics, see SectionProt; a low-alignment image is one
// read/write/execute write-copy block, as on Windows).
//
// base 0 maps at the preferred ImageBase, or, if that range is taken or
// unusable, at the lowest free address (the image must then have
// relocations). A non-zero base (64 KiB aligned) maps exactly there,
// relocating as needed (callers randomizing placement pass one). An image
// without relocations that cannot be placed fails with a KindPlacement
// error. On failure nothing stays reserved in space.
func (f *File) Map(space *mm.Space, base uint32) (m *Module, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, malformed("internal mapping failure (%v)", r)
		}
	}()
	return f.mapAt(space, base)
}

func (f *File) mapAt(space *mm.Space, base uint32) (m *Module, err error) {
	if space == nil {
		return nil, errors.New("loader: Map with a nil space")
	}
	size := f.SizeOfImage
	if base != 0 {
		if base%mm.AllocGranularity != 0 {
			return nil, placement("the requested base 0x%x is not 64 KiB aligned", base)
		}
		if base != f.ImageBase && !f.HasRelocs {
			return nil, placement("the image has no relocations, so it can only be mapped at its preferred base 0x%x, not 0x%x", f.ImageBase, base)
		}
		got, err := space.Reserve(base, size, imageAllocProt, mm.TypeImage, false)
		if err != nil {
			return nil, &FormatError{Kind: KindPlacement, Detail: fmt.Sprintf("cannot reserve 0x%x bytes at 0x%x", size, base), Err: err}
		}
		base = got
	} else {
		pref := f.ImageBase
		var rerr error = errors.New("the preferred base is not 64 KiB aligned or not in the user half")
		ok := false
		if pref%mm.AllocGranularity == 0 && pref >= mm.UserMin && uint64(pref)+uint64(size) <= mm.UserMax {
			var got uint32
			got, rerr = space.Reserve(pref, size, imageAllocProt, mm.TypeImage, false)
			if rerr == nil {
				base, ok = got, true
			}
		}
		if !ok {
			if !f.HasRelocs {
				return nil, &FormatError{Kind: KindPlacement, Detail: fmt.Sprintf("the image has no relocations and its preferred base 0x%x (size 0x%x) is not available", pref, size), Err: rerr}
			}
			got, err := space.Reserve(0, size, imageAllocProt, mm.TypeImage, false)
			if err != nil {
				return nil, &FormatError{Kind: KindPlacement, Detail: fmt.Sprintf("no free range of 0x%x bytes for the image", size), Err: err}
			}
			base = got
		}
	}
	defer func() {
		if err != nil {
			_ = space.Release(base)
		}
	}()
	if err := f.copySegments(space, base); err != nil {
		return nil, err
	}
	m = &Module{Name: f.Name, Base: base, Size: size, File: f, Space: space, Delta: base - f.ImageBase,
		DelayImports: f.DelayImports}
	if m.Name == "" && f.Exports != nil {
		m.Name = f.Exports.DLLName
	}
	if f.EntryRVA != 0 || !f.IsDLL {
		m.Entry = base + f.EntryRVA
	}
	if m.Delta != 0 {
		m.Relocated = true
		if err := f.relocate(space, base, m.Delta); err != nil {
			return nil, err
		}
	}
	if err := f.protectSegments(space, base); err != nil {
		return nil, err
	}
	if f.TLS != nil {
		if m.TLS, err = f.mappedTLS(space, m.Delta); err != nil {
			return nil, err
		}
	}
	return m, nil
}

const rw = mm.ProtRead | mm.ProtWrite

func pageSpan(rva, size uint32) (uint32, uint32) {
	lo := rva &^ (pageSize - 1)
	hi := (uint64(rva) + uint64(size) + pageSize - 1) &^ (pageSize - 1)
	return lo, uint32(hi - uint64(lo))
}

// copySegments commits every segment read/write and writes its file bytes.
func (f *File) copySegments(space *mm.Space, base uint32) error {
	for _, s := range f.segs {
		if s.Size == 0 {
			continue
		}
		lo, n := pageSpan(s.RVA, s.Size)
		if err := space.Commit(base+lo, n, rw); err != nil {
			return &FormatError{Kind: KindPlacement, Detail: fmt.Sprintf("cannot commit 0x%x bytes at 0x%x", n, base+lo), Err: err}
		}
		if s.FileLen == 0 {
			continue
		}
		src := f.data[s.Off : uint64(s.Off)+uint64(s.FileLen)]
		if err := space.WriteBytes(base+s.RVA, src, mm.AccessWrite|mm.AccessForce); err != nil {
			return &FormatError{Kind: KindPlacement, Detail: fmt.Sprintf("cannot write the image at 0x%x", base+s.RVA), Err: err}
		}
	}
	return nil
}

// prot is the segment's final protection: read-only for the headers, SectionProt for a section.
func (s segment) prot() mm.Prot {
	if s.Headers {
		return mm.ProtRead
	}
	return SectionProt(s.Chars)
}

// protectSegments gives every segment its final protection.
func (f *File) protectSegments(space *mm.Space, base uint32) error {
	for _, s := range f.segs {
		if s.Size == 0 {
			continue
		}
		p := s.prot()
		lo, n := pageSpan(s.RVA, s.Size)
		if _, err := space.Protect(base+lo, n, p); err != nil {
			return &FormatError{Kind: KindPlacement, Detail: fmt.Sprintf("cannot protect 0x%x bytes at 0x%x", n, base+lo), Err: err}
		}
	}
	return nil
}

// relocate applies the base relocations for a move by delta.
func (f *File) relocate(space *mm.Space, base, delta uint32) error {
	var b [4]byte
	const acc = mm.AccessForce
	for _, r := range f.Relocs {
		a := base + r.RVA
		switch r.Type {
		case RelAbsolute:
			continue
		case RelHighLow:
			if err := space.ReadBytes(a, b[:], mm.AccessRead|acc); err != nil {
				return malformed("a base relocation targets 0x%x, which is not part of a section", a)
			}
			binary.LittleEndian.PutUint32(b[:], binary.LittleEndian.Uint32(b[:])+delta)
			if err := space.WriteBytes(a, b[:], mm.AccessWrite|acc); err != nil {
				return malformed("a base relocation targets 0x%x, which is not part of a section", a)
			}
		case RelHigh, RelLow:
			if err := space.ReadBytes(a, b[:2], mm.AccessRead|acc); err != nil {
				return malformed("a base relocation targets 0x%x, which is not part of a section", a)
			}
			v := binary.LittleEndian.Uint16(b[:])
			if r.Type == RelHigh {
				v += uint16(delta >> 16)
			} else {
				v += uint16(delta)
			}
			binary.LittleEndian.PutUint16(b[:], v)
			if err := space.WriteBytes(a, b[:2], mm.AccessWrite|acc); err != nil {
				return malformed("a base relocation targets 0x%x, which is not part of a section", a)
			}
		default:
			return malformed("base relocation type %s at RVA 0x%x is not supported for x86 images", RelocTypeName(r.Type), r.RVA)
		}
	}
	return nil
}

// mappedTLS reads the TLS directory's callbacks from the mapped image.
func (f *File) mappedTLS(space *mm.Space, delta uint32) (*TLSInfo, error) {
	t := f.TLS
	ti := &TLSInfo{TemplateStart: t.StartVA + delta, TemplateEnd: t.EndVA + delta, ZeroFill: t.ZeroFill,
		Characteristics: t.Characteristics}
	if t.StartVA == 0 && t.EndVA == 0 {
		ti.TemplateStart, ti.TemplateEnd = 0, 0
	}
	if t.IndexVA != 0 {
		ti.IndexAddr = t.IndexVA + delta
	}
	if t.CallbacksVA == 0 {
		return ti, nil
	}
	ti.CallbacksAddr = t.CallbacksVA + delta
	var b [4]byte
	for i := 0; ; i++ {
		if err := space.ReadBytes(ti.CallbacksAddr+4*uint32(i), b[:], mm.AccessRead|mm.AccessForce); err != nil {
			return nil, malformed("the TLS callback array at 0x%x runs into unmapped memory", ti.CallbacksAddr)
		}
		cb := binary.LittleEndian.Uint32(b[:])
		if cb == 0 {
			return ti, nil
		}
		if i >= f.lim.MaxTLSCallbacks {
			return nil, tooLarge("more than %d TLS callbacks", f.lim.MaxTLSCallbacks)
		}
		ti.Callbacks = append(ti.Callbacks, cb)
	}
}

// Resolver binds imports. The kernel implements it: it finds or loads the
// DLL (a real one available to the machine, else the built-in one;
// api-ms-win-* names through ResolveAPISet), follows export forwarders
// (ResolveExport helps), and returns the address to store in the IAT. For a
// function it does not implement it returns the address of a named trap
// rather than an error, so loading goes on; an error stops BindImports.
type Resolver interface {
	// ResolveImport returns the address bound into the IAT for one import
	// of importer. dll is as written in the import table; name is the
	// function name when byOrdinal is false, else ordinal is used.
	ResolveImport(importer *Module, dll string, name string, ordinal uint16, byOrdinal bool) (uint32, error)
}

// ImportError is returned by BindImports when the Resolver fails for one
// import. It unwraps to the Resolver's error; as a *FormatError it has
// KindImport (see KindOf).
type ImportError struct {
	Module string
	DLL    string
	Func   string // "Name" or "#ordinal"
	Err    error
}

func (e *ImportError) Error() string {
	s := fmt.Sprintf("%s cannot start: %s from %s could not be resolved", e.Module, e.Func, e.DLL)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *ImportError) Unwrap() error { return e.Err }

// BindImports resolves every import of the import directory through r and
// writes the addresses into the IAT (ignoring page protection, as the
// Windows loader does). Delay-load descriptors are left as the file has
// them (see Module.DelayImports). It stops at the first failure with an
// *ImportError wrapped in a KindImport *FormatError.
func (m *Module) BindImports(r Resolver) error {
	var b [4]byte
	for _, d := range m.File.Imports {
		for _, fn := range d.Funcs {
			addr, err := r.ResolveImport(m, d.DLL, fn.Name, fn.Ordinal, fn.ByOrdinal)
			if err != nil {
				ie := &ImportError{Module: m.Name, DLL: d.DLL, Func: fn.String(), Err: err}
				return &FormatError{Kind: KindImport, Detail: ie.Error(), Err: ie}
			}
			binary.LittleEndian.PutUint32(b[:], addr)
			if err := m.Space.WriteBytes(m.Base+fn.IATRVA, b[:], mm.AccessWrite|mm.AccessForce); err != nil {
				return malformed("the IAT slot of %s!%s at 0x%x is not writable memory", d.DLL, fn, m.Base+fn.IATRVA)
			}
		}
	}
	return nil
}

// Exports returns the module's exports with Addr set (0 for forwarders).
func (m *Module) Exports() []Export {
	if m.File.Exports == nil {
		return nil
	}
	out := append([]Export(nil), m.File.Exports.Entries...)
	for i := range out {
		if out[i].Forwarder == "" {
			out[i].Addr = m.Base + out[i].RVA
		}
	}
	return out
}

// FindExport looks an export up by name (exact, case-sensitive, as
// GetProcAddress) or by ordinal. Addr is set unless it is a forwarder.
func (m *Module) FindExport(name string, ordinal uint16, byOrdinal bool) (Export, bool) {
	e, ok := m.File.Exports.lookup(name, ordinal, byOrdinal)
	if ok && e.Forwarder == "" {
		e.Addr = m.Base + e.RVA
	}
	return e, ok
}

// ParseForwarder splits an export forwarder string: "NTDLL.RtlAllocateHeap"
// gives ("NTDLL.dll", "RtlAllocateHeap", 0, false); "KERNEL32.#12" gives
// ("KERNEL32.dll", "", 12, true). The module part is everything before the
// last dot; ".dll" is appended to it.
func ParseForwarder(s string) (dll, name string, ordinal uint16, byOrdinal bool, err error) {
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || i == len(s)-1 {
		return "", "", 0, false, fmt.Errorf("loader: malformed export forwarder %q", s)
	}
	dll, name = s[:i]+".dll", s[i+1:]
	if name[0] == '#' {
		n, perr := strconv.ParseUint(name[1:], 10, 16)
		if perr != nil || n == 0 {
			return "", "", 0, false, fmt.Errorf("loader: malformed ordinal in export forwarder %q", s)
		}
		return dll, "", uint16(n), true, nil
	}
	return dll, name, 0, false, nil
}

// MaxForwarderDepth bounds forwarder chains (and so breaks forwarder loops).
const MaxForwarderDepth = 16

// ExportNotFoundError says a module has no such export.
type ExportNotFoundError struct {
	Module string
	Func   string // "Name" or "#ordinal"
}

func (e *ExportNotFoundError) Error() string {
	return fmt.Sprintf("%s does not export %s", e.Module, e.Func)
}

// ResolveExport finds an export of m and follows forwarders through lookup
// (which returns the module a forwarder names, loading it if needed; the dll
// name is as ParseForwarder gives it, e.g. "NTDLL.dll"), up to
// MaxForwarderDepth links. It returns the final address.
func ResolveExport(m *Module, name string, ordinal uint16, byOrdinal bool, lookup func(dll string) (*Module, error)) (uint32, error) {
	for depth := 0; ; depth++ {
		if depth > MaxForwarderDepth {
			return 0, fmt.Errorf("loader: export forwarder chain from %s is longer than %d links (a loop?)", m.Name, MaxForwarderDepth)
		}
		e, ok := m.FindExport(name, ordinal, byOrdinal)
		if !ok {
			fn := name
			if byOrdinal {
				fn = "#" + itoa(uint32(ordinal))
			}
			return 0, &ExportNotFoundError{Module: m.Name, Func: fn}
		}
		if e.Forwarder == "" {
			return e.Addr, nil
		}
		dll, n, o, bo, err := ParseForwarder(e.Forwarder)
		if err != nil {
			return 0, err
		}
		next, err := lookup(dll)
		if err != nil {
			return 0, fmt.Errorf("loader: export forwarder %s of %s: %w", e.Forwarder, m.Name, err)
		}
		if next == nil {
			return 0, fmt.Errorf("loader: export forwarder %s of %s: module not found", e.Forwarder, m.Name)
		}
		m, name, ordinal, byOrdinal = next, n, o, bo
	}
}

// ShareInto maps the same image into dst at the same base, sharing m's
// frames instead of copying the file again: read-only pages are shared,
// writable ones (write-copy) are shared copy-on-write, so the first write by
// either space gives it a private copy (PROCESS_MODEL.md §6). Share from a
// module no process runs (a prototype space the kernel keeps per image), so
// that dst sees the pristine, relocated image; BindImports on the result
// writes dst's own IAT (the forced write copies the shared page first). It
// fails with KindPlacement if the range is not free in dst; the caller may
// then Map the File afresh (relocating).
func (m *Module) ShareInto(dst *mm.Space) (out *Module, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, malformed("internal mapping failure (%v)", r)
		}
	}()
	f := m.File
	base, err := dst.Reserve(m.Base, m.Size, imageAllocProt, mm.TypeImage, false)
	if err != nil {
		return nil, &FormatError{Kind: KindPlacement, Detail: fmt.Sprintf("cannot reserve 0x%x bytes at 0x%x to share the image", m.Size, m.Base), Err: err}
	}
	for _, s := range f.segs {
		if s.Size == 0 {
			continue
		}
		p := s.prot()
		lo, n := pageSpan(s.RVA, s.Size)
		if err := dst.ShareFrom(m.Space, m.Base+lo, base+lo, n, p, mm.TypeImage); err != nil {
			_ = dst.Release(base)
			return nil, &FormatError{Kind: KindPlacement, Detail: fmt.Sprintf("cannot share 0x%x bytes at 0x%x", n, base+lo), Err: err}
		}
	}
	c := *m
	c.Space = dst
	return &c, nil
}
