/* audita.dll: imports auditb.dll (so auditb is initialized first and detached last) and re-exports through
 * forwarders: fwd_b -> auditb.b_value, fwd_chain -> auditb.fwd_pid -> KERNEL32.GetCurrentProcessId. */
#include "common.h"

__declspec(dllimport) int b_value(void);

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved)
{
    (void)h;
    out("audita: ");
    out(reason_name(reason));
    if (reason == DLL_PROCESS_ATTACH || reason == DLL_PROCESS_DETACH)
        out(reserved ? " (static)" : " (dynamic)");
    out("\r\n");
    return TRUE;
}

int a_value(void) { return b_value() + 1; }
