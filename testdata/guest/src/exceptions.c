/* exceptions: Windows exception dispatch for 32-bit x86 (Microsoft: "Structured Exception Handling",
 * AddVectoredExceptionHandler, RaiseException, SetUnhandledExceptionFilter; Matt Pietrek, "A Crash Course on the
 * Depths of Win32 Structured Exception Handling"). GCC has no __try, so frames are registered by hand on the
 * FS:[0] chain. Checked: vectored handlers run before frame handlers; a vectored handler can resume after an
 * access violation (ExceptionInformation = {0 = read, address}); a frame handler can fix the context and
 * continue (divide by zero 0xC0000094 retried with another divisor; breakpoint 0x80000003 with EIP at the INT3;
 * illegal instruction 0xC000001D at the UD2); an inner frame that declines passes the exception to the outer
 * one; RaiseException's code, flags and parameters arrive intact and a continued RaiseException returns; and an
 * exception nobody handles reaches the unhandled-exception filter, whose EXCEPTION_EXECUTE_HANDLER ends the
 * process with the exception code as exit code (0xE0000002 = 3758096386). */
#include <windows.h>
#include <excpt.h>
#include <stdio.h>

struct frame {
    struct frame *next;
    void *handler;
};

typedef EXCEPTION_DISPOSITION (*frame_handler)(EXCEPTION_RECORD *, void *, CONTEXT *, void *);

/* Runs fn with handler registered as the innermost FS:[0] frame. */
static void __attribute__((noinline)) with_frame(void (*fn)(void), frame_handler handler)
{
    struct frame f;
    __asm__ volatile("movl %%fs:0, %0" : "=r"(f.next));
    f.handler = (void *)handler;
    __asm__ volatile("movl %0, %%fs:0" : : "r"(&f) : "memory");
    fn();
    __asm__ volatile("movl %0, %%fs:0" : : "r"(f.next) : "memory");
}

static LONG CALLBACK vectored(EXCEPTION_POINTERS *ep)
{
    EXCEPTION_RECORD *r = ep->ExceptionRecord;
    printf("vectored: code 0x%08lX, flags %lu", r->ExceptionCode, r->ExceptionFlags);
    if (r->ExceptionCode == EXCEPTION_ACCESS_VIOLATION) {
        printf(", %lu parameters: %lu 0x%08lX; skipping the 5-byte instruction\n", r->NumberParameters,
               (unsigned long)r->ExceptionInformation[0], (unsigned long)r->ExceptionInformation[1]);
        ep->ContextRecord->Eip += 5;
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    printf(", passing it on\n");
    return EXCEPTION_CONTINUE_SEARCH;
}

static EXCEPTION_DISPOSITION fixer(EXCEPTION_RECORD *r, void *frame, CONTEXT *ctx, void *dispatch)
{
    (void)frame;
    (void)dispatch;
    printf("frame handler: code 0x%08lX, flags %lu", r->ExceptionCode, r->ExceptionFlags);
    switch (r->ExceptionCode) {
    case EXCEPTION_INT_DIVIDE_BY_ZERO:
        printf(", setting ecx to 4\n");
        ctx->Ecx = 4;
        return ExceptionContinueExecution;
    case EXCEPTION_BREAKPOINT:
        printf(", eip at the int3: %s\n", *(unsigned char *)ctx->Eip == 0xCC && (DWORD)r->ExceptionAddress == ctx->Eip ? "yes" : "no");
        ctx->Eip += 1;
        return ExceptionContinueExecution;
    case EXCEPTION_ILLEGAL_INSTRUCTION:
        printf(", eip at the ud2: %s\n", *(unsigned short *)ctx->Eip == 0x0B0F ? "yes" : "no");
        ctx->Eip += 2;
        return ExceptionContinueExecution;
    }
    printf(", not mine\n");
    return ExceptionContinueSearch;
}

static EXCEPTION_DISPOSITION inner(EXCEPTION_RECORD *r, void *frame, CONTEXT *ctx, void *dispatch)
{
    (void)frame;
    (void)ctx;
    (void)dispatch;
    printf("inner frame handler: code 0x%08lX, declining\n", r->ExceptionCode);
    return ExceptionContinueSearch;
}

static EXCEPTION_DISPOSITION outer(EXCEPTION_RECORD *r, void *frame, CONTEXT *ctx, void *dispatch)
{
    (void)frame;
    (void)ctx;
    (void)dispatch;
    printf("outer frame handler: code 0x%08lX, flags %lu, %lu parameters: %lu %lu, continuing\n", r->ExceptionCode,
           r->ExceptionFlags, r->NumberParameters, (unsigned long)r->ExceptionInformation[0],
           (unsigned long)r->ExceptionInformation[1]);
    return ExceptionContinueExecution;
}

static void __attribute__((noinline)) read_null(void)
{
    __asm__ volatile("movl 0x0, %%eax" : : : "eax", "memory"); /* A1 00 00 00 00 */
}

static int result;
static void __attribute__((noinline)) divide(void)
{
    int q;
    __asm__ volatile("movl $100, %%eax\n\t"
                     "xorl %%ecx, %%ecx\n\t"
                     "cltd\n\t"
                     "idivl %%ecx"
                     : "=a"(q)
                     :
                     : "ecx", "edx");
    result = q;
}

static void __attribute__((noinline)) breakpoint(void) { __asm__ volatile("int3"); }
static void __attribute__((noinline)) illegal(void) { __asm__ volatile("ud2"); }

static void __attribute__((noinline)) raise_one(void)
{
    ULONG_PTR params[2] = {11, 22};
    RaiseException(0xE0000001, 0, 2, params);
    printf("RaiseException returned\n");
}

static void __attribute__((noinline)) nested(void) { with_frame(raise_one, inner); }

static LONG WINAPI filter(EXCEPTION_POINTERS *ep)
{
    printf("filter: code 0x%08lX, flags %lu\n", ep->ExceptionRecord->ExceptionCode, ep->ExceptionRecord->ExceptionFlags);
    fflush(stdout);
    return EXCEPTION_EXECUTE_HANDLER;
}

int main(void)
{
    void *vh = AddVectoredExceptionHandler(1, vectored);

    printf("access violation:\n");
    read_null();
    printf("after the access violation\n");

    printf("divide by zero:\n");
    with_frame(divide, fixer);
    printf("100 / 4 = %d\n", result);

    printf("breakpoint:\n");
    with_frame(breakpoint, fixer);
    printf("after the breakpoint\n");

    printf("illegal instruction:\n");
    with_frame(illegal, fixer);
    printf("after the illegal instruction\n");

    printf("nested frames:\n");
    with_frame(nested, outer);

    printf("RemoveVectoredExceptionHandler: %lu\n", RemoveVectoredExceptionHandler(vh));
    SetUnhandledExceptionFilter(filter);
    printf("raising 0xE0000002 with no handler\n");
    fflush(stdout);
    RaiseException(0xE0000002, EXCEPTION_NONCONTINUABLE, 0, NULL);
    printf("not reached\n");
    return 0;
}
