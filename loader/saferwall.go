package loader

import (
	"fmt"
	"slices"

	pe "github.com/saferwall/pe"
	pelog "github.com/saferwall/pe/log"
)

// This file runs github.com/saferwall/pe over the file and reconciles its
// view with the loader's own layout-exact reading (see "saferwall/pe" in
// the package documentation for who wins where, and why).

// maxNotes bounds the cross-check and saferwall log messages kept per file.
const maxNotes = 32

// noteLogger collects saferwall/pe's warnings and errors (it logs to stdout
// by default, which would corrupt a guest's output on the CLI) as notes;
// debug and info messages are dropped.
type noteLogger struct{ notes *[]string }

func (l noteLogger) Log(level pelog.Level, keyvals ...any) error {
	if level < pelog.LevelWarn || len(*l.notes) >= maxNotes {
		return nil
	}
	for i := 0; i+1 < len(keyvals); i += 2 {
		if k, ok := keyvals[i].(string); ok && k == pelog.DefaultMessageKey {
			*l.notes = append(*l.notes, fmt.Sprint(keyvals[i+1]))
			return nil
		}
	}
	return nil
}

// swFile is one saferwall/pe parse of a file.
type swFile struct {
	f     *pe.File
	opts  *pe.Options // the pointer saferwall keeps: parseDirs flips options on it
	notes []string    // saferwall's own warnings and errors
	// ok says headers and sections parsed; dirs says the data directories
	// were parsed (only after the loader's own checks passed).
	ok, dirs bool
}

// swOptions bounds saferwall/pe's work: its COFF symbol parse is skipped
// (a cap of 1: the loader reads the symbols itself, bounded by
// Limits.MaxSymbols, and running never needs them; saferwall would decode
// each record by reflection), per-block relocations are capped at 4096 (a
// real block has at most 2049), certificates and signatures are not
// validated (no crypto, no trust store), and directories the loader does
// not need are omitted.
func swOptions(lim Limits, notes *[]string) *pe.Options {
	return &pe.Options{
		Fast:                       true, // directories come later, from parseDirs
		MaxCOFFSymbolsCount:        1,
		MaxRelocEntriesCount:       uint32(min(lim.MaxRelocs, 4096)),
		DisableCertValidation:      true,
		DisableSignatureValidation: true,
		Logger:                     noteLogger{notes},
		OmitExceptionDirectory:     true,
		// Inspect decodes resources and the certificate itself (bounded
		// by Limits.MaxResources, into the Report's own types).
		OmitResourceDirectory:     true,
		OmitSecurityDirectory:     true,
		OmitDebugDirectory:        true,
		OmitArchitectureDirectory: true,
		OmitGlobalPtrDirectory:    true,
		OmitLoadConfigDirectory:   true,
		OmitBoundImportDirectory:  true,
		OmitIATDirectory:          true,
		OmitCLRMetadata:           true,
	}
}

// saferwallHeaders parses the DOS, Rich, NT and optional headers, the COFF
// symbol table (capped) and the section table. It never panics; a failure
// leaves ok false and a note.
func saferwallHeaders(data []byte, lim Limits) (s *swFile) {
	s = &swFile{}
	defer func() {
		if p := recover(); p != nil {
			s.ok = false
			s.note("saferwall/pe failed on the headers (%v)", p)
		}
	}()
	s.opts = swOptions(lim, &s.notes)
	f, err := pe.NewBytes(data, s.opts)
	if err != nil {
		s.note("saferwall/pe: %v", err)
		return s
	}
	s.f = f
	if err := f.Parse(); err != nil {
		s.note("saferwall/pe: %v", err)
		return s
	}
	if _, ok := f.NtHeader.OptionalHeader.(pe.ImageOptionalHeader32); !ok || !f.Is32 {
		s.note("saferwall/pe did not read a PE32 optional header")
		return s
	}
	s.ok = true
	return s
}

func (s *swFile) note(format string, args ...any) {
	if len(s.notes) < maxNotes {
		s.notes = append(s.notes, fmt.Sprintf(format, args...))
	}
}

// parseDirs lets saferwall/pe parse the data directories. The caller has
// already validated them with the loader's own bounded parsers, which is
// what keeps saferwall's unbounded loops (forwarder strings up to 1 MiB,
// TLS callbacks to the end of the file) cheap; skipExports is set when
// saferwall's export parser must not run at all (see exportsSafeForSaferwall).
func (s *swFile) parseDirs(skipExports bool) {
	if !s.ok {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			s.dirs = false
			s.note("saferwall/pe failed on the data directories (%v)", p)
		}
	}()
	s.opts.OmitExportDirectory = skipExports
	if err := s.f.ParseDataDirectories(); err != nil {
		s.note("saferwall/pe: %v", err)
	}
	s.dirs = true
}

// optional returns the PE32 optional header saferwall read.
func (s *swFile) optional() pe.ImageOptionalHeader32 {
	return s.f.NtHeader.OptionalHeader.(pe.ImageOptionalHeader32)
}

// fillHeaders takes the file and optional header fields from saferwall.
// Only called when s.ok.
func (s *swFile) fillHeaders(f *File) {
	fh := s.f.NtHeader.FileHeader
	oh := s.optional()
	f.Machine = uint16(fh.Machine)
	f.TimeDateStamp = fh.TimeDateStamp
	f.Characteristics = uint16(fh.Characteristics)
	f.EntryRVA = oh.AddressOfEntryPoint
	f.ImageBase = oh.ImageBase
	f.SectionAlignment = oh.SectionAlignment
	f.FileAlignment = oh.FileAlignment
	f.MajorOSVersion, f.MinorOSVersion = oh.MajorOperatingSystemVersion, oh.MinorOperatingSystemVersion
	f.MajorSubsystemVersion, f.MinorSubsystemVersion = oh.MajorSubsystemVersion, oh.MinorSubsystemVersion
	f.SizeOfImage = oh.SizeOfImage
	f.SizeOfHeaders = oh.SizeOfHeaders
	f.Subsystem = uint16(oh.Subsystem)
	f.DllCharacteristics = uint16(oh.DllCharacteristics)
	f.StackReserve, f.StackCommit = oh.SizeOfStackReserve, oh.SizeOfStackCommit
	f.HeapReserve, f.HeapCommit = oh.SizeOfHeapReserve, oh.SizeOfHeapCommit
}

// reconcileTables compares saferwall's data directories and section table
// with the ones read the way the Windows loader reads them (raw), keeps the
// Windows view, and notes where saferwall differs: it reads all 16
// directories whatever NumberOfRvaAndSizes and SizeOfOptionalHeader say,
// sorts sections by address (hiding a descending table) and drops the rest
// of the table after a section with three anomalies.
func (s *swFile) reconcileTables(f *File, rawDirs [16]DataDir, rawSecs []Section) {
	oh := s.optional()
	var dirs [16]DataDir
	for i, d := range oh.DataDirectory {
		dirs[i] = DataDir{RVA: d.VirtualAddress, Size: d.Size}
	}
	f.Dirs = rawDirs
	if dirs != rawDirs {
		f.note("saferwall/pe reads data directories beyond NumberOfRvaAndSizes (%d) or SizeOfOptionalHeader; the loader ignores them as Windows does", oh.NumberOfRvaAndSizes)
	}
	f.Sections = rawSecs
	if len(s.f.Sections) != len(rawSecs) {
		f.note("saferwall/pe kept %d of %d section headers", len(s.f.Sections), len(rawSecs))
		return
	}
	sorted := slices.Clone(rawSecs)
	slices.SortStableFunc(sorted, func(a, b Section) int { return cmpU32(a.VirtualAddress, b.VirtualAddress) })
	for i, sec := range s.f.Sections {
		h := sec.Header
		r := sorted[i]
		if h.VirtualAddress != r.VirtualAddress || h.VirtualSize != r.VirtualSize || h.SizeOfRawData != r.RawSize ||
			h.PointerToRawData != r.RawOffset || h.Characteristics != r.Characteristics {
			f.note("saferwall/pe's section table differs from the file's at section %d", i)
			return
		}
	}
}

func cmpU32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// note records a cross-check message (shown by Inspect as an anomaly).
func (f *File) note(format string, args ...any) {
	if len(f.notes) < maxNotes {
		f.notes = append(f.notes, fmt.Sprintf(format, args...))
	}
}

// exportsSafeForSaferwall says whether saferwall's export parser may run.
// It prints to stdout when a name is not a plain C/C++ identifier (which
// would corrupt a guest's output on the CLI), scans names and forwarders
// up to 1 MiB each byte by byte, and stops at 0x2000 distinct addresses.
// So it runs only when the loader read every name (terminated within
// maxNameLen, unique, a plain identifier) and every forwarder, the table has
// at most 0x2000 entries (and, as for every directory, saferwallViewMatches).
// In that view a name the loader read whole is the name saferwall reads.
func (f *File) exportsSafeForSaferwall() bool {
	t := f.Exports
	if t == nil {
		return true
	}
	if len(t.byOrdinal) > 0x2000 || t.numNames > 0x2000 ||
		uint32(len(t.byName)) != t.numNames || uint32(len(t.fwd)) != t.fwdRVAs {
		return false
	}
	for name := range t.byName {
		if name == "" || !pe.IsValidFunctionName(name) {
			return false
		}
	}
	return true
}

// saferwallViewMatches says whether saferwall's file-offset view of the
// image gives the bytes the loader validated, so that the loader's limits
// also bound saferwall's loops: the image is not flat-mapped, every
// section's raw pointer is 512-byte aligned (no rounding on either side),
// and the base relocation directory, which saferwall walks block by block
// up to its Size, lies in file-backed bytes (in a zero-filled tail the
// loader stops at the first empty block while saferwall would read on
// into whatever follows the section in the file).
func (f *File) saferwallViewMatches() bool {
	if f.LowAlignment {
		return false
	}
	for _, s := range f.Sections {
		if s.RawSize != 0 && s.RawOffset%0x200 != 0 {
			return false
		}
	}
	if d := f.Dirs[DirBaseReloc]; d.RVA != 0 && d.Size != 0 {
		end := uint64(d.RVA) + uint64(d.Size)
		for _, sg := range f.segs {
			if d.RVA >= sg.RVA && end <= uint64(sg.RVA)+uint64(sg.FileLen) {
				return true
			}
		}
		return false
	}
	return true
}

// crossCheckDirs compares saferwall's imports, delay imports, exports,
// relocations and TLS with the loader's and notes each difference. The
// loader's tables stay authoritative for mapping: they are read through the
// same segment layout Map writes (zero-filled tails, the 512-byte raw
// pointer rounding), while saferwall reads file offsets.
func (f *File) crossCheckDirs(s *swFile) {
	if !s.dirs {
		return
	}
	sf := s.f
	if !importsAgree(f.Imports, sf.Imports, nil) {
		f.note("saferwall/pe reads the import directory differently (%d DLLs, the loader %d)", len(sf.Imports), len(f.Imports))
	}
	if len(f.DelayImports) > 0 || len(sf.DelayImports) > 0 {
		conv := make([]pe.Import, len(sf.DelayImports))
		for i, d := range sf.DelayImports {
			conv[i] = pe.Import{Name: d.Name, Functions: d.Functions}
		}
		if !importsAgree(f.DelayImports, conv, f) {
			f.note("saferwall/pe reads the delay-load import directory differently (%d DLLs, the loader %d)", len(sf.DelayImports), len(f.DelayImports))
		}
	}
	if f.Exports != nil && !s.opts.OmitExportDirectory && !exportsAgree(f.Exports, &sf.Export) {
		f.note("saferwall/pe reads the export directory differently (%d functions, the loader %d)", len(sf.Export.Functions), len(f.Exports.Entries))
	}
	if n := swRelocCount(sf); f.Dirs[DirBaseReloc].RVA != 0 && n != len(f.Relocs) {
		f.note("saferwall/pe reads %d base relocations, the loader %d", n, len(f.Relocs))
	}
	if f.TLS != nil {
		if t, ok := sf.TLS.Struct.(pe.ImageTLSDirectory32); !ok || t.AddressOfCallBacks != f.TLS.CallbacksVA ||
			t.StartAddressOfRawData != f.TLS.StartVA || t.EndAddressOfRawData != f.TLS.EndVA {
			f.note("saferwall/pe reads the TLS directory differently")
		} else if cbs, _ := sf.TLS.Callbacks.([]uint32); !slices.Equal(cbs, f.TLS.Callbacks) {
			f.note("saferwall/pe reads %d TLS callbacks, the loader %d", len(cbs), len(f.TLS.Callbacks))
		}
	}
	if sf.HasCLR && f.refusal == nil {
		f.note("saferwall/pe found a CLR header")
	}
}

// importsAgree compares DLL names, functions (name or ordinal) and IAT
// slots. For delay imports (delay != nil) saferwall's thunk RVAs may be VAs
// in old descriptors, so slots are not compared.
func importsAgree(ours []ImportDLL, sw []pe.Import, delay *File) bool {
	if len(ours) != len(sw) {
		return false
	}
	for i, d := range ours {
		s := sw[i]
		if d.DLL != s.Name || len(d.Funcs) != len(s.Functions) {
			return false
		}
		for j, fn := range d.Funcs {
			g := s.Functions[j]
			if fn.ByOrdinal != g.ByOrdinal {
				return false
			}
			if fn.ByOrdinal && uint32(fn.Ordinal) != g.Ordinal || !fn.ByOrdinal && fn.Name != g.Name {
				return false
			}
			if delay == nil && fn.IATRVA != g.ThunkRVA {
				return false
			}
		}
	}
	return true
}

// exportsAgree compares every saferwall export (ordinal, RVA, forwarder,
// name) with the loader's table.
func exportsAgree(t *ExportTable, e *pe.Export) bool {
	for _, fn := range e.Functions {
		if fn.Ordinal > 0xFFFF {
			return false
		}
		x, ok := t.lookup("", uint16(fn.Ordinal), true)
		if !ok || x.RVA != fn.FunctionRVA || x.Forwarder != fn.Forwarder {
			return false
		}
		if fn.Name != "" {
			if _, ok := t.byName[fn.Name]; !ok {
				return false
			}
		}
	}
	return len(e.Functions) == len(t.Entries)
}

func swRelocCount(sf *pe.File) int {
	n := 0
	for _, r := range sf.Relocations {
		n += len(r.Entries)
	}
	return n
}

// lastNote returns saferwall's last message, or a placeholder.
func (s *swFile) lastNote() string {
	if len(s.notes) == 0 {
		return "saferwall/pe refused them"
	}
	return s.notes[len(s.notes)-1]
}

// fromSaferwall adds what saferwall/pe found to a report: its anomaly list
// (prefixed "saferwall: "; an exact duplicate of one of the loader's is
// dropped), its log messages and the cross-check notes, and its Rich header
// when the loader's own decoder found none.
func (r *Report) fromSaferwall(s *swFile, f *File) {
	if s == nil {
		return
	}
	seen := map[string]bool{}
	for _, a := range r.Anomalies {
		seen[a] = true
	}
	add := func(a string) {
		if !seen[a] && len(r.Anomalies) < 4*maxNotes {
			seen[a] = true
			r.Anomalies = append(r.Anomalies, a)
		}
	}
	if s.f != nil {
		nsyms := s.f.NtHeader.FileHeader.NumberOfSymbols
		for _, a := range s.f.Anomalies {
			if a == pe.AnoCOFFSymbolsCount && nsyms <= uint32(DefaultLimits().MaxSymbols) {
				continue // the cap of 1 (swOptions), not the file
			}
			add("saferwall: " + a)
		}
		if rh := s.f.RichHeader; r.Rich == nil && len(rh.CompIDs) > 0 {
			ri := &RichInfo{XORKey: rh.XORKey, ChecksumValid: rh.XORKey == s.f.RichHeaderChecksum()}
			for _, c := range rh.CompIDs {
				ri.Entries = append(ri.Entries, RichEntry{ProductID: c.ProdID, Build: c.MinorCV, Count: c.Count,
					Product: richProduct(c.ProdID), VSVersion: richVSVersion(c.ProdID)})
			}
			r.Rich = ri
		}
	}
	for _, n := range s.notes {
		add("saferwall: " + n)
	}
	if f != nil {
		for _, n := range f.notes {
			add(n)
		}
	}
}

// saferwallDirs has saferwall parse the directories of a file the loader
// has validated, and cross-checks them, when its view of the file matches
// the loader's; otherwise it notes why it did not.
func (f *File) saferwallDirs(s *swFile) {
	if !s.ok {
		return
	}
	if !f.saferwallViewMatches() {
		f.note("saferwall/pe's file-offset view differs from the mapped image (flat mapping, unaligned raw pointers or relocations in a zero-filled tail); its directories were not parsed")
		return
	}
	s.parseDirs(!f.exportsSafeForSaferwall())
	f.crossCheckDirs(s)
}
