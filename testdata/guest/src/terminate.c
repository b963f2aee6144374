/* terminate: a parent starts a child (this program with the argument "spin") that loops forever, checks that
 * it is still running (GetExitCodeProcess gives STILL_ACTIVE = 259, a zero-timeout wait gives WAIT_TIMEOUT =
 * 258), ends it with TerminateProcess(h, 42), and waits for it: the wait succeeds (WAIT_OBJECT_0) and the exit
 * code is 42 (Microsoft: TerminateProcess, GetExitCodeProcess). */
#include <windows.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char path[MAX_PATH], cmd[MAX_PATH + 16];
    DWORD code = 0;

    if (argc > 1 && strcmp(argv[1], "spin") == 0) {
        volatile unsigned long n = 0;
        for (;;)
            n++;
    }
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    GetModuleFileNameA(NULL, path, MAX_PATH);
    sprintf(cmd, "\"%s\" spin", path);
    if (!CreateProcessA(path, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed: %lu\n", GetLastError());
        return 1;
    }
    Sleep(50);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("child running: exit code %lu\n", code);
    printf("wait with timeout 0: %lu\n", WaitForSingleObject(pi.hProcess, 0));
    printf("TerminateProcess: %d\n", TerminateProcess(pi.hProcess, 42));
    printf("wait: %lu\n", WaitForSingleObject(pi.hProcess, INFINITE));
    GetExitCodeProcess(pi.hProcess, &code);
    printf("child exit code %lu\n", code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return 0;
}
