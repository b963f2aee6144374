/* iocat: the `peek32 run` contract. Standard input is copied to standard output byte for byte (both switched to
 * binary mode with _setmode, so msvcrt translates nothing), one line goes to standard error, the file in.txt of
 * the current directory is copied to sub\out.txt there (reversed, so the copy is visibly the program's work),
 * and the exit code is the first argument (atoi), 0 without one. cmd/peek32's audit test runs it. */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    static char buf[1 << 16];
    size_t n, i;
    FILE *f;

    _setmode(0, _O_BINARY);
    _setmode(1, _O_BINARY);
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        fwrite(buf, 1, n, stdout);
    fflush(stdout);
    fprintf(stderr, "iocat: this line goes to stderr\n");
    f = fopen("in.txt", "rb");
    if (f) {
        n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        f = fopen("sub\\out.txt", "wb");
        if (!f) {
            fprintf(stderr, "iocat: cannot write sub\\out.txt\n");
            return 99;
        }
        for (i = 0; i < n; i++)
            fputc(buf[n - 1 - i], f);
        fclose(f);
    }
    return argc > 1 ? atoi(argv[1]) : 0;
}
