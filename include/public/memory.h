/*
 * memory.h - memory_op(int cmd, void *arg), hypercall 12: give pages back
 * to the hypervisor and take them again (the basis of ballooning). ABI
 * only.
 *
 * This header is the reference for memory_op's commands (the conventions
 * are at the top of xen.h).
 *   ebx  cmd: bits 5..0 the command (XENMEM_*); bits 31..6 the index of the
 *        first extent to process, 0 on a first call (Xen's encoding, with
 *        its MEMOP_EXTENT_SHIFT of 6). Only the reservation commands read
 *        bits 31..6; the others ignore them, so they take any cmd as
 *        cmd & 63.
 *   ecx  VA of the command's argument.
 * Errors: -XEN_ENOSYS for a command not defined here (5, 7 .. 47, 50 .. 63).
 *
 * Difference from Xen's PV guests: the P2M belongs to the hypervisor (a
 * guest sees it read-only at start_info.mfn_list, and only this hypercall
 * and the domain builder change it), so extent lists always hold guest
 * pfns, as they do for Xen's translated guests, never mfns.
 */
#ifndef __PUBLIC_MEMORY_H__
#define __PUBLIC_MEMORY_H__

#include "xen.h"

/*
 * The reservation commands: XENMEM_increase_reservation,
 * XENMEM_decrease_reservation and XENMEM_populate_physmap, each with a
 * struct xen_memory_reservation at ecx.
 *
 * The call processes extent_start[start .. nr_extents-1] in order, start
 * being bits 31..6 of cmd, and returns the index at which it stopped:
 * nr_extents when every extent was done, so the number of extents done
 * when the first call passed start 0. It never returns an error for a
 * single extent: the first extent that fails, or an entry of the list that
 * cannot be read, ends the loop, and the return value says where.
 *
 * Before the extent at index start + 64, start + 128, ... the call may
 * stop and be continued: the guest issues it again with ebx = the command
 * | (index of the next extent << 6), ecx unchanged (docs/hypercall-abi.md
 * section 1.5). The structure is read again at every continuation.
 *
 * Errors, before any extent is processed:
 *   -XEN_EFAULT  the structure cannot be read
 *   -XEN_EPERM   domid is neither DOMID_SELF nor the caller's own id
 *   -XEN_EINVAL  extent_order, mem_flags or pad != 0, or the start index
 *                in cmd is beyond nr_extents
 *
 * In a shadow-mode domain populate_physmap writes back the pfn itself, and
 * decrease_reservation of a pfn on a shared frame succeeds
 * (docs/hypercall-abi.md section 6).
 */
/* XENMEM_increase_reservation: the same as XENMEM_populate_physmap below
 * (it reads pfns and writes back mfns), unlike Xen's. */
#define XENMEM_increase_reservation 0
/*
 * XENMEM_decrease_reservation: for each pfn in the list, the frame behind
 * it is given back and freed; the pfn's P2M entry becomes
 * INVALID_P2M_ENTRY and the frame's M2P entry INVALID_M2P_ENTRY. The list
 * is not written. An extent fails, and ends the loop, if:
 *  - the pfn >= nr_pages or is not populated;
 *  - the frame is still referenced by anything but its allocation: mapped
 *    by any entry of a page table in use (read-only or writable, the
 *    initial mapping at virt_base included), in use as a page table,
 *    pinned, or a base pointer (a connected block ring or a registered
 *    share ring or bitmap also holds it);
 *  - the pfn is backed by a shared frame (sharing.h), it is the caller's
 *    only pfn on that frame, and the caller still maps the frame (-EBUSY):
 *    unmap it first. Otherwise a shared pfn just leaves the frame's list,
 *    with no copy, and the frame is freed with its last pfn.
 */
#define XENMEM_decrease_reservation 1
/*
 * XENMEM_maximum_ram_page: returns max_page, the number of machine frames
 * (the highest mfn + 1). The argument is not read. No errors.
 */
#define XENMEM_maximum_ram_page     2
/*
 * XENMEM_current_reservation(domid_t *domid): returns the number of frames
 * the domain holds behind its pfns: nr_pages at start, less what it gave
 * back, less its pfns backed by shared frames (sharing.h). The shared_info
 * and P2M frames are not counted.
 * Errors: -XEN_EFAULT the domid_t (2 bytes) cannot be read; -XEN_EPERM it
 * is neither DOMID_SELF nor the caller's own id.
 */
#define XENMEM_current_reservation  3
/*
 * XENMEM_maximum_reservation(domid_t *domid): returns the domain's limit of
 * frames, which is nr_pages. Errors: those of XENMEM_current_reservation.
 */
#define XENMEM_maximum_reservation  4
/*
 * XENMEM_populate_physmap: for each pfn in the list, a fresh zeroed frame
 * is allocated to the caller, the P2M and M2P entries are set, and the
 * frame's mfn is written back over the pfn in extent_start[i]. An extent
 * fails, and ends the loop, if:
 *  - the pfn >= nr_pages (the P2M never grows);
 *  - the pfn is already populated;
 *  - the domain already holds its limit of frames (its maximum, the
 *    scenario's mem=; a domain starts with start= of them populated), or
 *    no free frame is left;
 *  - the mfn cannot be written back (the new frame is released again).
 */
#define XENMEM_populate_physmap     6

/*
 * XENMEM_balloon_report(struct xen_balloon_report *): the guest's half of
 * the memory scheduler (feedback-directed ballooning, as Transcendent
 * Memory's self-ballooning guests do). The guest reports how many pages it
 * needs and how hard-pressed it is; the answer is the target: how many of
 * its pfns should have a frame (populated pfns, private or on a shared
 * frame). The guest balloons toward it: it gives free pages back with
 * XENMEM_decrease_reservation while it holds more, and may populate pfns
 * with XENMEM_populate_physmap up to it. The hypervisor raises
 * VIRQ_MEM_TARGET when it changes a target on its own (another domain's
 * report, a user's mem-set); the guest then reports again to read it.
 * A guest that never reports keeps the target it was built with (start=)
 * and is never asked to shrink.
 *
 * The target never exceeds the domain's maximum (mem=) nor a limit a user
 * set (mem-set); it follows need_pages while the machine has frames to
 * spare, and gets less than it asks when it does not (docs/architecture.md,
 * Memory as a renewable resource). Above what the domain is entitled to
 * (start=) memory is lent: the target rises above `entitled` only by as
 * many pages as the guest keeps volatile on its repayment FIFO
 * (XENMEM_repay_register), and not at all once it listed a page there
 * that was not volatile.
 *
 * Errors: -XEN_EFAULT the structure cannot be read or written; -XEN_EINVAL
 * flags has an unknown bit, or pad is not zero.
 */
#define XENMEM_balloon_report      48
#define BALLOON_URGENT 1U /* flags: an allocation is waiting for memory now */
struct xen_balloon_report {
    uint32_t need_pages;     /* IN: populated pfns the guest wants: what it
                                uses plus the reserve it keeps free      */
    uint32_t free_pages;     /* IN: populated pfns it has free now        */
    uint32_t evictions;      /* IN: cache pages evicted since boot        */
    uint32_t alloc_failures; /* IN: allocations that found no free page
                                since boot                               */
    uint32_t flags;          /* IN: BALLOON_*; other bits must be zero    */
    uint32_t volatile_pages; /* IN: pages on the repayment FIFO now      */
    uint32_t target_pages;   /* OUT: populated pfns to balloon to         */
    uint32_t populated;      /* OUT: populated pfns now, as the hypervisor
                                counts them                              */
    uint32_t max_pages;      /* OUT: the maximum (mem=), in pages         */
    uint32_t entitled;       /* OUT: populated pfns the domain may have
                                with no repayment promised (start=)    */
};
XEN_ABI_SIZE(struct xen_balloon_report, 40);

/*
 * XENMEM_repay_register(struct xen_repay_register *): the repayment FIFO
 * (Milos, "Memory CoW in Xen"). What a domain holds above its entitlement
 * (start=) is lent. For each page lent the guest promises one back, ahead
 * of time: a volatile page, whose contents it can find again (a clean
 * page-cache page), which it lists on the FIFO and maps nowhere. Whenever
 * the hypervisor needs a frame and has none (a CoW break, a populate) it
 * takes volatile pages, oldest first and one domain after another: it
 * gives each back as decrease_reservation would and writes REPAY_TAKEN
 * over its entry. The guest takes a page back before it uses it by
 * exchanging REPAY_RESCUED into its entry (an atomic xchg): if the old
 * value was the pfn, the page is its own again; if REPAY_TAKEN, the pfn
 * has no frame and the guest reads the data again.
 *
 * The FIFO is fifo_pages pages from fifo_pfn on, as a struct repay_fifo:
 * the guest appends at tail, the hypervisor takes from head; tail - head
 * never exceeds size. The frames stay the guest's, referenced by the
 * hypervisor until the domain dies (as a share ring is).
 *
 * An entry that is not a volatile page of the caller's when its turn
 * comes (not populated, not the caller's, shared, mapped, a page table,
 * pinned, under grant) is skipped as REPAY_BAD, logged and counted; such a
 * domain gets nothing above its entitlement any more. So does one whose
 * report claims more volatile pages than its FIFO holds.
 *
 * Errors: -XEN_EFAULT the structure cannot be read; -XEN_EINVAL fifo_pages
 * is 0 or more than REPAY_FIFO_MAX_PAGES, or a page is beyond the domain
 * or not populated; -XEN_EBUSY already registered; the errors of taking a
 * writable reference to a page (a page table, a shared frame, ...).
 */
#define XENMEM_repay_register      49
#define REPAY_FIFO_MAX_PAGES       4
#define REPAY_RESCUED              0xFFFFFFFEU /* the guest took it back   */
#define REPAY_TAKEN                0xFFFFFFFDU /* the hypervisor took it   */
#define REPAY_BAD                  0xFFFFFFFCU /* it was not volatile      */
struct xen_repay_register {
    xen_pfn_t fifo_pfn;  /* IN: the first page of the FIFO              */
    uint32_t fifo_pages; /* IN: 1 .. REPAY_FIFO_MAX_PAGES                */
};
XEN_ABI_SIZE(struct xen_repay_register, 8);
struct repay_fifo {
    uint32_t head;  /* OUT (the hypervisor's): the next entry it takes */
    uint32_t tail;  /* IN (the guest's): the next entry it fills      */
    uint32_t size;  /* OUT: entries, set at registration              */
    uint32_t taken; /* OUT: pages the hypervisor took, ever           */
    uint32_t pfn[]; /* IN/OUT: entry i is pfn[i % size]: a pfn, or a
                       REPAY_* the hypervisor or the guest wrote       */
};

/*
 * The argument of the reservation commands. Differences from Xen: only
 * order-0 extents, no flags, only the caller's own domain.
 */
struct xen_memory_reservation {
    xen_pfn_t *extent_start; /* IN: VA of a uint32_t array of pfns, one an
                                extent; populate_physmap and
                                increase_reservation write each mfn back
                                over its pfn (the array is IN/OUT)      */
    xen_ulong_t nr_extents;  /* IN: entries in the array                */
    uint32_t extent_order;   /* IN: must be zero (single pages)         */
    uint32_t mem_flags;      /* IN: must be zero                        */
    domid_t domid;           /* IN: DOMID_SELF or the caller's own id   */
    uint16_t pad;            /* IN: must be zero (-XEN_EINVAL)          */
};
XEN_ABI_SIZE(struct xen_memory_reservation, 20);

#endif /* __PUBLIC_MEMORY_H__ */
