package loader

import (
	"encoding/binary"
	"strings"
)

// maxNameLen bounds every name read from the image (DLL and function names).
const maxNameLen = 512

// ImportDLL is one import descriptor: a DLL and the functions taken from it.
type ImportDLL struct {
	DLL   string       `json:"dll"`
	Delay bool         `json:"delay,omitempty"` // from the delay-load directory
	Funcs []ImportFunc `json:"functions"`
	// IATRVA is the RVA of the first IAT slot (FirstThunk, or the delay
	// descriptor's ImportAddressTableRVA).
	IATRVA uint32 `json:"iat_rva"`
	// NameTableRVA is OriginalFirstThunk (or the delay INT); 0 if absent.
	NameTableRVA  uint32 `json:"name_table_rva,omitempty"`
	TimeDateStamp uint32 `json:"time_date_stamp,omitempty"`
	// ModuleHandleRVA is where a delay-load helper stores the HMODULE.
	ModuleHandleRVA uint32 `json:"module_handle_rva,omitempty"`
	// Attributes of a delay descriptor (bit 0: RVAs rather than VAs).
	Attributes uint32 `json:"attributes,omitempty"`
}

// ImportFunc is one imported function: by name (with its hint) or by
// ordinal, and the RVA of the IAT slot that receives its address.
type ImportFunc struct {
	Name      string `json:"name,omitempty"`
	Hint      uint16 `json:"hint,omitempty"`
	Ordinal   uint16 `json:"ordinal,omitempty"`
	ByOrdinal bool   `json:"by_ordinal,omitempty"`
	IATRVA    uint32 `json:"iat_rva"`
}

// String returns "Name" or "#ordinal".
func (fn ImportFunc) String() string {
	if fn.ByOrdinal {
		return "#" + itoa(uint32(fn.Ordinal))
	}
	return fn.Name
}

// ExportTable is a parsed export directory.
type ExportTable struct {
	DLLName       string   `json:"dll_name"`
	OrdinalBase   uint32   `json:"ordinal_base"`
	TimeDateStamp uint32   `json:"time_date_stamp,omitempty"`
	Entries       []Export `json:"entries"` // one per (function, name); unnamed functions once
	// byOrdinal[i] is the RVA of ordinal OrdinalBase+i (0 = unused slot);
	// fwd[i] its forwarder string if any.
	byOrdinal []uint32
	fwd       map[uint32]string
	byName    map[string]uint16 // name -> ordinal
	// numNames is NumberOfNames; fwdRVAs counts the function RVAs inside
	// the export directory (forwarders, whether or not readable).
	numNames, fwdRVAs uint32
}

// Export is one exported function. Addr is filled by Module.Exports and
// Module.FindExport (Base + RVA); for a forwarder RVA points at the
// forwarder string and Forwarder holds it ("NTDLL.RtlAllocateHeap" or
// "KERNEL32.#12").
type Export struct {
	Name      string `json:"name,omitempty"`
	Ordinal   uint16 `json:"ordinal"`
	RVA       uint32 `json:"rva"`
	Addr      uint32 `json:"addr,omitempty"`
	Forwarder string `json:"forwarder,omitempty"`
}

// Reloc is one base relocation entry: the RVA it patches and its type
// (IMAGE_REL_BASED_*: 0 ABSOLUTE padding, 3 HIGHLOW, ...).
type Reloc struct {
	RVA  uint32
	Type uint8
}

// Relocation types.
const (
	RelAbsolute = 0
	RelHigh     = 1
	RelLow      = 2
	RelHighLow  = 3
	RelHighAdj  = 4
	RelDir64    = 10
)

// TLSDirectory is IMAGE_TLS_DIRECTORY32 as written in the file: all
// addresses are VAs for the preferred ImageBase. Callbacks lists the
// callback VAs read from the file (the loader re-reads them from the
// mapped, relocated image for Module.TLS).
type TLSDirectory struct {
	StartVA         uint32   `json:"start_va"`
	EndVA           uint32   `json:"end_va"`
	IndexVA         uint32   `json:"index_va"`
	CallbacksVA     uint32   `json:"callbacks_va"`
	ZeroFill        uint32   `json:"zero_fill"`
	Characteristics uint32   `json:"characteristics"`
	Callbacks       []uint32 `json:"callbacks,omitempty"`
}

// Symbol is a COFF symbol-table record (MinGW keeps these in executables).
type Symbol struct {
	Name         string `json:"name"`
	Value        uint32 `json:"value"`
	Section      int16  `json:"section"` // 1-based section number; <= 0 special
	Type         uint16 `json:"type"`
	StorageClass uint8  `json:"storage_class"`
}

func itoa(v uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}

func (f *File) importBudget() int {
	n := 0
	for _, d := range f.Imports {
		n += len(d.Funcs)
	}
	for _, d := range f.DelayImports {
		n += len(d.Funcs)
	}
	return f.lim.MaxImports - n
}

// readThunks reads an import name table (or IAT when there is none) at
// ntRVA, pairing entry i with IAT slot iatRVA+4i. vaBase is subtracted from
// name pointers (0 for RVAs).
func (f *File) readThunks(dll string, ntRVA, iatRVA, vaBase uint32) ([]ImportFunc, error) {
	var out []ImportFunc
	budget := f.importBudget()
	for i := uint32(0); ; i++ {
		if len(out) >= budget {
			return nil, tooLarge("more than %d imported functions", f.lim.MaxImports)
		}
		slot := uint64(iatRVA) + 4*uint64(i)
		if slot+4 > uint64(f.SizeOfImage) {
			return nil, malformed("the import address table of %s runs past the end of the image", dll)
		}
		if uint64(ntRVA)+4*uint64(i)+4 > uint64(f.SizeOfImage) {
			return nil, malformed("the import name table of %s runs past the end of the image", dll)
		}
		t, _ := f.u32At(ntRVA + 4*i)
		if t == 0 {
			return out, nil
		}
		fn := ImportFunc{IATRVA: uint32(slot)}
		if t&0x80000000 != 0 {
			fn.ByOrdinal = true
			fn.Ordinal = uint16(t)
		} else {
			rva := t - vaBase
			hint, ok := f.u16At(rva)
			if !ok {
				return nil, malformed("an import of %s names RVA 0x%x, outside the image", dll, t)
			}
			name, ok := f.cstringAt(rva+2, maxNameLen)
			if !ok {
				return nil, malformed("an import name of %s at RVA 0x%x is unterminated or outside the image", dll, rva+2)
			}
			fn.Hint, fn.Name = hint, name
		}
		out = append(out, fn)
	}
}

func (f *File) parseImports() error {
	d := f.Dirs[DirImport]
	if d.RVA == 0 {
		return nil
	}
	for i := uint32(0); ; i++ {
		if int(i) >= f.lim.MaxImports {
			return tooLarge("more than %d import descriptors", f.lim.MaxImports)
		}
		var b [20]byte
		if !f.readRVA(d.RVA+20*i, b[:]) {
			return malformed("the import directory runs past the end of the image")
		}
		oft, ts, name, ft := le32(b[:], 0), le32(b[:], 4), le32(b[:], 12), le32(b[:], 16)
		if name == 0 || ft == 0 {
			return nil
		}
		dll, ok := f.cstringAt(name, maxNameLen)
		if !ok {
			return malformed("import descriptor %d has its DLL name at RVA 0x%x, outside the image", i, name)
		}
		nt := oft
		if nt == 0 {
			nt = ft
		}
		funcs, err := f.readThunks(dll, nt, ft, 0)
		if err != nil {
			return err
		}
		f.Imports = append(f.Imports, ImportDLL{DLL: dll, Funcs: funcs, IATRVA: ft, NameTableRVA: oft, TimeDateStamp: ts})
	}
}

func (f *File) parseDelayImports() error {
	d := f.Dirs[DirDelayImport]
	if d.RVA == 0 {
		return nil
	}
	for i := uint32(0); ; i++ {
		if int(i) >= f.lim.MaxImports {
			return tooLarge("more than %d delay-load descriptors", f.lim.MaxImports)
		}
		var b [32]byte
		if !f.readRVA(d.RVA+32*i, b[:]) {
			return malformed("the delay-load import directory runs past the end of the image")
		}
		attr, name, hmod, iat, intab, ts := le32(b[:], 0), le32(b[:], 4), le32(b[:], 8), le32(b[:], 12), le32(b[:], 16), le32(b[:], 28)
		if name == 0 {
			return nil
		}
		var base uint32
		if attr&1 == 0 {
			// Old (Visual C++ 6) descriptors hold VAs.
			base = f.ImageBase
		}
		dll, ok := f.cstringAt(name-base, maxNameLen)
		if !ok {
			return malformed("delay-load descriptor %d has its DLL name outside the image", i)
		}
		if intab == 0 || iat == 0 {
			return malformed("delay-load descriptor for %s has no name table or address table", dll)
		}
		funcs, err := f.readThunks(dll, intab-base, iat-base, base)
		if err != nil {
			return err
		}
		if hmod != 0 {
			hmod -= base
		}
		f.DelayImports = append(f.DelayImports, ImportDLL{DLL: dll, Delay: true, Funcs: funcs, IATRVA: iat - base,
			NameTableRVA: intab - base, ModuleHandleRVA: hmod, Attributes: attr, TimeDateStamp: ts})
	}
}

func (f *File) parseExports() error {
	d := f.Dirs[DirExport]
	if d.RVA == 0 {
		return nil
	}
	var b [40]byte
	if !f.readRVA(d.RVA, b[:]) {
		return malformed("the export directory at RVA 0x%x is outside the image", d.RVA)
	}
	t := &ExportTable{TimeDateStamp: le32(b[:], 4), OrdinalBase: le32(b[:], 16), fwd: map[uint32]string{}, byName: map[string]uint16{}}
	nfun, nnames := le32(b[:], 20), le32(b[:], 24)
	t.numNames = nnames
	afun, anames, aords := le32(b[:], 28), le32(b[:], 32), le32(b[:], 36)
	if nfun > uint32(f.lim.MaxExports) || nnames > uint32(f.lim.MaxExports) {
		return tooLarge("the export directory declares %d functions and %d names, over the limit of %d", nfun, nnames, f.lim.MaxExports)
	}
	if name := le32(b[:], 12); name != 0 {
		t.DLLName, _ = f.cstringAt(name, maxNameLen)
	}
	if nfun > 0 {
		raw := make([]byte, 4*nfun)
		if !f.readRVA(afun, raw) {
			return malformed("the export address table runs past the end of the image")
		}
		t.byOrdinal = make([]uint32, nfun)
		for i := range t.byOrdinal {
			t.byOrdinal[i] = binary.LittleEndian.Uint32(raw[4*i:])
		}
	}
	named := make([]bool, nfun)
	if nnames > 0 {
		np := make([]byte, 4*nnames)
		op := make([]byte, 2*nnames)
		if !f.readRVA(anames, np) || !f.readRVA(aords, op) {
			return malformed("the export name tables run past the end of the image")
		}
		for i := uint32(0); i < nnames; i++ {
			idx := uint32(binary.LittleEndian.Uint16(op[2*i:]))
			name, ok := f.cstringAt(binary.LittleEndian.Uint32(np[4*i:]), maxNameLen)
			if !ok || idx >= nfun {
				continue // a bad name entry is skipped, as Windows can never find it
			}
			ord := t.OrdinalBase + idx
			if ord > 0xFFFF {
				continue
			}
			named[idx] = true
			if _, dup := t.byName[name]; !dup {
				t.byName[name] = uint16(ord)
			}
			t.Entries = append(t.Entries, Export{Name: name, Ordinal: uint16(ord), RVA: t.byOrdinal[idx]})
		}
	}
	for i, rva := range t.byOrdinal {
		ord := t.OrdinalBase + uint32(i)
		if rva == 0 || ord > 0xFFFF {
			continue
		}
		if rva >= d.RVA && uint64(rva) < uint64(d.RVA)+uint64(d.Size) {
			t.fwdRVAs++
			if s, ok := f.cstringAt(rva, maxNameLen); ok {
				t.fwd[uint32(i)] = s
			}
		}
		if !named[i] {
			t.Entries = append(t.Entries, Export{Ordinal: uint16(ord), RVA: rva})
		}
	}
	for i := range t.Entries {
		t.Entries[i].Forwarder = t.fwd[uint32(t.Entries[i].Ordinal)-t.OrdinalBase]
	}
	f.Exports = t
	return nil
}

// lookup finds an export by name or ordinal in the table.
func (t *ExportTable) lookup(name string, ordinal uint16, byOrdinal bool) (Export, bool) {
	if t == nil {
		return Export{}, false
	}
	if !byOrdinal {
		o, ok := t.byName[name]
		if !ok {
			return Export{}, false
		}
		ordinal = o
	}
	idx := int64(ordinal) - int64(t.OrdinalBase)
	if idx < 0 || idx >= int64(len(t.byOrdinal)) || t.byOrdinal[idx] == 0 {
		return Export{}, false
	}
	e := Export{Ordinal: ordinal, RVA: t.byOrdinal[idx], Forwarder: t.fwd[uint32(idx)]}
	if !byOrdinal {
		e.Name = name
	}
	return e, true
}

func (f *File) parseRelocs() error {
	d := f.Dirs[DirBaseReloc]
	if d.RVA == 0 || d.Size == 0 {
		return nil
	}
	if uint64(d.RVA)+uint64(d.Size) > uint64(f.SizeOfImage) {
		return malformed("the base relocation directory runs past the end of the image")
	}
	blocks := 0
	var entries []byte
	for off := uint32(0); uint64(off)+8 <= uint64(d.Size); {
		var hdr [8]byte
		f.readRVA(d.RVA+off, hdr[:])
		page, size := le32(hdr[:], 0), le32(hdr[:], 4)
		if size == 0 {
			break
		}
		if size < 8 || uint64(off)+uint64(size) > uint64(d.Size) {
			return malformed("a base relocation block at RVA 0x%x has a bad size %d", d.RVA+off, size)
		}
		n := int(size-8) / 2
		// Every block counts against the limit, so that a directory of
		// empty blocks cannot take unbounded time either.
		blocks++
		if len(f.Relocs)+n+blocks > f.lim.MaxRelocs {
			return tooLarge("more than %d base relocations", f.lim.MaxRelocs)
		}
		if cap(entries) < 2*n {
			entries = make([]byte, 2*n)
		}
		entries = entries[:2*n]
		f.readRVA(d.RVA+off+8, entries)
		for i := 0; i < n; i++ {
			e := le16(entries, 2*i)
			r := Reloc{RVA: page + uint32(e&0xfff), Type: uint8(e >> 12)}
			if r.Type != RelAbsolute && uint64(page)+uint64(e&0xfff)+4 > uint64(f.SizeOfImage) {
				return malformed("a base relocation targets RVA 0x%x, outside the image", uint64(page)+uint64(e&0xfff))
			}
			f.Relocs = append(f.Relocs, r)
		}
		off += size
	}
	return nil
}

// vaToRVA converts a VA for the preferred base into an RVA inside the image.
func (f *File) vaToRVA(va uint32) (uint32, bool) {
	if va < f.ImageBase || va-f.ImageBase >= f.SizeOfImage {
		return 0, false
	}
	return va - f.ImageBase, true
}

func (f *File) parseTLS() error {
	d := f.Dirs[DirTLS]
	if d.RVA == 0 {
		return nil
	}
	var b [24]byte
	if !f.readRVA(d.RVA, b[:]) {
		return malformed("the TLS directory at RVA 0x%x is outside the image", d.RVA)
	}
	t := &TLSDirectory{StartVA: le32(b[:], 0), EndVA: le32(b[:], 4), IndexVA: le32(b[:], 8),
		CallbacksVA: le32(b[:], 12), ZeroFill: le32(b[:], 16), Characteristics: le32(b[:], 20)}
	if t.EndVA < t.StartVA {
		return malformed("the TLS template ends (0x%x) before it starts (0x%x)", t.EndVA, t.StartVA)
	}
	if t.EndVA != t.StartVA {
		s, ok1 := f.vaToRVA(t.StartVA)
		_, ok2 := f.vaToRVA(t.EndVA - 1)
		if !ok1 || !ok2 || s+(t.EndVA-t.StartVA) > f.SizeOfImage {
			return malformed("the TLS template 0x%x-0x%x is outside the image", t.StartVA, t.EndVA)
		}
	}
	if t.ZeroFill > f.lim.MaxImageSize {
		return tooLarge("the TLS zero fill is %d bytes", t.ZeroFill)
	}
	if t.IndexVA != 0 {
		if r, ok := f.vaToRVA(t.IndexVA); !ok || r+4 > f.SizeOfImage {
			return malformed("the TLS index address 0x%x is outside the image", t.IndexVA)
		}
	}
	if t.CallbacksVA != 0 {
		r, ok := f.vaToRVA(t.CallbacksVA)
		if !ok {
			return malformed("the TLS callback array 0x%x is outside the image", t.CallbacksVA)
		}
		for i := 0; ; i++ {
			cb, ok := f.u32At(r + 4*uint32(i))
			if !ok {
				return malformed("the TLS callback array runs past the end of the image")
			}
			if cb == 0 {
				break
			}
			if i >= f.lim.MaxTLSCallbacks {
				return tooLarge("more than %d TLS callbacks", f.lim.MaxTLSCallbacks)
			}
			t.Callbacks = append(t.Callbacks, cb)
		}
	}
	f.TLS = t
	return nil
}

// parseSymbols reads the COFF symbol table. Windows ignores it, so a bad
// table is not an error: it is left out.
func (f *File) parseSymbols() error {
	if f.symPtr == 0 || f.nsyms == 0 {
		return nil
	}
	n := uint64(f.nsyms)
	if uint64(f.symPtr)+18*n > uint64(len(f.data)) {
		return nil
	}
	strtab := f.stringTable()
	for i := uint64(0); i < n; i++ {
		if len(f.Symbols) >= f.lim.MaxSymbols {
			break
		}
		r := f.data[uint64(f.symPtr)+18*i:]
		var name string
		if le32(r, 0) == 0 {
			o := uint64(le32(r, 4))
			if o < uint64(len(strtab)) {
				s := strtab[o:]
				if j := strings.IndexByte(string(s[:min(len(s), maxNameLen)]), 0); j >= 0 {
					name = string(s[:j])
				}
			}
		} else {
			name = sectionName(r[:8])
		}
		f.Symbols = append(f.Symbols, Symbol{Name: name, Value: le32(r, 8), Section: int16(le16(r, 12)),
			Type: le16(r, 14), StorageClass: r[16]})
		i += uint64(r[17]) // skip auxiliary records
	}
	return nil
}

// SymbolRVA returns the RVA of the COFF symbol name (e.g. "_main") if the
// file has one in a section.
func (f *File) SymbolRVA(name string) (uint32, bool) {
	for _, s := range f.Symbols {
		if s.Name == name && s.Section > 0 && int(s.Section) <= len(f.Sections) {
			return f.Sections[s.Section-1].VirtualAddress + s.Value, true
		}
	}
	return 0, false
}
