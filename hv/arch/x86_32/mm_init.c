/*
 * mm_init.c - size machine memory from the boot memory map, then build the
 * frame table and the M2P at their fixed addresses (memlayout.h) out of
 * boot-allocated frames, and hand everything else to the heaps. Runs once.
 */
#include <hv/bootinfo.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <asm/paging.h>

#define FRAMETABLE_MAX_FRAMES                                                  \
    ((FRAMETABLE_VIRT_END - FRAMETABLE_VIRT_START) / sizeof(struct page_info))
#define M2P_MAX_FRAMES                                                         \
    ((RW_MPT_VIRT_END - RW_MPT_VIRT_START) / sizeof(uint32_t))

/*
 * Boot loaders put modules right after the image, inside the direct map:
 * a large disk image would leave the xenheap (the direct map's free
 * frames) nearly empty. Move every such module above the direct map, as
 * Xen does, and give its old frames to the xenheap.
 */
static void relocate_modules(struct bootinfo *bi)
{
    unsigned int m;

    for (m = 0; m < bi->nr_mods; m++) {
        struct boot_module *mod = &bi->mods[m];
        uint32_t off = mod->start & ~PAGE_MASK, src = mod->start >> PAGE_SHIFT;
        uint32_t nr = (ROUNDUP(mod->end, PAGE_SIZE) >> PAGE_SHIFT) - src;
        uint32_t dst, i, len;

        if (mod->start >= DIRECTMAP_SIZE || !nr)
            continue;
        dst = alloc_boot_pages(bi, nr, max_page);
        for (i = 0; i < nr; i++) {
            void *d = map_domain_page(dst + i);
            const void *s = map_domain_page(src + i);

            memcpy(d, s, PAGE_SIZE);
            unmap_domain_page(s);
            unmap_domain_page(d);
        }
        len = mod->end - mod->start;
        mod->start = (dst << PAGE_SHIFT) + off;
        mod->end = mod->start + len;
    }
}

#define MIN_DOMHEAP_FRAMES (16U << 8)

void arch_init_memory(struct bootinfo *bi)
{
    uint64_t top = 0, ram = 0;
    uint32_t nr_ft, nr_m2p, i;
    unsigned int e;

    for (e = 0; e < bi->nr_mmap; e++) {
        const struct boot_mmap_entry *m = &bi->mmap[e];

        if (m->type != 1)
            continue;
        ram += m->len;
        if (m->base + m->len > top)
            top = m->base + m->len;
    }
    if (top > 0x100000000ULL)
        top = 0x100000000ULL; /* non-PAE: 4 GiB of machine address space */
    max_page = (uint32_t)(top >> PAGE_SHIFT);
    if (max_page > FRAMETABLE_MAX_FRAMES) {
        printk(XENLOG_WARNING
               "ignoring memory above %u MiB (frame table limit)",
               (uint32_t)(FRAMETABLE_MAX_FRAMES >> 8));
        max_page = FRAMETABLE_MAX_FRAMES;
    }
    if (max_page > M2P_MAX_FRAMES)
        max_page = M2P_MAX_FRAMES;
    /* The direct map is the xenheap; domain memory is what lies above it:
     * at least 16 MiB of that. */
    if (max_page < DIRECTMAP_NR_FRAMES + MIN_DOMHEAP_FRAMES)
        panic("arch_init_memory: only %u MiB of RAM; at least %u MiB needed",
              max_page >> 8, (DIRECTMAP_NR_FRAMES + MIN_DOMHEAP_FRAMES) >> 8);

    relocate_modules(bi);
    nr_ft =
        ROUNDUP(max_page * sizeof(struct page_info), PAGE_SIZE) >> PAGE_SHIFT;
    nr_m2p = ROUNDUP(max_page * sizeof(uint32_t), PAGE_SIZE) >> PAGE_SHIFT;

    for (i = 0; i < nr_ft; i++) {
        uint32_t mfn = alloc_boot_page(bi, max_page);

        hv_map_page(FRAMETABLE_VIRT_START + (i << PAGE_SHIFT), mfn,
                    _PAGE_RW | _PAGE_GLOBAL);
        memset((void *)(FRAMETABLE_VIRT_START + (i << PAGE_SHIFT)), 0,
               PAGE_SIZE);
    }
    for (i = 0; i < nr_m2p; i++) {
        uint32_t mfn = alloc_boot_page(bi, max_page);

        hv_map_page(RW_MPT_VIRT_START + (i << PAGE_SHIFT), mfn,
                    _PAGE_RW | _PAGE_GLOBAL);
        memset((void *)(RW_MPT_VIRT_START + (i << PAGE_SHIFT)), 0xFF,
               PAGE_SIZE);
    }

    init_heaps(bi);
    /* Guests see their own views of it (m2p_view.c), not the M2P. */
    m2p_view_init(hv_slot_l1(MACH2PHYS_VIRT_START));
    printk("memory: %u MiB RAM, max_page %#x, frame table %u KiB, M2P %u KiB, "
           "xenheap %u free, domheap %u free",
           (uint32_t)(ram >> 20), max_page, nr_ft * 4, nr_m2p * 4,
           nr_free_xenheap_pages(), nr_free_domheap_pages());
}
