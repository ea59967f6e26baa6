/*
 * share_pte.c (x86_32) - the x86 half of page sharing: the page-table
 * entries a share request names. It checks that each is an entry of one of
 * the domain's validated L1 tables that maps the frame in question,
 * retargets entries for a share or a CoW break, finds the shared frame
 * behind a write fault, and walks a domain's L1 tables for the audit. The
 * hooks' contracts are in hv/mem_sharing.h; mem_sharing.c (common) keeps
 * every count.
 *
 * Owns no state. It never moves a reference: the caller does, before or
 * after it rewrites an entry it has checked.
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/mm.h>
#include <hv/shadow.h>
#include <asm/paging.h>
#include <public/sharing.h>

static intpte_t read_pte(uint32_t maddr)
{
    const intpte_t *pt = map_domain_page(maddr >> PAGE_SHIFT);
    intpte_t e = pt[(maddr & ~PAGE_MASK) / sizeof(intpte_t)];

    unmap_domain_page(pt);
    return e;
}

/* One listed entry: in one of d's validated L1 tables, present, mapping
 * mfn. *writable says whether it is writable. */
static int check_pte(struct domain *d, uint32_t maddr, uint32_t mfn,
                     uint32_t pfn, bool *writable)
{
    uint32_t l1mfn = maddr >> PAGE_SHIFT;
    const struct page_info *l1pg;
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
        gprintk(d, "sharing_op: entry %#x is not in one of the domain's L1 "
                   "tables",
                maddr);
        return -EPERM;
    }
    e = read_pte(maddr);
    if (!pte_present(e) || pte_get_mfn(e) != mfn) {
        gprintk(d, "sharing_op: entry %#x (%#x) does not map pfn %#x", maddr, e,
                pfn);
        return -EINVAL;
    }
    *writable = e & _PAGE_RW;
    return 0;
}

int arch_share_check_ptes(struct domain *d, const struct share_req *req,
                          uint32_t mfn, unsigned int *nr_writable)
{
    unsigned int i, j;
    bool w;
    int rc;

    *nr_writable = 0;
    if (req->nr_ptes > SHARE_MAX_PTES) {
        gprintk(d, "sharing_op: pfn %#x: %u entries (at most %u)", req->pfn,
                req->nr_ptes, SHARE_MAX_PTES);
        return -EINVAL;
    }
    for (i = 0; i < req->nr_ptes; i++) {
        uint32_t maddr = req->pte[i] & ~3U;

        for (j = 0; j < i; j++)
            if ((req->pte[j] & ~3U) == maddr) {
                gprintk(d, "sharing_op: entry %#x listed twice", maddr);
                return -EINVAL;
            }
        if ((rc = check_pte(d, maddr, mfn, req->pfn, &w)) != 0)
            return rc;
        *nr_writable += w;
    }
    return 0;
}

void arch_share_set_pte(uint32_t maddr, uint32_t mfn, bool writable)
{
    intpte_t *pt = map_domain_page(maddr >> PAGE_SHIFT);
    intpte_t *e = &pt[(maddr & ~PAGE_MASK) / sizeof(intpte_t)];

    *e = (mfn << PAGE_SHIFT) | (*e & ~PAGE_MASK & ~(_PAGE_RW | _PAGE_DIRTY)) |
         (writable ? _PAGE_RW | _PAGE_DIRTY : 0);
    unmap_domain_page(pt);
}

uint32_t arch_share_fault_mfn(struct domain *d, uint32_t l2_mfn, uint32_t va)
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

struct walk {
    struct domain *d;
    void (*fn)(struct domain *d, uint32_t mfn, uint32_t e);
};

static void note_entry(const struct walk *w, intpte_t e)
{
    uint32_t mfn = pte_get_mfn(e);

    if (pte_present(e) && mfn_valid(mfn) &&
        page_get_owner(mfn_to_page(mfn)) == dom_cow)
        w->fn(w->d, mfn, e);
}

static void note_shadow_entry(void *arg, uint32_t smfn, unsigned int i,
                              intpte_t e)
{
    (void)smfn;
    (void)i;
    note_entry(arg, e);
}

void arch_share_for_each_mapping(struct domain *d,
                                 void (*fn)(struct domain *d, uint32_t mfn,
                                            uint32_t e))
{
    struct walk w = { d, fn };
    struct page_info *pg, *n;

    if (is_translated(d)) {
        sh_for_each_l1e(d, note_shadow_entry, &w);
        return;
    }
    for_each_page_safe (pg, n, &d->page_list) {
        const intpte_t *pt;
        unsigned int i;

        if ((pg->type_info & PGT_type_mask) != PGT_l1_page_table ||
            !(pg->type_info & PGT_count_mask))
            continue;
        pt = map_domain_page(page_to_mfn(pg));
        for (i = 0; i < L1_PAGETABLE_ENTRIES; i++)
            note_entry(&w, pt[i]);
        unmap_domain_page(pt);
    }
}
