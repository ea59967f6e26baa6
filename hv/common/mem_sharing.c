/*
 * mem_sharing.c - the reference manager: shared frames, their M2P lists,
 * and the sharing hypercalls (public/sharing.h) - setup_shares, cow_break,
 * is_shared_page, get_pfn, set/remove_gnttab_bit, register, scan_info. The
 * rules of a shared frame's counts, and the paths a pfn takes through
 * here (PV and shadow mode), are drawn in hv/mem_sharing.h.
 *
 * Owns every frame of dom_cow and every share_frame and m2p_entry. Every
 * request is guest data: each pfn, each listed page-table entry and each
 * count is checked before anything changes, and a request that fails
 * changes nothing but this: once its frame passed the rule, the offer it
 * used is gone (a guest cannot retry such a pfn until the scanner offers
 * it again). It never lets a
 * frame be shared that has a reference the request did not account for
 * (an unlisted mapping, a pin, a page-table use, a grant), never maps a
 * shared frame writable, and answers only about the caller's own pfns. It
 * never reads or writes a page-table entry itself: arch_share_* do
 * (arch/x86_32/share_pte.c).
 */
#include <hv/arch.h>
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/mm.h>
#include <hv/shadow.h>
#include <hv/stats.h>
#include <hv/time.h>
#include <asm/paging.h>
#include <asm/uaccess.h>
#include <public/sharing.h>

#define XXH_INLINE_ALL
#define XXH_NO_STDLIB
/* x86 reads unaligned words itself: no memcpy call per word (we build
 * with -fno-builtin, so memcpy would be a real call, ten times slower). */
#define XXH_FORCE_MEMORY_ACCESS 2
#include <xxhash.h>

/* Frames kept free for CoW breaks: no new share is made below this. */
static unsigned int opt_share_reserve = 1024;
integer_param("share_reserve", opt_share_reserve);

/* A fixed hash seed (0 = a new one each boot), for runs that must repeat
 * exactly under -icount. */
static unsigned int opt_share_seed;
integer_param("share_seed", opt_share_seed);

/* Debug option, for tests: N > 0 fails every Nth cow_break request that
 * needs a new frame (counted over all domains) as if no frame were free. */
static unsigned int opt_share_debug_cow_fail;
integer_param("share_debug_cow_fail", opt_share_debug_cow_fail);

/* Debug option, for tests: N > 0 makes every Nth cow_break that needs a new
 * frame first take one volatile page from the repayment FIFOs, as an empty
 * heap would (mem_reclaim), so that the repayment path runs whatever the
 * timing of a storm. */
static unsigned int opt_share_debug_reclaim;
integer_param("share_debug_reclaim", opt_share_debug_reclaim);

struct objpool share_frame_pool, m2p_entry_pool;
/* Frames shared by more domains than dom_counts.h keeps inline: their
 * per-domain tables. */
static struct objpool dom_table_pool;
_Static_assert(DOM_COUNTS_IDS >= MAX_DOMAINS + 1,
               "dom_counts.h's tables hold every domain id");
uint32_t share_seed;
uint32_t zero_page_hash;
/* Each group's zero frame, once a zero page was shared; the first zero
 * page shared becomes it. */
static struct share_frame *zero_sf[MAX_DOMAINS + 1];

/* Groups: the scenario's names, numbered from 1. */
static char group_names[MAX_DOMAINS][SCN_NAME_MAX];
static unsigned int nr_groups;

/*
 * Same-behaviour groups (a scenario's "group name=G behaviour=same"; all
 * translated): every candidate page behaves alike whether or not it is
 * merged, after VUsion (Oliverio et al., 2017), so that neither what a
 * guest sees nor its timings tell merged from unmerged:
 *  - a candidate that matched nothing is merged alone (a shared frame with
 *    one pfn on its list), write-protected like any merged page;
 *  - every frame a merge makes is taken at a random place in memory (no
 *    page of a guest's chooses where a shared frame lies: Flip Feng Shui);
 *  - a write to any of them takes the same path: a fault, a new frame, a
 *    copy (the last user never takes the frame back without a copy);
 *  - a frame whose last user left is forgotten and freed later, by the
 *    scanner, so a write that empties a frame costs what one that does
 *    not costs (its last list entry's reference stays with the queue; a
 *    page that matches it meanwhile joins it as if it had never emptied);
 *  - read-time sharing is off (a read that joins takes no I/O).
 */
static bool group_same[MAX_DOMAINS + 1];
static uint32_t random_state; /* xorshift32, from share_seed */
#define DEFERRED_MAX 1024
static struct share_frame *deferred[DEFERRED_MAX]; /* emptied, to forget */
static unsigned int nr_deferred;
static uint64_t same_alone, same_deferred, same_deferred_full;

bool share_same_behaviour(const struct domain *d)
{
    return d->share && group_same[d->share->group];
}

static uint32_t random_mfn(void)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 17;
    random_state ^= random_state << 5;
    return random_state % max_page;
}

/* The last user left sf (same behaviour): queue it, keeping the last
 * entry's reference. False if the queue is full (forget it now). */
static bool defer_forget(struct share_frame *sf)
{
    if (sf->queued) { /* rejoined and emptied again: queued once is enough */
        put_page(mfn_to_page(sf->mfn));
        same_deferred++;
        return true;
    }
    if (nr_deferred == DEFERRED_MAX) {
        same_deferred_full++;
        return false;
    }
    sf->queued = true;
    deferred[nr_deferred++] = sf;
    same_deferred++;
    return true;
}

static void frame_empty(struct share_frame *sf);

void share_free_deferred(void)
{
    struct share_frame *sf;
    struct page_info *pg;

    while (nr_deferred) {
        sf = deferred[--nr_deferred];
        pg = mfn_to_page(sf->mfn);
        sf->queued = false;
        if (!sf->list.len)
            frame_empty(sf); /* else a page joined it meanwhile: it lives */
        put_page(pg);        /* the queue's reference */
    }
}

/* The stable table: shared frames by hash. */
#define STABLE_BUCKETS 4096
static struct share_frame **stable;

void *share_pool_get(void)
{
    return alloc_xenheap_pages(1);
}

void share_pool_put(void *page)
{
    free_xenheap_pages(page, 1);
}

/* --- Contents --------------------------------------------------------- */

uint32_t share_hash_page(const void *p)
{
    perfc_incr(page_hashes);
    return XXH32(p, PAGE_SIZE, share_seed);
}

/* Word-wise, four at a time: a page compare costs about a hash. */
bool share_pages_equal(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    unsigned int i;

    perfc_incr(page_compares);
    for (i = 0; i < PAGE_SIZE / 4; i += 4)
        if ((x[i] ^ y[i]) | (x[i + 1] ^ y[i + 1]) | (x[i + 2] ^ y[i + 2]) |
            (x[i + 3] ^ y[i + 3]))
            return false;
    return true;
}

bool share_page_is_zero(const void *p)
{
    const uint32_t *w = p;
    unsigned int i;

    perfc_incr(page_compares);
    for (i = 0; i < PAGE_SIZE / 4; i += 4)
        if (w[i] | w[i + 1] | w[i + 2] | w[i + 3])
            return false;
    return true;
}

/* --- The stable table ------------------------------------------------- */

static struct share_frame **stable_bucket(uint32_t hash)
{
    return &stable[hash & (STABLE_BUCKETS - 1)];
}

static void stable_insert(struct share_frame *sf)
{
    struct share_frame **b = stable_bucket(sf->hash);

    sf->hnext = *b;
    *b = sf;
}

static void stable_remove(struct share_frame *sf)
{
    struct share_frame **pp;

    for (pp = stable_bucket(sf->hash); *pp; pp = &(*pp)->hnext)
        if (*pp == sf) {
            *pp = sf->hnext;
            return;
        }
    panic("share: frame %#x missing from the stable table", sf->mfn);
}

bool share_stable_has_hash(uint8_t group, uint32_t hash)
{
    const struct share_frame *sf;

    for (sf = *stable_bucket(hash); sf; sf = sf->hnext)
        if (sf->hash == hash && sf->group == group)
            return true;
    return false;
}

struct share_frame *share_stable_lookup(uint8_t group, uint32_t hash,
                                        const void *contents)
{
    struct share_frame *sf;

    for (sf = *stable_bucket(hash); sf; sf = sf->hnext) {
        const void *p;
        bool eq;

        if (sf->hash != hash || sf->group != group)
            continue;
        p = map_domain_page(sf->mfn);
        eq = share_pages_equal(p, contents);
        unmap_domain_page(p);
        if (eq)
            return sf;
    }
    return NULL;
}

/* --- Per-domain counts of a shared frame (lib/dom_counts.c) ------------ */

static void *dom_table_get(void)
{
    return objpool_alloc(&dom_table_pool);
}

static void dom_table_put(void *t)
{
    objpool_free(&dom_table_pool, t);
}

/* d's counts on sf, made if it had none; NULL if a table was needed and
 * there is no memory for it. (The one place counts are made.) */
static struct dom_count *sf_count(struct share_frame *sf,
                                  const struct domain *d)
{
    return dom_counts_get(&sf->doms, d->domain_id, dom_table_get);
}

/* d's counts on sf, which it must have. */
static struct dom_count *sf_count_held(struct share_frame *sf,
                                       const struct domain *d)
{
    struct dom_count *c = dom_counts_find(&sf->doms, d->domain_id);

    if (!c)
        panic("share: mfn %#x has no counts for d%u", sf->mfn, d->domain_id);
    return c;
}

/* --- Mappings of shared frames (mm.c's hooks) --------------------------- */

/* (A build maps and unmaps shared frames tens of thousands of times, cc1's
 * page-cache pages at every exec: one look-up of d's counts each.) */
int share_get_mapping(struct page_info *pg, struct domain *d, uint32_t e)
{
    struct share_frame *sf = page_share_frame(pg);
    struct dom_count *c;

    BUG_ON(!sf || sf->mfn != page_to_mfn(pg));
    if (e & _PAGE_RW) {
        gprintk(d,
                "L1 entry %#x: shared frame %#x can only be mapped "
                "read-only",
                e, sf->mfn);
        return -EPERM;
    }
    c = dom_counts_find(&sf->doms, d->domain_id);
    if (!c || !c->pfns) {
        gprintk(d, "L1 entry %#x: mfn %#x is not the domain's", e, sf->mfn);
        return -EPERM;
    }
    if ((pg->count_info & PGC_count_mask) >= PGC_count_mask - 1 ||
        c->maps >= PGC_count_mask - 1)
        return -EOVERFLOW;
    pg->count_info++;
    c->maps++;
    return 0;
}

void share_put_mapping(struct page_info *pg, struct domain *d)
{
    struct share_frame *sf = page_share_frame(pg);
    struct dom_count *c;

    BUG_ON(!sf);
    c = dom_counts_find(&sf->doms, d->domain_id);
    if (!c || !c->maps)
        panic("share: mfn %#x: d%u drops a mapping it does not hold", sf->mfn,
              d->domain_id);
    c->maps--;
    dom_counts_drop(&sf->doms, c);
    put_page(pg);
}

/* --- The shareability rule ----------------------------------------------- */

/* pfn is under grant (handed to a device): never shared. */
static bool pfn_granted(const struct share_dom *sh, uint32_t pfn)
{
    return (sh->gnttab[pfn / 32] >> (pfn % 32)) & 1;
}

enum share_refusal share_check_pfn(const struct domain *d, uint32_t pfn,
                                   uint32_t *mfn)
{
    const struct page_info *pg;
    uint32_t type;

    *mfn = p2m_lookup(d, pfn);
    if (*mfn == INVALID_MFN)
        return SHARE_NO_PFN;
    pg = mfn_to_page(*mfn);
    if (page_get_owner(pg) == dom_cow)
        return SHARE_SHARED;
    if (page_get_owner(pg) != d)
        return SHARE_NOT_OWNED;
    type = pg->type_info & PGT_type_mask;
    if ((type != PGT_writable_page && (pg->type_info & PGT_count_mask)) ||
        (pg->type_info & PGT_pinned) || !(pg->count_info & PGC_allocated) ||
        (pg->count_info & PGC_xen_heap))
        return SHARE_NOT_DATA;
    if (pfn_granted(d->share, pfn))
        return SHARE_GRANTED;
    /* Shadow mode: held by something besides its mappings (a block ring). */
    if (is_translated(d) && !sh_shareable((struct domain *)d, pfn))
        return SHARE_HELD;
    return SHARE_OK;
}

bool share_pfn_granted(const struct domain *d, uint32_t pfn)
{
    /* Not sharing, or sharing transparently (the backend's write breaks
     * the share itself): no grant needed. */
    if (!d->share || is_translated(d))
        return true;
    return pfn < d->p2m_size && pfn_granted(d->share, pfn);
}

bool share_pfn_under_grant(const struct domain *d, uint32_t pfn)
{
    return d->share && pfn < d->p2m_size && pfn_granted(d->share, pfn);
}

/* --- Joining and leaving a shared frame ---------------------------------- */

static unsigned int group_of(const char *name)
{
    unsigned int i;

    for (i = 0; i < nr_groups; i++)
        if (!strcmp(group_names[i], name))
            return i + 1;
    BUG_ON(nr_groups >= MAX_DOMAINS);
    strlcpy(group_names[nr_groups], name, SCN_NAME_MAX);
    return ++nr_groups;
}

static struct m2p_entry *new_entry(struct domain *d, uint32_t pfn,
                                   uint8_t category)
{
    struct m2p_entry *e = objpool_alloc(&m2p_entry_pool);

    if (e) {
        e->domid = d->domain_id;
        e->pfn = pfn;
        e->category = category <= SHARE_CAT_KERNEL ? category : 0;
    }
    return e;
}

/* The per-domain figures a list entry counts in, in one place: delta +1
 * as it joins sf, -1 as it leaves. */
static void account(struct domain *d, const struct share_frame *sf,
                    const struct m2p_entry *e, int delta)
{
    struct share_dom *sh = d->share;
    uint32_t bit = 1U << (e->pfn % 32);

    if (delta > 0)
        sh->shared_bits[e->pfn / 32] |= bit;
    else
        sh->shared_bits[e->pfn / 32] &= ~bit;
    sh->shared_pfns += (uint32_t)delta;
    sh->by_cat[e->category] += (uint32_t)delta;
    if (e->flags & M2P_READ)
        sh->read_pfns += (uint32_t)delta;
    if (sf->zero)
        sh->zero_pfns += (uint32_t)delta;
}

/* d's pfn (entry e) joins sf: its P2M slot, the entry's reference on the
 * frame, and the figures. */
static void share_join(struct share_frame *sf, struct domain *d,
                       struct m2p_entry *e)
{
    struct dom_count *c = sf_count_held(sf, d); /* made by sf_count() */

    /* d's entries stay together, from c->first: get_pfn reads d's only. */
    m2p_list_add_after(&sf->list, c->first, e);
    if (!c->first)
        c->first = e;
    c->pfns++;
    d->share->entry[e->pfn] = e;
    mfn_to_page(sf->mfn)->count_info++;
    d->p2m[e->pfn] = sf->mfn;
    account(d, sf, e, +1);
    share_changed(d);
}

/* d's pfn leaves sf's list (found through d's entry array, not by walking:
 * a zero frame's list can be every free page of a group). The entry's
 * reference on the frame stays for the caller to move or drop. */
static struct m2p_entry *share_leave(struct share_frame *sf, struct domain *d,
                                     uint32_t pfn)
{
    struct m2p_entry *e = d->share->entry[pfn];
    struct dom_count *c = dom_counts_find(&sf->doms, d->domain_id);

    if (!e || e->domid != d->domain_id || e->pfn != pfn || !c || !c->pfns)
        panic("share: d%u pfn %#x is not on the list of mfn %#x", d->domain_id,
              pfn, sf->mfn);
    if (c->first == e)
        c->first = e->next && e->next->domid == e->domid ? e->next : NULL;
    m2p_list_unlink(&sf->list, e);
    c->pfns--;
    dom_counts_drop(&sf->doms, c);
    d->share->entry[pfn] = NULL;
    account(d, sf, e, -1);
    share_changed(d);
    return e;
}

static void read_map_remove(struct share_frame *sf);

/* sf's list is empty: it leaves the tables and its record goes. */
static void frame_forget(struct share_frame *sf)
{
    stable_remove(sf);
    if (sf->read)
        read_map_remove(sf);
    if (sf->zero)
        zero_sf[sf->group] = NULL;
    mfn_to_page(sf->mfn)->u.sharing.frame = NULL;
    dom_counts_release(&sf->doms, dom_table_put);
    objpool_free(&share_frame_pool, sf);
}

/* sf's list is empty and its last entry's reference is the only one
 * left: no mapping, the permanent type goes, the record goes (the caller
 * drops that reference, freeing the frame). */
static void frame_empty(struct share_frame *sf)
{
    struct page_info *pg = mfn_to_page(sf->mfn);
    uint32_t pfns, maps;

    dom_counts_sum(&sf->doms, &pfns, &maps);
    if (maps)
        panic("share: mfn %#x leaves its last list entry still mapped %u "
              "times",
              sf->mfn, maps);
    BUG_ON((pg->count_info & PGC_count_mask) != 1 ||
           (pg->type_info & PGT_count_mask) != 1);
    pg->type_info = PGT_none; /* the permanent type reference goes */
    frame_forget(sf);
}

/* d's pfn leaves sf and drops the entry's reference: the frame is freed
 * with its last (in a same-behaviour group, later). */
static void drop_from_list(struct share_frame *sf, struct domain *d,
                           uint32_t pfn)
{
    struct page_info *pg = mfn_to_page(sf->mfn);

    objpool_free(&m2p_entry_pool, share_leave(sf, d, pfn));
    if (group_same[sf->group]) {
        /* Both ways alike, down to calls (an emulated CPU pays for each
         * return): others remain, the reference simply goes (it cannot
         * be the last: theirs are counted too); none, the queue keeps it. */
        if (sf->list.len) {
            BUG_ON((pg->count_info & PGC_count_mask) < 2);
            pg->count_info--;
            return;
        }
        if (defer_forget(sf))
            return;
    }
    if (!sf->list.len)
        frame_empty(sf);
    put_page(pg);
}

/* The shared frame backs only d's pfn: it becomes d's frame again. */
static void reclaim_frame(struct domain *d, struct share_frame *sf,
                          uint32_t pfn)
{
    struct page_info *pg = mfn_to_page(sf->mfn);

    objpool_free(&m2p_entry_pool, share_leave(sf, d, pfn));
    BUG_ON(sf->list.len);
    frame_forget(sf);
    page_make_private(d, pg, pfn);
}

/* Make d's frame behind pfn (contents hash) a new shared frame. */
static struct share_frame *convert_to_shared(struct domain *d, uint32_t pfn,
                                             uint32_t hash)
{
    struct page_info *pg = mfn_to_page(d->p2m[pfn]);
    struct share_frame *sf = objpool_alloc(&share_frame_pool);

    if (!sf)
        return NULL;
    sf->mfn = page_to_mfn(pg);
    sf->hash = hash;
    sf->group = d->share->group;
    /* d's allocation reference goes; the list entry that the caller adds
     * takes its place. */
    page_make_sharable(d, pg);
    pg->u.sharing.frame = sf;
    stable_insert(sf);
    return sf;
}

/* --- setup_shares -------------------------------------------------------- */

/* The rule, as setup_shares answers it (a logged refusal is the guest's
 * mistake; an unlogged one can happen to an honest driver). */
static int setup_check_frame(struct domain *d, uint32_t pfn, uint32_t *mfn)
{
    const struct page_info *pg;

    switch (share_check_pfn(d, pfn, mfn)) {
    case SHARE_OK:
        return 0;
    case SHARE_NO_PFN:
        gprintk(d, "sharing_op: pfn %#x does not exist", pfn);
        return -EINVAL;
    case SHARE_SHARED:
        return -EEXIST;
    case SHARE_NOT_OWNED:
        return -EPERM;
    case SHARE_HELD:
        return -EBUSY;
    default:
        pg = mfn_to_page(*mfn);
        gprintk(d,
                "sharing_op: pfn %#x is not a shareable page "
                "(count %#x type %#x)",
                pfn, pg->count_info, pg->type_info);
        return -EPERM;
    }
}

/* The request's entries are every reference the frame has: the allocation
 * and the listed entries, and every writable one among them. */
static int check_refs(struct domain *d, const struct share_req *req,
                      uint32_t mfn, unsigned int *nw)
{
    const struct page_info *pg = mfn_to_page(mfn);
    uint32_t ncount;
    int rc;

    if ((rc = arch_share_check_ptes(d, req, mfn, nw)) != 0)
        return rc;
    ncount = pg->count_info & PGC_count_mask;
    if (ncount != 1u + req->nr_ptes || (pg->type_info & PGT_count_mask) != *nw) {
        gprintk(d,
                "setup_shares: pfn %#x has references the request does "
                "not list (count %u, %u entries; type count %u, %u "
                "writable)",
                req->pfn, ncount, req->nr_ptes, pg->type_info & PGT_count_mask,
                *nw);
        return -EBUSY;
    }
    return 0;
}

/* ... and a new share leaves the CoW reserve free. */
static int setup_check_refs(struct domain *d, const struct share_req *req,
                            uint32_t mfn, unsigned int *nw)
{
    int rc = check_refs(d, req, mfn, nw);

    if (!rc && nr_free_domheap_pages() < opt_share_reserve)
        rc = -ENOMEM; /* keep the CoW reserve */
    return rc;
}

/*
 * Where pfn's contents (mapped at p, hash h) can go: the zero frame, a
 * shared frame with the same contents, or - its scanner partner still
 * holding the same contents - a new shared frame made of its own frame.
 */
static struct share_frame *find_target(struct domain *d, uint32_t pfn,
                                       const void *p, uint32_t h, bool *convert,
                                       bool *zero)
{
    struct scan_pfn *sp = &d->share->pfn[pfn];
    struct share_frame *sf;
    struct domain *pd;
    uint32_t pmfn, ppfn;
    const void *q;
    bool eq;

    *convert = *zero = false;
    if (h == zero_page_hash && share_page_is_zero(p)) {
        *zero = true;
        *convert = !zero_sf[d->share->group];
        return zero_sf[d->share->group];
    }
    sf = share_stable_lookup(d->share->group, h, p);
    if (sf)
        return sf;
    if (!sp->partner)
        return NULL;
    pd = get_domain_by_id(SCAN_PARTNER_DOM(sp->partner));
    ppfn = SCAN_PARTNER_PFN(sp->partner);
    if (!pd || !pd->share || pd->share->group != d->share->group ||
        pd->is_dying || (pd == d && ppfn == pfn))
        return NULL;
    pmfn = p2m_lookup(pd, ppfn);
    if (pmfn == INVALID_MFN || page_get_owner(mfn_to_page(pmfn)) != pd)
        return NULL;
    q = map_domain_page(pmfn);
    eq = share_pages_equal(p, q);
    unmap_domain_page(q);
    *convert = eq;
    if (!eq)
        share_scan_stale(pd, ppfn); /* it changed unseen since its visit */
    return NULL;
}

/* d's frame goes (the references of its nr_ptes entries, moved already,
 * and its allocation reference, last). */
static void release_frame(struct page_info *pg, unsigned int nr_ptes)
{
    pg->count_info -= nr_ptes;
    pg->type_info &= ~PGT_count_mask;
    pg->count_info &= ~PGC_allocated;
    put_page(pg);
}

/* Same behaviour: the contents of d's pfn (no entries map it: translated)
 * move to a new shared frame at a random place; d's frame goes. */
static struct share_frame *convert_to_random(struct domain *d, uint32_t pfn,
                                             uint32_t hash)
{
    struct page_info *old = mfn_to_page(d->p2m[pfn]), *npg;
    struct share_frame *sf = objpool_alloc(&share_frame_pool);

    if (!sf)
        return NULL;
    npg = alloc_shared_frame_near(random_mfn());
    if (!npg) {
        objpool_free(&share_frame_pool, sf);
        return NULL;
    }
    copy_domain_page(page_to_mfn(npg), page_to_mfn(old));
    sf->mfn = page_to_mfn(npg);
    sf->hash = hash;
    sf->group = d->share->group;
    npg->u.sharing.frame = sf;
    stable_insert(sf);
    d->p2m[pfn] = sf->mfn; /* share_join() sets it too; old goes now */
    release_frame(old, 0);
    return sf;
}

/* d's frame becomes the shared one: the entries only lose write access. */
static int setup_convert(struct domain *d, const struct share_req *req,
                         uint32_t h, bool zero, struct share_frame **psf)
{
    struct share_frame *sf;
    unsigned int i;

    if (group_same[d->share->group]) {
        BUG_ON(req->nr_ptes);
        sf = convert_to_random(d, req->pfn, h);
    } else {
        sf = convert_to_shared(d, req->pfn, h);
    }
    if (!sf)
        return -ENOMEM;
    if (zero) {
        sf->zero = true;
        zero_sf[sf->group] = sf;
    }
    for (i = 0; i < req->nr_ptes; i++)
        arch_share_set_pte(req->pte[i] & ~3U, sf->mfn, false);
    sf_count(sf, d)->maps = req->nr_ptes; /* a new frame: inline room */
    *psf = sf;
    return 0;
}

/* d's entries move to sf, read-only, with their references; d's own frame
 * is freed by its allocation reference, which goes last. */
static int setup_join(struct domain *d, const struct share_req *req,
                      struct share_frame *sf, uint32_t mfn)
{
    struct page_info *spg = mfn_to_page(sf->mfn), *pg = mfn_to_page(mfn);
    struct dom_count *c = sf_count(sf, d); /* share_join() will need it */
    unsigned int i;

    if (!c)
        return -ENOMEM;
    if ((spg->count_info & PGC_count_mask) + req->nr_ptes + 1 >=
            PGC_count_mask ||
        c->maps + req->nr_ptes >= PGC_count_mask - 1) {
        dom_counts_drop(&sf->doms, c);
        return -EOVERFLOW;
    }
    for (i = 0; i < req->nr_ptes; i++)
        arch_share_set_pte(req->pte[i] & ~3U, sf->mfn, false);
    spg->count_info += req->nr_ptes;
    c->maps += req->nr_ptes;
    release_frame(pg, req->nr_ptes);
    return 0;
}

/*
 * Share d's pfn as req lists it, once the frame passed the rule: check
 * the references, compare for real (nothing else can write the page now),
 * then convert it or join the target. 0 or a negative errno.
 */
static int share_setup(struct domain *d, const struct share_req *req,
                       uint32_t mfn)
{
    struct share_frame *sf;
    struct m2p_entry *e;
    bool convert, zero;
    unsigned int nw;
    const void *p;
    uint32_t h;
    int rc;

    if ((rc = setup_check_refs(d, req, mfn, &nw)) != 0)
        return rc;
    p = map_domain_page(mfn);
    h = share_hash_page(p);
    sf = find_target(d, req->pfn, p, h, &convert, &zero);
    unmap_domain_page(p);
    if (!sf && !convert) {
        if (!group_same[d->share->group])
            return -ESTALE;
        convert = true; /* merged alone: it behaves as a merged page */
        same_alone++;
    }
    e = new_entry(d, req->pfn, req->category);
    if (!e)
        return -ENOMEM;
    e->orig_maps = req->nr_ptes;
    e->orig_wmaps = (uint16_t)nw;
    e->flags = nw ? M2P_ORIG_WRITABLE : 0;
    rc = convert ? setup_convert(d, req, h, zero, &sf)
                 : setup_join(d, req, sf, mfn);
    if (rc) {
        objpool_free(&m2p_entry_pool, e);
        return rc;
    }
    share_join(sf, d, e);
    flush_tlb_local();
    d->share->setups++;
    return 0;
}

/* A PV driver's request: only a pfn the scanner offered. Once the frame
 * passed the rule the offer is used up, whatever the outcome; a frame the
 * rule refuses keeps its offer (it may pass once unpinned, say). */
static int setup_offered(struct domain *d, const struct share_req *req)
{
    struct scan_pfn *sp;
    uint32_t mfn;
    int rc = setup_check_frame(d, req->pfn, &mfn);

    if (!rc) {
        sp = &d->share->pfn[req->pfn];
        if (!(sp->flags & SCAN_QUEUED)) {
            gprintk(d, "setup_shares: pfn %#x was not offered for sharing",
                    req->pfn);
            return -EPERM;
        }
        sp->flags &= ~SCAN_QUEUED;
        rc = share_setup(d, req, mfn);
    }
    if (rc)
        d->share->setup_failures++;
    return rc;
}

/*
 * The batch loop of setup_shares and cow_break: each request is copied
 * in, checked for flags beyond flags_ok and a non-zero pad (-EINVAL), done
 * by one(), and its status written back; a failed request does not stop
 * the batch. Returns the number done, or -E2BIG / -EFAULT (an
 * unreadable request or status ends the batch; statuses already written
 * stay).
 */
static long share_batch(struct domain *d, const char *name, uint32_t ureqs,
                        uint32_t count, uint16_t flags_ok,
                        int (*one)(struct domain *, const struct share_req *),
                        long *pdone)
{
    struct share_req req;
    uint32_t i;
    long done = 0;
    int rc;

    *pdone = 0;

    if (count > SHARE_BATCH_MAX) {
        gprintk(d, "%s: %u requests (at most %u)", name, count,
                SHARE_BATCH_MAX);
        return -E2BIG;
    }
    for (i = 0; i < count; i++) {
        uint32_t at = ureqs + i * sizeof(req);

        if (copy_from_guest(&req, at, sizeof(req))) {
            gprintk(d, "%s: request %u at %#x unreadable", name, i, at);
            return -EFAULT;
        }
        if (req.pad || (req.flags & ~flags_ok)) {
            gprintk(d, "%s: request %u: unknown flags %#x or pad %#x", name, i,
                    req.flags, req.pad);
            rc = -EINVAL;
        } else
            rc = one(d, &req);
        if (!rc)
            *pdone = ++done;
        req.status = (int16_t)rc;
        if (copy_to_guest(at + offsetof(struct share_req, status), &req.status,
                          sizeof(req.status)))
            return -EFAULT;
    }
    return done;
}

/* --- CoW break ----------------------------------------------------------- */

/* cow_break's checks of one request: a shared pfn of d's, entries that map
 * it, and - if d holds it once - every mapping d has of it. */
static int break_check(struct domain *d, const struct share_req *req,
                       struct share_frame **psf)
{
    uint32_t smfn = p2m_lookup(d, req->pfn);
    struct share_frame *sf;
    struct dom_count *c;
    unsigned int nw;
    int rc;

    if (smfn == INVALID_MFN) {
        gprintk(d, "cow_break: pfn %#x does not exist", req->pfn);
        return -EINVAL;
    }
    if (page_get_owner(mfn_to_page(smfn)) != dom_cow) {
        gprintk(d, "cow_break: pfn %#x is not shared", req->pfn);
        return -EINVAL;
    }
    sf = page_share_frame(mfn_to_page(smfn));
    if (!d->share->entry[req->pfn] || d->share->entry[req->pfn]->pfn != req->pfn)
        panic("share: d%u pfn %#x maps mfn %#x but is not on its list",
              d->domain_id, req->pfn, smfn);
    if ((rc = arch_share_check_ptes(d, req, smfn, &nw)) != 0)
        return rc;
    c = dom_counts_find(&sf->doms, d->domain_id);
    BUG_ON(!c || !c->pfns); /* its entry is on the list (above) */
    if (c->pfns == 1 && req->nr_ptes != c->maps) {
        gprintk(d,
                "cow_break: pfn %#x: %u entries listed, the domain maps "
                "the frame %u times",
                req->pfn, req->nr_ptes, c->maps);
        return -EBUSY;
    }
    *psf = sf;
    return 0;
}

/* The frame pfn gets: the shared one itself if d is its last user (sf then
 * gone, *psf NULL), else a copy (none with SHARE_BREAK_DISCARD, nor of the
 * zero frame: a new frame is zeroed). NULL if no frame is free. */
static struct page_info *break_frame(struct domain *d,
                                     const struct share_req *req,
                                     struct share_frame **psf)
{
    static unsigned int debug_copies, debug_reclaims;
    struct share_frame *sf = *psf;
    bool discard = req->flags & SHARE_BREAK_DISCARD, induced;
    struct page_info *npg;

    /* The last user takes the frame back, if its M2P view can show it;
     * never in a same-behaviour group (a copy, as for any other user). */
    if (sf->list.len == 1 && !group_same[sf->group] &&
        m2p_view_reserve(d, sf->mfn)) {
        npg = mfn_to_page(sf->mfn);
        reclaim_frame(d, sf, req->pfn);
        *psf = NULL;
        if (discard)
            clear_domain_page(page_to_mfn(npg));
        return npg;
    }
    induced = opt_share_debug_cow_fail &&
              ++debug_copies % opt_share_debug_cow_fail == 0;
    if (opt_share_debug_reclaim &&
        ++debug_reclaims % opt_share_debug_reclaim == 0)
        mem_reclaim(1); /* as if the heap were empty (debug) */
    /* A copy overwrites the whole frame: no need to clear it first. */
    npg = induced ? NULL
                  : alloc_domheap_page(d, !discard && !sf->zero ? MEMF_no_scrub
                                                                 : 0);
    /* The heap is empty: volatile pages on the FIFOs repay first. */
    if (!npg && !induced && !nr_free_domheap_pages() && mem_reclaim(1))
        npg = alloc_domheap_page(d, !discard && !sf->zero ? MEMF_no_scrub : 0);
    if (!npg) {
        d->share->cow_failures++;
        gprintk(d,
                "cow_break: pfn %#x: no memory for a copy%s (%u free, "
                "%u/%u pages)",
                req->pfn, induced ? " (induced: share_debug_cow_fail)" : "",
                nr_free_domheap_pages(), d->tot_pages, d->max_pages);
        return NULL;
    }
    if (!discard && !sf->zero)
        copy_domain_page(page_to_mfn(npg), sf->mfn);
    return npg;
}

/* Point every listed entry at npg, writable where asked; with a copy, the
 * mappings' references move to it and pfn leaves sf. */
static void break_commit(struct domain *d, const struct share_req *req,
                         struct share_frame *sf, struct page_info *npg)
{
    struct page_info *spg = sf ? mfn_to_page(sf->mfn) : NULL;
    uint32_t nmfn = page_to_mfn(npg), i;

    for (i = 0; i < req->nr_ptes; i++) {
        bool w = req->pte[i] & SHARE_PTE_WRITABLE;

        if (w && get_page_type(npg, PGT_writable_page))
            panic("cow_break: new mfn %#x refuses the writable type", nmfn);
        if (sf) {
            npg->count_info++;
            share_put_mapping(spg, d);
        }
        arch_share_set_pte(req->pte[i] & ~3U, nmfn, w);
    }
    if (sf) {
        d->p2m[req->pfn] = nmfn;
        set_gpfn_from_mfn(d, nmfn, req->pfn);
        drop_from_list(sf, d, req->pfn);
    }
}

static int break_one(struct domain *d, const struct share_req *req)
{
    struct share_frame *sf;
    struct page_info *npg;
    int rc;

    if ((rc = break_check(d, req, &sf)) != 0)
        return rc;
    npg = break_frame(d, req, &sf);
    if (!npg)
        return -ENOMEM;
    break_commit(d, req, sf, npg);
    d->share->cow_breaks++;
    if (req->flags & SHARE_BREAK_DISCARD)
        d->share->discards++;
    return 0;
}

static long cow_break(struct domain *d, uint32_t ureqs, uint32_t count)
{
    long done, rc = share_batch(d, "cow_break", ureqs, count,
                                SHARE_BREAK_DISCARD, break_one, &done);

    /* No read-only translation of an old frame may survive (a batch cut
     * short by -EFAULT may have broken some too). */
    if (done)
        flush_tlb_local();
    return rc;
}

/* --- Read-time sharing (blkback.c) ---------------------------------------- */

#define READ_BUCKETS 4096
static struct share_frame **read_map;

static struct share_frame **read_bucket(uint8_t group, unsigned int disk,
                                        uint32_t block)
{
    return &read_map[(block * 2654435761U ^ disk * 40503U ^ group) &
                     (READ_BUCKETS - 1)];
}

static struct share_frame *read_map_lookup(uint8_t group, unsigned int disk,
                                           uint32_t block)
{
    struct share_frame *sf;

    for (sf = *read_bucket(group, disk, block); sf; sf = sf->rnext)
        if (sf->group == group && sf->rdisk == disk && sf->rblock == block)
            return sf;
    return NULL;
}

static void read_map_insert(struct share_frame *sf, unsigned int disk,
                            uint32_t block)
{
    struct share_frame **b = read_bucket(sf->group, disk, block);

    sf->read = true;
    sf->rdisk = (uint8_t)disk;
    sf->rblock = block;
    sf->rnext = *b;
    *b = sf;
}

static void read_map_remove(struct share_frame *sf)
{
    struct share_frame **pp;

    for (pp = read_bucket(sf->group, sf->rdisk, sf->rblock); *pp;
         pp = &(*pp)->rnext)
        if (*pp == sf) {
            *pp = sf->rnext;
            sf->read = false;
            return;
        }
    panic("share: frame %#x missing from the read map", sf->mfn);
}

struct read_share {
    struct share_req req; /* the pfn and its one PTE (PV), or none      */
    unsigned int disk;
    uint32_t block;
    bool publish;         /* the pfn holds the block: it may become it  */
};

/* A translated domain's pfn on shared frame mfn (a free page on the zero
 * frame, most likely; its shadows are detached) is about to be overwritten
 * with a block the read map has: it leaves its frame for the block's, with
 * no copy and no frame of its own in between. */
static int read_move_pfn(struct domain *d, uint32_t pfn, uint32_t mfn,
                         struct share_frame *sf)
{
    struct share_frame *old = page_share_frame(mfn_to_page(mfn));
    struct page_info *spg = mfn_to_page(sf->mfn);
    struct dom_count *c;
    struct m2p_entry *e;

    if (old == sf)
        return 0; /* it holds the block already */
    if ((spg->count_info & PGC_count_mask) + 1 >= PGC_count_mask)
        return -EOVERFLOW;
    if (!(c = sf_count(sf, d)))
        return -ENOMEM;
    e = new_entry(d, pfn, SHARE_CAT_CACHE);
    if (!e) {
        dom_counts_drop(&sf->doms, c);
        return -ENOMEM;
    }
    e->flags = M2P_READ;
    drop_from_list(old, d, pfn);
    share_join(sf, d, e);
    d->share->read_joins++;
    return 0;
}

/* d's pfn (the block's data, or about to be overwritten by it) goes onto
 * the block's shared frame: joined, or - publishing - made of the pfn's
 * own frame. No contents compare: the image does not change. */
static int read_share_pfn(struct domain *d, uint32_t pfn, void *arg)
{
    struct read_share *rs = arg;
    struct share_frame *sf =
        read_map_lookup(d->share->group, rs->disk, rs->block);
    struct m2p_entry *e;
    unsigned int nw;
    uint32_t mfn, h;
    const void *p;
    int rc;

    if (!sf && !rs->publish)
        return -ENOENT;
    rc = share_check_pfn(d, pfn, &mfn);
    if (rc == SHARE_SHARED && is_translated(d) && sf)
        return read_move_pfn(d, pfn, mfn, sf);
    if (rc != SHARE_OK && rc != SHARE_GRANTED) /* granted: for this I/O */
        return -EBUSY;
    rs->req.pfn = pfn;
    if ((rc = check_refs(d, &rs->req, mfn, &nw)) != 0)
        return rc;
    e = new_entry(d, pfn, SHARE_CAT_CACHE);
    if (!e)
        return -ENOMEM;
    e->orig_maps = rs->req.nr_ptes;
    e->orig_wmaps = (uint16_t)nw;
    e->flags = (nw ? M2P_ORIG_WRITABLE : 0) | M2P_READ;
    if (sf)
        rc = setup_join(d, &rs->req, sf, mfn);
    else {
        p = map_domain_page(mfn);
        h = share_hash_page(p);
        unmap_domain_page(p);
        rc = setup_convert(d, &rs->req, h, false, &sf);
        if (!rc)
            read_map_insert(sf, rs->disk, rs->block);
    }
    if (rc) {
        objpool_free(&m2p_entry_pool, e);
        return rc;
    }
    share_join(sf, d, e); /* the caller flushes the TLB (once a request) */
    if (sf->list.len == 1)
        d->share->read_publishes++; /* a new frame of the block */
    else
        d->share->read_joins++;
    return 0;
}

static int read_share(struct domain *d, uint32_t pfn, uint32_t pte,
                      struct read_share *rs)
{
    if (!d->share || pfn >= d->p2m_size)
        return -EINVAL;
    if (group_same[d->share->group])
        return -ENOENT; /* off: a read that joins would take no I/O */
    /* The cheap test first: most misses end here. */
    if (!rs->publish &&
        !read_map_lookup(d->share->group, rs->disk, rs->block))
        return -ENOENT;
    memset(&rs->req, 0, sizeof(rs->req));
    if (is_translated(d))
        return sh_share_by(d, pfn, read_share_pfn, rs);
    if (!pte)
        return -EINVAL;
    rs->req.nr_ptes = 1;
    rs->req.pte[0] = pte;
    return read_share_pfn(d, pfn, rs);
}

int share_read_join(struct domain *d, uint32_t pfn, uint32_t pte,
                    unsigned int disk, uint32_t block)
{
    struct read_share rs = { .disk = disk, .block = block, .publish = false };

    return read_share(d, pfn, pte, &rs);
}

int share_read_publish(struct domain *d, uint32_t pfn, uint32_t pte,
                       unsigned int disk, uint32_t block)
{
    struct read_share rs = { .disk = disk, .block = block, .publish = true };

    return read_share(d, pfn, pte, &rs);
}

/* --- Transparent sharing (shadow.c) -------------------------------------- */

/* A translated domain's pfn, offered by the scanner: the same set-up with
 * no entries listed - shadow.c has taken every shadow mapping away first
 * and puts them back (read-only, to the shared frame) after. */
int share_setup_pfn(struct domain *d, uint32_t pfn)
{
    struct share_req req = { .pfn = pfn, .category = 0 };
    uint32_t mfn;
    int rc;

    BUG_ON(!is_translated(d));
    rc = setup_check_frame(d, pfn, &mfn);
    if (!rc)
        rc = share_setup(d, &req, mfn);
    if (rc)
        d->share->setup_failures++;
    return rc;
}

/*
 * d gives a shared pfn back (decrease_reservation): it leaves the frame's
 * list, with no copy (Milos's no-copy CoW for freed pages). A translated
 * domain's shadow mappings are gone already. A PV domain's page tables
 * name the frame, not the pfn: it may leave only if it then still has a
 * pfn on the list or maps the frame nowhere, so that no domain maps a
 * frame it has no pfn on. 0, or -EBUSY.
 */
int share_drop_pfn(struct domain *d, uint32_t pfn)
{
    struct page_info *pg = mfn_to_page(d->p2m[pfn]);
    struct share_frame *sf = page_share_frame(pg);

    BUG_ON(page_get_owner(pg) != dom_cow);
    if (!is_translated(d) && sf_pfns(sf, d->domain_id) == 1 &&
        sf_maps(sf, d->domain_id)) {
        gprintk(d, "decrease_reservation: shared pfn %#x: its frame is still "
                   "mapped %u times",
                pfn, sf_maps(sf, d->domain_id));
        return -EBUSY;
    }
    drop_from_list(sf, d, pfn);
    d->p2m[pfn] = INVALID_MFN;
    return 0;
}

/* A translated domain's CoW break of pfn; its shadow mappings are gone
 * (shadow.c restores them to the new frame). discard: the contents are
 * not wanted (a zeroed frame, no copy; counted as a discard). */
int share_break_pfn(struct domain *d, uint32_t pfn, bool discard)
{
    struct share_req req; /* break_one reads no more than these */

    req.pfn = pfn;
    req.nr_ptes = 0;
    req.flags = discard ? SHARE_BREAK_DISCARD : 0;
    BUG_ON(!is_translated(d));
    return break_one(d, &req);
}

/* --- Registration and grants ------------------------------------------- */

static int get_guest_frame(struct domain *d, uint32_t pfn, uint32_t *mfn)
{
    int rc;

    *mfn = p2m_lookup(d, pfn);
    if (*mfn == INVALID_MFN)
        return -EINVAL;
    rc = get_page_and_type(mfn_to_page(*mfn), d, PGT_writable_page);
    return rc;
}

static long share_register(struct domain *d, uint32_t uarg)
{
    struct share_dom *sh = d->share;
    struct share_register r;
    uint32_t i, mfn;
    int rc;

    if (copy_from_guest(&r, uarg, sizeof(r)))
        return -EFAULT;
    if (sh->ring_mfn) {
        gprintk(d, "sharing_op register: already registered");
        return -EBUSY;
    }
    if (!r.bitmap_pages || r.bitmap_pages > ARRAY_SIZE(sh->bitmap_mfn) ||
        r.bitmap_pages * PAGE_SIZE * 8 < d->p2m_size ||
        r.bitmap_pfn >= d->p2m_size ||
        r.bitmap_pfn + r.bitmap_pages > d->p2m_size ||
        (r.ring_pfn >= r.bitmap_pfn &&
         r.ring_pfn < r.bitmap_pfn + r.bitmap_pages)) {
        gprintk(d, "sharing_op register: bad ring %#x or bitmap %#x+%u",
                r.ring_pfn, r.bitmap_pfn, r.bitmap_pages);
        return -EINVAL;
    }
    for (i = 0; i < r.bitmap_pages; i++) {
        rc = get_guest_frame(d, r.bitmap_pfn + i, &sh->bitmap_mfn[i]);
        if (rc) {
            while (i--)
                put_page_and_type(mfn_to_page(sh->bitmap_mfn[i]));
            gprintk(d, "sharing_op register: bitmap pfn %#x unusable (%d)",
                    r.bitmap_pfn + i, rc);
            return rc;
        }
    }
    rc = get_guest_frame(d, r.ring_pfn, &mfn);
    if (rc) {
        for (i = 0; i < r.bitmap_pages; i++)
            put_page_and_type(mfn_to_page(sh->bitmap_mfn[i]));
        gprintk(d, "sharing_op register: ring pfn %#x unusable (%d)",
                r.ring_pfn, rc);
        return rc;
    }
    sh->bitmap_pages = r.bitmap_pages;
    sh->ring_mfn = mfn;
    share_changed(d); /* scannable now: a whole visit */
    return 0;
}

static long gnttab_bit(struct domain *d, uint32_t pfn, bool set)
{
    struct share_dom *sh = d->share;

    if (p2m_lookup(d, pfn) == INVALID_MFN) {
        gprintk(d, "sharing_op gnttab: pfn %#x does not exist", pfn);
        return -EINVAL;
    }
    if (set && page_get_owner(mfn_to_page(d->p2m[pfn])) == dom_cow) {
        gprintk(d, "sharing_op gnttab: pfn %#x is shared: break it first", pfn);
        return -EBUSY;
    }
    if (set)
        sh->gnttab[pfn / 32] |= 1U << (pfn % 32);
    else
        sh->gnttab[pfn / 32] &= ~(1U << (pfn % 32));
    return 0;
}

/* --- The hypercall ------------------------------------------------------ */

/* SHAREOP_get_pfn: d's own pfns on a shared frame, never another's. */
static long get_pfn(struct domain *d, uint32_t arg)
{
    struct share_get_pfn gp;
    struct share_frame *sf;
    const struct m2p_entry *e;
    uint32_t n, i;

    if (copy_from_guest(&gp, arg, sizeof(gp)))
        return -EFAULT;
    if (!mfn_valid(gp.mfn) || page_get_owner(mfn_to_page(gp.mfn)) != dom_cow)
        return -ENOENT;
    sf = page_share_frame(mfn_to_page(gp.mfn));
    n = sf_pfns(sf, d->domain_id);
    if (!n)
        return -ENOENT; /* the same answer as for a frame not shared */
    /* d's entries are together from its first: the cost is d's, not the
     * other sharers'. */
    for (e = dom_counts_find(&sf->doms, d->domain_id)->first, i = 0;
         e && e->domid == d->domain_id && i < ARRAY_SIZE(gp.pfns); e = e->next)
        gp.pfns[i++] = e->pfn;
    gp.nr = n;
    if (copy_to_guest(arg, &gp, sizeof(gp)))
        return -EFAULT;
    return n;
}

/* SHAREOP_scan_info: the scanner's progress over d's own memory. */
static long scan_info(struct domain *d, uint32_t arg)
{
    struct share_scan_info si = {
        .passes = d->share->scan_passes,
        .shared_pfns = d->share->shared_pfns,
    };

    share_changed(d); /* it waits for passes: the next is a whole one */
    return copy_to_guest(arg, &si, sizeof(si)) ? -EFAULT : 0;
}

long do_sharing_op(uint32_t cmd, uint32_t arg, uint32_t count)
{
    struct domain *d = current->domain;
    long done;

    if (!d->share) {
        gprintk(d, "sharing_op: the domain is in no share group");
        return -EPERM;
    }
    if (cmd == SHAREOP_scan_info)
        return scan_info(d, arg);
    if (is_translated(d)) {
        gprintk(d, "sharing_op: a shadow-mode domain is shared transparently, "
                   "with no driver");
        return -EOPNOTSUPP;
    }
    switch (cmd) {
    case SHAREOP_register:
        return share_register(d, arg);
    case SHAREOP_setup_shares:
        return share_batch(d, "setup_shares", arg, count, 0, setup_offered,
                           &done);
    case SHAREOP_cow_break:
        return cow_break(d, arg, count);
    case SHAREOP_is_shared_page:
        if (p2m_lookup(d, arg) == INVALID_MFN)
            return -EINVAL;
        return page_get_owner(mfn_to_page(d->p2m[arg])) == dom_cow;
    case SHAREOP_get_pfn:
        return get_pfn(d, arg);
    case SHAREOP_set_gnttab_bit:
        return gnttab_bit(d, arg, true);
    case SHAREOP_remove_gnttab_bit:
        return gnttab_bit(d, arg, false);
    default:
        gprintk(d, "sharing_op %u not supported", cmd);
        return -ENOSYS;
    }
}

/* --- Domains ------------------------------------------------------------ */

int share_domain_init(struct domain *d)
{
    struct share_dom *sh;
    uint32_t words, bytes;

    if (!d->cfg->share_group[0])
        return 0;
    words = ROUNDUP(d->p2m_size, 32) / 32;
    bytes = sizeof(*sh) + 2 * words * 4 +
            d->p2m_size * (sizeof(struct scan_pfn) + sizeof(void *));
    bytes = ROUNDUP(bytes, PAGE_SIZE);
    sh = alloc_xenheap_pages(bytes >> PAGE_SHIFT);
    if (!sh)
        return -ENOMEM;
    sh->meta_pages = bytes >> PAGE_SHIFT;
    sh->group = (uint8_t)group_of(d->cfg->share_group);
    group_same[sh->group] = d->cfg->share_same;
    sh->gnttab = (uint32_t *)(sh + 1);
    sh->shared_bits = sh->gnttab + words;
    sh->pfn = (struct scan_pfn *)(sh->shared_bits + words);
    sh->entry = (struct m2p_entry **)(sh->pfn + d->p2m_size);
    d->share = sh;
    share_changed(d);
    return 0;
}

void share_domain_destroy(struct domain *d)
{
    struct share_dom *sh = d->share;
    uint32_t pfn, i;

    if (!sh)
        return;
    /* Page tables are gone: no entry of d maps a shared frame now. */
    for (pfn = 0; pfn < d->p2m_size; pfn++) {
        uint32_t mfn = d->p2m[pfn];
        struct share_frame *sf;

        if (mfn == INVALID_MFN || page_get_owner(mfn_to_page(mfn)) != dom_cow)
            continue;
        sf = page_share_frame(mfn_to_page(mfn));
        if (sf_maps(sf, d->domain_id))
            panic("share: dying d%u still maps shared mfn %#x %u times",
                  d->domain_id, mfn, sf_maps(sf, d->domain_id));
        drop_from_list(sf, d, pfn);
        d->p2m[pfn] = INVALID_MFN;
    }
    if (sh->ring_mfn)
        put_page_and_type(mfn_to_page(sh->ring_mfn));
    for (i = 0; i < sh->bitmap_pages; i++)
        put_page_and_type(mfn_to_page(sh->bitmap_mfn[i]));
    share_scan_forget(d);
    d->share = NULL;
    free_xenheap_pages(sh, sh->meta_pages);
    share_free_deferred(); /* frames its leaving emptied: their records go */
    if (!share_frame_pool.in_use)
        objpool_release(&share_frame_pool, share_pool_put);
    if (!m2p_entry_pool.in_use)
        objpool_release(&m2p_entry_pool, share_pool_put);
    if (!dom_table_pool.in_use)
        objpool_release(&dom_table_pool, share_pool_put);
}

/* --- Figures ------------------------------------------------------------ */

void share_totals(struct share_totals *t)
{
    struct share_scan_stats ss;
    struct domain *d;
    struct page_info *pg, *n;

    memset(t, 0, sizeof(*t));
    for_each_page_safe (pg, n, &dom_cow->page_list) {
        struct share_frame *sf = page_share_frame(pg);

        if (sf && sf->list.len) {
            t->shared_mfns++;
            t->sharing_pfns += sf->list.len;
            t->read_mfns += sf->read;
        }
    }
    for_each_domain (d) {
        if (!d->share || d->is_dead)
            continue;
        t->guest_pages += d->p2m_size;
        t->zero_pfns += d->share->zero_pfns;
        t->cow_breaks += d->share->cow_breaks;
        t->cow_failures += d->share->cow_failures;
        t->metadata_bytes += d->share->meta_pages * PAGE_SIZE;
        t->read_pfns += d->share->read_pfns;
        t->read_joins += d->share->read_joins;
        t->read_publishes += d->share->read_publishes;
    }
    share_scan_stats(&ss);
    t->metadata_bytes += objpool_bytes(&share_frame_pool) +
                         objpool_bytes(&m2p_entry_pool) +
                         objpool_bytes(&dom_table_pool) + ss.meta_bytes +
                         (STABLE_BUCKETS + READ_BUCKETS) * sizeof(void *);
}

static uint64_t cow_breaks_gone, cow_failures_gone, read_joins_gone,
    read_publishes_gone;

/*
 * The SHARE line: key=value pairs, one line, keys never renamed or
 * reordered (scripts read them; new keys go before at=):
 *   round          scan rounds completed      shared_mfns   frames of dom_cow
 *   sharing_pfns   guest pfns on them         saved         sharing_pfns - shared_mfns
 *   guest_pages    pages of sharing domains   zero_pfns     pfns on zero frames
 *   volatile       visits that found a page changed (since boot)
 *   unshared       pages of the last round that matched nothing
 *   skipped        visits skipped by the smart scan (since boot)
 *   full_scans     = round                    pages_scanned pages hashed
 *   cow_breaks, cow_failures   since boot, domains gone included
 *   metadata_bytes  the hypervisor's memory for sharing (tables, lists, pools)
 *   profit_bytes   saved * 4096 - metadata_bytes
 *   scan_cycles_per_page   TSC cycles of scanning per page hashed
 *   hash_cycles_per_page   one XXH32 of a page, measured at boot
 *   read_shares    of sharing_pfns, those that arrived shared with a block
 *                  read (read-time sharing), not by the scanner
 *   read_joins     block reads whose page joined a shared frame of the
 *                  block (since boot, domains gone included)
 *   read_frames    block reads whose page became the block's shared frame
 *   scan_cycles    TSC cycles of scanning in all (idle time and busy)
 *   busy_slices busy_cycles   slices the scanner took from guests that
 *                  did not idle (scan_busy_per_mille=), and all their
 *                  cycles (the ends of rounds in them included)
 *   at             round | scan (mid-round) | exit-dN | shutdown | key
 * SHARE-DOMAIN (print_domain) and SHARE-AUDIT (share_scan.c) follow the
 * same style.
 */
void share_print(const char *why)
{
    struct share_scan_stats ss;
    struct share_totals t;
    int64_t saved;

    share_totals(&t);
    share_scan_stats(&ss);
    t.cow_breaks += cow_breaks_gone;
    t.cow_failures += cow_failures_gone;
    t.read_joins += read_joins_gone;
    t.read_publishes += read_publishes_gone;
    saved = (int64_t)t.sharing_pfns - t.shared_mfns;
    printk(
        "SHARE round=%llu shared_mfns=%u sharing_pfns=%u saved=%lld "
        "guest_pages=%u zero_pfns=%u volatile=%llu unshared=%llu "
        "skipped=%llu full_scans=%llu pages_scanned=%llu cow_breaks=%llu "
        "cow_failures=%llu metadata_bytes=%u profit_bytes=%lld "
        "scan_cycles_per_page=%llu hash_cycles_per_page=%llu read_shares=%u "
        "read_joins=%llu read_frames=%llu scan_cycles=%llu busy_slices=%llu "
        "busy_cycles=%llu same_alone=%llu same_deferred=%llu "
        "same_deferred_full=%llu quiet_skips=%llu listed=%u offers_held=%llu "
        "tsc=%llu at=%s",
        (unsigned long long)ss.rounds, t.shared_mfns, t.sharing_pfns,
        (long long)saved, t.guest_pages, t.zero_pfns,
        (unsigned long long)ss.volatile_pages, (unsigned long long)ss.unshared,
        (unsigned long long)ss.skipped, (unsigned long long)ss.rounds,
        (unsigned long long)ss.pages, (unsigned long long)t.cow_breaks,
        (unsigned long long)t.cow_failures, t.metadata_bytes,
        (long long)saved * PAGE_SIZE - t.metadata_bytes,
        (unsigned long long)(ss.pages ? ss.cycles / ss.pages : 0),
        (unsigned long long)ss.hash_cycles, t.read_pfns,
        (unsigned long long)t.read_joins,
        (unsigned long long)t.read_publishes, (unsigned long long)ss.cycles,
        (unsigned long long)ss.busy_slices, (unsigned long long)ss.busy_cycles,
        (unsigned long long)same_alone, (unsigned long long)same_deferred,
        (unsigned long long)same_deferred_full,
        (unsigned long long)ss.quiet_skips, ss.listed,
        (unsigned long long)ss.offers_held, (unsigned long long)arch_read_tsc(),
        why);
}

/*
 * SHARE-DOMAIN, one line per sharing domain (at its exit, and on the 'm'
 * key), key=value like SHARE:
 *   d<id> name group   the domain and its share group
 *   shared_pfns zero   its pfns on shared frames now; of those, on the zero frame
 *   anon mapped cache kernel   the same by the guest's category
 *                      (SHARE_CAT_*; shadow: 0)
 *   setups setup_failures cow_breaks discards cow_failures   since it was built
 *   mode               pv | shadow
 *   read read_joins read_frames   its pfns that arrived shared with a block
 *                      read, now; its reads that joined / became a shared
 *                      frame, since it was built
 */
static void print_domain(struct domain *d)
{
    struct share_dom *sh = d->share;

    printk("SHARE-DOMAIN d%u name=%s group=%s shared_pfns=%u zero=%u anon=%u "
           "mapped=%u cache=%u kernel=%u setups=%llu setup_failures=%llu "
           "cow_breaks=%llu discards=%llu cow_failures=%llu mode=%s read=%u "
           "read_joins=%llu read_frames=%llu",
           d->domain_id, d->name, group_names[sh->group - 1], sh->shared_pfns,
           sh->zero_pfns, sh->by_cat[SHARE_CAT_ANON],
           sh->by_cat[SHARE_CAT_MAPPED], sh->by_cat[SHARE_CAT_CACHE],
           sh->by_cat[SHARE_CAT_KERNEL],
           (unsigned long long)sh->setups,
           (unsigned long long)sh->setup_failures,
           (unsigned long long)sh->cow_breaks, (unsigned long long)sh->discards,
           (unsigned long long)sh->cow_failures,
           is_translated(d) ? "shadow" : "pv", sh->read_pfns,
           (unsigned long long)sh->read_joins,
           (unsigned long long)sh->read_publishes);
}

/* At a domain's shutdown: its line, and its breaks kept for the totals. */
void share_domain_report(struct domain *d)
{
    char why[16];

    if (!d->share)
        return;
    snprintf(why, sizeof(why), "exit-d%u", d->domain_id);
    share_print(why);
    print_domain(d);
    cow_breaks_gone += d->share->cow_breaks;
    cow_failures_gone += d->share->cow_failures;
    read_joins_gone += d->share->read_joins;
    read_publishes_gone += d->share->read_publishes;
}

void share_print_domains(void)
{
    struct domain *d;

    for_each_domain (d)
        if (d->share && !d->is_dead)
            print_domain(d);
}

static void share_key(unsigned char key)
{
    (void)key;
    share_print("key");
    share_print_domains();
}

/* --- Boot --------------------------------------------------------------- */

void mem_sharing_init(void)
{
    void *z;

    objpool_init(&share_frame_pool, "share_frame", sizeof(struct share_frame),
                 share_pool_get, 0);
    objpool_init(&m2p_entry_pool, "m2p_entry", sizeof(struct m2p_entry),
                 share_pool_get, 0);
    objpool_init(&dom_table_pool, "dom_table", DOM_COUNTS_TABLE_BYTES,
                 share_pool_get, 0);
    stable = alloc_xenheap_pages(STABLE_BUCKETS * sizeof(void *) / PAGE_SIZE);
    read_map = alloc_xenheap_pages(READ_BUCKETS * sizeof(void *) / PAGE_SIZE);
    z = alloc_xenheap_pages(1); /* zeroed: for the zero page's hash */
    if (!stable || !read_map || !z)
        panic("mem_sharing_init: out of memory");
    /* The seed: hashes are hints, and a guest must not be able to
     * predict collisions from one boot to the next. */
    share_seed = arch_boot_entropy();
    if (opt_share_seed)
        share_seed = opt_share_seed; /* benchmarks: figures that repeat */
    random_state = share_seed | 1;
    zero_page_hash = share_hash_page(z);
    free_xenheap_pages(z, 1);
    register_keyhandler('m', share_key, "print the SHARE lines");
    share_scan_init();
}

void share_finish(void)
{
    share_free_deferred();
    share_print("shutdown");
    share_scan_release();
}
