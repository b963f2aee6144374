/* tls: the PE TLS directory. A TLS callback (in .CRT$XLB, before MinGW's own) reports each call with its reason,
 * and a variable placed in the image's .tls template is read through FS:[0x2C][_tls_index], as compiler-
 * generated code for __declspec(thread) does (MinGW's __thread is emulated with TlsAlloc, so it is not used).
 * Expectations (Microsoft PE format documentation, "The .tls section" / "TLS Callback Functions"): the
 * callbacks run with DLL_PROCESS_ATTACH (1) before the entry point, DLL_THREAD_ATTACH (2) in a new thread
 * before its start routine, DLL_THREAD_DETACH (3) when it ends, and DLL_PROCESS_DETACH (0) at process exit;
 * each thread gets a fresh copy of the template. The callbacks write with WriteFile (not stdio) so that
 * their lines are not held in a stdio buffer; main flushes stdout before each event. */
#include <windows.h>
#include <stdio.h>

extern ULONG _tls_index;
extern char _tls_start;
__attribute__((section(".tls$AAB"))) int tls_value = 1234;

static int *tls_ptr(void)
{
    char **slots = (char **)__readfsdword(0x2C);
    return (int *)(slots[_tls_index] + ((char *)&tls_value - &_tls_start));
}

static void out(const char *s)
{
    DWORD n;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, (DWORD)lstrlenA(s), &n, NULL);
}

/* Decimal text of a non-negative number, without the C runtime (the callback may run before it is ready). */
static void out_num(unsigned v)
{
    char buf[12], *p = buf + sizeof buf - 1;
    *p = 0;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    out(p);
}

static void NTAPI callback(PVOID module, DWORD reason, PVOID reserved)
{
    (void)module;
    (void)reserved;
    out("tls callback: reason ");
    out_num(reason);
    out(", value ");
    out_num((unsigned)*tls_ptr());
    out("\r\n");
}

__attribute__((section(".CRT$XLB"), used)) PIMAGE_TLS_CALLBACK tls_callback_entry = callback;

static DWORD WINAPI thread(LPVOID arg)
{
    (void)arg;
    printf("thread: value %d, set to 42\n", *tls_ptr());
    fflush(stdout);
    *tls_ptr() = 42;
    return 0;
}

int main(void)
{
    HANDLE h;
    printf("main: value %d, set to 5678\n", *tls_ptr());
    fflush(stdout);
    *tls_ptr() = 5678;
    h = CreateThread(NULL, 0, thread, NULL, 0, NULL);
    WaitForSingleObject(h, INFINITE);
    CloseHandle(h);
    printf("main: after the thread, value %d\n", *tls_ptr());
    fflush(stdout);
    return 0;
}
