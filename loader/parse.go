package loader

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// PE constants the loader relies on (from the PE/COFF specification).
const (
	machineI386  = 0x014c
	machineAMD64 = 0x8664
	machineARM64 = 0xaa64
	machineIA64  = 0x0200

	magicPE32     = 0x10b
	magicPE32Plus = 0x20b

	fileRelocsStripped = 0x0001
	fileExecutable     = 0x0002
	fileDLL            = 0x2000

	scnCode     = 0x00000020
	scnInitData = 0x00000040
	scnUninit   = 0x00000080
	scnDiscard  = 0x02000000
	scnShared   = 0x10000000
	scnExecute  = 0x20000000
	scnRead     = 0x40000000
	scnWrite    = 0x80000000

	// Data directory indices.
	DirExport      = 0
	DirImport      = 1
	DirResource    = 2
	DirException   = 3
	DirSecurity    = 4
	DirBaseReloc   = 5
	DirDebug       = 6
	DirArch        = 7
	DirGlobalPtr   = 8
	DirTLS         = 9
	DirLoadConfig  = 10
	DirBoundImport = 11
	DirIAT         = 12
	DirDelayImport = 13
	DirCLR         = 14

	// Subsystems.
	SubsystemNative     = 1
	SubsystemWindowsGUI = 2
	SubsystemWindowsCUI = 3

	pageSize = 4096
)

// DataDir is one entry of the optional header's data directory.
type DataDir struct {
	RVA  uint32 `json:"rva"`
	Size uint32 `json:"size"`
}

// Section is a section header as the loader uses it.
type Section struct {
	Name            string `json:"name"`
	VirtualAddress  uint32 `json:"virtual_address"`
	VirtualSize     uint32 `json:"virtual_size"`
	RawOffset       uint32 `json:"raw_offset"`
	RawSize         uint32 `json:"raw_size"`
	Characteristics uint32 `json:"characteristics"`
}

// segment is one contiguous part of the image as mapped: [RVA, RVA+Size) in
// the image, of which the first FileLen bytes come from the file at Off and
// the rest is zero.
type segment struct {
	RVA, Size    uint32
	Off, FileLen uint32
	Chars        uint32 // section characteristics (0 for the headers)
	Headers      bool
}

// File is a parsed, validated PE32 x86 image. It holds the file bytes (not
// copied: the caller must not modify data after Parse) and everything the
// loader and the kernel need to map and start it. All RVAs in File have
// been checked to lie inside the image.
type File struct {
	Name string // optional, set by the caller (file name used in messages and Module.Name)

	Machine                                      uint16
	Characteristics                              uint16
	DllCharacteristics                           uint16
	TimeDateStamp                                uint32
	ImageBase                                    uint32
	SizeOfImage                                  uint32
	SizeOfHeaders                                uint32
	SectionAlignment                             uint32
	FileAlignment                                uint32
	EntryRVA                                     uint32 // 0 for a DLL without DllMain
	IsDLL                                        bool
	Subsystem                                    uint16
	MajorSubsystemVersion, MinorSubsystemVersion uint16
	MajorOSVersion, MinorOSVersion               uint16
	StackReserve, StackCommit                    uint32
	HeapReserve, HeapCommit                      uint32
	// HasRelocs says the image can be moved: it has a non-empty base
	// relocation directory and is not marked IMAGE_FILE_RELOCS_STRIPPED.
	HasRelocs bool
	// LowAlignment says SectionAlignment < 4096: Windows maps such a file flat
	// (file offset == RVA) with every page read/write/execute.
	LowAlignment bool

	Dirs     [16]DataDir
	Sections []Section

	Imports      []ImportDLL  // the import directory
	DelayImports []ImportDLL  // the delay-load import directory (Delay set)
	Exports      *ExportTable // nil without an export directory
	Relocs       []Reloc      // base relocations, in file order
	TLS          *TLSDirectory
	Symbols      []Symbol // COFF symbols (MinGW executables keep them)

	lim  Limits
	data []byte
	segs []segment
	// refusal is set for PE32 files that parse but cannot run (.NET).
	refusal error
	// COFF symbol table position from the file header.
	symPtr, nsyms uint32
	// notes are the saferwall/pe cross-check messages (Inspect shows them).
	notes []string
}

// Data returns the file bytes File was parsed from.
func (f *File) Data() []byte { return f.data }

// Parse validates data as a 32-bit x86 PE image and parses the directories
// the loader needs (imports, delay imports, exports, base relocations, TLS,
// COFF symbols). It never panics: any failure is a *NotRunnableError (what
// the file is, if peek32 does not run that kind) or a *FormatError. A DLL
// parses successfully; a caller that wants a program checks
// [File.ProgramError].
func Parse(data []byte, lim Limits) (f *File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, malformed("internal parser failure (%v)", r)
		}
	}()
	return parseFile(data, lim)
}

// parseFile is Parse without the recover (the fuzz target calls it so that
// a panic is a failure rather than an error).
func parseFile(data []byte, lim Limits) (*File, error) {
	f, _, err := parseAll(data, lim.withDefaults())
	return f, err
}

// parseAll parses data with saferwall/pe and the loader's own checks (see
// "saferwall/pe" in the package documentation). The order bounds the work
// on hostile files: the file size limit and the classification come first,
// then saferwall's header and section parse (bounded by the file size and
// 65535 sections), then the loader's validation of headers, layout and
// every directory against Limits, and only a file that passed all of that
// has its directories parsed by saferwall and cross-checked. The *swFile is returned even on error (nil only before saferwall ran).
func parseAll(data []byte, lim Limits) (*File, *swFile, error) {
	if uint64(len(data)) > uint64(lim.MaxFileSize) {
		return nil, nil, tooLarge("the file is %d bytes, over the limit of %d", len(data), lim.MaxFileSize)
	}
	if _, err := identify(data); err != nil {
		return nil, nil, err
	}
	sw := saferwallHeaders(data, lim)
	f, err := parseHeaders(data, lim, sw)
	if err != nil {
		return nil, sw, err
	}
	if f.refusal != nil {
		return nil, sw, f.refusal
	}
	for _, step := range f.dirSteps() {
		if err := step.fn(); err != nil {
			return nil, sw, err
		}
	}
	f.saferwallDirs(sw)
	return f, sw, nil
}

type dirStep struct {
	name string
	fn   func() error
}

// dirSteps lists the directory parsers in order; Parse stops at the first
// error, Inspect records each error as an anomaly and goes on.
func (f *File) dirSteps() []dirStep {
	return []dirStep{
		{"imports", f.parseImports},
		{"delay imports", f.parseDelayImports},
		{"exports", f.parseExports},
		{"relocations", f.parseRelocs},
		{"TLS", f.parseTLS},
		{"symbols", f.parseSymbols},
	}
}

// ProgramError returns nil if f can be started as a process, or the
// *NotRunnableError explaining why not: a DLL (KindDLL), or a subsystem
// other than Windows GUI/console (KindSubsystem).
func (f *File) ProgramError() error {
	if f.IsDLL {
		return notRunnable(KindDLL, sentenceDLL)
	}
	switch f.Subsystem {
	case SubsystemWindowsGUI, SubsystemWindowsCUI:
		return nil
	case SubsystemNative:
		return notRunnable(KindSubsystem, "This is a native Windows driver or system program; peek32 runs only Windows GUI and console programs.")
	default:
		return notRunnable(KindSubsystem, fmt.Sprintf("This program is for the %s subsystem; peek32 runs only Windows GUI and console programs.", SubsystemName(f.Subsystem)))
	}
}

func le16(b []byte, off int) uint16 { return binary.LittleEndian.Uint16(b[off:]) }
func le32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }

func isPow2(x uint32) bool { return x != 0 && x&(x-1) == 0 }

func alignUp(x, a uint32) (uint64, bool) {
	if a == 0 {
		return uint64(x), true
	}
	r := (uint64(x) + uint64(a) - 1) &^ (uint64(a) - 1)
	return r, r <= 0xFFFFFFFF
}

// identify classifies data that is not a loadable PE32 x86 image. It returns
// nil when data looks like a PE32 x86 (the caller validates the rest), and
// the PE header offset.
func identify(data []byte) (peOff int, err error) {
	if len(data) < 2 || data[0] != 'M' || data[1] != 'Z' {
		// "ZM" is an old DOS signature variant.
		if len(data) >= 2 && data[0] == 'Z' && data[1] == 'M' {
			return 0, notRunnable(KindDOS, sentenceDOS)
		}
		return 0, notRunnable(KindNotPE, sentenceNotPE)
	}
	if len(data) < 0x40 {
		return 0, notRunnable(KindDOS, sentenceDOS)
	}
	// Overlapping DOS and PE headers are legal (tiny PEs): any e_lfanew
	// whose signature checks out is accepted.
	lfanew := le32(data, 0x3c)
	if uint64(lfanew)+4 > uint64(len(data)) {
		return 0, notRunnable(KindDOS, sentenceDOS)
	}
	sig := data[lfanew : lfanew+4]
	switch {
	case sig[0] == 'P' && sig[1] == 'E' && sig[2] == 0 && sig[3] == 0:
	case sig[0] == 'N' && sig[1] == 'E':
		return 0, notRunnable(KindNE, sentenceNE)
	case sig[0] == 'L' && (sig[1] == 'E' || sig[1] == 'X'):
		return 0, notRunnable(KindLE, sentenceLE)
	default:
		return 0, notRunnable(KindDOS, sentenceDOS)
	}
	peOff = int(lfanew)
	if len(data) < peOff+24+2 {
		return 0, malformed("the PE header is cut off at the end of the file")
	}
	machine := le16(data, peOff+4)
	magic := le16(data, peOff+24)
	switch {
	case machine == machineAMD64 || magic == magicPE32Plus:
		return 0, notRunnable(Kind64, sentence64)
	case machine == machineARM64:
		return 0, notRunnable(Kind64, "This is a 64-bit ARM Windows program; peek32 runs only 32-bit x86 programs.")
	case machine == machineIA64:
		return 0, notRunnable(Kind64, "This is a 64-bit Itanium Windows program; peek32 runs only 32-bit x86 programs.")
	case machine != machineI386:
		return 0, notRunnable(KindMachine, fmt.Sprintf("This is a Windows program for the %s processor; peek32 runs only 32-bit x86 programs.", MachineName(machine)))
	case magic != magicPE32:
		return 0, malformed("optional header magic is 0x%x, not PE32 (0x10b)", magic)
	}
	return peOff, nil
}

// parseHeaders reads and validates the headers and the section table. With
// sw (saferwall's parse) it takes the header fields from saferwall and the
// data directories and section table as the Windows loader reads them,
// noting where saferwall differs; without (sw nil or failed) it reads them
// all from the bytes.
func parseHeaders(data []byte, lim Limits, sw *swFile) (*File, error) {
	if uint64(len(data)) > uint64(lim.MaxFileSize) {
		return nil, tooLarge("the file is %d bytes, over the limit of %d", len(data), lim.MaxFileSize)
	}
	peOff, err := identify(data)
	if err != nil {
		return nil, err
	}
	f := &File{data: data, lim: lim}
	fh := peOff + 4
	f.Machine = le16(data, fh)
	nsec := int(le16(data, fh+2))
	f.TimeDateStamp = le32(data, fh+4)
	symPtr, nsyms := le32(data, fh+8), le32(data, fh+12)
	optSize := int(le16(data, fh+16))
	f.Characteristics = le16(data, fh+18)
	opt := fh + 20
	// The fixed part of the PE32 optional header is 96 bytes; Windows reads
	// it whole even if SizeOfOptionalHeader is smaller (tiny PEs rely on it),
	// as long as it is inside the file.
	if len(data) < opt+96 {
		return nil, malformed("the optional header is cut off at the end of the file")
	}
	f.EntryRVA = le32(data, opt+16)
	f.ImageBase = le32(data, opt+28)
	f.SectionAlignment = le32(data, opt+32)
	f.FileAlignment = le32(data, opt+36)
	f.MajorOSVersion, f.MinorOSVersion = le16(data, opt+40), le16(data, opt+42)
	f.MajorSubsystemVersion, f.MinorSubsystemVersion = le16(data, opt+48), le16(data, opt+50)
	f.SizeOfImage = le32(data, opt+56)
	f.SizeOfHeaders = le32(data, opt+60)
	f.Subsystem = le16(data, opt+68)
	f.DllCharacteristics = le16(data, opt+70)
	f.StackReserve, f.StackCommit = le32(data, opt+72), le32(data, opt+76)
	f.HeapReserve, f.HeapCommit = le32(data, opt+80), le32(data, opt+84)
	ndirs := int(le32(data, opt+92))
	if ndirs > 16 {
		ndirs = 16
	}
	for i := 0; i < ndirs; i++ {
		off := opt + 96 + 8*i
		if off+8 > len(data) || off+8 > opt+optSize {
			break
		}
		f.Dirs[i] = DataDir{RVA: le32(data, off), Size: le32(data, off+4)}
	}
	if sw != nil && sw.ok {
		sw.fillHeaders(f)
	} else if sw != nil {
		f.note("the headers are read by the loader alone: %s", sw.lastNote())
	}
	f.IsDLL = f.Characteristics&fileDLL != 0

	if f.Characteristics&fileExecutable == 0 {
		return nil, malformed("the file header does not mark it as an executable image (an object file?)")
	}
	if f.SizeOfImage == 0 {
		return nil, malformed("SizeOfImage is 0")
	}
	if f.SizeOfImage > lim.MaxImageSize {
		return nil, tooLarge("SizeOfImage is %d bytes, over the limit of %d", f.SizeOfImage, lim.MaxImageSize)
	}
	if !isPow2(f.SectionAlignment) || !isPow2(f.FileAlignment) {
		return nil, malformed("section alignment 0x%x and file alignment 0x%x must be powers of two", f.SectionAlignment, f.FileAlignment)
	}
	if f.FileAlignment > f.SectionAlignment {
		return nil, malformed("file alignment 0x%x exceeds section alignment 0x%x", f.FileAlignment, f.SectionAlignment)
	}
	f.LowAlignment = f.SectionAlignment < pageSize
	if f.LowAlignment && f.FileAlignment != f.SectionAlignment {
		return nil, malformed("with section alignment 0x%x below the page size, file alignment must equal it (is 0x%x)", f.SectionAlignment, f.FileAlignment)
	}
	if f.SizeOfHeaders > f.SizeOfImage {
		return nil, malformed("SizeOfHeaders 0x%x exceeds SizeOfImage 0x%x", f.SizeOfHeaders, f.SizeOfImage)
	}
	if f.EntryRVA >= f.SizeOfImage {
		return nil, malformed("the entry point RVA 0x%x is outside the image (SizeOfImage 0x%x)", f.EntryRVA, f.SizeOfImage)
	}
	if uint64(f.ImageBase)+uint64(f.SizeOfImage) > 1<<32 {
		return nil, malformed("ImageBase 0x%x + SizeOfImage 0x%x wraps around 4 GB", f.ImageBase, f.SizeOfImage)
	}

	// Section table.
	if nsec > lim.MaxSections {
		return nil, tooLarge("%d sections, over the limit of %d", nsec, lim.MaxSections)
	}
	st := opt + optSize
	if st+40*nsec > len(data) {
		return nil, malformed("the section table (%d sections at 0x%x) runs past the end of the file", nsec, st)
	}
	rawSecs := make([]Section, nsec)
	for i := range rawSecs {
		h := data[st+40*i : st+40*i+40]
		rawSecs[i] = Section{
			Name:            sectionName(h[:8]),
			VirtualSize:     le32(h, 8),
			VirtualAddress:  le32(h, 12),
			RawSize:         le32(h, 16),
			RawOffset:       le32(h, 20),
			Characteristics: le32(h, 36),
		}
	}
	f.Sections = rawSecs
	if sw != nil && sw.ok {
		sw.reconcileTables(f, f.Dirs, rawSecs)
	}
	if err := f.layout(); err != nil {
		return nil, err
	}
	if d := f.Dirs[DirBaseReloc]; d.RVA != 0 && d.Size != 0 && f.Characteristics&fileRelocsStripped == 0 {
		f.HasRelocs = true
	}
	for i, d := range f.Dirs {
		if i == DirSecurity || d.RVA == 0 || d.Size == 0 {
			continue // the security directory holds a file offset, not an RVA
		}
		if uint64(d.RVA)+uint64(d.Size) > uint64(f.SizeOfImage) && i != DirDebug && i != DirLoadConfig {
			// Windows ignores most directory sizes, but an RVA outside the
			// image can never be read.
			if d.RVA >= f.SizeOfImage {
				return nil, malformed("data directory %s at RVA 0x%x is outside the image", DirName(i), d.RVA)
			}
		}
	}
	f.symPtr, f.nsyms = symPtr, nsyms
	f.longSectionNames()
	if d := f.Dirs[DirCLR]; d.RVA != 0 && d.Size != 0 {
		f.refusal = notRunnable(KindDotNet, sentenceDotNet)
	}
	return f, nil
}

func sectionName(b []byte) string {
	n := 0
	for n < len(b) && b[n] != 0 {
		n++
	}
	return strings.ToValidUTF8(string(b[:n]), "?")
}

// layout validates the section table against the image and computes the
// segments Map copies: the headers, then each section in address order.
// Sections must ascend, must not overlap, and must fit in SizeOfImage.
func (f *File) layout() error {
	fileLen := uint32(len(f.data))
	if f.LowAlignment {
		// Flat mapping: the file is the image.
		n := min(fileLen, f.SizeOfImage)
		f.segs = []segment{{RVA: 0, Size: f.SizeOfImage, Off: 0, FileLen: n, Chars: scnRead | scnWrite | scnExecute}}
		for _, s := range f.Sections {
			if uint64(s.VirtualAddress)+uint64(s.VirtualSize) > uint64(f.SizeOfImage) {
				return malformed("section %q (RVA 0x%x, size 0x%x) extends past SizeOfImage 0x%x", s.Name, s.VirtualAddress, s.VirtualSize, f.SizeOfImage)
			}
		}
		return nil
	}
	hdrLen := min(f.SizeOfHeaders, fileLen)
	hsize, _ := alignUp(f.SizeOfHeaders, f.SectionAlignment)
	if hsize == 0 {
		hsize = uint64(f.SectionAlignment)
	}
	f.segs = append(f.segs, segment{RVA: 0, Size: uint32(min(hsize, uint64(f.SizeOfImage))), Off: 0, FileLen: hdrLen, Headers: true})
	next := uint64(hsize)
	for _, s := range f.Sections {
		if s.VirtualAddress%f.SectionAlignment != 0 {
			return malformed("section %q at RVA 0x%x is not aligned to the section alignment 0x%x", s.Name, s.VirtualAddress, f.SectionAlignment)
		}
		if uint64(s.VirtualAddress) < next {
			return malformed("section %q at RVA 0x%x overlaps the headers or the previous section (which end at 0x%x)", s.Name, s.VirtualAddress, next)
		}
		vsize := s.VirtualSize
		if vsize == 0 {
			vsize = s.RawSize
		}
		msize, ok := alignUp(vsize, f.SectionAlignment)
		if !ok || uint64(s.VirtualAddress)+msize > uint64(f.SizeOfImage) {
			return malformed("section %q (RVA 0x%x, size 0x%x) extends past SizeOfImage 0x%x", s.Name, s.VirtualAddress, vsize, f.SizeOfImage)
		}
		seg := segment{RVA: s.VirtualAddress, Size: uint32(msize), Chars: s.Characteristics}
		if s.RawSize != 0 && s.RawOffset != 0 {
			// Windows rounds the raw pointer down to 512 bytes and the raw
			// size up to the file alignment.
			off := s.RawOffset &^ 0x1ff
			rawLen, _ := alignUp(s.RawSize+(s.RawOffset-off), f.FileAlignment)
			rawLen = min(rawLen, msize)
			if s.VirtualSize != 0 {
				rawLen = min(rawLen, uint64(s.VirtualSize))
			}
			if off < fileLen {
				seg.Off = off
				seg.FileLen = uint32(min(rawLen, uint64(fileLen-off)))
			}
		}
		f.segs = append(f.segs, seg)
		next = uint64(s.VirtualAddress) + msize
	}
	return nil
}

// readRVA fills buf with the image bytes at rva as Map would lay them out
// (file bytes, or zero for uninitialised tails and gaps). It reports false
// if [rva, rva+len(buf)) is not inside the image.
func (f *File) readRVA(rva uint32, buf []byte) bool {
	end := uint64(rva) + uint64(len(buf))
	if end > uint64(f.SizeOfImage) {
		return false
	}
	clear(buf)
	for _, s := range f.segs {
		lo, hi := uint64(s.RVA), uint64(s.RVA)+uint64(s.FileLen)
		a, b := max(lo, uint64(rva)), min(hi, end)
		if a >= b {
			continue
		}
		copy(buf[a-uint64(rva):b-uint64(rva)], f.data[uint64(s.Off)+(a-lo):uint64(s.Off)+(b-lo)])
	}
	return true
}

// u32At reads a little-endian dword at rva.
func (f *File) u32At(rva uint32) (uint32, bool) {
	var b [4]byte
	if !f.readRVA(rva, b[:]) {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b[:]), true
}

// u16At reads a little-endian word at rva.
func (f *File) u16At(rva uint32) (uint16, bool) {
	var b [2]byte
	if !f.readRVA(rva, b[:]) {
		return 0, false
	}
	return binary.LittleEndian.Uint16(b[:]), true
}

// cstringAt reads a NUL-terminated string of at most max bytes at rva.
func (f *File) cstringAt(rva uint32, max int) (string, bool) {
	var out []byte
	var chunk [64]byte
	for len(out) < max {
		n := min(len(chunk), max-len(out))
		if uint64(rva)+uint64(n) > uint64(f.SizeOfImage) {
			n = int(uint64(f.SizeOfImage) - min(uint64(rva), uint64(f.SizeOfImage)))
			if n == 0 {
				return "", false
			}
		}
		if !f.readRVA(rva, chunk[:n]) {
			return "", false
		}
		for i := 0; i < n; i++ {
			if chunk[i] == 0 {
				return string(append(out, chunk[:i]...)), true
			}
		}
		out = append(out, chunk[:n]...)
		rva += uint32(n)
	}
	return "", false
}

// SectionOf returns the index of the section containing rva, or -1.
func (f *File) SectionOf(rva uint32) int {
	for i, s := range f.Sections {
		size := max(s.VirtualSize, s.RawSize)
		if f.SectionAlignment != 0 {
			if a, ok := alignUp(max(s.VirtualSize, 1), f.SectionAlignment); ok && s.VirtualSize != 0 {
				size = uint32(a)
			}
		}
		if rva >= s.VirtualAddress && uint64(rva) < uint64(s.VirtualAddress)+uint64(size) {
			return i
		}
	}
	return -1
}

// stringTable returns the COFF string table (after the symbol table), or nil.
func (f *File) stringTable() []byte {
	if f.symPtr == 0 {
		return nil
	}
	end := uint64(f.symPtr) + 18*uint64(f.nsyms)
	if end+4 > uint64(len(f.data)) {
		return nil
	}
	st := f.data[end:]
	if sz := uint64(le32(st, 0)); sz >= 4 && sz <= uint64(len(st)) {
		return st[:sz]
	}
	return nil
}

// longSectionNames resolves "/123" section names (MinGW's long debug
// section names) through the COFF string table. Windows ignores section
// names; this is for people reading the inspector.
func (f *File) longSectionNames() {
	st := f.stringTable()
	if st == nil {
		return
	}
	for i, s := range f.Sections {
		if len(s.Name) < 2 || s.Name[0] != '/' {
			continue
		}
		var o uint64
		ok := true
		for _, c := range s.Name[1:] {
			if c < '0' || c > '9' {
				ok = false
				break
			}
			o = o*10 + uint64(c-'0')
		}
		if !ok || o >= uint64(len(st)) {
			continue
		}
		name := st[o:min(uint64(len(st)), o+maxNameLen)]
		if j := bytes.IndexByte(name, 0); j >= 0 {
			f.Sections[i].Name = strings.ToValidUTF8(string(name[:j]), "?")
		}
	}
}
