/* printf_msvcrt: msvcrt.dll's own printf formats (no __USE_MINGW_ANSI_STDIO: MinGW calls msvcrt's sprintf).
 * Every row's `out` is what Windows' msvcrt.dll produces, as recorded in Wine's conformance test
 * dlls/msvcrt/tests/printf.c (test_sprintf table and the 32-bit pointer checks). The program prints
 * "FORMAT => [OUTPUT] (RETURN)" for each row; expected/printf_msvcrt.stdout is the `out` column in that shape,
 * so a mismatch shows the row. */
#include <stdio.h>
#include <string.h>

enum { NO_ARG, INT_ARG, I64_ARG, DBL_ARG, PTR_ARG };

struct row {
    const char *fmt;
    const char *out;
    int type;
    int i;
    long long ll;
    double d;
    const void *p;
};

static double bits(unsigned long long b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

int main(void)
{
    static const unsigned short wide[] = {'w', 'i', 'd', 'e', 0};
    const double IND = bits(0xFFF8000000000000ULL), QNAN = bits(0x7FF8000000000000ULL),
                 INF = bits(0x7FF0000000000000ULL);
    const struct row rows[] = {
        {"%+#23.15e", "+7.894561230000000e+008", DBL_ARG, 0, 0, 789456123},
        {"%-#23.15e", "7.894561230000000e+008 ", DBL_ARG, 0, 0, 789456123},
        {"%#1.1g", "8.e+008", DBL_ARG, 0, 0, 789456123},
        {"%I64d", "-8589934591", I64_ARG, 0, (long long)(0xffffffffULL * 0xffffffffULL)},
        {"%+8I64d", "    +100", I64_ARG, 0, 100},
        {"%-8.5I64d", "-00100  ", I64_ARG, 0, -100},
        {"%05I64d", "-0100", I64_ARG, 0, -100},
        {"% 8.5I64d", "  -00100", I64_ARG, 0, -100},
        {"%.0I64d", "", I64_ARG, 0, 0},
        {"%#+21.18I64x", " 0x00ffffffffffffff9c", I64_ARG, 0, -100},
        {"%#.25I64o", "0001777777777777777777634", I64_ARG, 0, -100},
        {"%#+18.21I64X", "0X00000FFFFFFFFFFFFFF9C", I64_ARG, 0, -100},
        {"%#+30.25I64u", "     0000018446744073709551615", I64_ARG, 0, -1},
        {"%+#25.22I64d", "  -0000000000000000000001", I64_ARG, 0, -1},
        {"%#-+ 08.5I64d", "+00100  ", I64_ARG, 0, 100},
        {"%lld", "-8589934591", I64_ARG, 0, (long long)(0xffffffffULL * 0xffffffffULL)},
        {"%I32d", "1", INT_ARG, 1},
        {"%I", "I", INT_ARG, 1},
        {"%I0d", "I0d", INT_ARG, 1},
        {"%I64D", "D", I64_ARG, 0, -1},
        {"% d", " 1", INT_ARG, 1},
        {"%+ d", "+1", INT_ARG, 1},
        {"%04c", "0001", INT_ARG, '1'},
        {"%-04c", "1   ", INT_ARG, '1'},
        {"%#012x", "0x0000000001", INT_ARG, 1},
        {"%#012x", "000000000000", INT_ARG, 0},
        {"%#04.8x", "0x00000001", INT_ARG, 1},
        {"%#-08.2x", "0x01    ", INT_ARG, 1},
        {"%#.0x", "", INT_ARG, 0},
        {"%#08o", "00000001", INT_ARG, 1},
        {"%#o", "0", INT_ARG, 0},
        {"%04s", "0foo", PTR_ARG, 0, 0, 0, "foo"},
        {"%.1s", "f", PTR_ARG, 0, 0, 0, "foo"},
        {"%S", "wide", PTR_ARG, 0, 0, 0, wide},
        {"%ws", "wide", PTR_ARG, 0, 0, 0, wide},
        {"%-10ws", "wide      ", PTR_ARG, 0, 0, 0, wide},
        {"%w0s", "0s", PTR_ARG, 0, 0, 0, wide},
        {"%ls", "wide", PTR_ARG, 0, 0, 0, wide},
        {"%Ls", "not wide", PTR_ARG, 0, 0, 0, "not wide"},
        {"%s", "(null)", PTR_ARG, 0, 0, 0, NULL},
        {"%b", "b", NO_ARG},
        {"%3c", "  a", INT_ARG, 'a'},
        {"%3d", "1234", INT_ARG, 1234},
        {"%3h", "", NO_ARG},
        {"%k%m%q%r%t%v%y%z", "kmqrtvyz", NO_ARG},
        {"%2.4f", "8.6000", DBL_ARG, 0, 0, 8.6},
        {"%0f", "0.600000", DBL_ARG, 0, 0, 0.6},
        {"%.0f", "1", DBL_ARG, 0, 0, 0.6},
        {"%2.4e", "8.6000e+000", DBL_ARG, 0, 0, 8.6},
        {"% 014.4e", " 008.6000e+000", DBL_ARG, 0, 0, 8.6},
        {"%2.4g", "8.6", DBL_ARG, 0, 0, 8.6},
        {"%u", "4294967295", INT_ARG, -1},
        {"%w", "", INT_ARG, -1},
        {"%F", "", INT_ARG, -1},
        {"%H", "H", INT_ARG, -1},
        {"x%cx", "xXx", INT_ARG, 0x100 + 'X'},
        {"%%0", "%0", NO_ARG},
        {"%hx", "2345", INT_ARG, 0x12345},
        {"%hhx", "123", INT_ARG, 0x123},
        {"%lf", "-1.#IND00", DBL_ARG, 0, 0, IND},
        {"%lf", "1.#QNAN0", DBL_ARG, 0, 0, QNAN},
        {"%lf", "1.#INF00", DBL_ARG, 0, 0, INF},
        {"%le", "-1.#IND00e+000", DBL_ARG, 0, 0, IND},
        {"%le", "1.#INF00e+000", DBL_ARG, 0, 0, INF},
        {"%lg", "1.#QNAN", DBL_ARG, 0, 0, QNAN},
        {"%lg", "1.#INF", DBL_ARG, 0, 0, INF},
        {"%010.2lf", "-000001.#J", DBL_ARG, 0, 0, IND},
        {"%010.2lf", "0000001.#R", DBL_ARG, 0, 0, QNAN},
        {"%C", "a", INT_ARG, 'a'},
        {"a%Cb", "ab", INT_ARG, 0x3042},
        {"%.0f", "-2", DBL_ARG, 0, 0, -1.5},
        {"%.0f", "-1", DBL_ARG, 0, 0, -0.5},
        {"%.0f", "1", DBL_ARG, 0, 0, 0.5},
        {"%.0f", "2", DBL_ARG, 0, 0, 1.5},
        {"%.30f", "0.333333333333333310000000000000", DBL_ARG, 0, 0, 1.0 / 3.0},
        {"%.30lf", "1.414213562373095100000000000000", DBL_ARG, 0, 0, 1.4142135623730951},
        {"%f", "3.141593", DBL_ARG, 0, 0, 3.141592653590000},
        {"%.10f", "3.1415926536", DBL_ARG, 0, 0, 3.141592653590000},
        {"%.15f", "3.141592653589793", DBL_ARG, 0, 0, 3.14159265358979323846},
        {"%.13f", "37.8662615745371", DBL_ARG, 0, 0, 37.866261574537077},
        {"%.15f", "37.866261574537077", DBL_ARG, 0, 0, 37.866261574537077},
        {"%g", "0.0005", DBL_ARG, 0, 0, 0.0005},
        {"%g", "5e-005", DBL_ARG, 0, 0, 0.00005},
        {"%g", "1e+015", DBL_ARG, 0, 0, 999999999999999.0},
        {"%.15g", "999999999999999", DBL_ARG, 0, 0, 999999999999999.0},
        {"%.15g", "1e+015", DBL_ARG, 0, 0, 1000000000000000.0},
        {"%p", "00000039", PTR_ARG, 0, 0, 0, (void *)57},
        {"%#012p", "  0X00000039", PTR_ARG, 0, 0, 0, (void *)57},
        {"%Fp", "00000039", PTR_ARG, 0, 0, 0, (void *)57},
        {"%#-012p", "0X00000039  ", PTR_ARG, 0, 0, 0, (void *)57},
        {"%p", "00000000", PTR_ARG, 0, 0, 0, NULL},
    };
    char buf[128];
    unsigned k;
    int r, bad = 0;

    for (k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        const struct row *t = &rows[k];
        memset(buf, 'x', sizeof buf);
        switch (t->type) {
        case INT_ARG:
            r = sprintf(buf, t->fmt, t->i);
            break;
        case I64_ARG:
            r = sprintf(buf, t->fmt, t->ll);
            break;
        case DBL_ARG:
            r = sprintf(buf, t->fmt, t->d);
            break;
        case PTR_ARG:
            r = sprintf(buf, t->fmt, t->p);
            break;
        default:
            r = sprintf(buf, t->fmt);
            break;
        }
        if (strcmp(buf, t->out) != 0 || r != (int)strlen(t->out))
            bad++;
        printf("%s => [%s] (%d)\n", t->fmt, buf, r);
    }
    printf("%d rows, %d differ from Windows\n", k, bad);
    return 0;
}
