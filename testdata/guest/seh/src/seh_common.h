/* seh_common.h: a hand-made __try/__except for GCC (which has no SEH keywords) and a probe frame.
 *
 * try_call(fn, arg, filter) registers an EXCEPTION_REGISTRATION_RECORD on the FS:[0] chain (on the stack, as
 * MSVC's prologue does), calls fn(arg) and returns 0. When an exception reaches that frame, filter(record,
 * context) decides as an __except filter does: EXCEPTION_EXECUTE_HANDLER unwinds the inner frames with
 * RtlUnwind (each sees EXCEPTION_UNWINDING) and resumes after the call with the stack and callee-saved
 * registers of try_call restored from the frame, returning 1 (the way MSVC's _except_handler3 jumps to the
 * __except block: the handler never returns to the dispatcher); EXCEPTION_CONTINUE_EXECUTION resumes the faulting context (which the filter may have
 * changed); EXCEPTION_CONTINUE_SEARCH declines. The frame layout, below try_call's EBP:
 *   ebp-4 ebx, ebp-8 esi, ebp-12 edi, ebp-16 handler, ebp-20 next  (the record is at ebp-20)
 * Windows semantics used: the handler signature and dispositions (excpt.h), RtlUnwind calling the frames
 * inside the target with EXCEPTION_UNWINDING and leaving the target on the chain, and a handler's
 * ExceptionContinueExecution resuming the CONTEXT as changed (NtContinue). */
#include <windows.h>
#include <excpt.h>
#include <stdio.h>

typedef LONG (*try_filter)(EXCEPTION_RECORD *, CONTEXT *);

int try_call(void (*fn)(void *), void *arg, try_filter filter);
EXCEPTION_DISPOSITION try_handler(EXCEPTION_RECORD *, void *, CONTEXT *, void *);
extern char try_resume[];

__asm__(".text\n"
        ".globl _try_call\n"
        "_try_call:\n"
        "  pushl %ebp\n"
        "  movl %esp, %ebp\n"
        "  pushl %ebx\n"
        "  pushl %esi\n"
        "  pushl %edi\n"
        "  pushl $_try_handler\n"
        "  pushl %fs:0\n"
        "  movl %esp, %fs:0\n"
        "  pushl 12(%ebp)\n"
        "  call *8(%ebp)\n"
        "  addl $4, %esp\n"
        "  xorl %eax, %eax\n"
        ".globl _try_resume\n"
        "_try_resume:\n"
        "  popl %fs:0\n"
        "  addl $4, %esp\n"
        "  popl %edi\n"
        "  popl %esi\n"
        "  popl %ebx\n"
        "  popl %ebp\n"
        "  ret\n");

static int unwind_seen;

EXCEPTION_DISPOSITION try_handler(EXCEPTION_RECORD *rec, void *frame, CONTEXT *ctx, void *dc)
{
    DWORD *f = frame; /* next, handler, edi, esi, ebx, ebp, return address, fn, arg, filter */
    try_filter filter = (try_filter)f[9];
    LONG r;
    (void)dc;
    (void)ctx;
    if (rec->ExceptionFlags & (EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND)) {
        unwind_seen++;
        return ExceptionContinueSearch;
    }
    r = filter(rec, ctx);
    if (r == EXCEPTION_CONTINUE_SEARCH)
        return ExceptionContinueSearch;
    if (r == EXCEPTION_CONTINUE_EXECUTION)
        return ExceptionContinueExecution;
    RtlUnwind(frame, 0, rec, 0);
    /* Jump to try_resume with ESP at the record (it pops the record and the saved registers itself) and
     * EAX = 1, never returning to the dispatcher: what MSVC's __except and C++ catch do. */
    __asm__ volatile("movl %0, %%esp\n"
                     "movl $1, %%eax\n"
                     "jmp _try_resume\n"
                     :
                     : "r"(frame));
    __builtin_unreachable();
}

static inline LONG take_all(EXCEPTION_RECORD *r, CONTEXT *c)
{
    (void)r;
    (void)c;
    return EXCEPTION_EXECUTE_HANDLER;
}
