package kernel

import "strings"

// Namespace is the machine's directory of named kernel objects, shared by every process of the machine. It
// models an interactive Windows Vista+ session (session 1): an unprefixed name and a "Local\" name are in the
// session's directory (\Sessions\1\BaseNamedObjects), a "Global\" name is in the global one
// (\BaseNamedObjects), so "Global\x" and "x" are different objects, as on Windows (and Wine). Names are
// case-sensitive, as object names are on Windows. An object is in the namespace from its creation under a
// name until its last reference goes (the last handle is closed, or its last holder lets go): then its name is
// free for a new object.
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

// CanonicalName maps an object name to its key in the namespace: "Local\x" and "Session\N\x" are the
// session's "x", "Global\x" stays "Global\x" (the global directory). It says whether what remains is a valid
// object name: empty, or one with a further backslash, which names an object in a subdirectory that does not
// exist (ERROR_PATH_NOT_FOUND on Windows).
func CanonicalName(name string) (string, NameStatus) {
	prefix := ""
	switch {
	case strings.HasPrefix(name, `Local\`):
		name = name[len(`Local\`):]
	case strings.HasPrefix(name, `Global\`):
		prefix, name = `Global\`, name[len(`Global\`):]
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
		return prefix + name, NameBadPath
	}
	return prefix + name, NameOK
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
