/*
 * repay - the repayment FIFO (memory.h, XENMEM_repay_register) against a
 * guest that lies: it registers a FIFO and lists on it, besides two true
 * volatile pages (private, mapped nowhere), a page it still maps, its own
 * page directory, a pfn it does not have, a page listed twice, and one it
 * rescues before the hypervisor gets there. It says "FIFO ready"; the test
 * harness then has the hypervisor take three volatile pages (the console
 * command "reclaim 3", as an empty heap would). Only the true ones may go;
 * every other entry is marked and counted, and from then on the domain
 * gets nothing above its entitlement - as it would for claiming more
 * volatile pages than its FIFO holds. Prints TAP.
 */
#include <guest/test.h>

#define LIMIT_MS 120000

static struct repay_fifo *fifo;

static long repay_register(xen_pfn_t pfn, uint32_t pages)
{
    struct xen_repay_register r = { .fifo_pfn = pfn, .fifo_pages = pages };

    return HYPERVISOR_memory_op(XENMEM_repay_register, &r);
}

static long report(uint32_t need, uint32_t vol, uint32_t *target)
{
    struct xen_balloon_report r = { .need_pages = need,
                                    .volatile_pages = vol };
    long rc = HYPERVISOR_memory_op(XENMEM_balloon_report, &r);

    *target = r.target_pages;
    return rc;
}

static void add(uint32_t pfn)
{
    fifo->pfn[fifo->tail % fifo->size] = pfn;
    fifo->tail++;
}

static void on_timer(evtchn_port_t port, struct guest_regs *regs)
{
    (void)port;
    (void)regs;
}

/* Sleep up to ms (any event wakes us). */
void test_main(void)
{
    uint32_t *fp = alloc_page(), *good1 = alloc_page(), *good2 = alloc_page();
    uint32_t *good3 = alloc_page(), *mapped = alloc_page();
    uint32_t entitled, target, waited = 0;
    uint32_t pd = virt_to_pfn((void *)start_info->pt_base);
    long populated;
    domid_t self = DOMID_SELF;

    ok(bind_virq(VIRQ_TIMER, on_timer) > 0, "timer bound");
    memset(fp, 0, PAGE_SIZE);
    is(repay_register(virt_to_pfn(fp), 0), -XEN_EINVAL, "a FIFO of 0 pages");
    is(repay_register(virt_to_pfn(fp), REPAY_FIFO_MAX_PAGES + 1), -XEN_EINVAL,
       "a FIFO of %u pages", REPAY_FIFO_MAX_PAGES + 1);
    is(repay_register(start_info->nr_pages + 2, 1), -XEN_EINVAL,
       "a FIFO on a pfn we do not have");
    is(repay_register(pd, 1), -XEN_EBUSY, "a FIFO on our page directory");
    is(repay_register(virt_to_pfn(fp), 1), 0, "register a FIFO of one page");
    is(repay_register(virt_to_pfn(fp), 1), -XEN_EBUSY, "register again");
    fifo = (struct repay_fifo *)fp;
    is(fifo->size, (PAGE_SIZE - sizeof(*fifo)) / 4, "its size: %u entries",
       fifo->size);

    /* Lending against a promise: above the entitlement, only as far as
     * volatile pages go. */
    populated = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    entitled = (uint32_t)populated; /* start=: the test's scenario */
    is(report(entitled + 200, 0, &target), 0, "report a need above it");
    is(target, entitled, "  nothing is lent without a promise (%u)", target);

    mapped[0] = 0x5AFE;
    good1[0] = good2[0] = good3[0] = 0x11;
    is(HYPERVISOR_update_va_mapping((uint32_t)good1, 0, UVMF_INVLPG), 0,
       "unmap two pages: volatile");
    (void)HYPERVISOR_update_va_mapping((uint32_t)good2, 0, UVMF_INVLPG);
    (void)HYPERVISOR_update_va_mapping((uint32_t)good3, 0, UVMF_INVLPG);
    add(virt_to_pfn(good1));                  /* 0: taken             */
    add(virt_to_pfn(mapped));                 /* 1: mapped: bad       */
    add(pd);                                  /* 2: a page table: bad */
    add(start_info->nr_pages + 5);            /* 3: not ours: bad     */
    add(virt_to_pfn(good2));                  /* 4: taken             */
    add(virt_to_pfn(good2));                  /* 5: twice: bad        */
    add(virt_to_pfn(good3));                  /* 6: rescued below     */
    fifo->pfn[6] = REPAY_RESCUED;
    is(report(entitled + 200, 2, &target), 0, "report two volatile pages");
    is(target, entitled + 2, "  the target rises by the two promised (%u)",
       target);
    printk("# repay: FIFO ready\n");
    while (*(volatile uint32_t *)&fifo->head < 7 && waited < LIMIT_MS) {
        nap_ms(20);
        waited += 20;
    }
    is(fifo->head, 7, "the hypervisor went through all seven entries");
    is(fifo->taken, 2, "it took two pages");
    ok(fifo->pfn[0] == REPAY_TAKEN && fifo->pfn[4] == REPAY_TAKEN,
       "  the two volatile ones");
    ok(pfn_to_mfn(virt_to_pfn(good1)) == INVALID_P2M_ENTRY &&
           pfn_to_mfn(virt_to_pfn(good2)) == INVALID_P2M_ENTRY,
       "  their pfns have no frame now");
    ok(fifo->pfn[1] == REPAY_BAD && fifo->pfn[2] == REPAY_BAD &&
           fifo->pfn[3] == REPAY_BAD && fifo->pfn[5] == REPAY_BAD,
       "the mapped page, the table, the foreign pfn and the repeat: bad");
    is(fifo->pfn[6], REPAY_RESCUED, "the rescued page was left alone");
    ok(pfn_to_mfn(virt_to_pfn(good3)) != INVALID_P2M_ENTRY,
       "  and still has its frame");
    is(mapped[0], 0x5AFE, "the page still mapped is untouched");
    is(report(entitled + 200, 500, &target), 0,
       "report again, claiming 500 volatile pages");
    ok(target <= entitled, "  a guest that lied gets nothing above its "
                           "entitlement (%u)", target);
    is(HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0), 0, "audit agrees");
}
