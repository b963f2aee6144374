package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/peek32/peek32/core"
)

func inspectCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "peek32: cannot read %s: %v\n", fs.Arg(0), errors.Unwrap(err)) // as run says it
		return exitNoStart
	}
	r, err := core.Inspect(data)
	if err != nil {
		fmt.Fprintf(stderr, "peek32: %s: %v\n", fs.Arg(0), err)
		return exitNoStart
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(r)
		return 0
	}
	w := func(format string, a ...any) { fmt.Fprintf(stdout, format+"\n", a...) }
	w("%s: %s, %d bytes, sha256 %s", fs.Arg(0), r.Format, r.Size, r.SHA256)
	w("verdict: %s", r.Verdict)
	if h := r.Header; h != nil {
		w("\nfile header: machine 0x%04X (%s), %d sections, timestamp 0x%08X %s, flags %s", h.Machine, h.MachineName,
			h.Sections, h.TimeDateStamp, h.Time, strings.Join(h.Flags, " "))
	}
	if o := r.Optional; o != nil {
		b, _ := json.Marshal(o)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		w("\noptional header:")
		for _, k := range sortedKeys(m) {
			w("  %-28s %v", k, fmtVal(m[k]))
		}
	}
	if len(r.Sections) > 0 {
		w("\nsections:")
		w("  %-8s %-10s %-10s %-10s %-10s %-7s %s", "name", "rva", "vsize", "rawoff", "rawsize", "entropy", "flags")
		for _, s := range r.Sections {
			b, _ := json.Marshal(s)
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			w("  %-8v 0x%08X 0x%08X 0x%08X 0x%08X %-7.3f %v", m["name"], num(m["virtual_address"]), num(m["virtual_size"]),
				num(m["raw_offset"]), num(m["raw_size"]), m["entropy"], fmtVal(m["flags"]))
		}
	}
	if len(r.Imports) > 0 {
		w("\nimports:")
		for _, d := range r.Imports {
			kind := ""
			if d.Delay {
				kind = " (delay-load)"
			}
			w("  %s%s", d.DLL, kind)
			for _, f := range d.Funcs {
				w("    %s", f.String())
			}
		}
	}
	if e := r.Exports; e != nil {
		b, _ := json.MarshalIndent(e, "  ", "  ")
		w("\nexports:\n  %s", b)
	}
	if r.TLS != nil {
		w("\nTLS: template 0x%08X-0x%08X, index at 0x%08X, callbacks %v", r.TLS.StartVA, r.TLS.EndVA, r.TLS.IndexVA, hexList(r.TLS.Callbacks))
	}
	if r.Relocs != nil {
		b, _ := json.Marshal(r.Relocs)
		w("\nrelocations: %s", b)
	}
	if len(r.Resources) > 0 {
		b, _ := json.Marshal(r.Resources)
		w("\nresources: %s", b)
	}
	if r.Overlay > 0 {
		w("\noverlay: %d bytes", r.Overlay)
	}
	if len(r.Anomalies) > 0 {
		w("\nanomalies:")
		for _, a := range r.Anomalies {
			w("  %s", a)
		}
	}
	return 0
}

func sortedKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

func num(v any) uint32 {
	f, _ := v.(float64)
	return uint32(f)
}

func fmtVal(v any) string {
	switch x := v.(type) {
	case float64:
		return fmt.Sprintf("%d (0x%X)", uint64(x), uint64(x))
	case []any:
		var s []string
		for _, e := range x {
			s = append(s, fmt.Sprint(e))
		}
		return strings.Join(s, " ")
	}
	return fmt.Sprint(v)
}

func hexList(v []uint32) string {
	var s []string
	for _, x := range v {
		s = append(s, fmt.Sprintf("0x%08X", x))
	}
	return "[" + strings.Join(s, " ") + "]"
}
