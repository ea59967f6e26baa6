/*
 * blkfront.c - the block device front end: a ring (public/io/blkif.h) to
 * the hypervisor's backend for disk 0, the root file system's image, and
 * for disk 1 if the domain has one (swap.c's swap area).
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
 * Swap's reads and writes are synchronous: the whole domain blocks until
 * the response (no process runs meanwhile), so that a page on its way
 * out or in is never seen half done.
 *
 * Owns the rings, their event channels and the tables of requests in
 * flight. blk_segs=N on the command line caps a request at N sectors.
 */
#include "kernel.h"
#include <public/io/blkif.h>

struct blk_slot {
    bool busy, done;
    int16_t status;
    uint16_t shared;
};

/* One connected disk: its ring, event channel and requests in flight. */
struct blk_disk {
    struct blkif_sring *ring;
    evtchn_port_t port;
    uint32_t sectors;
    bool read_share, readonly;
    struct blk_slot slots[BLKIF_RING_SIZE];
    uint32_t req_prod, rsp_cons, nr_in_flight;
    char slot_wait; /* sleep channel: a slot came free */
};

#define BLK_DISKS 2 /* disk 0, the root; disk 1, swap (swap.c) */
static struct blk_disk disks[BLK_DISKS];
uint32_t nr_block_reads, nr_block_requests, nr_read_shared;
uint32_t nr_block_writes;
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

/* The event: take every response of the disk, wake its waiter. */
static void on_blk_event(evtchn_port_t p, struct guest_regs *regs)
{
    struct blk_disk *dk = NULL;
    uint32_t prod;
    unsigned int i;

    (void)regs;
    for (i = 0; i < BLK_DISKS; i++)
        if (disks[i].ring && disks[i].port == p)
            dk = &disks[i];
    if (!dk)
        return;
    prod = dk->ring->rsp_prod;
    asm volatile("" ::: "memory");
    while (dk->rsp_cons != prod) {
        const struct blkif_response *rsp =
            &dk->ring->ring[dk->rsp_cons % BLKIF_RING_SIZE].rsp;
        struct blk_slot *s;

        dk->rsp_cons++;
        if (rsp->id >= BLKIF_RING_SIZE || !dk->slots[rsp->id].busy)
            kpanic("blkfront: response for unknown request %llu",
                   (unsigned long long)rsp->id);
        s = &dk->slots[rsp->id];
        s->status = rsp->status;
        s->shared = rsp->shared;
        s->done = true;
        wakeup(s);
    }
}

/* Connect disk n if the domain has it; 0 or -errno. */
static int connect(unsigned int n)
{
    struct blk_disk *dk = &disks[n];
    struct blkif_info info;
    struct page *p;
    long rc;

    if ((rc = blkif_op(BLKIFOP_info, n, (unsigned long)&info)))
        return (int)rc;
    dk->sectors = info.sectors;
    dk->readonly = info.readonly;
    dk->read_share = info.read_share && share_active && !xen_translated();
    p = page_alloc(PG_KERNEL, true);
    if (!p)
        kpanic("blkfront: no memory for the ring");
    dk->ring = page_va(p);
    rc = blkif_op(BLKIFOP_connect, n, page_to_pfn(p));
    if (rc <= 0)
        kpanic("blkfront: disk %u: connect refused (%ld)", n, rc);
    dk->port = (evtchn_port_t)rc;
    bind_evtchn_handler(dk->port, on_blk_event);
    kprintf("disk %u: %u sectors (%u KiB)%s, ring port %u%s%s\n", n,
            dk->sectors, dk->sectors * 4, dk->readonly ? ", read-only" : "",
            dk->port, dk->read_share ? ", reads may arrive shared" : "",
            n == 0 && blk_max_pages == 1 ? ", one sector a request" : "");
    return 0;
}

void blkfront_init(void)
{
    long rc;

    /* blk_segs=N: at most N sectors a request (1: no read-ahead, one
     * sector a request, as the protocol once was; for benchmarks). */
    blk_max_pages = (unsigned int)cmdline_get_ulong("blk_segs", BLK_MAX_PAGES);
    if (!blk_max_pages || blk_max_pages > BLK_MAX_PAGES)
        blk_max_pages = BLK_MAX_PAGES;
    if ((rc = connect(0)))
        kpanic("no disk 0 (%ld): the scenario line needs disk=IMAGE", rc);
    (void)connect(1); /* a swap disk, if the scenario gave one */
}

uint32_t blk_disk_sectors(unsigned int disk)
{
    return disk < BLK_DISKS && disks[disk].ring ? disks[disk].sectors : 0;
}

/* Wait for *done: a process sleeps; at boot, or when the caller may not
 * sleep (sync), the whole domain blocks until the event. */
static void wait_for(volatile bool *done, void *chan, bool sync)
{
    while (!*done) {
        if (current && !sync) {
            sleep_on(chan);
        } else {
            block_domain(); /* events on: the handler runs */
            local_events_disable();
        }
    }
}

static struct blk_slot *slot_get(struct blk_disk *dk, uint32_t *id,
                                 bool sync)
{
    uint32_t i;

    for (;;) {
        for (i = 0; i < BLKIF_RING_SIZE; i++)
            if (!dk->slots[i].busy) {
                memset(&dk->slots[i], 0, sizeof(dk->slots[i]));
                dk->slots[i].busy = true;
                *id = i;
                return &dk->slots[i];
            }
        KASSERT(current && !sync); /* sync users: one request at a time */
        sleep_on(&dk->slot_wait);
    }
}

/* Queue the request for n pages from sector, and tell the backend. */
static void submit(struct blk_disk *dk, uint32_t id, uint8_t op,
                   uint32_t sector, struct page **pages, unsigned int n)
{
    struct blkif_request *req;
    struct evtchn_send send = { .port = dk->port };
    unsigned int i;

    pt_commit(); /* the mappings named below must be the ones in force */
    req = &dk->ring->ring[dk->req_prod % BLKIF_RING_SIZE].req;
    memset(req, 0, sizeof(*req));
    req->id = id;
    req->operation = op;
    req->nr_segments = (uint8_t)n;
    req->sector = sector;
    for (i = 0; i < n; i++) {
        req->seg[i].pfn = page_to_pfn(pages[i]);
        if (op == BLKIF_OP_READ && dk->read_share)
            req->seg[i].pte = pt_kmap_pte_maddr(pages[i]);
        share_grant(pages[i], true); /* the scanner keeps off it */
    }
    asm volatile("" ::: "memory");
    dk->ring->req_prod = ++dk->req_prod;
    dk->nr_in_flight++;
    nr_block_requests++;
    (void)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

int blk_rw(unsigned int disk, bool write, uint32_t sector, struct page **pages,
           unsigned int n, bool sync)
{
    struct blk_disk *dk = &disks[disk];
    struct blk_slot *s;
    uint32_t id;
    unsigned int i;
    int16_t status;

    KASSERT(disk < BLK_DISKS && n >= 1 && n <= BLKIF_MAX_SEGMENTS_PER_REQUEST);
    if (!dk->ring || sector >= dk->sectors || dk->sectors - sector < n)
        return -EIO;
    s = slot_get(dk, &id, sync);
    submit(dk, id, write ? BLKIF_OP_WRITE : BLKIF_OP_READ, sector, pages, n);
    wait_for(&s->done, s, sync);
    status = s->status;
    for (i = 0; i < n; i++) {
        if (!write && dk->read_share && (s->shared & (1U << i))) {
            pages[i]->flags |= PGF_SHARED;
            nr_read_shared++;
        }
        share_grant(pages[i], false);
    }
    s->busy = false;
    dk->nr_in_flight--;
    wakeup(&dk->slot_wait);
    if (status != BLKIF_RSP_OKAY) {
        kprintf("disk %u: %s of sectors %u..%u failed (%d)\n", disk,
                write ? "write" : "read", sector, sector + n - 1, status);
        return -EIO;
    }
    if (write)
        nr_block_writes += n;
    else
        nr_block_reads += n;
    return 0;
}

int blk_read_pages(uint32_t sector, struct page **pages, unsigned int n)
{
    return blk_rw(0, false, sector, pages, n, false);
}
