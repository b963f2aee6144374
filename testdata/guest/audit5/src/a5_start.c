/* a5_start: the start context of a process created suspended, and a running thread of another process
 * redirected, as "process hollowing" and thread-hijacking code does it. Expectations (Windows on x86, the
 * initial context CreateProcess gives a main thread, which ntdll's RtlUserThreadStart receives): EAX = the
 * image's entry point (ImageBase + AddressOfEntryPoint), EBX = the PEB (PEB.ImageBaseAddress at +8 is the
 * image base); a SetThreadContext that changes EAX before ResumeThread makes the process start there, with
 * the DLLs initialized as usual. SuspendThread + GetThreadContext/SetThreadContext work on a running thread of
 * another process (PROCESS_ALL_ACCESS/THREAD_ALL_ACCESS handles from CreateProcess). */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static void out(const char *s)
{
    DWORD n;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, (DWORD)lstrlenA(s), &n, NULL);
}

/* Where the hollowed child starts instead of its C runtime's entry point: no C runtime, only kernel32. */
DWORD WINAPI alt_entry(LPVOID peb)
{
    out(peb == (LPVOID)__readfsdword(0x30) ? "child: alt_entry ran with the PEB as its argument\r\n"
                                            : "child: alt_entry ran with another argument\r\n");
    ExitProcess(77);
}

__declspec(dllimport) void a5_counts(LONG *out, DWORD *attach_tid, DWORD *detach_tid);

/* Where the child goes when its EIP (not EAX) is changed before it first runs: the DLLs were initialized
 * first (a5dll.dll counted its DLL_PROCESS_ATTACH). */
static void alt_eip(void)
{
    LONG n[4];
    DWORD at, dt;
    a5_counts(n, &at, &dt);
    out(n[1] == 1 ? "child: started at the new EIP after a5dll's DLL_PROCESS_ATTACH\r\n"
                  : "child: started at the new EIP before the DLLs were initialized\r\n");
    ExitProcess(66);
}

static void escape(void)
{
    ExitProcess(55);
}

static volatile LONG spins;

int main(int argc, char **argv)
{
    char cmd[MAX_PATH + 16], self[MAX_PATH];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    CONTEXT ctx;
    DWORD base = (DWORD)(UINT_PTR)GetModuleHandleA(NULL), child_base = 0, code = 0xDEAD;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    DWORD entry_rva = nt->OptionalHeader.AddressOfEntryPoint;
    char mz[2] = {0};
    SIZE_T got;

    if (argc > 1 && strcmp(argv[1], "spin") == 0) {
        for (;;)
            InterlockedIncrement(&spins);
    }
    if (argc > 1) {
        printf("child: main ran (not expected)\n");
        return 1;
    }
    GetModuleFileNameA(NULL, self, sizeof self);

    /* 1. a child created suspended */
    snprintf(cmd, sizeof cmd, "\"%s\" child", self);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed %lu\n", GetLastError());
        return 1;
    }
    ctx.ContextFlags = CONTEXT_FULL;
    if (!GetThreadContext(pi.hThread, &ctx)) {
        printf("GetThreadContext failed %lu\n", GetLastError());
        return 1;
    }
    ReadProcessMemory(pi.hProcess, (LPCVOID)(ctx.Ebx + 8), &child_base, 4, &got);
    ReadProcessMemory(pi.hProcess, (LPCVOID)child_base, mz, 2, &got);
    printf("suspended child: PEB.ImageBaseAddress through ebx is an image: %s\n", mz[0] == 'M' && mz[1] == 'Z' ? "yes" : "no");
    printf("suspended child: eax = image base + AddressOfEntryPoint: %s\n", ctx.Eax == child_base + entry_rva ? "yes" : "no");
    printf("suspended child: eip is not the entry point: %s\n", ctx.Eip != ctx.Eax ? "yes" : "no");
    {
        DWORD nt = (DWORD)(UINT_PTR)GetModuleHandleA("ntdll.dll");
        IMAGE_NT_HEADERS *nh = (IMAGE_NT_HEADERS *)(nt + ((IMAGE_DOS_HEADER *)nt)->e_lfanew);
        printf("suspended child: eip is in ntdll (mapped at the same address in every process): %s\n",
               ctx.Eip >= nt && ctx.Eip < nt + nh->OptionalHeader.SizeOfImage ? "yes" : "no");
    }
    fflush(stdout);
    ctx.Eax = child_base + ((DWORD)(UINT_PTR)alt_entry - base);
    if (!SetThreadContext(pi.hThread, &ctx)) {
        printf("SetThreadContext failed %lu\n", GetLastError());
        return 1;
    }
    ResumeThread(pi.hThread);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("child exit code %lu\n", code);
    fflush(stdout);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);

    /* 2. a child created suspended whose EIP is changed */
    snprintf(cmd, sizeof cmd, "\"%s\" child", self);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed %lu\n", GetLastError());
        return 1;
    }
    ctx.ContextFlags = CONTEXT_FULL;
    GetThreadContext(pi.hThread, &ctx);
    ctx.Eip = child_base + ((DWORD)(UINT_PTR)alt_eip - base);
    SetThreadContext(pi.hThread, &ctx);
    ResumeThread(pi.hThread);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("child (new EIP) exit code %lu\n", code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    fflush(stdout);

    /* 3. a running thread of another process */
    snprintf(cmd, sizeof cmd, "\"%s\" spin", self);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed %lu\n", GetLastError());
        return 1;
    }
    Sleep(100);
    printf("SuspendThread of a running child thread: %lu\n", SuspendThread(pi.hThread));
    ctx.ContextFlags = CONTEXT_FULL;
    GetThreadContext(pi.hThread, &ctx);
    {
        DWORD m = (DWORD)(UINT_PTR)main - base;
        DWORD e = ctx.Eip - child_base;
        printf("its eip is in main's spin loop: %s\n", e >= m && e < m + 512 ? "yes" : "no");
    }
    fflush(stdout);
    ctx.Eip = child_base + ((DWORD)(UINT_PTR)escape - base);
    SetThreadContext(pi.hThread, &ctx);
    ResumeThread(pi.hThread);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("hijacked child exit code %lu\n", code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return 0;
}
