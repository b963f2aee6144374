/* toolhelp: CreateToolhelp32Snapshot from a guest program. Prints the processes (explorer.exe must be the
 * parent of this program), this process's threads and its modules in load order. Built by build.sh with
 * MinGW-w64; the test compares the output with the lines it expects. */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>

int main(void)
{
    DWORD self = GetCurrentProcessId(), parent = 0;
    char parentName[MAX_PATH] = "?";
    HANDLE s = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD | TH32CS_SNAPMODULE, 0);
    PROCESSENTRY32 pe = {sizeof pe};
    THREADENTRY32 te = {sizeof te};
    MODULEENTRY32 me = {sizeof me};
    int threads = 0;

    if (s == INVALID_HANDLE_VALUE) {
        printf("snapshot failed: %lu\n", GetLastError());
        return 1;
    }
    for (BOOL ok = Process32First(s, &pe); ok; ok = Process32Next(s, &pe))
        if (pe.th32ProcessID == self) {
            parent = pe.th32ParentProcessID;
            printf("self: %s, %lu thread(s)\n", pe.szExeFile, pe.cntThreads);
        }
    for (BOOL ok = Process32First(s, &pe); ok; ok = Process32Next(s, &pe))
        if (pe.th32ProcessID == parent)
            lstrcpyA(parentName, pe.szExeFile);
    printf("parent: %s\n", parentName);
    for (BOOL ok = Thread32First(s, &te); ok; ok = Thread32Next(s, &te))
        if (te.th32OwnerProcessID == self && te.th32ThreadID == GetCurrentThreadId())
            threads++;
    printf("own thread listed: %s\n", threads == 1 ? "yes" : "no");
    for (BOOL ok = Module32First(s, &me); ok; ok = Module32Next(s, &me))
        printf("module: %s%s\n", me.szModule, me.hModule == GetModuleHandleA(me.szModule) ? "" : " (handle mismatch)");
    printf("end: %lu\n", Process32Next(s, &pe) ? 0 : GetLastError());
    CloseHandle(s);
    return 0;
}
