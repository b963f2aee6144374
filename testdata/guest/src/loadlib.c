/* loadlib: run-time linking to our own mydll.dll (found next to the executable). Expectations from
 * Microsoft's documentation of LoadLibrary, GetModuleHandle, GetProcAddress and FreeLibrary: a second load
 * returns the same handle without calling DllMain again (reference count), GetProcAddress accepts an ordinal
 * in the low word, a missing export fails with ERROR_PROC_NOT_FOUND (127) by name and ERROR_INVALID_ORDINAL (182, from
 * STATUS_ORDINAL_NOT_FOUND) by ordinal, a missing DLL with
 * ERROR_MOD_NOT_FOUND (126), and DllMain sees PROCESS_DETACH only when the last reference is freed. */
#include <windows.h>
#include <stdio.h>

typedef int (*binop)(int, int);
typedef int (*unop)(int);
typedef int (*nullary)(void);

int main(void)
{
    HMODULE h, h2;
    binop add, mul;
    unop secret;
    nullary counter;
    int *version;
    FARPROC missing;
    BOOL ok;

    printf("loading mydll.dll\n");
    fflush(stdout);
    h = LoadLibraryA("mydll.dll");
    printf("LoadLibrary: %s\n", h ? "ok" : "failed");
    if (!h)
        return 1;
    printf("GetModuleHandle: %s\n", GetModuleHandleA("MYDLL.DLL") == h ? "same handle" : "different");
    h2 = LoadLibraryA("mydll");
    printf("second LoadLibrary (no extension): %s\n", h2 == h ? "same handle" : "different");
    fflush(stdout);

    add = (binop)GetProcAddress(h, "add");
    mul = (binop)GetProcAddress(h, MAKEINTRESOURCEA(2));
    secret = (unop)GetProcAddress(h, MAKEINTRESOURCEA(7));
    counter = (nullary)GetProcAddress(h, "counter");
    version = (int *)GetProcAddress(h, "mydll_version");
    printf("add(2, 3) = %d\n", add(2, 3));
    printf("ordinal 2 (mul)(6, 7) = %d\n", mul(6, 7));
    printf("ordinal 7 (secret)(10) = %d\n", secret(10));
    printf("counter() = %d\n", counter());
    printf("mydll_version = %d\n", *version);
    printf("ordinal 1 is add: %s\n", (binop)GetProcAddress(h, MAKEINTRESOURCEA(1)) == add ? "yes" : "no");
    SetLastError(0);
    missing = GetProcAddress(h, "nosuch");
    printf("GetProcAddress(nosuch): %s, error %lu\n", missing ? "found" : "NULL", GetLastError());
    SetLastError(0);
    missing = GetProcAddress(h, MAKEINTRESOURCEA(99));
    printf("GetProcAddress(ordinal 99): %s, error %lu\n", missing ? "found" : "NULL", GetLastError());
    fflush(stdout);

    ok = FreeLibrary(h);
    printf("first FreeLibrary: %d, still loaded: %s\n", ok, GetModuleHandleA("mydll.dll") ? "yes" : "no");
    fflush(stdout);
    ok = FreeLibrary(h);
    printf("second FreeLibrary: %d, still loaded: %s\n", ok, GetModuleHandleA("mydll.dll") ? "yes" : "no");

    SetLastError(0);
    h = LoadLibraryA("nosuchdll.dll");
    printf("LoadLibrary(nosuchdll.dll): %s, error %lu\n", h ? "loaded" : "NULL", GetLastError());
    return 0;
}
