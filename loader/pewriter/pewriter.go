// Package pewriter emits small, valid PE32 (i386) images from a declarative
// description: sections with data, an import directory (by name and by
// ordinal), delay-load imports, an export directory (names, ordinals with
// gaps, forwarders), base relocations (HIGHLOW, or any raw type for tests),
// a TLS directory with a template, index and callbacks, and a COFF symbol
// table.
//
// It serves two users: the loader's tests, which need precise hostile and
// friendly inputs, and the emulated system DLLs in core/win32, which are
// synthesized as real PE files (an export directory plus a thunk section) and
// loaded through the loader like any DLL.
//
// The model is two-phase. Layout assigns every RVA (sections in the order
// given, then the generated .idata, .didat, .edata, .tls and .reloc) from
// the sizes alone, so code that must embed an address (an IAT slot, a TLS
// index, a VA inside its own section) can be written after Layout and before
// Build, as long as section data keeps its length. Build calls Layout again
// and emits the file; it fails (never panics) on inconsistent input.
//
//	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole}
//	text := img.AddSection(".text", code, pewriter.Code)
//	img.Imports = []pewriter.Import{{DLL: "KERNEL32.dll", Funcs: []pewriter.ImportFunc{{Name: "ExitProcess"}}}}
//	img.Entry = pewriter.Ref{Section: text}
//	l, _ := img.Layout()
//	slot := l.IAT("KERNEL32.dll", "ExitProcess") // RVA of the IAT slot
//	... patch code with img.ImageBase+slot ...
//	data, err := img.Build()
package pewriter

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// Section characteristics (IMAGE_SCN_*) and common combinations.
const (
	CntCode      = 0x00000020
	CntInitData  = 0x00000040
	CntUninit    = 0x00000080
	MemShared    = 0x10000000
	MemExecute   = 0x20000000
	MemRead      = 0x40000000
	MemWrite     = 0x80000000
	Code         = CntCode | MemExecute | MemRead
	ReadOnlyData = CntInitData | MemRead
	Data         = CntInitData | MemRead | MemWrite
	BSS          = CntUninit | MemRead | MemWrite
)

// Subsystems.
const (
	SubsystemNative  = 1
	SubsystemGUI     = 2
	SubsystemConsole = 3
)

// Base relocation types.
const (
	RelAbsolute = 0
	RelHighLow  = 3
)

// Section is one section of the image. VirtualSize 0 means len(Data);
// a VirtualSize larger than len(Data) gives a zero-filled tail.
type Section struct {
	Name        string
	Data        []byte
	VirtualSize uint32
	Chars       uint32
	// Relocs are offsets in Data of dwords holding VAs (for ImageBase),
	// emitted as HIGHLOW base relocations.
	Relocs []uint32
	// RawRelocs are emitted as given (type and offset), for tests of
	// ABSOLUTE padding and unsupported types.
	RawRelocs []Reloc

	RVA uint32 // set by Layout
}

// Reloc is a raw base relocation entry at Offset in its section.
type Reloc struct {
	Offset uint32
	Type   uint8
}

// Ref names a place in the image: an offset within a section.
type Ref struct {
	Section *Section
	Offset  uint32
}

// ImportFunc is an imported function: by Name, or by Ordinal when Name is "".
type ImportFunc struct {
	Name    string
	Hint    uint16
	Ordinal uint16
}

// Import is one DLL's imports.
type Import struct {
	DLL   string
	Funcs []ImportFunc
}

// ExportFunc is one export. It points at Target, or is a forwarder when
// Forwarder is set ("NTDLL.RtlAllocateHeap", "KERNEL32.#12"). Ordinal 0
// means "the next free ordinal"; Name "" exports by ordinal only.
type ExportFunc struct {
	Name      string
	Ordinal   uint16
	Target    Ref
	Forwarder string
}

// Exports is the export directory.
type Exports struct {
	DLLName string
	Base    uint16 // ordinal base; 0 means 1
	Funcs   []ExportFunc
}

// TLS describes the TLS directory. The generated .tls section holds the
// template (Template bytes, then ZeroFill zero bytes at run time), the index
// slot and the callback array.
type TLS struct {
	Template  []byte
	ZeroFill  uint32
	Callbacks []Ref
}

// Symbol is a COFF symbol to emit (external, in a section).
type Symbol struct {
	Name string
	At   Ref
}

// Image describes a PE32 file. Zero values give a console EXE at 0x400000
// with 0x1000 section and 0x200 file alignment.
type Image struct {
	ImageBase        uint32
	SectionAlignment uint32
	FileAlignment    uint32
	DLL              bool
	Subsystem        uint16
	Machine          uint16 // default 0x14c (i386)
	// RelocsStripped sets IMAGE_FILE_RELOCS_STRIPPED and omits .reloc.
	RelocsStripped                                     bool
	DllCharacteristics                                 uint16
	StackReserve, StackCommit, HeapReserve, HeapCommit uint32
	Entry                                              *Ref // nil: AddressOfEntryPoint 0
	Sections                                           []*Section
	Imports                                            []Import
	DelayImports                                       []Import
	Exports                                            *Exports
	TLS                                                *TLS
	Symbols                                            []Symbol
	// IATReadOnly places the IAT in a read-only .idata (as MSVC's .rdata
	// does), so binding must lift the protection temporarily.
	IATReadOnly bool
	// CLR sets a CLR (.NET) data directory entry, for refusal tests.
	CLR bool
	// TimeDateStamp for the file header (default 0 keeps output deterministic).
	TimeDateStamp uint32

	gen []*Section // generated sections of the last Layout
}

// AddSection appends a section and returns it.
func (img *Image) AddSection(name string, data []byte, chars uint32) *Section {
	s := &Section{Name: name, Data: data, Chars: chars}
	img.Sections = append(img.Sections, s)
	return s
}

// Layout is the result of laying out an Image: RVAs of everything generated.
type Layout struct {
	SizeOfImage  uint32
	iat          map[string]uint32 // "dll!func" -> RVA
	delayIAT     map[string]uint32
	TLSIndex     uint32 // RVA of the TLS index slot (0 without TLS)
	TLSTemplate  uint32 // RVA of the TLS template
	TLSDirectory uint32
	ExportDir    uint32
	ImportDir    uint32
}

func importKey(dll string, fn ImportFunc) string {
	if fn.Name == "" {
		return fmt.Sprintf("%s!#%d", dll, fn.Ordinal)
	}
	return dll + "!" + fn.Name
}

// IAT returns the RVA of the IAT slot of dll!fn ("#12" for an ordinal), or 0.
func (l *Layout) IAT(dll, fn string) uint32 { return l.iat[dll+"!"+fn] }

// DelayIAT returns the RVA of the delay-load IAT slot of dll!fn, or 0.
func (l *Layout) DelayIAT(dll, fn string) uint32 { return l.delayIAT[dll+"!"+fn] }

func align(x, a uint32) uint32 { return (x + a - 1) &^ (a - 1) }

func (img *Image) defaults() {
	if img.ImageBase == 0 {
		if img.DLL {
			img.ImageBase = 0x10000000
		} else {
			img.ImageBase = 0x400000
		}
	}
	if img.SectionAlignment == 0 {
		img.SectionAlignment = 0x1000
	}
	if img.FileAlignment == 0 {
		img.FileAlignment = 0x200
	}
	if img.Subsystem == 0 {
		if img.DLL {
			img.Subsystem = SubsystemGUI
		} else {
			img.Subsystem = SubsystemConsole
		}
	}
	if img.Machine == 0 {
		img.Machine = 0x14c
	}
	if img.StackReserve == 0 {
		img.StackReserve, img.StackCommit = 0x100000, 0x1000
	}
	if img.HeapReserve == 0 {
		img.HeapReserve, img.HeapCommit = 0x100000, 0x1000
	}
}

const (
	dosSize   = 0x80
	optSize   = 224
	hdrsFixed = dosSize + 4 + 20 + optSize
)

// builder holds the generated sections' bytes and fix-ups during Layout.
type builder struct {
	img    *Image
	l      *Layout
	idata  *Section
	didat  *Section
	edata  *Section
	tls    *Section
	reloc  *Section
	dirs   [16][2]uint32
	relocs []uint32 // RVAs of HIGHLOW sites in generated sections
}

func (img *Image) allSections() []*Section {
	return append(append([]*Section(nil), img.Sections...), img.gen...)
}

// Layout assigns RVAs to all sections (setting Section.RVA) and generates
// the import, export, TLS and relocation sections. It may be called several
// times; section data may change between calls as long as lengths do not.
func (img *Image) Layout() (*Layout, error) {
	b, err := img.layout()
	if err != nil {
		return nil, err
	}
	return b.l, nil
}

func (img *Image) layout() (*builder, error) {
	img.defaults()
	if img.SectionAlignment&(img.SectionAlignment-1) != 0 || img.FileAlignment&(img.FileAlignment-1) != 0 {
		return nil, errors.New("pewriter: alignments must be powers of two")
	}
	b := &builder{img: img, l: &Layout{iat: map[string]uint32{}, delayIAT: map[string]uint32{}}}
	img.gen = nil
	nsec := len(img.Sections)
	if len(img.Imports) > 0 {
		nsec++
	}
	if len(img.DelayImports) > 0 {
		nsec++
	}
	if img.Exports != nil {
		nsec++
	}
	if img.TLS != nil {
		nsec++
	}
	nsec++ // .reloc (possibly dropped)
	hdrs := align(uint32(hdrsFixed+40*nsec), img.FileAlignment)
	next := align(hdrs, img.SectionAlignment)
	place := func(s *Section) {
		s.RVA = next
		vs := max(s.VirtualSize, uint32(len(s.Data)), 1)
		next = align(next+vs, img.SectionAlignment)
	}
	for _, s := range img.Sections {
		if len(s.Name) > 8 {
			return nil, fmt.Errorf("pewriter: section name %q longer than 8 bytes", s.Name)
		}
		place(s)
	}
	// Generated sections are built at their final RVA in one pass each.
	if len(img.Imports) > 0 {
		chars := uint32(Data)
		if img.IATReadOnly {
			chars = ReadOnlyData
		}
		b.idata = &Section{Name: ".idata", Chars: chars, RVA: next}
		b.buildImports(b.idata, img.Imports, false)
		place(b.idata)
		img.gen = append(img.gen, b.idata)
	}
	if len(img.DelayImports) > 0 {
		b.didat = &Section{Name: ".didat", Chars: Data, RVA: next}
		b.buildImports(b.didat, img.DelayImports, true)
		place(b.didat)
		img.gen = append(img.gen, b.didat)
	}
	if img.Exports != nil {
		b.edata = &Section{Name: ".edata", Chars: ReadOnlyData, RVA: next}
		if err := b.buildExports(b.edata); err != nil {
			return nil, err
		}
		place(b.edata)
		img.gen = append(img.gen, b.edata)
	}
	if img.TLS != nil {
		b.tls = &Section{Name: ".tls", Chars: Data, RVA: next}
		if err := b.buildTLS(b.tls); err != nil {
			return nil, err
		}
		place(b.tls)
		img.gen = append(img.gen, b.tls)
	}
	if !img.RelocsStripped {
		b.reloc = &Section{Name: ".reloc", Chars: ReadOnlyData | 0x02000000, RVA: next}
		b.buildRelocs(b.reloc)
		if len(b.reloc.Data) > 0 {
			place(b.reloc)
			img.gen = append(img.gen, b.reloc)
			b.dirs[5] = [2]uint32{b.reloc.RVA, uint32(len(b.reloc.Data))}
		}
	}
	b.l.SizeOfImage = next
	return b, nil
}

func put32(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }
func put16(b []byte, off int, v uint16) { binary.LittleEndian.PutUint16(b[off:], v) }

func (b *builder) buildImports(s *Section, imps []Import, delay bool) {
	descSize := 20
	if delay {
		descSize = 32
	}
	// Sizes first.
	off := descSize * (len(imps) + 1)
	ntOff := make([]int, len(imps))
	for i, imp := range imps {
		ntOff[i] = off
		off += 4 * (len(imp.Funcs) + 1)
	}
	iatOff := make([]int, len(imps))
	for i, imp := range imps {
		iatOff[i] = off
		off += 4 * (len(imp.Funcs) + 1)
	}
	hmodOff := make([]int, len(imps))
	if delay {
		for i := range imps {
			hmodOff[i] = off
			off += 4
		}
	}
	var strs []byte
	strBase := off
	addStr := func(p []byte) int {
		o := strBase + len(strs)
		strs = append(strs, p...)
		if len(strs)%2 == 1 {
			strs = append(strs, 0)
		}
		return o
	}
	dllName := make([]int, len(imps))
	fnName := make([][]int, len(imps))
	for i, imp := range imps {
		dllName[i] = addStr(append([]byte(imp.DLL), 0))
		fnName[i] = make([]int, len(imp.Funcs))
		for j, fn := range imp.Funcs {
			if fn.Name != "" {
				hn := make([]byte, 2, 2+len(fn.Name)+1)
				put16(hn, 0, fn.Hint)
				hn = append(append(hn, fn.Name...), 0)
				fnName[i][j] = addStr(hn)
			}
		}
	}
	data := make([]byte, strBase+len(strs))
	copy(data[strBase:], strs)
	rva := func(o int) uint32 { return s.RVA + uint32(o) }
	for i, imp := range imps {
		d := descSize * i
		if delay {
			put32(data, d, 1) // RVA-based
			put32(data, d+4, rva(dllName[i]))
			put32(data, d+8, rva(hmodOff[i]))
			put32(data, d+12, rva(iatOff[i]))
			put32(data, d+16, rva(ntOff[i]))
		} else {
			put32(data, d, rva(ntOff[i]))
			put32(data, d+12, rva(dllName[i]))
			put32(data, d+16, rva(iatOff[i]))
		}
		for j, fn := range imp.Funcs {
			var t uint32
			if fn.Name == "" {
				t = 0x80000000 | uint32(fn.Ordinal)
			} else {
				t = rva(fnName[i][j])
			}
			put32(data, ntOff[i]+4*j, t)
			if !delay {
				put32(data, iatOff[i]+4*j, t)
				b.l.iat[importKey(imp.DLL, fn)] = rva(iatOff[i] + 4*j)
			} else {
				b.l.delayIAT[importKey(imp.DLL, fn)] = rva(iatOff[i] + 4*j)
			}
		}
	}
	s.Data = data
	if delay {
		b.dirs[13] = [2]uint32{s.RVA, uint32(descSize * (len(imps) + 1))}
	} else {
		b.dirs[1] = [2]uint32{s.RVA, uint32(descSize * (len(imps) + 1))}
		b.l.ImportDir = s.RVA
		// The IAT directory covers all IATs.
		if len(imps) > 0 {
			b.dirs[12] = [2]uint32{rva(iatOff[0]), uint32(strBase - iatOff[0])}
		}
	}
}

func (b *builder) buildExports(s *Section) error {
	e := b.img.Exports
	base := uint32(e.Base)
	if base == 0 {
		base = 1
	}
	// Assign ordinals.
	used := map[uint32]bool{}
	ords := make([]uint32, len(e.Funcs))
	for i, fn := range e.Funcs {
		if fn.Ordinal != 0 {
			if uint32(fn.Ordinal) < base {
				return fmt.Errorf("pewriter: export %q ordinal %d below base %d", fn.Name, fn.Ordinal, base)
			}
			if used[uint32(fn.Ordinal)] {
				return fmt.Errorf("pewriter: duplicate export ordinal %d", fn.Ordinal)
			}
			ords[i] = uint32(fn.Ordinal)
			used[ords[i]] = true
		}
	}
	nextOrd := base
	maxOrd := base - 1
	for i := range e.Funcs {
		if ords[i] == 0 {
			for used[nextOrd] {
				nextOrd++
			}
			ords[i] = nextOrd
			used[nextOrd] = true
		}
		maxOrd = max(maxOrd, ords[i])
	}
	if maxOrd > 0xFFFF {
		return errors.New("pewriter: export ordinals exceed 65535")
	}
	nfun := int(maxOrd - base + 1)
	if len(e.Funcs) == 0 {
		nfun = 0
	}
	type named struct {
		name string
		idx  int
	}
	var names []named
	for i, fn := range e.Funcs {
		if fn.Name != "" {
			names = append(names, named{fn.Name, int(ords[i] - base)})
		}
	}
	sort.Slice(names, func(i, j int) bool { return names[i].name < names[j].name })
	eat := 40
	npt := eat + 4*nfun
	ot := npt + 4*len(names)
	strOff := ot + 2*len(names)
	var strs []byte
	addStr := func(str string) uint32 {
		o := strOff + len(strs)
		strs = append(append(strs, str...), 0)
		return s.RVA + uint32(o)
	}
	dllName := addStr(e.DLLName)
	nameRVA := make([]uint32, len(names))
	for i, n := range names {
		nameRVA[i] = addStr(n.name)
	}
	fwdRVA := make([]uint32, len(e.Funcs))
	for i, fn := range e.Funcs {
		if fn.Forwarder != "" {
			fwdRVA[i] = addStr(fn.Forwarder)
		}
	}
	data := make([]byte, strOff+len(strs))
	copy(data[strOff:], strs)
	put32(data, 12, dllName)
	put32(data, 16, base)
	put32(data, 20, uint32(nfun))
	put32(data, 24, uint32(len(names)))
	put32(data, 28, s.RVA+uint32(eat))
	put32(data, 32, s.RVA+uint32(npt))
	put32(data, 36, s.RVA+uint32(ot))
	for i, fn := range e.Funcs {
		var target uint32
		if fn.Forwarder != "" {
			target = fwdRVA[i]
		} else {
			if fn.Target.Section == nil {
				return fmt.Errorf("pewriter: export %q has no target", fn.Name)
			}
			target = fn.Target.Section.RVA + fn.Target.Offset
		}
		put32(data, eat+4*int(ords[i]-base), target)
	}
	for i, n := range names {
		put32(data, npt+4*i, nameRVA[i])
		put16(data, ot+2*i, uint16(n.idx))
	}
	s.Data = data
	b.dirs[0] = [2]uint32{s.RVA, uint32(len(data))}
	b.l.ExportDir = s.RVA
	return nil
}

func (b *builder) buildTLS(s *Section) error {
	t := b.img.TLS
	va := func(o int) uint32 { return b.img.ImageBase + s.RVA + uint32(o) }
	tmpl := 0
	idx := align(uint32(len(t.Template)), 4)
	cbs := int(idx) + 4
	dir := cbs + 4*(len(t.Callbacks)+1)
	data := make([]byte, dir+24)
	copy(data, t.Template)
	for i, cb := range t.Callbacks {
		if cb.Section == nil {
			return errors.New("pewriter: TLS callback without a section")
		}
		put32(data, cbs+4*i, b.img.ImageBase+cb.Section.RVA+cb.Offset)
		b.relocs = append(b.relocs, s.RVA+uint32(cbs+4*i))
	}
	put32(data, dir, va(tmpl))
	put32(data, dir+4, va(tmpl+len(t.Template)))
	put32(data, dir+8, va(int(idx)))
	put32(data, dir+12, va(cbs))
	put32(data, dir+16, t.ZeroFill)
	for k := 0; k < 4; k++ {
		b.relocs = append(b.relocs, s.RVA+uint32(dir+4*k))
	}
	s.Data = data
	b.dirs[9] = [2]uint32{s.RVA + uint32(dir), 24}
	b.l.TLSIndex = s.RVA + idx
	b.l.TLSTemplate = s.RVA
	b.l.TLSDirectory = s.RVA + uint32(dir)
	return nil
}

func (b *builder) buildRelocs(s *Section) {
	type ent struct {
		rva uint32
		typ uint8
	}
	var all []ent
	for _, sec := range b.img.Sections {
		for _, o := range sec.Relocs {
			all = append(all, ent{sec.RVA + o, RelHighLow})
		}
		for _, r := range sec.RawRelocs {
			all = append(all, ent{sec.RVA + r.Offset, r.Type})
		}
	}
	for _, r := range b.relocs {
		all = append(all, ent{r, RelHighLow})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].rva < all[j].rva })
	var out []byte
	for i := 0; i < len(all); {
		page := all[i].rva &^ 0xfff
		j := i
		for j < len(all) && all[j].rva&^0xfff == page {
			j++
		}
		n := j - i
		size := 8 + 2*n
		if n%2 == 1 {
			size += 2 // ABSOLUTE padding keeps blocks dword-aligned
		}
		blk := make([]byte, size)
		put32(blk, 0, page)
		put32(blk, 4, uint32(size))
		for k := i; k < j; k++ {
			put16(blk, 8+2*(k-i), uint16(all[k].typ)<<12|uint16(all[k].rva&0xfff))
		}
		out = append(out, blk...)
		i = j
	}
	s.Data = out
}

// Build lays the image out and returns the PE file bytes.
func (img *Image) Build() ([]byte, error) {
	b, err := img.layout()
	if err != nil {
		return nil, err
	}
	secs := img.allSections()
	hdrs := align(uint32(hdrsFixed+40*len(secs)), img.FileAlignment)
	// File offsets.
	offs := make([]uint32, len(secs))
	fileEnd := hdrs
	for i, s := range secs {
		if len(s.Data) == 0 {
			continue
		}
		offs[i] = fileEnd
		fileEnd += align(uint32(len(s.Data)), img.FileAlignment)
	}
	var symOff uint32
	var symtab, strtab []byte
	if len(img.Symbols) > 0 {
		symOff = fileEnd
		strtab = make([]byte, 4)
		for _, sym := range img.Symbols {
			rec := make([]byte, 18)
			if len(sym.Name) <= 8 {
				copy(rec, sym.Name)
			} else {
				put32(rec, 4, uint32(len(strtab)))
				strtab = append(append(strtab, sym.Name...), 0)
			}
			idx := -1
			for i, s := range secs {
				if s == sym.At.Section {
					idx = i
				}
			}
			if idx < 0 {
				return nil, fmt.Errorf("pewriter: symbol %q not in a section of this image", sym.Name)
			}
			put32(rec, 8, sym.At.Offset)
			put16(rec, 12, uint16(idx+1))
			put16(rec, 14, 0x20) // function
			rec[16] = 2          // IMAGE_SYM_CLASS_EXTERNAL
			symtab = append(symtab, rec...)
		}
		put32(strtab, 0, uint32(len(strtab)))
		fileEnd += uint32(len(symtab) + len(strtab))
	}
	out := make([]byte, fileEnd)
	// DOS header.
	out[0], out[1] = 'M', 'Z'
	put32(out, 0x3c, dosSize)
	copy(out[0x40:], "This program cannot be run in DOS mode.\r\n$")
	p := dosSize
	copy(out[p:], "PE\x00\x00")
	fh := p + 4
	put16(out, fh, img.Machine)
	put16(out, fh+2, uint16(len(secs)))
	put32(out, fh+4, img.TimeDateStamp)
	put32(out, fh+8, symOff)
	put32(out, fh+12, uint32(len(img.Symbols)))
	put16(out, fh+16, optSize)
	chars := uint16(0x0002 | 0x0100) // EXECUTABLE_IMAGE | 32BIT_MACHINE
	if img.DLL {
		chars |= 0x2000
	}
	if img.RelocsStripped {
		chars |= 0x0001
	}
	put16(out, fh+18, chars)
	o := fh + 20
	put16(out, o, 0x10b)
	out[o+2], out[o+3] = 2, 40 // linker version
	var codeSize, dataSize, bssSize uint32
	for _, s := range secs {
		switch {
		case s.Chars&CntCode != 0:
			codeSize += align(uint32(len(s.Data)), img.FileAlignment)
		case s.Chars&CntUninit != 0:
			bssSize += align(max(s.VirtualSize, uint32(len(s.Data))), img.FileAlignment)
		default:
			dataSize += align(uint32(len(s.Data)), img.FileAlignment)
		}
	}
	put32(out, o+4, codeSize)
	put32(out, o+8, dataSize)
	put32(out, o+12, bssSize)
	if img.Entry != nil {
		if img.Entry.Section == nil {
			return nil, errors.New("pewriter: entry without a section")
		}
		put32(out, o+16, img.Entry.Section.RVA+img.Entry.Offset)
	}
	put32(out, o+28, img.ImageBase)
	put32(out, o+32, img.SectionAlignment)
	put32(out, o+36, img.FileAlignment)
	put16(out, o+40, 4) // OS version 4.0
	put16(out, o+48, 4) // subsystem version 4.0
	put32(out, o+56, b.l.SizeOfImage)
	put32(out, o+60, hdrs)
	put16(out, o+68, img.Subsystem)
	put16(out, o+70, img.DllCharacteristics)
	put32(out, o+72, img.StackReserve)
	put32(out, o+76, img.StackCommit)
	put32(out, o+80, img.HeapReserve)
	put32(out, o+84, img.HeapCommit)
	put32(out, o+92, 16)
	if img.CLR {
		b.dirs[14] = [2]uint32{secs[0].RVA, 72}
	}
	for i, d := range b.dirs {
		put32(out, o+96+8*i, d[0])
		put32(out, o+100+8*i, d[1])
	}
	st := o + optSize
	for i, s := range secs {
		h := out[st+40*i : st+40*i+40]
		copy(h[:8], s.Name)
		put32(h, 8, max(s.VirtualSize, uint32(len(s.Data))))
		put32(h, 12, s.RVA)
		if len(s.Data) > 0 {
			put32(h, 16, align(uint32(len(s.Data)), img.FileAlignment))
			put32(h, 20, offs[i])
		}
		put32(h, 36, s.Chars)
		copy(out[offs[i]:], s.Data)
	}
	if symOff != 0 {
		copy(out[symOff:], symtab)
		copy(out[symOff+uint32(len(symtab)):], strtab)
	}
	return out, nil
}
