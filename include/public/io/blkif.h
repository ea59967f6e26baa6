/*
 * io/blkif.h - the PV block device: a ring of requests and responses in a
 * page the guest owns, and an event channel, between a guest's block front
 * end and the block backend in the hypervisor, which serves the disks the
 * scenario line names (disk=, cowdisk=, wdisk=) from the machine's real
 * disks (QEMU drives). Modelled on Xen's blkif and ring.h: up to eleven
 * page-sized segments a request, several requests in flight, completion
 * signalled by event once the device has interrupted. Simplified: 4 KiB
 * sectors (one page each), consecutive sectors per request, a backend
 * reached through blkif_op rather than a driver domain. ABI only.
 *
 * This header is the reference for blkif_op (hypercall 49) and for the
 * ring protocol (the conventions are at the top of ../xen.h).
 *
 * blkif_op(int cmd, unsigned int disk, unsigned long arg):
 *   ebx  cmd.
 *   ecx  disk: the index of the disk on the scenario line (0 = the first
 *        disk=, cowdisk= or wdisk= key).
 *   edx  arg, as each command says.
 * Errors of every command: -XEN_ENODEV disk is not one of the domain's
 * disks (checked first); -XEN_ENOSYS a cmd not defined here.
 */
#ifndef __PUBLIC_IO_BLKIF_H__
#define __PUBLIC_IO_BLKIF_H__

#include "../xen.h"

#define __HYPERVISOR_blkif_op 49

/*
 * BLKIFOP_info: write the disk's size and kind to the struct blkif_info at
 * VA arg. Returns 0.
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
 * other end is the backend: EVTCHNOP_send on it asks the backend to take
 * the new requests, and the backend signals responses on it. EVTCHNOP_status
 * reports it as interdomain with DOMID_XEN; EVTCHNOP_close on it
 * disconnects the disk and drops the ring's references once no request is
 * in flight (a dying domain's ports are all closed, so its rings go too).
 * Returns the port (> 0).
 * Errors:
 *   -XEN_EBUSY     the disk is already connected; the ring's frame cannot
 *                  take a writable type reference (it is a page table)
 *   -XEN_EINVAL    the pfn is not populated (or >= nr_pages)
 *   -XEN_EPERM     the pfn is backed by a shared frame (sharing.h)
 *   -XEN_EOVERFLOW the frame's type count is saturated
 *   -XEN_ENOSPC    no free event channel port
 *   -XEN_ENOMEM    no memory for the backend's records of requests
 * (A shadow-mode domain's shared pfn is first given a private frame;
 * -XEN_ENOMEM if none is free: docs/hypercall-abi.md section 6.)
 */
#define BLKIFOP_connect 1

#define BLKIF_SECTOR_SIZE              4096
#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define BLKIF_RING_SIZE                32 /* entries: a power of two */

#define BLKIF_OP_READ  0
#define BLKIF_OP_WRITE 1

#define BLKIF_RSP_OKAY  0
#define BLKIF_RSP_ERROR (-1)

/* Kinds of disk (the scenario's keys). */
#define BLKIF_DISK_IMAGE   0 /* disk=: read-only                             */
#define BLKIF_DISK_COW     1 /* cowdisk=: an image; writes go to the domain's
                                own overlay, kept by the backend           */
#define BLKIF_DISK_SCRATCH 2 /* wdisk=: blank, writable                       */

struct blkif_info {
    uint32_t sectors;    /* OUT: size in 4 KiB sectors (a partial last one
                            reads as zeroes past the disk's end)        */
    uint32_t readonly;   /* OUT: 1 if writes are refused (disk=)         */
    uint32_t kind;       /* OUT: BLKIF_DISK_*                            */
    uint32_t read_share; /* OUT: 1 if a read may arrive shared (below)   */
};
XEN_ABI_SIZE(struct blkif_info, 16);

/*
 * One segment: a page of the guest's, read into or written from.
 *
 * pte (reads, PV domains of a share group only): the machine address of
 * the one page-table entry that maps the page - the kernel's own mapping
 * of it - or 0. With it, the page may arrive shared (read-time sharing):
 * when another domain of the group has read the same sector of the same
 * image and its frame is still shared, the backend points the entry
 * read-only at that frame and frees the page's own frame, with no device
 * I/O and no copy; and a sector read from the device becomes a shared
 * frame itself, which later readers join. A segment that arrived shared
 * is marked in the response: it is then a shared page as sharing.h
 * describes (a write faults and needs SHAREOP_cow_break), and the pfn's
 * grant bit may be cleared as usual. With pte 0 the page never arrives
 * shared. Ignored for writes and for shadow-mode domains (where read-time
 * sharing is transparent: the backend finds the mappings itself).
 */
struct blkif_segment {
    xen_pfn_t pfn; /* IN: the page                                 */
    uint32_t pte;  /* IN: reads: the machine address of its one
                      mapping, or 0 (above)                        */
};
XEN_ABI_SIZE(struct blkif_segment, 8);

/*
 * One request. Sector s, s+1, ... go to (come from) the pages of seg[0],
 * seg[1], ... The backend copies the request out of the ring before it
 * checks it; a bad request gets BLKIF_RSP_ERROR (and a line on the
 * console), and nothing of it reaches the device. A request is bad if:
 *  - pad is not 0;
 *  - operation is not BLKIF_OP_READ or BLKIF_OP_WRITE, or is a write to a
 *    read-only disk;
 *  - nr_segments is not 1 .. BLKIF_MAX_SEGMENTS_PER_REQUEST, or sector ..
 *    sector + nr_segments - 1 is not within the disk;
 *  - a seg[i].pfn is not populated; or, in a PV (not shadow-mode) domain
 *    of a share group, is not under grant (SHAREOP_set_gnttab_bit,
 *    sharing.h); or, for a read, its frame cannot take a writable type
 *    reference at that moment (so it is never a page table and never a
 *    shared frame). In a shadow-mode domain a pfn on a shared frame first
 *    gets a private frame for a read (docs/hypercall-abi.md section 6);
 *    the request fails if none is free.
 * The backend holds a reference on every frame of a request until the
 * device is done with it, and the domain is not torn down before then.
 * Requests complete in any order; the response carries the request's id.
 * A device error gives BLKIF_RSP_ERROR; the pages of a failed read hold
 * undefined data (but never another domain's).
 */
struct blkif_request {
    uint64_t id;         /* IN: echoed in the response                 */
    uint8_t operation;   /* IN: BLKIF_OP_*                             */
    uint8_t nr_segments; /* IN: 1 .. BLKIF_MAX_SEGMENTS_PER_REQUEST    */
    uint16_t pad;        /* IN: must be zero (BLKIF_RSP_ERROR)          */
    uint32_t sector;     /* IN: first 4 KiB sector                     */
    /* IN: the pages, seg[0 .. nr_segments-1]; the rest are ignored */
    struct blkif_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
XEN_ABI_SIZE(struct blkif_request, 104);

/* One response, written by the backend over a ring entry. */
struct blkif_response {
    uint64_t id;     /* OUT: the request's id                      */
    int16_t status;  /* OUT: BLKIF_RSP_*                           */
    uint16_t shared; /* OUT: bit i set: seg[i]'s page arrived on a
                        shared frame (read-time sharing; PV only,
                        0 in shadow mode). Valid with an error too:
                        a segment before the bad one may have.     */
    uint32_t pad;    /* OUT: always 0                              */
};
XEN_ABI_SIZE(struct blkif_response, 16);

/*
 * The shared page. The front end writes requests at req_prod and bumps it;
 * the back end writes responses at rsp_prod and bumps it. Indices run
 * freely and are taken modulo BLKIF_RING_SIZE. A request's entry is free
 * for reuse once the backend has taken it; a response goes into the entry
 * at the backend's own response index.
 *
 * The front end may have at most BLKIF_RING_SIZE requests outstanding
 * (req_prod - rsp_prod <= BLKIF_RING_SIZE). On EVTCHNOP_send the backend
 * takes every request between its own consumer index and req_prod, as
 * long as that rule holds, and starts each; it takes the rest as
 * responses free room. When requests complete it writes their responses,
 * then rsp_prod, and makes the port pending. A req_prod more than
 * BLKIF_RING_SIZE ahead of the backend's consumer index is bogus: the
 * backend logs it and takes nothing until it is sane again. The backend
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
XEN_ABI_SIZE(struct blkif_sring, 64 + 32 * 104);

#endif /* __PUBLIC_IO_BLKIF_H__ */
