package win32

import "github.com/peek32/peek32/mm"

// userRange reports whether the n-byte buffer at addr lies in the user half without wrapping, as Windows'
// ProbeForRead/ProbeForWrite check a system call's buffer before anything is transferred: a buffer that runs past
// MmUserProbeAddress (mm.UserMax) fails the whole call with ERROR_NOACCESS, whatever the length would have been
// cut to. Whether the pages are committed is found by the copy itself.
func userRange(addr, n uint32) bool {
	return n == 0 || uint64(addr)+uint64(n) <= mm.UserMax
}
