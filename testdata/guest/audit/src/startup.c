/* startup: the kernel32 and msvcrt functions C runtimes call while starting, each checked against its
 * documented result (Microsoft's documentation of each function):
 * - HeapCreate/HeapAlloc(HEAP_ZERO_MEMORY)/HeapReAlloc (zeroes the new part)/HeapSize/HeapFree/HeapDestroy; a
 *   zero-byte HeapAlloc succeeds with HeapSize 0;
 * - GetStartupInfoA fills cb; GetCommandLineW is GetCommandLineA widened; __wgetmainargs gives main's argc;
 * - GetEnvironmentStringsA is a double-NUL-terminated block of NAME=value strings; GetEnvironmentVariableA of a
 *   missing name returns 0 with ERROR_ENVVAR_NOT_FOUND (203); SetEnvironmentVariableA is seen by
 *   GetEnvironmentVariableA but not by msvcrt's getenv (the CRT copies the environment at start-up);
 * - MultiByteToWideChar/WideCharToMultiByte in code page 1252 and UTF-8, with size queries (cchWideChar 0) and
 *   the default character and lpUsedDefaultChar for an unmappable character;
 * - QueryPerformanceFrequency non-zero, QueryPerformanceCounter never going back;
 * - IsProcessorFeaturePresent(PF_XMMI_INSTRUCTIONS_AVAILABLE, PF_XMMI64_INSTRUCTIONS_AVAILABLE) agreeing with
 *   CPUID's SSE and SSE2 bits;
 * - FlsAlloc/FlsSetValue/FlsGetValue/FlsFree;
 * - _controlfp(0, 0) is _CW_DEFAULT (0x9001F) at start;
 * - functions registered with atexit and _onexit run at exit, last registered first. */
#include <windows.h>
#include <cpuid.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef struct {
    int newmode;
} startinfo;
extern int __wgetmainargs(int *argc, wchar_t ***argv, wchar_t ***env, int glob, startinfo *si);

static void from_atexit(void) { printf("atexit function ran\n"); }
static int from_onexit(void) { printf("_onexit function ran\n"); return 0; }
static const char *answer(int b) { return b ? "yes" : "no"; }

int main(int argc, char **argv)
{
    HANDLE h = HeapCreate(0, 0, 0);
    unsigned char *p, *q;
    int i, zero = 1, wargc = 0;
    STARTUPINFOA si;
    WCHAR wide[64], *wcl;
    char narrow[64], *env, *e;
    wchar_t **wargv, **wenv;
    startinfo st = {0};
    BOOL used = FALSE;
    DWORD n, fls, ebx, ecx, edx, eax;
    LARGE_INTEGER f, c1, c2;

    (void)argv;
    p = HeapAlloc(h, HEAP_ZERO_MEMORY, 100);
    for (i = 0; i < 100; i++)
        zero &= p[i] == 0;
    printf("HeapAlloc(HEAP_ZERO_MEMORY, 100): zeroed %s, HeapSize %lu\n", answer(zero), (unsigned long)HeapSize(h, 0, p));
    memset(p, 0xAB, 100);
    q = HeapReAlloc(h, HEAP_ZERO_MEMORY, p, 5000);
    zero = 1;
    for (i = 100; i < 5000; i++)
        zero &= q[i] == 0;
    printf("HeapReAlloc(HEAP_ZERO_MEMORY, 5000): old bytes kept %s, new bytes zeroed %s, HeapSize %lu\n",
           answer(q[0] == 0xAB && q[99] == 0xAB), answer(zero), (unsigned long)HeapSize(h, 0, q));
    i = HeapFree(h, 0, q); /* (printf's arguments are evaluated in no fixed order: call first) */
    printf("HeapFree: %d", i);
    printf(", HeapDestroy: %d\n", HeapDestroy(h));
    p = HeapAlloc(GetProcessHeap(), 0, 0);
    printf("HeapAlloc(process heap, 0 bytes): %s, HeapSize %lu\n", p ? "a block" : "NULL", (unsigned long)HeapSize(GetProcessHeap(), 0, p));

    memset(&si, 0xCC, sizeof si);
    GetStartupInfoA(&si);
    printf("GetStartupInfoA: cb %lu\n", si.cb);
    n = MultiByteToWideChar(CP_ACP, 0, GetCommandLineA(), -1, NULL, 0);
    wcl = HeapAlloc(GetProcessHeap(), 0, n * 2);
    MultiByteToWideChar(CP_ACP, 0, GetCommandLineA(), -1, wcl, n);
    printf("GetCommandLineW is GetCommandLineA widened: %s\n", answer(wcscmp(wcl, GetCommandLineW()) == 0));
    __wgetmainargs(&wargc, &wargv, &wenv, 0, &st);
    printf("__wgetmainargs: argc %d (main's %d), argv[argc] NULL %s\n", wargc, argc, answer(wargv[wargc] == NULL));

    env = GetEnvironmentStringsA();
    zero = 1;
    for (e = env, i = 0; *e && i < 1000; e += strlen(e) + 1, i++)
        zero &= strchr(e + 1, '=') != NULL; /* "=C:=C:\..." entries start with '=' */
    printf("GetEnvironmentStringsA: non-empty %s, all NAME=value %s\n", answer(i > 0), answer(zero));
    FreeEnvironmentStringsA(env);
    SetLastError(0);
    n = GetEnvironmentVariableA("PEEK32_AUDIT_NONE", narrow, sizeof narrow);
    printf("GetEnvironmentVariableA(missing): %lu, error %lu\n", n, GetLastError());
    SetEnvironmentVariableA("PEEK32_AUDIT", "set");
    n = GetEnvironmentVariableA("peek32_audit", narrow, sizeof narrow);
    printf("after SetEnvironmentVariableA: GetEnvironmentVariableA (any case) %lu \"%s\", getenv %s\n", n, narrow,
           getenv("PEEK32_AUDIT") ? "sees it" : "does not see it");

    n = MultiByteToWideChar(1252, 0, "h\xe9\x80", -1, NULL, 0);
    MultiByteToWideChar(1252, 0, "h\xe9\x80", -1, wide, 64);
    printf("MultiByteToWideChar(1252, \"h\\xe9\\x80\"): size %lu, U+%04X U+%04X U+%04X\n", n, wide[0], wide[1], wide[2]);
    n = WideCharToMultiByte(CP_UTF8, 0, L"\x20ac", -1, narrow, sizeof narrow, NULL, NULL);
    printf("WideCharToMultiByte(UTF-8, U+20AC): %lu bytes %02X %02X %02X\n", n, (unsigned char)narrow[0],
           (unsigned char)narrow[1], (unsigned char)narrow[2]);
    n = WideCharToMultiByte(1252, 0, L"a\x4e2d", -1, narrow, sizeof narrow, NULL, &used);
    printf("WideCharToMultiByte(1252, \"a\\x4e2d\"): %lu bytes \"%s\", used default %d\n", n, narrow, used);
    n = MultiByteToWideChar(CP_UTF8, 0, "\xe4\xb8\xad!", 4, wide, 64);
    printf("MultiByteToWideChar(UTF-8, 4 bytes without NUL): %lu chars U+%04X U+%04X\n", n, wide[0], wide[1]);

    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c1);
    Sleep(1);
    QueryPerformanceCounter(&c2);
    printf("QueryPerformanceFrequency non-zero %s, counter went forward %s\n", answer(f.QuadPart > 0), answer(c2.QuadPart > c1.QuadPart));
    __cpuid(1, eax, ebx, ecx, edx);
    printf("IsProcessorFeaturePresent agrees with CPUID for SSE %s and SSE2 %s\n",
           answer(!IsProcessorFeaturePresent(PF_XMMI_INSTRUCTIONS_AVAILABLE) == !(edx & (1u << 25))),
           answer(!IsProcessorFeaturePresent(PF_XMMI64_INSTRUCTIONS_AVAILABLE) == !(edx & (1u << 26))));

    fls = FlsAlloc(NULL);
    printf("FlsAlloc %s, FlsSetValue %d", answer(fls != FLS_OUT_OF_INDEXES), FlsSetValue(fls, (PVOID)0x1234));
    printf(", FlsGetValue 0x%lX", (unsigned long)FlsGetValue(fls));
    printf(", FlsFree %d\n", FlsFree(fls));

    printf("_controlfp(0, 0) = 0x%X\n", _controlfp(0, 0));
    atexit(from_atexit);
    _onexit(from_onexit);
    printf("main returns\n");
    return 0;
}
