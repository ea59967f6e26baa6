/*
 * spinscan - a guest that never idles: "spinscan+PAGES[+PASSES[+LIMIT_S]]"
 * fills PAGES pages (default 256) with contents every instance of it
 * fills alike, then keeps the CPU busy, never sleeping, until every one of
 * them is on a shared frame, or the hypervisor's scanner has passed over
 * this domain's memory PASSES times (default 200: passes over unchanged
 * memory are quick) and they are not (exit 1), or LIMIT_S seconds went by
 * (default 300; exit 1: a scanner that never runs). So the scanner must share pages of guests that leave it no
 * idle time (scan_busy_per_mille). It prints the passes it took, the time
 * and the work it got done (spins of a fixed loop), to measure what the
 * scanner took from it.
 *
 * "spinscan+PAGES+PASSES+LIMIT_S+SPINS" does a fixed amount of work
 * instead: SPINS spins whatever the scanner does, then says how long they
 * took and how many of the pages are shared (the benchmark's busy guest).
 */
#include <pvk.h>
#include <stdio.h>
#include <stdlib.h>

#define SPIN 100000 /* loop iterations between looks at the scanner */
#define PAGE 4096U

static unsigned int shared_count(unsigned int *mem, unsigned int pages)
{
    struct pvk_pageinfo pi;
    unsigned int i, n = 0;

    for (i = 0; i < pages; i++)
        n += !pvk_pageinfo(mem + (size_t)i * (PAGE / 4), &pi) && pi.shared;
    return n;
}

int main(int argc, char **argv)
{
    unsigned int pages = argc > 1 ? (unsigned int)atoi(argv[1]) : 256;
    unsigned int passes = argc > 2 ? (unsigned int)atoi(argv[2]) : 200;
    unsigned int limit_s = argc > 3 ? (unsigned int)atoi(argv[3]) : 300;
    unsigned long long fixed = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;
    unsigned long long tsc0;
    char *raw = malloc((size_t)(pages + 1) * PAGE); /* whole pages in it */
    unsigned int *mem, i, w, shared = 0;
    struct pvk_scaninfo s0, si;
    unsigned long long spins = 0;
    volatile unsigned int sink = 0;
    double t0;

    mem = (unsigned int *)(((unsigned long)raw + PAGE - 1) & ~(PAGE - 1UL));
    if (!raw || pvk_scaninfo(&s0)) {
        printf("spinscan: no memory, or this domain shares with nobody\n");
        return 1;
    }
    for (i = 0; i < pages; i++)
        for (w = 0; w < PAGE / 4; w++)
            mem[(size_t)i * (PAGE / 4) + w] = 0x5b175ca0U ^ (i << 12) ^ w;
    t0 = pvk_now_s();
    pvk_scaninfo(&s0);
    if (fixed) {
        asm volatile("rdtsc" : "=A"(tsc0));
        for (spins = 0; spins < fixed; spins++) {
            for (unsigned int k = 0; k < SPIN; k++)
                sink += k * 2654435761U;
            pvk_scaninfo(&si);
        }
        {
            unsigned long long tsc1;

            asm volatile("rdtsc" : "=A"(tsc1));
            printf("spinscan: %llu spins in %.3f s, tsc=%llu; %u of %u pages "
                   "shared after %u passes\n", spins, pvk_now_s() - t0,
                   tsc1 - tsc0, shared_count(mem, pages), pages,
                   si.passes - s0.passes);
        }
        return 0;
    }
    for (;;) {
        for (unsigned int k = 0; k < SPIN; k++)
            sink += k * 2654435761U;
        spins++;
        if (pvk_scaninfo(&si))
            return 1;
        if (!(spins % 16) && (shared = shared_count(mem, pages)) == pages)
            break;
        if (si.passes >= s0.passes + passes || pvk_now_s() - t0 > limit_s) {
            shared = shared_count(mem, pages);
            if (shared == pages)
                break;
            printf("spinscan: FAILED: %u of %u pages shared after %u passes "
                   "in %.3f s\n", shared, pages, si.passes - s0.passes,
                   pvk_now_s() - t0);
            return 1;
        }
    }
    printf("spinscan: all %u pages shared after %u passes in %.3f s, never "
           "idle; %llu spins\n", pages, si.passes - s0.passes,
           pvk_now_s() - t0, spins);
    return 0;
}
