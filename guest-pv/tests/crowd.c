/*
 * crowd - one of many small guests of one share group in shadow mode (the
 * scale scenarios, issue 16): "pages=N seed=S [linger=P]
 * [spin_from=MS spin_to=MS]".
 *
 * It fills N pages: three in four with contents every guest of the crowd
 * has (page i a function of i), one in four with contents of its own (a
 * function of S). It waits for the scanner, in passes over its memory
 * (SHAREOP_scan_info), until every common page is shared (the
 * hypervisor's word, DEBUGOP_frame_info: a translated guest has no driver)
 * or 40 passes went by, and checks that every common page is shared, no
 * unique page is, and every page still holds what it wrote. It keeps its
 * pages LINGER more passes (linger=, default 8), so that a guest that
 * starts filling late still finds the others' pages. With
 * spin_from/spin_to it then spins, never idle, from one instant of the
 * hypervisor's clock to another, counting its loops ("crowd: spins=N"):
 * equal guests spinning in the same window get equal CPU if the scheduler
 * is fair.
 *
 * Quiet domains (share-quiet.scn): with adopt=S2 it then naps adopt_after
 * ms with no hypercall but its timer's (the scanner finds nothing new in
 * it and leaves it alone), writes the unique contents of guest S2 into
 * its own unique pages through the mappings it wrote them by (nothing
 * tells the hypervisor), and waits, asking only DEBUGOP_frame_info, until
 * they are shared with S2's, which the scanner must find by itself. With
 * hold=MS it keeps its pages, as quietly, until all of them are shared (a
 * guest adopted its unique ones) or MS ms have passed, before it ends.
 * Prints TAP.
 */
#include <guest/test.h>
#include <public/debug.h>
#include <public/sharing.h>

#define MAX_PAGES  1024
#define MAX_PASSES 40
/* A failure's bound: a quiet domain is visited every 2 s at most by
 * default, and an unchanged page that matched nothing is hashed at one
 * visit in 8 (smart scan): a write is seen within about 16 s. */
#define ADOPT_WAIT_MS 60000

static uint32_t *page[MAX_PAGES];
static unsigned int npages, seed;

static void on_timer(evtchn_port_t port, struct guest_regs *regs)
{
    (void)port;
    (void)regs;
}

static bool common(unsigned int i)
{
    return i % 4 != 3;
}

static uint32_t word(unsigned int i, unsigned int w)
{
    return common(i) ? (i + 1) * 0x9E3779B9U ^ w * 0x85EBCA6BU
                     : (seed * 0xC2B2AE35U + i) ^ w * 0x27D4EB2FU;
}

static bool shared(unsigned int i)
{
    struct debug_frame_info fi;

    return HYPERVISOR_debug_op(DEBUGOP_frame_info, virt_to_pfn(page[i]),
                               (unsigned long)&fi) == 0 &&
           fi.shared;
}

static uint32_t passes(void)
{
    struct share_scan_info si;

    return HYPERVISOR_sharing_op(SHAREOP_scan_info, (unsigned long)&si, 0) ==
                   0
               ? si.passes
               : 0;
}

void test_main(void)
{
    unsigned int i, w, sc, su, bad, ncommon = 0, adopt, t, hold;
    uint32_t p0, waited, seen;
    uint64_t from, to, spins = 0;

    npages = cmdline_get_ulong("pages", 64);
    seed = cmdline_get_ulong("seed", 1);
    if (npages > MAX_PAGES)
        npages = MAX_PAGES;
    ok(bind_virq(VIRQ_TIMER, on_timer) > 0, "bind VIRQ_TIMER");
    for (i = 0; i < npages; i++) {
        page[i] = alloc_page();
        if (!page[i])
            break;
        for (w = 0; w < PAGE_SIZE / 4; w++)
            page[i][w] = word(i, w);
        ncommon += common(i);
    }
    is(i, npages, "filled %u pages (%u common)", npages, ncommon);

    /* Look at the pages again only when the scanner has passed: 64
     * guests asking about 128 pages every few ms keep the CPU busy, and
     * the scanner runs mostly when the CPU idles. */
    p0 = passes();
    for (seen = ~0U;;) {
        waited = passes() - p0;
        if (waited != seen) {
            seen = waited;
            for (i = 0, sc = su = 0; i < npages; i++)
                if (shared(i)) {
                    if (common(i))
                        sc++;
                    else
                        su++;
                }
            if (sc == ncommon || waited >= MAX_PASSES)
                break;
        }
        nap_ms(50);
    }
    printk("crowd: %u of %u common pages shared after %u passes, at %llu ms\n",
           sc, ncommon, waited,
           (unsigned long long)(monotonic_ns() / 1000000));
    is(sc, ncommon, "every common page is shared");
    is(su, 0, "no unique page is");
    for (i = 0, bad = 0; i < npages; i++)
        for (w = 0; w < PAGE_SIZE / 4; w++)
            bad += page[i][w] != word(i, w);
    is(bad, 0, "every word is what we wrote");
    p0 = passes();
    while (passes() - p0 < cmdline_get_ulong("linger", 8))
        nap_ms(50);

    adopt = cmdline_get_ulong("adopt", 0);
    if (adopt) {
        nap_ms(cmdline_get_ulong("adopt_after", 3000));
        seed = adopt;
        for (i = 0; i < npages; i++)
            for (w = 0; !common(i) && w < PAGE_SIZE / 4; w++)
                page[i][w] = word(i, w);
        for (t = 0;; t += 100) {
            for (i = 0, su = 0; i < npages; i++)
                su += !common(i) && shared(i);
            if (su == npages - ncommon || t >= ADOPT_WAIT_MS)
                break;
            nap_ms(100);
        }
        printk("crowd: %u of %u adopted pages shared, at %llu ms\n", su,
               npages - ncommon,
               (unsigned long long)(monotonic_ns() / 1000000));
        is(su, npages - ncommon,
           "every page written unseen in a quiet domain is found and shared");
        for (i = 0, bad = 0; i < npages; i++)
            for (w = 0; w < PAGE_SIZE / 4; w++)
                bad += page[i][w] != word(i, w);
        is(bad, 0, "every word is what we wrote");
    }
    hold = cmdline_get_ulong("hold", 0);
    for (t = 0; t < hold; t += 100) {
        for (i = 0, sc = 0; i < npages; i++)
            sc += shared(i);
        if (sc == npages)
            break;
        nap_ms(100);
    }

    from = cmdline_get_ulong("spin_from", 0) * 1000000ULL;
    to = cmdline_get_ulong("spin_to", 0) * 1000000ULL;
    if (to > from) {
        while (monotonic_ns() < from)
            nap_ms(10);
        while (monotonic_ns() < to)
            spins++;
        printk("crowd: spins=%llu from %llu to %llu ms\n",
               (unsigned long long)spins, (unsigned long long)(from / 1000000),
               (unsigned long long)(to / 1000000));
        ok(spins > 0, "spun from %llu to %llu ms",
           (unsigned long long)(from / 1000000),
           (unsigned long long)(to / 1000000));
    }
}
