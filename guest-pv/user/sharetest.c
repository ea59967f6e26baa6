/*
 * sharetest - page sharing seen from a process, run in several guests of
 * one share group: "sharetest+PAGES+SEED" (SEED differs per guest).
 *
 * It fills PAGES anonymous pages with contents every guest has (page i
 * a function of i), PAGES/4 with contents only this guest has (a function
 * of SEED) and PAGES/4 with zeroes, keeps their checksums, and idles until
 * the hypervisor has shared them. Then: common and zero pages must be
 * shared, unique ones never; contents unchanged. Copy-on-write: it writes a
 * word, unique to this guest, into a quarter of the common pages (its own
 * quarter, chosen by SEED) - each must become private and hold the write,
 * the rest stay shared - and a forked child writes others (the guest's own
 * CoW copies them once: internal CoW) while the parent's stay shared. After
 * the other guests did the same, every page is checked again: a write that
 * leaked through a shared frame shows as another guest's SEED. Last, the
 * reverse maps and the hypervisor's audit of this domain.
 *
 * In a shadow-mode guest the same checks hold with no driver: the
 * hypervisor shares and breaks transparently, and "shared" is its word
 * (pvk asks it through debug_op).
 */
#include <fnv.h>
#include <pvk.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <tap.h>
#include <unistd.h>

#define PAGE  4096
#define WORDS (PAGE / 4)
#define MAX_PASSES 20     /* scanner passes to wait for the shares        */
#define STARVED_MS 300000 /* a scanner that has not passed by then never will */

static unsigned int pages, seed;
static uint32_t *common, *unique, *zero;
static uint32_t *sum_common, *sum_unique;

static void fill(void)
{
    for (unsigned int i = 0; i < pages; i++)
        for (unsigned int w = 0; w < WORDS; w++)
            common[i * WORDS + w] = (i + 1) * 0x9E3779B9U ^ w;
    for (unsigned int i = 0; i < pages / 4; i++) {
        for (unsigned int w = 0; w < WORDS; w++)
            unique[i * WORDS + w] =
                (seed * 0x85EBCA6BU + i) ^ (w * 0xC2B2AE35U);
        for (unsigned int w = 0; w < WORDS; w++)
            zero[i * WORDS + w] = 0; /* present, and all zero */
    }
}

static uint32_t page_sum(const uint32_t *p)
{
    return fnv1a(FNV_INIT, p, PAGE);
}

static int shared(const void *va)
{
    struct pvk_pageinfo pi;

    return pvk_pageinfo((void *)va, &pi) == 0 && pi.shared;
}

static unsigned int count_shared(const uint32_t *base, unsigned int n)
{
    unsigned int c = 0;

    for (unsigned int i = 0; i < n; i++)
        c += shared(base + i * WORDS);
    return c;
}

/* Write value into word w of the common pages whose(i) holds; count those
 * that are then still shared or do not hold it. */
static unsigned int write_pages(int (*whose)(unsigned int), unsigned int w,
                                uint32_t value)
{
    unsigned int i, bad = 0;

    for (i = 0; i < pages; i++)
        if (whose(i))
            common[i * WORDS + w] = value;
    for (i = 0; i < pages; i++)
        if (whose(i))
            bad += shared(common + i * WORDS) || common[i * WORDS + w] != value;
    return bad;
}

/* Mine to write: a quarter of the common pages, by seed. */
static int mine(unsigned int i)
{
    return i % 4 == seed % 4;
}

/* The forked child's: another quarter. */
static int childs(unsigned int i)
{
    return i % 4 == (seed + 1) % 4;
}

int main(int argc, char **argv)
{
    unsigned int i, bad, waited = 0, leaked = 0;
    double t0;
    struct pvk_shareinfo si;
    pid_t pid;
    int status;

    pages = argc > 1 ? (unsigned int)atoi(argv[1]) : 256;
    seed = argc > 2 ? (unsigned int)atoi(argv[2]) : 1;
    pages &= ~3U;
    common = mmap(NULL, (size_t)pages * PAGE * 3 / 2, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANON, -1, 0);
    if (!ok(common != MAP_FAILED, "mapped %u pages", pages * 3 / 2))
        return done();
    unique = common + pages * WORDS;
    zero = unique + pages / 4 * WORDS;
    sum_common = malloc(pages * sizeof(uint32_t));
    sum_unique = malloc(pages / 4 * sizeof(uint32_t));
    fill();
    for (i = 0; i < pages; i++)
        sum_common[i] = page_sum(common + i * WORDS);
    for (i = 0; i < pages / 4; i++)
        sum_unique[i] = page_sum(unique + i * WORDS);
    ok(pvk_shareinfo(&si) == 0 && (si.active || si.transparent),
       "the domain shares: through its driver, or transparently (shadow)");

    /* Idle until the scanner and the driver have done their work: the
     * bound is in the scanner's passes over this domain, not in time (a
     * busy host slows the passes down, it does not make them fewer); the
     * time limit only catches a scanner that never runs. */
    t0 = pvk_now_s();
    while (waited < MAX_PASSES && (count_shared(common, pages) < pages ||
                                   count_shared(zero, pages / 4) < pages / 4)) {
        if (pvk_wait_scan(1, STARVED_MS) < 1)
            break;
        waited++;
    }
    printf("# sharetest: seed %u: shared after %u scanner passes, %.3f s\n",
           seed, waited, pvk_now_s() - t0);
    is(count_shared(common, pages), pages, "every common page is shared");
    is(count_shared(zero, pages / 4), pages / 4, "every zero page is shared");
    is(count_shared(unique, pages / 4), 0, "no unique page is shared");
    for (bad = 0, i = 0; i < pages; i++)
        bad += page_sum(common + i * WORDS) != sum_common[i];
    for (i = 0; i < pages / 4; i++)
        bad += page_sum(unique + i * WORDS) != sum_unique[i];
    is(bad, 0, "contents unchanged by sharing");

    /* Let every guest get here before anyone writes: the scanner passes
     * only while every guest idles, so two passes mean the others have
     * idled too (in their own wait above, most likely). */
    pvk_wait_scan(2, STARVED_MS);
    is(write_pages(mine, 7, 0x5EED0000U + seed), 0,
       "written pages are private and hold the write");

    pid = fork();
    if (pid == 0)
        _exit(write_pages(childs, 9, 0xC41D0000U + seed) ? 1 : 0);
    ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0,
       "the child's writes went to its own copies");
    for (bad = 0, i = 0; i < pages; i++)
        if (childs(i))
            bad += !shared(common + i * WORDS) ||
                   page_sum(common + i * WORDS) != sum_common[i];
    is(bad, 0, "the parent's pages the child wrote are unchanged and shared");

    /* The other guests write their quarters meanwhile. */
    pvk_wait_scan(2, STARVED_MS);
    for (bad = 0, i = 0; i < pages; i++) {
        uint32_t w7 = common[i * WORDS + 7];

        if (mine(i)) {
            common[i * WORDS + 7] = ((i + 1) * 0x9E3779B9U) ^ 7;
            bad += page_sum(common + i * WORDS) != sum_common[i];
        } else {
            bad += page_sum(common + i * WORDS) != sum_common[i];
            leaked += (w7 & 0xFFFF0000U) == 0x5EED0000U;
        }
    }
    for (i = 0; i < pages / 4; i++)
        bad += page_sum(unique + i * WORDS) != sum_unique[i];
    is(leaked, 0, "no other guest's write shows through");
    is(bad, 0, "every page holds what this guest wrote, and nothing else");
    for (bad = 0, i = 0; i < pages; i += 7)
        bad += pvk_rmap_check(common + i * WORDS) != 0;
    is(bad, 0, "reverse maps agree with the page tables");
    ok(pvk_shareinfo(&si) == 0, "share info");
    printf("# sharetest: offered=%u declined=%u refused=%u anon=%u mapped=%u "
           "cache=%u breaks=%u discards=%u internal_cow=%u shared_now=%u\n",
           si.offered, si.declined, si.refused, si.shared_anon,
           si.shared_mapped, si.shared_cache, si.breaks, si.discards,
           si.internal_cow, si.shared_now);
    if (si.transparent) {
        /* Shadow mode: the hypervisor broke the shares behind the guest's
         * back (its SHADOW line counts them); the guest's fork CoW copied
         * pages it never knew were shared. */
        ok(si.breaks == 0 && si.offered == 0, "no driver at work (shadow)");
        ok(si.shared_now >= pages / 2, "shared now (hypervisor's word): %u",
           si.shared_now);
    } else {
        ok(si.breaks >= pages / 4, "CoW breaks: %u", si.breaks);
        ok(si.internal_cow >= pages / 4, "internal CoW copies: %u",
           si.internal_cow);
    }
    is(si.audit, 0, "the hypervisor's audit of this domain");
    return done();
}
