package loader

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Report is the PE summary behind `peek32 inspect` and the page's PE view.
// It is JSON-able; every string in it comes from the file and must be shown
// as text, never as markup. Sections that do not apply are omitted.
type Report struct {
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
	// Format is "PE32", "PE32+", "MZ", "NE", "LE" or "unknown".
	Format string `json:"format"`
	// Runnable says peek32 can start the file as a program; Verdict is the
	// one-sentence explanation, and Kind the ErrorKind name when it cannot.
	Runnable bool   `json:"runnable"`
	Verdict  string `json:"verdict"`
	Kind     string `json:"kind,omitempty"`

	DOS       *DOSInfo       `json:"dos,omitempty"`
	Header    *HeaderInfo    `json:"file_header,omitempty"`
	Optional  *OptionalInfo  `json:"optional_header,omitempty"`
	DataDirs  []DataDirInfo  `json:"data_directories,omitempty"`
	Sections  []SectionInfo  `json:"sections,omitempty"`
	Imports   []ImportDLL    `json:"imports,omitempty"` // normal then delay-load (Delay set)
	Exports   *ExportsInfo   `json:"exports,omitempty"`
	TLS       *TLSDirectory  `json:"tls,omitempty"`
	Relocs    *RelocInfo     `json:"relocations,omitempty"`
	Resources []ResourceNode `json:"resources,omitempty"`
	Rich      *RichInfo      `json:"rich_header,omitempty"`
	Signature *SignatureInfo `json:"signature,omitempty"`
	Debug     []DebugInfo    `json:"debug,omitempty"`
	Symbols   int            `json:"coff_symbols,omitempty"`
	// Overlay is the number of bytes after the last section's raw data
	// (not counting an attribute certificate at the end).
	Overlay   uint32   `json:"overlay,omitempty"`
	Anomalies []string `json:"anomalies,omitempty"`
}

// DOSInfo is the MS-DOS header.
type DOSInfo struct {
	Magic  string `json:"magic"`
	Lfanew uint32 `json:"e_lfanew"`
}

// HeaderInfo is the COFF file header.
type HeaderInfo struct {
	Machine         uint16   `json:"machine"`
	MachineName     string   `json:"machine_name"`
	Sections        uint16   `json:"number_of_sections"`
	TimeDateStamp   uint32   `json:"time_date_stamp"`
	Time            string   `json:"time,omitempty"` // RFC 3339, UTC
	Characteristics uint16   `json:"characteristics"`
	Flags           []string `json:"flags"`
}

// OptionalInfo is the PE32 optional header.
type OptionalInfo struct {
	LinkerVersion      string   `json:"linker_version"`
	ImageBase          uint32   `json:"image_base"`
	EntryPoint         uint32   `json:"entry_point_rva"`
	EntryVA            uint32   `json:"entry_point_va"`
	EntrySection       string   `json:"entry_section,omitempty"`
	SectionAlignment   uint32   `json:"section_alignment"`
	FileAlignment      uint32   `json:"file_alignment"`
	SizeOfImage        uint32   `json:"size_of_image"`
	SizeOfHeaders      uint32   `json:"size_of_headers"`
	Checksum           uint32   `json:"checksum"`
	ComputedChecksum   uint32   `json:"computed_checksum"`
	OSVersion          string   `json:"os_version"`
	SubsystemVersion   string   `json:"subsystem_version"`
	Subsystem          uint16   `json:"subsystem"`
	SubsystemName      string   `json:"subsystem_name"`
	DllCharacteristics uint16   `json:"dll_characteristics"`
	DllFlags           []string `json:"dll_flags"`
	StackReserve       uint32   `json:"stack_reserve"`
	StackCommit        uint32   `json:"stack_commit"`
	HeapReserve        uint32   `json:"heap_reserve"`
	HeapCommit         uint32   `json:"heap_commit"`
}

// DataDirInfo is one non-empty data directory.
type DataDirInfo struct {
	Index   int    `json:"index"`
	Name    string `json:"name"`
	RVA     uint32 `json:"rva"` // a file offset for the Security directory
	Size    uint32 `json:"size"`
	Section string `json:"section,omitempty"`
}

// SectionInfo is one section with its decoded flags, the protection Map
// gives it, and the Shannon entropy (bits per byte) of its raw data.
type SectionInfo struct {
	Section
	Flags   []string `json:"flags"`
	Prot    string   `json:"prot"`
	Entropy float64  `json:"entropy"`
}

// ExportsInfo is the export directory.
type ExportsInfo struct {
	DLLName       string   `json:"dll_name"`
	OrdinalBase   uint32   `json:"ordinal_base"`
	TimeDateStamp uint32   `json:"time_date_stamp,omitempty"`
	Functions     []Export `json:"functions"`
}

// DebugInfo is one debug directory entry; for CodeView (RSDS) entries PDB
// is the program database path the linker recorded.
type DebugInfo struct {
	Type string `json:"type"`
	Size uint32 `json:"size"`
	PDB  string `json:"pdb,omitempty"`
	GUID string `json:"guid,omitempty"`
	Age  uint32 `json:"age,omitempty"`
}

// RelocInfo summarizes the base relocations.
type RelocInfo struct {
	Blocks int            `json:"blocks"`
	Total  int            `json:"total"`
	ByType map[string]int `json:"by_type"`
}

// ResourceNode is one entry of the resource tree: type (level 0), name
// (level 1), language (level 2). Leaves carry the data's RVA, size and code
// page.
type ResourceNode struct {
	Name     string         `json:"name"` // "RT_ICON", "#101", "MAINICON", "lang 0x409"
	ID       uint32         `json:"id,omitempty"`
	RVA      uint32         `json:"rva,omitempty"`
	Size     uint32         `json:"size,omitempty"`
	CodePage uint32         `json:"code_page,omitempty"`
	Children []ResourceNode `json:"children,omitempty"`
}

// RichInfo is the decoded Rich header (the linker's bill of materials).
type RichInfo struct {
	XORKey        uint32      `json:"xor_key"`
	ChecksumValid bool        `json:"checksum_valid"`
	Entries       []RichEntry `json:"entries"`
}

// RichEntry is one @comp.id of the Rich header.
type RichEntry struct {
	ProductID uint16 `json:"product_id"`
	Build     uint16 `json:"build"`
	Count     uint32 `json:"count"`
	Product   string `json:"product"`
	VSVersion string `json:"vs_version,omitempty"`
}

// SignatureInfo describes the Authenticode signature (attribute
// certificate); it is not verified.
type SignatureInfo struct {
	Offset   uint32       `json:"offset"`
	Length   uint32       `json:"length"`
	Revision uint16       `json:"revision"`
	Type     uint16       `json:"type"`
	Signers  []SignerInfo `json:"signers,omitempty"`
}

// SignerInfo is what the certificate says about its signer.
type SignerInfo struct {
	Subject   string `json:"subject"`
	Issuer    string `json:"issuer"`
	Serial    string `json:"serial"`
	NotBefore string `json:"not_before"`
	NotAfter  string `json:"not_after"`
}

// Inspect summarizes data for a person. It accepts anything: for a file
// peek32 cannot run, the report says what it is (Runnable false, Verdict
// the sentence) and shows what could be read. Inspect never panics; the
// error is non-nil only if the summary could not be produced at all.
func Inspect(data []byte) (r *Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("loader: inspect failed: %v", p)
		}
	}()
	return inspect(data), nil
}

func inspect(data []byte) *Report {
	lim := DefaultLimits()
	sum := sha256.Sum256(data)
	r := &Report{Size: len(data), SHA256: hex.EncodeToString(sum[:]), Format: "unknown"}
	if len(data) >= 0x40 && data[0] == 'M' && data[1] == 'Z' {
		r.Format = "MZ"
		r.DOS = &DOSInfo{Magic: "MZ", Lfanew: le32(data, 0x3c)}
		if l := uint64(r.DOS.Lfanew); l+4 <= uint64(len(data)) {
			switch string(data[l : l+2]) {
			case "PE":
				r.Format = "PE32"
			case "NE":
				r.Format = "NE"
			case "LE", "LX":
				r.Format = "LE"
			}
		}
	}
	f, sw, perr := parseAll(data, lim)
	switch {
	case perr != nil:
		r.Verdict, r.Kind = perr.Error(), KindOf(perr).String()
	case f.ProgramError() != nil:
		e := f.ProgramError()
		r.Verdict, r.Kind = e.Error(), KindOf(e).String()
	default:
		r.Runnable = true
		r.Verdict = fmt.Sprintf("This is a 32-bit x86 %s program; peek32 can run it.", SubsystemName(f.Subsystem))
	}
	if r.Format == "PE32" {
		if k := KindOf(perr); k == Kind64 {
			r.Format = "PE32+"
			if len(data) > int(r.DOS.Lfanew)+26 && le16(data, int(r.DOS.Lfanew)+24) != magicPE32Plus {
				r.Format = "PE32" // a 32-bit layout for a 64-bit machine
			}
		}
		r.fromRawHeaders(data)
		// A PE32 that parses far enough gets the full picture even if it
		// cannot run (.NET, DLLs) or has broken directories.
		if f == nil && sw != nil {
			f = r.refusedFile(data, lim, sw)
		}
		if f != nil {
			r.fromFile(f)
		}
		r.fromSaferwall(sw, f)
	}
	return r
}

// refusedFile parses what it can of a PE32 that Parse refused: the headers and then each data
// directory, recording every directory that fails as an anomaly. It returns nil when the headers
// do not parse. Only when every directory passed the loader's limits does saferwall parse them
// (this is what bounds its work).
func (r *Report) refusedFile(data []byte, lim Limits, sw *swFile) *File {
	f, err := parseHeaders(data, lim, sw)
	if err != nil {
		return nil
	}
	clean := true
	for _, st := range f.dirSteps() {
		if err := st.fn(); err != nil {
			r.Anomalies = append(r.Anomalies, st.name+": "+err.Error())
			clean = false
		}
	}
	if clean {
		f.saferwallDirs(sw)
	}
	return f
}

// fromRawHeaders fills the file header, section table, Rich header and
// signature straight from the bytes, for every file with a PE signature
// (including the 64-bit and foreign-machine ones Parse refuses).
func (r *Report) fromRawHeaders(data []byte) {
	lf := r.DOS.Lfanew
	if uint64(lf)+24 > uint64(len(data)) {
		return
	}
	r.Rich = parseRich(data, lf)
	if r.Rich != nil && !r.Rich.ChecksumValid {
		r.Anomalies = append(r.Anomalies, "the Rich header checksum does not match (edited after linking?)")
	}
	fh := int(lf) + 4
	h := &HeaderInfo{Machine: le16(data, fh), Sections: le16(data, fh+2), TimeDateStamp: le32(data, fh+4),
		Characteristics: le16(data, fh+18)}
	h.MachineName, h.Flags = MachineName(h.Machine), FileFlags(h.Characteristics)
	if h.TimeDateStamp != 0 {
		h.Time = time.Unix(int64(h.TimeDateStamp), 0).UTC().Format(time.RFC3339)
	} else {
		r.Anomalies = append(r.Anomalies, "the link time stamp is zero")
	}
	r.Header = h
	st := fh + 20 + int(le16(data, fh+16))
	for i := 0; i < int(h.Sections) && i < DefaultLimits().MaxSections && st+40*(i+1) <= len(data); i++ {
		b := data[st+40*i:]
		r.Sections = append(r.Sections, sectionInfo(data, Section{Name: sectionName(b[:8]), VirtualSize: le32(b, 8),
			VirtualAddress: le32(b, 12), RawSize: le32(b, 16), RawOffset: le32(b, 20), Characteristics: le32(b, 36)}))
	}
	if off := secDirOffset(data, lf); off != 0 {
		size := secDirSize(data, lf)
		var an []string
		r.Signature, an = parseSignature(data, off, size)
		r.Anomalies = append(r.Anomalies, an...)
	}
	if opt := int(lf) + 24; opt+68 <= len(data) {
		r.Optional = &OptionalInfo{Checksum: le32(data, opt+64), ComputedChecksum: peChecksum(data, uint32(opt+64))}
		if r.Optional.Checksum != 0 && r.Optional.Checksum != r.Optional.ComputedChecksum {
			r.Anomalies = append(r.Anomalies, fmt.Sprintf("the header checksum 0x%x does not match the file (0x%x)", r.Optional.Checksum, r.Optional.ComputedChecksum))
		}
	}
}

// peChecksum computes the PE image checksum (as CheckSumMappedFile): a
// 16-bit folded sum of the file's words, skipping the CheckSum field,
// plus the file length.
func peChecksum(data []byte, csOff uint32) uint32 {
	var sum uint64
	n := len(data) &^ 1
	for i := 0; i < n; i += 2 {
		if uint32(i) == csOff || uint32(i) == csOff+2 {
			continue
		}
		sum += uint64(le16(data, i))
		sum = (sum & 0xffff) + (sum >> 16)
	}
	if len(data)%2 == 1 {
		sum += uint64(data[len(data)-1])
		sum = (sum & 0xffff) + (sum >> 16)
	}
	sum = (sum & 0xffff) + (sum >> 16)
	return uint32(sum) + uint32(len(data))
}

// secDirSize returns the Security directory's size.
func secDirSize(data []byte, lfanew uint32) uint32 {
	opt := int(lfanew) + 24
	off := opt + 96 + 8*DirSecurity + 4
	if opt+2 <= len(data) && le16(data, opt) == magicPE32Plus {
		off += 16
	}
	if off+4 > len(data) {
		return 0
	}
	return le32(data, off)
}

// secDirOffset returns the Security directory's file offset from a PE32 or
// PE32+ header (0 if unreadable).
func secDirOffset(data []byte, lfanew uint32) uint32 {
	opt := int(lfanew) + 24
	if opt+2 > len(data) {
		return 0
	}
	off := opt + 96 + 8*DirSecurity
	if le16(data, opt) == magicPE32Plus {
		off += 16
	}
	if off+4 > len(data) {
		return 0
	}
	return le32(data, off)
}

// maxEntropyBytes bounds the bytes entropy reads per section (a prefix),
// so that overlapping hostile sections cannot multiply the work.
const maxEntropyBytes = 4 << 20

// entropy returns the Shannon entropy of b (at most its first
// maxEntropyBytes) in bits per byte, rounded to 3 decimals.
func entropy(b []byte) float64 {
	if len(b) == 0 {
		return 0
	}
	b = b[:min(len(b), maxEntropyBytes)]
	var freq [256]int
	for _, c := range b {
		freq[c]++
	}
	var e float64
	n := float64(len(b))
	for _, c := range freq {
		if c > 0 {
			p := float64(c) / n
			e -= p * math.Log2(p)
		}
	}
	return math.Round(e*1000) / 1000
}

func sectionInfo(data []byte, s Section) SectionInfo {
	si := SectionInfo{Section: s, Flags: SectionFlags(s.Characteristics), Prot: SectionProt(s.Characteristics).String()}
	if s.RawOffset < uint32(len(data)) {
		end := min(uint64(s.RawOffset)+uint64(s.RawSize), uint64(len(data)))
		si.Entropy = entropy(data[s.RawOffset:end])
	}
	return si
}

// fromFile fills the report from the loader's own parse.
func (r *Report) fromFile(f *File) {
	data := f.data
	opt := int(le32(data, 0x3c)) + 24
	cs := uint32(0)
	if r.Optional != nil {
		cs = r.Optional.ComputedChecksum
	}
	r.Optional = &OptionalInfo{
		LinkerVersion: fmt.Sprintf("%d.%d", data[opt+2], data[opt+3]), ImageBase: f.ImageBase,
		EntryPoint: f.EntryRVA, EntryVA: f.ImageBase + f.EntryRVA,
		SectionAlignment: f.SectionAlignment, FileAlignment: f.FileAlignment, SizeOfImage: f.SizeOfImage,
		SizeOfHeaders: f.SizeOfHeaders, Checksum: le32(data, opt+64), ComputedChecksum: cs,
		OSVersion:        fmt.Sprintf("%d.%d", f.MajorOSVersion, f.MinorOSVersion),
		SubsystemVersion: fmt.Sprintf("%d.%d", f.MajorSubsystemVersion, f.MinorSubsystemVersion),
		Subsystem:        f.Subsystem, SubsystemName: SubsystemName(f.Subsystem),
		DllCharacteristics: f.DllCharacteristics, DllFlags: DllFlags(f.DllCharacteristics),
		StackReserve: f.StackReserve, StackCommit: f.StackCommit, HeapReserve: f.HeapReserve, HeapCommit: f.HeapCommit,
	}
	if i := f.SectionOf(f.EntryRVA); i >= 0 {
		r.Optional.EntrySection = f.Sections[i].Name
	}
	r.DataDirs = nil
	for i, d := range f.Dirs {
		if d.RVA == 0 && d.Size == 0 {
			continue
		}
		di := DataDirInfo{Index: i, Name: DirName(i), RVA: d.RVA, Size: d.Size}
		if j := f.SectionOf(d.RVA); j >= 0 && i != DirSecurity {
			di.Section = f.Sections[j].Name
		}
		r.DataDirs = append(r.DataDirs, di)
	}
	r.Sections = r.Sections[:0]
	for _, s := range f.Sections {
		r.Sections = append(r.Sections, sectionInfo(data, s))
	}
	r.Imports = append(append([]ImportDLL(nil), f.Imports...), f.DelayImports...)
	if t := f.Exports; t != nil {
		fns := append([]Export(nil), t.Entries...)
		sort.SliceStable(fns, func(i, j int) bool { return fns[i].Ordinal < fns[j].Ordinal })
		r.Exports = &ExportsInfo{DLLName: t.DLLName, OrdinalBase: t.OrdinalBase, TimeDateStamp: t.TimeDateStamp, Functions: fns}
	}
	r.TLS = f.TLS
	if len(f.Relocs) > 0 {
		ri := &RelocInfo{Total: len(f.Relocs), ByType: map[string]int{}}
		last := uint32(1)
		for _, rl := range f.Relocs {
			ri.ByType[RelocTypeName(rl.Type)]++
			if p := rl.RVA &^ 0xfff; p != last {
				ri.Blocks++
				last = p
			}
		}
		r.Relocs = ri
	}
	r.Resources = f.resources()
	r.Debug = f.debugEntries()
	r.Symbols = len(f.Symbols)
	var rawEnd uint64
	for _, s := range f.Sections {
		if s.RawSize != 0 {
			rawEnd = max(rawEnd, uint64(s.RawOffset)+uint64(s.RawSize))
		}
	}
	if f.symPtr != 0 && uint64(f.symPtr) >= rawEnd {
		// The COFF symbol and string tables are not overlay.
		rawEnd = uint64(f.symPtr) + 18*uint64(f.nsyms) + uint64(len(f.stringTable()))
	}
	end := uint64(len(data))
	if d := f.Dirs[DirSecurity]; d.RVA != 0 && uint64(d.RVA) >= rawEnd && uint64(d.RVA) < end {
		end = uint64(d.RVA)
	}
	if rawEnd > 0 && end > rawEnd {
		r.Overlay = uint32(end - rawEnd)
	}
	r.Anomalies = append(r.Anomalies, f.anomalies()...)
}

// anomalies are the loader's own observations, beyond saferwall's.
func (f *File) anomalies() []string {
	var out []string
	ei := f.SectionOf(f.EntryRVA)
	switch {
	case f.EntryRVA == 0 && !f.IsDLL:
		out = append(out, "the entry point is 0 (execution would start at the headers)")
	case f.EntryRVA != 0 && ei < 0:
		out = append(out, fmt.Sprintf("the entry point 0x%x is not in any section", f.EntryRVA))
	case ei >= 0 && f.Sections[ei].Characteristics&scnExecute == 0 && !f.LowAlignment:
		out = append(out, fmt.Sprintf("the entry point is in section %q, which is not executable", f.Sections[ei].Name))
	case ei >= 0 && ei == len(f.Sections)-1 && len(f.Sections) > 1:
		out = append(out, fmt.Sprintf("the entry point is in the last section %q (common in packed files)", f.Sections[ei].Name))
	}
	for _, s := range f.Sections {
		if s.Characteristics&scnWrite != 0 && s.Characteristics&scnExecute != 0 {
			out = append(out, fmt.Sprintf("section %q is writable and executable", s.Name))
		}
		if s.RawSize != 0 && uint64(s.RawOffset)+uint64(s.RawSize) > uint64(len(f.data)) {
			out = append(out, fmt.Sprintf("section %q's raw data runs past the end of the file (truncated?)", s.Name))
		}
		if s.RawSize >= 1024 && s.RawOffset < uint32(len(f.data)) {
			end := min(uint64(s.RawOffset)+uint64(s.RawSize), uint64(len(f.data)))
			if e := entropy(f.data[s.RawOffset:end]); e > 7.2 {
				out = append(out, fmt.Sprintf("section %q has high entropy %.2f (packed or encrypted?)", s.Name, e))
			}
		}
	}
	if f.ImageBase%0x10000 != 0 {
		out = append(out, fmt.Sprintf("ImageBase 0x%x is not 64 KiB aligned (the image must be relocated)", f.ImageBase))
	}
	if !f.IsDLL && len(f.Imports) == 0 {
		out = append(out, "the program imports nothing (packed, or resolves its APIs by hand)")
	}
	if f.TLS != nil && len(f.TLS.Callbacks) > 0 {
		out = append(out, fmt.Sprintf("%d TLS callback(s) run before the entry point", len(f.TLS.Callbacks)))
	}
	if f.Characteristics&fileRelocsStripped == 0 && !f.HasRelocs && !f.IsDLL {
		// Ordinary for EXEs; worth noting only when not stripped explicitly.
		out = append(out, "no base relocations: the program can only load at its preferred base")
	}
	return out
}

var resTypeNames = map[uint32]string{1: "RT_CURSOR", 2: "RT_BITMAP", 3: "RT_ICON", 4: "RT_MENU", 5: "RT_DIALOG",
	6: "RT_STRING", 7: "RT_FONTDIR", 8: "RT_FONT", 9: "RT_ACCELERATOR", 10: "RT_RCDATA", 11: "RT_MESSAGETABLE",
	12: "RT_GROUP_CURSOR", 14: "RT_GROUP_ICON", 16: "RT_VERSION", 17: "RT_DLGINCLUDE", 19: "RT_PLUGPLAY",
	20: "RT_VXD", 21: "RT_ANICURSOR", 22: "RT_ANIICON", 23: "RT_HTML", 24: "RT_MANIFEST"}

// resources walks the resource directory (type, name, language) with depth
// and entry limits and loop protection.
func (f *File) resources() []ResourceNode {
	d := f.Dirs[DirResource]
	if d.RVA == 0 {
		return nil
	}
	budget := f.lim.MaxResources
	seen := map[uint32]bool{}
	var walk func(off uint32, level int) []ResourceNode
	walk = func(off uint32, level int) []ResourceNode {
		if level > 3 || seen[off] || budget <= 0 {
			return nil
		}
		seen[off] = true
		var hdr [16]byte
		if !f.readRVA(d.RVA+off, hdr[:]) {
			return nil
		}
		n := int(le16(hdr[:], 12)) + int(le16(hdr[:], 14))
		var out []ResourceNode
		for i := 0; i < n && budget > 0; i++ {
			budget--
			var e [8]byte
			if !f.readRVA(d.RVA+off+16+8*uint32(i), e[:]) {
				break
			}
			name, target := le32(e[:], 0), le32(e[:], 4)
			var node ResourceNode
			if name&0x80000000 != 0 {
				node.Name = f.resString(d.RVA + name&0x7fffffff)
			} else {
				node.ID = name
				switch {
				case level == 0 && resTypeNames[name] != "":
					node.Name = resTypeNames[name]
				case level == 2:
					node.Name = fmt.Sprintf("lang 0x%x", name)
				default:
					node.Name = "#" + itoa(name)
				}
			}
			if target&0x80000000 != 0 {
				node.Children = walk(target&0x7fffffff, level+1)
			} else {
				var de [16]byte
				if f.readRVA(d.RVA+target, de[:]) {
					node.RVA, node.Size, node.CodePage = le32(de[:], 0), le32(de[:], 4), le32(de[:], 8)
				}
			}
			out = append(out, node)
		}
		return out
	}
	return walk(0, 0)
}

// resString reads an IMAGE_RESOURCE_DIR_STRING_U (length-prefixed UTF-16).
func (f *File) resString(rva uint32) string {
	n, ok := f.u16At(rva)
	if !ok {
		return "?"
	}
	n = min(n, 256)
	b := make([]byte, 2*int(n))
	if !f.readRVA(rva+2, b) {
		return "?"
	}
	rs := make([]rune, 0, n)
	for i := 0; i+1 < len(b); i += 2 {
		rs = append(rs, rune(le16(b, i)))
	}
	return string(rs)
}

var debugTypes = map[uint32]string{0: "UNKNOWN", 1: "COFF", 2: "CODEVIEW", 3: "FPO", 4: "MISC", 5: "EXCEPTION",
	6: "FIXUP", 9: "BORLAND", 11: "CLSID", 12: "VC_FEATURE", 13: "POGO", 14: "ILTCG", 16: "REPRO", 20: "EX_DLLCHARACTERISTICS"}

// debugEntries reads the debug directory (at most 32 entries) and decodes
// CodeView RSDS records.
func (f *File) debugEntries() []DebugInfo {
	d := f.Dirs[DirDebug]
	if d.RVA == 0 || d.Size < 28 {
		return nil
	}
	var out []DebugInfo
	for i := uint32(0); i < min(d.Size/28, 32); i++ {
		var e [28]byte
		if !f.readRVA(d.RVA+28*i, e[:]) {
			break
		}
		typ, size, ptr := le32(e[:], 12), le32(e[:], 16), le32(e[:], 24)
		di := DebugInfo{Type: debugTypes[typ], Size: size}
		if di.Type == "" {
			di.Type = "TYPE" + itoa(typ)
		}
		if typ == 2 && size >= 24 && uint64(ptr)+uint64(size) <= uint64(len(f.data)) {
			cv := f.data[ptr : ptr+size]
			if string(cv[:4]) == "RSDS" {
				g := cv[4:20]
				di.GUID = fmt.Sprintf("%08x-%04x-%04x-%x-%x", le32(g, 0), le16(g, 4), le16(g, 6), g[8:10], g[10:16])
				di.Age = le32(cv, 20)
				path := cv[24:min(len(cv), 24+maxNameLen)]
				if j := bytes.IndexByte(path, 0); j >= 0 {
					path = path[:j]
				}
				di.PDB = strings.ToValidUTF8(string(path), "?")
			}
		}
		out = append(out, di)
	}
	return out
}
