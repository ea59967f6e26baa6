/*
 * m2p_list.c - lists of (domain, pfn) pairs behind shared frames
 * (m2p_list.h).
 */
#include "m2p_list.h"

void m2p_list_add_after(struct m2p_list *l, struct m2p_entry *pos,
                        struct m2p_entry *e)
{
    if (!pos) {
        m2p_list_add(l, e);
        return;
    }
    e->prev = pos;
    e->next = pos->next;
    if (pos->next)
        pos->next->prev = e;
    pos->next = e;
    l->len++;
}

void m2p_list_add(struct m2p_list *l, struct m2p_entry *e)
{
    e->prev = NULL;
    e->next = l->head;
    if (l->head)
        l->head->prev = e;
    l->head = e;
    l->len++;
}

void m2p_list_unlink(struct m2p_list *l, struct m2p_entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        l->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    e->next = e->prev = NULL;
    l->len--;
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
    struct m2p_entry *e = m2p_list_find(l, domid, pfn);

    if (e)
        m2p_list_unlink(l, e);
    return e;
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
