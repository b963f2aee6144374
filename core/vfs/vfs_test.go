package vfs

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/peek32/peek32/core/win32/abi"
)

// Expected values follow Microsoft's documentation of GetFullPathName, CreateFile, DeleteFile, MoveFileEx,
// CreateDirectory, RemoveDirectory and FindFirstFile, and .NET's "File path formats on Windows systems"
// (the normalization steps Win32 applies).

func TestFullPath(t *testing.T) {
	cases := []struct {
		cwd, in, want string
		err           error
	}{
		{`C:\work`, `file.txt`, `C:\work\file.txt`, nil},
		{`C:\work`, `.\a\..\b.txt`, `C:\work\b.txt`, nil},
		{`C:\work`, `..\..\..\x`, `C:\x`, nil},
		{`C:\work`, `\top`, `C:\top`, nil},
		{`C:\work`, `/a//b/`, `C:\a\b\`, nil},
		{`C:\work`, `C:rel`, `C:\work\rel`, nil},
		{`C:\work`, `c:\Mixed\Case`, `C:\Mixed\Case`, nil},
		{`C:\work`, `D:rel`, `D:\rel`, nil},
		{`C:\work`, `name.`, `C:\work\name`, nil},
		{`C:\work`, `name. . `, `C:\work\name`, nil},
		{`C:\work`, `dir.\x`, `C:\work\dir\x`, nil},
		{`C:\work`, `...`, `C:\work`, nil},
		{`C:\`, `.`, `C:\`, nil},
		{`C:\work`, `nul`, `\\.\nul`, nil},
		{`C:\work`, `sub\NUL.txt`, `\\.\NUL`, nil},
		{`C:\work`, `con `, `\\.\con`, nil},
		{`C:\work`, `CONOUT$`, `\\.\CONOUT$`, nil},
		{`C:\work`, `console`, `C:\work\console`, nil},
		{`C:\work`, `\\?\C:\long\path`, `C:\long\path`, nil},
		{`C:\work`, `\\server\share\f`, ``, ErrBadNetPath},
		{`C:\work`, ``, ``, abi.ERROR_PATH_NOT_FOUND},
	}
	for _, c := range cases {
		got, err := FullPath(c.cwd, c.in)
		if got != c.want || !errors.Is(err, c.err) && err != c.err {
			t.Errorf("FullPath(%q, %q) = %q, %v; want %q, %v", c.cwd, c.in, got, err, c.want, c.err)
		}
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, name string
		want          bool
	}{
		{"*", "anything.txt", true},
		{"*.*", "noext", true},
		{"*.txt", "A.TXT", true},
		{"*.txt", "a.txt.bak", false},
		{"a?c", "abc", true},
		{"a?c", "a.c", false},
		{"a?c", "ac", false},
		{"abc?", "abc", true},    // ? at the end matches nothing
		{"ab??.t", "ab.t", true}, // ? before a dot matches nothing
		{"*.", "noext", true},
		{"*.", "has.ext", false},
		{"a.*", "a", true},
		{"a.*", "a.b", true},
		{"*a*", "bab", true},
		{"*a*", "bbb", false},
		{"x*y", "xaaay", true},
		{"FILE.TXT", "file.txt", true},
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
}

const rw = abi.GENERIC_READ | abi.GENERIC_WRITE

func TestCreateFile_Dispositions(t *testing.T) {
	fs := NewFS()
	cases := []struct {
		name        string
		disposition uint32
		lastErr     abi.Errno
		err         error
	}{
		{`C:\a.txt`, OpenExisting, 0, abi.ERROR_FILE_NOT_FOUND},
		{`C:\a.txt`, TruncateExisting, 0, abi.ERROR_FILE_NOT_FOUND},
		{`C:\a.txt`, CreateNew, 0, nil},
		{`C:\a.txt`, CreateNew, 0, abi.ERROR_FILE_EXISTS},
		{`C:\A.TXT`, CreateAlways, abi.ERROR_ALREADY_EXISTS, nil},
		{`C:\b.txt`, CreateAlways, 0, nil},
		{`C:\a.txt`, OpenAlways, abi.ERROR_ALREADY_EXISTS, nil},
		{`C:\c.txt`, OpenAlways, 0, nil},
		{`C:\a.txt`, OpenExisting, 0, nil},
		{`C:\a.txt`, TruncateExisting, 0, nil},
		{`C:\a.txt`, 0, 0, abi.ERROR_INVALID_PARAMETER},
		{`C:\a.txt`, 6, 0, abi.ERROR_INVALID_PARAMETER},
		{`C:\missing\a.txt`, CreateAlways, 0, abi.ERROR_PATH_NOT_FOUND},
		{`C:\a.txt\x`, OpenExisting, 0, abi.ERROR_PATH_NOT_FOUND},
		{`C:\bad?.txt`, CreateAlways, 0, abi.ERROR_INVALID_NAME},
		{`C:\Windows`, OpenExisting, 0, abi.ERROR_ACCESS_DENIED},
		{`D:\x.txt`, CreateAlways, 0, abi.ERROR_PATH_NOT_FOUND},
		{`\\.\COM1`, OpenExisting, 0, abi.ERROR_FILE_NOT_FOUND},
	}
	for _, c := range cases {
		f, lastErr, err := fs.CreateFile(c.name, rw, abi.FILE_SHARE_READ|abi.FILE_SHARE_WRITE, c.disposition, 0)
		if err != c.err || lastErr != c.lastErr {
			t.Errorf("CreateFile(%q, %d) = %v, %v; want %v, %v", c.name, c.disposition, lastErr, err, c.lastErr, c.err)
		}
		if f != nil {
			f.Close()
		}
	}
	// TRUNCATE_EXISTING needs write access.
	if _, _, err := fs.CreateFile(`C:\a.txt`, abi.GENERIC_READ, 0, TruncateExisting, 0); err != abi.ERROR_INVALID_PARAMETER {
		t.Errorf("TRUNCATE_EXISTING read-only: %v", err)
	}
	// A directory opens with FILE_FLAG_BACKUP_SEMANTICS.
	f, _, err := fs.CreateFile(`C:\Windows`, abi.GENERIC_READ, abi.FILE_SHARE_READ, OpenExisting, FlagBackupSemantics)
	if err != nil || !f.IsDir() {
		t.Fatalf("directory handle: %v", err)
	}
	if _, err := f.Read(make([]byte, 4)); err != abi.ERROR_INVALID_FUNCTION {
		t.Errorf("read of a directory handle: %v", err)
	}
}

func TestCreateFile_AlwaysTruncates(t *testing.T) {
	fs := NewFS()
	if err := fs.AddFile(`C:\data.bin`, []byte("0123456789")); err != nil {
		t.Fatal(err)
	}
	f, lastErr, err := fs.CreateFile(`C:\data.bin`, rw, 0, CreateAlways, 0)
	if err != nil || lastErr != abi.ERROR_ALREADY_EXISTS || f.Size() != 0 {
		t.Fatalf("CREATE_ALWAYS: %v %v size %d", lastErr, err, f.Size())
	}
	f.Close()
	// OPEN_ALWAYS keeps the contents.
	fs.AddFile(`C:\keep.bin`, []byte("abc"))
	f, _, _ = fs.CreateFile(`C:\keep.bin`, rw, 0, OpenAlways, 0)
	if f.Size() != 3 {
		t.Fatalf("OPEN_ALWAYS size %d", f.Size())
	}
	f.Close()
}

func TestCreateFile_ShareModes(t *testing.T) {
	fs := NewFS()
	fs.AddFile(`C:\s.txt`, []byte("x"))
	a, _, err := fs.CreateFile(`C:\s.txt`, abi.GENERIC_READ, abi.FILE_SHARE_READ, OpenExisting, 0)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		access, share uint32
		err           error
	}{
		{abi.GENERIC_READ, abi.FILE_SHARE_READ, nil},
		{abi.GENERIC_WRITE, abi.FILE_SHARE_READ, abi.ERROR_SHARING_VIOLATION},                       // a does not share write
		{abi.GENERIC_READ, 0, abi.ERROR_SHARING_VIOLATION},                                          // a already reads
		{abi.GENERIC_READ, abi.FILE_SHARE_READ | abi.FILE_SHARE_WRITE | abi.FILE_SHARE_DELETE, nil}, // reading is shared
		{0, 0, nil}, // no data access: attributes only
	}
	for _, c := range cases {
		f, _, err := fs.CreateFile(`C:\s.txt`, c.access, c.share, OpenExisting, 0)
		if err != c.err {
			t.Errorf("open(%#x, share %#x) = %v, want %v", c.access, c.share, err, c.err)
		}
		if f != nil {
			f.Close()
		}
	}
	if err := fs.Delete(`C:\s.txt`); err != abi.ERROR_SHARING_VIOLATION {
		t.Errorf("delete while open without FILE_SHARE_DELETE: %v", err)
	}
	if err := fs.Move(`C:\s.txt`, `C:\t.txt`, 0); err != abi.ERROR_SHARING_VIOLATION {
		t.Errorf("move while open without FILE_SHARE_DELETE: %v", err)
	}
	a.Close()
	if err := a.Close(); err != abi.ERROR_INVALID_HANDLE {
		t.Errorf("second close: %v", err)
	}
	if err := fs.Delete(`C:\s.txt`); err != nil {
		t.Errorf("delete after close: %v", err)
	}
}

func TestFile_ReadWriteSeek(t *testing.T) {
	fs := NewFS()
	f, _, err := fs.CreateFile(`C:\rw.bin`, rw, 0, CreateNew, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.Write([]byte("hello world")); n != 11 || err != nil {
		t.Fatalf("write: %d %v", n, err)
	}
	if pos, _ := f.Seek(6, 0); pos != 6 {
		t.Fatalf("seek: %d", pos)
	}
	buf := make([]byte, 10)
	if n, _ := f.Read(buf); string(buf[:n]) != "world" {
		t.Fatalf("read: %q", buf[:n])
	}
	if n, err := f.Read(buf); n != 0 || err != nil {
		t.Fatalf("read at end: %d %v", n, err)
	}
	if _, err := f.Seek(-1, 0); err != abi.ERROR_NEGATIVE_SEEK {
		t.Fatalf("negative seek: %v", err)
	}
	f.Seek(3, 2) // 3 past the end
	f.Write([]byte("!"))
	data, _ := fs.ReadFile(`C:\rw.bin`)
	if string(data) != "hello world\x00\x00\x00!" {
		t.Fatalf("sparse write: %q", data)
	}
	f.Seek(5, 0)
	f.SetEndOfFile()
	if f.Size() != 5 {
		t.Fatalf("SetEndOfFile: size %d", f.Size())
	}
	f.Close()
	r, _, _ := fs.CreateFile(`C:\rw.bin`, abi.GENERIC_READ, abi.FILE_SHARE_READ, OpenExisting, 0)
	if _, err := r.Write([]byte("x")); err != abi.ERROR_ACCESS_DENIED {
		t.Fatalf("write without access: %v", err)
	}
	r.Close()
	// Append-only access writes at the end whatever the position.
	ap, _, _ := fs.CreateFile(`C:\rw.bin`, FileAppendData, 0, OpenExisting, 0)
	ap.Write([]byte("++"))
	ap.Close()
	if data, _ := fs.ReadFile(`C:\rw.bin`); string(data) != "hello++" {
		t.Fatalf("append: %q", data)
	}
}

func TestFile_DeviceNul(t *testing.T) {
	fs := NewFS()
	full, _ := FullPath(`C:\`, "nul")
	f, _, err := fs.CreateFile(full, rw, 0, OpenExisting, 0)
	if err != nil || f.Device != "NUL" {
		t.Fatalf("open NUL: %v", err)
	}
	if n, err := f.Write([]byte("gone")); n != 4 || err != nil {
		t.Fatalf("write NUL: %d %v", n, err)
	}
	if n, err := f.Read(make([]byte, 4)); n != 0 || err != nil {
		t.Fatalf("read NUL: %d %v", n, err)
	}
	con, _, _ := fs.CreateFile(DevicePrefix+"CONOUT$", rw, 0, OpenExisting, 0)
	if _, err := con.Write([]byte("x")); err != abi.ERROR_INVALID_FUNCTION {
		t.Fatalf("console devices are the caller's: %v", err)
	}
}

func TestFS_DirectoriesDeleteMove(t *testing.T) {
	fs := NewFS()
	steps := []struct {
		what string
		err  error
		got  error
	}{
		{"mkdir", nil, fs.Mkdir(`C:\d`)},
		{"mkdir again", abi.ERROR_ALREADY_EXISTS, fs.Mkdir(`C:\D`)},
		{"mkdir no parent", abi.ERROR_PATH_NOT_FOUND, fs.Mkdir(`C:\x\y`)},
		{"add file", nil, fs.AddFile(`C:\d\f.txt`, []byte("f"))},
		{"mkdir over file", abi.ERROR_ALREADY_EXISTS, fs.Mkdir(`C:\d\f.txt`)},
		{"rmdir not empty", abi.ERROR_DIR_NOT_EMPTY, fs.Rmdir(`C:\d`)},
		{"rmdir file", abi.ERROR_DIRECTORY, fs.Rmdir(`C:\d\f.txt`)},
		{"rmdir missing", abi.ERROR_FILE_NOT_FOUND, fs.Rmdir(`C:\nope`)},
		{"delete dir", abi.ERROR_ACCESS_DENIED, fs.Delete(`C:\d`)},
		{"delete missing", abi.ERROR_FILE_NOT_FOUND, fs.Delete(`C:\d\nope`)},
		{"delete missing dir", abi.ERROR_PATH_NOT_FOUND, fs.Delete(`C:\nope\f`)},
		{"move", nil, fs.Move(`C:\d\f.txt`, `C:\g.txt`, 0)},
		{"move missing", abi.ERROR_FILE_NOT_FOUND, fs.Move(`C:\d\f.txt`, `C:\h.txt`, 0)},
		{"add second", nil, fs.AddFile(`C:\h.txt`, []byte("h"))},
		{"move onto existing", abi.ERROR_ALREADY_EXISTS, fs.Move(`C:\g.txt`, `C:\h.txt`, 0)},
		{"move replace", nil, fs.Move(`C:\g.txt`, `C:\h.txt`, MoveReplaceExisting)},
		{"move dir into itself", abi.ERROR_ACCESS_DENIED, fs.Move(`C:\d`, `C:\d\sub`, 0)},
		{"move dir", nil, fs.Move(`C:\d`, `C:\e`, 0)},
		{"rename case", nil, fs.Move(`C:\e`, `C:\E`, 0)},
		{"rmdir", nil, fs.Rmdir(`C:\E`)},
		{"readonly", nil, fs.SetAttributes(`C:\h.txt`, abi.FILE_ATTRIBUTE_READONLY)},
		{"delete readonly", abi.ERROR_ACCESS_DENIED, fs.Delete(`C:\h.txt`)},
		{"normal", nil, fs.SetAttributes(`C:\h.txt`, abi.FILE_ATTRIBUTE_NORMAL)},
		{"delete", nil, fs.Delete(`C:\h.txt`)},
	}
	for _, s := range steps {
		if s.got != s.err {
			t.Errorf("%s: got %v, want %v", s.what, s.got, s.err)
		}
	}
	if data, err := fs.ReadFile(`C:\h.txt`); err != abi.ERROR_FILE_NOT_FOUND {
		t.Errorf("deleted file still readable: %q %v", data, err)
	}
	if info, err := fs.Stat(`C:\`); err != nil || info.Attr != abi.FILE_ATTRIBUTE_DIRECTORY {
		t.Errorf("root: %+v %v", info, err)
	}
}

func TestFS_ReadOnlyAndHidden(t *testing.T) {
	fs := NewFS()
	fs.AddFile(`C:\ro.txt`, []byte("ro"))
	fs.SetAttributes(`C:\ro.txt`, abi.FILE_ATTRIBUTE_READONLY)
	if _, _, err := fs.CreateFile(`C:\ro.txt`, abi.GENERIC_WRITE, 0, OpenExisting, 0); err != abi.ERROR_ACCESS_DENIED {
		t.Errorf("write-open of a read-only file: %v", err)
	}
	if f, _, err := fs.CreateFile(`C:\ro.txt`, abi.GENERIC_READ, 0, OpenExisting, 0); err != nil {
		t.Errorf("read-open of a read-only file: %v", err)
	} else {
		f.Close()
	}
	fs.AddFile(`C:\hid.txt`, []byte("h"))
	fs.SetAttributes(`C:\hid.txt`, abi.FILE_ATTRIBUTE_HIDDEN)
	if _, _, err := fs.CreateFile(`C:\hid.txt`, rw, 0, CreateAlways, abi.FILE_ATTRIBUTE_NORMAL); err != abi.ERROR_ACCESS_DENIED {
		t.Errorf("CREATE_ALWAYS over a hidden file without FILE_ATTRIBUTE_HIDDEN: %v", err)
	}
	if f, _, err := fs.CreateFile(`C:\hid.txt`, rw, 0, CreateAlways, abi.FILE_ATTRIBUTE_HIDDEN); err != nil {
		t.Errorf("CREATE_ALWAYS with FILE_ATTRIBUTE_HIDDEN: %v", err)
	} else {
		f.Close()
	}
}

func TestFS_DeleteOnCloseAndOpenDelete(t *testing.T) {
	fs := NewFS()
	f, _, _ := fs.CreateFile(`C:\tmp.txt`, rw|Delete, abi.FILE_SHARE_DELETE, CreateNew, FlagDeleteOnClose)
	f.Write([]byte("temp"))
	if _, err := fs.Stat(`C:\tmp.txt`); err != nil {
		t.Fatalf("exists while open: %v", err)
	}
	f.Close()
	if _, err := fs.Stat(`C:\tmp.txt`); err != abi.ERROR_FILE_NOT_FOUND {
		t.Fatalf("FILE_FLAG_DELETE_ON_CLOSE: %v", err)
	}
	// Deleting a file open with FILE_SHARE_DELETE removes the name; the handle keeps the bytes.
	g, _, _ := fs.CreateFile(`C:\open.txt`, rw, abi.FILE_SHARE_DELETE, CreateNew, 0)
	g.Write([]byte("still here"))
	if err := fs.Delete(`C:\open.txt`); err != nil {
		t.Fatal(err)
	}
	g.Seek(0, 0)
	buf := make([]byte, 16)
	if n, _ := g.Read(buf); string(buf[:n]) != "still here" {
		t.Fatalf("read after delete: %q", buf[:n])
	}
	g.Close()
	if fs.bytes != 0 {
		t.Fatalf("bytes accounted after all deletes: %d", fs.bytes)
	}
}

func TestFS_FindFirst(t *testing.T) {
	fs := NewFS()
	fs.Mkdir(`C:\w`)
	for _, n := range []string{"b.txt", "A.txt", "c.dat", "noext", "sub"} {
		if n == "sub" {
			fs.Mkdir(`C:\w\sub`)
		} else {
			fs.AddFile(`C:\w\`+n, []byte(n))
		}
	}
	names := func(pattern string) ([]string, error) {
		f, err := fs.FindFirst(pattern)
		if err != nil {
			return nil, err
		}
		var out []string
		for {
			i, ok := f.Next()
			if !ok {
				return out, nil
			}
			out = append(out, i.Name)
		}
	}
	cases := []struct {
		pattern string
		want    []string
		err     error
	}{
		{`C:\w\*`, []string{".", "..", "A.txt", "b.txt", "c.dat", "noext", "sub"}, nil},
		{`C:\w\*.*`, []string{".", "..", "A.txt", "b.txt", "c.dat", "noext", "sub"}, nil},
		{`C:\w\*.TXT`, []string{"A.txt", "b.txt"}, nil},
		{`C:\w\?.txt`, []string{"A.txt", "b.txt"}, nil},
		{`C:\w\*.`, []string{".", "..", "noext", "sub"}, nil},
		{`C:\w\noext`, []string{"noext"}, nil},
		{`C:\w\*.zip`, nil, abi.ERROR_FILE_NOT_FOUND},
		{`C:\nodir\*`, nil, abi.ERROR_PATH_NOT_FOUND},
		{`C:\*`, []string{"w", "Windows"}, nil},
	}
	for _, c := range cases {
		got, err := names(c.pattern)
		if err != c.err || !reflect.DeepEqual(got, c.want) {
			t.Errorf("FindFirst(%q) = %v, %v; want %v, %v", c.pattern, got, err, c.want, c.err)
		}
	}
	f, _ := fs.FindFirst(`C:\w\c.dat`)
	i, _ := f.Next()
	if i.Size != 5 || i.Attr != abi.FILE_ATTRIBUTE_ARCHIVE || i.Times.LastWrite != Epoch {
		t.Errorf("entry: %+v", i)
	}
}

func TestFS_WrittenAndClock(t *testing.T) {
	fs := NewFS()
	tick := Epoch
	fs.Clock = func() uint64 { tick += 10_000_000; return tick }
	fs.AddFile(`C:\in.txt`, []byte("given by the host"))
	f, _, _ := fs.CreateFile(`C:\out\..\out.txt`, rw, 0, CreateNew, 0)
	f.Write([]byte("result"))
	f.Close()
	fs.Mkdir(`C:\dir`)
	g, _, _ := fs.CreateFile(`C:\dir\two.txt`, rw, 0, CreateNew, 0)
	g.Close()
	got := fs.Written()
	want := []WrittenFile{{`C:\dir\two.txt`, []byte{}}, {`C:\out.txt`, []byte("result")}}
	if len(got) != 2 || got[0].Path != want[0].Path || got[1].Path != want[1].Path || string(got[1].Data) != "result" {
		t.Fatalf("Written() = %+v", got)
	}
	info, _ := fs.Stat(`C:\out.txt`)
	if info.Times.LastWrite <= info.Times.Creation {
		t.Errorf("times did not follow the clock: %+v", info.Times)
	}
}

func TestFS_DiskFull(t *testing.T) {
	fs := NewFS()
	fs.MaxBytes = 100
	f, _, _ := fs.CreateFile(`C:\big`, rw, 0, CreateNew, 0)
	if _, err := f.Write(make([]byte, 60)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(make([]byte, 60)); err != abi.ERROR_DISK_FULL {
		t.Fatalf("past the budget: %v", err)
	}
	f.Seek(1<<40, 0)
	if err := f.SetEndOfFile(); err != abi.ERROR_DISK_FULL {
		t.Fatalf("huge SetEndOfFile: %v", err)
	}
}

func TestFS_HostMount(t *testing.T) {
	host := t.TempDir()
	outside := t.TempDir()
	os.WriteFile(filepath.Join(host, "Hello.txt"), []byte("from the host"), 0o644)
	os.Mkdir(filepath.Join(host, "sub"), 0o755)
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644)
	os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(host, "escape.txt"))
	os.Symlink(outside, filepath.Join(host, "escapedir"))

	fs := NewFS()
	if err := fs.Mount(`C:\work`, host); err != nil {
		t.Fatal(err)
	}
	// Case-insensitive lookup of host names.
	data, err := fs.ReadFile(`C:\work\HELLO.TXT`)
	if err != nil || string(data) != "from the host" {
		t.Fatalf("read host file: %q %v", data, err)
	}
	// Writes reach the host when the handle closes.
	f, _, err := fs.CreateFile(`C:\work\sub\new.txt`, rw, 0, CreateNew, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("written by the guest"))
	f.Close()
	if b, _ := os.ReadFile(filepath.Join(host, "sub", "new.txt")); string(b) != "written by the guest" {
		t.Fatalf("host did not get the write: %q", b)
	}
	// Rename, mkdir and delete act on the host.
	if err := fs.Move(`C:\work\sub\new.txt`, `C:\work\moved.txt`, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(host, "moved.txt")); err != nil {
		t.Fatalf("rename on host: %v", err)
	}
	fs.Mkdir(`C:\work\made`)
	if st, err := os.Stat(filepath.Join(host, "made")); err != nil || !st.IsDir() {
		t.Fatalf("mkdir on host: %v", err)
	}
	fs.Delete(`C:\work\moved.txt`)
	if _, err := os.Stat(filepath.Join(host, "moved.txt")); !os.IsNotExist(err) {
		t.Fatalf("delete on host: %v", err)
	}
	// A file moved out of the mount into memory leaves the host.
	fs.AddFile(`C:\work\out.txt`, []byte("x"))
	if err := fs.Move(`C:\work\out.txt`, `C:\mem.txt`, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(host, "out.txt")); !os.IsNotExist(err) {
		t.Fatalf("moved-out file still on host: %v", err)
	}
	if b, _ := fs.ReadFile(`C:\mem.txt`); string(b) != "x" {
		t.Fatalf("moved-out file: %q", b)
	}
	// Nothing outside the mounted directory is reachable: not by "..", not through symbolic links.
	if _, err := fs.ReadFile(`C:\work\..\work\escape.txt`); err == nil {
		t.Fatal("a symbolic link led outside the mount")
	}
	if _, err := fs.ReadFile(`C:\work\escapedir\secret.txt`); err == nil {
		t.Fatal("a linked directory led outside the mount")
	}
	if _, _, err := fs.CreateFile(`C:\work\escapedir\planted.txt`, rw, 0, CreateNew, 0); err == nil {
		t.Fatal("created a file through a link outside the mount")
	}
	if _, err := os.Stat(filepath.Join(outside, "planted.txt")); !os.IsNotExist(err) {
		t.Fatal("a file appeared outside the mount")
	}
	// Searches list host entries.
	fd, err := fs.FindFirst(`C:\work\*.txt`)
	if err != nil {
		t.Fatal(err)
	}
	i, _ := fd.Next()
	if i.Name != "Hello.txt" || i.Size != 13 {
		t.Fatalf("host search: %+v", i)
	}
}

func BenchmarkFile_Write(b *testing.B) {
	fs := NewFS()
	f, _, _ := fs.CreateFile(`C:\bench.bin`, rw, 0, CreateNew, 0)
	buf := make([]byte, 4096)
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		f.Seek(0, 0)
		f.Write(buf)
	}
}

func BenchmarkFullPath(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FullPath(`C:\work\dir`, `..\other\.\file.txt`); err != nil {
			b.Fatal(err)
		}
	}
}
