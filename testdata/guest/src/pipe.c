/* pipe: a parent captures a child's standard output through an anonymous pipe (CreatePipe, an inheritable
 * write end passed in STARTUPINFO.hStdOutput with STARTF_USESTDHANDLES and bInheritHandles = TRUE). The child
 * is this same program started with the argument "child"; its stdout is a pipe, so msvcrt writes "\r\n".
 * The parent reads until ReadFile fails with ERROR_BROKEN_PIPE (109), then collects the exit code (7).
 * Expectations: Microsoft's "Creating a Child Process with Redirected Input and Output". */
#include <windows.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE rd, wr;
    char path[MAX_PATH], cmd[MAX_PATH + 64], buf[256], all[1024];
    DWORD n, total = 0, code = 0, err;
    char *line, *next;

    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("hello from the child\n");
        printf("child argv[2]=[%s]\n", argc > 2 ? argv[2] : "");
        return 7;
    }

    if (!CreatePipe(&rd, &wr, &sa, 0))
        return 1;
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = wr;
    si.hStdError = wr;
    GetModuleFileNameA(NULL, path, MAX_PATH);
    sprintf(cmd, "\"%s\" child \"two words\"", path);
    if (!CreateProcessA(path, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed: %lu\n", GetLastError());
        return 1;
    }
    CloseHandle(wr);
    for (;;) {
        if (!ReadFile(rd, buf, sizeof buf, &n, NULL)) {
            err = GetLastError();
            break;
        }
        if (n == 0) {
            err = 0;
            break;
        }
        if (total + n < sizeof all) {
            memcpy(all + total, buf, n);
        }
        total += n;
    }
    all[total < sizeof all ? total : sizeof all - 1] = 0;
    printf("read %lu bytes, then error %lu\n", total, err);
    for (line = all; *line; line = next) {
        next = strstr(line, "\r\n");
        if (!next)
            break;
        *next = 0;
        next += 2;
        printf("child> %s\n", line);
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("child exit code %lu\n", code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(rd);
    return 0;
}
