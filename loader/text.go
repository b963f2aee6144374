package loader

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
)

// WriteText renders the report for a terminal (`peek32 inspect`). Strings
// from the file are printed with control characters escaped, so a hostile
// name cannot drive the terminal.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("File:       %d bytes, sha256 %s\n", r.Size, r.SHA256)
	p("Format:     %s\n", r.Format)
	p("Verdict:    %s\n", r.Verdict)
	if h := r.Header; h != nil {
		p("\nFile header\n")
		p("  Machine           0x%04x %s\n", h.Machine, h.MachineName)
		p("  Sections          %d\n", h.Sections)
		p("  TimeDateStamp     0x%08x %s\n", h.TimeDateStamp, h.Time)
		p("  Characteristics   0x%04x %s\n", h.Characteristics, strings.Join(h.Flags, " "))
	}
	if o := r.Optional; o != nil && o.SizeOfImage != 0 {
		p("\nOptional header\n")
		p("  Linker version    %s\n", o.LinkerVersion)
		p("  ImageBase         0x%08x\n", o.ImageBase)
		p("  Entry point       RVA 0x%08x  VA 0x%08x  in %s\n", o.EntryPoint, o.EntryVA, safe(orDash(o.EntrySection)))
		p("  Alignment         section 0x%x, file 0x%x\n", o.SectionAlignment, o.FileAlignment)
		p("  SizeOfImage       0x%x\n", o.SizeOfImage)
		p("  SizeOfHeaders     0x%x\n", o.SizeOfHeaders)
		p("  Checksum          0x%08x (computed 0x%08x)\n", o.Checksum, o.ComputedChecksum)
		p("  Subsystem         %d %s (version %s, OS %s)\n", o.Subsystem, o.SubsystemName, o.SubsystemVersion, o.OSVersion)
		p("  DllCharacteristics 0x%04x %s\n", o.DllCharacteristics, strings.Join(o.DllFlags, " "))
		p("  Stack             reserve 0x%x, commit 0x%x\n", o.StackReserve, o.StackCommit)
		p("  Heap              reserve 0x%x, commit 0x%x\n", o.HeapReserve, o.HeapCommit)
	}
	if len(r.DataDirs) > 0 {
		p("\nData directories\n")
		for _, d := range r.DataDirs {
			p("  %-12s 0x%08x  0x%-8x %s\n", d.Name, d.RVA, d.Size, safe(d.Section))
		}
	}
	if len(r.Sections) > 0 {
		w := 8
		for _, s := range r.Sections {
			w = max(w, min(len(safe(s.Name)), 32))
		}
		p("\nSections\n  %-*s %-10s %-10s %-10s %-10s %-6s %-7s %s\n", w, "Name", "VA", "VSize", "RawOff", "RawSize", "Prot", "Entropy", "Flags")
		for _, s := range r.Sections {
			p("  %-*s 0x%08x 0x%08x 0x%08x 0x%08x %-6s %7.3f %s\n", w, safe(s.Name), s.VirtualAddress, s.VirtualSize,
				s.RawOffset, s.RawSize, s.Prot, s.Entropy, strings.Join(s.Flags, " "))
		}
	}
	if len(r.Imports) > 0 {
		p("\nImports\n")
		for _, d := range r.Imports {
			kind := ""
			if d.Delay {
				kind = " (delay-load)"
			}
			p("  %s%s, IAT at RVA 0x%08x\n", safe(d.DLL), kind, d.IATRVA)
			for _, fn := range d.Funcs {
				if fn.ByOrdinal {
					p("    #%d\n", fn.Ordinal)
				} else {
					p("    %s (hint %d)\n", safe(fn.Name), fn.Hint)
				}
			}
		}
	}
	if e := r.Exports; e != nil {
		p("\nExports of %s (ordinal base %d)\n", safe(e.DLLName), e.OrdinalBase)
		for _, fn := range e.Functions {
			name := safe(orDash(fn.Name))
			if fn.Forwarder != "" {
				p("  %5d  %-40s -> %s\n", fn.Ordinal, name, safe(fn.Forwarder))
			} else {
				p("  %5d  %-40s RVA 0x%08x\n", fn.Ordinal, name, fn.RVA)
			}
		}
	}
	if t := r.TLS; t != nil {
		p("\nTLS\n  Template 0x%08x-0x%08x, zero fill 0x%x, index at 0x%08x, callbacks at 0x%08x\n",
			t.StartVA, t.EndVA, t.ZeroFill, t.IndexVA, t.CallbacksVA)
		for _, cb := range t.Callbacks {
			p("  callback 0x%08x\n", cb)
		}
	}
	if rl := r.Relocs; rl != nil {
		types := make([]string, 0, len(rl.ByType))
		for k := range rl.ByType {
			types = append(types, k)
		}
		sort.Strings(types)
		p("\nBase relocations: %d in %d blocks (", rl.Total, rl.Blocks)
		for i, k := range types {
			if i > 0 {
				p(", ")
			}
			p("%s %d", k, rl.ByType[k])
		}
		p(")\n")
	}
	if len(r.Resources) > 0 {
		p("\nResources\n")
		var walk func(ns []ResourceNode, depth int)
		walk = func(ns []ResourceNode, depth int) {
			for _, n := range ns {
				ind := strings.Repeat("  ", depth+1)
				if n.Children != nil || n.Size == 0 {
					p("%s%s\n", ind, safe(n.Name))
					walk(n.Children, depth+1)
				} else {
					p("%s%s: %d bytes at RVA 0x%08x, code page %d\n", ind, safe(n.Name), n.Size, n.RVA, n.CodePage)
				}
			}
		}
		walk(r.Resources, 0)
	}
	if ri := r.Rich; ri != nil {
		valid := "valid"
		if !ri.ChecksumValid {
			valid = "INVALID"
		}
		p("\nRich header (key 0x%08x, checksum %s)\n", ri.XORKey, valid)
		for _, e := range ri.Entries {
			p("  %-14s build %5d  count %5d  %s\n", e.Product, e.Build, e.Count, e.VSVersion)
		}
	}
	if s := r.Signature; s != nil {
		p("\nSignature: %d bytes at file offset 0x%x (revision 0x%x, type %d), not verified\n", s.Length, s.Offset, s.Revision, s.Type)
		for _, sg := range s.Signers {
			p("  signer  %s\n  issuer  %s\n  serial  %s, valid %s to %s\n", safe(sg.Subject), safe(sg.Issuer), sg.Serial, sg.NotBefore, sg.NotAfter)
		}
	}
	for _, d := range r.Debug {
		if d.GUID != "" {
			p("Debug: %s, PDB %s (GUID %s, age %d)\n", d.Type, safe(orDash(d.PDB)), d.GUID, d.Age)
		} else {
			p("Debug: %s, %d bytes\n", d.Type, d.Size)
		}
	}
	if r.Symbols > 0 {
		p("\nCOFF symbols: %d\n", r.Symbols)
	}
	if r.Overlay > 0 {
		p("Overlay: %d bytes after the last section\n", r.Overlay)
	}
	if len(r.Anomalies) > 0 {
		p("\nAnomalies\n")
		for _, a := range r.Anomalies {
			p("  - %s\n", safe(a))
		}
	}
	return bw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// safe escapes control and non-printable characters.
func safe(s string) string {
	ok := true
	for _, c := range s {
		if !unicode.IsPrint(c) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		if unicode.IsPrint(c) {
			b.WriteRune(c)
		} else {
			fmt.Fprintf(&b, "\\x%02x", c)
		}
	}
	return b.String()
}
