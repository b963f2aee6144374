/* hostile.exe MODE: one hostile behaviour per mode, for peek32's "guest input is data" rule
 * (testdata/guest/hostile/README.md lists the modes and the outcome each must have; core/hostile_test.go and
 * cmd/peek32/hostile_test.go check them). Every line printed comes from an API result, so the expected output
 * records what the emulated Windows answered. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static void show(const char *what, unsigned long v) { printf("%s %lu err=%lu\n", what, v, GetLastError()); }

/* The vectored handler reports an exception record the way a debugger would and ends the process with its
 * code, so the record's fields reach standard output. */
static LONG CALLBACK report(EXCEPTION_POINTERS *ep) {
	EXCEPTION_RECORD *r = ep->ExceptionRecord;
	printf("exception %08lx flags=%lu params=%lu", r->ExceptionCode, r->ExceptionFlags, r->NumberParameters);
	for (DWORD i = 0; i < r->NumberParameters && i < 2; i++)
		printf(" info%lu=%08lx", i, r->ExceptionInformation[i]);
	printf(" eip_is_address=%d\n", ep->ContextRecord->Eip == (DWORD)(ULONG_PTR)r->ExceptionAddress);
	fflush(stdout);
	ExitProcess(r->ExceptionCode);
	return EXCEPTION_CONTINUE_SEARCH;
}

static int vbomb(void) {
	/* Commit 16 MiB blocks until the machine says no, touching every page of each block. */
	unsigned long n = 0;
	for (;;) {
		char *p = VirtualAlloc(NULL, 16 << 20, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
		if (!p)
			break;
		for (int i = 0; i < 16 << 20; i += 4096)
			p[i] = 1;
		n++;
	}
	printf("virtualalloc failed after >0 blocks: %d err=%lu\n", n > 0, GetLastError());
	/* A reservation of the whole user half cannot be made either. */
	void *big = VirtualAlloc(NULL, 0x7FFF0000, MEM_RESERVE, PAGE_NOACCESS);
	show("reserve 2GB", big != NULL);
	return 0;
}

static int hbomb(void) {
	HANDLE h = GetProcessHeap();
	unsigned long n = 0;
	while (HeapAlloc(h, 0, 8 << 20))
		n++;
	printf("heapalloc NULL after >0 blocks: %d\n", n > 0);
	/* HEAP_GENERATE_EXCEPTIONS: STATUS_NO_MEMORY is raised instead. */
	AddVectoredExceptionHandler(1, report);
	HeapAlloc(h, HEAP_GENERATE_EXCEPTIONS, 8 << 20);
	printf("no exception\n");
	return 1;
}

static int mbomb(void) {
	unsigned long n = 0;
	errno = 0;
	for (;;) {
		char *p = malloc(4 << 20);
		if (!p)
			break;
		memset(p, 0x5A, 4 << 20);
		n++;
	}
	printf("malloc NULL after >0 blocks: %d errno=%d\n", n > 0, errno);
	return 0;
}

static int depth(int n) {
	volatile char pad[256];
	pad[0] = (char)n;
	return depth(n + 1) + pad[0];
}

static DWORD WINAPI sleeper(void *arg) {
	(void)arg;
	Sleep(INFINITE);
	return 0;
}

static int threads(DWORD reserve) {
	unsigned long n = 0;
	for (;;) {
		HANDLE t = CreateThread(NULL, reserve, sleeper, NULL, reserve ? STACK_SIZE_PARAM_IS_A_RESERVATION : 0, NULL);
		if (!t)
			break;
		n++;
		if (n > 1000000)
			break;
	}
	printf("createthread failed after >0 threads: %d bounded: %d err=%lu\n", n > 0, n <= 1000000, GetLastError());
	ExitProcess(0); /* ends the sleeping threads */
}

static int procs(const char *self) {
	static PROCESS_INFORMATION pis[100000];
	unsigned long n = 0;
	char cmd[MAX_PATH + 16];
	snprintf(cmd, sizeof cmd, "\"%s\" child", self);
	for (; n < 100000; n++) {
		STARTUPINFOA si = {sizeof si};
		if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pis[n]))
			break;
	}
	printf("createprocess failed after >0 children: %d bounded: %d err=%lu\n", n > 0, n < 100000, GetLastError());
	for (unsigned long i = 0; i < n; i++)
		TerminateProcess(pis[i].hProcess, 3);
	return 0;
}

static int handles(void) {
	unsigned long n = 0;
	while (CreateEventA(NULL, TRUE, FALSE, NULL) && n < 100000000)
		n++;
	printf("createevent failed after >0 handles: %d err=%lu\n", n > 0, GetLastError());
	/* The process still works: a handle closed makes room for one more. */
	CloseHandle((HANDLE)(ULONG_PTR)0x100);
	HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
	printf("after a close: %d\n", e != NULL);
	return 0;
}

typedef int (*fn)(void);

static int execute(const char *how) {
	static unsigned char data[] = {0xB8, 1, 0, 0, 0, 0xC3}; /* mov eax,1; ret in .data */
	AddVectoredExceptionHandler(1, report);
	fn f = NULL;
	if (!strcmp(how, "null"))
		f = NULL;
	else if (!strcmp(how, "garbage"))
		f = (fn)0x12345678;
	else if (!strcmp(how, "data"))
		f = (fn)data;
	else if (!strcmp(how, "kernel"))
		f = (fn)0x80001000;
	else if (!strcmp(how, "readnull"))
		return *(volatile int *)0;
	else if (!strcmp(how, "writekernel"))
		return *(volatile int *)0xC0000000 = 1;
	else if (!strcmp(how, "ud2")) {
		__asm__ volatile("ud2");
		return 1;
	} else if (!strcmp(how, "priv")) {
		__asm__ volatile("hlt");
		return 1;
	} else if (!strcmp(how, "div0")) {
		int q;
		__asm__ volatile("xor %%ecx, %%ecx\n\tmov $1, %%eax\n\tcdq\n\tidiv %%ecx" : "=a"(q) : : "ecx", "edx");
		return q;
	}
	return f();
}

static int smc(void) {
	unsigned char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_EXECUTE_READWRITE);
	unsigned char code[] = {0xB8, 1, 0, 0, 0, 0xC3};
	memcpy(p, code, sizeof code);
	int sum = 0;
	for (int i = 1; i <= 5; i++) {
		p[1] = (unsigned char)i; /* the immediate of the code about to run */
		sum = sum * 10 + ((fn)p)();
	}
	printf("smc %d\n", sum);
	/* Code that rewrites the instruction right after itself: mov byte [next+1], 7; next: mov eax, 2; ret. */
	unsigned char self[] = {0xC6, 0x05, 0, 0, 0, 0, 7, 0xB8, 2, 0, 0, 0, 0xC3};
	DWORD next = (DWORD)(ULONG_PTR)(p + 0x100 + 7 + 1);
	memcpy(self + 2, &next, 4);
	memcpy(p + 0x100, self, sizeof self);
	printf("smc next %d\n", ((fn)(p + 0x100))());
	/* Make the page read-only + execute: writing it now faults. */
	DWORD old;
	printf("protect %d\n", VirtualProtect(p, 4096, PAGE_EXECUTE_READ, &old));
	AddVectoredExceptionHandler(1, report);
	p[1] = 9;
	return 1;
}

static int badio(void) {
	DWORD n = 12345;
	HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
	SetLastError(0);
	show("writefile null 2GB", WriteFile(out, NULL, 0x7FFFFFFF, &n, NULL));
	show("writefile bad ptr", WriteFile(out, (void *)0x10, 100, &n, NULL));
	show("writefile huge from static", WriteFile(out, "x", 0xFFFFFFF0, &n, NULL));
	HANDLE f = CreateFileA("hostile.tmp", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
	show("createfile", f != INVALID_HANDLE_VALUE);
	show("file writefile null 2GB", WriteFile(f, NULL, 0x7FFFFFFF, &n, NULL));
	show("file writefile 5", WriteFile(f, "hello", 5, &n, NULL));
	SetFilePointer(f, 0, NULL, FILE_BEGIN);
	show("file readfile bad ptr", ReadFile(f, (void *)0x10, 5, &n, NULL));
	SetFilePointer(f, 0, NULL, FILE_BEGIN);
	show("file readfile kernel ptr", ReadFile(f, (void *)0x80000000, 0x7FFFFFFF, &n, NULL));
	SetFilePointer(f, 0, NULL, FILE_BEGIN);
	char buf[8];
	show("file readfile bad count ptr", ReadFile(f, buf, 5, (DWORD *)0x10, NULL));
	SetFilePointer(f, 0, NULL, FILE_BEGIN);
	show("file readfile huge len", ReadFile(f, buf, 0xFFFFFFFF, &n, NULL));
	show("bytes", n);
	CloseHandle(f);
	DeleteFileA("hostile.tmp");
	return 0;
}

static int badargs(void) {
	HANDLE bad = (HANDLE)(ULONG_PTR)0x1234, heap = GetProcessHeap();
	DWORD n;
	char buf[64];
	/* memory */
	show("VirtualAlloc 0 size", VirtualAlloc(NULL, 0, MEM_COMMIT, PAGE_READWRITE) != NULL);
	show("VirtualAlloc -1 size", VirtualAlloc(NULL, 0xFFFFFFFF, MEM_COMMIT, PAGE_READWRITE) != NULL);
	show("VirtualAlloc kernel", VirtualAlloc((void *)0x80000000, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE) != NULL);
	show("VirtualAlloc bad prot", VirtualAlloc(NULL, 4096, MEM_COMMIT, 0x12345) != NULL);
	show("VirtualFree bad", VirtualFree((void *)0x12340000, 0, MEM_RELEASE));
	show("VirtualProtect null", VirtualProtect(NULL, 4096, PAGE_READWRITE, &n));
	show("VirtualQuery kernel", (DWORD)VirtualQuery((void *)0xFFFFFFFF, NULL, 0));
	show("HeapAlloc huge", HeapAlloc(heap, 0, 0xFFFFFFF0) != NULL);
	show("HeapAlloc bad heap", HeapAlloc(bad, 0, 16) != NULL);
	show("HeapReAlloc huge", HeapReAlloc(heap, 0, HeapAlloc(heap, 0, 16), 0xFFFFFFF0) != NULL);
	show("HeapCreate huge", HeapCreate(0, 0xFFFFFFF0, 0xFFFFFFF0) != NULL);
	show("LocalAlloc huge", LocalAlloc(0, 0xFFFFFFF0) != NULL);
	show("GlobalAlloc huge", GlobalAlloc(0, 0xFFFFFFF0) != NULL);
	/* handles and sync */
	show("CloseHandle bad", CloseHandle(bad));
	show("WaitForSingleObject bad", WaitForSingleObject(bad, 0));
	HANDLE hs[2] = {bad, bad};
	show("WaitForMultipleObjects 0", WaitForMultipleObjects(0, hs, FALSE, 0));
	show("WaitForMultipleObjects 1000", WaitForMultipleObjects(1000, hs, FALSE, 0));
	show("SetEvent bad", SetEvent(bad));
	show("ReleaseMutex bad", ReleaseMutex(bad));
	show("ReleaseSemaphore -1", ReleaseSemaphore(CreateSemaphoreA(NULL, 0, 1, NULL), -1, NULL));
	show("CreateSemaphore max 0", CreateSemaphoreA(NULL, 0, 0, NULL) != NULL);
	show("DuplicateHandle bad", DuplicateHandle(GetCurrentProcess(), bad, GetCurrentProcess(), NULL, 0, FALSE, DUPLICATE_SAME_ACCESS));
	show("GetExitCodeThread bad", GetExitCodeThread(bad, &n));
	show("ResumeThread bad", ResumeThread(bad));
	show("TerminateThread bad", TerminateThread(bad, 0));
	show("OpenProcess 0", OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0) != NULL);
	show("OpenProcess bad", OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0x7FFFFFF0) != NULL);
	show("ReadProcessMemory huge", ReadProcessMemory(GetCurrentProcess(), (void *)0x10000, buf, 0xFFFFFFF0, NULL));
	show("WriteProcessMemory bad", WriteProcessMemory(GetCurrentProcess(), (void *)0x10, buf, 16, NULL));
	show("TlsGetValue bad", (DWORD)(ULONG_PTR)TlsGetValue(100000));
	show("TlsSetValue bad", TlsSetValue(100000, NULL));
	show("TlsFree bad", TlsFree(100000));
	/* strings, files, modules */
	show("lstrlenA null", lstrlenA(NULL));
	show("lstrlenA bad", lstrlenA((char *)0x10));
	show("lstrcpyA bad", lstrcpyA((char *)0x10, "x") != NULL);
	show("MultiByteToWideChar bad", MultiByteToWideChar(CP_ACP, 0, (char *)0x10, -1, NULL, 0));
	show("WideCharToMultiByte huge", WideCharToMultiByte(CP_ACP, 0, L"abc", 0x7FFFFFFF, buf, sizeof buf, NULL, NULL));
	show("GetModuleHandleA bad", GetModuleHandleA((char *)0x10) != NULL);
	show("GetModuleFileNameA bad", GetModuleFileNameA(NULL, (char *)0x10, 0x7FFFFFFF));
	show("GetModuleFileNameA 0", GetModuleFileNameA(NULL, buf, 0));
	show("GetProcAddress bad module", GetProcAddress((HMODULE)bad, "x") != NULL);
	show("GetProcAddress bad name", GetProcAddress(GetModuleHandleA("kernel32"), (char *)0x10) != NULL);
	show("GetProcAddress ordinal 0", GetProcAddress(GetModuleHandleA("kernel32"), (char *)0) != NULL);
	show("LoadLibraryA bad", LoadLibraryA((char *)0x10) != NULL);
	show("LoadLibraryA missing", LoadLibraryA("nosuch.dll") != NULL);
	show("FreeLibrary bad", FreeLibrary((HMODULE)bad));
	show("CreateFileA null", CreateFileA(NULL, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) != INVALID_HANDLE_VALUE);
	show("CreateFileA bad", CreateFileA((char *)0x10, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) != INVALID_HANDLE_VALUE);
	show("ReadFile bad handle", ReadFile(bad, buf, 1, &n, NULL));
	show("SetFilePointer bad", SetFilePointer(bad, 0, NULL, FILE_BEGIN));
	show("GetFileSize bad", GetFileSize(bad, NULL));
	show("GetCurrentDirectoryA bad", GetCurrentDirectoryA(0x7FFFFFFF, (char *)0x10));
	show("SetCurrentDirectoryA bad", SetCurrentDirectoryA((char *)0x10));
	show("GetEnvironmentVariableA bad", GetEnvironmentVariableA((char *)0x10, buf, sizeof buf));
	show("SetEnvironmentVariableA null", SetEnvironmentVariableA(NULL, "x"));
	show("GetFullPathNameA bad", GetFullPathNameA("a", 0x7FFFFFFF, (char *)0x10, NULL));
	show("FindFirstFileA bad", FindFirstFileA((char *)0x10, NULL) != INVALID_HANDLE_VALUE);
	show("FormatMessageA bad", FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 2, 0, (char *)0x10, 0x7FFFFFFF, NULL));
	show("GetSystemTimeAsFileTime bad", (GetSystemInfo(&(SYSTEM_INFO){0}), 1));
	/* threads and processes */
	show("CreateThread huge stack", CreateThread(NULL, 0x7FFFFFF0, sleeper, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL) != NULL);
	show("CreateProcessA null", CreateProcessA(NULL, NULL, NULL, NULL, FALSE, 0, NULL, NULL, NULL, NULL));
	STARTUPINFOA si = {sizeof si};
	PROCESS_INFORMATION pi;
	show("CreateProcessA missing", CreateProcessA("C:\\nosuch.exe", NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
	show("Sleep done", (Sleep(0), 1));
	/* C library */
	show("strlen via memchr huge", memchr("abc", 'c', 0x7FFFFFFF) != NULL);
	show("malloc huge", malloc(0xFFFFFFF0) != NULL);
	show("calloc overflow", calloc(0x10000, 0x10001) != NULL);
	show("realloc huge", realloc(malloc(1), 0xFFFFFFF0) != NULL);
	show("snprintf huge", snprintf(buf, sizeof buf, "%.*s", 3, "abcdef"));
	FILE *fp = fopen("nosuch.txt", "r");
	show("fopen missing", fp != NULL);
	show("fread bad", (DWORD)fread(buf, 1, 0x7FFFFFFF, stdin));
	return 0;
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "child")) {
		Sleep(INFINITE);
		return 0;
	}
	if (!strcmp(mode, "vbomb"))
		return vbomb();
	if (!strcmp(mode, "hbomb"))
		return hbomb();
	if (!strcmp(mode, "mbomb"))
		return mbomb();
	if (!strcmp(mode, "recurse"))
		return depth(0);
	if (!strcmp(mode, "threads"))
		return threads(0);
	if (!strcmp(mode, "smallthreads")) /* 64 KiB stacks: the address space allows ~30000 */
		return threads(0x10000);
	if (!strcmp(mode, "procs"))
		return procs(argv[0]);
	if (!strcmp(mode, "handles"))
		return handles();
	if (!strcmp(mode, "spin"))
		for (volatile int i = 0;; i++)
			;
	if (!strncmp(mode, "exec-", 5))
		return execute(mode + 5);
	if (!strcmp(mode, "smc"))
		return smc();
	if (!strcmp(mode, "badio"))
		return badio();
	if (!strcmp(mode, "badargs"))
		return badargs();
	printf("usage: hostile MODE\n");
	return 2;
}
