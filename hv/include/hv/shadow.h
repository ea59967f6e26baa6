/*
 * shadow.h - shadow page tables for translated ("shadow mode") domains.
 *
 * A translated domain's own page tables hold pseudo-physical frame numbers
 * (gfns); the CPU never walks them. For each guest table in use the
 * hypervisor keeps a shadow of machine frame numbers that the CPU does
 * walk, and keeps it in step with the guest's: guest tables change only
 * through mmu_update / update_va_mapping (trapped updates: a guest table
 * frame is typed PGT_guest_l1/l2 and so is never mapped writable), each
 * change is propagated to the shadow, and a fault the guest's tables allow
 * but the shadow does not (an entry not yet filled, a write to a shared
 * frame) is fixed here and never seen by the guest.
 *
 * Because the guest names no machine frame, the hypervisor may change the
 * frame behind any gfn: that is how transparent sharing works (the
 * scanner's matches are set up and CoW breaks done here, through the P2M
 * and the shadows, with no guest driver).
 *
 * Shadows are a cache: a shadow directory no vcpu has loaded may be
 * dropped at any time (under memory pressure, or past the per-domain
 * shadow_pages limit) and is rebuilt from the guest's tables when loaded.
 */
#ifndef __HV_SHADOW_H__
#define __HV_SHADOW_H__

#include <hv/lib.h>
#include <hv/mm.h>
#include <asm/page.h>

struct domain;
struct vcpu;
struct cpu_user_regs;

struct sh_rmap;

struct shadow_dom {
    uint32_t *sh_of;        /* by gfn: mfn of the shadow of that guest
                               table, 0 = none                         */
    struct sh_rmap **rmap;  /* by pfn: shadow L1 slots whose guest entry
                               maps the pfn                             */
    struct page_list_head l2s; /* shadow directories, least recently
                                  loaded first                          */
    struct page_list_head spare[2]; /* freed shadow L1s / L2s, already
                                       clean, kept for the next one     */
    uint32_t meta_pages;    /* xenheap pages of sh_of and rmap          */
    uint32_t pages, peak;   /* shadow frames held                       */
    uint32_t rmap_nodes, rmap_capped; /* reverse-map nodes held; times
                                         the cap refused one           */
    uint32_t fix_va;        /* fault loop guard: last fixed address ... */
    unsigned int fix_repeats; /* ... and how often in a row             */
    /* Figures. */
    uint64_t l1_made, l2_made, reclaimed, propagated, faults_fixed,
        faults_to_guest, cow_breaks, clear_breaks, cow_failures, shares, share_failures,
        checks;
};

/* Domain life. */
int shadow_domain_init(struct domain *d);
void shadow_domain_destroy(struct domain *d);

/* gfn -> mfn for a translated domain: RAM (the P2M), then the P2M frames
 * and shared_info (gfns p2m_size ..). INVALID_MFN if none. */
uint32_t sh_gfn_to_mfn(struct domain *d, uint32_t gfn);

/* mm.c's hook: a guest table frame's type is going. */
void sh_guest_table_gone(struct domain *d, uint32_t gfn);
/* A present guest L1 entry the domain may install (pfn exists; writable
 * only if the frame is not a page table). */
int sh_check_gl1e(struct domain *d, intpte_t e);

/* A guest L1 entry changed (gfn of the table, index, old and new values):
 * mirror it in the table's shadow, if it has one. */
void sh_update_gl1e(struct domain *d, uint32_t gfn, unsigned int idx,
                    intpte_t old, intpte_t new);
/* A guest L2 entry changed: mirror it in the directory's shadow. */
void sh_update_gl2e(struct domain *d, uint32_t gfn, unsigned int idx,
                    intpte_t new);

/* Load the shadow of guest directory gfn as v's kernel (user) directory;
 * gfn 0 with user unloads. Returns 0 or -ENOMEM. */
int sh_set_baseptr(struct vcpu *v, bool user, uint32_t gfn);
/* The machine frame to put in CR3 for v's current mode. */
uint32_t sh_ptbase(struct vcpu *v);
/* Drop v's loaded shadows (domain teardown). */
void sh_vcpu_unload(struct vcpu *v);

/* A page fault v took at va (error code ec): true if the guest's tables
 * allow the access and the shadow was fixed (retry; regs, the guest's,
 * may have been moved past a page clear the hypervisor did), false if the
 * fault is the guest's (or the hypervisor accessor's, regs NULL) to
 * handle. */
bool sh_page_fault(struct vcpu *v, struct cpu_user_regs *regs, uint32_t va,
                   uint32_t ec);

/* Make pfn's frame the domain's own again (CoW break) before the
 * hypervisor writes it or types it. 0, or -ENOMEM. */
int sh_unshare(struct domain *d, uint32_t pfn);
/* Whether the scanner may consider pfn (no references but the
 * allocation's and the shadows'). */
bool sh_shareable(struct domain *d, uint32_t pfn);
/* The scanner's offer of pfn, set up transparently. */
int sh_share(struct domain *d, uint32_t pfn);
/* The same with another set-up (read-time sharing): every shadow mapping
 * of pfn is taken away around setup(d, pfn, arg) and put back after,
 * to whatever frame the pfn then has. -EBUSY if the pfn's frame is
 * private and has references besides its allocation and its shadows. */
int sh_share_by(struct domain *d, uint32_t pfn,
                int (*setup)(struct domain *d, uint32_t pfn, void *arg),
                void *arg);
/* Remove every shadow mapping of pfn (its frame is being taken away). */
void sh_zap_pfn(struct domain *d, uint32_t pfn);

/* The audit: call fn for every present entry of every shadow L1 table,
 * and count the shadows that disagree with the guest's tables. */
void sh_for_each_l1e(struct domain *d,
                     void (*fn)(void *arg, uint32_t smfn, unsigned int i,
                                intpte_t e),
                     void *arg);
unsigned int sh_check_consistency(struct domain *d);

/* SHADOW line for the domain (at its exit), and the totals. */
void sh_report(struct domain *d);

#endif /* __HV_SHADOW_H__ */
