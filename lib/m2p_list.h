/*
 * m2p_list.h - the extension of the M2P for shared frames: the list of
 * (domain, pfn) pairs a shared machine frame backs. The entries come from
 * an objpool; this file only links and searches them.
 *
 * Pure code, unit-tested on the host.
 */
#ifndef __M2P_LIST_H__
#define __M2P_LIST_H__

#include "klib.h"

struct m2p_entry {
    struct m2p_entry *next, *prev; /* prev: unlinking is O(1)           */
    uint32_t pfn;
    uint16_t domid;
    uint8_t category;    /* the guest's page category (SHARE_CAT_*)     */
    uint8_t flags;       /* M2P_ORIG_*                                  */
    uint16_t orig_maps;  /* mappings the page had when it was shared    */
    uint16_t orig_wmaps; /* ... of which writable                       */
};
#define M2P_ORIG_WRITABLE 1 /* the frame had the writable type when shared */
#define M2P_READ          2 /* joined at read time (a block read), not by
                               the scanner */

struct m2p_list {
    struct m2p_entry *head;
    uint32_t len;
};

void m2p_list_add(struct m2p_list *l, struct m2p_entry *e);
/* Link e right after pos, which is on l (at the head if pos is NULL): so
 * that one domain's entries can be kept next to each other. */
void m2p_list_add_after(struct m2p_list *l, struct m2p_entry *pos,
                        struct m2p_entry *e);
/* The entry for (domid, pfn), or NULL. */
struct m2p_entry *m2p_list_find(const struct m2p_list *l, uint16_t domid,
                                uint32_t pfn);
/* Unlink e, which is on l (a zero frame's list can hold every free page
 * of every shadow-mode guest: no walk). */
void m2p_list_unlink(struct m2p_list *l, struct m2p_entry *e);
/* Unlink and return the entry for (domid, pfn), or NULL if absent. */
struct m2p_entry *m2p_list_remove(struct m2p_list *l, uint16_t domid,
                                  uint32_t pfn);
/* How many entries domid has. */
uint32_t m2p_list_count_domain(const struct m2p_list *l, uint16_t domid);
/* Up to max of domid's pfns into pfns[]; returns how many it has. */
uint32_t m2p_list_domain_pfns(const struct m2p_list *l, uint16_t domid,
                              uint32_t *pfns, uint32_t max);

#endif /* __M2P_LIST_H__ */
