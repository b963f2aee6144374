// Package crt is the formatting and parsing engine of peek32's emulated msvcrt.dll: the printf family
// (printf, sprintf, _snprintf, fprintf, vsprintf, and the wide wprintf/swprintf forms), the scanf family
// (sscanf, fscanf, scanf, swscanf) and the strtod/strtol/strtoul/atoi/atof conversions.
//
// # The model
//
// The engine reproduces what the system msvcrt.dll of Windows 7..10 prints and parses, not what the C standard
// or glibc do. The differences that real programs show, and that the tests pin down:
//
//   - %e and %g exponents have at least three digits: 1.000000e+000, 5e-005.
//   - Floating-point values are converted to 17 significant decimal digits (correctly rounded), then
//     padded with zeros: printf("%.30f", 1.0/3) gives 0.333333333333333310000000000000. Rounding to the
//     requested precision is then done on that digit string, half away from zero: %.0f of 0.5 is 1, of
//     2.5 is 3.
//   - Infinities and NaNs print as 1.#INF00, -1.#IND00 (the x87 "indefinite", the NaN that 0/0 produces),
//     1.#QNAN0 and 1.#SNAN0, and a precision shorter than the text "rounds" it: %.2f of infinity is 1.#J.
//   - %p prints 8 upper-case hex digits; '#' adds "0X".
//   - The size prefixes msvcrt knows: h (hh is h), l, ll, L (ignored), w, I, I32, I64, j, z and t (before
//     an integer conversion), and F/N (ignored). %Z prints an ANSI_STRING (%wZ a UNICODE_STRING).
//     %S and %C are the "other width" string and character; in the wide functions %s is wide.
//   - An invalid conversion character is printed literally ("%b" prints "b"), consumes no argument, and a
//     format that ends inside a specification prints nothing for it.
//   - Integer precision turns the 0 flag off, "0x" goes before zero padding, and '+'/' ' apply to signed
//     conversions only.
//
// The sources: Microsoft's "Format specification syntax: printf and wprintf functions" and "scanf Width
// Specification" documentation, and the expected strings in Wine's conformance tests
// (dlls/msvcrt/tests/printf.c and scanf.c), which record what Windows itself produces. Wine's own printf.h and
// scanf.h were read for behaviour; no code was taken from them.
//
// # Seams
//
// The engine knows nothing of processes or the CPU. A caller (the msvcrt handlers in core/win32) supplies:
//
//   - Args: the variadic arguments, fetched in order as 32-bit, 64-bit or double slots (VaList reads them
//     from a va_list in guest memory, the cdecl layout);
//   - Memory: guest memory for %s/%S/%Z strings, %n and every scanf store (*mm.Space satisfies it);
//   - for the scanf family reading a stream, a Source of characters with one character of push-back.
//
// A guest pointer that faults is not a panic: the functions stop and return a *FaultError naming the
// address, which the caller turns into the access violation Windows would raise. Output size is bounded
// (a width of two billion does not allocate two gigabytes): Printf counts what it would have written and
// stores at most Limit units.
package crt
