package vfs

import (
	"github.com/peek32/peek32/core/win32/abi"
)

// Access rights and flags CreateFile takes that the file system interprets.
const (
	FileReadData   = 0x0001
	FileWriteData  = 0x0002
	FileAppendData = 0x0004
	Delete         = 0x00010000
	MaximumAllowed = 0x02000000

	FlagBackupSemantics = 0x02000000 // in dwFlagsAndAttributes: open a directory
	FlagDeleteOnClose   = 0x04000000
)

// rights are the normalized data rights of an open file.
const (
	rightRead = 1 << iota
	rightWrite
	rightAppend
	rightDelete
)

func normAccess(desired uint32) uint32 {
	var r uint32
	if desired&(abi.GENERIC_READ|abi.GENERIC_ALL|FileReadData|MaximumAllowed) != 0 {
		r |= rightRead
	}
	if desired&(abi.GENERIC_WRITE|abi.GENERIC_ALL|FileWriteData|MaximumAllowed) != 0 {
		r |= rightWrite
	}
	if desired&(abi.GENERIC_WRITE|abi.GENERIC_ALL|FileAppendData|MaximumAllowed) != 0 {
		r |= rightAppend
	}
	if desired&(abi.GENERIC_ALL|Delete) != 0 {
		r |= rightDelete
	}
	return r
}

// Dispositions (CreateFile's dwCreationDisposition).
const (
	CreateNew        = 1
	CreateAlways     = 2
	OpenExisting     = 3
	OpenAlways       = 4
	TruncateExisting = 5
)

// File is one open file object: the kernel's handle(s) to it share its position. It is a plain file, a
// directory opened with FlagBackupSemantics, or a device (Device set, no node).
type File struct {
	fs            *FS
	node          *node
	path          string
	rights        uint32
	share         uint32
	pos           int64
	dirty         bool
	deleteOnClose bool
	closed        bool

	// Device is "NUL", "CON", "CONIN$" or "CONOUT$" for a device; "" for a file or directory. The console
	// devices are the caller's to serve: Read and Write on them return ERROR_INVALID_FUNCTION.
	Device string
}

// CreateFile opens or creates a file as CreateFile does. On success it also returns the last-error value
// Windows leaves behind: ERROR_ALREADY_EXISTS when CREATE_ALWAYS or OPEN_ALWAYS found an existing file, 0
// otherwise. Errors: ERROR_FILE_EXISTS (CREATE_NEW, existing), ERROR_FILE_NOT_FOUND (OPEN_EXISTING or
// TRUNCATE_EXISTING, missing), ERROR_PATH_NOT_FOUND (missing directory on the way), ERROR_INVALID_PARAMETER
// (bad disposition, TRUNCATE_EXISTING without write access), ERROR_ACCESS_DENIED (a directory without
// FILE_FLAG_BACKUP_SEMANTICS, writing a read-only file, CREATE_ALWAYS over a hidden or system file without
// those attributes), ERROR_SHARING_VIOLATION (share modes), ERROR_INVALID_NAME (wildcards and other characters
// names cannot hold).
func (fs *FS) CreateFile(full string, access, share, disposition, flagsAttrs uint32) (*File, abi.Errno, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	rights := normAccess(access)
	if disposition < CreateNew || disposition > TruncateExisting {
		return nil, 0, abi.ERROR_INVALID_PARAMETER
	}
	if disposition == TruncateExisting && rights&rightWrite == 0 {
		return nil, 0, abi.ERROR_INVALID_PARAMETER
	}
	if dev, ok := IsDevice(full); ok {
		switch dev {
		case "NUL", "CON", "CONIN$", "CONOUT$":
			return &File{fs: fs, path: full, rights: rights, share: share, Device: dev}, 0, nil
		}
		return nil, 0, abi.ERROR_FILE_NOT_FOUND
	}
	parent, last, err := fs.walk(full)
	if err != nil {
		return nil, 0, err
	}
	var n *node
	if parent == nil {
		n = fs.root
	} else {
		if !validName(last) {
			return nil, 0, abi.ERROR_INVALID_NAME
		}
		n = fs.child(parent, last)
	}
	var lastErr abi.Errno
	switch {
	case n == nil && (disposition == OpenExisting || disposition == TruncateExisting):
		return nil, 0, abi.ERROR_FILE_NOT_FOUND
	case n != nil && disposition == CreateNew:
		return nil, 0, abi.ERROR_FILE_EXISTS
	case n != nil && n.dir:
		if flagsAttrs&FlagBackupSemantics == 0 || disposition == CreateAlways || disposition == TruncateExisting {
			return nil, 0, abi.ERROR_ACCESS_DENIED
		}
		if disposition == OpenAlways {
			lastErr = abi.ERROR_ALREADY_EXISTS
		}
		f := &File{fs: fs, node: n, path: n.path(), rights: rights &^ (rightWrite | rightAppend), share: share}
		n.opens = append(n.opens, f)
		return f, lastErr, nil
	}
	if n != nil {
		if n.attr&abi.FILE_ATTRIBUTE_READONLY != 0 && (rights&(rightWrite|rightAppend) != 0 || flagsAttrs&FlagDeleteOnClose != 0 ||
			disposition == CreateAlways || disposition == TruncateExisting) {
			return nil, 0, abi.ERROR_ACCESS_DENIED
		}
		if disposition == CreateAlways {
			hs := n.attr & (abi.FILE_ATTRIBUTE_HIDDEN | abi.FILE_ATTRIBUTE_SYSTEM)
			if hs&^flagsAttrs != 0 {
				return nil, 0, abi.ERROR_ACCESS_DENIED
			}
		}
		if err := checkShare(n, rights, share); err != nil {
			return nil, 0, err
		}
		if err := fs.loadHostFile(n); err != nil {
			return nil, 0, err
		}
		switch disposition {
		case CreateAlways, TruncateExisting:
			if disposition == CreateAlways {
				lastErr = abi.ERROR_ALREADY_EXISTS
				n.attr = n.attr&^settableAttrs | flagsAttrs&settableAttrs | abi.FILE_ATTRIBUTE_ARCHIVE
			}
			if err := fs.setData(n, nil); err != nil {
				return nil, 0, err
			}
			if err := n.host.store(nil); err != nil {
				return nil, 0, err
			}
			n.written = true
			n.times.LastWrite = fs.now()
		case OpenAlways:
			lastErr = abi.ERROR_ALREADY_EXISTS
		}
	} else {
		if parent == nil {
			return nil, 0, abi.ERROR_ACCESS_DENIED
		}
		if err := parent.host.join(last).store(nil); err != nil {
			return nil, 0, err
		}
		n = fs.addChild(parent, last, false)
		n.attr = flagsAttrs&settableAttrs | abi.FILE_ATTRIBUTE_ARCHIVE
	}
	f := &File{fs: fs, node: n, path: n.path(), rights: rights, share: share, deleteOnClose: flagsAttrs&FlagDeleteOnClose != 0}
	n.opens = append(n.opens, f)
	return f, lastErr, nil
}

// checkShare applies the share-mode rules between a new open and the existing ones.
// Opens without data rights (attributes only) take no part, as in NT's IoCheckShareAccess.
func checkShare(n *node, rights, share uint32) error {
	if rights == 0 {
		return nil
	}
	for _, o := range n.opens {
		if o.rights == 0 {
			continue
		}
		if conflict(rights, o.share) || conflict(o.rights, share) {
			return abi.ERROR_SHARING_VIOLATION
		}
	}
	return nil
}

// conflict reports whether rights are refused by a share mode.
func conflict(rights, share uint32) bool {
	return rights&rightRead != 0 && share&abi.FILE_SHARE_READ == 0 ||
		rights&(rightWrite|rightAppend) != 0 && share&abi.FILE_SHARE_WRITE == 0 ||
		rights&rightDelete != 0 && share&abi.FILE_SHARE_DELETE == 0
}

// Path is the full path the file was opened with (as stored; `\\.\NUL` for a device).
func (f *File) Path() string { return f.path }

// IsDir reports whether f is a directory handle.
func (f *File) IsDir() bool { return f.node != nil && f.node.dir }

func (f *File) check() error {
	if f.closed {
		return abi.ERROR_INVALID_HANDLE
	}
	return nil
}

// Read reads from the current position (ReadFile): at or past the end it returns 0 bytes and no error.
// Errors: ERROR_ACCESS_DENIED without read access, ERROR_INVALID_FUNCTION on a directory or console device.
func (f *File) Read(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check(); err != nil {
		return 0, err
	}
	switch {
	case f.Device == "NUL":
		return 0, nil
	case f.Device != "" || f.node.dir:
		return 0, abi.ERROR_INVALID_FUNCTION
	case f.rights&rightRead == 0:
		return 0, abi.ERROR_ACCESS_DENIED
	}
	d := f.node.data
	if f.pos >= int64(len(d)) {
		return 0, nil
	}
	n := copy(p, d[f.pos:])
	f.pos += int64(n)
	f.node.times.LastAccess = f.fs.now()
	return n, nil
}

// Write writes at the current position (at the end for append-only access), extending the file with zeros if
// the position is past its end (WriteFile). Errors: ERROR_ACCESS_DENIED without write access, ERROR_DISK_FULL
// past the machine's byte budget, ERROR_INVALID_FUNCTION on a directory or console device.
func (f *File) Write(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check(); err != nil {
		return 0, err
	}
	switch {
	case f.Device == "NUL":
		return len(p), nil
	case f.Device != "" || f.node.dir:
		return 0, abi.ERROR_INVALID_FUNCTION
	case f.rights&(rightWrite|rightAppend) == 0:
		return 0, abi.ERROR_ACCESS_DENIED
	}
	n := f.node
	if f.rights&rightWrite == 0 {
		f.pos = int64(len(n.data))
	}
	end := f.pos + int64(len(p))
	if end > int64(len(n.data)) {
		grow := end - int64(len(n.data))
		if f.fs.bytes+grow > f.fs.maxBytes() {
			return 0, abi.ERROR_DISK_FULL
		}
		f.fs.bytes += grow
		if end <= int64(cap(n.data)) {
			n.data = n.data[:end]
		} else {
			nd := make([]byte, end, end+end/4)
			copy(nd, n.data)
			n.data = nd
		}
	}
	copy(n.data[f.pos:], p)
	f.pos = end
	f.dirty = true
	n.written = true
	n.times.LastWrite = f.fs.now()
	return len(p), nil
}

// Seek moves the position (SetFilePointerEx): whence 0 = FILE_BEGIN, 1 = FILE_CURRENT, 2 = FILE_END. A
// position past the end is allowed; a negative one fails with ERROR_NEGATIVE_SEEK.
func (f *File) Seek(off int64, whence int) (int64, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check(); err != nil {
		return 0, err
	}
	if f.Device != "" {
		return 0, nil
	}
	var base int64
	switch whence {
	case 0:
	case 1:
		base = f.pos
	case 2:
		base = f.node.size()
	default:
		return 0, abi.ERROR_INVALID_PARAMETER
	}
	np := base + off
	if np < 0 || (off > 0 && np < base) {
		return 0, abi.ERROR_NEGATIVE_SEEK
	}
	f.pos = np
	return np, nil
}

// SetEndOfFile makes the current position the end of the file, truncating or extending with zeros.
func (f *File) SetEndOfFile() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check(); err != nil {
		return err
	}
	if f.Device != "" {
		return nil
	}
	if f.node.dir || f.rights&rightWrite == 0 {
		return abi.ERROR_ACCESS_DENIED
	}
	n := f.node
	if f.pos > int64(len(n.data)) {
		grow := f.pos - int64(len(n.data))
		if f.fs.bytes+grow > f.fs.maxBytes() {
			return abi.ERROR_DISK_FULL
		}
		nd := make([]byte, f.pos)
		copy(nd, n.data)
		f.fs.bytes += grow
		n.data = nd
	} else {
		f.fs.bytes -= int64(len(n.data)) - f.pos
		n.data = n.data[:f.pos:f.pos]
	}
	f.dirty = true
	n.written = true
	n.times.LastWrite = f.fs.now()
	return nil
}

// Size is the file's length (GetFileSizeEx); 0 for devices and directories.
func (f *File) Size() int64 {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.node == nil {
		return 0
	}
	return f.node.size()
}

// Stat describes the open file (GetFileInformationByHandle).
func (f *File) Stat() Info {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.node == nil {
		return Info{Name: f.Device}
	}
	return f.node.info()
}

// SetTimes changes the open file's times; zero fields are left alone (SetFileTime).
func (f *File) SetTimes(t Times) error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check(); err != nil {
		return err
	}
	if f.node != nil {
		f.node.setTimes(t)
	}
	return nil
}

// Close ends the open file: a host-backed file that was written is stored to the host, a file opened with
// FILE_FLAG_DELETE_ON_CLOSE loses its name. Closing twice returns ERROR_INVALID_HANDLE.
func (f *File) Close() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check(); err != nil {
		return err
	}
	f.closed = true
	n := f.node
	if n == nil {
		return nil
	}
	for i, o := range n.opens {
		if o == f {
			n.opens = append(n.opens[:i:i], n.opens[i+1:]...)
			break
		}
	}
	var err error
	if f.dirty && n.parent != nil {
		err = n.host.store(n.data)
	}
	if f.deleteOnClose && n.parent != nil {
		if e := n.host.remove(); e != nil && err == nil {
			err = e
		}
		f.fs.unlink(n)
	} else if n.parent == nil && n != f.fs.root && len(n.opens) == 0 {
		f.fs.bytes -= int64(len(n.data)) // the last handle of a deleted file
	}
	return err
}
