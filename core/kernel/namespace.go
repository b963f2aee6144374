package kernel

import "strings"

// Namespace is the machine's directory of named kernel objects — Windows' \BaseNamedObjects, shared by every
// process of the machine (one session, so the "Local\", "Global\" and "Session\N\" prefixes name the same
// directory). Names are case-sensitive, as object names are on Windows. An object is in the namespace from its
// creation under a name until its last reference goes (the last handle is closed, or its last holder — a
// mutex owner, a waiting thread's process — lets go): then its name is free for a new object.
//
// The namespace holds no reference of its own: it only lets CreateXxx/OpenXxx find an object that something
// else keeps alive, exactly as an object's name does on Windows.
type Namespace struct {
	objs map[string]Object
}

// NameStatus says what a name refers to (ParseName's verdict).
type NameStatus uint8

// Name statuses.
const (
	NameOK      NameStatus = iota // a name in the namespace
	NameEmpty                     // "" (an unnamed object)
	NameBadPath                   // a backslash past the session prefix: a directory that does not exist
)

// CanonicalName strips the session prefixes ("Local\", "Global\", "Session\N\") that name the single
// directory, and says whether what remains is a valid object name: a name with a further backslash names an
// object in a subdirectory, which does not exist (ERROR_PATH_NOT_FOUND on Windows).
func CanonicalName(name string) (string, NameStatus) {
	switch {
	case strings.HasPrefix(name, `Local\`):
		name = name[len(`Local\`):]
	case strings.HasPrefix(name, `Global\`):
		name = name[len(`Global\`):]
	case strings.HasPrefix(name, `Session\`):
		rest := name[len(`Session\`):]
		if i := strings.IndexByte(rest, '\\'); i >= 0 {
			name = rest[i+1:]
		}
	}
	if name == "" {
		return "", NameEmpty
	}
	if strings.IndexByte(name, '\\') >= 0 {
		return name, NameBadPath
	}
	return name, NameOK
}

// Names returns the machine-wide namespace of named objects.
func (k *Kernel) Names() *Namespace {
	if k.names == nil {
		k.names = &Namespace{objs: map[string]Object{}}
	}
	return k.names
}

// Lookup returns the object registered under a canonical name, or nil.
func (n *Namespace) Lookup(name string) Object {
	return n.objs[name]
}

// Insert registers o under its name (its ObjectHeader's, which must be canonical and non-empty) and arranges
// for the name to be freed when o's last reference goes. It reports false, changing nothing, when the name is
// taken. The caller still owns its reference.
func (n *Namespace) Insert(o Object) bool {
	h := o.Header()
	name := h.name
	if name == "" || n.objs[name] != nil || h.refs <= 0 {
		return false
	}
	n.objs[name] = o
	prev := h.destroy
	h.destroy = func() {
		if n.objs[name] == o {
			delete(n.objs, name)
		}
		if prev != nil {
			prev()
		}
	}
	return true
}

// Len returns how many named objects exist (for tests and the machine view).
func (n *Namespace) Len() int { return len(n.objs) }
