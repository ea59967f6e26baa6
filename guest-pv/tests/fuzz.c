/*
 * fuzz - a hypercall fuzzer: "seed=S calls=N" makes N hypercalls chosen
 * by a seeded generator over every hypercall number (the defined ones most
 * of the time, every other number of 0..63 too) with arguments drawn from
 * the values that break things: zero, small counts, all ones, random
 * words, pointers into a buffer of random bytes (random structures), into
 * the hypervisor's slots, at a page's end, machine frame numbers of this
 * domain, of others, of nothing. Any answer is fine; the hypervisor must
 * not panic, the guests beside must pass their own checks, and at the end
 * this domain's audit must be clean (DEBUGOP_audit).
 *
 * It spares only what would kill the fuzzer itself rather than test the
 * hypervisor: its trap table, event callback, kernel stack, iret (hostile.c forges
 * those), shutdown and block, console writes (noise), its own page
 * directory and page tables as the target of mmu_update, mmuext_op or a
 * remap of the direct map, and base-pointer switches. What it may unmap
 * or give away is a set of target pages it never touches itself.
 * Prints a TAP line per 10 % of the calls and the counts per hypercall.
 */
#include <guest/test.h>
#include <public/io/blkif.h>

#define BUF_PAGES    4  /* argument buffers: random bytes           */
#define SCRATCH_VA   0x20000000U /* an L1 table of its own to fuzz  */
#define TARGET_PAGES 16 /* pages the fuzzer may lose: never touched */
#define NR_HC        64

static uint32_t rng;
static uint32_t *buf[BUF_PAGES];
static void *target[TARGET_PAGES];
static uint32_t pt_mfns[64], nr_pt_mfns; /* our directory and L1 tables */
static uint32_t max_mfn, scratch_l1;
static unsigned long calls_by_nr[NR_HC], errors_by_nr[NR_HC];

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static bool is_pt_mfn(uint32_t mfn)
{
    for (uint32_t i = 0; i < nr_pt_mfns; i++)
        if (pt_mfns[i] == mfn)
            return true;
    return false;
}

static uint32_t target_pfn(void)
{
    return virt_to_pfn(target[rnd() % TARGET_PAGES]);
}

static bool is_target_pfn(uint32_t pfn)
{
    for (unsigned int p = 0; p < TARGET_PAGES; p++)
        if (virt_to_pfn(target[p]) == pfn)
            return true;
    return false;
}

static bool in_buffers(uint32_t va)
{
    for (unsigned int p = 0; p < BUF_PAGES; p++)
        if (va - (uint32_t)buf[p] < PAGE_SIZE)
            return true;
    return false;
}

/* A pointer the hypervisor may write through: not into our own memory,
 * but for the buffers. */
static uint32_t spare_ptr(uint32_t va)
{
    uint32_t lo = start_info->virt_base, hi = lo + start_info->nr_pages * 4096;

    if (va >= lo && va < hi && !in_buffers(va))
        return (uint32_t)buf[rnd() % BUF_PAGES] + (va & (PAGE_SIZE - 4));
    return va;
}

/* One argument value of a kind that breaks things. */
static uint32_t arg(void)
{
    switch (rnd() % 12) {
    case 0: return 0;
    case 1: return rnd() % 32;
    case 2: return 0xFFFFFFFFU;
    case 3: return spare_ptr(rnd());
    case 4:
    case 5: return (uint32_t)buf[rnd() % BUF_PAGES] + (rnd() % PAGE_SIZE & ~3U);
    case 6: return (uint32_t)buf[rnd() % BUF_PAGES] + PAGE_SIZE - 4;
    case 7: return HYPERVISOR_VIRT_START + (rnd() & 0x03FFFFFFU);
    case 8: return target_pfn(); /* a pfn of ours it may lose */
    case 9: return rnd() % (max_mfn + 16);              /* any mfn       */
    case 10: return 0x80000000U;
    default: return spare_ptr(rnd() & ~PAGE_MASK ? rnd() & PAGE_MASK : 0x1000);
    }
}

/* A frame number: ours (a target, a buffer, a page table), the scratch
 * L1, another domain's or nobody's. */
static uint32_t some_mfn(void)
{
    switch (rnd() % 6) {
    case 0: return pfn_to_mfn(virt_to_pfn(target[rnd() % TARGET_PAGES]));
    case 1: return pfn_to_mfn(virt_to_pfn(buf[rnd() % BUF_PAGES]));
    case 2: return pt_mfns[rnd() % nr_pt_mfns];
    case 3: return scratch_l1;
    default: return rnd() % (max_mfn + 16);
    }
}

/* A page-table entry: some frame, random flags. */
static uint32_t some_pte(void)
{
    return some_mfn() << PAGE_SHIFT | (rnd() & 0xFFFU);
}

/* Half the time, arguments shaped like the call's real ones: commands in
 * range, entries in the scratch L1, extents of our pfns, small pools and
 * ports; so that the fuzz reaches past the first check. */
static void shape(uint32_t nr, uint32_t *a)
{
    uint32_t *b = buf[rnd() % BUF_PAGES], i;

    if (rnd() & 1)
        return;
    switch (nr) {
    case __HYPERVISOR_mmu_update:
        a[0] = (uint32_t)b;
        a[1] = 1 + rnd() % 8;
        a[2] = 0;
        a[3] = DOMID_SELF;
        for (i = 0; i < 8; i++) {
            b[4 * i] = scratch_l1 << PAGE_SHIFT | (rnd() % 1024) << 2;
            b[4 * i + 1] = 0;
            b[4 * i + 2] = some_pte();
            b[4 * i + 3] = 0;
        }
        break;
    case __HYPERVISOR_update_va_mapping:
        a[0] = SCRATCH_VA + (rnd() % 1024) * PAGE_SIZE;
        a[1] = some_pte();
        a[2] = 0;
        a[3] = rnd() % 4;
        break;
    case __HYPERVISOR_mmuext_op:
        a[0] = (uint32_t)b;
        a[1] = 1 + rnd() % 4;
        a[2] = 0;
        a[3] = DOMID_SELF;
        for (i = 0; i < 4; i++) {
            b[3 * i] = rnd() % 20;
            b[3 * i + 1] = rnd() & 1 ? some_mfn() : SCRATCH_VA + (rnd() % 1024) * PAGE_SIZE;
        }
        break;
    case __HYPERVISOR_memory_op: {
        struct xen_memory_reservation *r = (void *)b;

        a[0] = rnd() % 16;
        a[1] = (uint32_t)b;
        r->extent_start = (xen_pfn_t *)(b + 64);
        r->nr_extents = rnd() % 8;
        r->extent_order = rnd() % 4 ? 0 : rnd();
        r->mem_flags = 0;
        r->domid = rnd() % 4 ? DOMID_SELF : rnd();
        r->pad = 0;
        for (i = 0; i < 8; i++)
            b[64 + i] = rnd() & 1 ? target_pfn()
                                  : start_info->nr_pages + rnd() % 8;
        break;
    }
    case __HYPERVISOR_tmem_op: {
        struct tmem_op *o = (void *)b;

        a[0] = (uint32_t)b;
        o->cmd = rnd() % 10;
        o->pool_id = (int32_t)(rnd() % 5) - 1;
        if (o->cmd == TMEM_NEW_POOL) {
            o->u.creat.flags = rnd() % 4;
            o->u.creat.arg1 = rnd() % 8 ? 0 : rnd();
        } else {
            o->u.gen.oid.oid[0] = rnd() % 4;
            o->u.gen.index = rnd() % 8;
            o->u.gen.pfn = rnd() & 1 ? virt_to_pfn(target[rnd() % TARGET_PAGES])
                                     : virt_to_pfn(buf[rnd() % BUF_PAGES]);
        }
        break;
    }
    case __HYPERVISOR_event_channel_op:
        a[0] = rnd() % 12;
        a[1] = (uint32_t)b;
        for (i = 0; i < 8; i++)
            b[i] = rnd() % 4 ? rnd() % 64 : DOMID_SELF;
        break;
    case __HYPERVISOR_sharing_op:
    case __HYPERVISOR_blkif_op:
    case __HYPERVISOR_debug_op:
        a[0] = rnd() % 10;
        a[1] = rnd() & 1 ? (uint32_t)b : rnd() % start_info->nr_pages;
        a[2] = rnd() % 4;
        break;
    default:
        break;
    }
}

/* Fill the buffers with random words, sometimes small ones (counts,
 * commands, ports that exist). */
static void scramble(void)
{
    for (unsigned int p = 0; p < BUF_PAGES; p++)
        for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
            buf[p][i] = (rnd() & 3) ? rnd() % 64 : arg();
}

static long hypercall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3,
                      uint32_t a4, uint32_t a5)
{
    long ret;

    asm volatile("int $0x82"
                 : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
                 : "0"(nr)
                 : "memory");
    return ret;
}

/* A target page's VA for a remap that would hit our own direct map. */
static uint32_t sane_va(uint32_t va)
{
    uint32_t lo = start_info->virt_base, hi = lo + start_info->nr_pages * 4096;

    if (va >= lo && va < hi)
        return (uint32_t)target[rnd() % TARGET_PAGES];
    return va;
}

/* The machine address of an entry: not in our own page tables. */
static uint32_t sane_ptr(uint32_t ptr)
{
    return is_pt_mfn(ptr >> PAGE_SHIFT) ? ptr ^ 0x80000000U : ptr;
}

/* Make the call, unless it is one that only kills the fuzzer. */
static void one_call(void)
{
    uint32_t nr = (rnd() % 10) ? (uint32_t[]){ 1, 3, 12, 14, 15, 17, 18, 26,
                                               29, 32, 38, 48, 49, 50 }[rnd() % 14]
                               : rnd() % NR_HC;
    uint32_t a[5] = { arg(), arg(), arg(), arg(), arg() };
    uint32_t *b, i;
    long rc;

    scramble();
    shape(nr, a);
    switch (nr) {
    case __HYPERVISOR_set_trap_table:
    case __HYPERVISOR_set_callbacks:
    case __HYPERVISOR_stack_switch:
    case __HYPERVISOR_iret:
        return;
    case __HYPERVISOR_mmu_update: /* entries in our own tables are spared */
        if (in_buffers(a[0])) {
            b = (uint32_t *)(a[0] & PAGE_MASK);
            for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
                b[2 * i] = sane_ptr(b[2 * i]);
        }
        break;
    case __HYPERVISOR_update_va_mapping:
        a[0] = sane_va(a[0]);
        break;
    case __HYPERVISOR_memory_op: /* extents: pages it may lose, or none
                                    (a shadow-mode domain may give back a
                                    mapped pfn: its stack, say) */
        if ((a[0] & 63) == XENMEM_repay_register && in_buffers(a[1]) &&
            in_buffers(a[1] + 7)) { /* the hypervisor writes the FIFO */
            ((uint32_t *)a[1])[0] = target_pfn();
            ((uint32_t *)a[1])[1] = 1;
        } else if (in_buffers(a[1]) && in_buffers(a[1] + 7)) {
            uint32_t *ext = *(uint32_t **)a[1], n = ((uint32_t *)a[1])[1];

            for (i = 0; in_buffers((uint32_t)ext) && i < n && i < 1024 &&
                        in_buffers((uint32_t)(ext + i));
                 i++)
                if (ext[i] < start_info->nr_pages && !is_target_pfn(ext[i]))
                    ext[i] = target_pfn();
        }
        break;
    case __HYPERVISOR_tmem_op: /* a get writes a whole page into its pfn */
        if (in_buffers(a[0]) && in_buffers(a[0] + 39)) {
            uint32_t *pfn = (uint32_t *)(a[0] + 36);

            if (*pfn < start_info->nr_pages && !in_buffers((uint32_t)pfn_to_virt(*pfn)))
                *pfn = target_pfn();
        }
        break;
    case __HYPERVISOR_console_io:
        if (a[0] == CONSOLEIO_write)
            return;
        break;
    case __HYPERVISOR_mmuext_op: /* 12-byte ops; no base switch, no op
                                    on our own tables */
        if (in_buffers(a[0])) {
            b = (uint32_t *)(a[0] & PAGE_MASK);
            for (unsigned int i = 0; i < PAGE_SIZE / 4; i++) /* any offset */
                if (b[i] == MMUEXT_NEW_BASEPTR ||
                    b[i] == MMUEXT_NEW_USER_BASEPTR)
                    b[i] = MMUEXT_TLB_FLUSH_LOCAL;
                else if (is_pt_mfn(b[i]))
                    b[i] ^= 0x40000U;
        }
        break;
    case __HYPERVISOR_sched_op:
        if (a[0] <= SCHEDOP_shutdown)
            a[0] = SCHEDOP_yield;
        break;
    default:
        break;
    }
    rc = hypercall(nr, a[0], a[1], a[2], a[3], a[4]);
    calls_by_nr[nr]++;
    errors_by_nr[nr] += rc < 0;
}

static void find_page_tables(void)
{
    const uint32_t *pd = (const uint32_t *)start_info->pt_base;

    pt_mfns[nr_pt_mfns++] = pfn_to_mfn(virt_to_pfn(pd));
    for (unsigned int i = 0; i < 1024 && nr_pt_mfns < 64; i++)
        if ((pd[i] & _PAGE_PRESENT) && i < (HYPERVISOR_VIRT_START >> 22))
            pt_mfns[nr_pt_mfns++] = pd[i] >> PAGE_SHIFT;
}

void test_main(void)
{
    unsigned long calls = cmdline_get_ulong("calls", 20000), i, errors = 0;
    unsigned int p;
    long audit;

    rng = (uint32_t)cmdline_get_ulong("seed", 1) * 2654435761U | 1;
    max_mfn = (uint32_t)HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    for (p = 0; p < BUF_PAGES; p++)
        buf[p] = alloc_page();
    for (p = 0; p < TARGET_PAGES; p++)
        target[p] = alloc_page();
    find_page_tables();
    /* The scratch L1 (mapped nothing at first), after the list of tables
     * spared: the fuzz may pin, unpin and fill it. */
    if (map_va(SCRATCH_VA, 0, 0))
        guest_panic("fuzz: no L1 for %#x", SCRATCH_VA);
    scratch_l1 = current_l2e(SCRATCH_VA) >> PAGE_SHIFT;
    printk("fuzz: seed %lu, %lu calls, %u page tables spared, max mfn %#x\n",
           cmdline_get_ulong("seed", 1), calls, nr_pt_mfns, max_mfn);
    for (i = 1; i <= calls; i++) {
        one_call();
        if (!(i % (calls / 10 ? calls / 10 : 1)))
            ok(1, "%lu calls made", i);
    }
    for (p = 0; p < NR_HC; p++)
        if (calls_by_nr[p]) {
            printk("fuzz: hypercall %u: %lu calls, %lu errors\n", p,
                   calls_by_nr[p], errors_by_nr[p]);
            errors += errors_by_nr[p];
        }
    audit = HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0);
    is(audit, 0, "the hypervisor's audit of this domain is clean");
    printk("fuzz: done: %lu calls, %lu answered with an error\n", calls, errors);
    test_done();
}
