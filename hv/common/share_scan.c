/*
 * share_scan.c - page hashing: the idle-loop scanner. It visits every pfn
 * of every registered sharing domain in turn, a bounded number a slice
 * (pages_to_scan, then a pause of sleep_millisecs, as KSM's knobs), hashes
 * the pages the guest marked eligible with XXH32 (per-boot seed), and looks
 * the hash up in the stable table (shared frames) and in the unstable
 * table (this round's private pages), which is flushed at the end of each
 * round. A hash match is a hint only: it makes an offer, and setup_shares
 * compares the pages in full (the guest's page unwritable meanwhile)
 * before anything is shared.
 *
 * Offered pfns go to the domain's share ring; the guest hears of them by
 * VIRQ_SHARING when SHARE_NOTIFY_BATCH are waiting or the round ends.
 * Like KSM: a page whose hash changed since the last visit is volatile and
 * not inserted; a page that matched nothing is skipped for 1, 3, then 7
 * rounds (smart scan).
 *
 * Owns the unstable table and the scan cursor. It never changes a guest's
 * page tables or frames; it only reads frames and writes the share ring.
 */
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/shadow.h>
#include <hv/sched.h>
#include <hv/stats.h>
#include <hv/time.h>
#include <asm/processor.h>
#include <public/sharing.h>

/* As mem_sharing.c includes it: for measure_hash()'s XXH64 and XXH3. */
#define XXH_INLINE_ALL
#define XXH_NO_STDLIB
#define XXH_FORCE_MEMORY_ACCESS 2
#include <xxhash.h>

static unsigned int opt_pages_to_scan = 256;
integer_param("pages_to_scan", opt_pages_to_scan);
static unsigned int opt_sleep_millisecs = 0;
integer_param("sleep_millisecs", opt_sleep_millisecs);
/* Run the sharing audit after each printed round (debug). */
static bool opt_share_audit;
boolean_param("share_audit", opt_share_audit);

#define SHARE_NOTIFY_BATCH  64
#define IDLE_ROUND_PAUSE_MS 10 /* after a round that offered nothing */
#define UNSTABLE_BUCKETS   8192

struct scan_node {
    struct scan_node *next;
    struct scan_node *all_next; /* every node of this round, for the flush */
    uint32_t hash;
    uint32_t pfn;
    uint16_t domid;
    uint8_t group;
};

uint64_t scan_rounds, scan_pages, scan_cycles, scan_volatile, scan_unshared,
    scan_skipped, hash_cycles_per_page;
uint32_t scan_meta_bytes;

static struct objpool node_pool;
static struct scan_node **unstable;
static struct scan_node *all_nodes;
static unsigned int cur_dom; /* index into domain_list */
static uint32_t cur_pfn;
static s_time_t next_scan;
static uint32_t bitmap_word, bitmap_word_pfn = ~0U, bitmap_mfn;
static const uint32_t *bitmap_map;
static uint64_t round_unshared;
static s_time_t last_print;       /* any SHARE line of the scanner's */
static s_time_t last_round_print; /* the last at=round one           */
static s_time_t round_start;      /* when the current round began    */
static unsigned int round_offers, round_offers_printed;
static bool idle_round;

/* PV domains once their driver registered; translated ones always (the
 * hypervisor shares their pages itself). */
static bool scannable(const struct domain *d)
{
    return d->share && (d->share->ring_mfn || is_translated(d)) &&
           !d->is_shutting_down;
}

/* --- The ring ----------------------------------------------------------- */

static void notify(struct domain *d)
{
    if (d->share->queued_unnotified) {
        d->share->queued_unnotified = 0;
        send_guest_vcpu_virq(d->vcpu, VIRQ_SHARING);
    }
}

void share_queue_pfn(struct domain *d, uint32_t pfn)
{
    struct share_dom *sh = d->share;
    struct share_ring *r;
    uint32_t prod, cons;

    if (is_translated(d)) {
        /* No guest to ask: set it up now, through the shadows. */
        sh_share(d, pfn);
        return;
    }
    r = map_domain_page(sh->ring_mfn);
    prod = r->prod;
    cons = r->cons;

    /* cons is the guest's: a value that makes no sense means a full ring. */
    if (prod - cons >= SHARE_RING_SIZE) {
        r->dropped++;
    } else {
        r->pfn[prod % SHARE_RING_SIZE] = pfn;
        asm volatile("" ::: "memory"); /* the pfn before the index */
        r->prod = prod + 1;
        sh->pfn[pfn].flags |= SCAN_QUEUED;
        sh->pfn[pfn].queued_round = (uint8_t)scan_rounds;
        sh->queued_unnotified++;
    }
    unmap_domain_page(r);
    if (sh->queued_unnotified >= SHARE_NOTIFY_BATCH)
        notify(d);
}

static bool ring_drained(struct domain *d)
{
    const struct share_ring *r;
    bool drained;

    if (is_translated(d))
        return true; /* no ring: offers are set up at once */
    r = map_domain_page(d->share->ring_mfn);
    drained = r->cons == r->prod;

    unmap_domain_page(r);
    return drained;
}

/* --- Tables ------------------------------------------------------------- */

static struct scan_node **unstable_bucket(uint32_t hash)
{
    return &unstable[hash & (UNSTABLE_BUCKETS - 1)];
}

/* Empty the table: only the buckets this round used are touched. */
static void unstable_flush(void)
{
    while (all_nodes) {
        struct scan_node *n = all_nodes;

        all_nodes = n->all_next;
        *unstable_bucket(n->hash) = NULL;
        objpool_free(&node_pool, n);
    }
}

/* The eligibility bits of pfn's word (the guest's bitmap), mapped once
 * per 32 pfns. */
static uint32_t eligible_word(struct domain *d, uint32_t pfn)
{
    uint32_t w = pfn / 32;

    /* A translated domain has no driver to say: every pfn is a candidate
     * (candidate_frame() still skips tables, pins and rings). */
    if (is_translated(d))
        return ~0U;

    if (bitmap_word_pfn != w) {
        uint32_t page = w / (PAGE_SIZE / 4);

        if (page >= d->share->bitmap_pages)
            return 0;
        /* The bitmap page stays mapped for the rest of the slice. */
        if (bitmap_mfn != d->share->bitmap_mfn[page]) {
            if (bitmap_map)
                unmap_domain_page(bitmap_map);
            bitmap_mfn = d->share->bitmap_mfn[page];
            bitmap_map = map_domain_page(bitmap_mfn);
        }
        bitmap_word = bitmap_map[w % (PAGE_SIZE / 4)];
        bitmap_word_pfn = w;
    }
    return bitmap_word;
}

static void bitmap_unmap(void)
{
    if (bitmap_map)
        unmap_domain_page(bitmap_map);
    bitmap_map = NULL;
    bitmap_mfn = 0;
    bitmap_word_pfn = ~0U;
}

static bool eligible(struct domain *d, uint32_t pfn)
{
    return (eligible_word(d, pfn) >> (pfn % 32)) & 1;
}

/* A private data frame of d's the scanner may read and offer. */
static bool candidate_frame(struct domain *d, uint32_t pfn, uint32_t *mfn)
{
    struct page_info *pg;

    *mfn = d->p2m[pfn];
    if (*mfn == INVALID_MFN)
        return false;
    pg = mfn_to_page(*mfn);
    if (page_get_owner(pg) != d || (pg->type_info & PGT_pinned) ||
        ((pg->type_info & PGT_type_mask) != PGT_writable_page &&
         (pg->type_info & PGT_count_mask)) ||
        ((d->share->gnttab[pfn / 32] >> (pfn % 32)) & 1))
        return false;
    /* Shadow mode: held by something besides its mappings (a block ring):
     * not worth a hash, it would be refused every round. */
    if (is_translated(d) && !sh_shareable(d, pfn))
        return false;
    return true;
}

/* Is the node's page still a private candidate? (Its contents are not
 * compared here: setup_shares compares them, and must anyway.) */
static bool node_valid(const struct scan_node *n)
{
    struct domain *d = get_domain_by_id(n->domid);
    uint32_t mfn;

    return d && scannable(d) && candidate_frame(d, n->pfn, &mfn);
}

static void offer(struct domain *d, uint32_t pfn, uint16_t pdom, uint32_t ppfn)
{
    struct scan_pfn *sp = &d->share->pfn[pfn];

    sp->partner = pdom ? SCAN_PARTNER(pdom, ppfn) : 0;
    sp->flags |= SCAN_MATCHED;
    if (!(sp->flags & SCAN_QUEUED)) {
        share_queue_pfn(d, pfn);
        round_offers++;
    }
}

/* --- One page ------------------------------------------------------------ */

static void scan_pfn(struct domain *d, uint32_t pfn)
{
    struct share_dom *sh = d->share;
    struct scan_pfn *sp = &sh->pfn[pfn];
    struct scan_node *n, **b;
    uint32_t mfn, h;
    const void *p;
    bool was_hashed, matched_before;

    if (!eligible(d, pfn) || !candidate_frame(d, pfn, &mfn))
        return;
    if (sp->flags & SCAN_QUEUED) {
        /* Offered, and the guest has drained its ring since without
         * setting it up: it declined. Look at it afresh then - never while
         * the offer may still be in the ring (no duplicate offers). */
        if ((uint8_t)(scan_rounds - sp->queued_round) < 2 || !ring_drained(d))
            return;
        sp->flags &= ~SCAN_QUEUED;
    }
    if (sp->skip & 0x0F) {
        sp->skip--; /* smart scan: it matched nothing lately */
        scan_skipped++;
        return;
    }
    p = map_domain_page(mfn);
    h = share_hash_page(p);
    scan_pages++;
    was_hashed = sp->flags & SCAN_HASHED;
    matched_before = sp->flags & SCAN_MATCHED;
    if (was_hashed && sp->hash != h) {
        /* Volatile: it changed since the last visit. */
        sp->hash = h;
        sp->skip = 0;
        sp->flags &= ~SCAN_MATCHED;
        scan_volatile++;
        goto out;
    }
    if (was_hashed && !matched_before) {
        /* Same contents, matched nothing last time: back off. */
        unsigned int level = min((unsigned int)(sp->skip >> 4) + 1, 3U);

        sp->skip = (uint8_t)((level << 4) | ((1U << level) - 1));
    }
    sp->hash = h;
    sp->flags = (sp->flags | SCAN_HASHED) & ~SCAN_MATCHED;

    /* Hash matches are offers, not shares: setup_shares compares in full. */
    if (h == zero_page_hash || share_stable_has_hash(sh->group, h)) {
        offer(d, pfn, 0, 0);
        goto out;
    }
    b = unstable_bucket(h);
    for (n = *b; n; n = n->next)
        if (n->hash == h && n->group == sh->group &&
            !(n->domid == d->domain_id && n->pfn == pfn) && node_valid(n)) {
            struct domain *pd = get_domain_by_id(n->domid);

            offer(d, pfn, n->domid, n->pfn);
            offer(pd, n->pfn, d->domain_id, pfn);
            goto out;
        }
    n = objpool_alloc(&node_pool);
    if (n) {
        n->hash = h;
        n->pfn = pfn;
        n->domid = d->domain_id;
        n->group = sh->group;
        n->next = *b;
        *b = n;
        n->all_next = all_nodes;
        all_nodes = n;
    }
    round_unshared++;
out:
    unmap_domain_page(p);
}

/* --- Rounds -------------------------------------------------------------- */

static void round_end(void)
{
    struct domain *d;

    unstable_flush(); /* the nodes stay in the pool for the next round */
    scan_rounds++;
    round_start = NOW();
    scan_unshared = round_unshared;
    round_unshared = 0;
    /* A round that offered nothing: the next one waits a while, so an idle
     * machine does not spin through empty rounds. */
    idle_round = !round_offers;
    round_offers = round_offers_printed = 0;
    scan_meta_bytes =
        UNSTABLE_BUCKETS * sizeof(void *) + objpool_bytes(&node_pool);
    for_each_domain (d)
        if (scannable(d) && !is_translated(d)) { /* (no ring, no VIRQ) */
            struct share_ring *r = map_domain_page(d->share->ring_mfn);

            r->round = (uint32_t)scan_rounds;
            unmap_domain_page(r);
            notify(d);
        }
    /* The SHARE line: each round, but at most once a second. */
    /* (Mid-round lines do not count: a round's own line is not pushed
     * back by them.) */
    if (last_round_print && NOW() - last_round_print < SECONDS(1))
        return;
    last_print = last_round_print = NOW();
    share_print("round");
    if (opt_share_audit) {
        unsigned int errors = share_audit(true);
        struct share_totals t;

        share_totals(&t);
        printk("SHARE-AUDIT round=%llu errors=%u max_saving=%u saved=%d",
               (unsigned long long)scan_rounds, errors, share_max_saving(),
               (int)t.sharing_pfns - (int)t.shared_mfns);
        if (errors)
            panic("share: the audit found %u errors after round %llu", errors,
                  (unsigned long long)scan_rounds);
    }
}

/* The next pfn to visit, or NULL at the end of a round. */
static struct domain *advance(void)
{
    while (cur_dom < nr_domains) {
        struct domain *d = domain_list[cur_dom];

        if (d && scannable(d) && cur_pfn < d->p2m_size)
            return d;
        if (d && scannable(d))
            d->share->scan_passes++; /* SHAREOP_scan_info */
        cur_dom++;
        cur_pfn = 0;
        bitmap_word_pfn = ~0U;
    }
    return NULL;
}

static bool any_scannable(void)
{
    struct domain *d;

    for_each_domain (d)
        if (scannable(d))
            return true;
    return false;
}

/*
 * A guest's timer has expired while the scanner runs (interrupts are off,
 * so the tick that would wake it waits for the slice to end): stop the
 * slice, the scanner only fills time nobody else wants. Shadow-mode
 * slices are long (every page hashed may be set up at once).
 */
static bool guest_timer_due(void)
{
    s_time_t now = NOW();
    struct domain *d;

    for_each_domain (d)
        if (d->vcpu && d->vcpu->timer_deadline &&
            now >= d->vcpu->timer_deadline)
            return true;
    return false;
}

static bool share_scan_work(void)
{
    uint64_t t0;
    unsigned int visited = 0;
    uint64_t pages0 = scan_pages, timer_checked = scan_pages;
    uint32_t mask;

    if (NOW() < next_scan || !any_scannable())
        return false;
    t0 = rdtsc();
    while (visited < opt_pages_to_scan * 4 &&
           scan_pages - pages0 < opt_pages_to_scan) {
        struct domain *d;

        /* Every 8 pages hashed (the clock is not free either). */
        if (scan_pages != timer_checked && !((scan_pages - pages0) % 8)) {
            timer_checked = scan_pages;
            if (guest_timer_due())
                break;
        }
        d = advance();

        if (!d) {
            scan_cycles += rdtsc() - t0;
            round_end();
            cur_dom = 0;
            cur_pfn = 0;
            bitmap_word_pfn = ~0U;
            t0 = rdtsc();
            break;
        }
        visited++;
        /* Only pfns the guest says are eligible and not yet shared: a
         * word of 32 with none is one step, and within a word the scan
         * jumps from candidate to candidate. */
        for (;;) {
            mask = (eligible_word(d, cur_pfn) &
                    ~d->share->shared_bits[cur_pfn / 32]) >>
                   (cur_pfn % 32);
            if (mask || cur_pfn >= d->p2m_size)
                break;
            cur_pfn = ROUNDUP(cur_pfn + 1, 32);
        }
        if (!mask)
            continue; /* the end of d: advance() moves on */
        cur_pfn += (uint32_t)__builtin_ctz(mask);
        if (cur_pfn >= d->p2m_size)
            continue;
        scan_pfn(d, cur_pfn++);
    }
    bitmap_unmap(); /* a guest's frame is not kept mapped between slices */
    /* A round that has run for over a second (shadow-mode domains offer
     * every pfn, set up at once) still shows its progress: at most once a
     * second, if it offered anything since. */
    if (round_offers != round_offers_printed &&
        NOW() - round_start >= SECONDS(1) &&
        NOW() - last_print >= SECONDS(1)) {
        last_print = NOW();
        round_offers_printed = round_offers;
        share_print("scan");
    }
    scan_cycles += rdtsc() - t0;
    /* Cut short for a guest: the slice goes on at the next idle moment,
     * with no pause (a pause is per slice of work done, not per cut). */
    if (guest_timer_due())
        next_scan = 0;
    else
        next_scan = NOW() + MILLISECS(idle_round ? max(opt_sleep_millisecs,
                                                       IDLE_ROUND_PAUSE_MS)
                                                   : opt_sleep_millisecs);
    idle_round = false;
    return true;
}

/*
 * The raw cost of hashing one page, to compare the scanner's with; XXH64
 * and XXH3_64bits and a full page compare are timed beside it, so the
 * choice of XXH32 stays a measured one (docs/benchmarks.md).
 */
static void measure_hash(void)
{
    void *p = alloc_xenheap_pages(2);
    uint64_t t0, c64, c3, ccmp;
    unsigned int i;
    uint32_t h = 0;
    uint64_t h64 = 0;
    bool eq = true;

    if (!p)
        return;
    memset(p, 0x5A, 2 * PAGE_SIZE);
    t0 = rdtsc();
    for (i = 0; i < 16; i++)
        h += share_hash_page(p);
    hash_cycles_per_page = (rdtsc() - t0) / 16;
    stats.page_hashes -= 16;
    t0 = rdtsc();
    for (i = 0; i < 16; i++)
        h64 ^= XXH64(p, PAGE_SIZE, share_seed);
    c64 = (rdtsc() - t0) / 16;
    t0 = rdtsc();
    for (i = 0; i < 16; i++)
        h64 ^= XXH3_64bits_withSeed(p, PAGE_SIZE, share_seed);
    c3 = (rdtsc() - t0) / 16;
    t0 = rdtsc();
    for (i = 0; i < 16; i++)
        eq &= share_pages_equal(p, (char *)p + PAGE_SIZE);
    ccmp = (rdtsc() - t0) / 16;
    stats.page_compares -= 16;
    free_xenheap_pages(p, 2);
    printk("share: XXH32 of a page takes %llu cycles (hash %#x); "
           "pages_to_scan=%u sleep_millisecs=%u",
           (unsigned long long)hash_cycles_per_page, h, opt_pages_to_scan,
           opt_sleep_millisecs);
    printk("share: page costs in cycles: xxh32=%llu xxh64=%llu xxh3_64=%llu "
           "compare=%llu (hash64 %#llx, equal %d)",
           (unsigned long long)hash_cycles_per_page, (unsigned long long)c64,
           (unsigned long long)c3, (unsigned long long)ccmp,
           (unsigned long long)h64, eq);
}

void share_scan_init(void)
{
    objpool_init(&node_pool, "scan_node", sizeof(struct scan_node),
                 share_pool_get, 0);
    unstable =
        alloc_xenheap_pages(UNSTABLE_BUCKETS * sizeof(void *) / PAGE_SIZE);
    if (!unstable)
        panic("share_scan_init: out of memory");
    if (!opt_pages_to_scan)
        opt_pages_to_scan = 1;
    measure_hash();
    register_idle_work(share_scan_work);
}

/* At the end of the run: the unstable table's pages go back. */
void share_scan_release(void)
{
    unstable_flush();
    objpool_release(&node_pool, share_pool_put);
}
