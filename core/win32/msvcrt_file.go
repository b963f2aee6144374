package win32

import (
	"errors"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/vfs"
	"github.com/peek32/peek32/core/win32/abi"
)

// OpenFile opens name (relative to the calling process's current directory) as CreateFile does and puts the file
// object (a FileObject) in the process's handle table; msvcrt's fopen uses it. It returns the handle, the last error to leave on success
// (ERROR_ALREADY_EXISTS for CREATE_ALWAYS/OPEN_ALWAYS of an existing file), or the error.
func (c *Call) OpenFile(name string, access, share, disposition, flags uint32, inherit bool) (kernel.Handle, abi.Errno, error) {
	fs := c.fs()
	if fs == nil {
		return 0, 0, abi.ERROR_PATH_NOT_FOUND
	}
	full, err := vfs.FullPath(c.P.CurrentDir, name)
	if err != nil {
		return 0, 0, err
	}
	f, lastErr, err := fs.CreateFile(full, access, share, disposition, flags)
	if err != nil {
		return 0, 0, err
	}
	o := newFileObject(f)
	h, ok := c.P.Handles.Insert(o, access, inherit)
	o.Header().Unref()
	if !ok {
		return 0, 0, abi.ERROR_TOO_MANY_OPEN_FILES
	}
	return h, lastErr, nil
}

// crtErrnoOf maps a Win32 error to the C runtime's errno, as msvcrt's _dosmaperr does.
func crtErrnoOf(err error) uint32 {
	var e abi.Errno
	if !errors.As(err, &e) {
		return crtEINVAL
	}
	switch e {
	case abi.ERROR_FILE_NOT_FOUND, abi.ERROR_PATH_NOT_FOUND, abi.ERROR_INVALID_DRIVE, abi.ERROR_NO_MORE_FILES,
		abi.ERROR_BAD_PATHNAME, abi.ERROR_INVALID_NAME, abi.ERROR_FILENAME_EXCED_RANGE, vfs.ErrBadNetPath:
		return crtENOENT
	case abi.ERROR_TOO_MANY_OPEN_FILES:
		return crtEMFILE
	case abi.ERROR_ACCESS_DENIED, abi.ERROR_SHARING_VIOLATION, abi.ERROR_LOCK_VIOLATION, abi.ERROR_CURRENT_DIRECTORY,
		abi.ERROR_WRITE_PROTECT, abi.ERROR_DIRECTORY:
		return crtEACCES
	case abi.ERROR_INVALID_HANDLE:
		return crtEBADF
	case abi.ERROR_NOT_ENOUGH_MEMORY, abi.ERROR_OUTOFMEMORY:
		return crtENOMEM
	case abi.ERROR_FILE_EXISTS, abi.ERROR_ALREADY_EXISTS:
		return crtEEXIST
	case abi.ERROR_NOT_SAME_DEVICE:
		return crtEXDEV
	case abi.ERROR_DIR_NOT_EMPTY:
		return crtENOTEMPTY
	case abi.ERROR_DISK_FULL:
		return crtENOSPC
	case abi.ERROR_BROKEN_PIPE:
		return crtEPIPE
	}
	return crtEINVAL
}

// errno values (msvcrt's errno.h).
const (
	crtEPERM     = 1
	crtENOENT    = 2
	crtEIO       = 5
	crtEBADF     = 9
	crtENOMEM    = 12
	crtEACCES    = 13
	crtEEXIST    = 17
	crtEXDEV     = 18
	crtEINVAL    = 22
	crtEMFILE    = 24
	crtENOSPC    = 28
	crtESPIPE    = 29
	crtEPIPE     = 32
	crtEDOM      = 33
	crtERANGE    = 34
	crtENOTEMPTY = 41
)

// setCRTError records a failed file operation the way msvcrt does: errno, _doserrno and the thread's last error.
func crtSetError(c *Call, err error) {
	c.SetErrno(crtErrnoOf(err))
	var e abi.Errno
	if errors.As(err, &e) {
		c.Mem.Write32(errnoCell(c, CRT(c.P).DosErrno), uint32(e))
		c.SetLastError(e)
	}
}
