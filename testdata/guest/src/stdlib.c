/* stdlib: msvcrt's library functions with fixed inputs (plain C, so the host is the oracle; run with TZ=UTC, the
 * time zone of a peek32 machine): qsort and bsearch with a comparison callback, string and memory functions,
 * ctype, strtol/strtoul/strtod/atoi, mbstowcs/wcstombs (ASCII), and gmtime/mktime/strftime on fixed times. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

static int calls;

static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    calls++;
    return (x > y) - (x < y);
}

static int by_name(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

int main(void)
{
    int v[] = {42, -7, 19, 0, 1000, 3, 3, -200, 77, 5, 12, 8};
    const int n = sizeof v / sizeof v[0];
    const char *names[] = {"pear", "apple", "fig", "banana", "cherry"};
    int key = 77, i, *hit;
    wchar_t wbuf[16];
    char back[16];
    char buf[64], *end;
    struct tm t, *g;
    time_t when;

    qsort(v, n, sizeof v[0], by_value);
    printf("sorted:");
    for (i = 0; i < n; i++)
        printf(" %d", v[i]);
    printf("\ncomparisons made: %s\n", calls > 0 ? "yes" : "no");
    hit = bsearch(&key, v, n, sizeof v[0], by_value);
    printf("bsearch 77: index %d\n", hit ? (int)(hit - v) : -1);
    key = 4;
    printf("bsearch 4: %s\n", bsearch(&key, v, n, sizeof v[0], by_value) ? "found" : "not found");
    qsort(names, 5, sizeof names[0], by_name);
    printf("names: %s %s %s %s %s\n", names[0], names[1], names[2], names[3], names[4]);

    strcpy(buf, "hello");
    strcat(buf, ", world");
    printf("[%s] len %u, strchr o at %d, strrchr o at %d\n", buf, (unsigned)strlen(buf), (int)(strchr(buf, 'o') - buf),
           (int)(strrchr(buf, 'o') - buf));
    printf("strstr world at %d, strspn %u, strcspn %u\n", (int)(strstr(buf, "world") - buf),
           (unsigned)strspn(buf, "ehl"), (unsigned)strcspn(buf, ",!"));
    printf("strncmp %d %d, memcmp %d\n", strncmp("abcd", "abce", 3) == 0, strncmp("abcd", "abce", 4) < 0,
           memcmp("\x01\x02", "\x01\x03", 2) < 0);
    memset(buf, '*', 5);
    buf[5] = 0;
    printf("memset [%s]\n", buf);
    memmove(buf + 1, buf, 4);
    strncpy(buf, "xy", 1);
    printf("memmove/strncpy [%s]\n", buf);
    printf("ctype: %d%d%d%d%d%d %c%c\n", isalpha('a') != 0, isdigit('7') != 0, isspace('\t') != 0,
           isupper('a') != 0, isxdigit('F') != 0, ispunct('!') != 0, toupper('q'), tolower('Q'));

    printf("strtol: %ld", strtol("  -0x1fZ", &end, 16));
    printf(" rest [%s]", end);
    printf(" %ld %lu %d\n", strtol("777", NULL, 8), strtoul("4294967295", NULL, 10), atoi("  12abc"));
    printf("mbstowcs %u", (unsigned)mbstowcs(wbuf, "abc", 16));
    printf(" wcstombs %u [%s] needed %u\n", (unsigned)wcstombs(back, wbuf, sizeof back), back,
           (unsigned)mbstowcs(NULL, "hello", 0));
    printf("strtod: %.3f", strtod("  -12.5e1xyz", &end));
    printf(" rest [%s] %.2f\n", end, atof("3.14159"));

    when = 1000000000; /* 2001-09-09 01:46:40 UTC */
    g = gmtime(&when);
    printf("gmtime: %d-%02d-%02d %02d:%02d:%02d wday %d yday %d\n", g->tm_year + 1900, g->tm_mon + 1, g->tm_mday,
           g->tm_hour, g->tm_min, g->tm_sec, g->tm_wday, g->tm_yday);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %b %A %B %j %p %I %y %w %%", g);
    printf("strftime: %s\n", buf);
    memset(&t, 0, sizeof t);
    t.tm_year = 124;
    t.tm_mon = 1;
    t.tm_mday = 30; /* February 30th normalizes to March 1st (2024 is a leap year) */
    t.tm_hour = 12;
    t.tm_isdst = 0;
    when = mktime(&t);
    printf("mktime: %lld -> %d-%02d-%02d wday %d yday %d\n", (long long)when, t.tm_year + 1900, t.tm_mon + 1,
           t.tm_mday, t.tm_wday, t.tm_yday);
    return 0;
}
