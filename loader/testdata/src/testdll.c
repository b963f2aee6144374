/* testdll.dll: exports add by name (ordinal 1), mul by ordinal only (5),
 * and HeapAllocFwd, a forwarder to KERNEL32.HeapAlloc (see testdll.def). */
#include <windows.h>

int add(int a, int b) { return a + b; }
int mul(int a, int b) { return a * b; }

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved) {
	(void)h; (void)reason; (void)reserved;
	return TRUE;
}
