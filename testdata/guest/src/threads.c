/* threads: four threads increment two shared counters 10000 times each, one with InterlockedIncrement and
 * one under a critical section; both must end at 40000 whatever the interleaving. Each thread returns its
 * index times 10 as exit code (GetExitCodeThread), and thread IDs are distinct multiples of 4. */
#include <windows.h>
#include <stdio.h>

#define THREADS 4
#define ITER 10000

static volatile LONG atomic_count;
static long locked_count;
static CRITICAL_SECTION lock;

static DWORD WINAPI worker(LPVOID arg)
{
    int i, id = (int)(INT_PTR)arg;
    for (i = 0; i < ITER; i++) {
        InterlockedIncrement(&atomic_count);
        EnterCriticalSection(&lock);
        locked_count++;
        LeaveCriticalSection(&lock);
    }
    return (DWORD)id * 10;
}

int main(void)
{
    HANDLE h[THREADS];
    DWORD ids[THREADS], code;
    int i, j, distinct = 1, aligned = 1;

    InitializeCriticalSection(&lock);
    for (i = 0; i < THREADS; i++)
        h[i] = CreateThread(NULL, 0, worker, (LPVOID)(INT_PTR)i, 0, &ids[i]);
    printf("wait all: %lu\n", WaitForMultipleObjects(THREADS, h, TRUE, INFINITE));
    for (i = 0; i < THREADS; i++) {
        GetExitCodeThread(h[i], &code);
        printf("thread %d exit code %lu\n", i, code);
        if (ids[i] % 4 != 0)
            aligned = 0;
        for (j = 0; j < i; j++)
            if (ids[j] == ids[i])
                distinct = 0;
        CloseHandle(h[i]);
    }
    printf("interlocked %ld, critical section %ld\n", atomic_count, locked_count);
    printf("thread ids distinct: %s, multiples of 4: %s\n", distinct ? "yes" : "no", aligned ? "yes" : "no");
    DeleteCriticalSection(&lock);
    return 0;
}
