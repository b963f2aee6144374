/* seh_hw: every hardware exception a 32-bit program can take, caught by an FS:[0] frame (seh_common.h), with
 * what Windows puts in the EXCEPTION_RECORD and CONTEXT. Each probe is an asm routine whose faulting
 * instruction carries a label; the filter prints the code, flags, parameters, ExceptionAddress and CONTEXT.Eip
 * relative to that label, then resumes at label+skip (or retries after fixing the cause).
 * Expectations (Microsoft: "EXCEPTION_RECORD structure", "GetExceptionCode", "Structured exception handling";
 * Intel SDM vol. 3 ch. 6 for fault vs trap EIPs; ReactOS/Windows KiTrap handlers for the address rules):
 * - access violation 0xC0000005, 2 parameters {0 read / 1 write / 8 execute (DEP; these exes are NX_COMPAT),
 *   address}; ExceptionAddress = Eip = the instruction (for execute: the target address);
 * - integer divide by zero 0xC0000094; INT_MIN / -1 0xC0000095 (Windows decodes #DE and reports overflow when
 *   the divisor is not zero); INTO with OF set 0xC0000095 (a trap: Eip after INTO, ExceptionAddress = INTO);
 * - INT3 0x80000003 with 1 parameter (BREAKPOINT_BREAK = 0) and ExceptionAddress = Eip = the INT3 (Windows
 *   backs Eip up over the INT3);
 * - single step 0x80000004 after the instruction following the POPF that set TF, TF clear in CONTEXT.EFlags;
 * - HLT 0xC0000096 (privileged); UD2 0xC000001D;
 * - guard page 0x80000001 {0, address}; the guard is gone, so retrying succeeds;
 * - x87 divide by zero unmasked: 0xC000008E when the next waiting FPU instruction runs, ZE in FloatSave, with
 *   ExceptionAddress = the x87 instruction that raised it (the FPU's ErrorOffset) and 1 parameter (0);
 *   x87 invalid operation 0xC0000090; x87 stack overflow 0xC0000092 (STATUS_FLOAT_STACK_CHECK) with
 *   {0, the operand address};
 * - SSE divide by zero unmasked in MXCSR: 0xC00002B5 (STATUS_FLOAT_MULTIPLE_TRAPS), MXCSR in the FXSAVE image
 *   (ExtendedRegisters + 24); the filter masks it there and the retried DIVSS gives +inf;
 * - stack overflow 0xC00000FD in a thread, caught, and the thread goes on. */
#include "seh_common.h"
#include <stdint.h>

extern void av_read(void), av_write(void), av_write_ro(void), av_exec0(void), av_exec_rw(void), div0(void),
    divovf(void), into_ovf(void), brk(void), sstep(void), priv(void), illegal(void), guard(void), fpu_zero(void),
    fpu_invalid(void), fpu_stack(void), sse_zero(void);
extern char av_read_at[], av_write_at[], av_write_ro_at[], div0_at[], divovf_at[], into_at[], into_after[],
    brk_at[], sstep_after[], priv_at[], illegal_at[], guard_at[], fpu_zero_wait[], fpu_invalid_wait[],
    fpu_stack_wait[], sse_zero_at[];
void *ro_page, *rw_page, *guard_page;
uint32_t sse_result;
const uint32_t zero_f = 0, one_f = 0x3F800000;
const uint16_t cw_zm_unmasked = 0x037B, cw_im_unmasked = 0x037E;
const uint32_t mxcsr_zm_unmasked = 0x1D80;

__asm__(".text\n"
        "_av_read: .globl _av_read\n"
        "_av_read_at: .globl _av_read_at\n movl 0x0, %eax\n ret\n"
        "_av_write: .globl _av_write\n"
        "_av_write_at: .globl _av_write_at\n movl %eax, 0x8\n ret\n"
        "_av_write_ro: .globl _av_write_ro\n movl _ro_page, %ecx\n"
        "_av_write_ro_at: .globl _av_write_ro_at\n movl %eax, 16(%ecx)\n ret\n"
        "_av_exec0: .globl _av_exec0\n xorl %eax, %eax\n call *%eax\n ret\n"
        "_av_exec_rw: .globl _av_exec_rw\n movl _rw_page, %eax\n call *%eax\n ret\n"
        "_div0: .globl _div0\n movl $100, %eax\n xorl %ecx, %ecx\n cltd\n"
        "_div0_at: .globl _div0_at\n idivl %ecx\n ret\n"
        "_divovf: .globl _divovf\n movl $0x80000000, %eax\n movl $-1, %ecx\n cltd\n"
        "_divovf_at: .globl _divovf_at\n idivl %ecx\n ret\n"
        "_into_ovf: .globl _into_ovf\n movl $0x7FFFFFFF, %eax\n addl $1, %eax\n"
        "_into_at: .globl _into_at\n into\n"
        "_into_after: .globl _into_after\n ret\n"
        "_brk: .globl _brk\n"
        "_brk_at: .globl _brk_at\n int3\n ret\n"
        "_sstep: .globl _sstep\n pushfl\n orl $0x100, (%esp)\n popfl\n nop\n"
        "_sstep_after: .globl _sstep_after\n nop\n ret\n"
        "_priv: .globl _priv\n"
        "_priv_at: .globl _priv_at\n hlt\n ret\n"
        "_illegal: .globl _illegal\n"
        "_illegal_at: .globl _illegal_at\n ud2\n ret\n"
        "_guard: .globl _guard\n movl _guard_page, %ecx\n"
        "_guard_at: .globl _guard_at\n movl 4(%ecx), %eax\n ret\n"
        "_fpu_zero: .globl _fpu_zero\n fninit\n fldcw _cw_zm_unmasked\n fld1\n fldz\n fdivrp\n"
        "_fpu_zero_wait: .globl _fpu_zero_wait\n fwait\n fstp %st(0)\n fninit\n ret\n"
        "_fpu_invalid: .globl _fpu_invalid\n fninit\n fldcw _cw_im_unmasked\n fld1\n fchs\n fsqrt\n"
        "_fpu_invalid_wait: .globl _fpu_invalid_wait\n fwait\n fstp %st(0)\n fninit\n ret\n"
        "_fpu_stack: .globl _fpu_stack\n fninit\n fldcw _cw_im_unmasked\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n"
        " fld1\n fld1\n flds _one_f\n"
        "_fpu_stack_wait: .globl _fpu_stack_wait\n fwait\n fninit\n ret\n"
        "_sse_zero: .globl _sse_zero\n subl $4, %esp\n stmxcsr (%esp)\n ldmxcsr _mxcsr_zm_unmasked\n"
        " movss _one_f, %xmm0\n movss _zero_f, %xmm1\n"
        "_sse_zero_at: .globl _sse_zero_at\n divss %xmm1, %xmm0\n movss %xmm0, _sse_result\n"
        " ldmxcsr (%esp)\n addl $4, %esp\n ret\n");

static char *probe_at;  /* the label the addresses are printed against */
static int probe_skip;  /* resume at probe_at + probe_skip; -1: pop a return address (after a bad call) */
static int probe_fix;   /* what to repair before retrying */

static void show(EXCEPTION_RECORD *r, CONTEXT *c)
{
    DWORD i;
    printf("  code 0x%08lX flags %lu params %lu", r->ExceptionCode, r->ExceptionFlags, r->NumberParameters);
    for (i = 0; i < r->NumberParameters && i < 2; i++) {
        DWORD v = (DWORD)r->ExceptionInformation[i];
        if (v == (DWORD)ro_page + 16 || v == (DWORD)rw_page || v == (DWORD)guard_page + 4)
            printf(" [page]");
        else if (v == (DWORD)&one_f)
            printf(" [operand]");
        else
            printf(" %lu", v);
    }
    printf(" address %+ld eip %+ld\n", (long)((char *)r->ExceptionAddress - probe_at), (long)((char *)c->Eip - probe_at));
}

static LONG probe_filter(EXCEPTION_RECORD *r, CONTEXT *c)
{
    show(r, c);
    switch (probe_fix) {
    case 1: /* single step: TF must be clear already */
        printf("  TF in context: %lu\n", (c->EFlags >> 8) & 1);
        break;
    case 2: /* x87: clear the exception flags and mask everything, in both images */
        printf("  FloatSave status 0x%02lX control 0x%04lX\n", c->FloatSave.StatusWord & 0x3F, c->FloatSave.ControlWord & 0xFFFF);
        c->FloatSave.StatusWord &= ~0x80FFul;
        c->FloatSave.ControlWord |= 0x3F;
        ((WORD *)c->ExtendedRegisters)[0] |= 0x3F;
        ((WORD *)c->ExtendedRegisters)[1] &= ~0x80FF;
        break;
    case 3: { /* SSE: MXCSR lives in the FXSAVE image */
        DWORD *mxcsr = (DWORD *)(c->ExtendedRegisters + 24);
        printf("  MXCSR 0x%04lX\n", *mxcsr);
        *mxcsr = 0x1F80;
        break;
    }
    }
    if (probe_skip < 0) {
        c->Eip = *(DWORD *)c->Esp;
        c->Esp += 4;
    } else {
        c->Eip = (DWORD)(probe_at + probe_skip);
    }
    return EXCEPTION_CONTINUE_EXECUTION;
}

static void call_fn(void *fn) { ((void (*)(void))fn)(); }

static void probe(const char *name, void (*fn)(void), char *at, int skip, int fix)
{
    int r;
    printf("%s:\n", name);
    probe_at = at;
    probe_skip = skip;
    probe_fix = fix;
    r = try_call(call_fn, (void *)fn, probe_filter);
    printf("  returned %d\n", r);
}

static int depth;
static void __attribute__((noinline)) recurse(void *p)
{
    volatile char buf[2048];
    buf[0] = (char)depth;
    depth++;
    recurse((void *)buf);
    buf[1] = 0;
}

static DWORD so_code, so_flags;
static LONG so_filter(EXCEPTION_RECORD *r, CONTEXT *c)
{
    (void)c; /* little stack is left here: no printf */
    so_code = r->ExceptionCode;
    so_flags = r->ExceptionFlags;
    return r->ExceptionCode == EXCEPTION_STACK_OVERFLOW ? EXCEPTION_EXECUTE_HANDLER : EXCEPTION_CONTINUE_SEARCH;
}

static DWORD WINAPI so_thread(void *p)
{
    (void)p;
    int caught = try_call(recurse, NULL, so_filter);
    printf("stack overflow:\n  caught %d: code 0x%08lX flags %lu, depth > 10: %s\n", caught, so_code, so_flags,
           depth > 10 ? "yes" : "no");
    return 7;
}

int main(void)
{
    DWORD old, code;
    HANDLE h;
    setvbuf(stdout, NULL, _IONBF, 0);
    ro_page = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READONLY);
    rw_page = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    guard_page = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    *(unsigned char *)rw_page = 0xC3; /* ret: would run without DEP */
    VirtualProtect(guard_page, 4096, PAGE_READWRITE | PAGE_GUARD, &old);

    probe("read of address 0", av_read, av_read_at, 5, 0);
    probe("write to address 8", av_write, av_write_at, 5, 0);
    probe("write to a read-only page", av_write_ro, av_write_ro_at, 3, 0);
    probe("call to address 0", av_exec0, NULL, -1, 0);
    probe("call into a read-write page", av_exec_rw, rw_page, -1, 0);
    probe("integer divide by zero", div0, div0_at, 2, 0);
    probe("INT_MIN / -1", divovf, divovf_at, 2, 0);
    probe("INTO with OF set", into_ovf, into_at, 1, 0);
    probe("INT3", brk, brk_at, 1, 0);
    probe("single step", sstep, sstep_after, 0, 1);
    probe("HLT", priv, priv_at, 1, 0);
    probe("UD2", illegal, illegal_at, 2, 0);
    probe("guard page", guard, guard_at, 0, 0);
    printf("guard page again (no exception):\n");
    guard();
    printf("  ok\n");
    probe("x87 divide by zero", fpu_zero, fpu_zero_wait, 0, 2);
    probe("x87 invalid operation", fpu_invalid, fpu_invalid_wait, 0, 2);
    probe("x87 stack overflow", fpu_stack, fpu_stack_wait, 0, 2);
    probe("SSE divide by zero", sse_zero, sse_zero_at, 0, 3);
    printf("  1/0 = 0x%08lX\n", (unsigned long)sse_result);

    h = CreateThread(NULL, 0, so_thread, NULL, 0, NULL);
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    printf("thread exit code %lu\n", code);
    return 0;
}
