/*
 * mem_sharing.c - the reference manager: shared frames, their M2P lists,
 * and the sharing hypercalls (public/sharing.h) - setup_shares, cow_break,
 * is_shared_page, get_pfn, set/remove_gnttab_bit, register. The rules of
 * a shared frame's counts are in hv/mem_sharing.h.
 *
 * Owns every frame of dom_cow and every share_frame and m2p_entry. Every
 * request is guest data: each pfn, each listed page-table entry and each
 * count is checked before anything changes, and a request that fails
 * changes nothing but this: the offer it used is gone (a guest cannot
 * retry a refused pfn until the scanner offers it again). It never lets a frame be shared that has a reference the
 * request did not account for (an unlisted mapping, a pin, a page-table
 * use, a grant), never maps a shared frame writable, and answers only
 * about the caller's own pfns.
 */
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/mm.h>
#include <hv/stats.h>
#include <hv/time.h>
#include <asm/paging.h>
#include <asm/processor.h>
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

struct objpool share_frame_pool, m2p_entry_pool;
uint32_t share_seed;
uint32_t zero_page_hash;
/* Each group's zero frame, once a zero page was shared; the first zero
 * page shared becomes it. */
static struct share_frame *zero_sf[MAX_DOMAINS + 1];

/* Groups: the scenario's names, numbered from 1. */
static char group_names[MAX_DOMAINS][SCN_NAME_MAX];
static unsigned int nr_groups;

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

/* --- Mappings of shared frames (mm.c's hooks) --------------------------- */

static bool domain_on_list(const struct share_frame *sf, domid_t id)
{
    return sf->pfns[id] != 0;
}

int share_get_mapping(struct page_info *pg, struct domain *d, uint32_t e)
{
    struct share_frame *sf = page_share_frame(pg);

    BUG_ON(!sf || sf->mfn != page_to_mfn(pg));
    if (e & _PAGE_RW) {
        gprintk(d,
                "L1 entry %#x: shared frame %#x can only be mapped "
                "read-only",
                e, sf->mfn);
        return -EPERM;
    }
    if (!domain_on_list(sf, d->domain_id)) {
        gprintk(d, "L1 entry %#x: mfn %#x is not the domain's", e, sf->mfn);
        return -EPERM;
    }
    if ((pg->count_info & PGC_count_mask) >= PGC_count_mask - 1 ||
        sf->maps[d->domain_id] >= PGC_count_mask - 1)
        return -EOVERFLOW;
    pg->count_info++;
    sf->maps[d->domain_id]++;
    return 0;
}

void share_put_mapping(struct page_info *pg, struct domain *d)
{
    struct share_frame *sf = page_share_frame(pg);

    BUG_ON(!sf);
    if (!sf->maps[d->domain_id])
        panic("share: mfn %#x: d%u drops a mapping it does not hold", sf->mfn,
              d->domain_id);
    sf->maps[d->domain_id]--;
    put_page(pg);
}

uint32_t share_fault_mfn(struct domain *d, uint32_t l2_mfn, uint32_t va)
{
    const intpte_t *l2, *l1;
    intpte_t l2e, l1e;
    uint32_t mfn;

    /* Translated domains never see a shared frame's fault: shadow.c
     * breaks the share before the guest would. */
    if (!d->share || is_translated(d) || !l2_mfn ||
        va >= HYPERVISOR_VIRT_START)
        return 0;
    l2 = map_domain_page(l2_mfn);
    l2e = l2[l2_table_offset(va)];
    unmap_domain_page(l2);
    if (!pte_present(l2e))
        return 0;
    l1 = map_domain_page(pte_get_mfn(l2e));
    l1e = l1[l1_table_offset(va)];
    unmap_domain_page(l1);
    mfn = pte_get_mfn(l1e);
    if (!pte_present(l1e) || !mfn_valid(mfn) ||
        page_get_owner(mfn_to_page(mfn)) != dom_cow)
        return 0;
    return mfn;
}

bool share_pfn_granted(const struct domain *d, uint32_t pfn)
{
    /* Not sharing, or sharing transparently (the backend's write breaks
     * the share itself): no grant needed. */
    if (!d->share || is_translated(d))
        return true;
    return pfn < d->p2m_size && (d->share->gnttab[pfn / 32] >> (pfn % 32)) & 1;
}

/* --- Shared frames ------------------------------------------------------ */

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
        e->category = category < 4 ? category : 0;
    }
    return e;
}

/* d's pfn joined sf: the entry's reference and the figures. */
static void add_to_list(struct share_frame *sf, struct domain *d,
                        struct m2p_entry *e)
{
    struct page_info *pg = mfn_to_page(sf->mfn);

    m2p_list_add(&sf->list, e);
    sf->pfns[d->domain_id]++;
    d->share->entry[e->pfn] = e;
    pg->count_info++;
    d->p2m[e->pfn] = sf->mfn;
    d->share->shared_bits[e->pfn / 32] |= 1U << (e->pfn % 32);
    d->share->shared_pfns++;
    d->share->by_cat[e->category]++;
    if (sf->zero)
        d->share->zero_pfns++;
}

/* Unlink d's entry for pfn from sf's list: found through d's entry array,
 * not by walking (a zero frame's list can be every free page of a group). */
static struct m2p_entry *take_entry(struct share_frame *sf, struct domain *d,
                                    uint32_t pfn)
{
    struct m2p_entry *e = d->share->entry[pfn];

    if (!e || e->domid != d->domain_id || e->pfn != pfn || !sf->pfns[e->domid])
        panic("share: d%u pfn %#x is not on the list of mfn %#x", d->domain_id,
              pfn, sf->mfn);
    m2p_list_unlink(&sf->list, e);
    sf->pfns[e->domid]--;
    d->share->entry[pfn] = NULL;
    return e;
}

/* The last reference of a list entry goes: the frame may go with it. */
static void drop_from_list(struct share_frame *sf, struct domain *d,
                           uint32_t pfn)
{
    struct m2p_entry *e = take_entry(sf, d, pfn);
    struct page_info *pg = mfn_to_page(sf->mfn);

    d->share->shared_bits[pfn / 32] &= ~(1U << (pfn % 32));
    d->share->shared_pfns--;
    d->share->by_cat[e->category]--;
    if (sf->zero)
        d->share->zero_pfns--;
    objpool_free(&m2p_entry_pool, e);
    if (!sf->list.len) {
        uint32_t i;

        for (i = 0; i <= MAX_DOMAINS; i++)
            if (sf->maps[i])
                panic("share: mfn %#x leaves its last list entry still "
                      "mapped by d%u",
                      sf->mfn, i);
        stable_remove(sf);
        if (sf->zero)
            zero_sf[sf->group] = NULL;
        BUG_ON((pg->count_info & PGC_count_mask) != 1 ||
               (pg->type_info & PGT_count_mask) != 1);
        pg->type_info = PGT_none; /* the permanent type reference goes */
        pg->pad[0] = 0;
        objpool_free(&share_frame_pool, sf);
    }
    put_page(pg);
}

/* Point the L1 entry at maddr at frame mfn with flags; no references move. */
static void write_l1e(uint32_t maddr, intpte_t val)
{
    intpte_t *pt = map_domain_page(maddr >> PAGE_SHIFT);

    pt[(maddr & ~PAGE_MASK) / sizeof(intpte_t)] = val;
    unmap_domain_page(pt);
}

static intpte_t read_l1e(uint32_t maddr)
{
    const intpte_t *pt = map_domain_page(maddr >> PAGE_SHIFT);
    intpte_t e = pt[(maddr & ~PAGE_MASK) / sizeof(intpte_t)];

    unmap_domain_page(pt);
    return e;
}

/*
 * Check the request's entries: each is an entry of one of d's L1 tables,
 * present, mapping mfn, listed once. Counts the writable ones.
 */
static int check_ptes(struct domain *d, const struct share_req *req,
                      uint32_t mfn, unsigned int *nr_writable)
{
    unsigned int i, j;

    *nr_writable = 0;
    if (req->nr_ptes > SHARE_MAX_PTES) {
        gprintk(d, "sharing_op: pfn %#x: %u entries (at most %u)", req->pfn,
                req->nr_ptes, SHARE_MAX_PTES);
        return -EINVAL;
    }
    for (i = 0; i < req->nr_ptes; i++) {
        uint32_t maddr = req->pte[i] & ~3U, l1mfn = maddr >> PAGE_SHIFT;
        struct page_info *l1pg;
        intpte_t e;

        if (!mfn_valid(l1mfn)) {
            gprintk(d, "sharing_op: entry %#x: no such frame", maddr);
            return -EINVAL;
        }
        l1pg = mfn_to_page(l1mfn);
        if (page_get_owner(l1pg) != d ||
            (l1pg->type_info & PGT_type_mask) != PGT_l1_page_table ||
            !(l1pg->type_info & PGT_count_mask) ||
            !(l1pg->type_info & PGT_validated)) {
            gprintk(d,
                    "sharing_op: entry %#x is not in one of the domain's "
                    "L1 tables",
                    maddr);
            return -EPERM;
        }
        for (j = 0; j < i; j++)
            if ((req->pte[j] & ~3U) == maddr) {
                gprintk(d, "sharing_op: entry %#x listed twice", maddr);
                return -EINVAL;
            }
        e = read_l1e(maddr);
        if (!pte_present(e) || pte_get_mfn(e) != mfn) {
            gprintk(d, "sharing_op: entry %#x (%#x) does not map pfn %#x",
                    maddr, e, req->pfn);
            return -EINVAL;
        }
        if (e & _PAGE_RW)
            (*nr_writable)++;
    }
    return 0;
}

/* A frame of d's that may become shared: owned, data, not granted. */
static int check_private(struct domain *d, uint32_t pfn, bool quiet)
{
    struct page_info *pg;
    uint32_t type;

    if (pfn >= d->p2m_size || d->p2m[pfn] == INVALID_MFN) {
        if (!quiet)
            gprintk(d, "sharing_op: pfn %#x does not exist", pfn);
        return -EINVAL;
    }
    pg = mfn_to_page(d->p2m[pfn]);
    if (page_get_owner(pg) == dom_cow)
        return -EEXIST;
    if (page_get_owner(pg) != d)
        return -EPERM;
    type = pg->type_info & PGT_type_mask;
    if ((type != PGT_writable_page && (pg->type_info & PGT_count_mask)) ||
        (pg->type_info & PGT_pinned) || !(pg->count_info & PGC_allocated) ||
        (pg->count_info & PGC_xen_heap) ||
        ((d->share->gnttab[pfn / 32] >> (pfn % 32)) & 1)) {
        if (!quiet)
            gprintk(d,
                    "sharing_op: pfn %#x is not a shareable page "
                    "(count %#x type %#x)",
                    pfn, pg->count_info, pg->type_info);
        return -EPERM;
    }
    return 0;
}

/* Make d's frame behind pfn (contents hash) a new shared frame. */
static struct share_frame *convert_to_shared(struct domain *d, uint32_t pfn,
                                             uint32_t hash)
{
    uint32_t mfn = d->p2m[pfn];
    struct page_info *pg = mfn_to_page(mfn);
    struct share_frame *sf = objpool_alloc(&share_frame_pool);

    if (!sf)
        return NULL;
    sf->mfn = mfn;
    sf->hash = hash;
    sf->group = d->share->group;
    /* Change hands: d's allocation reference goes; the list entry that the
     * caller adds takes its place. */
    page_list_del(&d->page_list, pg);
    d->tot_pages--;
    pg->owner = dom_cow;
    page_list_add(&dom_cow->page_list, pg);
    dom_cow->tot_pages++;
    pg->count_info &= ~PGC_allocated;
    pg->count_info--;
    pg->type_info = PGT_none | PGT_validated | 1;
    pg->pad[0] = (uint32_t)sf;
    set_gpfn_from_mfn(mfn, SHARED_M2P_ENTRY);
    stable_insert(sf);
    return sf;
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
        pd->is_dying || ppfn >= pd->p2m_size || (pd == d && ppfn == pfn))
        return NULL;
    pmfn = pd->p2m[ppfn];
    if (pmfn == INVALID_MFN || page_get_owner(mfn_to_page(pmfn)) != pd)
        return NULL;
    q = map_domain_page(pmfn);
    eq = share_pages_equal(p, q);
    unmap_domain_page(q);
    *convert = eq;
    return NULL;
}

static int setup_one(struct domain *d, const struct share_req *req)
{
    struct share_dom *sh = d->share;
    uint32_t pfn = req->pfn, mfn, h, ncount;
    struct share_frame *sf;
    struct page_info *pg;
    struct m2p_entry *e;
    unsigned int nw, i;
    const void *p;
    bool convert, zero;
    int rc;

    rc = check_private(d, pfn, false);
    if (rc)
        return rc;
    if (!(sh->pfn[pfn].flags & SCAN_QUEUED)) {
        gprintk(d, "setup_shares: pfn %#x was not offered for sharing", pfn);
        return -EPERM;
    }
    sh->pfn[pfn].flags &= ~SCAN_QUEUED;
    mfn = d->p2m[pfn];
    pg = mfn_to_page(mfn);
    if ((rc = check_ptes(d, req, mfn, &nw)) != 0)
        return rc;
    /* Every reference must be accounted for: the allocation and the listed
     * entries, and every writable one among them. */
    ncount = pg->count_info & PGC_count_mask;
    if (ncount != 1u + req->nr_ptes || (pg->type_info & PGT_count_mask) != nw) {
        gprintk(d,
                "setup_shares: pfn %#x has references the request does "
                "not list (count %u, %u entries; type count %u, %u "
                "writable)",
                pfn, ncount, req->nr_ptes, pg->type_info & PGT_count_mask, nw);
        return -EBUSY;
    }
    if (nr_free_domheap_pages() < opt_share_reserve)
        return -ENOMEM; /* keep the CoW reserve */

    /* Now nothing else can write the page: compare it for real. */
    p = map_domain_page(mfn);
    h = share_hash_page(p);
    sf = find_target(d, pfn, p, h, &convert, &zero);
    unmap_domain_page(p);
    if (!sf && !convert)
        return -ESTALE;
    e = new_entry(d, pfn, req->category);
    if (!e)
        return -ENOMEM;
    e->orig_maps = req->nr_ptes;
    e->orig_wmaps = (uint16_t)nw;
    e->flags = nw ? M2P_ORIG_WRITABLE : 0;
    if (convert) {
        sf = convert_to_shared(d, pfn, h);
        if (!sf) {
            objpool_free(&m2p_entry_pool, e);
            return -ENOMEM;
        }
        if (zero) {
            sf->zero = true;
            zero_sf[sf->group] = sf;
        }
        /* Same frame: the entries only lose their write permission. */
        for (i = 0; i < req->nr_ptes; i++) {
            uint32_t maddr = req->pte[i] & ~3U;

            write_l1e(maddr, read_l1e(maddr) & ~(_PAGE_RW | _PAGE_DIRTY));
        }
        sf->maps[d->domain_id] = req->nr_ptes;
    } else {
        struct page_info *spg = mfn_to_page(sf->mfn);

        if ((spg->count_info & PGC_count_mask) + req->nr_ptes + 1 >=
                PGC_count_mask ||
            sf->maps[d->domain_id] + req->nr_ptes >= PGC_count_mask - 1) {
            objpool_free(&m2p_entry_pool, e);
            return -EOVERFLOW;
        }
        for (i = 0; i < req->nr_ptes; i++) {
            uint32_t maddr = req->pte[i] & ~3U;
            intpte_t old = read_l1e(maddr);

            write_l1e(maddr,
                      (sf->mfn << PAGE_SHIFT) |
                          (old & ~PAGE_MASK & ~(_PAGE_RW | _PAGE_DIRTY)));
        }
        spg->count_info += req->nr_ptes;
        sf->maps[d->domain_id] += req->nr_ptes;
        /* The old frame: its mappings' references went to the shared
         * frame; the allocation reference goes last and frees it. */
        pg->count_info -= req->nr_ptes;
        pg->type_info &= ~PGT_count_mask;
        pg->count_info &= ~PGC_allocated;
        put_page(pg);
    }
    add_to_list(sf, d, e);
    flush_tlb_local();
    sh->setups++;
    return 0;
}

/*
 * The batch loop of setup_shares and cow_break: each request is copied
 * in, done by one(), and its status written back; a failed request does
 * not stop the batch. Returns the number done, or -E2BIG / -EFAULT (an
 * unreadable request or status ends the batch; statuses already written
 * stay).
 */
static long share_batch(struct domain *d, const char *name, uint32_t ureqs,
                        uint32_t count,
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

static int setup_counted(struct domain *d, const struct share_req *req)
{
    int rc = setup_one(d, req);

    if (rc)
        d->share->setup_failures++;
    return rc;
}

/* --- CoW break ---------------------------------------------------------- */

/* The shared frame backs only this pfn: give it back, no copy. */
static void reclaim_frame(struct domain *d, struct share_frame *sf,
                          uint32_t pfn)
{
    struct page_info *pg = mfn_to_page(sf->mfn);
    struct m2p_entry *e = take_entry(sf, d, pfn);
    uint32_t mfn = sf->mfn;

    BUG_ON(sf->list.len);
    d->share->shared_bits[pfn / 32] &= ~(1U << (pfn % 32));
    d->share->shared_pfns--;
    d->share->by_cat[e->category]--;
    if (sf->zero) {
        d->share->zero_pfns--;
        zero_sf[sf->group] = NULL;
    }
    objpool_free(&m2p_entry_pool, e);
    stable_remove(sf);
    objpool_free(&share_frame_pool, sf);
    page_list_del(&dom_cow->page_list, pg);
    dom_cow->tot_pages--;
    pg->owner = d;
    page_list_add(&d->page_list, pg);
    d->tot_pages++;
    pg->pad[0] = 0;
    pg->type_info = PGT_none; /* mappings are read-only now */
    /* The list entry's reference becomes the allocation reference. */
    pg->count_info |= PGC_allocated;
    set_gpfn_from_mfn(mfn, pfn);
}

static int break_one(struct domain *d, const struct share_req *rq)
{
    const struct share_req *req = rq; /* read only: no copy */
    struct share_frame *sf;
    struct page_info *spg, *npg;
    uint32_t smfn, nmfn, mine, i;
    unsigned int nw;
    int rc;

    if (req->pfn >= d->p2m_size || d->p2m[req->pfn] == INVALID_MFN) {
        gprintk(d, "cow_break: pfn %#x does not exist", req->pfn);
        return -EINVAL;
    }
    smfn = d->p2m[req->pfn];
    spg = mfn_to_page(smfn);
    if (page_get_owner(spg) != dom_cow) {
        gprintk(d, "cow_break: pfn %#x is not shared", req->pfn);
        return -EINVAL;
    }
    sf = page_share_frame(spg);
    if (!d->share->entry[req->pfn] || d->share->entry[req->pfn]->pfn != req->pfn)
        panic("share: d%u pfn %#x maps mfn %#x but is not on its list",
              d->domain_id, req->pfn, smfn);
    if ((rc = check_ptes(d, req, smfn, &nw)) != 0)
        return rc;
    mine = sf->pfns[d->domain_id];
    if (mine == 1 && req->nr_ptes != sf->maps[d->domain_id]) {
        gprintk(d,
                "cow_break: pfn %#x: %u entries listed, the domain maps "
                "the frame %u times",
                req->pfn, req->nr_ptes, sf->maps[d->domain_id]);
        return -EBUSY;
    }

    if (sf->list.len == 1) {
        /* The last user: the frame becomes its own again. */
        reclaim_frame(d, sf, req->pfn);
        nmfn = smfn;
        npg = spg;
        sf = NULL;
        if (req->flags & SHARE_BREAK_DISCARD)
            clear_domain_page(nmfn);
    } else {
        static unsigned int debug_copies;
        bool induced = opt_share_debug_cow_fail &&
                       ++debug_copies % opt_share_debug_cow_fail == 0;

        /* A copy overwrites the whole frame: no need to clear it first. */
        npg = induced ? NULL
                      : alloc_domheap_page_uncleared(
                            d, !(req->flags & SHARE_BREAK_DISCARD) && !sf->zero);
        if (!npg) {
            d->share->cow_failures++;
            gprintk(d,
                    "cow_break: pfn %#x: no memory for a copy%s (%u free, "
                    "%u/%u pages)",
                    req->pfn, induced ? " (induced: share_debug_cow_fail)" : "",
                    nr_free_domheap_pages(), d->tot_pages, d->max_pages);
            return -ENOMEM;
        }
        nmfn = page_to_mfn(npg);
        /* A new frame is zeroed already: a discard or a copy of the zero
         * frame needs nothing more. */
        if (!(req->flags & SHARE_BREAK_DISCARD) && !sf->zero)
            copy_domain_page(nmfn, smfn);
    }
    /* Point every listed entry at the new frame. */
    for (i = 0; i < req->nr_ptes; i++) {
        uint32_t maddr = req->pte[i] & ~3U;
        intpte_t e = read_l1e(maddr) & ~PAGE_MASK & ~(_PAGE_RW | _PAGE_DIRTY);
        bool w = req->pte[i] & SHARE_PTE_WRITABLE;

        if (w) {
            e |= _PAGE_RW | _PAGE_DIRTY;
            if (get_page_type(npg, PGT_writable_page))
                panic("cow_break: new mfn %#x refuses the writable type", nmfn);
        }
        if (sf) {
            npg->count_info++;
            share_put_mapping(spg, d);
        }
        write_l1e(maddr, (nmfn << PAGE_SHIFT) | e);
    }
    if (sf) {
        d->p2m[req->pfn] = nmfn;
        set_gpfn_from_mfn(nmfn, req->pfn);
        drop_from_list(sf, d, req->pfn);
    }
    d->share->cow_breaks++;
    if (req->flags & SHARE_BREAK_DISCARD)
        d->share->discards++;
    return 0;
}

static long cow_break(struct domain *d, uint32_t ureqs, uint32_t count)
{
    long done, rc = share_batch(d, "cow_break", ureqs, count, break_one, &done);

    /* No read-only translation of an old frame may survive (a batch cut
     * short by -EFAULT may have broken some too). */
    if (done)
        flush_tlb_local();
    return rc;
}

/* --- Transparent sharing (shadow.c) ------------------------------------ */

/*
 * A translated domain's pfn, offered by the scanner: set it up with no
 * entries listed - shadow.c has taken every shadow mapping away first and
 * puts them back (read-only, to the shared frame) after.
 */
int share_setup_pfn(struct domain *d, uint32_t pfn)
{
    struct share_req req = { .pfn = pfn, .category = 0 };
    int rc;

    BUG_ON(!is_translated(d));
    d->share->pfn[pfn].flags |= SCAN_QUEUED;
    rc = setup_one(d, &req);
    d->share->pfn[pfn].flags &= ~SCAN_QUEUED;
    if (rc)
        d->share->setup_failures++;
    return rc;
}

/* A translated domain gives pfn back (decrease_reservation) while it is
 * shared: its shadow mappings are gone; it leaves the list, no copy. */
void share_drop_pfn(struct domain *d, uint32_t pfn)
{
    struct page_info *pg = mfn_to_page(d->p2m[pfn]);

    BUG_ON(!is_translated(d) || page_get_owner(pg) != dom_cow);
    drop_from_list(page_share_frame(pg), d, pfn);
    d->p2m[pfn] = INVALID_MFN;
}

/* A translated domain's CoW break of pfn; its shadow mappings are gone
 * (shadow.c restores them to the new frame). */
int share_break_pfn(struct domain *d, uint32_t pfn)
{
    struct share_req req; /* break_one reads no more than these */

    req.pfn = pfn;
    req.nr_ptes = 0;
    req.flags = 0;
    BUG_ON(!is_translated(d));
    return break_one(d, &req);
}

/* --- Registration and grants ------------------------------------------- */

static int get_guest_frame(struct domain *d, uint32_t pfn, uint32_t *mfn)
{
    int rc;

    if (pfn >= d->p2m_size || d->p2m[pfn] == INVALID_MFN)
        return -EINVAL;
    *mfn = d->p2m[pfn];
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
    return 0;
}

static long gnttab_bit(struct domain *d, uint32_t pfn, bool set)
{
    struct share_dom *sh = d->share;

    if (pfn >= d->p2m_size || d->p2m[pfn] == INVALID_MFN) {
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

/* SHAREOP_scan_info: the scanner's progress over d's own memory. */
static long scan_info(struct domain *d, uint32_t arg)
{
    struct share_scan_info si = {
        .passes = d->share->scan_passes,
        .shared_pfns = d->share->shared_pfns,
    };

    return copy_to_guest(arg, &si, sizeof(si)) ? -EFAULT : 0;
}

long do_sharing_op(uint32_t cmd, uint32_t arg, uint32_t count)
{
    struct domain *d = current->domain;
    struct share_get_pfn gp;
    struct share_frame *sf;
    uint32_t n;
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
        return share_batch(d, "setup_shares", arg, count, setup_counted, &done);
    case SHAREOP_cow_break:
        return cow_break(d, arg, count);
    case SHAREOP_is_shared_page:
        if (arg >= d->p2m_size || d->p2m[arg] == INVALID_MFN)
            return -EINVAL;
        return page_get_owner(mfn_to_page(d->p2m[arg])) == dom_cow;
    case SHAREOP_get_pfn:
        if (copy_from_guest(&gp, arg, sizeof(gp)))
            return -EFAULT;
        if (!mfn_valid(gp.mfn) ||
            page_get_owner(mfn_to_page(gp.mfn)) != dom_cow)
            return -ENOENT;
        sf = page_share_frame(mfn_to_page(gp.mfn));
        n = m2p_list_domain_pfns(&sf->list, d->domain_id, gp.pfns,
                                 ARRAY_SIZE(gp.pfns));
        if (!n)
            return -ENOENT; /* the same answer as for a frame not shared */
        gp.nr = n;
        if (copy_to_guest(arg, &gp, sizeof(gp)))
            return -EFAULT;
        return n;
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
    sh->gnttab = (uint32_t *)(sh + 1);
    sh->shared_bits = sh->gnttab + words;
    sh->pfn = (struct scan_pfn *)(sh->shared_bits + words);
    sh->entry = (struct m2p_entry **)(sh->pfn + d->p2m_size);
    d->share = sh;
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
        if (sf->maps[d->domain_id])
            panic("share: dying d%u still maps shared mfn %#x %u times",
                  d->domain_id, mfn, sf->maps[d->domain_id]);
        drop_from_list(sf, d, pfn);
        d->p2m[pfn] = INVALID_MFN;
    }
    if (sh->ring_mfn)
        put_page_and_type(mfn_to_page(sh->ring_mfn));
    for (i = 0; i < sh->bitmap_pages; i++)
        put_page_and_type(mfn_to_page(sh->bitmap_mfn[i]));
    d->share = NULL;
    free_xenheap_pages(sh, sh->meta_pages);
    if (!share_frame_pool.in_use)
        objpool_release(&share_frame_pool, share_pool_put);
    if (!m2p_entry_pool.in_use)
        objpool_release(&m2p_entry_pool, share_pool_put);
}

/* --- Figures ------------------------------------------------------------ */

void share_totals(struct share_totals *t)
{
    struct domain *d;
    struct page_info *pg, *n;

    memset(t, 0, sizeof(*t));
    for_each_page_safe (pg, n, &dom_cow->page_list) {
        struct share_frame *sf = page_share_frame(pg);

        if (sf && sf->list.len) {
            t->shared_mfns++;
            t->sharing_pfns += sf->list.len;
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
    }
    t->metadata_bytes += objpool_bytes(&share_frame_pool) +
                         objpool_bytes(&m2p_entry_pool) + scan_meta_bytes +
                         STABLE_BUCKETS * sizeof(void *);
}

static uint64_t cow_breaks_gone, cow_failures_gone;

void share_print(const char *why)
{
    struct share_totals t;
    int64_t saved;

    share_totals(&t);
    t.cow_breaks += cow_breaks_gone;
    t.cow_failures += cow_failures_gone;
    saved = (int64_t)t.sharing_pfns - t.shared_mfns;
    printk(
        "SHARE round=%llu shared_mfns=%u sharing_pfns=%u saved=%lld "
        "guest_pages=%u zero_pfns=%u volatile=%llu unshared=%llu "
        "skipped=%llu full_scans=%llu pages_scanned=%llu cow_breaks=%llu "
        "cow_failures=%llu hint_shares=0 metadata_bytes=%u profit_bytes=%lld "
        "scan_cycles_per_page=%llu hash_cycles_per_page=%llu at=%s",
        (unsigned long long)scan_rounds, t.shared_mfns, t.sharing_pfns,
        (long long)saved, t.guest_pages, t.zero_pfns,
        (unsigned long long)scan_volatile, (unsigned long long)scan_unshared,
        (unsigned long long)scan_skipped, (unsigned long long)scan_rounds,
        (unsigned long long)scan_pages, (unsigned long long)t.cow_breaks,
        (unsigned long long)t.cow_failures, t.metadata_bytes,
        (long long)saved * PAGE_SIZE - t.metadata_bytes,
        (unsigned long long)(scan_pages ? scan_cycles / scan_pages : 0),
        (unsigned long long)hash_cycles_per_page, why);
}

static void print_domain(struct domain *d)
{
    struct share_dom *sh = d->share;

    printk("SHARE-DOMAIN d%u name=%s group=%s shared_pfns=%u zero=%u anon=%u "
           "mapped=%u cache=%u setups=%llu setup_failures=%llu "
           "cow_breaks=%llu discards=%llu cow_failures=%llu mode=%s",
           d->domain_id, d->name, group_names[sh->group - 1], sh->shared_pfns,
           sh->zero_pfns, sh->by_cat[SHARE_CAT_ANON],
           sh->by_cat[SHARE_CAT_MAPPED], sh->by_cat[SHARE_CAT_CACHE],
           (unsigned long long)sh->setups,
           (unsigned long long)sh->setup_failures,
           (unsigned long long)sh->cow_breaks, (unsigned long long)sh->discards,
           (unsigned long long)sh->cow_failures,
           is_translated(d) ? "shadow" : "pv");
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
    stable = alloc_xenheap_pages(STABLE_BUCKETS * sizeof(void *) / PAGE_SIZE);
    z = alloc_xenheap_pages(1); /* zeroed: for the zero page's hash */
    if (!stable || !z)
        panic("mem_sharing_init: out of memory");
    /* The seed: hashes are hints, and a guest must not be able to
     * predict collisions from one boot to the next. The TSC alone repeats
     * under -icount; the wall clock (CMOS) does not. */
    share_seed = (uint32_t)rdtsc() ^ (uint32_t)(rdtsc() >> 7) ^ 0x9E3779B9U;
    for (unsigned int r = 0; r <= 9; r++) {
        outb(0x70, (uint8_t)r); /* seconds, minutes, hours, ..., year */
        share_seed = (share_seed << 5 | share_seed >> 27) ^ inb(0x71);
    }
    if (opt_share_seed)
        share_seed = opt_share_seed; /* benchmarks: figures that repeat */
    zero_page_hash = share_hash_page(z);
    free_xenheap_pages(z, 1);
    register_keyhandler('m', share_key, "print the SHARE lines");
    share_scan_init();
}

void share_finish(void)
{
    share_print("shutdown");
    share_scan_release();
}
