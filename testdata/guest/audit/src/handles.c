/* handles: pseudo-handles, handle values and last-error values (Microsoft's documentation of CloseHandle,
 * DuplicateHandle, GetCurrentProcess/GetCurrentThread, GetExitCodeProcess/GetExitCodeThread, OpenProcess,
 * WaitForSingleObject, TlsAlloc/TlsGetValue, GetLastError/SetLastError):
 * - GetCurrentProcess() is (HANDLE)-1 and GetCurrentThread() (HANDLE)-2; closing them does nothing and succeeds;
 * - DuplicateHandle of a pseudo-handle gives a real handle (a multiple of 4) to the same object;
 * - a handle closed twice, NULL, or a made-up value fails with ERROR_INVALID_HANDLE (6);
 * - waiting on one's own thread times out (it is not signaled while it runs); both exit codes are STILL_ACTIVE;
 * - OpenProcess of a process ID that does not exist fails with ERROR_INVALID_PARAMETER (87);
 * - functions that succeed leave the last error alone (GetCurrentProcessId, CloseHandle), except those
 *   documented to clear it (TlsGetValue); SetLastError's value is what GetLastError returns. */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    HANDLE dup = NULL, ev;
    DWORD code = 0, pid;
    DWORD tls;
    BOOL ok;

    printf("GetCurrentProcess() = %ld, GetCurrentThread() = %ld\n", (long)GetCurrentProcess(), (long)GetCurrentThread());
    ok = DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &dup, 0, FALSE, DUPLICATE_SAME_ACCESS);
    printf("DuplicateHandle(process pseudo-handle): %d, real handle multiple of 4 %s, same process %s\n", ok,
           dup != NULL && ((ULONG_PTR)dup & 3) == 0 && (LONG_PTR)dup > 0 ? "yes" : "no",
           GetProcessId(dup) == GetCurrentProcessId() ? "yes" : "no");
    GetExitCodeProcess(dup, &code);
    printf("GetExitCodeProcess(duplicate) = %lu\n", code);
    printf("CloseHandle(duplicate): %d\n", CloseHandle(dup));
    SetLastError(0);
    ok = CloseHandle(dup);
    printf("CloseHandle(duplicate) again: %d, error %lu\n", ok, GetLastError());
    SetLastError(0);
    ok = CloseHandle(NULL);
    printf("CloseHandle(NULL): %d, error %lu\n", ok, GetLastError());
    SetLastError(0);
    ok = CloseHandle((HANDLE)0x12340);
    printf("CloseHandle(0x12340): %d, error %lu\n", ok, GetLastError());
    printf("CloseHandle(GetCurrentProcess()): %d, CloseHandle(GetCurrentThread()): %d\n",
           CloseHandle(GetCurrentProcess()), CloseHandle(GetCurrentThread()));
    printf("WaitForSingleObject(own thread, 0) = 0x%lX (WAIT_TIMEOUT is 0x102)\n", WaitForSingleObject(GetCurrentThread(), 0));
    GetExitCodeThread(GetCurrentThread(), &code);
    printf("GetExitCodeThread(own thread) = %lu\n", code);

    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    printf("CreateEvent: handle multiple of 4 %s\n", ev != NULL && ((ULONG_PTR)ev & 3) == 0 ? "yes" : "no");
    SetLastError(42);
    pid = GetCurrentProcessId();
    printf("after SetLastError(42) and GetCurrentProcessId(): %lu\n", GetLastError());
    SetLastError(43);
    CloseHandle(ev);
    printf("after SetLastError(43) and a successful CloseHandle: %lu\n", GetLastError());
    SetLastError(0);
    ev = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, pid + 0x40000);
    code = GetLastError();
    printf("OpenProcess(PROCESS_QUERY_INFORMATION, no such pid): %s, error %lu\n", ev == NULL ? "NULL" : "a handle", code);
    tls = TlsAlloc();
    SetLastError(44);
    TlsGetValue(tls);
    printf("after SetLastError(44) and a successful TlsGetValue: %lu\n", GetLastError());
    SetLastError(ERROR_FILE_NOT_FOUND);
    printf("SetLastError(ERROR_FILE_NOT_FOUND) then GetLastError: %lu\n", GetLastError());
    return 0;
}
