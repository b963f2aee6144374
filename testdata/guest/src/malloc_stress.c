/* malloc_stress: thousands of malloc/calloc/realloc/free calls of pseudo-random sizes (a fixed LCG, so the run
 * is deterministic), each block filled with a pattern that is verified before it is freed or resized. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512

static unsigned long seed = 12345;
static unsigned rnd(void)
{
    seed = seed * 1103515245UL + 12345UL;
    return (unsigned)(seed >> 16) & 0x7fff;
}

static void fill(unsigned char *p, size_t n, unsigned tag)
{
    size_t i;
    for (i = 0; i < n; i++)
        p[i] = (unsigned char)(tag + i * 7);
}

static int verify(const unsigned char *p, size_t n, unsigned tag)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != (unsigned char)(tag + i * 7))
            return 0;
    return 1;
}

int main(void)
{
    static unsigned char *blk[SLOTS];
    static size_t len[SLOTS];
    static unsigned tag[SLOTS];
    unsigned long ops = 0, bad = 0, total = 0, peak = 0, live = 0;
    int round, i;

    for (round = 0; round < 6000; round++) {
        i = rnd() % SLOTS;
        if (blk[i] == NULL) {
            size_t n = (rnd() % 8 == 0) ? rnd() * 2 : rnd() % 200 + 1;
            if (rnd() % 3 == 0) {
                blk[i] = calloc(n, 1);
                if (blk[i] && n && (blk[i][0] != 0 || blk[i][n - 1] != 0))
                    bad++;
            } else {
                blk[i] = malloc(n);
            }
            if (!blk[i]) {
                bad++;
                continue;
            }
            len[i] = n;
            tag[i] = rnd();
            fill(blk[i], n, tag[i]);
            total += n;
            live += n;
        } else if (rnd() % 2 == 0) {
            size_t n = rnd() % 3000 + 1, keep = n < len[i] ? n : len[i];
            unsigned char *p;
            if (!verify(blk[i], len[i], tag[i]))
                bad++;
            p = realloc(blk[i], n);
            if (!p) {
                bad++;
                continue;
            }
            if (!verify(p, keep, tag[i]))
                bad++;
            live = live - len[i] + n;
            blk[i] = p;
            len[i] = n;
            fill(p, n, tag[i]);
        } else {
            if (!verify(blk[i], len[i], tag[i]))
                bad++;
            free(blk[i]);
            live -= len[i];
            blk[i] = NULL;
        }
        if (live > peak)
            peak = live;
        ops++;
    }
    for (i = 0; i < SLOTS; i++) {
        if (blk[i] && !verify(blk[i], len[i], tag[i]))
            bad++;
        free(blk[i]);
    }
    {
        /* one large block, and free(NULL) */
        char *big = malloc(8 << 20);
        if (!big)
            bad++;
        else {
            memset(big, 0xAB, 8 << 20);
            if ((unsigned char)big[(8 << 20) - 1] != 0xAB)
                bad++;
            free(big);
        }
        free(NULL);
    }
    printf("ops=%lu allocated=%lu peak=%lu bad=%lu\n", ops, total, peak, bad);
    return bad != 0;
}
