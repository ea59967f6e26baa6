/*
 * blk - the PV block device from a guest's side, on the three kinds of
 * disk the scenario attaches: disk 0, a read-only image (pattern.img:
 * word w of the image holds w, and the image ends half way through its
 * last sector); disk 1, a blank writable disk (wdisk=1M); disk 2, the
 * same image under a copy-on-write overlay (cowdisk=pattern.img). Reads,
 * writes, eleven-segment requests, many requests in flight, and every way
 * a request can be wrong (answered with an error, harming nothing). With
 * share=1 (the domain in a share group) also read-time sharing at the
 * ABI: a page read with its mapping named arrives shared, a second read
 * of the same sector joins the same frame, a lying mapping never shares.
 * With crowd=N only disk 0 (many guests on one drive: blk-crowd.scn), and
 * its tests N times over: full rings, every wrong request, a bogus
 * producer index. Prints TAP.
 */
#include <guest/test.h>
#include <public/io/blkif.h>
#include <public/sharing.h>

#define NDISKS 3

struct disk {
    struct blkif_sring *ring;
    evtchn_port_t port;
    uint32_t next_id;
};

static struct disk disks[NDISKS];
static volatile unsigned int events;
static uint16_t next_pad; /* the next request's pad (0 unless a test says) */

static void on_event(evtchn_port_t p, struct guest_regs *regs)
{
    (void)p;
    (void)regs;
    events++;
}

static long blkif_op(int cmd, unsigned int disk, unsigned long arg)
{
    long rc;

    asm volatile("int $0x82"
                 : "=a"(rc)
                 : "0"(__HYPERVISOR_blkif_op), "b"(cmd), "c"(disk), "d"(arg)
                 : "memory");
    return rc;
}

static long sharing_op(unsigned int cmd, uint32_t arg)
{
    return _hypercall3(sharing_op, cmd, arg, 0);
}

/* The machine address of the L1 entry that maps va. */
static uint32_t pte_maddr(uint32_t va)
{
    return (current_l2e(va) & PAGE_MASK) | (((va >> PAGE_SHIFT) & 1023) << 2);
}

/* Queue one request (not yet notified); returns its id. */
static uint32_t queue(struct disk *dk, uint8_t op, uint32_t sector,
                      uint8_t nseg, void *const *pages, const uint32_t *ptes)
{
    struct blkif_request *req =
        &dk->ring->ring[dk->ring->req_prod % BLKIF_RING_SIZE].req;
    unsigned int i;

    memset(req, 0, sizeof(*req));
    req->id = 0x1234000 + dk->next_id;
    req->operation = op;
    req->sector = sector;
    req->nr_segments = nseg;
    req->pad = next_pad;
    for (i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
        req->seg[i].pfn = virt_to_pfn(pages[i]);
        req->seg[i].pte = ptes ? ptes[i] : 0;
    }
    asm volatile("" ::: "memory");
    dk->ring->req_prod++;
    return 0x1234000 + dk->next_id++;
}

static void notify(const struct disk *dk)
{
    struct evtchn_send send = { .port = dk->port };

    (void)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

/* Wait until the backend has produced `want` responses, at most ms (a
 * response that never comes fails the test, it does not hang it). */
static bool wait_rsp(const struct disk *dk, uint32_t want, unsigned int ms)
{
    uint64_t end = monotonic_ns() + (uint64_t)ms * 1000000ULL;

    /* Events off while we look, so that a response's event cannot come
     * between the look and the block (SCHEDOP_block turns them on and
     * returns at once if one is pending). */
    local_events_disable();
    while ((int32_t)(dk->ring->rsp_prod - want) < 0) {
        if (monotonic_ns() >= end) {
            local_events_enable();
            return false;
        }
        (void)HYPERVISOR_set_timer_op(end);
        block_domain();
        local_events_disable();
    }
    local_events_enable();
    return true;
}

static uint16_t last_shared; /* the last response's shared mask */
static unsigned int wait_ms = 30000; /* for a response that must come */

/* One request, waited for: its status (99: no response). */
static int request(struct disk *dk, uint8_t op, uint32_t sector, uint8_t nseg,
                   void *const *pages, const uint32_t *ptes)
{
    uint32_t at = dk->ring->rsp_prod, id;
    const struct blkif_response *rsp;

    id = queue(dk, op, sector, nseg, pages, ptes);
    notify(dk);
    if (!wait_rsp(dk, at + 1, wait_ms))
        return 99;
    rsp = &dk->ring->ring[at % BLKIF_RING_SIZE].rsp;
    last_shared = rsp->shared;
    return rsp->id == id ? rsp->status : 98;
}

static int read1(struct disk *dk, uint32_t sector, void *page)
{
    return request(dk, BLKIF_OP_READ, sector, 1, &page, NULL);
}

static uint32_t connect(unsigned int i)
{
    struct disk *dk = &disks[i];
    long rc;

    dk->ring = alloc_page();
    rc = blkif_op(BLKIFOP_connect, i, virt_to_pfn(dk->ring));
    if (rc > 0) {
        dk->port = (evtchn_port_t)rc;
        bind_evtchn_handler(dk->port, on_event);
    }
    return (uint32_t)rc;
}

/* The image's word w of sector s (0 past its end, in the last sector). */
static uint32_t image_word(uint32_t nsect, uint32_t s, uint32_t w)
{
    return s + 1 < nsect || w < 512 ? s * 1024 + w : 0;
}

static unsigned int bad_words(const uint32_t *p, uint32_t nsect, uint32_t s)
{
    unsigned int w, bad = 0;

    for (w = 0; w < 1024; w++)
        bad += p[w] != image_word(nsect, s, w);
    return bad;
}

static void fill(uint32_t *p, uint32_t seed)
{
    unsigned int w;

    for (w = 0; w < 1024; w++)
        p[w] = seed * 0x9E3779B9U + w;
}

static unsigned int bad_fill(const uint32_t *p, uint32_t seed)
{
    unsigned int w, bad = 0;

    for (w = 0; w < 1024; w++)
        bad += p[w] != seed * 0x9E3779B9U + w;
    return bad;
}

/* Disk 0: the read-only image. */
static void test_image(uint32_t nsect)
{
    struct disk *dk = &disks[0];
    void *buf[16];
    uint32_t pd_pfn = virt_to_pfn((void *)start_info->pt_base), bad = 0;
    uint32_t before, at, i;

    for (i = 0; i < 16; i++) {
        buf[i] = alloc_page();
        memset(buf[i], 0xee, PAGE_SIZE);
    }
    before = events;
    is(request(dk, BLKIF_OP_READ, nsect - 3, 3, buf, NULL), BLKIF_RSP_OKAY,
       "read the last 3 sectors in one request");
    ok(events > before, "the response came with an event");
    for (i = 0; i < 3; i++)
        bad += bad_words(buf[i], nsect, nsect - 3 + i);
    is(bad, 0, "every word as on disk; the tail past the image is zero");

    /* Sixteen requests at once, one notification. */
    at = dk->ring->rsp_prod;
    for (i = 0; i < 16; i++)
        queue(dk, BLKIF_OP_READ, i % nsect, 1, &buf[i], NULL);
    notify(dk);
    ok(wait_rsp(dk, at + 16, 30000), "16 requests in flight: 16 responses");
    for (bad = 0, i = 0; i < 16; i++) {
        const struct blkif_response *rsp =
            &dk->ring->ring[(at + i) % BLKIF_RING_SIZE].rsp;

        bad += rsp->status != BLKIF_RSP_OKAY;
    }
    is(bad, 0, "all 16 succeeded");
    for (bad = 0, i = 0; i < 16; i++)
        bad += bad_words(buf[i], nsect, i % nsect);
    is(bad, 0, "and each page holds its sector");

    /* A full ring: as many requests as it holds, one notification. */
    {
        static void *many[BLKIF_RING_SIZE];

        at = dk->ring->rsp_prod;
        for (i = 0; i < BLKIF_RING_SIZE; i++) {
            many[i] = buf[i % 16];
            queue(dk, BLKIF_OP_READ, (i * 7) % nsect, 1, &many[i], NULL);
        }
        notify(dk);
        ok(wait_rsp(dk, at + BLKIF_RING_SIZE, 30000),
           "a full ring of %u requests: all answered", BLKIF_RING_SIZE);
        for (bad = 0, i = 0; i < BLKIF_RING_SIZE; i++)
            bad += dk->ring->ring[(at + i) % BLKIF_RING_SIZE].rsp.status !=
                   BLKIF_RSP_OKAY;
        is(bad, 0, "all succeeded");
    }

    is(read1(dk, nsect, buf[0]), BLKIF_RSP_ERROR,
       "reading past the end: error");
    is(request(dk, BLKIF_OP_READ, nsect - 1, 2, buf, NULL), BLKIF_RSP_ERROR,
       "a request straddling the end: error");
    is(request(dk, BLKIF_OP_READ, 0, 0, buf, NULL), BLKIF_RSP_ERROR,
       "0 segments: error");
    is(request(dk, BLKIF_OP_READ, 0, 12, buf, NULL), BLKIF_RSP_ERROR,
       "12 segments: error");
    next_pad = 1;
    is(read1(dk, 0, buf[0]), BLKIF_RSP_ERROR,
       "a request whose pad is not 0: error");
    next_pad = 0;
    is(request(dk, 7, 0, 1, buf, NULL), BLKIF_RSP_ERROR,
       "an unknown operation: error");
    is(request(dk, BLKIF_OP_WRITE, 0, 1, buf, NULL), BLKIF_RSP_ERROR,
       "a write to the read-only image: error");
    is(read1(dk, 0, (void *)start_info->pt_base), BLKIF_RSP_ERROR,
       "reading into our page directory: error");
    is(probe_read((void *)start_info->pt_base), -1, "the directory is intact");
    (void)pd_pfn;
    is(read1(dk, 0, pfn_to_virt(start_info->nr_pages + 7)), BLKIF_RSP_ERROR,
       "reading into a pfn we do not have: error");
    {
        void *two[2] = { buf[0], (void *)start_info->pt_base };

        memset(buf[0], 0xee, PAGE_SIZE);
        is(request(dk, BLKIF_OP_READ, 0, 2, two, NULL), BLKIF_RSP_ERROR,
           "one bad segment fails the whole request");
        is(((uint32_t *)buf[0])[5], 0xeeeeeeeeU,
           "and no segment of it was read");
    }

    dk->ring->req_prod += 1000;
    wait_ms = 500; /* a response that must not come */
    is(read1(dk, 0, buf[0]), 99, "a bogus producer index: ignored");
    wait_ms = 30000;
    dk->ring->req_prod -= 1001;
    is(read1(dk, 0, buf[0]), BLKIF_RSP_OKAY,
       "with the index sane again the disk works");
    is(((uint32_t *)buf[0])[5], 5, "and sector 0 arrived");
}

/* Disk 1: blank and writable. */
static void test_scratch(void)
{
    struct disk *dk = &disks[1];
    struct blkif_info info;
    void *out[11], *in[11];
    uint32_t i, bad = 0, seed = start_info->domid * 100;

    is(blkif_op(BLKIFOP_info, 1, (unsigned long)&info), 0, "info on disk 1");
    ok(info.kind == BLKIF_DISK_SCRATCH && !info.readonly && info.sectors == 256,
       "disk 1: scratch, writable, 256 sectors (kind %u, ro %u, %u)",
       info.kind, info.readonly, info.sectors);
    for (i = 0; i < 11; i++) {
        out[i] = alloc_page();
        in[i] = alloc_page();
        fill(out[i], seed + i);
        memset(in[i], 0, PAGE_SIZE);
    }
    is(request(dk, BLKIF_OP_WRITE, 100, 11, out, NULL), BLKIF_RSP_OKAY,
       "write 11 sectors in one request");
    is(request(dk, BLKIF_OP_READ, 100, 11, in, NULL), BLKIF_RSP_OKAY,
       "read them back in one request");
    for (i = 0; i < 11; i++)
        bad += bad_fill(in[i], seed + i);
    is(bad, 0, "every word as written");
    is(request(dk, BLKIF_OP_WRITE, 255, 1, out, NULL), BLKIF_RSP_OKAY,
       "write the last sector");
    is(request(dk, BLKIF_OP_WRITE, 255, 2, out, NULL), BLKIF_RSP_ERROR,
       "a write past the end of the full disk: error");
    is(request(dk, BLKIF_OP_WRITE, 256, 1, out, NULL), BLKIF_RSP_ERROR,
       "a write beyond the end: error");
    is(read1(dk, 101, in[0]), BLKIF_RSP_OKAY, "sector 101 again");
    is(bad_fill(in[0], seed + 1), 0, "unchanged by the refused writes");
}

/* Disk 2: the image under our own overlay. */
static void test_cow(uint32_t nsect)
{
    struct disk *dk = &disks[2];
    struct blkif_info info;
    void *p = alloc_page(), *q = alloc_page();
    uint32_t seed = start_info->domid * 1000;

    is(blkif_op(BLKIFOP_info, 2, (unsigned long)&info), 0, "info on disk 2");
    ok(info.kind == BLKIF_DISK_COW && !info.readonly && info.sectors == nsect,
       "disk 2: copy-on-write over the image, %u sectors", nsect);
    is(read1(dk, 1, p), BLKIF_RSP_OKAY, "read sector 1 of the cow disk");
    is(bad_words(p, nsect, 1), 0, "it is the image's");
    fill(p, seed);
    is(request(dk, BLKIF_OP_WRITE, 1, 1, &p, NULL), BLKIF_RSP_OKAY,
       "write sector 1");
    memset(q, 0, PAGE_SIZE);
    is(read1(dk, 1, q), BLKIF_RSP_OKAY, "read it back");
    is(bad_fill(q, seed), 0, "it holds what we wrote");
    is(read1(dk, 2, q), BLKIF_RSP_OKAY, "read sector 2");
    is(bad_words(q, nsect, 2), 0, "an unwritten sector is still the image's");
    is(read1(&disks[0], 1, q), BLKIF_RSP_OKAY, "read sector 1 of the image");
    is(bad_words(q, nsect, 1), 0, "the image itself never changed");
    is(request(dk, BLKIF_OP_WRITE, nsect, 1, &p, NULL), BLKIF_RSP_ERROR,
       "a write beyond the cow disk's end: error");
}

/* Read-time sharing at the ABI (the domain is in a share group). */
static void test_read_share(uint32_t nsect)
{
    struct disk *dk = &disks[0];
    void *a = alloc_page(), *b = alloc_page(), *c = alloc_page();
    uint32_t pa = pte_maddr((uint32_t)a), pb = pte_maddr((uint32_t)b);
    uint32_t pc = pte_maddr((uint32_t)c);

    is(sharing_op(SHAREOP_set_gnttab_bit, virt_to_pfn(a)), 0, "grant a");
    is(sharing_op(SHAREOP_set_gnttab_bit, virt_to_pfn(b)), 0, "grant b");
    is(sharing_op(SHAREOP_set_gnttab_bit, virt_to_pfn(c)), 0, "grant c");
    is(request(dk, BLKIF_OP_READ, 2, 1, &a, &pa), BLKIF_RSP_OKAY,
       "read sector 2 into a, naming its mapping");
    is(last_shared, 1, "a arrived shared (its frame is now the block's)");
    is(sharing_op(SHAREOP_is_shared_page, virt_to_pfn(a)), 1,
       "the hypervisor says a is shared");
    is(bad_words(a, nsect, 2), 0, "a holds sector 2");
    is(probe_write(a, 1), 14, "a is mapped read-only now (a write faults)");
    is(request(dk, BLKIF_OP_READ, 2, 1, &b, &pb), BLKIF_RSP_OKAY,
       "read sector 2 again into b, naming its mapping");
    is(last_shared, 1, "b arrived shared");
    is(virt_to_mfn(b), virt_to_mfn(a), "on the same frame as a: no copy");
    is(bad_words(b, nsect, 2), 0, "b holds sector 2");
    is(request(dk, BLKIF_OP_READ, 2, 1, &c, &pa), BLKIF_RSP_OKAY,
       "read sector 2 into c naming a's mapping (a lie): still read");
    is(last_shared, 0, "but c did not arrive shared");
    ok(virt_to_mfn(c) != virt_to_mfn(a) && !bad_words(c, nsect, 2),
       "c has its own frame, with sector 2");
    is(request(dk, BLKIF_OP_READ, 3, 1, &c, NULL), BLKIF_RSP_OKAY,
       "read sector 3 into c naming no mapping");
    is(last_shared, 0, "c stays private");
    is(read1(dk, 4, a), BLKIF_RSP_ERROR, "reading into the shared page a: error");
    is(bad_words(a, nsect, 2), 0, "a still holds sector 2");
    (void)pc;
}

/*
 * "cycles=N" (a share group's guests, run together): N share/CoW-break
 * cycles. Each reads sector i % nsect into one page, naming its mapping,
 * so that it arrives on the block's shared frame when any guest of the
 * group holds it; checks every word; breaks the share (a copy of its
 * own); writes its own pattern over it and checks that; and after every
 * cycle checks every word of 8 pages of its own it never shares. One
 * wrong word fails it (tools/integrity-long.sh runs 10^5 cycles each).
 */
#define OWN_PAGES 8

static void test_integrity(uint32_t nsect, unsigned long cycles)
{
    struct disk *dk = &disks[0];
    void *a = alloc_page();
    uint32_t pa = pte_maddr((uint32_t)a), *own[OWN_PAGES];
    unsigned long i, arrived_shared = 0, breaks = 0, bad_read = 0,
                     bad_own = 0, bad_written = 0, errors = 0;
    unsigned int p;

    for (p = 0; p < OWN_PAGES; p++) {
        own[p] = alloc_page();
        fill(own[p], 0xABC00000U + p);
    }
    is(sharing_op(SHAREOP_set_gnttab_bit, virt_to_pfn(a)), 0,
       "the page under grant for reads");
    for (i = 0; i < cycles; i++) {
        uint32_t s = (uint32_t)(i % nsect);
        struct share_req rq = { .pfn = virt_to_pfn(a), .nr_ptes = 1 };

        if (request(dk, BLKIF_OP_READ, s, 1, &a, &pa) != BLKIF_RSP_OKAY) {
            errors++;
            break;
        }
        bad_read += bad_words(a, nsect, s);
        if (last_shared) {
            arrived_shared++;
            rq.pte[0] = pa | SHARE_PTE_WRITABLE;
            if (HYPERVISOR_sharing_op(SHAREOP_cow_break, (unsigned long)&rq,
                                      1) != 1 || rq.status) {
                errors++;
                break;
            }
            breaks++;
            bad_read += bad_words(a, nsect, s); /* the copy: the same words */
        }
        fill(a, (uint32_t)i);
        bad_written += bad_fill(a, (uint32_t)i);
        for (p = 0; p < OWN_PAGES; p++)
            bad_own += bad_fill(own[p], 0xABC00000U + p);
    }
    printk("integrity: %lu cycles, %lu reads arrived shared, %lu breaks; "
           "wrong words: %lu read, %lu written, %lu own; errors %lu\n", i,
           arrived_shared, breaks, bad_read, bad_written, bad_own, errors);
    is(i, cycles, "%lu cycles done", cycles);
    ok(arrived_shared > 0 && breaks == arrived_shared,
       "reads arrived shared (%lu) and each share was broken", arrived_shared);
    is(bad_read + bad_written + bad_own, 0, "not one wrong word");
    is(HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0), 0, "the audit is clean");
}

void test_main(void)
{
    struct blkif_info info;
    uint32_t nsect = (uint32_t)cmdline_get_ulong("sectors", 0), i;
    bool share = cmdline_get_ulong("share", 0);
    unsigned long crowd = cmdline_get_ulong("crowd", 0);

    is(blkif_op(BLKIFOP_info, 0, (unsigned long)&info), 0, "info on disk 0");
    ok(info.sectors == nsect && info.readonly && info.kind == BLKIF_DISK_IMAGE,
       "disk 0: the read-only image, %u sectors", nsect);
    is(info.read_share, share, "reads may arrive shared: %s",
       share ? "yes (share group)" : "no");
    is(blkif_op(BLKIFOP_info, 5, (unsigned long)&info), -XEN_ENODEV,
       "there is no disk 5");
    (void)bind_virq(VIRQ_TIMER, on_event);

    for (i = 0; i < (crowd ? 1 : NDISKS); i++) {
        int port = (int)connect(i);

        ok(port > 0, "connect disk %u (port %d)", i, port);
    }
    is(blkif_op(BLKIFOP_connect, 0, virt_to_pfn(disks[0].ring)), -XEN_EBUSY,
       "connecting twice fails");
    /* Even unmapped from the guest, the backend's writable reference keeps
     * the ring from ever becoming a page table. */
    is(set_page_ro(disks[0].ring), 0, "map the ring read-only");
    is(pin_table(1, virt_to_mfn(disks[0].ring)), -XEN_EBUSY,
       "it still cannot become a page table while connected");
    is(set_page_rw(disks[0].ring), 0, "map it writable again");
    is(HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0), 0,
       "audit counts the backend's reference on the ring");

    if (crowd) {
        for (i = 0; i < crowd; i++)
            test_image(nsect);
    } else if (cmdline_get_ulong("cycles", 0)) {
        test_integrity(nsect, cmdline_get_ulong("cycles", 0));
    } else if (share) {
        test_read_share(nsect);
    } else {
        test_image(nsect);
        test_scratch();
        test_cow(nsect);
    }

    {
        struct evtchn_close cl = { .port = disks[0].port };
        struct blkif_sring *ring = disks[0].ring;

        is(HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl), 0,
           "closing the channel disconnects");
        memset(ring, 0, PAGE_SIZE); /* ring contents are not valid entries */
        is(set_page_ro(ring), 0, "map the ring read-only");
        is(pin_table(1, virt_to_mfn(ring)), 0,
           "now it can become a page table: the reference is gone");
        is(unpin_table(virt_to_mfn(ring)), 0, "(unpinned again)");
        (void)set_page_rw(ring);
    }
    is(HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0), 0, "audit agrees at the end");
}
