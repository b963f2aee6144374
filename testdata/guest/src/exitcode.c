/* exitcode: exit() from a nested call, with atexit handlers run in reverse order of registration;
 * the exit code is the first argument (200 in the test). */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { puts("atexit: registered first, runs last"); }
static void second(void) { puts("atexit: registered second, runs first"); }

static void leave(int code)
{
    printf("exiting with %d\n", code);
    exit(code);
}

int main(int argc, char **argv)
{
    atexit(first);
    atexit(second);
    leave(argc > 1 ? atoi(argv[1]) : 1);
    puts("not reached");
    return 0;
}
