/*
 * domain.h - domains and vcpus: what a guest is to the hypervisor.
 * One vcpu per domain. Pseudo domains (dom_xen, dom_io, dom_cow, dom_tmem) own
 * frames that belong to no guest and never run.
 */
#ifndef __HV_DOMAIN_H__
#define __HV_DOMAIN_H__

#include <hv/blkback.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/mem_sched.h>
#include <hv/mm.h>
#include <hv/param.h>
#include <hv/scenario.h>
#include <hv/time.h>
#include <hv/tmem.h>
#include <asm/domain.h>
#include <public/xen.h>

struct domain;

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;
    struct vcpu *next_in_runq; /* sched.c's round-robin queue          */
    bool on_runq;
    bool is_running;             /* current on the cpu                   */
    unsigned int pause_flags;    /* VPF_*: runnable only when zero       */
    s_time_t timer_deadline;     /* set_timer_op, 0 = none               */
    s_time_t slice_end;          /* end of the current time slice        */
    struct vcpu_info *vcpu_info; /* in the domain's shared_info          */
    uint64_t run_cycles;         /* TSC cycles it was current (guest and
                                    hypervisor on its behalf)           */
    uint64_t run_start;          /* TSC when it last became current      */
    uint16_t virq_to_evtchn[NR_VIRQS];
    struct arch_vcpu arch;
};
#define VPF_blocked (1U << 0) /* SCHEDOP_block: waiting for an event  */
#define VPF_down    (1U << 1) /* shut down or never started           */

struct domain {
    domid_t domain_id;
    char name[16];
    struct vcpu *vcpu; /* NULL for pseudo domains              */
    const struct scenario_domain *cfg;

    /* Memory. */
    struct page_list_head page_list; /* frames the domain owns           */
    uint32_t tot_pages;              /* frames on page_list                  */
    uint32_t max_pages;              /* limit from the scenario              */
    uint32_t *p2m;                   /* pfn -> mfn, hypervisor-owned         */
    uint32_t p2m_size;               /* entries (pfns)                       */
    unsigned int p2m_frames;         /* xenheap frames holding p2m           */
    shared_info_t *shared_info;      /* xenheap frame, mapped in the guest   */
    struct share_dom *share;         /* page sharing; NULL if in no group    */
    struct shadow_dom *shadow;       /* shadow mode (translated); NULL if PV */
    uint32_t *m2p_view;              /* PV: L1 of its M2P view (m2p_view.c)  */
    unsigned int m2p_view_pages;     /* ... view pages it got (besides it)   */
    struct mem_dom mem;              /* the memory scheduler's (mem_sched.c) */
    struct tmem_client tmem;         /* its tmem pools (tmem.c)              */

    /* Events. */
    struct evtchn evtchn[NR_EVTCHN_PORTS];

    /* Block devices (disk= in the scenario). */
    struct blkif_dev disks[SCN_MAX_DISKS];
    unsigned int nr_disks;

    /* Life cycle. */
    bool is_shutting_down;      /* shutdown requested or crashed        */
    bool is_dying;              /* being destroyed                      */
    bool is_dead;               /* destroyed: only the record is left   */
    unsigned int shutdown_code; /* SHUTDOWN_*                           */
    char crash_reason[96];

    /* Console. */
    char console_buf[CONSOLE_LINE_MAX + 1];
    unsigned int console_len;
    s_time_t log_window_start;
    unsigned int log_count, log_suppressed;

    /* Per-domain counters for the end-of-run report. */
    uint64_t nr_hypercalls, nr_bounces, nr_events;
};

/* A translated (shadow mode) domain: its page tables hold gfns. */
#define is_translated(d) ((d)->shadow != NULL)

/* The frame behind d's pfn: INVALID_MFN if pfn is beyond the P2M or not
 * populated (a guest's pfn is guest data: always looked up through here). */
static inline uint32_t p2m_lookup(const struct domain *d, uint32_t pfn)
{
    return pfn < d->p2m_size ? d->p2m[pfn] : INVALID_MFN;
}

/* The owner of tmem's frames (hypervisor-internal, never in the ABI). */
#define DOMID_TMEM 0x7FF5U
extern struct domain *dom_xen, *dom_io, *dom_cow, *dom_tmem;
extern struct domain *domain_list[MAX_DOMAINS];
extern unsigned int nr_domains;
/* The vcpu on the cpu (the idle vcpu when no guest runs). */
extern struct vcpu *current;
extern struct vcpu *idle_vcpu;
#define is_idle_vcpu(v) ((v) == idle_vcpu)

#define for_each_domain(d)                                                     \
    for (unsigned int __i = 0; __i < nr_domains; __i++)                        \
        if (((d) = domain_list[__i]) != NULL)

/*
 * domain_create - an empty domain with its vcpu, shared_info and P2M
 * (nr_pages entries, all invalid), not yet runnable. Returns NULL and
 * prints why on failure.
 */
struct domain *domain_create(domid_t id, const struct scenario_domain *cfg);
/* Populate pfns 0 .. nr-1 with fresh frames (domain builder). */
int domain_populate(struct domain *d, uint32_t nr);
/* Make the domain's vcpu runnable. */
void domain_unpause(struct domain *d);
/*
 * domain_shutdown - the guest asked to stop (SCHEDOP_shutdown): record the
 * reason, take the vcpu off the cpu. The domain is destroyed once it is
 * no longer current.
 */
void domain_shutdown(struct domain *d, unsigned int reason);
/*
 * domain_crash - the guest is broken (bad frame, no handler, bad stack):
 * print why on the console and shut it down with SHUTDOWN_crash. Only that
 * domain is affected.
 */
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);
/* Destroy domains that have shut down and are not current. */
void domain_reap(void);
/* True when every guest domain has been destroyed. */
bool all_domains_done(void);
struct domain *get_domain_by_id(domid_t id);
/* Register the 'q' debug key (dump the domains). */
void domain_keys_init(void);

/* Arch parts of domain life (arch domain.c). */
int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
/* Drop every page-table reference the domain holds (pins, CR3s). */
void arch_domain_relinquish(struct domain *d);

#endif /* __HV_DOMAIN_H__ */
