/*
 * tmem.h - transcendent memory: pools of pages the hypervisor keeps for
 * guests, out of frames no guest holds (the ABI is public/tmem.h).
 *
 * Ephemeral pages (hcache) live on free frames until a frame is needed:
 * mem_reclaim() takes them first, least recently used first from the
 * domain that holds the most. Persistent pages (hswap) stay until their
 * guest flushes them; they count against the guest (populated pfns plus
 * persistent pages never above its maximum) and only guests that balloon
 * get any. Every stored page is a frame of dom_tmem, held once per
 * contents within a share group (dedup); no guest ever maps one.
 */
#ifndef __HV_TMEM_H__
#define __HV_TMEM_H__

#include <hv/lib.h>
#include <public/tmem.h>

struct domain;
struct tmem_pool;
struct tmem_page;

/* Ephemeral pages charged to one holder (a domain's private pools, or a
 * shared pool), the most recently used first: eviction's unit. */
struct tmem_lru {
    struct tmem_page *head, *tail;
    uint32_t pages;
};

/* Per domain (struct domain's tmem). */
struct tmem_client {
    struct tmem_pool *pools[TMEM_MAX_POOLS]; /* by the domain's pool id */
    struct tmem_lru lru;  /* the pages of its private ephemeral pools  */
    uint32_t pers_pages;  /* the pages of its persistent pools         */
    uint32_t pools_made; /* pools it created or joined, ever          */
    uint64_t puts, puts_refused, gets, hits, flushes, evicted, errors;
    bool used;           /* it made a tmem_op call                    */
};

/* Boot: the object pools, the debug key. */
void tmem_init(void);
/* hypercall 38. */
long do_tmem_op(uint32_t arg);
/* At a domain's end: its pools go (it leaves the shared ones), and the
 * ephemeral pages it put in shared pools with them. */
void tmem_domain_destroy(struct domain *d);
/* Drop ephemeral pages until want frames are free again (or none is
 * left); returns the frames freed. mem_reclaim() calls it first. */
uint32_t tmem_reclaim(uint32_t want);
/* Frames that tmem_reclaim() could free. */
uint32_t tmem_reclaimable(void);
/* Frames tmem holds. */
uint32_t tmem_frames(void);
/* The TMEM lines (tmem.c has their spec): each tick, at most once a second
 * when anything changed; at a tmem user's exit; at shutdown. */
void tmem_tick(void);
void tmem_print(const char *why);
void tmem_finish(void);

#endif /* __HV_TMEM_H__ */
