/*
 * share_audit.c - the sharing audit: re-derive, from the page tables and
 * P2Ms of every domain, what the books of mem_sharing.c must say - every
 * shared frame's M2P list, reference count, page type and per-domain
 * mapping counts - and report each disagreement. Also the yardstick of the
 * scanner: the largest saving possible, by an exhaustive compare of every
 * eligible page of each share group.
 *
 * Read-only: it never changes a count, a table or a frame. Run with the
 * share_audit option after each round that prints a SHARE line (at most
 * once a second); mm_audit.c (DEBUGOP_audit) uses its note/end pair for
 * one domain.
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/shadow.h>
#include <hv/mm.h>
#include <public/sharing.h>

static unsigned int errors;
static bool verbose_audit = true;

static void fail(const char *what, uint32_t mfn, uint32_t x, uint32_t y)
{
    errors++;
    if (verbose_audit)
        printk(XENLOG_ERR "share audit: %s: mfn %#x (%#x vs %#x)", what, mfn, x,
               y);
}

void share_audit_begin(void)
{
    struct page_info *pg, *n;

    errors = 0;
    for_each_page_safe (pg, n, &dom_cow->page_list)
        if (page_share_frame(pg))
            page_share_frame(pg)->audit_maps = 0;
}

bool share_audit_note(struct domain *d, uint32_t mfn, uint32_t e)
{
    struct page_info *pg = mfn_to_page(mfn);
    struct share_frame *sf = page_share_frame(pg);

    if (page_get_owner(pg) != dom_cow || !sf) {
        fail("a dom_cow frame without a share record", mfn, 0, 0);
        return false;
    }
    if (e & _PAGE_RW) {
        fail("shared frame mapped writable", mfn, d->domain_id, e);
        return false;
    }
    if (!sf_pfns(sf, d->domain_id)) {
        fail("shared frame mapped by a domain not on its list", mfn,
             d->domain_id, e);
        return false;
    }
    sf->audit_maps++;
    return true;
}

unsigned int share_audit_end(struct domain *d)
{
    struct page_info *pg, *n;
    uint32_t pfn;

    for_each_page_safe (pg, n, &dom_cow->page_list) {
        struct share_frame *sf = page_share_frame(pg);

        if (sf && sf->audit_maps != sf_maps(sf, d->domain_id))
            fail("mappings counted vs found", sf->mfn,
                 sf_maps(sf, d->domain_id), sf->audit_maps);
    }
    /* Every pfn of d on a shared frame is on that frame's list. */
    for (pfn = 0; d->share && pfn < d->p2m_size; pfn++) {
        uint32_t mfn = d->p2m[pfn];

        if (mfn == INVALID_MFN || page_get_owner(mfn_to_page(mfn)) != dom_cow)
            continue;
        if (!page_share_frame(mfn_to_page(mfn)) || !d->share->entry[pfn] ||
            d->share->entry[pfn]->domid != d->domain_id ||
            d->share->entry[pfn]->pfn != pfn)
            fail("P2M points at a shared frame whose list lacks the pfn", mfn,
                 d->domain_id, pfn);
    }
    return errors;
}

static void note_mapping(struct domain *d, uint32_t mfn, uint32_t e)
{
    share_audit_note(d, mfn, e);
}

/* Count d's mappings of shared frames in all of its L1 tables (in shadow
 * mode: its shadows, the tables the CPU walks). */
static void walk_domain(struct domain *d)
{
    arch_share_for_each_mapping(d, note_mapping);
}

/* The books of one shared frame, on their own. */
static void check_frame(struct page_info *pg)
{
    struct share_frame *sf = page_share_frame(pg);
    uint32_t mfn = page_to_mfn(pg), pfns, maps, i, per_dom[DOM_COUNTS_IDS];
    const struct m2p_entry *e;

    if (!sf || sf->mfn != mfn) {
        fail("dom_cow frame without its share record", mfn, 0, 0);
        return;
    }
    if (get_gpfn_from_mfn(mfn) != SHARED_M2P_ENTRY)
        fail("M2P entry of a shared frame", mfn, get_gpfn_from_mfn(mfn),
             SHARED_M2P_ENTRY);
    if (pg->type_info != (PGT_none | PGT_validated | 1))
        fail("type of a shared frame", mfn, pg->type_info,
             PGT_none | PGT_validated | 1);
    if (!sf->list.len && !sf->queued)
        fail("shared frame with an empty list", mfn, 0, 0);
    dom_counts_sum(&sf->doms, &pfns, &maps);
    if (pfns != sf->list.len)
        fail("list entries counted vs the list's length", mfn, pfns,
             sf->list.len);
    /* A queued frame (same behaviour) keeps its last entry's reference. */
    if ((pg->count_info & PGC_count_mask) != sf->list.len + maps + sf->queued ||
        (pg->count_info & (PGC_allocated | PGC_free | PGC_xen_heap)))
        fail("count of a shared frame (count vs list + mappings)", mfn,
             pg->count_info, sf->list.len + maps + sf->queued);
    memset(per_dom, 0, sizeof(per_dom));
    i = 0;
    for (e = sf->list.head; e; e = e->next, i++) {
        struct domain *d = get_domain_by_id(e->domid);

        if (!d || !d->share || d->share->group != sf->group) {
            fail("list entry of a domain not in the frame's group", mfn,
                 e->domid, e->pfn);
            continue;
        }
        if (e->pfn >= d->p2m_size || d->p2m[e->pfn] != mfn)
            fail("list entry whose P2M does not point here", mfn, e->domid,
                 e->pfn);
        else if (d->share->entry[e->pfn] != e)
            fail("list entry not the one the domain's entry array names",
                 mfn, e->domid, e->pfn);
        /* (Twice on the list: one of the two is not the array's.) */
        if (e->next && e->next->prev != e)
            fail("list back link", mfn, e->domid, e->pfn);
        if (e->domid < DOM_COUNTS_IDS) {
            /* A domain's entries are together, from its first. */
            if (!per_dom[e->domid] &&
                dom_counts_find(&sf->doms, e->domid) &&
                dom_counts_find(&sf->doms, e->domid)->first != e)
                fail("a domain's first list entry", mfn, e->domid, e->pfn);
            if (per_dom[e->domid] && e->prev && e->prev->domid != e->domid)
                fail("a domain's list entries not together", mfn, e->domid,
                     e->pfn);
            per_dom[e->domid]++;
        }
    }
    if (i != sf->list.len)
        fail("list length", mfn, i, sf->list.len);
    for (i = 0; i < DOM_COUNTS_IDS; i++)
        if (per_dom[i] != sf_pfns(sf, (domid_t)i))
            fail("list entries of a domain counted", mfn, per_dom[i],
                 sf_pfns(sf, (domid_t)i));
}

unsigned int share_audit(bool verbose)
{
    struct page_info *pg, *n;
    struct domain *d;
    unsigned int total = 0;

    verbose_audit = verbose;
    for_each_page_safe (pg, n, &dom_cow->page_list) {
        errors = 0;
        check_frame(pg);
        total += errors;
    }
    for_each_domain (d) {
        if (d->is_dead || !d->vcpu)
            continue;
        share_audit_begin();
        walk_domain(d);
        total += share_audit_end(d);
    }
    total += share_scan_audit();
    errors = total;
    return total;
}

/* --- The largest possible saving ---------------------------------------- */

struct cand {
    uint32_t hash;
    uint32_t mfn;
    uint8_t group;
};

static bool bitmap_bit(struct domain *d, uint32_t pfn)
{
    uint32_t w = pfn / 32, page = w / (PAGE_SIZE / 4), v;
    const uint32_t *bm;

    if (is_translated(d))
        return true; /* no driver: every pfn is a candidate */
    if (page >= d->share->bitmap_pages)
        return false;
    bm = map_domain_page(d->share->bitmap_mfn[page]);
    v = bm[w % (PAGE_SIZE / 4)];
    unmap_domain_page(bm);
    return (v >> (pfn % 32)) & 1;
}

static bool cand_less(const struct cand *a, const struct cand *b)
{
    return a->group != b->group ? a->group < b->group : a->hash < b->hash;
}

/* Heapsort: no recursion, no extra memory. */
static void sift(struct cand *c, uint32_t i, uint32_t n)
{
    for (;;) {
        uint32_t l = 2 * i + 1, m = i;
        struct cand t;

        if (l < n && cand_less(&c[m], &c[l]))
            m = l;
        if (l + 1 < n && cand_less(&c[m], &c[l + 1]))
            m = l + 1;
        if (m == i)
            return;
        t = c[i];
        c[i] = c[m];
        c[m] = t;
        i = m;
    }
}

static void sort_cands(struct cand *c, uint32_t n)
{
    uint32_t i;

    for (i = n / 2; i-- > 0;)
        sift(c, i, n);
    for (i = n; i-- > 1;) {
        struct cand t = c[0];

        c[0] = c[i];
        c[i] = t;
        sift(c, 0, i);
    }
}

uint32_t share_max_saving(uint32_t *zero_saving)
{
    struct domain *d;
    struct cand *c;
    uint32_t n = 0, max = 0, pages, i, j, distinct = 0;

    *zero_saving = 0;
    for_each_domain (d)
        if (d->share && !d->is_dead && (d->share->ring_mfn || is_translated(d)))
            max += d->p2m_size;
    if (!max)
        return 0;
    pages = ROUNDUP(max * sizeof(*c), PAGE_SIZE) >> PAGE_SHIFT;
    c = alloc_xenheap_pages(pages);
    if (!c) {
        printk(XENLOG_WARNING "share: no memory for the exhaustive compare");
        return 0;
    }
    for_each_domain (d) {
        uint32_t pfn;

        if (!d->share || d->is_dead || !(d->share->ring_mfn || is_translated(d)))
            continue;
        for (pfn = 0; pfn < d->p2m_size; pfn++) {
            uint32_t mfn = d->p2m[pfn];
            struct page_info *pg;
            const void *p;

            if (mfn == INVALID_MFN || !bitmap_bit(d, pfn))
                continue;
            pg = mfn_to_page(mfn);
            if (page_get_owner(pg) != dom_cow &&
                (page_get_owner(pg) != d ||
                 ((pg->type_info & PGT_type_mask) != PGT_writable_page &&
                  (pg->type_info & PGT_count_mask))))
                continue;
            p = map_domain_page(mfn);
            c[n].hash = share_hash_page(p);
            unmap_domain_page(p);
            c[n].mfn = mfn;
            c[n].group = d->share->group;
            n++;
        }
    }
    sort_cands(c, n);
    /* Within a run of equal (group, hash), count distinct contents. */
    for (i = 0; i < n; i = j) {
        uint32_t k, nd = 0, reps[8], zeros = 0;

        for (j = i; j < n && c[j].group == c[i].group && c[j].hash == c[i].hash;
             j++) {
            const void *p = map_domain_page(c[j].mfn);
            bool seen = false;

            if (c[j].hash == zero_page_hash && share_page_is_zero(p))
                zeros++;
            for (k = 0; k < nd && !seen; k++) {
                const void *q;

                if (reps[k] == c[j].mfn) {
                    seen = true;
                    break;
                }
                q = map_domain_page(reps[k]);
                seen = share_pages_equal(p, q);
                unmap_domain_page(q);
            }
            unmap_domain_page(p);
            if (!seen) {
                if (nd < ARRAY_SIZE(reps))
                    reps[nd++] = c[j].mfn;
                distinct++;
            }
        }
        /* The zero pages of the group: all but one could go. */
        if (zeros)
            *zero_saving += zeros - 1;
    }
    free_xenheap_pages(c, pages);
    return n - distinct;
}
