/*
 * tmem - the tmem ABI (public/tmem.h) from a bare guest's side: private
 * ephemeral pools (exclusive gets, flushes of a page, an object, a pool),
 * persistent pools (refused until the guest balloons, bounded by its
 * maximum), a pool shared by a share group, and what a hostile guest may
 * try: bad pool ids, commands, flags and pfns, a get into its own page
 * directory, another domain's pool, pools made and destroyed in a loop,
 * put storms past the pool's room. Prints TAP.
 *
 * Command line: "role=owner" (in a share group: makes the group's shared
 * pool, puts a page in it, and waits for the peer to say it is done),
 * "role=peer" (in the same group: joins the shared pool and finds the
 * owner's page), "role=stranger" (in no group or another one: sees none
 * of it). Every role runs the private-pool checks. Waits are for the other
 * domain's puts, bounded by a number of yields, never by time.
 *
 * "role=bench" measures instead (a benchmark, under -icount): the TSC
 * cycles of BENCH_PAGES puts of distinct pages, of as many gets, of as
 * many page copies and of as many null hypercalls, and prints them with
 * put / (copy + hypercall) and get / (copy + hypercall).
 */
#include <guest/test.h>

#define PTE_RW                                                                 \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define MAX_YIELDS 2000000 /* a peer that never puts: fail, do not hang */
#define STORM      3000    /* puts of distinct pages into one pool      */
#define LOOP       500     /* pools made and destroyed                  */
#define GIVEN      8       /* pages given back for the persistent room   */

static const uint64_t shared_uuid[2] = { 0x7e57, 0x5ea1 };
static const struct tmem_oid shared_oid = { { 9, 0, 0 } };

static long op(uint32_t cmd, int32_t pool, const struct tmem_oid *oid,
               uint32_t index, void *page)
{
    struct tmem_op o = { .cmd = cmd, .pool_id = pool };

    if (oid)
        o.u.gen.oid = *oid;
    o.u.gen.index = index;
    o.u.gen.pfn = page ? virt_to_pfn(page) : 0;
    return HYPERVISOR_tmem_op(&o);
}

static long new_pool(uint32_t flags, const uint64_t *uuid)
{
    struct tmem_op o = { .cmd = TMEM_NEW_POOL };

    o.u.creat.flags = flags;
    if (uuid) {
        o.u.creat.uuid[0] = uuid[0];
        o.u.creat.uuid[1] = uuid[1];
    }
    return HYPERVISOR_tmem_op(&o);
}

static void fill(uint32_t *p, uint32_t seed)
{
    for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
        p[i] = seed * 2654435761U + i;
}

static bool holds(const uint32_t *p, uint32_t seed)
{
    for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
        if (p[i] != seed * 2654435761U + i)
            return false;
    return true;
}

static void test_private(uint32_t *a, uint32_t *b)
{
    struct tmem_oid o1 = { { 1, 2, 3 } }, o2 = { { 4, 5, 6 } };
    long pool = new_pool(0, NULL);
    unsigned int i;

    ok(pool >= 0 && pool < TMEM_MAX_POOLS, "a private ephemeral pool (%ld)",
       pool);
    fill(a, 11);
    is(op(TMEM_PUT_PAGE, pool, &o1, 0, a), 1, "put a page");
    is(op(TMEM_PUT_PAGE, pool, &o1, 1, a), 1, "put the same contents again");
    memset(b, 0, PAGE_SIZE);
    is(op(TMEM_GET_PAGE, pool, &o1, 0, b), 1, "get it");
    ok(holds(b, 11), "with its contents");
    is(op(TMEM_GET_PAGE, pool, &o1, 0, b), 0,
       "a private ephemeral get is exclusive: a second one misses");
    is(op(TMEM_GET_PAGE, pool, &o1, 1, b), 1, "the twin is still there");
    is(op(TMEM_GET_PAGE, pool, &o2, 0, b), 0, "a page never put misses");
    fill(b, 99);
    is(op(TMEM_GET_PAGE, pool, &o2, 7, b), 0, "a miss ...");
    ok(holds(b, 99), "... leaves the page alone");

    fill(a, 12);
    is(op(TMEM_PUT_PAGE, pool, &o1, 2, a), 1, "put");
    fill(a, 13);
    is(op(TMEM_PUT_PAGE, pool, &o1, 2, a), 1, "put other contents, same name");
    is(op(TMEM_GET_PAGE, pool, &o1, 2, b), 1, "get");
    ok(holds(b, 13), "the newer contents come back");

    is(op(TMEM_PUT_PAGE, pool, &o1, 3, a), 1, "put");
    is(op(TMEM_FLUSH_PAGE, pool, &o1, 3, NULL), 1, "flush it");
    is(op(TMEM_FLUSH_PAGE, pool, &o1, 3, NULL), 0, "flush it again: gone");
    is(op(TMEM_GET_PAGE, pool, &o1, 3, b), 0, "a flushed page misses");

    for (i = 0; i < 5; i++) {
        fill(a, 100 + i);
        op(TMEM_PUT_PAGE, pool, &o2, i, a);
    }
    op(TMEM_PUT_PAGE, pool, &o1, 4, a);
    is(op(TMEM_FLUSH_OBJECT, pool, &o2, 0, NULL), 5, "flush an object: 5 pages");
    is(op(TMEM_GET_PAGE, pool, &o2, 2, b), 0, "its pages miss");
    is(op(TMEM_FLUSH_POOL, pool, NULL, 0, NULL), 1,
       "flush the pool: the other object's page");
    is(op(TMEM_GET_PAGE, pool, &o1, 4, b), 0, "it misses");

    /* A storm of distinct pages: each put stored or refused, never an
     * error; the pool keeps what it kept intact. */
    unsigned int stored = 0, wrong = 0, errors = 0, hits = 0;

    for (i = 0; i < STORM; i++) {
        long r;

        fill(a, 1000 + i);
        r = op(TMEM_PUT_PAGE, pool, &o1, i, a);
        stored += r == 1;
        errors += r < 0;
    }
    for (i = 0; i < STORM; i++) {
        long r = op(TMEM_GET_PAGE, pool, &o1, i, b);

        hits += r == 1;
        errors += r < 0;
        wrong += r == 1 && !holds(b, 1000 + i);
    }
    is(errors, 0, "a put storm of %u pages: no errors (%u stored, %u got back)",
       STORM, stored, hits);
    ok(stored > 0 && hits > 0 && hits <= stored, "some stored, got back");
    is(wrong, 0, "every page got back holds what was put");
    is(op(TMEM_DESTROY_POOL, pool, NULL, 0, NULL), 0, "destroy the pool");
    is(op(TMEM_PUT_PAGE, pool, &o1, 0, a), -XEN_EINVAL,
       "a destroyed pool's id is no pool");
}

/* The persistent pool: only for a guest that balloons, never past its
 * maximum counting its populated pfns. */
static void test_persistent(uint32_t *a, uint32_t *b)
{
    struct tmem_oid o = { { 77, 0, 0 } };
    struct xen_balloon_report r = { 0 };
    xen_pfn_t list[GIVEN];
    void *given[GIVEN];
    long pool = new_pool(TMEM_POOL_PERSIST, NULL), rc;
    unsigned int i, stored = 0;

    ok(pool >= 0, "a persistent pool (%ld)", pool);
    fill(a, 21);
    is(op(TMEM_PUT_PAGE, pool, &o, 0, a), 0,
       "a guest that does not balloon gets no persistent room");
    r.need_pages = start_info->nr_pages;
    is(HYPERVISOR_memory_op(XENMEM_balloon_report, &r), 0, "report: balloon");
    is(op(TMEM_PUT_PAGE, pool, &o, 0, a), 0,
       "at its maximum it still gets none");
    for (i = 0; i < GIVEN; i++) {
        given[i] = alloc_page();
        list[i] = virt_to_pfn(given[i]);
        HYPERVISOR_update_va_mapping((uint32_t)given[i], 0, UVMF_INVLPG);
    }
    struct xen_memory_reservation res = { .extent_start = list,
                                          .nr_extents = GIVEN,
                                          .domid = DOMID_SELF };
    is(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res), GIVEN,
       "give %u pages back", GIVEN);
    for (i = 0; i < GIVEN + 4; i++) {
        fill(a, 300 + i);
        rc = op(TMEM_PUT_PAGE, pool, &o, i, a);
        if (rc != 1)
            break;
        stored++;
    }
    is(stored, GIVEN, "then exactly as many persistent pages fit");
    is(rc, 0, "and the next put is refused, not an error");
    is(op(TMEM_GET_PAGE, pool, &o, 3, b), 1, "a persistent get");
    ok(holds(b, 303), "with its contents");
    is(op(TMEM_GET_PAGE, pool, &o, 3, b), 1, "a persistent get is not exclusive");
    is(op(TMEM_FLUSH_PAGE, pool, &o, 3, NULL), 1, "flush it");
    fill(a, 999);
    is(op(TMEM_PUT_PAGE, pool, &o, 100, a), 1, "room for one again");
    is(op(TMEM_DESTROY_POOL, pool, NULL, 0, NULL), 0, "destroy the pool");
}

/* What a hostile guest may try. */
static void test_hostile(uint32_t *a)
{
    struct tmem_oid o = { { 5, 5, 5 } };
    struct tmem_op bad = { .cmd = TMEM_NEW_POOL };
    void *pd = (void *)start_info->pt_base;
    uint32_t pd0 = ((uint32_t *)pd)[0];
    long pool = new_pool(0, NULL), pools[TMEM_MAX_POOLS];
    unsigned int i, n = 0, loop_ok = 0;

    is(op(TMEM_PUT_PAGE, -1, &o, 0, a), -XEN_EINVAL, "pool -1");
    is(op(TMEM_PUT_PAGE, TMEM_MAX_POOLS, &o, 0, a), -XEN_EINVAL,
       "pool TMEM_MAX_POOLS");
    is(op(TMEM_GET_PAGE, pool + 1, &o, 0, a), -XEN_EINVAL, "a pool never made");
    is(op(99, pool, &o, 0, a), -XEN_ENOSYS, "an unknown command");
    is(op(3, pool, &o, 0, a), -XEN_ENOSYS, "command 3 (Xen's unused)");
    bad.u.creat.flags = 4;
    is(HYPERVISOR_tmem_op(&bad), -XEN_EINVAL, "an unknown flag");
    bad.u.creat.flags = TMEM_POOL_PERSIST | TMEM_POOL_SHARED;
    is(HYPERVISOR_tmem_op(&bad), -XEN_EINVAL, "a shared persistent pool");
    bad.u.creat.flags = 0;
    bad.u.creat.arg1 = 1;
    is(HYPERVISOR_tmem_op(&bad), -XEN_EINVAL, "arg1 not 0");
    is(HYPERVISOR_tmem_op((void *)0xFFFFF000U), -XEN_EFAULT,
       "the structure in the hypervisor's memory");
    is(HYPERVISOR_tmem_op(NULL), -XEN_EFAULT, "a NULL structure");

    struct tmem_op far = { .cmd = TMEM_PUT_PAGE, .pool_id = (int32_t)pool };
    far.u.gen.pfn = start_info->nr_pages;
    is(HYPERVISOR_tmem_op(&far), -XEN_EINVAL, "put from a pfn beyond memory");
    far.cmd = TMEM_GET_PAGE;
    far.u.gen.pfn = 0xFFFFFFFFU;
    is(HYPERVISOR_tmem_op(&far), -XEN_EINVAL, "get into pfn 0xffffffff");

    fill(a, 31);
    is(op(TMEM_PUT_PAGE, pool, &o, 0, a), 1, "put");
    is(op(TMEM_PUT_PAGE, pool, &o, 1, pd), 1,
       "a put may copy from a page table (reading it harms no one)");
    is(op(TMEM_GET_PAGE, pool, &o, 0, pd), -XEN_EPERM,
       "a get into the page directory is refused");
    is(((uint32_t *)pd)[0], pd0, "which is unchanged");
    is(op(TMEM_GET_PAGE, pool, &o, 0, a), 1, "the page is still there");

    for (i = 0; i < TMEM_MAX_POOLS; i++) {
        long p = new_pool(0, NULL);

        if (p >= 0)
            pools[n++] = p;
    }
    is(n, TMEM_MAX_POOLS - 1, "pools up to TMEM_MAX_POOLS");
    is(new_pool(0, NULL), -XEN_ENOSPC, "one more: -ENOSPC");
    for (i = 0; i < n; i++)
        op(TMEM_DESTROY_POOL, pools[i], NULL, 0, NULL);
    for (i = 0; i < LOOP; i++) {
        long p = new_pool(i & 1 ? TMEM_POOL_PERSIST : 0, NULL);

        fill(a, 5000 + i);
        loop_ok += p >= 0 && op(TMEM_PUT_PAGE, p, &o, i, a) >= 0 &&
                   op(TMEM_DESTROY_POOL, p, NULL, 0, NULL) == 0;
    }
    is(loop_ok, LOOP, "%u pools made, put into and destroyed", LOOP);
    is(op(TMEM_DESTROY_POOL, pool, NULL, 0, NULL), 0, "destroy");
}

/* Wait (yielding) for a page of the shared pool; true if it came. */
static bool wait_shared(long pool, uint32_t index, uint32_t *b)
{
    for (unsigned int i = 0; i < MAX_YIELDS; i++) {
        if (op(TMEM_GET_PAGE, pool, &shared_oid, index, b) == 1)
            return true;
        HYPERVISOR_sched_op(SCHEDOP_yield, 0);
    }
    return false;
}

static void test_shared(const char *role, uint32_t *a, uint32_t *b)
{
    long pool = new_pool(TMEM_POOL_SHARED, shared_uuid);

    if (!strcmp(role, "stranger")) {
        long mine = new_pool(0, NULL);

        ok(pool == -XEN_EPERM || pool >= 0,
           "a shared pool outside the owner's group: refused or its own (%ld)",
           pool);
        if (pool >= 0) {
            is(op(TMEM_GET_PAGE, pool, &shared_oid, 1, b), 0,
               "the owner's page is not in it");
            op(TMEM_DESTROY_POOL, pool, NULL, 0, NULL);
        }
        is(op(TMEM_GET_PAGE, mine, &shared_oid, 1, b), 0,
           "nor in a private pool of the same id space");
        for (int id = 0; id < TMEM_MAX_POOLS; id++)
            if (id != mine)
                is(op(TMEM_FLUSH_POOL, id, NULL, 0, NULL), -XEN_EINVAL,
                   "flush pool %d: not the stranger's", id);
        op(TMEM_DESTROY_POOL, mine, NULL, 0, NULL);
        return;
    }
    ok(pool >= 0, "the group's shared pool (%ld)", pool);
    is(new_pool(TMEM_POOL_SHARED, shared_uuid), -XEN_EEXIST,
       "the same shared pool twice");
    if (!strcmp(role, "owner")) {
        fill(a, 41);
        is(op(TMEM_PUT_PAGE, pool, &shared_oid, 1, a), 1, "put a shared page");
        ok(wait_shared(pool, 2, b), "the peer says it is done");
        ok(holds(b, 42), "with the peer's page");
        is(op(TMEM_GET_PAGE, pool, &shared_oid, 1, b), 1,
           "a shared get is not exclusive: the page is still there");
        ok(holds(b, 41), "unchanged by the peer's attempt");
    } else {
        ok(wait_shared(pool, 1, b), "the owner's page is a hit here");
        ok(holds(b, 41), "with the owner's contents");
        fill(a, 66);
        is(op(TMEM_PUT_PAGE, pool, &shared_oid, 1, a), -XEN_EEXIST,
           "other contents under its name are refused");
        fill(a, 41);
        is(op(TMEM_PUT_PAGE, pool, &shared_oid, 1, a), 1,
           "the same contents are fine");
        fill(a, 42);
        is(op(TMEM_PUT_PAGE, pool, &shared_oid, 2, a), 1, "say done");
    }
    is(op(TMEM_DESTROY_POOL, pool, NULL, 0, NULL), 0, "leave the shared pool");
}

#define BENCH_PAGES 512

static void bench(void)
{
    static uint32_t *pages[BENCH_PAGES];
    struct tmem_oid o = { { 3, 1, 4 } };
    uint64_t t, copy, null, put, get;
    uint32_t *dst = alloc_page();
    long pool = new_pool(0, NULL);
    unsigned int i, hits = 0, stored = 0;

    for (i = 0; i < BENCH_PAGES; i++) {
        pages[i] = alloc_page();
        fill(pages[i], 7000 + i);
    }
    t = rdtsc_guest();
    for (i = 0; i < BENCH_PAGES; i++)
        memcpy(dst, pages[i], PAGE_SIZE);
    copy = rdtsc_guest() - t;
    t = rdtsc_guest();
    for (i = 0; i < BENCH_PAGES; i++)
        HYPERVISOR_xen_version(XENVER_version, NULL);
    null = rdtsc_guest() - t;
    t = rdtsc_guest();
    for (i = 0; i < BENCH_PAGES; i++)
        stored += op(TMEM_PUT_PAGE, pool, &o, i, pages[i]) == 1;
    put = rdtsc_guest() - t;
    t = rdtsc_guest();
    for (i = 0; i < BENCH_PAGES; i++)
        hits += op(TMEM_GET_PAGE, pool, &o, i, pages[i]) == 1;
    get = rdtsc_guest() - t;
    is(stored, BENCH_PAGES, "every put stored");
    is(hits, BENCH_PAGES, "every get a hit");
    printk("tmem-bench: pages=%u copy=%llu null_hypercall=%llu put=%llu "
           "get=%llu put_per_mille=%llu get_per_mille=%llu\n",
           BENCH_PAGES, copy, null, put, get, put * 1000 / (copy + null),
           get * 1000 / (copy + null));
}

void test_main(void)
{
    char role[16];
    uint32_t *a = alloc_page(), *b = alloc_page();

    if (!cmdline_get("role", role, sizeof(role)))
        strlcpy(role, "owner", sizeof(role));
    if (!strcmp(role, "bench")) {
        bench();
        test_done();
    }
    test_private(a, b);
    test_hostile(a);
    test_shared(role, a, b);
    test_persistent(a, b);
    test_done();
}
