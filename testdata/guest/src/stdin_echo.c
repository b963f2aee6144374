/* stdin_echo: reads standard input line by line with fgets and echoes each line with its number, then
 * reports counts; lines longer than the buffer arrive in pieces. */
#include <stdio.h>
#include <string.h>

int main(void)
{
    char buf[16];
    int lines = 0, pieces = 0;
    unsigned long bytes = 0;
    while (fgets(buf, sizeof buf, stdin)) {
        size_t n = strlen(buf);
        pieces++;
        bytes += n;
        if (n > 0 && buf[n - 1] == '\n') {
            lines++;
            buf[n - 1] = 0;
            printf("%d: %s$\n", pieces, buf);
        } else {
            printf("%d: %s\n", pieces, buf);
        }
    }
    printf("lines=%d pieces=%d bytes=%lu eof=%d\n", lines, pieces, bytes, feof(stdin) != 0);
    return 0;
}
