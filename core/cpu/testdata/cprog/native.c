#include <stdio.h>
typedef unsigned char u8;
typedef unsigned int u32;
u32 run(u8 *out);
int main(void) {
	static u8 out[8192];
	u32 n = run(out);
	printf("%u\n", n);
	for (u32 i = 0; i < n; i++)
		printf("%02x", out[i]);
	printf("\n");
	return 0;
}
