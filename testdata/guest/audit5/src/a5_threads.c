/* a5_threads: the per-thread parts of issue 5 that the other guest programs do not check, with a DLL of our
 * own (a5dll.dll, whose DllMain counts its notifications). Expectations come from Microsoft's documentation:
 * - DllMain: DLL_THREAD_ATTACH in a new thread before its start routine, DLL_THREAD_DETACH in a thread that
 *   ends by returning or ExitThread, nothing for a thread ended by TerminateThread ("DllMain entry point",
 *   "TerminateThread": "DLLs attached to the thread are not notified that the thread is terminating").
 * - FlsAlloc: the callback runs "on fiber deletion, thread exit, and when an FLS index is freed", with the
 *   slot's value, for non-NULL values only (FlsCallback, FlsFree).
 * - Thread stacks ("Thread Stack Size"): dwStackSize is the commit unless STACK_SIZE_PARAM_IS_A_RESERVATION;
 *   a commit at least the default reservation rounds the reservation up to a multiple of 1 MB; the main
 *   thread's reservation is the PE header's (MinGW: 2 MB); the guard page grows the stack (NT_TIB.StackLimit).
 * - A thread created suspended has EAX = its start routine and EBX = its parameter in its context (the x86
 *   initial context, RtlUserThreadStart's arguments); SetThreadContext changing EAX changes where it starts.
 *   SuspendThread + GetThreadContext on a spinning thread shows its EIP; SetThreadContext moves it.
 * - Toolhelp: THREADENTRY32.tpBasePri is the thread's base priority (0-31: class base + relative priority,
 *   1 for IDLE and 15 for TIME_CRITICAL outside the realtime class), PROCESSENTRY32.pcPriClassBase the class's
 *   base priority (NORMAL 8, HIGH 13).
 * - SignalObjectAndWait returns WAIT_ABANDONED for an abandoned mutex (also when it was waiting for it) and
 *   a waiting thread is released by PulseEvent.
 * - Sleep(3000) lets at least 3000 ms pass on GetTickCount. */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>

__declspec(dllimport) void a5_counts(LONG *out, DWORD *attach_tid, DWORD *detach_tid);

static void dll_line(const char *when)
{
    LONG n[4];
    DWORD at, dt;
    a5_counts(n, &at, &dt);
    printf("%s: process-attach %ld thread-attach %ld thread-detach %ld process-detach %ld\n", when, n[1], n[2], n[3],
           n[0]);
}

static volatile DWORD worker_tid;
static DWORD WINAPI worker(LPVOID p)
{
    worker_tid = GetCurrentThreadId();
    return (DWORD)(UINT_PTR)p;
}

static HANDLE block_ev;
static DWORD WINAPI blocker(LPVOID p)
{
    (void)p;
    WaitForSingleObject(block_ev, INFINITE);
    return 0;
}

/* ---- FLS ---- */
static DWORD fls_idx;
static int fls_calls;
static DWORD fls_sum, fls_tid[4];
static LONG fls_detach_seen;
static void WINAPI fls_cb(PVOID v)
{
    LONG n[4];
    DWORD at, dt;
    a5_counts(n, &at, &dt);
    if (fls_calls < 4)
        fls_tid[fls_calls] = GetCurrentThreadId();
    fls_calls++;
    fls_sum += (DWORD)(UINT_PTR)v;
    fls_detach_seen = n[3];
}

static DWORD WINAPI fls_thread(LPVOID p)
{
    worker_tid = GetCurrentThreadId();
    FlsSetValue(fls_idx, p);
    if (p == (LPVOID)0x33)
        WaitForSingleObject(block_ev, INFINITE);
    return 0;
}

static DWORD WINAPI fls_peek(LPVOID p)
{
    (void)p;
    return (DWORD)(UINT_PTR)FlsGetValue(fls_idx);
}

/* ---- stacks ---- */
static DWORD stack_reserve(void)
{
    return __readfsdword(4) - __readfsdword(0xE0C); /* NT_TIB.StackBase - TEB.DeallocationStack */
}

static DWORD stack_committed(void)
{
    MEMORY_BASIC_INFORMATION mbi;
    DWORD a = __readfsdword(0xE0C), top = __readfsdword(4), n = 0;
    while (a < top && VirtualQuery((LPCVOID)a, &mbi, sizeof mbi) && mbi.RegionSize) {
        if (mbi.State == MEM_COMMIT && !(mbi.Protect & PAGE_GUARD))
            n += mbi.RegionSize;
        a = (DWORD)mbi.BaseAddress + mbi.RegionSize;
    }
    return n;
}

static DWORD r_reserve, r_commit, r_limit_before, r_limit_after;
static __attribute__((noinline)) void deep(void)
{
    volatile char big[160 * 1024];
    big[0] = 1; /* MinGW's ___chkstk_ms has touched every page on the way down */
    big[1] = big[0];
    r_limit_after = __readfsdword(4) - __readfsdword(8);
}

static DWORD WINAPI stack_probe(LPVOID p)
{
    r_reserve = stack_reserve();
    r_commit = stack_committed();
    r_limit_before = __readfsdword(4) - __readfsdword(8); /* NT_TIB.StackBase - NT_TIB.StackLimit */
    if (p)
        deep();
    return 0;
}

/* ---- start context ---- */
static DWORD WINAPI target_a(LPVOID p)
{
    printf("target_a ran with %d\n", (int)(UINT_PTR)p);
    return 1;
}
static DWORD WINAPI target_b(LPVOID p)
{
    printf("target_b ran with %d\n", (int)(UINT_PTR)p);
    return 2;
}

static volatile LONG spin_count;
static __attribute__((noinline)) DWORD WINAPI spinner(LPVOID p)
{
    (void)p;
    for (;;)
        InterlockedIncrement(&spin_count);
    return 0;
}
static void escape(void)
{
    ExitThread(99);
}

/* ---- per-thread FPU/SSE state and TEB ---- */
static unsigned short get_cw(void)
{
    unsigned short cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    return cw;
}
static void set_cw(unsigned short cw)
{
    __asm__ volatile("fldcw %0" : : "m"(cw));
}
static unsigned get_mxcsr(void)
{
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}
static void set_mxcsr(unsigned m)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}
static volatile DWORD other_teb;
static DWORD WINAPI fpu_thread(LPVOID p)
{
    int i, ok = 1;
    (void)p;
    other_teb = __readfsdword(0x18);
    set_cw(0x0C7F);      /* round toward zero */
    set_mxcsr(0x7F80);   /* round toward zero, all masked */
    for (i = 0; i < 5; i++) {
        Sleep(2);        /* main runs meanwhile with other settings */
        ok &= get_cw() == 0x0C7F && get_mxcsr() == 0x7F80;
    }
    return ok && __readfsdword(0x24) == GetCurrentThreadId(); /* TEB ClientId.UniqueThread */
}

static unsigned init_cw, init_mx;
static DWORD WINAPI fpu_initial(LPVOID p)
{
    (void)p;
    init_cw = get_cw();
    init_mx = get_mxcsr();
    return 0;
}

/* ---- toolhelp ---- */
static void prio_line(const char *when, DWORD tid)
{
    HANDLE s = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD, 0);
    PROCESSENTRY32 pe = {sizeof pe};
    THREADENTRY32 te = {sizeof te};
    long cls = -1, mainp = -1, other = -1, delta = -1;
    if (Process32First(s, &pe))
        do
            if (pe.th32ProcessID == GetCurrentProcessId())
                cls = pe.pcPriClassBase;
        while (Process32Next(s, &pe));
    if (Thread32First(s, &te))
        do {
            if (te.th32ThreadID == GetCurrentThreadId())
                mainp = te.tpBasePri;
            if (te.th32ThreadID == tid) {
                other = te.tpBasePri;
                delta = te.tpDeltaPri;
            }
        } while (Thread32Next(s, &te));
    CloseHandle(s);
    printf("%s: class base %ld, main thread %ld, other thread %ld (delta %ld)\n", when, cls, mainp, other, delta);
}

/* ---- SignalObjectAndWait ---- */
static HANDLE m1, m2, e2, ready, pulse;
static DWORD WINAPI take_m1(LPVOID p)
{
    (void)p;
    WaitForSingleObject(m1, INFINITE);
    return 0; /* ends owning m1: abandoned */
}
static DWORD WINAPI hold_m2(LPVOID p)
{
    (void)p;
    WaitForSingleObject(m2, INFINITE);
    SetEvent(ready);
    WaitForSingleObject(e2, INFINITE);
    return 0; /* ends owning m2 while main waits for it in SignalObjectAndWait */
}
static DWORD WINAPI pulse_waiter(LPVOID p)
{
    (void)p;
    return SignalObjectAndWait(ready, pulse, 5000, FALSE);
}

static DWORD join(HANDLE h)
{
    DWORD code = 0xDEAD;
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    CloseHandle(h);
    return code;
}

int main(void)
{
    HANDLE h;
    DWORD tid, code, r;
    LONG n[4];
    DWORD at, dt;
    CONTEXT ctx;

    dll_line("start");
    h = CreateThread(NULL, 0, worker, (LPVOID)5, 0, &tid);
    code = join(h);
    a5_counts(n, &at, &dt);
    dll_line("after a thread returned");
    printf("thread exit code %lu, attach in the new thread: %s, detach in the ending thread: %s\n", code,
           at == worker_tid ? "yes" : "no", dt == worker_tid ? "yes" : "no");
    block_ev = CreateEvent(NULL, TRUE, FALSE, NULL);
    h = CreateThread(NULL, 0, blocker, NULL, 0, &tid);
    Sleep(10);
    TerminateThread(h, 7);
    code = join(h);
    dll_line("after TerminateThread");
    h = CreateThread(NULL, 0, worker, NULL, CREATE_SUSPENDED, &tid);
    dll_line("a suspended thread not started yet");
    ResumeThread(h);
    join(h);
    dll_line("after it ran");
    fflush(stdout);

    /* FLS */
    fls_idx = FlsAlloc(fls_cb);
    a5_counts(n, &at, &dt);
    h = CreateThread(NULL, 0, fls_thread, (LPVOID)0x11, 0, &tid);
    join(h);
    printf("fls at thread exit: %d call(s), value 0x%lX, in the ending thread: %s, before its DLL_THREAD_DETACH: %s\n",
           fls_calls, fls_sum, fls_tid[0] == worker_tid ? "yes" : "no", fls_detach_seen == n[3] ? "yes" : "no");
    h = CreateThread(NULL, 0, fls_thread, NULL, 0, &tid);
    join(h);
    printf("fls NULL value: %d call(s) in all\n", fls_calls);
    fls_calls = 0;
    fls_sum = 0;
    ResetEvent(block_ev);
    h = CreateThread(NULL, 0, fls_thread, (LPVOID)0x33, 0, &tid);
    Sleep(10);
    FlsSetValue(fls_idx, (PVOID)0x22);
    r = FlsFree(fls_idx);
    printf("FlsFree %lu: %d call(s), values 0x%lX, in the freeing thread: %s\n", r, fls_calls, fls_sum,
           fls_calls == 2 && fls_tid[0] == GetCurrentThreadId() && fls_tid[1] == GetCurrentThreadId() ? "yes" : "no");
    SetEvent(block_ev);
    join(h);
    {
        void *v;
        SetLastError(0xDEAD);
        v = FlsGetValue(fls_idx);
        r = GetLastError();
        printf("after the freed index's thread ended: %d call(s); FlsGetValue(freed) %p\n", fls_calls, v);
    }
    fflush(stdout);

    /* a thread ended by TerminateThread runs no FLS callback; threads created after it (on peek32, with its
     * thread ID, reused once the object is gone) start with NULL values */
    {
        DWORD idx2 = FlsAlloc(fls_cb);
        int i, nonnull = 0;
        fls_calls = 0;
        fls_idx = idx2;
        ResetEvent(block_ev);
        h = CreateThread(NULL, 0, fls_thread, (LPVOID)0x33, 0, &tid);
        Sleep(10);
        TerminateThread(h, 9);
        join(h);
        for (i = 0; i < 3; i++) {
            h = CreateThread(NULL, 0, fls_peek, NULL, 0, &tid);
            nonnull += join(h) != 0;
        }
        printf("TerminateThread: %d FLS call(s); later threads with a non-NULL value: %d\n", fls_calls, nonnull);
        FlsFree(idx2);
        fls_calls = 0;
    }
    fflush(stdout);

    /* stacks */
    printf("main thread: reserve %lu KiB\n", stack_reserve() / 1024);
    h = CreateThread(NULL, 0, stack_probe, NULL, 0, &tid);
    join(h);
    printf("default thread: reserve %lu KiB, committed >= 4 KiB: %s\n", r_reserve / 1024, r_commit >= 4096 ? "yes" : "no");
    h = CreateThread(NULL, 256 * 1024, stack_probe, (LPVOID)1, STACK_SIZE_PARAM_IS_A_RESERVATION, &tid);
    join(h);
    printf("reservation 256 KiB: reserve %lu KiB, committed at the start < 160 KiB: %s, grown by the guard page to "
           "more than 160 KiB: %s\n",
           r_reserve / 1024, r_commit < 160 * 1024 && r_limit_before < 160 * 1024 ? "yes" : "no",
           r_limit_after > 160 * 1024 ? "yes" : "no");
    h = CreateThread(NULL, 0x180000, stack_probe, NULL, 0, &tid);
    join(h);
    printf("commit 1.5 MiB: reserve %lu KiB, committed >= 1536 KiB: %s\n", r_reserve / 1024,
           r_commit >= 0x180000 ? "yes" : "no");
    h = CreateThread(NULL, 0x2F0000, stack_probe, NULL, 0, &tid);
    join(h);
    printf("commit 2.94 MiB: reserve %lu KiB\n", r_reserve / 1024);
    fflush(stdout);

    /* start context */
    h = CreateThread(NULL, 0, target_a, (LPVOID)7, CREATE_SUSPENDED, &tid);
    ctx.ContextFlags = CONTEXT_FULL;
    GetThreadContext(h, &ctx);
    {
        DWORD nt = (DWORD)(UINT_PTR)GetModuleHandleA("ntdll.dll");
        IMAGE_NT_HEADERS *nh = (IMAGE_NT_HEADERS *)(nt + ((IMAGE_DOS_HEADER *)nt)->e_lfanew);
        printf("suspended thread: eax = start routine: %s, ebx = parameter: %s, eip in ntdll: %s\n",
               ctx.Eax == (DWORD)(UINT_PTR)target_a ? "yes" : "no", ctx.Ebx == 7 ? "yes" : "no",
               ctx.Eip >= nt && ctx.Eip < nt + nh->OptionalHeader.SizeOfImage ? "yes" : "no");
    }
    fflush(stdout);
    ctx.Eax = (DWORD)(UINT_PTR)target_b;
    SetThreadContext(h, &ctx);
    ResumeThread(h);
    code = join(h);
    printf("after SetThreadContext(eax = target_b): exit code %lu\n", code);
    h = CreateThread(NULL, 0, spinner, NULL, 0, &tid);
    while (spin_count < 1000)
        Sleep(1);
    SuspendThread(h);
    ctx.ContextFlags = CONTEXT_FULL;
    GetThreadContext(h, &ctx);
    printf("running thread suspended: eip in spinner: %s\n",
           ctx.Eip >= (DWORD)(UINT_PTR)spinner && ctx.Eip < (DWORD)(UINT_PTR)spinner + 64 ? "yes" : "no");
    ctx.Eip = (DWORD)(UINT_PTR)escape;
    SetThreadContext(h, &ctx);
    ResumeThread(h);
    printf("after SetThreadContext(eip = escape): exit code %lu\n", join(h));
    fflush(stdout);

    /* per-thread state */
    {
        unsigned short cw0 = get_cw();
        unsigned mx0 = get_mxcsr();
        int i, ok = 1;
        set_cw(0x067F);    /* round down */
        set_mxcsr(0x3F80); /* round down, all masked */
        h = CreateThread(NULL, 0, fpu_thread, NULL, 0, &tid);
        for (i = 0; i < 5; i++) {
            Sleep(2);
            ok &= get_cw() == 0x067F && get_mxcsr() == 0x3F80;
        }
        code = join(h);
        printf("x87 control word and MXCSR kept per thread: main %s, other thread %s; TEBs differ: %s\n",
               ok ? "yes" : "no", code ? "yes" : "no", other_teb != __readfsdword(0x18) ? "yes" : "no");
        join(CreateThread(NULL, 0, fpu_initial, NULL, 0, &tid));
        printf("a thread created by a thread with other settings starts with x87 control word 0x%X, MXCSR 0x%X\n",
               init_cw, init_mx);
        set_cw(cw0);
        set_mxcsr(mx0);
    }
    fflush(stdout);

    /* toolhelp priorities */
    h = CreateThread(NULL, 0, worker, NULL, CREATE_SUSPENDED, &tid);
    prio_line("normal", tid);
    SetThreadPriority(h, THREAD_PRIORITY_HIGHEST);
    prio_line("highest", tid);
    SetThreadPriority(h, THREAD_PRIORITY_IDLE);
    prio_line("idle", tid);
    SetPriorityClass(GetCurrentProcess(), HIGH_PRIORITY_CLASS);
    SetThreadPriority(h, THREAD_PRIORITY_BELOW_NORMAL);
    prio_line("high class, below normal", tid);
    SetThreadPriority(h, THREAD_PRIORITY_TIME_CRITICAL);
    prio_line("high class, time critical", tid);
    SetPriorityClass(GetCurrentProcess(), NORMAL_PRIORITY_CLASS);
    TerminateThread(h, 0);
    join(h);

    /* SignalObjectAndWait */
    m1 = CreateMutex(NULL, FALSE, NULL);
    join(CreateThread(NULL, 0, take_m1, NULL, 0, &tid));
    r = SignalObjectAndWait(block_ev, m1, 1000, FALSE);
    printf("SignalObjectAndWait on a mutex abandoned before: 0x%lX\n", r);
    ReleaseMutex(m1);
    m2 = CreateMutex(NULL, FALSE, NULL);
    e2 = CreateEvent(NULL, FALSE, FALSE, NULL);
    ready = CreateEvent(NULL, FALSE, FALSE, NULL);
    h = CreateThread(NULL, 0, hold_m2, NULL, 0, &tid);
    WaitForSingleObject(ready, INFINITE);
    r = SignalObjectAndWait(e2, m2, 5000, FALSE);
    printf("SignalObjectAndWait on a mutex abandoned while waiting: 0x%lX, owner now: %s\n", r,
           ReleaseMutex(m2) ? "main" : "not main");
    join(h);
    pulse = CreateEvent(NULL, TRUE, FALSE, NULL);
    h = CreateThread(NULL, 0, pulse_waiter, NULL, 0, &tid);
    WaitForSingleObject(ready, INFINITE);
    PulseEvent(pulse);
    printf("SignalObjectAndWait released by PulseEvent: %lu\n", join(h));
    h = CreateThread(NULL, 0, pulse_waiter, NULL, 0, &tid);
    WaitForSingleObject(ready, INFINITE);
    r = SignalObjectAndWait(pulse, ready, 0, FALSE);
    printf("SignalObjectAndWait(manual event) releases the waiter: %lu, then WAIT_TIMEOUT on an unsignaled "
           "event: %lu\n", join(h), r);
    ResetEvent(pulse);

    /* Sleep */
    {
        DWORD t0 = GetTickCount(), t1;
        Sleep(3000);
        t1 = GetTickCount();
        /* GetTickCount counts in timer ticks (about 16 ms on Windows): allow one tick less */
        printf("Sleep(3000): at least 2980 ms passed on GetTickCount: %s\n", t1 - t0 >= 2980 ? "yes" : "no");
    }
    fflush(stdout);
    return 0;
}
