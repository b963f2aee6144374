/* unimpl.exe: imports a kernel32 function peek32 does not implement and calls it; the process must end with
 * STATUS_ENTRYPOINT_NOT_FOUND and an "unimplemented" event naming the function and the caller. */
#include <windows.h>
#include <stdio.h>

int main(void) {
	printf("before\n");
	fflush(stdout);
	SYSTEM_POWER_STATUS s;
	GetSystemPowerStatus(&s);
	printf("after\n");
	return 0;
}
