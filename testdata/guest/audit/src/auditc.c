/* auditc.dll: loaded only through delay-load imports, at the first call. */
#include "common.h"

/* A TLS callback of the DLL: the loader calls it before DllMain, with the same reason. */
static void NTAPI tls_callback(PVOID h, DWORD reason, PVOID reserved)
{
    (void)h;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH || reason == DLL_THREAD_ATTACH) {
        out("auditc: tls callback, ");
        out(reason_name(reason));
        out("\r\n");
    }
}

__attribute__((section(".CRT$XLB"), used)) PIMAGE_TLS_CALLBACK tls_callback_entry = tls_callback;

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
