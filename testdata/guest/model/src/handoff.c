/* handoff: a signal satisfies the threads already waiting, at signal time and in the order they came
 * (Microsoft: "Wait Functions", SetEvent, ResetEvent, ReleaseSemaphore, ReleaseMutex; the waits complete
 * when the object is signaled):
 *   - SetEvent on an auto-reset event releases one waiter and leaves the event non-signaled, so the setter's
 *     own zero-timeout wait right after it times out (258);
 *   - SetEvent then ResetEvent on a manual-reset event still releases every thread that was waiting;
 *   - ReleaseSemaphore(3) with two waiters releases both and leaves a count of 1;
 *   - ReleaseMutex hands the mutex to the waiters one after another in the order they started waiting;
 *   - PulseEvent on a manual-reset event releases every waiter and leaves the event non-signaled.
 * Waiters are given time to block with Sleep(100); the process runs on one processor. */
#include <windows.h>
#include <stdio.h>

static HANDLE auto_ev, manual_ev, sem, mx;
static char order[8];
static volatile LONG pos;

static DWORD WINAPI wait_on(LPVOID arg)
{
    return WaitForSingleObject((HANDLE)arg, 5000);
}

static DWORD WINAPI take_mutex(LPVOID arg)
{
    WaitForSingleObject(mx, INFINITE);
    order[InterlockedIncrement(&pos) - 1] = (char)(INT_PTR)arg;
    ReleaseMutex(mx);
    return 0;
}

int main(void)
{
    HANDLE t[3];
    DWORD r, c0 = 9, c1 = 9;
    int i;

    SetProcessAffinityMask(GetCurrentProcess(), 1);
    auto_ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    manual_ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    sem = CreateSemaphoreA(NULL, 0, 10, NULL);
    mx = CreateMutexA(NULL, TRUE, NULL);

    t[0] = CreateThread(NULL, 0, wait_on, auto_ev, 0, NULL);
    Sleep(100);
    SetEvent(auto_ev);
    r = WaitForSingleObject(auto_ev, 0);
    WaitForSingleObject(t[0], INFINITE);
    GetExitCodeThread(t[0], &c0);
    CloseHandle(t[0]);
    printf("auto-reset: the waiter got it (%lu), the setter's own wait: %lu\n", c0, r);

    t[0] = CreateThread(NULL, 0, wait_on, manual_ev, 0, NULL);
    t[1] = CreateThread(NULL, 0, wait_on, manual_ev, 0, NULL);
    Sleep(100);
    SetEvent(manual_ev);
    ResetEvent(manual_ev);
    WaitForMultipleObjects(2, t, TRUE, INFINITE);
    GetExitCodeThread(t[0], &c0);
    GetExitCodeThread(t[1], &c1);
    CloseHandle(t[0]);
    CloseHandle(t[1]);
    printf("manual-reset set then reset: waiters got %lu and %lu\n", c0, c1);

    t[0] = CreateThread(NULL, 0, wait_on, sem, 0, NULL);
    t[1] = CreateThread(NULL, 0, wait_on, sem, 0, NULL);
    Sleep(100);
    ReleaseSemaphore(sem, 3, NULL);
    WaitForMultipleObjects(2, t, TRUE, INFINITE);
    GetExitCodeThread(t[0], &c0);
    GetExitCodeThread(t[1], &c1);
    CloseHandle(t[0]);
    CloseHandle(t[1]);
    r = WaitForSingleObject(sem, 0);
    printf("semaphore +3: waiters got %lu and %lu; then %lu", c0, c1, r);
    printf(", %lu\n", WaitForSingleObject(sem, 0));

    for (i = 0; i < 3; i++) {
        t[i] = CreateThread(NULL, 0, take_mutex, (LPVOID)(INT_PTR)("ABC"[i]), 0, NULL);
        Sleep(100);
    }
    ReleaseMutex(mx);
    WaitForMultipleObjects(3, t, TRUE, INFINITE);
    for (i = 0; i < 3; i++)
        CloseHandle(t[i]);
    printf("mutex handed over in waiting order: %s\n", order);

    t[0] = CreateThread(NULL, 0, wait_on, manual_ev, 0, NULL);
    t[1] = CreateThread(NULL, 0, wait_on, manual_ev, 0, NULL);
    Sleep(100);
    PulseEvent(manual_ev);
    WaitForMultipleObjects(2, t, TRUE, INFINITE);
    GetExitCodeThread(t[0], &c0);
    GetExitCodeThread(t[1], &c1);
    CloseHandle(t[0]);
    CloseHandle(t[1]);
    printf("PulseEvent: waiters got %lu and %lu; the event afterwards: %lu\n", c0, c1,
           WaitForSingleObject(manual_ev, 0));
    return 0;
}
