/* auditbase.dll: linked to prefer 0x77C10000, msvcrt.dll's base on Windows XP (and peek32's), while importing
 * msvcrt.dll itself. Loaded before msvcrt (placement.exe imports nothing else), it must be relocated, not take
 * msvcrt's place (the Windows loader maps the system DLLs at their own bases; this DLL has relocations). */
#include <stdio.h>
#include <windows.h>

__declspec(dllexport) int based(void)
{
    char where[32];
    sprintf(where, "%s", (ULONG_PTR)GetModuleHandleA("auditbase.dll") == 0x77C10000 ? "at its preferred base" : "relocated");
    printf("auditbase.dll %s, msvcrt.dll at its own base: %s\n", where,
           (ULONG_PTR)GetModuleHandleA("msvcrt.dll") == 0x77C10000 ? "yes" : "no");
    fflush(stdout);
    return 5;
}
