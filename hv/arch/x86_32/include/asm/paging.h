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
/* Copy the hypervisor's slots into a page directory of d (its own view
 * of the M2P in that slot, m2p_view.c); hv_l2_slot() is what slot i of
 * such a directory must hold, hv_slot_l1() the L1 behind the idle
 * directory's slot for va. */
struct domain;
void init_guest_l2_slots(const struct domain *d, l2_pgentry_t *l2);
l2_pgentry_t hv_l2_slot(const struct domain *d, unsigned int i);
l1_pgentry_t *hv_slot_l1(uint32_t va);

/* Each PV domain's read-only view of the M2P (m2p_view.c). */
void m2p_view_init(l1_pgentry_t *idle_slot_l1);
l2_pgentry_t m2p_view_l2e(const struct domain *d);
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
