package core

import (
	"slices"
	"testing"

	"github.com/peek32/peek32/core/win32"
)

// TestQuoteArg_RoundTrip checks that arguments quoted by CommandLine come back unchanged through msvcrt's parser.
func TestQuoteArg_RoundTrip(t *testing.T) {
	cases := [][]string{
		{"a", "b c", ""},
		{`back\slash`, `trailing\`, `trailing two\\`, `q"uote`, `\"`, `\\"x`},
		{`a b\`, `"`, `""`, "tab\there", `C:\Program Files\x\`},
		{"ünïcödé", "%PATH%", "*.c"},
	}
	for _, args := range cases {
		cl := CommandLine(`C:\work\prog.exe`, args)
		got := win32.ParseCommandLine(cl)
		want := append([]string{`C:\work\prog.exe`}, args...)
		if !slices.Equal(got, want) {
			t.Errorf("command line %s\n got %q\nwant %q", cl, got, want)
		}
	}
}
