/* The process list as a program sees it: a toolhelp snapshot lists this program with explorer.exe as its
 * parent, EnumProcesses and NtQuerySystemInformation agree, psapi names the modules, and a child started
 * suspended shows up with this program as its parent. */
#include <windows.h>
#include <tlhelp32.h>
#include <psapi.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    USHORT Length, MaximumLength;
    PWSTR Buffer;
} USTR;
typedef struct {
    ULONG NextEntryOffset, NumberOfThreads;
    BYTE Reserved1[48];
    USTR ImageName;
    LONG BasePriority;
    HANDLE UniqueProcessId, InheritedFromUniqueProcessId;
    ULONG HandleCount;
    BYTE Rest[184 - 80];
} SPI;
typedef LONG(WINAPI *NtQSI)(ULONG, PVOID, ULONG, PULONG);

static const char *name_of(DWORD pid) {
    static char name[MAX_PATH];
    strcpy(name, "?");
    HANDLE s = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32 pe = {sizeof pe};
    for (BOOL ok = Process32First(s, &pe); ok; ok = Process32Next(s, &pe))
        if (pe.th32ProcessID == pid) strcpy(name, pe.szExeFile);
    CloseHandle(s);
    return name;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1) { Sleep(10); return 0; }
    DWORD me = GetCurrentProcessId(), parent = 0, threads = 0;
    HANDLE s = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD, 0);
    PROCESSENTRY32 pe = {sizeof pe};
    int nprocs = 0;
    for (BOOL ok = Process32First(s, &pe); ok; ok = Process32Next(s, &pe)) {
        nprocs++;
        if (pe.th32ProcessID == me) { parent = pe.th32ParentProcessID; threads = pe.cntThreads; printf("self: %s, %lu thread(s)\n", pe.szExeFile, threads); }
    }
    printf("end of list: error %lu\n", GetLastError());
    /* Under peek32 the parent is explorer.exe; under Wine it is not in the list (README.md). */
    printf("parent: %s\n", name_of(parent));
    THREADENTRY32 te = {sizeof te};
    int mine = 0;
    for (BOOL ok = Thread32First(s, &te); ok; ok = Thread32Next(s, &te))
        if (te.th32OwnerProcessID == me && te.th32ThreadID == GetCurrentThreadId()) mine = 1;
    printf("own thread listed: %d\n", mine);
    CloseHandle(s);

    DWORD pids[64], bytes;
    EnumProcesses(pids, sizeof pids, &bytes);
    int found = 0;
    for (DWORD i = 0; i < bytes / 4; i++) if (pids[i] == me) found = 1;
    printf("EnumProcesses lists self: %d\n", found);

    HMODULE mods[32];
    DWORD need;
    EnumProcessModules(GetCurrentProcess(), mods, sizeof mods, &need);
    char base[MAX_PATH];
    GetModuleBaseNameA(GetCurrentProcess(), mods[0], base, sizeof base);
    printf("first module: %s, is the exe: %d\n", base, mods[0] == GetModuleHandleA(NULL));
    char tiny[4];
    DWORD n = GetModuleBaseNameA(GetCurrentProcess(), NULL, tiny, sizeof tiny);
    printf("truncated base name: %lu \"%.4s\"\n", n, tiny);

    char full[MAX_PATH], self[MAX_PATH];
    DWORD size = sizeof full;
    QueryFullProcessImageNameA(GetCurrentProcess(), 0, full, &size);
    GetModuleFileNameA(NULL, self, sizeof self);
    printf("QueryFullProcessImageName matches GetModuleFileName: %d, length ok: %d\n", strcmp(full, self) == 0, size == strlen(self));
    size = 3;
    SetLastError(0);
    BOOL r = QueryFullProcessImageNameA(GetCurrentProcess(), 0, full, &size);
    printf("small buffer: %d error %lu\n", r, GetLastError());

    NtQSI q = (NtQSI)GetProcAddress(GetModuleHandleA("ntdll.dll"), "NtQuerySystemInformation");
    ULONG len = 0;
    LONG st = q(5, NULL, 0, &len);
    printf("NtQuerySystemInformation with no buffer: 0x%lx, needs bytes: %d\n", st, len > 0);
    BYTE *buf = malloc(len + 4096);
    st = q(5, buf, len + 4096, &len);
    int seen = 0;
    for (SPI *p = (SPI *)buf;; p = (SPI *)((BYTE *)p + p->NextEntryOffset)) {
        if ((DWORD)(ULONG_PTR)p->UniqueProcessId == me) {
            seen = 1;
            printf("NtQSI self: %ls, parent %s, %lu thread(s)\n", p->ImageName.Buffer,
                   (DWORD)(ULONG_PTR)p->InheritedFromUniqueProcessId == parent ? "same" : "differs", p->NumberOfThreads);
        }
        if (!p->NextEntryOffset) break;
    }
    printf("NtQSI status 0x%lx, lists self: %d\n", st, seen);

    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[MAX_PATH + 8];
    snprintf(cmd, sizeof cmd, "\"%s\" child", self);
    CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si, &pi);
    s = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    for (BOOL ok = Process32First(s, &pe); ok; ok = Process32Next(s, &pe))
        if (pe.th32ProcessID == pi.dwProcessId) printf("child listed, parent is me: %d\n", pe.th32ParentProcessID == me);
    CloseHandle(s);
    printf("GetProcessIdOfThread(child thread) is the child: %d\n", GetProcessIdOfThread(pi.hThread) == pi.dwProcessId);
    ResumeThread(pi.hThread);
    WaitForSingleObject(pi.hProcess, INFINITE);
    return 0;
}
