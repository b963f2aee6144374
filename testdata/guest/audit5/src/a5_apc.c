/* a5_apc: user-mode APCs. Expectations (Microsoft: "Asynchronous Procedure Calls", QueueUserAPC, SleepEx,
 * WaitForSingleObjectEx, WaitForMultipleObjectsEx): an APC runs in its thread only when the thread enters an
 * alertable wait; then every queued APC runs, in FIFO order, and the wait returns WAIT_IO_COMPLETION (0xC0 =
 * 192), for SleepEx too; a non-alertable wait or Sleep leaves APCs queued; an alertable wait whose object is
 * already signaled returns WAIT_OBJECT_0 and leaves them queued; QueueUserAPC on an invalid handle fails.
 * APCs queued to a thread created suspended run when it starts, before its start routine (the loader's
 * NtTestAlert), also in a child process created suspended before its entry point ("early bird"). */
#include <windows.h>
#include <stdio.h>

static char log_[64];
static int nlog;
static DWORD apc_tid[8];

static void CALLBACK apc(ULONG_PTR d)
{
    if (nlog < 8)
        apc_tid[nlog] = GetCurrentThreadId();
    log_[nlog++] = (char)d;
    log_[nlog] = 0;
}

static HANDLE ev;
static DWORD WINAPI sleeper(LPVOID p)
{
    (void)p;
    return SleepEx(INFINITE, TRUE);
}
static DWORD WINAPI waiter(LPVOID p)
{
    DWORD r1, r2;
    (void)p;
    r1 = WaitForSingleObjectEx(ev, INFINITE, TRUE);
    r2 = WaitForMultipleObjectsEx(1, &ev, FALSE, INFINITE, TRUE);
    return r1 << 16 | r2;
}

static HANDLE ready, never;
static DWORD WINAPI soaw(LPVOID p)
{
    (void)p;
    return SignalObjectAndWait(ready, never, INFINITE, TRUE);
}

static DWORD WINAPI starter(LPVOID p)
{
    (void)p;
    return (DWORD)(nlog == 1 && apc_tid[0] == GetCurrentThreadId());
}

/* In a child: the APC its parent queued to the suspended main thread ("early bird"). */
static volatile DWORD early;
static void CALLBACK child_apc(ULONG_PTR d)
{
    early = (DWORD)d;
}

static void show(const char *what, DWORD r)
{
    printf("%-48s %lu, APCs run so far: \"%s\"\n", what, r, log_);
}

int main(int argc, char **argv)
{
    HANDLE h;
    DWORD tid, code, r;

    if (argc > 1) {
        printf("child: the early-bird APC ran before main with 0x%lX\n", early);
        return early == 0x42 ? 7 : 1;
    }

    QueueUserAPC(apc, GetCurrentThread(), 'a');
    Sleep(10);
    show("Sleep(10) with an APC queued", 0);
    show("SleepEx(0, FALSE)", SleepEx(0, FALSE));
    ev = CreateEvent(NULL, TRUE, FALSE, NULL);
    show("WaitForSingleObjectEx(unsignaled, 0, FALSE)", WaitForSingleObjectEx(ev, 0, FALSE));
    SetEvent(ev);
    show("WaitForSingleObjectEx(signaled, 0, TRUE)", WaitForSingleObjectEx(ev, 0, TRUE));
    ResetEvent(ev);
    QueueUserAPC(apc, GetCurrentThread(), 'b');
    show("SleepEx(100, TRUE) with two APCs queued", SleepEx(100, TRUE));
    show("SleepEx(0, TRUE) with none", SleepEx(0, TRUE));
    show("SleepEx(20, TRUE) with none", SleepEx(20, TRUE));
    QueueUserAPC(apc, GetCurrentThread(), 'c');
    show("WaitForSingleObjectEx(unsignaled, 0, TRUE)", WaitForSingleObjectEx(ev, 0, TRUE));
    fflush(stdout);

    nlog = 0;
    log_[0] = 0;
    h = CreateThread(NULL, 0, sleeper, NULL, 0, &tid);
    Sleep(10);
    QueueUserAPC(apc, h, 'd');
    QueueUserAPC(apc, h, 'e');
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    CloseHandle(h);
    printf("thread in SleepEx(INFINITE, TRUE): returned %lu, APCs \"%s\" ran in it: %s\n", code, log_,
           apc_tid[0] == tid && apc_tid[1] == tid ? "yes" : "no");

    nlog = 0;
    log_[0] = 0;
    h = CreateThread(NULL, 0, waiter, NULL, 0, &tid);
    Sleep(10);
    QueueUserAPC(apc, h, 'f');
    Sleep(10);
    SetEvent(ev);
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    CloseHandle(h);
    printf("thread in WaitForSingleObjectEx: %lu after the APC \"%s\", then WaitForMultipleObjectsEx: %lu\n",
           code >> 16, log_, code & 0xFFFF);

    nlog = 0;
    log_[0] = 0;
    ready = CreateEvent(NULL, FALSE, FALSE, NULL);
    never = CreateEvent(NULL, TRUE, FALSE, NULL);
    h = CreateThread(NULL, 0, soaw, NULL, 0, &tid);
    WaitForSingleObject(ready, INFINITE);
    QueueUserAPC(apc, h, 'g');
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    CloseHandle(h);
    printf("thread in SignalObjectAndWait(..., TRUE): %lu after the APC \"%s\"\n", code, log_);
    QueueUserAPC(apc, GetCurrentThread(), 'h');
    SetEvent(never);
    printf("SignalObjectAndWait(alertable) on a signaled event with an APC queued: %lu, APCs \"%s\"\n",
           SignalObjectAndWait(ready, never, 0, TRUE), log_);
    printf("then SleepEx(0, TRUE): %lu, APCs \"%s\"\n", SleepEx(0, TRUE), log_);
    fflush(stdout);

    /* APCs queued to a thread before it starts run before its start routine, in it */
    nlog = 0;
    log_[0] = 0;
    h = CreateThread(NULL, 0, starter, NULL, CREATE_SUSPENDED, &tid);
    QueueUserAPC(apc, h, 'i');
    ResumeThread(h);
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    CloseHandle(h);
    printf("APC queued to a suspended thread ran in it before its start routine: %s\n", code ? "yes" : "no");
    {
        char self[MAX_PATH], cmd[MAX_PATH + 16];
        STARTUPINFOA si = {sizeof si};
        PROCESS_INFORMATION pi;
        GetModuleFileNameA(NULL, self, sizeof self);
        snprintf(cmd, sizeof cmd, "\"%s\" child", self);
        if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si, &pi)) {
            printf("CreateProcess failed %lu\n", GetLastError());
            return 1;
        }
        fflush(stdout);
        QueueUserAPC(child_apc, pi.hThread, 0x42); /* the child maps the exe at our base */
        ResumeThread(pi.hThread);
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        printf("child exit code %lu\n", code);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
    }

    SetLastError(0xDEAD);
    r = QueueUserAPC(apc, NULL, 'x');
    printf("QueueUserAPC(NULL handle): %lu error %lu\n", r, GetLastError());
    CloseHandle(ev);
    return 0;
}
