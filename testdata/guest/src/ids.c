/* ids: process and thread IDs and handles (PROCESS_MODEL.md section 5; Microsoft: "Process Handles and
 * Identifiers", "Thread Handles and Identifiers", CloseHandle). IDs are multiples of 4 from one pool (a PID never
 * equals a TID); handle values are multiples of 4; GetCurrentProcess()/GetCurrentThread() are the pseudo-handles
 * -1 and -2; closing a thread or process handle does not end the thread or process; a bad handle fails with
 * ERROR_INVALID_HANDLE (6). The child is this program started with the argument "child"; it exits with 3. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static HANDLE go, done;

static DWORD WINAPI worker(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(go, INFINITE);
    SetEvent(done);
    return 0;
}

static const char *yes(int b) { return b ? "yes" : "no"; }

int main(int argc, char **argv)
{
    DWORD pid = GetCurrentProcessId(), tid = GetCurrentThreadId(), tid2 = 0, code = 0;
    HANDLE h, t, dup;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char path[MAX_PATH], cmd[MAX_PATH + 16];

    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return 3;

    printf("pid and tid multiples of 4: %s, different: %s\n", yes(pid % 4 == 0 && tid % 4 == 0), yes(pid != tid));
    printf("pseudo-handles: process %s, thread %s\n", yes(GetCurrentProcess() == (HANDLE)-1),
           yes(GetCurrentThread() == (HANDLE)-2));
    GetExitCodeProcess(GetCurrentProcess(), &code);
    printf("own exit code while running: %lu\n", code);

    h = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, pid);
    printf("OpenProcess(own pid): handle multiple of 4: %s, GetProcessId matches: %s\n",
           yes(h && ((ULONG_PTR)h % 4) == 0), yes(GetProcessId(h) == pid));
    CloseHandle(h);

    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    done = CreateEventA(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, worker, NULL, 0, &tid2);
    printf("new thread id: multiple of 4 %s, differs from pid and main tid %s, GetThreadId matches %s\n",
           yes(tid2 % 4 == 0), yes(tid2 != pid && tid2 != tid), yes(GetThreadId(t) == tid2));
    printf("CloseHandle(thread): %d\n", CloseHandle(t));
    SetEvent(go);
    printf("thread still ran after its handle was closed: %s\n", yes(WaitForSingleObject(done, INFINITE) == 0));

    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    GetModuleFileNameA(NULL, path, MAX_PATH);
    sprintf(cmd, "\"%s\" child", path);
    if (!CreateProcessA(path, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed: %lu\n", GetLastError());
        return 1;
    }
    printf("child ids: multiples of 4 %s, pid differs from tid %s, differs from ours %s\n",
           yes(pi.dwProcessId % 4 == 0 && pi.dwThreadId % 4 == 0), yes(pi.dwProcessId != pi.dwThreadId),
           yes(pi.dwProcessId != pid));
    DuplicateHandle(GetCurrentProcess(), pi.hProcess, GetCurrentProcess(), &dup, 0, FALSE, DUPLICATE_SAME_ACCESS);
    printf("duplicate is a different handle to the same process: %s\n",
           yes(dup != pi.hProcess && GetProcessId(dup) == pi.dwProcessId));
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    WaitForSingleObject(dup, INFINITE);
    GetExitCodeProcess(dup, &code);
    printf("child ran to the end after its first handle was closed: exit code %lu\n", code);
    CloseHandle(dup);

    SetLastError(0);
    {
        BOOL ok = CloseHandle((HANDLE)0x1234);
        DWORD err = GetLastError();
        printf("CloseHandle(0x1234): %d, error %lu\n", ok, err);
    }
    return 0;
}
