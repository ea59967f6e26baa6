/*
 * blkfront.c - the block device front end: one ring (public/io/blkif.h)
 * to the hypervisor's backend for disk 0, the root file system's image.
 *
 * A read names up to BLKIF_MAX_SEGMENTS_PER_REQUEST consecutive sectors
 * and their pages. It goes on the ring, the backend is notified, and the
 * caller sleeps (a process) or blocks the domain (at boot, before any
 * process runs) until the response's event: other processes run while
 * the device works, and several requests may be in flight. The event's
 * handler takes the responses and wakes their readers.
 *
 * In a share group, each page's kernel mapping is named in the request,
 * so that the page may arrive shared (read-time sharing): the hypervisor
 * then marks it in the response and the page is PGF_SHARED from then on,
 * as if the sharing driver had shared it.
 *
 * Owns the ring page, its event channel and the table of requests in
 * flight. blk_segs=N on the command line caps a request at N sectors.
 */
#include "kernel.h"
#include <public/io/blkif.h>

struct blk_slot {
    bool busy, done;
    int16_t status;
    uint16_t shared;
};

static struct blkif_sring *ring;
static evtchn_port_t port;
static uint32_t disk_sectors;
static bool read_share;
static struct blk_slot slots[BLKIF_RING_SIZE];
static uint32_t req_prod, rsp_cons, nr_in_flight;
static char slot_wait; /* sleep channel: a slot came free */
uint32_t nr_block_reads, nr_block_requests, nr_read_shared;
unsigned int blk_max_pages = BLK_MAX_PAGES;

static long blkif_op(int cmd, unsigned int disk, unsigned long arg)
{
    long rc;

    asm volatile("int $0x82"
                 : "=a"(rc), "+b"(cmd), "+c"(disk), "+d"(arg)
                 : "0"(__HYPERVISOR_blkif_op)
                 : "memory");
    return rc;
}

/* The event: take every response, wake its reader. */
static void on_blk_event(evtchn_port_t p, struct guest_regs *regs)
{
    uint32_t prod = ring->rsp_prod;

    (void)p;
    (void)regs;
    asm volatile("" ::: "memory");
    while (rsp_cons != prod) {
        const struct blkif_response *rsp =
            &ring->ring[rsp_cons % BLKIF_RING_SIZE].rsp;
        struct blk_slot *s;

        rsp_cons++;
        if (rsp->id >= BLKIF_RING_SIZE || !slots[rsp->id].busy)
            kpanic("blkfront: response for unknown request %llu",
                   (unsigned long long)rsp->id);
        s = &slots[rsp->id];
        s->status = rsp->status;
        s->shared = rsp->shared;
        s->done = true;
        wakeup(s);
    }
}

void blkfront_init(void)
{
    struct blkif_info info;
    struct page *p;
    long rc;

    if ((rc = blkif_op(BLKIFOP_info, 0, (unsigned long)&info)))
        kpanic("no disk 0 (%ld): the scenario line needs disk=IMAGE", rc);
    disk_sectors = info.sectors;
    read_share = info.read_share && share_active && !xen_translated();
    /* blk_segs=N: at most N sectors a request (1: no read-ahead, one
     * sector a request, as the protocol once was; for benchmarks). */
    blk_max_pages = (unsigned int)cmdline_get_ulong("blk_segs", BLK_MAX_PAGES);
    if (!blk_max_pages || blk_max_pages > BLK_MAX_PAGES)
        blk_max_pages = BLK_MAX_PAGES;
    p = page_alloc(PG_KERNEL, true);
    if (!p)
        kpanic("blkfront: no memory for the ring");
    ring = page_va(p);
    rc = blkif_op(BLKIFOP_connect, 0, page_to_pfn(p));
    if (rc <= 0)
        kpanic("blkfront: connect refused (%ld)", rc);
    port = (evtchn_port_t)rc;
    bind_evtchn_handler(port, on_blk_event);
    kprintf("disk 0: %u sectors (%u KiB), ring port %u%s%s\n", disk_sectors,
            disk_sectors * 4, port,
            read_share ? ", reads may arrive shared" : "",
            blk_max_pages == 1 ? ", one sector a request" : "");
}

/* Wait for *done (a process sleeps; at boot the domain blocks). */
static void wait_for(volatile bool *done, void *chan)
{
    while (!*done) {
        if (current) {
            sleep_on(chan);
        } else {
            block_domain(); /* events on: the handler runs */
            local_events_disable();
        }
    }
}

static struct blk_slot *slot_get(uint32_t *id)
{
    uint32_t i;

    for (;;) {
        for (i = 0; i < BLKIF_RING_SIZE; i++)
            if (!slots[i].busy) {
                memset(&slots[i], 0, sizeof(slots[i]));
                slots[i].busy = true;
                *id = i;
                return &slots[i];
            }
        KASSERT(current); /* at boot only one request is ever in flight */
        sleep_on(&slot_wait);
    }
}

/* Queue the request for n pages from sector, and tell the backend. */
static void submit(uint32_t id, uint32_t sector, struct page **pages,
                   unsigned int n)
{
    struct blkif_request *req;
    struct evtchn_send send = { .port = port };
    unsigned int i;

    pt_commit(); /* the mappings named below must be the ones in force */
    req = &ring->ring[req_prod % BLKIF_RING_SIZE].req;
    memset(req, 0, sizeof(*req));
    req->id = id;
    req->operation = BLKIF_OP_READ;
    req->nr_segments = (uint8_t)n;
    req->sector = sector;
    for (i = 0; i < n; i++) {
        req->seg[i].pfn = page_to_pfn(pages[i]);
        if (read_share)
            req->seg[i].pte = pt_kmap_pte_maddr(pages[i]);
        share_grant(pages[i], true); /* the scanner keeps off it */
    }
    asm volatile("" ::: "memory");
    ring->req_prod = ++req_prod;
    nr_in_flight++;
    nr_block_requests++;
    (void)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

int blk_read_pages(uint32_t sector, struct page **pages, unsigned int n)
{
    struct blk_slot *s;
    uint32_t id;
    unsigned int i;
    int16_t status;

    KASSERT(n >= 1 && n <= BLKIF_MAX_SEGMENTS_PER_REQUEST);
    if (sector >= disk_sectors || disk_sectors - sector < n)
        return -EIO;
    s = slot_get(&id);
    submit(id, sector, pages, n);
    wait_for(&s->done, s);
    status = s->status;
    for (i = 0; i < n; i++) {
        if (read_share && (s->shared & (1U << i))) {
            pages[i]->flags |= PGF_SHARED;
            nr_read_shared++;
        }
        share_grant(pages[i], false);
    }
    s->busy = false;
    nr_in_flight--;
    wakeup(&slot_wait);
    if (status != BLKIF_RSP_OKAY) {
        kprintf("disk 0: read of sectors %u..%u failed (%d)\n", sector,
                sector + n - 1, status);
        return -EIO;
    }
    nr_block_reads += n;
    return 0;
}
