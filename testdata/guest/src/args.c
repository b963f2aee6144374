/* args: prints each argument (argv[0] excluded: its path differs between hosts) between brackets, so that
 * quotes, backslashes, spaces and empty arguments are visible. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    int i;
    printf("argc=%d\n", argc);
    for (i = 1; i < argc; i++)
        printf("argv[%d]=[%s] len=%u\n", i, argv[i], (unsigned)strlen(argv[i]));
    return 0;
}
