/*
 * m2p_view.c - each PV domain's read-only view of the M2P.
 *
 * Owns the 4 MiB at MACH2PHYS_VIRT_START as guests see it. The M2P itself
 * (RW_MPT_VIRT_START, machine_to_phys_mapping) is the hypervisor's and
 * says, for every frame, its owner's pfn or SHARED_M2P_ENTRY. Xen maps
 * that table into every PV guest, so any guest can see which frames of any
 * other domain are shared (an oracle across share groups, issue 15). Here
 * a PV domain sees its own private frames only: its view's entry for a
 * frame is the pfn if the domain owns the frame privately, and
 * INVALID_M2P_ENTRY for everything else (other domains' frames, free
 * frames, shared frames, its own shared frames too: a domain learns those
 * from its P2M and SHAREOP_get_pfn).
 *
 * A view is one L1 table per domain in the M2P slot of the domain's page
 * directories, whose entries map either one common page of
 * INVALID_M2P_ENTRY or a view page of the domain's own (1,024 entries),
 * made when the domain first owns a frame in that range and freed with
 * the domain. The idle page directory and translated (shadow mode)
 * domains see the common page everywhere. Mappings in this slot are never
 * global: they differ between address spaces.
 *
 * Never shows a domain an entry for a frame it does not own; never
 * allocates on the path that writes an entry (m2p_view_reserve() comes
 * first, where a failure can still be refused cleanly).
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <asm/page.h>
#include <asm/paging.h>

#define VIEW_ENTRIES (PAGE_SIZE / sizeof(uint32_t)) /* frames a view page covers */
#define VIEW_FLAGS   (_PAGE_PRESENT | _PAGE_USER)   /* read-only, not global */

static uint32_t *invalid_page;       /* INVALID_M2P_ENTRY x 1,024        */
static l1_pgentry_t *empty_view;     /* the idle and translated view     */

static unsigned int nr_ranges(void)
{
    return (max_page + VIEW_ENTRIES - 1) / VIEW_ENTRIES;
}

/* At boot, after the frame table: the common page and the empty view,
 * which the idle directory's M2P slot (hv_l1) takes. */
void m2p_view_init(l1_pgentry_t *idle_slot_l1)
{
    unsigned int i;

    invalid_page = alloc_xenheap_pages(1);
    BUG_ON(!invalid_page);
    memset(invalid_page, 0xFF, PAGE_SIZE);
    empty_view = idle_slot_l1;
    for (i = 0; i < nr_ranges(); i++)
        empty_view[i] = pte_from_mfn(__pa(invalid_page) >> PAGE_SHIFT,
                                     VIEW_FLAGS);
}

int m2p_view_create(struct domain *d)
{
    if (is_translated(d))
        return 0;
    d->m2p_view = alloc_xenheap_pages(1);
    if (!d->m2p_view)
        return -ENOMEM;
    memcpy(d->m2p_view, empty_view, PAGE_SIZE);
    return 0;
}

static uint32_t *view_page(const struct domain *d, uint32_t mfn)
{
    l1_pgentry_t e = d->m2p_view[mfn / VIEW_ENTRIES];
    uint32_t vmfn = e >> PAGE_SHIFT;

    if (!(e & _PAGE_PRESENT) || vmfn == __pa(invalid_page) >> PAGE_SHIFT)
        return NULL;
    return __va(vmfn << PAGE_SHIFT);
}

bool m2p_view_reserve(struct domain *d, uint32_t mfn)
{
    uint32_t *page;

    if (!d->m2p_view || view_page(d, mfn))
        return true;
    page = alloc_xenheap_pages(1);
    if (!page) {
        gprintk(d, "m2p view: no hypervisor memory for the view of mfns "
                   "%#x..%#x",
                mfn & ~(VIEW_ENTRIES - 1), mfn | (VIEW_ENTRIES - 1));
        return false;
    }
    memset(page, 0xFF, PAGE_SIZE);
    d->m2p_view[mfn / VIEW_ENTRIES] =
        pte_from_mfn(__pa(page) >> PAGE_SHIFT, VIEW_FLAGS);
    d->m2p_view_pages++;
    /* The slot's entry changed from the common page: no stale TLB entry
     * may keep showing it (the domain may be running on this CPU). */
    flush_tlb_local();
    return true;
}

void m2p_view_set(struct domain *d, uint32_t mfn, uint32_t pfn)
{
    uint32_t *page;

    if (!d || !d->m2p_view)
        return;
    page = view_page(d, mfn);
    if (!page) {
        /* Clearing an entry of a range never shown: nothing to do. */
        BUG_ON(pfn != INVALID_M2P_ENTRY && pfn != SHARED_M2P_ENTRY);
        return;
    }
    page[mfn % VIEW_ENTRIES] =
        pfn == SHARED_M2P_ENTRY ? INVALID_M2P_ENTRY : pfn;
}

void m2p_view_destroy(struct domain *d)
{
    unsigned int i;
    uint32_t *page;

    if (!d->m2p_view)
        return;
    for (i = 0; i < nr_ranges(); i++) {
        page = view_page(d, i * VIEW_ENTRIES);
        if (page)
            free_xenheap_pages(page, 1);
    }
    free_xenheap_pages(d->m2p_view, 1);
    d->m2p_view = NULL; /* (m2p_view_pages stays: the DOMAIN line's) */
}

l2_pgentry_t m2p_view_l2e(const struct domain *d)
{
    const void *l1 = d && d->m2p_view ? (const void *)d->m2p_view
                                      : (const void *)empty_view;

    return __pa(l1) | _PAGE_PRESENT | _PAGE_USER;
}
