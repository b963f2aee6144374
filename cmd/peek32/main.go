// Command peek32 runs 32-bit Windows programs in peek32's emulated Windows, natively.
//
//	peek32 run [--trace FILE] [--max-instructions N] [--timeout D] [--verbose] PROGRAM.exe [ARGS...]
//	peek32 inspect [--json] PROGRAM.exe
//
// run starts PROGRAM as if cmd.exe had started it in the host's current directory: that directory is the
// guest's current directory (C:\work), DLLs next to PROGRAM load, standard input, output and error pass through
// byte for byte, and peek32 exits with the guest's exit code (its low 8 bits). ARGS are quoted into one
// Windows command line that msvcrt parses back to the same words.
//
// Exit codes of peek32 itself: 2 for a usage error, 124 when --max-instructions or --timeout stopped the
// program, 125 for an emulator failure or a deadlock, 126 when the program cannot be started (not a PE file,
// 64-bit, a missing DLL, ...). Every error is one line on stderr; --verbose adds detail.
package main

import (
	"fmt"
	"os"
)

func main() {
	os.Exit(realMain(os.Args[1:]))
}

const usage = `usage:
  peek32 run [--trace FILE] [--max-instructions N] [--timeout DURATION] [--verbose] PROGRAM.exe [ARGS...]
  peek32 inspect [--json] PROGRAM.exe
`

// Exit codes of peek32 itself.
const (
	exitUsage    = 2
	exitBound    = 124
	exitInternal = 125
	exitNoStart  = 126
)

func realMain(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "run":
		return runCmd(args[1:], os.Stdin, os.Stdout, os.Stderr)
	case "inspect":
		return inspectCmd(args[1:], os.Stdout, os.Stderr)
	case "-h", "--help", "help":
		fmt.Print(usage)
		return 0
	}
	fmt.Fprintf(os.Stderr, "peek32: unknown command %q\n%s", args[0], usage)
	return exitUsage
}
