/* mydll: a DLL of our own for loadlib and ordinal. DllMain reports each call with WriteFile (stdio buffers
 * would hold the lines past process exit); lpReserved tells a dynamic load/unload (NULL) from a static one or
 * process exit (non-NULL), as Microsoft's DllMain documentation says. Exports (mydll.def): add @1, mul @2,
 * counter @3, mydll_version @4 (data), secret @7 (by ordinal only). */
#include <windows.h>

int mydll_version = 3;
static int calls;

static void out(const char *s)
{
    DWORD n;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, (DWORD)lstrlenA(s), &n, NULL);
}

BOOL WINAPI DllMain(HINSTANCE module, DWORD reason, LPVOID reserved)
{
    (void)module;
    switch (reason) {
    case DLL_PROCESS_ATTACH:
        out(reserved ? "DllMain: process attach (static)\r\n" : "DllMain: process attach (dynamic)\r\n");
        break;
    case DLL_PROCESS_DETACH:
        out(reserved ? "DllMain: process detach (process exit)\r\n" : "DllMain: process detach (FreeLibrary)\r\n");
        break;
    }
    return TRUE;
}

int add(int a, int b)
{
    calls++;
    return a + b;
}

int mul(int a, int b)
{
    calls++;
    return a * b;
}

int counter(void) { return calls; }

int secret(int x)
{
    calls++;
    return x * 100 + 7;
}
