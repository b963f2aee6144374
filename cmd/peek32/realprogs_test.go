package main

import (
	"archive/zip"
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

// distlibLauncher finds t32.exe, the script launcher pip vendors from distlib: a 32-bit program built with
// MSVC and its static C runtime (it imports only KERNEL32 and SHLWAPI). PEEK32_T32 overrides the search.
func distlibLauncher(t *testing.T) []byte {
	t.Helper()
	path := os.Getenv("PEEK32_T32")
	if path == "" {
		out, err := exec.Command("python3", "-c", "import os, pip._vendor.distlib as d; print(os.path.join(os.path.dirname(d.__file__), 't32.exe'))").Output()
		if err != nil {
			t.Skip("no python3 with pip to take distlib's t32.exe from")
		}
		path = strings.TrimSpace(string(out))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("t32.exe: %v", err)
	}
	return b
}

// TestRealPrograms_MSVCStaticCRT runs distlib's launcher (MSVC static CRT): with a shebang naming a missing
// interpreter it reports the failed CreateProcess as on Windows; with one naming a guest program it starts it
// (job object, inherited standard handles, wait, exit code) and the child sees the arguments.
func TestRealPrograms_MSVCStaticCRT(t *testing.T) {
	t32 := distlibLauncher(t)
	args, err := os.ReadFile(filepath.Join("..", "..", "testdata", "guest", "bin", "args.exe"))
	if err != nil {
		t.Skip("no args.exe")
	}
	bin := buildPeek32(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "args.exe"), args, 0o644)
	launcher := func(shebang string) []byte {
		var z bytes.Buffer
		zw := zip.NewWriter(&z)
		w, _ := zw.Create("__main__.py")
		w.Write([]byte("print(1)\n"))
		zw.Close()
		return append(append(append([]byte(nil), t32...), "#!"+shebang+"\r\n"...), z.Bytes()...)
	}
	os.WriteFile(filepath.Join(dir, "missing.exe"), launcher(`C:\nopython.exe`), 0o644)
	_, errs, code := run(t, bin, dir, "", "run", "missing.exe")
	if code != 1 || !strings.Contains(errs, "Unable to create process using") || !strings.Contains(errs, "cannot find the file") {
		t.Errorf("missing interpreter: code %d stderr %q", code, errs)
	}
	os.WriteFile(filepath.Join(dir, "launch.exe"), launcher(`C:\work\args.exe`), 0o644)
	out, errs, code := run(t, bin, dir, "", "run", "launch.exe", "one", "two words")
	want := "argc=4\r\nargv[1]=[C:\\work\\launch.exe] len=18\r\nargv[2]=[one] len=3\r\nargv[3]=[two words] len=9\r\n"
	if code != 0 || out != want {
		t.Errorf("launch: code %d stdout %q stderr %q, want %q", code, out, errs, want)
	}
}
