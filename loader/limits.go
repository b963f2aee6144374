package loader

// Limits bound what Parse, Map and Inspect accept, so that a hostile file
// cannot exhaust memory or time. A zero field means "use the default".
type Limits struct {
	MaxFileSize     uint32 // bytes of the file itself
	MaxImageSize    uint32 // SizeOfImage (bytes of address space the image reserves)
	MaxSections     int    // number of section headers (Windows allows 96 on XP)
	MaxImports      int    // imported functions in total (all DLLs, normal and delay-load)
	MaxExports      int    // export address table entries and names, each
	MaxRelocs       int    // base relocation entries in total
	MaxTLSCallbacks int    // TLS callbacks read before the zero terminator
	MaxResources    int    // resource directory entries visited by Inspect
	MaxSymbols      int    // COFF symbols read
}

// DefaultLimits returns limits that admit every ordinary program (256 MiB
// file, 512 MiB image, 96 sections, 64 Ki imports and exports, 4 Mi
// relocations) while keeping parse time in milliseconds.
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize:     256 << 20,
		MaxImageSize:    512 << 20,
		MaxSections:     96,
		MaxImports:      1 << 16,
		MaxExports:      1 << 16,
		MaxRelocs:       4 << 20,
		MaxTLSCallbacks: 256,
		MaxResources:    4096,
		MaxSymbols:      1 << 16,
	}
}

// withDefaults fills zero fields from DefaultLimits (and negative counts too).
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	orDefault(&l.MaxFileSize, d.MaxFileSize)
	orDefault(&l.MaxImageSize, d.MaxImageSize)
	orDefault(&l.MaxSections, d.MaxSections)
	orDefault(&l.MaxImports, d.MaxImports)
	orDefault(&l.MaxExports, d.MaxExports)
	orDefault(&l.MaxRelocs, d.MaxRelocs)
	orDefault(&l.MaxTLSCallbacks, d.MaxTLSCallbacks)
	orDefault(&l.MaxResources, d.MaxResources)
	orDefault(&l.MaxSymbols, d.MaxSymbols)
	return l
}

// orDefault sets *v to d when *v is zero or negative.
func orDefault[T int | uint32](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}
