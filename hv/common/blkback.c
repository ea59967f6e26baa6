/*
 * blkback.c - the block backend: serves each domain's disk images (the
 * multiboot modules its scenario line names with disk=) over a shared ring
 * and an event channel (public/io/blkif.h). Disks are read-only; a sector
 * is 4 KiB, one page.
 *
 * Owns each domain's disks[] state. Everything in the ring is guest data:
 * every request is copied out, checked (operation, sector range, number
 * of segments, every pfn) and answered with an error rather than acted on
 * when wrong. It writes only into frames the guest owns and that can take
 * a writable type reference at that moment, so never into a page table;
 * it reads only from the disk's own module, never past its end.
 */
#include <hv/blkback.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/shadow.h>
#include <hv/mm.h>
#include <hv/stats.h>
#include <asm/uaccess.h>

void blkback_attach(struct domain *d, unsigned int disk, uint32_t start,
                    uint32_t size)
{
    struct blkif_dev *dev = &d->disks[disk];

    BUG_ON(disk >= SCN_MAX_DISKS);
    memset(dev, 0, sizeof(*dev));
    dev->start = start;
    dev->size = size;
    dev->sectors = ROUNDUP(size, BLKIF_SECTOR_SIZE) / BLKIF_SECTOR_SIZE;
    if (disk >= d->nr_disks)
        d->nr_disks = disk + 1;
}

/* Copy sector s of the image into mfn; the tail past the image is zeroed. */
static void read_sector(const struct blkif_dev *dev, uint32_t s, uint32_t mfn)
{
    uint32_t off = s * BLKIF_SECTOR_SIZE;
    uint32_t n = min(dev->size - off, (uint32_t)BLKIF_SECTOR_SIZE);
    char *dst = map_domain_page(mfn);
    const char *src;

    /* Modules are page-aligned (multiboot header flag 0): one page each. */
    src = map_domain_page((dev->start + off) >> PAGE_SHIFT);
    memcpy(dst, src, n);
    memset(dst + n, 0, BLKIF_SECTOR_SIZE - n);
    unmap_domain_page(src);
    unmap_domain_page(dst);
    perfc_incr(page_copies);
}

static int16_t do_request(struct domain *d, struct blkif_dev *dev,
                          const struct blkif_request *req)
{
    unsigned int i;

    if (req->pad) {
        gprintk(d, "blkif: request pad must be 0");
        return BLKIF_RSP_ERROR;
    }
    if (req->operation != BLKIF_OP_READ) {
        gprintk(d, "blkif: operation %u refused (disks are read-only)",
                req->operation);
        return BLKIF_RSP_ERROR;
    }
    if (!req->nr_segments || req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQ ||
        req->sector >= dev->sectors ||
        dev->sectors - req->sector < req->nr_segments) {
        gprintk(d, "blkif: bad request: sector %u, %u segments, disk of %u",
                req->sector, req->nr_segments, dev->sectors);
        return BLKIF_RSP_ERROR;
    }
    for (i = 0; i < req->nr_segments; i++) {
        uint32_t pfn = req->pfn[i], mfn;
        struct page_info *pg;
        int rc;

        if (pfn >= d->p2m_size || (mfn = d->p2m[pfn]) == INVALID_MFN) {
            gprintk(d, "blkif: pfn %#x is not populated", pfn);
            return BLKIF_RSP_ERROR;
        }
        if (!share_pfn_granted(d, pfn)) {
            gprintk(d, "blkif: pfn %#x is not under grant "
                       "(SHAREOP_set_gnttab_bit)", pfn);
            return BLKIF_RSP_ERROR;
        }
        /* Shadow mode: a shared page is copied before the disk writes it. */
        if (sh_unshare(d, pfn)) {
            gprintk(d, "blkif: no memory to unshare pfn %#x", pfn);
            return BLKIF_RSP_ERROR;
        }
        mfn = d->p2m[pfn];
        pg = mfn_to_page(mfn);
        rc = get_page_and_type(pg, d, PGT_writable_page);
        if (rc) {
            gprintk(d, "blkif: pfn %#x cannot be written (%d)", pfn, rc);
            return BLKIF_RSP_ERROR;
        }
        read_sector(dev, req->sector + i, mfn);
        put_page_and_type(pg);
        dev->sectors_read++;
    }
    return BLKIF_RSP_OKAY;
}

void blkback_notify(struct domain *d, unsigned int disk)
{
    struct blkif_dev *dev = &d->disks[disk];
    struct blkif_sring *ring;
    uint32_t prod, done = 0;

    if (!dev->ring_mfn)
        return;
    ring = map_domain_page(dev->ring_mfn);
    prod = ring->req_prod;
    if (prod - dev->req_cons > BLKIF_RING_SIZE) {
        gprintk(d, "blkif: disk %u: bogus req_prod %u (consumed %u); ignored",
                disk, prod, dev->req_cons);
        unmap_domain_page(ring);
        return;
    }
    while (dev->req_cons != prod) {
        struct blkif_request req;
        struct blkif_response *rsp;
        int16_t status;

        /* Copy first: the guest owns the ring and could change it. */
        req = ring->ring[dev->req_cons % BLKIF_RING_SIZE].req;
        dev->req_cons++;
        status = do_request(d, dev, &req);
        rsp = &ring->ring[dev->rsp_prod % BLKIF_RING_SIZE].rsp;
        memset(rsp, 0, sizeof(*rsp));
        rsp->id = req.id;
        rsp->status = status;
        dev->rsp_prod++;
        dev->requests++;
        done++;
    }
    ring->rsp_prod = dev->rsp_prod;
    unmap_domain_page(ring);
    if (done)
        evtchn_set_pending(d->vcpu, dev->port);
}

void blkback_disconnect(struct domain *d, unsigned int disk)
{
    struct blkif_dev *dev = &d->disks[disk];

    if (!dev->ring_mfn)
        return;
    put_page_and_type(mfn_to_page(dev->ring_mfn));
    dev->ring_mfn = 0;
    dev->port = 0;
}

static long blkif_connect(struct domain *d, unsigned int disk, uint32_t pfn)
{
    struct blkif_dev *dev = &d->disks[disk];
    uint32_t mfn;
    int port, rc;

    if (dev->ring_mfn) {
        gprintk(d, "blkif: disk %u is already connected", disk);
        return -EBUSY;
    }
    if (pfn >= d->p2m_size || (mfn = d->p2m[pfn]) == INVALID_MFN) {
        gprintk(d, "blkif: ring pfn %#x is not populated", pfn);
        return -EINVAL;
    }
    if ((rc = sh_unshare(d, pfn)) != 0)
        return rc;
    mfn = d->p2m[pfn];
    /* Held while connected: the ring can never become a page table (nor
     * shared). */
    rc = get_page_and_type(mfn_to_page(mfn), d, PGT_writable_page);
    if (rc) {
        gprintk(d, "blkif: ring pfn %#x cannot be written (%d)", pfn, rc);
        return rc;
    }
    port = evtchn_alloc_backend(d, disk);
    if (port < 0) {
        put_page_and_type(mfn_to_page(mfn));
        return port;
    }
    dev->ring_mfn = mfn;
    dev->port = (evtchn_port_t)port;
    dev->req_cons = dev->rsp_prod = 0;
    /* The backend's view of the ring starts empty, whatever the page holds. */
    {
        struct blkif_sring *ring = map_domain_page(mfn);

        ring->req_prod = ring->rsp_prod = 0;
        unmap_domain_page(ring);
    }
    return port;
}

long do_blkif_op(uint32_t cmd, uint32_t disk, uint32_t arg)
{
    struct domain *d = current->domain;
    struct blkif_info info;

    if (disk >= d->nr_disks) {
        gprintk(d, "blkif_op: no disk %u (the domain has %u)", disk,
                d->nr_disks);
        return -ENODEV;
    }
    switch (cmd) {
    case BLKIFOP_info:
        info.sectors = d->disks[disk].sectors;
        info.readonly = 1;
        return copy_to_guest(arg, &info, sizeof(info));
    case BLKIFOP_connect:
        return blkif_connect(d, disk, arg);
    default:
        gprintk(d, "blkif_op %u not supported", cmd);
        return -ENOSYS;
    }
}
