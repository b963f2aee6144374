/* seh_badchain: an FS:[0] record outside the thread's stack. RtlDispatchException checks every record (inside
 * the TEB's StackLimit..StackBase, 4-byte aligned) and stops at the first bad one with EXCEPTION_STACK_INVALID:
 * the exception is unhandled without calling any handler, not even the unhandled-exception filter (which
 * kernel32 calls from the frame at the bottom of the chain, never reached), so the process ends with the
 * exception code (0xE0000070 = 3758096496). Wine 8 also calls no handler but exits with 112; see README. */
#include <windows.h>
#include <excpt.h>
#include <stdio.h>

static EXCEPTION_REGISTRATION_RECORD heap_frame;

static EXCEPTION_DISPOSITION never_called(EXCEPTION_RECORD *r, void *f, CONTEXT *c, void *d)
{
    (void)f;
    (void)c;
    (void)d;
    printf("a frame outside the stack was called: 0x%08lX\n", r->ExceptionCode);
    return ExceptionContinueExecution;
}

static LONG WINAPI top_filter(EXCEPTION_POINTERS *ep)
{
    printf("the unhandled-exception filter was called: 0x%08lX\n", ep->ExceptionRecord->ExceptionCode);
    return EXCEPTION_CONTINUE_EXECUTION;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    SetUnhandledExceptionFilter(top_filter);
    heap_frame.Next = (EXCEPTION_REGISTRATION_RECORD *)__readfsdword(0);
    heap_frame.Handler = (PEXCEPTION_ROUTINE)never_called;
    __writefsdword(0, (DWORD)&heap_frame);
    printf("raising with a record outside the stack at the head of the chain\n");
    RaiseException(0xE0000070, 0, 0, NULL);
    printf("not reached\n");
    return 0;
}
