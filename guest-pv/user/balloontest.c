/*
 * balloontest - the balloon driver in both directions, seen from a
 * process: "balloontest+PAGES" in a guest with balloon=self.
 *
 * It idles first, until the guest has handed back what it does not use;
 * then it maps and writes PAGES anonymous pages, more than the guest has
 * populated, so the kernel must take frames back from the hypervisor (the
 * balloon deflates); every byte must read back. Then it frees them and
 * idles: the guest must hand the free pages back (the balloon inflates)
 * until it holds about what it uses plus its reserve. PAGES stays within
 * what the guest is entitled to: above it, memory is lent only against
 * volatile pages (docs/architecture.md). The hypervisor's
 * audit of the domain closes. Waits are bounded by what the guest does
 * while idle (it reports every 50 ms it idles), with a generous time limit
 * only for a guest that never gets the cpu.
 *
 * "balloontest+0+LIMIT": no allocation; it says it waits for a limit, and
 * checks that once a user's mem-set brings its target to LIMIT pages or
 * less, the guest shrinks to it.
 */
#include <pvk.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <tap.h>
#include <unistd.h>

#define PAGE      4096
#define LIMIT_MS  120000

static uint32_t populated(void)
{
    struct pvk_meminfo mi;

    if (pvk_meminfo(&mi))
        return 0;
    return mi.total_pages - mi.ballooned_pages;
}

/* Wait for a mem-set limit of at most limit pages, then for the guest to
 * shrink to it. */
static int limited(unsigned int limit)
{
    struct pvk_meminfo mi;
    unsigned int waited = 0;

    printf("# balloontest: waiting for a limit of %u pages\n", limit);
    while (!pvk_meminfo(&mi) && mi.balloon_target > limit && waited < LIMIT_MS) {
        pvk_msleep(50);
        waited += 50;
    }
    ok(mi.balloon_target <= limit, "the target came down to %u (%u ms)",
       mi.balloon_target, waited);
    while (populated() > limit && waited < LIMIT_MS) {
        pvk_msleep(50);
        waited += 50;
    }
    ok(populated() <= limit, "the guest shrank to %u populated pfns",
       populated());
    return done();
}

int main(int argc, char **argv)
{
    unsigned int pages = argc > 1 ? (unsigned int)atoi(argv[1]) : 2048;
    unsigned int i, bad = 0, waited = 0;
    struct pvk_meminfo mi, mi2;
    uint32_t *p, before, peak;
    struct pvk_shareinfo si;

    if (!pages)
        return limited(argc > 2 ? (unsigned int)atoi(argv[2]) : 1024);
    pvk_meminfo(&mi);
    /* What the guest had at boot (it may have given pages back already,
     * while it waited for its disk). */
    before = mi.total_pages - mi.ballooned_pages + mi.balloon_shrunk -
             mi.balloon_grown;
    printf("# balloontest: %u of %u pfns populated (%u at boot), target %u\n",
           mi.total_pages - mi.ballooned_pages, mi.total_pages, before,
           mi.balloon_target);
    /* Idle first: the guest gives back what it does not use, so that the
     * pages below come back within its entitlement (start=). */
    while (populated() > before / 2 && waited < LIMIT_MS) {
        pvk_msleep(10);
        waited += 10;
    }
    pvk_meminfo(&mi);
    ok(mi.ballooned_pages > 0 && populated() <= before / 2,
       "idle, the guest gave pages back: %u of %u populated (%u ms)",
       populated(), before, waited);
    before = populated();
    waited = 0;
    p = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANON, -1, 0);
    if (!ok(p != MAP_FAILED, "mapped %u pages", pages))
        return done();
    for (i = 0; i < pages * (PAGE / 4); i++)
        p[i] = i * 2654435761U;
    peak = populated();
    pvk_meminfo(&mi2);
    ok(peak > before && mi2.balloon_grown > mi.balloon_grown,
       "writing them populated pfns again: %u -> %u populated (%u grown)",
       before, peak, mi2.balloon_grown - mi.balloon_grown);
    for (i = 0; i < pages * (PAGE / 4); i++)
        bad += p[i] != i * 2654435761U;
    is(bad, 0, "every word reads back");
    munmap(p, (size_t)pages * PAGE);
    while (populated() > before + 128 && waited < LIMIT_MS) {
        pvk_msleep(10);
        waited += 10;
    }
    pvk_meminfo(&mi2);
    ok(populated() <= before + 128 && mi2.balloon_shrunk > mi.balloon_shrunk,
       "idle, the guest gave them back: %u populated, %u shrunk (%u ms)",
       populated(), mi2.balloon_shrunk - mi.balloon_shrunk, waited);
    ok(pvk_shareinfo(&si) == 0, "share info");
    is(si.audit, 0, "the hypervisor's audit of this domain");
    return done();
}
