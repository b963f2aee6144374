package win32

import (
	"time"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

// advapi32 is the built-in ADVAPI32.dll (registry and security): peek32 has no registry, so keys are not found.
var advapi32 = NewDLL("advapi32.dll", 0x77DD0000)

func init() {
	kernel32.Add(
		Export{Name: "SetFileApisToOEM", Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "SetFileApisToANSI", Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "AreFileApisANSI", Handler: func(c *Call) { c.Return(1) }},
		Export{Name: "CompareFileTime", ArgBytes: 8, Handler: compareFileTime},
		Export{Name: "FileTimeToDosDateTime", ArgBytes: 12, Handler: fileTimeToDosDateTime},
		Export{Name: "DosDateTimeToFileTime", ArgBytes: 12, Handler: dosDateTimeToFileTime},
		Export{Name: "GetProcessTimes", ArgBytes: 20, Handler: getProcessTimes, Note: "virtual time: all of it is user time"},
		Export{Name: "GetThreadTimes", ArgBytes: 20, Handler: getProcessTimes, Note: "virtual time: all of it is user time"},
		Export{Name: "SetThreadAffinityMask", ArgBytes: 8, Handler: func(c *Call) { c.Arg(0); c.Return(1) }},
		Export{Name: "SetProcessAffinityMask", ArgBytes: 8, Handler: func(c *Call) { c.Arg(0); c.Return(1) }},
		Export{Name: "FormatMessageA", ArgBytes: 28, Handler: func(c *Call) { formatMessage(c, false) }, Note: "system messages only, without inserts"},
		Export{Name: "FormatMessageW", ArgBytes: 28, Handler: func(c *Call) { formatMessage(c, true) }, Note: "system messages only, without inserts"},
		Export{Name: "GetLogicalDrives", Handler: func(c *Call) { c.Return(1 << 2) }},
		Export{Name: "GetLogicalDriveStringsA", ArgBytes: 8, Handler: func(c *Call) { logicalDrives(c, false) }},
		Export{Name: "GetLogicalDriveStringsW", ArgBytes: 8, Handler: func(c *Call) { logicalDrives(c, true) }},
		Export{Name: "GetDriveTypeA", ArgBytes: 4, Handler: func(c *Call) { c.Return(3) }}, // DRIVE_FIXED
		Export{Name: "GetDriveTypeW", ArgBytes: 4, Handler: func(c *Call) { c.Return(3) }},
		Export{Name: "GetDiskFreeSpaceA", ArgBytes: 20, Handler: getDiskFreeSpace},
		Export{Name: "GetDiskFreeSpaceW", ArgBytes: 20, Handler: getDiskFreeSpace},
		Export{Name: "GetDiskFreeSpaceExA", ArgBytes: 16, Handler: getDiskFreeSpaceEx},
		Export{Name: "GetDiskFreeSpaceExW", ArgBytes: 16, Handler: getDiskFreeSpaceEx},
		Export{Name: "ReleaseSemaphore", ArgBytes: 12, Handler: releaseSemaphore},
		Export{Name: "WaitForMultipleObjects", ArgBytes: 16, Handler: waitForMultipleObjects},
		Export{Name: "WaitForMultipleObjectsEx", ArgBytes: 20, Handler: waitForMultipleObjectsEx, Note: "alertable: APCs (apc.go)"},
		Export{Name: "OpenFileMappingA", ArgBytes: 12, Handler: func(c *Call) { openFileMapping(c, false) }},
		Export{Name: "OpenFileMappingW", ArgBytes: 12, Handler: func(c *Call) { openFileMapping(c, true) }},
		Export{Name: "DeviceIoControl", ArgBytes: 32, Handler: func(c *Call) { c.Fail(abi.ERROR_INVALID_FUNCTION, 0) }},
		Export{Name: "Beep", ArgBytes: 8, Handler: func(c *Call) { c.Return(1) }},
	)
	advapi32.Add(
		Export{Name: "RegOpenKeyExA", ArgBytes: 20, Handler: func(c *Call) { c.Return(uint32(abi.ERROR_FILE_NOT_FOUND)) }, Note: "no registry"},
		Export{Name: "RegOpenKeyExW", ArgBytes: 20, Handler: func(c *Call) { c.Return(uint32(abi.ERROR_FILE_NOT_FOUND)) }, Note: "no registry"},
		Export{Name: "RegOpenKeyA", ArgBytes: 12, Handler: func(c *Call) { c.Return(uint32(abi.ERROR_FILE_NOT_FOUND)) }, Note: "no registry"},
		Export{Name: "RegOpenKeyW", ArgBytes: 12, Handler: func(c *Call) { c.Return(uint32(abi.ERROR_FILE_NOT_FOUND)) }, Note: "no registry"},
		Export{Name: "RegCreateKeyExA", ArgBytes: 36, Handler: func(c *Call) { c.Return(uint32(abi.ERROR_ACCESS_DENIED)) }, Note: "no registry"},
		Export{Name: "RegCreateKeyExW", ArgBytes: 36, Handler: func(c *Call) { c.Return(uint32(abi.ERROR_ACCESS_DENIED)) }, Note: "no registry"},
		Export{Name: "RegQueryValueExA", ArgBytes: 24, Handler: func(c *Call) { c.Return(uint32(abi.ERROR_FILE_NOT_FOUND)) }, Note: "no registry"},
		Export{Name: "RegQueryValueExW", ArgBytes: 24, Handler: func(c *Call) { c.Return(uint32(abi.ERROR_FILE_NOT_FOUND)) }, Note: "no registry"},
		Export{Name: "RegSetValueExA", ArgBytes: 24, Handler: func(c *Call) { c.Return(uint32(abi.ERROR_ACCESS_DENIED)) }, Note: "no registry"},
		Export{Name: "RegSetValueExW", ArgBytes: 24, Handler: func(c *Call) { c.Return(uint32(abi.ERROR_ACCESS_DENIED)) }, Note: "no registry"},
		Export{Name: "RegCloseKey", ArgBytes: 4, Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "OpenProcessToken", ArgBytes: 12, Handler: func(c *Call) { c.Fail(abi.ERROR_ACCESS_DENIED, 0) }, Note: "no security tokens"},
		Export{Name: "OpenThreadToken", ArgBytes: 16, Handler: func(c *Call) { c.Fail(abi.ERROR_ACCESS_DENIED, 0) }, Note: "no security tokens"},
		Export{Name: "LookupPrivilegeValueA", ArgBytes: 12, Handler: func(c *Call) { c.Fail(abi.ERROR_NOT_SUPPORTED, 0) }},
		Export{Name: "LookupPrivilegeValueW", ArgBytes: 12, Handler: func(c *Call) { c.Fail(abi.ERROR_NOT_SUPPORTED, 0) }},
		Export{Name: "AdjustTokenPrivileges", ArgBytes: 24, Handler: func(c *Call) { c.Fail(abi.ERROR_NOT_SUPPORTED, 0) }},
		Export{Name: "GetFileSecurityA", ArgBytes: 20, Handler: func(c *Call) { c.Fail(abi.ERROR_NOT_SUPPORTED, 0) }},
		Export{Name: "GetFileSecurityW", ArgBytes: 20, Handler: func(c *Call) { c.Fail(abi.ERROR_NOT_SUPPORTED, 0) }},
		Export{Name: "SetFileSecurityA", ArgBytes: 12, Handler: func(c *Call) { c.Fail(abi.ERROR_NOT_SUPPORTED, 0) }},
		Export{Name: "SetFileSecurityW", ArgBytes: 12, Handler: func(c *Call) { c.Fail(abi.ERROR_NOT_SUPPORTED, 0) }},
		Export{Name: "GetUserNameA", ArgBytes: 8, Handler: func(c *Call) { getUserName(c, false) }},
		Export{Name: "GetUserNameW", ArgBytes: 8, Handler: func(c *Call) { getUserName(c, true) }},
	)
}

func compareFileTime(c *Call) {
	a, ok1 := c.Mem.Read64(c.Arg(0))
	b, ok2 := c.Mem.Read64(c.Arg(1))
	if !ok1 || !ok2 {
		c.Fault(c.Arg(0), false)
		return
	}
	switch {
	case a < b:
		c.Return(0xFFFFFFFF)
	case a > b:
		c.Return(1)
	default:
		c.Return(0)
	}
}

func fileTimeToDosDateTime(c *Call) {
	ft, ok := c.Mem.Read64(c.Arg(0))
	pd, pt := c.Arg(1), c.Arg(2)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	t := fileTimeToTime(ft)
	if t.Year() < 1980 || t.Year() > 2107 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	d := uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day())
	tm := uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2)
	if !c.Mem.Write16(pd, d) || !c.Mem.Write16(pt, tm) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func dosDateTimeToFileTime(c *Call) {
	d, tm, out := c.Arg(0)&0xFFFF, c.Arg(1)&0xFFFF, c.Arg(2)
	t := time.Date(int(d>>9)+1980, time.Month(d>>5&15), int(d&31), int(tm>>11), int(tm>>5&63), int(tm&31)*2, 0, time.UTC)
	if !c.W64(out, timeToFileTime(t)) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func getProcessTimes(c *Call) {
	c.Arg(0)
	creation, exit, kern, user := c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4)
	boot := c.K.SystemTime() - c.K.Clock()/max(c.K.InstrPerMs()/10000, 1)
	ok := c.W64(creation, boot) && c.W64(exit, 0) && c.W64(kern, 0) && c.W64(user, c.K.Clock()/max(c.K.InstrPerMs()/10000, 1))
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

// systemMessages are FormatMessage's texts for the common system errors (as Windows' English messages).
var systemMessages = map[abi.Errno]string{
	abi.ERROR_SUCCESS:              "The operation completed successfully.",
	abi.ERROR_INVALID_FUNCTION:     "Incorrect function.",
	abi.ERROR_FILE_NOT_FOUND:       "The system cannot find the file specified.",
	abi.ERROR_PATH_NOT_FOUND:       "The system cannot find the path specified.",
	abi.ERROR_ACCESS_DENIED:        "Access is denied.",
	abi.ERROR_INVALID_HANDLE:       "The handle is invalid.",
	abi.ERROR_NOT_ENOUGH_MEMORY:    "Not enough storage is available to process this command.",
	abi.ERROR_INVALID_PARAMETER:    "The parameter is incorrect.",
	abi.ERROR_ALREADY_EXISTS:       "Cannot create a file when that file already exists.",
	abi.ERROR_FILE_EXISTS:          "The file exists.",
	abi.ERROR_SHARING_VIOLATION:    "The process cannot access the file because it is being used by another process.",
	abi.ERROR_DISK_FULL:            "There is not enough space on the disk.",
	abi.ERROR_INVALID_NAME:         "The filename, directory name, or volume label syntax is incorrect.",
	abi.ERROR_DIR_NOT_EMPTY:        "The directory is not empty.",
	abi.ERROR_NO_MORE_FILES:        "There are no more files.",
	abi.ERROR_HANDLE_EOF:           "Reached the end of the file.",
	abi.ERROR_NOT_SUPPORTED:        "The request is not supported.",
	abi.ERROR_MOD_NOT_FOUND:        "The specified module could not be found.",
	abi.ERROR_PROC_NOT_FOUND:       "The specified procedure could not be found.",
	abi.ERROR_INSUFFICIENT_BUFFER:  "The data area passed to a system call is too small.",
	abi.ERROR_BROKEN_PIPE:          "The pipe has been ended.",
	abi.ERROR_CALL_NOT_IMPLEMENTED: "This function is not supported on this system.",
}

const (
	fmAllocateBuffer = 0x100
	fmIgnoreInserts  = 0x200
	fmFromString     = 0x400
	fmFromSystem     = 0x1000
	fmArgumentArray  = 0x2000
)

func formatMessage(c *Call, wide bool) {
	flags, _, id, _, buf, size := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4), c.Arg(5)
	if flags&fmFromSystem == 0 || flags&fmFromString != 0 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	msg, ok := systemMessages[abi.Errno(id)]
	if !ok {
		c.Fail(abi.ERROR_MR_MID_NOT_FOUND, 0)
		return
	}
	msg += "\r\n"
	if flags&fmAllocateBuffer != 0 {
		b := append(stringToANSI(msg), 0)
		if wide {
			b = utf16Bytes(msg)
		}
		a, err := c.State().Heap.Alloc(uint32(len(b)), false)
		if err != nil || !c.WriteBytes(a, b) || !c.W32(buf, a) {
			c.Fail(abi.ERROR_NOT_ENOUGH_MEMORY, 0)
			return
		}
		if wide {
			c.Return(uint32(len(b)/2 - 1))
		} else {
			c.Return(uint32(len(b) - 1))
		}
		return
	}
	var n uint32
	if wide {
		n, ok = c.PutStringW(buf, size, msg)
	} else {
		n, ok = c.PutStringA(buf, size, msg)
	}
	if !ok {
		c.Fail(abi.ERROR_INSUFFICIENT_BUFFER, 0)
		return
	}
	c.Return(n)
}

func logicalDrives(c *Call, wide bool) {
	size, buf := c.Arg(0), c.Arg(1)
	s := "C:\\\x00"
	if wide {
		if size < 5 {
			c.Return(5)
			return
		}
		c.WriteBytes(buf, utf16Bytes(s))
	} else {
		if size < 5 {
			c.Return(5)
			return
		}
		c.WriteBytes(buf, append([]byte(s), 0))
	}
	c.Return(4)
}

func getDiskFreeSpace(c *Call) {
	c.Arg(0)
	vals := []uint32{8, 512, 0x100000, 0x200000} // sectors/cluster, bytes/sector, free clusters, total
	for i, v := range vals {
		if p := c.Arg(i + 1); p != 0 {
			c.W32(p, v)
		}
	}
	c.Return(1)
}

func getDiskFreeSpaceEx(c *Call) {
	c.Arg(0)
	free := uint64(4) << 30
	for i, v := range []uint64{free, 8 << 30, free} {
		if p := c.Arg(i + 1); p != 0 {
			c.W64(p, v)
		}
	}
	c.Return(1)
}

// Semaphore is a Win32 semaphore object.
type Semaphore struct {
	kernel.ObjectHeader
	Count, Max int32
}

func releaseSemaphore(c *Call) {
	o, ok := c.Object(c.Arg(0))
	n, prev := int32(c.Arg(1)), c.Arg(2)
	s, isS := o.(*Semaphore)
	if !ok || !isS {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	if n <= 0 || s.Count+n > s.Max {
		c.Fail(abi.ERROR_TOO_MANY_POSTS, 0)
		return
	}
	if prev != 0 {
		c.W32(prev, uint32(s.Count))
	}
	s.Count += n
	s.Signal()
	c.Return(1)
}

// signaledFor reports whether a wait by t on o is satisfied now (a mutex t owns is, recursively).
func signaledFor(o kernel.Object, t *kernel.Thread) bool {
	if m, ok := o.(*Mutex); ok {
		return m.Owner == nil || m.Owner == t
	}
	return o.Header().Signaled()
}

// acquire consumes a signaled object for a satisfied wait by t (auto-reset events reset, semaphores count
// down, mutexes become t's).
func acquire(o kernel.Object, t *kernel.Thread) {
	switch x := o.(type) {
	case *Mutex:
		x.tookAbandoned, x.abandoned = x.abandoned, false
		if x.Owner != t {
			x.Owner, x.Count = t, 0
			t.Own(x)
		}
		x.Count++
		x.Reset()
	case *kernel.SyncEvent:
		if !x.ManualReset {
			x.Reset()
		}
	case *Semaphore:
		x.Count--
		if x.Count == 0 {
			x.Reset()
		}
	}
}

func waitForMultipleObjects(c *Call) {
	n, arr, all, ms := c.Arg(0), c.Arg(1), c.Arg(2) != 0, c.Arg(3)
	if waitSatisfied(c) {
		return
	}
	if n == 0 || n > 64 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, abi.WAIT_FAILED)
		return
	}
	objs := make([]kernel.Object, n)
	for i := range objs {
		h, ok := c.R32(arr + 4*uint32(i))
		if !ok {
			c.Fail(abi.ERROR_NOACCESS, abi.WAIT_FAILED)
			return
		}
		if objs[i], ok = c.Object(h); !ok {
			c.Fail(abi.ERROR_INVALID_HANDLE, abi.WAIT_FAILED)
			return
		}
	}
	waitObjects(c, objs, all, ms)
}

func getUserName(c *Call, wide bool) {
	buf, psize := c.Arg(0), c.Arg(1)
	size, ok := c.R32(psize)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	var n uint32
	if wide {
		n, ok = c.PutStringW(buf, size, "user")
	} else {
		n, ok = c.PutStringA(buf, size, "user")
	}
	if !ok {
		c.W32(psize, n)
		c.Fail(abi.ERROR_INSUFFICIENT_BUFFER, 0)
		return
	}
	c.W32(psize, n+1)
	c.Return(1)
}
