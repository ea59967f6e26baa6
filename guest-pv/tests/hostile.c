/*
 * hostile - what a hostile tenant would try against the hypervisor: map
 * frames it does not own (another guest's, the hypervisor's, free ones),
 * find them in the M2P, map its own page tables writable, reach into the hypervisor's slots,
 * load bad page-table bases, pass out-of-range and misaligned arguments,
 * send huge batches, exhaust ports, flood the log and hog the cpu. Every
 * attempt must fail with the right error code and change nothing; the
 * guests beside it must finish their own checks. Prints TAP.
 */
#include <guest/test.h>

#define TEST_VA 0x20000000U
#define PTE_RO  (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PTE_RW  (PTE_RO | _PAGE_RW | _PAGE_DIRTY)

static long pt_update(uint64_t ptr, uint64_t val)
{
    mmu_update_t u = { .ptr = ptr, .val = val };

    return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

static long mmuext(unsigned int cmd, uint32_t mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static bool ours(uint32_t mfn)
{
    uint32_t pfn = machine_to_phys[mfn];

    return pfn < start_info->nr_pages && pfn_to_mfn(pfn) == mfn;
}

static uint32_t max_mfn(void)
{
    return (uint32_t)HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
}

/* The frame behind one of our virtual addresses (its L1 is ours). */
static uint32_t va_mfn(uint32_t va)
{
    const uint32_t *l1 =
        pfn_to_virt(machine_to_phys[current_l2e(va) >> PAGE_SHIFT]);

    return l1[(va >> PAGE_SHIFT) & 1023] >> PAGE_SHIFT;
}

/* Frames the hypervisor lets us read though they are not in our P2M: the
 * shared info page and the P2M's own frames. */
static bool readable_hv_frame(uint32_t mfn)
{
    uint32_t i, n = (start_info->nr_pages * 4 + PAGE_SIZE - 1) / PAGE_SIZE;

    if (mfn == start_info->shared_info >> PAGE_SHIFT)
        return true;
    for (i = 0; i < n; i++)
        if (mfn == va_mfn((uint32_t)p2m + i * PAGE_SIZE))
            return true;
    return false;
}

/*
 * The M2P we see is our own view: our frames' pfns and nothing of any
 * other domain (issue 15: no oracle of who holds or shares what). So a
 * hostile guest cannot even find another guest's frame; the tests below
 * try every frame that is not ours (or a sample of them), which includes
 * the worker's 4,096, free frames and the hypervisor's.
 */
static void try_m2p_view(void)
{
    uint32_t max = max_mfn(), mfn, pfn, shown = 0, others = 0, mine = 0;

    for (mfn = 0; mfn < max; mfn++) {
        if (machine_to_phys[mfn] == INVALID_M2P_ENTRY)
            continue;
        if (ours(mfn))
            shown++;
        else
            others++;
    }
    for (pfn = 0; pfn < start_info->nr_pages; pfn++)
        mine += p2m[pfn] != INVALID_P2M_ENTRY;
    is(others, 0, "our M2P view shows no frame that is not ours");
    is(shown, mine, "it shows each of our %u populated pfns' frames", mine);
}

/* A frame not ours: the k-th of n spread over memory (a stand-in for
 * another guest's; the view does not tell which frames are). */
static uint32_t not_ours(unsigned int k, unsigned int n)
{
    uint32_t max = max_mfn(), mfn = max - 1 - k * ((max - 0x1000) / n);

    while (ours(mfn) || readable_hv_frame(mfn))
        mfn--;
    return mfn;
}

typedef long (*frame_op_t)(uint64_t pte, uint32_t mfn);

/* op on every step-th frame that is not ours: how many did not give
 * want (tried counts them all). */
static unsigned int op_on_others(frame_op_t op, uint64_t pte, uint32_t step,
                                 long want, unsigned int *tried)
{
    uint32_t max = max_mfn(), mfn;
    unsigned int wrong = 0;

    *tried = 0;
    for (mfn = 1; mfn < max; mfn += step) {
        if (ours(mfn) || readable_hv_frame(mfn))
            continue;
        ++*tried;
        wrong += op(pte, mfn) != want;
    }
    return wrong;
}

static long op_map_ro(uint64_t pte, uint32_t mfn)
{
    return pt_update(pte, ((uint64_t)mfn << PAGE_SHIFT) | PTE_RO);
}
static long op_map_rw(uint64_t pte, uint32_t mfn)
{
    return pt_update(pte, ((uint64_t)mfn << PAGE_SHIFT) | PTE_RW);
}
static long op_uva(uint64_t pte, uint32_t mfn)
{
    (void)pte;
    return HYPERVISOR_update_va_mapping(
        TEST_VA, ((uint64_t)mfn << PAGE_SHIFT) | PTE_RO, UVMF_INVLPG);
}
static long op_baseptr(uint64_t pte, uint32_t mfn)
{
    (void)pte;
    return mmuext(MMUEXT_NEW_BASEPTR, mfn);
}
static long op_user_baseptr(uint64_t pte, uint32_t mfn)
{
    (void)pte;
    return mmuext(MMUEXT_NEW_USER_BASEPTR, mfn);
}
static long op_pin(uint64_t pte, uint32_t mfn)
{
    (void)pte;
    return mmuext(MMUEXT_PIN_L2_TABLE, mfn);
}
static long op_clear(uint64_t pte, uint32_t mfn)
{
    (void)pte;
    return mmuext(MMUEXT_CLEAR_PAGE, mfn);
}
static long op_unpin(uint64_t pte, uint32_t mfn)
{
    (void)pte;
    return mmuext(MMUEXT_UNPIN_TABLE, mfn);
}

/* The machine address of the L1 entry for TEST_VA (an L1 is made). */
static uint64_t test_pte_maddr(void)
{
    uint32_t l2e;

    if (map_va(TEST_VA, 0, 0))
        guest_panic("cannot set up an L1 for %#x", TEST_VA);
    l2e = current_l2e(TEST_VA);
    return (l2e & PAGE_MASK) | (((TEST_VA >> PAGE_SHIFT) & 1023) << 2);
}

static void try_foreign_frames(uint64_t pte)
{
    uint32_t max = max_mfn();
    unsigned int n, wrong;

    wrong = op_on_others(op_map_ro, pte, 1, -XEN_EPERM, &n);
    ok(n > 4096 && !wrong,
       "map each frame not ours read-only: refused (%u of %u)", n - wrong, n);
    wrong = op_on_others(op_map_rw, pte, 7, -XEN_EPERM, &n);
    ok(!wrong, "map them writable: refused (%u of %u, 1 in 7)", n - wrong, n);
    wrong = op_on_others(op_uva, pte, 7, -XEN_EPERM, &n);
    ok(!wrong, "same through update_va_mapping: refused (%u of %u)",
       n - wrong, n);
    is(pt_update(pte, (0x100ULL << PAGE_SHIFT) | PTE_RO), -XEN_EPERM,
       "map the hypervisor image (mfn 0x100): refused");
    is(pt_update(pte, PTE_RO), -XEN_EPERM, "map mfn 0 (BIOS): refused");
    is(pt_update(pte, ((uint64_t)(max + 5) << PAGE_SHIFT) | PTE_RO),
       -XEN_EINVAL, "map a frame beyond memory: refused");
    is(probe_read((void *)TEST_VA), 14, "and nothing got mapped");
}

static void try_page_tables(uint64_t pte)
{
    uint32_t pd_mfn = virt_to_mfn((void *)start_info->pt_base);
    uint32_t l1_mfn = current_l2e(start_info->virt_base) >> PAGE_SHIFT;
    uint32_t *page = alloc_page(), *self = alloc_page();
    uint32_t foreign = not_ours(0, 1);
    unsigned int n, wrong;

    is(pt_update(pte, ((uint64_t)pd_mfn << PAGE_SHIFT) | PTE_RW), -XEN_EBUSY,
       "map our page directory writable: refused");
    is(pt_update(pte, ((uint64_t)l1_mfn << PAGE_SHIFT) | PTE_RW), -XEN_EBUSY,
       "map one of our L1 tables writable: refused");
    is(HYPERVISOR_update_va_mapping(start_info->pt_base,
                                    ((uint64_t)pd_mfn << PAGE_SHIFT) | PTE_RW,
                                    UVMF_INVLPG),
       -XEN_EBUSY, "make the directory's own mapping writable: refused");
    is(pt_update(pte, ((uint64_t)pd_mfn << PAGE_SHIFT) | PTE_RO), 0,
       "mapping it read-only is allowed");
    is(pt_update(pte, 0), 0, "(unmapped again)");

    /* Tables whose contents are bad fail validation as a whole. */
    page[0] = (foreign << PAGE_SHIFT) | PTE_RW;
    is(set_page_ro(page), 0, "a page holding a foreign mapping, read-only");
    is(pin_table(1, virt_to_mfn(page)), -XEN_EPERM,
       "pinning it as an L1 fails validation");
    is(pin_table(2, virt_to_mfn(page)), -XEN_EPERM,
       "pinning it as an L2 fails validation");
    is(mmuext(MMUEXT_NEW_BASEPTR, virt_to_mfn(page)), -XEN_EPERM,
       "loading it as the page directory fails");
    (void)set_page_rw(page);
    page[0] = 0;
    self[0] = (virt_to_mfn(self) << PAGE_SHIFT) | PTE_RW;
    (void)set_page_ro(self);
    is(pin_table(1, virt_to_mfn(self)), -XEN_EBUSY,
       "an L1 that maps itself writable is refused");
    (void)set_page_rw(self);
    self[0] = (virt_to_mfn(self) << PAGE_SHIFT) | PTE_RW;
    (void)set_page_ro(self);
    is(pin_table(2, virt_to_mfn(self)), -XEN_EBUSY,
       "an L2 that points at itself (a linear table) is refused");
    (void)set_page_rw(self);
    self[0] = 0;

    /* Bad page-table bases. */
    is(mmuext(MMUEXT_NEW_BASEPTR, virt_to_mfn(page)), -XEN_EBUSY,
       "a writable data page as page directory: refused");
    is(mmuext(MMUEXT_NEW_BASEPTR, l1_mfn), -XEN_EBUSY,
       "an L1 table as page directory: refused");
    wrong = op_on_others(op_baseptr, 0, 3, -XEN_EPERM, &n);
    ok(!wrong, "a frame not ours as page directory: refused (%u of %u, "
               "1 in 3)", n - wrong, n);
    is(mmuext(MMUEXT_NEW_BASEPTR, 0xfffff), -XEN_EINVAL,
       "a frame beyond memory as page directory: refused");
    wrong = op_on_others(op_user_baseptr, 0, 3, -XEN_EPERM, &n);
    ok(!wrong, "as user directory: refused (%u of %u)", n - wrong, n);
    wrong = op_on_others(op_pin, 0, 3, -XEN_EPERM, &n);
    ok(!wrong, "pinning a frame not ours: refused (%u of %u)", n - wrong, n);
    is(mmuext(MMUEXT_UNPIN_TABLE, pd_mfn), 0,
       "unpin our directory (CR3 keeps it)");
    is(mmuext(MMUEXT_UNPIN_TABLE, pd_mfn), -XEN_EINVAL,
       "unpinning it again fails");
    is(pin_table(2, pd_mfn), 0, "pin it again");
    is(mmuext(MMUEXT_CLEAR_PAGE, pd_mfn), -XEN_EBUSY,
       "CLEAR_PAGE on a page table: refused");
    wrong = op_on_others(op_clear, 0, 3, -XEN_EPERM, &n);
    ok(!wrong, "CLEAR_PAGE on a frame not ours: refused (%u of %u)",
       n - wrong, n);
    wrong = op_on_others(op_unpin, 0, 3, -XEN_EPERM, &n);
    ok(!wrong, "unpinning a frame not ours: refused (%u of %u)", n - wrong,
       n);
    free_page(page);
    free_page(self);
}

static void try_hypervisor_space(uint64_t pte)
{
    uint64_t l2 = virt_to_machine((uint32_t *)start_info->pt_base);
    uint32_t pd_mfn = virt_to_mfn((void *)start_info->pt_base);
    uint32_t slot;

    for (slot = FIRST_HV_L2_SLOT; slot < 1024; slot += 5)
        if (pt_update(l2 + 4 * slot,
                      ((uint64_t)pd_mfn << PAGE_SHIFT) | PTE_RW) != -XEN_EPERM)
            break;
    ok(slot >= 1024, "writing the hypervisor's page-directory slots: refused");
    is(pt_update(l2 + 4 * 5, (0ULL << PAGE_SHIFT) | PTE_RW | _PAGE_PSE),
       -XEN_EINVAL, "a 4 MiB superpage: refused");
    is(pt_update(pte, ((uint64_t)virt_to_mfn((void *)start_info->virt_base)
                       << PAGE_SHIFT) |
                          PTE_RW | _PAGE_GLOBAL),
       -XEN_EINVAL, "a global mapping: refused");
    is(HYPERVISOR_update_va_mapping(HYPERVISOR_VIRT_START,
                                    ((uint64_t)pd_mfn << PAGE_SHIFT) | PTE_RO,
                                    UVMF_INVLPG),
       -XEN_EINVAL, "update_va_mapping in hypervisor space: refused");
    is(mmuext(MMUEXT_INVLPG_LOCAL, 0xFE000000), -XEN_EINVAL,
       "invlpg of a hypervisor address: refused");
    is(probe_write((void *)0xFE000000, 0), 14,
       "the hypervisor is still unreachable");
}

static void try_bad_arguments(void)
{
    mmu_update_t u[2];
    struct trap_info bad_traps[2] = { { 14, 0, FLAT_KERNEL_CS, 0xFE001000 },
                                      { 0 } };
    struct trap_info df_trap[2] = { { 8, 0, FLAT_KERNEL_CS, 0xC0001000 },
                                    { 0 } };
    struct evtchn_send send = { .port = 1000 };
    struct sched_shutdown sd = { .reason = 99 };
    struct debug_frame_info fi;
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
    uint32_t *page = alloc_page();
    char *unaligned = (char *)alloc_page() + 1;
    unsigned int done = 0;

    u[0].ptr = 0x100000000ULL;
    u[0].val = 0;
    is(HYPERVISOR_mmu_update(u, 1, NULL, DOMID_SELF), -XEN_EINVAL,
       "mmu_update address beyond 4 GiB");
    u[0].ptr = virt_to_machine(page) | 3;
    is(HYPERVISOR_mmu_update(u, 1, NULL, DOMID_SELF), -XEN_EINVAL,
       "mmu_update command 3");
    u[0].ptr = virt_to_machine(page) | MMU_MACHPHYS_UPDATE;
    is(HYPERVISOR_mmu_update(u, 1, NULL, DOMID_SELF), -XEN_ENOSYS,
       "MMU_MACHPHYS_UPDATE: the P2M is the hypervisor's");
    u[0].ptr = virt_to_machine(page);
    u[0].val = 0x1234;
    is(HYPERVISOR_mmu_update(u, 1, NULL, (domid_t)(start_info->domid + 1)),
       -XEN_EPERM, "mmu_update on another domain's behalf");
    is(HYPERVISOR_mmu_update((mmu_update_t *)0xFE000000, 1, NULL, DOMID_SELF),
       -XEN_EFAULT, "mmu_update requests in hypervisor space");
    is(HYPERVISOR_mmu_update(u, 1, (unsigned int *)0xFE000000, DOMID_SELF),
       -XEN_EFAULT, "mmu_update success count in hypervisor space");
    memcpy(unaligned, u, sizeof(u[0]));
    is(HYPERVISOR_mmu_update((mmu_update_t *)unaligned, 1, &done, DOMID_SELF),
       0, "a misaligned request array still works");
    is(page[0], 0x1234, "and did exactly what it said");
    is(mmuext(99, 0), -XEN_ENOSYS, "unknown mmuext command");
    is(HYPERVISOR_update_va_mapping(
           (uint32_t)page + 13,
           ((uint64_t)virt_to_mfn(page) << PAGE_SHIFT) | PTE_RO, UVMF_INVLPG),
       0, "update_va_mapping with a misaligned address acts on its page");
    is(probe_write(page, 1), 14, "that page is now read-only");
    (void)set_page_rw(page);

    is(HYPERVISOR_set_trap_table(bad_traps), -XEN_EINVAL,
       "a trap handler in hypervisor space");
    is(HYPERVISOR_set_trap_table(df_trap), -XEN_EINVAL,
       "a handler for the double fault");
    is(HYPERVISOR_set_trap_table((struct trap_info *)0xFFFFF000), -XEN_EFAULT,
       "a trap table in hypervisor space");
    is(HYPERVISOR_set_callbacks(FLAT_KERNEL_CS, 0xFE000000, FLAT_KERNEL_CS, 0),
       -XEN_EINVAL, "an event callback in hypervisor space");
    is(HYPERVISOR_stack_switch(0x10, 0xC0001000), -XEN_EINVAL,
       "stack_switch to the hypervisor's stack segment");
    is(HYPERVISOR_stack_switch(FLAT_KERNEL_SS, 0xFE000000), -XEN_EINVAL,
       "stack_switch to a hypervisor address");
    is(HYPERVISOR_event_channel_op(EVTCHNOP_send, &send), -XEN_EINVAL,
       "event channel port 1000");
    is(HYPERVISOR_event_channel_op(EVTCHNOP_send, (void *)0xFE000000),
       -XEN_EFAULT, "event channel argument in hypervisor space");
    is(HYPERVISOR_console_io(CONSOLEIO_write, 10, (char *)0xFE000000),
       -XEN_EFAULT, "console output from hypervisor memory");
    is(HYPERVISOR_console_io(CONSOLEIO_write, 1U << 30, (char *)page),
       -XEN_E2BIG, "1 GiB of console output");
    is(HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd), -XEN_EINVAL,
       "shutdown with reason 99");
    is(HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)0xFE000000), -XEN_EFAULT,
       "shutdown with its argument in hypervisor space");
    is(HYPERVISOR_debug_op(77, 0, 0), -XEN_ENOSYS,
       "debug_op with a bad command");
    is(HYPERVISOR_debug_op(DEBUGOP_frame_info, 0xffffff, (unsigned long)&fi),
       -XEN_EINVAL, "frame_info for a pfn we do not have");
    is(HYPERVISOR_debug_op(DEBUGOP_frame_info, 0, 0xFE000000), -XEN_EFAULT,
       "frame_info written into hypervisor space");
    r.extent_start = (xen_pfn_t *)0xFE000000;
    is(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 0,
       "decrease_reservation with its list in hypervisor space does nothing");
    r.extent_start = (xen_pfn_t *)page;
    r.domid = (domid_t)(start_info->domid + 1);
    is(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), -XEN_EPERM,
       "decrease_reservation for another domain");
    r.domid = DOMID_SELF;
    r.pad = 1;
    is(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), -XEN_EINVAL,
       "decrease_reservation with pad not 0");
    r.pad = 0;
    is(HYPERVISOR_memory_op(XENMEM_decrease_reservation | (5 << 6), &r),
       -XEN_EINVAL, "memory_op with a start extent past the list");
    is(HYPERVISOR_console_io(7, 1, (char *)page), -XEN_ENOSYS,
       "console_io command 7");
    is(HYPERVISOR_update_va_mapping(
           (uint32_t)page, ((uint64_t)virt_to_mfn(page) << PAGE_SHIFT) | PTE_RW,
           3),
       -XEN_EINVAL, "update_va_mapping with flush type 3");
    {
        long rc;

        asm volatile("int $0x82" : "=a"(rc) : "0"(63) : "memory");
        is(rc, -XEN_ENOSYS, "hypercall 63 does not exist");
        asm volatile("int $0x82" : "=a"(rc) : "0"(100000) : "memory");
        is(rc, -XEN_ENOSYS, "hypercall 100000 does not exist");
    }
    free_page(page);
}

static mmu_update_t noop_batch[256] __aligned(4096);

static void try_huge_batch(void)
{
    uint8_t *a = alloc_page(), *b = alloc_page();
    unsigned int done = 0, i;
    uint32_t *target = alloc_page();

    /* Two consecutive pfns: fill the first, unmap the second. */
    ok(b == a + PAGE_SIZE, "two adjacent pages for the batch");
    for (i = 0; i < 256; i++) {
        noop_batch[i].ptr = virt_to_machine(target);
        noop_batch[i].val = i;
    }
    memcpy(a, noop_batch, PAGE_SIZE);
    is(HYPERVISOR_update_va_mapping((uint32_t)b, 0, UVMF_INVLPG), 0,
       "the page after the batch is unmapped");
    is(HYPERVISOR_mmu_update((mmu_update_t *)a, 0x7fffffff, &done, DOMID_SELF),
       -XEN_EFAULT,
       "a batch of 2^31 entries stops at the first unreadable one");
    is(done, 256, "after the 256 that were there");
    done = 0;
    is(HYPERVISOR_mmu_update((mmu_update_t *)a, 0xffffffff, &done, DOMID_SELF),
       -XEN_EFAULT, "a count with the preempted bit set, likewise");
    is(target[0], 255, "the valid entries were applied, in order");
    (void)HYPERVISOR_update_va_mapping(
        (uint32_t)b,
        ((uint64_t)pfn_to_mfn(virt_to_pfn(b)) << PAGE_SHIFT) | PTE_RW,
        UVMF_INVLPG);
    free_page(target);
}

static void try_unwritable_results(void)
{
    struct evtchn_alloc_unbound *au = alloc_page();
    struct evtchn_status st = { .dom = DOMID_SELF, .port = 1 };

    au->dom = DOMID_SELF;
    au->remote_dom = DOMID_SELF;
    is(set_page_ro(au), 0, "an alloc_unbound request in a read-only page");
    is(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, au), -XEN_EFAULT,
       "its port cannot be written back: -EFAULT");
    st.pad = 1;
    is(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), -XEN_EINVAL,
       "evtchn_status with pad not 0");
    st.pad = 0;
    is(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0,
       "status of port 1");
    is(st.status, EVTCHNSTAT_closed, "the port it took was given back");
    (void)set_page_rw(au);
    free_page(au);
}

static void try_exhaustion(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF,
                                       .remote_dom = DOMID_SELF };
    struct evtchn_close cl;
    unsigned int n = 0;
    long rc;
    xen_pfn_t pfn = start_info->nr_pages;
    struct xen_memory_reservation r = { .extent_start = &pfn,
                                        .nr_extents = 1,
                                        .domid = DOMID_SELF };

    while ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au)) == 0)
        n++;
    is(rc, -XEN_ENOSPC, "ports run out with -ENOSPC");
    is(n, NR_EVTCHN_PORTS - 1, "after every port but 0, none leaked before");
    for (cl.port = 1; cl.port < NR_EVTCHN_PORTS; cl.port++)
        (void)HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
    is(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0,
       "no memory beyond our reservation");
    for (n = 0; n < 500; n++)
        (void)mmuext(99, 0);
    ok(1, "500 bad hypercalls in a row (the log is rate limited)");
}

static void hog_cpu(void)
{
    uint64_t end = monotonic_ns() + 300000000ULL;
    unsigned long spins = 0;

    /* A hog, not a check (the worker's checks say what it did to others):
     * among 32 hostile guests that all spin, a round of the others' 10 ms
     * slices can outlast the 300 ms, and a count of loops said nothing
     * (hostile-crowd.scn once saw 0). */
    do
        spins++;
    while (monotonic_ns() < end);
    ok(1, "spun 300 ms without yielding (%lu loops)", spins);
}

void test_main(void)
{
    uint64_t pte = test_pte_maddr();

    try_m2p_view();
    try_foreign_frames(pte);
    try_page_tables(pte);
    try_hypervisor_space(pte);
    try_bad_arguments();
    try_huge_batch();
    try_unwritable_results();
    try_exhaustion();
    hog_cpu();
    is(HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0), 0,
       "after all that, the hypervisor's books still balance");
}
