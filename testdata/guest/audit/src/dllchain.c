/* dllchain: DLL initialization order, DllMain reasons, export forwarders (also chained), API-set imports and
 * delay-load imports, in one program linked against audita.dll (which imports auditb.dll), delay-linked
 * against auditc.dll, and importing GetCurrentThreadId/GetCurrentProcessId from
 * api-ms-win-core-processthreads-l1-1-0.dll.
 *
 * Expectations (Microsoft: "DllMain entry point", "Dynamic-Link Library Entry-Point Function", "Export
 * forwarding" in the PE format documentation, "Windows API sets", "Linker support for delay-loaded DLLs"):
 * - statically imported DLLs are initialized before the exe's entry point, a DLL after the DLLs it imports
 *   (auditb before audita), with DLL_PROCESS_ATTACH and lpReserved non-NULL; a DLL's TLS callbacks (auditb's
 *   and auditc's) run just before its DllMain, with the same reason (PE format: "TLS Callback Functions");
 * - a new thread calls DLL_THREAD_ATTACH in initialization order before its start routine, and
 *   DLL_THREAD_DETACH when it ends (in reverse order, as the loader's LdrShutdownThread does);
 * - a forwarded export resolves to the final target, through a chain of forwarders, both for an import of the
 *   exe and for GetProcAddress;
 * - an API-set import binds to the host DLL's function (kernel32's GetCurrentThreadId), and so does a forwarder
 *   that names an API set (as Windows' own DLLs do);
 * - a delay-loaded DLL is not loaded at start; the first call loads it (DllMain with lpReserved NULL) and
 *   binds the IAT slot; later calls go straight to it;
 * - the PEB's InInitializationOrderModuleList lists the DLLs in that order, a DLL's dependencies (msvcrt.dll
 *   for auditb.dll) before it, a DLL loaded later (auditc) after them;
 * - at exit, DLL_PROCESS_DETACH in reverse initialization order (auditc, loaded last, first; audita before
 *   auditb), lpReserved non-NULL because the process is ending. */
#include <windows.h>
#include <stdio.h>

__declspec(dllimport) int a_value(void);
__declspec(dllimport) int fwd_b(void);
__declspec(dllimport) DWORD fwd_chain(void); /* stdcall without arguments: same call */
/* Not dllimport: MinGW's delay-load library binds the symbol to a thunk that calls __delayLoadHelper2; an
 * __imp_ reference alone would not pull that thunk in. */
int c_twice(int);

static DWORD WINAPI thread(LPVOID arg)
{
    (void)arg;
    printf("thread: running\n");
    fflush(stdout);
    return 0;
}

/* The modules of the PEB's initialization-order list, as shellcode walks it: our own DLLs in the order they
 * were initialized, and whether msvcrt.dll (which auditb.dll imports) came before auditb.dll. */
static void init_order(void)
{
    unsigned char *peb = (unsigned char *)__readfsdword(0x30);
    unsigned char *ldr = *(unsigned char **)(peb + 0x0C);
    LIST_ENTRY *head = (LIST_ENTRY *)(ldr + 0x1C), *e; /* PEB_LDR_DATA.InInitializationOrderModuleList */
    int msvcrt = -1, b = -1, i = 0;

    printf("main: initialization order of our DLLs:");
    for (e = head->Flink; e != head && i < 100; e = e->Flink, i++) {
        /* LDR_DATA_TABLE_ENTRY.InInitializationOrderLinks is at 0x10; BaseDllName (UNICODE_STRING) at 0x2C. */
        unsigned char *entry = (unsigned char *)e - 0x10;
        USHORT len = *(USHORT *)(entry + 0x2C);
        WCHAR *name = *(WCHAR **)(entry + 0x30);
        char narrow[64];
        int n = WideCharToMultiByte(CP_ACP, 0, name, len / 2, narrow, sizeof narrow - 1, NULL, NULL);
        narrow[n] = 0;
        if (_strnicmp(narrow, "audit", 5) == 0)
            printf(" %s", narrow);
        if (_stricmp(narrow, "msvcrt.dll") == 0)
            msvcrt = i;
        if (_stricmp(narrow, "auditb.dll") == 0)
            b = i;
    }
    printf("\nmain: msvcrt.dll initialized before auditb.dll: %s\n", msvcrt >= 0 && msvcrt < b ? "yes" : "no");
}

int main(void)
{
    HMODULE a, b, k;
    HANDLE h;
    FARPROC p;

    printf("main: a_value() = %d\n", a_value());
    printf("main: fwd_b() through a forwarder = %d\n", fwd_b());
    printf("main: fwd_chain() == GetCurrentProcessId(): %s\n", fwd_chain() == GetCurrentProcessId() ? "yes" : "no");
    a = GetModuleHandleA("audita.dll");
    b = GetModuleHandleA("AUDITB");
    k = GetModuleHandleA("kernel32.dll");
    p = GetProcAddress(a, "fwd_b");
    printf("main: GetProcAddress(audita, fwd_b) == GetProcAddress(auditb, b_value): %s\n",
           p != NULL && p == GetProcAddress(b, "b_value") ? "yes" : "no");
    p = GetProcAddress(a, "fwd_chain");
    printf("main: GetProcAddress(audita, fwd_chain) == kernel32's GetCurrentProcessId: %s\n",
           p != NULL && p == GetProcAddress(k, "GetCurrentProcessId") ? "yes" : "no");
    p = GetProcAddress(b, "fwd_apiset");
    printf("main: a forwarder to an API set (auditb.fwd_apiset) is kernel32's GetCurrentThreadId: %s\n",
           p != NULL && p == GetProcAddress(k, "GetCurrentThreadId") ? "yes" : "no");
    printf("main: API-set GetCurrentThreadId() matches the TEB: %s\n",
           GetCurrentThreadId() == (DWORD)__readfsdword(0x24) ? "yes" : "no");
    printf("main: auditc.dll loaded before the first call: %s\n", GetModuleHandleA("auditc.dll") ? "yes" : "no");
    fflush(stdout);
    printf("main: c_twice(21) = %d\n", c_twice(21));
    printf("main: auditc.dll loaded after it: %s\n", GetModuleHandleA("auditc.dll") ? "yes" : "no");
    printf("main: c_twice(5) = %d\n", c_twice(5));
    fflush(stdout);
    h = CreateThread(NULL, 0, thread, NULL, 0, NULL);
    WaitForSingleObject(h, INFINITE);
    CloseHandle(h);
    init_order();
    printf("main: returning 3\n");
    fflush(stdout);
    return 3;
}
