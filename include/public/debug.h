/*
 * debug.h - debug_op(int cmd, ...): a window on hidden hypervisor state for
 * tests, in the spirit of Xen's mem_sharing_audit. It answers only about
 * the calling domain's own state, so it leaks nothing a tenant could use.
 * ABI only.
 */
#ifndef __PUBLIC_DEBUG_H__
#define __PUBLIC_DEBUG_H__

#include "xen.h"

/*
 * DEBUGOP_frame_info(pfn, struct debug_frame_info *out): what the
 * hypervisor's books say about the frame behind one of the caller's pfns.
 */
#define DEBUGOP_frame_info 0
/* DEBUGOP_audit(): re-derive the caller's reference counts and page types
 * from its page tables; returns the number of inconsistencies (0 = good),
 * or -XEN_ENOMEM if the hypervisor has no scratch memory for it. */
#define DEBUGOP_audit      1

struct debug_frame_info {
    uint32_t mfn;
    uint32_t count;      /* general references                        */
    uint32_t type;       /* DEBUG_PGT_*                               */
    uint32_t type_count; /* references of that type                   */
    uint32_t pinned;     /* 1 if pinned                               */
    uint32_t shared;     /* 1 if backed by a shared frame (how a test
                            in a shadow-mode guest, which has no
                            driver, sees its pages shared)             */
};
XEN_ABI_SIZE(struct debug_frame_info, 24);

#define DEBUG_PGT_none     0
#define DEBUG_PGT_l1       1
#define DEBUG_PGT_l2       2
#define DEBUG_PGT_writable 7

#endif /* __PUBLIC_DEBUG_H__ */
