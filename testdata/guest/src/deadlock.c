/* deadlock: thread 1 holds mutex A and waits for B while thread 2 holds B and waits for A, and the main thread
 * waits for both: every thread blocks forever. peek32 must report a deadlock (naming the waits) instead of
 * spinning (issue 5). Events order the two threads so the output is deterministic; the exit code is peek32's
 * to choose, so only stdout is expected. */
#include <windows.h>
#include <stdio.h>

static HANDLE a, b, one_has_a, two_has_b;

static DWORD WINAPI one(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(a, INFINITE);
    printf("thread 1 holds A, waits for B\n");
    fflush(stdout);
    SetEvent(one_has_a);
    WaitForSingleObject(two_has_b, INFINITE);
    WaitForSingleObject(b, INFINITE);
    printf("not reached\n");
    return 0;
}

static DWORD WINAPI two(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(one_has_a, INFINITE);
    WaitForSingleObject(b, INFINITE);
    printf("thread 2 holds B, waits for A\n");
    fflush(stdout);
    SetEvent(two_has_b);
    WaitForSingleObject(a, INFINITE);
    printf("not reached\n");
    return 0;
}

int main(void)
{
    HANDLE t[2];
    a = CreateMutexA(NULL, FALSE, NULL);
    b = CreateMutexA(NULL, FALSE, NULL);
    one_has_a = CreateEventA(NULL, TRUE, FALSE, NULL);
    two_has_b = CreateEventA(NULL, TRUE, FALSE, NULL);
    printf("main: starting two threads and waiting for both\n");
    fflush(stdout);
    t[0] = CreateThread(NULL, 0, one, NULL, 0, NULL);
    t[1] = CreateThread(NULL, 0, two, NULL, 0, NULL);
    WaitForMultipleObjects(2, t, TRUE, INFINITE);
    printf("not reached\n");
    return 0;
}
