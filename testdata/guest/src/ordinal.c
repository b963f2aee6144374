/* ordinal: load-time linking to mydll.dll, with secret imported by ordinal (it is exported NONAME, so the
 * import table names ordinal 7) and add by name; then GetProcAddress by ordinal and by name on the loaded
 * module. DllMain runs before main with a non-NULL lpReserved (static load) and again at process exit
 * (Microsoft's DllMain documentation). */
#include <windows.h>
#include <stdio.h>

__declspec(dllimport) int add(int, int);
__declspec(dllimport) int secret(int);
__declspec(dllimport) int mydll_version;

int main(void)
{
    HMODULE h = GetModuleHandleA("mydll.dll");
    printf("mydll.dll loaded at start: %s\n", h ? "yes" : "no");
    printf("secret(5) = %d\n", secret(5));
    printf("add(1, 2) = %d\n", add(1, 2));
    printf("mydll_version = %d\n", mydll_version);
    printf("ordinal 1 is add: %s\n", GetProcAddress(h, MAKEINTRESOURCEA(1)) == (FARPROC)add ? "yes" : "no");
    printf("ordinal 7 is secret: %s\n", GetProcAddress(h, MAKEINTRESOURCEA(7)) == (FARPROC)secret ? "yes" : "no");
    printf("secret by name: %s\n", GetProcAddress(h, "secret") ? "found" : "not found");
    return 0;
}
