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
// Parse reads every file with github.com/saferwall/pe, in every build (the
// page's GOOS=js too: go.mod points mmap-go at third_party/mmap-go, whose js
// stub is never called because the loader only uses pe.NewBytes). The
// order bounds saferwall's work on hostile files (parseAll):
//
//  1. the file size limit and the classification (identify: DOS, NE, LE,
//     64-bit, foreign machine; saferwall has no sentences for these);
//  2. saferwall parses the DOS, Rich, NT and optional headers and the section
//     table (Options.Fast; its COFF symbol parse is skipped with a cap of
//     1, because running never needs symbols and it decodes each record by
//     reflection; the loader reads them itself up to Limits.MaxSymbols);
//     the header fields of File come from saferwall's structures;
//  3. the loader's own validation, the second layer: alignments, section
//     order and overlaps, every directory RVA inside SizeOfImage, and its
//     own bounded parse of imports, delay imports, exports, relocations, TLS
//     and symbols, which yields the typed errors and enforces Limits;
//  4. only a file that passed all of that, and whose bytes saferwall's
//     file-offset reading sees as Map lays them out (not flat-mapped, raw
//     pointers 512-byte aligned, relocations in file-backed bytes:
//     saferwallViewMatches), so that the loader's limits bound saferwall's
//     loops too, has its directories parsed by saferwall (imports incl. by ordinal, exports incl. forwarders, base
//     relocations capped at 4096 per block, TLS, delay imports, CLR header;
//     exceptions, debug, load config, bound imports, IAT, certificates
//     (not validated), resources and CLR metadata omitted), under recover,
//     with a logger that keeps its warnings as notes (its default logs to
//     stdout), and the tables are cross-checked entry by entry.
//
// Where the two disagree the loader's reading is used and the difference
// becomes a note that Inspect shows as an anomaly. The tables handed to
// Map and BindImports are therefore always the ones read the way the
// Windows loader reads them, because saferwall differs on exactly the
// inputs that matter to a loader:
//
//   - it reads file offsets, while Map lays out sections with the 512-byte
//     raw-pointer rounding and zero-filled tails (readRVA), so a hostile
//     file can show saferwall other bytes than the CPU will see;
//   - it reads all 16 data directories whatever NumberOfRvaAndSizes and
//     SizeOfOptionalHeader say, needs the full 224-byte optional header and
//     97 bytes of file (tiny PEs), and refuses an ImageBase that is not
//     64 KiB aligned; in those cases the headers come from the bytes
//     directly and the file still loads as on Windows;
//   - it sorts the section table by address (hiding a descending table,
//     which the loader refuses) and drops the sections after one with three
//     anomalies;
//   - it silently truncates: 0x2000 distinct export addresses, 4096
//     relocations per block, import tables at its heuristics, where
//     a truncated table would corrupt a running image, not fail it;
//   - its export parser prints to stdout when a name is not a plain C/C++
//     identifier (it would corrupt a guest's output on the CLI) and scans
//     names and forwarders up to 1 MiB each, so it only runs on export
//     tables of at most 0x2000 entries whose names are all plain
//     identifiers (exportsSafeForSaferwall);
//   - its directory errors are log lines, not errors: the typed errors and
//     their sentences come from step 3.
//
// .NET: a CLR data directory makes Parse refuse the file (as the loader's
// step 3 sees it); saferwall's parsed CLR header is cross-checked. Inspect
// adds saferwall's anomaly list (prefixed "saferwall: "), its log messages
// and the cross-check notes, and uses its Rich header when the loader's
// decoder (which also verifies the checksum) finds none. Resources and the
// Authenticode certificate stay the loader's own decoders: they produce the
// Report's types directly, are bounded by Limits.MaxResources, and the
// certificate is described, not validated, so saferwall's crypto adds
// nothing.
//
// # Cost
//
// `go test ./loader -run X -bench . -count 5` on the shared 2-core machine
// (noisy; ranges over five runs), hello.exe (MinGW, 237 KB, with COFF
// symbols and TLS callbacks):
//
//	Parse              0.56-1.41 ms  528 KB  2956 allocs  (own parser alone: 0.29-0.50 ms, 475 KB, 2182 allocs)
//	Inspect            1.24-2.67 ms  541 KB  3128 allocs  (before: 1.10-2.28 ms, 488 KB, 2354 allocs)
//	Map (relocated)    0.18-0.74 ms  280 KB   125 allocs  (unchanged: Map never calls saferwall)
//	Parse, hostile     11-53 µs, 5-10 KB each: 2^31 COFF symbols, a relocation block or
//	                   directory claiming 2^31 entries, 2^31 exports, an endless thunk table
//
// The loader's own COFF symbol reading is about a quarter of Parse on
// hello.exe; saferwall's import parse is about a sixth.
//
// Package pewriter (loader/pewriter) writes PE32 files from a description;
// the tests use it, and core/win32 uses it to synthesize the system DLLs.
package loader
