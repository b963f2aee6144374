/* auditb.dll: the bottom of the chain exe -> audita.dll -> auditb.dll. Its DllMain reports each reason. */
#include "common.h"

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved)
{
    (void)h;
    out("auditb: ");
    out(reason_name(reason));
    if (reason == DLL_PROCESS_ATTACH || reason == DLL_PROCESS_DETACH)
        out(reserved ? " (static)" : " (dynamic)");
    out("\r\n");
    return TRUE;
}

__declspec(dllexport) int b_value(void) { return 7; }
