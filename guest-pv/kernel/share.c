/*
 * share.c - the CoW sharing driver (the paper's CS): the guest's half of
 * content-based page sharing (public/sharing.h).
 *
 *  - It tells the hypervisor which pfns may be shared, with a bit per pfn
 *    in the eligibility bitmap: anonymous and page-cache pages (mapped or
 *    not), and the kernel's own text and read-only data (never written,
 *    the same in every guest booted from the same image); never other
 *    kernel-only pages or free ones (page.c calls share_hint()).
 *  - When VIRQ_SHARING says the share ring has offered pfns, the bottom
 *    half (share_work(), run before the kernel idles and on the way back
 *    to user mode) checks each page is still eligible, finds every entry
 *    that maps it - its reverse map's user entries plus the kernel's own
 *    direct-map entry - and hands them to setup_shares in batches.
 *  - share_break() gives a page its own frame back (cow_break) with the
 *    same entries, for a write: the kernel's entry writable again, user
 *    entries read-only (the fault path then decides, as for any
 *    copy-on-write page). Pages leaving the free list are broken in
 *    batches without their contents (share_discard_free()).
 *
 * Owns the ring, the bitmap and PGF_SHARED. Never shares a page with I/O
 * in flight: blkfront puts pages under grant while the backend writes.
 */
#include "kernel.h"
#include <public/sharing.h>

bool share_active;
volatile bool share_work_pending;
static struct share_ring *ring;
static uint32_t *bitmap;
static struct share_req reqs[32];
struct share_counts share_counts;

static long sharing_op(unsigned int cmd, uint32_t arg, uint32_t count)
{
    return _hypercall3(sharing_op, cmd, arg, count);
}

/* The kernel's text and read-only data: pages of their own (guest.ld). */
extern char __ro_start[], __ro_end[];

static bool kernel_ro(const struct page *p)
{
    uint32_t pfn = page_to_pfn(p);

    return p->use == PG_KERNEL && pfn >= virt_to_pfn(__ro_start) &&
           pfn < virt_to_pfn(__ro_end);
}

/* What the driver offers to share: the paper's categories, and kernel
 * text. */
static bool shareable_use(const struct page *p)
{
    return !(p->flags & PGF_VOLATILE) &&
           (p->use == PG_ANON || p->use == PG_CACHE || kernel_ro(p));
}

void share_hint(const struct page *p)
{
    uint32_t pfn = page_to_pfn(p);

    if (!bitmap)
        return;
    if (shareable_use(p))
        bitmap[pfn / 32] |= 1U << (pfn % 32);
    else
        bitmap[pfn / 32] &= ~(1U << (pfn % 32));
}

static void on_share_event(evtchn_port_t port, struct guest_regs *regs)
{
    (void)port;
    (void)regs;
    share_work_pending = true;
}

void share_init(void)
{
    struct share_register r;
    uint32_t bm_pages =
        ROUNDUP(ROUNDUP(nr_pages, 32) / 8, PAGE_SIZE) / PAGE_SIZE;
    struct page *rp, *bp;
    long rc;
    int port;

    if (xen_translated()) {
        /* Shadow mode: the hypervisor shares our pages without us. */
        kprintf("sharing: shadow mode, transparent (no driver)\n");
        return;
    }

    rp = page_alloc(PG_KERNEL, true);
    bp = page_alloc_contig(bm_pages);
    if (!rp || !bp)
        kpanic("share_init: no memory for the ring and bitmap");
    memset(page_va(bp), 0, bm_pages * PAGE_SIZE);
    r.ring_pfn = page_to_pfn(rp);
    r.bitmap_pfn = page_to_pfn(bp);
    r.bitmap_pages = bm_pages;
    rc = sharing_op(SHAREOP_register, (uint32_t)&r, 0);
    if (rc) {
        /* Not in a share group (-EPERM): no sharing, nothing else to do. */
        if (rc != -XEN_EPERM)
            kprintf("sharing: register refused (%ld)\n", rc);
        page_put(rp);
        page_free_contig(bp, bm_pages);
        return;
    }
    ring = page_va(rp);
    bitmap = page_va(bp);
    port = bind_virq(VIRQ_SHARING, on_share_event);
    if (port < 0)
        kpanic("sharing: cannot bind VIRQ_SHARING (%d)", port);
    share_active = true;
    /* Pages already in use before the bitmap existed. */
    for (uint32_t pfn = 0; pfn < nr_pages; pfn++)
        share_hint(pfn_to_page(pfn));
    kprintf("sharing: on (ring pfn %#x, bitmap %u page%s)\n", r.ring_pfn,
            bm_pages, bm_pages == 1 ? "" : "s");
}

/* Every entry that maps p: the direct map first, then the reverse map.
 * Returns the number, or -1 if there are more than a request holds. */
static int collect_ptes(struct page *p, struct share_req *rq, bool kmap_w)
{
    struct rmap *r;
    unsigned int n = 0;

    rq->pte[n++] = pt_kmap_pte_maddr(p) | (kmap_w ? SHARE_PTE_WRITABLE : 0);
    for (r = p->rmap; r; r = r->next) {
        uint32_t m = pt_pte_maddr(&r->mm->pt, r->va);

        if (n == SHARE_MAX_PTES || !m)
            return -1;
        rq->pte[n++] = m;
    }
    rq->nr_ptes = (uint8_t)n;
    return (int)n;
}

static uint8_t category(const struct page *p)
{
    if (p->use == PG_KERNEL)
        return SHARE_CAT_KERNEL;
    if (p->use == PG_ANON)
        return SHARE_CAT_ANON;
    return p->mapcount ? SHARE_CAT_MAPPED : SHARE_CAT_CACHE;
}

static void setup_batch(unsigned int n)
{
    unsigned int i;
    long rc;

    if (!n)
        return;
    rc = sharing_op(SHAREOP_setup_shares, (uint32_t)reqs, n);
    if (rc < 0)
        kpanic("sharing: setup_shares failed (%ld)", rc);
    for (i = 0; i < n; i++) {
        struct page *p = pfn_to_page(reqs[i].pfn);

        if (reqs[i].status == 0) {
            p->flags |= PGF_SHARED;
            share_counts.shared[category(p)]++;
        } else
            share_counts.refused++;
    }
}

void share_work(void)
{
    unsigned int n = 0;
    uint32_t prod;

    share_work_pending = false;
    if (!share_active)
        return;
    pt_commit(); /* the entries below must be the ones in force */
    prod = ring->prod;
    asm volatile("" ::: "memory");
    while (ring->cons != prod) {
        uint32_t pfn = ring->pfn[ring->cons % SHARE_RING_SIZE];
        struct page *p;

        ring->cons++;
        share_counts.offered++;
        if (pfn >= nr_pages)
            continue;
        p = pfn_to_page(pfn);
        /* What the paper shares - anonymous, mapped and cache-only pages -
         * and the kernel's text; never other kernel-only or free ones. */
        if (!shareable_use(p) || (p->flags & PGF_SHARED)) {
            share_counts.declined++;
            continue;
        }
        memset(&reqs[n], 0, sizeof(reqs[n]));
        reqs[n].pfn = pfn;
        reqs[n].category = category(p);
        if (collect_ptes(p, &reqs[n], false) < 0) {
            share_counts.declined++;
            continue;
        }
        if (++n == ARRAY_SIZE(reqs)) {
            setup_batch(n);
            n = 0;
        }
    }
    setup_batch(n);
}

int share_break(struct page *p)
{
    struct share_req rq;
    long rc;

    KASSERT(p->flags & PGF_SHARED);
    pt_commit();
    memset(&rq, 0, sizeof(rq));
    rq.pfn = page_to_pfn(p);
    if (collect_ptes(p, &rq, true) < 0)
        kpanic("sharing: pfn %#x has too many mappings to break",
               page_to_pfn(p));
    rc = sharing_op(SHAREOP_cow_break, (uint32_t)&rq, 1);
    if (rc != 1) {
        kprintf("sharing: cow_break of pfn %#x failed (%ld, status %d)\n",
                rq.pfn, rc, rq.status);
        return rq.status == -XEN_ENOMEM ? -ENOMEM : -EIO;
    }
    p->flags &= ~PGF_SHARED;
    share_counts.breaks++;
    return 0;
}

void share_discard_free(struct page *first)
{
    struct share_req *rq;
    struct page *p;
    unsigned int n = 0, i;
    long rc;

    /* first and the next shared pages on the free list, in one call. */
    for (p = first; p && n < ARRAY_SIZE(reqs); p = p->next) {
        if (!(p->flags & PGF_SHARED))
            continue;
        KASSERT(p->use == PG_FREE && !p->mapcount);
        /* Every field the hypervisor reads (pte[1..] it ignores): no
         * memset of the whole request on this path. */
        rq = &reqs[n++];
        rq->pfn = page_to_pfn(p);
        rq->nr_ptes = 1;
        rq->category = 0;
        rq->status = 0;
        rq->flags = SHARE_BREAK_DISCARD;
        rq->pad = 0;
        rq->pte[0] = pt_kmap_pte_maddr(p) | SHARE_PTE_WRITABLE;
    }
    pt_commit();
    rc = sharing_op(SHAREOP_cow_break, (uint32_t)reqs, n);
    if (rc < 0)
        kpanic("sharing: discarding free pages failed (%ld)", rc);
    for (i = 0; i < n; i++) {
        p = pfn_to_page(reqs[i].pfn);
        if (reqs[i].status == 0) {
            p->flags = (p->flags & ~PGF_SHARED) | PGF_ZEROED;
            share_counts.discards++;
        } else
            kprintf("sharing: discard of pfn %#x failed (%d)\n", reqs[i].pfn,
                    reqs[i].status);
    }
}

void share_grant(struct page *p, bool on)
{
    long rc;

    if (!share_active)
        return;
    rc = sharing_op(on ? SHAREOP_set_gnttab_bit : SHAREOP_remove_gnttab_bit,
                    page_to_pfn(p), 0);
    if (rc)
        kpanic("sharing: gnttab bit of pfn %#x refused (%ld)", page_to_pfn(p),
               rc);
}

void share_report(void)
{
    if (!share_active)
        return;
    kprintf("sharing: offered=%u declined=%u refused=%u shared_anon=%u "
            "shared_mapped=%u shared_cache=%u breaks=%u discards=%u "
            "internal_cow=%u read_shared=%u\n",
            share_counts.offered, share_counts.declined, share_counts.refused,
            share_counts.shared[SHARE_CAT_ANON],
            share_counts.shared[SHARE_CAT_MAPPED],
            share_counts.shared[SHARE_CAT_CACHE], share_counts.breaks,
            share_counts.discards, share_counts.internal_cow, nr_read_shared);
}
