/* spin: prints one line, then loops forever; used to check that a run can be bounded or stopped
 * (--max-instructions, --timeout, the page's stop button, TerminateProcess). */
#include <stdio.h>

int main(void)
{
    volatile unsigned long n = 0;
    printf("spinning\n");
    fflush(stdout);
    for (;;)
        n++;
    return 0;
}
