/*
 * sharing.h - sharing_op(cmd, arg, count): content-based page sharing
 * between domains of one share group, with the guest's help (the
 * paravirtual design of Kloster, Kristensen and Mejlholm, 2007). ABI only.
 *
 * The hypervisor's scanner finds pages of the guest whose contents match a
 * page of another domain of its group (or are all zero). It writes their
 * pfns into the guest's share ring and raises VIRQ_SHARING. The guest's
 * sharing driver finds every page-table entry that maps each pfn (its
 * reverse maps, plus its own direct map) and hands them back with
 * SHAREOP_setup_shares. The hypervisor then checks everything again (the
 * frame is still the guest's, the listed entries are all of its mappings,
 * the contents still match, compared byte for byte), points the entries
 * read-only at the shared frame, and frees the guest's frame.
 *
 * A write to a shared page faults; vcpu_info.arch.cow_mfn then holds the
 * shared frame the write hit. The guest calls SHAREOP_cow_break with the
 * entries that map the pfn and the writability each should get back; the
 * hypervisor copies the frame into a fresh one of the guest's and points
 * the entries at it.
 *
 * A guest never learns anything about another domain's pages: every call
 * answers only about the caller's own pfns.
 */
#ifndef __PUBLIC_SHARING_H__
#define __PUBLIC_SHARING_H__

#include "xen.h"

#define __HYPERVISOR_sharing_op 50

/* The event the hypervisor raises when the share ring has work. */
#define VIRQ_SHARING 16

/*
 * SHAREOP_register(struct share_register *arg): give the hypervisor the
 * share ring (one page) and the eligibility bitmap (bitmap_pages pages
 * from bitmap_pfn on, one bit per pfn). The guest sets a pfn's bit when
 * the page may be shared (anonymous, mapped or page-cache data) and clears
 * it otherwise; the scanner hashes only pages whose bit is set. The bitmap
 * is a hint: every share is still checked in full. The frames stay the
 * guest's and writable, but cannot be shared. -EPERM if the domain is not
 * in a share group, -EBUSY if already registered.
 */
#define SHAREOP_register 0
/*
 * SHAREOP_setup_shares(struct share_req *reqs, count): share each pfn;
 * each request's status is written back (0 shared, or -errno: -ESTALE the
 * contents no longer match any candidate, -EBUSY a mapping or reference
 * the request did not list, -EPERM not the caller's, not shareable or not
 * offered, -EEXIST already shared, -EINVAL a bad pfn or entry, -ENOMEM no
 * room (metadata, or the CoW reserve), -EOVERFLOW too many mappings).
 * Returns the number of pfns shared. At most SHARE_BATCH_MAX requests.
 */
#define SHAREOP_setup_shares 1
/*
 * SHAREOP_cow_break(struct share_req *reqs, count): give each pfn a
 * private frame again, with the contents of the shared one (or zeroes,
 * with SHARE_BREAK_DISCARD: the guest no longer needs the contents, as for
 * a free page it is about to reuse; no copy is made). Each pte[] entry
 * that maps the shared frame is pointed at the new frame, writable if its
 * SHARE_PTE_WRITABLE bit is set. When it is the last of the caller's pfns
 * on that frame, the entries must be all of the caller's mappings of it
 * (-EBUSY otherwise). Status per request as for setup_shares; returns the
 * number broken. A request that fails with -ENOMEM (no frame for the copy)
 * changed nothing: the page stays shared. (The hypervisor keeps free
 * frames for copies by refusing new shares below share_reserve.)
 */
#define SHAREOP_cow_break 2
/* SHAREOP_is_shared_page(pfn): 1 if the caller's pfn is shared, else 0. */
#define SHAREOP_is_shared_page 3
/*
 * SHAREOP_get_pfn(struct share_get_pfn *arg): the caller's pfns backed by
 * shared frame arg->mfn (the first 16 in pfns[]); returns how many there
 * are. -ENOENT if mfn is not a shared frame the caller has a pfn on -
 * the same answer whether another domain uses it or nobody does.
 */
#define SHAREOP_get_pfn 4
struct share_get_pfn {
    xen_pfn_t mfn;     /* IN  */
    uint32_t nr;       /* OUT */
    xen_pfn_t pfns[16];/* OUT */
};
XEN_ABI_SIZE(struct share_get_pfn, 72);
/*
 * SHAREOP_set_gnttab_bit(pfn) / SHAREOP_remove_gnttab_bit(pfn): the page
 * is (no longer) under grant - handed to a device or another domain. A page
 * under grant is never shared; it must be unshared (cow_break) before it
 * is granted: -EBUSY if it is shared. The block backend writes only into
 * pages under grant.
 */
#define SHAREOP_set_gnttab_bit    5
#define SHAREOP_remove_gnttab_bit 6
/*
 * SHAREOP_scan_info(struct share_scan_info *out): how far the scanner has
 * come over the caller's memory, so that a guest can wait for the scanner
 * by events (passes) rather than by time. The only command a shadow-mode
 * domain may use. -EPERM if the domain is not in a share group.
 */
#define SHAREOP_scan_info 7
struct share_scan_info {
    uint32_t passes;      /* OUT: complete scanner passes over the caller's
                             pfns since it was built (a pass that was
                             under way when a wait began counts too:
                             wait for N + 1 to see N whole ones)        */
    uint32_t shared_pfns; /* OUT: the caller's pfns on shared frames now */
};
XEN_ABI_SIZE(struct share_scan_info, 8);

/* The share ring: the hypervisor produces pfns, the guest consumes. */
#define SHARE_RING_SIZE 1020
struct share_ring {
    uint32_t prod;    /* written by the hypervisor                     */
    uint32_t cons;    /* written by the guest                          */
    uint32_t dropped; /* pfns the hypervisor found no room for         */
    uint32_t round;   /* scan rounds completed                         */
    uint32_t pfn[SHARE_RING_SIZE];
};
XEN_ABI_SIZE(struct share_ring, 4096);

struct share_register {
    xen_pfn_t ring_pfn;
    xen_pfn_t bitmap_pfn;
    uint32_t bitmap_pages;
};
XEN_ABI_SIZE(struct share_register, 12);

/*
 * One page and the entries that map it. pte[] holds machine addresses of
 * L1 entries (the guest's direct-map entry of the page included); for
 * cow_break, bit 0 asks for the entry to be writable.
 */
#define SHARE_MAX_PTES      13
#define SHARE_PTE_WRITABLE  1U
#define SHARE_BATCH_MAX     256
#define SHARE_BREAK_DISCARD 1U /* flags: cow_break without the contents */
#define SHARE_CAT_ANON   1 /* anonymous memory                          */
#define SHARE_CAT_MAPPED 2 /* page-cache page mapped by a process       */
#define SHARE_CAT_CACHE  3 /* page-cache page mapped by none            */
struct share_req {
    xen_pfn_t pfn;
    uint8_t nr_ptes;
    uint8_t category; /* SHARE_CAT_*: the guest's word, for statistics */
    int16_t status;   /* OUT */
    uint16_t flags;   /* SHARE_BREAK_*                                 */
    uint16_t pad;
    uint32_t pte[SHARE_MAX_PTES];
};
XEN_ABI_SIZE(struct share_req, 64);

#endif /* __PUBLIC_SHARING_H__ */
