package vfs

import (
	"strings"

	"github.com/peek32/peek32/core/win32/abi"
)

// Error codes used here that core/win32/abi does not name.
const (
	// ErrBadNetPath is ERROR_BAD_NETPATH: a UNC path (peek32 has no network).
	ErrBadNetPath abi.Errno = 53
)

// maxPath is the longest full path accepted (the NT limit of a UNICODE_STRING, in characters).
const maxPath = 32767

// maxComponent is the longest name of one file or directory (NTFS).
const maxComponent = 255

// DevicePrefix starts the full path of a device: FullPath("nul") is `\\.\nul`.
const DevicePrefix = `\\.\`

var reservedNames = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// deviceName reports the device a final path component names: reserved names match with any extension and
// trailing spaces ("nul.txt", "CON "), CONIN$ and CONOUT$ only exactly.
func deviceName(comp string) (string, bool) {
	u := strings.ToUpper(comp)
	if u == "CONIN$" || u == "CONOUT$" {
		return comp, true
	}
	base := u
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	base = strings.TrimRight(base, " ")
	if reservedNames[base] {
		return strings.TrimRight(comp[:len(base)], " "), true
	}
	return "", false
}

// IsDevice reports whether a full path names a device, and which (upper case: "NUL", "CON", "CONIN$", ...).
func IsDevice(full string) (string, bool) {
	if !strings.HasPrefix(full, DevicePrefix) {
		return "", false
	}
	return strings.ToUpper(full[len(DevicePrefix):]), true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func upperDrive(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// FullPath resolves name against cwd (a full path such as `C:\work`, the calling process's current directory)
// the way GetFullPathName does: '/' is '\', runs of separators collapse, "." and ".." are applied (".." stops at
// the root), "X:name" is relative to the current directory when X is cwd's drive and to X:\ otherwise, `\name`
// is relative to the root of cwd's drive, a component that ends in a single '.' loses it, and the last component
// loses trailing dots and spaces. Reserved device names give `\\.\NAME`. Errors: ERROR_PATH_NOT_FOUND for an
// empty name, ErrBadNetPath for UNC paths, ERROR_FILENAME_EXCED_RANGE past 32767 characters.
func FullPath(cwd, name string) (string, error) {
	if name == "" {
		return "", abi.ERROR_PATH_NOT_FOUND
	}
	p := strings.ReplaceAll(name, "/", `\`)
	switch {
	case strings.HasPrefix(p, `\\?\`):
		p = p[4:]
		if len(p) < 2 || p[1] != ':' || !isLetter(p[0]) {
			return "", abi.ERROR_PATH_NOT_FOUND
		}
	case strings.HasPrefix(p, DevicePrefix):
		dev := p[len(DevicePrefix):]
		if d, ok := deviceName(dev); ok && d == dev {
			return DevicePrefix + dev, nil
		}
		return "", abi.ERROR_PATH_NOT_FOUND
	case strings.HasPrefix(p, `\\`):
		return "", ErrBadNetPath
	}
	if cwd == "" {
		cwd = `C:\`
	}
	var drive byte
	var base []string
	rest := p
	switch {
	case len(p) >= 2 && p[1] == ':' && isLetter(p[0]):
		drive = upperDrive(p[0])
		rest = p[2:]
		if !strings.HasPrefix(rest, `\`) && drive == upperDrive(cwd[0]) {
			base = splitPath(cwd[2:])
		}
	case strings.HasPrefix(p, `\`):
		drive = upperDrive(cwd[0])
	default:
		drive = upperDrive(cwd[0])
		base = splitPath(cwd[2:])
	}
	trailingSep := strings.HasSuffix(rest, `\`)
	comps := append([]string(nil), base...)
	for _, c := range strings.Split(rest, `\`) {
		switch c {
		case "", ".":
		case "..":
			if len(comps) > 0 {
				comps = comps[:len(comps)-1]
			}
		default:
			if strings.HasSuffix(c, ".") && !strings.HasSuffix(c, "..") {
				c = c[:len(c)-1]
			}
			comps = append(comps, c)
		}
	}
	if !trailingSep && len(comps) > 0 {
		last := strings.TrimRight(comps[len(comps)-1], ". ")
		if last == "" {
			comps = comps[:len(comps)-1]
		} else {
			comps[len(comps)-1] = last
		}
		if len(comps) > 0 {
			if d, ok := deviceName(comps[len(comps)-1]); ok {
				return DevicePrefix + d, nil
			}
		}
	}
	full := string(drive) + `:\` + strings.Join(comps, `\`)
	if trailingSep && len(comps) > 0 {
		full += `\`
	}
	if len(full) > maxPath {
		return "", abi.ERROR_FILENAME_EXCED_RANGE
	}
	return full, nil
}

// splitPath splits the part of a full path after "X:" into its components.
func splitPath(s string) []string {
	var out []string
	for _, c := range strings.Split(s, `\`) {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// parsed is a full path taken apart: drive letter and components.
type parsed struct {
	drive byte
	comps []string
}

// parse takes a full path (as FullPath returns) apart. Relative paths are resolved against C:\ so that a
// caller that skips FullPath still gets sane behaviour.
func parse(full string) (parsed, error) {
	if _, ok := IsDevice(full); ok {
		return parsed{}, abi.ERROR_INVALID_NAME
	}
	if len(full) < 2 || full[1] != ':' || !isLetter(full[0]) || (len(full) > 2 && full[2] != '\\' && full[2] != '/') {
		f, err := FullPath(`C:\`, full)
		if err != nil {
			return parsed{}, err
		}
		full = f
	}
	p := parsed{drive: upperDrive(full[0])}
	for _, c := range strings.Split(strings.ReplaceAll(full[2:], "/", `\`), `\`) {
		switch c {
		case "", ".":
		case "..":
			if len(p.comps) > 0 {
				p.comps = p.comps[:len(p.comps)-1]
			}
		default:
			p.comps = append(p.comps, c)
		}
	}
	return p, nil
}

// validName reports whether c may be the name of a file or directory: no control characters, none of
// < > : " | ? * \ /, at most 255 characters.
func validName(c string) bool {
	if c == "" || len(c) > maxComponent {
		return false
	}
	for i := 0; i < len(c); i++ {
		switch ch := c[i]; {
		case ch < 0x20, ch == '<', ch == '>', ch == ':', ch == '"', ch == '|', ch == '?', ch == '*', ch == '\\', ch == '/':
			return false
		}
	}
	return true
}

// key is the case-insensitive identity of a name.
func key(name string) string { return strings.ToUpper(name) }

// Match reports whether name matches a FindFirstFile pattern, with the Win32 rules: case-insensitive; '*'
// matches any run of characters; '?' matches one character other than '.', and nothing at a '.' or at the end
// of the name;
// "*.*" matches every name; a '*' before a '.' does not swallow the name's last dot; a '.' in the pattern also
// matches the end of a name that has no more characters ("*." matches names without an extension, "a.*"
// matches "a").
func Match(pattern, name string) bool {
	if pattern == "*.*" || pattern == "*" {
		return true
	}
	return match(key(pattern), key(name))
}

func match(p, n string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			rest := p[1:]
			limit := len(n)
			if len(rest) > 0 && rest[0] == '.' {
				// DOS_STAR: does not consume the name's last dot.
				if d := strings.LastIndexByte(n, '.'); d >= 0 {
					limit = d
				}
			}
			for i := 0; i <= limit; i++ {
				if match(rest, n[i:]) {
					return true
				}
			}
			return false
		case '?':
			// DOS_QM: any one character except '.'; at a '.' or the end of the name it matches nothing.
			if len(n) == 0 || n[0] == '.' {
				p = p[1:]
				continue
			}
			p, n = p[1:], n[1:]
		case '.':
			if len(n) == 0 {
				// DOS_DOT: a dot followed only by wildcards (or nothing) matches the end of the name.
				return strings.Trim(p[1:], "*?") == ""
			}
			if n[0] != '.' {
				return false
			}
			p, n = p[1:], n[1:]
		default:
			if len(n) == 0 || n[0] != p[0] {
				return false
			}
			p, n = p[1:], n[1:]
		}
	}
	return len(n) == 0
}
