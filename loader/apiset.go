package loader

import "strings"

// apiSetHosts maps API-set contract prefixes (lower case, without the
// version suffix "-lN-N-N") to the DLL that implements them in peek32. On
// real Windows many core-* contracts are hosted by kernelbase.dll; peek32's
// kernel32 implements those functions, so they resolve to kernel32.dll.
// The longest matching prefix wins; see ResolveAPISet.
var apiSetHosts = []struct{ prefix, host string }{
	{"api-ms-win-crt-", "ucrtbase.dll"},
	{"api-ms-win-core-rtlsupport-", "ntdll.dll"},
	{"api-ms-win-core-apiquery-", "ntdll.dll"},
	{"api-ms-win-core-registry-", "advapi32.dll"},
	{"api-ms-win-core-com-", "ole32.dll"},
	{"api-ms-win-core-winrt-", "combase.dll"},
	{"api-ms-win-core-shlwapi-", "shlwapi.dll"},
	{"api-ms-win-core-url-", "shlwapi.dll"},
	{"api-ms-win-core-version-", "version.dll"},
	{"api-ms-win-core-", "kernel32.dll"},
	{"api-ms-win-security-", "advapi32.dll"},
	{"api-ms-win-eventing-", "advapi32.dll"},
	{"api-ms-win-service-", "advapi32.dll"},
	{"api-ms-win-base-util-", "advapi32.dll"},
	{"api-ms-win-downlevel-advapi32-", "advapi32.dll"},
	{"api-ms-win-downlevel-kernel32-", "kernel32.dll"},
	{"api-ms-win-downlevel-user32-", "user32.dll"},
	{"api-ms-win-downlevel-ole32-", "ole32.dll"},
	{"api-ms-win-downlevel-shlwapi-", "shlwapi.dll"},
	{"api-ms-win-downlevel-version-", "version.dll"},
	{"api-ms-win-downlevel-normaliz-", "normaliz.dll"},
	{"api-ms-win-ntuser-", "user32.dll"},
	{"api-ms-win-rtcore-ntuser-", "user32.dll"},
	{"api-ms-win-shell-", "shell32.dll"},
	{"api-ms-win-gdi-", "gdi32.dll"},
	{"ext-ms-win-ntuser-", "user32.dll"},
	{"ext-ms-win-gdi-", "gdi32.dll"},
	{"ext-ms-win-kernel32-", "kernel32.dll"},
	{"ext-ms-win-advapi32-", "advapi32.dll"},
	{"ext-ms-win-shell32-", "shell32.dll"},
}

// IsAPISet reports whether name is an API-set contract name
// ("api-ms-win-..." or "ext-ms-win-...", any case, with or without ".dll").
func IsAPISet(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "api-ms-win-") || strings.HasPrefix(n, "ext-ms-win-")
}

// ResolveAPISet maps an API-set contract name to its host DLL, e.g.
// "api-ms-win-core-synch-l1-2-0.dll" -> "kernel32.dll" and
// "api-ms-win-crt-stdio-l1-1-0.dll" -> "ucrtbase.dll". Matching ignores case
// and the ".dll" suffix. ok is false for names that are not API sets or that
// belong to a family peek32 does not know.
func ResolveAPISet(name string) (host string, ok bool) {
	if !IsAPISet(name) {
		return "", false
	}
	n := strings.TrimSuffix(strings.ToLower(name), ".dll")
	best := -1
	for i, e := range apiSetHosts {
		if strings.HasPrefix(n, e.prefix) && (best < 0 || len(e.prefix) > len(apiSetHosts[best].prefix)) {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return apiSetHosts[best].host, true
}
