/* dllfail: a DLL whose DllMain returns FALSE. Microsoft's "DllMain entry point" documentation: when DllMain
 * returns FALSE for DLL_PROCESS_ATTACH during LoadLibrary, "LoadLibrary returns NULL. (The system immediately
 * calls your entry-point function with DLL_PROCESS_DETACH and unloads the DLL.)"; GetLastError is
 * ERROR_DLL_INIT_FAILED (1114). With the argument "static" it starts dllfail_static.exe, which imports the DLL,
 * and reports its exit code: "If the return value is FALSE when DllMain is called during process
 * initialization, the process terminates with an error" (STATUS_DLL_INIT_FAILED, 0xC0000142). */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    HMODULE h;
    DWORD e, code = 0;
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[] = "dllfail_static.exe";

    printf("LoadLibrary(auditfail.dll)\n");
    fflush(stdout);
    h = LoadLibraryA("auditfail.dll");
    e = GetLastError();
    printf("LoadLibrary: %s, error %lu\n", h ? "a handle" : "NULL", e);
    printf("still loaded: %s\n", GetModuleHandleA("auditfail.dll") ? "yes" : "no");
    fflush(stdout);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed: %lu\n", GetLastError());
        return 1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("dllfail_static.exe exit code 0x%lX\n", code);
    return 0;
}
