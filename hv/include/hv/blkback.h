/*
 * blkback.h - the block backend's per-domain state and its entry points
 * (blkback.c). The guest ABI is in public/io/blkif.h; the machine's disks
 * it serves them from are hv/blkdev.h's.
 */
#ifndef __HV_BLKBACK_H__
#define __HV_BLKBACK_H__

#include <hv/blkdev.h>
#include <hv/lib.h>
#include <hv/scenario.h>
#include <public/event_channel.h>
#include <public/io/blkif.h>

struct domain;
struct blk_pending;

struct blkif_dev {
    uint8_t kind;            /* BLKIF_DISK_*                             */
    struct blkdev *dev;      /* the image, or the blank scratch disk      */
    struct blkdev *ovl;      /* COW: the domain's overlay, as big as dev  */
    uint32_t *written;       /* COW: a bit per block the domain wrote,
                                which then lives on ovl (xenheap)         */
    uint32_t written_pages;
    uint32_t sectors;        /* size in BLKIF_SECTOR_SIZE sectors         */
    uint32_t ring_mfn;       /* the shared ring, 0 = not connected; held
                                with a writable type reference            */
    evtchn_port_t port;      /* the guest's end of the channel            */
    uint32_t req_cons;       /* next request to take                      */
    uint32_t rsp_prod;       /* next response to write                    */
    struct blk_pending *pend; /* BLKIF_RING_SIZE records (xenheap), while
                                 connected                                */
    uint32_t pend_pages;
    uint32_t in_flight;      /* requests taken, not yet answered          */
    bool closing;            /* disconnected with requests in flight      */
    /* Figures. */
    uint64_t requests, sectors_read, sectors_written, errors;
    uint64_t read_hits;      /* sectors served by joining a shared frame  */
    uint64_t read_published; /* sectors read that became shared frames    */
};

/* Boot: bind d's disk number disk to the machine's disks its scenario
 * entry names. A missing disk ends the run with a config error. */
void blkback_attach(struct domain *d, unsigned int disk,
                    const struct scn_disk *sd, unsigned int line);
/* The guest signalled disk's channel: take its new requests. */
void blkback_notify(struct domain *d, unsigned int disk);
/* Forget the ring of a disk (its channel was closed; a dying domain's
 * channels are all closed, so this also releases its rings). Requests in
 * flight finish first, unanswered. */
void blkback_disconnect(struct domain *d, unsigned int disk);
/* Has d requests the device has not finished? (d is not torn down until
 * it has none: the device still writes into its frames.) */
bool blkback_busy(const struct domain *d);
/* d is torn down: its overlays' bitmaps go. */
void blkback_domain_destroy(struct domain *d);
/* For the audit: call fn for every reference the backend holds on d's
 * frames (rings, frames of requests in flight); writable if it holds a
 * writable type reference too. */
void blkback_for_each_ref(struct domain *d,
                          void (*fn)(void *arg, uint32_t mfn, bool writable),
                          void *arg);
/* The BLKIF line of each connected disk of d. */
void blkback_print(struct domain *d);
/* The BLKIF-COST line: the backend's cycles a block, hits and misses. */
void blkback_print_cost(void);
long do_blkif_op(uint32_t cmd, uint32_t disk, uint32_t arg);

#endif /* __HV_BLKBACK_H__ */
