/*
 * blkback.h - the block backend's per-domain state and its entry points
 * (blkback.c). The guest ABI is in public/io/blkif.h.
 */
#ifndef __HV_BLKBACK_H__
#define __HV_BLKBACK_H__

#include <hv/lib.h>
#include <public/event_channel.h>
#include <public/io/blkif.h>

struct domain;

struct blkif_dev {
    uint32_t start, size;  /* the image: machine address and bytes     */
    uint32_t sectors;      /* size in BLKIF_SECTOR_SIZE sectors         */
    uint32_t ring_mfn;     /* the shared ring, 0 = not connected;
                              held with a writable type reference       */
    evtchn_port_t port;    /* the guest's end of the channel            */
    uint32_t req_cons;     /* next request to take                      */
    uint32_t rsp_prod;     /* next response to write                    */
    uint64_t requests, sectors_read;
};

/* Attach image [start, start+size) as d's disk number disk. */
void blkback_attach(struct domain *d, unsigned int disk, uint32_t start,
                    uint32_t size);
/* The guest signalled disk's channel: serve every queued request. */
void blkback_notify(struct domain *d, unsigned int disk);
/* Forget the ring of a disk (its channel was closed; a dying domain's
 * channels are all closed, so this also releases its rings). */
void blkback_disconnect(struct domain *d, unsigned int disk);
long do_blkif_op(uint32_t cmd, uint32_t disk, uint32_t arg);

#endif /* __HV_BLKBACK_H__ */
