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

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize == 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxImageSize == 0 {
		l.MaxImageSize = d.MaxImageSize
	}
	if l.MaxSections <= 0 {
		l.MaxSections = d.MaxSections
	}
	if l.MaxImports <= 0 {
		l.MaxImports = d.MaxImports
	}
	if l.MaxExports <= 0 {
		l.MaxExports = d.MaxExports
	}
	if l.MaxRelocs <= 0 {
		l.MaxRelocs = d.MaxRelocs
	}
	if l.MaxTLSCallbacks <= 0 {
		l.MaxTLSCallbacks = d.MaxTLSCallbacks
	}
	if l.MaxResources <= 0 {
		l.MaxResources = d.MaxResources
	}
	if l.MaxSymbols <= 0 {
		l.MaxSymbols = d.MaxSymbols
	}
	return l
}
