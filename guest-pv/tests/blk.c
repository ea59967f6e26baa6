/*
 * blk - the PV block device from a guest's side: connect a ring, read
 * sectors of the disk the scenario attaches (pattern.img: word w of the
 * image holds w, and the image ends half way through its last sector),
 * and check every way a request can be wrong is answered with an error
 * and harms nothing. Prints TAP.
 */
#include <guest/test.h>
#include <public/io/blkif.h>

static volatile unsigned int events;
static struct blkif_sring *ring;
static evtchn_port_t port;

static void on_blk(evtchn_port_t p, struct guest_regs *regs)
{
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

static uint16_t next_pad; /* the next request's pad (0 unless a test says) */

/* Queue one request, notify, return the response's status. */
static int submit(uint8_t op, uint32_t sector, uint8_t nseg, const uint32_t *pfns)
{
    struct blkif_request *req = &ring->ring[ring->req_prod % BLKIF_RING_SIZE].req;
    struct evtchn_send send = { .port = port };
    uint32_t rsp_before = ring->rsp_prod;
    unsigned int i;

    memset(req, 0, sizeof(*req));
    req->id = 0x1234000 + ring->req_prod;
    req->operation = op;
    req->sector = sector;
    req->nr_segments = nseg;
    req->pad = next_pad;
    for (i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQ; i++)
        req->pfn[i] = pfns[i];
    ring->req_prod++;
    (void)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    if (ring->rsp_prod == rsp_before)
        return 99; /* no response */
    return ring->ring[rsp_before % BLKIF_RING_SIZE].rsp.status;
}

void test_main(void)
{
    struct blkif_info info;
    uint32_t expect = (uint32_t)cmdline_get_ulong("sectors", 0), pfns[9];
    uint32_t *buf[3], w, bad = 0;
    uint32_t pd_pfn = virt_to_pfn((void *)start_info->pt_base);
    unsigned int i, before;

    is(blkif_op(BLKIFOP_info, 0, (unsigned long)&info), 0, "info on disk 0");
    is(info.sectors, expect, "the disk has %u sectors", expect);
    is(blkif_op(BLKIFOP_info, 5, (unsigned long)&info), -XEN_ENODEV,
       "there is no disk 5");

    ring = alloc_page();
    port = (evtchn_port_t)blkif_op(BLKIFOP_connect, 0, virt_to_pfn(ring));
    ok((int)port > 0, "connect a ring (port %u)", port);
    is(blkif_op(BLKIFOP_connect, 0, virt_to_pfn(ring)), -XEN_EBUSY,
       "connecting twice fails");
    bind_evtchn_handler(port, on_blk);
    /* Even unmapped from the guest, the backend's writable reference keeps
     * the ring from ever becoming a page table. */
    is(set_page_ro(ring), 0, "map the ring read-only");
    is(pin_table(1, virt_to_mfn(ring)), -XEN_EBUSY,
       "it still cannot become a page table while connected");
    is(set_page_rw(ring), 0, "map it writable again");
    is(HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0), 0,
       "audit counts the backend's reference on the ring");

    for (i = 0; i < 3; i++) {
        buf[i] = alloc_page();
        memset(buf[i], 0xee, PAGE_SIZE);
        pfns[i] = virt_to_pfn(buf[i]);
    }
    before = events;
    is(submit(BLKIF_OP_READ, expect - 3, 3, pfns), BLKIF_RSP_OKAY,
       "read the last 3 sectors");
    ok(events > before, "the response came with an event");
    for (i = 0; i < 3; i++)
        for (w = 0; w < 1024; w++) {
            uint32_t word = (expect - 3 + i) * 1024 + w;
            uint32_t want = i < 2 || w < 512 ? word : 0;

            bad += buf[i][w] != want;
        }
    is(bad, 0, "every word as on disk; the tail past the image is zero");

    is(submit(BLKIF_OP_READ, expect, 1, pfns), BLKIF_RSP_ERROR,
       "reading past the end: error");
    is(submit(BLKIF_OP_READ, expect - 1, 2, pfns), BLKIF_RSP_ERROR,
       "a request straddling the end: error");
    is(submit(BLKIF_OP_READ, 0, 0, pfns), BLKIF_RSP_ERROR, "0 segments: error");
    pfns[3] = pfns[4] = pfns[5] = pfns[6] = pfns[7] = pfns[8] = pfns[0];
    is(submit(BLKIF_OP_READ, 0, 9, pfns), BLKIF_RSP_ERROR, "9 segments: error");
    next_pad = 1;
    is(submit(BLKIF_OP_READ, 0, 1, pfns), BLKIF_RSP_ERROR,
       "a request whose pad is not 0: error");
    next_pad = 0;
    is(submit(BLKIF_OP_WRITE, 0, 1, pfns), BLKIF_RSP_ERROR,
       "a write to the read-only disk: error");
    pfns[0] = pd_pfn;
    is(submit(BLKIF_OP_READ, 0, 1, pfns), BLKIF_RSP_ERROR,
       "reading into our page directory: error");
    is(probe_read((void *)start_info->pt_base), -1, "the directory is intact");
    pfns[0] = start_info->nr_pages + 7;
    is(submit(BLKIF_OP_READ, 0, 1, pfns), BLKIF_RSP_ERROR,
       "reading into a pfn we do not have: error");

    ring->req_prod += 1000;
    is(submit(BLKIF_OP_READ, 0, 1, pfns), 99, "a bogus producer index: ignored");
    ring->req_prod -= 1001;
    pfns[0] = virt_to_pfn(buf[0]);
    is(submit(BLKIF_OP_READ, 0, 1, pfns), BLKIF_RSP_OKAY,
       "with the index sane again the disk works");
    is(buf[0][5], 5, "and sector 0 arrived");

    {
        struct evtchn_close cl = { .port = port };

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
