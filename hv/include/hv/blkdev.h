/*
 * blkdev.h - the machine's disks, as the block backend sees them: devices
 * found at boot (arch/x86_32/virtio_blk.c drives QEMU's virtio-blk), each
 * named by its serial number (run-qemu.sh sets it to the image's name),
 * read and written in 4 KiB blocks by DMA, completing asynchronously by
 * interrupt. A request names machine frames; the caller holds references
 * on them until its done() runs.
 */
#ifndef __HV_BLKDEV_H__
#define __HV_BLKDEV_H__

#include <hv/lib.h>

#define BLKDEV_BLOCK      4096
#define BLKDEV_MAX_FRAMES 11  /* blocks a request, Xen's segment count */
#define BLKDEV_SERIAL_MAX 20  /* virtio-blk's id string                 */

struct blkdev;

struct blkdev_req {
    uint32_t block;     /* first 4 KiB block                              */
    uint8_t write;      /* 0: read into the frames; 1: write them out      */
    uint8_t nr_frames;  /* 1 .. BLKDEV_MAX_FRAMES consecutive blocks       */
    const uint32_t *mfn; /* the frames, mfn[0 .. nr_frames-1]             */
    struct blkdev_req *next; /* the driver's: queued for descriptors      */
    /* Called once the device is done (from the interrupt, or at once on a
     * refusal): status 0, or -EIO. */
    void (*done)(struct blkdev_req *r, int status);
    void *priv;         /* the caller's                                   */
};

/* Boot: find the disks, read their names and sizes. */
void blkdev_init(void);
/* The disk whose serial is name, or NULL. */
struct blkdev *blkdev_find(const char *name);
uint32_t blkdev_blocks(const struct blkdev *b); /* size, rounded up     */
bool blkdev_readonly(const struct blkdev *b);
const char *blkdev_name(const struct blkdev *b);
/* A small number naming the disk (0 .. 15), for the read-sharing map. */
unsigned int blkdev_index(const struct blkdev *b);
/*
 * blkdev_submit - start r: 0 when under way (done() runs later; if the
 * device's queue is full, r waits in the driver for room), -EINVAL for
 * blocks beyond the disk or a write to a read-only disk. The part of the
 * last block past the end of the disk reads as zeroes (and is not
 * written).
 */
int blkdev_submit(struct blkdev *b, struct blkdev_req *r);
/* Completions the interrupt may have missed (each tick). */
void blkdev_poll(void);
/* The BLKDEV line of each disk: requests, blocks, interrupts. */
void blkdev_print(void);

#endif /* __HV_BLKDEV_H__ */
