/* int64: 64-bit integer arithmetic on a 32-bit CPU (the compiler's helpers for division, modulo and shifts),
 * signed and unsigned comparisons, and conversions to and from double. Values are printed in decimal and
 * hex with %lld/%llu/%llx. Built with __USE_MINGW_ANSI_STDIO=1: conversions of large doubles print exact digits
 * as glibc does (msvcrt.dll would print 17 significant digits and zeros). */
#include <stdio.h>

#define MIN64 (-9223372036854775807LL - 1)

static volatile long long sv[] = {0, 1, -1, 7, -7, 1000000007LL, -3000000000LL, 9223372036854775807LL, MIN64,
                                  0x123456789abcdefLL};
static volatile unsigned long long uv[] = {0, 1, 3, 0xffffffffULL, 0x100000000ULL, 18446744073709551615ULL,
                                           0x8000000000000000ULL, 12345678901234567ULL};
static volatile double dv[] = {0.0, 1.5, -1.5, 4294967296.0, 1e18, -1e18, 9007199254740993.0, 123456789.987};

int main(void)
{
    unsigned i, j;
    const unsigned ns = sizeof sv / sizeof sv[0], nu = sizeof uv / sizeof uv[0], nd = sizeof dv / sizeof dv[0];
    for (i = 0; i < ns; i++) {
        for (j = 0; j < ns; j++) {
            long long a = sv[i], b = sv[j];
            printf("%lld %lld: + %lld - %lld * %lld", a, b, (long long)((unsigned long long)a + b),
                   (long long)((unsigned long long)a - b), (long long)((unsigned long long)a * b));
            if (b != 0 && !(b == -1 && a == MIN64))
                printf(" / %lld %% %lld", a / b, a % b);
            printf(" < %d\n", a < b);
        }
        for (j = 0; j < 64; j += 7)
            printf("  %lld >> %u = %lld\n", sv[i], j, sv[i] >> j);
        printf("  as double %.1f\n", (double)sv[i]);
    }
    for (i = 0; i < nu; i++) {
        for (j = 0; j < nu; j++) {
            unsigned long long a = uv[i], b = uv[j];
            printf("%llx %llx: * %llx", a, b, a * b);
            if (b != 0)
                printf(" / %llu %% %llu", a / b, a % b);
            printf(" < %d\n", a < b);
        }
        for (j = 0; j < 64; j += 9)
            printf("  %llx << %u = %llx, >> = %llx\n", uv[i], j, uv[i] << j, uv[i] >> j);
        printf("  as double %.1f\n", (double)uv[i]);
    }
    for (i = 0; i < nd; i++)
        printf("%.3f -> %lld %llu\n", dv[i], (long long)dv[i], dv[i] >= 0 ? (unsigned long long)dv[i] : 0ULL);
    return 0;
}
