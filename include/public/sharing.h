/*
 * sharing.h - sharing_op(cmd, arg, count), hypercall 50: content-based page
 * sharing between domains of one share group, with the guest's help (the
 * paravirtual design of Kloster, Kristensen and Mejlholm, 2007). ABI only.
 *
 * The hypervisor's scanner hashes the pages of the guest and finds those
 * whose hash matches a page of a domain of its group (or the zero page).
 * It writes their pfns into the guest's share ring and raises
 * VIRQ_SHARING. The guest's sharing driver finds every page-table entry
 * that maps each pfn (its reverse maps, plus its own direct map) and hands
 * them back with SHAREOP_setup_shares. The hypervisor then checks
 * everything again (the frame is still the guest's, the listed entries are
 * all of its mappings, the contents still match, compared byte for byte),
 * points the entries read-only at the shared frame, and frees the guest's
 * frame.
 *
 * A write to a shared page faults; vcpu_info.arch.cow_mfn then holds the
 * shared frame the write hit. The guest calls SHAREOP_cow_break with the
 * entries that map the pfn and the writability each should get back; the
 * hypervisor copies the frame into a fresh one of the guest's and points
 * the entries at it.
 *
 * Every call answers only about the caller's own pfns. What the interface
 * still lets a guest see of others (an offer, the P2M's new mfn, the M2P's
 * SHARED_M2P_ENTRY entries) is listed in docs/architecture.md (Page
 * sharing, known limits).
 *
 * This header is the reference for sharing_op's commands (the conventions
 * are at the top of xen.h). docs/hypercall-abi.md section 3.3 gives the
 * rules for shared frames that other hypercalls follow, and those of
 * sharing in short.
 *   ebx  cmd.
 *   ecx  the command's argument: a VA or a pfn.
 *   edx  count (SHAREOP_setup_shares and SHAREOP_cow_break; ignored by the
 *        other commands).
 * A domain is in a share group when its scenario line has share=NAME;
 * pages are shared only between domains of the same group. Errors of every
 * command: -XEN_EPERM the caller is in no share group; -XEN_EOPNOTSUPP the
 * caller is in shadow mode, where sharing is transparent, for every
 * command but SHAREOP_scan_info; -XEN_ENOSYS a cmd not defined here.
 *
 * A shared frame belongs to no domain (its owner is DOMID_COW). The
 * hypervisor keeps the list of (domain, pfn) pairs each one backs and, per
 * domain, how many page-table entries map it. The P2M entry of each of
 * those pfns holds the shared frame's mfn; the hypervisor's M2P says
 * SHARED_M2P_ENTRY, and every guest's M2P view INVALID_M2P_ENTRY (a guest
 * sees its private frames only). Only a domain with a pfn on the list may map the
 * frame, and only read-only. When the last pfn leaves the list the frame
 * is freed, or handed to the domain that broke the share last.
 */
#ifndef __PUBLIC_SHARING_H__
#define __PUBLIC_SHARING_H__

#include "xen.h"

#define __HYPERVISOR_sharing_op 50

/*
 * The event the hypervisor raises when the share ring has work: when 64
 * pfns have been put on the domain's ring since it was last raised, and at
 * the end of every scan round if any were. The guest binds it with
 * EVTCHNOP_bind_virq (event_channel.h); if it is not bound, the ring still
 * fills but no event comes.
 */
#define VIRQ_SHARING 16

/*
 * SHAREOP_register(struct share_register *arg): give the hypervisor the
 * share ring (one page) and the eligibility bitmap (bitmap_pages pages
 * from bitmap_pfn on). Until a domain has registered, the scanner does not
 * look at its pages and offers it nothing. A domain registers once; there
 * is no unregister.
 *
 * The eligibility bitmap has one bit per pfn: bit pfn % 32 of the 32-bit
 * word pfn / 32, the words following each other across the pages. The
 * guest sets a pfn's bit when the page may be shared (anonymous, mapped or
 * page-cache data) and clears it otherwise; the scanner hashes only pages
 * whose bit is set. The bitmap is a hint: setup_shares checks every
 * request in full whatever the bit says.
 *
 * On success the hypervisor holds a general and a writable type reference
 * on the ring's frame and on each bitmap frame until the domain is
 * destroyed (DEBUGOP_audit counts them). The frames stay the guest's and
 * may be mapped writable, but can never become page tables and can never
 * be shared. A failed registration leaves no reference behind.
 * Returns 0.
 * Errors:
 *   -XEN_EFAULT  the structure cannot be read
 *   -XEN_EBUSY   the domain has already registered
 *   -XEN_EINVAL  bitmap_pages is 0 or more than 4, or too small for a bit
 *                per pfn (bitmap_pages * 32768 < nr_pages); bitmap_pfn or
 *                the bitmap's last page is beyond nr_pages; ring_pfn lies
 *                inside the bitmap; a ring or bitmap pfn is not populated
 *                (or ring_pfn >= nr_pages)
 *   -XEN_EPERM, -XEN_EBUSY, -XEN_EOVERFLOW
 *                a ring or bitmap frame cannot take a general and a
 *                writable type reference (it is shared, a page table, ...)
 */
#define SHAREOP_register       0
/*
 * SHAREOP_setup_shares(struct share_req *reqs, count): share each pfn that
 * the scanner offered, as reqs[i] lists it. See struct share_req for the
 * batch and the checks of the listed entries. Each request gets a status,
 * checked in this order:
 *   -XEN_EINVAL    the pfn is >= nr_pages or not populated
 *   -XEN_EEXIST    the pfn is already shared
 *   -XEN_EPERM     its frame cannot be shared: it has a non-zero count of a
 *                  type other than writable (a page table), or is pinned,
 *                  or the pfn is under grant
 *   -XEN_EPERM     the pfn was not offered, or its offer was spent or has
 *                  lapsed. The offer is spent as soon as a request gets
 *                  past this check, even if it fails later.
 *   entry errors   (struct share_req)
 *   -XEN_EBUSY     the frame has a reference the request does not list:
 *                  its general count is not 1 + nr_ptes, or its type count
 *                  is not the number of listed entries that are writable
 *                  (an unlisted mapping, a registered ring or bitmap, a
 *                  connected block ring, ...)
 *   -XEN_ENOMEM    fewer free frames are left than the CoW reserve (the
 *                  hypervisor option share_reserve, 1024 by default)
 *   -XEN_ESTALE    the contents match nothing any more (below)
 *   -XEN_ENOMEM    no memory for the hypervisor's records
 *   -XEN_EOVERFLOW the shared frame's reference count, or the caller's
 *                  count of mappings of it, would saturate
 * With every reference accounted for, nothing but the listed entries
 * reaches the frame: no other mapping, no grant, no block ring, and the
 * caller's only vcpu is inside the hypercall. The contents cannot change
 * while the hypervisor hashes the page and compares it, in full, with:
 *  1. zero: an all-zero page joins its group's zero frame; the group's
 *     first zero page becomes that frame;
 *  2. the shared frames of its group with the same hash, each compared in
 *     full: it joins the first that is equal;
 *  3. the private page the scanner matched it with, if it matched one: if
 *     that page is still private and equal, the caller's own frame becomes
 *     a new shared frame, which the other page joins at its own setup.
 * If none is equal the status is -XEN_ESTALE.
 * When the pfn joins a shared frame, each listed entry is pointed at that
 * frame with its other flags kept and R/W and Dirty cleared, and the
 * caller's old frame is freed. When the caller's frame becomes the shared
 * frame, it keeps its mfn and the listed entries only lose R/W and Dirty.
 * Either way the pfn's P2M entry holds the shared mfn, the frame leaves
 * the caller's M2P view (INVALID_M2P_ENTRY), the caller's frame count
 * (XENMEM_current_reservation) goes down by one, and the TLB is flushed.
 * Returns the number of pfns shared.
 */
#define SHAREOP_setup_shares   1
/*
 * SHAREOP_cow_break(struct share_req *reqs, count): give each pfn a private
 * frame again, with the contents of the shared one (or zeroes, with
 * SHARE_BREAK_DISCARD: the guest no longer needs the contents, as for a
 * free page it is about to reuse; no copy is made). See struct share_req
 * for the batch and the checks of the listed entries. Each request gets a
 * status:
 *   -XEN_EINVAL    the pfn is >= nr_pages, not populated, or not shared
 *   entry errors   (struct share_req); each entry must map the shared
 *                  frame
 *   -XEN_EBUSY     the pfn is the caller's only pfn on the frame, and
 *                  nr_ptes is not the number of the caller's entries that
 *                  map the frame: every one must be listed
 *   -XEN_ENOMEM    a new frame is needed and no free frame is left. The
 *                  request changed nothing: the page stays shared. The
 *                  hypervisor logs a line and counts a CoW failure. (It
 *                  keeps free frames for copies by refusing new shares
 *                  below share_reserve.)
 * If the pfn is the last (domain, pfn) pair on the frame, the frame itself
 * goes back to the caller: no copy, no allocation; its M2P entry becomes
 * the pfn again. Otherwise a new frame is allocated to the caller and the
 * shared frame's contents are copied into it; the pfn leaves the frame's
 * list and its P2M and M2P entries name the new frame. A new frame never
 * fails for the domain's limit, since pfns on shared frames are not
 * counted against it. With SHARE_BREAK_DISCARD nothing is copied and the
 * pfn's frame, new or handed back, holds zeroes.
 * Each listed entry is pointed at the pfn's frame with its other flags
 * kept: writable (R/W and Dirty set, a writable type reference taken) if
 * its SHARE_PTE_WRITABLE bit is set, read-only with Dirty clear otherwise.
 * Entries of the caller that map the shared frame and were not listed
 * (possible only while the caller has other pfns on it) keep mapping it.
 * The TLB is flushed once after the batch if any request succeeded.
 * Hypervisor option, for tests: share_debug_cow_fail=N (0, off, by
 * default) makes every Nth cow_break request that needs a new frame (a
 * copy or a discard, not the last user getting the frame back), counted
 * over all domains, fail with -XEN_ENOMEM as if no frame were free, with
 * the same log line (marked "induced") and count. share_debug_reclaim=N
 * (0, off) makes every Nth cow_break request that needs a new frame first
 * take one volatile page from the repayment FIFOs (memory.h), as a break
 * that finds the heap empty does.
 * Returns the number of pfns broken.
 */
#define SHAREOP_cow_break      2
/*
 * SHAREOP_is_shared_page(pfn): ecx is a pfn of the caller. Returns 1 if it
 * is backed by a shared frame (even one that backs no other pfn any more),
 * else 0.
 * Errors: -XEN_EINVAL the pfn is >= nr_pages or not populated.
 */
#define SHAREOP_is_shared_page 3
/*
 * SHAREOP_get_pfn(struct share_get_pfn *arg): the caller's pfns backed by
 * shared frame arg->mfn. Returns how many there are, and writes the
 * structure back with nr = that number and the first 16 of them, in no
 * particular order, in pfns[].
 * Errors: -XEN_EFAULT the structure cannot be read or written; -XEN_ENOENT
 * mfn is beyond max_page, is not a shared frame, or backs none of the
 * caller's pfns - the same answer whether another domain uses the frame or
 * nobody does.
 */
#define SHAREOP_get_pfn        4
struct share_get_pfn {
    xen_pfn_t mfn;      /* IN: a shared frame                          */
    uint32_t nr;        /* OUT: the caller's pfns on it (the return
                           value); ignored on input                    */
    xen_pfn_t pfns[16]; /* OUT: the first min(nr, 16) of them; the other
                           entries are written back as they were read  */
};
XEN_ABI_SIZE(struct share_get_pfn, 72);
/*
 * SHAREOP_set_gnttab_bit(pfn) / SHAREOP_remove_gnttab_bit(pfn): ecx is a
 * pfn of the caller. Put the page under grant (handed to a device, today
 * the block backend, or another domain) or take it out. A page under grant
 * is never offered and never shared (setup_shares: -XEN_EPERM); it must be
 * unshared (cow_break) before it is granted. In a PV domain of a share
 * group, the block backend writes only into pages under grant
 * (io/blkif.h).
 * Returns 0.
 * Errors: -XEN_EINVAL the pfn is >= nr_pages or not populated; -XEN_EBUSY
 * set: the pfn is shared.
 */
#define SHAREOP_set_gnttab_bit    5
#define SHAREOP_remove_gnttab_bit 6
/*
 * SHAREOP_scan_info(struct share_scan_info *out): how far the scanner has
 * come over the caller's memory, so that a guest can wait for the scanner
 * by events (passes) rather than by time: a loaded host makes passes slow,
 * never fewer. Both figures are about the caller alone; the pace of passes
 * says only how busy the machine is. The only command a shadow-mode domain
 * may use. Asking is itself news to the scanner: a domain in which its
 * visits found nothing new is otherwise visited only now and then (every
 * 2 s at most by default), and the call makes the caller's next visit a
 * whole one, so that a guest waiting for passes gets them.
 * Returns 0.
 * Errors: -XEN_EPERM if the domain is not in a share group; -XEN_EFAULT the
 * structure cannot be written.
 */
#define SHAREOP_scan_info         7
struct share_scan_info {
    uint32_t passes;      /* OUT: complete scanner passes over the caller's
                             pfns since it was built (a pass that was
                             under way when a wait began counts too:
                             wait for N + 1 to see N whole ones)        */
    uint32_t shared_pfns; /* OUT: the caller's pfns on shared frames now */
};
XEN_ABI_SIZE(struct share_scan_info, 8);

/*
 * The share ring: the hypervisor produces pfns, the guest consumes. The
 * indices run freely. The hypervisor writes pfn[prod % SHARE_RING_SIZE],
 * then increments prod. The ring is full when prod - cons >=
 * SHARE_RING_SIZE, which includes any cons that makes no sense; a pfn that
 * finds it full is not offered (dropped counts it), and the scanner looks
 * at the page again in a later round. The guest reads prod, takes the
 * entries before it and advances cons.
 *
 * An offered pfn is a page of the caller whose hash, when the scanner
 * hashed it, was the hash of the zero page, of a shared frame of the
 * group, or of another private page of the group (of any domain, the
 * caller included) hashed in the same round. The offer stays open until a
 * setup_shares request for the pfn gets past the offered check (whatever
 * the request's outcome), or until the scanner visits the page again at
 * least two rounds later and finds the ring drained (cons == prod): the
 * guest has then taken the offer and not used it. The page may then be
 * offered anew; while an offer may still be on the ring, the pfn is never
 * offered twice.
 */
#define SHARE_RING_SIZE 1020
struct share_ring {
    uint32_t prod;    /* OUT: pfns put on the ring so far              */
    uint32_t cons;    /* IN: pfns the guest has taken so far           */
    uint32_t dropped; /* OUT: pfns not offered because the ring was
                         full                                          */
    uint32_t round;   /* OUT: scan rounds completed (written at the end
                         of each round)                                */
    uint32_t pfn[SHARE_RING_SIZE]; /* OUT: the offered pfns             */
};
XEN_ABI_SIZE(struct share_ring, 4096);

struct share_register {
    xen_pfn_t ring_pfn;    /* IN: one page: the share ring             */
    xen_pfn_t bitmap_pfn;  /* IN: the first page of the eligibility
                              bitmap                                   */
    uint32_t bitmap_pages; /* IN: 1 .. 4                               */
};
XEN_ABI_SIZE(struct share_register, 12);

/*
 * One page and the entries that map it: a request of setup_shares and
 * cow_break. pte[] holds the machine addresses of 4-byte entries in the
 * caller's L1 tables (bits 31..2): every entry that maps the page, the
 * guest kernel's own mappings (such as its direct-map entry) included. For
 * cow_break, bit 0 (SHARE_PTE_WRITABLE) asks for the entry to be made
 * writable; bits 1..0 are otherwise ignored.
 *
 * Both commands take at most SHARE_BATCH_MAX requests; more returns
 * -XEN_E2BIG with nothing done. They handle the requests in order and
 * write each request's status back (0, or the negated error); a failed
 * request changes nothing (but the offer it used: setup_shares) and does
 * not stop the batch. If a request cannot be read or its status cannot be
 * written, the call returns -XEN_EFAULT at once; the requests before it
 * stay done.
 *
 * A request with a flag its command does not know, or a non-zero pad, gets
 * -XEN_EINVAL before anything else is looked at (and spends no offer).
 * The entries are checked the same way by both commands, each entry in
 * turn; a failure is the request's status:
 *   -XEN_EINVAL  nr_ptes > SHARE_MAX_PTES
 *   -XEN_EINVAL  an entry is listed twice
 *   -XEN_EINVAL  an entry's frame is beyond max_page
 *   -XEN_EPERM   an entry is not in an L1 table of the caller's in use
 *                (type L1, validated, type count > 0)
 *   -XEN_EINVAL  an entry is not present, or maps another frame than the
 *                pfn's
 */
#define SHARE_MAX_PTES      13
#define SHARE_PTE_WRITABLE  1U
#define SHARE_BATCH_MAX     256
#define SHARE_BREAK_DISCARD 1U /* flags: cow_break without the contents */
/* category: the guest's word on the page, only counted in the
 * SHARE-DOMAIN figures and never checked; other values count as 0. */
#define SHARE_CAT_ANON      1 /* anonymous memory                          */
#define SHARE_CAT_MAPPED    2 /* page-cache page mapped by a process       */
#define SHARE_CAT_CACHE     3 /* page-cache page mapped by none            */
#define SHARE_CAT_KERNEL    4 /* kernel text and read-only data: never written */
struct share_req {
    xen_pfn_t pfn;    /* IN: a pfn of the caller                       */
    uint8_t nr_ptes;  /* IN: entries in pte[], at most SHARE_MAX_PTES  */
    uint8_t category; /* IN: SHARE_CAT_*: the guest's word, for
                         statistics (setup_shares only)                */
    int16_t status;   /* OUT: 0 or a negated XEN_E* number             */
    uint16_t flags;   /* IN: cow_break: SHARE_BREAK_*; setup_shares: 0.
                         Other bits: -XEN_EINVAL                       */
    uint16_t pad;     /* IN: must be zero (-XEN_EINVAL)                */
    /* IN: the entries, pte[0 .. nr_ptes-1]; the rest are ignored */
    uint32_t pte[SHARE_MAX_PTES];
};
XEN_ABI_SIZE(struct share_req, 64);

#endif /* __PUBLIC_SHARING_H__ */
