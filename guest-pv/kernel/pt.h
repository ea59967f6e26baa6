/*
 * pt.h - the page tables of user address spaces, behind one interface, so
 * that the rest of the kernel never sees how entries are written. pt_pv.c
 * implements it for PV mode (entries hold machine frame numbers and change
 * only through batched mmu_update); a shadow-translate implementation can
 * replace it without touching vm.c, rmap.c or proc.c.
 *
 * Changes are queued and take effect at pt_commit(), which also flushes
 * the TLB entries of the loaded address space that changed. Lookups and
 * walks commit first, so they always see the latest entries.
 */
#ifndef __PVK_PT_H__
#define __PVK_PT_H__

#include <stdbool.h>
#include <stdint.h>

struct page;

struct pt {
    struct page *kpd; /* kernel-mode directory: kernel and user slots */
    struct page *upd; /* user-mode directory: the same user slots     */
};

void pt_init(void);
/* Two empty directories (the kernel's slots copied into kpd). */
int pt_create(struct pt *pt);
/* Free the L1 tables and the directories, with whatever entries they
 * still hold (the caller has dropped its own references to those pages);
 * pt must not be loaded. */
void pt_destroy(struct pt *pt);
/* Map user va to pfn, read-only or writable (PTE_W); may allocate an L1. */
int pt_map(struct pt *pt, uint32_t va, uint32_t pfn, uint32_t flags);
void pt_unmap(struct pt *pt, uint32_t va);
/* The pfn and flags of va's entry; false if not present. */
bool pt_lookup(struct pt *pt, uint32_t va, uint32_t *pfn, uint32_t *flags);
/* Call fn for every present entry in [start, end). */
void pt_walk(struct pt *pt, uint32_t start, uint32_t end,
             void (*fn)(void *arg, uint32_t va, uint32_t pfn, uint32_t flags),
             void *arg);
void pt_commit(void);
/* Swap entries (swap.c): a non-present entry naming a swap slot. */
int pt_set_swap(struct pt *pt, uint32_t va, uint32_t slot); /* may allocate an L1 */
bool pt_lookup_swap(struct pt *pt, uint32_t va, uint32_t *slot);
/* Call fn for every swap entry in [start, end). */
void pt_walk_swap(struct pt *pt, uint32_t start, uint32_t end,
                  void (*fn)(void *arg, uint32_t va, uint32_t slot),
                  void *arg);
/* Machine address of the entry that maps user va in pt (0 if it has no L1
 * table), and of the kernel's direct-map entry of p: what the sharing
 * driver hands the hypervisor. */
uint32_t pt_pte_maddr(struct pt *pt, uint32_t va);
uint32_t pt_kmap_pte_maddr(const struct page *p);
/* The balloon: clear p's direct-map entry (its frame goes back), or point
 * it at a new frame (frame: what populate_physmap wrote back), writable.
 * Queued; pt_commit() applies them. pt_flush_all() flushes the TLB. */
void pt_kmap_clear(struct page *p);
void pt_kmap_set(struct page *p, uint32_t frame);
void pt_flush_all(void);
/* Load pt (both directories) with kstack_top as the stack for traps from
 * user mode. */
void pt_load(struct pt *pt, uint32_t kstack_top);
/* Load the kernel's own directory (no user mappings). */
void pt_load_kernel(void);
bool pt_is_loaded(const struct pt *pt);

#endif /* __PVK_PT_H__ */
