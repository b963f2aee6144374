package win32

import (
	"bytes"
	"testing"

	"github.com/peek32/peek32/loader/pewriter"
)

// TestVirtualQuery_UserHalfOnly: VirtualQuery answers for user addresses and fails with
// ERROR_INVALID_PARAMETER (87) above lpMaximumApplicationAddress (0x7FFEFFFF), as Windows does.
func TestVirtualQuery_UserHalfOnly(t *testing.T) {
	for _, tc := range []struct {
		addr uint32
		want uint32 // exit code: the return value (sizeof MEMORY_BASIC_INFORMATION) or GetLastError
	}{
		{0x00400000, 28}, // the image
		{0x7FFE0000, 28}, // KUSER_SHARED_DATA
		{0x7FFEFFFF, 28}, // the last user address
		{0x7FFF0000, 87}, // the guard between the halves
		{0x80000000, 87}, // the kernel half
		{0xFFFFFFFF, 87}, // the top
	} {
		exe := prog{
			imports: []pewriter.Import{k32("VirtualQuery", "GetLastError", "ExitProcess")},
			gen: func(iat func(string, string) uint32, data uint32) []byte {
				return cat(
					[]byte{0x6A, 0x1C}, pushImm(data), pushImm(tc.addr), callMem(iat("KERNEL32.dll", "VirtualQuery")),
					[]byte{0x85, 0xC0, 0x75, 0x0D}, // test eax,eax; jnz ok
					callMem(iat("KERNEL32.dll", "GetLastError")), []byte{0x50}, callMem(iat("KERNEL32.dll", "ExitProcess")),
					[]byte{0x50}, callMem(iat("KERNEL32.dll", "ExitProcess")), // ok: exit with the return value
				)
			},
		}.build(t)
		m := newMachine(t)
		var out bytes.Buffer
		if p := m.run(t, exe, &out); p.ExitCode() != tc.want {
			t.Errorf("VirtualQuery(0x%08X): exit %d, want %d", tc.addr, p.ExitCode(), tc.want)
		}
	}
}
