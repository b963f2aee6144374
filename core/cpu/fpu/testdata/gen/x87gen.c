// x87gen: runs x87 and SSE floating-point operations on this machine's CPU (built with gcc -m32)
// and prints one line per case: "op ctl a b -> r r2 status". Operands and results are hex:
// extended values as SSSS:MMMMMMMMMMMMMMMM, everything else as plain hex bit patterns.
// ctl is the x87 control word or MXCSR; status is the x87 status word or MXCSR after the op.
// Deterministic (fixed seed): regenerate with ./regen.sh from core/cpu/fpu/testdata/gen.
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <ucontext.h>
#include <stdlib.h>
#include <string.h>

typedef struct __attribute__((packed)) { uint64_t m; uint16_t se; } f80;

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }
static int rn(int n) { return (int)(rnd() % (uint64_t)n); }

static const f80 edges80[] = {
	{0, 0}, {0, 0x8000}, {1ull << 63, 0x3FFF}, {1ull << 63, 0xBFFF}, {~0ull, 0x7FFE}, {1ull << 63, 1},
	{1, 0}, {0x7FFFFFFFFFFFFFFFull, 0}, {1ull << 62, 0x8000}, {1ull << 63, 0} /* pseudo-denormal */,
	{1ull << 63, 0x7FFF}, {1ull << 63, 0xFFFF}, {0xC000000000000000ull, 0xFFFF} /* indefinite */,
	{0xC000000000000001ull, 0x7FFF}, {0x8000000000000001ull, 0x7FFF} /* snan */, {0xA000000000000000ull, 0xFFFF},
	{0x4000000000000000ull, 0x3FFF} /* unnormal */, {0x4000000000000000ull, 0x7FFF} /* pseudo-nan */,
	{0xC90FDAA22168C235ull, 0x4000}, {0xC90FDAA22168C235ull, 0x4001}, {0xFFFFFFFFFFFFFFFFull, 0x3FFE},
	{0x8000000000000000ull, 0x403E}, {0xFFFFFFFFFFFFF800ull, 0x403D}, {0x8000000000000000ull, 0x401E},
	{0x8000000000000001ull, 0x3FFF}, {0xFFFFFFFFFFFFFFFFull, 0x3FFF}, {0x8000000000000000ull, 0x3FFE},
	{0xC000000000000000ull, 0x3FFF}, {0xC000000000000000ull, 0x3FFE}, {0xA000000000000000ull, 0x4002},
};
#define NEDGE80 (sizeof edges80 / sizeof edges80[0])

static f80 rand80(void) {
	f80 v;
	if (rn(5) == 0) return edges80[rn(NEDGE80)];
	int s = rn(2);
	int e, k = rn(100);
	if (k < 55) e = 0x3FFF - 40 + rn(80);
	else if (k < 70) e = 1 + rn(0x7FFE);
	else if (k < 78) e = rn(70);
	else if (k < 86) e = 0x7FFE - rn(70);
	else if (k < 93) e = 0x3FFF + (rn(2) ? 1023 : -1022) + rn(120) - 60;
	else e = 0x3FFF + (rn(2) ? 127 : -126) + rn(60) - 30;
	uint64_t m = rnd();
	switch (rn(6)) {
	case 0: m &= ~0ull << (rn(64)); break;
	case 1: m |= ~0ull >> rn(64); break;
	}
	if (e > 0) m |= 1ull << 63; else m &= ~(1ull << 63);
	v.m = m; v.se = (uint16_t)(e | s << 15);
	return v;
}

static f80 near80(f80 a) {
	f80 b = a;
	switch (rn(4)) {
	case 0: b.m += rnd() % 1000; break;
	case 1: b.m ^= 1ull << rn(40); break;
	case 2: b.se ^= 0x8000; break;
	case 3: b.se = (uint16_t)((b.se & 0x8000) | (((b.se & 0x7FFF) + rn(130) - 65) & 0x7FFF)); break;
	}
	if ((b.se & 0x7FFF) != 0) b.m |= 1ull << 63;
	return b;
}

static uint16_t randcw(void) {
	static const uint16_t pc[] = {0x000, 0x200, 0x300, 0x300};
	return (uint16_t)(0x7F | pc[rn(4)] | rn(4) << 10);
}

static void p80(f80 v) { printf(" %04X:%016llX", v.se, (unsigned long long)v.m); }

enum { ADD, SUB, MUL, DIV, SQRT, PREM, PREM1, SCALE, ATAN, YL2X, YL2XP1, XTRACT, TAN, SINCOS,
	SIN, COS, F2XM1, RNDINT, COM, UCOM, FST32, FST64, FIST16, FIST32, FIST64, FISTT32, FBSTP, NOP2 };
static const char *names[] = {"fadd", "fsub", "fmul", "fdiv", "fsqrt", "fprem", "fprem1", "fscale",
	"fpatan", "fyl2x", "fyl2xp1", "fxtract", "fptan", "fsincos", "fsin", "fcos", "f2xm1", "frndint",
	"fcom", "fucom", "fst32", "fst64", "fist16", "fist32", "fist64", "fisttp32", "fbstp"};

#define PRE "fninit\n fldcw %[cw]\n fldt %[b]\n fldt %[a]\n fnclex\n"
#define POST "fnstsw %[sw]\n"
#define IO : [sw] "=m"(sw), [r] "=m"(r), [r2] "=m"(r2), [o] "=m"(o) : [cw] "m"(cw), [a] "m"(a), [b] "m"(b)

static void run(int op, uint16_t cw, f80 a, f80 b) {
	f80 r = {0, 0}, r2 = {0, 0};
	uint16_t sw = 0;
	uint8_t o[10];
	memset(o, 0, sizeof o);
	switch (op) {
	case ADD: __asm__ volatile(PRE "fadd %%st(1), %%st\n" POST "fstpt %[r]\n" IO); break;
	case SUB: __asm__ volatile(PRE "fsub %%st(1), %%st\n" POST "fstpt %[r]\n" IO); break;
	case MUL: __asm__ volatile(PRE "fmul %%st(1), %%st\n" POST "fstpt %[r]\n" IO); break;
	case DIV: __asm__ volatile(PRE "fdiv %%st(1), %%st\n" POST "fstpt %[r]\n" IO); break;
	case SQRT: __asm__ volatile(PRE "fsqrt\n" POST "fstpt %[r]\n" IO); break;
	case PREM: __asm__ volatile(PRE "fprem\n" POST "fstpt %[r]\n" IO); break;
	case PREM1: __asm__ volatile(PRE "fprem1\n" POST "fstpt %[r]\n" IO); break;
	case SCALE: __asm__ volatile(PRE "fscale\n" POST "fstpt %[r]\n" IO); break;
	case ATAN: __asm__ volatile(PRE "fpatan\n" POST "fstpt %[r]\n" IO); break;
	case YL2X: __asm__ volatile(PRE "fyl2x\n" POST "fstpt %[r]\n" IO); break;
	case YL2XP1: __asm__ volatile(PRE "fyl2xp1\n" POST "fstpt %[r]\n" IO); break;
	case XTRACT: __asm__ volatile(PRE "fxtract\n" POST "fstpt %[r]\n fstpt %[r2]\n" IO); break;
	case TAN: __asm__ volatile(PRE "fptan\n" POST "fstpt %[r]\n fstpt %[r2]\n" IO); break;
	case SINCOS: __asm__ volatile(PRE "fsincos\n" POST "fstpt %[r]\n fstpt %[r2]\n" IO); break;
	case SIN: __asm__ volatile(PRE "fsin\n" POST "fstpt %[r]\n" IO); break;
	case COS: __asm__ volatile(PRE "fcos\n" POST "fstpt %[r]\n" IO); break;
	case F2XM1: __asm__ volatile(PRE "f2xm1\n" POST "fstpt %[r]\n" IO); break;
	case RNDINT: __asm__ volatile(PRE "frndint\n" POST "fstpt %[r]\n" IO); break;
	case COM: __asm__ volatile(PRE "fcom %%st(1)\n" POST IO); break;
	case UCOM: __asm__ volatile(PRE "fucom %%st(1)\n" POST IO); break;
	case FST32: __asm__ volatile(PRE "fsts %[o]\n" POST IO); break;
	case FST64: __asm__ volatile(PRE "fstl %[o]\n" POST IO); break;
	case FIST16: __asm__ volatile(PRE "fists %[o]\n" POST IO); break;
	case FIST32: __asm__ volatile(PRE "fistl %[o]\n" POST IO); break;
	case FIST64: __asm__ volatile(PRE "fistpll %[o]\n" POST IO); break;
	case FISTT32: __asm__ volatile(PRE "fisttpl %[o]\n" POST IO); break;
	case FBSTP: __asm__ volatile(PRE "fbstp %[o]\n" POST IO); break;
	}
	printf("%s %04X", names[op], cw);
	p80(a);
	p80(b);
	printf(" ->");
	switch (op) {
	case COM: case UCOM: printf(" - -"); break;
	case FST32: case FIST32: case FISTT32: { uint32_t x; memcpy(&x, o, 4); printf(" %08X -", x); break; }
	case FIST16: { uint16_t x; memcpy(&x, o, 2); printf(" %04X -", x); break; }
	case FST64: case FIST64: { uint64_t x; memcpy(&x, o, 8); printf(" %016llX -", (unsigned long long)x); break; }
	case FBSTP: printf(" "); for (int i = 9; i >= 0; i--) printf("%02X", o[i]); printf(" -"); break;
	case XTRACT: case TAN: case SINCOS: p80(r); p80(r2); break;
	default: p80(r); printf(" -");
	}
	printf(" %04X\n", sw);
}

// Loads from float32/float64 memory: "fld32 cw bits -> r status".
static void runld(uint16_t cw, uint64_t x, int is64) {
	f80 r;
	uint16_t sw;
	uint32_t x32 = (uint32_t)x;
	if (is64)
		__asm__ volatile("fninit\n fldcw %[cw]\n fldl %[x]\n fnstsw %[sw]\n fstpt %[r]\n" : [sw] "=m"(sw), [r] "=m"(r) : [cw] "m"(cw), [x] "m"(x));
	else
		__asm__ volatile("fninit\n fldcw %[cw]\n flds %[x]\n fnstsw %[sw]\n fstpt %[r]\n" : [sw] "=m"(sw), [r] "=m"(r) : [cw] "m"(cw), [x] "m"(x32));
	printf("%s %04X %016llX - ->", is64 ? "fld64" : "fld32", cw, (unsigned long long)(is64 ? x : x32));
	p80(r);
	printf(" - %04X\n", sw);
}

// Unmasked exceptions: "op cw a b -> st0 mem status" where st0 comes from an FNSAVE image (a
// non-waiting store, so the pending exception never traps) and mem is the memory operand of the
// stores (prefilled with CC bytes: unchanged when the store was suppressed).
enum { UADD, USUB, UMUL, UDIV, USQRT, UFST32, UFST64, UFIST32, NU };
static const char *unames[] = {"fadd", "fsub", "fmul", "fdiv", "fsqrt", "fst32", "fst64", "fist32"};

#define UPRE "fninit\n fldcw %[cw]\n fldt %[b]\n fldt %[a]\n fnclex\n"
#define UPOST "fnstsw %[sw]\n fnsave %[sv]\n"
#define UIO : [sw] "=m"(sw), [sv] "=m"(sv), [o] "+m"(o) : [cw] "m"(cw), [a] "m"(a), [b] "m"(b)

static void runu(int op, uint16_t cw, f80 a, f80 b) {
	uint8_t sv[108];
	uint16_t sw = 0;
	uint64_t o = 0xCCCCCCCCCCCCCCCCull;
	switch (op) {
	case UADD: __asm__ volatile(UPRE "fadd %%st(1), %%st\n" UPOST UIO); break;
	case USUB: __asm__ volatile(UPRE "fsub %%st(1), %%st\n" UPOST UIO); break;
	case UMUL: __asm__ volatile(UPRE "fmul %%st(1), %%st\n" UPOST UIO); break;
	case UDIV: __asm__ volatile(UPRE "fdiv %%st(1), %%st\n" UPOST UIO); break;
	case USQRT: __asm__ volatile(UPRE "fsqrt\n" UPOST UIO); break;
	case UFST32: __asm__ volatile(UPRE "fsts %[o]\n" UPOST UIO); break;
	case UFST64: __asm__ volatile(UPRE "fstl %[o]\n" UPOST UIO); break;
	case UFIST32: __asm__ volatile(UPRE "fistl %[o]\n" UPOST UIO); break;
	}
	f80 st0;
	memcpy(&st0, sv + 28, 10);
	printf("%s %04X", unames[op], cw);
	p80(a);
	p80(b);
	printf(" ->");
	p80(st0);
	printf(" %016llX %04X\n", (unsigned long long)o, sw);
}

static uint64_t rand64bits(void) {
	static const uint64_t e[] = {0, 1ull << 63, 0x3FF0000000000000ull, 0x7FF0000000000000ull, 0xFFF0000000000000ull,
		0x7FF8000000000000ull, 0x7FF0000000000001ull, 0x7FF4000000000000ull, 1, 0x000FFFFFFFFFFFFFull,
		0x0010000000000000ull, 0x7FEFFFFFFFFFFFFFull, 0x8000000000000001ull, 0xFFF8000000000000ull,
		0x41E0000000000000ull, 0xC1E0000000000000ull, 0x3FE0000000000000ull, 0x4338000000000000ull};
	if (rn(5) == 0) return e[rn(sizeof e / sizeof e[0])];
	uint64_t s = (uint64_t)rn(2) << 63, m = rnd() & ((1ull << 52) - 1);
	int k = rn(10), ex;
	if (k < 6) ex = 1023 - 40 + rn(80);
	else if (k < 7) ex = rn(3);
	else if (k < 8) ex = 2046 - rn(3);
	else if (k < 9) ex = 1023 + 30 + rn(4);
	else ex = rn(2048);
	if (rn(4) == 0) m &= ~0ull << rn(52);
	return s | (uint64_t)ex << 52 | m;
}

static uint32_t rand32bits(void) {
	static const uint32_t e[] = {0, 0x80000000u, 0x3F800000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u, 0x7F800001u,
		0x7FA00000u, 1, 0x007FFFFFu, 0x00800000u, 0x7F7FFFFFu, 0x80000001u, 0xFFC00000u, 0x4F000000u, 0xCF000000u,
		0x3F000000u, 0x4B400000u};
	if (rn(5) == 0) return e[rn(sizeof e / sizeof e[0])];
	uint32_t s = (uint32_t)rn(2) << 31, m = (uint32_t)rnd() & ((1u << 23) - 1);
	int k = rn(10), ex;
	if (k < 6) ex = 127 - 20 + rn(40);
	else if (k < 7) ex = rn(3);
	else if (k < 8) ex = 254 - rn(3);
	else if (k < 9) ex = 127 + 30 + rn(4);
	else ex = rn(256);
	if (rn(4) == 0) m &= ~0u << rn(23);
	return s | (uint32_t)ex << 23 | m;
}

// SSE scalar double/single operations: "op mxcsr a b -> r - mxcsr" (r: result bits or EFLAGS for comisd).
enum { ADDSD, SUBSD, MULSD, DIVSD, SQRTSD, MINSD, MAXSD, CVTSD2SS, CVTSD2SI, CVTTSD2SI, COMISD, UCOMISD,
	ADDSS, SUBSS, MULSS, DIVSS, SQRTSS, MINSS, MAXSS, CVTSS2SD, CVTSS2SI, CVTTSS2SI, COMISS, UCOMISS, CVTSI2SS,
	CMPSD, CMPSS, RCPSS, RSQRTSS, NSSE };
static const char *snames[] = {"addsd", "subsd", "mulsd", "divsd", "sqrtsd", "minsd", "maxsd", "cvtsd2ss",
	"cvtsd2si", "cvttsd2si", "comisd", "ucomisd", "addss", "subss", "mulss", "divss", "sqrtss", "minss",
	"maxss", "cvtss2sd", "cvtss2si", "cvttss2si", "comiss", "ucomiss", "cvtsi2ss", "cmpsd", "cmpss", "rcpss",
	"rsqrtss"};

#define SPRE "ldmxcsr %[mx]\n movsd %[a], %%xmm0\n movsd %[b], %%xmm1\n"
#define SPOST "movsd %%xmm0, %[r]\n stmxcsr %[mo]\n"
#define SIO : [r] "=m"(r), [mo] "=m"(mo), [fl] "=m"(fl) : [mx] "m"(mx), [a] "m"(a), [b] "m"(b) : "xmm0", "xmm1", "eax"
#define FPRE "ldmxcsr %[mx]\n movss %[a], %%xmm0\n movss %[b], %%xmm1\n"
#define FPOST "movss %%xmm0, %[r]\n stmxcsr %[mo]\n"

static void runsse(int op, uint32_t mx, uint64_t a, uint64_t b, int pred) {
	uint64_t r = 0;
	uint32_t mo = 0, fl = 0;
	switch (op) {
	case ADDSD: __asm__ volatile(SPRE "addsd %%xmm1, %%xmm0\n" SPOST SIO); break;
	case SUBSD: __asm__ volatile(SPRE "subsd %%xmm1, %%xmm0\n" SPOST SIO); break;
	case MULSD: __asm__ volatile(SPRE "mulsd %%xmm1, %%xmm0\n" SPOST SIO); break;
	case DIVSD: __asm__ volatile(SPRE "divsd %%xmm1, %%xmm0\n" SPOST SIO); break;
	case SQRTSD: __asm__ volatile(SPRE "sqrtsd %%xmm1, %%xmm0\n" SPOST SIO); break;
	case MINSD: __asm__ volatile(SPRE "minsd %%xmm1, %%xmm0\n" SPOST SIO); break;
	case MAXSD: __asm__ volatile(SPRE "maxsd %%xmm1, %%xmm0\n" SPOST SIO); break;
	case CVTSD2SS: __asm__ volatile(SPRE "xorps %%xmm0, %%xmm0\n cvtsd2ss %%xmm1, %%xmm0\n" SPOST SIO); break;
	case CVTSD2SI: __asm__ volatile(SPRE "cvtsd2si %%xmm1, %%eax\n mov %%eax, %[r]\n stmxcsr %[mo]\n" SIO); break;
	case CVTTSD2SI: __asm__ volatile(SPRE "cvttsd2si %%xmm1, %%eax\n mov %%eax, %[r]\n stmxcsr %[mo]\n" SIO); break;
	case COMISD: __asm__ volatile(SPRE "comisd %%xmm1, %%xmm0\n pushf\n pop %%eax\n mov %%eax, %[r]\n stmxcsr %[mo]\n" SIO); break;
	case UCOMISD: __asm__ volatile(SPRE "ucomisd %%xmm1, %%xmm0\n pushf\n pop %%eax\n mov %%eax, %[r]\n stmxcsr %[mo]\n" SIO); break;
	case ADDSS: __asm__ volatile(FPRE "addss %%xmm1, %%xmm0\n" FPOST SIO); break;
	case SUBSS: __asm__ volatile(FPRE "subss %%xmm1, %%xmm0\n" FPOST SIO); break;
	case MULSS: __asm__ volatile(FPRE "mulss %%xmm1, %%xmm0\n" FPOST SIO); break;
	case DIVSS: __asm__ volatile(FPRE "divss %%xmm1, %%xmm0\n" FPOST SIO); break;
	case SQRTSS: __asm__ volatile(FPRE "sqrtss %%xmm1, %%xmm0\n" FPOST SIO); break;
	case MINSS: __asm__ volatile(FPRE "minss %%xmm1, %%xmm0\n" FPOST SIO); break;
	case MAXSS: __asm__ volatile(FPRE "maxss %%xmm1, %%xmm0\n" FPOST SIO); break;
	case CVTSS2SD: __asm__ volatile(FPRE "cvtss2sd %%xmm1, %%xmm0\n" SPOST SIO); break;
	case CVTSS2SI: __asm__ volatile(FPRE "cvtss2si %%xmm1, %%eax\n mov %%eax, %[r]\n stmxcsr %[mo]\n" SIO); break;
	case CVTTSS2SI: __asm__ volatile(FPRE "cvttss2si %%xmm1, %%eax\n mov %%eax, %[r]\n stmxcsr %[mo]\n" SIO); break;
	case COMISS: __asm__ volatile(FPRE "comiss %%xmm1, %%xmm0\n pushf\n pop %%eax\n mov %%eax, %[r]\n stmxcsr %[mo]\n" SIO); break;
	case UCOMISS: __asm__ volatile(FPRE "ucomiss %%xmm1, %%xmm0\n pushf\n pop %%eax\n mov %%eax, %[r]\n stmxcsr %[mo]\n" SIO); break;
	case CVTSI2SS: __asm__ volatile(FPRE "cvtsi2ssl %[b], %%xmm0\n" FPOST SIO); break;
	case RCPSS: __asm__ volatile(FPRE "rcpss %%xmm1, %%xmm0\n" FPOST SIO); break;
	case RSQRTSS: __asm__ volatile(FPRE "rsqrtss %%xmm1, %%xmm0\n" FPOST SIO); break;
	case CMPSD:
		switch (pred) {
#define C(n) case n: __asm__ volatile(SPRE "cmpsd $" #n ", %%xmm1, %%xmm0\n" SPOST SIO); break;
		C(0) C(1) C(2) C(3) C(4) C(5) C(6) C(7)
#undef C
		}
		break;
	case CMPSS:
		switch (pred) {
#define C(n) case n: __asm__ volatile(FPRE "cmpss $" #n ", %%xmm1, %%xmm0\n" FPOST SIO); break;
		C(0) C(1) C(2) C(3) C(4) C(5) C(6) C(7)
#undef C
		}
		break;
	}
	(void)fl;
	int s32 = op >= ADDSS && op != CMPSD;
	if (op == COMISD || op == UCOMISD || op == COMISS || op == UCOMISS) r &= 0x8D5; /* OF SF ZF AF PF CF */
	if (op == CVTSD2SI || op == CVTTSD2SI || op == CVTSS2SI || op == CVTTSS2SI) r &= 0xFFFFFFFFu;
	if (s32 && op != CVTSS2SD && op != CVTSS2SI && op != CVTTSS2SI && op != COMISS && op != UCOMISS) r &= 0xFFFFFFFFu;
	if (op == CMPSD || op == CMPSS)
		printf("%s%d %04X %016llX %016llX -> %016llX - %04X\n", snames[op], pred, mx, (unsigned long long)a, (unsigned long long)b, (unsigned long long)r, mo);
	else
		printf("%s %04X %016llX %016llX -> %016llX - %04X\n", snames[op], mx, (unsigned long long)a, (unsigned long long)b, (unsigned long long)r, mo);
}

// Unmasked SSE exceptions: "op mxcsr a b -> xmm0 fault mxcsr" for 128-bit operands (32 hex
// digits, high half first). A #XM arrives as SIGFPE; the handler reads MXCSR and XMM0 from the
// signal frame's FXSAVE area (i386 struct _fpstate: mxcsr at 136, xmm0 at 272) and jumps back.
static sigjmp_buf sseu_jmp;
static volatile uint32_t sseu_mx;
static volatile uint64_t sseu_x0[2];

static void sseu_handler(int sig, siginfo_t *si, void *ctx) {
	(void)sig;
	(void)si;
	const uint8_t *fp = (const uint8_t *)((ucontext_t *)ctx)->uc_mcontext.fpregs;
	uint32_t mx;
	uint64_t x[2];
	memcpy(&mx, fp + 136, 4);
	memcpy(x, fp + 272, 16);
	sseu_mx = mx;
	sseu_x0[0] = x[0];
	sseu_x0[1] = x[1];
	siglongjmp(sseu_jmp, 1);
}

enum { XADDPS, XMULPS, XDIVPS, XSQRTPS, XADDPD, XDIVPD, XCVTPD2PS, XCVTPS2DQ, XADDSS, XMULSD, NXU };
static const char *xunames[] = {"addps", "mulps", "divps", "sqrtps", "addpd", "divpd", "cvtpd2ps", "cvtps2dq",
	"addss", "mulsd"};

#define XPRE "ldmxcsr %[mx]\n movups %[a], %%xmm0\n movups %[b], %%xmm1\n"
#define XPOST "movups %%xmm0, %[r]\n stmxcsr %[mo]\n"
#define XIO : [r] "=m"(r), [mo] "=m"(mo) : [mx] "m"(mx), [a] "m"(a), [b] "m"(b) : "xmm0", "xmm1"

static void runxu(int op, uint32_t mx, const uint64_t *av, const uint64_t *bv) {
	uint64_t a[2] = {av[0], av[1]}, b[2] = {bv[0], bv[1]}; /* arrays, so "m" names the data */
	uint64_t r[2] = {0, 0};
	uint32_t mo = 0;
	int fault = 0;
	if (sigsetjmp(sseu_jmp, 1)) {
		fault = 1;
		r[0] = sseu_x0[0];
		r[1] = sseu_x0[1];
		mo = sseu_mx;
		uint32_t def = 0x1F80;
		__asm__ volatile("ldmxcsr %0" : : "m"(def));
	} else {
		switch (op) {
		case XADDPS: __asm__ volatile(XPRE "addps %%xmm1, %%xmm0\n" XPOST XIO); break;
		case XMULPS: __asm__ volatile(XPRE "mulps %%xmm1, %%xmm0\n" XPOST XIO); break;
		case XDIVPS: __asm__ volatile(XPRE "divps %%xmm1, %%xmm0\n" XPOST XIO); break;
		case XSQRTPS: __asm__ volatile(XPRE "sqrtps %%xmm1, %%xmm0\n" XPOST XIO); break;
		case XADDPD: __asm__ volatile(XPRE "addpd %%xmm1, %%xmm0\n" XPOST XIO); break;
		case XDIVPD: __asm__ volatile(XPRE "divpd %%xmm1, %%xmm0\n" XPOST XIO); break;
		case XCVTPD2PS: __asm__ volatile(XPRE "cvtpd2ps %%xmm1, %%xmm0\n" XPOST XIO); break;
		case XCVTPS2DQ: __asm__ volatile(XPRE "cvtps2dq %%xmm1, %%xmm0\n" XPOST XIO); break;
		case XADDSS: __asm__ volatile(XPRE "addss %%xmm1, %%xmm0\n" XPOST XIO); break;
		case XMULSD: __asm__ volatile(XPRE "mulsd %%xmm1, %%xmm0\n" XPOST XIO); break;
		}
		uint32_t def = 0x1F80;
		__asm__ volatile("ldmxcsr %0" : : "m"(def));
	}
	printf("%s %04X %016llX%016llX %016llX%016llX -> %016llX%016llX %d %04X\n", xunames[op], mx,
		(unsigned long long)a[1], (unsigned long long)a[0], (unsigned long long)b[1], (unsigned long long)b[0],
		(unsigned long long)r[1], (unsigned long long)r[0], fault, mo);
}

static uint32_t randmx(void) {
	uint32_t mx = 0x1F80 | (uint32_t)rn(4) << 13;
	if (rn(6) == 0) mx |= 0x40;   /* DAZ */
	if (rn(6) == 0) mx |= 0x8000; /* FZ */
	return mx;
}

int main(int argc, char **argv) {
	int n = argc > 2 ? atoi(argv[2]) : 400;
	if (argc > 1 && strcmp(argv[1], "x87u") == 0) {
		for (int op = 0; op < NU; op++)
			for (int i = 0; i < n; i++) {
				f80 a = rand80(), b = rn(3) == 0 ? near80(a) : rand80();
				uint16_t cw = (uint16_t)((randcw() & ~0x3F) | 0x40 | rn(64));
				runu(op, cw, a, b);
			}
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "sseu") == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = sseu_handler;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGFPE, &sa, NULL);
		for (int op = 0; op < NXU; op++)
			for (int i = 0; i < n; i++) {
				uint64_t a[2], b[2];
				int dbl = op == XADDPD || op == XDIVPD || op == XCVTPD2PS || op == XMULSD;
				for (int h = 0; h < 2; h++) {
					if (dbl) {
						a[h] = rand64bits();
						b[h] = rn(4) == 0 ? a[h] ^ (rnd() & 0xFFFF) : rand64bits();
					} else {
						a[h] = (uint64_t)rand32bits() << 32 | rand32bits();
						b[h] = rn(4) == 0 ? a[h] ^ (rnd() & 0xFF00FF) : (uint64_t)rand32bits() << 32 | rand32bits();
					}
				}
				uint32_t mx = (uint32_t)(rn(4) << 13) | (uint32_t)(rn(64) << 7) | (rn(6) == 0 ? 0x40u : 0);
				runxu(op, mx, a, b);
			}
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "sse") == 0) {
		for (int op = 0; op < NSSE; op++) {
			for (int i = 0; i < n; i++) {
				int d = op < ADDSS || op == CMPSD;
				uint64_t a, b;
				if (d) { a = rand64bits(); b = rn(4) == 0 ? a ^ (rnd() & 0xFFFF) : rand64bits(); }
				else { a = rand32bits(); b = rn(4) == 0 ? a ^ (rnd() & 0xFF) : rand32bits(); }
				if (op == CVTSI2SS) b = rn(2) ? (uint32_t)rnd() : (uint32_t)(rnd() & 0xFFFFFF);
				runsse(op, randmx(), a, b, rn(8));
			}
		}
		return 0;
	}
	static const int heavy[] = {ADD, SUB, MUL, DIV};
	for (int op = 0; op <= FBSTP; op++) {
		int m = n;
		for (unsigned k = 0; k < sizeof heavy / sizeof heavy[0]; k++)
			if (heavy[k] == op) m = 3 * n;
		for (int i = 0; i < m; i++) {
			f80 a = rand80(), b = rn(3) == 0 ? near80(a) : rand80();
			if (op >= FIST16 && op <= FBSTP && rn(2)) { a.se = (uint16_t)((a.se & 0x8000) | (0x3FFF + rn(66))); a.m |= 1ull << 63; }
			if ((op == SCALE) && rn(2)) { b.se = (uint16_t)((b.se & 0x8000) | (0x3FFF + rn(16))); b.m |= 1ull << 63; }
			if ((op >= TAN && op <= F2XM1) && rn(3)) { a.se = (uint16_t)((a.se & 0x8000) | (0x3FFF - 8 + rn(10))); a.m |= 1ull << 63; }
			run(op, randcw(), a, b);
		}
	}
	for (int i = 0; i < n; i++) runld(randcw(), rand64bits(), 1);
	for (int i = 0; i < n; i++) runld(randcw(), rand32bits(), 0);
	return 0;
}
