// Package fpu is peek32's floating-point unit model: the x87 80-bit extended-precision arithmetic,
// the x87 register stack and its control/status/tag words and save formats, and the SSE/SSE2
// register file with MXCSR. It is pure Go (math/bits only on the hot paths), knows nothing of
// instruction decoding, and is used by the interpreter's x87*.go, mmx*.go and sse*.go files.
//
// # Numbers
//
// F80 is the x87 register format: a sign, a 15-bit biased exponent and a 64-bit significand with
// an explicit integer bit. Every operation is computed exactly (or with enough guard bits and a
// sticky bit) and then rounded once by Env.round, which implements the four IEEE rounding modes
// (Env.Round), the x87 precision control (Env.Prec: 24, 53 or 64 significand bits with the full
// extended exponent range) and the IEEE/x87 exception flags. The same rounding core serves the
// float32/float64 operations used by SSE (Float32/Float64 helpers), parameterized by a format
// (precision and exponent range), so x87 and SSE share one implementation of the hard part.
//
// Flags are accumulated in Env.Flags with the layout shared by the x87 status word and MXCSR
// (bit 0 IE invalid, 1 DE denormal operand, 2 ZE divide by zero, 3 OE overflow, 4 UE underflow,
// 5 PE precision). Env.RoundedUp records whether the last rounding increased the magnitude (the
// x87 C1 bit). Tininess is detected after rounding, as on x86; with underflow masked UE is
// raised only when a tiny result is also inexact.
//
// NaNs follow the hardware rules: an SNaN operand raises IE and is quieted; with two NaN operands
// the x87 returns the one with the larger significand, SSE returns the first operand; an invalid
// operation with no NaN operand returns the "real indefinite" (negative QNaN 0xFFFF:C000...0 for
// x87, 0xFFC00000 / 0xFFF8000000000000 for SSE). x87 operands the 387 and later reject
// (unnormals, pseudo-NaNs, pseudo-infinities) raise IE. Pseudo-denormals are accepted as
// denormals.
//
// # Transcendentals and fast paths
//
// FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X and FYL2XP1 are computed in a 128-bit
// working precision (wide.go) and rounded once; the trigonometric functions reduce their
// argument with the same 66-bit approximation of pi the hardware uses, so they agree with it
// near multiples of pi too. They match the hardware tables to within one unit in the last
// place (exactly in about 95% of cases), and every real-CPU vector of the interpreter.
//
// The soft-float path is the reference. Two fast paths use the host's IEEE arithmetic where
// it provably gives the same result and flags: SSE operations when MXCSR rounds to nearest
// with PE masked and already set (FastSSE), and x87 operations under 53-bit precision control
// and round-to-nearest (the Windows default control word) on float64-representable operands,
// recovering the rounding error exactly (TwoSum, Dekker) to report PE and C1 (FastArith80).
// Tests check both against the soft path.
//
// # Testing against the hardware
//
// testdata/x87_hw.txt and testdata/sse_hw.txt are produced on the real CPU by
// testdata/gen/x87gen.c (gcc -m32; testdata/gen/regen.sh), and approx_table.go (the RCPSS and
// RSQRTSS tables, bit-exact) by testdata/gen/rcpgen.c. The tests replay every line.
//
// # State
//
// State is the complete x87/MMX/SSE register state of one thread, a plain value (no pointers)
// that the CPU context copies. The x87 registers are kept by physical number (R0..R7); ST(i) is
// R[(TOP+i)&7]. The tag word is kept abridged (one "valid" bit per physical register, as FXSAVE
// stores it); the full two-bit tags are computed from the register contents when FSTENV/FSAVE
// store them, exactly as the hardware does. MMX register MMi is the significand of Ri; an MMX
// write sets the exponent field to 0xFFFF, and every MMX instruction sets TOP to 0 and all tags
// valid (EMMS empties them).
package fpu
