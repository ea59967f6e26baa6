/*
 * page.c - the kernel's pseudo-physical memory: a struct page for every
 * pfn (mem_map), the free list, page references, the page categories the
 * sharing work asks about, and a small slab allocator (kmalloc) for
 * kernel objects.
 *
 * Owns the free list. A page leaves it with one reference; it comes back
 * only when the last reference goes, and never while mapped (checked).
 */
#include "kernel.h"

struct page *mem_map;
uint32_t nr_pages, nr_free_pages;
static struct page *free_list;

static void free_list_push(struct page *p)
{
    p->use = PG_FREE;
    p->count = 0;
    p->inode = NULL;
    p->index = 0;
    p->dirty = 0;
    p->flags &= PGF_SHARED; /* a shared frame stays shared while free */
    p->prev = NULL;
    p->next = free_list;
    if (free_list)
        free_list->prev = p;
    free_list = p;
    nr_free_pages++;
    share_hint(p);
}

static void free_list_del(struct page *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        free_list = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->next = p->prev = NULL;
    nr_free_pages--;
}

void page_init(void)
{
    uint32_t first = start_info->first_free_pfn, map_pages, pfn;

    nr_pages = start_info->nr_pages;
    map_pages = ROUNDUP(nr_pages * sizeof(struct page), PAGE_SIZE) / PAGE_SIZE;
    if (first + map_pages + 64 > nr_pages)
        kpanic("page_init: %u pages is too little memory", nr_pages);
    mem_map = pfn_to_virt(first);
    memset(mem_map, 0, map_pages * PAGE_SIZE);
    /* The image, the boot tables and stack, start_info, mem_map itself. */
    for (pfn = 0; pfn < first + map_pages; pfn++) {
        mem_map[pfn].use = PG_KERNEL;
        mem_map[pfn].count = 1;
    }
    for (pfn = first; pfn < first + map_pages; pfn++)
        if (p2m[pfn] == INVALID_P2M_ENTRY)
            kpanic("page_init: mem_map pfn %#x has no frame (start= too "
                   "small)", pfn);
    /* Highest pfns last on the list: allocation starts low. Pfns the
     * domain was built without (start= below mem=) are ballooned. */
    for (pfn = nr_pages; pfn-- > first + map_pages;) {
        if (p2m[pfn] == INVALID_P2M_ENTRY)
            balloon_add(&mem_map[pfn]);
        else
            free_list_push(&mem_map[pfn]);
    }
}

struct page *page_take_free(void)
{
    struct page *p = free_list;

    if (p)
        free_list_del(p);
    return p;
}

void page_free_new(struct page *p)
{
    free_list_push(p);
    p->flags = PGF_ZEROED;
}

/* Short of free pages: grow the balloon back first, then evict. */
/* Free pages from, in turn: the balloon, cache pages no one maps,
 * anonymous pages (swap), and last the cache pages processes map. */
static void replenish(uint32_t want)
{
    if (balloon_grow_now(want) >= want)
        return;
    if (!swap_active()) {
        pagecache_shrink(want);
        return;
    }
    pagecache_shrink_unmapped(want);
    if (nr_free_pages < want)
        swap_out_pages(want - nr_free_pages);
    if (nr_free_pages < want)
        pagecache_shrink(want);
}

struct page *page_alloc(uint8_t use, bool zero)
{
    struct page *p;

    if (nr_free_pages < LOW_WATERMARK)
        replenish(LOW_WATERMARK);
    p = free_list;
    if (!p)
        return NULL;
    /* Its frame is shared (it was shared when it was freed): its contents
     * are not needed, so it gets a fresh zeroed frame, no copy. */
    if (p->flags & PGF_SHARED)
        share_discard_free(p);
    /* The hypervisor had no frame for it: any private free page will do. */
    while (p && (p->flags & PGF_SHARED))
        p = p->next;
    if (!p)
        return NULL;
    free_list_del(p);
    KASSERT(p->use == PG_FREE && !p->count && !p->mapcount && !p->rmap);
    p->use = use;
    p->count = 1;
    p->next = p->prev = p->hnext = NULL;
    if (zero && !(p->flags & PGF_ZEROED))
        clear_page(page_va(p));
    p->flags &= ~PGF_ZEROED;
    share_hint(p);
    return p;
}

void page_put(struct page *p)
{
    KASSERT(p->count > 0 && p->use != PG_FREE);
    if (--p->count)
        return;
    if (p->mapcount || p->rmap || p->on_lru)
        kpanic("page_put: pfn %#x freed while mapped %u times (lru %u)",
               page_to_pfn(p), p->mapcount, p->on_lru);
    free_list_push(p);
}

struct page *page_alloc_contig(unsigned int n)
{
    struct page *p;
    unsigned int i;

    if (nr_free_pages < LOW_WATERMARK + n)
        replenish(LOW_WATERMARK + n);
    for (p = free_list; p; p = p->next) {
        uint32_t pfn = page_to_pfn(p);

        if (pfn + n > nr_pages)
            continue;
        for (i = 1; i < n; i++)
            if (mem_map[pfn + i].use != PG_FREE)
                break;
        if (i < n)
            continue;
        for (i = 0; i < n; i++)
            if (mem_map[pfn + i].flags & PGF_SHARED)
                share_discard_free(&mem_map[pfn + i]);
        for (i = 0; i < n; i++)
            if (mem_map[pfn + i].flags & PGF_SHARED)
                return NULL;
        for (i = 0; i < n; i++) {
            free_list_del(&mem_map[pfn + i]);
            mem_map[pfn + i].use = PG_KERNEL;
            mem_map[pfn + i].count = 1;
            mem_map[pfn + i].flags &= ~PGF_ZEROED;
        }
        return p;
    }
    return NULL;
}

void page_free_contig(struct page *p, unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n; i++)
        page_put(p + i);
}

uint32_t page_category(const struct page *p)
{
    switch (p->use) {
    case PG_FREE:
        return PVK_PAGE_FREE;
    case PG_ANON:
        return PVK_PAGE_ANON;
    case PG_CACHE:
        return p->mapcount ? PVK_PAGE_MAPPED : PVK_PAGE_CACHE;
    case PG_BALLOONED:
        return PVK_PAGE_BALLOONED;
    default:
        return PVK_PAGE_KERNEL;
    }
}

/* --- kmalloc: power-of-two slabs from 16 to 2048 bytes ------------------ */

#define SLAB_MIN_SHIFT 4
#define SLAB_CLASSES   8 /* 16 .. 2048 */

struct free_obj {
    struct free_obj *next;
};
static struct free_obj *slab_free[SLAB_CLASSES];

void *kmalloc(size_t size)
{
    unsigned int c = 0;
    size_t objsize;
    struct free_obj *o;

    while (((size_t)1 << (SLAB_MIN_SHIFT + c)) < size)
        c++;
    KASSERT(c < SLAB_CLASSES);
    objsize = (size_t)1 << (SLAB_MIN_SHIFT + c);
    if (!slab_free[c]) {
        struct page *p = page_alloc(PG_KERNEL, false);
        char *base;
        size_t off;

        if (!p)
            return NULL;
        p->index = (uint32_t)objsize; /* kfree finds the class here */
        base = page_va(p);
        for (off = 0; off < PAGE_SIZE; off += objsize) {
            o = (struct free_obj *)(base + off);
            o->next = slab_free[c];
            slab_free[c] = o;
        }
    }
    o = slab_free[c];
    slab_free[c] = o->next;
    memset(o, 0, objsize);
    return o;
}

void kfree(void *ptr)
{
    struct page *p;
    unsigned int c = 0;
    struct free_obj *o = ptr;

    if (!ptr)
        return;
    p = virt_to_page(ptr);
    KASSERT(p->use == PG_KERNEL && p->index >= 16);
    while (((uint32_t)1 << (SLAB_MIN_SHIFT + c)) < p->index)
        c++;
    o->next = slab_free[c];
    slab_free[c] = o;
}
