/*
 * mem_sharing.h - content-based page sharing between domains of a share
 * group: the reference manager (mem_sharing.c: shared frames, the M2P
 * lists, the sharing hypercalls), the page scanner (share_scan.c) and the
 * audit (share_audit.c). Public ABI: public/sharing.h.
 *
 * A shared frame belongs to dom_cow. Its page_info holds:
 *   count_info = one reference per (domain, pfn) on its M2P list
 *              + one per page-table entry that maps it;
 *   type_info  = PGT_none | PGT_validated, count 1, forever: it can never
 *                become writable or a page table.
 * share_frame (below) keeps the M2P list and, per domain, how many
 * page-table entries of that domain map the frame. Only a domain with a
 * pfn on the list may map it, and only read-only.
 */
#ifndef __HV_MEM_SHARING_H__
#define __HV_MEM_SHARING_H__

#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/param.h>
#include <asm/page.h>
#include <m2p_list.h>
#include <objpool.h>

struct domain;

struct share_frame {
    uint32_t mfn;
    uint32_t hash;                  /* of the contents (per-boot seed)      */
    struct share_frame *hnext;      /* stable hash-table chain              */
    struct m2p_list list;           /* (domain, pfn) pairs it backs         */
    uint32_t maps[MAX_DOMAINS + 1]; /* PTEs mapping it, by domain id (a
                                       shadow guest's zero frame can be
                                       mapped by every pfn it has)      */
    uint32_t pfns[MAX_DOMAINS + 1]; /* list entries, by domain id      */
    uint32_t audit_maps;            /* share_audit.c's scratch count        */
    uint8_t group;
    bool zero; /* its group's zero frame               */
};

/* Per pfn of a sharing domain: what the scanner knows of it. */
struct scan_pfn {
    uint32_t hash;        /* at the last visit                        */
    uint32_t partner;     /* SCAN_PARTNER(domain, pfn) it matched, or 0 */
    uint8_t flags;        /* SCAN_*                                   */
    uint8_t skip;         /* smart scan: rounds left to skip; level in
                             the high nibble                          */
    uint8_t queued_round; /* round it was offered in (low 8 bits)     */
    uint8_t pad;
};
#define SCAN_PARTNER(dom, pfn) (((uint32_t)(dom) << 20) | (pfn))
#define SCAN_PARTNER_DOM(x)    ((x) >> 20)
#define SCAN_PARTNER_PFN(x)    ((x) & ((1U << 20) - 1))
#define SCAN_HASHED            0x01 /* hash holds the last visit's hash          */
#define SCAN_QUEUED            0x02 /* on the share ring, awaiting setup_shares  */
#define SCAN_MATCHED           0x04 /* matched something in its last round       */

/* A domain's sharing state; NULL unless its scenario line has share=. */
struct share_dom {
    uint8_t group;          /* 1.. : domains share only within one    */
    uint32_t ring_mfn;      /* registered share ring, 0 = none        */
    uint32_t bitmap_mfn[4]; /* eligibility bitmap frames              */
    uint32_t bitmap_pages;
    uint32_t *gnttab;      /* pages under grant, a bit per pfn       */
    uint32_t *shared_bits; /* pfns on a shared frame, a bit per pfn  */
    struct scan_pfn *pfn;  /* p2m_size entries                       */
    struct m2p_entry **entry; /* by pfn: its entry on a shared frame's
                                 list (O(1) breaks), NULL if private   */
    uint32_t meta_pages;   /* xenheap pages of gnttab + pfn          */
    uint32_t queued_unnotified;
    uint32_t scan_passes;  /* complete scanner passes over its pfns  */
    /* Figures. */
    uint32_t shared_pfns, zero_pfns, by_cat[4];
    uint64_t setups, setup_failures, cow_breaks, cow_failures, discards;
};

extern struct objpool share_frame_pool, m2p_entry_pool;
/* Pages for the sharing objpools (xenheap). */
void *share_pool_get(void);
void share_pool_put(void *page);
extern uint32_t share_seed;
extern uint32_t zero_page_hash;

/* Boot: pools, the zero frame, the seed, the scanner, the debug key. */
void mem_sharing_init(void);
/* Domain life: set up at creation (if share=), torn down at destruction
 * after every page-table reference went. */
int share_domain_init(struct domain *d);
void share_domain_destroy(struct domain *d);

/* mm.c's hooks for frames owned by dom_cow: a mapping of pg by d's page
 * table (entry e) is taken or dropped. */
int share_get_mapping(struct page_info *pg, struct domain *d, uint32_t e);
void share_put_mapping(struct page_info *pg, struct domain *d);
static inline struct share_frame *page_share_frame(const struct page_info *pg)
{
    return (struct share_frame *)pg->pad[0];
}
/* Transparent sharing of a translated domain's pfn (shadow.c has taken
 * its shadow mappings away around the call): set-up of a scanner offer,
 * and CoW break. 0 or a negative errno, as setup_shares / cow_break. */
int share_setup_pfn(struct domain *d, uint32_t pfn);
int share_break_pfn(struct domain *d, uint32_t pfn);
/* A translated domain's shared pfn leaves its frame (decrease_reservation),
 * its shadow mappings gone already; the P2M slot becomes invalid. */
void share_drop_pfn(struct domain *d, uint32_t pfn);
/* The shared frame a write fault at va in v's address space hit, or 0. */
uint32_t share_fault_mfn(struct domain *d, uint32_t l2_mfn, uint32_t va);
/* A pfn the block backend may write into: under grant if d shares. */
bool share_pfn_granted(const struct domain *d, uint32_t pfn);

long do_sharing_op(uint32_t cmd, uint32_t arg, uint32_t count);

/* The stable table (share frames by hash), for the scanner. */
struct share_frame *share_stable_lookup(uint8_t group, uint32_t hash,
                                        const void *contents);
/* Is there a shared frame of the group with this hash? (No compare.) */
bool share_stable_has_hash(uint8_t group, uint32_t hash);
/* Contents of mfn equal to buf (a mapped page)? Counted. */
bool share_pages_equal(const void *a, const void *b);
bool share_page_is_zero(const void *p);
uint32_t share_hash_page(const void *p);

/* Figures: the SHARE line (share_scan.c) reads these. */
struct share_totals {
    uint32_t shared_mfns, sharing_pfns, zero_pfns, guest_pages;
    uint64_t cow_breaks, cow_failures;
    uint32_t metadata_bytes;
};
void share_totals(struct share_totals *t);
/* Print the SHARE line now (why: "round", "shutdown", "key"...). */
void share_print(const char *why);
/* A sharing domain is about to be torn down: its SHARE-DOMAIN line. */
void share_domain_report(struct domain *d);
/* The per-domain SHARE-DOMAIN lines. */
void share_print_domains(void);

/* Scanner (share_scan.c). */
void share_scan_init(void);
/* End of the run: the last SHARE line; the metadata pages go back. */
void share_finish(void);
void share_scan_release(void);
/* Queue pfn of d for the guest's driver (called by the scanner). */
void share_queue_pfn(struct domain *d, uint32_t pfn);
extern uint64_t scan_rounds, scan_pages, scan_cycles, scan_volatile,
    scan_unshared, scan_skipped, hash_cycles_per_page;
extern uint32_t scan_meta_bytes;

/* Audit (share_audit.c): check every shared frame; errors found. */
unsigned int share_audit(bool verbose);
/* Largest possible saving: an exhaustive compare of every eligible page. */
uint32_t share_max_saving(void);
/* For mm_audit.c: note one mapping of a dom_cow frame by d. */
void share_audit_begin(void);
bool share_audit_note(struct domain *d, uint32_t mfn, uint32_t e);
unsigned int share_audit_end(struct domain *d);

#endif /* __HV_MEM_SHARING_H__ */
