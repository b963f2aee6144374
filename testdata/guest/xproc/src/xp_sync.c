/* Waitable timers, a condition-variable producer/consumer, WaitOnAddress and SignalObjectAndWait. */
#include <windows.h>
#include <stdio.h>

#define SHOW(label, call) do { SetLastError(0xDEAD); unsigned long r_ = (unsigned long)(call); \
    printf("%s: %ld error %lu\n", label, (long)r_, GetLastError()); } while (0)

/* Producer/consumer over a bounded queue with two condition variables. */
#define QSIZE 4
#define ITEMS 40
static CRITICAL_SECTION cs;
static CONDITION_VARIABLE notFull, notEmpty;
static int queue[QSIZE], head, count, consumedSum, consumedCount;

static DWORD WINAPI producer(LPVOID p) {
    for (int i = 1; i <= ITEMS; i++) {
        EnterCriticalSection(&cs);
        while (count == QSIZE) SleepConditionVariableCS(&notFull, &cs, INFINITE);
        queue[(head + count++) % QSIZE] = i;
        WakeConditionVariable(&notEmpty);
        LeaveCriticalSection(&cs);
    }
    return 0;
}

static DWORD WINAPI consumer(LPVOID p) {
    for (;;) {
        EnterCriticalSection(&cs);
        while (count == 0 && consumedCount < ITEMS) SleepConditionVariableCS(&notEmpty, &cs, INFINITE);
        if (consumedCount == ITEMS) { LeaveCriticalSection(&cs); return 0; }
        int v = queue[head];
        head = (head + 1) % QSIZE;
        count--;
        consumedSum += v;
        if (++consumedCount == ITEMS) WakeAllConditionVariable(&notEmpty);
        WakeConditionVariable(&notFull);
        LeaveCriticalSection(&cs);
    }
}

/* SRW + condition variable: a flag set by another thread. */
static SRWLOCK srw = SRWLOCK_INIT;
static CONDITION_VARIABLE flagCV = CONDITION_VARIABLE_INIT;
static int flag;
static DWORD WINAPI setFlag(LPVOID p) {
    Sleep(5);
    AcquireSRWLockExclusive(&srw);
    flag = 1;
    ReleaseSRWLockExclusive(&srw);
    WakeAllConditionVariable(&flagCV);
    return 0;
}

/* WaitOnAddress: a waiter sleeps until the value changes. */
static volatile LONG word;
static DWORD WINAPI waiter(LPVOID p) {
    LONG undesired = 0;
    int wakes = 0;
    while (word == undesired) {
        WaitOnAddress(&word, &undesired, sizeof word, INFINITE);
        wakes++;
    }
    return 100 + word;
}

static HANDLE ping, pong;
static DWORD WINAPI ponger(LPVOID p) {
    for (int i = 0; i < 3; i++) SignalObjectAndWait(pong, ping, INFINITE, FALSE) == WAIT_OBJECT_0 || (i = 99);
    SetEvent(pong);
    return 0;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);

    /* A relative one-shot notification timer: 20 ms of virtual time. */
    HANDLE t = CreateWaitableTimerA(NULL, TRUE, NULL);
    LARGE_INTEGER due;
    due.QuadPart = -200000; /* 20 ms in 100 ns units */
    DWORD t0 = GetTickCount();
    SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE);
    SHOW("timer not yet due", WaitForSingleObject(t, 0));
    DWORD w = WaitForSingleObject(t, INFINITE);
    DWORD el = GetTickCount() - t0;
    printf("timer fired: %lu after >= 15 ms: %d, stays signaled (notification): %lu\n", w, el >= 15, WaitForSingleObject(t, 0));
    /* A periodic synchronization timer: each wait consumes one signal. */
    HANDLE p = CreateWaitableTimerA(NULL, FALSE, NULL);
    due.QuadPart = -10000;
    SetWaitableTimer(p, &due, 10, NULL, NULL, FALSE);
    int fired = 0;
    for (int i = 0; i < 3; i++) fired += WaitForSingleObject(p, 1000) == WAIT_OBJECT_0;
    printf("periodic timer fired %d times, auto-reset: %lu\n", fired, WaitForSingleObject(p, 0) == WAIT_TIMEOUT);
    CancelWaitableTimer(p);
    SHOW("cancelled timer does not fire", WaitForSingleObject(p, 50));
    SHOW("SetWaitableTimer on an event", SetWaitableTimer(CreateEventA(NULL, TRUE, FALSE, NULL), &due, 0, NULL, NULL, FALSE));
    SHOW("CancelWaitableTimer on a bad handle", CancelWaitableTimer((HANDLE)0x1234));
    SHOW("negative period", SetWaitableTimer(t, &due, -1, NULL, NULL, FALSE));
    CloseHandle(t);
    CloseHandle(p);
    /* Named timers. */
    HANDLE n1 = CreateWaitableTimerA(NULL, TRUE, "xp_timer");
    SHOW("the same name again", CreateWaitableTimerA(NULL, TRUE, "xp_timer") != NULL);
    HANDLE n2 = OpenWaitableTimerA(TIMER_ALL_ACCESS, FALSE, "xp_timer");
    due.QuadPart = -10000;
    SetWaitableTimer(n2, &due, 0, NULL, NULL, FALSE);
    printf("opened timer is the same object: %lu\n", WaitForSingleObject(n1, 100));
    SHOW("open a missing timer", OpenWaitableTimerA(TIMER_ALL_ACCESS, FALSE, "xp_nope"));

    InitializeCriticalSection(&cs);
    InitializeConditionVariable(&notFull);
    InitializeConditionVariable(&notEmpty);
    HANDLE th[3];
    th[0] = CreateThread(NULL, 0, producer, NULL, 0, NULL);
    th[1] = CreateThread(NULL, 0, consumer, NULL, 0, NULL);
    th[2] = CreateThread(NULL, 0, consumer, NULL, 0, NULL);
    WaitForMultipleObjects(3, th, TRUE, INFINITE);
    printf("consumed %d items, sum %d (want %d)\n", consumedCount, consumedSum, ITEMS * (ITEMS + 1) / 2);

    EnterCriticalSection(&cs);
    SHOW("timed condition wait nobody wakes", SleepConditionVariableCS(&notEmpty, &cs, 10));
    printf("critical section held again after the timeout: %d\n", TryEnterCriticalSection(&cs) && (LeaveCriticalSection(&cs), 1));
    LeaveCriticalSection(&cs);

    HANDLE f = CreateThread(NULL, 0, setFlag, NULL, 0, NULL);
    AcquireSRWLockShared(&srw);
    while (!flag) SleepConditionVariableSRW(&flagCV, &srw, INFINITE, CONDITION_VARIABLE_LOCKMODE_SHARED);
    ReleaseSRWLockShared(&srw);
    WaitForSingleObject(f, INFINITE);
    printf("flag seen under a shared SRW lock: %d\n", flag);

    HANDLE wt = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
    Sleep(5);
    WakeByAddressSingle((PVOID)&word); /* value unchanged: the waiter goes back to sleep */
    Sleep(5);
    InterlockedExchange(&word, 7);
    WakeByAddressAll((PVOID)&word);
    WaitForSingleObject(wt, INFINITE);
    DWORD code;
    GetExitCodeThread(wt, &code);
    printf("WaitOnAddress waiter exit %lu\n", code);
    LONG same = 7, other = 8;
    SHOW("WaitOnAddress on a value that differs", WaitOnAddress(&word, &other, sizeof word, INFINITE));
    SHOW("WaitOnAddress timeout", WaitOnAddress(&word, &same, sizeof word, 10));
    SHOW("WaitOnAddress bad size", WaitOnAddress(&word, &same, 3, 10));

    ping = CreateEventA(NULL, FALSE, FALSE, NULL);
    pong = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE pt = CreateThread(NULL, 0, ponger, NULL, 0, NULL);
    int rounds = 0;
    WaitForSingleObject(pong, INFINITE);
    for (int i = 0; i < 3; i++) rounds += SignalObjectAndWait(ping, pong, INFINITE, FALSE) == WAIT_OBJECT_0;
    WaitForSingleObject(pt, INFINITE);
    printf("SignalObjectAndWait ping-pong rounds: %d\n", rounds);
    HANDLE m = CreateMutexA(NULL, FALSE, NULL);
    SHOW("SignalObjectAndWait on a mutex not owned", SignalObjectAndWait(m, ping, 0, FALSE));
    SHOW("SignalObjectAndWait timeout", SignalObjectAndWait(ping, pong, 10, FALSE));
    SHOW("SignalObjectAndWait bad handle", SignalObjectAndWait((HANDLE)0x1234, pong, 0, FALSE));
    HANDLE s = CreateSemaphoreA(NULL, 1, 1, NULL);
    SHOW("SignalObjectAndWait on a full semaphore", SignalObjectAndWait(s, ping, 0, FALSE));
    return 0;
}
