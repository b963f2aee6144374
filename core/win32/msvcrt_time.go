package win32

import (
	"fmt"
	"strconv"
	"time"

	"github.com/peek32/peek32/core/kernel"
	"github.com/peek32/peek32/mm"
)

// msvcrt's time functions on the machine's virtual clock (kernel.SystemTime), in UTC: the machine's time zone is
// UTC, so localtime equals gmtime and mktime inverts both. time_t is 32-bit for time/localtime/... and 64-bit for
// the _time64 family (MinGW-w64 calls the 64-bit ones). Also qsort and bsearch, whose comparison functions are
// guest code.

const crtUnixEpochFiletime = 116444736000000000

func init() {
	OnProcessInit(func(s *System, p *kernel.Process) error {
		if st := State(p); st != nil && s.Kernel() != nil {
			st.Ext["msvcrt.clock0"] = s.Kernel().SystemTime()
		}
		return nil
	})
	msvcrt.Add(
		Export{Name: "time", Handler: func(c *Call) { crtTimeFn(c, false) }},
		Export{Name: "_time32", Handler: func(c *Call) { crtTimeFn(c, false) }},
		Export{Name: "_time64", Handler: func(c *Call) { crtTimeFn(c, true) }},
		Export{Name: "clock", Handler: func(c *Call) {
			t0, _ := c.State().Ext["msvcrt.clock0"].(uint64)
			c.Return(uint32((c.K.SystemTime() - t0) / 10000))
		}, Note: "milliseconds of virtual time since the process started"},
		Export{Name: "gmtime", Handler: func(c *Call) { crtTmFn(c, false) }},
		Export{Name: "localtime", Handler: func(c *Call) { crtTmFn(c, false) }},
		Export{Name: "_gmtime32", Handler: func(c *Call) { crtTmFn(c, false) }},
		Export{Name: "_localtime32", Handler: func(c *Call) { crtTmFn(c, false) }},
		Export{Name: "_gmtime64", Handler: func(c *Call) { crtTmFn(c, true) }},
		Export{Name: "_localtime64", Handler: func(c *Call) { crtTmFn(c, true) }},
		Export{Name: "mktime", Handler: func(c *Call) { crtMktimeFn(c, false) }},
		Export{Name: "_mktime32", Handler: func(c *Call) { crtMktimeFn(c, false) }},
		Export{Name: "_mktime64", Handler: func(c *Call) { crtMktimeFn(c, true) }},
		Export{Name: "_mkgmtime", Handler: func(c *Call) { crtMktimeFn(c, false) }},
		Export{Name: "_mkgmtime64", Handler: func(c *Call) { crtMktimeFn(c, true) }},
		Export{Name: "difftime", Handler: func(c *Call) {
			crtReturnDouble(c, float64(int32(c.Arg(0)))-float64(int32(c.Arg(1))))
		}},
		Export{Name: "_difftime64", Handler: func(c *Call) {
			crtReturnDouble(c, float64(int64(c.Arg64(0)))-float64(int64(c.Arg64(2))))
		}},
		Export{Name: "ctime", Handler: func(c *Call) { crtCtimeFn(c, false) }},
		Export{Name: "_ctime64", Handler: func(c *Call) { crtCtimeFn(c, true) }},
		Export{Name: "asctime", Handler: func(c *Call) {
			t, ok := crtReadTM(c, c.Arg(0))
			if !ok {
				return
			}
			crtStaticString(c, "asctime", crtAsctime(t))
		}},
		Export{Name: "strftime", Handler: crtStrftimeFn},
		Export{Name: "_ftime", Handler: func(c *Call) { crtFtimeFn(c, false) }},
		Export{Name: "_ftime64", Handler: func(c *Call) { crtFtimeFn(c, true) }},
		Export{Name: "qsort", Handler: crtQsortFn},
		Export{Name: "bsearch", Handler: crtBsearchFn},
	)
}

// crtNow is the virtual time.
func crtNow(c *Call) time.Time {
	ft := c.K.SystemTime()
	return time.Unix(0, int64(ft-crtUnixEpochFiletime)*100).UTC()
}

func crtTimeFn(c *Call, t64 bool) {
	sec := crtNow(c).Unix()
	if p := c.Arg(0); p != 0 {
		ok := false
		if t64 {
			ok = c.Mem.Write64(p, uint64(sec))
		} else {
			ok = c.W32(p, uint32(sec))
		}
		if !ok {
			c.Fault(p, true)
			return
		}
	}
	if t64 {
		c.Return64(uint64(sec))
		return
	}
	c.Return(uint32(sec))
}

func crtReadTimeT(c *Call, p uint32, t64 bool) (int64, bool) {
	if t64 {
		v, ok := c.Mem.Read64(p)
		if !ok {
			c.Fault(p, false)
		}
		return int64(v), ok
	}
	v, ok := c.R32(p)
	if !ok {
		c.Fault(p, false)
	}
	return int64(int32(v)), ok
}

// struct tm: nine ints.
func crtPutTM(t time.Time) []byte {
	v := []int32{int32(t.Second()), int32(t.Minute()), int32(t.Hour()), int32(t.Day()), int32(t.Month()) - 1,
		int32(t.Year() - 1900), int32(t.Weekday()), int32(t.YearDay() - 1), 0}
	b := make([]byte, 36)
	for i, x := range v {
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(x), byte(x>>8), byte(x>>16), byte(x>>24)
	}
	return b
}

func crtReadTM(c *Call, p uint32) ([9]int32, bool) {
	var t [9]int32
	for i := range t {
		v, ok := c.R32(p + 4*uint32(i))
		if !ok {
			c.Fault(p+4*uint32(i), false)
			return t, false
		}
		t[i] = int32(v)
	}
	return t, true
}

func crtTmTime(t [9]int32) time.Time {
	return time.Date(int(t[5])+1900, time.Month(t[4]+1), int(t[3]), int(t[2]), int(t[1]), int(t[0]), 0, time.UTC)
}

// crtTmFn implements gmtime/localtime: a pointer to a per-process static struct tm, or NULL for a negative time.
func crtTmFn(c *Call, t64 bool) {
	sec, ok := crtReadTimeT(c, c.Arg(0), t64)
	if !ok {
		return
	}
	if sec < 0 || sec > 32535215999 {
		c.SetErrno(crtEINVAL)
		c.Return(0)
		return
	}
	st := c.State()
	addr, _ := st.Ext["msvcrt.tm"].(uint32)
	if addr == 0 {
		a, err := c.P.Alloc(36)
		if err != nil {
			c.Return(0)
			return
		}
		addr = a
		st.Ext["msvcrt.tm"] = addr
	}
	c.Mem.WriteBytes(addr, crtPutTM(time.Unix(sec, 0).UTC()), mm.AccessWrite)
	c.Return(addr)
}

// crtMktimeFn normalizes the struct tm in place and returns its time_t (-1 before 1970).
func crtMktimeFn(c *Call, t64 bool) {
	p := c.Arg(0)
	t, ok := crtReadTM(c, p)
	if !ok {
		return
	}
	tt := crtTmTime(t)
	sec := tt.Unix()
	if sec < 0 || (!t64 && sec > 0x7FFFFFFF) {
		if t64 {
			c.Return64(^uint64(0))
		} else {
			c.Return(0xFFFFFFFF)
		}
		return
	}
	if !c.WriteBytes(p, crtPutTM(tt)) {
		c.Fault(p, true)
		return
	}
	if t64 {
		c.Return64(uint64(sec))
		return
	}
	c.Return(uint32(sec))
}

var crtDayNames = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
var crtMonthNames = [...]string{"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"}

// crtAsctime is "Wed Jan 02 02:03:55 1980\n" (msvcrt pads the day with a zero).
func crtAsctime(t [9]int32) string {
	w, m := int(t[6])%7, int(t[4])%12
	if w < 0 {
		w += 7
	}
	if m < 0 {
		m += 12
	}
	return fmt.Sprintf("%.3s %.3s %02d %02d:%02d:%02d %d\n", crtDayNames[w], crtMonthNames[m], t[3], t[2], t[1], t[0], t[5]+1900)
}

func crtCtimeFn(c *Call, t64 bool) {
	sec, ok := crtReadTimeT(c, c.Arg(0), t64)
	if !ok {
		return
	}
	if sec < 0 {
		c.Return(0)
		return
	}
	b := crtPutTM(time.Unix(sec, 0).UTC())
	var t [9]int32
	for i := range t {
		t[i] = int32(uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24)
	}
	crtStaticString(c, "asctime", crtAsctime(t))
}

// crtStrftimeFn formats in the "C" locale as msvcrt does: %c is "%m/%d/%y %H:%M:%S", %x "%m/%d/%y", %X "%H:%M:%S",
// %Z the zone name "UTC"; '#' flags are accepted and ignored. It returns the length, or 0 if it does not fit.
func crtStrftimeFn(c *Call) {
	buf, max := c.Arg(0), c.Arg(1)
	f, ok := crtReadFormat(c, 2)
	if !ok {
		return
	}
	t, ok := crtReadTM(c, c.Arg(3))
	if !ok {
		return
	}
	out := crtStrftime(string(f), t)
	if uint32(len(out)) >= max {
		if max > 0 {
			c.Mem.Write8(buf, 0)
		}
		c.Return(0)
		return
	}
	if !c.WriteBytes(buf, append([]byte(out), 0)) {
		c.Fault(buf, true)
		return
	}
	c.Return(uint32(len(out)))
}

func crtStrftime(f string, t [9]int32) string {
	var b []byte
	two := func(v int32) { b = append(b, byte('0'+v/10%10), byte('0'+v%10)) }
	w, m := int(t[6]), int(t[4])
	if w < 0 || w > 6 {
		w = 0
	}
	if m < 0 || m > 11 {
		m = 0
	}
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 >= len(f) {
			b = append(b, f[i])
			continue
		}
		i++
		if f[i] == '#' && i+1 < len(f) {
			i++
		}
		switch f[i] {
		case 'a':
			b = append(b, crtDayNames[w][:3]...)
		case 'A':
			b = append(b, crtDayNames[w]...)
		case 'b':
			b = append(b, crtMonthNames[m][:3]...)
		case 'B':
			b = append(b, crtMonthNames[m]...)
		case 'c':
			b = append(b, crtStrftime("%m/%d/%y %H:%M:%S", t)...)
		case 'd':
			two(t[3])
		case 'H':
			two(t[2])
		case 'I':
			h := t[2] % 12
			if h == 0 {
				h = 12
			}
			two(h)
		case 'j':
			b = append(b, fmt.Sprintf("%03d", t[7]+1)...)
		case 'm':
			two(t[4] + 1)
		case 'M':
			two(t[1])
		case 'p':
			if t[2] < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		case 'S':
			two(t[0])
		case 'U', 'W':
			wd := int32(w)
			if f[i] == 'W' {
				wd = (wd + 6) % 7
			}
			two((t[7] + 7 - wd) / 7)
		case 'w':
			b = strconv.AppendInt(b, int64(w), 10)
		case 'x':
			b = append(b, crtStrftime("%m/%d/%y", t)...)
		case 'X':
			b = append(b, crtStrftime("%H:%M:%S", t)...)
		case 'y':
			two((t[5] + 1900) % 100)
		case 'Y':
			b = strconv.AppendInt(b, int64(t[5])+1900, 10)
		case 'z', 'Z':
			b = append(b, "UTC"...)
		case '%':
			b = append(b, '%')
		}
	}
	return string(b)
}

func crtFtimeFn(c *Call, t64 bool) {
	p := c.Arg(0)
	n := crtNow(c)
	var b []byte
	if t64 {
		b = make([]byte, 16) // __time64_t time; unsigned short millitm; short timezone; short dstflag
		v := uint64(n.Unix())
		for i := 0; i < 8; i++ {
			b[i] = byte(v >> (8 * i))
		}
		ms := uint16(n.Nanosecond() / 1e6)
		b[8], b[9] = byte(ms), byte(ms>>8)
	} else {
		b = make([]byte, 12)
		v := uint32(n.Unix())
		b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		ms := uint16(n.Nanosecond() / 1e6)
		b[4], b[5] = byte(ms), byte(ms>>8)
	}
	if !c.WriteBytes(p, b) {
		c.Fault(p, true)
		return
	}
	c.Return(0)
}

// crtQsortFn sorts with the guest's comparison function: the elements are copied to a scratch block (so the
// pointers the comparator sees stay put), ordered by binary insertion (n log n calls), and written back.
func crtQsortFn(c *Call) {
	base, n, size, cmp := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3)
	if n < 2 || size == 0 {
		c.Return(0)
		return
	}
	if uint64(n)*uint64(size) > 256<<20 {
		c.Fault(base, false)
		return
	}
	data, ok := c.ReadBytes(base, int(n*size))
	if !ok {
		c.Fault(base, false)
		return
	}
	scratch, err := c.State().Heap.Alloc(n*size, false)
	if err != nil {
		c.Return(0)
		return
	}
	c.WriteBytes(scratch, data)
	order := []uint32{0}
	var insert func(i, lo, hi uint32)
	finish := func() {
		out := make([]byte, 0, len(data))
		for _, k := range order {
			out = append(out, data[k*size:(k+1)*size]...)
		}
		c.State().Heap.Free(scratch)
		if !c.WriteBytes(base, out) {
			c.Fault(base, true)
			return
		}
		c.Return(0)
	}
	insert = func(i, lo, hi uint32) {
		if lo >= hi {
			order = append(order, 0)
			copy(order[lo+1:], order[lo:])
			order[lo] = i
			if i+1 == n {
				finish()
				return
			}
			insert(i+1, 0, uint32(len(order)))
			return
		}
		mid := (lo + hi) / 2
		c.CallGuest(cmp, []uint32{scratch + i*size, scratch + order[mid]*size}, func(c *Call, r uint32) {
			if int32(r) < 0 {
				insert(i, lo, mid)
			} else {
				insert(i, mid+1, hi)
			}
		})
	}
	insert(1, 0, 1)
}

// crtBsearchFn binary-searches a sorted array with the guest's comparison function (key first, element second).
func crtBsearchFn(c *Call) {
	key, base, n, size, cmp := c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4)
	var step func(lo, hi uint32)
	step = func(lo, hi uint32) {
		if lo >= hi {
			c.Return(0)
			return
		}
		mid := lo + (hi-lo)/2
		elem := base + mid*size
		c.CallGuest(cmp, []uint32{key, elem}, func(c *Call, r uint32) {
			switch {
			case r == 0:
				c.Return(elem)
			case int32(r) < 0:
				step(lo, mid)
			default:
				step(mid+1, hi)
			}
		})
	}
	step(0, n)
}
