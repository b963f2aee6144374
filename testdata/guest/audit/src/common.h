/* Output without the C runtime: DllMain and TLS callbacks may run before msvcrt is ready, and stdio buffers
 * would reorder lines written from different modules. */
#include <windows.h>

static void out(const char *s)
{
    DWORD n;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, (DWORD)lstrlenA(s), &n, NULL);
}

static const char *reason_name(DWORD r)
{
    switch (r) {
    case DLL_PROCESS_ATTACH: return "process attach";
    case DLL_THREAD_ATTACH: return "thread attach";
    case DLL_THREAD_DETACH: return "thread detach";
    case DLL_PROCESS_DETACH: return "process detach";
    }
    return "?";
}
