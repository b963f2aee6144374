package win32

// Process enumeration beside the toolhelp snapshots of toolhelp.go: psapi's EnumProcesses, EnumProcessModules,
// GetModuleBaseName and GetModuleFileNameEx (also exported by kernel32 with the K32 prefix, as Windows 7 does),
// QueryFullProcessImageName, and ntdll's NtQuerySystemInformation(SystemProcessInformation) with the 32-bit
// SYSTEM_PROCESS_INFORMATION / SYSTEM_THREAD_INFORMATION layout. Every list is of the live processes in
// creation order, explorer.exe first.

import (
	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/core/win32/abi"
)

func init() {
	psapi := NewDLL("psapi.dll", 0x76BF0000) // ntdll.go declares it too; the first declaration wins
	for _, pre := range []string{"", "K32"} {
		d := psapi
		if pre != "" {
			d = kernel32
		}
		d.Add(
			Export{Name: pre + "EnumProcesses", ArgBytes: 12, Handler: enumProcesses},
			Export{Name: pre + "EnumProcessModules", ArgBytes: 16, Handler: enumProcessModules},
			Export{Name: pre + "EnumProcessModulesEx", ArgBytes: 20, Handler: enumProcessModules, Note: "32-bit modules only"},
			Export{Name: pre + "GetModuleBaseNameA", ArgBytes: 16, Handler: func(c *Call) { getModuleNameEx(c, false, false) }},
			Export{Name: pre + "GetModuleBaseNameW", ArgBytes: 16, Handler: func(c *Call) { getModuleNameEx(c, true, false) }},
			Export{Name: pre + "GetModuleFileNameExA", ArgBytes: 16, Handler: func(c *Call) { getModuleNameEx(c, false, true) }},
			Export{Name: pre + "GetModuleFileNameExW", ArgBytes: 16, Handler: func(c *Call) { getModuleNameEx(c, true, true) }},
			Export{Name: pre + "GetProcessImageFileNameA", ArgBytes: 12, Handler: func(c *Call) { getProcessImageFileName(c, false) }},
			Export{Name: pre + "GetProcessImageFileNameW", ArgBytes: 12, Handler: func(c *Call) { getProcessImageFileName(c, true) }},
		)
	}
	kernel32.Add(
		Export{Name: "QueryFullProcessImageNameA", ArgBytes: 16, Handler: func(c *Call) { queryFullProcessImageName(c, false) }},
		Export{Name: "QueryFullProcessImageNameW", ArgBytes: 16, Handler: func(c *Call) { queryFullProcessImageName(c, true) }},
	)
	ntdll.Add(
		Export{Name: "NtQuerySystemInformation", ArgBytes: 16, Handler: ntQuerySystemInformation, Note: "SystemProcessInformation only"},
		Export{Name: "ZwQuerySystemInformation", ArgBytes: 16, Handler: ntQuerySystemInformation, Note: "SystemProcessInformation only"},
	)
}

// liveProcesses returns the processes that have not ended, in creation order.
func liveProcesses(k *kernel.Kernel) []*kernel.Process {
	var out []*kernel.Process
	for _, p := range k.Processes() {
		if !p.Exited() {
			out = append(out, p)
		}
	}
	return out
}

func enumProcesses(c *Call) {
	buf, size, pneeded := c.Arg(0), c.Arg(1), c.Arg(2)
	ps := liveProcesses(c.K)
	n := min(uint32(len(ps)), size/4)
	for i := uint32(0); i < n; i++ {
		if !c.W32(buf+4*i, ps[i].ID) {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
	}
	if !c.W32(pneeded, 4*n) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

func enumProcessModules(c *Call) {
	p, e := c.procArg(0)
	buf, size, pneeded := c.Arg(1), c.Arg(2), c.Arg(3)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	n := min(uint32(len(p.Modules)), size/4)
	for i := uint32(0); i < n; i++ {
		if !c.W32(buf+4*i, p.Modules[i].Base) {
			c.Fail(abi.ERROR_NOACCESS, 0)
			return
		}
	}
	if !c.W32(pneeded, 4*uint32(len(p.Modules))) {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(1)
}

// putTruncated copies s into buf (size characters) as GetModuleBaseName does: the characters that fit, with a
// NUL only if there is room for it (Wine 8 does the same), returning the characters copied.
func putTruncated(c *Call, wide bool, buf, size uint32, s string) (uint32, bool) {
	if wide {
		w := utf16Bytes(s) // with its NUL
		n := min(uint32(len(w)/2), size)
		return min(n, uint32(len(w)/2-1)), c.WriteBytes(buf, w[:2*n])
	}
	a := append(stringToANSI(s), 0)
	n := min(uint32(len(a)), size)
	return min(n, uint32(len(a)-1)), c.WriteBytes(buf, a[:n])
}

func getModuleNameEx(c *Call, wide, full bool) {
	p, e := c.procArg(0)
	hmod, buf, size := c.Arg(1), c.Arg(2), c.Arg(3)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	var m *kernel.Module
	if hmod == 0 {
		m = p.Image
	} else {
		for _, x := range p.Modules {
			if x.Base == hmod {
				m = x
			}
		}
	}
	if m == nil {
		c.Fail(abi.ERROR_INVALID_HANDLE, 0)
		return
	}
	s := m.BaseName
	if full {
		s = m.FullPath
	}
	n, ok := putTruncated(c, wide, buf, size, s)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	c.Return(n)
}

// ntDevicePath turns C:\x into the NT device form \Device\HarddiskVolume1\x that GetProcessImageFileName and
// QueryFullProcessImageName(PROCESS_NAME_NATIVE) return.
func ntDevicePath(p string) string {
	if len(p) >= 2 && p[1] == ':' {
		return `\Device\HarddiskVolume1` + p[2:]
	}
	return p
}

func getProcessImageFileName(c *Call, wide bool) {
	p, e := c.procArg(0)
	buf, size := c.Arg(1), c.Arg(2)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	s := ntDevicePath(p.ImagePath)
	var n uint32
	var ok bool
	if wide {
		n, ok = c.PutStringW(buf, size, s)
	} else {
		n, ok = c.PutStringA(buf, size, s)
	}
	if !ok {
		c.Fail(abi.ERROR_INSUFFICIENT_BUFFER, 0)
		return
	}
	c.Return(n)
}

func queryFullProcessImageName(c *Call, wide bool) {
	p, e := c.procArg(0)
	flags, buf, psize := c.Arg(1), c.Arg(2), c.Arg(3)
	if e != 0 {
		c.Fail(e, 0)
		return
	}
	if flags&^1 != 0 {
		c.Fail(abi.ERROR_INVALID_PARAMETER, 0)
		return
	}
	size, ok := c.R32(psize)
	if !ok {
		c.Fail(abi.ERROR_NOACCESS, 0)
		return
	}
	s := p.ImagePath
	if flags&1 != 0 { // PROCESS_NAME_NATIVE
		s = ntDevicePath(s)
	}
	var n uint32
	if wide {
		n, ok = c.PutStringW(buf, size, s)
	} else {
		n, ok = c.PutStringA(buf, size, s)
	}
	if !ok {
		c.Fail(abi.ERROR_INSUFFICIENT_BUFFER, 0)
		return
	}
	c.W32(psize, n)
	c.Return(1)
}

// SYSTEM_PROCESS_INFORMATION and SYSTEM_THREAD_INFORMATION on 32-bit Windows.
const (
	systemProcessInformation = 5
	spiSize                  = 0xB8
	spiNumberOfThreads       = 0x04
	spiImageName             = 0x38 // UNICODE_STRING
	spiBasePriority          = 0x40
	spiUniqueProcessID       = 0x44
	spiInheritedFrom         = 0x48
	spiHandleCount           = 0x4C
	sthSize                  = 0x40
	sthStartAddress          = 0x1C
	sthClientID              = 0x20
	sthPriority              = 0x28
	sthBasePriority          = 0x2C
	sthState                 = 0x34
	sthWaitReason            = 0x38
)

// buildProcessInformation lays out the SystemProcessInformation list for the buffer at base.
func buildProcessInformation(c *Call, base uint32) []byte {
	var out []byte
	ps := liveProcesses(c.K)
	for i, p := range ps {
		ths := p.Threads()
		name := utf16Bytes(p.Name)
		nameLen := len(name) - 2
		entry := spiSize + sthSize*len(ths)
		size := (entry + len(name) + 7) &^ 7
		b := make([]byte, size)
		put := func(off int, v uint32) {
			b[off], b[off+1], b[off+2], b[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		}
		if i < len(ps)-1 {
			put(0, uint32(size))
		}
		put(spiNumberOfThreads, uint32(len(ths)))
		put(spiImageName, uint32(nameLen)|uint32(nameLen+2)<<16)
		put(spiImageName+4, base+uint32(len(out)+entry))
		put(spiBasePriority, classBasePriority(p))
		put(spiUniqueProcessID, p.ID)
		put(spiInheritedFrom, p.Parent)
		put(spiHandleCount, uint32(p.Handles.Len()))
		for j, t := range ths {
			o := spiSize + sthSize*j
			put(o+sthStartAddress, t.Start)
			put(o+sthClientID, p.ID)
			put(o+sthClientID+4, t.ID)
			put(o+sthPriority, uint32(t.BasePriority()))
			put(o+sthBasePriority, uint32(t.BasePriority()))
			state, reason := uint32(2), uint32(0) // Running / Executive
			if t.State() == kernel.ThreadWaiting || t.SuspendCount() > 0 {
				state, reason = 5, 6 // Waiting / UserRequest
				if t.SuspendCount() > 0 {
					reason = 5 // Suspended
				}
			} else if t != c.T {
				state = 1 // Ready
			}
			put(o+sthState, state)
			put(o+sthWaitReason, reason)
		}
		copy(b[entry:], name)
		out = append(out, b...)
	}
	return out
}

func ntQuerySystemInformation(c *Call) {
	class, buf, size, pret := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	if class != systemProcessInformation {
		c.Return(uint32(abi.STATUS_INVALID_INFO_CLASS))
		return
	}
	b := buildProcessInformation(c, buf)
	if pret != 0 && !c.W32(pret, uint32(len(b))) {
		c.Return(uint32(abi.STATUS_ACCESS_VIOLATION))
		return
	}
	if uint32(len(b)) > size {
		c.Return(uint32(abi.STATUS_INFO_LENGTH_MISMATCH))
		return
	}
	if !c.WriteBytes(buf, b) {
		c.Return(uint32(abi.STATUS_ACCESS_VIOLATION))
		return
	}
	c.Return(uint32(abi.STATUS_SUCCESS))
}
