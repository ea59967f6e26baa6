/*
 * debug.h - debug_op(int cmd, ...), hypercall 48: a window on hidden
 * hypervisor state for tests, in the spirit of Xen's mem_sharing_audit. It
 * answers only about the calling domain's own state, so it leaks nothing a
 * tenant could use. ABI only.
 *
 * This header is the reference for debug_op's commands (the conventions
 * are at the top of xen.h).
 *   ebx  cmd.
 *   ecx  argument 1.
 *   edx  argument 2.
 * Errors: -XEN_ENOSYS for a cmd not defined here.
 */
#ifndef __PUBLIC_DEBUG_H__
#define __PUBLIC_DEBUG_H__

#include "xen.h"

/*
 * DEBUGOP_frame_info(pfn, struct debug_frame_info *out): what the
 * hypervisor's books say about the frame behind one of the caller's pfns.
 *   ecx  the pfn.
 *   edx  VA of the struct debug_frame_info to fill in.
 * type is the frame's last type even when type_count is 0: a frame that
 * was once mapped writable reports DEBUG_PGT_writable with count 0, a
 * former page table its level with count 0. A shadow-mode domain's own
 * tables report as DEBUG_PGT_l1 and DEBUG_PGT_l2.
 * For a pfn backed by a shared frame (sharing.h) it reports that frame's
 * mfn and only the caller's references to it: count is the number of the
 * caller's pfns on the frame plus the caller's entries that map it; type
 * is DEBUG_PGT_none, type_count 0, pinned 0 and shared 1. Other domains'
 * references are never reported.
 * Returns 0.
 * Errors: -XEN_EINVAL pfn >= nr_pages, or the pfn is not populated;
 * -XEN_EFAULT the structure cannot be written.
 */
#define DEBUGOP_frame_info 0
/*
 * DEBUGOP_audit(): recompute, from the caller's P2M, page tables, pins and
 * base pointers, what every reference count and type count of its frames
 * (shared_info and the P2M frames included) should be, and compare. It
 * also checks that the P2M and M2P agree, that every present entry maps a
 * frame of the caller, that every L2 entry points at an L1-typed frame,
 * that every writable L1 entry maps a writable-typed frame, and that the
 * hypervisor slots of every directory equal the hypervisor's own (the
 * Accessed bit aside). The references that a connected block ring and a
 * registered share ring and bitmap hold are expected. Entries that map
 * shared frames are checked apart: each must be read-only and belong to a
 * domain with a pfn on the frame, the caller's count of mappings of each
 * shared frame must equal the entries found, and every pfn of the caller
 * on a shared frame must be on that frame's list. For a shadow-mode caller
 * the mappings counted are its shadows', and each shadow is compared with
 * the guest's tables. Each disagreement is printed on the console and
 * counted. The arguments are not read.
 * Returns the number of disagreements (0: the books balance).
 * Errors: -XEN_ENOMEM the hypervisor cannot allocate the scratch memory
 * the audit needs.
 */
#define DEBUGOP_audit      1

/* Every field is written by DEBUGOP_frame_info. */
struct debug_frame_info {
    uint32_t mfn;        /* OUT: the frame behind the pfn             */
    uint32_t count;      /* OUT: general references                   */
    uint32_t type;       /* OUT: DEBUG_PGT_*                          */
    uint32_t type_count; /* OUT: references of that type              */
    uint32_t pinned;     /* OUT: 1 if pinned, else 0                  */
    uint32_t shared;     /* OUT: 1 if backed by a shared frame, else 0
                            (how a test in a shadow-mode guest, which
                            has no driver, sees its pages shared)      */
};
XEN_ABI_SIZE(struct debug_frame_info, 24);

#define DEBUG_PGT_none     0
#define DEBUG_PGT_l1       1
#define DEBUG_PGT_l2       2
#define DEBUG_PGT_writable 7

#endif /* __PUBLIC_DEBUG_H__ */
