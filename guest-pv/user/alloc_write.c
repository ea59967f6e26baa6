/*
 * alloc_write - the paper's Table 5 job: allocate N pages (default 2048)
 * and write to every one, timing the first pass (each write faults a page
 * in) and a second pass (no faults) with the TSC. Prints TAP and the
 * cycles a page of each pass.
 */
#include <pvk.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <tap.h>

#define PAGE 4096

int main(int argc, char **argv)
{
    unsigned int pages = argc > 1 ? (unsigned int)atoi(argv[1]) : 2048, i, bad = 0;
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
    for (i = 0; i < pages; i++)
        bad += mem[i * (PAGE / 4)] != i || mem[i * (PAGE / 4) + 1] != i;
    is(bad, 0, "every page holds what was written");
    printf("# alloc_write: pages=%u first_pass_cycles=%llu per_page=%llu "
           "second_pass_cycles=%llu per_page=%llu\n", pages,
           (unsigned long long)(t1 - t0), (unsigned long long)((t1 - t0) / pages),
           (unsigned long long)(t2 - t1), (unsigned long long)((t2 - t1) / pages));
    return done();
}
