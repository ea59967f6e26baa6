/*
 * share_scan.c - page hashing: the idle-loop scanner. It visits every pfn
 * of every registered sharing domain in turn, a bounded number a slice
 * (pages_to_scan, then a pause of sleep_millisecs, as KSM's knobs), hashes
 * the pages the guest marked eligible with XXH32 (per-boot seed), and looks
 * the hash up in the stable table (shared frames) and in the unstable
 * table (private pages under the hash of their last visit, kept until
 * they change or stop being candidates). A hash match is a hint only: it
 * makes an offer, and setup_shares compares the pages in full (the
 * guest's page unwritable meanwhile) before anything is shared. A domain
 * in which a visit found nothing new is quiet: it is skipped until
 * share_changed() tells of an event in it or a pause (10 ms doubling to
 * scan_quiet_max_ms) has passed, so an idle machine costs next to nothing.
 *
 * Offered pfns go to the domain's share ring; the guest hears of them by
 * VIRQ_SHARING when SHARE_NOTIFY_BATCH are waiting or the round ends. A
 * translated domain has no ring: its offers are set up at once through
 * the shadows (hv/mem_sharing.h draws both paths). Like KSM: a page whose
 * hash changed since the last visit is volatile and not inserted; a page
 * that matched nothing is skipped for 1, 3, then 7 visits (smart scan).
 *
 * Owns the unstable table, struct share_scan (cursor, round state,
 * counters), as KSM's ksm_scan, and each domain's quiet state (gen,
 * scan_gen, quiet_level, quiet_until in struct share_dom). It never
 * changes a guest's page tables or frames; it only reads frames and
 * writes the share ring.
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
#include <public/sharing.h>

/* As mem_sharing.c includes it: for measure_hash()'s XXH64 and XXH3. */
#define XXH_INLINE_ALL
#define XXH_NO_STDLIB
#define XXH_FORCE_MEMORY_ACCESS 2
#include <xxhash.h>

static unsigned int opt_pages_to_scan = 256;
integer_param_range("pages_to_scan", opt_pages_to_scan, 1, 1U << 20);
static unsigned int opt_sleep_millisecs = 0;
integer_param_range("sleep_millisecs", opt_sleep_millisecs, 0, 60000);
/* Run the sharing audit after each printed round (debug). */
static bool opt_share_audit;
boolean_param("share_audit", opt_share_audit);
/* The scanner at all (off: only read-time sharing shares; a benchmark or a
 * test turns it on with the console's "set share_scan=1" when it wants). */
static bool opt_share_scan = true;
boolean_param("share_scan", opt_share_scan);
/* The share of the CPU (per mille) the scanner may take from guests that
 * never idle, beyond the idle time it uses: a guest that spins cannot
 * starve sharing (ksmd's pages_to_scan per sleep_millisecs, as a budget of
 * cycles refilled at each tick). 0: idle time only. */
static unsigned int opt_scan_busy = 50;
integer_param_range("scan_busy_per_mille", opt_scan_busy, 0, 500);
/* ... but only once the machine has not idled for this long, ms: while
 * guests leave idle time, the scanner takes none of theirs (0: always). */
static unsigned int opt_scan_starve_ms = 5000;
integer_param_range("scan_starve_ms", opt_scan_starve_ms, 0, 60000);

/* A domain in which a visit found nothing new is quiet: it is skipped
 * until its gen moves (share_changed()) or this long has passed since, 10
 * ms at first, doubling with each quiet visit (0: every domain is visited
 * every round). Those visits find what no event tells: a silent write
 * through a mapping that was writable already, a new eligibility bit. */
static unsigned int opt_scan_quiet_max_ms = 2000;
integer_param_range("scan_quiet_max_ms", opt_scan_quiet_max_ms, 0, 600000);

#define SHARE_NOTIFY_BATCH  64
#define IDLE_ROUND_PAUSE_MS 10 /* after a round that offered nothing */
#define QUIET_FIRST_MS      10 /* a quiet domain's first pause        */
#define SHARE_META_MIN_PAGES 16 /* heap pages an offer needs left      */
#define UNSTABLE_BUCKETS   8192

/* A private page in the unstable table, under the hash of its last visit
 * (its scan_pfn has SCAN_LISTED and the same hash). */
struct scan_node {
    struct scan_node *next;
    uint32_t hash;
    uint32_t pfn;
    uint16_t domid;
    uint8_t group;
};

/* The scanner's whole state (Linux ksm.c's struct ksm_scan and friends). */
static struct share_scan {
    /* The cursor. */
    unsigned int dom;          /* index into domain_list                  */
    uint32_t pfn;              /* next pfn of that domain to look at      */
    s_time_t next_slice;       /* no slice before this time               */
    /* The guest's eligibility bitmap word at the cursor, mapped once per
     * 32 pfns; the bitmap page stays mapped for the rest of the slice. */
    uint32_t bitmap_word;      /* the bits of pfns bitmap_word_pfn*32..   */
    uint32_t bitmap_word_pfn;  /* ~0: none cached                         */
    uint32_t bitmap_mfn;       /* the page mapped at bitmap_map, 0: none  */
    const uint32_t *bitmap_map;
    bool visiting;             /* visit_begin() let the cursor into dom   */
    /* The unstable table: private pages by their last hash. */
    struct scan_node **unstable;     /* UNSTABLE_BUCKETS chains         */
    struct objpool node_pool;
    /* This round. */
    s_time_t round_start;            /* when it began                   */
    unsigned int round_offers;       /* offers made in it               */
    unsigned int round_offers_printed; /* ... as of its last SHARE line */
    uint64_t round_unshared;         /* pages that matched nothing      */
    unsigned int round_visits;       /* domains visited in it           */
    bool idle_round;                 /* the last round offered nothing:
                                        pause before the next slice    */
    /* It visited none (every domain quiet): the scanner sleeps until the
     * first quiet domain is due, or share_changed() wakes it. */
    bool asleep;
    s_time_t asleep_since;
    bool meta_short;           /* offers held: meta_short()             */
    /* The SHARE lines: at most one a second. */
    s_time_t last_print;             /* any SHARE line of the scanner's */
    s_time_t last_round_print;       /* the last at=round one           */
    /* Busy time (share_scan_tick()): cycles it may still take, and the
     * TSC at the last refill. */
    int64_t busy_budget;
    uint64_t busy_refill_tsc;
    s_time_t last_idle;        /* the idle loop last looked for work    */
    /* Counters (share_scan_stats()). */
    struct share_scan_stats stats;
} scan = { .bitmap_word_pfn = ~0U };

void share_scan_stats(struct share_scan_stats *out)
{
    *out = scan.stats;
}

/* PV domains once their driver registered; translated ones always (the
 * hypervisor shares their pages itself). */
static bool scannable(const struct domain *d)
{
    return d->share && (d->share->ring_mfn || is_translated(d)) &&
           !d->is_shutting_down;
}

/* --- Offers -------------------------------------------------------------- */

static void notify(struct domain *d)
{
    if (d->share->queued_unnotified) {
        d->share->queued_unnotified = 0;
        send_guest_vcpu_virq(d->vcpu, VIRQ_SHARING);
    }
}

/* A visit of d found something new (an offer, a page changed, an offer
 * still out): d is not quiet. */
static void visit_found(struct domain *d)
{
    d->share->quiet_level = 0;
}

/* pfn on d's share ring, for its driver; a full ring drops it (counted). */
static void ring_offer(struct domain *d, uint32_t pfn)
{
    struct share_dom *sh = d->share;
    struct share_ring *r = map_domain_page(sh->ring_mfn);
    uint32_t prod = r->prod, cons = r->cons;

    /* cons is the guest's: a value that makes no sense means a full ring. */
    if (prod - cons >= SHARE_RING_SIZE) {
        r->dropped++;
    } else {
        r->pfn[prod % SHARE_RING_SIZE] = pfn;
        asm volatile("" ::: "memory"); /* the pfn before the index */
        r->prod = prod + 1;
        sh->pfn[pfn].flags |= SCAN_QUEUED;
        sh->pfn[pfn].queued_round = (uint8_t)scan.stats.rounds;
        sh->queued_unnotified++;
    }
    unmap_domain_page(r);
    if (sh->queued_unnotified >= SHARE_NOTIFY_BATCH)
        notify(d);
}

void share_offer(struct domain *d, uint32_t pfn)
{
    if (is_translated(d))
        sh_share(d, pfn); /* no guest to ask: through the shadows, now */
    else
        ring_offer(d, pfn);
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

/* --- Tables -------------------------------------------------------------- */

static struct scan_node **unstable_bucket(uint32_t hash)
{
    return &scan.unstable[hash & (UNSTABLE_BUCKETS - 1)];
}

/* The node at *pn leaves the table (its page's SCAN_LISTED is the
 * caller's). */
static void unstable_unlink(struct scan_node **pn)
{
    struct scan_node *n = *pn;

    *pn = n->next;
    objpool_free(&scan.node_pool, n);
    scan.stats.listed--;
}

/* d's pfn leaves the table, if it is in it (under its recorded hash). */
static void unstable_remove(struct domain *d, uint32_t pfn)
{
    struct scan_pfn *sp = &d->share->pfn[pfn];
    struct scan_node **pn;

    if (!(sp->flags & SCAN_LISTED))
        return;
    sp->flags &= ~SCAN_LISTED;
    for (pn = unstable_bucket(sp->hash); *pn; pn = &(*pn)->next)
        if ((*pn)->domid == d->domain_id && (*pn)->pfn == pfn) {
            unstable_unlink(pn);
            return;
        }
    panic("share: d%u pfn %#x is listed but not in the unstable table",
          d->domain_id, pfn);
}

/* d's pfn, unchanged since its last visit and matching nothing, waits in
 * the table under hash h for a page that matches it. */
static void unstable_insert(struct domain *d, uint32_t pfn, uint32_t h)
{
    struct scan_pfn *sp = &d->share->pfn[pfn];
    struct scan_node **b = unstable_bucket(h);
    struct scan_node *n;

    if (sp->flags & SCAN_LISTED)
        return; /* in it already, under h (a change would have taken it) */
    n = objpool_alloc(&scan.node_pool);
    if (!n)
        return; /* not listed: its next visit tries again */
    n->hash = h;
    n->pfn = pfn;
    n->domid = d->domain_id;
    n->group = d->share->group;
    n->next = *b;
    *b = n;
    sp->flags |= SCAN_LISTED;
    scan.stats.listed++;
}

/* Every node of d (id: d's or, with d NULL, every domain's) leaves. */
static void unstable_purge(struct domain *d)
{
    unsigned int i;

    for (i = 0; i < UNSTABLE_BUCKETS; i++) {
        struct scan_node **pn = &scan.unstable[i];

        while (*pn)
            if (!d || (*pn)->domid == d->domain_id) {
                if (d)
                    d->share->pfn[(*pn)->pfn].flags &= ~SCAN_LISTED;
                unstable_unlink(pn);
            } else
                pn = &(*pn)->next;
    }
}

/*
 * The audit's part (share_audit()): each node is one listed page of a
 * living domain, under the hash that page recorded, in the right bucket;
 * each listed page has its node; the count agrees. Disagreements found.
 */
unsigned int share_scan_audit(void)
{
    unsigned int i, errors = 0;
    uint32_t nodes = 0, flagged = 0, pfn;
    struct domain *d;

    for (i = 0; scan.unstable && i < UNSTABLE_BUCKETS; i++) {
        const struct scan_node *n;

        for (n = scan.unstable[i]; n; n = n->next) {
            struct domain *nd = get_domain_by_id(n->domid);

            nodes++;
            if (!nd || !nd->share || n->pfn >= nd->p2m_size ||
                !(nd->share->pfn[n->pfn].flags & SCAN_LISTED) ||
                nd->share->pfn[n->pfn].hash != n->hash ||
                (n->hash & (UNSTABLE_BUCKETS - 1)) != i) {
                printk(XENLOG_ERR "share audit: unstable node d%u pfn %#x "
                                  "hash %#x is not its page's",
                       n->domid, n->pfn, n->hash);
                errors++;
            }
        }
    }
    for_each_domain (d)
        for (pfn = 0; d->share && pfn < d->p2m_size; pfn++)
            flagged += !!(d->share->pfn[pfn].flags & SCAN_LISTED);
    if (nodes != flagged || nodes != scan.stats.listed) {
        printk(XENLOG_ERR "share audit: unstable table: %u nodes, %u pages "
                          "listed, count %u",
               nodes, flagged, scan.stats.listed);
        errors++;
    }
    return errors;
}

/*
 * A set-up found d's pfn unlike the page the scanner matched it with: it
 * changed since its last visit, unseen (a quiet domain, a smart-scan
 * pause). Its node is stale and would match that page again at every
 * visit, each offer refused (-ESTALE) until its own next hash. It leaves
 * the table, its record is forgotten, and d is visited soon:
 * its next visit hashes it as new.
 */
void share_scan_stale(struct domain *d, uint32_t pfn)
{
    if (!d->share || pfn >= d->p2m_size)
        return;
    unstable_remove(d, pfn);
    d->share->pfn[pfn].flags &= ~(SCAN_HASHED | SCAN_MATCHED);
    d->share->pfn[pfn].skip = 0;
    visit_found(d);
}

/* d's sharing state goes (share_domain_destroy()): its nodes with it. */
void share_scan_forget(struct domain *d)
{
    if (scan.unstable && d->share)
        unstable_purge(d);
}

void share_changed(struct domain *d)
{
    if (!d->share)
        return;
    d->share->gen++;
    if (scan.asleep) { /* the pause of an idle round, no more */
        scan.asleep = false;
        scan.next_slice = scan.asleep_since + MILLISECS(IDLE_ROUND_PAUSE_MS);
    }
}

/* The eligibility bits of pfn's word (the guest's bitmap). */
static uint32_t eligible_word(struct domain *d, uint32_t pfn)
{
    uint32_t w = pfn / 32;

    /* A translated domain has no driver to say: every pfn is a candidate
     * (share_check_pfn() still skips tables, pins and rings). */
    if (is_translated(d))
        return ~0U;

    if (scan.bitmap_word_pfn != w) {
        uint32_t page = w / (PAGE_SIZE / 4);

        if (page >= d->share->bitmap_pages)
            return 0;
        if (scan.bitmap_mfn != d->share->bitmap_mfn[page]) {
            if (scan.bitmap_map)
                unmap_domain_page(scan.bitmap_map);
            scan.bitmap_mfn = d->share->bitmap_mfn[page];
            scan.bitmap_map = map_domain_page(scan.bitmap_mfn);
        }
        scan.bitmap_word = scan.bitmap_map[w % (PAGE_SIZE / 4)];
        scan.bitmap_word_pfn = w;
    }
    return scan.bitmap_word;
}

static void bitmap_unmap(void)
{
    if (scan.bitmap_map)
        unmap_domain_page(scan.bitmap_map);
    scan.bitmap_map = NULL;
    scan.bitmap_mfn = 0;
    scan.bitmap_word_pfn = ~0U;
}

static bool eligible(struct domain *d, uint32_t pfn)
{
    return (eligible_word(d, pfn) >> (pfn % 32)) & 1;
}

/* Is the node at *pn still a private candidate? If not (its page was
 * shared, given back, made a table since) it leaves the table now. (Its
 * contents are not compared here: setup_shares compares them, and must
 * anyway.) */
static bool node_valid(struct scan_node **pn)
{
    struct scan_node *n = *pn;
    struct domain *d = get_domain_by_id(n->domid);
    uint32_t mfn;

    /* share_scan_forget() takes a domain's nodes before its state goes. */
    BUG_ON(!d || !d->share || !(d->share->pfn[n->pfn].flags & SCAN_LISTED));
    if (scannable(d) && share_check_pfn(d, n->pfn, &mfn) == SHARE_OK)
        return true;
    d->share->pfn[n->pfn].flags &= ~SCAN_LISTED;
    unstable_unlink(pn);
    return false;
}

/*
 * The hypervisor heap (the direct map: every share record, list entry and
 * per-domain array comes from it) is nearly full: a set-up would fail for
 * want of a list entry (-ENOMEM), and the same offer would come again at
 * every visit (128 sharing guests of 16 MiB spent 10^10 cycles so:
 * docs/benchmarks.md "Scale"). Offers
 * are held, counted, until it frees; said once each way.
 */
static bool meta_short(void)
{
    bool short_now = nr_free_xenheap_pages() < SHARE_META_MIN_PAGES;

    if (short_now != scan.meta_short) {
        scan.meta_short = short_now;
        printk(short_now ? "share: the hypervisor heap is nearly full (%u "
                           "pages free): offers held until it frees"
                         : "share: the hypervisor heap has %u pages free: "
                           "offers resume",
               nr_free_xenheap_pages());
    }
    return short_now;
}

static void offer(struct domain *d, uint32_t pfn, uint16_t pdom, uint32_t ppfn)
{
    struct scan_pfn *sp = &d->share->pfn[pfn];

    if (meta_short()) {
        scan.stats.offers_held++;
        return;
    }
    sp->partner = pdom ? SCAN_PARTNER(pdom, ppfn) : 0;
    sp->flags |= SCAN_MATCHED;
    visit_found(d);
    if (!(sp->flags & SCAN_QUEUED)) {
        share_offer(d, pfn);
        scan.round_offers++;
    }
}

/* --- One page ------------------------------------------------------------ */

/*
 * Whether to hash d's pfn on this visit: a shareable frame the guest calls
 * eligible, not in the ring still (an offer the guest drained without
 * setting it up was declined: look at it afresh then), and not in a smart
 * scan pause.
 */
static bool scan_wanted(struct domain *d, uint32_t pfn, uint32_t *mfn)
{
    struct scan_pfn *sp = &d->share->pfn[pfn];

    if (!eligible(d, pfn) || share_check_pfn(d, pfn, mfn) != SHARE_OK)
        return false;
    if (sp->flags & SCAN_QUEUED) {
        if ((uint8_t)(scan.stats.rounds - sp->queued_round) < 2 ||
            !ring_drained(d)) {
            visit_found(d); /* an offer is still out: come back */
            return false;
        }
        sp->flags &= ~SCAN_QUEUED;
    }
    if (sp->skip & 0x0F) {
        sp->skip--; /* smart scan: it matched nothing lately */
        scan.stats.skipped++;
        return false;
    }
    return true;
}

/* Record this visit's hash h. False if the page changed since the last
 * visit (volatile: not worth a match; it leaves the unstable table); a
 * page that matched nothing last time backs off for 1, 3, then 7 visits. */
static bool scan_record(struct domain *d, uint32_t pfn, uint32_t h)
{
    struct scan_pfn *sp = &d->share->pfn[pfn];
    bool was_hashed = sp->flags & SCAN_HASHED;

    if (was_hashed && sp->hash != h) {
        unstable_remove(d, pfn); /* listed under its old hash */
        visit_found(d);
        sp->hash = h;
        sp->skip = 0;
        sp->flags &= ~SCAN_MATCHED;
        scan.stats.volatile_pages++;
        return false;
    }
    if (was_hashed && !(sp->flags & SCAN_MATCHED)) {
        unsigned int level = min((unsigned int)(sp->skip >> 4) + 1, 3U);

        sp->skip = (uint8_t)((level << 4) | ((1U << level) - 1));
    }
    sp->hash = h;
    sp->flags = (sp->flags | SCAN_HASHED) & ~SCAN_MATCHED;
    return true;
}

/* Look h up: the zero page or a shared frame (an offer to d alone), a
 * page of this round's (an offer to both), or nothing (d's page joins the
 * unstable table). Hash matches are offers, not shares.
 * In a same-behaviour group every page unchanged since the last visit is
 * offered, alone, and only such a page: the set-up merges it with a
 * shared frame that matches or alone, so that matched and unmatched
 * pages are merged at the same visit (and a second page of a pair joins
 * the frame the first made). */
static void scan_match(struct domain *d, uint32_t pfn, uint32_t h,
                       bool unchanged)
{
    struct scan_node **pn;

    if (share_same_behaviour(d)) {
        if (unchanged)
            offer(d, pfn, 0, 0);
        return;
    }
    if (h == zero_page_hash || share_stable_has_hash(d->share->group, h)) {
        offer(d, pfn, 0, 0);
        return;
    }
    for (pn = unstable_bucket(h); *pn;) {
        struct scan_node *n = *pn;

        if (n->hash != h || n->group != d->share->group ||
            (n->domid == d->domain_id && n->pfn == pfn)) {
            pn = &n->next;
            continue;
        }
        if (!node_valid(pn))
            continue; /* stale, and gone: *pn is the next */
        offer(d, pfn, n->domid, n->pfn);
        offer(get_domain_by_id(n->domid), n->pfn, d->domain_id, pfn);
        return;
    }
    unstable_insert(d, pfn, h);
    scan.round_unshared++;
}

static void scan_pfn(struct domain *d, uint32_t pfn)
{
    uint32_t mfn, h;
    const void *p;
    bool seen;

    if (!scan_wanted(d, pfn, &mfn))
        return;
    p = map_domain_page(mfn);
    h = share_hash_page(p);
    unmap_domain_page(p);
    scan.stats.pages++;
    seen = d->share->pfn[pfn].flags & SCAN_HASHED;
    if (scan_record(d, pfn, h))
        scan_match(d, pfn, h, seen);
}

/* --- Rounds -------------------------------------------------------------- */

/*
 * SHARE-AUDIT round=N errors=N max_saving=N saved=N read_saved=N
 *             zero_saving=N
 *   errors       disagreements the audit found (the run then panics)
 *   max_saving   the largest saving possible now: share_max_saving()'s
 *                exhaustive compare of every eligible page
 *   saved        the saving now (sharing_pfns - shared_mfns)
 *   read_saved   of it, what read-time sharing made: pfns that arrived
 *                shared with a block read, less the frames they share
 *   zero_saving  of max_saving, what all-zero pages make (in shadow mode
 *                every free page is eligible, and zero)
 */
static void round_audit(void)
{
    unsigned int errors = share_audit(true);
    struct share_totals t;
    uint32_t zero, max = share_max_saving(&zero);

    share_totals(&t);
    printk("SHARE-AUDIT round=%llu errors=%u max_saving=%u saved=%d "
           "read_saved=%d zero_saving=%u",
           (unsigned long long)scan.stats.rounds, errors, max,
           (int)t.sharing_pfns - (int)t.shared_mfns,
           (int)t.read_pfns - (int)t.read_mfns, zero);
    if (errors)
        panic("share: the audit found %u errors after round %llu", errors,
              (unsigned long long)scan.stats.rounds);
}

/* "audit": the SHARE-AUDIT line now (a benchmark's yardstick). */
static void cmd_audit(const char *args)
{
    (void)args;
    round_audit();
}

static void round_end(void)
{
    struct domain *d;

    scan.stats.rounds++;
    scan.round_start = NOW();
    scan.stats.unshared = scan.round_unshared;
    scan.round_unshared = 0;
    /* A round that offered nothing: the next one waits a while, so an idle
     * machine does not spin through empty rounds. */
    scan.idle_round = !scan.round_offers;
    scan.asleep = !scan.round_visits;
    scan.round_offers = scan.round_offers_printed = scan.round_visits = 0;
    scan.stats.meta_bytes =
        UNSTABLE_BUCKETS * sizeof(void *) + objpool_bytes(&scan.node_pool);
    for_each_domain (d)
        if (scannable(d) && !is_translated(d)) { /* (no ring, no VIRQ) */
            struct share_ring *r = map_domain_page(d->share->ring_mfn);

            r->round = (uint32_t)scan.stats.rounds;
            unmap_domain_page(r);
            notify(d);
        }
    /* The SHARE line: each round, but at most once a second. (Mid-round
     * lines do not count: a round's own line is not pushed back by them.) */
    if (scan.last_round_print && NOW() - scan.last_round_print < SECONDS(1))
        return;
    scan.last_print = scan.last_round_print = NOW();
    share_print("round");
    if (opt_share_audit)
        round_audit();
}

/* The cursor reaches d: false if d is quiet (its last visits found
 * nothing new, nothing told of a change since, and its pause has not
 * passed); else its visit begins. */
static bool visit_begin(struct domain *d)
{
    struct share_dom *sh = d->share;

    if (sh->quiet_level && sh->gen == sh->scan_gen &&
        NOW() < sh->quiet_until) {
        scan.stats.quiet_skips++;
        return false;
    }
    sh->scan_gen = sh->gen;
    sh->quiet_level++; /* visit_found() clears it */
    scan.round_visits++;
    return true;
}

/* The cursor leaves d at the end of a visit: one more pass
 * (SHAREOP_scan_info). A visit that found nothing new and heard of no
 * change makes d quiet for 10 ms, then twice as long after each such
 * visit, at most scan_quiet_max_ms. */
static void visit_end(struct domain *d)
{
    struct share_dom *sh = d->share;

    sh->scan_passes++;
    if (sh->gen != sh->scan_gen || !opt_scan_quiet_max_ms)
        sh->quiet_level = 0;
    if (sh->quiet_level) {
        unsigned int shift = min(sh->quiet_level, 17U) - 1;

        sh->quiet_until =
            NOW() + MILLISECS(min((uint32_t)QUIET_FIRST_MS << shift,
                                  (uint32_t)opt_scan_quiet_max_ms));
    }
}

/* The domain at the cursor, or NULL at the end of a round. */
static struct domain *advance(void)
{
    while (scan.dom < nr_domains) {
        struct domain *d = domain_list[scan.dom];

        if (d && scannable(d) && scan.pfn < d->p2m_size &&
            (scan.visiting || visit_begin(d))) {
            scan.visiting = true;
            return d;
        }
        if (d && scannable(d) && scan.visiting)
            visit_end(d);
        scan.visiting = false;
        scan.dom++;
        scan.pfn = 0;
        scan.bitmap_word_pfn = ~0U;
    }
    return NULL;
}

/* Move the cursor to d's next pfn that is eligible and not yet shared: a
 * word of 32 with none is one step. False at the end of d. */
static bool next_candidate(struct domain *d)
{
    const uint32_t *shared = d->share->shared_bits;
    uint32_t words = ROUNDUP(d->p2m_size, 32) / 32, mask, w, end;

    for (;;) {
        if (scan.pfn >= d->p2m_size)
            return false;
        mask = (eligible_word(d, scan.pfn) & ~shared[scan.pfn / 32]) >>
               (scan.pfn % 32);
        if (mask)
            break;
        /* The words after it, in a tight loop: those of the bitmap page
         * eligible_word() mapped (every word is eligible in a translated
         * domain). An idle domain is mostly such words. */
        w = scan.pfn / 32 + 1;
        if (is_translated(d)) {
            while (w + 8 <= words && !~(shared[w] & shared[w + 1] &
                                        shared[w + 2] & shared[w + 3] &
                                        shared[w + 4] & shared[w + 5] &
                                        shared[w + 6] & shared[w + 7]))
                w += 8; /* 256 pfns, all shared: free memory, here */
            while (w < words && !~shared[w])
                w++;
        } else if (scan.bitmap_map) {
            const uint32_t *bm = scan.bitmap_map - w / (PAGE_SIZE / 4) *
                                                       (PAGE_SIZE / 4);

            end = min(words, ROUNDUP(w, PAGE_SIZE / 4));
            for (;;) {
                while (w + 8 <= end && !(bm[w] | bm[w + 1] | bm[w + 2] |
                                         bm[w + 3] | bm[w + 4] | bm[w + 5] |
                                         bm[w + 6] | bm[w + 7]))
                    w += 8; /* 256 pfns none eligible: free memory */
                if (w >= end || (bm[w] & ~shared[w]))
                    break;
                w++;
            }
        }
        scan.pfn = w * 32;
    }
    scan.pfn += (uint32_t)__builtin_ctz(mask);
    return scan.pfn < d->p2m_size;
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

/* One slice: up to pages_to_scan pages hashed (4 x as many visits), cut
 * short by a round's end or a guest's timer (then true). The end of a
 * round (its SHARE line, its audit) is not scanning: *t0 moves past it. */
static bool scan_slice(uint64_t *t0)
{
    bool cut = false;
    uint64_t pages0 = scan.stats.pages, timer_checked = pages0;
    unsigned int visited = 0;
    struct domain *d;

    scan.asleep = false; /* round_end() says if it sleeps again */
    share_free_deferred(); /* same-behaviour frames whose users left */
    while (visited < opt_pages_to_scan * 4 &&
           scan.stats.pages - pages0 < opt_pages_to_scan) {
        /* Every 8 pages hashed (the clock is not free either). */
        if (scan.stats.pages != timer_checked &&
            !((scan.stats.pages - pages0) % 8)) {
            timer_checked = scan.stats.pages;
            if ((cut = guest_timer_due()))
                break;
        }
        d = advance();
        if (!d) {
            scan.stats.cycles += arch_read_tsc() - *t0;
            round_end();
            *t0 = arch_read_tsc();
            scan.dom = 0;
            scan.pfn = 0;
            scan.visiting = false;
            scan.bitmap_word_pfn = ~0U;
            break;
        }
        visited++;
        if (next_candidate(d))
            scan_pfn(d, scan.pfn++);
    }
    bitmap_unmap(); /* a guest's frame is not kept mapped between slices */
    return cut;
}

/* A round visited no domain: the next comes when the first quiet domain
 * is due (share_changed() may call it sooner). */
static s_time_t first_quiet_due(void)
{
    s_time_t due = NOW() + MILLISECS(opt_scan_quiet_max_ms);
    struct domain *d;

    for_each_domain (d)
        if (scannable(d) && d->share->quiet_level &&
            d->share->quiet_until < due)
            due = d->share->quiet_until;
    return max(due, NOW() + MILLISECS(IDLE_ROUND_PAUSE_MS));
}

/* After a slice: the next no sooner than sleep_millisecs, or 10 ms after a
 * round that offered nothing, idle or busy alike. Cut short for a guest:
 * the slice goes on at the next chance, with no pause (a pause is per
 * slice of work done, not per cut). A slice that ended a round is not cut
 * (a guest's timer that the tick has not served yet made the scanner spin
 * through empty rounds until it did). */
static void pace(bool cut)
{
    if (scan.asleep) {
        scan.asleep_since = NOW();
        scan.next_slice = first_quiet_due();
    } else if (cut)
        scan.next_slice = 0;
    else
        scan.next_slice =
            NOW() + MILLISECS(scan.idle_round ? max(opt_sleep_millisecs,
                                                    IDLE_ROUND_PAUSE_MS)
                                              : opt_sleep_millisecs);
    scan.idle_round = false;
}

static bool share_scan_work(void)
{
    uint64_t t0;
    bool cut;

    scan.last_idle = NOW();
    if (!opt_share_scan || NOW() < scan.next_slice || !any_scannable())
        return false;
    t0 = arch_read_tsc();
    cut = scan_slice(&t0);
    /* A round that has run for over a second (shadow-mode domains offer
     * every pfn, set up at once) still shows its progress: at most once a
     * second, if it offered anything since. */
    if (scan.round_offers != scan.round_offers_printed &&
        NOW() - scan.round_start >= SECONDS(1) &&
        NOW() - scan.last_print >= SECONDS(1)) {
        scan.last_print = NOW();
        scan.round_offers_printed = scan.round_offers;
        share_print("scan");
    }
    scan.stats.cycles += arch_read_tsc() - t0;
    pace(cut);
    return true;
}

/*
 * Each tick, with a guest on the CPU: the budget grows by scan_busy_per_mille
 * of the cycles since the last tick (at most two slices' worth kept), and,
 * once the machine has not idled for scan_starve_ms, a slice runs if it is
 * positive, paid for by what it took. The idle loop's slices are free, so
 * a machine with idle time never pays; one whose guests never idle gives
 * the scanner its budget and no more.
 */
void share_scan_tick(void)
{
    uint64_t now = arch_read_tsc(), t0 = now, spent;
    bool cut;
    int64_t cap = (int64_t)(2 * opt_pages_to_scan * scan.stats.hash_cycles);

    if (scan.busy_refill_tsc)
        scan.busy_budget += (int64_t)((now - scan.busy_refill_tsc) *
                                      opt_scan_busy / 1000);
    scan.busy_refill_tsc = now;
    if (scan.busy_budget > cap)
        scan.busy_budget = cap;
    if (is_idle_vcpu(current) || scan.busy_budget <= 0 || !opt_share_scan ||
        NOW() < scan.next_slice ||
        NOW() - scan.last_idle < MILLISECS(opt_scan_starve_ms) ||
        !any_scannable())
        return;
    cut = scan_slice(&t0);
    scan.stats.cycles += arch_read_tsc() - t0;
    pace(cut);
    /* The budget pays for all of it, a round's end (its flush, its SHARE
     * line) included, which scan_cycles leaves out. */
    spent = arch_read_tsc() - now;
    scan.stats.busy_cycles += spent;
    scan.stats.busy_slices++;
    scan.busy_budget -= (int64_t)spent;
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
    t0 = arch_read_tsc();
    for (i = 0; i < 16; i++)
        h += share_hash_page(p);
    scan.stats.hash_cycles = (arch_read_tsc() - t0) / 16;
    stats.page_hashes -= 16;
    t0 = arch_read_tsc();
    for (i = 0; i < 16; i++)
        h64 ^= XXH64(p, PAGE_SIZE, share_seed);
    c64 = (arch_read_tsc() - t0) / 16;
    t0 = arch_read_tsc();
    for (i = 0; i < 16; i++)
        h64 ^= XXH3_64bits_withSeed(p, PAGE_SIZE, share_seed);
    c3 = (arch_read_tsc() - t0) / 16;
    t0 = arch_read_tsc();
    for (i = 0; i < 16; i++)
        eq &= share_pages_equal(p, (char *)p + PAGE_SIZE);
    ccmp = (arch_read_tsc() - t0) / 16;
    stats.page_compares -= 16;
    free_xenheap_pages(p, 2);
    printk("share: XXH32 of a page takes %llu cycles (hash %#x); "
           "pages_to_scan=%u sleep_millisecs=%u",
           (unsigned long long)scan.stats.hash_cycles, h, opt_pages_to_scan,
           opt_sleep_millisecs);
    printk("share: page costs in cycles: xxh32=%llu xxh64=%llu xxh3_64=%llu "
           "compare=%llu (hash64 %#llx, equal %d)",
           (unsigned long long)scan.stats.hash_cycles, (unsigned long long)c64,
           (unsigned long long)c3, (unsigned long long)ccmp,
           (unsigned long long)h64, eq);
}

void share_scan_init(void)
{
    objpool_init(&scan.node_pool, "scan_node", sizeof(struct scan_node),
                 share_pool_get, 0);
    scan.unstable =
        alloc_xenheap_pages(UNSTABLE_BUCKETS * sizeof(void *) / PAGE_SIZE);
    if (!scan.unstable)
        panic("share_scan_init: out of memory");
    measure_hash();
    register_idle_work(share_scan_work);
    register_console_command("audit", cmd_audit,
                             "audit the shared frames; SHARE-AUDIT with the "
                             "largest saving possible now");
}

/* At the end of the run: the unstable table's pages go back. */
void share_scan_release(void)
{
    unstable_purge(NULL);
    objpool_release(&scan.node_pool, share_pool_put);
}
