// Package vfs is the file system of a peek32 machine: one drive, C:, shared by every process of the machine,
// with Windows path rules, files and directories with attributes and times, open files with share modes and
// positions, wildcard searches, and an optional host-directory mount.
//
// # Model
//
// The tree lives in memory. Names are case-preserving and compared case-insensitively (Unicode upper case, as
// NTFS's upcase table does for the characters programs use). A directory under a host mount is listed from the
// host the first time it is looked at; a host file's bytes are read when it is first opened and written back
// when a handle that changed it is closed (and when a name is created, deleted or renamed, at once). All host
// access goes through an os.Root, so neither ".." nor a symbolic link can reach outside the mounted directory.
//
// Paths are resolved in two steps, like Win32 does: FullPath turns what a program passed (relative, drive-
// relative "C:name", rooted "\name", either slash, "." and "..", trailing dots and spaces) into a full path
// "C:\dir\name" against the calling process's current directory (kept by the process, not here), exactly as
// GetFullPathName does; the FS methods then take full paths. Reserved device names (CON, NUL, AUX, PRN, COM1-9,
// LPT1-9, CONIN$, CONOUT$, with or without an extension, in any directory) become "\\.\NAME"; CreateFile on NUL
// gives a file that reads nothing and swallows writes, and the caller maps the console names to its console.
// UNC paths ("\\server\share") are refused with ERROR_BAD_NETPATH; "\\?\C:\..." is accepted.
//
// Every failure is an abi.Errno, the value GetLastError would return, chosen as Windows chooses it (see the
// tests for the table: CREATE_NEW on an existing file is ERROR_FILE_EXISTS, CREATE_ALWAYS and OPEN_ALWAYS of an
// existing file succeed with last error ERROR_ALREADY_EXISTS, a missing parent is ERROR_PATH_NOT_FOUND, a
// conflicting share mode is ERROR_SHARING_VIOLATION, and so on).
//
// Time is virtual: the FS takes its clock from the machine (Clock), so runs are reproducible. Files the guest
// creates or changes are remembered, so the host can take them out (Written).
//
// The FS is safe for use by several goroutines; the machine normally drives it from one.
package vfs
