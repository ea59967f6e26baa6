/*
 * test_dom_counts.c - host unit tests for a shared frame's per-domain
 * counts, lib/dom_counts.c: inline slots made, found, dropped (only when
 * both counts are 0); the move into a table when a fifth domain comes (the
 * counts kept, a failed allocation refused cleanly); sums and id lists in
 * both forms; release.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include <dom_counts.h>

static unsigned int allocs, frees;
static int fail_alloc;

static void *alloc_table(void)
{
    if (fail_alloc)
        return NULL;
    allocs++;
    return malloc(DOM_COUNTS_TABLE_BYTES);
}

static void free_table(void *p)
{
    frees++;
    free(p);
}

int main(void)
{
    struct dom_counts c;
    struct dom_count *n;
    uint16_t ids[DOM_COUNTS_IDS];
    uint32_t pfns, maps;
    unsigned int i, nr;

    memset(&c, 0, sizeof(c));
    tap_ok(dom_counts_find(&c, 3) == NULL, "an empty frame: no counts");
    for (i = 1; i <= DOM_COUNTS_INLINE; i++) {
        n = dom_counts_get(&c, (uint16_t)(i * 10), alloc_table);
        tap_ok(n && !n->pfns && !n->maps, "domain %u: a zeroed inline slot",
               i * 10);
        n->pfns = i;
        n->maps = 2 * i;
    }
    tap_is_uint(allocs, 0, "four domains: no table");
    tap_ok(dom_counts_get(&c, 20, alloc_table) == dom_counts_find(&c, 20),
           "get of a domain with a slot finds it");
    dom_counts_sum(&c, &pfns, &maps);
    tap_ok(pfns == 10 && maps == 20, "sums over the slots (10, 20)");
    dom_counts_drop(&c, dom_counts_find(&c, 20));
    tap_ok(dom_counts_find(&c, 20) != NULL, "drop keeps a slot with counts");
    n = dom_counts_find(&c, 20);
    n->pfns = n->maps = 0;
    dom_counts_drop(&c, n);
    tap_ok(dom_counts_find(&c, 20) == NULL && c.nr == 3,
           "drop frees a slot whose counts are 0");
    tap_ok(dom_counts_find(&c, 30) && dom_counts_find(&c, 30)->pfns == 3 &&
               dom_counts_find(&c, 40)->maps == 8,
           "the others keep their counts");
    n = dom_counts_get(&c, 50, alloc_table);
    n->pfns = 5;
    fail_alloc = 1;
    tap_ok(dom_counts_get(&c, 60, alloc_table) == NULL && !c.table,
           "a fifth domain with no memory for a table: refused, unchanged");
    tap_ok(dom_counts_find(&c, 50)->pfns == 5, "  the four kept");
    fail_alloc = 0;
    n = dom_counts_get(&c, 60, alloc_table);
    tap_ok(n && c.table && allocs == 1 && !n->pfns,
           "a fifth domain: a table, and a zeroed entry for it");
    n->pfns = 6;
    tap_ok(dom_counts_find(&c, 10)->pfns == 1 &&
               dom_counts_find(&c, 10)->maps == 2 &&
               dom_counts_find(&c, 30)->pfns == 3 &&
               dom_counts_find(&c, 40)->maps == 8 &&
               dom_counts_find(&c, 50)->pfns == 5,
           "the inline counts moved into it");
    tap_ok(dom_counts_find(&c, 128) && !dom_counts_find(&c, 128)->pfns,
           "in a table every id has an entry (0)");
    tap_ok(dom_counts_find(&c, DOM_COUNTS_IDS) == NULL &&
               dom_counts_get(&c, DOM_COUNTS_IDS, alloc_table) == NULL,
           "an id past the table: none");
    nr = dom_counts_ids(&c, ids);
    tap_ok(nr == 5 && ids[0] == 10 && ids[4] == 60,
           "ids with counts, in order (5: 10 .. 60)");
    dom_counts_sum(&c, &pfns, &maps);
    tap_ok(pfns == 1 + 3 + 4 + 5 + 6 && maps == 2 + 6 + 8,
           "sums over the table");
    dom_counts_release(&c, free_table);
    tap_ok(frees == 1 && !c.table && !c.nr, "release frees the table");
    memset(&c, 0, sizeof(c));
    dom_counts_get(&c, 7, alloc_table)->maps = 1;
    nr = dom_counts_ids(&c, ids);
    tap_ok(nr == 1 && ids[0] == 7, "inline ids");
    dom_counts_release(&c, free_table);
    tap_is_uint(frees, 1, "release of an inline frame frees nothing");
    return tap_done();
}
