/* a5_misc: the rest of issue 5's synchronization and process list not checked elsewhere. Expectations from
 * Microsoft's documentation:
 * - InitializeCriticalSectionAndSpinCount returns TRUE; SetCriticalSectionSpinCount returns the previous spin
 *   count; a critical section keeps 4 threads x 20000 increments exact; TryEnterCriticalSection fails in
 *   another thread while the section is owned and succeeds recursively in the owner.
 * - InitOnceExecuteOnce runs the function once among 4 threads and gives every caller its context.
 * - TryAcquireSRWLockExclusive fails while the lock is held shared, TryAcquireSRWLockShared succeeds.
 * - The Interlocked family is atomic with respect to every thread (LOCK-prefixed instructions): 4 threads x
 *   20000 InterlockedIncrement / InterlockedExchangeAdd / an InterlockedCompareExchange loop / a 64-bit
 *   InterlockedCompareExchange64 (LOCK CMPXCHG8B) loop give exact totals.
 * - SleepEx returns 0 when no APC ran (bAlertable TRUE with no APC queued, and FALSE).
 * - OpenThread by ID gives a handle to the same thread (GetThreadId, GetProcessIdOfThread); a thread ID that
 *   does not exist gives ERROR_INVALID_PARAMETER; OpenProcess of the own ID works.
 * - CreateProcessW with CREATE_UNICODE_ENVIRONMENT, an environment block and a current directory: the child
 *   sees exactly that environment and directory; CreateProcess with a command line naming the program without
 *   extension or path finds it in the parent's directory (the application's directory is searched first).
 * - Module32First lists the exe first.
 * - IsDebuggerPresent is FALSE; OutputDebugStringA/W reach the debugger (peek32: an event, checked by
 *   core/win32/audit5_test.go). */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <string.h>

#define N 20000
static CRITICAL_SECTION cs;
static long cs_total;
static volatile LONG inc_total, add_total, cas_total;
static volatile LONGLONG cas64_total;
static SRWLOCK srw = SRWLOCK_INIT;
static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
static volatile LONG once_runs;
static LPVOID once_ctx[4];

static BOOL CALLBACK once_fn(PINIT_ONCE o, PVOID param, PVOID *ctx)
{
    (void)o;
    (void)param;
    InterlockedIncrement(&once_runs);
    Sleep(5); /* the other threads arrive while it runs */
    *ctx = (PVOID)0x5A0;
    return TRUE;
}

static DWORD WINAPI worker(LPVOID p)
{
    int i = (int)(UINT_PTR)p, k;
    InitOnceExecuteOnce(&once, once_fn, NULL, &once_ctx[i]);
    for (k = 0; k < N; k++) {
        LONG v;
        LONGLONG w;
        EnterCriticalSection(&cs);
        cs_total++;
        LeaveCriticalSection(&cs);
        InterlockedIncrement(&inc_total);
        InterlockedExchangeAdd(&add_total, 3);
        do
            v = cas_total;
        while (InterlockedCompareExchange(&cas_total, v + 2, v) != v);
        do
            w = cas64_total;
        while (InterlockedCompareExchange64(&cas64_total, w + 0x100000001LL, w) != w);
        if (k % 1000 == 0)
            Sleep(0);
    }
    return 0;
}

static DWORD WINAPI try_cs(LPVOID p)
{
    (void)p;
    return TryEnterCriticalSection(&cs);
}

static DWORD WINAPI try_srw(LPVOID p)
{
    (void)p;
    BOOLEAN ex = TryAcquireSRWLockExclusive(&srw), sh = TryAcquireSRWLockShared(&srw);
    if (sh)
        ReleaseSRWLockShared(&srw);
    return ex * 2 + sh;
}

int main(int argc, char **argv)
{
    HANDLE th[4], h;
    DWORD tid, code, e;
    int i;

    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        char v[64], d[MAX_PATH];
        DWORD n = GetEnvironmentVariableA("A5VAR", v, sizeof v);
        printf("child: A5VAR=%s, PATH %s, directory %s\n", n ? v : "(none)",
               GetEnvironmentVariableA("PATH", d, sizeof d) ? "set" : "not set",
               GetCurrentDirectoryA(sizeof d, d) ? d : "?");
        return 3;
    }
    if (argc > 1 && strcmp(argv[1], "found") == 0) {
        printf("child: found without a path or extension\n");
        return 4;
    }

    OutputDebugStringA("a5_misc: hello, debugger");
    OutputDebugStringW(L"a5_misc: wide \x00e9t\x00e9");
    printf("IsDebuggerPresent: %d\n", IsDebuggerPresent());
    printf("InitializeCriticalSectionAndSpinCount: %d\n", InitializeCriticalSectionAndSpinCount(&cs, 4000));
    printf("SetCriticalSectionSpinCount: previous %lu\n", SetCriticalSectionSpinCount(&cs, 100));
    EnterCriticalSection(&cs);
    h = CreateThread(NULL, 0, try_cs, NULL, 0, &tid);
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    CloseHandle(h);
    printf("TryEnterCriticalSection from another thread while owned: %lu, recursively in the owner: %d\n", code,
           TryEnterCriticalSection(&cs));
    LeaveCriticalSection(&cs);
    LeaveCriticalSection(&cs);

    for (i = 0; i < 4; i++)
        th[i] = CreateThread(NULL, 0, worker, (LPVOID)(UINT_PTR)i, 0, &tid);
    WaitForMultipleObjects(4, th, TRUE, INFINITE);
    for (i = 0; i < 4; i++)
        CloseHandle(th[i]);
    printf("critical section total %ld (want %d)\n", cs_total, 4 * N);
    printf("interlocked: increment %ld, exchange-add %ld, compare-exchange %ld, compare-exchange64 0x%llX\n",
           inc_total, add_total, cas_total, (unsigned long long)cas64_total);
    printf("InitOnce: ran %ld time(s), contexts %p %p %p %p\n", once_runs, once_ctx[0], once_ctx[1], once_ctx[2],
           once_ctx[3]);
    DeleteCriticalSection(&cs);

    AcquireSRWLockShared(&srw);
    h = CreateThread(NULL, 0, try_srw, NULL, 0, &tid);
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    CloseHandle(h);
    ReleaseSRWLockShared(&srw);
    printf("SRW held shared: TryAcquireSRWLockExclusive %lu, TryAcquireSRWLockShared %lu\n", code >> 1, code & 1);

    printf("SleepEx(0, FALSE) %lu, SleepEx(10, TRUE) %lu\n", SleepEx(0, FALSE), SleepEx(10, TRUE));

    h = CreateThread(NULL, 0, try_cs, NULL, CREATE_SUSPENDED, &tid);
    {
        HANDLE o = OpenThread(THREAD_QUERY_INFORMATION, FALSE, tid);
        printf("OpenThread: %s, GetThreadId same: %s, GetProcessIdOfThread is us: %s\n", o ? "handle" : "NULL",
               GetThreadId(o) == tid ? "yes" : "no", GetProcessIdOfThread(o) == GetCurrentProcessId() ? "yes" : "no");
        CloseHandle(o);
        SetLastError(0xDEAD);
        o = OpenThread(THREAD_QUERY_INFORMATION, FALSE, 0x7FFFFFF0);
        e = GetLastError();
        printf("OpenThread of a missing ID: %s error %lu\n", o ? "handle" : "NULL", e);
        o = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, GetCurrentProcessId());
        printf("OpenProcess of our ID: %s, GetProcessId same: %s\n", o ? "handle" : "NULL",
               GetProcessId(o) == GetCurrentProcessId() ? "yes" : "no");
        CloseHandle(o);
    }
    TerminateThread(h, 0);
    CloseHandle(h);

    {
        HANDLE s = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0);
        MODULEENTRY32 me = {sizeof me};
        BOOL ok = Module32First(s, &me);
        printf("Module32First: %s, the exe: %s (%s)\n", ok ? "TRUE" : "FALSE",
               me.hModule == GetModuleHandleA(NULL) ? "yes" : "no", me.szModule);
        CloseHandle(s);
    }
    fflush(stdout);

    {
        WCHAR self[MAX_PATH], cmd[MAX_PATH + 16], dir[MAX_PATH];
        WCHAR env[] = L"A5VAR=from the parent\0OTHER=1\0";
        STARTUPINFOW si = {sizeof si};
        PROCESS_INFORMATION pi;
        GetModuleFileNameW(NULL, self, MAX_PATH);
        GetWindowsDirectoryW(dir, MAX_PATH);
        _snwprintf(cmd, MAX_PATH + 16, L"\"%s\" child", self);
        if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, CREATE_UNICODE_ENVIRONMENT, env, dir, &si, &pi)) {
            printf("CreateProcessW failed %lu\n", GetLastError());
            return 1;
        }
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        printf("child exit code %lu\n", code);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
        fflush(stdout);
        wcscpy(cmd, L"a5_misc found");
        if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
            printf("CreateProcessW a5_misc failed %lu\n", GetLastError());
            return 1;
        }
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        printf("child exit code %lu\n", code);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
    }
    return 0;
}
