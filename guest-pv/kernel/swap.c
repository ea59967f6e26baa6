/*
 * swap.c - anonymous pages out to a swap area and back, with frontswap in
 * front of it (Linux's frontswap over Xen's tmem): a page going out is put
 * to the hypervisor's persistent tmem pool (hswap, public/tmem.h) first,
 * and written to the swap disk only if the put is refused.
 *
 * The swap area is disk 1, a writable disk (wdisk= in the scenario), one
 * slot per 4 KiB sector; with no disk 1 nothing is swapped. A page goes
 * out when the page cache cannot give the allocator enough pages: its
 * contents are saved (put, or a write that blocks the whole domain, so
 * no process can change the page meanwhile), then every page-table entry
 * that maps it (its reverse map) becomes a swap entry naming the slot, and
 * the page is freed. A fault on a swap entry brings the page back (a get,
 * or a blocking read) into a new private page. A slot counts the entries
 * that name it (fork copies them); the last one gone frees the slot and
 * flushes its page from the pool.
 *
 * Command line: "swap=off" turns swapping off; "frontswap=off" writes
 * every page to the disk. Owns the slots and the frontswap pool id; never
 * swaps a page that is shared, locked, or has users beyond its mappings.
 */
#include "kernel.h"

#define SWAP_MAX_SLOTS (256U * 1024) /* 1 GiB of swap: a byte a slot */

static uint32_t nr_slots, cursor;
uint32_t nr_swapped; /* slots in use: pages out of memory */
static uint8_t *refs;        /* per slot: the entries that name it       */
static uint8_t *in_pool;     /* per slot: 1 if its page is in the pool   */
static int32_t pool = -1;    /* the frontswap pool                       */
static unsigned int hold;    /* swap_hold() nesting: no swapping then    */
static uint32_t clock_pfn;   /* where the search for a victim goes on    */
struct swap_counts swap_counts;

static long frontswap(uint32_t cmd, uint32_t slot, struct page *p)
{
    struct tmem_op op = { .cmd = cmd, .pool_id = pool };

    op.u.gen.index = slot;
    op.u.gen.pfn = p ? page_to_pfn(p) : 0;
    return HYPERVISOR_tmem_op(&op);
}

void swap_hold(void)
{
    hold++;
}

void swap_release(void)
{
    KASSERT(hold);
    hold--;
}

bool swap_active(void)
{
    return nr_slots != 0;
}

static uint32_t slot_alloc(void)
{
    uint32_t i;

    for (i = 0; i < nr_slots; i++) {
        uint32_t s = (cursor + i) % nr_slots;

        if (!refs[s]) {
            cursor = s + 1;
            return s;
        }
    }
    return UINT32_MAX;
}

void swap_slot_get(uint32_t slot)
{
    KASSERT(slot < nr_slots && refs[slot] && refs[slot] < 255);
    refs[slot]++;
}

void swap_slot_put(uint32_t slot)
{
    KASSERT(slot < nr_slots && refs[slot]);
    if (--refs[slot])
        return;
    nr_swapped--;
    if (in_pool[slot]) {
        (void)frontswap(TMEM_FLUSH_PAGE, slot, NULL);
        in_pool[slot] = 0;
    }
}

/* Save p's contents in a new slot; the slot, or UINT32_MAX. */
static uint32_t save(struct page *p)
{
    uint32_t slot = slot_alloc();
    long rc;

    if (slot == UINT32_MAX)
        return slot;
    if (pool >= 0) {
        rc = frontswap(TMEM_PUT_PAGE, slot, p);
        if (rc == 1) {
            in_pool[slot] = 1;
            swap_counts.fs_puts++;
            return slot;
        }
        swap_counts.fs_refused++;
        if (rc < 0)
            kprintf("swap: frontswap put failed (%ld)\n", rc);
    }
    if (blk_rw(1, true, slot, &p, 1, true))
        return UINT32_MAX;
    swap_counts.disk_writes++;
    return slot;
}

/* Can p go out? An anonymous page that only its mappings hold. */
static bool swappable(const struct page *p)
{
    return p->use == PG_ANON && p->mapcount && p->mapcount < 200 &&
           p->count == p->mapcount &&
           !(p->flags & (PGF_SHARED | PGF_LOCKED | PGF_VOLATILE));
}

static bool swap_out(struct page *p)
{
    uint32_t slot = save(p);

    if (slot == UINT32_MAX)
        return false;
    page_get(p); /* ours, while its mappings go */
    nr_swapped++;
    while (p->rmap) {
        struct rmap *r = p->rmap;

        /* The entry's L1 exists (it maps p): no allocation, no failure. */
        (void)pt_set_swap(&r->mm->pt, r->va, slot);
        refs[slot]++;
        r->mm->rss--;
        rmap_remove(p, r->mm, r->va);
        page_put(p); /* the mapping's reference */
    }
    pt_commit();
    page_put(p); /* ours: the page is free */
    swap_counts.outs++;
    return true;
}

uint32_t swap_out_pages(uint32_t n)
{
    uint32_t done = 0, scanned = 0;

    if (!nr_slots || hold)
        return 0;
    hold++; /* no swapping from inside swapping */
    while (done < n && scanned++ < nr_pages) {
        struct page *p = pfn_to_page(clock_pfn);

        clock_pfn = (clock_pfn + 1) % nr_pages;
        if (swappable(p) && swap_out(p))
            done++;
    }
    hold--;
    return done;
}

int swap_in(struct mm *mm, uint32_t va, uint32_t slot, bool writable)
{
    struct page *p;
    uint32_t now;
    long rc;

    KASSERT(slot < nr_slots && refs[slot]);
    p = page_alloc(PG_ANON, false);
    if (!p)
        return -ENOMEM;
    /* page_alloc may have swapped other pages out, never this entry. */
    if (!pt_lookup_swap(&mm->pt, va, &now) || now != slot)
        kpanic("swap: the entry at %#x changed under swap_in", va);
    if (in_pool[slot]) {
        rc = frontswap(TMEM_GET_PAGE, slot, p);
        if (rc != 1)
            kpanic("swap: slot %u left the persistent pool (%ld)", slot, rc);
        swap_counts.fs_gets++;
    } else {
        if (blk_rw(1, false, slot, &p, 1, true)) {
            page_put(p);
            return -EIO;
        }
        swap_counts.disk_reads++;
    }
    rc = pt_map(&mm->pt, va, page_to_pfn(p), writable ? PTE_W : 0);
    if (rc) {
        page_put(p);
        return (int)rc;
    }
    rmap_add(p, mm, va);
    mm->rss++;
    pt_commit();
    swap_slot_put(slot);
    swap_counts.ins++;
    return 0;
}

void swap_init(void)
{
    struct tmem_op op = { .cmd = TMEM_NEW_POOL };
    uint32_t sectors = blk_disk_sectors(1), bytes;
    char buf[8];
    struct page *p;
    long rc;

    if (!sectors || (cmdline_get("swap", buf, sizeof(buf)) &&
                     !strcmp(buf, "off")))
        return;
    nr_slots = min(sectors, SWAP_MAX_SLOTS);
    bytes = ROUNDUP(2 * nr_slots, PAGE_SIZE);
    p = page_alloc_contig(bytes / PAGE_SIZE);
    if (!p)
        kpanic("swap: no memory for %u slots", nr_slots);
    refs = page_va(p);
    in_pool = refs + nr_slots;
    memset(refs, 0, 2 * nr_slots);
    if (!cmdline_get("frontswap", buf, sizeof(buf)) || strcmp(buf, "off")) {
        op.u.creat.flags = TMEM_POOL_PERSIST;
        rc = HYPERVISOR_tmem_op(&op);
        if (rc >= 0)
            pool = (int32_t)rc;
        else
            kprintf("swap: no frontswap pool (%ld)\n", rc);
    }
    kprintf("swap: %u slots on disk 1%s\n", nr_slots,
            pool >= 0 ? ", frontswap in front (persistent tmem pool)" : "");
}
