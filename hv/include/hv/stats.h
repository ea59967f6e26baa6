/*
 * stats.h - counters of everything costly or interesting the hypervisor
 * does, printed at the end of every run (and on panic). Benchmarks read
 * them: under -icount a trap or a CR3 load counts as about one
 * instruction, so the counts are what a cost model multiplies.
 */
#ifndef __HV_STATS_H__
#define __HV_STATS_H__

#include <hv/lib.h>
#include <public/xen.h>

struct hv_stats {
    uint64_t exceptions[32]; /* by vector, from guests            */
    uint64_t irqs;           /* hardware interrupts               */
    uint64_t hypercalls[NR_hypercalls];
    /* TSC cycles in the hypervisor's handlers (under -icount,
     * instructions): where a workload's hypervisor time goes. */
    uint64_t hypercall_cycles[NR_hypercalls];
    uint64_t exception_cycles[32];
    uint64_t hypercall_errors; /* calls that returned < 0           */
    uint64_t bounces;          /* traps reflected to a guest        */
    uint64_t events_delivered; /* event upcalls                     */
    uint64_t context_switches;
    uint64_t cr3_loads;
    uint64_t tlb_flushes; /* full flushes                      */
    uint64_t invlpgs;
    uint64_t page_copies;
    uint64_t page_clears;
    uint64_t page_scrubs; /* free frames zeroed in idle time */
    uint64_t page_hashes;
    uint64_t page_compares;
    uint64_t pt_validations; /* L1/L2 tables validated            */
    uint64_t domain_crashes;
};

extern struct hv_stats stats;
/* The stats_cycles option: time the handlers (STATS-CYCLES). Off by
 * default: two TSC reads an event are 1-2 % of a hypercall-bound
 * benchmark's instructions. */
extern bool stats_cycles;
#define perfc_incr(x) (stats.x++)

/* Print the STATS lines: key=value pairs, stable across versions. */
void stats_print(void);
/* Name of hypercall nr, or NULL if unknown. */
const char *hypercall_name(unsigned int nr);

#endif /* __HV_STATS_H__ */
