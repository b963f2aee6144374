package loader

import (
	"bytes"
	"encoding/binary"
	"flag"
	"math/bits"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// TestReport_WriteText_golden compares `peek32 inspect`'s rendering of
// testdata/hello.exe with testdata/hello.exe.txt (go test -update rewrites it).
func TestReport_WriteText_golden(t *testing.T) {
	r, err := Inspect(readTestdata(t, "hello.exe"))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := r.WriteText(&got); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/hello.exe.txt"
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("WriteText differs from %s (run go test -update after checking):\n%s", golden, got.String())
	}
}

func TestParseRich(t *testing.T) {
	data := make([]byte, 0x100)
	copy(data, "MZ")
	binary.LittleEndian.PutUint32(data[0x3c:], 0xc0)
	entries := [][2]uint32{{0x01040000 | 30795, 5}, {0x00010000, 12}} // Utc1900_C build 30795 x5, Import0 x12
	// The key is the checksum of the DOS header and the entries.
	key := uint32(0x80)
	for i := 0; i < 0x80; i++ {
		if i < 0x3c || i >= 0x40 {
			key += bits.RotateLeft32(uint32(data[i]), i)
		}
	}
	for _, e := range entries {
		key += bits.RotateLeft32(e[0], int(e[1]&31))
	}
	put := func(off int, v uint32) { binary.LittleEndian.PutUint32(data[off:], v) }
	put(0x80, 0x536e6144^key)
	put(0x84, key)
	put(0x88, key)
	put(0x8c, key)
	for i, e := range entries {
		put(0x90+8*i, e[0]^key)
		put(0x94+8*i, e[1]^key)
	}
	copy(data[0xa0:], "Rich")
	put(0xa4, key)
	ri := parseRich(data, 0xc0)
	if ri == nil || !ri.ChecksumValid || ri.XORKey != key || len(ri.Entries) != 2 {
		t.Fatalf("parseRich = %+v", ri)
	}
	e := ri.Entries[0]
	if e.ProductID != 0x0104 || e.Build != 30795 || e.Count != 5 || e.Product != "Utc1900_C" || e.VSVersion == "" {
		t.Errorf("entry %+v", e)
	}
	data[0x10] ^= 1 // any DOS header change breaks the checksum
	if ri := parseRich(data, 0xc0); ri == nil || ri.ChecksumValid {
		t.Errorf("checksum still valid: %+v", ri)
	}
	if parseRich(data[:0x90], 0x90) != nil {
		t.Error("found a Rich header without its signature")
	}
}
