/*
 * io/blkif.h - the PV block device: a ring of requests and responses in a
 * page the guest owns, and an event channel, between a guest's block front
 * end and the block backend in the hypervisor, which serves the disk
 * images the scenario attaches (disk=). Modelled on Xen's blkif and ring.h,
 * simplified: 4 KiB sectors (one page each), read-only disks, a backend
 * reached through blkif_op rather than a driver domain. ABI only.
 *
 * This header is the reference for blkif_op (hypercall 49) and for the
 * ring protocol (the conventions are at the top of ../xen.h).
 *
 * blkif_op(int cmd, unsigned int disk, unsigned long arg):
 *   ebx  cmd.
 *   ecx  disk: the index of the scenario line's disk= key (0 = the first).
 *        The disks are multiboot modules, read-only, with 4 KiB sectors.
 *   edx  arg, as each command says.
 * Errors of every command: -XEN_ENODEV disk is not one of the domain's
 * disks (checked first); -XEN_ENOSYS a cmd not defined here.
 */
#ifndef __PUBLIC_IO_BLKIF_H__
#define __PUBLIC_IO_BLKIF_H__

#include "../xen.h"

#define __HYPERVISOR_blkif_op 49

/*
 * BLKIFOP_info: write the disk's size to the struct blkif_info at VA arg.
 * Returns 0.
 * Errors: -XEN_EFAULT the structure cannot be written.
 */
#define BLKIFOP_info    0
/*
 * BLKIFOP_connect: connect the disk, with the guest's page at pfn arg as
 * the shared ring (struct blkif_sring). The backend takes a general and a
 * writable type reference on the ring's frame and holds them while the
 * disk is connected, so the frame can never become a page table nor be
 * shared (DEBUGOP_audit counts that reference). It sets req_prod and
 * rsp_prod to 0 and allocates the lowest free event channel port, whose
 * other end is the backend: EVTCHNOP_send on it asks the backend to serve
 * the ring, and the backend signals responses on it. EVTCHNOP_status
 * reports it as interdomain with DOMID_XEN; EVTCHNOP_close on it
 * disconnects the disk and drops the ring's references (a dying domain's
 * ports are all closed, so its rings go too).
 * Returns the port (> 0).
 * Errors:
 *   -XEN_EBUSY     the disk is already connected; the ring's frame cannot
 *                  take a writable type reference (it is a page table)
 *   -XEN_EINVAL    the pfn is not populated (or >= nr_pages)
 *   -XEN_EPERM     the pfn is backed by a shared frame (sharing.h)
 *   -XEN_EOVERFLOW the frame's type count is saturated
 *   -XEN_ENOSPC    no free event channel port
 * (A shadow-mode domain's shared pfn is first given a private frame;
 * -XEN_ENOMEM if none is free: docs/hypercall-abi.md section 6.)
 */
#define BLKIFOP_connect 1

#define BLKIF_SECTOR_SIZE          4096
#define BLKIF_MAX_SEGMENTS_PER_REQ 8
#define BLKIF_RING_SIZE            64 /* entries: a power of two */

#define BLKIF_OP_READ  0
#define BLKIF_OP_WRITE 1 /* refused: disks are read-only */

#define BLKIF_RSP_OKAY  0
#define BLKIF_RSP_ERROR (-1)

struct blkif_info {
    uint32_t sectors;  /* OUT: size in 4 KiB sectors */
    uint32_t readonly; /* OUT: always 1 */
};
XEN_ABI_SIZE(struct blkif_info, 8);

/*
 * One request. Sector s, s+1, ... go to the frames behind pfn[0], pfn[1],
 * ... The backend copies the request out of the ring before it checks it;
 * a bad request gets BLKIF_RSP_ERROR (and a line on the console), a good
 * one BLKIF_RSP_OKAY. A request is bad if:
 *  - pad is not 0;
 *  - operation is not BLKIF_OP_READ (writes are refused);
 *  - nr_segments is not 1 .. BLKIF_MAX_SEGMENTS_PER_REQ, or sector ..
 *    sector + nr_segments - 1 is not within the disk;
 *  - a pfn[i] is not populated; or, in a PV (not shadow-mode) domain of a
 *    share group, is not under grant (SHAREOP_set_gnttab_bit, sharing.h);
 *    or its frame cannot take a writable type reference at that moment
 *    (so it is never a page table and never a shared frame). In a
 *    shadow-mode domain a pfn on a shared frame first gets a private frame
 *    (docs/hypercall-abi.md section 6); the request fails if none is free.
 * The segments are served in order, each sector copied into its frame as
 * it is checked, so a request that fails at pfn[i] has filled pfn[0] ..
 * pfn[i-1]. The part of a sector past the end of the disk image is
 * zero-filled, never read from what follows the module in memory.
 */
struct blkif_request {
    uint64_t id;         /* IN: echoed in the response                 */
    uint8_t operation;   /* IN: BLKIF_OP_*                             */
    uint8_t nr_segments; /* IN: 1 .. BLKIF_MAX_SEGMENTS_PER_REQ        */
    uint16_t pad;        /* IN: must be zero (BLKIF_RSP_ERROR)          */
    uint32_t sector;     /* IN: first 4 KiB sector                     */
    /* IN: the frames, pfn[0 .. nr_segments-1]; the rest are ignored */
    xen_pfn_t pfn[BLKIF_MAX_SEGMENTS_PER_REQ];
};
XEN_ABI_SIZE(struct blkif_request, 48);

/* One response, written by the backend over a ring entry. */
struct blkif_response {
    uint64_t id;     /* OUT: the request's id                      */
    int16_t status;  /* OUT: BLKIF_RSP_*                           */
    uint16_t pad[3]; /* OUT: always 0                              */
};
XEN_ABI_SIZE(struct blkif_response, 16);

/*
 * The shared page. The front end writes requests at req_prod and bumps it;
 * the back end writes responses at rsp_prod and bumps it. Indices run
 * freely and are taken modulo BLKIF_RING_SIZE.
 *
 * On EVTCHNOP_send the backend serves every request between its own
 * consumer index and req_prod, in order, writing each response into the
 * ring entry at its own response index (so a response overwrites the
 * entry of a request already consumed); then it writes rsp_prod and, if it
 * served any request, makes the port pending. A req_prod more than
 * BLKIF_RING_SIZE ahead of the backend's consumer index is bogus: the
 * backend logs it and serves nothing until it is sane again. The backend
 * keeps its own consumer and response indices; it never reads rsp_prod.
 */
struct blkif_sring {
    uint32_t req_prod; /* IN: written by the front end (set to 0 by
                          BLKIFOP_connect)                              */
    uint32_t rsp_prod; /* OUT: written by the back end                  */
    uint8_t pad[56];   /* ignored: the back end never reads nor
                          writes it                                     */
    union {
        struct blkif_request req;  /* IN: written by the front end      */
        struct blkif_response rsp; /* OUT: written by the back end      */
    } ring[BLKIF_RING_SIZE];       /* IN/OUT                            */
};
XEN_ABI_SIZE(struct blkif_sring, 64 + 64 * 48);

#endif /* __PUBLIC_IO_BLKIF_H__ */
