/* A parent works on a child it started suspended: reads and writes its memory, allocates and protects memory
 * in it, duplicates handles into it, starts a thread in it. Run without arguments: the parent. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define SHOW(label, call) do { SetLastError(0xDEAD); unsigned long r_ = (unsigned long)(call); \
    printf("%s: %ld error %lu\n", label, (long)r_, GetLastError()); } while (0)

char g_msg[64] = "original";
volatile char *g_ptr;
volatile HANDLE g_events[2]; /* [0]: "go on", set by the parent; [1]: the child's "ready" */

/* Runs in the child, started by the parent with CreateRemoteThread. */
static DWORD WINAPI remote_fn(LPVOID p) {
    memcpy(g_msg, "PATCHED", 7);
    return (DWORD)(ULONG_PTR)p + 1;
}

static int child(void) {
    printf("child: g_msg=%s, g_ptr=%s\n", g_msg, g_ptr ? (const char *)g_ptr : "(null)");
    SetEvent(g_events[1]);
    DWORD w = WaitForSingleObject(g_events[0], INFINITE);
    printf("child: woken: %lu, g_msg after the remote thread: %s\n", w, g_msg);
    return 5;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child();

    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    char cmd[MAX_PATH + 16], self[MAX_PATH];
    GetModuleFileNameA(NULL, self, MAX_PATH);
    snprintf(cmd, sizeof cmd, "\"%s\" child", self);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed %lu\n", GetLastError());
        return 1;
    }
    char buf[64] = {0};
    SIZE_T n = 0;
    /* The suspended child's main thread: its context is written into this process's buffer, and a register
     * set with SetThreadContext reads back. */
    CONTEXT ctx = {0};
    ctx.ContextFlags = CONTEXT_FULL;
    BOOL gok = GetThreadContext(pi.hThread, &ctx);
    MEMORY_BASIC_INFORMATION smbi;
    VirtualQueryEx(pi.hProcess, (void *)ctx.Esp, &smbi, sizeof smbi);
    printf("child context: %d, its ESP is committed memory of the child: %d\n", gok, smbi.State == MEM_COMMIT);
    DWORD edi = ctx.Edi;
    ctx.Edi = 0x1234abcd;
    BOOL sok = SetThreadContext(pi.hThread, &ctx);
    ctx.Edi = 0;
    GetThreadContext(pi.hThread, &ctx);
    printf("SetThreadContext: %d, reads back: %d\n", sok, ctx.Edi == 0x1234abcd);
    ctx.Edi = edi;
    SetThreadContext(pi.hThread, &ctx);
    BOOL ok = ReadProcessMemory(pi.hProcess, g_msg, buf, sizeof buf, &n);
    printf("read child's g_msg: %d %lu \"%s\"\n", ok, (unsigned long)n, buf);
    strcpy(g_msg, "the parent's own copy");
    ok = WriteProcessMemory(pi.hProcess, g_msg, "patched by the parent", 22, &n);
    printf("write child's g_msg: %d %lu\n", ok, (unsigned long)n);

    char *remote = VirtualAllocEx(pi.hProcess, NULL, 8192, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    MEMORY_BASIC_INFORMATION mbi;
    VirtualQueryEx(pi.hProcess, remote, &mbi, sizeof mbi);
    printf("VirtualAllocEx: base ok %d, size %lu, committed %d, private %d\n",
           mbi.BaseAddress == remote, (unsigned long)mbi.RegionSize, mbi.State == MEM_COMMIT, mbi.Type == MEM_PRIVATE);
    WriteProcessMemory(pi.hProcess, remote, "remote buffer", 14, NULL);
    WriteProcessMemory(pi.hProcess, (void *)&g_ptr, &remote, sizeof remote, NULL);
    DWORD old = 0;
    ok = VirtualProtectEx(pi.hProcess, remote + 4096, 4096, PAGE_EXECUTE_READ, &old);
    printf("VirtualProtectEx: %d, old 0x%lx\n", ok, old);
    /* Code pages are written (kernel32 makes them writable for the write, as debuggers need); read-only and
     * no-access data pages are not (README.md: Wine 8 writes them all). */
    ok = WriteProcessMemory(pi.hProcess, remote + 4096, "x", 1, &n);
    printf("write to an execute-read page: %d %lu\n", ok, (unsigned long)n);
    VirtualProtectEx(pi.hProcess, remote + 4096, 4096, PAGE_READONLY, &old);
    printf("protection after the write: 0x%lx\n", old);
    SHOW("write to a read-only page", WriteProcessMemory(pi.hProcess, remote + 4096, "x", 1, &n));
    VirtualProtectEx(pi.hProcess, remote + 4096, 4096, PAGE_NOACCESS, &old);
    SHOW("write to a no-access page", WriteProcessMemory(pi.hProcess, remote + 4096, "x", 1, &n));
    SHOW("read across into a no-access page", ReadProcessMemory(pi.hProcess, remote + 4090, buf, 16, &n));

    HANDLE ev[2];
    for (int i = 0; i < 2; i++) {
        HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL), dup = NULL;
        ok = DuplicateHandle(GetCurrentProcess(), e, pi.hProcess, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS);
        WriteProcessMemory(pi.hProcess, (void *)&g_events[i], &dup, sizeof dup, NULL);
        ev[i] = e;
    }
    printf("handles duplicated into the child: %d\n", ok);
    HANDLE tmp = CreateEventA(NULL, TRUE, FALSE, NULL), back = NULL;
    ok = DuplicateHandle(GetCurrentProcess(), tmp, pi.hProcess, &back, 0, FALSE, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE);
    printf("duplicate into the child with DUPLICATE_CLOSE_SOURCE: %d\n", ok);
    SHOW("the source handle afterwards", WaitForSingleObject(tmp, 0));

    ResumeThread(pi.hThread);
    WaitForSingleObject(ev[1], INFINITE);
    DWORD tid = 0;
    HANDLE th = CreateRemoteThread(pi.hProcess, NULL, 0, remote_fn, (LPVOID)41, 0, &tid);
    printf("remote thread: %d, its process is the child %d\n", th != NULL, GetProcessIdOfThread(th) == pi.dwProcessId);
    WaitForSingleObject(th, INFINITE);
    DWORD code;
    GetExitCodeThread(th, &code);
    printf("remote thread exit code %lu\n", code);
    SetEvent(ev[0]);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("child exit %lu, parent's g_msg still \"%s\"\n", code, g_msg);

    SHOW("read with a bad handle", ReadProcessMemory((HANDLE)0x1234, g_msg, buf, 4, &n));
    SHOW("read of an unmapped address", ReadProcessMemory(GetCurrentProcess(), (void *)0x10, buf, 4, &n));
    SHOW("VirtualAllocEx with a bad handle", VirtualAllocEx((HANDLE)0x1234, NULL, 4096, MEM_COMMIT, PAGE_READWRITE));
    SHOW("VirtualAllocEx with bad protection", VirtualAllocEx(GetCurrentProcess(), NULL, 4096, MEM_COMMIT, 0x1234));
    char *mine = VirtualAllocEx(GetCurrentProcess(), NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    SHOW("VirtualFreeEx release with a size", VirtualFreeEx(GetCurrentProcess(), mine, 4096, MEM_RELEASE));
    SHOW("VirtualFreeEx release", VirtualFreeEx(GetCurrentProcess(), mine, 0, MEM_RELEASE));
    SHOW("VirtualQueryEx with a short buffer", VirtualQueryEx(GetCurrentProcess(), g_msg, &mbi, 8));
    SHOW("DuplicateHandle of a bad handle", DuplicateHandle(GetCurrentProcess(), (HANDLE)0x1234, GetCurrentProcess(), &back, 0, FALSE, DUPLICATE_SAME_ACCESS));
    SHOW("GetProcessIdOfThread of a bad handle", GetProcessIdOfThread((HANDLE)0x1234));
    return 0;
}
