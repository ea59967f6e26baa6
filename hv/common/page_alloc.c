/*
 * page_alloc.c - the frame allocators: a boot allocator for the frame
 * table and M2P, the xenheap (direct-mapped frames, contiguous runs, for
 * the hypervisor's own structures) and the domheap (single frames for
 * guests). Also the page lists.
 *
 * Owns the free lists and each free frame's page_info. A frame leaves
 * here zeroed (unless the caller overwrites it) and comes back poisoned;
 * the idle loop zeroes a bounded pool of free frames ahead (Xen's idle
 * scrubbing). A frame still referenced or typed is never freed (checked,
 * panics).
 */
#include <hv/bootinfo.h>
#include <hv/cmdline.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/sched.h>
#include <hv/stats.h>
#include <asm/paging.h>

struct page_info *frame_table = (struct page_info *)FRAMETABLE_VIRT_START;
uint32_t max_page;
uint32_t *machine_to_phys_mapping = (uint32_t *)RW_MPT_VIRT_START;

static struct page_list_head domheap_free;     /* dirty: poisoned or unknown */
static struct page_list_head domheap_scrubbed; /* zeroed (PGC_scrubbed)      */
/* Free frames the idle loop keeps zeroed (0: none, every clear on demand). */
static unsigned int opt_scrub_pool_pages = 4096;
integer_param_range("scrub_pool_pages", opt_scrub_pool_pages, 0, 1U << 20);
#define SCRUB_BATCH 8 /* frames an idle call zeroes: a wakeup waits no longer */

static bool scrub_free_pages(void);
static uint32_t xenheap_bitmap[DIRECTMAP_NR_FRAMES / 32]; /* 1 = free */
static uint32_t xenheap_free;
static uint32_t boot_next = DIRECTMAP_NR_FRAMES,
                boot_first = DIRECTMAP_NR_FRAMES;

#define POISON_WORD 0xDEADBEEFU

void page_list_add(struct page_list_head *l, struct page_info *pg)
{
    pg->prev = NULL;
    pg->next = l->head;
    if (l->head)
        l->head->prev = pg;
    l->head = pg;
    l->count++;
}

void page_list_del(struct page_list_head *l, struct page_info *pg)
{
    BUG_ON(!l->count);
    if (pg->prev)
        pg->prev->next = pg->next;
    else {
        BUG_ON(l->head != pg);
        l->head = pg->next;
    }
    if (pg->next)
        pg->next->prev = pg->prev;
    pg->next = pg->prev = NULL;
    l->count--;
}

/* Is this frame RAM that nothing (BIOS, image, modules) is using? */
static bool frame_available(const struct bootinfo *bi, uint32_t mfn)
{
    uint64_t pa = (uint64_t)mfn << PAGE_SHIFT;
    bool ram = false;
    unsigned int i;

    if (pa < 0x100000) /* BIOS, VGA and the real-mode IVT */
        return false;
    for (i = 0; i < bi->nr_mmap; i++)
        if (bi->mmap[i].type == 1 && pa >= bi->mmap[i].base &&
            pa + PAGE_SIZE <= bi->mmap[i].base + bi->mmap[i].len)
            ram = true;
    if (!ram)
        return false;
    if (pa < bi->image_end && pa + PAGE_SIZE > bi->image_start)
        return false;
    for (i = 0; i < bi->nr_mods; i++)
        if (pa < ROUNDUP((uint64_t)bi->mods[i].end, PAGE_SIZE) &&
            pa + PAGE_SIZE > (bi->mods[i].start & PAGE_MASK))
            return false;
    return true;
}

uint32_t alloc_boot_page(const struct bootinfo *bi, uint32_t limit)
{
    while (boot_next < limit && !frame_available(bi, boot_next))
        boot_next++;
    if (boot_next >= limit)
        panic("alloc_boot_page: no free frame above %u MiB for the frame table",
              DIRECTMAP_SIZE >> 20);
    return boot_next++;
}

uint32_t alloc_boot_pages(const struct bootinfo *bi, uint32_t nr,
                          uint32_t limit)
{
    uint32_t first, i;

    for (;;) {
        first = alloc_boot_page(bi, limit);
        for (i = 1; i < nr; i++)
            if (alloc_boot_page(bi, limit) != first + i)
                break; /* not contiguous: start again after the hole */
        if (i == nr)
            return first;
    }
}

void init_heaps(const struct bootinfo *bi)
{
    uint32_t mfn;

    for (mfn = 0; mfn < max_page; mfn++) {
        struct page_info *pg = mfn_to_page(mfn);

        memset(pg, 0, sizeof(*pg));
        if ((mfn >= boot_first && mfn < boot_next) ||
            !frame_available(bi, mfn)) {
            pg->count_info = PGC_reserved;
            continue;
        }
        if (mfn < DIRECTMAP_NR_FRAMES) {
            pg->count_info = PGC_xen_heap | PGC_free;
            xenheap_bitmap[mfn / 32] |= 1U << (mfn % 32);
            xenheap_free++;
        } else {
            pg->count_info = PGC_free;
            page_list_add(&domheap_free, pg);
        }
    }
    /* First among the idle workers: it stops at the pool's size. */
    register_idle_work(scrub_free_pages);
}

void *alloc_xenheap_pages(unsigned int nr)
{
    uint32_t start = 0, run = 0, mfn, i;

    for (mfn = 0; mfn < DIRECTMAP_NR_FRAMES; mfn++) {
        /* Not in a run: a word with no free frame is one step. */
        if (!run && !(mfn % 32) && !xenheap_bitmap[mfn / 32]) {
            mfn += 31;
            continue;
        }
        if (xenheap_bitmap[mfn / 32] & (1U << (mfn % 32))) {
            if (!run++)
                start = mfn;
            if (run == nr)
                break;
        } else
            run = 0;
    }
    if (run < nr || !nr)
        return NULL;
    for (i = start; i < start + nr; i++) {
        struct page_info *pg = mfn_to_page(i);

        BUG_ON(pg->count_info != (PGC_xen_heap | PGC_free));
        xenheap_bitmap[i / 32] &= ~(1U << (i % 32));
        pg->count_info = PGC_xen_heap;
    }
    xenheap_free -= nr;
    memset(__va(start << PAGE_SHIFT), 0, nr << PAGE_SHIFT);
    return __va(start << PAGE_SHIFT);
}

void free_xenheap_pages(void *va, unsigned int nr)
{
    uint32_t start = __pa(va) >> PAGE_SHIFT, i;

    BUG_ON(((uint32_t)va & ~PAGE_MASK) || start + nr > DIRECTMAP_NR_FRAMES);
    for (i = start; i < start + nr; i++) {
        struct page_info *pg = mfn_to_page(i);

        if (pg->count_info != PGC_xen_heap || pg->owner || pg->type_info)
            panic(
                "free_xenheap_pages: mfn %#x still in use (count %#x type %#x)",
                i, pg->count_info, pg->type_info);
        pg->count_info = PGC_xen_heap | PGC_free;
        xenheap_bitmap[i / 32] |= 1U << (i % 32);
    }
    memset(va, 0xCC, nr << PAGE_SHIFT);
    xenheap_free += nr;
}

uint32_t domain_adjust_tot_pages(struct domain *d, int delta)
{
    BUG_ON(delta < 0 && d->tot_pages < (uint32_t)-delta);
    d->tot_pages += (uint32_t)delta;
    return d->tot_pages;
}

/* The free frame pg becomes d's (alloc_domheap_page's rules). */
static struct page_list_head *free_list_of(const struct page_info *pg)
{
    return pg->count_info & PGC_scrubbed ? &domheap_scrubbed : &domheap_free;
}

static struct page_info *take_free_page(struct domain *d, struct page_info *pg,
                                        unsigned int memflags)
{
    bool scrubbed = pg->count_info & PGC_scrubbed;
    uint32_t mfn;

    page_list_del(free_list_of(pg), pg);
    BUG_ON((pg->count_info & ~PGC_scrubbed) != PGC_free || pg->type_info ||
           pg->owner);
    /* A freed frame may still sit in a TLB: flush before it changes hands. */
    if (tlbflush_pending)
        flush_tlb_local();
    mfn = page_to_mfn(pg);
    if (!m2p_view_reserve(d, mfn)) {
        page_list_add(free_list_of(pg), pg);
        return NULL;
    }
    if (!(memflags & MEMF_no_scrub) && !scrubbed)
        clear_domain_page(mfn);
    pg->owner = d;
    pg->count_info = PGC_allocated | 1;
    pg->type_info = PGT_none;
    page_list_add(&d->page_list, pg);
    domain_adjust_tot_pages(d, 1);
    return pg;
}

struct page_info *alloc_domheap_page(struct domain *d, unsigned int memflags)
{
    struct page_info *pg;

    if (d->tot_pages >= d->max_pages)
        return NULL;
    /* Zeroed frames for those who want them zeroed. */
    if (memflags & MEMF_no_scrub)
        pg = page_list_first(&domheap_free) ?: page_list_first(&domheap_scrubbed);
    else
        pg = page_list_first(&domheap_scrubbed) ?: page_list_first(&domheap_free);
    return pg ? take_free_page(d, pg, memflags) : NULL;
}

struct page_info *alloc_domheap_page_near(struct domain *d, uint32_t mfn,
                                          unsigned int memflags)
{
    uint32_t i;

    if (d->tot_pages >= d->max_pages || !nr_free_domheap_pages())
        return NULL;
    for (i = 0; i < max_page; i++, mfn++) {
        if (mfn >= max_page)
            mfn = 0;
        if ((mfn_to_page(mfn)->count_info & ~PGC_scrubbed) == PGC_free)
            return take_free_page(d, mfn_to_page(mfn), memflags);
    }
    return NULL;
}

void free_domheap_page(struct page_info *pg)
{
    struct domain *d = page_get_owner(pg);
    uint32_t mfn = page_to_mfn(pg);

    if ((pg->count_info & PGC_count_mask) || (pg->type_info & PGT_count_mask) ||
        !d)
        panic("free_domheap_page: mfn %#x count %#x type %#x owner %p", mfn,
              pg->count_info, pg->type_info, (void *)d);
    page_list_del(&d->page_list, pg);
    domain_adjust_tot_pages(d, -1);
    fill_domain_page(mfn, POISON_WORD);
    set_gpfn_from_mfn(d, mfn, INVALID_M2P_ENTRY);
    BUG_ON(pg->u.raw[0] | pg->u.raw[1] | pg->u.raw[2]); /* its user's gone */
    pg->owner = NULL;
    pg->type_info = 0;
    pg->count_info = PGC_free;
    page_list_add(&domheap_free, pg);
    tlbflush_pending = true;
}

/* Idle work: zero a few dirty free frames while the scrubbed pool is short
 * of scrub_pool_pages. True if it zeroed any. (Counted as page_scrubs, not
 * page_clears: the clears are those made on a guest's behalf.) */
static bool scrub_free_pages(void)
{
    unsigned int n;

    for (n = 0; n < SCRUB_BATCH; n++) {
        struct page_info *pg = page_list_first(&domheap_free);

        if (!pg || domheap_scrubbed.count >= opt_scrub_pool_pages)
            break;
        page_list_del(&domheap_free, pg);
        fill_domain_page(page_to_mfn(pg), 0);
        perfc_incr(page_scrubs);
        pg->count_info |= PGC_scrubbed;
        page_list_add(&domheap_scrubbed, pg);
    }
    return n != 0;
}

/* dom_cow's frame pg, allocated, becomes a shared frame. */
static void shared_frame_state(struct page_info *pg)
{
    pg->count_info &= ~PGC_allocated;
    pg->count_info--;
    pg->type_info = PGT_none | PGT_validated | 1;
}

void page_make_sharable(struct domain *d, struct page_info *pg)
{
    BUG_ON(page_get_owner(pg) != d || !(pg->count_info & PGC_allocated) ||
           (pg->count_info & (PGC_xen_heap | PGC_free)) ||
           !(pg->count_info & PGC_count_mask));
    page_list_del(&d->page_list, pg);
    domain_adjust_tot_pages(d, -1);
    pg->owner = dom_cow;
    page_list_add(&dom_cow->page_list, pg);
    domain_adjust_tot_pages(dom_cow, 1);
    shared_frame_state(pg);
    set_gpfn_from_mfn(d, page_to_mfn(pg), SHARED_M2P_ENTRY);
}

struct page_info *alloc_shared_frame_near(uint32_t mfn)
{
    struct page_info *pg = alloc_domheap_page_near(dom_cow, mfn, MEMF_no_scrub);

    if (pg) {
        shared_frame_state(pg);
        set_gpfn_from_mfn(NULL, page_to_mfn(pg), SHARED_M2P_ENTRY);
    }
    return pg;
}

void page_make_private(struct domain *d, struct page_info *pg, uint32_t pfn)
{
    BUG_ON(page_get_owner(pg) != dom_cow || (pg->count_info & PGC_allocated) ||
           !(pg->count_info & PGC_count_mask));
    page_list_del(&dom_cow->page_list, pg);
    domain_adjust_tot_pages(dom_cow, -1);
    pg->owner = d;
    page_list_add(&d->page_list, pg);
    domain_adjust_tot_pages(d, 1);
    pg->type_info = PGT_none;
    pg->count_info |= PGC_allocated;
    set_gpfn_from_mfn(d, page_to_mfn(pg), pfn);
}

void share_xen_page_with_guest(struct page_info *pg, struct domain *d,
                               bool readonly)
{
    BUG_ON(pg->count_info != PGC_xen_heap || pg->owner);
    pg->owner = d;
    /* A permanent type reference: never a page table, and never writable
     * if readonly. */
    pg->type_info =
        (readonly ? PGT_none : PGT_writable_page) | PGT_validated | 1;
    pg->count_info = PGC_xen_heap | PGC_allocated | 1;
}

void unshare_xen_page_with_guest(struct page_info *pg, struct domain *d)
{
    if (pg->owner != d ||
        pg->count_info != (PGC_xen_heap | PGC_allocated | 1) ||
        (pg->type_info & PGT_count_mask) != 1)
        panic("unshare_xen_page_with_guest: mfn %#x count %#x type %#x still "
              "referenced",
              page_to_mfn(pg), pg->count_info, pg->type_info);
    pg->owner = NULL;
    pg->type_info = 0;
    pg->count_info = PGC_xen_heap;
}

uint32_t nr_free_domheap_pages(void)
{
    return domheap_free.count + domheap_scrubbed.count;
}

uint32_t nr_free_xenheap_pages(void)
{
    return xenheap_free;
}
