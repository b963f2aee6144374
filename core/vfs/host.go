package vfs

import (
	"errors"
	iofs "io/fs"
	"os"
	"path"
	"sort"
	"time"

	"github.com/peek32/peek32/core/win32/abi"
)

// filetimeUnixEpoch is 1970-01-01 as a FILETIME.
const filetimeUnixEpoch = 116444736000000000

// FileTime converts a time to a FILETIME.
func FileTime(t time.Time) uint64 {
	return uint64(t.UnixNano()/100) + filetimeUnixEpoch
}

// hostRef ties a node to a path inside a mounted host directory. A nil *hostRef is an in-memory node; every
// method is a no-op on nil.
type hostRef struct {
	root *os.Root
	rel  string // slash-separated, relative to root; "." for the mount point itself
	size int64  // the host file's size when the directory was listed
}

func (h *hostRef) join(name string) *hostRef {
	if h == nil {
		return nil
	}
	return &hostRef{root: h.root, rel: path.Join(h.rel, name)}
}

func (h *hostRef) sameRoot(o *hostRef) bool {
	if h == nil || o == nil {
		return h == nil && o == nil
	}
	return h.root == o.root
}

// hostErr maps a host error to the Win32 code a program should see. Anything unexpected, including an attempt
// to leave the mounted directory, is ERROR_ACCESS_DENIED.
func hostErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, iofs.ErrNotExist):
		return abi.ERROR_FILE_NOT_FOUND
	case errors.Is(err, iofs.ErrExist):
		return abi.ERROR_ALREADY_EXISTS
	}
	return abi.ERROR_ACCESS_DENIED
}

func (h *hostRef) mkdir() error {
	if h == nil {
		return nil
	}
	return hostErr(h.root.Mkdir(h.rel, 0o755))
}

func (h *hostRef) remove() error {
	if h == nil {
		return nil
	}
	return hostErr(h.root.Remove(h.rel))
}

func (h *hostRef) store(data []byte) error {
	if h == nil {
		return nil
	}
	return hostErr(h.root.WriteFile(h.rel, data, 0o644))
}

// renameTo moves the host file or directory behind n to target and re-points n's subtree.
func (h *hostRef) renameTo(target *hostRef, n *node) error {
	if h == nil {
		return nil
	}
	if err := h.root.Rename(h.rel, target.rel); err != nil {
		return hostErr(err)
	}
	var repoint func(m *node, ref *hostRef)
	repoint = func(m *node, ref *hostRef) {
		ref.size = m.host.size
		m.host = ref
		for _, k := range m.kids {
			repoint(k, ref.join(k.name))
		}
	}
	repoint(n, target)
	return nil
}

// Mount makes the host directory dir appear at full (e.g. `C:\work`), replacing whatever was there; missing
// parents are created in memory. Reads list and read the host directory lazily; creating, writing (at close),
// deleting and renaming act on it. Nothing outside dir can be reached: every access goes through an os.Root.
func (fs *FS) Mount(full, dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	mounted := false
	defer func() {
		if !mounted {
			root.Close()
		}
	}()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	p, err := parse(full)
	if err != nil {
		return err
	}
	if p.drive != 'C' || len(p.comps) == 0 {
		return abi.ERROR_ACCESS_DENIED
	}
	d, err := fs.makeParents(p.comps, false)
	if err != nil {
		return err
	}
	last := p.comps[len(p.comps)-1]
	if !validName(last) {
		return abi.ERROR_INVALID_NAME
	}
	if old := fs.child(d, last); old != nil {
		fs.unlink(old)
	}
	n := fs.addChild(d, last, true)
	n.host = &hostRef{root: root, rel: "."}
	mounted = true
	n.loaded = false
	if st, err := root.Stat("."); err == nil {
		t := FileTime(st.ModTime())
		n.times = Times{t, t, t}
	}
	return nil
}

// loadHostDir lists a host directory into d (once). Names Windows cannot hold, and a second name that differs
// from an earlier one only in case, are skipped; symbolic links are followed only inside the mount.
func (fs *FS) loadHostDir(d *node) {
	d.loaded = true
	if d.host == nil {
		return
	}
	entries, err := readHostDir(d.host.root, d.host.rel)
	if err != nil {
		return
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		name := e.Name()
		if !validName(name) || d.kids[key(name)] != nil {
			continue
		}
		ref := d.host.join(name)
		st, err := d.host.root.Stat(ref.rel)
		if err != nil {
			continue
		}
		t := FileTime(st.ModTime())
		n := &node{name: name, parent: d, host: ref, times: Times{t, t, t}}
		switch {
		case st.IsDir():
			n.dir = true
			n.kids = map[string]*node{}
			n.attr = abi.FILE_ATTRIBUTE_DIRECTORY
		case st.Mode().IsRegular():
			n.attr = abi.FILE_ATTRIBUTE_ARCHIVE
			ref.size = st.Size()
		default:
			continue
		}
		d.kids[key(name)] = n
	}
}

// readHostDir lists a directory inside root.
func readHostDir(root *os.Root, rel string) ([]iofs.DirEntry, error) {
	f, err := root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

// loadHostFile reads a host file's bytes into n (once).
func (fs *FS) loadHostFile(n *node) error {
	if n.loaded || n.host == nil {
		return nil
	}
	if n.host.size > fs.maxBytes()-fs.bytes {
		return abi.ERROR_NOT_ENOUGH_MEMORY
	}
	data, err := n.host.root.ReadFile(n.host.rel)
	if err != nil {
		return hostErr(err)
	}
	return fs.setData(n, data)
}
