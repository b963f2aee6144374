/* files: file round trips through stdio in the current directory: text and binary writes and reads,
 * appending, seeking, rename, remove, and the error for a missing file. Text files are compared by
 * content only (on Windows their size on disk includes the CR of each line). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int check(int ok, const char *what)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}

int main(void)
{
    int fails = 0, i, c;
    unsigned char bin[256], back[256];
    char line[64];
    long size;
    FILE *f;

    /* text write, append, read back */
    f = fopen("round.txt", "w");
    fails += check(f != NULL, "open round.txt for writing");
    fputs("alpha\n", f);
    fprintf(f, "beta %d\n", 2);
    fclose(f);
    f = fopen("round.txt", "a");
    fputs("gamma\n", f);
    fclose(f);
    f = fopen("round.txt", "r");
    fails += check(f != NULL, "open round.txt for reading");
    i = 0;
    while (fgets(line, sizeof line, f))
        printf("line %d: %s", ++i, line);
    fails += check(feof(f) && !ferror(f), "text read reaches end of file");
    fclose(f);

    /* binary round trip of every byte value */
    for (i = 0; i < 256; i++)
        bin[i] = (unsigned char)i;
    f = fopen("bytes.bin", "wb");
    fails += check(fwrite(bin, 1, sizeof bin, f) == sizeof bin, "write 256 bytes");
    fclose(f);
    f = fopen("bytes.bin", "rb");
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    printf("bytes.bin size %ld\n", size);
    fseek(f, 0, SEEK_SET);
    memset(back, 0, sizeof back);
    fails += check(fread(back, 1, sizeof back, f) == sizeof back, "read 256 bytes");
    fails += check(memcmp(bin, back, sizeof bin) == 0, "bytes equal");
    fseek(f, 100, SEEK_SET);
    c = fgetc(f);
    printf("byte at 100: %d, then ftell %ld\n", c, ftell(f));
    fseek(f, -1, SEEK_END);
    printf("last byte: %d\n", fgetc(f));
    printf("after end: %d\n", fgetc(f) == EOF);
    fclose(f);

    /* update mode: overwrite in the middle */
    f = fopen("bytes.bin", "r+b");
    fseek(f, 10, SEEK_SET);
    fputc('X', f);
    fseek(f, 9, SEEK_SET);
    c = fgetc(f);
    i = fgetc(f);
    printf("r+b: %d %d", c, i);
    printf(" %d\n", fgetc(f));
    fclose(f);

    /* rename and remove */
    remove("moved.bin");
    fails += check(rename("bytes.bin", "moved.bin") == 0, "rename");
    fails += check(fopen("bytes.bin", "rb") == NULL, "old name gone");
    f = fopen("moved.bin", "rb");
    fails += check(f != NULL, "new name opens");
    if (f)
        fclose(f);
    fails += check(remove("moved.bin") == 0, "remove");
    fails += check(remove("round.txt") == 0, "remove text file");

    /* missing file */
    errno = 0;
    f = fopen("no-such-file.txt", "r");
    fails += check(f == NULL && errno == ENOENT, "missing file gives ENOENT");

    /* a file left behind for the host to collect */
    f = fopen("written.txt", "wb");
    fputs("this file was written by files.exe\n", f);
    fclose(f);

    printf("failures: %d\n", fails);
    return fails;
}
