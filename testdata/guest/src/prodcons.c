/* prodcons: two producers put 1..500 and 1001..1500 into an 8-slot ring buffer guarded by two semaphores and
 * a critical section; two consumers take 500 items each. The totals do not depend on the interleaving. */
#include <windows.h>
#include <stdio.h>

#define SLOTS 8
#define PER 500

static int ring[SLOTS], head, tail;
static HANDLE empty_slots, full_slots;
static CRITICAL_SECTION lock;
static long long consumed_sum[2];
static int consumed_count[2];

static DWORD WINAPI producer(LPVOID arg)
{
    int base = (int)(INT_PTR)arg, i;
    for (i = 1; i <= PER; i++) {
        WaitForSingleObject(empty_slots, INFINITE);
        EnterCriticalSection(&lock);
        ring[head] = base + i;
        head = (head + 1) % SLOTS;
        LeaveCriticalSection(&lock);
        ReleaseSemaphore(full_slots, 1, NULL);
    }
    return 0;
}

static DWORD WINAPI consumer(LPVOID arg)
{
    int me = (int)(INT_PTR)arg, i, v;
    for (i = 0; i < PER; i++) {
        WaitForSingleObject(full_slots, INFINITE);
        EnterCriticalSection(&lock);
        v = ring[tail];
        tail = (tail + 1) % SLOTS;
        LeaveCriticalSection(&lock);
        ReleaseSemaphore(empty_slots, 1, NULL);
        consumed_sum[me] += v;
        consumed_count[me]++;
    }
    return 0;
}

int main(void)
{
    HANDLE h[4];
    BOOL ok;
    InitializeCriticalSection(&lock);
    empty_slots = CreateSemaphoreA(NULL, SLOTS, SLOTS, NULL);
    full_slots = CreateSemaphoreA(NULL, 0, SLOTS, NULL);
    h[0] = CreateThread(NULL, 0, producer, (LPVOID)0, 0, NULL);
    h[1] = CreateThread(NULL, 0, producer, (LPVOID)1000, 0, NULL);
    h[2] = CreateThread(NULL, 0, consumer, (LPVOID)0, 0, NULL);
    h[3] = CreateThread(NULL, 0, consumer, (LPVOID)1, 0, NULL);
    WaitForMultipleObjects(4, h, TRUE, INFINITE);
    printf("consumed %d items, sum %lld (expected %d)\n", consumed_count[0] + consumed_count[1],
           consumed_sum[0] + consumed_sum[1], PER * (PER + 1) + PER * 1000);
    ok = ReleaseSemaphore(empty_slots, 1, NULL);
    printf("release past the maximum: %d, error %lu (ERROR_TOO_MANY_POSTS)\n", ok, GetLastError());
    return 0;
}
