/* abandon: a thread that ends while owning a mutex abandons it (Microsoft: WaitForSingleObject,
 * WaitForMultipleObjects, "Mutex Objects"): the next wait that takes it returns WAIT_ABANDONED (0x80), or
 * WAIT_ABANDONED_0 + i from WaitForMultipleObjects, and the waiter owns it; later waits are ordinary. A waiter
 * blocked on the mutex when its owner ends wakes up with WAIT_ABANDONED. Ownership taken with
 * CreateMutex(bInitialOwner) is abandoned the same way, and so is a mutex held by a thread ended with
 * TerminateThread. */
#include <windows.h>
#include <stdio.h>

static HANDLE mx, mx2, ev, go_on;

static DWORD WINAPI take_and_exit(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(mx, INFINITE);
    WaitForSingleObject(mx, INFINITE); /* recursively: count 2 */
    return 0;                          /* ends without ReleaseMutex */
}

static DWORD WINAPI own_then_wait(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(mx2, INFINITE);
    SetEvent(ev);
    WaitForSingleObject(go_on, INFINITE);
    return 0;
}

static DWORD WINAPI create_owned(LPVOID arg)
{
    *(HANDLE *)arg = CreateMutexA(NULL, TRUE, NULL);
    return 0;
}

static DWORD WINAPI hold_forever(LPVOID arg)
{
    WaitForSingleObject((HANDLE)arg, INFINITE);
    SetEvent(ev);
    Sleep(INFINITE);
    return 0;
}

int main(void)
{
    HANDLE t, m3 = NULL, objs[2];
    DWORD r;

    mx = CreateMutexA(NULL, FALSE, NULL);
    mx2 = CreateMutexA(NULL, FALSE, NULL);
    ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    go_on = CreateEventA(NULL, FALSE, FALSE, NULL);

    t = CreateThread(NULL, 0, take_and_exit, NULL, 0, NULL);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    r = WaitForSingleObject(mx, 0);
    printf("wait after the owner ended: 0x%lX\n", r);
    r = WaitForSingleObject(mx, 0);
    printf("second wait (main owns it now): 0x%lX\n", r);
    {
        BOOL a = ReleaseMutex(mx), b = ReleaseMutex(mx), c = ReleaseMutex(mx);
        printf("ReleaseMutex twice: %d %d, a third: %d (error %lu)\n", a, b, c, GetLastError());
    }

    t = CreateThread(NULL, 0, own_then_wait, NULL, 0, NULL);
    WaitForSingleObject(ev, INFINITE);
    objs[0] = ev;
    objs[1] = mx2;
    SetEvent(go_on); /* the owner ends while main waits for the mutex */
    r = WaitForMultipleObjects(2, objs, FALSE, INFINITE);
    printf("blocked waiter woken by the owner's end: 0x%lX\n", r);
    ReleaseMutex(mx2);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);

    t = CreateThread(NULL, 0, create_owned, &m3, 0, NULL);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    printf("mutex created owned by a thread that ended: 0x%lX\n", WaitForSingleObject(m3, 0));
    ReleaseMutex(m3);

    t = CreateThread(NULL, 0, hold_forever, mx, 0, NULL);
    WaitForSingleObject(ev, INFINITE);
    TerminateThread(t, 9);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    printf("after TerminateThread of the owner: 0x%lX\n", WaitForSingleObject(mx, 0));
    ReleaseMutex(mx);
    printf("then: 0x%lX\n", WaitForSingleObject(mx, 0));
    return 0;
}
