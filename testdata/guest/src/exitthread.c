/* exitthread: the main thread calls ExitThread while a second thread lives on; the process continues until that
 * thread ends, and its exit code (5) becomes the process exit code (Microsoft: "Terminating a Process": the
 * process ends when its last thread ends, with that thread's exit code). The worker waits on the main thread's
 * handle, which becomes signaled when it exits, and reads its exit code (0). stdio is flushed by hand: ExitThread
 * in main skips the C runtime's exit(). */
#include <windows.h>
#include <stdio.h>

static DWORD WINAPI worker(LPVOID arg)
{
    HANDLE main_thread = (HANDLE)arg;
    DWORD code = 1234;
    DWORD r = WaitForSingleObject(main_thread, INFINITE);
    GetExitCodeThread(main_thread, &code);
    printf("worker: main thread ended (wait %lu), its exit code %lu\n", r, code);
    printf("worker: returning 5\n");
    fflush(stdout);
    return 5;
}

int main(void)
{
    HANDLE self;
    DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &self, 0, FALSE,
                    DUPLICATE_SAME_ACCESS);
    CloseHandle(CreateThread(NULL, 0, worker, self, 0, NULL));
    printf("main: calling ExitThread(0)\n");
    fflush(stdout);
    ExitThread(0);
}
