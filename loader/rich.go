package loader

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// parseRich decodes the Rich header: the XOR-masked list of @comp.id
// records the Microsoft linker writes between the DOS stub and the PE
// header ("DanS" ... "Rich" key). It returns nil if there is none.
func parseRich(data []byte, lfanew uint32) *RichInfo {
	end := min(uint64(lfanew), uint64(len(data)))
	if end <= 0x40 {
		return nil
	}
	area := data[:end]
	ri := bytes.LastIndex(area, []byte("Rich"))
	if ri < 0x40 || ri+8 > len(area) {
		return nil
	}
	key := binary.LittleEndian.Uint32(area[ri+4:])
	// Walk back in dwords to the masked "DanS".
	dans := -1
	for o := ri - 4; o >= 0x40; o -= 4 {
		if binary.LittleEndian.Uint32(area[o:])^key == 0x536e6144 { // "DanS"
			dans = o
			break
		}
	}
	if dans < 0 {
		return nil
	}
	info := &RichInfo{XORKey: key}
	cs := uint32(dans)
	for i := 0; i < dans; i++ {
		if i >= 0x3c && i < 0x40 {
			continue // e_lfanew is not part of the checksum
		}
		cs += bits.RotateLeft32(uint32(data[i]), i)
	}
	for o := dans + 16; o+8 <= ri; o += 8 {
		id := binary.LittleEndian.Uint32(area[o:]) ^ key
		count := binary.LittleEndian.Uint32(area[o+4:]) ^ key
		cs += bits.RotateLeft32(id, int(count&31))
		prod := uint16(id >> 16)
		info.Entries = append(info.Entries, RichEntry{ProductID: prod, Build: uint16(id), Count: count,
			Product: richProduct(prod), VSVersion: richVSVersion(prod)})
	}
	info.ChecksumValid = cs == key
	return info
}

// richProduct names the common @comp.id product IDs (from the public
// lists of Rich header product IDs); others are "prodid 0xNNNN".
func richProduct(id uint16) string {
	names := map[uint16]string{
		0x0000: "Unknown", 0x0001: "Import0", 0x0002: "Linker510", 0x0004: "Linker600", 0x0006: "Cvtres500",
		0x000a: "Utc12_C", 0x000b: "Utc12_CPP", 0x000e: "Masm613", 0x000f: "Masm710", 0x0013: "Linker512",
		0x005a: "Linker710", 0x005d: "Utc1310_C", 0x005e: "Utc1310_CPP", 0x0078: "Linker800",
		0x007c: "Cvtres800", 0x006d: "Utc1400_C", 0x006e: "Utc1400_CPP", 0x0083: "Utc1500_C",
		0x0084: "Utc1500_CPP", 0x0091: "Linker900", 0x0093: "Implib900", 0x0094: "Cvtres900",
		0x009d: "Linker1000", 0x00aa: "Utc1600_C", 0x00ab: "Utc1600_CPP", 0x00cc: "Linker1100",
		0x00ce: "Utc1700_C", 0x00cf: "Utc1700_CPP", 0x00de: "Linker1200", 0x00e0: "Utc1800_C",
		0x00e1: "Utc1800_CPP", 0x00ff: "Cvtres1400", 0x0102: "Linker1400", 0x0103: "Masm1400",
		0x0104: "Utc1900_C", 0x0105: "Utc1900_CPP", 0x0101: "Implib1400", 0x0100: "Export1400",
	}
	if n, ok := names[id]; ok {
		return n
	}
	return "prodid 0x" + hex4(id)
}

func hex4(v uint16) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[v>>12], digits[v>>8&15], digits[v>>4&15], digits[v&15]})
}

// richVSVersion maps a product ID range to the Visual Studio release.
func richVSVersion(id uint16) string {
	switch {
	case id >= 0x00fd && id <= 0x010e:
		return "Visual Studio 2015+ (14.x)"
	case id >= 0x00eb && id < 0x00fd:
		return "Visual Studio 2013 (12.10)"
	case id >= 0x00d9 && id < 0x00eb:
		return "Visual Studio 2013 (12.00)"
	case id >= 0x00c7 && id < 0x00d9:
		return "Visual Studio 2012 (11.00)"
	case id >= 0x00b5 && id < 0x00c7:
		return "Visual Studio 2010 (10.10)"
	case id >= 0x0098 && id < 0x00b5:
		return "Visual Studio 2010 (10.00)"
	case id >= 0x0083 && id < 0x0098:
		return "Visual Studio 2008 (9.00)"
	case id >= 0x006d && id < 0x0083:
		return "Visual Studio 2005 (8.00)"
	case id >= 0x005a && id < 0x006d:
		return "Visual Studio 2003 (7.10)"
	}
	return ""
}
