/* placement: an exe without the C runtime whose only import is auditbase.dll (which prefers msvcrt.dll's base
 * and imports msvcrt.dll); it returns what auditbase's function returns (5). See auditbase.c. */
__declspec(dllimport) int based(void);

int start(void) { return based(); }
