/* scanf: msvcrt's sscanf conversions, widths, suppression, scansets, %n and return values, then scanf on standard
 * input summing integers until end of file. Only behaviour common to C99, msvcrt and glibc is used. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    int a = -1, b = -1, c = -1, n = -1, r;
    unsigned u = 0;
    long l = 0;
    int64_t ll = 0;
    short h = 0;
    float f = 0;
    double d = 0;
    char s1[32] = "", s2[32] = "", ch = 0, cs[4] = "";

    r = sscanf("10 20 30", "%d %d %d", &a, &b, &c);
    printf("r=%d a=%d b=%d c=%d\n", r, a, b, c);
    r = sscanf("-17 +5 0x1f 017 ff", "%d %i %i %i %x", &a, &b, &c, &n, &u);
    printf("r=%d %d %d %d %d %u\n", r, a, b, c, n, u);
    r = sscanf("4294967295 -2147483648 123456789012", "%u %ld %" SCNd64, &u, &l, &ll);
    printf("r=%d %u %ld %" PRId64 "\n", r, u, l, ll);
    r = sscanf("777 -32768", "%o %hd", &u, &h);
    printf("r=%d %u %d\n", r, u, h);
    r = sscanf("12345678", "%3d%2d%d", &a, &b, &c);
    printf("r=%d %d %d %d\n", r, a, b, c);
    r = sscanf("3.5 -2.25e2 1e-3", "%f %lf %lf", &f, &d, &d);
    printf("r=%d %.2f %.6f\n", r, f, d);
    r = sscanf("0.1", "%lf", &d);
    printf("r=%d %.17g\n", r, d);
    r = sscanf("hello world", "%s %s", s1, s2);
    printf("r=%d [%s] [%s]\n", r, s1, s2);
    r = sscanf("abcdef", "%3s%s", s1, s2);
    printf("r=%d [%s] [%s]\n", r, s1, s2);
    r = sscanf("key=value;rest", "%[^=]=%[^;]", s1, s2);
    printf("r=%d [%s] [%s]\n", r, s1, s2);
    r = sscanf("aaabbbccc", "%[ab]%n", s1, &n);
    printf("r=%d [%s] n=%d\n", r, s1, n);
    r = sscanf("x y", "%c %c", &ch, &cs[0]);
    printf("r=%d [%c] [%c]\n", r, ch, cs[0]);
    r = sscanf("xyz", "%2c", cs);
    cs[2] = 0;
    printf("r=%d [%s]\n", r, cs);
    r = sscanf("1 2 3", "%*d %d %n%d", &a, &n, &b);
    printf("r=%d a=%d n=%d b=%d\n", r, a, n, b);
    r = sscanf("abc", "%d", &a);
    printf("r=%d (no match)\n", r);
    r = sscanf("", "%d", &a);
    printf("r=%d (empty input)\n", r);
    r = sscanf("   ", "%d", &a);
    printf("r=%d (only spaces)\n", r);
    r = sscanf("12:34", "%d:%d", &a, &b);
    printf("r=%d %d:%d\n", r, a, b);
    r = sscanf("12-34", "%d:%d", &a, &b);
    printf("r=%d %d (literal mismatch)\n", r, a);
    r = sscanf("100%", "%d%%", &a);
    printf("r=%d %d\n", r, a);

    /* standard input: numbers until end of file */
    {
        long sum = 0;
        int count = 0, v;
        while ((r = scanf("%d", &v)) == 1) {
            sum += v;
            count++;
        }
        printf("read %d numbers, sum %ld, last scanf returned %d\n", count, sum, r);
    }
    return 0;
}
