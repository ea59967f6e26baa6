/*
 * mm_audit.c - debug_op: a window on the hypervisor's books for tests.
 * DEBUGOP_frame_info reports the count and type of one of the caller's
 * frames; DEBUGOP_audit re-derives every reference count and type count
 * of the caller's frames from its page tables, pins and CR3s, and reports
 * each disagreement (Xen's audit_domains, in spirit).
 *
 * Shared frames the caller maps are checked with share_audit.c's help. For
 * a shadow-mode caller the mappings counted are its shadows' (the
 * hardware's), and every shadow is compared with the guest's tables.
 * Read-only: it never changes a count. It answers only about the caller.
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/mm.h>
#include <hv/shadow.h>
#include <asm/paging.h>
#include <asm/uaccess.h>
#include <public/debug.h>

struct audit {
    struct domain *d;
    uint32_t *count, *type; /* expected, by pfn; extra slots after p2m_size
                               for the shared_info and P2M frames */
    uint32_t nr;
    unsigned int errors;
};

/* Index of a frame in the expectation arrays, or -1 if d may not map it. */
static int audit_index(struct audit *a, uint32_t mfn)
{
    struct domain *d = a->d;
    uint32_t pfn, p2m0 = __pa(d->p2m) >> PAGE_SHIFT;

    if (!mfn_valid(mfn))
        return -1;
    if (mfn == __pa(d->shared_info) >> PAGE_SHIFT)
        return (int)d->p2m_size;
    if (mfn >= p2m0 && mfn < p2m0 + d->p2m_frames)
        return (int)(d->p2m_size + 1 + (mfn - p2m0));
    if (page_get_owner(mfn_to_page(mfn)) != d)
        return -1;
    pfn = get_gpfn_from_mfn(mfn);
    if (pfn >= d->p2m_size || d->p2m[pfn] != mfn)
        return -1;
    return (int)pfn;
}

static void audit_error(struct audit *a, const char *what, uint32_t mfn,
                        uint32_t x, uint32_t y)
{
    a->errors++;
    printk(XENLOG_ERR "audit d%u: %s: mfn %#x (%#x vs %#x)", a->d->domain_id,
           what, mfn, x, y);
}

/* The references entry i of table mfn holds: a machine entry of a PV
 * table or a shadow (l1_type PGT_l1_page_table), or a directory entry
 * naming an L1 of type l1_type (its mfn already translated). */
static void audit_entry(struct audit *a, uint32_t mfn, unsigned int i,
                        intpte_t e, uint32_t t, bool l2, uint32_t l1_type)
{
    int idx;

    if (!l2 && mfn_valid(t) && page_get_owner(mfn_to_page(t)) == dom_cow) {
        /* share_audit_end() compares the counts. */
        share_audit_note(a->d, t, e);
        return;
    }
    idx = audit_index(a, t);
    if (idx < 0) {
        audit_error(a, "entry maps a frame not the domain's", mfn, i, e);
        return;
    }
    a->count[idx]++;
    if (l2) {
        a->type[idx]++;
        if ((mfn_to_page(t)->type_info & PGT_type_mask) != l1_type)
            audit_error(a, "L2 entry to a frame that is not an L1", mfn, i,
                        mfn_to_page(t)->type_info);
    } else if (e & _PAGE_RW) {
        a->type[idx]++;
        if ((mfn_to_page(t)->type_info & PGT_type_mask) != PGT_writable_page)
            audit_error(a, "writable mapping of a frame not writable", mfn, i,
                        mfn_to_page(t)->type_info);
    }
}

/* sh_for_each_l1e()'s callback: a shadow entry is a hardware mapping. */
static void audit_shadow_entry(void *arg, uint32_t smfn, unsigned int i,
                               intpte_t e)
{
    audit_entry(arg, smfn, i, e, pte_get_mfn(e), false, 0);
}

static void audit_table(struct audit *a, uint32_t mfn, uint32_t type)
{
    const intpte_t *pt = map_domain_page(mfn);
    unsigned int i, n = type == PGT_l1_page_table || type == PGT_guest_l1
                            ? L1_PAGETABLE_ENTRIES
                            : FIRST_HV_L2_SLOT;

    for (i = 0; i < n; i++) {
        intpte_t e = pt[i];

        if (!pte_present(e))
            continue;
        if (!(mfn_to_page(mfn)->u.pt.present & (1U << (i >> 5))))
            audit_error(a, "present entry in a chunk u.pt.present omits", mfn,
                        i, e);
        if (type == PGT_guest_l1)
            continue; /* its shadow's entries are audited */
        if (type == PGT_guest_l2) /* gfn entries: the frame behind */
            audit_entry(a, mfn, i, e, sh_gfn_to_mfn(a->d, pte_get_mfn(e)), true,
                        PGT_guest_l1);
        else
            audit_entry(a, mfn, i, e, pte_get_mfn(e),
                        type == PGT_l2_page_table, PGT_l1_page_table);
    }
    if (type == PGT_guest_l1 || type == PGT_guest_l2) {
        unmap_domain_page(pt);
        return; /* never loaded: no hypervisor slots */
    }
    /* The CPU sets Accessed in whichever directory is loaded: ignore it. */
    if (type == PGT_l2_page_table)
        for (i = FIRST_HV_L2_SLOT; i < L2_PAGETABLE_ENTRIES; i++)
            if ((pt[i] ^ hv_l2_slot(a->d, i)) & ~_PAGE_ACCESSED)
                audit_error(a, "hypervisor slot differs from the idle table",
                            mfn, pt[i], hv_l2_slot(a->d, i));
    unmap_domain_page(pt);
}

static void expect_cr3(struct audit *a, uint32_t mfn)
{
    int idx;

    if (!mfn)
        return;
    idx = audit_index(a, mfn);
    if (idx < 0) {
        audit_error(a, "page directory not the domain's", mfn, 0, 0);
        return;
    }
    a->count[idx]++;
    a->type[idx]++;
}

/* A reference the block backend holds on one of d's frames (a shared
 * frame a write reads from is share_audit.c's business). */
static void expect_backend_ref(void *arg, uint32_t mfn, bool writable)
{
    struct audit *a = arg;
    int idx;

    if (page_get_owner(mfn_to_page(mfn)) == dom_cow)
        return;
    idx = audit_index(a, mfn);
    if (idx < 0) {
        audit_error(a, "block backend frame not the domain's", mfn, 0, 0);
        return;
    }
    a->count[idx]++;
    a->type[idx] += writable;
}

static long audit_domain(struct domain *d)
{
    struct audit a = { .d = d };
    uint32_t pages, i;
    struct vcpu *v = d->vcpu;

    a.nr = d->p2m_size + 1 + d->p2m_frames;
    pages = ROUNDUP(2 * a.nr * sizeof(uint32_t), PAGE_SIZE) >> PAGE_SHIFT;
    a.count = alloc_xenheap_pages(pages);
    if (!a.count)
        return -ENOMEM;
    a.type = a.count + a.nr;

    /* The permanent references of the frames the hypervisor shares. */
    a.count[d->p2m_size] = 1;
    a.type[d->p2m_size] = 1;
    for (i = 0; i < d->p2m_frames; i++) {
        a.count[d->p2m_size + 1 + i] = 1;
        a.type[d->p2m_size + 1 + i] = 1;
    }
    expect_cr3(&a, v->arch.guest_table);
    expect_cr3(&a, v->arch.guest_table_user);
    /* The block backend's references: rings, frames of I/O in flight. */
    blkback_for_each_ref(d, expect_backend_ref, &a);
    /* Registered share ring and bitmap: the same. */
    for (i = 0; d->share && i <= d->share->bitmap_pages; i++) {
        uint32_t mfn = i < d->share->bitmap_pages ? d->share->bitmap_mfn[i]
                                                  : d->share->ring_mfn;
        int idx = mfn ? audit_index(&a, mfn) : -1;

        if (idx >= 0) {
            a.count[idx]++;
            a.type[idx]++;
        }
    }
    /* The repayment FIFO's frames: the same. */
    for (i = 0; i < d->mem.fifo_pages; i++) {
        int idx = audit_index(&a, d->mem.fifo_mfn[i]);

        if (idx >= 0) {
            a.count[idx]++;
            a.type[idx]++;
        }
    }
    share_audit_begin();

    for (i = 0; i < d->p2m_size; i++) {
        uint32_t mfn = d->p2m[i];
        struct page_info *pg;
        uint32_t type;

        if (mfn == INVALID_MFN)
            continue;
        if (mfn_valid(mfn) && page_get_owner(mfn_to_page(mfn)) == dom_cow)
            continue; /* shared: share_audit_end() checks it */
        if (!mfn_valid(mfn) || page_get_owner(mfn_to_page(mfn)) != d ||
            get_gpfn_from_mfn(mfn) != i) {
            audit_error(&a, "P2M and M2P disagree", mfn, i,
                        mfn_valid(mfn) ? get_gpfn_from_mfn(mfn) : 0);
            continue;
        }
        pg = mfn_to_page(mfn);
        type = pg->type_info & PGT_type_mask;
        if (pg->count_info & PGC_allocated)
            a.count[i]++;
        if (pg->type_info & PGT_pinned) {
            a.count[i]++;
            a.type[i]++;
        }
        if ((type == PGT_l1_page_table || type == PGT_l2_page_table ||
             type == PGT_guest_l1 || type == PGT_guest_l2) &&
            (pg->type_info & PGT_count_mask))
            audit_table(&a, mfn, type);
    }
    /* Shadow mode: the hardware's mappings are the shadows', and they
     * must agree with the guest's tables. */
    if (is_translated(d)) {
        sh_for_each_l1e(d, audit_shadow_entry, &a);
        a.errors += sh_check_consistency(d);
    }

    for (i = 0; i < a.nr; i++) {
        uint32_t mfn;
        struct page_info *pg;

        if (i < d->p2m_size)
            mfn = d->p2m[i];
        else if (i == d->p2m_size)
            mfn = __pa(d->shared_info) >> PAGE_SHIFT;
        else
            mfn = (__pa(d->p2m) >> PAGE_SHIFT) + (i - d->p2m_size - 1);
        if (mfn == INVALID_MFN || page_get_owner(mfn_to_page(mfn)) == dom_cow)
            continue;
        pg = mfn_to_page(mfn);
        if ((pg->count_info & PGC_count_mask) != a.count[i])
            audit_error(&a, "reference count", mfn,
                        pg->count_info & PGC_count_mask, a.count[i]);
        if ((pg->type_info & PGT_count_mask) != a.type[i])
            audit_error(&a, "type count", mfn, pg->type_info & PGT_count_mask,
                        a.type[i]);
    }
    a.errors += share_audit_end(d);
    free_xenheap_pages(a.count, pages);
    return a.errors;
}

static uint32_t debug_type(uint32_t type_info)
{
    switch (type_info & PGT_type_mask) {
    case PGT_l1_page_table:
    case PGT_guest_l1:
        return DEBUG_PGT_l1;
    case PGT_l2_page_table:
    case PGT_guest_l2:
        return DEBUG_PGT_l2;
    case PGT_writable_page:
        return DEBUG_PGT_writable;
    default:
        return DEBUG_PGT_none;
    }
}

long do_debug_op(uint32_t cmd, uint32_t a1, uint32_t a2)
{
    struct domain *d = current->domain;

    switch (cmd) {
    case DEBUGOP_frame_info: {
        struct debug_frame_info fi;
        struct page_info *pg;

        if (a1 >= d->p2m_size || d->p2m[a1] == INVALID_MFN) {
            gprintk(d, "debug_op frame_info: no pfn %#x", a1);
            return -EINVAL;
        }
        pg = mfn_to_page(d->p2m[a1]);
        fi.mfn = d->p2m[a1];
        if (page_get_owner(pg) == dom_cow) {
            /* Shared: only the caller's own references, never others'. */
            struct share_frame *sf = page_share_frame(pg);

            fi.count = sf_pfns(sf, d->domain_id) + sf_maps(sf, d->domain_id);
            fi.type = DEBUG_PGT_none;
            fi.type_count = 0;
            fi.pinned = 0;
            fi.shared = 1;
            return copy_to_guest(a2, &fi, sizeof(fi));
        }
        fi.count = pg->count_info & PGC_count_mask;
        fi.type = debug_type(pg->type_info);
        fi.type_count = pg->type_info & PGT_count_mask;
        fi.pinned = !!(pg->type_info & PGT_pinned);
        fi.shared = 0;
        return copy_to_guest(a2, &fi, sizeof(fi));
    }
    case DEBUGOP_audit:
        return audit_domain(d);
    default:
        gprintk(d, "debug_op %u not supported", cmd);
        return -ENOSYS;
    }
}
