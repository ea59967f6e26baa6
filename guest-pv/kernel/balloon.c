/*
 * balloon.c - the balloon driver and self-ballooning: pfns whose frames the
 * kernel gave back to the hypervisor, and how many to have.
 *
 * With "balloon=self" on the command line the kernel reports its need to
 * the hypervisor's memory scheduler (XENMEM_balloon_report, public/memory.h):
 * the pages it uses plus a reserve of free pages (balloon_reserve=, default
 * 256). The answer is a target of populated pfns. Above it, free pages are
 * given back (their direct-map entry cleared, then decrease_reservation:
 * a page on a shared frame just leaves it, no copy); below it, when the
 * reserve runs short, pfns are populated again. Checked from the idle loop
 * every BALLOON_PERIOD_MS and whenever VIRQ_MEM_TARGET says the target
 * moved; an allocation that finds the free list short asks at once
 * (BALLOON_URGENT) before the page cache is shrunk. So free memory drains
 * out quickly when the need falls, and comes back at once when it rises.
 *
 * Without balloon=self the driver still takes pfns the domain was built
 * without (start= below mem=) as ballooned, and populates them when
 * memory runs short - but it never reports, so its target never moves.
 *
 * The repayment FIFO (Milos): memory above the entitlement (start=) is
 * lent, and the hypervisor raises the target above it only by as many
 * pages as are volatile: clean page-cache pages no process uses, listed on
 * the FIFO with their direct-map entries cleared, whose frames the
 * hypervisor may take at any time. Before such a page is used it is
 * rescued (an atomic exchange of its entry); if the hypervisor took it,
 * the page cache reads the data again (nr_rereads).
 *
 * With cleancache (cleancache.c) the need leaves out clean cache pages no
 * process maps, so following the target evicts them into the pool.
 *
 * Owns PG_BALLOONED pages and their list, and the FIFO. Never gives back a
 * page that is not free: kernel, anonymous and cache pages stay.
 */
#include "kernel.h"
#include <public/memory.h>

#define BALLOON_PERIOD_MS  50   /* report at least this often when idle   */
#define BALLOON_BATCH      256  /* pfns per memory_op                     */
#define BALLOON_RESERVE    256  /* free pages kept above the need          */

bool balloon_self;
uint32_t nr_ballooned;
static struct page *ballooned; /* PG_BALLOONED pages, through next */
static uint32_t reserve = BALLOON_RESERVE;
static uint32_t target;        /* the scheduler's, from the last report */
static uint32_t alloc_failures, grown, shrunk;
static uint64_t next_report;
static volatile bool target_moved;
static uint32_t batch[BALLOON_BATCH];
static uint32_t entitled;      /* populated at boot: start= */

#define FIFO_PAGES   REPAY_FIFO_MAX_PAGES
#define FIFO_MARGIN  32  /* volatile pages kept beyond what is lent      */
static struct repay_fifo *fifo;
uint32_t nr_volatile, nr_rereads, nr_repaid_seen;
static struct page *pending[64]; /* added, entries not yet published */
static unsigned int nr_pending;

static uint32_t populated(void)
{
    return nr_pages - nr_ballooned;
}

/* The pages in use plus the reserve: what the kernel asks for. Swapped
 * pages are in use too (as Linux's self-ballooning counts committed
 * memory): else each page swapped out would lower the target and push
 * more out. With cleancache, clean cache pages no process maps are not
 * counted: they can live in the hypervisor's pool (the guest runs small
 * and leans on it). */
static uint32_t need(void)
{
    uint32_t idle = cleancache_active() ? pagecache_idle_pages() : 0;

    return populated() - nr_free_pages - idle + nr_swapped + reserve;
}

void balloon_add(struct page *p)
{
    p->use = PG_BALLOONED;
    p->count = 0;
    p->flags = 0;
    p->next = ballooned;
    ballooned = p;
    nr_ballooned++;
    share_hint(p);
}

static long reservation(unsigned int cmd, uint32_t n)
{
    struct xen_memory_reservation r = {
        .extent_start = batch, .nr_extents = n, .domid = DOMID_SELF
    };

    return HYPERVISOR_memory_op(cmd, &r);
}

/* Pages on the FIFO the hypervisor has not taken: those it took and this
 * kernel has not come across yet are no promise any more. */
static uint32_t volatile_now(void)
{
    uint32_t unseen =
        fifo ? *(volatile uint32_t *)&fifo->taken - nr_repaid_seen : 0;

    return nr_volatile > unseen ? nr_volatile - unseen : 0;
}

/* Ask the scheduler; true if it answered. */
static bool report(bool urgent)
{
    struct xen_balloon_report r = {
        .need_pages = need(),
        .free_pages = nr_free_pages,
        .evictions = nr_evictions,
        .alloc_failures = alloc_failures,
        .flags = urgent ? BALLOON_URGENT : 0,
        .volatile_pages = volatile_now(),
    };

    if (HYPERVISOR_memory_op(XENMEM_balloon_report, &r))
        return false;
    target = r.target_pages;
    entitled = r.entitled;
    next_report = monotonic_ns() + BALLOON_PERIOD_MS * 1000000ULL;
    return true;
}

/* Give up to n free pages back. Returns how many went. */
static uint32_t balloon_out(uint32_t n)
{
    uint32_t i = 0, done;
    struct page *p;

    while (i < n && i < BALLOON_BATCH && (p = page_take_free()) != NULL) {
        pt_kmap_clear(p);
        p->flags &= ~PGF_SHARED; /* it leaves a shared frame with no copy */
        batch[i++] = page_to_pfn(p);
    }
    if (!i)
        return 0;
    pt_commit();
    pt_flush_all(); /* no translation of a frame we no longer have */
    done = (uint32_t)reservation(XENMEM_decrease_reservation, i);
    if (done != i)
        kpanic("balloon: decrease_reservation did %u of %u pfns (pfn %#x)",
               done, i, batch[done]);
    while (i--)
        balloon_add(pfn_to_page(batch[i]));
    shrunk += done;
    return done;
}

/* Populate up to n ballooned pfns; they join the free list. */
static uint32_t balloon_in(uint32_t n)
{
    struct page *list = ballooned, *p;
    uint32_t i = 0, done, k;

    for (p = list; p && i < n && i < BALLOON_BATCH; p = p->next)
        batch[i++] = page_to_pfn(p);
    if (!i)
        return 0;
    done = (uint32_t)reservation(XENMEM_populate_physmap, i);
    for (k = 0; k < done; k++) {
        p = ballooned;
        ballooned = p->next;
        nr_ballooned--;
        pt_kmap_set(p, batch[k]); /* the frame the hypervisor chose */
    }
    pt_commit();
    /* The first done pages of the old list, in order. */
    for (p = list, k = 0; k < done; k++) {
        struct page *next = p->next;

        page_free_new(p); /* zeroed frame: no clear needed */
        p = next;
    }
    grown += done;
    return done;
}

/* Move toward the target: out while above it, in while the reserve is
 * short and the target allows. */
static void follow_target(void)
{
    uint32_t have = populated();

    if (have > target) {
        uint32_t spare;

        /* Below what it uses (a mem-set limit, a short machine): clean
         * cache pages go first, as under any memory pressure. */
        if (nr_free_pages < LOW_WATERMARK + min(have - target, BALLOON_BATCH))
            pagecache_shrink(min(have - target, BALLOON_BATCH));
        spare = nr_free_pages > LOW_WATERMARK ? nr_free_pages - LOW_WATERMARK
                                              : 0;
        balloon_out(min(have - target, spare));
    } else if (have < target && nr_free_pages < reserve) {
        balloon_in(min(target - have, reserve - nr_free_pages));
    }
}

/* --- The repayment FIFO ------------------------------------------------ */

static uint32_t xchg32(volatile uint32_t *p, uint32_t v)
{
    asm volatile("xchgl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
    return v;
}

bool repay_add(struct page *p)
{
    if (!fifo || nr_pending == ARRAY_SIZE(pending) ||
        fifo->tail + nr_pending - fifo->head >= fifo->size)
        return false;
    pt_kmap_clear(p); /* mapped nowhere while its frame is not ours */
    p->flags |= PGF_VOLATILE;
    share_hint(p);
    pending[nr_pending++] = p;
    return true;
}

/* The entries go out only once no entry maps their frames any more. */
void repay_publish(void)
{
    unsigned int i;

    if (!nr_pending)
        return;
    pt_commit();
    pt_flush_all();
    for (i = 0; i < nr_pending; i++) {
        struct page *p = pending[i];

        p->fifo_slot = fifo->tail;
        fifo->pfn[fifo->tail % fifo->size] = page_to_pfn(p);
        asm volatile("" ::: "memory"); /* the entry before the index */
        fifo->tail++;
        nr_volatile++;
    }
    nr_pending = 0;
}

bool repay_rescue(struct page *p)
{
    uint32_t pfn = page_to_pfn(p), old;

    KASSERT(p->flags & PGF_VOLATILE);
    old = xchg32((volatile uint32_t *)&fifo->pfn[p->fifo_slot % fifo->size],
                 REPAY_RESCUED);
    p->flags &= ~PGF_VOLATILE;
    nr_volatile--;
    if (old == REPAY_TAKEN || p2m[pfn] == INVALID_P2M_ENTRY) {
        nr_repaid_seen++;
        return false;
    }
    pt_kmap_set(p, pfn_to_mfn(pfn));
    pt_commit();
    share_hint(p);
    return true;
}

/* Keep as many pages volatile as are lent, and a margin. */
static void fifo_fill(void)
{
    uint32_t want, have = need();

    if (!fifo)
        return;
    /* (Nothing lent, nothing promised: a volatile page cannot be shared.) */
    want = have > entitled ? have - entitled + FIFO_MARGIN : 0;
    if (volatile_now() < want)
        pagecache_make_volatile(want - volatile_now());
}

static void fifo_init(void)
{
    struct xen_repay_register r;
    struct page *p = page_alloc_contig(FIFO_PAGES);
    long rc;

    if (!p)
        kpanic("balloon: no memory for the repayment FIFO");
    memset(page_va(p), 0, FIFO_PAGES * PAGE_SIZE);
    r.fifo_pfn = page_to_pfn(p);
    r.fifo_pages = FIFO_PAGES;
    rc = HYPERVISOR_memory_op(XENMEM_repay_register, &r);
    if (rc)
        kpanic("balloon: repay_register refused (%ld)", rc);
    fifo = page_va(p);
}

void balloon_work(void)
{
    if (!balloon_self)
        return;
    fifo_fill();
    if (target_moved || monotonic_ns() >= next_report) {
        target_moved = false;
        if (!report(false))
            return;
    }
    follow_target();
}

bool balloon_work_due(void)
{
    return balloon_self &&
           (target_moved || monotonic_ns() >= next_report ||
            (populated() > target && nr_free_pages > LOW_WATERMARK));
}

uint32_t balloon_grow_now(uint32_t n)
{
    uint32_t got;

    if (!nr_ballooned)
        return 0;
    if (balloon_self)
        fifo_fill();
    if (balloon_self && !report(true))
        return 0;
    if (balloon_self && target <= populated())
        return 0;
    got = balloon_in(balloon_self ? min(n + reserve, target - populated())
                                  : n);
    if (!got)
        alloc_failures++;
    return got;
}

static void on_target(evtchn_port_t port, struct guest_regs *regs)
{
    (void)port;
    (void)regs;
    target_moved = true;
}

void balloon_init(void)
{
    char buf[16];
    int port;

    reserve = (uint32_t)cmdline_get_ulong("balloon_reserve", BALLOON_RESERVE);
    balloon_self = cmdline_get("balloon", buf, sizeof(buf)) &&
                   !strcmp(buf, "self");
    target = populated();
    if (!balloon_self) {
        if (nr_ballooned)
            kprintf("balloon: %u pfns without a frame (start= below mem=)\n",
                    nr_ballooned);
        return;
    }
    port = bind_virq(VIRQ_MEM_TARGET, on_target);
    if (port < 0)
        kpanic("balloon: cannot bind VIRQ_MEM_TARGET (%d)", port);
    entitled = populated();
    fifo_init();
    kprintf("balloon: self-ballooning, reserve %u pages; %u of %u pfns "
            "populated\n",
            reserve, populated(), nr_pages);
    (void)report(false);
}

void balloon_counts(uint32_t *out_grown, uint32_t *out_shrunk,
                    uint32_t *out_target)
{
    *out_grown = grown;
    *out_shrunk = shrunk;
    *out_target = target;
}
