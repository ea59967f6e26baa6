/*
 * blkback.c - the block backend: serves each domain's disks (disk=,
 * cowdisk=, wdisk= on its scenario line) over a shared ring and an event
 * channel (public/io/blkif.h), from the machine's disks (hv/blkdev.h).
 *
 * A request is taken off the ring, checked in full, and split into runs
 * of consecutive sectors that go to one device: the image, or for a
 * cowdisk the domain's overlay where it wrote. Reads of a block another
 * domain of the group has read already are served at once by joining its
 * shared frame (read-time sharing, mem_sharing.c's share_read_*), with no
 * device I/O; the rest go to the device, and a block read from an image
 * becomes a shared frame that later readers join. The response is written
 * and the event sent when the last run completes, from the device's
 * interrupt (its softirq).
 *
 * Owns each domain's disks[] state and its records of requests in flight.
 * Everything in the ring is guest data: every request is copied out,
 * checked (operation, sector range, number of segments, every pfn) and
 * answered with an error rather than acted on when wrong. It holds a
 * reference on every frame the device reads or writes until the device is
 * done, and a writable type reference on every frame it reads into (so
 * never a page table nor a shared frame); a domain with requests in
 * flight is not torn down. It never writes to an image: a cowdisk's
 * writes go to the domain's own overlay.
 */
#include <hv/arch.h>
#include <hv/blkback.h>
#include <hv/blkdev.h>
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/mm.h>
#include <hv/setup.h>
#include <hv/shadow.h>
#include <hv/stats.h>
#include <asm/paging.h>
#include <asm/uaccess.h>

#define SEGS BLKIF_MAX_SEGMENTS_PER_REQUEST

/* Read-time sharing; off for the benchmarks' baseline. */
static bool opt_share_reads = true;
boolean_param("share_reads", opt_share_reads);

/*
 * The backend's own cost of a read, for the benchmarks (the BLKIF-COST
 * line): TSC cycles (under qemu -icount, instructions) from taking a
 * request to answering it, less the time the device held it, for reads
 * whose every block joined a shared frame (hits) and for reads whose every
 * block went to the device (misses: submission plus completion), with the
 * device requests (doorbells) the misses took. Mixed reads are counted
 * apart.
 */
static struct {
    uint64_t hit_reqs, hit_blocks, hit_cycles;
    uint64_t miss_reqs, miss_blocks, miss_cycles, miss_runs;
    uint64_t mixed_reqs;
} cost;

/* What the backend does with one segment. */
enum seg_state {
    SEG_NONE,   /* nothing held (not started, or served by a join)     */
    SEG_READ,   /* a device read into the frame: general + writable ref */
    SEG_WRITE,  /* a device write from the frame: general ref          */
    SEG_WAIT,   /* nothing held: waits for another request's read of the
                   same block (the in-flight map), then joins its frame */
};

struct blk_pending;

struct blk_seg {
    uint32_t pfn, pte, mfn;
    uint8_t state;     /* SEG_*                                        */
    bool publish;      /* read from an image: make it a shared frame   */
    bool overlay;      /* cowdisk: the block lives on the overlay      */
    bool leads;        /* its read is in the in-flight map             */
    uint8_t idx;       /* its place in its request                     */
    struct blk_pending *p;    /* its request                           */
    struct blk_seg *inext;    /* leads: in-flight map chain            */
    struct blk_seg *waiters;  /* leads: segments waiting for its read  */
    struct blk_seg *wnext;    /* SEG_WAIT: the next of them            */
};

struct blk_pending {
    struct domain *d;
    struct blkif_dev *bd;
    struct blkif_request req;           /* the guest's, copied          */
    struct blk_seg seg[SEGS];
    uint32_t mfn[SEGS];                 /* for the device's runs        */
    struct blkdev_req run[SEGS];
    uint8_t nr_runs, outstanding;
    uint8_t nr_waits;                   /* segments in SEG_WAIT         */
    bool used, failed;
    uint16_t shared;                    /* segments that arrived shared */
    uint8_t hits;                       /* segments served by a join    */
    bool any_shared;                    /* a page went onto a shared
                                           frame: flush the TLB         */
    uint64_t cycles;                    /* the backend's, so far        */
};

static uint32_t image_block(const struct blk_pending *p, unsigned int i)
{
    return p->req.sector + i;
}

/*
 * The in-flight map: device reads under way that will be published, by
 * (share group, image, block). A second reader of such a block does not
 * read it again: its segment waits (SEG_WAIT) on the first one's and joins
 * the frame once it is published, so that guests reading the same files
 * at the same time read the disk once.
 */
#define INFLIGHT_BUCKETS 256
static struct blk_seg *inflight[INFLIGHT_BUCKETS];

static struct blk_seg **inflight_bucket(const struct blk_pending *p,
                                        unsigned int i)
{
    uint32_t key = image_block(p, i) * 2654435761U ^
                   blkdev_index(p->bd->dev) * 40503U ^ p->d->share->group;

    return &inflight[key % INFLIGHT_BUCKETS];
}

static bool same_block(const struct blk_seg *a, const struct blk_seg *b)
{
    return a->p->d->share->group == b->p->d->share->group &&
           a->p->bd->dev == b->p->bd->dev &&
           image_block(a->p, a->idx) == image_block(b->p, b->idx);
}

/* The read under way of the block segment s wants, or NULL. */
static struct blk_seg *inflight_find(const struct blk_seg *s)
{
    struct blk_seg *l;

    for (l = *inflight_bucket(s->p, s->idx); l; l = l->inext)
        if (same_block(l, s))
            return l;
    return NULL;
}

static void inflight_add(struct blk_seg *s)
{
    struct blk_seg **b = inflight_bucket(s->p, s->idx);

    s->inext = *b;
    *b = s;
    s->leads = true;
}

static void inflight_remove(struct blk_seg *s)
{
    struct blk_seg **pp = inflight_bucket(s->p, s->idx);

    while (*pp != s)
        pp = &(*pp)->inext;
    *pp = s->inext;
    s->leads = false;
}

/* --- Attach and connect -------------------------------------------------- */

static struct blkdev *need_disk(const char *serial, const struct domain *d,
                                unsigned int line)
{
    struct blkdev *b = blkdev_find(serial);

    if (!b)
        config_error("scenario line %u: domain %s: disk '%s' is not attached "
                     "(no QEMU drive has that serial; run-qemu.sh attaches "
                     "the images a scenario names: is the file missing?)",
                     line, d->name, serial);
    return b;
}

void blkback_attach(struct domain *d, unsigned int disk,
                    const struct scn_disk *sd, unsigned int line)
{
    struct blkif_dev *bd = &d->disks[disk];
    char serial[SCN_NAME_MAX + 8];

    BUG_ON(disk >= SCN_MAX_DISKS);
    memset(bd, 0, sizeof(*bd));
    bd->kind = sd->kind == SCN_DISK_RO    ? BLKIF_DISK_IMAGE
               : sd->kind == SCN_DISK_COW ? BLKIF_DISK_COW
                                          : BLKIF_DISK_SCRATCH;
    if (bd->kind == BLKIF_DISK_SCRATCH) {
        snprintf(serial, sizeof(serial), "w:%s:%u", d->name, disk);
        bd->dev = need_disk(serial, d, line);
    } else
        bd->dev = need_disk(sd->name, d, line);
    if (bd->kind == BLKIF_DISK_COW) {
        snprintf(serial, sizeof(serial), "o:%s:%u", d->name, disk);
        bd->ovl = need_disk(serial, d, line);
        if (blkdev_blocks(bd->ovl) < blkdev_blocks(bd->dev))
            config_error("scenario line %u: domain %s: overlay '%s' is "
                         "smaller than its image '%s'",
                         line, d->name, serial, sd->name);
        bd->written_pages = ROUNDUP(ROUNDUP(blkdev_blocks(bd->dev), 32) / 8,
                                    PAGE_SIZE) / PAGE_SIZE;
        bd->written = alloc_xenheap_pages(bd->written_pages);
        if (!bd->written)
            config_error("scenario line %u: no memory for the overlay map of "
                         "'%s'", line, sd->name);
    }
    if (bd->kind == BLKIF_DISK_SCRATCH && blkdev_readonly(bd->dev))
        config_error("scenario line %u: scratch disk '%s' is read-only",
                     line, serial);
    bd->sectors = blkdev_blocks(bd->dev);
    if (disk >= d->nr_disks)
        d->nr_disks = disk + 1;
}

void blkback_domain_destroy(struct domain *d)
{
    unsigned int i;

    for (i = 0; i < d->nr_disks; i++)
        if (d->disks[i].written) {
            free_xenheap_pages(d->disks[i].written,
                               d->disks[i].written_pages);
            d->disks[i].written = NULL;
        }
}

static bool readonly(const struct blkif_dev *bd)
{
    return bd->kind == BLKIF_DISK_IMAGE;
}

/* Reads of this disk may be shared at read time (for d). */
static bool read_shareable(const struct domain *d, const struct blkif_dev *bd)
{
    return opt_share_reads && d->share && bd->kind != BLKIF_DISK_SCRATCH;
}

static bool block_written(const struct blkif_dev *bd, uint32_t blk)
{
    return bd->written && ((bd->written[blk / 32] >> (blk % 32)) & 1);
}

/* --- Responses ----------------------------------------------------------- */

static void respond(struct blk_pending *p)
{
    struct blkif_dev *bd = p->bd;
    struct domain *d = p->d;
    struct blkif_sring *ring;
    struct blkif_response *rsp;

    /* Pages that went onto shared frames lost their writable mapping: no
     * old translation may outlive the request. */
    if (p->any_shared)
        flush_tlb_local();
    if (p->failed)
        bd->errors++;
    p->used = false;
    bd->in_flight--;
    bd->requests++;
    if (bd->closing) {
        if (!bd->in_flight)
            blkback_disconnect(d, (unsigned int)(bd - d->disks));
        return;
    }
    ring = map_domain_page(bd->ring_mfn);
    rsp = &ring->ring[bd->rsp_prod % BLKIF_RING_SIZE].rsp;
    memset(rsp, 0, sizeof(*rsp));
    rsp->id = p->req.id;
    rsp->status = p->failed ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
    rsp->shared = p->shared;
    bd->rsp_prod++;
    wmb();
    ring->rsp_prod = bd->rsp_prod;
    unmap_domain_page(ring);
    evtchn_set_pending(d->vcpu, bd->port);
}

/* --- Segments ------------------------------------------------------------ */

/* Let go of what the backend holds on segment s. */
static void seg_release(struct blk_seg *s)
{
    struct page_info *pg = mfn_to_page(s->mfn);

    if (s->state == SEG_READ)
        put_page_and_type(pg);
    else if (s->state == SEG_WRITE)
        put_page(pg);
    s->state = SEG_NONE;
}

/*
 * Hold the frame behind segment i for the device: for a read, a general
 * and a writable type reference on a frame of d's (a shadow-mode domain's
 * shared pfn is unshared first); for a write, a general reference on d's
 * frame or on the shared frame its pfn is on. 0 or BLKIF_RSP_ERROR.
 */
static int seg_hold(struct domain *d, struct blk_pending *p, unsigned int i)
{
    struct blk_seg *s = &p->seg[i];
    int rc;

    if (p2m_lookup(d, s->pfn) == INVALID_MFN) {
        gprintk(d, "blkif: pfn %#x is not populated", s->pfn);
        return BLKIF_RSP_ERROR;
    }
    if (p->req.operation == BLKIF_OP_READ) {
        if (!share_pfn_granted(d, s->pfn)) {
            gprintk(d, "blkif: pfn %#x is not under grant "
                       "(SHAREOP_set_gnttab_bit)", s->pfn);
            return BLKIF_RSP_ERROR;
        }
        rc = guest_pfn_get_writable(d, s->pfn, &s->mfn);
        if (rc) {
            gprintk(d, "blkif: pfn %#x cannot be written (%d%s)", s->pfn, rc,
                    rc == -ENOMEM ? ": no memory to unshare it" : "");
            return BLKIF_RSP_ERROR;
        }
        s->state = SEG_READ;
        return 0;
    }
    if (guest_pfn_get_readable(d, s->pfn, &s->mfn)) {
        gprintk(d, "blkif: pfn %#x cannot be read (mfn %#x)", s->pfn, s->mfn);
        return BLKIF_RSP_ERROR;
    }
    s->state = SEG_WRITE;
    return 0;
}

/* The request as a whole: operation, range, segment count. */
static bool request_ok(struct domain *d, const struct blkif_dev *bd,
                       const struct blkif_request *req)
{
    if (req->pad) {
        gprintk(d, "blkif: request pad must be 0");
        return false;
    }
    if (req->operation != BLKIF_OP_READ && req->operation != BLKIF_OP_WRITE) {
        gprintk(d, "blkif: unknown operation %u", req->operation);
        return false;
    }
    if (req->operation == BLKIF_OP_WRITE && readonly(bd)) {
        gprintk(d, "blkif: write refused: disk=%s is read-only",
                blkdev_name(bd->dev));
        return false;
    }
    if (!req->nr_segments || req->nr_segments > SEGS ||
        req->sector >= bd->sectors ||
        bd->sectors - req->sector < req->nr_segments) {
        gprintk(d, "blkif: bad request: sector %u, %u segments, disk of %u",
                req->sector, req->nr_segments, bd->sectors);
        return false;
    }
    return true;
}

/* --- Completion ---------------------------------------------------------- */

/* Segment i's page is on a shared frame now: a PV guest learns it from the
 * response (in shadow mode it is transparent). */
static void seg_arrived_shared(struct domain *d, struct blk_pending *p,
                               unsigned int i)
{
    if (!is_translated(d))
        p->shared |= (uint16_t)(1U << i);
    p->any_shared = true;
}

static void account_cost(const struct blk_pending *p)
{
    unsigned int n = p->req.nr_segments;

    if (p->failed || p->req.operation != BLKIF_OP_READ || !n)
        return;
    if (p->hits == n) {
        cost.hit_reqs++;
        cost.hit_blocks += n;
        cost.hit_cycles += p->cycles;
    } else if (!p->hits) {
        cost.miss_reqs++;
        cost.miss_blocks += n;
        cost.miss_cycles += p->cycles;
        cost.miss_runs += p->nr_runs;
    } else
        cost.mixed_reqs++;
}

static void wake_waiters(struct blk_seg *leader, bool published);

/* Every run is done: release the frames, publish the reads that may be
 * shared, wake the segments that waited for them, answer. The record is
 * free once this returns (and, if the disk was disconnected meanwhile,
 * gone): callers touch p no more. */
static void finish(struct blk_pending *p)
{
    struct domain *d = p->d;
    struct blk_seg *led[SEGS];
    bool published[SEGS];
    unsigned int i, nled = 0;
    uint64_t t0 = arch_read_tsc();

    for (i = 0; i < p->req.nr_segments; i++) {
        struct blk_seg *s = &p->seg[i];
        bool publish = s->publish && s->state == SEG_READ && !p->failed &&
                       !d->is_shutting_down;

        seg_release(s);
        publish = publish && share_read_publish(d, s->pfn, s->pte,
                                                blkdev_index(p->bd->dev),
                                                image_block(p, i)) == 0;
        if (publish) {
            seg_arrived_shared(d, p, i);
            p->bd->read_published++;
        }
        if (s->leads) {
            inflight_remove(s);
            published[nled] = publish;
            led[nled++] = s;
        }
    }
    p->cycles += arch_read_tsc() - t0;
    /* The waiters may finish their requests (and so reuse nothing of p's
     * but what led[] names, which respond() below leaves alone). */
    for (i = 0; i < nled; i++)
        wake_waiters(led[i], published[i]);
    account_cost(p);
    respond(p);
}

static void run_done(struct blkdev_req *r, int status)
{
    struct blk_pending *p = r->priv;
    uint64_t t0 = arch_read_tsc();

    if (status) {
        gprintk(p->d, "blkif: %s of sectors %u..%u failed on disk '%s' (%d)",
                r->write ? "write" : "read", r->block,
                r->block + r->nr_frames - 1,
                blkdev_name(p->bd->dev), status);
        p->failed = true;
    } else if (r->write && p->bd->written) {
        unsigned int i;

        /* cowdisk: the blocks live on the overlay from now on. */
        for (i = 0; i < r->nr_frames; i++)
            p->bd->written[(r->block + i) / 32] |= 1U << ((r->block + i) % 32);
    }
    p->cycles += arch_read_tsc() - t0;
    if (!--p->outstanding)
        finish(p);
}

static void add_run(struct blk_pending *p, unsigned int first,
                    unsigned int last);
static struct blkdev *seg_device(const struct blk_pending *p, unsigned int i);

/* Waiter w's block was read by another request: join its frame, or - the
 * read failed or was not published, or the join is refused - read the
 * block itself after all. */
static void waiter_done(struct blk_seg *w, bool published)
{
    struct blk_pending *p = w->p;
    struct domain *d = p->d;
    uint64_t t0 = arch_read_tsc();
    struct blkdev_req *r;

    w->state = SEG_NONE;
    if (d->is_shutting_down) {
        p->failed = true; /* no one will read the answer */
    } else if (published &&
               !share_read_join(d, w->pfn, w->pte, blkdev_index(p->bd->dev),
                                image_block(p, w->idx))) {
        seg_arrived_shared(d, p, w->idx);
        p->bd->read_hits++;
        p->hits++;
    } else if (seg_hold(d, p, w->idx)) {
        p->failed = true;
    } else {
        /* Its own device read; the wait's count passes to it. */
        r = &p->run[p->nr_runs];
        add_run(p, w->idx, w->idx + 1u);
        p->bd->sectors_read++;
        p->cycles += arch_read_tsc() - t0;
        if (blkdev_submit(seg_device(p, w->idx), r))
            run_done(r, -EINVAL);
        return;
    }
    p->cycles += arch_read_tsc() - t0;
    if (!--p->outstanding)
        finish(p);
}

static void wake_waiters(struct blk_seg *leader, bool published)
{
    struct blk_seg *w = leader->waiters, *next;

    leader->waiters = NULL;
    for (; w; w = next) {
        next = w->wnext;
        waiter_done(w, published);
    }
}

/* --- Starting a request -------------------------------------------------- */

/* Segment i of a read: served at once by joining the group's shared frame
 * of its block? */
static bool seg_read_hit(struct domain *d, struct blk_pending *p,
                         unsigned int i)
{
    struct blk_seg *s = &p->seg[i];

    if (!s->publish ||
        share_read_join(d, s->pfn, s->pte, blkdev_index(p->bd->dev),
                        image_block(p, i)))
        return false;
    seg_arrived_shared(d, p, i);
    p->bd->read_hits++;
    p->hits++;
    return true;
}

/* The device run of segments [first, last) (one device, consecutive). */
static void add_run(struct blk_pending *p, unsigned int first,
                    unsigned int last)
{
    struct blkdev_req *r = &p->run[p->nr_runs++];
    unsigned int i;

    for (i = first; i < last; i++)
        p->mfn[i] = p->seg[i].mfn;
    memset(r, 0, sizeof(*r));
    r->block = image_block(p, first);
    r->write = p->req.operation == BLKIF_OP_WRITE;
    r->nr_frames = (uint8_t)(last - first);
    r->mfn = &p->mfn[first];
    r->done = run_done;
    r->priv = p;
}

/* Which device segment i goes to. */
static struct blkdev *seg_device(const struct blk_pending *p, unsigned int i)
{
    return p->seg[i].overlay ? p->bd->ovl : p->bd->dev;
}

static bool seg_held(const struct blk_seg *s)
{
    return s->state == SEG_READ || s->state == SEG_WRITE;
}

/* Check and hold every segment, serve the read hits, set the reads of
 * blocks already being read to wait, and cut the rest into runs.
 * BLKIF_RSP_ERROR if any segment is bad (nothing is then held). */
static int plan(struct domain *d, struct blk_pending *p)
{
    bool reading = p->req.operation == BLKIF_OP_READ;
    bool shareable = reading && read_shareable(d, p->bd);
    unsigned int i, j;

    for (i = 0; i < p->req.nr_segments; i++) {
        struct blk_seg *s = &p->seg[i];

        memset(s, 0, sizeof(*s));
        s->p = p;
        s->idx = (uint8_t)i;
        s->pfn = p->req.seg[i].pfn;
        s->pte = is_translated(d) ? 0 : p->req.seg[i].pte;
        s->overlay = p->bd->ovl && (!reading ||
                                    block_written(p->bd, image_block(p, i)));
        s->publish = shareable && !s->overlay &&
                     (is_translated(d) || s->pte);
    }
    for (i = 0; i < p->req.nr_segments; i++) {
        if (reading && seg_read_hit(d, p, i))
            continue;
        if (seg_hold(d, p, i)) {
            while (i--)
                seg_release(&p->seg[i]);
            return BLKIF_RSP_ERROR;
        }
    }
    /* Every segment is good: a block another request is reading already
     * waits for that read; the others lead. */
    for (i = 0; i < p->req.nr_segments; i++) {
        struct blk_seg *s = &p->seg[i], *l;

        if (s->state != SEG_READ || !s->publish)
            continue;
        if ((l = inflight_find(s)) != NULL) {
            seg_release(s);
            s->state = SEG_WAIT;
            s->wnext = l->waiters;
            l->waiters = s;
            p->nr_waits++;
        } else
            inflight_add(s);
    }
    /* Runs: maximal stretches of held segments on one device. */
    for (i = 0; i < p->req.nr_segments; i = j) {
        j = i + 1;
        if (!seg_held(&p->seg[i]))
            continue;
        while (j < p->req.nr_segments && seg_held(&p->seg[j]) &&
               seg_device(p, j) == seg_device(p, i))
            j++;
        add_run(p, i, j);
    }
    return 0;
}

static void start_request(struct domain *d, struct blk_pending *p)
{
    uint64_t t0 = arch_read_tsc();
    unsigned int i;

    p->nr_runs = 0;
    p->nr_waits = 0;
    p->shared = 0;
    p->hits = 0;
    p->any_shared = false;
    p->cycles = 0;
    p->failed = false;
    if (!request_ok(d, p->bd, &p->req) || plan(d, p)) {
        p->failed = true;
        p->req.nr_segments = 0; /* nothing held */
        finish(p);
        return;
    }
    if (!p->nr_runs && !p->nr_waits) {
        p->cycles = arch_read_tsc() - t0;
        finish(p); /* every segment was a read hit */
        return;
    }
    /* The runs and the waits, and one more, so that no completion finishes
     * the request before every run is under way. */
    p->outstanding = (uint8_t)(p->nr_runs + p->nr_waits + 1);
    for (i = 0; i < p->nr_runs; i++) {
        struct blkdev_req *r = &p->run[i];
        unsigned int first = (unsigned int)(r->mfn - p->mfn);

        if (blkdev_submit(seg_device(p, first), r))
            run_done(r, -EINVAL);
        else if (r->write)
            p->bd->sectors_written += r->nr_frames;
        else
            p->bd->sectors_read += r->nr_frames;
    }
    p->cycles += arch_read_tsc() - t0;
    if (!--p->outstanding)
        finish(p);
}

static struct blk_pending *pending_alloc(struct blkif_dev *bd)
{
    unsigned int i;

    for (i = 0; i < BLKIF_RING_SIZE; i++)
        if (!bd->pend[i].used) {
            bd->pend[i].used = true;
            return &bd->pend[i];
        }
    panic("blkif: %u requests in flight and no free record", bd->in_flight);
}

void blkback_notify(struct domain *d, unsigned int disk)
{
    struct blkif_dev *bd = &d->disks[disk];
    struct blkif_sring *ring;
    uint32_t prod;

    if (!bd->ring_mfn || bd->closing)
        return;
    ring = map_domain_page(bd->ring_mfn);
    prod = ring->req_prod;
    rmb();
    if (prod - bd->req_cons > BLKIF_RING_SIZE) {
        gprintk(d, "blkif: disk %u: bogus req_prod %u (consumed %u); ignored",
                disk, prod, bd->req_cons);
        unmap_domain_page(ring);
        return;
    }
    /* Take requests while there is room for their responses. */
    while (bd->req_cons != prod && bd->in_flight < BLKIF_RING_SIZE) {
        struct blk_pending *p = pending_alloc(bd);

        /* Copy first: the guest owns the ring and could change it. */
        p->req = ring->ring[bd->req_cons % BLKIF_RING_SIZE].req;
        p->d = d;
        p->bd = bd;
        bd->req_cons++;
        bd->in_flight++;
        unmap_domain_page(ring);
        start_request(d, p); /* may answer at once, mapping the ring */
        ring = map_domain_page(bd->ring_mfn);
    }
    unmap_domain_page(ring);
}

bool blkback_busy(const struct domain *d)
{
    unsigned int i;

    for (i = 0; i < d->nr_disks; i++)
        if (d->disks[i].in_flight)
            return true;
    return false;
}

void blkback_disconnect(struct domain *d, unsigned int disk)
{
    struct blkif_dev *bd = &d->disks[disk];

    if (!bd->ring_mfn)
        return;
    bd->port = 0;
    if (bd->in_flight) {
        bd->closing = true; /* the last completion comes back here */
        return;
    }
    put_page_and_type(mfn_to_page(bd->ring_mfn));
    bd->ring_mfn = 0;
    bd->closing = false;
    free_xenheap_pages(bd->pend, bd->pend_pages);
    bd->pend = NULL;
}

static long blkif_connect(struct domain *d, unsigned int disk, uint32_t pfn)
{
    struct blkif_dev *bd = &d->disks[disk];
    struct blkif_sring *ring;
    uint32_t mfn;
    int port, rc;

    if (bd->ring_mfn) {
        gprintk(d, "blkif: disk %u is already connected", disk);
        return -EBUSY;
    }
    if (p2m_lookup(d, pfn) == INVALID_MFN) {
        gprintk(d, "blkif: ring pfn %#x is not populated", pfn);
        return -EINVAL;
    }
    if ((rc = sh_unshare(d, pfn)) != 0)
        return rc;
    mfn = d->p2m[pfn];
    bd->pend_pages = ROUNDUP(sizeof(struct blk_pending) * BLKIF_RING_SIZE,
                             PAGE_SIZE) / PAGE_SIZE;
    bd->pend = alloc_xenheap_pages(bd->pend_pages);
    if (!bd->pend)
        return -ENOMEM;
    /* Held while connected: the ring can never become a page table (nor
     * shared). */
    rc = get_page_and_type(mfn_to_page(mfn), d, PGT_writable_page);
    if (rc) {
        gprintk(d, "blkif: ring pfn %#x cannot be written (%d)", pfn, rc);
        free_xenheap_pages(bd->pend, bd->pend_pages);
        bd->pend = NULL;
        return rc;
    }
    port = evtchn_alloc_backend(d, disk);
    if (port < 0) {
        put_page_and_type(mfn_to_page(mfn));
        free_xenheap_pages(bd->pend, bd->pend_pages);
        bd->pend = NULL;
        return port;
    }
    bd->ring_mfn = mfn;
    bd->port = (evtchn_port_t)port;
    bd->req_cons = bd->rsp_prod = 0;
    /* The backend's view of the ring starts empty, whatever the page holds. */
    ring = map_domain_page(mfn);
    ring->req_prod = ring->rsp_prod = 0;
    unmap_domain_page(ring);
    return port;
}

void blkback_for_each_ref(struct domain *d,
                          void (*fn)(void *arg, uint32_t mfn, bool writable),
                          void *arg)
{
    unsigned int i, j, k;

    for (i = 0; i < d->nr_disks; i++) {
        const struct blkif_dev *bd = &d->disks[i];

        if (!bd->ring_mfn)
            continue;
        fn(arg, bd->ring_mfn, true);
        for (j = 0; j < BLKIF_RING_SIZE; j++)
            for (k = 0; bd->pend[j].used && k < bd->pend[j].req.nr_segments;
                 k++)
                if (bd->pend[j].seg[k].state == SEG_READ ||
                    bd->pend[j].seg[k].state == SEG_WRITE)
                    fn(arg, bd->pend[j].seg[k].mfn,
                       bd->pend[j].seg[k].state == SEG_READ);
    }
}

/*
 * BLKIF d=N disk=I name=NAME kind=image|cow|scratch requests=N
 *       sectors_read=N sectors_written=N read_hits=N read_published=N
 *       errors=N
 *   sectors_read     sectors read from the device (images and overlays)
 *   read_hits        sectors served by joining a shared frame: no I/O
 *   read_published   sectors read that became shared frames
 */
void blkback_print(struct domain *d)
{
    static const char *const kinds[] = { "image", "cow", "scratch" };
    unsigned int i;

    for (i = 0; i < d->nr_disks; i++) {
        const struct blkif_dev *bd = &d->disks[i];

        printk("BLKIF d=%u disk=%u name=%s kind=%s requests=%llu "
               "sectors_read=%llu sectors_written=%llu read_hits=%llu "
               "read_published=%llu errors=%llu",
               d->domain_id, i, blkdev_name(bd->dev), kinds[bd->kind],
               bd->requests, bd->sectors_read, bd->sectors_written,
               bd->read_hits, bd->read_published, bd->errors);
    }
}

/*
 * BLKIF-COST hit_reqs=N hit_blocks=N hit_cycles=N miss_reqs=N miss_blocks=N
 *            miss_cycles=N miss_runs=N mixed_reqs=N
 *   hit_*    reads whose every block joined a shared frame (no device I/O)
 *   miss_*   reads whose every block went to the device; miss_runs: the
 *            device requests (each one doorbell) they took
 *   cycles   the backend's TSC cycles on them, from taking the request to
 *            answering it, the device's own time left out
 *   mixed_reqs  reads of both kinds, counted in neither
 */
void blkback_print_cost(void)
{
    printk("BLKIF-COST hit_reqs=%llu hit_blocks=%llu hit_cycles=%llu "
           "miss_reqs=%llu miss_blocks=%llu miss_cycles=%llu miss_runs=%llu "
           "mixed_reqs=%llu",
           cost.hit_reqs, cost.hit_blocks, cost.hit_cycles, cost.miss_reqs,
           cost.miss_blocks, cost.miss_cycles, cost.miss_runs,
           cost.mixed_reqs);
}

long do_blkif_op(uint32_t cmd, uint32_t disk, uint32_t arg)
{
    struct domain *d = current->domain;
    struct blkif_info info;
    const struct blkif_dev *bd;

    if (disk >= d->nr_disks) {
        gprintk(d, "blkif_op: no disk %u (the domain has %u)", disk,
                d->nr_disks);
        return -ENODEV;
    }
    bd = &d->disks[disk];
    switch (cmd) {
    case BLKIFOP_info:
        info.sectors = bd->sectors;
        info.readonly = readonly(bd);
        info.kind = bd->kind;
        info.read_share = read_shareable(d, bd);
        return copy_to_guest(arg, &info, sizeof(info));
    case BLKIFOP_connect:
        if (bd->closing) {
            gprintk(d, "blkif: disk %u still has requests in flight", disk);
            return -EBUSY;
        }
        return blkif_connect(d, disk, arg);
    default:
        gprintk(d, "blkif_op %u not supported", cmd);
        return -ENOSYS;
    }
}
