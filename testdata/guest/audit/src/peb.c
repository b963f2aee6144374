/* peb: the PEB, the TEB, the process parameters and KUSER_SHARED_DATA as programs (and shellcode) read them
 * directly. Offsets and meanings: Microsoft's winternl.h (PEB, TEB, RTL_USER_PROCESS_PARAMETERS), the
 * documented NT_TIB and KUSER_SHARED_DATA (ntddk.h / ntifs.h; at 0x7FFE0000 on x86), and the functions whose
 * results they must agree with (GetModuleHandle(NULL), GetProcessHeap, GetVersionEx, GetSystemInfo,
 * GetStdHandle, GetCurrentDirectoryW, GetModuleFileNameW, GetCommandLineW, GetEnvironmentStringsW,
 * GetLastError, TlsSetValue). A process not started under a debugger has BeingDebugged 0 and NtGlobalFlag 0.
 * Each line says "yes" when the field agrees; the expected output is all "yes". */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

typedef struct {
    USHORT Length, MaximumLength;
    WCHAR *Buffer;
} USTR;

static unsigned char *peb, *teb, *params;

static const char *answer(int b) { return b ? "yes" : "no"; }
static DWORD d(unsigned char *p, int off) { return *(DWORD *)(p + off); }
static USTR *us(unsigned char *p, int off) { return (USTR *)(p + off); }

static int ustr_is(USTR *u, const WCHAR *s)
{
    size_t n = wcslen(s);
    return u->Length == n * 2 && u->MaximumLength >= u->Length && wcsncmp(u->Buffer, s, n) == 0;
}

int main(void)
{
    int local = 0;
    OSVERSIONINFOA v;
    SYSTEM_INFO si;
    WCHAR buf[MAX_PATH + 1], *env;
    DWORD tls, n;
    unsigned char *kuser = (unsigned char *)0x7FFE0000;
    FILETIME ft;

    teb = (unsigned char *)__readfsdword(0x18);
    peb = (unsigned char *)__readfsdword(0x30);
    params = (unsigned char *)d(peb, 0x10);

    printf("TEB: NtTib.Self at FS:[0x18] is FS's base: %s\n", answer(d(teb, 0x18) == (DWORD)teb && __readfsdword(0x18) == (DWORD)teb));
    printf("TEB: ProcessEnvironmentBlock (0x30) is the PEB: %s\n", answer(d(teb, 0x30) == (DWORD)peb && peb != NULL));
    printf("TEB: ExceptionList (0x00) is a frame on the stack or the end marker: %s\n",
           answer(d(teb, 0) == 0xFFFFFFFF || (d(teb, 0) < d(teb, 4) && d(teb, 0) >= d(teb, 8))));
    printf("TEB: StackLimit < a local < StackBase: %s\n", answer(d(teb, 8) < (DWORD)&local && (DWORD)&local < d(teb, 4)));
    {
        unsigned char *image = (unsigned char *)GetModuleHandleA(NULL);
        IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(image + ((IMAGE_DOS_HEADER *)image)->e_lfanew);
        printf("TEB: DeallocationStack (0xE0C) + the PE header's SizeOfStackReserve is StackBase: %s\n",
               answer(d(teb, 0xE0C) + nt->OptionalHeader.SizeOfStackReserve == d(teb, 4)));
    }
    printf("TEB: ClientId (0x20, 0x24) is the process and thread ID: %s\n",
           answer(d(teb, 0x20) == GetCurrentProcessId() && d(teb, 0x24) == GetCurrentThreadId()));
    SetLastError(1234);
    printf("TEB: LastErrorValue (0x34) follows SetLastError: %s\n", answer(d(teb, 0x34) == 1234));
    tls = TlsAlloc();
    TlsSetValue(tls, (LPVOID)0x5A5A);
    printf("TEB: TlsSlots (0xE10) hold TlsSetValue's value: %s\n", answer(tls < 64 && d(teb, 0xE10 + 4 * tls) == 0x5A5A));
    printf("TEB: ThreadLocalStoragePointer (0x2C) set for a program with a TLS directory: %s\n", answer(d(teb, 0x2C) != 0));

    printf("PEB: BeingDebugged (0x02) = %d, IsDebuggerPresent() = %d\n", peb[2], IsDebuggerPresent());
    printf("PEB: ImageBaseAddress (0x08) is GetModuleHandle(NULL): %s\n", answer(d(peb, 8) == (DWORD)GetModuleHandleA(NULL)));
    printf("PEB: Ldr (0x0C) set: %s\n", answer(d(peb, 0xC) != 0));
    printf("PEB: ProcessHeap (0x18) is GetProcessHeap(): %s\n", answer(d(peb, 0x18) == (DWORD)GetProcessHeap()));
    printf("PEB: NtGlobalFlag (0x68) = %lu\n", d(peb, 0x68));
    GetSystemInfo(&si);
    printf("PEB: NumberOfProcessors (0x64) agrees with GetSystemInfo: %s\n", answer(d(peb, 0x64) == si.dwNumberOfProcessors));
    v.dwOSVersionInfoSize = sizeof v;
    GetVersionExA(&v);
    printf("PEB: OSMajorVersion, OSMinorVersion, OSBuildNumber, OSPlatformId (0xA4..0xB0) agree with GetVersionEx: %s\n",
           answer(d(peb, 0xA4) == v.dwMajorVersion && d(peb, 0xA8) == v.dwMinorVersion &&
              *(WORD *)(peb + 0xAC) == (WORD)v.dwBuildNumber && d(peb, 0xB0) == v.dwPlatformId && v.dwPlatformId == 2));

    printf("params: StandardInput, StandardOutput, StandardError (0x18..0x20) are GetStdHandle's: %s\n",
           answer(d(params, 0x18) == (DWORD)GetStdHandle(STD_INPUT_HANDLE) &&
              d(params, 0x1C) == (DWORD)GetStdHandle(STD_OUTPUT_HANDLE) &&
              d(params, 0x20) == (DWORD)GetStdHandle(STD_ERROR_HANDLE)));
    n = GetCurrentDirectoryW(MAX_PATH, buf);
    if (n > 0 && buf[n - 1] != L'\\')
        wcscat(buf, L"\\");
    printf("params: CurrentDirectory.DosPath (0x24) is GetCurrentDirectoryW with a trailing backslash: %s\n", answer(ustr_is(us(params, 0x24), buf)));
    GetModuleFileNameW(NULL, buf, MAX_PATH);
    printf("params: ImagePathName (0x38) is GetModuleFileNameW(NULL): %s\n", answer(ustr_is(us(params, 0x38), buf)));
    printf("params: CommandLine (0x40) is GetCommandLineW(): %s\n", answer(ustr_is(us(params, 0x40), GetCommandLineW())));
    env = GetEnvironmentStringsW();
    printf("params: Environment (0x48) holds the same first string as GetEnvironmentStringsW: %s\n",
           answer(d(params, 0x48) != 0 && env != NULL && wcscmp((WCHAR *)d(params, 0x48), env) == 0));
    FreeEnvironmentStringsW(env);

    printf("KUSER_SHARED_DATA: ImageNumberLow/High (0x2C, 0x2E) = 0x%X 0x%X\n", *(WORD *)(kuser + 0x2C), *(WORD *)(kuser + 0x2E));
    printf("KUSER_SHARED_DATA: NtMajorVersion, NtMinorVersion (0x26C, 0x270) agree with the PEB: %s\n",
           answer(d(kuser, 0x26C) == d(peb, 0xA4) && d(kuser, 0x270) == d(peb, 0xA8)));
    printf("KUSER_SHARED_DATA: NtSystemRoot (0x30) is the Windows directory: %s\n",
           answer(GetWindowsDirectoryW(buf, MAX_PATH) > 0 && _wcsicmp((WCHAR *)(kuser + 0x30), buf) == 0));
    GetSystemTimeAsFileTime(&ft);
    printf("KUSER_SHARED_DATA: SystemTime.High1Time (0x18) is within a day of GetSystemTimeAsFileTime: %s\n",
           answer(d(kuser, 0x18) - ft.dwHighDateTime + 201 <= 402));
    printf("KUSER_SHARED_DATA: NtProductType (0x264) = %lu\n", d(kuser, 0x264));
    return 0;
}
