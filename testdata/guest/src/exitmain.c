/* exitmain: main's return value becomes the process exit code. */
#include <stdio.h>

int main(void)
{
    puts("returning 3 from main");
    return 3;
}
