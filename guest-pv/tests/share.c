/*
 * share - the sharing ABI (public/sharing.h) from a bare guest's side.
 * Several instances run in one share group; each registers a share ring
 * and an eligibility bitmap, fills pages whose contents are common to all
 * instances, common to a pair of them, its own twice over, all zero or
 * unique, hands the pfns the scanner offers back with setup_shares, and
 * checks that exactly the right pages end up shared and keep their
 * contents. Along the way it tries what a hostile guest would: bad
 * registrations, requests for pages never offered or changed since, wrong
 * or incomplete entry lists, writable mappings of shared frames, other
 * domains' shared frames, grants, balloon and break of shared pages.
 *
 * Command line: "seed=S n=N role=writer" (the instance that writes to
 * shared pages: copy-on-write through its page-fault handler) or
 * "seed=S n=N role=reader writer=D". Instances must have distinct seeds
 * and be domains 1..N. The readers tell the writer over an inter-domain
 * event channel when their pages are shared (READY); the writer tells
 * them when its writes are done (DONE), and they check that they still
 * see the old contents. Prints TAP.
 *
 * "enomem=N" (every instance; the hypervisor runs with share_debug_cow_fail=N,
 * 2 <= N <= 8): the hypervisor fails every Nth break that needs a new frame
 * with -ENOMEM. The writer's page-fault handler checks that each failure
 * left the page shared, unchanged and read-only, and lets the write run
 * again: the next break succeeds. test_enomem() checks the first failure
 * in detail; the readers check that those pages stay shared for them.
 */
#include <guest/test.h>

#define PTE_RO   (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PTE_RW   (PTE_RO | _PAGE_RW | _PAGE_DIRTY)
#define ALIAS_VA 0x20000000U           /* second mappings of alias pages */
#define SPARE_VA (ALIAS_VA + 0x80000U) /* probes, in the same L1 table   */

#define MAX_PFNS   8192U
#define NR_COMMON  40 /* same contents in every instance             */
#define NR_UNIQUE  16 /* contents of this instance only              */
#define NR_ZERO    12 /* all zero                                    */
#define NR_PAIR    4  /* per pair of instances (only with n=3)       */
#define NR_ALIAS   4  /* common contents, also mapped at ALIAS_VA    */
#define MAX_SLOTS  128
#define FIRST_MORE 2 /* the writer also writes to common[2..5]     */
#define NR_MORE    4

/* With enomem=N the writer also writes to common[6..6+N-1]. */
#define FIRST_ENOMEM (FIRST_MORE + NR_MORE)
#define MAX_ENOMEM   8

/*
 * Waits are for events, bounded by events where the scanner is what we
 * wait for (its passes over our memory: a busy host makes them slow, not
 * fewer), and by a generous time that only a stuck peer or a starved
 * scanner reaches (the scenarios' test-timeout is longer still).
 */
#define SHARE_WAIT_PASSES   20 /* for every page to be shared          */
#define FOREIGN_WAIT_PASSES 10 /* for the other instances' frames      */
#define STARVED_MS      120000 /* a scanner that has not passed by then */
#define PEER_WAIT_MS    120000 /* for a peer's port, READY / DONE       */

enum cls {
    CLS_COMMON,
    CLS_UNIQUE,
    CLS_ZERO,
    CLS_PAIR,
    CLS_TWIN,
    CLS_ALIAS,
    CLS_TEST,   /* common contents; its first offer gets a bad request */
    CLS_NOBIT,  /* common contents, never marked eligible              */
    CLS_KEEPER, /* the stale page's first contents, kept: its partner  */
};

/* The bad request a CLS_TEST page (or the first alias page) gets. */
enum bad {
    BAD_NONE,
    BAD_NO_FRAME,   /* an entry in a frame beyond memory      */
    BAD_FOREIGN,    /* an entry in another domain's frame     */
    BAD_DATA,       /* an entry in one of our data pages      */
    BAD_PD,         /* an entry in our page directory         */
    BAD_WRONG,      /* an entry that maps another page        */
    BAD_TWICE,      /* the same entry twice                   */
    BAD_TOO_MANY,   /* more than SHARE_MAX_PTES entries       */
    BAD_STALE,      /* contents changed after the offer       */
    BAD_INCOMPLETE, /* the alias mapping not listed           */
    NR_BAD
};

static const struct {
    const char *what;
    int status;
} bad_info[NR_BAD] = {
    [BAD_NO_FRAME] = { "an entry in a frame beyond memory", -XEN_EINVAL },
    [BAD_FOREIGN] = { "an entry in another domain's frame", -XEN_EPERM },
    [BAD_DATA] = { "an entry in one of our data pages (not an L1)",
                   -XEN_EPERM },
    [BAD_PD] = { "an entry in our page directory (not an L1)", -XEN_EPERM },
    [BAD_WRONG] = { "an entry that maps another page", -XEN_EINVAL },
    [BAD_TWICE] = { "the same entry listed twice", -XEN_EINVAL },
    [BAD_TOO_MANY] = { "SHARE_MAX_PTES + 1 entries", -XEN_EINVAL },
    [BAD_STALE] = { "a page changed after it was offered", -XEN_ESTALE },
    [BAD_INCOMPLETE] = { "an incomplete entry list (alias not listed)",
                         -XEN_EBUSY },
};

struct slot {
    uint32_t pfn;
    uint8_t cls;
    uint8_t bad;       /* enum bad: still to try at the next offer   */
    uint8_t bad_tried; /* enum bad that was tried                    */
    bool want_shared;  /* must end up shared                         */
    bool shared;       /* setup_shares said so                       */
    bool broken;       /* the writer broke it                        */
    bool bad_left_intact;
    int bad_status;
    long bad_rc;
    unsigned int offers;
    unsigned int seen_pass; /* the last process_ring() pass it was in */
    uint32_t pte_dm;        /* maddr of the direct-map L1 entry          */
    uint32_t alias_va;      /* 0 or the second mapping                   */
    uint32_t pte_alias;     /* maddr of its L1 entry                     */
    bool alias_rw;
    uint32_t tag, a, b; /* contents: fill(tag, a, b), tag 0 = zero   */
    uint32_t sum;       /* checksum of what the page must hold        */
};

static struct slot slots[MAX_SLOTS];
static unsigned int nr_slots;
static int16_t slot_of_pfn[MAX_PFNS];
static struct slot *common[NR_COMMON], *unique[NR_UNIQUE], *zero[NR_ZERO],
    *twin[2], *alias[NR_ALIAS], *nobit, *bad_slot[NR_BAD];

static uint32_t seed, nr_inst, max_page;
static bool writer;
static domid_t writer_dom;
static struct share_ring *ring;
static uint32_t *bitmap;
static uint32_t ring_pfn, bitmap_pfn;
static uint32_t foreign_mfn;
static struct share_req batch[SHARE_BATCH_MAX + 1];

static volatile unsigned int timer_hits, sharing_virqs;
static volatile unsigned int port_hits[NR_EVTCHN_PORTS];
static evtchn_port_t reader_port[8]; /* writer: its port to each reader */
static domid_t reader_dom[8];
static unsigned int nr_readers;

static unsigned int stray_offers, bad_offers, setup_failures, rc_mismatch;

/* --- Helpers -------------------------------------------------------------- */

static long sharing_op(unsigned int cmd, const void *arg, uint32_t count)
{
    return HYPERVISOR_sharing_op(cmd, (unsigned long)arg, count);
}

static long is_shared(uint32_t pfn)
{
    return HYPERVISOR_sharing_op(SHAREOP_is_shared_page, pfn, 0);
}

static long audit(void)
{
    return HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0);
}

static long pt_update(uint64_t ptr, uint64_t val)
{
    mmu_update_t u = { .ptr = ptr, .val = val };

    return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

static long get_pfn(uint32_t mfn, struct share_get_pfn *gp)
{
    memset(gp, 0, sizeof(*gp));
    gp->mfn = mfn;
    return sharing_op(SHAREOP_get_pfn, gp, 0);
}

static uint32_t now_ms(void)
{
    return (uint32_t)(monotonic_ns() / 1000000ULL);
}

/* Complete scanner passes over our memory (SHAREOP_scan_info). */
static uint32_t scan_passes(void)
{
    struct share_scan_info si;

    if (sharing_op(SHAREOP_scan_info, &si, 0))
        guest_panic("SHAREOP_scan_info failed");
    return si.passes;
}

/* Sleep up to ms (any event wakes us): the cpu idles, the scanner runs. */
static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static uint32_t *page_of(const struct slot *s)
{
    return pfn_to_virt(s->pfn);
}

static void fill(uint32_t *p, uint32_t tag, uint32_t a, uint32_t b)
{
    uint32_t base = mix32(tag * 0x9E3779B1U ^ mix32(a * 0x10001U + b * 7919U));
    unsigned int k;

    for (k = 0; k < PAGE_SIZE / 4; k++)
        p[k] = tag ? mix32(base + k) : 0;
}

static uint32_t checksum(const volatile uint32_t *p)
{
    uint32_t s = 0x811C9DC5U;
    unsigned int k;

    for (k = 0; k < PAGE_SIZE / 4; k++)
        s = (s ^ p[k]) * 0x01000193U + k;
    return s;
}

static bool intact(const struct slot *s)
{
    return checksum(page_of(s)) == s->sum;
}

/* Read an L1 entry through the table's read-only direct mapping. */
static uint32_t read_pte(uint32_t maddr)
{
    uint32_t pfn = machine_to_phys[maddr >> PAGE_SHIFT];

    GUEST_BUG_ON(pfn >= start_info->nr_pages);
    return *(volatile uint32_t *)((uint8_t *)pfn_to_virt(pfn) +
                                  (maddr & ~PAGE_MASK));
}

static uint32_t pte_maddr(uint32_t va)
{
    return (current_l2e(va) & PAGE_MASK) | (((va >> PAGE_SHIFT) & 1023) << 2);
}

static struct slot *slot_of(uint32_t pfn)
{
    if (pfn >= MAX_PFNS || slot_of_pfn[pfn] < 0)
        return NULL;
    return &slots[slot_of_pfn[pfn]];
}

/* Which page a faulting address is: its direct map or its alias. */
static struct slot *slot_of_va(uint32_t va)
{
    uint32_t base = start_info->virt_base;
    unsigned int i;

    if (va >= base && va < base + start_info->nr_pages * PAGE_SIZE)
        return slot_of((va - base) >> PAGE_SHIFT);
    for (i = 0; i < nr_slots; i++)
        if (slots[i].alias_va && (va & PAGE_MASK) == slots[i].alias_va)
            return &slots[i];
    return NULL;
}

static bool mine(uint32_t mfn)
{
    uint32_t pfn;

    for (pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (p2m[pfn] == mfn)
            return true;
    return false;
}

/* A frame not ours (another domain's or free: our M2P view shows neither,
 * issue 15): a foreign L1 stand-in. */
static uint32_t find_foreign_frame(void)
{
    uint32_t mfn;

    for (mfn = max_page - 1; mfn > 0x1000; mfn--)
        if (machine_to_phys[mfn] == INVALID_M2P_ENTRY && !mine(mfn))
            return mfn;
    return 0;
}

/* The request that lists every mapping of s (writable ones if rw). */
static void full_req(struct share_req *r, const struct slot *s, bool rw)
{
    memset(r, 0, sizeof(*r));
    r->pfn = s->pfn;
    r->category = SHARE_CAT_ANON;
    r->pte[r->nr_ptes++] = s->pte_dm | (rw ? SHARE_PTE_WRITABLE : 0);
    if (s->alias_va)
        r->pte[r->nr_ptes++] =
            s->pte_alias | (rw && s->alias_rw ? SHARE_PTE_WRITABLE : 0);
}

/* cow_break of one request: 0 or the request's -errno. */
static int cow_break1(struct share_req *r)
{
    long rc;

    r->status = 0;
    rc = sharing_op(SHAREOP_cow_break, r, 1);
    if (rc < 0)
        return (int)rc;
    return rc == 1 ? 0 : r->status;
}

/* setup_shares of one request: its status, the call's result in *rc. */
static int setup1(struct share_req *r, long *rc)
{
    long x;

    r->status = 1;
    x = sharing_op(SHAREOP_setup_shares, r, 1);
    if (rc)
        *rc = x;
    return x < 0 ? (int)x : r->status;
}

/* --- Events --------------------------------------------------------------- */

static void on_timer(evtchn_port_t port, struct guest_regs *regs)
{
    timer_hits++;
}

static void on_sharing(evtchn_port_t port, struct guest_regs *regs)
{
    sharing_virqs++;
}

static void on_port(evtchn_port_t port, struct guest_regs *regs)
{
    port_hits[port]++;
}

static void send_event(evtchn_port_t port)
{
    struct evtchn_send send = { .port = port };

    (void)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

/* Writer: connect to port 1 of every reader (they allocate it first). */
static void connect_readers(void)
{
    uint32_t t0 = now_ms();
    unsigned int i, bound = 0;
    domid_t d;

    for (d = 1; d <= nr_inst; d++)
        if (d != start_info->domid && nr_readers < ARRAY_SIZE(reader_dom))
            reader_dom[nr_readers++] = d;
    for (i = 0; i < nr_readers; i++) {
        struct evtchn_bind_interdomain bi = { .remote_dom = reader_dom[i],
                                              .remote_port = 1 };

        while (HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi) &&
               now_ms() - t0 < PEER_WAIT_MS)
            nap_ms(2);
        if (bi.local_port) {
            reader_port[i] = bi.local_port;
            bind_evtchn_handler(bi.local_port, on_port);
            bound++;
        }
    }
    ok(nr_readers == nr_inst - 1 && bound == nr_readers,
       "bound a channel to each of the %u readers", nr_readers);
}

/* --- Pages ---------------------------------------------------------------- */

static struct slot *new_slot(enum cls cls, uint32_t tag, uint32_t a, uint32_t b,
                             bool want_shared)
{
    struct slot *s = &slots[nr_slots];
    uint32_t *p = alloc_page();

    GUEST_BUG_ON(nr_slots >= MAX_SLOTS || !p);
    s->pfn = virt_to_pfn(p);
    GUEST_BUG_ON(s->pfn >= MAX_PFNS);
    slot_of_pfn[s->pfn] = (int16_t)nr_slots++;
    s->cls = (uint8_t)cls;
    s->tag = tag;
    s->a = a;
    s->b = b;
    s->want_shared = want_shared;
    fill(p, tag, a, b);
    s->sum = checksum(p);
    s->pte_dm = pte_maddr((uint32_t)p);
    return s;
}

/* The pair tag of instances x and y: the same in both. */
static uint32_t pair_tag(uint32_t x, uint32_t y)
{
    return x < y ? x * 16 + y : y * 16 + x;
}

static void make_pages(void)
{
    unsigned int i, b;

    for (i = 0; i < MAX_PFNS; i++)
        slot_of_pfn[i] = -1;
    for (i = 0; i < NR_COMMON; i++)
        common[i] = new_slot(CLS_COMMON, 1, i, 0, true);
    for (i = 0; i < NR_UNIQUE; i++)
        unique[i] = new_slot(CLS_UNIQUE, 2, i, seed, false);
    for (i = 0; i < NR_ZERO; i++)
        zero[i] = new_slot(CLS_ZERO, 0, 0, 0, true);
    if (nr_inst == 3) {
        /* Pairs {seed, next} and {prev, seed}: each instance has two of
         * the three pairs; the third is shared by the other two only. */
        uint32_t next = seed % 3 + 1, prev = (seed + 1) % 3 + 1;

        for (i = 0; i < NR_PAIR; i++) {
            new_slot(CLS_PAIR, 3, i, pair_tag(seed, next), true);
            new_slot(CLS_PAIR, 3, i, pair_tag(prev, seed), true);
        }
    }
    for (i = 0; i < 2; i++)
        twin[i] = new_slot(CLS_TWIN, 4, 0, seed, true);
    for (b = BAD_NO_FRAME; b <= BAD_STALE; b++) {
        bad_slot[b] = new_slot(CLS_TEST, 6, b, 0, b != BAD_STALE);
        bad_slot[b]->bad = (uint8_t)b;
    }
    /* The stale page is offered only if a page with its first contents
     * stays unchanged somewhere: the keepers. */
    new_slot(CLS_KEEPER, 6, BAD_STALE, 0, true);
    for (i = 0; i < NR_ALIAS; i++) {
        struct slot *s = new_slot(CLS_ALIAS, 5, i, 0, true);

        s->alias_va = ALIAS_VA + i * PAGE_SIZE;
        s->alias_rw = i % 2 == 0;
        alias[i] = s;
    }
    alias[0]->bad = BAD_INCOMPLETE;
    bad_slot[BAD_INCOMPLETE] = alias[0];
    nobit = new_slot(CLS_NOBIT, 7, 0, 0, false);
}

/* Second mappings, then the eligibility bits (not nobit's). */
static void map_and_mark(void)
{
    unsigned int i, failed = 0;

    for (i = 0; i < NR_ALIAS; i++) {
        struct slot *s = alias[i];

        if (map_va(s->alias_va, pfn_to_mfn(s->pfn),
                   s->alias_rw ? PTE_RW : PTE_RO))
            failed++;
        s->pte_alias = pte_maddr(s->alias_va);
    }
    ok(!failed &&
           !memcmp((void *)alias[0]->alias_va, page_of(alias[0]), PAGE_SIZE),
       "alias pages mapped a second time at %#x", ALIAS_VA);
    (void)map_va(SPARE_VA, 0, 0);
    for (i = 0; i < nr_slots; i++)
        if (slots[i].cls != CLS_NOBIT)
            bitmap[slots[i].pfn / 32] |= 1U << (slots[i].pfn % 32);
}

/* --- Registration --------------------------------------------------------- */

static long reg(uint32_t ring_at, uint32_t bitmap_at, uint32_t pages)
{
    struct share_register r = { .ring_pfn = ring_at,
                                .bitmap_pfn = bitmap_at,
                                .bitmap_pages = pages };

    return sharing_op(SHAREOP_register, &r, 0);
}

static struct debug_frame_info frame_info(uint32_t pfn)
{
    struct debug_frame_info fi;

    memset(&fi, 0, sizeof(fi));
    (void)HYPERVISOR_debug_op(DEBUGOP_frame_info, pfn, (unsigned long)&fi);
    return fi;
}

static void test_register(void)
{
    uint32_t nr = start_info->nr_pages;
    uint32_t pd_pfn = virt_to_pfn((void *)start_info->pt_base);
    struct debug_frame_info before, after;
    int port;

    ring = alloc_page();
    bitmap = alloc_page();
    ring_pfn = virt_to_pfn(ring);
    bitmap_pfn = virt_to_pfn(bitmap);

    before = frame_info(bitmap_pfn);
    is(reg(ring_pfn, bitmap_pfn, 0), -XEN_EINVAL,
       "register: a bitmap of 0 pages is too small");
    is(reg(ring_pfn, nr, 1), -XEN_EINVAL,
       "register: bitmap pfn beyond the domain");
    is(reg(ring_pfn, nr - 1, 2), -XEN_EINVAL,
       "register: bitmap running past the last pfn");
    is(reg(ring_pfn, bitmap_pfn, 5), -XEN_EINVAL,
       "register: more bitmap pages than the hypervisor takes");
    is(reg(bitmap_pfn, bitmap_pfn, 1), -XEN_EINVAL,
       "register: ring inside the bitmap");
    is(reg(nr + 7, bitmap_pfn, 1), -XEN_EINVAL,
       "register: ring pfn beyond the domain");
    is(reg(pd_pfn, bitmap_pfn, 1), -XEN_EBUSY,
       "register: our page directory as the ring");
    after = frame_info(bitmap_pfn);
    ok(before.count == after.count && before.type_count == after.type_count,
       "the failed registrations left no reference on the bitmap "
       "(count %u/%u, type count %u/%u)",
       before.count, after.count, before.type_count, after.type_count);
    is(is_shared(0), 0, "is_shared_page before registering: pfn 0 private");
    is(reg(ring_pfn, bitmap_pfn, 1), 0, "register ring pfn %#x, bitmap %#x",
       ring_pfn, bitmap_pfn);
    is(reg(ring_pfn, bitmap_pfn, 1), -XEN_EBUSY, "registering twice: -EBUSY");
    is(audit(), 0, "audit after registering");
    port = bind_virq(VIRQ_SHARING, on_sharing);
    ok(port > 0, "bind VIRQ_SHARING (port %d)", port);
}

/* --- Before anything is shared --------------------------------------------- */

static void test_before_sharing(void)
{
    uint32_t nr = start_info->nr_pages;
    uint32_t pd_pfn = virt_to_pfn((void *)start_info->pt_base);
    struct share_req *r = batch, one;
    struct share_get_pfn gp;
    unsigned int i;
    long rc;

    ok(foreign_mfn, "found a frame not ours (%#x)", foreign_mfn);
    memset(r, 0, 5 * sizeof(*r));
    r[0].pfn = nobit->pfn;
    r[1].pfn = unique[0]->pfn;
    r[2].pfn = ring_pfn;
    r[3].pfn = nr + 3;
    r[4].pfn = pd_pfn;
    r[0].pte[0] = nobit->pte_dm;
    r[1].pte[0] = unique[0]->pte_dm;
    r[2].pte[0] = pte_maddr((uint32_t)ring);
    for (i = 0; i < 5; i++) {
        r[i].nr_ptes = i < 3;
        r[i].status = 1;
    }
    rc = sharing_op(SHAREOP_setup_shares, r, 5);
    is(rc, 0, "setup_shares of five pfns never offered: none shared");
    is(r[0].status, -XEN_EPERM, "  a page not marked eligible: -EPERM");
    is(r[1].status, -XEN_EPERM, "  an eligible page not offered: -EPERM");
    is(r[2].status, -XEN_EPERM, "  the share ring: -EPERM");
    is(r[3].status, -XEN_EINVAL, "  a pfn beyond the domain: -EINVAL");
    is(r[4].status, -XEN_EPERM, "  our page directory: -EPERM");
    ok(intact(nobit) && intact(unique[0]) && !is_shared(nobit->pfn) &&
           !is_shared(unique[0]->pfn),
       "  and the pages are unchanged, not shared");
    is(sharing_op(SHAREOP_setup_shares, batch, SHARE_BATCH_MAX + 1), -XEN_E2BIG,
       "setup_shares of SHARE_BATCH_MAX + 1 requests: -E2BIG");
    is(sharing_op(SHAREOP_cow_break, batch, SHARE_BATCH_MAX + 1), -XEN_E2BIG,
       "cow_break of SHARE_BATCH_MAX + 1 requests: -E2BIG");
    is(sharing_op(SHAREOP_setup_shares, (void *)0xFE000000, 1), -XEN_EFAULT,
       "setup_shares of requests in hypervisor space: -EFAULT");
    is(HYPERVISOR_sharing_op(99, 0, 0), -XEN_ENOSYS, "sharing_op 99: -ENOSYS");
    is(sharing_op(SHAREOP_scan_info, (void *)0xFE000000, 0), -XEN_EFAULT,
       "scan_info into hypervisor space: -EFAULT");
    full_req(&one, unique[0], false);
    one.pad = 1;
    is(setup1(&one, NULL), -XEN_EINVAL, "setup_shares, pad not 0: -EINVAL");
    full_req(&one, unique[0], false);
    one.flags = SHARE_BREAK_DISCARD;
    is(setup1(&one, NULL), -XEN_EINVAL, "setup_shares with a flag: -EINVAL");
    full_req(&one, unique[0], false);
    one.flags = 0x8000;
    is(cow_break1(&one), -XEN_EINVAL, "cow_break with an unknown flag: -EINVAL");
    is(is_shared(nr), -XEN_EINVAL, "is_shared_page of a pfn beyond: -EINVAL");
    is(is_shared(common[0]->pfn), 0, "a common page is not shared yet");
    full_req(&one, common[0], true);
    is(cow_break1(&one), -XEN_EINVAL,
       "cow_break of a page not shared: -EINVAL");
    memset(&one, 0, sizeof(one));
    one.pfn = nr + 1;
    is(cow_break1(&one), -XEN_EINVAL, "cow_break of a pfn beyond: -EINVAL");
    ok(intact(common[0]) &&
           read_pte(common[0]->pte_dm) ==
               ((pfn_to_mfn(common[0]->pfn) << PAGE_SHIFT) | PTE_RW),
       "  the page and its mapping are unchanged");
    is(get_pfn(pfn_to_mfn(unique[0]->pfn), &gp), -XEN_ENOENT,
       "get_pfn of our own private frame: -ENOENT");
    is(get_pfn(foreign_mfn, &gp), -XEN_ENOENT,
       "get_pfn of a frame not ours: -ENOENT");
    is(get_pfn(max_page + 5, &gp), -XEN_ENOENT,
       "get_pfn of a frame beyond memory: -ENOENT");
    is(HYPERVISOR_sharing_op(SHAREOP_set_gnttab_bit, unique[1]->pfn, 0), 0,
       "set_gnttab_bit on a private page");
    is(HYPERVISOR_sharing_op(SHAREOP_remove_gnttab_bit, unique[1]->pfn, 0), 0,
       "remove_gnttab_bit again");
    is(HYPERVISOR_sharing_op(SHAREOP_set_gnttab_bit, nr, 0), -XEN_EINVAL,
       "set_gnttab_bit of a pfn beyond: -EINVAL");
}

/* --- Sharing -------------------------------------------------------------- */

/* The first offer of a test page: one bad request, which must fail. */
static void bad_request(struct slot *s)
{
    struct share_req *r = &batch[SHARE_BATCH_MAX];
    uint32_t mfn = pfn_to_mfn(s->pfn), pte = read_pte(s->pte_dm);
    uint32_t va = (uint32_t)page_of(s);

    full_req(r, s, false);
    switch (s->bad) {
    case BAD_NO_FRAME:
        r->pte[0] = 0xFFFFF000U | (s->pte_dm & ~PAGE_MASK);
        break;
    case BAD_FOREIGN:
        r->pte[0] = (foreign_mfn << PAGE_SHIFT) | (s->pte_dm & ~PAGE_MASK);
        break;
    case BAD_DATA:
        r->pte[0] = (pfn_to_mfn(unique[0]->pfn) << PAGE_SHIFT) |
                    (s->pte_dm & ~PAGE_MASK);
        break;
    case BAD_PD:
        r->pte[0] = (uint32_t)virt_to_machine((uint32_t *)start_info->pt_base +
                                              (va >> 22));
        break;
    case BAD_WRONG:
        r->pte[0] = unique[0]->pte_dm;
        break;
    case BAD_TWICE:
        r->pte[1] = r->pte[0];
        r->nr_ptes = 2;
        break;
    case BAD_TOO_MANY:
        r->nr_ptes = SHARE_MAX_PTES + 1;
        break;
    case BAD_STALE:
        /* Changed after the offer: our own contents from now on. */
        s->tag = 8;
        s->b = seed;
        fill(page_of(s), s->tag, s->a, s->b);
        s->sum = checksum(page_of(s));
        s->want_shared = false;
        break;
    case BAD_INCOMPLETE:
        r->nr_ptes = 1; /* the alias entry is missing */
        break;
    }
    s->bad_status = setup1(r, &s->bad_rc);
    s->bad_tried = s->bad;
    s->bad = BAD_NONE;
    s->bad_left_intact = is_shared(s->pfn) == 0 && intact(s) &&
                         pfn_to_mfn(s->pfn) == mfn &&
                         read_pte(s->pte_dm) == pte;
}

static void flush_batch(unsigned int n)
{
    unsigned int i, done = 0;
    long rc;

    if (!n)
        return;
    for (i = 0; i < n; i++)
        batch[i].status = 1;
    rc = sharing_op(SHAREOP_setup_shares, batch, n);
    for (i = 0; i < n; i++) {
        struct slot *s = slot_of(batch[i].pfn);

        if (!batch[i].status) {
            s->shared = true;
            done++;
        } else if (s->cls == CLS_KEEPER && batch[i].status == -XEN_ESTALE) {
            /* Its scanner partner was a stale page, changed since. */
            test_diag("setup_shares: keeper pfn %#x: -ESTALE (its partner "
                      "changed); waits for another offer",
                      batch[i].pfn);
        } else {
            setup_failures++;
            test_diag("setup_shares: pfn %#x (class %u): status %d",
                      batch[i].pfn, s->cls, batch[i].status);
        }
    }
    if (rc != (long)done) {
        rc_mismatch++;
        test_diag("setup_shares returned %ld, %u statuses were 0", rc, done);
    }
}

/*
 * Hand every pfn the scanner offered back with its entries. A pfn may be
 * in the ring more than once (offered again before we took it): one
 * request for it per pass.
 */
static void process_ring(void)
{
    volatile struct share_ring *r = ring;
    static unsigned int pass, dropped;
    unsigned int n = 0;

    pass++;
    while (r->cons != r->prod) {
        uint32_t pfn = r->pfn[r->cons % SHARE_RING_SIZE];
        struct slot *s = slot_of(pfn);

        asm volatile("" ::: "memory");
        r->cons = r->cons + 1;
        if (!s) {
            stray_offers++;
            test_diag("offered pfn %#x, which we never marked", pfn);
            continue;
        }
        if (s->seen_pass == pass)
            continue;
        s->seen_pass = pass;
        s->offers++;
        if (!s->want_shared && s->bad == BAD_NONE && s->cls == CLS_TEST) {
            /* The stale page, changed after the scanner saw it: offers
             * are hash hints, setup_shares compares (test_shared checks
             * it was never shared). */
            test_diag("offered pfn %#x again after its change (a hint)", pfn);
            continue;
        }
        if (!s->want_shared && s->bad == BAD_NONE) {
            bad_offers++;
            test_diag("offered pfn %#x (class %u), whose contents are ours "
                      "alone",
                      pfn, s->cls);
            continue;
        }
        if (s->shared)
            continue;
        if (s->bad) {
            bad_request(s);
            continue;
        }
        full_req(&batch[n++], s, false);
        if (n == SHARE_BATCH_MAX) {
            flush_batch(n);
            n = 0;
        }
    }
    flush_batch(n);
    if (r->dropped != dropped) {
        dropped = r->dropped;
        test_diag("the share ring dropped %u offers so far", dropped);
    }
}

static bool all_done(void)
{
    unsigned int i;

    for (i = 0; i < nr_slots; i++)
        if ((slots[i].want_shared && !slots[i].shared) || slots[i].bad)
            return false;
    return true;
}

static void share_phase(void)
{
    uint32_t t0 = now_ms(), p0 = scan_passes(), t;
    unsigned int i;
    bool done;

    for (;;) {
        process_ring();
        done = all_done();
        if (done || scan_passes() - p0 > SHARE_WAIT_PASSES ||
            now_ms() - t0 > STARVED_MS)
            break;
        nap_ms(5);
    }
    t = now_ms() - t0;
    ok(done,
       "every common, pair, twin, alias and zero page shared within %u "
       "scanner passes (%u passes, %u ms, scan round %u)",
       SHARE_WAIT_PASSES, scan_passes() - p0, t, ring->round);
    if (!done)
        for (i = 0; i < nr_slots; i++)
            if ((slots[i].want_shared && !slots[i].shared) || slots[i].bad)
                test_diag("  pfn %#x (class %u) not done: offered %u times",
                          slots[i].pfn, slots[i].cls, slots[i].offers);
    ok(sharing_virqs > 0, "VIRQ_SHARING arrived (%u times)", sharing_virqs);
}

static void test_shared(void)
{
    unsigned int i, b, bad = 0, shared_unique = 0, not_shared = 0,
                       wrong_pte = 0, wrong_m2p = 0, wrong_gp = 0;
    uint32_t zmfn = pfn_to_mfn(zero[0]->pfn), tmfn = pfn_to_mfn(twin[0]->pfn);
    struct share_get_pfn gp;
    long rc;

    for (b = BAD_NO_FRAME; b < NR_BAD; b++) {
        struct slot *s = bad_slot[b];

        is(s->bad_status, bad_info[b].status, "setup_shares with %s: %d",
           bad_info[b].what, bad_info[b].status);
        if (s->bad_tried != b || s->bad_rc != 0 || !s->bad_left_intact)
            bad++;
    }
    ok(!bad, "each bad request shared nothing and left its page private, "
             "unchanged and mapped as before");
    is(stray_offers + bad_offers, 0,
       "no unique, ineligible or unknown pfn was offered");
    ok(!setup_failures && !rc_mismatch,
       "every good request succeeded (the bad ones' pages too, when offered "
       "again)");

    for (i = 0; i < nr_slots; i++) {
        struct slot *s = &slots[i];
        uint32_t mfn = pfn_to_mfn(s->pfn), want;

        rc = is_shared(s->pfn);
        if (!s->want_shared) {
            shared_unique += rc != 0;
            continue;
        }
        not_shared += rc != 1;
        want = (mfn << PAGE_SHIFT) | PTE_RO;
        if (read_pte(s->pte_dm) != want ||
            (s->alias_va && read_pte(s->pte_alias) != want))
            wrong_pte++;
        if (machine_to_phys[mfn] != INVALID_M2P_ENTRY)
            wrong_m2p++;
        rc = get_pfn(mfn, &gp);
        if (s->cls == CLS_ZERO)
            wrong_gp += rc != NR_ZERO || gp.nr != NR_ZERO || mfn != zmfn;
        else if (s->cls == CLS_TWIN)
            wrong_gp +=
                rc != 2 || mfn != tmfn ||
                !((gp.pfns[0] == twin[0]->pfn && gp.pfns[1] == twin[1]->pfn) ||
                  (gp.pfns[1] == twin[0]->pfn && gp.pfns[0] == twin[1]->pfn));
        else
            wrong_gp += rc != 1 || gp.nr != 1 || gp.pfns[0] != s->pfn;
    }
    is(shared_unique, 0,
       "none of the unique, stale or ineligible pages is shared");
    is(not_shared, 0, "is_shared_page says 1 for every page that must be");
    is(wrong_pte, 0,
       "their entries map the P2M's new frame, read-only (alias entries "
       "too)");
    is(wrong_m2p, 0, "our M2P view shows none of those frames (a shared frame "
                     "is nobody's; get_pfn names our pfns)");
    is(wrong_gp, 0,
       "get_pfn of each page's new frame names exactly our pfns on it "
       "(%u zero pages on one frame, two twins on another)",
       NR_ZERO);
    ok(zmfn != tmfn && pfn_to_mfn(common[0]->pfn) != zmfn &&
           pfn_to_mfn(common[0]->pfn) != pfn_to_mfn(common[1]->pfn),
       "different contents, different frames");
    for (i = 0, bad = 0; i < nr_slots; i++)
        bad += !intact(&slots[i]);
    is(bad, 0, "all %u pages still hold their contents", nr_slots);
    test_diag("frame_info of a shared pfn: count %u (our own references: 2)",
              frame_info(common[0]->pfn).count);
}

/*
 * A freed shared page leaves its frame with no copy: decrease_reservation,
 * once the domain maps the frame no more, or still has another pfn on it
 * (a zero page: the eleven others keep the zero frame mapped). The pfn can
 * then be populated again, with a fresh zeroed frame.
 */
static void test_drop_shared(void)
{
    struct slot *z = zero[NR_ZERO - 1];
    uint32_t pfn = z->pfn, va = (uint32_t)page_of(z);
    uint32_t zf = pfn_to_mfn(z->pfn), ref = zf;
    struct xen_memory_reservation res = { .extent_start = &ref,
                                          .nr_extents = 1,
                                          .domid = DOMID_SELF };

    ref = pfn;
    is(HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG), 0,
       "unmap a shared zero page");
    is(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res), 1,
       "decrease_reservation of it: done, no copy");
    ok(pfn_to_mfn(pfn) == INVALID_P2M_ENTRY && is_shared(pfn) < 0,
       "  the pfn has no frame now");
    ok(is_shared(zero[0]->pfn) == 1 && pfn_to_mfn(zero[0]->pfn) == zf,
       "  the other zero pages stay on the zero frame");
    ref = pfn;
    is(HYPERVISOR_memory_op(XENMEM_populate_physmap, &res), 1,
       "populate it again");
    is(HYPERVISOR_update_va_mapping(va, ((uint64_t)ref << PAGE_SHIFT) | PTE_RW,
                                    UVMF_INVLPG),
       0, "map the new frame");
    ok(ref != zf && pfn_to_mfn(pfn) == ref && !is_shared(pfn) && intact(z),
       "  a private frame, all zero (as the slot was)");
    z->broken = true; /* no longer shared, as a CoW break leaves a page */
    is(audit(), 0, "audit after the drop");
}

/* What may not be done to a page that is shared. */
static void test_on_shared(void)
{
    struct slot *s = common[1];
    uint32_t mfn = pfn_to_mfn(s->pfn), spare = pte_maddr(SPARE_VA);
    uint32_t va = (uint32_t)page_of(s), pfn = s->pfn;
    struct xen_memory_reservation res = { .extent_start = &pfn,
                                          .nr_extents = 1,
                                          .domid = DOMID_SELF };
    struct share_req r;
    long rc;

    is(probe_write(page_of(s) + 3, 0xBAD), 14,
       "a write to a shared page faults");
    ok((last_fault.error_code & (PFEC_PRESENT | PFEC_WRITE)) ==
               (PFEC_PRESENT | PFEC_WRITE) &&
           shared_info->vcpu_info[0].arch.cow_mfn == mfn,
       "  a write to a present page; cow_mfn %#x is the shared frame %#x",
       shared_info->vcpu_info[0].arch.cow_mfn, mfn);
    ok(intact(s) && is_shared(s->pfn) == 1,
       "  and the page is unchanged and still shared");
    is(pt_update(spare, ((uint64_t)mfn << PAGE_SHIFT) | PTE_RW), -XEN_EPERM,
       "mmu_update: map our shared frame writable elsewhere: -EPERM");
    is(HYPERVISOR_update_va_mapping(va, ((uint64_t)mfn << PAGE_SHIFT) | PTE_RW,
                                    UVMF_INVLPG),
       -XEN_EPERM, "update_va_mapping: make its own entry writable: -EPERM");
    is(read_pte(s->pte_dm), (mfn << PAGE_SHIFT) | PTE_RO,
       "  the entry is unchanged");
    is(pt_update(spare, ((uint64_t)mfn << PAGE_SHIFT) | PTE_RO), 0,
       "map our shared frame read-only elsewhere: allowed");
    ok(!memcmp((void *)SPARE_VA, page_of(s), PAGE_SIZE),
       "  the same contents there");
    full_req(&r, s, true);
    is(cow_break1(&r), -XEN_EBUSY,
       "cow_break that does not list that mapping: -EBUSY");
    ok(is_shared(s->pfn) == 1 && intact(s) && pfn_to_mfn(s->pfn) == mfn &&
           read_pte(s->pte_dm) == ((mfn << PAGE_SHIFT) | PTE_RO),
       "  the page stays shared and mapped as before");
    /* (mmu_update does not flush the TLB: unmap with an invlpg.) */
    is(HYPERVISOR_update_va_mapping(SPARE_VA, 0, UVMF_INVLPG), 0,
       "unmap it again");
    ok(read_pte(spare) == 0 && probe_read((void *)SPARE_VA) == 14,
       "  nothing mapped there now");
    is(HYPERVISOR_sharing_op(SHAREOP_set_gnttab_bit, s->pfn, 0), -XEN_EBUSY,
       "set_gnttab_bit on a shared page: -EBUSY");
    rc = HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res);
    is(rc, 0, "decrease_reservation of a shared page: 0 extents done");
    ok(pfn_to_mfn(s->pfn) == mfn && is_shared(s->pfn) == 1 && intact(s),
       "  the page is still there, shared");
    full_req(&r, s, false);
    rc = setup1(&r, NULL);
    ok(rc < 0 && is_shared(s->pfn) == 1 && pfn_to_mfn(s->pfn) == mfn,
       "setup_shares of a page already shared fails (%ld), changes nothing",
       rc);
    is(audit(), 0, "audit with shared pages");
}

/*
 * Other domains' shared frames are out of reach, and out of sight: our M2P
 * view shows our private frames only (no SHARED_M2P_ENTRY, nothing of any
 * other domain), so we try every frame not ours, among them the other
 * instances' twins and pair pages, shared by now (we wait for scan passes).
 */
static uint32_t our_mfns[(1U << 20) / 32]; /* a bit for each mfn in our P2M */

static void test_foreign(void)
{
    uint32_t spare = pte_maddr(SPARE_VA), t0 = now_ms(), p0 = scan_passes();
    uint32_t mfn, pfn, tried = 0, mapped = 0, uva = 0, enoent = 0;
    uint32_t shown_other = 0, shown_shared = 0, shown_mine = 0;
    struct share_get_pfn gp;

    while (scan_passes() - p0 <= FOREIGN_WAIT_PASSES &&
           now_ms() - t0 < STARVED_MS)
        nap_ms(20);
    for (mfn = 0; mfn < max_page; mfn++) {
        pfn = machine_to_phys[mfn];
        if (pfn == SHARED_M2P_ENTRY)
            shown_shared++;
        else if (pfn != INVALID_M2P_ENTRY)
            shown_mine += pfn < start_info->nr_pages && p2m[pfn] == mfn;
        if (pfn != INVALID_M2P_ENTRY &&
            !(pfn < start_info->nr_pages && p2m[pfn] == mfn))
            shown_other++;
    }
    is(shown_shared, 0, "our M2P view has no SHARED_M2P_ENTRY at all");
    is(shown_other, 0, "  and no entry for a frame not ours (%u of ours)",
       shown_mine);
    for (pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (p2m[pfn] < max_page)
            our_mfns[p2m[pfn] / 32] |= 1U << (p2m[pfn] % 32);
    /* Ours to read too, though in no P2M: shared info and the P2M. */
    mfn = start_info->shared_info >> PAGE_SHIFT;
    our_mfns[mfn / 32] |= 1U << (mfn % 32);
    for (pfn = 0; pfn < start_info->nr_pages; pfn += PAGE_SIZE / 4) {
        mfn = read_pte(pte_maddr((uint32_t)&p2m[pfn])) >> PAGE_SHIFT;
        our_mfns[mfn / 32] |= 1U << (mfn % 32);
    }
    for (mfn = 0x100; mfn < max_page && mfn < (1U << 20); mfn++) {
        if (our_mfns[mfn / 32] & (1U << (mfn % 32)))
            continue;
        tried++;
        mapped += pt_update(spare, ((uint64_t)mfn << PAGE_SHIFT) | PTE_RO) ==
                  -XEN_EPERM;
        if (mfn % 5)
            continue;
        uva += HYPERVISOR_update_va_mapping(
                   SPARE_VA, ((uint64_t)mfn << PAGE_SHIFT) | PTE_RO,
                   UVMF_INVLPG) == -XEN_EPERM;
        enoent += get_pfn(mfn, &gp) == -XEN_ENOENT;
    }
    ok(tried > 4096 && mapped == tried,
       "mmu_update: mapping any frame not ours read-only: -EPERM (%u of %u, "
       "the others' shared frames among them)",
       mapped, tried);
    ok(uva && uva == enoent,
       "update_va_mapping: the same; get_pfn: -ENOENT, as for a frame "
       "nobody shares (%u and %u, 1 frame in 5)",
       uva, enoent);
    is(probe_read((void *)SPARE_VA), 14, "  nothing got mapped");
}

/* --- Copy-on-write (the writer) ------------------------------------------- */

static bool cow_armed;
static volatile unsigned int cow_faults, cow_mismatch;
static volatile uint32_t last_cow_mfn;

/* enomem=N: the breaks that needed a new frame (the hypervisor's count,
 * as no other instance makes any), those that failed, and the failures
 * that came at the wrong break or left the page wrong. */
static unsigned int enomem_period;
static volatile unsigned int copy_attempts, enomem_fails, enomem_wrong;
static volatile bool enomem_retrying;
static struct {
    long rc;
    int status;
    bool shared, intact, ro; /* after the failure */
} enomem_last;

/*
 * The outcome of one break under enomem=N. A break that got the shared
 * frame itself back (the last user) needed no new frame; every other one
 * is counted, and exactly every Nth must fail with -ENOMEM and change
 * nothing. A failed break returns true: the write runs again, faults
 * again, and the next break (not an Nth) gets its frame.
 */
static bool enomem_outcome(struct slot *s, uint32_t cow, long rc, int status)
{
    bool nth = (copy_attempts + 1) % enomem_period == 0;
    uint32_t ro = (cow << PAGE_SHIFT) | PTE_RO;

    if (rc == 1) {
        if (pfn_to_mfn(s->pfn) != cow) {
            copy_attempts++;
            enomem_wrong += nth;
        }
        enomem_retrying = false;
        cow_faults++;
        return true;
    }
    copy_attempts++;
    enomem_last.rc = rc;
    enomem_last.status = status;
    enomem_last.shared = is_shared(s->pfn) == 1 && pfn_to_mfn(s->pfn) == cow &&
                         machine_to_phys[cow] == INVALID_M2P_ENTRY;
    enomem_last.intact = intact(s);
    enomem_last.ro = read_pte(s->pte_dm) == ro &&
                     (!s->alias_va || read_pte(s->pte_alias) == ro);
    if (rc != 0 || status != -XEN_ENOMEM || enomem_retrying) {
        enomem_wrong++;
        return false; /* not the induced failure: the write stays faulting */
    }
    enomem_fails++;
    enomem_wrong +=
        !nth || !enomem_last.shared || !enomem_last.intact || !enomem_last.ro;
    enomem_retrying = true;
    return true;
}

/*
 * A write to a shared page: cow_mfn names the frame. Break the share with
 * every entry that maps the page (writable again where it was) and let the
 * write run again.
 */
static bool on_page_fault(struct guest_regs *regs)
{
    uint32_t va = shared_info->vcpu_info[0].arch.cr2;
    uint32_t cow = shared_info->vcpu_info[0].arch.cow_mfn;
    struct share_req r;
    struct slot *s;
    long rc;

    if (!cow_armed || !cow ||
        (regs->error_code & (PFEC_PRESENT | PFEC_WRITE)) !=
            (PFEC_PRESENT | PFEC_WRITE))
        return false;
    s = slot_of_va(va);
    if (!s)
        return false;
    last_cow_mfn = cow;
    if (pfn_to_mfn(s->pfn) != cow) {
        cow_mismatch++;
        return false;
    }
    full_req(&r, s, true);
    if (enomem_period) {
        r.status = 0;
        rc = sharing_op(SHAREOP_cow_break, &r, 1);
        return enomem_outcome(s, cow, rc, r.status);
    }
    if (cow_break1(&r))
        return false;
    cow_faults++;
    return true;
}

/* s's contents from now on: its pattern with word idx = v. */
static void expect_word(struct slot *s, unsigned int idx, uint32_t v)
{
    static uint32_t tmp[PAGE_SIZE / 4];

    fill(tmp, s->tag, s->a, s->b);
    tmp[idx] = v;
    s->sum = checksum(tmp);
    s->broken = true;
}

/* Write v to word idx of s through va (its direct map or alias). */
static unsigned int cow_write(struct slot *s, uint32_t va, unsigned int idx,
                              uint32_t v)
{
    unsigned int before = cow_faults;

    ((volatile uint32_t *)va)[idx] = v;
    expect_word(s, idx, v);
    return cow_faults - before;
}

static bool private_rw(const struct slot *s, uint32_t pte_maddr_)
{
    return read_pte(pte_maddr_) ==
           ((pfn_to_mfn(s->pfn) << PAGE_SHIFT) | PTE_RW);
}

static void test_cow(void)
{
    struct slot *c = common[0], *z = zero[0], *ar = alias[2], *ao = alias[1];
    uint32_t cf = pfn_to_mfn(c->pfn), zf = pfn_to_mfn(z->pfn);
    uint32_t tf = pfn_to_mfn(twin[0]->pfn), af = pfn_to_mfn(ar->pfn);
    uint32_t spare = pte_maddr(SPARE_VA);
    struct share_get_pfn gp;
    unsigned int n, i;

    is(get_pfn(cf, &gp), 1, "before: get_pfn names our common page 0 on %#x",
       cf);
    cow_armed = true;

    n = cow_write(c, (uint32_t)page_of(c), 5, 0xC0DEC0DE);
    is(n, 1,
       "a write to shared common page 0 faulted once; the handler "
       "broke the share and the write ran again");
    is(last_cow_mfn, cf, "  cow_mfn named the shared frame %#x", cf);
    is(page_of(c)[5], 0xC0DEC0DE, "  the writer reads its write back");
    ok(intact(c), "  the rest of the page kept its contents");
    is(is_shared(c->pfn), 0, "  the page is private again");
    ok(pfn_to_mfn(c->pfn) != cf &&
           machine_to_phys[pfn_to_mfn(c->pfn)] == c->pfn,
       "  on a fresh frame of its own (%#x)", pfn_to_mfn(c->pfn));
    ok(private_rw(c, c->pte_dm), "  its direct mapping is writable again");
    for (i = FIRST_MORE, n = 0; i < FIRST_MORE + NR_MORE; i++) {
        struct slot *m = common[i];
        uint32_t old = pfn_to_mfn(m->pfn);

        n += cow_write(m, (uint32_t)page_of(m), i, 0xC0DE0000 + i) == 1 &&
             last_cow_mfn == old && pfn_to_mfn(m->pfn) != old &&
             !is_shared(m->pfn) && intact(m) && private_rw(m, m->pte_dm);
    }
    is(n, NR_MORE, "writes to common pages %u..%u: each broken the same way",
       FIRST_MORE, FIRST_MORE + NR_MORE - 1);

    n = cow_write(z, (uint32_t)page_of(z), 0, 1);
    ok(n == 1 && last_cow_mfn == zf && page_of(z)[0] == 1 && intact(z) &&
           !is_shared(z->pfn) && private_rw(z, z->pte_dm),
       "a write to a zero page: broken the same way");
    ok(is_shared(zero[1]->pfn) == 1 && pfn_to_mfn(zero[1]->pfn) == zf &&
           intact(zero[1]),
       "  our other zero pages stay on the zero frame");

    n = cow_write(twin[0], (uint32_t)page_of(twin[0]), 7, 0x7717);
    ok(n == 1 && intact(twin[0]) && !is_shared(twin[0]->pfn) &&
           pfn_to_mfn(twin[0]->pfn) != tf &&
           private_rw(twin[0], twin[0]->pte_dm),
       "a write to the first twin: a copy");
    ok(is_shared(twin[1]->pfn) == 1 && get_pfn(tf, &gp) == 1 &&
           gp.pfns[0] == twin[1]->pfn,
       "  the second twin is alone on the frame now");
    n = cow_write(twin[1], (uint32_t)page_of(twin[1]), 7, 0x7727);
    ok(n == 1 && intact(twin[1]) && !is_shared(twin[1]->pfn) &&
           private_rw(twin[1], twin[1]->pte_dm),
       "a write to the second twin: broken too");
    ok(pfn_to_mfn(twin[1]->pfn) == tf && machine_to_phys[tf] == twin[1]->pfn,
       "  the last user got the shared frame itself back (no copy)");

    n = cow_write(ar, ar->alias_va, 9, 0xA11A5);
    ok(n == 1 && last_cow_mfn == af && page_of(ar)[9] == 0xA11A5 && intact(ar),
       "a write through a writable alias: broken, seen in the direct map");
    ok(private_rw(ar, ar->pte_dm) && private_rw(ar, ar->pte_alias),
       "  both entries writable again, on the new frame");

    n = cow_write(ao, (uint32_t)page_of(ao), 9, 0xA11A6);
    ok(n == 1 && ((volatile uint32_t *)ao->alias_va)[9] == 0xA11A6 &&
           intact(ao) && private_rw(ao, ao->pte_dm),
       "a write to a page with a read-only alias: broken");
    ok(read_pte(ao->pte_alias) ==
               ((pfn_to_mfn(ao->pfn) << PAGE_SHIFT) | PTE_RO) &&
           probe_write((void *)ao->alias_va, 0) == 14 &&
           shared_info->vcpu_info[0].arch.cow_mfn == 0,
       "  the alias stays read-only; a write there faults with cow_mfn 0");
    is(cow_mismatch, 0, "every fault's cow_mfn was the frame in our P2M");
    if (enomem_period)
        ok(enomem_fails >= 2 && !enomem_wrong,
           "every break that needed a new frame and was a multiple of %u "
           "failed with -ENOMEM, no other did (%u of %u); each left its page "
           "shared, unchanged and read-only; the break after it succeeded",
           enomem_period, enomem_fails, copy_attempts);
    cow_armed = false;

    ok(machine_to_phys[cf] == INVALID_M2P_ENTRY && !mine(cf),
       "the frame common page 0 left is not ours (still shared by the "
       "readers, which our view does not show)");
    is(pt_update(spare, ((uint64_t)cf << PAGE_SHIFT) | PTE_RO), -XEN_EPERM,
       "  mapping it now: -EPERM");
    is(get_pfn(cf, &gp), -XEN_ENOENT, "  get_pfn of it now: -ENOENT");
    is(audit(), 0, "audit after the breaks");
}

/*
 * enomem=N: the hypervisor fails every Nth break that needs a new frame.
 * No instance has made one yet, so the writes to common[6..6+N-2] get a
 * frame at once and the write to common[6+N-1] hits the failure: its
 * break returns -ENOMEM, the handler checks the page and lets the write
 * run again, and the next break succeeds.
 */
static void test_enomem(void)
{
    struct slot *f = common[FIRST_ENOMEM + enomem_period - 1];
    uint32_t fmfn = pfn_to_mfn(f->pfn), t0 = now_ms();
    unsigned int i, n, first = 0;

    /* The hypervisor's log line for the failure must not fall under the
     * rate limit of guest-caused lines (GUEST_LOG_BURST a second), which
     * the tests before have used up: wait for a new period. */
    while (now_ms() - t0 < 1100)
        nap_ms(100);
    cow_armed = true;
    for (i = 0; i < enomem_period - 1; i++) {
        struct slot *m = common[FIRST_ENOMEM + i];

        n = cow_write(m, (uint32_t)page_of(m), 3, 0xE0000000U + i);
        first += n == 1 && !enomem_fails && !is_shared(m->pfn) && intact(m) &&
                 private_rw(m, m->pte_dm);
    }
    is(first, enomem_period - 1,
       "enomem=%u: breaks 1..%u (common pages %u..) got a new frame at once",
       enomem_period, enomem_period - 1, FIRST_ENOMEM);
    n = cow_write(f, (uint32_t)page_of(f), 3, 0xE00000FFU);
    is(enomem_fails, 1,
       "break %u (common page %u) failed once, the write ran again",
       enomem_period, FIRST_ENOMEM + enomem_period - 1);
    is(enomem_last.status, -XEN_ENOMEM, "  the request's status: -ENOMEM");
    is(enomem_last.rc, 0, "  cow_break returned 0: nothing broken");
    ok(enomem_last.shared && enomem_last.intact,
       "  after it the page was still shared (is_shared_page 1, the same "
       "frame %#x in the P2M, not in our M2P view) with its old contents",
       fmfn);
    ok(enomem_last.ro, "  its direct-map entry still mapped that frame "
                       "read-only");
    ok(n == 1 && last_cow_mfn == fmfn && page_of(f)[3] == 0xE00000FFU &&
           intact(f),
       "  the next break succeeded and the write landed");
    ok(!is_shared(f->pfn) && pfn_to_mfn(f->pfn) != fmfn &&
           private_rw(f, f->pte_dm),
       "  the page is private, on a new frame, mapped writable");
    ok(machine_to_phys[fmfn] == INVALID_M2P_ENTRY && !mine(fmfn),
       "  the frame it left is not ours (still shared by the readers)");
    is(audit(), 0, "audit after the failed break");
    cow_armed = false;
}

/* --- The run -------------------------------------------------------------- */

static void final_checks(void)
{
    unsigned int i, bad = 0, wrong = 0;

    for (i = 0; i < nr_slots; i++) {
        struct slot *s = &slots[i];
        long want = s->want_shared && !s->broken;

        bad += !intact(s);
        wrong += is_shared(s->pfn) != want;
    }
    is(bad, 0, "at the end, all %u pages hold what they must (checksums)",
       nr_slots);
    is(wrong, 0,
       "at the end, exactly the pages that must be are shared "
       "(no unique page ever)");
    is(audit(), 0, "final audit");
}

/* Checks: every instance's, test_foreign()'s, test_cow()'s; the writer
 * also binds its channels and hears READY, a reader allocates its port,
 * hears DONE and checks common page 0. */
#define PLAN_COMMON  91
#define PLAN_FOREIGN 5
#define PLAN_COW     24
#define PLAN_WRITER  (PLAN_COMMON + PLAN_FOREIGN + PLAN_COW + 2)
#define PLAN_READER  (PLAN_COMMON + PLAN_FOREIGN + 3)

/* With enomem=N: test_enomem()'s, test_cow()'s one more; a reader's one. */
#define PLAN_ENOMEM_WRITER (10 + 1)
#define PLAN_ENOMEM_READER 1

void test_main(void)
{
    char role[16];
    unsigned int i;
    int port = 0;

    seed = (uint32_t)cmdline_get_ulong("seed", start_info->domid);
    nr_inst = (uint32_t)cmdline_get_ulong("n", 3);
    writer = cmdline_get("role", role, sizeof(role)) && !strcmp(role, "writer");
    writer_dom = (domid_t)cmdline_get_ulong("writer", 1);
    enomem_period = (unsigned int)cmdline_get_ulong("enomem", 0);
    GUEST_BUG_ON(enomem_period == 1 || enomem_period > MAX_ENOMEM);
    if (!writer) {
        /* First, so that it is port 1: the writer binds to it. */
        struct evtchn_alloc_unbound au = { .dom = DOMID_SELF,
                                           .remote_dom = writer_dom };

        if (!HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au))
            port = (int)au.port;
    }
    test_plan(writer ? PLAN_WRITER + (enomem_period ? PLAN_ENOMEM_WRITER : 0)
                     : PLAN_READER + (enomem_period ? PLAN_ENOMEM_READER : 0));
    test_diag("%s, seed %u, %u instances, enomem %u",
              writer ? "writer" : "reader", seed, nr_inst, enomem_period);
    if (!writer) {
        is(port, 1, "allocated port 1 for the writer d%u", writer_dom);
        bind_evtchn_handler(1, on_port);
    }
    ok(bind_virq(VIRQ_TIMER, on_timer) > 0, "bind VIRQ_TIMER");
    set_trap_handler(14, on_page_fault);
    max_page = (uint32_t)HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    foreign_mfn = find_foreign_frame();
    if (writer)
        connect_readers();

    test_register();
    make_pages();
    map_and_mark();
    test_before_sharing();
    share_phase();
    test_shared();
    test_on_shared();
    test_drop_shared();

    if (writer) {
        uint32_t t0 = now_ms();
        unsigned int ready;

        for (;;) {
            for (i = 0, ready = 0; i < nr_readers; i++)
                ready += port_hits[reader_port[i]] > 0;
            if (ready == nr_readers || now_ms() - t0 > PEER_WAIT_MS)
                break;
            nap_ms(20);
        }
        ok(ready == nr_readers, "all %u readers said READY (%u ms)", nr_readers,
           now_ms() - t0);
        test_foreign();
        if (enomem_period)
            test_enomem();
        test_cow();
        for (i = 0; i < nr_readers; i++)
            send_event(reader_port[i]);
    } else {
        uint32_t t0, n;

        test_foreign();
        t0 = now_ms();
        while (!port_hits[1] && now_ms() - t0 < PEER_WAIT_MS) {
            send_event(1); /* READY, until the writer answers */
            nap_ms(50);
        }
        ok(port_hits[1], "the writer said DONE (%u ms)", now_ms() - t0);
        for (i = FIRST_MORE, n = 0; i < FIRST_MORE + NR_MORE; i++)
            n += is_shared(common[i]->pfn) == 1 && intact(common[i]);
        ok(is_shared(common[0]->pfn) == 1 && intact(common[0]) && n == NR_MORE,
           "common pages 0 and %u..%u, which the writer wrote to, are still "
           "shared here and hold the old contents",
           FIRST_MORE, FIRST_MORE + NR_MORE - 1);
        for (i = 0, n = 0; i < enomem_period; i++)
            n += is_shared(common[FIRST_ENOMEM + i]->pfn) == 1 &&
                 intact(common[FIRST_ENOMEM + i]);
        if (enomem_period)
            ok(n == enomem_period,
               "common pages %u..%u (the writer's enomem test, one break "
               "of them failed) are still shared here, unchanged",
               FIRST_ENOMEM, FIRST_ENOMEM + enomem_period - 1);
    }
    final_checks();
}
