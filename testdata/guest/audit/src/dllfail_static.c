/* dllfail_static: imports auditfail.dll, whose DllMain refuses to attach, so main never runs. */
#include <stdio.h>

__declspec(dllimport) int fail_value(void);

int main(void)
{
    printf("main ran: %d\n", fail_value());
    return 0;
}
