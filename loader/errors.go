package loader

import (
	"errors"
	"fmt"
)

// ErrorKind classifies why a file cannot be loaded. The zero value is never
// returned in an error.
type ErrorKind uint8

// The kinds of [NotRunnableError] and [FormatError].
const (
	_             ErrorKind = iota
	KindNotPE               // not an executable at all (no MZ header, or garbage)
	KindDOS                 // an MS-DOS program: MZ header without a PE part
	KindNE                  // a 16-bit Windows / OS/2 program (NE)
	KindLE                  // a VxD / OS/2 LE or LX module
	Kind64                  // a 64-bit PE (PE32+ or a 64-bit machine)
	KindMachine             // a 32-bit PE for a processor other than x86
	KindDotNet              // a .NET assembly (CLR header present)
	KindDLL                 // a DLL given where a program was expected
	KindSubsystem           // a subsystem peek32 does not run (native driver, EFI, POSIX, ...)
	KindTooLarge            // the file or its image exceeds the configured Limits
	KindMalformed           // a PE32 whose headers or directories are inconsistent
	KindPlacement           // the image cannot be placed in the address space
	KindImport              // an import could not be resolved
)

var kindNames = [...]string{
	KindNotPE:     "not-pe",
	KindDOS:       "dos",
	KindNE:        "ne",
	KindLE:        "le",
	Kind64:        "64-bit",
	KindMachine:   "machine",
	KindDotNet:    "dotnet",
	KindDLL:       "dll",
	KindSubsystem: "subsystem",
	KindTooLarge:  "too-large",
	KindMalformed: "malformed",
	KindPlacement: "placement",
	KindImport:    "import",
}

// String returns a short stable name for the kind ("64-bit", "dotnet", ...),
// suitable for JSON and tests.
func (k ErrorKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// NotRunnableError reports a well-formed file that peek32 does not run:
// a 64-bit PE, a .NET assembly, a DOS/NE/LE program, a non-x86 PE, a DLL given
// as a program, or a program for another subsystem. Sentence is one complete
// sentence a person understands ("This is a 64-bit Windows program; peek32
// runs only 32-bit x86 programs.").
type NotRunnableError struct {
	Kind     ErrorKind
	Sentence string
}

func (e *NotRunnableError) Error() string { return e.Sentence }

// FormatError reports a file that claims to be a PE32 image but cannot be
// loaded: inconsistent headers, RVAs outside the image, limits exceeded, an
// image that cannot be placed, or an import that cannot be resolved.
// Kind is KindMalformed, KindTooLarge, KindPlacement or KindImport.
type FormatError struct {
	Kind   ErrorKind
	Detail string // one sentence, without the "malformed PE:" prefix
	Err    error  // optional underlying cause (e.g. from the Resolver or mm)
}

func (e *FormatError) Error() string {
	var s string
	switch e.Kind {
	case KindTooLarge:
		s = "PE file too large: " + e.Detail
	case KindPlacement:
		s = "cannot place image: " + e.Detail
	case KindImport:
		// Detail already is the *ImportError's message, which includes
		// the Resolver's error.
		return e.Detail
	default:
		s = "malformed PE file: " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *FormatError) Unwrap() error { return e.Err }

// KindOf returns the ErrorKind carried by err (through wrapping), or 0 if err
// is not a loader error.
func KindOf(err error) ErrorKind {
	var nr *NotRunnableError
	if errors.As(err, &nr) {
		return nr.Kind
	}
	var fe *FormatError
	if errors.As(err, &fe) {
		return fe.Kind
	}
	return 0
}

func malformed(format string, args ...any) error {
	return &FormatError{Kind: KindMalformed, Detail: fmt.Sprintf(format, args...)}
}

func tooLarge(format string, args ...any) error {
	return &FormatError{Kind: KindTooLarge, Detail: fmt.Sprintf(format, args...)}
}

func notRunnable(k ErrorKind, sentence string) error {
	return &NotRunnableError{Kind: k, Sentence: sentence}
}

// Sentences for the refusals, one per kind; the tests and the page rely on
// them being single sentences that name what the file is.
const (
	sentenceNotPE  = "This is not a Windows program (no MZ/PE header)."
	sentenceDOS    = "This is an MS-DOS program; peek32 runs only 32-bit Windows programs."
	sentenceNE     = "This is a 16-bit Windows or OS/2 program (NE format); peek32 runs only 32-bit Windows programs."
	sentenceLE     = "This is a VxD driver or OS/2 program (LE/LX format); peek32 runs only 32-bit Windows programs."
	sentence64     = "This is a 64-bit Windows program; peek32 runs only 32-bit x86 programs."
	sentenceDotNet = "This is a .NET assembly (managed code); peek32 runs only native 32-bit x86 programs."
	sentenceDLL    = "This is a DLL, not a program; it can be loaded by a program but cannot be started on its own."
)
