/*
 * asm/paging.h - the hypervisor's own page tables (paging.c).
 */
#ifndef __ASM_PAGING_H__
#define __ASM_PAGING_H__

#include <asm/page.h>

extern l2_pgentry_t idle_pg_table[L2_PAGETABLE_ENTRIES];

/* Build the idle page directory (hypervisor slots only) and load it. */
void arch_paging_init(void);
/* Map one frame at a fixed hypervisor address (frame table, M2P). */
void hv_map_page(uint32_t va, uint32_t mfn, uint32_t flags);
/* Copy the hypervisor's slots into a guest page directory. */
void init_guest_l2_slots(l2_pgentry_t *l2);
/* Reload CR3: drops every non-global TLB entry. */
void flush_tlb_local(void);
/* Load a page directory; counts it. */
void write_ptbase(uint32_t mfn);
/* Mapcache slots in use (a leak check at the end of a run). */
unsigned int mapcache_in_use(void);
/* Build the frame table and M2P, then the heaps (mm_init.c). */
struct bootinfo;
void arch_init_memory(struct bootinfo *bi);

#endif /* __ASM_PAGING_H__ */
