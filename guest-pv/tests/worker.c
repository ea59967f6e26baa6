/*
 * worker - a well-behaved guest that keeps busy: for "rounds=R" rounds it
 * writes a pattern of its own into "pages=N" pages, sleeps a little,
 * then checks every byte is still what it wrote. Run beside other guests
 * it shows they run concurrently (their lines interleave) and cannot touch
 * each other's memory. Prints TAP and a progress line per round.
 */
#include <guest/test.h>

static volatile unsigned int ticks;

static void on_timer(evtchn_port_t port, struct guest_regs *regs)
{
    ticks++;
}

static uint32_t pattern(unsigned int page, unsigned int word,
                        unsigned int round)
{
    return (start_info->domid * 0x9E3779B9U) ^ (round << 16) ^ (page << 10) ^
           word;
}

void test_main(void)
{
    unsigned int npages = (unsigned int)cmdline_get_ulong("pages", 256);
    unsigned int rounds = (unsigned int)cmdline_get_ulong("rounds", 5);
    unsigned int r, p, w, bad = 0;
    uint32_t **pages;
    uint64_t t0 = monotonic_ns();

    ok(bind_virq(VIRQ_TIMER, on_timer) > 0, "timer bound");
    pages = alloc_page();
    GUEST_BUG_ON(npages > PAGE_SIZE / sizeof(*pages));
    for (p = 0; p < npages; p++)
        if (!(pages[p] = alloc_page()))
            guest_panic("out of pages at %u", p);

    for (r = 0; r < rounds; r++) {
        uint32_t sum = 0;

        for (p = 0; p < npages; p++)
            for (w = 0; w < 1024; w++)
                pages[p][w] = pattern(p, w, r);
        nap_ms(2); /* let the others run over our memory's lifetime */
        for (p = 0; p < npages; p++)
            for (w = 0; w < 1024; w++) {
                bad += pages[p][w] != pattern(p, w, r);
                sum = sum * 31 + pages[p][w];
            }
        printk("round %u/%u: %u pages written and verified, sum %08x, %u ms\n",
               r + 1, rounds, npages, sum,
               (unsigned int)((monotonic_ns() - t0) / 1000000));
    }
    is(bad, 0, "%u rounds over %u pages: every word as written", rounds,
       npages);
    is(HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0), 0, "audit agrees");
}
