package cpu

import (
	"bytes"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/peek32/peek32/mm"
)

// TestCProgram runs testdata/cprog/prog_*.bin, a freestanding C workload compiled with gcc -m32 at -O0, -O2 and -Os
// (64-bit arithmetic through libgcc, sorting, a switch table, recursion, struct copies, bit
// builtins), and compares its result buffer with the same code run natively on the host CPU
// (expected.txt). testdata/cprog/build.sh regenerates both.
func TestCProgram(t *testing.T) {
	for _, opt := range []string{"O0", "O2", "Os"} {
		t.Run(opt, func(t *testing.T) { testCProgram(t, "testdata/cprog/prog_"+opt+".bin") })
	}
}

// newCProgramCPU loads a C workload image: code and constants read+execute (as a PE's .text
// would be), its data and bss from codeBase+0x4000 on writable (see link.ld).
func newCProgramCPU(tb testing.TB, img []byte) *CPU {
	c := newTestCPU(tb, img)
	if _, err := c.Mem.Protect(codeBase, 0x4000, mm.ProtRead|mm.ProtExec); err != nil {
		tb.Fatal(err)
	}
	return c
}

func testCProgram(t *testing.T, path string) {
	img, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := os.ReadFile("testdata/cprog/expected.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(exp))
	if len(lines) != 2 {
		t.Fatalf("expected.txt: want 2 lines")
	}
	n, err := strconv.ParseUint(lines[0], 10, 32)
	want, err2 := hex.DecodeString(lines[1])
	if err != nil || err2 != nil || int(n) != len(want) {
		t.Fatalf("expected.txt malformed")
	}
	for _, fast := range []bool{true, false} {
		fastEnabled = fast
		c := newCProgramCPU(t, img)
		r := c.Run(50_000_000)
		fastEnabled = true
		if r != StopFault || c.Exception().Kind != InvalidOpcode || c.EIP != codeBase+0x0D {
			t.Fatalf("fast=%v: stop %v %+v at %#x, want the ud2 after run()", fast, r, c.Exception(), c.EIP)
		}
		if c.Regs[EAX] != uint32(n) || c.Regs[ESP] != stackTop {
			t.Fatalf("fast=%v: run() = %d (esp %#x), want %d", fast, c.Regs[EAX], c.Regs[ESP], n)
		}
		got := make([]byte, n)
		if err := c.Mem.ReadBytes(dataBase, got, 0); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("fast=%v: result differs from the native run at byte %d (%d instructions)", fast, i, c.Count)
				}
			}
		}
		t.Logf("fast=%v: %d instructions", fast, c.Count)
	}
}
