/* A freestanding C workload for the interpreter: no system calls, no libc. It fills a
 * result buffer; the same source built natively (gcc -m32) is the oracle (see build.sh).
 * It exercises what compilers emit for ordinary code: 64-bit arithmetic (libgcc's
 * __udivdi3/__divdi3/__moddi3 and inline ADC/SBB/SHLD/SHRD/MUL), signed and unsigned
 * compares and conditional moves, bit operations, switch jump tables, recursion,
 * struct copies (rep movs), memset loops (rep stos), and byte/word accesses. */
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;
typedef unsigned char u8;
typedef unsigned short u16;

static u32 crc_table[256];

static void crc_init(void) {
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static u32 crc32(const u8 *p, u32 n) {
	u32 c = 0xFFFFFFFFu;
	while (n--)
		c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

static u64 xorshift64(u64 *s) {
	u64 x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static void isort(int *a, int n) {
	for (int i = 1; i < n; i++) {
		int v = a[i], j = i - 1;
		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static u32 classify(u32 x) {
	switch (x % 9) {
	case 0: return x * 3;
	case 1: return x ^ 0x5555;
	case 2: return x >> 3;
	case 3: return ~x;
	case 4: return x + 0x1234567;
	case 5: return (x << 7) | (x >> 25);
	case 6: return x / 7;
	case 7: return (u32)((s64)(int)x * -3);
	default: return x - 1;
	}
}

struct rec { u32 a; u16 b; u8 c; s64 d; char name[24]; };

static struct rec mkrec(u32 i) {
	struct rec r = { i, (u16)(i * 3), (u8)(i * 7), -(s64)i * 1000003, "record" };
	r.name[6] = (char)('0' + i % 10);
	return r;
}

struct bits { u32 a : 3, b : 7, c : 11, d : 1; int e : 5; u16 f : 9; };

static u32 narrow(u32 seed) {
	/* 8- and 16-bit arithmetic, bitfields, signed chars, Fletcher-16, base64 */
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	u8 buf[64];
	char enc[96];
	u16 s1 = 0, s2 = 0;
	u32 acc = 0;
	for (int i = 0; i < 64; i++)
		buf[i] = (u8)(seed >> (i % 24)) ^ (u8)(i * 37);
	for (int i = 0; i < 64; i++) {
		s1 = (u16)((s1 + buf[i]) % 255);
		s2 = (u16)((s2 + s1) % 255);
	}
	acc = (u32)s2 << 8 | s1;
	int n = 0;
	for (int i = 0; i + 2 < 64; i += 3) {
		u32 v = (u32)buf[i] << 16 | (u32)buf[i + 1] << 8 | buf[i + 2];
		enc[n++] = b64[v >> 18 & 63];
		enc[n++] = b64[v >> 12 & 63];
		enc[n++] = b64[v >> 6 & 63];
		enc[n++] = b64[v & 63];
	}
	for (int i = 0; i < n; i++)
		acc = acc * 31 + (u32)(signed char)enc[i];
	struct bits bf = { 0 };
	for (u32 i = 0; i < 50; i++) {
		bf.a += (u32)i;
		bf.b ^= i * 3;
		bf.c -= i * 5;
		bf.d = !bf.d;
		bf.e = (int)(bf.e + (int)i - 7);
		bf.f = (u16)(bf.f * 3 + i);
		acc += bf.a + bf.b * 2u + bf.c * 3u + bf.d + (u32)bf.e + bf.f;
	}
	signed char sc = (signed char)seed;
	short sh = (short)(seed >> 8);
	for (int i = 0; i < 20; i++) {
		sc = (signed char)(sc * 3 - 7);
		sh = (short)((sh >> 1) ^ (sh * sc));
		acc ^= (u32)(int)sc + (u32)(int)sh;
		u16 r = (u16)sh;
		r = (u16)(r << 3 | r >> 13);
		acc += r / 10u + (u32)(sh / 7) + (u32)(sh % 13);
	}
	return acc;
}

static void put32(u8 *out, u32 *off, u32 v) {
	for (int i = 0; i < 4; i++)
		out[(*off)++] = (u8)(v >> (8 * i));
}

static void put64(u8 *out, u32 *off, u64 v) {
	put32(out, off, (u32)v);
	put32(out, off, (u32)(v >> 32));
}

__attribute__((noinline)) u32 run(u8 *out) {
	u32 off = 0;
	crc_init();
	u64 s = 0x9E3779B97F4A7C15ull;
	for (int i = 0; i < 16; i++) {
		u64 a = xorshift64(&s), b = xorshift64(&s) | 1;
		s64 sa = (s64)a, sb = (s64)(b >> (i & 31)) | 1;
		put64(out, &off, a / b);
		put64(out, &off, a % (b >> 7 | 1));
		put64(out, &off, (u64)(sa / sb));
		put64(out, &off, (u64)(sa % sb));
		put64(out, &off, a * b);
		put64(out, &off, a >> (i * 3 % 64));
		put64(out, &off, (u64)(sa >> (i * 5 % 64)));
		put64(out, &off, a << (i * 7 % 64));
		put32(out, &off, (u32)(a > b) | (u32)(sa < sb) << 1 | (u32)(a == b) << 2);
	}
	int arr[40];
	for (int i = 0; i < 40; i++)
		arr[i] = (int)(xorshift64(&s) >> 33) - (1 << 29);
	isort(arr, 40);
	for (int i = 0; i < 40; i++)
		put32(out, &off, (u32)arr[i]);
	for (u32 i = 0; i < 64; i++)
		put32(out, &off, classify(i * 2654435761u));
	put32(out, &off, (u32)fib(18));
	struct rec recs[8];
	for (u32 i = 0; i < 8; i++)
		recs[i] = mkrec(i);
	for (u32 i = 0; i < 8; i++) {
		put32(out, &off, recs[i].a + recs[i].b + recs[i].c);
		put64(out, &off, (u64)recs[i].d);
		put32(out, &off, crc32((const u8 *)recs[i].name, sizeof recs[i].name));
	}
	u8 big[300];
	for (int i = 0; i < 300; i++)
		big[i] = (u8)(i * 31 + 7);
	__builtin_memset(big + 100, 0xAB, 100);
	put32(out, &off, crc32(big, sizeof big));
	u32 bits = 0;
	for (u32 i = 1; i < 200; i++) {
		u32 v = i * 0x01000193u;
		bits += (u32)__builtin_popcount(v) + (u32)__builtin_ctz(v) + (u32)__builtin_clz(v);
		bits ^= __builtin_bswap32(v);
	}
	put32(out, &off, bits);
	short sh = -1234;
	signed char sc = -5;
	put32(out, &off, (u32)(sh * sc) ^ (u32)(u16)sh ^ (u32)(u8)sc);
	for (u32 i = 0; i < 8; i++)
		put32(out, &off, narrow(0x12345678u * (i + 1)));
	put32(out, &off, crc32(out, off));
	return off;
}
