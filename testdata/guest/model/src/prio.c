/* prio: thread priorities that affect scheduling, on one processor (SetProcessAffinityMask(1), so Windows'
 * order is as deterministic as peek32's). Expectations from Microsoft's "Scheduling Priorities", "Context
 * Switches", "Priority Boosts", SetThreadPriority, SwitchToThread and Sleep:
 *   - the default class is NORMAL_PRIORITY_CLASS (0x20), a thread's default relative priority 0; invalid values
 *     fail with ERROR_INVALID_PARAMETER (87); GetThreadPriority on a bad handle returns
 *     THREAD_PRIORITY_ERROR_RETURN (0x7FFFFFFF) with ERROR_INVALID_HANDLE (6);
 *   - the highest-priority ready thread runs: three workers made ready together run highest first;
 *   - making a higher-priority thread ready (ResumeThread) preempts the running thread at once;
 *   - SwitchToThread yields to a ready thread of any priority; Sleep(0) to one of equal priority, so two
 *     equal threads calling Sleep(0) alternate;
 *   - a ready low-priority thread starved by a spinning higher-priority one still runs, thanks to the
 *     balance-set manager's boost to priority 15 (about 4 s on Windows; peek32: Config.StarveAfter). */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static char order[64];
static volatile LONG pos;
static volatile LONG flag;

static void mark(char c) { order[InterlockedIncrement(&pos) - 1] = c; }

static DWORD WINAPI marker(LPVOID arg)
{
    mark((char)(INT_PTR)arg);
    return 0;
}

static DWORD WINAPI alternate(LPVOID arg)
{
    int i;
    for (i = 0; i < 3; i++) {
        mark((char)(INT_PTR)arg);
        Sleep(0);
    }
    return 0;
}

static DWORD WINAPI set_flag(LPVOID arg)
{
    (void)arg;
    flag = 1;
    return 0;
}

static DWORD WINAPI spin_until_flag(LPVOID arg)
{
    (void)arg;
    while (!flag)
        ;
    return 0;
}

static HANDLE start(LPTHREAD_START_ROUTINE fn, char tag, int prio)
{
    HANDLE h = CreateThread(NULL, 0, fn, (LPVOID)(INT_PTR)tag, CREATE_SUSPENDED, NULL);
    SetThreadPriority(h, prio);
    return h;
}

static void reset(void)
{
    pos = 0;
    flag = 0;
    memset(order, 0, sizeof order);
}

int main(void)
{
    HANDLE t[3];
    BOOL ok;
    int i, yielded = 0;

    SetProcessAffinityMask(GetCurrentProcess(), 1);
    printf("class 0x%lX, thread priority %d\n", GetPriorityClass(GetCurrentProcess()),
           GetThreadPriority(GetCurrentThread()));
    SetLastError(0);
    ok = SetThreadPriority(GetCurrentThread(), 5);
    printf("SetThreadPriority(5): %d, error %lu\n", ok, GetLastError());
    ok = SetPriorityClass(GetCurrentProcess(), 0x12345);
    printf("SetPriorityClass(0x12345): %d, error %lu\n", ok, GetLastError());
    SetLastError(0);
    i = GetThreadPriority((HANDLE)0x1234);
    printf("GetThreadPriority(bad handle): 0x%X, error %lu\n", i, GetLastError());
    SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_ABOVE_NORMAL);
    printf("after SetThreadPriority(ABOVE_NORMAL): %d\n", GetThreadPriority(GetCurrentThread()));
    SetPriorityClass(GetCurrentProcess(), BELOW_NORMAL_PRIORITY_CLASS);
    printf("after SetPriorityClass(BELOW_NORMAL): class 0x%lX\n", GetPriorityClass(GetCurrentProcess()));
    SetPriorityClass(GetCurrentProcess(), NORMAL_PRIORITY_CLASS);
    fflush(stdout);

    /* Three workers made ready while main runs at TIME_CRITICAL: they run by priority once main waits. */
    reset();
    SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_TIME_CRITICAL);
    t[0] = start(marker, 'L', THREAD_PRIORITY_LOWEST);
    t[1] = start(marker, 'N', THREAD_PRIORITY_NORMAL);
    t[2] = start(marker, 'H', THREAD_PRIORITY_HIGHEST);
    for (i = 0; i < 3; i++)
        ResumeThread(t[i]);
    mark('m');
    WaitForMultipleObjects(3, t, TRUE, INFINITE);
    for (i = 0; i < 3; i++)
        CloseHandle(t[i]);
    printf("ready together: %s\n", order);
    SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_NORMAL);

    /* Resuming a higher-priority thread preempts main at once. */
    reset();
    t[0] = start(marker, 'H', THREAD_PRIORITY_HIGHEST);
    mark('a');
    ResumeThread(t[0]);
    mark('b');
    WaitForSingleObject(t[0], INFINITE);
    CloseHandle(t[0]);
    printf("preemption: %s\n", order);

    /* SwitchToThread gives the processor to a lower-priority thread; Sleep(0) would not. */
    reset();
    t[0] = start(set_flag, 'l', THREAD_PRIORITY_LOWEST);
    ResumeThread(t[0]);
    while (!flag && yielded < 1000) {
        SwitchToThread();
        yielded++;
    }
    WaitForSingleObject(t[0], INFINITE);
    CloseHandle(t[0]);
    printf("SwitchToThread ran the lower-priority thread: %s\n", flag ? "yes" : "no");

    /* Two equal-priority threads alternate through Sleep(0). */
    reset();
    t[0] = start(alternate, 'A', THREAD_PRIORITY_NORMAL);
    t[1] = start(alternate, 'B', THREAD_PRIORITY_NORMAL);
    ResumeThread(t[0]);
    ResumeThread(t[1]);
    WaitForMultipleObjects(2, t, TRUE, INFINITE);
    CloseHandle(t[0]);
    CloseHandle(t[1]);
    printf("Sleep(0) between equals: %s\n", order);
    fflush(stdout);

    /* A spinning HIGHEST thread waits for a LOWEST one: only the anti-starvation boost lets it finish. */
    reset();
    t[0] = start(spin_until_flag, 'h', THREAD_PRIORITY_HIGHEST);
    t[1] = start(set_flag, 'l', THREAD_PRIORITY_LOWEST);
    ResumeThread(t[1]);
    ResumeThread(t[0]);
    WaitForMultipleObjects(2, t, TRUE, INFINITE);
    CloseHandle(t[0]);
    CloseHandle(t[1]);
    printf("starved low-priority thread ran: %s\n", flag ? "yes" : "no");
    return 0;
}
