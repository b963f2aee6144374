package main

// The issue-4 audit's tests of the `peek32` command (docs/ISSUE4_AUDIT.md): each runs the built command the way
// the acceptance checks do and checks one requirement of the cmd/peek32 section against the programs of
// testdata/guest/audit.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/peek32/peek32/loader"
	"github.com/peek32/peek32/loader/pewriter"
)

// auditDir is testdata/guest/audit (programs, DLLs and expectations; see its build.sh).
var auditDir = filepath.Join("..", "..", "testdata", "guest", "audit")

// auditFiles copies the named files of testdata/guest/audit/bin into dir.
func auditFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(auditDir, "bin", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAudit_RunContract: the host's current directory is the guest's (a file is read from it and one written
// into a subdirectory of it), standard input reaches the program and standard output comes back byte for byte
// (every byte value, CR LF, ^Z; nothing added), standard error passes through, and the exit code is the
// guest's (its low 8 bits). The program lives in another directory than the current one.
func TestAudit_RunContract(t *testing.T) {
	bin := buildPeek32(t)
	progDir, cwd := t.TempDir(), t.TempDir()
	auditFiles(t, progDir, "iocat.exe")
	if err := os.WriteFile(filepath.Join(cwd, "in.txt"), []byte("abc\r\nxyz"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(cwd, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	var in bytes.Buffer
	for i := 0; i < 3; i++ {
		for b := 0; b < 256; b++ {
			in.WriteByte(byte(b))
		}
		in.WriteString("line\r\nlf only\n\x1a after ^Z\r")
	}
	exe := filepath.Join(progDir, "iocat.exe")
	out, errs, code := run(t, bin, cwd, in.String(), "run", exe, "200")
	if out != in.String() {
		t.Errorf("stdout is not stdin byte for byte: %d bytes, want %d", len(out), in.Len())
	}
	if errs != "iocat: this line goes to stderr\r\n" {
		t.Errorf("stderr %q", errs)
	}
	if code != 200 {
		t.Errorf("exit code %d, want 200", code)
	}
	got, err := os.ReadFile(filepath.Join(cwd, "sub", "out.txt"))
	if err != nil || string(got) != "zyx\n\rcba" {
		t.Errorf("sub/out.txt in the host's current directory: %q (%v), want %q", got, err, "zyx\n\rcba")
	}
	// Exit codes above 255: the host keeps the low 8 bits (300 & 0xFF = 44). The program named without its
	// extension is found as cmd.exe finds it.
	if _, _, code := run(t, bin, cwd, "", "run", strings.TrimSuffix(exe, ".exe"), "300"); code != 44 {
		t.Errorf("exit code %d for 300, want 44", code)
	}
}

// TestAudit_DLLsNextToProgram runs dllchain.exe from its own directory while the current directory is
// elsewhere: its DLLs (static, forwarded through, delay-loaded) are found next to it and loaded for real.
func TestAudit_DLLsNextToProgram(t *testing.T) {
	bin := buildPeek32(t)
	exe, _ := filepath.Abs(filepath.Join(auditDir, "bin", "dllchain.exe"))
	want, err := os.ReadFile(filepath.Join(auditDir, "expected", "dllchain.stdout"))
	if err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, bin, t.TempDir(), "", "run", exe)
	if out != string(want) || code != 3 || errs != "" {
		t.Errorf("code %d stderr %q\n got %q\nwant %q", code, errs, out, want)
	}
}

// TestAudit_Arguments: ARGS come back to the program (MinGW's args.exe, whose argv comes from msvcrt's
// __getmainargs) as the same words: quotes, backslashes before quotes and at the end, empty words, tabs,
// blanks, UNC-style leading backslashes, shell metacharacters.
func TestAudit_Arguments(t *testing.T) {
	exe, err := os.ReadFile(filepath.Join("..", "..", "testdata", "guest", "bin", "args.exe"))
	if err != nil {
		t.Skip("no args.exe")
	}
	bin := buildPeek32(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "args.exe"), exe, 0o644)
	words := []string{`a"b`, `c\`, `d\\"e`, ``, "t\tab", `x y\`, `\\server\share\`, `"`, `\"`, `a\\\\`, `two  spaces`,
		`%PATH%`, `*.c`, `<>|&^`, `--trace`, `-h`, `--`, ``} // flags after PROGRAM belong to it
	out, errs, code := run(t, bin, dir, "", append([]string{"run", "args.exe"}, words...)...)
	if code != 0 {
		t.Fatalf("code %d stderr %q", code, errs)
	}
	var want strings.Builder
	want.WriteString("argc=" + strconv.Itoa(len(words)+1) + "\r\n")
	for i, w := range words {
		want.WriteString("argv[" + strconv.Itoa(i+1) + "]=[" + w + "] len=" + strconv.Itoa(len(w)) + "\r\n")
	}
	if out != want.String() {
		t.Errorf("got\n%s\nwant\n%s", out, want.String())
	}
}

// traceRecord is the part of a trace line every record must have.
type traceRecord struct {
	Kind  string   `json:"kind"`
	PID   *uint32  `json:"pid"`
	TID   *uint32  `json:"tid"`
	Count *uint64  `json:"icount"`
	EIP   *uint32  `json:"eip"`
	Step  int      `json:"step"`
	Name  string   `json:"name"`
	Args  []string `json:"args"`
	Ret   *string  `json:"ret"`
}

// TestAudit_Trace: --trace writes one JSON object per line; every record has pid, tid, icount and eip; API
// records name the function and carry decoded arguments (strings quoted) and the return value; the timeline
// event kinds are there; and the same run twice gives the same trace, byte for byte.
func TestAudit_Trace(t *testing.T) {
	bin := buildPeek32(t)
	dir := t.TempDir()
	auditFiles(t, dir, "dllchain.exe", "audita.dll", "auditb.dll", "auditc.dll")
	traces := [2][]byte{}
	for i := range traces {
		tf := filepath.Join(dir, "trace.jsonl")
		if _, errs, code := run(t, bin, dir, "", "run", "--trace", tf, "dllchain.exe"); code != 3 {
			t.Fatalf("code %d stderr %q", code, errs)
		}
		traces[i], _ = os.ReadFile(tf)
	}
	if !bytes.Equal(traces[0], traces[1]) {
		t.Error("two runs gave different traces")
	}
	kinds := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(traces[0]))
	sc.Buffer(nil, 1<<20)
	line := 0
	sawString, sawFormat, sawCmp := false, false, false
	var steps []int
	exe, _ := os.ReadFile(filepath.Join(dir, "dllchain.exe"))
	f, err := loader.Parse(exe, loader.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	entry := f.ImageBase + f.EntryRVA
	for sc.Scan() {
		line++
		var r traceRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d is not JSON: %v", line, err)
		}
		if r.PID == nil || r.TID == nil || r.Count == nil || r.EIP == nil {
			t.Errorf("line %d (%s) lacks pid, tid, icount or eip: %s", line, r.Kind, sc.Bytes())
		}
		kinds[r.Kind]++
		if r.Kind == "step" && *r.PID != 4 {
			steps = append(steps, r.Step)
		}
		if r.Kind == "entry" && *r.EIP != entry {
			t.Errorf("entry record at EIP 0x%X, want ImageBase+AddressOfEntryPoint 0x%X", *r.EIP, entry)
		}
		if r.Kind == "api" {
			if !strings.Contains(r.Name, "!") || r.Ret == nil || *r.TID == 0 || *r.EIP == 0 {
				t.Errorf("line %d: API record without function, return value, thread or caller: %s", line, sc.Bytes())
			}
			if r.Name == "KERNEL32.dll!GetModuleHandleA" && len(r.Args) == 1 && r.Args[0] == `"audita.dll"` {
				sawString = true
			}
			if strings.HasSuffix(r.Name, "!printf") && len(r.Args) > 0 && strings.HasPrefix(r.Args[0], `"main: `) {
				sawFormat = true
			}
			if strings.HasSuffix(r.Name, "!_stricmp") && len(r.Args) == 2 && r.Args[1] == `"msvcrt.dll"` {
				sawCmp = true
			}
		}
	}
	if !sawString {
		t.Error(`no API record with the decoded string argument GetModuleHandleA("audita.dll")`)
	}
	if fmt.Sprint(steps) != "[1 2 3 4 5]" {
		t.Errorf("CreateProcess steps in the order %v, want 1 to 5", steps)
	}
	if !sawFormat || !sawCmp {
		t.Errorf("msvcrt string arguments not decoded (printf format: %v, _stricmp: %v)", sawFormat, sawCmp)
	}
	for _, k := range []string{"process-created", "step", "thread-created", "module-loaded", "entry", "main", "api",
		"console", "thread-exited", "process-exited"} {
		if kinds[k] == 0 {
			t.Errorf("no %s records", k)
		}
	}
}

// TestAudit_Timeout: --timeout ends a program that spins and one that waits for standard input that never
// comes (peek32's stdin is a pipe kept open), saying so on stderr, with exit code 124; the trace records the
// end of the process.
func TestAudit_Timeout(t *testing.T) {
	bin := buildPeek32(t)
	dir := t.TempDir()
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole}
	img.Entry = &pewriter.Ref{Section: img.AddSection(".text", []byte{0xEB, 0xFE}, pewriter.Code)} // jmp $
	spin, err := img.Build()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "spin.exe"), spin, 0o644)
	auditFiles(t, dir, "iocat.exe")
	for _, prog := range []string{"spin.exe", "iocat.exe"} {
		tf := filepath.Join(dir, prog+".jsonl")
		cmd := exec.Command(bin, "run", "--timeout", "300ms", "--trace", tf, prog)
		cmd.Dir = dir
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdin = pr
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		err = cmd.Run()
		pr.Close()
		pw.Close()
		code := cmd.ProcessState.ExitCode()
		if code != exitBound || !strings.Contains(stderr.String(), "--timeout") {
			t.Errorf("%s: code %d (%v) stderr %q", prog, code, err, stderr.String())
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s: took %v", prog, d)
		}
		// The program was ended: its trace ends with its exit, code STATUS_TIMEOUT (as for --max-instructions).
		b, _ := os.ReadFile(tf)
		lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
		var last struct {
			Kind string `json:"kind"`
			Code uint32 `json:"code"`
		}
		if err := json.Unmarshal(lines[len(lines)-1], &last); err != nil || last.Kind != "process-exited" || last.Code != 0x102 {
			t.Errorf("%s: last trace record %s (%v), want process-exited with code 0x102", prog, lines[len(lines)-1], err)
		}
	}
}

// TestAudit_NotRunnable: every kind of file peek32 cannot run is refused with one line on stderr that says
// what the file is, and exit code 126; --verbose adds detail for a crash.
func TestAudit_NotRunnable(t *testing.T) {
	bin := buildPeek32(t)
	dir := t.TempDir()
	build := func(edit func(*pewriter.Image), patch func([]byte)) []byte {
		img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole}
		img.Entry = &pewriter.Ref{Section: img.AddSection(".text", []byte{0xC3}, pewriter.Code)}
		if edit != nil {
			edit(img)
		}
		b, err := img.Build()
		if err != nil {
			t.Fatal(err)
		}
		if patch != nil {
			patch(b)
		}
		return b
	}
	peOff := func(b []byte) int { return int(b[0x3C]) | int(b[0x3D])<<8 }
	ne := make([]byte, 0x200)
	copy(ne, "MZ")
	ne[0x3C] = 0x80
	copy(ne[0x80:], "NE")
	importing := func(dll, fn string) []byte {
		return build(func(i *pewriter.Image) {
			i.Imports = []pewriter.Import{{DLL: dll, Funcs: []pewriter.ImportFunc{{Name: fn}}}}
		}, nil)
	}
	files := map[string][]byte{
		"nodll.exe":  importing("NOSUCH.dll", "Foo"),
		"nofunc.exe": importing("auditb.dll", "no_such_function"),
		"amd64.exe":  build(nil, func(b []byte) { p := peOff(b); b[p+4], b[p+5] = 0x64, 0x86 }),
		"dotnet.exe": build(func(i *pewriter.Image) { i.CLR = true }, nil),
		"lib.dll":    build(func(i *pewriter.Image) { i.DLL = true }, nil),
		"dos.exe":    append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 120)...),
		"win16.exe":  ne,
		"text.exe":   []byte("just some text\n"),
	}
	want := map[string]string{
		"amd64.exe": "64-bit", "dotnet.exe": ".NET", "lib.dll": "DLL", "dos.exe": "MS-DOS", "win16.exe": "16-bit",
		"text.exe": "not a Windows program", "missing.exe": "cannot read",
	}
	for name, b := range files {
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	auditFiles(t, dir, "auditb.dll")
	// --verbose adds what the file is.
	if _, errs, _ := run(t, bin, dir, "", "run", "--verbose", "amd64.exe"); strings.Count(errs, "\n") < 2 ||
		!strings.Contains(errs, "format PE32+") && !strings.Contains(errs, "refused as 64-bit") {
		t.Errorf("--verbose amd64.exe: no detail in %q", errs)
	}
	// A missing DLL and a function a real DLL does not export stop the program before it starts, as on Windows.
	for name, w := range map[string]string{"nodll.exe": "NOSUCH.dll: DLL not found", "nofunc.exe": "auditb.dll does not export no_such_function"} {
		out, errs, code := run(t, bin, dir, "", "run", name)
		if code != exitNoStart || out != "" || !strings.Contains(errs, w) || strings.Count(errs, "\n") != 1 || strings.Count(errs, "cannot start") != 1 {
			t.Errorf("%s: code %d stdout %q stderr %q; want 126 and one line with %q", name, code, out, errs, w)
		}
	}
	for name, w := range want {
		out, errs, code := run(t, bin, dir, "", "run", name)
		if code != exitNoStart || out != "" || !strings.Contains(errs, w) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%s: code %d stdout %q stderr %q; want 126 and one line with %q", name, code, out, errs, w)
		}
	}
	// A program whose DLL refuses to initialize: DllMain's FALSE is reported, exit code STATUS_DLL_INIT_FAILED.
	auditFiles(t, dir, "dllfail_static.exe", "auditfail.dll")
	if _, errs, code := run(t, bin, dir, "", "run", "dllfail_static.exe"); code != 0x42 || strings.Count(errs, "\n") != 1 ||
		!strings.Contains(errs, "auditfail.dll's initialization routine (DllMain) returned FALSE") {
		t.Errorf("dllfail_static.exe: code %d stderr %q; want 0x42 (0xC0000142) and one line about DllMain", code, errs)
	}
	// A crash and an unimplemented function: one line; --verbose: the crash report.
	guest := filepath.Join("..", "..", "testdata", "guest", "bin")
	for _, name := range []string{"crash.exe", "unimplemented.exe"} {
		exe, err := filepath.Abs(filepath.Join(guest, name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(exe); err != nil {
			t.Skip("guest programs not built")
		}
		_, errs, code := run(t, bin, dir, "", "run", exe)
		if code == 0 || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "peek32: ") {
			t.Errorf("%s: code %d stderr %q; want one line", name, code, errs)
		}
	}
	exe, _ := filepath.Abs(filepath.Join(guest, "crash.exe"))
	_, errs, _ := run(t, bin, dir, "", "run", "--verbose", exe)
	if strings.Count(errs, "\n") < 5 || !strings.Contains(errs, "STATUS_ACCESS_VIOLATION") {
		t.Errorf("--verbose crash report is not detailed: %q", errs)
	}
}

// TestAudit_InspectDLL: `peek32 inspect` on a DLL with forwarders shows its exports (forwarders named), its
// imports and relocations; on a program with TLS callbacks, the TLS directory.
func TestAudit_InspectDLL(t *testing.T) {
	bin := buildPeek32(t)
	dir := t.TempDir()
	auditFiles(t, dir, "audita.dll", "peb.exe")
	out, errs, code := run(t, bin, dir, "", "inspect", "audita.dll")
	if code != 0 {
		t.Fatalf("code %d stderr %q", code, errs)
	}
	for _, w := range []string{"a_value", "fwd_chain", "auditb.fwd_pid", "auditb.dll", "b_value", "Base relocations", "Entropy", "DLL"} {
		if !strings.Contains(out, w) {
			t.Errorf("inspect audita.dll lacks %q", w)
		}
	}
	if _, errs, code := run(t, bin, dir, "", "inspect", "missing.exe"); code != exitNoStart ||
		errs != "peek32: cannot read missing.exe: no such file or directory\n" {
		t.Errorf("inspect missing.exe: code %d stderr %q", code, errs)
	}
	out, _, _ = run(t, bin, dir, "", "inspect", "peb.exe")
	if !strings.Contains(out, "\nTLS\n  Template 0x") || !strings.Contains(out, "  callback 0x") {
		t.Errorf("inspect peb.exe lacks the TLS directory:\n%s", out)
	}
}

// TestAudit_GoInstall: `go install ./cmd/peek32` works from a checkout (into a temporary GOBIN).
func TestAudit_GoInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	gobin := t.TempDir()
	cmd := exec.Command("go", "install", ".")
	cmd.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(gobin, "peek32"), "help").Output()
	if err != nil || !strings.Contains(string(out), "peek32 run") {
		t.Errorf("installed peek32 help: %v %q", err, out)
	}
}

// placeExe is a program that returns (as its exit code) a dword of its .data section read through an absolute
// address with a base relocation, preferring base; stripped drops the relocations.
func placeExe(t *testing.T, base uint32, stripped bool) []byte {
	t.Helper()
	img := &pewriter.Image{Subsystem: pewriter.SubsystemConsole, ImageBase: base, RelocsStripped: stripped}
	code := []byte{0xA1, 0, 0, 0, 0, 0xC3} // mov eax, [data]; ret
	text := img.AddSection(".text", code, pewriter.Code)
	data := img.AddSection(".data", []byte{42, 0, 0, 0}, pewriter.Data)
	if !stripped {
		text.Relocs = []uint32{1}
	}
	img.Entry = &pewriter.Ref{Section: text}
	if _, err := img.Layout(); err != nil {
		t.Fatal(err)
	}
	copy(code[1:], le(base+data.RVA))
	b, err := img.Build()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAudit_Placement: a program whose preferred base is taken (KUSER_SHARED_DATA's page, kernel32's base) runs
// relocated when it has relocations, and is refused with one clear line (exit 126) when it has none.
func TestAudit_Placement(t *testing.T) {
	bin := buildPeek32(t)
	dir := t.TempDir()
	for _, base := range []uint32{0x400000, 0x7C800000, 0x7FFE0000} {
		for _, stripped := range []bool{false, true} {
			name := "place.exe"
			os.WriteFile(filepath.Join(dir, name), placeExe(t, base, stripped), 0o644)
			out, errs, code := run(t, bin, dir, "", "run", name)
			switch {
			case base == 0x400000 || !stripped:
				if code != 42 || out != "" || errs != "" {
					t.Errorf("base 0x%X stripped %v: code %d stdout %q stderr %q; want 42", base, stripped, code, out, errs)
				}
			default:
				if code != exitNoStart || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "relocations") {
					t.Errorf("base 0x%X without relocations: code %d stderr %q; want 126 and one line", base, code, errs)
				}
			}
		}
	}
}

// TestAudit_TraceModuleUnload: FreeLibrary's last reference unmaps the DLL, and the trace says so (loadlib.exe
// loads and frees testdata/guest's mydll.dll).
func TestAudit_TraceModuleUnload(t *testing.T) {
	guest := filepath.Join("..", "..", "testdata", "guest", "bin")
	bin := buildPeek32(t)
	dir := t.TempDir()
	for _, n := range []string{"loadlib.exe", "mydll.dll"} {
		b, err := os.ReadFile(filepath.Join(guest, n))
		if err != nil {
			t.Skip("guest programs not built")
		}
		os.WriteFile(filepath.Join(dir, n), b, 0o644)
	}
	tf := filepath.Join(dir, "t.jsonl")
	if _, errs, code := run(t, bin, dir, "", "run", "--trace", tf, "loadlib.exe"); code != 0 {
		t.Fatalf("code %d stderr %q", code, errs)
	}
	b, _ := os.ReadFile(tf)
	var seq []string
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var r struct{ Kind, Name string }
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		if r.Name == "mydll.dll" && strings.HasPrefix(r.Kind, "module-") {
			seq = append(seq, r.Kind)
		}
	}
	if fmt.Sprint(seq) != "[module-loaded module-unloaded]" {
		t.Errorf("mydll.dll module records %v, want loaded then unloaded", seq)
	}
}
