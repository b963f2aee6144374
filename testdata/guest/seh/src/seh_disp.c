/* seh_disp: how Windows dispatches an exception (RtlDispatchException, 32-bit x86), observed from the program.
 * Expectations from Microsoft's documentation (AddVectoredExceptionHandler: "If the First parameter is nonzero,
 * the handler is the first handler to be called"; AddVectoredContinueHandler; RaiseException: "If
 * nNumberOfArguments exceeds EXCEPTION_MAXIMUM_PARAMETERS, it is set to that"; EXCEPTION_NONCONTINUABLE: continuing
 * raises STATUS_NONCONTINUABLE_EXCEPTION (0xC0000025) whose ExceptionRecord links the original; a handler
 * returning something else raises STATUS_INVALID_DISPOSITION (0xC0000026); RtlUnwind: handlers of the frames
 * inside the target are called with EXCEPTION_UNWINDING (2), the target stays on the chain and RtlUnwind
 * returns to its caller with EAX = ReturnValue; SetUnhandledExceptionFilter: EXCEPTION_CONTINUE_EXECUTION
 * resumes, and an exception nobody takes ends the process with the exception code) and from Pietrek's "A Crash
 * Course on the Depths of Win32 Structured Exception Handling" for nested exceptions: an exception raised inside
 * a handler walks the chain again, the frames up to and including the one whose handler was running see
 * EXCEPTION_NESTED_CALL (0x10). */
#include "seh_common.h"

static char log_buf[512];
static void note(const char *s)
{
    strcat(log_buf, s);
}
static void flush_log(void)
{
    printf("  order: %s\n", log_buf);
    log_buf[0] = 0;
}

static LONG CALLBACK veh1(EXCEPTION_POINTERS *ep) { (void)ep; note("V1 "); return EXCEPTION_CONTINUE_SEARCH; }
static LONG CALLBACK veh2(EXCEPTION_POINTERS *ep) { (void)ep; note("V2 "); return EXCEPTION_CONTINUE_SEARCH; }
static LONG CALLBACK veh3(EXCEPTION_POINTERS *ep) { (void)ep; note("V3 "); return EXCEPTION_CONTINUE_SEARCH; }
static LONG CALLBACK vch1(EXCEPTION_POINTERS *ep) { (void)ep; note("C1 "); return EXCEPTION_CONTINUE_SEARCH; }
static LONG CALLBACK vch2(EXCEPTION_POINTERS *ep) { (void)ep; note("C2 "); return EXCEPTION_CONTINUE_SEARCH; }

static LONG frame_continue(EXCEPTION_RECORD *r, CONTEXT *c)
{
    (void)r;
    (void)c;
    note("F ");
    return EXCEPTION_CONTINUE_EXECUTION;
}

static void raise_plain(void *p)
{
    (void)p;
    RaiseException(0xE0000010, 0, 0, NULL);
    note("back ");
}

static void order(void)
{
    void *v1, *v2, *v3, *c1, *c2;
    printf("vectored and continue handler order:\n");
    v1 = AddVectoredExceptionHandler(0, veh1);
    v2 = AddVectoredExceptionHandler(1, veh2);
    v3 = AddVectoredExceptionHandler(0, veh3);
    c1 = AddVectoredContinueHandler(0, vch1);
    c2 = AddVectoredContinueHandler(1, vch2);
    try_call(raise_plain, NULL, frame_continue);
    flush_log();
    printf("  removed: %lu", RemoveVectoredExceptionHandler(v2));
    printf(" %lu", RemoveVectoredExceptionHandler(v1));
    printf(" %lu", RemoveVectoredExceptionHandler(v3));
    printf(" %lu", RemoveVectoredContinueHandler(c1));
    printf(" %lu", RemoveVectoredContinueHandler(c2));
    printf(", again: %lu\n", RemoveVectoredExceptionHandler(v1));
    try_call(raise_plain, NULL, frame_continue);
    flush_log();
}

/* RaiseException's record. */
static LONG show_raise(EXCEPTION_RECORD *r, CONTEXT *c)
{
    DWORD i;
    (void)c;
    printf("  code 0x%08lX flags %lu params %lu:", r->ExceptionCode, r->ExceptionFlags, r->NumberParameters);
    for (i = 0; i < r->NumberParameters; i++)
        printf(" %lu", (unsigned long)r->ExceptionInformation[i]);
    printf(", linked record: %s\n", r->ExceptionRecord ? "yes" : "no");
    return EXCEPTION_EXECUTE_HANDLER;
}

static void raise_args(void *p)
{
    ULONG_PTR a[20];
    int i;
    for (i = 0; i < 20; i++)
        a[i] = 100 + i;
    RaiseException(0xE0000020, 0x7FFFFFF0 /* only EXCEPTION_NONCONTINUABLE is kept */, (DWORD)(ULONG_PTR)p, a);
}

/* A noncontinuable exception continued. */
static int nc_calls;
static LONG nc_filter(EXCEPTION_RECORD *r, CONTEXT *c)
{
    (void)c;
    nc_calls++;
    printf("  handler %d: code 0x%08lX flags %lu", nc_calls, r->ExceptionCode, r->ExceptionFlags);
    if (r->ExceptionRecord)
        printf(", linked record 0x%08lX", r->ExceptionRecord->ExceptionCode);
    printf("\n");
    return nc_calls == 1 ? EXCEPTION_CONTINUE_EXECUTION : EXCEPTION_EXECUTE_HANDLER;
}
static void raise_nc(void *p)
{
    (void)p;
    RaiseException(0xE0000030, EXCEPTION_NONCONTINUABLE, 0, NULL);
    printf("  not reached\n");
}

/* A frame handler returning a bad disposition. */
static EXCEPTION_DISPOSITION bad_handler(EXCEPTION_RECORD *r, void *f, CONTEXT *c, void *d)
{
    (void)f;
    (void)c;
    (void)d;
    if (r->ExceptionFlags & EXCEPTION_UNWINDING || r->ExceptionCode != 0xE0000040)
        return ExceptionContinueSearch;
    printf("  bad handler: code 0x%08lX, returning 42\n", r->ExceptionCode);
    return (EXCEPTION_DISPOSITION)42;
}
static void with_bad(void *p)
{
    EXCEPTION_REGISTRATION_RECORD reg;
    (void)p;
    reg.Next = (EXCEPTION_REGISTRATION_RECORD *)__readfsdword(0);
    reg.Handler = (PEXCEPTION_ROUTINE)bad_handler;
    __writefsdword(0, (DWORD)&reg);
    RaiseException(0xE0000040, 0, 0, NULL);
    __writefsdword(0, (DWORD)reg.Next);
}

/* Unwinding: three frames; the outer one takes the exception and unwinds the two inner ones. */
static EXCEPTION_DISPOSITION unwind_handler(EXCEPTION_RECORD *r, void *f, CONTEXT *c, void *d)
{
    (void)f;
    (void)c;
    (void)d;
    printf("  frame %c: code 0x%08lX flags %lu\n", ((char *)f)[8], r->ExceptionCode, r->ExceptionFlags);
    return ExceptionContinueSearch;
}
struct named_frame {
    EXCEPTION_REGISTRATION_RECORD reg;
    char name;
    char pad[3];
};
static void inner2(void *p)
{
    struct named_frame f = {{(void *)__readfsdword(0), (PEXCEPTION_ROUTINE)unwind_handler}, 'C', {0}};
    (void)p;
    __writefsdword(0, (DWORD)&f);
    RaiseException(0xE0000050, 0, 0, NULL);
    __writefsdword(0, (DWORD)f.reg.Next);
}
static void inner1(void *p)
{
    struct named_frame f = {{(void *)__readfsdword(0), (PEXCEPTION_ROUTINE)unwind_handler}, 'B', {0}};
    __writefsdword(0, (DWORD)&f);
    inner2(p);
    __writefsdword(0, (DWORD)f.reg.Next);
}

/* RtlUnwind's return: EAX = ReturnValue, callee-saved registers kept, ESP balanced (stdcall, 16 bytes). */
static void rtlunwind_return(void)
{
    DWORD eax, ebx, esi, edi, esp_before, esp_after;
    __asm__ volatile("movl %%esp, %[b]\n"
                     "movl $0x11111111, %%ebx\n"
                     "movl $0x22222222, %%esi\n"
                     "movl $0x33333333, %%edi\n"
                     "pushl $0x12345678\n"
                     "pushl $0\n"
                     "pushl $1f\n"
                     "pushl %%fs:0\n"
                     "call _RtlUnwind@16\n"
                     "1:\n"
                     "movl %%esp, %[a]\n"
                     "movl %%ebx, %[x]\n"
                     "movl %%esi, %[s]\n"
                     "movl %%edi, %[d]\n"
                     : "=a"(eax), [b] "=m"(esp_before), [a] "=m"(esp_after), [x] "=m"(ebx), [s] "=m"(esi),
                       [d] "=m"(edi)
                     :
                     : "ebx", "esi", "edi", "ecx", "edx", "memory");
    printf("RtlUnwind to the head frame: eax 0x%08lX, ebx/esi/edi kept: %s, esp balanced: %s\n", eax,
           ebx == 0x11111111 && esi == 0x22222222 && edi == 0x33333333 ? "yes" : "no",
           esp_before == esp_after ? "yes" : "no");
}

/* Nested: an exception raised inside a frame handler. */
static int nest_stage;
static EXCEPTION_DISPOSITION nest_inner_handler(EXCEPTION_RECORD *r, void *f, CONTEXT *c, void *d)
{
    (void)f;
    (void)d;
    (void)c;
    if (r->ExceptionFlags & EXCEPTION_UNWINDING)
        return ExceptionContinueSearch;
    printf("  inner handler: code 0x%08lX flags 0x%02lX\n", r->ExceptionCode, r->ExceptionFlags);
    if (r->ExceptionCode == 0xE0000060) {
        /* raise a second exception from inside this handler; the outer frame will continue it */
        RaiseException(0xE0000061, 0, 0, NULL);
        printf("  inner handler: second exception continued\n");
        return ExceptionContinueExecution;
    }
    return ExceptionContinueSearch;
}
static LONG nest_outer_filter(EXCEPTION_RECORD *r, CONTEXT *c)
{
    (void)c;
    printf("  outer frame: code 0x%08lX flags 0x%02lX\n", r->ExceptionCode, r->ExceptionFlags);
    return EXCEPTION_CONTINUE_EXECUTION;
}
static void nest_body(void *p)
{
    EXCEPTION_REGISTRATION_RECORD reg;
    (void)p;
    reg.Next = (EXCEPTION_REGISTRATION_RECORD *)__readfsdword(0);
    reg.Handler = (PEXCEPTION_ROUTINE)nest_inner_handler;
    __writefsdword(0, (DWORD)&reg);
    RaiseException(0xE0000060, 0, 0, NULL);
    printf("  first exception continued\n");
    __writefsdword(0, (DWORD)reg.Next);
}

/* What MSVC's _CxxThrowException does (RaiseException(0xE06D7363, EXCEPTION_NONCONTINUABLE, 3, {0x19930520,
 * object, ThrowInfo})), caught the way __CxxFrameHandler catches: RtlUnwind to the frame, then a jump to the
 * continuation that never returns to the dispatcher. Many times over, so abandoned dispatches must not pile up. */
static LONG cxx_filter(EXCEPTION_RECORD *r, CONTEXT *c)
{
    (void)c;
    return r->ExceptionCode == 0xE06D7363 && r->NumberParameters == 3 && r->ExceptionInformation[0] == 0x19930520
               ? EXCEPTION_EXECUTE_HANDLER
               : EXCEPTION_CONTINUE_SEARCH;
}
static void cxx_throw(void *p)
{
    ULONG_PTR args[3] = {0x19930520, (ULONG_PTR)p, 0};
    RaiseException(0xE06D7363, EXCEPTION_NONCONTINUABLE, 3, args);
}

/* The unhandled-exception filter (kernel32's UnhandledExceptionFilter calls it from the frame at the bottom of
 * the chain). */
static LONG WINAPI top_filter(EXCEPTION_POINTERS *ep)
{
    EXCEPTION_RECORD *r = ep->ExceptionRecord;
    printf("  unhandled-exception filter: code 0x%08lX", r->ExceptionCode);
    if (r->ExceptionCode == 0xE0000070) {
        printf(", continuing\n");
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    if (r->ExceptionCode == EXCEPTION_ACCESS_VIOLATION) {
        printf(", skipping the instruction\n");
        ep->ContextRecord->Eip += 6;
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    printf(", searching on\n");
    return EXCEPTION_CONTINUE_SEARCH;
}
int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    order();

    printf("RaiseException with 3 arguments:\n");
    try_call(raise_args, (void *)3, show_raise);
    printf("RaiseException with 20 arguments:\n");
    try_call(raise_args, (void *)20, show_raise);

    printf("continuing a noncontinuable exception:\n");
    printf("  caught: %d\n", try_call(raise_nc, NULL, nc_filter));

    printf("invalid disposition:\n");
    printf("  caught: %d\n", try_call(with_bad, NULL, show_raise));

    printf("unwinding:\n");
    unwind_seen = 0;
    printf("  caught: %d\n", try_call(inner1, NULL, take_all));

    rtlunwind_return();

    {
        int i, caught = 0;
        printf("0xE06D7363 thrown and caught 200 times:\n");
        unwind_seen = 0;
        for (i = 0; i < 200; i++)
            caught += try_call(cxx_throw, &i, cxx_filter);
        printf("  caught %d\n", caught);
    }

    printf("nested exception:\n");
    nest_stage = 0;
    printf("  caught: %d\n", try_call(nest_body, NULL, nest_outer_filter));

    SetUnhandledExceptionFilter(top_filter);
    printf("unhandled, filter continues:\n");
    RaiseException(0xE0000070, 0, 0, NULL);
    printf("  RaiseException returned\n");
    printf("unhandled access violation, filter skips it:\n");
    __asm__ volatile("movl %%eax, 0x10\n" : : : "memory"); /* A3 10 00 00 00 */
    __asm__ volatile("nop");                              /* 6 = 5 + this nop */
    printf("  resumed\n");

    printf("unhandled, filter searches on: the process ends with 0xE0000080\n");
    RaiseException(0xE0000080, 0, 0, NULL);
    printf("not reached\n");
    return 0;
}
