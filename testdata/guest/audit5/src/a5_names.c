/* a5_names: one namespace of named kernel objects for sections (file mappings) and events, mutexes,
 * semaphores and waitable timers; named pipes in their own (the named-pipe file system, \\.\pipe\).
 * Expectations: CreateFileMapping documentation ("If lpName matches the name of an existing event, semaphore,
 * mutex, waitable timer, or job object, the function fails, and the GetLastError function returns
 * ERROR_INVALID_HANDLE"; an existing mapping: its handle with ERROR_ALREADY_EXISTS), CreateEvent/CreateMutex/
 * CreateSemaphore/CreateWaitableTimer (the same sentence for their types), "Kernel object namespaces" (Local\ is
 * the session namespace, Global\ another one), a name freed with its object's last handle. Each line prints the
 * result (0 for NULL, "h" for a handle) and the last error (57005 = 0xDEAD: untouched). */
#include <windows.h>
#include <stdio.h>

static void show(const char *what, HANDLE h)
{
    DWORD e = GetLastError();
    printf("%-44s %s error %lu\n", what, h ? "h" : "0", e);
    SetLastError(0xDEAD);
}

#define SEC(name) CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name)

int main(void)
{
    HANDLE sec, ev, h, pipe, sec2;
    SetLastError(0xDEAD);
    sec = SEC("a5name");
    show("CreateFileMapping a5name", sec);
    show("CreateEvent a5name (a section)", CreateEventA(NULL, FALSE, FALSE, "a5name"));
    show("CreateMutex a5name", CreateMutexA(NULL, FALSE, "a5name"));
    show("CreateSemaphore a5name", CreateSemaphoreA(NULL, 0, 1, "a5name"));
    show("CreateWaitableTimer a5name", CreateWaitableTimerA(NULL, FALSE, "a5name"));
    show("OpenEvent a5name", OpenEventA(EVENT_ALL_ACCESS, FALSE, "a5name"));
    show("OpenMutex Local\\a5name", OpenMutexA(SYNCHRONIZE, FALSE, "Local\\a5name"));
    h = SEC("Local\\a5name");
    show("CreateFileMapping Local\\a5name (exists)", h);
    CloseHandle(h);
    sec2 = SEC("Global\\a5name");
    show("CreateFileMapping Global\\a5name (another)", sec2);
    ev = CreateEventA(NULL, TRUE, FALSE, "a5event");
    show("CreateEvent a5event", ev);
    show("CreateFileMapping a5event (an event)", SEC("a5event"));
    show("OpenFileMapping a5event", OpenFileMappingA(FILE_MAP_READ, FALSE, "a5event"));
    h = CreateWaitableTimerA(NULL, TRUE, "a5timer");
    show("CreateWaitableTimer a5timer", h);
    show("CreateFileMapping a5timer (a timer)", SEC("a5timer"));
    show("OpenFileMapping a5timer", OpenFileMappingA(FILE_MAP_READ, FALSE, "a5timer"));
    CloseHandle(h);
    SetLastError(0);
    pipe = CreateNamedPipeA("\\\\.\\pipe\\a5name", PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 512, 512, 0, NULL);
    show("CreateNamedPipe \\\\.\\pipe\\a5name", pipe == INVALID_HANDLE_VALUE ? NULL : pipe);
    show("CreateEvent a5name (still the section)", CreateEventA(NULL, FALSE, FALSE, "a5name"));
    CloseHandle(pipe);
    CloseHandle(sec);
    h = CreateEventA(NULL, FALSE, FALSE, "a5name");
    show("CreateEvent a5name after the section closed", h);
    CloseHandle(h);
    show("OpenFileMapping Global\\a5name", h = OpenFileMappingA(FILE_MAP_READ, FALSE, "Global\\a5name"));
    CloseHandle(h);
    CloseHandle(sec2);
    show("OpenFileMapping a5timer after its close", OpenFileMappingA(FILE_MAP_READ, FALSE, "a5timer"));
    CloseHandle(ev);
    fflush(stdout);
    return 0;
}
