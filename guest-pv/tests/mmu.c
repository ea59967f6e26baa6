/*
 * mmu - the PV MMU from a well-behaved guest's side: building, pinning and
 * switching page tables with mmu_update, mmuext_op and update_va_mapping,
 * and the hypervisor's bookkeeping (debug_op frame_info and audit) after
 * each step. Prints TAP.
 */
#include <guest/test.h>

#define TEST_VA 0x10000000U /* an unused 4 MiB slot */
#define PTE_RW                                                                 \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_RO (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)

static struct debug_frame_info frame_info(void *va)
{
    struct debug_frame_info fi;

    memset(&fi, 0, sizeof(fi));
    (void)HYPERVISOR_debug_op(DEBUGOP_frame_info, virt_to_pfn(va),
                              (unsigned long)&fi);
    return fi;
}

static long audit(void)
{
    return HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0);
}

static long mmuext(unsigned int cmd, uint32_t arg1, uint32_t arg2)
{
    struct mmuext_op op = { .cmd = cmd,
                            .arg1.mfn = arg1,
                            .arg2.src_mfn = arg2 };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long pt_update(uint64_t ptr, uint64_t val)
{
    mmu_update_t u = { .ptr = ptr, .val = val };

    return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

/* Machine address of the L2 entry covering va in the boot page directory. */
static uint64_t l2e_maddr(uint32_t va)
{
    return virt_to_machine((uint32_t *)start_info->pt_base + (va >> 22));
}

static void test_l1_lifecycle(void)
{
    uint32_t *data = alloc_page(), *l1 = alloc_page(), *view;
    uint32_t l1_mfn = virt_to_mfn(l1), data_mfn = virt_to_mfn(data);
    struct debug_frame_info fi;
    unsigned int i;

    for (i = 0; i < 1024; i++)
        data[i] = 0x5a5a0000 + i;

    is(pin_table(1, l1_mfn), -XEN_EBUSY,
       "pinning a page that is still mapped writable fails");
    is(set_page_ro(l1), 0, "make the new L1 read-only in the direct map");
    is(pin_table(1, l1_mfn), 0, "pin it as an L1 table");
    is(pin_table(1, l1_mfn), -XEN_EINVAL, "pinning it twice fails");
    fi = frame_info(l1);
    ok(fi.type == DEBUG_PGT_l1 && fi.type_count == 1 && fi.pinned,
       "hypervisor sees a pinned L1 (type %u count %u)", fi.type,
       fi.type_count);
    is(set_page_rw(l1), -XEN_EBUSY, "a pinned L1 cannot be mapped writable");

    /* Fill it through mmu_update and hook it into the directory. */
    is(pt_update(((uint64_t)l1_mfn << PAGE_SHIFT) | 0,
                 ((uint64_t)data_mfn << PAGE_SHIFT) | PTE_RW),
       0, "mmu_update writes an L1 entry");
    is(l1[0], (data_mfn << PAGE_SHIFT) | PTE_RW,
       "the entry reads back through the read-only view");
    is(pt_update(l2e_maddr(TEST_VA), ((uint64_t)l1_mfn << PAGE_SHIFT) | PTE_RW),
       0, "mmu_update hooks the L1 into the page directory");
    view = (uint32_t *)TEST_VA;
    is(view[5], 0x5a5a0005, "the data page is visible at its new address");
    view[6] = 0x1234;
    is(data[6], 0x1234, "writes through the new mapping land in the frame");

    /* update_va_mapping: read-only, then writable again. */
    is(HYPERVISOR_update_va_mapping(
           TEST_VA, ((uint64_t)data_mfn << PAGE_SHIFT) | PTE_RO, UVMF_INVLPG),
       0, "update_va_mapping makes it read-only");
    is(probe_write(view, 1), 14, "a write now faults");
    is(last_fault.cr2, TEST_VA, "and the fault reports the address");
    is(HYPERVISOR_update_va_mapping(TEST_VA,
                                    ((uint64_t)data_mfn << PAGE_SHIFT) | PTE_RW,
                                    UVMF_TLB_FLUSH),
       0, "update_va_mapping makes it writable");
    is(probe_write(view, 7), -1, "the write now succeeds");

    /* PRESERVE_AD keeps the accessed/dirty bits the CPU set. */
    is(pt_update(((uint64_t)l1_mfn << PAGE_SHIFT) | MMU_PT_UPDATE_PRESERVE_AD,
                 ((uint64_t)data_mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
                     _PAGE_USER),
       0, "MMU_PT_UPDATE_PRESERVE_AD");
    ok(l1[0] & _PAGE_DIRTY, "dirty bit kept");

    fi = frame_info(data);
    is(fi.count, 3, "data frame: allocation + direct map + new mapping");
    is(audit(), 0, "audit agrees with the page tables");

    /* Unhook: after unpinning and removing the L2 entry it is a data page. */
    is(mmuext(MMUEXT_UNPIN_TABLE, l1_mfn, 0), 0, "unpin the L1");
    fi = frame_info(l1);
    ok(fi.type == DEBUG_PGT_l1 && fi.type_count == 1 && !fi.pinned,
       "still an L1 while the directory points at it");
    is(mmuext(MMUEXT_UNPIN_TABLE, l1_mfn, 0), -XEN_EINVAL, "unpin twice fails");
    is(pt_update(l2e_maddr(TEST_VA), 0), 0, "remove the L2 entry");
    /* As on hardware, the guest flushes its own stale translations. */
    is(mmuext(MMUEXT_INVLPG_LOCAL, TEST_VA, 0), 0, "invlpg it");
    is(probe_read(view), 14, "the address is gone");
    is(frame_info(data).count, 2, "data frame lost the mapping's reference");
    is(set_page_rw(l1), 0, "the old L1 can be mapped writable again");
    l1[0] = 0; /* a plain page now */
    is(audit(), 0, "audit agrees after teardown");
    free_page(l1);
    free_page(data);
}

static void test_new_baseptr(void)
{
    uint32_t *pd = alloc_page(), pd_mfn = virt_to_mfn(pd);
    const uint32_t *boot_pd = (const uint32_t *)start_info->pt_base;
    uint32_t boot_mfn = virt_to_mfn(boot_pd);
    unsigned int i;

    for (i = 0; i < (HYPERVISOR_VIRT_START >> 22); i++)
        pd[i] = boot_pd[i];
    is(mmuext(MMUEXT_NEW_BASEPTR, pd_mfn, 0), -XEN_EBUSY,
       "a writable page cannot become the page directory");
    is(set_page_ro(pd), 0, "make the copy read-only");
    is(pin_table(2, pd_mfn), 0, "pin the copy as an L2");
    is(mmuext(MMUEXT_NEW_BASEPTR, pd_mfn, 0), 0, "switch to it");
    ok(start_info->nr_pages > 0 && probe_read(pd) == -1,
       "still running, memory still mapped");
    is(frame_info(pd).type_count, 2, "pin + CR3 hold two type references");
    is(mmuext(MMUEXT_NEW_BASEPTR, boot_mfn, 0), 0, "switch back");
    is(frame_info(pd).type_count, 1, "CR3 reference dropped");
    is(mmuext(MMUEXT_UNPIN_TABLE, pd_mfn, 0), 0, "unpin the copy");
    is(set_page_rw(pd), 0, "the copy is an ordinary page again");
    is(audit(), 0, "audit agrees");
    free_page(pd);
}

static void test_misc_ops(void)
{
    uint8_t *a = alloc_page(), *b = alloc_page();
    unsigned int i, done = 0;
    mmu_update_t batch[8];

    memset(a, 0x77, PAGE_SIZE);
    is(mmuext(MMUEXT_COPY_PAGE, virt_to_mfn(b), virt_to_mfn(a)), 0,
       "COPY_PAGE");
    ok(b[0] == 0x77 && b[4095] == 0x77, "the copy arrived");
    is(mmuext(MMUEXT_CLEAR_PAGE, virt_to_mfn(a), 0), 0, "CLEAR_PAGE");
    ok(a[0] == 0 && a[4095] == 0, "the page is zero");
    is(mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0, "TLB_FLUSH_LOCAL");
    is(mmuext(MMUEXT_INVLPG_LOCAL, (uint32_t)a, 0), 0, "INVLPG_LOCAL");
    is(mmuext(MMUEXT_PIN_L3_TABLE, virt_to_mfn(a), 0), -XEN_EINVAL,
       "PIN_L3 refused: two-level paging");

    /* A batch of plain writes to a data frame, with a success count. */
    for (i = 0; i < 8; i++) {
        batch[i].ptr = virt_to_machine(b + 4 * i);
        batch[i].val = 0xabc0 + i;
    }
    is(HYPERVISOR_mmu_update(batch, 8, &done, DOMID_SELF), 0, "batch of 8");
    is(done, 8, "success count 8");
    is(((uint32_t *)b)[7], 0xabc7, "last write of the batch landed");
    batch[5].ptr = 0xfffff000ULL << 12; /* beyond 32 bits */
    is(HYPERVISOR_mmu_update(batch, 8, &done, DOMID_SELF), -XEN_EINVAL,
       "a bad entry stops the batch");
    is(done, 5, "success count says where it stopped");
    free_page(a);
    free_page(b);
}

/* A batch long enough to be preempted and continued by the hypervisor. */
static mmu_update_t long_batch[20000];

static void test_long_batch(void)
{
    uint32_t *page = alloc_page();
    unsigned int i, done = 0;
    uint64_t ma = virt_to_machine(page);
    long rc;

    for (i = 0; i < ARRAY_SIZE(long_batch); i++) {
        long_batch[i].ptr = ma + 4 * (i % 1024);
        long_batch[i].val = i;
    }
    rc = HYPERVISOR_mmu_update(long_batch, ARRAY_SIZE(long_batch), &done,
                               DOMID_SELF);
    is(rc, 0, "20000 updates in one call");
    is(done, ARRAY_SIZE(long_batch), "all of them counted");
    is(page[(ARRAY_SIZE(long_batch) - 1) % 1024], ARRAY_SIZE(long_batch) - 1,
       "the last one landed");
    free_page(page);
}

void test_main(void)
{
    is(audit(), 0, "audit agrees with the boot page tables");
    test_l1_lifecycle();
    test_new_baseptr();
    test_misc_ops();
    test_long_batch();
    is(audit(), 0, "audit agrees at the end");
}
