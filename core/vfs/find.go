package vfs

import (
	"sort"
	"strings"

	"github.com/peek32/peek32/core/win32/abi"
)

// Find is a directory search (FindFirstFile / FindNextFile): a snapshot of the matching entries taken when the
// search starts.
type Find struct {
	entries []Info
	next    int
}

// FindFirst starts a search for pattern, a full path whose last component may hold the wildcards '*' and '?'
// (see Match). Entries come in the order NTFS returns them: "." and ".." first (not in the root), then names
// sorted case-insensitively. Errors: ERROR_PATH_NOT_FOUND if the directory is missing, ERROR_FILE_NOT_FOUND if
// nothing matches (or the pattern names a missing file).
func (fs *FS) FindFirst(pattern string) (*Find, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if strings.HasSuffix(pattern, `\`) || strings.HasSuffix(pattern, "/") {
		return nil, abi.ERROR_FILE_NOT_FOUND
	}
	p, err := parse(pattern)
	if err != nil {
		return nil, err
	}
	if p.drive != 'C' {
		return nil, abi.ERROR_PATH_NOT_FOUND
	}
	if len(p.comps) == 0 {
		return nil, abi.ERROR_FILE_NOT_FOUND // "C:\" itself: Windows finds nothing
	}
	d := fs.root
	for _, c := range p.comps[:len(p.comps)-1] {
		n := fs.child(d, c)
		if !validName(c) || n == nil || !n.dir {
			return nil, abi.ERROR_PATH_NOT_FOUND
		}
		d = n
	}
	if !d.loaded {
		fs.loadHostDir(d)
	}
	last := p.comps[len(p.comps)-1]
	var out []Info
	if d.parent != nil {
		for _, dot := range []struct {
			name string
			n    *node
		}{{".", d}, {"..", d.parent}} {
			if Match(last, dot.name) {
				i := dot.n.info()
				i.Name = dot.name
				out = append(out, i)
			}
		}
	}
	var names []Info
	for _, k := range d.kids {
		if Match(last, k.name) {
			names = append(names, k.info())
		}
	}
	sort.Slice(names, func(i, j int) bool { return key(names[i].Name) < key(names[j].Name) })
	out = append(out, names...)
	if len(out) == 0 {
		return nil, abi.ERROR_FILE_NOT_FOUND
	}
	return &Find{entries: out}, nil
}

// Next returns the next entry; ok=false (ERROR_NO_MORE_FILES) at the end.
func (f *Find) Next() (Info, bool) {
	if f.next >= len(f.entries) {
		return Info{}, false
	}
	f.next++
	return f.entries[f.next-1], true
}
