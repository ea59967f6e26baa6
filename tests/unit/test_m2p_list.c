/*
 * test_m2p_list.c - host unit tests for the lists of (domain, pfn) pairs
 * behind shared frames, lib/m2p_list.c: add, find, remove (of the head, a
 * middle entry, the tail, and of absent entries), the len count, and the
 * per-domain count and pfn listing.
 *
 * The entries are a static array here; the hypervisor takes them from an
 * objpool.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

#include <m2p_list.h>

#define NR_ENTRIES 16
#define MAX_WALK   64 /* more links than this means a cycle */
#define SENTINEL   0xDEADBEEFu

static struct m2p_entry ent[NR_ENTRIES];

static struct m2p_entry *entry(unsigned int i, uint16_t domid, uint32_t pfn)
{
    struct m2p_entry *e = &ent[i];

    memset(e, 0, sizeof(*e));
    e->next = (struct m2p_entry *)(uintptr_t)0x1; /* add must overwrite it */
    e->domid = domid;
    e->pfn = pfn;
    e->category = (uint8_t)(i + 1);
    e->flags = M2P_ORIG_WRITABLE;
    e->orig_maps = (uint16_t)(100 + i);
    e->orig_wmaps = (uint16_t)i;
    return e;
}

/* Links from l->head to NULL, or MAX_WALK + 1 if there are too many. */
static unsigned int walk(const struct m2p_list *l)
{
    const struct m2p_entry *e;
    unsigned int n = 0;

    for (e = l->head; e && n <= MAX_WALK; e = e->next)
        n++;
    return n;
}

/* Whether e is linked into l. */
static bool linked(const struct m2p_list *l, const struct m2p_entry *e)
{
    const struct m2p_entry *x;
    unsigned int n = 0;

    for (x = l->head; x && n <= MAX_WALK; x = x->next, n++)
        if (x == e)
            return true;
    return false;
}

/* One check: the list is a proper chain of exactly len entries. */
static void check_chain(const struct m2p_list *l, uint32_t len,
                        const char *what)
{
    unsigned int n = walk(l);

    if (!tap_ok(l->len == len && n == len, "%s: len %u, %u linked", what, len,
                len))
        tap_diag("len %u, %u entries linked", l->len, n);
}

/* One check: find(domid, pfn) is the entry e (or NULL). */
static void check_find(const struct m2p_list *l, uint16_t domid, uint32_t pfn,
                       const struct m2p_entry *e, const char *what)
{
    const struct m2p_entry *got = m2p_list_find(l, domid, pfn);

    if (!tap_ok(got == e, "%s: find(%u, %#x) is %s", what, domid, pfn,
                e ? "its entry" : "NULL"))
        tap_diag("got %p, expected %p", (const void *)got, (const void *)e);
}

static void test_empty(void)
{
    struct m2p_list l = { NULL, 0 };
    uint32_t pfns[2] = { SENTINEL, SENTINEL };

    check_find(&l, 1, 100, NULL, "empty");
    tap_ok(m2p_list_remove(&l, 1, 100) == NULL, "empty: remove is NULL");
    check_chain(&l, 0, "empty: after remove");
    tap_is_uint(m2p_list_count_domain(&l, 1), 0, "empty: count is 0");
    tap_is_uint(m2p_list_domain_pfns(&l, 1, pfns, 2), 0,
                "empty: domain_pfns is 0");
    tap_ok(pfns[0] == SENTINEL && pfns[1] == SENTINEL,
           "empty: domain_pfns writes nothing");
}

/* Four domains, a shared pfn under two of them, extreme values. */
static void test_add_find(void)
{
    struct m2p_list l = { NULL, 0 };
    struct m2p_entry *a = entry(0, 1, 100), *b = entry(1, 2, 100),
                     *c = entry(2, 1, 101), *d = entry(3, 3, 7),
                     *e = entry(4, 0, 0), *f = entry(5, 0xFFFF, 0xFFFFFFFF);

    m2p_list_add(&l, a);
    check_chain(&l, 1, "add 1");
    tap_ok(l.head == a, "add 1: the entry is the head");
    tap_ok(a->next == NULL, "add 1: its next is NULL");
    check_find(&l, 1, 100, a, "add 1");

    m2p_list_add(&l, b);
    m2p_list_add(&l, c);
    m2p_list_add(&l, d);
    m2p_list_add(&l, e);
    m2p_list_add(&l, f);
    check_chain(&l, 6, "add 6");
    tap_ok(linked(&l, a) && linked(&l, b) && linked(&l, c) && linked(&l, d) &&
               linked(&l, e) && linked(&l, f),
           "add 6: all six are linked");

    check_find(&l, 1, 100, a, "add 6");
    check_find(&l, 2, 100, b, "add 6: same pfn, other domain");
    check_find(&l, 1, 101, c, "add 6");
    check_find(&l, 3, 7, d, "add 6");
    check_find(&l, 0, 0, e, "add 6: domain 0, pfn 0");
    check_find(&l, 0xFFFF, 0xFFFFFFFF, f, "add 6: largest domid and pfn");
    check_find(&l, 2, 101, NULL, "add 6: pfn of another domain");
    check_find(&l, 3, 100, NULL, "add 6: pfn of other domains");
    check_find(&l, 4, 100, NULL, "add 6: unknown domain");
    check_find(&l, 1, 102, NULL, "add 6: unknown pfn");
    check_find(&l, 0, 0xFFFFFFFF, NULL, "add 6: pfn of domain 0xffff");
    check_find(&l, 0xFFFF, 0, NULL, "add 6: pfn of domain 0");

    {
        const struct m2p_entry *x = m2p_list_find(&l, 1, 101);

        tap_ok(x && x->category == 3 && x->flags == M2P_ORIG_WRITABLE &&
                   x->orig_maps == 102 && x->orig_wmaps == 2,
               "add 6: the entry's other fields are untouched");
    }

    /* The same pfn under two domains: removing one keeps the other. */
    tap_ok(m2p_list_remove(&l, 2, 100) == b, "same pfn: remove (2, 100)");
    check_find(&l, 2, 100, NULL, "same pfn: after removing (2, 100)");
    check_find(&l, 1, 100, a, "same pfn: (1, 100) still there");
    check_chain(&l, 5, "same pfn");
    m2p_list_add(&l, b);
    tap_ok(m2p_list_remove(&l, 1, 100) == a, "same pfn: remove (1, 100)");
    check_find(&l, 1, 100, NULL, "same pfn: after removing (1, 100)");
    check_find(&l, 2, 100, b, "same pfn: (2, 100) still there");
    check_chain(&l, 5, "same pfn");
}

/* Builds the list head..tail = e[n-1] .. e[0] of n entries. */
static void build(struct m2p_list *l, struct m2p_entry **e, unsigned int n)
{
    l->head = NULL;
    l->len = 0;
    for (unsigned int i = 0; i < n; i++)
        m2p_list_add(l, e[i]);
}

static void test_remove(void)
{
    struct m2p_list l;
    struct m2p_entry *e[5], *r, *tail, *mid, *head;
    unsigned int i;

    for (i = 0; i < 5; i++)
        e[i] = entry(i, (uint16_t)(1 + i % 2), 200 + i);
    build(&l, e, 5);
    check_chain(&l, 5, "remove");

    /* Absent entries: NULL, and the list is left as it was. */
    tap_ok(m2p_list_remove(&l, 1, 999) == NULL, "remove absent pfn: NULL");
    tap_ok(m2p_list_remove(&l, 9, 200) == NULL, "remove absent domain: NULL");
    tap_ok(m2p_list_remove(&l, 2, 200) == NULL,
           "remove pfn of another domain: NULL");
    check_chain(&l, 5, "remove absent");
    for (i = 0; i < 5; i++)
        check_find(&l, e[i]->domid, e[i]->pfn, e[i], "remove absent");

    /* The head, the middle, the tail (by walking, not by assumption). */
    head = l.head;
    mid = head->next->next;
    for (tail = head; tail->next; tail = tail->next)
        ;
    tap_ok(head != mid && mid != tail && head != tail,
           "remove: head, middle and tail differ");

    r = m2p_list_remove(&l, head->domid, head->pfn);
    tap_ok(r == head, "remove head: returns it");
    tap_ok(r->next == NULL, "remove head: its next is cleared");
    tap_ok(!linked(&l, head) && l.head != head, "remove head: unlinked");
    check_chain(&l, 4, "remove head");

    r = m2p_list_remove(&l, mid->domid, mid->pfn);
    tap_ok(r == mid, "remove middle: returns it");
    tap_ok(r->next == NULL, "remove middle: its next is cleared");
    tap_ok(!linked(&l, mid), "remove middle: unlinked");
    check_chain(&l, 3, "remove middle");

    r = m2p_list_remove(&l, tail->domid, tail->pfn);
    tap_ok(r == tail, "remove tail: returns it");
    tap_ok(!linked(&l, tail), "remove tail: unlinked");
    check_chain(&l, 2, "remove tail");

    for (i = 0; i < 5; i++) {
        bool gone = e[i] == head || e[i] == mid || e[i] == tail;

        check_find(&l, e[i]->domid, e[i]->pfn, gone ? NULL : e[i],
                   gone ? "after removes: removed" : "after removes: kept");
    }

    tap_ok(m2p_list_remove(&l, head->domid, head->pfn) == NULL,
           "remove head again: NULL");
    check_chain(&l, 2, "remove again");

    /* Empty it; then it can be filled again. */
    while (l.head) {
        struct m2p_entry *h = l.head;

        if (m2p_list_remove(&l, h->domid, h->pfn) != h)
            break;
    }
    tap_ok(l.head == NULL, "remove all: head is NULL");
    tap_is_uint(l.len, 0, "remove all: len is 0");
    m2p_list_add(&l, mid);
    check_chain(&l, 1, "re-add after emptying");
    check_find(&l, mid->domid, mid->pfn, mid, "re-add after emptying");

    /* A one-entry list: remove the entry that is head and tail at once. */
    tap_ok(m2p_list_remove(&l, mid->domid, mid->pfn) == mid,
           "remove only entry");
    check_chain(&l, 0, "remove only entry");
}

static bool contains(const uint32_t *a, unsigned int n, uint32_t v)
{
    for (unsigned int i = 0; i < n; i++)
        if (a[i] == v)
            return true;
    return false;
}

static void test_domains(void)
{
    /* domid 1: pfns 10, 11, 12, 13; domid 2: 10, 20; domid 3: 30. */
    static const struct {
        uint16_t domid;
        uint32_t pfn;
    } pairs[] = {
        { 1, 10 }, { 2, 10 }, { 1, 11 }, { 3, 30 },
        { 1, 12 }, { 2, 20 }, { 1, 13 },
    };
    static const uint32_t dom1[] = { 10, 11, 12, 13 };
    struct m2p_list l = { NULL, 0 };
    uint32_t pfns[8];
    unsigned int i;
    uint32_t n;
    bool ok;

    for (i = 0; i < ARRAY_SIZE(pairs); i++)
        m2p_list_add(&l, entry(i, pairs[i].domid, pairs[i].pfn));
    check_chain(&l, ARRAY_SIZE(pairs), "domains");

    tap_is_uint(m2p_list_count_domain(&l, 1), 4, "count: domain 1 has 4");
    tap_is_uint(m2p_list_count_domain(&l, 2), 2, "count: domain 2 has 2");
    tap_is_uint(m2p_list_count_domain(&l, 3), 1, "count: domain 3 has 1");
    tap_is_uint(m2p_list_count_domain(&l, 0), 0, "count: domain 0 has 0");
    tap_is_uint(m2p_list_count_domain(&l, 0xFFFF), 0,
                "count: domain 0xffff has 0");

    /* Room for all. */
    for (i = 0; i < ARRAY_SIZE(pfns); i++)
        pfns[i] = SENTINEL;
    n = m2p_list_domain_pfns(&l, 1, pfns, ARRAY_SIZE(pfns));
    tap_is_uint(n, 4, "pfns: domain 1, room for 8: returns 4");
    ok = true;
    for (i = 0; i < 4; i++)
        if (!contains(pfns, 4, dom1[i]))
            ok = false;
    tap_ok(ok, "pfns: domain 1: 10, 11, 12 and 13 written");
    ok = true;
    for (i = 4; i < ARRAY_SIZE(pfns); i++)
        if (pfns[i] != SENTINEL)
            ok = false;
    tap_ok(ok, "pfns: domain 1: nothing written past 4");

    for (i = 0; i < ARRAY_SIZE(pfns); i++)
        pfns[i] = SENTINEL;
    n = m2p_list_domain_pfns(&l, 2, pfns, ARRAY_SIZE(pfns));
    tap_is_uint(n, 2, "pfns: domain 2 returns 2");
    tap_ok(contains(pfns, 2, 10) && contains(pfns, 2, 20) &&
               pfns[2] == SENTINEL,
           "pfns: domain 2: 10 and 20 only");

    /* Exactly enough room. */
    for (i = 0; i < ARRAY_SIZE(pfns); i++)
        pfns[i] = SENTINEL;
    n = m2p_list_domain_pfns(&l, 1, pfns, 4);
    tap_is_uint(n, 4, "pfns: domain 1, room for 4: returns 4");
    ok = true;
    for (i = 0; i < 4; i++)
        if (!contains(pfns, 4, dom1[i]))
            ok = false;
    tap_ok(ok && pfns[4] == SENTINEL, "pfns: room for 4: all four, no more");

    /* Less room than pfns: the full count, only max written. */
    for (i = 0; i < ARRAY_SIZE(pfns); i++)
        pfns[i] = SENTINEL;
    n = m2p_list_domain_pfns(&l, 1, pfns, 2);
    tap_is_uint(n, 4, "pfns: domain 1, room for 2: still returns 4");
    tap_ok(pfns[0] != pfns[1] && contains(dom1, 4, pfns[0]) &&
               contains(dom1, 4, pfns[1]),
           "pfns: room for 2: two different pfns of domain 1 written");
    ok = true;
    for (i = 2; i < ARRAY_SIZE(pfns); i++)
        if (pfns[i] != SENTINEL)
            ok = false;
    tap_ok(ok, "pfns: room for 2: nothing written past 2");

    for (i = 0; i < ARRAY_SIZE(pfns); i++)
        pfns[i] = SENTINEL;
    n = m2p_list_domain_pfns(&l, 1, pfns, 1);
    tap_is_uint(n, 4, "pfns: domain 1, room for 1: returns 4");
    tap_ok(contains(dom1, 4, pfns[0]) && pfns[1] == SENTINEL,
           "pfns: room for 1: one pfn written");

    pfns[0] = SENTINEL;
    n = m2p_list_domain_pfns(&l, 1, pfns, 0);
    tap_is_uint(n, 4, "pfns: room for 0: returns 4");
    tap_is_uint(pfns[0], SENTINEL, "pfns: room for 0: nothing written");
    tap_is_uint(m2p_list_domain_pfns(&l, 2, NULL, 0), 2,
                "pfns: NULL array, max 0: returns 2");

    n = m2p_list_domain_pfns(&l, 7, pfns, ARRAY_SIZE(pfns));
    tap_is_uint(n, 0, "pfns: unknown domain returns 0");
    tap_is_uint(pfns[0], SENTINEL, "pfns: unknown domain: nothing written");

    /* The count follows removes. */
    tap_ok(m2p_list_remove(&l, 1, 12) != NULL, "domains: remove (1, 12)");
    tap_is_uint(m2p_list_count_domain(&l, 1), 3, "count: domain 1 now 3");
    tap_is_uint(m2p_list_count_domain(&l, 2), 2, "count: domain 2 still 2");
    for (i = 0; i < ARRAY_SIZE(pfns); i++)
        pfns[i] = SENTINEL;
    n = m2p_list_domain_pfns(&l, 1, pfns, ARRAY_SIZE(pfns));
    tap_ok(n == 3 && contains(pfns, 3, 10) && contains(pfns, 3, 11) &&
               contains(pfns, 3, 13) && pfns[3] == SENTINEL,
           "pfns: domain 1 now 10, 11 and 13");
    tap_ok(m2p_list_remove(&l, 2, 10) != NULL, "domains: remove (2, 10)");
    tap_is_uint(m2p_list_count_domain(&l, 2), 1, "count: domain 2 now 1");
    tap_is_uint(m2p_list_count_domain(&l, 1), 3,
                "count: domain 1 keeps its pfn 10");
    check_find(&l, 1, 10, &ent[0], "domains: (1, 10) kept");
    check_chain(&l, ARRAY_SIZE(pairs) - 2, "domains");
}

/* One check: every entry's prev names the one before it. */
static void check_back_links(const struct m2p_list *l, const char *what)
{
    const struct m2p_entry *e, *before = NULL;
    unsigned int bad = 0, n = 0;

    for (e = l->head; e && n <= MAX_WALK; before = e, e = e->next, n++)
        bad += e->prev != before;
    tap_ok(!bad, "%s: back links agree with the chain", what);
}

static void test_unlink(void)
{
    struct m2p_list l;
    struct m2p_entry *e[6];
    unsigned int i;

    for (i = 0; i < 6; i++)
        e[i] = entry(i, (uint16_t)(1 + i % 3), 300 + i);
    build(&l, e, 6);
    check_back_links(&l, "unlink: built");
    /* The middle, the head, the tail, by their own pointers. */
    m2p_list_unlink(&l, e[2]);
    tap_ok(!linked(&l, e[2]) && !e[2]->next && !e[2]->prev,
           "unlink middle: gone, its links cleared");
    check_chain(&l, 5, "unlink middle");
    check_back_links(&l, "unlink middle");
    m2p_list_unlink(&l, l.head);
    check_chain(&l, 4, "unlink head");
    check_back_links(&l, "unlink head");
    for (i = 0; i < 6; i++)
        if (linked(&l, e[i]) && !e[i]->next)
            break;
    m2p_list_unlink(&l, e[i]);
    tap_ok(!linked(&l, e[i]), "unlink tail: gone");
    check_chain(&l, 3, "unlink tail");
    check_back_links(&l, "unlink tail");
    while (l.head)
        m2p_list_unlink(&l, l.head);
    check_chain(&l, 0, "unlink all");
    tap_ok(m2p_list_find(&l, 1, 300) == NULL, "unlink all: nothing found");
}

/* add_after keeps one domain's entries together, back links right. */
static void test_add_after(void)
{
    struct m2p_list l = { 0 };
    struct m2p_entry *a = entry(0, 1, 10), *b = entry(1, 2, 20),
                     *c = entry(2, 1, 11), *d = entry(3, 1, 12);

    m2p_list_add_after(&l, NULL, a);
    tap_ok(l.head == a && l.len == 1 && !a->prev && !a->next,
           "add_after NULL: at the head");
    m2p_list_add(&l, b);
    m2p_list_add_after(&l, a, c);
    m2p_list_add_after(&l, a, d);
    tap_ok(l.head == b && b->next == a && a->next == d && d->next == c &&
               !c->next && l.len == 4,
           "entries added after a follow it (b a d c)");
    tap_ok(d->prev == a && c->prev == d && a->prev == b,
           "  with their back links");
    m2p_list_unlink(&l, d);
    tap_ok(a->next == c && c->prev == a && l.len == 3 && walk(&l) == 3,
           "unlink of one in the middle of the run");
}

int main(void)
{
    test_empty();
    test_add_find();
    test_remove();
    test_domains();
    test_unlink();
    test_add_after();
    return tap_done();
}
