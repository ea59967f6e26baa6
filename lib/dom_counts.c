/*
 * dom_counts.c - a shared frame's per-domain counts (dom_counts.h says
 * how they are kept). Owns nothing but the struct it is given.
 */
#include "dom_counts.h"

struct dom_count *dom_counts_get(struct dom_counts *c, uint16_t id,
                                 void *(*alloc)(void))
{
    struct dom_count *n = dom_counts_find(c, id), *t;
    unsigned int i;

    if (n || c->table || id >= DOM_COUNTS_IDS)
        return n;
    if (c->nr < DOM_COUNTS_INLINE) {
        c->id[c->nr] = id;
        n = &c->slot[c->nr++];
        n->pfns = n->maps = 0;
        n->first = NULL;
        return n;
    }
    t = alloc();
    if (!t)
        return NULL;
    memset(t, 0, DOM_COUNTS_TABLE_BYTES);
    for (i = 0; i < c->nr; i++)
        t[c->id[i]] = c->slot[i];
    c->table = t;
    c->nr = 0;
    return &t[id];
}

void dom_counts_drop(struct dom_counts *c, struct dom_count *n)
{
    unsigned int i = (unsigned int)(n - c->slot);

    if (c->table || n->pfns || n->maps || i >= c->nr)
        return;
    c->nr--;
    /* (first is the caller's: NULL once pfns is 0) */
    c->id[i] = c->id[c->nr];
    c->slot[i] = c->slot[c->nr];
}

void dom_counts_sum(const struct dom_counts *c, uint32_t *pfns, uint32_t *maps)
{
    unsigned int i, n = c->table ? DOM_COUNTS_IDS : c->nr;
    const struct dom_count *s = c->table ? c->table : c->slot;

    *pfns = *maps = 0;
    for (i = 0; i < n; i++) {
        *pfns += s[i].pfns;
        *maps += s[i].maps;
    }
}

unsigned int dom_counts_ids(const struct dom_counts *c, uint16_t *ids)
{
    unsigned int i, n = 0;

    if (!c->table) {
        for (i = 0; i < c->nr; i++)
            if (c->slot[i].pfns || c->slot[i].maps)
                ids[n++] = c->id[i];
        return n;
    }
    for (i = 0; i < DOM_COUNTS_IDS; i++)
        if (c->table[i].pfns || c->table[i].maps)
            ids[n++] = (uint16_t)i;
    return n;
}

void dom_counts_release(struct dom_counts *c, void (*free)(void *))
{
    if (c->table)
        free(c->table);
    c->table = NULL;
    c->nr = 0;
}
