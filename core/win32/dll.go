package win32

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/peek32/peek32/loader"
	"github.com/peek32/peek32/loader/pewriter"
)

// Handler is the Go side of one exported function. See the package documentation for its contract.
type Handler func(c *Call)

// Export is one row of a DLL table.
type Export struct {
	Name string
	// Ordinal is the export ordinal; 0 assigns one (after the explicit ones, in name order).
	Ordinal uint16
	// ArgBytes is how many bytes of stdcall arguments the function pops; 0 for cdecl functions (and functions
	// without arguments): the caller cleans the stack.
	ArgBytes uint32
	Handler  Handler
	// Note says what is partial or peculiar about the implementation.
	Note string
	// Data > 0 makes the row a data export (no Handler): Data bytes in the DLL's .data section, zero-filled in
	// each process (System.DataAddr finds it).
	Data uint32
	// Forward makes the row an export forwarder ("msvcrt.wcsncmp"): no Handler, the loader follows it.
	Forward string
}

// ThunkSize is the size of one thunk (UD2).
const ThunkSize = 2

// TrapSlots is the number of named traps each built-in DLL has room for (imports it does not implement).
const TrapSlots = 2048

// DLL is a built-in system DLL: its table, and once built, its image.
type DLL struct {
	// Name is the lower-case file name ("kernel32.dll"); ModName the name the module list shows ("KERNEL32.dll").
	Name, ModName string
	Base          uint32
	rows          []Export
	// ForwardRest names a built-in DLL ("msvcrt") whose code exports that d does not declare itself become
	// forwarders to it (ucrtbase.dll shares msvcrt.dll's library functions this way).
	ForwardRest string

	once     sync.Once
	image    []byte
	file     *loader.File // image parsed once, mapped into every process
	err      error
	funcs    []*Export          // code exports, in thunk order
	byName   map[string]*Export // every row by name
	textRVA  uint32
	trapRVA  uint32
	dataRVAs map[string]uint32
}

var (
	builtinMu sync.Mutex
	builtins  = map[string]*DLL{}
)

// NewDLL declares a built-in DLL (name like "kernel32.dll") at base and registers it. Declaring the same name
// twice returns the first.
func NewDLL(name string, base uint32) *DLL {
	builtinMu.Lock()
	defer builtinMu.Unlock()
	n := strings.ToLower(name)
	if d, ok := builtins[n]; ok {
		return d
	}
	mod := strings.ToUpper(strings.TrimSuffix(n, ".dll")) + ".dll"
	if n == "ntdll.dll" {
		mod = "ntdll.dll"
	}
	d := &DLL{Name: n, ModName: mod, Base: base}
	builtins[n] = d
	return d
}

// Add appends rows to d's table. Call it from init functions only (the image is built at first use).
func (d *DLL) Add(rows ...Export) { d.rows = append(d.rows, rows...) }

// Rows returns a copy of d's table.
func (d *DLL) Rows() []Export { return append([]Export(nil), d.rows...) }

// Builtin returns the built-in DLL of that name (any case, ".dll" optional), or nil.
func Builtin(name string) *DLL {
	n := strings.ToLower(name)
	if i := strings.LastIndexAny(n, `\/`); i >= 0 {
		n = n[i+1:]
	}
	if !strings.HasSuffix(n, ".dll") {
		n += ".dll"
	}
	builtinMu.Lock()
	defer builtinMu.Unlock()
	return builtins[n]
}

// Builtins returns every built-in DLL, by name.
func Builtins() []*DLL {
	builtinMu.Lock()
	defer builtinMu.Unlock()
	out := make([]*DLL, 0, len(builtins))
	for _, d := range builtins {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Image returns d's PE image, building it on first use.
func (d *DLL) Image() ([]byte, error) {
	d.once.Do(d.build)
	return d.image, d.err
}

// build synthesizes the image: .text (one thunk per code export, then the trap area), .data (data exports),
// and the export directory.
func (d *DLL) build() {
	rows := append([]Export(nil), d.rows...)
	if d.ForwardRest != "" {
		if src := Builtin(d.ForwardRest); src != nil && src != d {
			own := map[string]bool{}
			for _, r := range rows {
				own[r.Name] = true
			}
			prefix := strings.TrimSuffix(src.Name, ".dll") + "."
			for _, r := range src.rows {
				if !own[r.Name] && r.Data == 0 && r.Forward == "" {
					rows = append(rows, Export{Name: r.Name, Forward: prefix + r.Name})
				}
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	d.byName = map[string]*Export{}
	var code, data, fwd []*Export
	for i := range rows {
		r := &rows[i]
		if _, dup := d.byName[r.Name]; dup || r.Name == "" {
			d.err = fmt.Errorf("win32: %s: duplicate or empty export name %q", d.Name, r.Name)
			return
		}
		d.byName[r.Name] = r
		switch {
		case r.Forward != "":
			fwd = append(fwd, r)
		case r.Data > 0:
			data = append(data, r)
		default:
			code = append(code, r)
		}
	}
	d.funcs = code
	text := make([]byte, ThunkSize*(len(code)+TrapSlots))
	for i := 0; i < len(text); i += 2 {
		text[i], text[i+1] = 0x0F, 0x0B
	}
	var dataSize uint32
	dataOff := map[string]uint32{}
	for _, r := range data {
		dataOff[r.Name] = dataSize
		dataSize += (r.Data + 15) &^ 15
	}
	img := &pewriter.Image{ImageBase: d.Base, DLL: true, Subsystem: pewriter.SubsystemConsole, RelocsStripped: true}
	ts := img.AddSection(".text", text, pewriter.Code)
	var ds *pewriter.Section
	if dataSize > 0 {
		ds = img.AddSection(".data", nil, pewriter.BSS)
		ds.VirtualSize = dataSize
	}
	exp := &pewriter.Exports{DLLName: d.ModName}
	// Explicit ordinals first, then the rest in name order.
	for _, pass := range []bool{true, false} {
		for i, r := range code {
			if (r.Ordinal != 0) == pass {
				exp.Funcs = append(exp.Funcs, pewriter.ExportFunc{Name: r.Name, Ordinal: r.Ordinal,
					Target: pewriter.Ref{Section: ts, Offset: uint32(i * ThunkSize)}})
			}
		}
		for _, r := range data {
			if (r.Ordinal != 0) == pass {
				exp.Funcs = append(exp.Funcs, pewriter.ExportFunc{Name: r.Name, Ordinal: r.Ordinal,
					Target: pewriter.Ref{Section: ds, Offset: dataOff[r.Name]}})
			}
		}
		for _, r := range fwd {
			if (r.Ordinal != 0) == pass {
				exp.Funcs = append(exp.Funcs, pewriter.ExportFunc{Name: r.Name, Ordinal: r.Ordinal, Forwarder: r.Forward})
			}
		}
	}
	img.Exports = exp
	if _, err := img.Layout(); err != nil {
		d.err = fmt.Errorf("win32: lay out %s: %w", d.Name, err)
		return
	}
	d.textRVA = ts.RVA
	d.trapRVA = ts.RVA + uint32(ThunkSize*len(code))
	d.dataRVAs = map[string]uint32{}
	for n, off := range dataOff {
		d.dataRVAs[n] = ds.RVA + off
	}
	d.image, d.err = img.Build()
	if d.err != nil {
		d.err = fmt.Errorf("win32: build %s: %w", d.Name, d.err)
		return
	}
	d.file, d.err = loader.Parse(d.image, loader.DefaultLimits())
	if d.err != nil {
		d.err = fmt.Errorf("win32: parse %s: %w", d.Name, d.err)
		return
	}
	d.file.Name = d.ModName
}

// File returns d's image parsed (shared by every process that maps it).
func (d *DLL) File() (*loader.File, error) {
	d.once.Do(d.build)
	return d.file, d.err
}

// thunkRange returns the RVA range of the thunk section (code exports and traps).
func (d *DLL) thunkRange() (lo, hi uint32) {
	return d.textRVA, d.trapRVA + ThunkSize*TrapSlots
}

// exportAt returns the code export whose thunk is at rva, or the trap slot index (trap >= 0).
func (d *DLL) exportAt(rva uint32) (e *Export, trap int) {
	if rva < d.textRVA || (rva-d.textRVA)%ThunkSize != 0 {
		return nil, -1
	}
	i := int((rva - d.textRVA) / ThunkSize)
	if i < len(d.funcs) {
		return d.funcs[i], -1
	}
	if i -= len(d.funcs); i < TrapSlots {
		return nil, i
	}
	return nil, -1
}

// Lookup returns d's row for name.
func (d *DLL) Lookup(name string) (*Export, bool) {
	if _, err := d.Image(); err != nil {
		return nil, false
	}
	e, ok := d.byName[name]
	return e, ok
}
