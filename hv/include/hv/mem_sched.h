/*
 * mem_sched.h - the memory scheduler: memory as a renewable resource.
 *
 * Each guest that balloons reports what it needs (XENMEM_balloon_report,
 * public/memory.h); the scheduler answers with a target, the number of
 * its pfns that should have a frame. A target follows the guest's need,
 * never above its maximum (mem=) or a limit a user set at run time
 * (mem-set); growth is granted only from the machine's free frames beyond
 * a reserve kept for copy-on-write breaks and the hypervisor. Idle memory
 * thus flows out of idle guests (they report less and give frames back)
 * into the free pool, and to a guest under pressure (it reports more, or
 * urgently) as soon as frames are free: when frames come back, every guest
 * still short of its need is told (VIRQ_MEM_TARGET) to ask again.
 *
 * A guest that never reports keeps its initial reservation and is never
 * asked to shrink. The console's MEM and MEM-DOMAIN lines (mem_sched.c has
 * their spec) say where the machine's frames are.
 *
 * The repayment FIFO (Milos): what a domain holds above its entitlement
 * (start=) is lent, and the target rises above the entitlement only by as
 * many pages as the guest keeps volatile on its FIFO - clean page-cache
 * pages it maps nowhere. When a frame is needed and the heap is empty, the
 * hypervisor takes volatile pages, oldest first and in turn across domains
 * (mem_reclaim()), before it answers -ENOMEM. A domain that listed a page
 * that was not volatile gets nothing above its entitlement any more.
 * Before any volatile page, mem_reclaim() drops tmem's ephemeral pages
 * (tmem.h): the hypervisor's own cache goes first.
 */
#ifndef __HV_MEM_SCHED_H__
#define __HV_MEM_SCHED_H__

#include <hv/lib.h>

struct domain;
struct xen_balloon_report;

/* Per domain. */
struct mem_dom {
    uint32_t target;         /* populated pfns it should have             */
    uint32_t need;           /* its last report's need_pages              */
    uint32_t user_limit;     /* mem-set's limit, 0 = none                 */
    uint32_t free_reported;  /* its last report's free_pages              */
    uint32_t evictions;      /* ... evictions                             */
    uint32_t alloc_failures; /* ... alloc_failures                        */
    uint32_t reports;        /* reports made                              */
    uint32_t urgent;         /* ... of them with BALLOON_URGENT           */
    uint32_t grown, shrunk;  /* pfns populated / given back since boot    */
    bool balloons;           /* it has reported at least once             */
    /* The repayment FIFO. */
    uint32_t entitled;       /* populated pfns with no repayment (start=) */
    uint32_t volatile_reported; /* its last report's volatile_pages       */
    uint32_t fifo_mfn[4];    /* the FIFO's frames (REPAY_FIFO_MAX_PAGES)  */
    uint32_t fifo_pages;     /* 0: no FIFO registered                     */
    uint32_t fifo_size;      /* entries                                   */
    uint32_t repaid;         /* volatile pages the hypervisor took        */
    uint32_t fifo_bad;       /* entries that were not volatile pages      */
};

/* Boot: the options, the debug key. */
void mem_sched_init(void);
/* A new domain: its target is its initial reservation. */
void mem_sched_domain_init(struct domain *d);
/* Free frames never granted to a guest (mem_reserve=). */
uint32_t mem_sched_reserve(void);
/* Populated pfns of d: its own frames plus its pfns on shared frames. */
uint32_t mem_populated(const struct domain *d);
/* XENMEM_balloon_report. */
long mem_sched_report(struct domain *d, struct xen_balloon_report *r);
/* XENMEM_repay_register (guest pointer arg). */
long mem_repay_register(struct domain *d, uint32_t arg);
/* The heap is empty: free up to want frames, tmem's ephemeral pages first,
 * then volatile pages from the FIFOs, oldest first, a domain at a time.
 * Returns the frames freed. */
uint32_t mem_reclaim(uint32_t want);
/* At a domain's end: its FIFO frames' references go. */
void mem_sched_domain_destroy(struct domain *d);
/* memory.c: give d's pfn back (decrease_reservation of one). 0/-errno. */
int mem_give_back(struct domain *d, uint32_t pfn);
/* memory.c: d's pfn held for the hypervisor to write into (a general and a
 * writable type reference; put_page_and_type() undoes) or to read from (a
 * general reference on d's or the shared frame; put_page()). 0/-errno. */
int guest_pfn_get_writable(struct domain *d, uint32_t pfn, uint32_t *mfn);
int guest_pfn_get_readable(struct domain *d, uint32_t pfn, uint32_t *mfn);
/* d populated (delta > 0) or gave back (delta < 0) pfns: when frames came
 * back, guests short of their need are told to ask again. */
void mem_sched_changed(struct domain *d, int delta);
/* The user's limit for d (0: none), as xl mem-set; the guest is told. */
void mem_sched_set_limit(struct domain *d, uint32_t pages);
/* Each tick: the MEM lines, at most once a second, when anything moved. */
void mem_sched_tick(void);
/* Print the MEM and MEM-DOMAIN lines now (why: "tick", "exit-dN", ...). */
void mem_print(const char *why);
/* At shutdown: the last MEM line and the summary of the run. */
void mem_sched_finish(void);

#endif /* __HV_MEM_SCHED_H__ */
