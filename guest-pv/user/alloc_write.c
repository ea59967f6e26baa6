/*
 * alloc_write - the paper's Table 5 job: allocate N pages (default 2048)
 * and write to every one, timing the first pass (each write faults a page
 * in) and a second pass (no faults) with the TSC. Prints TAP and the
 * cycles a page of each pass; every page must hold what was written and
 * zeros elsewhere (fresh anonymous memory).
 *
 * "alloc_write+N+clear" then waits for three scanner passes (the pages,
 * alike in every guest that runs it, get shared), clears them all with
 * one memset - newlib's "rep stosl", across page boundaries, so that in
 * shadow mode each page's first store is a whole-page clear of a shared
 * page (shadow.c, is_page_clear) - and checks that every word is zero.
 */
#include <pvk.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tap.h>

#define PAGE 4096

int main(int argc, char **argv)
{
    unsigned int pages = argc > 1 ? (unsigned int)atoi(argv[1]) : 2048, i, w, bad = 0;
    bool clear = argc > 2 && !strcmp(argv[2], "clear");
    volatile uint32_t *mem = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANON, -1, 0);
    uint64_t t0, t1, t2;

    ok(mem != MAP_FAILED, "allocated %u pages", pages);
    t0 = pvk_rdtsc();
    for (i = 0; i < pages; i++)
        mem[i * (PAGE / 4)] = i;
    t1 = pvk_rdtsc();
    for (i = 0; i < pages; i++)
        mem[i * (PAGE / 4) + 1] = i;
    t2 = pvk_rdtsc();
    for (i = 0; i < pages; i++) {
        bad += mem[i * (PAGE / 4)] != i || mem[i * (PAGE / 4) + 1] != i;
        for (w = 2; w < PAGE / 4; w++)
            bad += mem[i * (PAGE / 4) + w] != 0;
    }
    is(bad, 0, "every page holds what was written, zeros elsewhere");
    printf("# alloc_write: pages=%u first_pass_cycles=%llu per_page=%llu "
           "second_pass_cycles=%llu per_page=%llu\n", pages,
           (unsigned long long)(t1 - t0), (unsigned long long)((t1 - t0) / pages),
           (unsigned long long)(t2 - t1), (unsigned long long)((t2 - t1) / pages));
    if (clear) {
        int seen = pvk_wait_scan(3, 300000), rc;
        struct pvk_scaninfo si = { 0 };
        struct pvk_pageinfo pi;
        unsigned int shared = 0;

        rc = pvk_scaninfo(&si);
        for (i = 0; i < pages; i++)
            shared += !pvk_pageinfo((void *)&mem[i * (PAGE / 4)], &pi) && pi.shared;
        ok(seen >= 3 && !rc && shared > 0,
           "%d scanner passes: %u of its %u pages on shared frames (%u of the "
           "domain's)", seen, shared, pages, si.shared_pfns);
        memset((void *)mem, 0, (size_t)pages * PAGE);
        for (bad = 0, i = 0; i < pages * (PAGE / 4); i++)
            bad += mem[i] != 0;
        is(bad, 0, "every word of the %u pages is zero after one memset", pages);
    }
    return done();
}
