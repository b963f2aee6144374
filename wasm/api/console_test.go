package api

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var updateConsole = flag.Bool("update-console", false, "rewrite testdata/guest/console/expected.txt")

// TestConsoleScreenAPI runs testdata/guest/console/console.exe (colours, cursor moves, fills, and the same calls
// on a file) through the API as the page does and compares the whole console stream of the process, ANSI
// sequences included, with expected.txt: the console-API calls reach the page's console as the sequences that
// do the same on a terminal, and a file handle gets nothing.
func TestConsoleScreenAPI(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "guest", "console")
	exe, err := os.ReadFile(filepath.Join(dir, "console.exe"))
	if err != nil {
		t.Fatal(err)
	}
	s := New()
	call(t, s, "boot", map[string]any{}, nil, nil)
	call(t, s, "addFile", map[string]string{"path": `C:\console.exe`}, exe, nil)
	var proc struct {
		PID uint32 `json:"pid"`
	}
	call(t, s, "createProcess", map[string]string{"cmdline": "console.exe", "currentDir": `C:\`}, nil, &proc)
	var got strings.Builder
	var st struct {
		Status   string `json:"status"`
		ExitCode uint32 `json:"exit_code"`
	}
	for i := 0; i < 100 && st.Status != "exited"; i++ {
		call(t, s, "run", map[string]int{"budget": 5_000_000}, nil, &st)
		var evs []struct {
			Kind string `json:"kind"`
			PID  uint32 `json:"pid"`
			Data string `json:"data"`
		}
		call(t, s, "drainEvents", nil, nil, &evs)
		for _, e := range evs {
			if e.Kind == "console" && e.PID == proc.PID {
				got.WriteString(e.Data)
			}
		}
	}
	if st.Status != "exited" || st.ExitCode != 0 {
		t.Fatalf("console.exe: %s, exit code %d; output so far %q", st.Status, st.ExitCode, got.String())
	}
	// expected.txt shows ESC as \e so that it reads as text.
	shown := strings.ReplaceAll(got.String(), "\x1b", `\e`)
	path := filepath.Join(dir, "expected.txt")
	if *updateConsole {
		if err := os.WriteFile(path, []byte(shown), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if shown != string(want) {
		t.Errorf("console stream:\n got %s\nwant %s", strconv.Quote(shown), strconv.Quote(string(want)))
	}
}
