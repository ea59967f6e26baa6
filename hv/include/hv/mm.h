/*
 * mm.h - machine frames: one struct page_info per frame (owner, reference
 * count, type and type count), the frame allocators, temporary mappings of
 * any frame, and the reference-counting rules every subsystem follows.
 *
 * The rules (as Xen's):
 *  - count_info holds general references. A frame owned by a domain carries
 *    one reference for being allocated (PGC_allocated); every mapping of the
 *    frame in a validated page table, every pin and every CR3 load holds one
 *    more. When the count falls to zero the frame is freed.
 *  - type_info holds the frame's current use and a count of references that
 *    rely on that use. A frame has one type at a time: a page-table type
 *    (PGT_l1_page_table, PGT_l2_page_table) or PGT_writable_page; the type
 *    can change only while its count is zero. So a frame used as a page
 *    table can never be mapped writable, and vice versa.
 *  - PGT_none with a count held forever marks a frame a guest may map only
 *    read-only (its P2M).
 * Every count change is checked; an underflow or overflow panics.
 */
#ifndef __HV_MM_H__
#define __HV_MM_H__

#include <hv/lib.h>
#include <asm/memlayout.h>
#include <asm/page.h>

struct domain;
struct share_frame;

struct page_info {
    struct page_info *next, *prev; /* free list or owner's page list */
    uint32_t count_info;
    uint32_t type_info;
    struct domain *owner; /* NULL when free or hypervisor-only */
    /* What the frame's current user keeps in it (Xen's page_info unions):
     * zero whenever the frame is free. */
    union {
        /* A frame of dom_cow (mem_sharing.c). */
        struct {
            struct share_frame *frame; /* its list and counts    */
        } sharing;
        /* A shadow table frame (shadow.c). */
        struct {
            uint32_t gfn;        /* the guest table it shadows           */
            uint32_t refs;       /* L1: directory entries pointing at it;
                                    L2: vcpus that have it loaded, plus a
                                    hold while it is built              */
            uint32_t kind : 4;        /* SH_L1 or SH_L2                  */
            uint32_t fills : 4;       /* L1: entries filled at faults, up
                                         to SH_FILL_ALL (shadow.c)      */
            uint32_t audit_refs : 24; /* the consistency check's count of
                                         refs, to compare                */
        } sh;
        /* A domain's page-table frame while validated (arch mm.c): bit k
         * set if entries 32k..32k+31 may hold a present one. Set by the
         * validation and by every write of a present entry, cleared when
         * the frame stops being a table; a superset, so a walk of the
         * table may skip the chunks whose bit is clear. */
        struct {
            uint32_t present;
        } pt;
        uint32_t raw[3];
    } u;
};
_Static_assert(sizeof(struct page_info) == 32, "page_info is 32 bytes");

/* count_info */
#define PGC_allocated  (1U << 31) /* the owner's allocation reference is held */
#define PGC_xen_heap   (1U << 30) /* xenheap frame: always mapped              */
#define PGC_free       (1U << 29) /* on a free list                            */
#define PGC_reserved   (1U << 28) /* image, modules, BIOS: never allocated     */
#define PGC_scrubbed   (1U << 27) /* free and zeroed already (idle scrubbing)  */
#define PGC_count_mask ((1U << 24) - 1)

/* type_info */
#define PGT_type_mask     (7U << 29)
#define PGT_none          (0U << 29)
#define PGT_l1_page_table (1U << 29)
#define PGT_l2_page_table (2U << 29)
/* A translated domain's own tables (gfn entries, never walked by the CPU:
 * shadow.c keeps the machine copies). Written only through mmu_update. */
#define PGT_guest_l1      (3U << 29)
#define PGT_guest_l2      (4U << 29)
#define PGT_writable_page (7U << 29)
#define PGT_pinned        (1U << 28)
#define PGT_validated     (1U << 27)
#define PGT_count_mask    ((1U << 24) - 1)

extern struct page_info *frame_table;
extern uint32_t max_page;                 /* frames 0 .. max_page-1 exist */
extern uint32_t *machine_to_phys_mapping; /* read-write view of the M2P */

#define mfn_valid(mfn)              ((uint32_t)(mfn) < max_page)
#define mfn_to_page(mfn)            (frame_table + (mfn))
#define page_to_mfn(pg)             ((uint32_t)((pg)-frame_table))
#define page_get_owner(pg)          ((pg)->owner)
#define get_gpfn_from_mfn(mfn)      (machine_to_phys_mapping[(mfn)])

/*
 * Each PV domain's read-only view of the M2P (arch m2p_view.c): its own
 * private frames' pfns and INVALID_M2P_ENTRY for every other frame.
 * m2p_view_reserve - make the view able to show mfn (false: no memory;
 *     the caller refuses what it was doing); before d can own mfn.
 * m2p_view_set - the view's entry for mfn, as the M2P's changes.
 */
int m2p_view_create(struct domain *d);
void m2p_view_destroy(struct domain *d);
bool m2p_view_reserve(struct domain *d, uint32_t mfn);
void m2p_view_set(struct domain *d, uint32_t mfn, uint32_t pfn);

/* The M2P's entry for mfn, which d (the frame's owner) sees in its view. */
static inline void set_gpfn_from_mfn(struct domain *d, uint32_t mfn,
                                     uint32_t pfn)
{
    machine_to_phys_mapping[mfn] = pfn;
    m2p_view_set(d, mfn, pfn);
}

/* A doubly linked list of frames (free lists, a domain's pages). */
struct page_list_head {
    struct page_info *head;
    uint32_t count;
};
void page_list_add(struct page_list_head *l, struct page_info *pg);
void page_list_del(struct page_list_head *l, struct page_info *pg);
#define page_list_first(l) ((l)->head)
#define for_each_page_safe(pg, n, l)                                           \
    for ((pg) = (l)->head; (pg) && ((n) = (pg)->next, 1); (pg) = (n))

/* --- Boot-time setup (page_alloc.c) --------------------------------------- */
struct bootinfo;
/*
 * alloc_boot_page - a free frame above the direct map, below limit, for
 * the frame table and M2P before the heaps exist. Panics if none.
 */
uint32_t alloc_boot_page(const struct bootinfo *bi, uint32_t limit);
/* nr contiguous such frames; returns the first. */
uint32_t alloc_boot_pages(const struct bootinfo *bi, uint32_t nr,
                          uint32_t limit);
/*
 * init_heaps - with the frame table mapped, put every free frame on the
 * xenheap or domheap; the BIOS area, image, modules and boot allocations
 * stay PGC_reserved.
 */
void init_heaps(const struct bootinfo *bi);

/* --- Allocators (page_alloc.c) -------------------------------------------- */
/*
 * alloc_xenheap_pages - nr contiguous zeroed frames in the direct map, for
 * the hypervisor's own structures. Returns NULL if none.
 */
void *alloc_xenheap_pages(unsigned int nr);
void free_xenheap_pages(void *va, unsigned int nr);
/*
 * alloc_domheap_page - a zeroed frame for domain d, with the allocation
 * reference held (count 1, PGC_allocated) and on d's page list. Returns
 * NULL if d is at its max_pages or memory is exhausted. memflags:
 *   MEMF_no_scrub  not cleared (its old owner's contents were poisoned when
 *                  it was freed): only for a frame the caller overwrites in
 *                  full before anything can map it (a CoW copy).
 */
#define MEMF_no_scrub (1U << 0)
struct page_info *alloc_domheap_page(struct domain *d, unsigned int memflags);
/*
 * alloc_domheap_page_near - the same, but the first free frame at or after
 * mfn (wrapping): given a random mfn, a frame whose place nobody can
 * predict (same-behaviour sharing, mem_sharing.c). Walks the frame table:
 * not for hot paths on a full machine.
 */
struct page_info *alloc_domheap_page_near(struct domain *d, uint32_t mfn,
                                          unsigned int memflags);
/*
 * A free domheap frame is either dirty (poisoned when freed, or of unknown
 * contents since boot) or scrubbed (zeroed, PGC_scrubbed). The idle loop
 * keeps up to scrub_pool_pages frames scrubbed, as Xen scrubs free pages
 * in idle time, so that a frame wanted zeroed on a hot path (a CoW break
 * of the zero frame, a discard, a populate) costs no clear there; a frame
 * the caller overwrites (MEMF_no_scrub) is taken from the dirty ones
 * first. nr_free_domheap_pages() counts both.
 */
/* Called when a domain frame's count reaches zero: poison and free it. */
void free_domheap_page(struct page_info *pg);
/*
 * share_xen_page_with_guest - let d map a xenheap frame. With readonly,
 * a PGT_none type reference is held so the frame can never gain
 * PGT_writable_page. Undone by unshare_xen_page_with_guest().
 */
void share_xen_page_with_guest(struct page_info *pg, struct domain *d,
                               bool readonly);
void unshare_xen_page_with_guest(struct page_info *pg, struct domain *d);

/*
 * domain_adjust_tot_pages - the one place a domain's frame count changes:
 * by delta, as a frame joins (+1) or leaves (-1) its page list. Returns
 * the new count.
 */
uint32_t domain_adjust_tot_pages(struct domain *d, int delta);

/*
 * Frames changing hands between a domain and dom_cow (page sharing), as
 * Xen's page_make_sharable / page_make_private:
 *
 * page_make_sharable - d's frame pg (allocated, private, data) becomes
 * dom_cow's: it leaves d's page list, loses PGC_allocated and that
 * reference (the caller hands it the reference of a list entry), takes
 * the read-only type reference shared frames hold for ever, and its M2P
 * slot says SHARED_M2P_ENTRY.
 *
 * page_make_private - the reverse, for the last pfn on a shared frame's
 * list: pg becomes d's frame behind pfn again; that entry's reference
 * becomes the allocation reference and the type is dropped (every mapping
 * of a shared frame is read-only).
 */
void page_make_sharable(struct domain *d, struct page_info *pg);
/* A free frame at or after mfn made a shared frame directly, in the state
 * page_make_sharable() leaves (contents not cleared); NULL if none. */
struct page_info *alloc_shared_frame_near(uint32_t mfn);
void page_make_private(struct domain *d, struct page_info *pg, uint32_t pfn);

uint32_t nr_free_domheap_pages(void);
uint32_t nr_free_xenheap_pages(void);
/* Frames freed since the last TLB flush may still be in the TLB. */
extern bool tlbflush_pending;

/* --- Temporary mappings (arch paging.c) ----------------------------------- */
/*
 * map_domain_page - map any machine frame into the hypervisor and return
 * its address; frames in the direct map come back at once. Each mapping
 * takes one of MAPCACHE_ENTRIES slots until unmap_domain_page(); running
 * out is a hypervisor bug and panics.
 */
void *map_domain_page(uint32_t mfn);
void unmap_domain_page(const void *va);
void clear_domain_page(uint32_t mfn);
/* Every word of the frame := word (the poison of a freed frame). */
void fill_domain_page(uint32_t mfn, uint32_t word);
void copy_domain_page(uint32_t dst_mfn, uint32_t src_mfn);
/* Copy bytes from machine memory (modules) into a hypervisor buffer. */
void copy_from_machine(void *dst, uint32_t maddr, size_t len);

/* --- Reference counting (arch mm.c) --------------------------------------- */
/* Take a general reference if pg belongs to d; false if not or saturated. */
bool get_page(struct page_info *pg, struct domain *d);
void put_page(struct page_info *pg);
/*
 * get_page_type - take a type reference, changing the frame's type if its
 * type count is zero (validating it if the new type is a page table).
 * Returns 0 or a negative errno: -EBUSY (in use as another type),
 * -EOVERFLOW (count saturated), or the validation's error.
 */
int get_page_type(struct page_info *pg, uint32_t type);
void put_page_type(struct page_info *pg);
int get_page_and_type(struct page_info *pg, struct domain *d, uint32_t type);
void put_page_and_type(struct page_info *pg);
/* The references an L1 entry of d's holds (a PV table's or a shadow's). */
int get_page_from_l1e(intpte_t e, struct domain *d);
void put_page_from_l1e(intpte_t e, struct domain *d);

#endif /* __HV_MM_H__ */
