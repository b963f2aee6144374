package win32

import (
	"github.com/peek32/peek32/core/win32/abi"
	"github.com/peek32/peek32/core/win32/crt"
)

// ucrtbase is the built-in ucrtbase.dll, the Universal C Runtime (what Visual Studio 2015+ and Wine's own
// programs link against; the api-ms-win-crt-* API sets resolve to it). Its library functions with msvcrt
// names forward to msvcrt.dll (ForwardRest), so the two share one implementation and one per-process state;
// this file declares what differs: the UCRT's start-up interface.
var ucrtbase = NewDLL("ucrtbase.dll", 0x78000000)

func init() {
	ucrtbase.ForwardRest = "msvcrt"
	ucrtbase.Add(
		Export{Name: "_configure_narrow_argv", Handler: func(c *Call) { c.Arg(0); setMsvcrtData(c); c.Return(0) }},
		Export{Name: "_configure_wide_argv", Handler: func(c *Call) { c.Arg(0); setMsvcrtData(c); c.Return(0) }},
		Export{Name: "_initialize_narrow_environment", Handler: func(c *Call) { setMsvcrtData(c); c.Return(0) }},
		Export{Name: "_initialize_wide_environment", Handler: func(c *Call) { setMsvcrtData(c); c.Return(0) }},
		Export{Name: "_get_initial_narrow_environment", Handler: func(c *Call) { setMsvcrtData(c); c.Return(CRT(c.P).Environ) }},
		Export{Name: "_get_initial_wide_environment", Handler: func(c *Call) { setMsvcrtData(c); c.Return(CRT(c.P).Wenviron) }},
		Export{Name: "_set_app_type", Handler: func(c *Call) { c.Arg(0); c.Return(0) }},
		Export{Name: "_set_fmode", Handler: func(c *Call) {
			if a := c.S.DataAddr(c.P, "msvcrt.dll", "_fmode"); a != 0 {
				c.W32(a, c.Arg(0))
			}
			c.Return(0)
		}},
		Export{Name: "_configthreadlocale", Handler: func(c *Call) { c.Arg(0); c.Return(2) }}, // _DISABLE_PER_THREAD_LOCALE
		Export{Name: "_set_new_mode", Handler: func(c *Call) { c.Arg(0); c.Return(0) }},
		Export{Name: "_query_new_mode", Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "_callnewh", Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "_crt_atexit", Handler: func(c *Call) { CRT(c.P).OnExit = append(CRT(c.P).OnExit, c.Arg(0)); c.Return(0) }},
		Export{Name: "_crt_at_quick_exit", Handler: func(c *Call) { c.Arg(0); c.Return(0) }},
		Export{Name: "_initialize_onexit_table", Handler: func(c *Call) {
			t := c.Arg(0)
			c.W32(t, 0)
			c.W32(t+4, 0)
			c.W32(t+8, 0)
			c.Return(0)
		}},
		Export{Name: "_register_onexit_function", Handler: func(c *Call) {
			c.Arg(0)
			CRT(c.P).OnExit = append(CRT(c.P).OnExit, c.Arg(1))
			c.Return(0)
		}, Note: "functions join the process's exit list"},
		Export{Name: "_execute_onexit_table", Handler: func(c *Call) { c.Arg(0); c.Return(0) }},
		Export{Name: "_seh_filter_exe", Handler: func(c *Call) { c.Return(abi.EXCEPTION_CONTINUE_SEARCH) }},
		Export{Name: "_seh_filter_dll", Handler: func(c *Call) { c.Return(abi.EXCEPTION_CONTINUE_SEARCH) }},
		Export{Name: "_invalid_parameter_noinfo", Handler: invalidParameter},
		Export{Name: "_invalid_parameter_noinfo_noreturn", Handler: invalidParameter},
		Export{Name: "terminate", Handler: func(c *Call) {
			writeStderr(c, "\r\nabnormal program termination\r\n")
			crtExit(c, 3, false, true)
		}},
		Export{Name: "_get_initial_narrow_environment_ptr", Handler: func(c *Call) { c.Return(0) }},
		Export{Name: "__stdio_common_vsprintf", Handler: func(c *Call) { stdioCommonSprintf(c, false) }, Note: "legacy msvcrt formats"},
		Export{Name: "__stdio_common_vswprintf", Handler: func(c *Call) { stdioCommonSprintf(c, true) }, Note: "legacy msvcrt formats"},
		Export{Name: "__p___argc", Handler: func(c *Call) { ensureArgs(c); c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "__argc")) }},
		Export{Name: "__p___argv", Handler: func(c *Call) { ensureArgs(c); c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "__argv")) }},
		Export{Name: "__p___wargv", Handler: func(c *Call) { ensureArgs(c); c.Return(c.S.DataAddr(c.P, "msvcrt.dll", "__wargv")) }},
	)
}

// invalidParameter ends the process as the UCRT's invalid-parameter handler does (fast fail).
func invalidParameter(c *Call) {
	c.K.Unhandled(c.T, uint32(abi.STATUS_INVALID_CRUNTIME_PARAMETER), c.RetAddr, "the C runtime was given an invalid parameter")
}

// UCRT printf options (the first, 64-bit argument of the __stdio_common_* functions).
const (
	ucrtStandardSnprintf = 2 // _CRT_INTERNAL_PRINTF_STANDARD_SNPRINTF_BEHAVIOR: return the length needed
)

// stdioCommonSprintf is __stdio_common_vs(w)printf(options, buffer, count, format, locale, va_list), on which
// the UCRT's sprintf, _snprintf and snprintf families sit. A NULL buffer with count 0 asks for the length.
func stdioCommonSprintf(c *Call, wide bool) {
	opts := c.Arg64(0)
	buf, count, format := c.Arg(2), c.Arg(3), c.Arg(4)
	c.Arg(5)
	va := &crt.VaList{Mem: c.Mem, Ptr: c.Arg(6)}
	var n int
	var err error
	var out []byte
	if wide {
		f, ferr := crt.ReadWString(c.Mem, format, maxString)
		if ferr != nil {
			c.Fault(format, false)
			return
		}
		var u []uint16
		u, _, err = crt.Swprintf(f, va, c.Mem, 0)
		n = len(u)
		out = make([]byte, 2*len(u))
		for i, x := range u {
			out[2*i], out[2*i+1] = byte(x), byte(x>>8)
		}
	} else {
		f, ferr := crt.ReadCString(c.Mem, format, maxString)
		if ferr != nil {
			c.Fault(format, false)
			return
		}
		out, _, err = crt.Sprintf(f, va, c.Mem, 0)
		n = len(out)
	}
	if err != nil {
		c.Fault(format, false)
		return
	}
	unit := 1
	if wide {
		unit = 2
	}
	if buf == 0 && count == 0 {
		c.Return(uint32(n))
		return
	}
	if uint32(n) < count {
		if !c.WriteBytes(buf, append(out, make([]byte, unit)...)) {
			c.Fault(buf, true)
			return
		}
		c.Return(uint32(n))
		return
	}
	// Too small: store what fits with a NUL; report the length needed or -1 (legacy).
	if count > 0 {
		keep := int(count-1) * unit
		c.WriteBytes(buf, append(out[:keep:keep], make([]byte, unit)...))
	}
	if opts&ucrtStandardSnprintf != 0 {
		c.Return(uint32(n))
		return
	}
	c.Return(0xFFFFFFFF)
}
