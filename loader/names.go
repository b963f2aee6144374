package loader

import "fmt"

// MachineName names an IMAGE_FILE_MACHINE_* value.
func MachineName(m uint16) string {
	switch m {
	case machineI386:
		return "x86 (i386)"
	case machineAMD64:
		return "x64 (AMD64)"
	case machineARM64:
		return "ARM64"
	case machineIA64:
		return "Itanium (IA-64)"
	case 0x01c0, 0x01c2, 0x01c4:
		return "ARM"
	case 0x0166, 0x0168, 0x0169:
		return "MIPS"
	case 0x0184:
		return "Alpha"
	case 0x01f0, 0x01f1:
		return "PowerPC"
	case 0x01a2, 0x01a3, 0x01a6, 0x01a8:
		return "Hitachi SH"
	case 0x0ebc:
		return "EFI byte code"
	case 0x5032, 0x5064, 0x5128:
		return "RISC-V"
	case 0:
		return "unknown"
	}
	return fmt.Sprintf("unknown (0x%04x)", m)
}

// SubsystemName names an IMAGE_SUBSYSTEM_* value.
func SubsystemName(s uint16) string {
	names := map[uint16]string{
		0: "unknown", 1: "native", 2: "Windows GUI", 3: "Windows console", 5: "OS/2 console",
		7: "POSIX console", 8: "native Windows 9x driver", 9: "Windows CE GUI", 10: "EFI application",
		11: "EFI boot service driver", 12: "EFI runtime driver", 13: "EFI ROM", 14: "Xbox",
		16: "Windows boot application",
	}
	if n, ok := names[s]; ok {
		return n
	}
	return fmt.Sprintf("unknown (%d)", s)
}

var dirNames = [16]string{"Export", "Import", "Resource", "Exception", "Security", "BaseReloc", "Debug",
	"Architecture", "GlobalPtr", "TLS", "LoadConfig", "BoundImport", "IAT", "DelayImport", "CLR", "Reserved"}

// DirName names data directory i (0..15).
func DirName(i int) string {
	if i >= 0 && i < len(dirNames) {
		return dirNames[i]
	}
	return fmt.Sprintf("dir%d", i)
}

// flagName names one bit of a flags word.
type flagName[T uint16 | uint32] struct {
	bit  T
	name string
}

// flagNames returns the names of the bits of c found in names, in table order.
func flagNames[T uint16 | uint32](c T, names []flagName[T]) []string {
	var out []string
	for _, f := range names {
		if c&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

var fileFlagNames = []flagName[uint16]{
	{0x0001, "RELOCS_STRIPPED"}, {0x0002, "EXECUTABLE_IMAGE"}, {0x0004, "LINE_NUMS_STRIPPED"},
	{0x0008, "LOCAL_SYMS_STRIPPED"}, {0x0010, "AGGRESSIVE_WS_TRIM"}, {0x0020, "LARGE_ADDRESS_AWARE"},
	{0x0080, "BYTES_REVERSED_LO"}, {0x0100, "32BIT_MACHINE"}, {0x0200, "DEBUG_STRIPPED"},
	{0x0400, "REMOVABLE_RUN_FROM_SWAP"}, {0x0800, "NET_RUN_FROM_SWAP"}, {0x1000, "SYSTEM"},
	{0x2000, "DLL"}, {0x4000, "UP_SYSTEM_ONLY"}, {0x8000, "BYTES_REVERSED_HI"},
}

var dllFlagNames = []flagName[uint16]{
	{0x0020, "HIGH_ENTROPY_VA"}, {0x0040, "DYNAMIC_BASE"}, {0x0080, "FORCE_INTEGRITY"},
	{0x0100, "NX_COMPAT"}, {0x0200, "NO_ISOLATION"}, {0x0400, "NO_SEH"}, {0x0800, "NO_BIND"},
	{0x1000, "APPCONTAINER"}, {0x2000, "WDM_DRIVER"}, {0x4000, "GUARD_CF"}, {0x8000, "TERMINAL_SERVER_AWARE"},
}

var scnFlagNames = []flagName[uint32]{
	{0x00000008, "NO_PAD"}, {scnCode, "CODE"}, {scnInitData, "INITIALIZED_DATA"}, {scnUninit, "UNINITIALIZED_DATA"},
	{0x00000200, "LNK_INFO"}, {0x00000800, "LNK_REMOVE"}, {0x00001000, "LNK_COMDAT"}, {0x00008000, "GPREL"},
	{0x01000000, "LNK_NRELOC_OVFL"}, {scnDiscard, "DISCARDABLE"}, {0x04000000, "NOT_CACHED"},
	{0x08000000, "NOT_PAGED"}, {scnShared, "SHARED"}, {scnExecute, "EXECUTE"}, {scnRead, "READ"}, {scnWrite, "WRITE"},
}

// FileFlags decodes IMAGE_FILE_* characteristics.
func FileFlags(c uint16) []string { return flagNames(c, fileFlagNames) }

// DllFlags decodes IMAGE_DLLCHARACTERISTICS_* bits.
func DllFlags(c uint16) []string { return flagNames(c, dllFlagNames) }

// SectionFlags decodes IMAGE_SCN_* characteristics (alignment bits as ALIGN_n).
func SectionFlags(c uint32) []string {
	out := flagNames(c, scnFlagNames)
	if a := (c >> 20) & 0xf; a != 0 && a <= 14 {
		out = append(out, fmt.Sprintf("ALIGN_%d", 1<<(a-1)))
	}
	return out
}

// RelocTypeName names an IMAGE_REL_BASED_* type.
func RelocTypeName(t uint8) string {
	switch t {
	case RelAbsolute:
		return "ABSOLUTE"
	case RelHigh:
		return "HIGH"
	case RelLow:
		return "LOW"
	case RelHighLow:
		return "HIGHLOW"
	case RelHighAdj:
		return "HIGHADJ"
	case RelDir64:
		return "DIR64"
	}
	return fmt.Sprintf("TYPE%d", t)
}
