/* condvar: a producer thread signals a consumer through a condition variable and a critical section
 * (SleepConditionVariableCS, WakeConditionVariable, WakeAllConditionVariable); a timed wait that nobody wakes
 * returns FALSE with ERROR_TIMEOUT (1460). */
#include <windows.h>
#include <stdio.h>

static CRITICAL_SECTION cs;
static CONDITION_VARIABLE cv;
static int items, done;

static DWORD WINAPI producer(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++) {
        EnterCriticalSection(&cs);
        items++;
        WakeConditionVariable(&cv);
        LeaveCriticalSection(&cs);
        Sleep(1);
    }
    EnterCriticalSection(&cs);
    done = 1;
    WakeAllConditionVariable(&cv);
    LeaveCriticalSection(&cs);
    return 0;
}

int main(void)
{
    int got = 0;
    InitializeCriticalSection(&cs);
    InitializeConditionVariable(&cv);
    HANDLE h = CreateThread(NULL, 0, producer, NULL, 0, NULL);
    EnterCriticalSection(&cs);
    for (;;) {
        while (items == 0 && !done)
            SleepConditionVariableCS(&cv, &cs, INFINITE);
        if (items) {
            items--;
            got++;
            continue;
        }
        break;
    }
    BOOL r = SleepConditionVariableCS(&cv, &cs, 10);
    printf("consumed %d, timed wait: %d, error %lu\n", got, r, GetLastError());
    LeaveCriticalSection(&cs);
    WaitForSingleObject(h, INFINITE);
    return 0;
}
