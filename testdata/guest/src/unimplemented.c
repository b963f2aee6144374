/* unimplemented: imports a kernel32 function peek32 does not provide (GetSystemPowerStatus). Loading must not
 * fail; the call must end the process with the message "KERNEL32.dll!GetSystemPowerStatus is not implemented"
 * (issue 4). Only the line before the call is expected on stdout; the exit code is peek32's to choose, so
 * there is no expected/unimplemented.exitcode. */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    SYSTEM_POWER_STATUS status;
    printf("calling GetSystemPowerStatus\n");
    fflush(stdout);
    GetSystemPowerStatus(&status);
    printf("not reached\n");
    return 0;
}
