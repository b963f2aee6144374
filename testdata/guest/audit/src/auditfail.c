/* auditfail.dll: its DllMain refuses DLL_PROCESS_ATTACH (returns FALSE). It reports its calls when loaded by
 * LoadLibrary only: whether Windows calls DLL_PROCESS_DETACH after a failed static attach is not documented. */
#include "common.h"

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved)
{
    (void)h;
    if (reserved != NULL && (reason == DLL_PROCESS_ATTACH || reason == DLL_PROCESS_DETACH))
        return reason != DLL_PROCESS_ATTACH;
    out("auditfail: ");
    out(reason_name(reason));
    out(reason == DLL_PROCESS_ATTACH ? ", returning FALSE\r\n" : "\r\n");
    return reason != DLL_PROCESS_ATTACH;
}

__declspec(dllexport) int fail_value(void) { return 1; }
