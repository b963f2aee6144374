package vfs

import (
	"sort"
	"strings"
	"sync"

	"github.com/peek32/peek32/core/win32/abi"
)

// Epoch is the FILETIME (100 ns units since 1601-01-01 UTC) the default clock reports: 2024-01-01 00:00:00 UTC.
const Epoch uint64 = 133485408000000000

// TempDir is the directory GetTempPath reports; NewFS creates it.
const TempDir = `C:\Windows\Temp\`

// DefaultMaxBytes bounds the bytes all in-memory files may hold together.
const DefaultMaxBytes = 512 << 20

// Times are a file's FILETIMEs.
type Times struct {
	Creation, LastAccess, LastWrite uint64
}

// Info describes a file or directory, as GetFileAttributesEx and FindFirstFile report it.
type Info struct {
	Name  string // the name as stored (case preserved); "." and ".." in searches
	Attr  uint32 // FILE_ATTRIBUTE_*; FILE_ATTRIBUTE_NORMAL alone for a plain file
	Size  uint64
	Times Times
}

// WrittenFile is a file the guest created or changed.
type WrittenFile struct {
	Path string // full path, e.g. `C:\work\out.txt`
	Data []byte
}

// FS is one machine's file system.
type FS struct {
	mu    sync.Mutex
	root  *node // C:\
	bytes int64 // bytes held by in-memory files

	// Clock returns the current virtual time as a FILETIME; nil means the constant Epoch.
	Clock func() uint64
	// MaxBytes bounds the bytes of all in-memory file data (0: DefaultMaxBytes); a write past it fails with
	// ERROR_DISK_FULL.
	MaxBytes int64
}

type node struct {
	name   string
	dir    bool
	parent *node
	kids   map[string]*node // by key(name)
	data   []byte
	attr   uint32
	times  Times
	opens  []*File
	// written: created or modified by the guest (for Written).
	written bool
	// host backing (nil: in memory only); loaded tells whether a host directory has been listed or a host
	// file's bytes read.
	host   *hostRef
	loaded bool
}

// NewFS returns a file system with C:\, C:\Windows\System32 and C:\Windows\Temp.
func NewFS() *FS {
	fs := &FS{}
	fs.root = &node{name: `C:`, dir: true, kids: map[string]*node{}, attr: abi.FILE_ATTRIBUTE_DIRECTORY, loaded: true}
	for _, d := range []string{`C:\Windows`, `C:\Windows\System32`, `C:\Windows\Temp`} {
		if err := fs.Mkdir(d); err != nil {
			panic("vfs: default tree: " + err.Error())
		}
	}
	fs.clearWritten(fs.root)
	return fs
}

func (fs *FS) clearWritten(n *node) {
	n.written = false
	for _, k := range n.kids {
		fs.clearWritten(k)
	}
}

func (fs *FS) now() uint64 {
	if fs.Clock != nil {
		return fs.Clock()
	}
	return Epoch
}

func (fs *FS) maxBytes() int64 {
	if fs.MaxBytes > 0 {
		return fs.MaxBytes
	}
	return DefaultMaxBytes
}

// path returns the full path of n.
func (n *node) path() string {
	if n.parent == nil {
		return `C:\`
	}
	var comps []string
	for m := n; m.parent != nil; m = m.parent {
		comps = append(comps, m.name)
	}
	for i, j := 0, len(comps)-1; i < j; i, j = i+1, j-1 {
		comps[i], comps[j] = comps[j], comps[i]
	}
	return `C:\` + strings.Join(comps, `\`)
}

// child looks a name up in directory d (listing a host directory on first use).
func (fs *FS) child(d *node, name string) *node {
	if !d.loaded {
		fs.loadHostDir(d)
	}
	return d.kids[key(name)]
}

// walk resolves a full path to its parent directory and the last name. For the root, parent is nil and the
// node is the root. Errors: ERROR_PATH_NOT_FOUND when a directory on the way is missing or is a file,
// ERROR_INVALID_NAME for a bad name on the way, ERROR_PATH_NOT_FOUND for drives other than C:.
func (fs *FS) walk(full string) (parent *node, last string, err error) {
	p, err := parse(full)
	if err != nil {
		return nil, "", err
	}
	if p.drive != 'C' {
		return nil, "", abi.ERROR_PATH_NOT_FOUND
	}
	if len(p.comps) == 0 {
		return nil, "", nil
	}
	d := fs.root
	for _, c := range p.comps[:len(p.comps)-1] {
		if !validName(c) {
			return nil, "", abi.ERROR_INVALID_NAME
		}
		n := fs.child(d, c)
		if n == nil || !n.dir {
			return nil, "", abi.ERROR_PATH_NOT_FOUND
		}
		d = n
	}
	return d, p.comps[len(p.comps)-1], nil
}

// lookup resolves a full path to an existing node. A missing last name is ERROR_FILE_NOT_FOUND.
func (fs *FS) lookup(full string) (*node, error) {
	parent, last, err := fs.walk(full)
	if err != nil {
		return nil, err
	}
	if parent == nil {
		return fs.root, nil
	}
	if !validName(last) {
		return nil, abi.ERROR_INVALID_NAME
	}
	n := fs.child(parent, last)
	if n == nil {
		return nil, abi.ERROR_FILE_NOT_FOUND
	}
	return n, nil
}

func (fs *FS) addChild(d *node, name string, dir bool) *node {
	now := fs.now()
	n := &node{name: name, dir: dir, parent: d, times: Times{now, now, now}, written: !dir, loaded: true}
	if dir {
		n.kids = map[string]*node{}
		n.attr = abi.FILE_ATTRIBUTE_DIRECTORY
	} else {
		n.attr = abi.FILE_ATTRIBUTE_ARCHIVE
	}
	if d.host != nil {
		n.host = d.host.join(name)
	}
	d.kids[key(name)] = n
	d.times.LastWrite = now
	return n
}

// AddFile puts a file into the tree (creating missing directories), replacing any file of that name. It is how
// the host gives files to the machine; such files do not count as written by the guest.
func (fs *FS) AddFile(full string, data []byte) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	p, err := parse(full)
	if err != nil {
		return err
	}
	if p.drive != 'C' || len(p.comps) == 0 {
		return abi.ERROR_PATH_NOT_FOUND
	}
	d, err := fs.makeParents(p.comps, true)
	if err != nil {
		return err
	}
	last := p.comps[len(p.comps)-1]
	if !validName(last) {
		return abi.ERROR_INVALID_NAME
	}
	n := fs.child(d, last)
	if n != nil && n.dir {
		return abi.ERROR_ACCESS_DENIED
	}
	if n == nil {
		n = fs.addChild(d, last, false)
	}
	if err := fs.setData(n, append([]byte(nil), data...)); err != nil {
		return err
	}
	n.written = false
	n.attr = abi.FILE_ATTRIBUTE_ARCHIVE
	return n.host.store(n.data)
}

// makeParents returns the directory that is to hold the last of comps (which must not be empty), creating the
// missing directories on the way; with onHost, a directory created below a mount is created on the host too.
// Errors: ERROR_INVALID_NAME for a bad name on the way, ERROR_PATH_NOT_FOUND where a file is in the way, or the
// host's error.
func (fs *FS) makeParents(comps []string, onHost bool) (*node, error) {
	d := fs.root
	for _, c := range comps[:len(comps)-1] {
		if !validName(c) {
			return nil, abi.ERROR_INVALID_NAME
		}
		n := fs.child(d, c)
		if n == nil {
			n = fs.addChild(d, c, true)
			if onHost {
				if err := n.host.mkdir(); err != nil {
					return nil, err
				}
			}
		} else if !n.dir {
			return nil, abi.ERROR_PATH_NOT_FOUND
		}
		d = n
	}
	return d, nil
}

// setData replaces n's bytes, keeping the memory account.
func (fs *FS) setData(n *node, data []byte) error {
	delta := int64(len(data)) - int64(len(n.data))
	if delta > 0 && fs.bytes+delta > fs.maxBytes() {
		return abi.ERROR_DISK_FULL
	}
	fs.bytes += delta
	n.data = data
	n.loaded = true
	return nil
}

// Mkdir creates a directory (CreateDirectory). Errors: ERROR_ALREADY_EXISTS if the name exists (file or
// directory), ERROR_PATH_NOT_FOUND if the parent is missing.
func (fs *FS) Mkdir(full string) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	parent, last, err := fs.walk(full)
	if err != nil {
		return err
	}
	if parent == nil {
		return abi.ERROR_ACCESS_DENIED // the root
	}
	if !validName(last) {
		return abi.ERROR_INVALID_NAME
	}
	if fs.child(parent, last) != nil {
		return abi.ERROR_ALREADY_EXISTS
	}
	host := parent.host.join(last)
	if err := host.mkdir(); err != nil {
		return err
	}
	fs.addChild(parent, last, true)
	return nil
}

// Rmdir removes an empty directory (RemoveDirectory). Errors: ERROR_FILE_NOT_FOUND if missing, ERROR_DIRECTORY
// if it is a file, ERROR_DIR_NOT_EMPTY, ERROR_SHARING_VIOLATION while it is open (the root: ERROR_ACCESS_DENIED).
// A process's current directory is the caller's to protect.
func (fs *FS) Rmdir(full string) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n, err := fs.lookup(full)
	if err != nil {
		return err
	}
	switch {
	case n.parent == nil:
		return abi.ERROR_ACCESS_DENIED
	case !n.dir:
		return abi.ERROR_DIRECTORY
	case n.attr&abi.FILE_ATTRIBUTE_READONLY != 0:
		return abi.ERROR_ACCESS_DENIED
	}
	if !n.loaded {
		fs.loadHostDir(n)
	}
	if len(n.kids) > 0 {
		return abi.ERROR_DIR_NOT_EMPTY
	}
	if len(n.opens) > 0 {
		return abi.ERROR_SHARING_VIOLATION
	}
	return fs.remove(n)
}

// remove deletes n from the host (when it is there) and then from the tree.
func (fs *FS) remove(n *node) error {
	if err := n.host.remove(); err != nil {
		return err
	}
	fs.unlink(n)
	return nil
}

// sharedForDelete reports whether every open handle of n allows FILE_SHARE_DELETE (deleting or renaming n).
func (n *node) sharedForDelete() bool {
	for _, f := range n.opens {
		if f.share&abi.FILE_SHARE_DELETE == 0 {
			return false
		}
	}
	return true
}

// unlink removes n from its parent directory; its bytes stop counting once no handle holds them.
func (fs *FS) unlink(n *node) {
	delete(n.parent.kids, key(n.name))
	n.parent.times.LastWrite = fs.now()
	if len(n.opens) == 0 {
		fs.bytes -= int64(len(n.data))
	}
	n.parent = nil
}

// Delete removes a file (DeleteFile). Errors: ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_ACCESS_DENIED
// for a directory or a read-only file, ERROR_SHARING_VIOLATION if it is open without FILE_SHARE_DELETE. An open
// file shared for delete loses its name at once; its bytes stay with the handles (POSIX semantics, as
// Windows 10 does).
func (fs *FS) Delete(full string) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n, err := fs.lookup(full)
	if err != nil {
		return err
	}
	if n.dir || n.attr&abi.FILE_ATTRIBUTE_READONLY != 0 {
		return abi.ERROR_ACCESS_DENIED
	}
	if !n.sharedForDelete() {
		return abi.ERROR_SHARING_VIOLATION
	}
	return fs.remove(n)
}

// Move flags (MoveFileEx).
const (
	MoveReplaceExisting = 0x1
)

// Move renames or moves a file or directory (MoveFile, MoveFileEx). Errors: ERROR_FILE_NOT_FOUND for a missing
// source, ERROR_PATH_NOT_FOUND for a missing target directory, ERROR_ALREADY_EXISTS when the target exists
// (unless MoveReplaceExisting and both are files), ERROR_ACCESS_DENIED to replace a directory or to move a
// directory into itself, ERROR_SHARING_VIOLATION when the source is open without FILE_SHARE_DELETE,
// ERROR_NOT_SAME_DEVICE to move a directory between the host mount and memory.
func (fs *FS) Move(from, to string, flags uint32) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	src, err := fs.lookup(from)
	if err != nil {
		return err
	}
	if src.parent == nil {
		return abi.ERROR_ACCESS_DENIED
	}
	parent, last, err := fs.walk(to)
	if err != nil {
		return err
	}
	if parent == nil || !validName(last) {
		return abi.ERROR_INVALID_NAME
	}
	for d := parent; d != nil; d = d.parent {
		if d == src {
			return abi.ERROR_ACCESS_DENIED
		}
	}
	if !src.sharedForDelete() {
		return abi.ERROR_SHARING_VIOLATION
	}
	dst := fs.child(parent, last)
	if dst == src {
		// Same file, maybe a new case: just rename.
		delete(parent.kids, key(src.name))
		src.name = last
		parent.kids[key(last)] = src
		return src.host.renameTo(parent.host.join(last), src)
	}
	if dst != nil {
		if flags&MoveReplaceExisting == 0 {
			return abi.ERROR_ALREADY_EXISTS
		}
		if dst.dir || src.dir {
			return abi.ERROR_ACCESS_DENIED
		}
		if dst.attr&abi.FILE_ATTRIBUTE_READONLY != 0 || len(dst.opens) > 0 {
			return abi.ERROR_ACCESS_DENIED
		}
	}
	target := parent.host.join(last)
	switch {
	case src.host.sameRoot(target):
		if err := src.host.renameTo(target, src); err != nil {
			return err
		}
	case src.dir:
		return abi.ERROR_NOT_SAME_DEVICE
	default:
		// Between memory and the host mount: copy the bytes, then drop the old name.
		if err := fs.loadHostFile(src); err != nil {
			return err
		}
		if err := target.store(src.data); err != nil {
			return err
		}
		if err := src.host.remove(); err != nil {
			return err
		}
		src.host = target
	}
	if dst != nil {
		fs.unlink(dst)
	}
	delete(src.parent.kids, key(src.name))
	src.parent.times.LastWrite = fs.now()
	src.name = last
	src.parent = parent
	parent.kids[key(last)] = src
	parent.times.LastWrite = fs.now()
	if !src.dir {
		src.written = true
	}
	return nil
}

// Stat describes a file or directory (GetFileAttributesEx). Errors as for lookups.
func (fs *FS) Stat(full string) (Info, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n, err := fs.lookup(full)
	if err != nil {
		return Info{}, err
	}
	return n.info(), nil
}

func (n *node) info() Info {
	name := n.name
	if n.parent == nil {
		name = `C:\`
	}
	return Info{Name: name, Attr: n.attrs(), Size: uint64(n.size()), Times: n.times}
}

func (n *node) size() int64 {
	if n.dir {
		return 0
	}
	if !n.loaded && n.host != nil {
		return n.host.size
	}
	return int64(len(n.data))
}

// attrs are the attributes as reported: FILE_ATTRIBUTE_NORMAL when no other bit is set.
func (n *node) attrs() uint32 {
	if n.attr == 0 {
		return abi.FILE_ATTRIBUTE_NORMAL
	}
	return n.attr
}

// settableAttrs are the bits SetFileAttributes may change.
const settableAttrs = abi.FILE_ATTRIBUTE_READONLY | abi.FILE_ATTRIBUTE_HIDDEN | abi.FILE_ATTRIBUTE_SYSTEM |
	abi.FILE_ATTRIBUTE_ARCHIVE | 0x100 /* TEMPORARY */ | 0x2000 /* NOT_CONTENT_INDEXED */ | 0x1000 /* OFFLINE */

// SetAttributes sets the changeable attribute bits (SetFileAttributes); FILE_ATTRIBUTE_NORMAL clears them.
func (fs *FS) SetAttributes(full string, attr uint32) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n, err := fs.lookup(full)
	if err != nil {
		return err
	}
	if n.parent == nil {
		return nil
	}
	keep := n.attr &^ settableAttrs
	n.attr = keep | attr&settableAttrs
	return nil
}

// SetTimes changes a file's times; a zero field is left as it is (SetFileTime).
func (fs *FS) SetTimes(full string, t Times) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n, err := fs.lookup(full)
	if err != nil {
		return err
	}
	n.setTimes(t)
	return nil
}

func (n *node) setTimes(t Times) {
	if t.Creation != 0 {
		n.times.Creation = t.Creation
	}
	if t.LastAccess != 0 {
		n.times.LastAccess = t.LastAccess
	}
	if t.LastWrite != 0 {
		n.times.LastWrite = t.LastWrite
	}
}

// IsDir reports whether full names an existing directory (for SetCurrentDirectory: ERROR_DIRECTORY for a file,
// ERROR_FILE_NOT_FOUND/ERROR_PATH_NOT_FOUND for a missing name).
func (fs *FS) IsDir(full string) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n, err := fs.lookup(full)
	if err != nil {
		return err
	}
	if !n.dir {
		return abi.ERROR_DIRECTORY
	}
	return nil
}

// ReadFile returns a copy of a file's bytes (for the host and the loader).
func (fs *FS) ReadFile(full string) ([]byte, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n, err := fs.lookup(full)
	if err != nil {
		return nil, err
	}
	if n.dir {
		return nil, abi.ERROR_ACCESS_DENIED
	}
	if err := fs.loadHostFile(n); err != nil {
		return nil, err
	}
	return append([]byte(nil), n.data...), nil
}

// Written lists the files the guest created or changed that still exist, sorted by path, with their bytes.
func (fs *FS) Written() []WrittenFile {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var out []WrittenFile
	var visit func(n *node)
	visit = func(n *node) {
		if n.dir {
			for _, k := range n.kids {
				visit(k)
			}
			return
		}
		if n.written {
			_ = fs.loadHostFile(n)
			out = append(out, WrittenFile{Path: n.path(), Data: append([]byte(nil), n.data...)})
		}
	}
	visit(fs.root)
	sort.Slice(out, func(i, j int) bool { return key(out[i].Path) < key(out[j].Path) })
	return out
}
