/*
 * io/blkif.h - the PV block device: a ring of requests and responses in a
 * page the guest owns, and an event channel, between a guest's block front
 * end and the block backend in the hypervisor, which serves the disk
 * images the scenario attaches (disk=). Modelled on Xen's blkif and ring.h,
 * simplified: 4 KiB sectors (one page each), read-only disks, a backend
 * reached through blkif_op rather than a driver domain. ABI only.
 *
 * blkif_op(int cmd, unsigned int disk, unsigned long arg):
 *   BLKIFOP_info     arg = VA of struct blkif_info: the disk's size.
 *   BLKIFOP_connect  arg = pfn of a zeroed page to use as the shared ring;
 *                    returns the event channel port (>0) to notify the
 *                    backend with EVTCHNOP_send, on which the backend
 *                    signals responses.
 * disk is the index of the scenario line's disk= key (0 = first).
 */
#ifndef __PUBLIC_IO_BLKIF_H__
#define __PUBLIC_IO_BLKIF_H__

#include "../xen.h"

#define __HYPERVISOR_blkif_op 49

#define BLKIFOP_info    0
#define BLKIFOP_connect 1

#define BLKIF_SECTOR_SIZE          4096
#define BLKIF_MAX_SEGMENTS_PER_REQ 8
#define BLKIF_RING_SIZE            64 /* entries: a power of two */

#define BLKIF_OP_READ  0
#define BLKIF_OP_WRITE 1 /* refused: disks are read-only */

#define BLKIF_RSP_OKAY   0
#define BLKIF_RSP_ERROR  (-1)

struct blkif_info {
    uint32_t sectors;  /* size in 4 KiB sectors */
    uint32_t readonly; /* 1 */
};
XEN_ABI_SIZE(struct blkif_info, 8);

/* Sector s, s+1, ... go to the frames behind pfn[0], pfn[1], ... */
struct blkif_request {
    uint64_t id;          /* echoed in the response */
    uint8_t operation;    /* BLKIF_OP_* */
    uint8_t nr_segments;  /* 1 .. BLKIF_MAX_SEGMENTS_PER_REQ */
    uint16_t pad;
    uint32_t sector;      /* first 4 KiB sector */
    xen_pfn_t pfn[BLKIF_MAX_SEGMENTS_PER_REQ];
};
XEN_ABI_SIZE(struct blkif_request, 48);

struct blkif_response {
    uint64_t id;
    int16_t status;       /* BLKIF_RSP_* */
    uint16_t pad[3];
};
XEN_ABI_SIZE(struct blkif_response, 16);

/*
 * The shared page. The front end writes requests at req_prod and bumps it;
 * the back end writes responses at rsp_prod and bumps it. Indices run
 * freely and are taken modulo BLKIF_RING_SIZE.
 */
struct blkif_sring {
    uint32_t req_prod;
    uint32_t rsp_prod;
    uint8_t pad[56];
    union {
        struct blkif_request req;
        struct blkif_response rsp;
    } ring[BLKIF_RING_SIZE];
};
XEN_ABI_SIZE(struct blkif_sring, 64 + 64 * 48);

#endif /* __PUBLIC_IO_BLKIF_H__ */
