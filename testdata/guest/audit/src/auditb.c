/* auditb.dll: the bottom of the chain exe -> audita.dll -> auditb.dll. Its DllMain and TLS callback report each reason; it forwards fwd_pid to KERNEL32 and fwd_apiset to an API set (auditb.def). */
#include "common.h"

/* A TLS callback of the DLL: the loader calls it before DllMain, with the same reason. */
static void NTAPI tls_callback(PVOID h, DWORD reason, PVOID reserved)
{
    (void)h;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH || reason == DLL_THREAD_ATTACH) {
        out("auditb: tls callback, ");
        out(reason_name(reason));
        out("\r\n");
    }
}

__attribute__((section(".CRT$XLB"), used)) PIMAGE_TLS_CALLBACK tls_callback_entry = tls_callback;

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
