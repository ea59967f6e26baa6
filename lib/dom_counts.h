/*
 * dom_counts.h - the per-domain counts of one shared frame: how many of a
 * domain's pfns the frame backs (its list entries) and how many of the
 * domain's page-table entries map it. A frame shared by a few domains
 * keeps them in DOM_COUNTS_INLINE slots of its own; the first domain past
 * those moves them all into a table indexed by domain id (DOM_COUNTS_IDS
 * entries), which the caller allocates. Either way a lookup is O(1): at
 * most DOM_COUNTS_INLINE compares, or an index. So a frame costs 64 bytes
 * of counts whatever the number of domains the hypervisor can run, and 12
 * bytes a domain more only when many domains share it.
 *
 * Never allocates or frees on its own: the caller passes the allocator.
 * Pure code, unit-tested on the host.
 */
#ifndef __DOM_COUNTS_H__
#define __DOM_COUNTS_H__

#include "klib.h"

#define DOM_COUNTS_INLINE 4
#define DOM_COUNTS_IDS    129 /* domain ids 0 .. 128 (hv/param.h MAX_DOMAINS) */

struct dom_count {
    uint32_t pfns; /* the domain's list entries on the frame     */
    uint32_t maps; /* the domain's page-table entries mapping it */
    void *first;   /* the caller's: the first of the domain's list
                      entries, which it keeps together          */
};

struct dom_counts {
    uint16_t nr;                      /* inline slots in use          */
    uint16_t id[DOM_COUNTS_INLINE];   /* their domain ids             */
    struct dom_count slot[DOM_COUNTS_INLINE];
    struct dom_count *table;          /* NULL, or DOM_COUNTS_IDS entries */
};

/* The table's size in bytes, for the caller's allocator. */
#define DOM_COUNTS_TABLE_BYTES (DOM_COUNTS_IDS * sizeof(struct dom_count))

/* id's counts, or NULL if id has none (both 0, in an inline frame).
 * Inline: every mapping and unmapping of a shared frame asks it. Every
 * slot is looked at, whatever the answer: the cost must not tell how many
 * domains share the frame, nor where this one's slot is (same-behaviour
 * sharing times writes, mem_sharing.c). */
static inline struct dom_count *dom_counts_find(struct dom_counts *c,
                                                uint16_t id)
{
    struct dom_count *n = NULL;
    unsigned int i;

    if (c->table)
        return id < DOM_COUNTS_IDS ? &c->table[id] : NULL;
    for (i = 0; i < DOM_COUNTS_INLINE; i++)
        if (i < c->nr && c->id[i] == id)
            n = &c->slot[i];
    return n;
}
/* id's counts, a zeroed slot made for it if it had none; NULL if the
 * inline slots are full and alloc() gave no table (or id is too big). */
struct dom_count *dom_counts_get(struct dom_counts *c, uint16_t id,
                                 void *(*alloc)(void));
/* Forget slot n (found or got in c) if both its counts are 0, in O(1)
 * (inline only: a table keeps its entries; they are 0 all the same). The
 * one place the rule for keeping a slot lives: callers drop after every
 * decrement. */
void dom_counts_drop(struct dom_counts *c, struct dom_count *n);
/* The sums of both counts over every domain. */
void dom_counts_sum(const struct dom_counts *c, uint32_t *pfns, uint32_t *maps);
/* The domain ids with a count above 0, in *ids (room for DOM_COUNTS_IDS);
 * returns how many. */
unsigned int dom_counts_ids(const struct dom_counts *c, uint16_t *ids);
/* The frame goes: its table (if any) goes to free(). */
void dom_counts_release(struct dom_counts *c, void (*free)(void *));

#endif /* __DOM_COUNTS_H__ */
