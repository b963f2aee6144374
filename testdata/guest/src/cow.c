/* cow: two processes of one executable (this program, and itself started with "child ADDRESS") map the image at
 * the same base, so a global variable has the same address in both. The child writes to it; the parent's copy
 * is untouched: the written page was copied for the child (PROCESS_MODEL.md section 6). The child's output goes
 * to the parent's stdout through an inheritable duplicate of the handle. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int shared_value = 1;        /* .data: a writable image page, shared copy-on-write */
const char text[] = "const"; /* .rdata: stays shared */

int main(int argc, char **argv)
{
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char path[MAX_PATH], cmd[MAX_PATH + 64];
    HANDLE out;
    DWORD code = 0;

    if (argc > 2 && strcmp(argv[1], "child") == 0) {
        unsigned long parent_addr = strtoul(argv[2], NULL, 16);
        printf("child: same address as in the parent: %s\n", parent_addr == (unsigned long)&shared_value ? "yes" : "no");
        printf("child: value %d, writing 2\n", shared_value);
        shared_value = 2;
        printf("child: value now %d, text %s\n", shared_value, text);
        return 0;
    }

    printf("parent: value %d\n", shared_value);
    fflush(stdout);
    DuplicateHandle(GetCurrentProcess(), GetStdHandle(STD_OUTPUT_HANDLE), GetCurrentProcess(), &out, 0, TRUE,
                    DUPLICATE_SAME_ACCESS);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = out;
    si.hStdError = out;
    GetModuleFileNameA(NULL, path, MAX_PATH);
    sprintf(cmd, "\"%s\" child %lx", path, (unsigned long)&shared_value);
    if (!CreateProcessA(path, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed: %lu\n", GetLastError());
        return 1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    printf("parent: child exited with %lu, value still %d\n", code, shared_value);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(out);
    return 0;
}
