/*
 * sidechan - a tenant that tries to learn another tenant's page contents
 * through page sharing, and the victim it tries it on (issue 15).
 *
 *   sidechan victim PAGES SEED [PASSES]
 *       fills PAGES pages with secret contents (a function of SEED) and
 *       keeps them, idle, until the scanner has made PASSES passes after
 *       they were shared (default 30), then checks them.
 *   sidechan attack PAGES SEED EXPECT [SAMPLES_FILE]
 *       the attacker. It fills PAGES "guessed" pages, the victim's contents
 *       (it guessed right), and PAGES pages that match nothing, waits until
 *       the scanner has dealt with them, then writes one word into each,
 *       guessed and unmatched pages interleaved, timing each write with the
 *       TSC. A write to a merged page takes a copy-on-write fault that a
 *       private page does not: Dedup Est Machina's and Flip Feng Shui's
 *       timing channel. It also looks at what the hypervisor lets it see:
 *       which of its pages are shared (pvk's pageinfo: the P2M in PV, the
 *       hypervisor's word through debug_op in shadow mode) and, in PV, its
 *       M2P view.
 *       EXPECT says what must happen (each a TAP check):
 *         see    (a normal group: the control) - the guessed pages are
 *                shared, the others not, and the timing tells them apart;
 *         same   (a same-behaviour group) - every page shows as shared,
 *                and the timing does not tell which guesses were right;
 *         cross  (another group than the victim's) - no guessed page is
 *                ever shared, the M2P view shows nothing not ours, and the
 *                timing tells nothing.
 *       The timing: D, the two-sample Kolmogorov-Smirnov distance between
 *       the two samples (reported against its critical value at alpha
 *       0.001, 1.949 * sqrt((n + m) / (n m))), and what the attacker gets
 *       right page by page: in each pair (written one after the other),
 *       which page is the guess, taking the slower one. The check: at
 *       least 0.95 of the pairs for the control, at most 0.65 for the
 *       others (0.5 is a coin; its standard deviation over 512 pairs is
 *       0.022). A loaded host bunches its noise in time, which the KS
 *       test's calibration does not allow for; the pairs do. SAMPLES_FILE, if given, gets
 *       the raw samples ("g CYCLES" / "u CYCLES" lines).
 *
 * The wait is in scanner passes, not time (pvk_wait_scan). Prints TAP.
 */
#include <pvk.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tap.h>

#define PAGE       4096
#define WORDS      (PAGE / 4)
#define STARVED_MS 300000 /* a scanner that has not passed by then never will */
#define MAX_PASSES 40     /* passes to wait for the scanner to deal with us   */
#define KS_C_001   1.949  /* c(alpha) of the two-sample KS test, alpha 0.001 */
#define ACC_SEES   0.95   /* the control's attacker must be right this often  */
#define ACC_BLIND  0.65   /* an attacker must be right at most this often     */

#define M2P ((const volatile uint32_t *)0xFC000000U) /* MACH2PHYS_VIRT_START */
#define M2P_INVALID 0xFFFFFFFFU
#define M2P_SHARED  0xFFFFFFFEU

/* Word w of secret page i. */
static uint32_t word_of(uint32_t seed, unsigned int i, unsigned int w)
{
    return (seed * 0x85EBCA6BU + i * 0x9E3779B9U) ^ (w * 0xC2B2AE35U) ^
           0x5EC2E7U;
}

static void fill(uint32_t *p, unsigned int pages, uint32_t seed)
{
    for (unsigned int i = 0; i < pages; i++)
        for (unsigned int w = 0; w < WORDS; w++)
            p[i * WORDS + w] = word_of(seed, i, w);
}

static double root(double x) /* Newton's square root (no libm here) */
{
    double r = x > 1 ? x : 1;

    for (int k = 0; k < 60; k++)
        r = (r + x / r) / 2;
    return r;
}

static bool shared(const void *va)
{
    struct pvk_pageinfo pi;

    return pvk_pageinfo((void *)va, &pi) == 0 && pi.shared;
}

static unsigned int count_shared(const uint32_t *p, unsigned int pages)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < pages; i++)
        n += shared(p + i * WORDS);
    return n;
}

static uint32_t *map_pages(unsigned int pages)
{
    void *p = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANON, -1, 0);

    return p == MAP_FAILED ? NULL : p;
}

static int victim(unsigned int pages, uint32_t seed, unsigned int passes)
{
    uint32_t *p = map_pages(pages);
    unsigned int i, waited = 0, bad = 0;

    if (!ok(p, "victim: mapped %u secret pages", pages))
        return done();
    fill(p, pages, seed);
    /* Shared with the attacker's guesses (or merged alone): wait for it,
     * then stay while the attacker measures. */
    while (waited < MAX_PASSES && count_shared(p, pages) < pages &&
           pvk_wait_scan(1, STARVED_MS) == 1)
        waited++;
    diag("victim: %u of %u pages shared after %u passes",
         count_shared(p, pages), pages, waited);
    pvk_wait_scan(passes, STARVED_MS);
    for (i = 0; i < pages; i++)
        for (unsigned int w = 0; w < WORDS; w++)
            bad += p[i * WORDS + w] != word_of(seed, i, w);
    is(bad, 0, "victim: the secret pages are intact after the attack");
    return done();
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* The two-sample KS distance of sorted samples a[n] and b[m]. */
static double ks_distance(const uint64_t *a, unsigned int n, const uint64_t *b,
                          unsigned int m)
{
    unsigned int i = 0, j = 0;
    double d = 0;

    while (i < n && j < m) {
        uint64_t x = a[i] < b[j] ? a[i] : b[j];

        while (i < n && a[i] == x)
            i++;
        while (j < m && b[j] == x)
            j++;
        double gap = (double)i / n - (double)j / m;

        gap = gap < 0 ? -gap : gap;
        d = gap > d ? gap : d;
    }
    return d;
}

/* Our M2P view (max frames): entries not INVALID, and SHARED entries. */
static void m2p_census(uint32_t max, unsigned int *entries,
                       unsigned int *shared_entries)
{
    uint32_t mfn;

    *entries = *shared_entries = 0;
    for (mfn = 0; mfn < max; mfn++) {
        uint32_t v = M2P[mfn];

        *entries += v != M2P_INVALID;
        *shared_entries += v == M2P_SHARED;
    }
}

static int attack(unsigned int pages, uint32_t seed, const char *expect,
                  const char *samples)
{
    unsigned int n2 = 2 * pages;
    uint32_t *mem = map_pages(n2), *guess = map_pages(1);
    uint64_t *tg = malloc(pages * sizeof(uint64_t));
    uint64_t *tu = malloc(pages * sizeof(uint64_t));
    uint32_t *idx = malloc(n2 * sizeof(uint32_t)), r = seed * 2654435761U | 1;
    unsigned int i, j, g, u, waited = 0, sg, su, entries, shared_entries;

    bool see = !strcmp(expect, "see"), same = !strcmp(expect, "same"),
         cross = !strcmp(expect, "cross");
    struct pvk_meminfo mi;
    double d, crit, acc;
    unsigned int right2;

    if (!ok(mem && guess && tg && tu && idx && (see || same || cross),
            "attacker: %u guessed and %u unmatched pages, expect=%s", pages,
            pages, expect))
        return done();
    /* Pages 2k and 2k+1 hold guess k and unmatched page k, in an order
     * a coin decides (from the seed): no layout, fill order or time along
     * the measurement can stand in for the class, and whatever drifts
     * along it falls on both classes alike. idx[k] < N: the victim's
     * page idx[k]; else an unmatched page. */
    for (i = 0; i < pages; i++) {
        r ^= r << 13, r ^= r >> 17, r ^= r << 5;
        j = r >> 31;
        idx[2 * i + j] = i;
        idx[2 * i + 1 - j] = pages + i;
    }
    for (i = 0; i < n2; i++)
        for (unsigned int w = 0; w < WORDS; w++)
            mem[i * WORDS + w] = idx[i] < pages
                                     ? word_of(seed, idx[i], w)
                                     : word_of(seed ^ 0xA5A5A5A5U,
                                               idx[i] - pages, w);
    /* Wait for the scanner: until what we can see settles (see: every
     * guess shared; same: every page shared - merged or not, the same
     * to us), or a bound in passes (cross: nothing will be). */
    for (;;) {
        for (i = 0, sg = su = 0; i < n2; i++)
            if (shared(mem + i * WORDS)) {
                if (idx[i] < pages)
                    sg++;
                else
                    su++;
            }
        if ((see && sg == pages) || (same && sg + su == n2) ||
            waited >= (cross ? 8 : MAX_PASSES))
            break;
        if (pvk_wait_scan(1, STARVED_MS) < 1)
            break;
        waited++;
    }
    diag("attacker: after %u passes %u guessed and %u unmatched pages show "
         "as shared",
         waited, sg, su);
    if (see) {
        is(sg, pages, "control: every guessed page is shared (the victim "
                      "has it)");
        is(su, 0, "control: no unmatched page is");
    } else if (same) {
        ok(sg == pages && su == pages,
           "same behaviour: every page shows as shared, guessed or not "
           "(%u and %u of %u)",
           sg, su, pages);
    } else {
        ok(sg == 0 && su == 0,
           "across groups: no page of ours is shared (%u guessed, %u "
           "unmatched)",
           sg, su);
    }
    if (pvk_meminfo(&mi) == 0 && cross) {
        m2p_census(mi.machine_pages, &entries, &shared_entries);
        is(shared_entries, 0,
           "across groups: our M2P view shows no shared frame");
        ok(entries <= mi.total_pages,
           "  and no more frames than we have (%u entries, %u pages)",
           entries, mi.total_pages);
    }

    /* The measurement: one write a page, in address order (each pair of
     * pages, one of each class, written one after the other). */
    for (i = 0, g = u = 0; i < n2; i++) {
        volatile uint32_t *a = mem + i * WORDS + 5;
        uint64_t t0, t1;

        t0 = pvk_rdtsc();
        *a = i;
        t1 = pvk_rdtsc();
        if (idx[i] < pages)
            tg[g++] = t1 - t0;
        else
            tu[u++] = t1 - t0;
    }
    if (samples) {
        FILE *f = fopen(samples, "w");

        for (i = 0; f && i < pages; i++)
            fprintf(f, "g %llu\nu %llu\n", (unsigned long long)tg[i],
                    (unsigned long long)tu[i]);
        if (f)
            fclose(f);
    }
    /* What the attacker learns page by page: in each pair, which page is
     * the guess (the slower one; a tie is a coin). Both pages of a pair
     * are written one after the other, so whatever the host does to the
     * time falls on both. */
    for (i = 0, right2 = 0; i < pages; i++)
        right2 += tg[i] > tu[i] ? 2 : tg[i] == tu[i];
    acc = right2 / (2.0 * pages);
    qsort(tg, pages, sizeof(*tg), cmp_u64);
    qsort(tu, pages, sizeof(*tu), cmp_u64);
    d = ks_distance(tg, pages, tu, pages);
    crit = KS_C_001 * root(2.0 / pages);
    printf("# sidechan: expect=%s n=%u median guessed %llu unmatched %llu "
           "cycles; p10 %llu %llu; p90 %llu %llu; KS D=%.4f critical=%.4f\n",
           expect, pages, (unsigned long long)tg[pages / 2],
           (unsigned long long)tu[pages / 2],
           (unsigned long long)tg[pages / 10],
           (unsigned long long)tu[pages / 10],
           (unsigned long long)tg[pages * 9 / 10],
           (unsigned long long)tu[pages * 9 / 10], d, crit);
    diag("%s: KS D %.4f %s the critical value %.4f (alpha 0.001): the "
         "samples %s from one distribution; pairs told right %.3f",
         expect, d, d > crit ? "above" : "within", crit,
         d > crit ? "do not come" : "may come", acc);
    if (see)
        ok(acc >= ACC_SEES,
           "control: the timing tells which guesses were right (%.3f of "
           "pairs right, KS D %.3f)",
           acc, d);
    else
        ok(acc <= ACC_BLIND,
           "%s: the timing does not tell which guesses were right (%.3f "
           "of pairs right, KS D %.3f)",
           same ? "same behaviour" : "across groups", acc, d);
    for (i = 0, su = 0; i < n2; i++)
        su += mem[i * WORDS + 5] != i;
    is(su, 0, "every write landed");
    return done();
}

int main(int argc, char **argv)
{
    unsigned int pages = argc > 2 ? (unsigned int)atoi(argv[2]) : 512;
    uint32_t seed = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 1;

    if (argc > 1 && !strcmp(argv[1], "victim"))
        return victim(pages, seed,
                      argc > 4 ? (unsigned int)atoi(argv[4]) : 30);
    if (argc > 4 && !strcmp(argv[1], "attack") && pages >= 16)
        return attack(pages, seed, argv[4], argc > 5 ? argv[5] : NULL);
    fprintf(stderr, "usage: sidechan victim PAGES SEED [PASSES] | "
                    "sidechan attack PAGES SEED see|same|cross [FILE]\n");
    return 4;
}
