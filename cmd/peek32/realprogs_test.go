package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// realProg returns the path of a program fetched by testdata/realprogs/fetch.sh, or skips the test.
func realProg(t *testing.T, name string) string {
	t.Helper()
	cache := os.Getenv("PEEK32_CACHE")
	if cache == "" {
		cache = filepath.Join("..", "..", ".cache", "realprogs")
	}
	p, err := filepath.Abs(filepath.Join(cache, name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not fetched (run testdata/realprogs/fetch.sh)", name)
	}
	return p
}

// TestRealPrograms_Hostname runs Wine's hostname.exe (a UCRT program): it prints the machine's name.
func TestRealPrograms_Hostname(t *testing.T) {
	exe := realProg(t, "hostname.exe")
	bin := buildPeek32(t)
	out, errs, code := run(t, bin, t.TempDir(), "", "run", exe)
	if code != 0 || strings.TrimSpace(out) == "" || errs != "" {
		t.Errorf("hostname.exe: code %d stdout %q stderr %q", code, out, errs)
	}
}

// TestRealPrograms_7za runs 7-Zip's 7za.exe (an MSVC program on msvcrt.dll): usage with no arguments, an
// archive that Linux's 7z extracts to the same bytes, and extraction of it to standard output.
func TestRealPrograms_7za(t *testing.T) {
	exe := realProg(t, "7za.exe")
	bin := buildPeek32(t)
	dir := t.TempDir()
	out, _, code := run(t, bin, dir, "", "run", exe)
	if code != 0 || !strings.Contains(out, "Usage: 7za <command>") {
		t.Fatalf("usage: code %d, stdout %q", code, out)
	}
	content := []byte("hello from peek32\nsecond line\n")
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), content, 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, bin, dir, "", "run", exe, "a", "-mmt=off", "t.7z", "hello.txt")
	if code != 0 || !strings.Contains(out, "Everything is Ok") {
		t.Fatalf("7za a: code %d stdout %q stderr %q", code, out, errs)
	}
	if sz, err := exec.LookPath("7z"); err == nil {
		got, err := exec.Command(sz, "x", "-so", filepath.Join(dir, "t.7z"), "hello.txt").Output()
		if err != nil || !bytes.Equal(got, content) {
			t.Errorf("Linux 7z extracted %q (%v), want %q", got, err, content)
		}
	}
	out, errs, code = run(t, bin, dir, "", "run", exe, "e", "-so", "t.7z", "hello.txt")
	if code != 0 || out != string(content) {
		t.Errorf("7za e -so: code %d stdout %q stderr %q", code, out, errs)
	}
	// Error paths throw C++ exceptions (msvcrt's __CxxFrameHandler): 7-Zip's exit codes 2 and 7.
	if err := os.WriteFile(filepath.Join(dir, "bad.7z"), []byte("not an archive"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code = run(t, bin, dir, "", "run", exe, "t", "bad.7z"); code != 2 || !strings.Contains(errs, "Cannot open the file as") {
		t.Errorf("7za t bad.7z: code %d (want 2) stderr %q", code, errs)
	}
	if _, errs, code = run(t, bin, dir, "", "run", exe, "q"); code != 7 || !strings.Contains(errs, "Unsupported command") {
		t.Errorf("7za q: code %d (want 7) stderr %q", code, errs)
	}
}
