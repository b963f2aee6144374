/* printf_c99: every printf conversion, flag, width, precision and length modifier of C99. The MinGW build uses
 * __USE_MINGW_ANSI_STDIO=1 (MinGW's own C99 printf, linked into the exe) so that its output equals glibc's,
 * which is the oracle; the msvcrt.dll formats are tested by printf_msvcrt. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <wchar.h>

int main(void)
{
    int n1 = 0, n2 = 0;
    short sn = 0;
    long long big = 9223372036854775807LL;
    /* integers */
    printf("[%d] [%i] [%d] [%d]\n", 0, 42, -42, INT_MIN);
    printf("[%u] [%u] [%o] [%x] [%X]\n", 0u, UINT_MAX, 8u, 0xdeadbeefu, 0xdeadbeefu);
    printf("[%5d] [%-5d] [%05d] [%+d] [% d] [%+5d] [%-+5d]\n", 42, 42, 42, 42, 42, -42, 42);
    printf("[%.3d] [%8.3d] [%-8.3d] [%08.3d] [%.0d] [%.0d]\n", 7, 7, -7, 7, 0, 1);
    printf("[%#o] [%#x] [%#X] [%#o] [%#x] [%#10x] [%#010x]\n", 8u, 255u, 255u, 0u, 0u, 255u, 255u);
    printf("[%*d] [%-*d] [%.*d] [%*.*d]\n", 6, 1, 6, 2, 4, 3, 8, 5, 4);
    printf("[%hd] [%hu] [%hhd] [%hhu] [%hx]\n", (short)-1, (unsigned short)65535, (signed char)-128, (unsigned char)255, 0x12345);
    printf("[%ld] [%lu] [%lx]\n", -123456789L, 4000000000UL, 0xabcdefUL);
    printf("[%lld] [%lld] [%llu] [%llx] [%llo]\n", big, -big - 1, 18446744073709551615ULL, 0x123456789abcdefULL, 01777ULL);
    printf("[%jd] [%zu] [%td] [%zx]\n", (intmax_t)-5, sizeof(long long), (ptrdiff_t)-3, (size_t)4096);
    /* characters and strings */
    printf("[%c] [%3c] [%-3c] [%c]\n", 'a', 'b', 'c', 65);
    printf("[%s] [%10s] [%-10s] [%.3s] [%10.3s] [%-10.3s] [%.*s]\n", "hello", "hi", "hi", "hello", "hello", "hello", 2, "hello");
    printf("[%ls] [%5ls] [%lc]\n", L"wide", L"w", (wint_t)L'W');
    printf("[%s]\n", "");
    printf("[%%] [100%%]\n");
    /* floating point */
    printf("[%f] [%f] [%f] [%f]\n", 0.0, 1.0, -1.5, 3.14159265358979);
    printf("[%.0f] [%.0f] [%.0f] [%.1f] [%.2f] [%.10f]\n", 0.5, 1.5, 2.5, 0.05, 1.005, 1.0 / 3);
    printf("[%e] [%E] [%.2e] [%.0e] [%#.0e] [%e]\n", 12345.678, 0.000123, 1e100, 5e-300, 3.0, 0.0);
    printf("[%g] [%g] [%g] [%g] [%g] [%g] [%G]\n", 100000.0, 1000000.0, 0.0001, 0.00001, 123.456, 0.0, 1e-20);
    printf("[%.3g] [%.10g] [%#g] [%#.3g] [%g]\n", 3.14159, 1.0 / 3, 1.0, 2.0, 1e15);
    printf("[%10.3f] [%-10.3f] [%010.3f] [%+.2f] [% .2f] [%+010.2f]\n", 3.14159, 3.14159, -3.14159, 2.5, 2.5, -2.5);
    printf("[%f] [%f] [%e] [%g]\n", 1e20, 123456789.125, 1.7976931348623157e308, 2.2250738585072014e-308);
    printf("[%f] [%f] [%F] [%e] [%g]\n", INFINITY, -INFINITY, INFINITY, INFINITY, -INFINITY);
    printf("[%f] [%e] [%g] [%5.1f]\n", NAN, NAN, NAN, INFINITY);
    printf("[%.20f] [%.17g] [%.25e]\n", 0.1, 0.1, 1.0 / 3);
    printf("[%f] [%.3f] [%.0f]\n", -0.0, -0.0004, -0.4);
    /* %n */
    printf("abc%n def%hn\n", &n1, &sn);
    n2 = sn;
    printf("n1=%d n2=%d\n", n1, n2);
    /* return value */
    n1 = printf("12345\n");
    printf("printf returned %d\n", n1);
    n1 = snprintf(NULL, 0, "%d-%s", 12345, "abc");
    printf("snprintf length %d\n", n1);
    {
        char small[8];
        n1 = snprintf(small, sizeof small, "%s", "truncate me");
        printf("snprintf truncated to [%s], returned %d\n", small, n1);
    }
    return 0;
}
