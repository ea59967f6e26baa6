/*
 * mem_sched.c - the memory scheduler (the design is in hv/mem_sched.h):
 * targets from the guests' reports and the machine's free frames,
 * XENMEM_balloon_report, the user's mem-set limits, and the MEM lines.
 *
 * Owns struct mem_dom of every domain. It never allocates or frees a
 * frame itself: guests do, through memory_op, within their targets; it
 * only decides targets and tells guests when to ask again.
 */
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/mem_sched.h>
#include <hv/mem_sharing.h>
#include <hv/mm.h>
#include <hv/time.h>
#include <asm/uaccess.h>
#include <public/memory.h>

/* Free frames the scheduler never grants: copy-on-write breaks, shadow
 * tables and the hypervisor's own needs come first. */
static unsigned int opt_mem_reserve = 2048;
integer_param("mem_reserve", opt_mem_reserve);
/* How often guests still short of their need are told to ask again, ms. */
static unsigned int opt_mem_poke_ms = 100;
integer_param_range("mem_poke_ms", opt_mem_poke_ms, 1, 60000);
/* The MEM lines while guests balloon: at most one set this often, ms. */
static unsigned int opt_mem_print_ms = 1000;
integer_param_range("mem_print_ms", opt_mem_print_ms, 1, 3600000);

static struct {
    s_time_t last_print, last_poke;
    uint64_t moved;         /* reports and populate/decrease pfns so far */
    uint64_t moved_printed; /* ... at the last MEM line                 */
    uint32_t held_min;      /* fewest frames the guests held while all
                               were alive, once any balloons (0: none) */
    uint32_t held_min_pages; /* their guest_pages then                  */
    uint32_t machine_pages; /* frames the guests could have: free plus
                               held, at the first tick                 */
    uint32_t max_pages;     /* the guests' maxima then, summed         */
    uint32_t reclaimed;     /* volatile pages taken from FIFOs, ever   */
    unsigned int next_victim; /* mem_reclaim's turn: a domain_list index */
} ms;

uint32_t mem_sched_reserve(void)
{
    return opt_mem_reserve;
}

uint32_t mem_populated(const struct domain *d)
{
    return d->tot_pages + (d->share ? d->share->shared_pfns : 0);
}

void mem_sched_domain_init(struct domain *d)
{
    memset(&d->mem, 0, sizeof(d->mem));
    d->mem.target = d->cfg->start_pages;
    d->mem.need = d->cfg->start_pages;
    d->mem.entitled = d->cfg->start_pages;
}

/* What d should have if memory were plentiful: its need, within its
 * maximum, a user's limit, and - above its entitlement - the repayment it
 * promised (none once it broke a promise). */
static uint32_t want_of(const struct domain *d)
{
    const struct mem_dom *m = &d->mem;
    uint32_t w = min(m->need, d->p2m_size);
    uint32_t lent = m->fifo_bad ? 0 : m->volatile_reported;

    if (w > m->entitled)
        w = max(m->entitled, min(w, m->entitled + lent));
    return m->user_limit ? min(w, m->user_limit) : w;
}

/* want, or as much of it as the machine's spare frames allow (tmem's
 * ephemeral pages are spare: they go as soon as a frame is needed). */
static uint32_t grant(const struct domain *d, uint32_t want)
{
    uint32_t have = mem_populated(d);
    uint32_t free = nr_free_domheap_pages() + tmem_reclaimable();
    uint32_t spare = free > opt_mem_reserve ? free - opt_mem_reserve : 0;

    if (want <= have)
        return want;
    return have + min(want - have, spare);
}

/* --- The repayment FIFO -------------------------------------------------- */

/* The word of d's FIFO that holds field (a byte offset in the FIFO). */
static uint32_t *fifo_word(const struct domain *d, uint32_t off)
{
    uint32_t *page = map_domain_page(d->mem.fifo_mfn[off / PAGE_SIZE]);

    return page + (off % PAGE_SIZE) / 4;
}

static uint32_t fifo_read(const struct domain *d, uint32_t off)
{
    uint32_t *w = fifo_word(d, off), v = *w;

    unmap_domain_page(w);
    return v;
}

static void fifo_write(const struct domain *d, uint32_t off, uint32_t v)
{
    uint32_t *w = fifo_word(d, off);

    *w = v;
    unmap_domain_page(w);
}

#define FIFO_HEAD  offsetof(struct repay_fifo, head)
#define FIFO_TAIL  offsetof(struct repay_fifo, tail)
#define FIFO_SIZE  offsetof(struct repay_fifo, size)
#define FIFO_TAKEN offsetof(struct repay_fifo, taken)
#define FIFO_ENTRY(d, i)                                                       \
    (offsetof(struct repay_fifo, pfn) + ((i) % (d)->mem.fifo_size) * 4)

/* Entries between head and the guest's tail: never more than size (a
 * tail that says more is the guest's mistake: the ring is full). */
static uint32_t fifo_waiting(const struct domain *d, uint32_t head)
{
    uint32_t n = fifo_read(d, FIFO_TAIL) - head;

    return min(n, d->mem.fifo_size);
}

/* Leading entries the guest took back are skipped, so that its ring does
 * not fill up with them while the hypervisor never needs a frame. */
static void fifo_trim(struct domain *d)
{
    uint32_t head, n;

    if (!d->mem.fifo_pages)
        return;
    head = fifo_read(d, FIFO_HEAD);
    for (n = fifo_waiting(d, head); n; n--, head++)
        if (fifo_read(d, FIFO_ENTRY(d, head)) != REPAY_RESCUED)
            break;
    fifo_write(d, FIFO_HEAD, head);
}

/* The entries on d's FIFO that still name a page (from head to tail). */
static uint32_t fifo_count(const struct domain *d)
{
    uint32_t head = fifo_read(d, FIFO_HEAD), n = fifo_waiting(d, head), c = 0;
    uint32_t v;

    for (; n; n--, head++) {
        v = fifo_read(d, FIFO_ENTRY(d, head));
        c += v != REPAY_RESCUED && v != REPAY_TAKEN && v != REPAY_BAD;
    }
    return c;
}

/* A volatile page of d's: its own private frame, held by nothing but its
 * allocation (no mapping, no type, no pin), not under grant. */
static bool volatile_page(const struct domain *d, uint32_t pfn)
{
    uint32_t mfn = p2m_lookup(d, pfn);
    const struct page_info *pg;

    if (mfn == INVALID_MFN || share_pfn_under_grant(d, pfn))
        return false;
    pg = mfn_to_page(mfn);
    return page_get_owner(pg) == d && (pg->count_info & PGC_allocated) &&
           (pg->count_info & PGC_count_mask) == 1 &&
           !(pg->type_info & (PGT_count_mask | PGT_pinned));
}

/* Take d's oldest volatile page: 1 if a frame was freed, 0 if its FIFO
 * holds none. Entries that are not volatile pages are marked and counted
 * against d. */
static uint32_t take_one(struct domain *d)
{
    uint32_t head = fifo_read(d, FIFO_HEAD), n, pfn;

    for (n = fifo_waiting(d, head); n; n--) {
        pfn = fifo_read(d, FIFO_ENTRY(d, head));
        head++;
        fifo_write(d, FIFO_HEAD, head);
        if (pfn == REPAY_RESCUED || pfn == REPAY_TAKEN || pfn == REPAY_BAD)
            continue;
        if (!volatile_page(d, pfn) || mem_give_back(d, pfn)) {
            fifo_write(d, FIFO_ENTRY(d, head - 1), REPAY_BAD);
            d->mem.fifo_bad++;
            gprintk(d, "repayment FIFO: pfn %#x is not a volatile page: no "
                       "more memory above the entitlement",
                    pfn);
            continue;
        }
        fifo_write(d, FIFO_ENTRY(d, head - 1), REPAY_TAKEN);
        fifo_write(d, FIFO_TAKEN, fifo_read(d, FIFO_TAKEN) + 1);
        d->mem.repaid++;
        mem_sched_changed(d, -1);
        return 1;
    }
    return 0;
}

uint32_t mem_reclaim(uint32_t want)
{
    uint32_t cached = tmem_reclaim(want); /* the hypervisor's cache first */
    uint32_t freed = 0;
    unsigned int dry = 0;

    /* One page a domain in turn, until enough or a whole turn found none. */
    while (cached + freed < want && nr_domains && dry < nr_domains) {
        struct domain *d = domain_list[ms.next_victim % nr_domains];
        uint32_t got = 0;

        ms.next_victim++;
        if (d && d->mem.fifo_pages && !d->is_shutting_down)
            got = take_one(d);
        freed += got;
        dry = got ? 0 : dry + 1;
    }
    ms.reclaimed += freed;
    return cached + freed;
}

long mem_repay_register(struct domain *d, uint32_t arg)
{
    struct xen_repay_register r;
    struct mem_dom *m = &d->mem;
    uint32_t i, mfn;
    int rc;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    if (m->fifo_pages) {
        gprintk(d, "repay_register: already registered");
        return -EBUSY;
    }
    if (!r.fifo_pages || r.fifo_pages > REPAY_FIFO_MAX_PAGES) {
        gprintk(d, "repay_register: %u pages (1 .. %u)", r.fifo_pages,
                REPAY_FIFO_MAX_PAGES);
        return -EINVAL;
    }
    for (i = 0; i < r.fifo_pages; i++) {
        mfn = p2m_lookup(d, r.fifo_pfn + i);
        rc = mfn == INVALID_MFN ? -EINVAL
                                : get_page_and_type(mfn_to_page(mfn), d,
                                                    PGT_writable_page);
        if (rc) {
            while (i--)
                put_page_and_type(mfn_to_page(m->fifo_mfn[i]));
            gprintk(d, "repay_register: pfn %#x unusable (%d)",
                    r.fifo_pfn + i, rc);
            return rc;
        }
        m->fifo_mfn[i] = mfn;
    }
    m->fifo_pages = r.fifo_pages;
    m->fifo_size = (r.fifo_pages * PAGE_SIZE - sizeof(struct repay_fifo)) / 4;
    fifo_write(d, FIFO_HEAD, fifo_read(d, FIFO_TAIL));
    fifo_write(d, FIFO_SIZE, m->fifo_size);
    return 0;
}

void mem_sched_domain_destroy(struct domain *d)
{
    uint32_t i;

    for (i = 0; i < d->mem.fifo_pages; i++)
        put_page_and_type(mfn_to_page(d->mem.fifo_mfn[i]));
    d->mem.fifo_pages = 0;
}

long mem_sched_report(struct domain *d, struct xen_balloon_report *r)
{
    struct mem_dom *m = &d->mem;

    if (r->flags & ~BALLOON_URGENT) {
        gprintk(d, "balloon_report: unknown flags %#x", r->flags);
        return -EINVAL;
    }
    fifo_trim(d);
    m->need = r->need_pages;
    m->volatile_reported = m->fifo_pages ? r->volatile_pages : 0;
    /* A promise is only what the FIFO holds: a guest that claims more has
     * broken it. */
    if (m->volatile_reported > (m->fifo_pages ? fifo_count(d) : 0)) {
        m->fifo_bad++;
        gprintk(d, "balloon_report: %u volatile pages claimed, its FIFO "
                   "holds %u: no more memory above the entitlement",
                m->volatile_reported, m->fifo_pages ? fifo_count(d) : 0);
    }
    m->free_reported = r->free_pages;
    m->evictions = r->evictions;
    m->alloc_failures = r->alloc_failures;
    m->reports++;
    m->urgent += r->flags & BALLOON_URGENT;
    m->balloons = true;
    m->target = grant(d, want_of(d));
    ms.moved++;
    r->target_pages = m->target;
    r->populated = mem_populated(d);
    r->max_pages = d->p2m_size;
    r->entitled = m->entitled;
    return 0;
}

/* Tell every ballooning guest whose target could grow now to ask again. */
static void poke_short(const struct domain *except)
{
    struct domain *d;

    for_each_domain (d)
        if (d != except && d->mem.balloons && !d->is_shutting_down &&
            grant(d, want_of(d)) > d->mem.target)
            send_guest_vcpu_virq(d->vcpu, VIRQ_MEM_TARGET);
}

void mem_sched_changed(struct domain *d, int delta)
{
    if (!delta)
        return;
    if (delta > 0)
        d->mem.grown += (uint32_t)delta;
    else
        d->mem.shrunk += (uint32_t)-delta;
    ms.moved += (uint32_t)(delta > 0 ? delta : -delta);
    if (delta < 0)
        poke_short(d);
}

void mem_sched_set_limit(struct domain *d, uint32_t pages)
{
    d->mem.user_limit = pages ? min(pages, d->p2m_size) : 0;
    printk("mem-set: d%u (%s) limit %u pages%s", d->domain_id, d->name,
           d->mem.user_limit, pages ? "" : " (none)");
    ms.moved++;
    if (d->vcpu && !d->is_shutting_down)
        send_guest_vcpu_virq(d->vcpu, VIRQ_MEM_TARGET);
}

/* --- The MEM lines -------------------------------------------------------- */

struct mem_totals {
    uint32_t held, guest_pages, populated, targets;
    unsigned int alive, balloon;
};

static void totals(struct mem_totals *t)
{
    struct domain *d;

    memset(t, 0, sizeof(*t));
    for_each_domain (d) {
        if (d->is_dead)
            continue;
        t->alive++;
        t->balloon += d->mem.balloons;
        t->held += d->tot_pages;
        t->guest_pages += d->p2m_size;
        t->populated += mem_populated(d);
        t->targets += d->mem.target;
    }
    t->held += dom_cow->tot_pages; /* the shared frames, once each */
}

/*
 * MEM, key=value, at most once a second (mem_print_ms=) while guests
 * balloon and something moved, at each ballooning domain's exit and at
 * shutdown:
 *   free         free machine frames (domheap)
 *   reserve      of them never granted to a guest (mem_reserve=)
 *   held         frames the guests hold: their own plus the shared frames
 *   guest_pages  the guests' maxima (mem=), summed
 *   populated    their pfns with a frame (private or shared), summed
 *   targets      their targets, summed
 *   ballooned    guest_pages - populated
 *   reclaimed    volatile pages taken from the guests' FIFOs, ever
 *   time_ms      hypervisor time (the TSC; guest instructions under -icount)
 *   at           tick | exit-dN | shutdown | key
 * MEM-DOMAIN, one per live domain, the same moment:
 *   dN name      the domain
 *   target need  the scheduler's target; the guest's last reported need
 *   populated    its pfns with a frame: private + shared
 *   private shared ballooned max   its own frames; its pfns on shared
 *                frames; max - populated; its maximum (mem=)
 *   limit        mem-set's limit (0: none)
 *   reports urgent   its balloon reports; those under pressure
 *   grown shrunk pfns it populated / gave back since it was built
 *   evictions alloc_failures   its own counts, as last reported
 *   entitled volatile   its start=; the volatile pages it last reported
 *   repaid fifo_bad     volatile pages taken from it; entries that were not
 */
void mem_print(const char *why)
{
    struct mem_totals t;
    struct domain *d;

    totals(&t);
    printk("MEM free=%u reserve=%u held=%u guest_pages=%u populated=%u "
           "targets=%u ballooned=%u reclaimed=%u time_ms=%llu at=%s",
           nr_free_domheap_pages(), opt_mem_reserve, t.held, t.guest_pages,
           t.populated, t.targets, t.guest_pages - t.populated, ms.reclaimed,
           (unsigned long long)(NOW() / 1000000), why);
    for_each_domain (d) {
        const struct mem_dom *m = &d->mem;
        uint32_t pop = mem_populated(d);

        if (d->is_dead)
            continue;
        printk("MEM-DOMAIN d%u name=%s target=%u need=%u populated=%u "
               "private=%u shared=%u ballooned=%u max=%u limit=%u "
               "reports=%u urgent=%u grown=%u shrunk=%u evictions=%u "
               "alloc_failures=%u entitled=%u volatile=%u repaid=%u "
               "fifo_bad=%u at=%s",
               d->domain_id, d->name, m->target, m->need, pop, d->tot_pages,
               pop - d->tot_pages, d->p2m_size - pop, d->p2m_size,
               m->user_limit, m->reports, m->urgent, m->grown, m->shrunk,
               m->evictions, m->alloc_failures, m->entitled,
               m->volatile_reported, m->repaid, m->fifo_bad, why);
    }
    ms.moved_printed = ms.moved;
}

void mem_sched_tick(void)
{
    s_time_t now = NOW();
    struct mem_totals t;

    if (!nr_domains)
        return;
    totals(&t);
    if (!ms.machine_pages) {
        ms.machine_pages = nr_free_domheap_pages() + t.held;
        ms.max_pages = t.guest_pages;
    }
    if (!t.balloon)
        return;
    if (t.alive == nr_domains && (!ms.held_min || t.held < ms.held_min)) {
        ms.held_min = t.held;
        ms.held_min_pages = t.guest_pages;
    }
    if (now - ms.last_poke >= MILLISECS(opt_mem_poke_ms)) {
        ms.last_poke = now;
        poke_short(NULL);
    }
    if (ms.moved != ms.moved_printed &&
        now - ms.last_print >= MILLISECS(opt_mem_print_ms)) {
        ms.last_print = now;
        mem_print("tick");
    }
}

void mem_sched_finish(void)
{
    mem_print("shutdown");
    if (ms.machine_pages)
        printk("MEM-OVERCOMMIT guest_pages=%u machine_pages=%u "
               "ratio_per_mille=%u (the guests' maxima over the frames the "
               "machine had for them)",
               ms.max_pages, ms.machine_pages,
               (uint32_t)((uint64_t)ms.max_pages * 1000 / ms.machine_pages));
    if (ms.held_min)
        printk("MEM-SUMMARY held_min=%u guest_pages=%u held_min_per_mille=%u "
               "(the fewest machine frames the guests held, their own and "
               "the shared ones, while all were alive)",
               ms.held_min, ms.held_min_pages,
               (uint32_t)((uint64_t)ms.held_min * 1000 / ms.held_min_pages));
}

static void mem_key(unsigned char key)
{
    (void)key;
    mem_print("key");
}

/* A domain by id ("d2", "2") or by name. */
static struct domain *domain_by_word(const char *w, size_t n)
{
    struct domain *d;
    const char *end;
    uint32_t id;

    if (n > 1 && w[0] == 'd' && parse_u32(w + 1, &end, 10, &id) &&
        end == w + n)
        return get_domain_by_id((domid_t)id);
    if (parse_u32(w, &end, 10, &id) && end == w + n)
        return get_domain_by_id((domid_t)id);
    for_each_domain (d)
        if (strlen(d->name) == n && !strncmp(d->name, w, n))
            return d;
    return NULL;
}

/* "mem-set DOMAIN SIZE": SIZE in MiB, or with a K/M/G suffix; 0 or
 * "none" lifts the limit. */
static void cmd_mem_set(const char *args)
{
    const char *w = args, *end;
    struct domain *d;
    uint64_t kb;
    uint32_t n;
    size_t len = 0;

    while (w[len] && w[len] != ' ')
        len++;
    d = len ? domain_by_word(w, len) : NULL;
    if (!d || d->is_shutting_down) {
        printk("mem-set: no running domain '%.*s'", (int)len, w);
        return;
    }
    for (w += len; *w == ' '; w++)
        ;
    if (!strcmp(w, "none")) {
        mem_sched_set_limit(d, 0);
        return;
    }
    if (!parse_u32(w, &end, 10, &n)) {
        printk("mem-set: '%s' is not a size (e.g. 16M)", w);
        return;
    }
    kb = *end == 'K' || *end == 'k'   ? n
         : *end == 'G' || *end == 'g' ? (uint64_t)n << 20
                                      : (uint64_t)n << 10;
    end += *end && strchr("KkMmGg", *end) ? 1 : 0;
    if (*end) {
        printk("mem-set: '%s' is not a size (e.g. 16M)", w);
        return;
    }
    mem_sched_set_limit(d, (uint32_t)min(kb / 4, (uint64_t)d->p2m_size));
}

/* "reclaim N": take N volatile pages from the FIFOs now, as an empty
 * heap would (tests, and to watch the FIFOs work). */
static void cmd_reclaim(const char *args)
{
    const char *end;
    uint32_t n;

    if (!parse_u32(args, &end, 10, &n) || *end) {
        printk("reclaim: '%s' is not a number of pages", args);
        return;
    }
    printk("reclaim: %u of %u volatile pages taken", mem_reclaim(n), n);
}

void mem_sched_init(void)
{
    register_keyhandler('b', mem_key, "print the MEM lines (ballooning)");
    register_console_command("reclaim", cmd_reclaim,
                             "reclaim N: take N volatile pages from the "
                             "repayment FIFOs now");
    register_console_command("mem-set", cmd_mem_set,
                             "mem-set DOMAIN SIZE|none: limit a domain's "
                             "memory, as xl mem-set (DOMAIN: dN or name)");
}
