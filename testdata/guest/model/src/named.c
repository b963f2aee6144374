/* named: named events, mutexes and semaphores shared by two processes (the child is this program started with
 * the argument "child"). Expectations from Microsoft's documentation of CreateEvent, CreateMutex,
 * CreateSemaphore, OpenEvent, OpenMutex, OpenSemaphore and "Kernel object namespaces":
 *   - creating an object under a name that exists opens it and sets ERROR_ALREADY_EXISTS (183); a fresh
 *     creation sets the last error to 0;
 *   - a name that exists for an object of another type fails with ERROR_INVALID_HANDLE (6);
 *   - opening a name that does not exist fails with ERROR_FILE_NOT_FOUND (2); names are case-sensitive;
 *   - a backslash in the name (past Local\ or Global\) names a directory that does not exist:
 *     ERROR_PATH_NOT_FOUND (3);
 *   - "Local\" names the session's directory, where unprefixed names go; "Global\" the global one, a
 *     different object (an interactive session, Vista and later; Wine agrees);
 *   - an object is destroyed, and its name freed, when its last handle is closed.
 * Both processes flush after every line; each blocks while the other prints, so the order is fixed. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

static const char *got(HANDLE h) { return h ? "handle" : "NULL"; }

static int child(void)
{
    HANDLE ev = OpenEventA(EVENT_MODIFY_STATE | SYNCHRONIZE, FALSE, "peek32.model.ready");
    HANDLE mx = OpenMutexA(SYNCHRONIZE | MUTEX_MODIFY_STATE, FALSE, "Local\\peek32.model.mutex");
    HANDLE sem = OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, "Global\\peek32.model.sem");
    HANDLE ev2;
    LONG prev = -1;
    DWORD r;

    say("child: OpenSemaphore (Global\\): %s, error %lu\n", got(sem), GetLastError());
    sem = OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, "peek32.model.sem");
    say("child: OpenEvent %s, OpenMutex (Local\\) %s, OpenSemaphore %s\n", got(ev), got(mx), got(sem));
    SetLastError(1234);
    ev2 = CreateEventA(NULL, TRUE, TRUE, "peek32.model.ready");
    say("child: CreateEvent on the parent's name: %s, error %lu, signaled %s\n", got(ev2), GetLastError(),
        WaitForSingleObject(ev2, 0) == WAIT_OBJECT_0 ? "yes" : "no");
    say("child: the parent owns the mutex: wait(0) = %lu\n", WaitForSingleObject(mx, 0));
    ReleaseSemaphore(sem, 2, &prev);
    say("child: released the semaphore by 2 (previous count %ld); setting the event\n", prev);
    SetEvent(ev2);
    r = WaitForSingleObject(mx, INFINITE);
    say("child: got the mutex (wait %lu)\n", r);
    ReleaseMutex(mx);
    return 3;
}

int main(int argc, char **argv)
{
    HANDLE mx, ev, sem, h, out;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char path[MAX_PATH], cmd[MAX_PATH + 16];
    DWORD code = 0, a, b, c;

    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child();

    SetLastError(1234);
    mx = CreateMutexA(NULL, TRUE, "peek32.model.mutex");
    say("parent: CreateMutex (owned) %s, error %lu\n", got(mx), GetLastError());
    ev = CreateEventA(NULL, FALSE, FALSE, "peek32.model.ready");
    sem = CreateSemaphoreA(NULL, 0, 10, "peek32.model.sem");
    say("parent: CreateEvent %s, CreateSemaphore %s\n", got(ev), got(sem));

    SetLastError(1234);
    h = CreateMutexA(NULL, FALSE, "peek32.model.mutex");
    say("parent: CreateMutex again: %s, error %lu, a new handle %s\n", got(h), GetLastError(), h != mx ? "yes" : "no");
    CloseHandle(h);
    h = CreateEventA(NULL, FALSE, FALSE, "peek32.model.mutex");
    say("parent: CreateEvent on the mutex's name: %s, error %lu\n", got(h), GetLastError());
    h = OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, "peek32.model.ready");
    say("parent: OpenSemaphore on the event's name: %s, error %lu\n", got(h), GetLastError());
    h = OpenEventA(EVENT_ALL_ACCESS, FALSE, "peek32.model.absent");
    say("parent: OpenEvent of a missing name: %s, error %lu\n", got(h), GetLastError());
    h = OpenEventA(EVENT_ALL_ACCESS, FALSE, "PEEK32.MODEL.READY");
    say("parent: OpenEvent in other case: %s, error %lu\n", got(h), GetLastError());
    h = OpenMutexW(SYNCHRONIZE, FALSE, L"peek32.model.mutex");
    say("parent: OpenMutexW: %s\n", got(h));
    CloseHandle(h);
    h = CreateEventA(NULL, FALSE, FALSE, "peek32\\sub");
    say("parent: CreateEvent in a missing directory: %s, error %lu\n", got(h), GetLastError());

    DuplicateHandle(GetCurrentProcess(), GetStdHandle(STD_OUTPUT_HANDLE), GetCurrentProcess(), &out, 0, TRUE,
                    DUPLICATE_SAME_ACCESS);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = out;
    si.hStdError = out;
    GetModuleFileNameA(NULL, path, MAX_PATH);
    sprintf(cmd, "\"%s\" child", path);
    if (!CreateProcessA(path, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        say("CreateProcess failed: %lu\n", GetLastError());
        return 1;
    }
    a = WaitForSingleObject(ev, INFINITE);
    say("parent: the child set the event (wait %lu)\n", a);
    a = WaitForSingleObject(sem, 0);
    b = WaitForSingleObject(sem, 0);
    c = WaitForSingleObject(sem, 0);
    say("parent: semaphore waits %lu %lu %lu; releasing the mutex\n", a, b, c);
    ReleaseMutex(mx);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    say("parent: child exited with %lu\n", code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(out);

    h = OpenEventA(SYNCHRONIZE, FALSE, "peek32.model.ready");
    say("parent: OpenEvent while the parent's handle is open: %s\n", got(h));
    CloseHandle(h);
    CloseHandle(ev);
    CloseHandle(mx);
    CloseHandle(sem);
    h = OpenEventA(SYNCHRONIZE, FALSE, "peek32.model.ready");
    say("parent: OpenEvent after the last handle closed: %s, error %lu\n", got(h), GetLastError());
    SetLastError(1234);
    h = CreateSemaphoreA(NULL, 1, 1, "peek32.model.mutex");
    say("parent: CreateSemaphore on the freed mutex name: %s, error %lu\n", got(h), GetLastError());
    return 0;
}
