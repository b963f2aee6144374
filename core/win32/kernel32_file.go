package win32

import (
	"errors"
	"strings"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/vfs"
	"github.com/peek32/peek32/core/win32/abi"
)

func init() {
	kernel32.Add(
		Export{Name: "CreateFileA", ArgBytes: 28, Handler: func(c *Call) { createFile(c, false) }},
		Export{Name: "CreateFileW", ArgBytes: 28, Handler: func(c *Call) { createFile(c, true) }},
		Export{Name: "SetFilePointer", ArgBytes: 16, Handler: setFilePointer},
		Export{Name: "SetFilePointerEx", ArgBytes: 20, Handler: setFilePointerEx},
		Export{Name: "GetFileSize", ArgBytes: 8, Handler: getFileSize},
		Export{Name: "GetFileSizeEx", ArgBytes: 8, Handler: getFileSizeEx},
		Export{Name: "SetEndOfFile", ArgBytes: 4, Handler: setEndOfFile},
		Export{Name: "GetFileAttributesA", ArgBytes: 4, Handler: func(c *Call) { getFileAttributes(c, false) }},
		Export{Name: "GetFileAttributesW", ArgBytes: 4, Handler: func(c *Call) { getFileAttributes(c, true) }},
		Export{Name: "GetFileAttributesExA", ArgBytes: 12, Handler: func(c *Call) { getFileAttributesEx(c, false) }},
		Export{Name: "GetFileAttributesExW", ArgBytes: 12, Handler: func(c *Call) { getFileAttributesEx(c, true) }},
		Export{Name: "SetFileAttributesA", ArgBytes: 8, Handler: func(c *Call) { setFileAttributes(c, false) }},
		Export{Name: "SetFileAttributesW", ArgBytes: 8, Handler: func(c *Call) { setFileAttributes(c, true) }},
		Export{Name: "FindFirstFileA", ArgBytes: 8, Handler: func(c *Call) { findFirstFile(c, false, 1) }},
		Export{Name: "FindFirstFileW", ArgBytes: 8, Handler: func(c *Call) { findFirstFile(c, true, 1) }},
		Export{Name: "FindFirstFileExA", ArgBytes: 24, Handler: func(c *Call) { findFirstFile(c, false, 2) }, Note: "info level and search flags ignored"},
		Export{Name: "FindFirstFileExW", ArgBytes: 24, Handler: func(c *Call) { findFirstFile(c, true, 2) }, Note: "info level and search flags ignored"},
		Export{Name: "FindNextFileA", ArgBytes: 8, Handler: func(c *Call) { findNextFile(c, false) }},
		Export{Name: "FindNextFileW", ArgBytes: 8, Handler: func(c *Call) { findNextFile(c, true) }},
		Export{Name: "FindClose", ArgBytes: 4, Handler: findClose},
		Export{Name: "DeleteFileA", ArgBytes: 4, Handler: func(c *Call) { pathOp(c, false, 1, (*vfs.FS).Delete) }},
		Export{Name: "DeleteFileW", ArgBytes: 4, Handler: func(c *Call) { pathOp(c, true, 1, (*vfs.FS).Delete) }},
		Export{Name: "CreateDirectoryA", ArgBytes: 8, Handler: func(c *Call) { pathOp(c, false, 1, (*vfs.FS).Mkdir) }},
		Export{Name: "CreateDirectoryW", ArgBytes: 8, Handler: func(c *Call) { pathOp(c, true, 1, (*vfs.FS).Mkdir) }},
		Export{Name: "RemoveDirectoryA", ArgBytes: 4, Handler: func(c *Call) { pathOp(c, false, 1, (*vfs.FS).Rmdir) }},
		Export{Name: "RemoveDirectoryW", ArgBytes: 4, Handler: func(c *Call) { pathOp(c, true, 1, (*vfs.FS).Rmdir) }},
		Export{Name: "MoveFileA", ArgBytes: 8, Handler: func(c *Call) { moveFile(c, false, false) }},
		Export{Name: "MoveFileW", ArgBytes: 8, Handler: func(c *Call) { moveFile(c, true, false) }},
		Export{Name: "MoveFileExA", ArgBytes: 12, Handler: func(c *Call) { moveFile(c, false, true) }},
		Export{Name: "MoveFileExW", ArgBytes: 12, Handler: func(c *Call) { moveFile(c, true, true) }},
		Export{Name: "CopyFileA", ArgBytes: 12, Handler: func(c *Call) { copyFile(c, false) }},
		Export{Name: "CopyFileW", ArgBytes: 12, Handler: func(c *Call) { copyFile(c, true) }},
		Export{Name: "GetFullPathNameA", ArgBytes: 16, Handler: func(c *Call) { getFullPathName(c, false) }},
		Export{Name: "GetFullPathNameW", ArgBytes: 16, Handler: func(c *Call) { getFullPathName(c, true) }},
		Export{Name: "GetTempPathA", ArgBytes: 8, Handler: func(c *Call) { getTempPath(c, false) }},
		Export{Name: "GetTempPathW", ArgBytes: 8, Handler: func(c *Call) { getTempPath(c, true) }},
		Export{Name: "GetTempFileNameA", ArgBytes: 16, Handler: func(c *Call) { getTempFileName(c, false) }},
		Export{Name: "GetTempFileNameW", ArgBytes: 16, Handler: func(c *Call) { getTempFileName(c, true) }},
		Export{Name: "SetCurrentDirectoryA", ArgBytes: 4, Handler: func(c *Call) { setCurrentDirectory(c, false) }},
		Export{Name: "SetCurrentDirectoryW", ArgBytes: 4, Handler: func(c *Call) { setCurrentDirectory(c, true) }},
		Export{Name: "GetFileInformationByHandle", ArgBytes: 8, Handler: getFileInformationByHandle},
		Export{Name: "GetFileTime", ArgBytes: 16, Handler: getFileTime},
		Export{Name: "SetFileTime", ArgBytes: 16, Handler: setFileTime},
		Export{Name: "GetLongPathNameA", ArgBytes: 12, Handler: func(c *Call) { samePath(c, false) }},
		Export{Name: "GetLongPathNameW", ArgBytes: 12, Handler: func(c *Call) { samePath(c, true) }},
		Export{Name: "GetShortPathNameA", ArgBytes: 12, Handler: func(c *Call) { samePath(c, false) }, Note: "long names are returned"},
		Export{Name: "GetShortPathNameW", ArgBytes: 12, Handler: func(c *Call) { samePath(c, true) }, Note: "long names are returned"},
		Export{Name: "SetHandleInformation", ArgBytes: 12, Handler: setHandleInformation},
		Export{Name: "GetHandleInformation", ArgBytes: 8, Handler: getHandleInformation},
		Export{Name: "DuplicateHandle", ArgBytes: 28, Handler: duplicateHandle},
		Export{Name: "LockFile", ArgBytes: 20, Handler: func(c *Call) { c.Return(1) }, Note: "no byte-range locks"},
		Export{Name: "UnlockFile", ArgBytes: 20, Handler: func(c *Call) { c.Return(1) }, Note: "no byte-range locks"},
		Export{Name: "LockFileEx", ArgBytes: 24, Handler: func(c *Call) { c.Return(1) }, Note: "no byte-range locks"},
		Export{Name: "UnlockFileEx", ArgBytes: 20, Handler: func(c *Call) { c.Return(1) }, Note: "no byte-range locks"},
	)
}

// FileObject is an open file of the virtual file system as a kernel object (the handle's target).
type FileObject struct {
	kernel.ObjectHeader
	F *vfs.File
}

func newFileObject(f *vfs.File) *FileObject {
	o := &FileObject{F: f}
	o.Init(kernel.TypeFile, f.Path(), func() { _ = f.Close() })
	return o
}

// Write implements Writer.
func (o *FileObject) Write(b []byte) { _, _ = o.F.Write(b) }

// WriteErr writes b and reports the file system's error.
func (o *FileObject) WriteErr(b []byte) error {
	_, err := o.F.Write(b)
	return err
}

// Read implements ByteReader (a file never blocks). It allocates no more than what is left of the file.
func (o *FileObject) Read(max int) ([]byte, bool) {
	if pos, err := o.F.Seek(0, 1); err == nil {
		if left := o.F.Size() - pos; left < int64(max) {
			max = int(max64(left, 0))
		}
	}
	b := make([]byte, max)
	n, _ := o.F.Read(b)
	return b[:n], false
}

// FileType implements FileTyper.
func (o *FileObject) FileType() uint32 {
	if o.F.Device != "" {
		return abi.FILE_TYPE_CHAR
	}
	return abi.FILE_TYPE_DISK
}

// FindObject is a FindFirstFile search handle.
type FindObject struct {
	kernel.ObjectHeader
	F *vfs.Find
}

// errno converts a file-system error to a Win32 error.
func errno(err error) abi.Errno {
	var e abi.Errno
	if errors.As(err, &e) {
		return e
	}
	return abi.ERROR_GEN_FAILURE
}

// fs returns the machine's file system, or nil.
func (c *Call) fs() *vfs.FS { return c.S.cfg.FS }

// fullPath resolves a path argument against the process's current directory.
func (c *Call) fullPath(i int, wide bool) (string, abi.Errno) {
	name, ok := c.strArg(i, wide)
	if !ok {
		return "", abi.ERROR_NOACCESS
	}
	if name == "" {
		return "", abi.ERROR_PATH_NOT_FOUND
	}
	full, err := vfs.FullPath(c.P.CurrentDir, name)
	if err != nil {
		return "", errno(err)
	}
	return full, 0
}

func createFile(c *Call, wide bool) {
	if openPipeClient(c, wide) { // \\.\pipe\NAME: kernel32_npipe.go
		return
	}
	full, e := c.fullPath(0, wide)
	access, share, _, disp, flags := c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4), c.Arg(5)
	if e != 0 {
		c.Fail(e, abi.InvalidHandleValue)
		return
	}
	if dev, ok := vfs.IsDevice(full); ok && dev != "NUL" {
		// The console devices are the process's console streams.
		idx := 1
		if dev == "CONIN$" || (dev == "CON" && access&abi.GENERIC_READ != 0 && access&abi.GENERIC_WRITE == 0) {
			idx = 0
		}
		o, ok := c.Object(uint32(c.P.Std[idx]))
		if !ok {
			c.Fail(abi.ERROR_FILE_NOT_FOUND, abi.InvalidHandleValue)
			return
		}
		h, _ := c.P.Handles.Insert(o, access, false)
		c.Succeed(uint32(h))
		return
	}
	if c.fs() == nil {
		c.Fail(abi.ERROR_PATH_NOT_FOUND, abi.InvalidHandleValue)
		return
	}
	f, last, err := c.fs().CreateFile(full, access, share, disp, flags)
	if err != nil {
		c.Fail(errno(err), abi.InvalidHandleValue)
		return
	}
	o := newFileObject(f)
	h, ok := c.P.Handles.Insert(o, access, false)
	o.Unref()
	if !ok {
		c.Fail(abi.ERROR_TOO_MANY_OPEN_FILES, abi.InvalidHandleValue)
		return
	}
	c.T.SetLastError(uint32(last))
	c.Return(uint32(h))
}

// file resolves a handle to an open file.
func (c *Call) file(h uint32) (*FileObject, bool) {
	o, ok := c.Object(h)
	if !ok {
		return nil, false
	}
	f, ok := o.(*FileObject)
	return f, ok
}

func setFilePointer(c *Call) {
	h, lo, phi, whence := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	f, ok := c.file(h)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, abi.INVALID_SET_FILE_POINTER)
		return
	}
	off := int64(int32(lo))
	if phi != 0 {
		hi, ok := c.R32(phi)
		if !ok {
			c.Fail(abi.ERROR_NOACCESS, abi.INVALID_SET_FILE_POINTER)
			return
		}
		off = int64(uint64(hi)<<32 | uint64(lo))
	}
	pos, err := f.F.Seek(off, int(whence))
	if err != nil {
		c.Fail(errno(err), abi.INVALID_SET_FILE_POINTER)
		return
	}
	if phi != 0 {
		c.W32(phi, uint32(uint64(pos)>>32))
	} else if pos > 0xFFFFFFFE {
		c.Fail(abi.ERROR_INVALID_PARAMETER, abi.INVALID_SET_FILE_POINTER)
		return
	}
	c.Succeed(uint32(pos))
}

func setFilePointerEx(c *Call) {
	h, off, pnew, whence := c.Arg(0), c.Arg64(1), c.Arg(3), c.Arg(4)
	f, ok := c.file(h)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	pos, err := f.F.Seek(int64(off), int(whence))
	if err != nil {
		c.Fail(errno(err), 0)
		return
	}
	if pnew != 0 {
		c.W64(pnew, uint64(pos))
	}
	c.Return(1)
}

func getFileSize(c *Call) {
	h, phi := c.Arg(0), c.Arg(1)
	f, ok := c.file(h)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, abi.INVALID_FILE_SIZE)
		return
	}
	n := uint64(f.F.Size())
	if phi != 0 {
		c.W32(phi, uint32(n>>32))
	}
	c.Succeed(uint32(n))
}

func getFileSizeEx(c *Call) {
	h, p := c.Arg(0), c.Arg(1)
	f, ok := c.file(h)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if !c.W64(p, uint64(f.F.Size())) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func setEndOfFile(c *Call) {
	f, ok := c.file(c.Arg(0))
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if err := f.F.SetEndOfFile(); err != nil {
		c.Fail(errno(err), 0)
		return
	}
	c.Return(1)
}

func (c *Call) stat(i int, wide bool) (vfs.Info, abi.Errno) {
	full, e := c.fullPath(i, wide)
	if e != 0 {
		return vfs.Info{}, e
	}
	if c.fs() == nil {
		return vfs.Info{}, abi.ERROR_FILE_NOT_FOUND
	}
	info, err := c.fs().Stat(full)
	if err != nil {
		return vfs.Info{}, errno(err)
	}
	return info, 0
}

func getFileAttributes(c *Call, wide bool) {
	info, e := c.stat(0, wide)
	if e != 0 {
		c.Fail(e, abi.INVALID_FILE_ATTRIBUTES)
		return
	}
	c.Return(info.Attr)
}

// putAttrData writes WIN32_FILE_ATTRIBUTE_DATA (36 bytes).
func putAttrData(c *Call, p uint32, info vfs.Info) bool {
	return c.W32(p, info.Attr) && c.W64(p+4, info.Times.Creation) && c.W64(p+12, info.Times.LastAccess) &&
		c.W64(p+20, info.Times.LastWrite) && c.W32(p+28, uint32(info.Size>>32)) && c.W32(p+32, uint32(info.Size))
}

func getFileAttributesEx(c *Call, wide bool) {
	info, e := c.stat(0, wide)
	p := c.Arg(2)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	if !putAttrData(c, p, info) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func setFileAttributes(c *Call, wide bool) {
	full, e := c.fullPath(0, wide)
	attr := c.Arg(1)
	if e == 0 && c.fs() != nil {
		if err := c.fs().SetAttributes(full, attr); err != nil {
			e = errno(err)
		}
	}
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	c.Return(1)
}

// putFindData writes WIN32_FIND_DATAA/W.
func putFindData(c *Call, p uint32, info vfs.Info, wide bool) bool {
	size := uint32(abi.FD_SizeA)
	if wide {
		size = abi.FD_SizeW
	}
	if !c.WriteBytes(p, make([]byte, size)) {
		return false
	}
	ok := c.W32(p+abi.FD_dwFileAttributes, info.Attr) && c.W64(p+abi.FD_ftCreationTime, info.Times.Creation) &&
		c.W64(p+abi.FD_ftLastAccessTime, info.Times.LastAccess) && c.W64(p+abi.FD_ftLastWriteTime, info.Times.LastWrite) &&
		c.W32(p+abi.FD_nFileSizeHigh, uint32(info.Size>>32)) && c.W32(p+abi.FD_nFileSizeLow, uint32(info.Size))
	if wide {
		_, ok2 := c.PutStringW(p+abi.FD_cFileName, abi.MAX_PATH, info.Name)
		return ok && ok2
	}
	_, ok2 := c.PutStringA(p+abi.FD_cFileName, abi.MAX_PATH, string(stringToANSI(info.Name)))
	return ok && ok2
}

func findFirstFile(c *Call, wide bool, dataArg int) {
	full, e := c.fullPath(0, wide)
	p := c.Arg(dataArg)
	if e == 0 && c.fs() == nil {
		e = abi.ERROR_PATH_NOT_FOUND
	}
	if e != 0 {
		c.Fail(e, abi.InvalidHandleValue)
		return
	}
	// FullPath drops a trailing "\*." style dot; keep the pattern as the program gave it for the last part.
	f, err := c.fs().FindFirst(full)
	if err != nil {
		c.Fail(errno(err), abi.InvalidHandleValue)
		return
	}
	info, ok := f.Next()
	if !ok {
		c.Fail(abi.ERROR_FILE_NOT_FOUND, abi.InvalidHandleValue)
		return
	}
	if !putFindData(c, p, info, wide) {
		c.Fail(abi.ERROR_NOACCESS, abi.InvalidHandleValue)
		return
	}
	o := &FindObject{F: f}
	o.Init(kernel.TypeOther, "", nil)
	h, okh := c.P.Handles.Insert(o, 0, false)
	o.Unref()
	if !okh {
		c.Fail(abi.ERROR_TOO_MANY_OPEN_FILES, abi.InvalidHandleValue)
		return
	}
	c.Succeed(uint32(h))
}

func findNextFile(c *Call, wide bool) {
	o, ok := c.Object(c.Arg(0))
	p := c.Arg(1)
	fo, isF := o.(*FindObject)
	if !ok || !isF {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	info, more := fo.F.Next()
	if !more {
		c.Fail(abi.ERROR_NO_MORE_FILES, 0)
		return
	}
	if !putFindData(c, p, info, wide) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func findClose(c *Call) {
	h := c.Arg(0)
	o, ok := c.Object(h)
	if _, isF := o.(*FindObject); !ok || !isF {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	c.P.Handles.Close(kernel.Handle(h))
	c.Return(1)
}

// pathOp applies a one-path file-system operation (DeleteFile, CreateDirectory, RemoveDirectory).
func pathOp(c *Call, wide bool, _ int, op func(*vfs.FS, string) error) {
	full, e := c.fullPath(0, wide)
	if e == 0 && c.fs() == nil {
		e = abi.ERROR_PATH_NOT_FOUND
	}
	if e == 0 {
		if err := op(c.fs(), full); err != nil {
			e = errno(err)
		}
	}
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	c.Return(1)
}

func moveFile(c *Call, wide, ex bool) {
	from, e1 := c.fullPath(0, wide)
	to, e2 := c.fullPath(1, wide)
	var flags uint32
	if ex {
		flags = c.Arg(2)
	}
	e := e1
	if e == 0 {
		e = e2
	}
	if e == 0 && c.fs() == nil {
		e = abi.ERROR_PATH_NOT_FOUND
	}
	if e == 0 {
		if err := c.fs().Move(from, to, flags); err != nil {
			e = errno(err)
		}
	}
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	c.Return(1)
}

func copyFile(c *Call, wide bool) {
	from, e1 := c.fullPath(0, wide)
	to, e2 := c.fullPath(1, wide)
	failIfExists := c.Arg(2) != 0
	e := e1
	if e == 0 {
		e = e2
	}
	if e == 0 && c.fs() == nil {
		e = abi.ERROR_PATH_NOT_FOUND
	}
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	data, err := c.fs().ReadFile(from)
	if err != nil {
		c.Fail(errno(err), 0)
		return
	}
	disp := uint32(abi.CREATE_ALWAYS)
	if failIfExists {
		disp = abi.CREATE_NEW
	}
	f, _, err := c.fs().CreateFile(to, abi.GENERIC_WRITE, 0, disp, 0)
	if err != nil {
		c.Fail(errno(err), 0)
		return
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		c.Fail(errno(errors.Join(werr, cerr)), 0)
		return
	}
	c.Return(1)
}

// putString copies s into a caller buffer (ANSI or wide).
func putString(c *Call, wide bool, buf, size uint32, s string) (uint32, bool) {
	if wide {
		return c.PutStringW(buf, size, s)
	}
	return c.PutStringA(buf, size, string(stringToANSI(s)))
}

// putPath copies a path into a caller buffer with GetFullPathName's size rules and completes the call.
func putPath(c *Call, wide bool, buf, size uint32, s string) {
	n, ok := putString(c, wide, buf, size, s)
	if !ok {
		c.Return(n) // the size needed, NUL included
		return
	}
	c.Succeed(n)
}

func getFullPathName(c *Call, wide bool) {
	full, e := c.fullPath(0, wide)
	size, buf, pfile := c.Arg(1), c.Arg(2), c.Arg(3)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	if pfile != 0 {
		i := strings.LastIndexByte(full, '\\')
		off := uint32(i + 1)
		if wide {
			off = uint32(len(utf16Bytes(full[:i+1]))-2) / 2 * 2
		}
		if i+1 < len(full) {
			c.W32(pfile, buf+off)
		} else {
			c.W32(pfile, 0)
		}
	}
	putPath(c, wide, buf, size, full)
}

func getTempPath(c *Call, wide bool) {
	size, buf := c.Arg(0), c.Arg(1)
	putPath(c, wide, buf, size, vfs.TempDir)
}

func getTempFileName(c *Call, wide bool) {
	dir, ok1 := c.strArg(0, wide)
	prefix, ok2 := c.strArg(1, wide)
	unique, buf := c.Arg(2), c.Arg(3)
	if !ok1 || !ok2 || c.fs() == nil {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	if len(prefix) > 3 {
		prefix = prefix[:3]
	}
	full, err := vfs.FullPath(c.P.CurrentDir, dir)
	if err != nil {
		c.Fail(errno(err), 0)
		return
	}
	n := unique
	if n == 0 {
		n = uint32(c.K.Clock()) & 0xFFFF
	}
	for tries := 0; tries < 0x10000; tries++ {
		name := strings.TrimSuffix(full, `\`) + `\` + prefix + strings.ToUpper(hex4(n&0xFFFF)) + ".tmp"
		if unique != 0 {
			putString(c, wide, buf, abi.MAX_PATH, name)
			c.Return(unique)
			return
		}
		f, _, err := c.fs().CreateFile(name, abi.GENERIC_WRITE, 0, abi.CREATE_NEW, 0)
		if err == nil {
			_ = f.Close()
			putString(c, wide, buf, abi.MAX_PATH, name)
			c.Return(n & 0xFFFF)
			return
		}
		if errno(err) != abi.ERROR_FILE_EXISTS {
			c.Fail(errno(err), 0)
			return
		}
		n++
		if n&0xFFFF == 0 {
			n++
		}
	}
	c.Fail(abi.ERROR_FILE_EXISTS, 0)
}

func hex4(n uint32) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[n>>12&15], digits[n>>8&15], digits[n>>4&15], digits[n&15]})
}

func setCurrentDirectory(c *Call, wide bool) {
	full, e := c.fullPath(0, wide)
	if e == 0 && c.fs() != nil {
		if err := c.fs().IsDir(full); err != nil {
			e = errno(err)
		}
	}
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	c.P.CurrentDir = full
	c.Return(1)
}

func getFileInformationByHandle(c *Call) {
	f, ok := c.file(c.Arg(0))
	p := c.Arg(1)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	info := f.F.Stat()
	ok = c.W32(p, info.Attr) && c.W64(p+4, info.Times.Creation) && c.W64(p+12, info.Times.LastAccess) &&
		c.W64(p+20, info.Times.LastWrite) && c.W32(p+28, 0x32C0FFEE) && c.W32(p+32, uint32(info.Size>>32)) &&
		c.W32(p+36, uint32(info.Size)) && c.W32(p+40, 1) && c.W32(p+44, 0) && c.W32(p+48, fnv(f.F.Path()))
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func fnv(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i]|0x20)) * 16777619
	}
	return h
}

func getFileTime(c *Call) {
	f, ok := c.file(c.Arg(0))
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	t := f.F.Stat().Times
	for i, v := range []uint64{t.Creation, t.LastAccess, t.LastWrite} {
		if p := c.Arg(1 + i); p != 0 && !c.W64(p, v) {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
	}
	c.Return(1)
}

func setFileTime(c *Call) {
	f, ok := c.file(c.Arg(0))
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	var t vfs.Times
	for i, dst := range []*uint64{&t.Creation, &t.LastAccess, &t.LastWrite} {
		if p := c.Arg(1 + i); p != 0 {
			v, ok := c.Mem.Read64(p)
			if !ok {
				c.Fail(abi.ERROR_NOACCESS, 0)
				return
			}
			*dst = v
		}
	}
	if err := f.F.SetTimes(t); err != nil {
		c.Fail(errno(err), 0)
		return
	}
	c.Return(1)
}

func samePath(c *Call, wide bool) {
	s, ok := c.strArg(0, wide)
	buf, size := c.Arg(1), c.Arg(2)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	putPath(c, wide, buf, size, s)
}

func setHandleInformation(c *Call) {
	h, mask, flags := c.Arg(0), c.Arg(1), c.Arg(2)
	e, ok := c.P.Handles.Get(kernel.Handle(h))
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if mask&abi.HANDLE_FLAG_INHERIT != 0 {
		e.Inherit = flags&abi.HANDLE_FLAG_INHERIT != 0
	}
	if mask&abi.HANDLE_FLAG_PROTECT_FROM_CLOSE != 0 {
		e.Protect = flags&abi.HANDLE_FLAG_PROTECT_FROM_CLOSE != 0
	}
	c.Return(1)
}

func getHandleInformation(c *Call) {
	h, p := c.Arg(0), c.Arg(1)
	e, ok := c.P.Handles.Get(kernel.Handle(h))
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	var v uint32
	if e.Inherit {
		v |= abi.HANDLE_FLAG_INHERIT
	}
	if e.Protect {
		v |= abi.HANDLE_FLAG_PROTECT_FROM_CLOSE
	}
	c.W32(p, v)
	c.Return(1)
}

func duplicateHandle(c *Call) {
	srcProc, src, dstProc, pdst, access, inherit, opts := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4), c.Arg(5), c.Arg(6)
	if (srcProc != abi.CurrentProcess && !c.isSelf(srcProc)) || (dstProc != abi.CurrentProcess && !c.isSelf(dstProc)) {
		duplicateHandleX(c) // kernel32_xproc.go
		return
	}
	o, ok := c.Object(src)
	if !ok {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if opts&abi.DUPLICATE_SAME_ACCESS != 0 {
		if e, ok := c.P.Handles.Get(kernel.Handle(src)); ok {
			access = e.Access
		}
	}
	h, ok := c.P.Handles.Insert(o, access, inherit != 0)
	if !ok {
		c.Fail(abi.ERROR_TOO_MANY_OPEN_FILES, 0)
		return
	}
	if opts&abi.DUPLICATE_CLOSE_SOURCE != 0 {
		c.P.Handles.Close(kernel.Handle(src))
	}
	if pdst != 0 {
		c.W32(pdst, uint32(h))
	}
	c.Return(1)
}

// isSelf reports whether h is a handle to the calling process.
func (c *Call) isSelf(h uint32) bool {
	o, ok := c.Object(h)
	return ok && o == kernel.Object(c.P)
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
