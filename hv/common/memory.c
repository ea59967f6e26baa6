/*
 * memory.c - memory_op: a domain gives frames back (decrease_reservation)
 * and takes fresh ones (populate_physmap), the basis of ballooning. The
 * P2M and M2P change only here and in the domain builder.
 *
 * A frame is given back only when nothing but its allocation holds it: no
 * mapping, no page-table use, no pin. So a returned frame can never still
 * be reachable by its old owner once the hypervisor hands it to another.
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/mm.h>
#include <hv/shadow.h>
#include <asm/uaccess.h>
#include <public/memory.h>

/* Xen's encoding of a preempted call's progress in the cmd argument. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1U << MEMOP_EXTENT_SHIFT) - 1)

static int populate_one(struct domain *d, uint32_t pfn, uint32_t *mfn_out)
{
    struct page_info *pg;

    if (pfn >= d->p2m_size) {
        gprintk(d, "populate_physmap: pfn %#x beyond the P2M (%#x)", pfn,
                d->p2m_size);
        return -EINVAL;
    }
    if (d->p2m[pfn] != INVALID_MFN) {
        gprintk(d, "populate_physmap: pfn %#x is already populated", pfn);
        return -EEXIST;
    }
    pg = alloc_domheap_page(d, 0);
    /* The heap is empty: volatile pages on the FIFOs repay first. */
    if (!pg && !nr_free_domheap_pages() && d->tot_pages < d->max_pages &&
        mem_reclaim(1))
        pg = alloc_domheap_page(d, 0);
    if (!pg) {
        gprintk(d, "populate_physmap: no frame (%u of %u pages in use)",
                d->tot_pages, d->max_pages);
        return -ENOMEM;
    }
    *mfn_out = page_to_mfn(pg);
    d->p2m[pfn] = *mfn_out;
    set_gpfn_from_mfn(d, *mfn_out, pfn);
    share_changed(d);
    return 0;
}

int mem_give_back(struct domain *d, uint32_t pfn)
{
    uint32_t mfn;
    struct page_info *pg;

    if (pfn >= d->p2m_size || d->p2m[pfn] == INVALID_MFN) {
        gprintk(d, "decrease_reservation: pfn %#x is not populated", pfn);
        return -EINVAL;
    }
    if (is_translated(d)) {
        /* The guest cannot know its page was shared, nor unmap the
         * shadows: take the shadows away; a shared pfn just leaves its
         * frame's list. */
        sh_zap_pfn(d, pfn);
    }
    mfn = d->p2m[pfn];
    pg = mfn_to_page(mfn);
    if (page_get_owner(pg) == dom_cow)
        return share_drop_pfn(d, pfn);
    BUG_ON(page_get_owner(pg) != d || !(pg->count_info & PGC_allocated));
    if ((pg->count_info & PGC_count_mask) != 1 ||
        (pg->type_info & (PGT_count_mask | PGT_pinned))) {
        gprintk(d,
                "decrease_reservation: pfn %#x (mfn %#x) is still mapped "
                "or in use (count %#x type %#x)",
                pfn, mfn, pg->count_info & PGC_count_mask, pg->type_info);
        return -EBUSY;
    }
    d->p2m[pfn] = INVALID_MFN;
    share_changed(d);
    pg->count_info &= ~PGC_allocated;
    put_page(pg); /* frees it: M2P entry cleared, frame poisoned */
    return 0;
}

/* The memory scheduler hears of every pfn populated or given back. */
/*
 * The frame behind d's pfn, held for the hypervisor to copy into on d's
 * behalf (a disk read, a tmem get): a general and a writable type
 * reference on a frame of d's. A shadow-mode pfn on a shared frame is
 * unshared first; a PV pfn on one cannot be written (-EPERM), nor can a
 * page table or a pinned frame. 0, -EINVAL (not populated) or -ENOMEM (no
 * frame to unshare into). Undo with put_page_and_type().
 */
int guest_pfn_get_writable(struct domain *d, uint32_t pfn, uint32_t *mfn)
{
    if (p2m_lookup(d, pfn) == INVALID_MFN)
        return -EINVAL;
    if (sh_unshare(d, pfn))
        return -ENOMEM;
    *mfn = d->p2m[pfn];
    share_changed(d); /* the hypervisor writes it */
    return get_page_and_type(mfn_to_page(*mfn), d, PGT_writable_page) ? -EPERM
                                                                        : 0;
}

/*
 * The frame behind d's pfn, held for the hypervisor to copy from (a disk
 * write, a tmem put): a general reference on d's frame or on the shared
 * frame the pfn is on. 0 or -EINVAL (not populated, or not held: the
 * frame is on its way out). Undo with put_page().
 */
int guest_pfn_get_readable(struct domain *d, uint32_t pfn, uint32_t *mfn)
{
    struct page_info *pg;

    if (p2m_lookup(d, pfn) == INVALID_MFN)
        return -EINVAL;
    *mfn = d->p2m[pfn];
    pg = mfn_to_page(*mfn);
    return get_page(pg, page_get_owner(pg) == dom_cow ? dom_cow : d) ? 0
                                                                      : -EINVAL;
}

static void reservation_changed(struct domain *d, uint32_t op, uint32_t done)
{
    mem_sched_changed(d, op == XENMEM_decrease_reservation ? -(int)done
                                                            : (int)done);
}

static long reservation_op(struct domain *d, uint32_t op, uint32_t start,
                           uint32_t arg)
{
    struct xen_memory_reservation r;
    uint32_t i;
    int rc = 0;

    if (copy_from_guest(&r, arg, sizeof(r))) {
        gprintk(d, "memory_op: bad argument %#x", arg);
        return -EFAULT;
    }
    if (r.domid != DOMID_SELF && r.domid != d->domain_id) {
        gprintk(d, "memory_op: domain %u is not the caller", r.domid);
        return -EPERM;
    }
    if (r.extent_order || r.mem_flags || r.pad) {
        gprintk(d, "memory_op: only order 0, no flags, and pad 0");
        return -EINVAL;
    }
    if (start > r.nr_extents) {
        gprintk(d, "memory_op: start extent %u beyond %u", start, r.nr_extents);
        return -EINVAL;
    }
    for (i = start; i < r.nr_extents; i++) {
        uint32_t pfn, mfn, slot = (uint32_t)r.extent_start + i * 4;

        if (i > start && !((i - start) % 64) && hypercall_preempt_check()) {
            reservation_changed(d, op, i - start);
            return hypercall_create_continuation(__HYPERVISOR_memory_op, 2,
                                                 op | (i << MEMOP_EXTENT_SHIFT),
                                                 arg, 0, 0);
        }
        if (copy_from_guest(&pfn, slot, sizeof(pfn))) {
            gprintk(d, "memory_op: extent list %#x unreadable", slot);
            break;
        }
        if (op == XENMEM_decrease_reservation) {
            rc = mem_give_back(d, pfn);
        } else {
            rc = populate_one(d, pfn, &mfn);
            /* As Xen: the frame chosen goes back in the list (a
             * translated guest names frames by gfn: the pfn itself). */
            if (is_translated(d))
                mfn = pfn;
            if (!rc && copy_to_guest(slot, &mfn, sizeof(mfn))) {
                mem_give_back(d, pfn);
                rc = -EFAULT;
            }
        }
        if (rc)
            break;
    }
    reservation_changed(d, op, i - start);
    return i;
}

long do_memory_op(uint32_t cmd, uint32_t arg)
{
    struct domain *d = current->domain;
    uint32_t op = cmd & MEMOP_CMD_MASK, start = cmd >> MEMOP_EXTENT_SHIFT;
    domid_t domid;

    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_populate_physmap:
    case XENMEM_decrease_reservation:
        return reservation_op(d, op, start, arg);
    case XENMEM_maximum_ram_page:
        return max_page;
    case XENMEM_balloon_report: {
        struct xen_balloon_report r;
        long rc;

        if (copy_from_guest(&r, arg, sizeof(r)))
            return -EFAULT;
        rc = mem_sched_report(d, &r);
        if (!rc && copy_to_guest(arg, &r, sizeof(r)))
            return -EFAULT;
        return rc;
    }
    case XENMEM_repay_register:
        return mem_repay_register(d, arg);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        if (copy_from_guest(&domid, arg, sizeof(domid)))
            return -EFAULT;
        if (domid != DOMID_SELF && domid != d->domain_id)
            return -EPERM;
        return op == XENMEM_current_reservation ? d->tot_pages : d->max_pages;
    default:
        gprintk(d, "memory_op %u not supported", op);
        return -ENOSYS;
    }
}
