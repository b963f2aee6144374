/* hello.exe: a MinGW console program for the loader's tests. It imports
 * msvcrt and kernel32 by name, testdll.dll by name (add) and by ordinal
 * (mul, exported NONAME at ordinal 5), has a TLS callback and a __thread
 * variable (a TLS template), and base relocations (--dynamicbase). */
#include <stdio.h>
#include <windows.h>

__declspec(dllimport) int add(int a, int b);
__declspec(dllimport) int mul(int a, int b);

static __thread int counter = 42;
static volatile int tls_calls;

static void NTAPI on_tls(PVOID h, DWORD reason, PVOID reserved) {
	(void)h; (void)reserved;
	if (reason == DLL_PROCESS_ATTACH)
		tls_calls++;
}

/* The linker collects .CRT$XL? pointers into the TLS callback array. */
__attribute__((section(".CRT$XLB"), used)) PIMAGE_TLS_CALLBACK p_on_tls = on_tls;

int main(int argc, char **argv) {
	(void)argv;
	counter += argc;
	printf("hello from a 32-bit exe: add=%d mul=%d tls=%d callbacks=%d\n", add(2, 3), mul(4, 5), counter, tls_calls);
	return add(40, 2) == 42 ? 0 : 1;
}
