/* auditc.dll: loaded only through delay-load imports, at the first call. */
#include "common.h"

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved)
{
    (void)h;
    if (reason == DLL_PROCESS_ATTACH || reason == DLL_PROCESS_DETACH) {
        out("auditc: ");
        out(reason_name(reason));
        out(reserved ? " (static)" : " (dynamic)");
        out("\r\n");
    }
    return TRUE;
}

__declspec(dllexport) int c_twice(int x) { return 2 * x; }
