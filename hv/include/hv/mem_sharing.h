/*
 * mem_sharing.h - content-based page sharing between domains of a share
 * group: the reference manager (mem_sharing.c: shared frames, their M2P
 * lists, the sharing hypercalls), the page scanner (share_scan.c), the
 * audit (share_audit.c) and the x86 half (arch/x86_32/share_pte.c: the
 * page-table entries a request names). Public ABI: public/sharing.h.
 *
 * A shared frame belongs to dom_cow. Its page_info holds:
 *   count_info = one reference per (domain, pfn) on its M2P list
 *              + one per page-table entry that maps it;
 *   type_info  = PGT_none | PGT_validated, count 1, forever: it can never
 *                become writable or a page table.
 * share_frame (below) keeps the M2P list and, per domain, how many
 * page-table entries of that domain map the frame. Only a domain with a
 * pfn on the list may map it, and only read-only.
 *
 * The PV path, one pfn from hash to CoW break (the paper's design):
 *
 *   share_scan.c   scan_pfn(): scan_wanted() (share_check_pfn() and the
 *                  guest's eligibility bit) -> hash -> scan_match(): a
 *                  match in the stable or unstable table is an offer
 *                  -> share_offer(): the pfn on d's share ring, VIRQ_SHARING
 *   guest driver   reads the ring, lists every PTE that maps the pfn
 *                  -> SHAREOP_setup_shares
 *   mem_sharing.c  setup_offered(): setup_check_frame() (share_check_pfn())
 *                  -> was it offered? (the offer is used up) -> share_setup():
 *                  setup_check_refs() (arch_share_check_ptes(), every
 *                  reference listed, the CoW reserve) -> find_target() (hash,
 *                  compare in full: zero frame, stable frame, or the
 *                  partner's frame) -> setup_convert() (d's frame becomes
 *                  the shared one, page_make_sharable()) or setup_join()
 *                  (d's PTEs move to it, d's frame freed) -> share_join()
 *   a write        faults; arch_share_fault_mfn() names the frame in
 *                  vcpu_info; the guest driver -> SHAREOP_cow_break
 *   mem_sharing.c  break_one(): break_check() -> break_frame() (a copy; or,
 *                  for the last user, the frame itself: share_leave() and
 *                  page_make_private()) -> break_commit() (PTEs retargeted;
 *                  after a copy, share_leave() through drop_from_list())
 *
 * The shadow path (a translated domain: no driver, no ring, no VIRQ; the
 * hypervisor finds every mapping itself through shadow.c's reverse map):
 *
 *   share_scan.c   scan_pfn() -> share_offer(): translated, so at once
 *                  -> sh_share() (shadow.c): detach every shadow mapping of
 *                  the pfn -> share_setup_pfn(): setup_check_frame() ->
 *                  share_setup() with no PTEs listed (the same checks,
 *                  compare and commit as PV) -> restore the mappings, now
 *                  read-only to the shared frame
 *   a write        faults -> sh_page_fault() (shadow.c): guest_allows(),
 *                  the frame is dom_cow's -> fix_entry() -> unshare():
 *                  detach -> share_break_pfn() -> break_one() -> restore,
 *                  writable to the new frame (a zeroed one, no copy, when
 *                  the write is a whole-page "rep stosl" of zeros)
 *   before the hypervisor writes or types a page itself (block reads,
 *   rings, a page becoming a table): sh_unshare() -> the same break.
 */
#ifndef __HV_MEM_SHARING_H__
#define __HV_MEM_SHARING_H__

#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/param.h>
#include <asm/page.h>
#include <dom_counts.h>
#include <m2p_list.h>
#include <objpool.h>
#include <public/sharing.h>

struct domain;
struct share_req;

struct share_frame {
    uint32_t mfn;
    uint32_t hash;                  /* of the contents (per-boot seed)      */
    struct share_frame *hnext;      /* stable hash-table chain              */
    struct m2p_list list;           /* (domain, pfn) pairs it backs         */
    struct dom_counts doms;         /* by domain: its list entries and
                                       the PTEs of it that map the frame
                                       (a shadow guest's zero frame can be
                                       mapped by every pfn it has)      */
    uint32_t audit_maps;            /* share_audit.c's scratch count        */
    uint8_t group;
    bool zero; /* its group's zero frame               */
    bool read; /* in the read map: it holds block rblock of disk rdisk */
    bool queued; /* same behaviour: empty, its forgetting deferred (it
                    holds one reference more than list + maps)       */
    uint8_t rdisk;                  /* blkdev_index() of the image          */
    uint32_t rblock;
    struct share_frame *rnext;      /* read-map chain                       */
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
#define SCAN_LISTED            0x08 /* in the unstable table under hash          */

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
    /* What the scanner needs to know of change (share_scan.c): gen counts
     * the events that can make a page of d new to it (share_changed());
     * scan_gen is gen when its last visit began. A visit that found
     * nothing new makes d quiet: the next comes no sooner than
     * quiet_until (10 ms, doubling, at most scan_quiet_max_ms), unless gen
     * moves first. */
    uint32_t gen, scan_gen;
    uint32_t quiet_level;  /* visits in a row that found nothing new */
    int64_t quiet_until;   /* NOW() of the next visit of a quiet d    */
    /* Figures, kept by share_join() / share_leave() and the hypercalls. */
    uint32_t shared_pfns, zero_pfns, by_cat[SHARE_CAT_KERNEL + 1];
    uint32_t read_pfns;     /* of shared_pfns, those joined at read time */
    uint64_t read_joins, read_publishes; /* share_read_join / _publish  */
    uint64_t setups, setup_failures, cow_breaks, cow_failures, discards;
};

extern struct objpool share_frame_pool, m2p_entry_pool;

/* Domain id's counts on sf (zero if it has none): its list entries, and
 * its page-table entries that map the frame. */
static inline uint32_t sf_pfns(struct share_frame *sf, domid_t id)
{
    const struct dom_count *c = dom_counts_find(&sf->doms, id);

    return c ? c->pfns : 0;
}
static inline uint32_t sf_maps(struct share_frame *sf, domid_t id)
{
    const struct dom_count *c = dom_counts_find(&sf->doms, id);

    return c ? c->maps : 0;
}

/*
 * Something the scanner cannot see by itself may have changed in d: a
 * frame populated, given back, shared or broken (share_join(),
 * share_leave()), a mapping made writable, the hypervisor writing into a
 * page (a disk read, a tmem get), a guest waiting for passes. d's next
 * visit is a whole one. Silent writes through mappings that were already
 * writable, and the guest's own eligibility bits, are found by the visits
 * a quiet domain still gets.
 */
void share_changed(struct domain *d);

/* d is in a same-behaviour group (mem_sharing.c says what that means). */
bool share_same_behaviour(const struct domain *d);
/* Free the frames of same-behaviour groups whose last user left (the
 * scanner calls it at each slice, share_finish() at the end). */
void share_free_deferred(void);
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

/*
 * The rule "a private data frame of d's that may be shared", in one place:
 * the scanner asks it before it hashes a pfn, setup_shares before it
 * shares one. SHARE_OK (0), or why not; *mfn is the frame when there is
 * one. A shadow-mode pfn held by references besides its mappings (a
 * block ring) is SHARE_HELD.
 */
enum share_refusal {
    SHARE_OK = 0,
    SHARE_NO_PFN,    /* beyond the P2M or not populated               */
    SHARE_SHARED,    /* on a shared frame already                     */
    SHARE_NOT_OWNED, /* the frame is not d's                          */
    SHARE_NOT_DATA,  /* a page table, pinned, or not an allocated
                        domain frame                                  */
    SHARE_GRANTED,   /* under grant (handed to a device)              */
    SHARE_HELD,      /* shadow mode: referenced beyond its mappings   */
};
enum share_refusal share_check_pfn(const struct domain *d, uint32_t pfn,
                                   uint32_t *mfn);

/* mm.c's hooks for frames owned by dom_cow: a mapping of pg by d's page
 * table (entry e) is taken or dropped. */
int share_get_mapping(struct page_info *pg, struct domain *d, uint32_t e);
void share_put_mapping(struct page_info *pg, struct domain *d);
static inline struct share_frame *page_share_frame(const struct page_info *pg)
{
    return pg->u.sharing.frame;
}
/* Transparent sharing of a translated domain's pfn (shadow.c has taken
 * its shadow mappings away around the call): set-up of a scanner offer,
 * and CoW break. 0 or a negative errno, as setup_shares / cow_break. */
int share_setup_pfn(struct domain *d, uint32_t pfn);
int share_break_pfn(struct domain *d, uint32_t pfn, bool discard);
/* d's shared pfn leaves its frame with no copy (decrease_reservation); the
 * P2M slot becomes invalid. -EBUSY if d (PV) would keep mapping the frame
 * with no pfn on its list. */
int share_drop_pfn(struct domain *d, uint32_t pfn);
/*
 * Read-time sharing (blkback.c): the read map keeps, per share group, the
 * shared frame that holds block `block` of image `disk` (blkdev_index()),
 * for images no domain writes. It forgets a frame when the frame stops
 * being shared.
 *
 * share_read_join - d is about to read that block into pfn (PV: pte, the
 * machine address of the pfn's one mapping; 0 in shadow mode): if the map
 * has the block, the pfn joins its frame instead (pte pointed at it
 * read-only, the pfn's own frame freed): no I/O, no copy, no hash. 0, or
 * -ENOENT (not in the map) or the refusal (the page has other references,
 * ...): then the caller reads from the device.
 *
 * share_read_publish - d's pfn was just filled with that block from the
 * device: its frame becomes the group's shared frame of the block (hashed
 * once, so that the scanner's copies of the same data can join it), or
 * joins the one another domain's read published meanwhile. 0 or a
 * refusal (the page then stays private).
 *
 * Neither flushes the TLB: the caller does, once for a request in which
 * any page was shared, before the guest runs again (its old writable
 * translation must go).
 */
int share_read_join(struct domain *d, uint32_t pfn, uint32_t pte,
                    unsigned int disk, uint32_t block);
int share_read_publish(struct domain *d, uint32_t pfn, uint32_t pte,
                       unsigned int disk, uint32_t block);

/* A pfn the block backend may write into: under grant if d shares. */
bool share_pfn_granted(const struct domain *d, uint32_t pfn);
/* d's pfn is under grant now (a PV sharing domain's I/O page). */
bool share_pfn_under_grant(const struct domain *d, uint32_t pfn);

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
    uint32_t read_pfns;        /* pfns joined at read time, now        */
    uint32_t read_mfns;        /* shared frames in the read map, now   */
    uint64_t read_joins, read_publishes; /* since boot, live domains   */
};
void share_totals(struct share_totals *t);
/* Print the SHARE line now (why: "round", "shutdown", "key"...). */
void share_print(const char *why);
/* A sharing domain is about to be torn down: its SHARE-DOMAIN line. */
void share_domain_report(struct domain *d);
/* The per-domain SHARE-DOMAIN lines. */
void share_print_domains(void);

/* --- The scanner (share_scan.c) ------------------------------------------ */
void share_scan_init(void);
/* End of the run: the last SHARE line; the metadata pages go back. */
void share_finish(void);
void share_scan_release(void);
/* The unstable table's books, for share_audit(): errors found. */
unsigned int share_scan_audit(void);
/* d's pfn is not what its last visit hashed (a set-up compared it with
 * the page it was matched with): the scanner hashes it afresh. */
void share_scan_stale(struct domain *d, uint32_t pfn);
/* d's sharing state goes: the scanner forgets its pages. */
void share_scan_forget(struct domain *d);
/* Offer d's pfn: on its share ring for the driver (PV), or set up at once
 * through the shadows (translated). */
void share_offer(struct domain *d, uint32_t pfn);
/* The scanner's counters, as the SHARE line prints them. */
struct share_scan_stats {
    uint64_t rounds;        /* complete rounds over every domain          */
    uint64_t pages;         /* pages hashed                               */
    uint64_t cycles;        /* TSC cycles spent scanning                  */
    uint64_t volatile_pages; /* visits that found the page changed        */
    uint64_t unshared;      /* pages of the last round that matched none  */
    uint64_t skipped;       /* visits skipped by the smart scan           */
    uint64_t quiet_skips;   /* domain visits skipped: nothing new in them */
    uint64_t hash_cycles;   /* one XXH32 of a page, measured at boot      */
    uint64_t busy_slices;   /* slices taken from busy guests (a tick)     */
    uint64_t busy_cycles;   /* ... and their TSC cycles (in cycles too)   */
    uint32_t meta_bytes;    /* the unstable table and its nodes           */
    uint32_t listed;        /* pages in the unstable table now            */
    uint64_t offers_held;   /* offers not made: the hypervisor heap full  */
};
void share_scan_stats(struct share_scan_stats *out);
/* Each tick: a slice from a busy guest's time, within scan_busy_per_mille. */
void share_scan_tick(void);

/* --- The audit (share_audit.c) ------------------------------------------- */
/* Check every shared frame; errors found. */
unsigned int share_audit(bool verbose);
/* Largest possible saving: an exhaustive compare of every eligible page;
 * *zero_saving is the part of it that all-zero pages make. */
uint32_t share_max_saving(uint32_t *zero_saving);
/* For mm_audit.c: note one mapping of a dom_cow frame by d. */
void share_audit_begin(void);
bool share_audit_note(struct domain *d, uint32_t mfn, uint32_t e);
unsigned int share_audit_end(struct domain *d);

/* --- The x86 half (arch/x86_32/share_pte.c) ------------------------------ */
/*
 * arch_share_check_ptes - the entries req lists (machine addresses of page
 * table entries) are each an entry of one of d's validated L1 tables,
 * listed once, present and mapping mfn. *nr_writable counts the writable
 * ones. 0, -EINVAL (a bad or wrong entry) or -EPERM (not d's table); logs
 * the first fault.
 */
int arch_share_check_ptes(struct domain *d, const struct share_req *req,
                          uint32_t mfn, unsigned int *nr_writable);
/*
 * arch_share_set_pte - point the entry at maddr (checked) at frame mfn,
 * keeping its other flags, writable or read-only. No reference moves:
 * the caller keeps the counts.
 */
void arch_share_set_pte(uint32_t maddr, uint32_t mfn, bool writable);
/* The shared frame a PV write fault at va (tables at l2_mfn) hit, or 0;
 * the guest learns it in vcpu_info.arch.cow_mfn. */
uint32_t arch_share_fault_mfn(struct domain *d, uint32_t l2_mfn, uint32_t va);
/* Call fn for every present entry of d's L1 tables that maps a frame of
 * dom_cow (in shadow mode: its shadows, the tables the CPU walks). */
void arch_share_for_each_mapping(struct domain *d,
                                 void (*fn)(struct domain *d, uint32_t mfn,
                                            uint32_t e));

#endif /* __HV_MEM_SHARING_H__ */
