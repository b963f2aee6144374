// Package abi is the one place where peek32 writes down the Windows ABI it emulates: status and error codes (one
// table with names), the layouts of the structures the kernel and the emulated DLLs place in guest memory (PEB,
// TEB, RTL_USER_PROCESS_PARAMETERS, PEB_LDR_DATA, LDR_DATA_TABLE_ENTRY, KUSER_SHARED_DATA, CONTEXT,
// EXCEPTION_RECORD, STARTUPINFO, PROCESS_INFORMATION), and the memory, handle and process constants of the Win32
// API.
//
// Everything here is for 32-bit x86 (i386) Windows, the only ABI peek32 runs. Offsets are byte offsets from the
// start of the structure as Windows XP..10 lay it out for a 32-bit process; where versions differ, the value
// chosen is the one that Windows 7..10 use, since that is what shellcode and runtimes depend on.
//
// The package holds data only: no guest memory access, no imports beyond the standard library, so both
// core/kernel and core/win32 may import it.
package abi
