/* secure: msvcrt.dll's bounds-checked functions (Microsoft: sprintf_s, _snprintf_s, strcpy_s, strcat_s,
 * strncpy_s, memcpy_s): results within bounds, _TRUNCATE, and the error results (ERANGE = 34, STRUNCATE = 80)
 * with the destination emptied. msvcrt.dll's default invalid-parameter handling returns to the caller. The
 * expectations are Windows' documented results; Wine 8.0 prints the same. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    char buf[8], big[32];
    int r;

    r = sprintf_s(big, sizeof big, "%d-%s", 42, "ok");
    printf("sprintf_s: %d [%s]\n", r, big);
    r = _snprintf_s(buf, sizeof buf, _TRUNCATE, "%s", "truncate me");
    printf("_snprintf_s _TRUNCATE: %d [%s]\n", r, buf);
    r = _snprintf_s(buf, sizeof buf, 3, "%s", "abcdef");
    printf("_snprintf_s count 3: %d [%s]\n", r, buf);
    r = strcpy_s(buf, sizeof buf, "1234567");
    printf("strcpy_s fits: %d [%s]\n", r, buf);
    r = strcpy_s(big, sizeof big, "ab");
    r = strcat_s(big, sizeof big, "cd");
    printf("strcat_s: %d [%s]\n", r, big);
    r = strncpy_s(buf, sizeof buf, "abcdefghij", 3);
    printf("strncpy_s 3: %d [%s]\n", r, buf);
    r = strncpy_s(buf, sizeof buf, "abcdefghij", _TRUNCATE);
    printf("strncpy_s _TRUNCATE: %d [%s]\n", r, buf);
    r = memcpy_s(big, sizeof big, "xyz", 4);
    printf("memcpy_s: %d [%s]\n", r, big);
    return 0;
}
