/*
 * m2p_list.c - lists of (domain, pfn) pairs behind shared frames
 * (m2p_list.h).
 */
#include "m2p_list.h"

void m2p_list_add(struct m2p_list *l, struct m2p_entry *e)
{
    e->next = l->head;
    l->head = e;
    l->len++;
}

struct m2p_entry *m2p_list_find(const struct m2p_list *l, uint16_t domid,
                                uint32_t pfn)
{
    struct m2p_entry *e;

    for (e = l->head; e; e = e->next)
        if (e->domid == domid && e->pfn == pfn)
            return e;
    return NULL;
}

struct m2p_entry *m2p_list_remove(struct m2p_list *l, uint16_t domid,
                                  uint32_t pfn)
{
    struct m2p_entry **pp, *e;

    for (pp = &l->head; (e = *pp) != NULL; pp = &e->next)
        if (e->domid == domid && e->pfn == pfn) {
            *pp = e->next;
            e->next = NULL;
            l->len--;
            return e;
        }
    return NULL;
}

uint32_t m2p_list_count_domain(const struct m2p_list *l, uint16_t domid)
{
    return m2p_list_domain_pfns(l, domid, NULL, 0);
}

uint32_t m2p_list_domain_pfns(const struct m2p_list *l, uint16_t domid,
                              uint32_t *pfns, uint32_t max)
{
    const struct m2p_entry *e;
    uint32_t n = 0;

    for (e = l->head; e; e = e->next)
        if (e->domid == domid) {
            if (n < max)
                pfns[n] = e->pfn;
            n++;
        }
    return n;
}
