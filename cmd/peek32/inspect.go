package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

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
	if err := r.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "peek32: %v\n", err)
		return exitInternal
	}
	return 0
}
