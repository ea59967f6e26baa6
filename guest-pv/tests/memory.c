/*
 * memory - memory_op: give frames back (decrease_reservation) and take
 * fresh ones (populate_physmap), the basis of ballooning. Checks the P2M,
 * the M2P, the reservation counts, that returned frames come back zeroed,
 * and that frames still in use cannot be given back. Then what a careless
 * or hostile ballooning guest may try: bad balloon reports, populating
 * past the maximum, a storm of out-and-in. Prints TAP.
 */
#include <guest/test.h>

#define PTE_RW                                                                 \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)

static long reservation(unsigned int cmd, xen_pfn_t *list, unsigned int n)
{
    struct xen_memory_reservation r = {
        .extent_start = list,
        .nr_extents = n,
        .domid = DOMID_SELF,
    };

    return HYPERVISOR_memory_op(cmd, &r);
}

static long current_pages(void)
{
    domid_t self = DOMID_SELF;

    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

/* Unmap a page from the direct map so that nothing references its frame. */
static long unmap(void *va)
{
    return HYPERVISOR_update_va_mapping((uint32_t)va, 0, UVMF_INVLPG);
}

static long remap(void *va)
{
    return HYPERVISOR_update_va_mapping(
        (uint32_t)va,
        ((uint64_t)pfn_to_mfn(virt_to_pfn(va)) << PAGE_SHIFT) | PTE_RW,
        UVMF_INVLPG);
}

#define BATCH 64
#define STORM 2000

static long report(struct xen_balloon_report *r)
{
    return HYPERVISOR_memory_op(XENMEM_balloon_report, r);
}

/* What a careless or hostile ballooning guest may try. */
static void test_balloon(uint32_t *page, long total)
{
    struct xen_balloon_report r = { .need_pages = 0xFFFFFFFFU };
    xen_pfn_t pfn = virt_to_pfn(page);
    unsigned int i, ok_rounds = 0;

    is(report(&r), 0, "a balloon report asking for 2^32 pages");
    is(r.target_pages, start_info->nr_pages,
       "  its target is the maximum, no more");
    is(r.max_pages, start_info->nr_pages, "  and says what the maximum is");
    r.flags = 0x80;
    is(report(&r), -XEN_EINVAL, "a report with an unknown flag: -EINVAL");
    is(report((struct xen_balloon_report *)0xFE000000), -XEN_EFAULT,
       "a report in hypervisor space: -EFAULT");
    memset(&r, 0, sizeof(r));
    is(report(&r), 0, "a report needing nothing");
    is(r.target_pages, 0, "  its target is 0 (the guest gives back what "
                          "it may)");
    ok(current_pages() == total, "  and nothing is taken without the guest");
    /* Past the maximum: every pfn is populated already. */
    is(reservation(XENMEM_populate_physmap, &pfn, 1), 0,
       "populating past the maximum fails");
    /* A storm: one page out and in, many times, while the others run. */
    for (i = 0; i < STORM; i++) {
        pfn = virt_to_pfn(page);
        (void)unmap(page);
        ok_rounds += reservation(XENMEM_decrease_reservation, &pfn, 1) == 1 &&
                     reservation(XENMEM_populate_physmap, &pfn, 1) == 1 &&
                     remap(page) == 0;
    }
    is(ok_rounds, STORM, "%u rounds of out and in", STORM);
    is(current_pages(), total, "the reservation is where it was");
    is(HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0), 0, "audit agrees after it");
}

void test_main(void)
{
    domid_t self = DOMID_SELF;
    long total = current_pages();
    uint32_t *page = alloc_page();
    uint32_t pfn = virt_to_pfn(page), old_mfn = pfn_to_mfn(pfn);
    xen_pfn_t list[BATCH];
    void *pages[BATCH];
    struct xen_memory_reservation bad = { .extent_start = list,
                                          .nr_extents = 1,
                                          .extent_order = 1,
                                          .domid = DOMID_SELF };
    unsigned int i;

    is(total, start_info->nr_pages, "current reservation = nr_pages");
    is(HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self),
       start_info->nr_pages, "maximum reservation = nr_pages");
    ok(HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL) > (long)old_mfn,
       "maximum_ram_page is above our frames");

    page[0] = 0xfeedface;
    list[0] = pfn;
    is(reservation(XENMEM_decrease_reservation, list, 1), 0,
       "a page still mapped cannot be given back");
    is(unmap(page), 0, "unmap it");
    is(reservation(XENMEM_decrease_reservation, list, 1), 1, "give it back");
    is(pfn_to_mfn(pfn), INVALID_MFN, "its P2M entry is invalid");
    is(machine_to_phys[old_mfn], INVALID_M2P_ENTRY, "the frame left the M2P");
    is(current_pages(), total - 1, "reservation dropped by one");
    is(reservation(XENMEM_decrease_reservation, list, 1), 0,
       "giving back an empty pfn fails");

    is(reservation(XENMEM_populate_physmap, list, 1), 1, "populate it again");
    ok(list[0] == pfn_to_mfn(pfn) && list[0] != INVALID_MFN,
       "the new frame is in the list and the P2M (%#x)", list[0]);
    is(machine_to_phys[pfn_to_mfn(pfn)], pfn, "and in the M2P");
    is(current_pages(), total, "reservation back");
    is(remap(page), 0, "map the new frame");
    is(page[0], 0, "it arrives zeroed");
    list[0] = pfn;
    is(reservation(XENMEM_populate_physmap, list, 1), 0,
       "populating a populated pfn fails");
    list[0] = start_info->nr_pages + 10;
    is(reservation(XENMEM_populate_physmap, list, 1), 0,
       "populating beyond the P2M fails");
    is(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &bad), -XEN_EINVAL,
       "extent_order 1 is refused");

    /* A batch: 64 out, 64 in. */
    for (i = 0; i < BATCH; i++) {
        pages[i] = alloc_page();
        list[i] = virt_to_pfn(pages[i]);
        (void)unmap(pages[i]);
    }
    is(reservation(XENMEM_decrease_reservation, list, BATCH), BATCH,
       "give back %u pages", BATCH);
    is(current_pages(), total - BATCH, "reservation dropped by %u", BATCH);
    is(reservation(XENMEM_populate_physmap, list, BATCH), BATCH,
       "take %u fresh pages", BATCH);
    for (i = 0; i < BATCH; i++)
        (void)remap(pages[i]);
    is(current_pages(), total, "reservation back to the maximum");
    list[0] = pfn;
    (void)unmap(page);
    is(reservation(XENMEM_decrease_reservation, list, 1), 1, "one out");
    is(reservation(XENMEM_populate_physmap, list, 1), 1, "one in");
    (void)remap(page);
    is(HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0), 0, "audit agrees");
    test_balloon(page, total);
}
