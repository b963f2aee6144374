/* crash: an unhandled access violation (a write to address 0). MinGW's start-up installs an unhandled-exception
 * filter that, with no SIGSEGV handler, passes the exception on; the process then ends with the exception code
 * as its exit code, 0xC0000005 = 3221225477 (Microsoft: "Exception dispatching"; GetExitCodeProcess of a
 * crashed process). */
#include <stdio.h>

int main(void)
{
    volatile int *p = (volatile int *)0;
    printf("before the crash\n");
    fflush(stdout);
    *p = 1;
    printf("not reached\n");
    return 0;
}
