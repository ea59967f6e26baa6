/*
 * mm.c - memory for PV guests: a page allocator over the pfns the domain
 * builder left free, batched page-table updates through mmu_update, and
 * helpers to map a page, change a page's protection and pin tables.
 * Page tables hold machine frame numbers; the guest reads them through its
 * read-only mappings and changes them only through hypercalls.
 */
#include <guest/guest.h>

#define MAX_PFNS  (512U << 8) /* 512 MiB */
#define MMU_BATCH 32

static uint32_t free_bitmap[MAX_PFNS / 32];
static uint32_t nr_free, alloc_hint;
static mmu_update_t mmu_queue[MMU_BATCH];
static unsigned int mmu_queued;

static void mm_init(void)
{
    uint32_t pfn;
    static bool done;

    if (done)
        return;
    done = true;
    GUEST_BUG_ON(start_info->nr_pages > MAX_PFNS);
    for (pfn = start_info->first_free_pfn; pfn < start_info->nr_pages; pfn++) {
        free_bitmap[pfn / 32] |= 1U << (pfn % 32);
        nr_free++;
    }
    alloc_hint = start_info->first_free_pfn;
}

void *alloc_page(void)
{
    uint32_t n = start_info->nr_pages, i;

    mm_init();
    for (i = 0; i < n; i++) {
        uint32_t pfn = (alloc_hint + i) % n;

        if (free_bitmap[pfn / 32] & (1U << (pfn % 32))) {
            free_bitmap[pfn / 32] &= ~(1U << (pfn % 32));
            nr_free--;
            alloc_hint = pfn + 1;
            clear_page(pfn_to_virt(pfn));
            return pfn_to_virt(pfn);
        }
    }
    return NULL;
}

void free_page(void *va)
{
    uint32_t pfn = virt_to_pfn(va);

    GUEST_BUG_ON(free_bitmap[pfn / 32] & (1U << (pfn % 32)));
    free_bitmap[pfn / 32] |= 1U << (pfn % 32);
    nr_free++;
}

unsigned int free_page_count(void)
{
    mm_init();
    return nr_free;
}

void mmu_queue_update(uint64_t ptr, uint64_t val)
{
    if (mmu_queued == MMU_BATCH)
        (void)mmu_flush();
    mmu_queue[mmu_queued].ptr = ptr;
    mmu_queue[mmu_queued].val = val;
    mmu_queued++;
}

int mmu_flush(void)
{
    unsigned int done = 0;
    long rc;

    if (!mmu_queued)
        return 0;
    rc = HYPERVISOR_mmu_update(mmu_queue, mmu_queued, &done, DOMID_SELF);
    mmu_queued = 0;
    return (int)rc;
}

static const uint32_t *kernel_pd(void)
{
    return (const uint32_t *)start_info->pt_base;
}

uint32_t current_l2e(uint32_t va)
{
    return kernel_pd()[va >> 22];
}

int pin_table(unsigned int level, uint32_t mfn)
{
    struct mmuext_op op = {
        .cmd = level == 1 ? MMUEXT_PIN_L1_TABLE : MMUEXT_PIN_L2_TABLE,
        .arg1.mfn = mfn,
    };

    return (int)HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

int unpin_table(uint32_t mfn)
{
    struct mmuext_op op = { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = mfn };

    return (int)HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

int set_page_ro(void *va)
{
    return (int)HYPERVISOR_update_va_mapping(
        (uint32_t)va,
        ((uint64_t)virt_to_mfn(va) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER |
            _PAGE_ACCESSED,
        UVMF_INVLPG);
}

int set_page_rw(void *va)
{
    return (int)HYPERVISOR_update_va_mapping(
        (uint32_t)va,
        ((uint64_t)virt_to_mfn(va) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
            _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY,
        UVMF_INVLPG);
}

int map_va(uint32_t va, uint32_t mfn, uint32_t flags)
{
    uint32_t l2e = current_l2e(va);
    int rc;

    if (!(l2e & _PAGE_PRESENT)) {
        void *l1 = alloc_page();

        if (!l1)
            return -XEN_ENOMEM;
        if ((rc = set_page_ro(l1)) || (rc = pin_table(1, virt_to_mfn(l1))))
            return rc;
        mmu_queue_update(virt_to_machine(&kernel_pd()[va >> 22]),
                         ((uint64_t)virt_to_mfn(l1) << PAGE_SHIFT) |
                             _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
                             _PAGE_ACCESSED);
        if ((rc = mmu_flush()))
            return rc;
        l2e = current_l2e(va);
    }
    mmu_queue_update((l2e & PAGE_MASK) | (((va >> PAGE_SHIFT) & 1023) << 2),
                     mfn ? ((uint64_t)mfn << PAGE_SHIFT) | flags : 0);
    rc = mmu_flush();
    if (!rc) {
        struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL,
                                .arg1.linear_addr = va };

        rc = (int)HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
    }
    return rc;
}
