/*
 * virtio_blk.c (x86_32) - the machine's disks: QEMU's virtio-blk devices
 * on PCI, driven through the legacy (virtio 0.9.5) interface: registers in
 * I/O space, one virtqueue per disk in contiguous xenheap pages, requests
 * completed by the device by DMA and signalled by its interrupt line. Why
 * virtio-blk rather than IDE or AHCI is in docs/architecture.md (Disks).
 *
 * A request (hv/blkdev.h) is one chain of descriptors: the 16-byte header,
 * one descriptor per 4 KiB frame, the status byte. The interrupt handler
 * only acknowledges the device and raises BLKDEV_SOFTIRQ; completions run
 * from the softirq (and from every tick, in case an interrupt was lost),
 * where the caller's done() may touch domains.
 *
 * Owns the devices' I/O ports and virtqueues. It never DMAs into a frame
 * the request did not name, never reads or writes beyond a disk's end
 * (the tail of a last, partial block is zero-filled by the CPU), and never
 * writes to a disk the device reports read-only.
 */
#include <hv/blkdev.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/sched.h>
#include <asm/irq.h>
#include <asm/memlayout.h>
#include <asm/pci.h>
#include <asm/processor.h>

#define VIRTIO_VENDOR     0x1af4
#define VIRTIO_BLK_LEGACY 0x1001 /* transitional id: disable-modern=on */
#define MAX_BLKDEVS       16

/* Legacy register block (BAR 0), no MSI-X: device config at 0x14. */
#define VIRTIO_HOST_FEATURES  0x00
#define VIRTIO_GUEST_FEATURES 0x04
#define VIRTIO_QUEUE_PFN      0x08
#define VIRTIO_QUEUE_NUM      0x0c
#define VIRTIO_QUEUE_SEL      0x0e
#define VIRTIO_QUEUE_NOTIFY   0x10
#define VIRTIO_STATUS         0x12
#define VIRTIO_ISR            0x13
#define VIRTIO_BLK_CAPACITY   0x14 /* 64 bits, in 512-byte sectors */

#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER      2
#define STATUS_DRIVER_OK   4
#define STATUS_FAILED      128

#define VIRTIO_BLK_F_RO 5

#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_GET_ID 8

#define VRING_DESC_F_NEXT  1
#define VRING_DESC_F_WRITE 2 /* the device writes the buffer */

#define SECTOR 512

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vring_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

struct vring_used_elem {
    uint32_t id;
    uint32_t len;
};

struct vring_used {
    uint16_t flags;
    uint16_t idx;
    struct vring_used_elem ring[];
};

struct virtio_blk_hdr {
    uint32_t type;
    uint32_t ioprio;
    uint64_t sector;
};

/* What the device reads and writes besides the frames, per chain (indexed
 * by the chain's first descriptor). */
struct vblk_slot {
    struct virtio_blk_hdr hdr;
    uint8_t status;
    struct blkdev_req *req; /* NULL: free, or the boot's GET_ID */
};

struct blkdev {
    struct pci_dev pci;
    char name[BLKDEV_SERIAL_MAX + 1];
    uint64_t sectors; /* 512-byte sectors */
    uint32_t blocks;  /* 4 KiB blocks, the last maybe partial */
    bool readonly;
    uint16_t qsize, nr_free, free_head, last_used;
    volatile struct vring_desc *desc;
    volatile struct vring_avail *avail;
    volatile struct vring_used *used;
    struct vblk_slot *slots;
    unsigned int ring_pages, slot_pages;
    struct blkdev_req *wait_head, *wait_tail; /* for descriptors */
    /* Figures. */
    uint64_t requests, blocks_read, blocks_written, errors, irqs, busy;
};

static struct blkdev devs[MAX_BLKDEVS];
static unsigned int nr_devs;

static uint16_t io(const struct blkdev *b, uint16_t reg)
{
    return (uint16_t)(b->pci.io_base + reg);
}

/* --- Descriptors ------------------------------------------------------ */

static uint16_t desc_take(struct blkdev *b)
{
    uint16_t i = b->free_head;

    BUG_ON(!b->nr_free);
    b->free_head = b->desc[i].next;
    b->nr_free--;
    return i;
}

static void chain_free(struct blkdev *b, uint16_t head)
{
    uint16_t i = head, n = 1;

    while (b->desc[i].flags & VRING_DESC_F_NEXT) {
        i = b->desc[i].next;
        n++;
    }
    b->desc[i].next = b->free_head;
    b->free_head = head;
    b->nr_free += n;
}

/* Append a buffer to the chain whose last descriptor is *tail. */
static void chain_add(struct blkdev *b, uint16_t *tail, uint32_t maddr,
                      uint32_t len, bool dev_writes)
{
    uint16_t i = desc_take(b);

    b->desc[i].addr = maddr;
    b->desc[i].len = len;
    b->desc[i].flags = dev_writes ? VRING_DESC_F_WRITE : 0;
    b->desc[*tail].flags |= VRING_DESC_F_NEXT;
    b->desc[*tail].next = i;
    *tail = i;
}

/* Hand the chain at head to the device. */
static void kick(struct blkdev *b, uint16_t head)
{
    uint16_t idx = b->avail->idx;

    b->avail->ring[idx % b->qsize] = head;
    wmb();
    b->avail->idx = (uint16_t)(idx + 1);
    wmb();
    outw(io(b, VIRTIO_QUEUE_NOTIFY), 0);
}

/* A chain of header, data and status; returns its head. */
static uint16_t chain_start(struct blkdev *b, uint32_t type, uint64_t sector)
{
    uint16_t head = desc_take(b);
    struct vblk_slot *s = &b->slots[head];

    s->hdr.type = type;
    s->hdr.ioprio = 0;
    s->hdr.sector = sector;
    s->status = 0xff;
    b->desc[head].addr = __pa(&s->hdr);
    b->desc[head].len = sizeof(s->hdr);
    b->desc[head].flags = 0;
    return head;
}

/* --- Requests --------------------------------------------------------- */

/* Bytes of block blk that lie on the disk (4096 but for a partial last). */
static uint32_t block_bytes(const struct blkdev *b, uint32_t blk)
{
    uint64_t end = b->sectors * SECTOR, off = (uint64_t)blk * BLKDEV_BLOCK;

    return end - off >= BLKDEV_BLOCK ? BLKDEV_BLOCK : (uint32_t)(end - off);
}

/* Hand r to the device; there are descriptors for it. */
static void start(struct blkdev *b, struct blkdev_req *r)
{
    uint16_t head, tail;
    unsigned int i;

    head = tail = chain_start(b, r->write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN,
                              (uint64_t)r->block * (BLKDEV_BLOCK / SECTOR));
    for (i = 0; i < r->nr_frames; i++) {
        uint32_t len = block_bytes(b, r->block + i);

        if (len < BLKDEV_BLOCK && !r->write) {
            /* The device fills only what the disk has: zero the rest. */
            char *p = map_domain_page(r->mfn[i]);

            memset(p + len, 0, BLKDEV_BLOCK - len);
            unmap_domain_page(p);
        }
        chain_add(b, &tail, r->mfn[i] << PAGE_SHIFT, len, !r->write);
    }
    chain_add(b, &tail, __pa(&b->slots[head].status), 1, true);
    b->slots[head].req = r;
    b->requests++;
    if (r->write)
        b->blocks_written += r->nr_frames;
    else
        b->blocks_read += r->nr_frames;
    kick(b, head);
}

int blkdev_submit(struct blkdev *b, struct blkdev_req *r)
{
    if (!r->nr_frames || r->nr_frames > BLKDEV_MAX_FRAMES ||
        r->block >= b->blocks || b->blocks - r->block < r->nr_frames ||
        (r->write && b->readonly))
        return -EINVAL;
    r->next = NULL;
    if (b->wait_head || b->nr_free < r->nr_frames + 2u) {
        /* Full: it waits, in order, for a completion to free room. */
        b->busy++;
        if (b->wait_tail)
            b->wait_tail->next = r;
        else
            b->wait_head = r;
        b->wait_tail = r;
        return 0;
    }
    start(b, r);
    return 0;
}

/* Requests that waited for descriptors, while there is room. */
static void start_waiting(struct blkdev *b)
{
    struct blkdev_req *r;

    while ((r = b->wait_head) && b->nr_free >= r->nr_frames + 2u) {
        b->wait_head = r->next;
        if (!b->wait_head)
            b->wait_tail = NULL;
        start(b, r);
    }
}

/* Take every chain the device is done with; done() for each request. */
static void reap(struct blkdev *b)
{
    while (b->last_used != b->used->idx) {
        uint32_t head;
        struct vblk_slot *s;
        struct blkdev_req *r;

        rmb();
        head = b->used->ring[b->last_used % b->qsize].id;
        b->last_used++;
        if (head >= b->qsize)
            panic("virtio-blk %s: the device completed descriptor %u of %u",
                  b->name, head, b->qsize);
        s = &b->slots[head];
        r = s->req;
        s->req = NULL;
        chain_free(b, (uint16_t)head);
        if (s->status)
            b->errors++;
        if (r)
            r->done(r, s->status ? -EIO : 0);
    }
    start_waiting(b);
}

void blkdev_poll(void)
{
    unsigned int i;

    for (i = 0; i < nr_devs; i++)
        reap(&devs[i]);
}

/* The device's interrupt line (maybe shared): acknowledge every disk on
 * it (reading ISR lowers the line); the completions wait for the softirq. */
static void vblk_irq(unsigned int irq)
{
    unsigned int i;

    for (i = 0; i < nr_devs; i++)
        if (devs[i].pci.irq == irq && (inb(io(&devs[i], VIRTIO_ISR)) & 1)) {
            devs[i].irqs++;
            raise_softirq(BLKDEV_SOFTIRQ);
        }
}

/* --- Boot ------------------------------------------------------------- */

/* The disk's serial (run-qemu.sh sets it to the image's name), by a
 * GET_ID request polled to completion. */
static void read_serial(struct blkdev *b)
{
    uint16_t head, tail;
    char *buf = (char *)&b->slots[b->qsize]; /* past the slots, same pages */
    unsigned int spins = 0;

    memset(buf, 0, BLKDEV_SERIAL_MAX + 1);
    head = tail = chain_start(b, VIRTIO_BLK_T_GET_ID, 0);
    chain_add(b, &tail, __pa(buf), BLKDEV_SERIAL_MAX, true);
    chain_add(b, &tail, __pa(&b->slots[head].status), 1, true);
    kick(b, head);
    while (b->last_used == b->used->idx) {
        if (++spins > 100000000)
            panic("virtio-blk at %02x.%x: no answer to GET_ID", b->pci.dev,
                  b->pci.fn);
        cpu_relax();
    }
    reap(b);
    memcpy(b->name, buf, BLKDEV_SERIAL_MAX);
    b->name[BLKDEV_SERIAL_MAX] = '\0';
}

static bool vblk_setup_queue(struct blkdev *b)
{
    uint32_t desc_bytes, avail_bytes, used_off, used_bytes, slot_bytes;
    char *ring;
    uint16_t i;

    outw(io(b, VIRTIO_QUEUE_SEL), 0);
    b->qsize = inw(io(b, VIRTIO_QUEUE_NUM));
    if (!b->qsize || b->qsize > 1024 || (b->qsize & (b->qsize - 1)))
        return false;
    /* The legacy layout: descriptors, avail ring, then the used ring on
     * the next page boundary. */
    desc_bytes = 16u * b->qsize;
    avail_bytes = 6u + 2u * b->qsize;
    used_off = ROUNDUP(desc_bytes + avail_bytes, PAGE_SIZE);
    used_bytes = 6u + 8u * b->qsize;
    b->ring_pages = ROUNDUP(used_off + used_bytes, PAGE_SIZE) / PAGE_SIZE;
    slot_bytes = sizeof(struct vblk_slot) * b->qsize + BLKDEV_SERIAL_MAX + 1;
    b->slot_pages = ROUNDUP(slot_bytes, PAGE_SIZE) / PAGE_SIZE;
    ring = alloc_xenheap_pages(b->ring_pages);
    b->slots = alloc_xenheap_pages(b->slot_pages);
    if (!ring || !b->slots)
        return false;
    b->desc = (volatile struct vring_desc *)ring;
    b->avail = (volatile struct vring_avail *)(ring + desc_bytes);
    b->used = (volatile struct vring_used *)(ring + used_off);
    for (i = 0; i < b->qsize; i++)
        b->desc[i].next = (uint16_t)(i + 1);
    b->free_head = 0;
    b->nr_free = b->qsize;
    outl(io(b, VIRTIO_QUEUE_PFN), __pa(ring) >> PAGE_SHIFT);
    return true;
}

static bool vblk_init_one(struct blkdev *b)
{
    uint32_t features;

    outb(io(b, VIRTIO_STATUS), 0); /* reset */
    outb(io(b, VIRTIO_STATUS), STATUS_ACKNOWLEDGE);
    outb(io(b, VIRTIO_STATUS), STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    features = inl(io(b, VIRTIO_HOST_FEATURES));
    b->readonly = (features >> VIRTIO_BLK_F_RO) & 1;
    /* Nothing but what we understand: read-only, no indirect chains. */
    outl(io(b, VIRTIO_GUEST_FEATURES), features & (1U << VIRTIO_BLK_F_RO));
    b->sectors = inl(io(b, VIRTIO_BLK_CAPACITY)) |
                 ((uint64_t)inl(io(b, VIRTIO_BLK_CAPACITY + 4)) << 32);
    if (!vblk_setup_queue(b)) {
        outb(io(b, VIRTIO_STATUS), STATUS_FAILED);
        return false;
    }
    outb(io(b, VIRTIO_STATUS),
         STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
    read_serial(b);
    /* 32-bit block numbers: at most 16 TiB; more is cut (and said). */
    b->blocks = (uint32_t)min(ROUNDUP(b->sectors, BLKDEV_BLOCK / SECTOR) /
                                  (BLKDEV_BLOCK / SECTOR),
                              (uint64_t)0xffffffffU);
    return true;
}

void blkdev_init(void)
{
    struct pci_dev found[MAX_BLKDEVS];
    unsigned int n = pci_find(VIRTIO_VENDOR, VIRTIO_BLK_LEGACY, found,
                              MAX_BLKDEVS), i;

    for (i = 0; i < n; i++) {
        struct blkdev *b = &devs[nr_devs];

        memset(b, 0, sizeof(*b));
        b->pci = found[i];
        if (!b->pci.io_base || b->pci.irq >= 16 || !vblk_init_one(b)) {
            printk(XENLOG_WARNING "virtio-blk at %02x.%x: unusable (io %#x "
                   "irq %u); ignored", b->pci.dev, b->pci.fn, b->pci.io_base,
                   b->pci.irq);
            continue;
        }
        nr_devs++;
        arch_irq_register(b->pci.irq, vblk_irq);
        printk("disk '%s': virtio-blk at %02x.%x, irq %u, %u blocks of 4 KiB%s",
               b->name, b->pci.dev, b->pci.fn, b->pci.irq, b->blocks,
               b->readonly ? ", read-only" : "");
    }
}

struct blkdev *blkdev_find(const char *name)
{
    unsigned int i;

    for (i = 0; i < nr_devs; i++)
        if (!strcmp(devs[i].name, name))
            return &devs[i];
    return NULL;
}

uint32_t blkdev_blocks(const struct blkdev *b)
{
    return b->blocks;
}

bool blkdev_readonly(const struct blkdev *b)
{
    return b->readonly;
}

const char *blkdev_name(const struct blkdev *b)
{
    return b->name;
}

unsigned int blkdev_index(const struct blkdev *b)
{
    return (unsigned int)(b - devs);
}

/*
 * BLKDEV name=NAME requests=N blocks_read=N blocks_written=N errors=N
 *        irqs=N busy=N
 *   requests   chains handed to the device
 *   errors     chains the device failed
 *   irqs       interrupts that found the device's ISR bit set
 *   busy       submissions that waited for descriptors
 */
void blkdev_print(void)
{
    unsigned int i;

    for (i = 0; i < nr_devs; i++) {
        const struct blkdev *b = &devs[i];

        printk("BLKDEV name=%s requests=%llu blocks_read=%llu "
               "blocks_written=%llu errors=%llu irqs=%llu busy=%llu",
               b->name, b->requests, b->blocks_read, b->blocks_written,
               b->errors, b->irqs, b->busy);
    }
}
