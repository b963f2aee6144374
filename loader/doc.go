// Package loader turns a PE file into a mapped image: it validates a 32-bit
// x86 PE (PE32) with limits, maps its headers and sections into an
// mm.Space, applies base relocations, binds imports through a Resolver the
// kernel implements, and exposes exports, forwarders, delay-load
// descriptors, TLS and COFF symbols. It also produces the Report behind
// `peek32 inspect` and the page's PE view.
//
// # Model
//
//	bytes --Parse--> *File --Map(space, base)--> *Module --BindImports(Resolver)--> IAT filled
//	bytes --Inspect--> *Report (JSON-able, WriteText for terminals)
//
// Parse reads only what the file says; it never touches an address space.
// Every RVA the loader later follows has been checked against SizeOfImage,
// and every count is bounded by Limits (file and image size, sections,
// imports, exports, relocations, TLS callbacks, resources, symbols), so a
// hostile file costs at most milliseconds and a bounded amount of memory.
// The file bytes are laid out as segments (headers, then each section with
// its file part and zero-filled tail, honoring the raw-pointer rounding and
// alignments the Windows loader applies; low-alignment images are mapped
// flat), and File reads RVAs through that same layout, so what Parse sees is
// what Map writes.
//
// Map reserves SizeOfImage bytes as an image reservation at the preferred
// ImageBase (or a given 64 KiB-aligned base, or, with relocations, anywhere
// free), commits and fills each segment, relocates (HIGHLOW, HIGH, LOW;
// ABSOLUTE is padding; other types are refused), and finally protects:
// headers read-only, sections by their characteristics (SectionProt):
// writable sections become write-copy (mm.ProtCopy), so a kernel that maps
// one image into several processes with mm.ShareFrom gets copy-on-write
// sharing. A failed Map releases its reservation.
//
// BindImports asks the Resolver for each import (by name or ordinal) and
// writes the address into the IAT, ignoring page protection as the Windows
// loader does. Finding and loading DLLs, API sets (ResolveAPISet), built-in
// DLLs, traps for unimplemented functions, and forwarder chains
// (ResolveExport, ParseForwarder, MaxForwarderDepth) are the Resolver's
// business; the loader gives the helpers. Delay-load descriptors are parsed
// and exposed (Module.DelayImports) but left unbound: the program's own
// delay helper binds them through LoadLibrary/GetProcAddress at first call.
// Module.TLS gives the kernel the TLS index address, the template and the
// callbacks (read from the relocated image).
//
// # Errors
//
// A file peek32 does not run is a *NotRunnableError whose Sentence says what
// it is (64-bit, .NET, MS-DOS, NE, LE/LX, another processor, not a program
// at all); File.ProgramError adds "a DLL" and foreign subsystems for callers
// that want a program. Broken or oversized PE32 files, placement failures and
// unresolved imports are *FormatError values. KindOf(err) gives the
// ErrorKind of either. Parse, Map and Inspect never panic: a recover at each
// public entry point turns a loader bug into an error, and FuzzParseMap
// exercises the unexported paths without that net.
//
// # saferwall/pe
//
// The loader's own parser is the source of truth for everything it maps;
// Inspect also decodes the Rich header and the Authenticode certificate
// itself. github.com/saferwall/pe cannot be part of the default build: it
// imports github.com/edsrzf/mmap-go, which does not compile for GOOS=js
// (the page), and needs golang.org/x/sys in go.sum. With `-tags saferwall`
// (native only), inspect_saferwall.go adds saferwall's anomaly list to
// reports.
//
// Package pewriter (loader/pewriter) writes PE32 files from a description;
// the tests use it, and core/win32 uses it to synthesize the system DLLs.
package loader
