/*
 * pt_pv.c - pt.h for paravirtual mode: directories and L1 tables hold
 * machine frame numbers (pfn -> mfn through the read-only P2M; in shadow
 * mode, SIF_TRANSLATED, they hold pfns and the hypervisor keeps the
 * machine copies - the same code serves, with pfn_to_mfn() the identity), every
 * change is an mmu_update queued and sent in batches, a table becomes one
 * only after its own mapping in the direct map was made read-only, and
 * the two directories of an address space are changed together.
 *
 * Each L1 table has a companion page of the pfns its entries map (found
 * through the table's struct page, index = the companion's pfn): the M2P
 * cannot say which pfn a shared frame stands for, so lookups never ask it.
 * A shared page (PGF_SHARED) is given its own frame back before it is
 * mapped writable, or mapped more often than a sharing request can list.
 *
 * Owns the update queue and which address space is loaded. Never writes a
 * page-table frame directly: the hypervisor would refuse it, and it must.
 */
#include <public/sharing.h>
#include "kernel.h"

#define QUEUE_MAX  64
#define FLUSH_MAX  16 /* more changed addresses than this: full TLB flush */
#define USER_SLOTS (USER_TOP >> 22)
#define KERNEL_SLOTS_END FIRST_HV_L2_SLOT

#define PTE_USER_FLAGS (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PDE_FLAGS      (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

static mmu_update_t queue[QUEUE_MAX];
static unsigned int queued;
static uint32_t flush_va[FLUSH_MAX];
static unsigned int nr_flush;
static bool full_flush;
static const struct pt *loaded;

static const uint32_t *boot_pd(void)
{
    return (const uint32_t *)start_info->pt_base;
}

static uint32_t *pd_va(const struct page *pd)
{
    return page_va(pd);
}

static uint32_t mfn_of(const struct page *p)
{
    return pfn_to_mfn(page_to_pfn(p));
}

/* Machine address of the direct-map entry that maps kernel va. */
static uint64_t kmap_pte_maddr(const void *va)
{
    uint32_t l2e = boot_pd()[(uint32_t)va >> 22];

    return (uint64_t)(l2e & PAGE_MASK) + (((uint32_t)va >> PAGE_SHIFT) & 1023) * 4;
}

uint32_t pt_kmap_pte_maddr(const struct page *p)
{
    return (uint32_t)kmap_pte_maddr(page_va(p));
}

static void queue_update(uint64_t ptr, uint32_t val)
{
    if (queued == QUEUE_MAX)
        pt_commit();
    queue[queued].ptr = ptr;
    queue[queued].val = val;
    queued++;
}

static void note_flush(const struct pt *pt, uint32_t va)
{
    if (pt != loaded)
        return;
    if (nr_flush < FLUSH_MAX)
        flush_va[nr_flush++] = va;
    else
        full_flush = true;
}

/* The kernel's own view of a page: read-only while it is a table. */
static void set_kmap_writable(struct page *p, bool writable)
{
    uint32_t val = (mfn_of(p) << PAGE_SHIFT) | PTE_USER_FLAGS |
                   (writable ? _PAGE_RW | _PAGE_DIRTY : 0);

    queue_update(kmap_pte_maddr(page_va(p)), val);
}

void pt_kmap_clear(struct page *p)
{
    queue_update(kmap_pte_maddr(page_va(p)), 0);
}

void pt_kmap_set(struct page *p, uint32_t frame)
{
    queue_update(kmap_pte_maddr(page_va(p)),
                 (frame << PAGE_SHIFT) | PTE_USER_FLAGS | _PAGE_RW |
                     _PAGE_DIRTY);
}

void pt_flush_all(void)
{
    struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

    (void)HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void pt_commit(void)
{
    unsigned int done = 0, i;
    long rc;

    if (queued) {
        rc = HYPERVISOR_mmu_update(queue, queued, &done, DOMID_SELF);
        if (rc)
            kpanic("mmu_update of %u entries failed at %u: %ld (ptr %#llx val "
                   "%#llx)", queued, done, rc,
                   (unsigned long long)queue[done].ptr,
                   (unsigned long long)queue[done].val);
        queued = 0;
    }
    if (full_flush) {
        struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

        (void)HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
    } else if (nr_flush) {
        struct mmuext_op ops[FLUSH_MAX];

        for (i = 0; i < nr_flush; i++) {
            ops[i].cmd = MMUEXT_INVLPG_LOCAL;
            ops[i].arg1.linear_addr = flush_va[i];
        }
        (void)HYPERVISOR_mmuext_op(ops, nr_flush, NULL, DOMID_SELF);
    }
    nr_flush = 0;
    full_flush = false;
}

static long mmuext1(unsigned int cmd, uint32_t mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void pt_init(void)
{
    /* Nothing to set up: the boot directory is the kernel's own. */
}

int pt_create(struct pt *pt)
{
    uint32_t *k;

    pt->kpd = page_alloc(PG_KERNEL, true);
    pt->upd = page_alloc(PG_KERNEL, true);
    if (!pt->kpd || !pt->upd) {
        if (pt->kpd)
            page_put(pt->kpd);
        if (pt->upd)
            page_put(pt->upd);
        return -ENOMEM;
    }
    /* The kernel's slots, shared by every kernel-mode directory. */
    k = pd_va(pt->kpd);
    memcpy(&k[USER_SLOTS], &boot_pd()[USER_SLOTS],
           (KERNEL_SLOTS_END - USER_SLOTS) * sizeof(uint32_t));
    set_kmap_writable(pt->kpd, false);
    set_kmap_writable(pt->upd, false);
    pt_commit();
    if (mmuext1(MMUEXT_PIN_L2_TABLE, mfn_of(pt->kpd)) ||
        mmuext1(MMUEXT_PIN_L2_TABLE, mfn_of(pt->upd)))
        kpanic("pt_create: pinning new directories failed");
    return 0;
}

/* The L1 table behind slot, or NULL. (Tables are never shared: the M2P
 * knows their pfn.) */
static struct page *l1_of(const struct pt *pt, unsigned int slot)
{
    uint32_t e = pd_va(pt->kpd)[slot];

    if (!(e & _PAGE_PRESENT))
        return NULL;
    return pfn_to_page(mfn_to_pfn(e >> PAGE_SHIFT));
}

/* The pfns an L1 table's entries map. */
static uint32_t *l1_pfns(const struct page *l1)
{
    return pfn_to_virt(l1->index);
}

static struct page *l1_alloc(struct pt *pt, unsigned int slot)
{
    struct page *l1 = page_alloc(PG_KERNEL, true);
    struct page *pfns = page_alloc(PG_KERNEL, true);
    uint32_t pde;

    if (!l1 || !pfns) {
        if (l1)
            page_put(l1);
        if (pfns)
            page_put(pfns);
        return NULL;
    }
    l1->index = page_to_pfn(pfns);
    pde = (mfn_of(l1) << PAGE_SHIFT) | PDE_FLAGS;
    /* In order: no writable mapping left, then both directories. */
    set_kmap_writable(l1, false);
    queue_update(((uint64_t)mfn_of(pt->kpd) << PAGE_SHIFT) + slot * 4, pde);
    queue_update(((uint64_t)mfn_of(pt->upd) << PAGE_SHIFT) + slot * 4, pde);
    pt_commit();
    return l1;
}

uint32_t pt_pte_maddr(struct pt *pt, uint32_t va)
{
    struct page *l1 = l1_of(pt, va >> 22);

    if (!l1)
        return 0;
    return (mfn_of(l1) << PAGE_SHIFT) + ((va >> PAGE_SHIFT) & 1023) * 4;
}

int pt_map(struct pt *pt, uint32_t va, uint32_t pfn, uint32_t flags)
{
    unsigned int slot = va >> 22;
    struct page *l1, *p = pfn_to_page(pfn);
    uint32_t val;
    int rc;

    KASSERT(va < USER_TOP && !(va & ~PAGE_MASK));
    /* A shared frame is never writable, and a sharing request lists every
     * entry of a page: break the share first where either would fail. */
    if ((p->flags & PGF_SHARED) &&
        ((flags & PTE_W) || p->mapcount + 2 >= SHARE_MAX_PTES) &&
        (rc = share_break(p)) != 0)
        return rc;
    l1 = l1_of(pt, slot);
    if (!l1 && !(l1 = l1_alloc(pt, slot)))
        return -ENOMEM;
    val = (pfn_to_mfn(pfn) << PAGE_SHIFT) | PTE_USER_FLAGS;
    if (flags & PTE_W)
        val |= _PAGE_RW | _PAGE_DIRTY;
    l1_pfns(l1)[(va >> PAGE_SHIFT) & 1023] = pfn;
    queue_update(((uint64_t)mfn_of(l1) << PAGE_SHIFT) +
                     ((va >> PAGE_SHIFT) & 1023) * 4, val);
    note_flush(pt, va);
    return 0;
}

void pt_unmap(struct pt *pt, uint32_t va)
{
    struct page *l1 = l1_of(pt, va >> 22);

    if (!l1)
        return;
    queue_update(((uint64_t)mfn_of(l1) << PAGE_SHIFT) +
                     ((va >> PAGE_SHIFT) & 1023) * 4, 0);
    note_flush(pt, va);
}

bool pt_lookup(struct pt *pt, uint32_t va, uint32_t *pfn, uint32_t *flags)
{
    struct page *l1;
    uint32_t e;

    pt_commit();
    l1 = l1_of(pt, va >> 22);
    if (!l1)
        return false;
    e = ((uint32_t *)page_va(l1))[(va >> PAGE_SHIFT) & 1023];
    if (!(e & _PAGE_PRESENT))
        return false;
    *pfn = l1_pfns(l1)[(va >> PAGE_SHIFT) & 1023];
    *flags = (e & _PAGE_RW) ? PTE_W : 0;
    return true;
}

void pt_walk(struct pt *pt, uint32_t start, uint32_t end,
             void (*fn)(void *arg, uint32_t va, uint32_t pfn, uint32_t flags),
             void *arg)
{
    uint32_t va = start & PAGE_MASK;

    pt_commit();
    if (end > USER_TOP)
        end = USER_TOP;
    while (va < end) {
        uint32_t slot_end = ((va >> 22) + 1) << 22; /* user slots: no wrap */
        uint32_t stop = end < slot_end ? end : slot_end;
        struct page *l1 = l1_of(pt, va >> 22);

        if (l1) {
            const uint32_t *e = page_va(l1), *pfns = l1_pfns(l1);

            for (; va < stop; va += PAGE_SIZE) {
                uint32_t x = e[(va >> PAGE_SHIFT) & 1023];

                if (x & _PAGE_PRESENT)
                    fn(arg, va, pfns[(va >> PAGE_SHIFT) & 1023],
                       (x & _PAGE_RW) ? PTE_W : 0);
            }
        }
        va = slot_end;
    }
}

/* A swap entry: present clear (the hypervisor leaves such an entry alone,
 * and the CPU faults on it), bit 1 set, the slot + 1 in bits 31..12. */
#define SWAP_MARK 0x2U

int pt_set_swap(struct pt *pt, uint32_t va, uint32_t slot)
{
    struct page *l1 = l1_of(pt, va >> 22);

    KASSERT(va < USER_TOP && !(va & ~PAGE_MASK) && slot < 0xFFFFEU);
    if (!l1 && !(l1 = l1_alloc(pt, va >> 22)))
        return -ENOMEM;
    l1_pfns(l1)[(va >> PAGE_SHIFT) & 1023] = 0;
    queue_update(((uint64_t)mfn_of(l1) << PAGE_SHIFT) +
                     ((va >> PAGE_SHIFT) & 1023) * 4,
                 ((slot + 1) << PAGE_SHIFT) | SWAP_MARK);
    note_flush(pt, va);
    return 0;
}

static bool swap_entry(uint32_t e, uint32_t *slot)
{
    if ((e & _PAGE_PRESENT) || !(e & SWAP_MARK) || !(e >> PAGE_SHIFT))
        return false;
    *slot = (e >> PAGE_SHIFT) - 1;
    return true;
}

bool pt_lookup_swap(struct pt *pt, uint32_t va, uint32_t *slot)
{
    struct page *l1;

    pt_commit();
    l1 = l1_of(pt, va >> 22);
    return l1 && swap_entry(((uint32_t *)page_va(l1))[(va >> PAGE_SHIFT) & 1023],
                            slot);
}

void pt_walk_swap(struct pt *pt, uint32_t start, uint32_t end,
                  void (*fn)(void *arg, uint32_t va, uint32_t slot), void *arg)
{
    uint32_t va = start & PAGE_MASK, slot;

    pt_commit();
    if (end > USER_TOP)
        end = USER_TOP;
    while (va < end) {
        uint32_t slot_end = ((va >> 22) + 1) << 22;
        uint32_t stop = end < slot_end ? end : slot_end;
        struct page *l1 = l1_of(pt, va >> 22);

        if (l1) {
            const uint32_t *e = page_va(l1);

            for (; va < stop; va += PAGE_SIZE)
                if (swap_entry(e[(va >> PAGE_SHIFT) & 1023], &slot))
                    fn(arg, va, slot);
        }
        va = slot_end;
    }
}

/*
 * The directories are unpinned first: they stop being tables, their L1
 * tables with them, and the hypervisor drops the references of every entry
 * at once. Clearing the entries one by one first would cost an update each
 * (and in shadow mode a mirrored one each) for an address space nobody can
 * run again. The tables' contents stay readable to the end.
 */
void pt_destroy(struct pt *pt)
{
    struct mmuext_op ops[2] = {
        { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = mfn_of(pt->kpd) },
        { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = mfn_of(pt->upd) },
    };
    unsigned int slot;

    KASSERT(pt != loaded);
    pt_commit();
    if (HYPERVISOR_mmuext_op(ops, 2, NULL, DOMID_SELF))
        kpanic("pt_destroy: unpinning directories failed");
    for (slot = 0; slot < USER_SLOTS; slot++) {
        struct page *l1 = l1_of(pt, slot);

        if (l1)
            set_kmap_writable(l1, true);
    }
    set_kmap_writable(pt->kpd, true);
    set_kmap_writable(pt->upd, true);
    pt_commit();
    for (slot = 0; slot < USER_SLOTS; slot++) {
        struct page *l1 = l1_of(pt, slot);

        if (!l1)
            continue;
        page_put(pfn_to_page(l1->index));
        l1->index = 0;
        page_put(l1);
    }
    page_put(pt->kpd);
    page_put(pt->upd);
    pt->kpd = pt->upd = NULL;
}

void pt_load(struct pt *pt, uint32_t kstack_top)
{
    struct mmuext_op ops[2] = {
        { .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = mfn_of(pt->kpd) },
        { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = mfn_of(pt->upd) },
    };

    pt_commit();
    if (HYPERVISOR_mmuext_op(ops, 2, NULL, DOMID_SELF))
        kpanic("pt_load: new base pointers refused");
    if (HYPERVISOR_stack_switch(FLAT_KERNEL_SS, kstack_top))
        kpanic("pt_load: stack_switch refused");
    loaded = pt;
}

void pt_load_kernel(void)
{
    struct mmuext_op ops[2] = {
        { .cmd = MMUEXT_NEW_BASEPTR,
          .arg1.mfn = virt_to_mfn((void *)start_info->pt_base) },
        { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = 0 },
    };

    pt_commit();
    if (HYPERVISOR_mmuext_op(ops, 2, NULL, DOMID_SELF))
        kpanic("pt_load_kernel: refused");
    loaded = NULL;
}

bool pt_is_loaded(const struct pt *pt)
{
    return pt == loaded;
}
