/*
 * memlayout.h - where things live in the hypervisor's virtual and machine
 * address spaces. Hardware facts are in page.h, tunables in hv/param.h.
 *
 * Every address space (the idle one and every guest page directory) has
 * the same top 64 MiB, filled in from the idle page directory's slots
 * 1008..1023 whenever a guest page directory is validated. Each slot's L1
 * table is allocated once at boot and shared by all address spaces.
 *
 *  4 GiB  +---------------------------------+ 0xFFFFFFFF
 *         | direct map of machine 0..24 MiB |  image at +1 MiB, xenheap
 *         |   (supervisor, rw, global)      |
 *         +---------------------------------+ 0xFE800000  DIRECTMAP_VIRT_START
 *         | frame_table: page_info[]        |  28 MiB: up to 3.5 GiB of RAM,
 *         |                                 |  all QEMU puts below 4 GiB
 *         +---------------------------------+ 0xFCC00000  FRAMETABLE_VIRT_START
 *         | M2P, read-write view            |  hypervisor writes here
 *         +---------------------------------+ 0xFC800000  RW_MPT_VIRT_START
 *         | mapcache: 1024 one-page slots   |  map_domain_page()
 *         +---------------------------------+ 0xFC400000  MAPCACHE_VIRT_START
 *         | M2P, read-only view, user       |  guests read mfn -> pfn here
 *         +---------------------------------+ 0xFC000000  HYPERVISOR_VIRT_START
 *         | guest kernel and guest user     |  managed by the guest through
 *         | (ring 3, validated by mm.c)     |  mmu_update / mmuext_op
 *  0      +---------------------------------+
 *
 * Machine memory: frames below DIRECTMAP_SIZE (except BIOS areas and the
 * image; boot modules are copied above it first, mm_init.c) form the
 * xenheap, always mapped; the rest form
 * the domheap, which guests get and which the hypervisor reaches only
 * through map_domain_page(). frame_table and the M2P live in frames taken
 * from the domheap range at boot, mapped at their fixed addresses.
 */
#ifndef __ASM_MEMLAYOUT_H__
#define __ASM_MEMLAYOUT_H__

#include <public/arch-x86_32.h>

#define HV_LOAD_PHYS 0x00100000U /* where the boot loader puts us */

#define MAPCACHE_VIRT_START   0xFC400000U
#define MAPCACHE_VIRT_END     0xFC800000U
#define MAPCACHE_ENTRIES      1024U
#define RW_MPT_VIRT_START     0xFC800000U
#define RW_MPT_VIRT_END       0xFCC00000U
#define FRAMETABLE_VIRT_START 0xFCC00000U
#define FRAMETABLE_VIRT_END   0xFE800000U
#define DIRECTMAP_VIRT_START  0xFE800000U
#define DIRECTMAP_SIZE        (24U << 20)
#define DIRECTMAP_NR_FRAMES   (DIRECTMAP_SIZE >> 12)

/* Number of hypervisor slots in every page directory: 16 x 4 MiB. */
#define NR_HV_L2_SLOTS (1024U - FIRST_HV_L2_SLOT)

#ifndef __ASSEMBLY__
/* Direct-map conversions; valid only below DIRECTMAP_SIZE. */
#define __pa(va) ((uint32_t)(va)-DIRECTMAP_VIRT_START)
#define __va(pa) ((void *)((uint32_t)(pa) + DIRECTMAP_VIRT_START))
#endif

#endif /* __ASM_MEMLAYOUT_H__ */
