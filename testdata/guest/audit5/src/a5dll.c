/* a5dll: a DLL whose DllMain counts the notifications it gets, by reason (DLL_PROCESS_DETACH 0,
 * DLL_PROCESS_ATTACH 1, DLL_THREAD_ATTACH 2, DLL_THREAD_DETACH 3), and remembers the thread ID of the last
 * DLL_THREAD_ATTACH and DLL_THREAD_DETACH (Windows calls them in the thread that starts or ends). */
#include <windows.h>

static LONG counts[4];
static DWORD last_attach_tid, last_detach_tid;

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst;
    (void)reserved;
    if (reason < 4)
        InterlockedIncrement(&counts[reason]);
    if (reason == DLL_THREAD_ATTACH)
        last_attach_tid = GetCurrentThreadId();
    if (reason == DLL_THREAD_DETACH)
        last_detach_tid = GetCurrentThreadId();
    return TRUE;
}

__declspec(dllexport) void a5_counts(LONG *out, DWORD *attach_tid, DWORD *detach_tid)
{
    int i;
    for (i = 0; i < 4; i++)
        out[i] = counts[i];
    *attach_tid = last_attach_tid;
    *detach_tid = last_detach_tid;
}
