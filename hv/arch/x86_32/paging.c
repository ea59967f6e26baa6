/*
 * paging.c - the hypervisor's own page tables: the idle page directory,
 * the sixteen L1 tables behind the hypervisor's slots (shared by every
 * address space), the mapcache behind map_domain_page(), and TLB flushes.
 *
 * Owns idle_pg_table and hv_l1[]. It must never map a guest-controlled
 * frame writable in the hypervisor slots except through the mapcache, and
 * never make any hypervisor slot user-accessible but the M2P's read-only
 * view.
 */
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/stats.h>
#include <asm/paging.h>
#include <asm/processor.h>

l2_pgentry_t idle_pg_table[L2_PAGETABLE_ENTRIES] __section(".bss.page_aligned")
    __aligned(PAGE_SIZE);
static l1_pgentry_t
    hv_l1[NR_HV_L2_SLOTS][L1_PAGETABLE_ENTRIES] __section(".bss.page_aligned")
        __aligned(PAGE_SIZE);

#define MAPCACHE_HASH 256
static uint16_t mapcache_ref[MAPCACHE_ENTRIES];  /* maps in use of a slot  */
static uint32_t mapcache_mfn[MAPCACHE_ENTRIES];  /* the frame it maps      */
static uint16_t mapcache_hash[MAPCACHE_HASH];    /* mfn -> its last slot   */
static unsigned int mapcache_hint;
static unsigned int mapcache_used;               /* slots in use           */

bool tlbflush_pending;

static l1_pgentry_t *hv_l1e(uint32_t va)
{
    ASSERT(va >= HYPERVISOR_VIRT_START);
    return &hv_l1[l2_table_offset(va) - FIRST_HV_L2_SLOT][l1_table_offset(va)];
}

void arch_paging_init(void)
{
    unsigned int i;
    uint32_t f;

    for (i = 0; i < NR_HV_L2_SLOTS; i++) {
        uint32_t flags = _PAGE_PRESENT | _PAGE_RW;

        /* Only the M2P's read-only view is reachable from ring 3; each PV
         * domain's directories put its own view there (m2p_view.c). */
        if (i == l2_table_offset(MACH2PHYS_VIRT_START) - FIRST_HV_L2_SLOT)
            flags = _PAGE_PRESENT | _PAGE_USER;
        idle_pg_table[FIRST_HV_L2_SLOT + i] = __pa(hv_l1[i]) | flags;
    }
    for (f = 0; f < DIRECTMAP_NR_FRAMES; f++)
        *hv_l1e(DIRECTMAP_VIRT_START + (f << PAGE_SHIFT)) =
            pte_from_mfn(f, _PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL);

    write_cr3(__pa(idle_pg_table));
    write_cr4(read_cr4() | X86_CR4_PGE);
}

void hv_map_page(uint32_t va, uint32_t mfn, uint32_t flags)
{
    ASSERT(va >= HYPERVISOR_VIRT_START && va < DIRECTMAP_VIRT_START);
    ASSERT(!(va >= MAPCACHE_VIRT_START && va < MAPCACHE_VIRT_END));
    *hv_l1e(va) = pte_from_mfn(mfn, flags | _PAGE_PRESENT);
    invlpg(va);
}

l1_pgentry_t *hv_slot_l1(uint32_t va)
{
    return hv_l1[l2_table_offset(va) - FIRST_HV_L2_SLOT];
}

l2_pgentry_t hv_l2_slot(const struct domain *d, unsigned int i)
{
    return i == l2_table_offset(MACH2PHYS_VIRT_START) ? m2p_view_l2e(d)
                                                      : idle_pg_table[i];
}

void init_guest_l2_slots(const struct domain *d, l2_pgentry_t *l2)
{
    memcpy(&l2[FIRST_HV_L2_SLOT], &idle_pg_table[FIRST_HV_L2_SLOT],
           NR_HV_L2_SLOTS * sizeof(l2_pgentry_t));
    l2[l2_table_offset(MACH2PHYS_VIRT_START)] = m2p_view_l2e(d);
}

/*
 * The mapcache keeps a slot's mapping after its last unmap, as Xen's does:
 * mapping the same frame again while the slot still holds it (a page
 * table read and then written, a frame hashed and then compared) costs a
 * look-up, no PTE write and no invlpg. A slot is given to another frame
 * only when no mapping of it is in use, and then its PTE is rewritten and
 * its TLB entry flushed. The look-up is by mfn in a small hash of the
 * last slot of each; a frame whose hash entry another took may be mapped
 * in a second slot, which is harmless (both map it). The slots are the
 * hypervisor's only, never a guest's.
 */
void *map_domain_page(uint32_t mfn)
{
    unsigned int i, slot;
    uint32_t va;

    ASSERT(mfn_valid(mfn) || max_page == 0);
    if (mfn < DIRECTMAP_NR_FRAMES)
        return __va(mfn << PAGE_SHIFT);

    slot = mapcache_hash[mfn % MAPCACHE_HASH];
    if (mapcache_mfn[slot] == mfn) {
        if (!mapcache_ref[slot]++)
            mapcache_used++;
        return (void *)(MAPCACHE_VIRT_START + (slot << PAGE_SHIFT));
    }
    for (i = 0; i < MAPCACHE_ENTRIES; i++) {
        slot = (mapcache_hint + i) % MAPCACHE_ENTRIES;
        if (!mapcache_ref[slot])
            break;
    }
    if (i == MAPCACHE_ENTRIES)
        panic("map_domain_page: all %u mapcache slots in use",
              MAPCACHE_ENTRIES);
    mapcache_hint = slot + 1;
    mapcache_ref[slot] = 1;
    mapcache_used++;
    mapcache_mfn[slot] = mfn;
    mapcache_hash[mfn % MAPCACHE_HASH] = slot;

    va = MAPCACHE_VIRT_START + (slot << PAGE_SHIFT);
    *hv_l1e(va) = pte_from_mfn(mfn, _PAGE_PRESENT | _PAGE_RW);
    invlpg(va); /* the slot may still be cached from its last use */
    return (void *)va;
}

void unmap_domain_page(const void *ptr)
{
    uint32_t va = (uint32_t)ptr & PAGE_MASK;
    unsigned int slot;

    if (va >= DIRECTMAP_VIRT_START)
        return;
    ASSERT(va >= MAPCACHE_VIRT_START && va < MAPCACHE_VIRT_END);
    slot = (va - MAPCACHE_VIRT_START) >> PAGE_SHIFT;
    BUG_ON(!mapcache_ref[slot]);
    if (!--mapcache_ref[slot])
        mapcache_used--; /* the mapping stays, for the next map of it */
}

unsigned int mapcache_in_use(void)
{
    return mapcache_used;
}

/* Whole pages: the string instructions (as Xen's clear_page/copy_page),
 * one instruction a word where a C loop takes four or five. */
static void fill_page_words(void *p, uint32_t word)
{
    uint32_t n = PAGE_SIZE / 4;

    asm volatile("rep stosl" : "+D"(p), "+c"(n) : "a"(word) : "memory");
}

static void copy_page_words(void *d, const void *s)
{
    uint32_t n = PAGE_SIZE / 4;

    asm volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

void fill_domain_page(uint32_t mfn, uint32_t word)
{
    void *p = map_domain_page(mfn);

    fill_page_words(p, word);
    unmap_domain_page(p);
}

void clear_domain_page(uint32_t mfn)
{
    fill_domain_page(mfn, 0);
    perfc_incr(page_clears);
}

void copy_domain_page(uint32_t dst_mfn, uint32_t src_mfn)
{
    void *d = map_domain_page(dst_mfn);
    const void *s = map_domain_page(src_mfn);

    copy_page_words(d, s);
    unmap_domain_page(s);
    unmap_domain_page(d);
    perfc_incr(page_copies);
}

void copy_from_machine(void *dst, uint32_t maddr, size_t len)
{
    char *out = dst;

    while (len) {
        uint32_t off = maddr & ~PAGE_MASK;
        size_t n = min(len, (size_t)(PAGE_SIZE - off));
        const char *p = map_domain_page(maddr >> PAGE_SHIFT);

        memcpy(out, p + off, n);
        unmap_domain_page(p);
        out += n;
        maddr += n;
        len -= n;
    }
}

void flush_tlb_local(void)
{
    write_cr3(read_cr3());
    tlbflush_pending = false;
    perfc_incr(tlb_flushes);
}

void write_ptbase(uint32_t mfn)
{
    write_cr3(mfn << PAGE_SHIFT);
    tlbflush_pending = false;
    perfc_incr(cr3_loads);
}
