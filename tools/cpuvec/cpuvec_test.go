package main

import (
	"fmt"
	"strings"
	"testing"
)

// The generator must be deterministic: regenerating on the same CPU must give
// the same files, so a diff of the vectors shows real behaviour changes.
func TestMakeCases_Deterministic(t *testing.T) {
	a, b := makeCases(1), makeCases(1)
	if len(a) != len(b) || len(a) < 10000 {
		t.Fatalf("case counts %d and %d (want equal, at least 10000)", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		if string(x.code) != string(y.code) || x.regs != y.regs || x.flags != y.flags ||
			x.data != y.data || x.stack != y.stack || x.fx != y.fx || x.undef != y.undef {
			t.Fatalf("case %d (%s) differs between runs", i, x.f.id(x.size, x.mem))
		}
	}
}

// Every case must fit the harness's limits: at most 15 instruction bytes, at
// most maxLand landings, each inside the code window and clear of the
// instruction and its fall-through landing.
func TestMakeCases_Limits(t *testing.T) {
	for _, in := range makeCases(1) {
		id := in.f.id(in.size, in.mem)
		if n := len(in.code); n == 0 || n > 15 {
			t.Errorf("%s: %d code bytes", id, n)
		}
		if len(in.land) > maxLand {
			t.Errorf("%s: %d landings", id, len(in.land))
		}
		end := insnAddr + uint32(len(in.code)) + 16
		for _, l := range in.land {
			if l < insnAddr-0x1000 || l+16 > insnAddr+0x1000 || (l+16 > insnAddr && l < end) {
				t.Errorf("%s: landing %#x overlaps the instruction or leaves the window", id, l)
			}
		}
		if in.flags&^(fCompared|fTF|2) != 0 || in.flags&fTF != 0 && in.f.group != "trap" {
			t.Errorf("%s: input flags %#x outside the recorded set", id, in.flags)
		}
	}
}

// Form names identify a form instance: two different encodings must not share one.
func TestForms_UniqueIDs(t *testing.T) {
	seen := map[string]string{}
	for _, f := range append(integerForms(), fpuForms()...) {
		for _, size := range f.sizes {
			for _, mem := range variants(f) {
				id := f.id(size, mem)
				key := fmt.Sprintf("%s %x %x %d %d %v", f.group, f.pre, f.op, f.digit, size, mem)
				if other, ok := seen[id]; ok && other != key {
					t.Errorf("form name %q used by two encodings (%s; %s)", id, other, key)
				}
				seen[id] = key
			}
		}
	}
}

func TestEncodeMem_EffectiveAddress(t *testing.T) {
	// Decode the ModRM/SIB bytes encodeMem produced and check they address in.ea
	// with the register values it chose.
	f := &form{group: "alu", mn: "add", op: b(0x01), digit: modrmR, ops: "E,G", sizes: s32}
	for _, in := range makeCasesFor(f, 500) {
		if !in.mem {
			continue
		}
		m := in.modrm
		mod, rm := m[0]>>6, m[0]&7
		var ea uint32
		rest := m[1:]
		if rm == 4 {
			sib := rest[0]
			rest = rest[1:]
			scale, idx, base := sib>>6, (sib>>3)&7, sib&7
			if idx != 4 {
				ea += in.regs[idx] << scale
			}
			if base == 5 && mod == 0 {
				ea += le32(rest)
				rest = rest[4:]
			} else {
				ea += in.regs[base]
			}
		} else if rm == 5 && mod == 0 {
			ea = le32(rest)
			rest = rest[4:]
		} else {
			ea = in.regs[rm]
		}
		switch mod {
		case 1:
			ea += uint32(int32(int8(rest[0])))
		case 2:
			ea += le32(rest)
		}
		if ea != in.ea {
			t.Fatalf("modrm % x addresses %#x, want %#x", m, ea, in.ea)
		}
	}
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func makeCasesFor(f *form, n int) []*inst {
	var out []*inst
	r := newRand(f.id(32, true))
	for i := 0; i < n; i++ {
		if in := build(f, 32, i%2 == 0, r); in != nil {
			out = append(out, in)
		}
	}
	return out
}

func TestFormat(t *testing.T) {
	f := &form{group: "alu", mn: "add", op: b(0x01), digit: modrmR, ops: "E,G", sizes: s32, undef: fAF}
	in := &inst{f: f, size: 32, code: []byte{0x01, 0xd8}, flags: 2, undef: fAF}
	in.regs = [8]uint32{1, 2, 3, 4, 5, 6, 7, 8}
	in.data[0x10] = 0xaa
	res := &result{Regs: in.regs, Flags: 0x246, EIP: insnAddr + 2}
	res.Regs[eax] = 5
	res.Data = in.data
	res.Data[0x11] = 0xbb
	got, err := format(in, res)
	if err != nil {
		t.Fatal(err)
	}
	want := "add.E32,G32.01.r 01d8 | eax=00000001 ecx=00000002 edx=00000003 ebx=00000004 esp=00000005 ebp=00000006 " +
		"esi=00000007 edi=00000008 fl=0000 m20000010=aa | eax=00000005 fl=0044 m20000011=bb u=0010"
	if got != want {
		t.Errorf("format:\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(got, " | ") {
		t.Error("sections not separated")
	}
}
