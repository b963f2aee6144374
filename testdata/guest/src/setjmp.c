/* setjmp: setjmp/longjmp out of nested calls and recursion, longjmp(buf, 0) returning 1, volatile locals
 * keeping their values, and jumping several times through the same buffer. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env, env2;
static int depth;

static void dive(int n)
{
    depth = n;
    if (n == 50)
        longjmp(env, n);
    dive(n + 1);
}

static void zero(void) { longjmp(env2, 0); }

int main(void)
{
    volatile int count = 0;
    int r;

    r = setjmp(env);
    if (r == 0) {
        puts("setjmp returned 0");
        dive(1);
        puts("not reached");
    } else {
        printf("longjmp from depth %d returned %d\n", depth, r);
    }

    r = setjmp(env2);
    if (r == 0)
        zero();
    printf("longjmp(buf, 0) makes setjmp return %d\n", r);

    r = setjmp(env);
    count++;
    if (count < 5)
        longjmp(env, count * 10);
    printf("jumped back %d times, last value %d\n", count - 1, r);
    return 0;
}
