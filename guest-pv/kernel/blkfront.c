/*
 * blkfront.c - the block device front end: one ring (public/io/blkif.h)
 * to the hypervisor's backend for disk 0, the root file system's image.
 * The backend answers when notified, so a read is: queue the request,
 * send the event, take the response.
 *
 * Owns the ring page and its event channel.
 */
#include "kernel.h"
#include <public/io/blkif.h>

static struct blkif_sring *ring;
static evtchn_port_t port;
static uint32_t disk_sectors;
uint32_t nr_block_reads;

static long blkif_op(int cmd, unsigned int disk, unsigned long arg)
{
    long rc;

    asm volatile("int $0x82"
                 : "=a"(rc), "+b"(cmd), "+c"(disk), "+d"(arg)
                 : "0"(__HYPERVISOR_blkif_op)
                 : "memory");
    return rc;
}

void blkfront_init(void)
{
    struct blkif_info info;
    struct page *p;
    long rc;

    if ((rc = blkif_op(BLKIFOP_info, 0, (unsigned long)&info)))
        kpanic("no disk 0 (%ld): the scenario line needs disk=IMAGE", rc);
    disk_sectors = info.sectors;
    p = page_alloc(PG_KERNEL, true);
    if (!p)
        kpanic("blkfront: no memory for the ring");
    ring = page_va(p);
    rc = blkif_op(BLKIFOP_connect, 0, page_to_pfn(p));
    if (rc <= 0)
        kpanic("blkfront: connect refused (%ld)", rc);
    port = (evtchn_port_t)rc;
    /* Responses are collected right after the notification: no upcall. */
    mask_evtchn(port);
    kprintf("disk 0: %u sectors (%u KiB), ring port %u\n", disk_sectors,
            disk_sectors * 4, port);
}

int blk_read(uint32_t sector, struct page *p)
{
    struct blkif_request *req;
    struct evtchn_send send = { .port = port };
    uint32_t rsp_idx = ring->rsp_prod;
    int16_t status;

    if (sector >= disk_sectors)
        return -EIO;
    req = &ring->ring[ring->req_prod % BLKIF_RING_SIZE].req;
    memset(req, 0, sizeof(*req));
    req->id = sector;
    req->operation = BLKIF_OP_READ;
    req->nr_segments = 1;
    req->sector = sector;
    req->pfn[0] = page_to_pfn(p);
    share_grant(p, true); /* never shared while the backend writes it */
    asm volatile("" ::: "memory");
    ring->req_prod++;
    (void)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    if (ring->rsp_prod == rsp_idx)
        kpanic("blkfront: no response to the read of sector %u", sector);
    status = ring->ring[rsp_idx % BLKIF_RING_SIZE].rsp.status;
    share_grant(p, false);
    /* Clear the event: nobody waits for it. */
    shared_info->evtchn_pending[port / 32] &= ~(1U << (port % 32));
    if (status != BLKIF_RSP_OKAY) {
        kprintf("disk 0: read of sector %u failed (%d)\n", sector, status);
        return -EIO;
    }
    nr_block_reads++;
    return 0;
}
