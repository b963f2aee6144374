package win32

import (
	"encoding/binary"
	"strings"

	"github.com/peek32/peek32/core/vfs"
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/core/win32/crt"
)

// msvcrt's low-level I/O (_open and friends on descriptors), directories (_mkdir, _chdir, _getcwd, _access) and
// _findfirst searches, on the machine's file system.

// _open flags.
const (
	crtORDONLY    = 0x0000
	crtOWRONLY    = 0x0001
	crtORDWR      = 0x0002
	crtOAPPEND    = 0x0008
	crtOTEMPORARY = 0x0040
	crtOCREAT     = 0x0100
	crtOTRUNC     = 0x0200
	crtOEXCL      = 0x0400
)

func init() {
	msvcrt.Add(
		Export{Name: "_open", Handler: func(c *Call) { crtOpenFn(c, false, c.Arg(1), 0x40) }},
		Export{Name: "_wopen", Handler: func(c *Call) { crtOpenFn(c, true, c.Arg(1), 0x40) }},
		Export{Name: "_sopen", Handler: func(c *Call) { crtOpenFn(c, false, c.Arg(1), c.Arg(2)) }},
		Export{Name: "_wsopen", Handler: func(c *Call) { crtOpenFn(c, true, c.Arg(1), c.Arg(2)) }},
		Export{Name: "_creat", Handler: func(c *Call) { crtOpenFn(c, false, crtOCREAT|crtOTRUNC|crtORDWR, 0x40) }},
		Export{Name: "_fdopen", Handler: crtFdopenFn},
		Export{Name: "_tell", Handler: func(c *Call) { crtLseekTo(c, int32(c.Arg(0)), 0, 1) }},
		Export{Name: "_filelength", Handler: func(c *Call) {
			f, ok := crtFdObject(c, int32(c.Arg(0))).(*FileObject)
			if !ok {
				c.SetErrno(crtEBADF)
				c.Return(crtEOF)
				return
			}
			c.Return(uint32(f.F.Size()))
		}},
		Export{Name: "_eof", Handler: func(c *Call) {
			f, ok := crtFdObject(c, int32(c.Arg(0))).(*FileObject)
			if !ok {
				c.SetErrno(crtEBADF)
				c.Return(crtEOF)
				return
			}
			pos, _ := f.F.Seek(0, 1)
			c.Return(crtBoolU32(pos >= f.F.Size()))
		}},
		Export{Name: "_commit", Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "_dup", Handler: func(c *Call) {
			d := crtIO(c).fds[int32(c.Arg(0))]
			if d == nil {
				c.SetErrno(crtEBADF)
				c.Return(crtEOF)
				return
			}
			c.Return(uint32(crtDupFD(c, d, -1)))
		}},
		Export{Name: "_dup2", Handler: func(c *Call) {
			d := crtIO(c).fds[int32(c.Arg(0))]
			to := int32(c.Arg(1))
			if d == nil || to < 0 {
				c.SetErrno(crtEBADF)
				c.Return(crtEOF)
				return
			}
			crtCloseFD(c, to)
			crtDupFD(c, d, to)
			c.Return(0)
		}},
		Export{Name: "_access", Handler: func(c *Call) { crtAccessFn(c, false) }},
		Export{Name: "_waccess", Handler: func(c *Call) { crtAccessFn(c, true) }},
		Export{Name: "_mkdir", Handler: func(c *Call) { crtDirOp(c, (*vfs.FS).Mkdir) }},
		Export{Name: "_rmdir", Handler: func(c *Call) { crtDirOp(c, (*vfs.FS).Rmdir) }},
		Export{Name: "_chdir", Handler: crtChdirFn},
		Export{Name: "_getcwd", Handler: crtGetcwdFn},
		Export{Name: "_findfirst", Handler: crtFindfirstFn},
		Export{Name: "_findnext", Handler: crtFindnextFn},
		Export{Name: "_findclose", Handler: func(c *Call) {
			finds := crtFinds(c)
			if _, ok := finds[c.Arg(0)]; !ok {
				c.SetErrno(crtENOENT)
				c.Return(crtEOF)
				return
			}
			delete(finds, c.Arg(0))
			c.Return(0)
		}},
		Export{Name: "fputws", Handler: func(c *Call) {
			s, err := crt.ReadWString(c.Mem, c.Arg(0), 1<<26)
			if err != nil {
				crtFaultFrom(c, err)
				return
			}
			if !crtPut(c, crtStreamArg(c, 1), stringToANSI(crtUtf16ToString(s))) {
				c.Return(0xFFFF)
				return
			}
			c.Return(0)
		}},
	)
}

func crtPathString(c *Call, i int, wide bool) (string, bool) {
	if wide {
		s, ok := c.WStr(i)
		if !ok {
			c.Fault(c.Arg(i), false)
		}
		return s, ok
	}
	return crtPathArg(c, i)
}

// crtOpenFn implements _open/_sopen/_creat: flags map to CreateFile's access and disposition; shflag
// (_SH_DENYRW 0x10, _SH_DENYWR 0x20, _SH_DENYRD 0x30, _SH_DENYNO 0x40) to the share mode.
func crtOpenFn(c *Call, wide bool, flags, shflag uint32) {
	name, ok := crtPathString(c, 0, wide)
	if !ok {
		return
	}
	var access uint32
	switch flags & 3 {
	case crtORDONLY:
		access = abi.GENERIC_READ
	case crtOWRONLY:
		access = abi.GENERIC_WRITE
	default:
		access = abi.GENERIC_READ | abi.GENERIC_WRITE
	}
	disp := uint32(vfs.OpenExisting)
	switch {
	case flags&crtOCREAT != 0 && flags&crtOEXCL != 0:
		disp = vfs.CreateNew
	case flags&crtOCREAT != 0 && flags&crtOTRUNC != 0:
		disp = vfs.CreateAlways
	case flags&crtOCREAT != 0:
		disp = vfs.OpenAlways
	case flags&crtOTRUNC != 0:
		disp = vfs.TruncateExisting
	}
	share := uint32(abi.FILE_SHARE_READ | abi.FILE_SHARE_WRITE)
	switch shflag {
	case 0x10:
		share = 0
	case 0x20:
		share = abi.FILE_SHARE_READ
	case 0x30:
		share = abi.FILE_SHARE_WRITE
	}
	var fl uint32
	if flags&crtOTEMPORARY != 0 {
		fl = vfs.FlagDeleteOnClose
		access |= vfs.Delete
		share |= abi.FILE_SHARE_DELETE
	}
	h, _, err := c.OpenFile(name, access, share, disp, fl, false)
	if err != nil {
		crtSetError(c, err)
		c.Return(crtEOF)
		return
	}
	text := true
	if v, ok := c.Mem.Read32(c.S.DataAddr(c.P, "msvcrt.dll", "_fmode")); ok && v&crtOBinary != 0 {
		text = false
	}
	if flags&crtOBinary != 0 {
		text = false
	} else if flags&crtOText != 0 {
		text = true
	}
	c.Return(uint32(crtNewFD(c, &crtFD{h: h, text: text, append: flags&crtOAPPEND != 0, owned: true})))
}

// crtDupFD gives descriptor to (or the lowest free one when to < 0) a new handle to d's file.
func crtDupFD(c *Call, d *crtFD, to int32) int32 {
	nd := *d
	nd.pending = nil
	if e, ok := c.P.Handles.Get(d.h); ok {
		if h, ok := c.P.Handles.Insert(e.Object, e.Access, false); ok {
			nd.h, nd.owned = h, true
		}
	}
	if to < 0 {
		return crtNewFD(c, &nd)
	}
	crtIO(c).fds[to] = &nd
	return to
}

func crtLseekTo(c *Call, fd int32, off int64, whence int) {
	f, ok := crtFdObject(c, fd).(*FileObject)
	if !ok {
		c.SetErrno(crtEBADF)
		c.Return(crtEOF)
		return
	}
	pos, err := f.F.Seek(off, whence)
	if err != nil || pos > 0x7FFFFFFF {
		c.SetErrno(crtEINVAL)
		c.Return(crtEOF)
		return
	}
	c.Return(uint32(pos))
}

func crtFdopenFn(c *Call) {
	fd := int32(c.Arg(0))
	mode, ok := c.Str(1)
	if !ok {
		c.Fault(c.Arg(1), false)
		return
	}
	d := crtIO(c).fds[fd]
	if d == nil || mode == "" {
		c.SetErrno(crtEBADF)
		c.Return(0)
		return
	}
	read := mode[0] == 'r' || strings.Contains(mode, "+")
	write := mode[0] != 'r' || strings.Contains(mode, "+")
	if strings.Contains(mode, "b") {
		d.text = false
	} else if strings.Contains(mode, "t") {
		d.text = true
	}
	addr, err := c.State().Heap.Alloc(crtFileSize, true)
	if err != nil {
		c.SetErrno(crtENOMEM)
		c.Return(0)
		return
	}
	c.Mem.Write32(addr+16, uint32(fd))
	crtIO(c).streams[addr] = &crtStream{addr: addr, fd: fd, read: read, write: write, heapAllocated: true}
	c.Return(addr)
}

// crtAccessFn implements _access: mode 0 (exists), 2 (writable), 4 (readable), 6 (both); a read-only file fails
// mode 2 with EACCES.
func crtAccessFn(c *Call, wide bool) {
	name, ok := crtPathString(c, 0, wide)
	if !ok {
		return
	}
	mode := c.Arg(1)
	full, fs, err := crtFullPath(c, name)
	var info vfs.Info
	if err == nil {
		info, err = fs.Stat(full)
	}
	if err != nil {
		crtSetError(c, err)
		c.Return(crtEOF)
		return
	}
	if mode&2 != 0 && info.Attr&abi.FILE_ATTRIBUTE_READONLY != 0 {
		c.SetErrno(crtEACCES)
		c.Return(crtEOF)
		return
	}
	c.Return(0)
}

func crtDirOp(c *Call, op func(*vfs.FS, string) error) {
	name, ok := crtPathArg(c, 0)
	if !ok {
		return
	}
	full, fs, err := crtFullPath(c, name)
	if err == nil {
		err = op(fs, full)
	}
	if err != nil {
		crtSetError(c, err)
		c.Return(crtEOF)
		return
	}
	c.Return(0)
}

func crtChdirFn(c *Call) {
	name, ok := crtPathArg(c, 0)
	if !ok {
		return
	}
	full, fs, err := crtFullPath(c, name)
	if err == nil {
		err = fs.IsDir(full)
	}
	if err != nil {
		crtSetError(c, err)
		c.Return(crtEOF)
		return
	}
	c.P.CurrentDir = full
	c.Return(0)
}

// crtGetcwdFn implements _getcwd: into buf (size bytes), or a malloc'd buffer when buf is NULL.
func crtGetcwdFn(c *Call) {
	buf, size := c.Arg(0), c.Arg(1)
	dir := strings.TrimSuffix(c.P.CurrentDir, `\`)
	if len(dir) == 2 {
		dir += `\`
	}
	b := append(stringToANSI(dir), 0)
	if buf == 0 {
		n := uint32(len(b))
		if size > n {
			n = size
		}
		a, err := c.State().Heap.Alloc(n, true)
		if err != nil {
			c.SetErrno(crtENOMEM)
			c.Return(0)
			return
		}
		buf = a
	} else if uint32(len(b)) > size {
		c.SetErrno(crtERANGE)
		c.Return(0)
		return
	}
	if !c.WriteBytes(buf, b) {
		c.Fault(buf, true)
		return
	}
	c.Return(buf)
}

func crtFinds(c *Call) map[uint32]*vfs.Find {
	st := c.State()
	if m, ok := st.Ext["msvcrt.finds"].(map[uint32]*vfs.Find); ok {
		return m
	}
	m := map[uint32]*vfs.Find{}
	st.Ext["msvcrt.finds"] = m
	return m
}

// crtPutFindData fills a struct _finddata_t: attrib, time_create, time_access, time_write (32-bit time_t), size,
// name[260].
func crtPutFindData(c *Call, p uint32, info vfs.Info) bool {
	b := make([]byte, 280)
	attr := info.Attr
	if attr == abi.FILE_ATTRIBUTE_NORMAL {
		attr = 0
	}
	toT := func(ft uint64) uint32 {
		if ft < crtUnixEpochFiletime {
			return 0
		}
		return uint32((ft - crtUnixEpochFiletime) / 10_000_000)
	}
	binary.LittleEndian.PutUint32(b[0:], attr)
	binary.LittleEndian.PutUint32(b[4:], toT(info.Times.Creation))
	binary.LittleEndian.PutUint32(b[8:], toT(info.Times.LastAccess))
	binary.LittleEndian.PutUint32(b[12:], toT(info.Times.LastWrite))
	binary.LittleEndian.PutUint32(b[16:], uint32(min(info.Size, 0xFFFFFFFF)))
	name := stringToANSI(info.Name)
	if len(name) > 259 {
		name = name[:259]
	}
	copy(b[20:], name)
	return c.WriteBytes(p, b)
}

func crtFindfirstFn(c *Call) {
	spec, ok := crtPathArg(c, 0)
	if !ok {
		return
	}
	data := c.Arg(1)
	full, fs, err := crtFullPath(c, spec)
	var f *vfs.Find
	if err == nil {
		f, err = fs.FindFirst(full)
	}
	if err != nil {
		crtSetError(c, err)
		c.Return(crtEOF)
		return
	}
	info, _ := f.Next()
	if !crtPutFindData(c, data, info) {
		c.Fault(data, true)
		return
	}
	finds := crtFinds(c)
	h := uint32(0x1000)
	for finds[h] != nil {
		h++
	}
	finds[h] = f
	c.Return(h)
}

func crtFindnextFn(c *Call) {
	f := crtFinds(c)[c.Arg(0)]
	if f == nil {
		c.SetErrno(crtEINVAL)
		c.Return(crtEOF)
		return
	}
	info, ok := f.Next()
	if !ok {
		c.SetErrno(crtENOENT)
		c.Return(crtEOF)
		return
	}
	if !crtPutFindData(c, c.Arg(1), info) {
		c.Fault(c.Arg(1), true)
		return
	}
	c.Return(0)
}
