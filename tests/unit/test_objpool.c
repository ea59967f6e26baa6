/*
 * test_objpool.c - host unit tests for the fixed-size-object allocator,
 * lib/objpool.c: size rounding, objects per page, distinct zeroed objects
 * inside the pages the page source gave, the in_use and pages counters,
 * reuse of freed objects, the max_pages limit, a failing page source, and
 * objpool_release() giving back every page (only when nothing is in use).
 *
 * The page source is a fake backed by aligned_alloc() that records every
 * page it hands out, so that the tests can tell which page an object lies
 * in and check that objpool_release() returns exactly those pages.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include <objpool.h>

#define PAGE     OBJPOOL_PAGE_SIZE
#define PTR      sizeof(void *)
#define MAX_OUT  64   /* pages the fake source may have outstanding */
#define MAX_OBJS 1024 /* objects one test keeps track of */

/* The fake page source. */
static void *out[MAX_OUT]; /* pages handed out and not yet put back */
static unsigned int nr_out;
static unsigned int nr_gets, nr_puts, nr_bad_puts;
static bool source_dry;         /* get_page returns NULL */
static unsigned char fill_byte; /* what a new page is filled with */

static void *get_page(void)
{
    void *page;

    if (source_dry || nr_out == MAX_OUT)
        return NULL;
    page = aligned_alloc(PAGE, PAGE);
    if (!page)
        return NULL;
    memset(page, fill_byte, PAGE);
    out[nr_out++] = page;
    nr_gets++;
    return page;
}

/* Index of page in out[], or -1. */
static int page_index(const void *page)
{
    for (unsigned int i = 0; i < nr_out; i++)
        if (out[i] == page)
            return (int)i;
    return -1;
}

static void put_page(void *page)
{
    int i = page_index(page);

    nr_puts++;
    if (i < 0) {
        nr_bad_puts++;
        return;
    }
    out[i] = out[--nr_out];
    free(page);
}

static void source_reset(void)
{
    nr_gets = nr_puts = nr_bad_puts = 0;
    source_dry = false;
    fill_byte = 0;
}

/* The page (from the source) that holds all of [obj, obj + size), or -1. */
static int obj_page(const void *obj, size_t size)
{
    uintptr_t o = (uintptr_t)obj;

    for (unsigned int i = 0; i < nr_out; i++) {
        uintptr_t p = (uintptr_t)out[i];

        /* The page's last word is the pool's page link: no object there. */
        if (o >= p && o + size <= p + PAGE - PTR)
            return (int)i;
    }
    return -1;
}

static bool all_bytes(const void *obj, unsigned char c, size_t n)
{
    const unsigned char *b = obj;

    for (size_t i = 0; i < n; i++)
        if (b[i] != c)
            return false;
    return true;
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (void *const *)a;
    uintptr_t y = (uintptr_t) * (void *const *)b;

    return x < y ? -1 : x > y;
}

/* No two of the n objects of size bytes overlap (nor are the same). */
static bool disjoint(void **objs, unsigned int n, size_t size)
{
    static void *sorted[MAX_OBJS];

    memcpy(sorted, objs, n * sizeof(*objs));
    qsort(sorted, n, sizeof(*sorted), cmp_ptr);
    for (unsigned int i = 1; i < n; i++)
        if ((uintptr_t)sorted[i] - (uintptr_t)sorted[i - 1] < size)
            return false;
    return true;
}

/* Objects of size bytes that fit in one page, worked out independently. */
static unsigned int per_page(size_t size)
{
    size_t rounded = (size + PTR - 1) / PTR * PTR;

    if (rounded < PTR)
        rounded = PTR;
    return (unsigned int)((PAGE - PTR) / rounded);
}

/* Frees n objects and releases the pool; checks all its pages come back. */
static void drain(struct objpool *p, void **objs, unsigned int n,
                  const char *what)
{
    uint32_t pages = p->pages;

    for (unsigned int i = 0; i < n; i++)
        objpool_free(p, objs[i]);
    tap_is_uint(objpool_release(p, put_page), pages,
                "%s: release gives back its %u pages", what, pages);
    tap_is_uint(nr_out, 0, "%s: no page left outstanding", what);
}

static void test_init(void)
{
    static const struct {
        size_t size, expect;
    } sizes[] = {
        { 0, PTR },
        { 1, PTR },
        { PTR - 1, PTR },
        { PTR, PTR },
        { PTR + 1, 2 * PTR },
        { 13, 16 },
        { 24, 24 },
        { 100, ROUNDUP(100, PTR) },
        { PAGE / 2 - 1, PAGE / 2 },
        { PAGE / 2, PAGE / 2 },
        { PAGE / 2 + PTR, PAGE / 2 }, /* more than half a page: capped */
    };
    struct objpool p;

    source_reset();
    for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
        memset(&p, 0x5A, sizeof(p));
        objpool_init(&p, "test", sizes[i].size, get_page, 7);
        tap_is_uint(p.size, sizes[i].expect, "init: size %zu rounds to %zu",
                    sizes[i].size, sizes[i].expect);
    }
    tap_is_str(p.name, "test", "init: name kept");
    tap_ok(p.get_page == get_page, "init: page source kept");
    tap_is_uint(p.max_pages, 7, "init: max_pages kept");
    tap_is_uint(p.in_use, 0, "init: nothing in use");
    tap_is_uint(p.pages, 0, "init: no pages");
    tap_ok(p.free == NULL && p.page_list == NULL,
           "init: free list and page list empty (over a dirty struct)");
    tap_is_uint(objpool_bytes(&p), 0, "init: holds 0 bytes");
    tap_is_uint(nr_gets, 0, "init: takes no page");
}

/* One page's worth of 24-byte objects, then one more. */
static void test_fill_page(void)
{
    static void *objs[MAX_OBJS];
    const size_t size = 24;
    unsigned int n = per_page(size), i;
    bool ok_inside = true, ok_zero = true, ok_aligned = true, ok_kept = true;
    struct objpool p;
    void *first;
    int pg;

    source_reset();
    fill_byte = 0xA5; /* so that only the pool's memset can zero objects */
    objpool_init(&p, "fill", size, get_page, 0);

    tap_is_uint(n, (PAGE - PTR) / 24, "fill: %u objects of 24 bytes a page", n);
    first = objs[0] = objpool_alloc(&p);
    tap_ok(first != NULL, "fill: first alloc succeeds");
    tap_is_uint(nr_gets, 1, "fill: first alloc takes one page");
    tap_is_uint(p.pages, 1, "fill: pages is 1");
    tap_is_uint(p.in_use, 1, "fill: in_use is 1");
    tap_is_uint(objpool_bytes(&p), PAGE, "fill: holds one page of bytes");

    for (i = 1; i < n; i++)
        if (!(objs[i] = objpool_alloc(&p)))
            break;
    tap_is_uint(i, n, "fill: %u allocs succeed", n);
    tap_is_uint(nr_gets, 1, "fill: all %u come from the first page", n);
    tap_is_uint(p.pages, 1, "fill: pages still 1");
    tap_is_uint(p.in_use, n, "fill: in_use is %u", n);

    for (i = 0; i < n; i++) {
        if (obj_page(objs[i], size) != 0)
            ok_inside = false;
        if (!all_bytes(objs[i], 0, size))
            ok_zero = false;
        if ((uintptr_t)objs[i] % PTR)
            ok_aligned = false;
    }
    tap_ok(ok_inside, "fill: every object lies in the page, clear of its link");
    tap_ok(ok_zero, "fill: every object is zeroed (page was filled 0xA5)");
    tap_ok(ok_aligned, "fill: every object is pointer-aligned");
    tap_ok(disjoint(objs, n, size), "fill: the %u objects do not overlap", n);

    /* Scribble over every object, whole: none may change another. */
    for (i = 0; i < n; i++)
        memset(objs[i], (int)(i % 250) + 1, size);
    for (i = 0; i < n; i++)
        if (!all_bytes(objs[i], (unsigned char)(i % 250) + 1, size))
            ok_kept = false;
    tap_ok(ok_kept, "fill: each object keeps what was written to it");

    objs[n] = objpool_alloc(&p);
    tap_ok(objs[n] != NULL, "fill: alloc %u succeeds", n + 1);
    tap_is_uint(nr_gets, 2, "fill: ... taking a second page");
    tap_is_uint(p.pages, 2, "fill: pages is 2");
    tap_is_uint(objpool_bytes(&p), 2 * PAGE, "fill: holds two pages of bytes");
    tap_is_uint(p.in_use, n + 1, "fill: in_use is %u", n + 1);
    pg = obj_page(objs[n], size);
    tap_ok(pg >= 0 && out[pg] != out[0] && out[pg] == out[1],
           "fill: the new object lies in the second page");
    tap_ok(all_bytes(objs[n], 0, size), "fill: ... and is zeroed");
    tap_ok(disjoint(objs, n + 1, size), "fill: %u objects do not overlap",
           n + 1);

    drain(&p, objs, n + 1, "fill");
    tap_is_uint(nr_bad_puts, 0, "fill: only pages from the source were put");
}

/* Objects per page for many sizes: count allocs until a second page. */
static void test_per_page(void)
{
    static const size_t sizes[] = {
        1, 8, 12, 16, 24, 40, 100, 500, 1000, 1360, 1361, 2000, 2048, 3000,
    };
    static void *objs[MAX_OBJS];

    for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
        size_t size = sizes[i] > PAGE / 2 ? PAGE / 2 : sizes[i];
        unsigned int n = 0;
        struct objpool p;
        bool ok_inside = true;

        source_reset();
        objpool_init(&p, "per-page", sizes[i], get_page, 0);
        while (n < MAX_OBJS) {
            void *o = objpool_alloc(&p);

            if (!o || p.pages > 1) {
                objpool_free(&p, o);
                break;
            }
            if (obj_page(o, p.size) != 0)
                ok_inside = false;
            objs[n++] = o;
        }
        tap_is_uint(n, per_page(size), "per page: %u objects of size %zu",
                    per_page(size), sizes[i]);
        tap_ok(ok_inside && disjoint(objs, n, p.size),
               "per page: size %zu: inside the page, disjoint", sizes[i]);
        drain(&p, objs, n, "per page");
    }
}

static void test_reuse(void)
{
    static void *objs[MAX_OBJS], *again[MAX_OBJS];
    const size_t size = 40;
    unsigned int n = per_page(size), i;
    struct objpool p;
    void *o;
    bool same = true;

    source_reset();
    objpool_init(&p, "reuse", size, get_page, 1);
    for (i = 0; i < n; i++)
        objs[i] = objpool_alloc(&p);
    tap_ok(objpool_alloc(&p) == NULL, "reuse: pool of one page is full");
    tap_is_uint(p.in_use, n, "reuse: ... and a failed alloc leaves in_use");

    objpool_free(&p, NULL);
    tap_is_uint(p.in_use, n, "reuse: freeing NULL changes nothing");

    memset(objs[17], 0xFF, size);
    objpool_free(&p, objs[17]);
    tap_is_uint(p.in_use, n - 1, "reuse: free drops in_use");
    o = objpool_alloc(&p);
    tap_ok(o == objs[17], "reuse: the freed object is handed out again");
    tap_ok(o && all_bytes(o, 0, size), "reuse: ... zeroed, link word too");
    tap_is_uint(p.in_use, n, "reuse: in_use back to %u", n);

    /* Free several; they must all come back, and no new page taken. */
    for (i = 0; i < 5; i++)
        objpool_free(&p, objs[i * 7 + 3]);
    tap_is_uint(p.in_use, n - 5, "reuse: five freed");
    for (i = 0; i < 5; i++) {
        void *back = objpool_alloc(&p);
        bool found = false;

        for (unsigned int j = 0; j < 5; j++)
            if (back == objs[j * 7 + 3])
                found = true;
        tap_ok(found, "reuse: alloc %u returns one of the freed objects", i);
    }
    tap_ok(objpool_alloc(&p) == NULL, "reuse: full again after five allocs");

    /* Free everything and allocate a page's worth again. */
    for (i = 0; i < n; i++)
        objpool_free(&p, objs[i]);
    tap_is_uint(p.in_use, 0, "reuse: all freed, in_use 0");
    tap_is_uint(p.pages, 1, "reuse: the page is kept");
    for (i = 0; i < n; i++)
        if (!(again[i] = objpool_alloc(&p)))
            break;
    tap_is_uint(i, n, "reuse: %u allocs succeed again", n);
    tap_is_uint(nr_gets, 1, "reuse: without taking another page");
    for (i = 0; i < n && same; i++)
        if (obj_page(again[i], size) != 0)
            same = false;
    tap_ok(same && disjoint(again, n, size),
           "reuse: the same page's objects, disjoint");

    drain(&p, again, n, "reuse");
}

static void test_max_pages(void)
{
    static void *objs[MAX_OBJS];
    const size_t size = 1024;
    unsigned int n = per_page(size), i;
    struct objpool p;

    source_reset();
    tap_is_uint(n, 3, "max_pages: 3 objects of 1024 bytes a page");
    objpool_init(&p, "max", size, get_page, 2);
    for (i = 0; i < 2 * n; i++)
        if (!(objs[i] = objpool_alloc(&p)))
            break;
    tap_is_uint(i, 2 * n, "max_pages: %u allocs fill two pages", 2 * n);
    tap_ok(objpool_alloc(&p) == NULL, "max_pages: the next alloc fails");
    tap_ok(objpool_alloc(&p) == NULL, "max_pages: ... and the one after");
    tap_is_uint(p.pages, 2, "max_pages: pages stays 2");
    tap_is_uint(nr_gets, 2, "max_pages: no third page asked for");
    tap_is_uint(p.in_use, 2 * n, "max_pages: in_use stays %u", 2 * n);
    tap_is_uint(objpool_bytes(&p), 2 * PAGE, "max_pages: holds two pages");

    objpool_free(&p, objs[4]);
    objs[4] = objpool_alloc(&p);
    tap_ok(objs[4] != NULL, "max_pages: after a free, alloc succeeds");
    tap_is_uint(nr_gets, 2, "max_pages: ... with no new page");

    drain(&p, objs, 2 * n, "max_pages");
}

static void test_dry_source(void)
{
    static void *objs[MAX_OBJS];
    const size_t size = 2048;
    struct objpool p;
    void *o;

    source_reset();
    objpool_init(&p, "dry", size, get_page, 0);
    source_dry = true;
    tap_ok(objpool_alloc(&p) == NULL, "dry: alloc fails with no page");
    tap_is_uint(p.pages, 0, "dry: pages stays 0");
    tap_is_uint(p.in_use, 0, "dry: in_use stays 0");
    tap_is_uint(objpool_bytes(&p), 0, "dry: holds 0 bytes");

    source_dry = false;
    objs[0] = objpool_alloc(&p);
    tap_ok(objs[0] != NULL, "dry: alloc works once pages come");
    tap_is_uint(p.pages, 1, "dry: ... taking one page");
    tap_is_uint(per_page(size), 1, "dry: one 2048-byte object a page");

    source_dry = true;
    o = objpool_alloc(&p);
    tap_ok(o == NULL, "dry: page full and source dry: alloc fails");
    tap_is_uint(p.pages, 1, "dry: pages stays 1");
    tap_is_uint(p.in_use, 1, "dry: in_use stays 1");
    source_dry = false;

    drain(&p, objs, 1, "dry");
}

static void test_release(void)
{
    static void *objs[MAX_OBJS];
    const size_t size = 100;
    unsigned int n = 3 * per_page(size) + 5, i; /* four pages */
    bool ok = true;
    struct objpool p;
    uint32_t r;

    source_reset();
    objpool_init(&p, "release", size, get_page, 0);
    tap_is_uint(objpool_release(&p, put_page), 0,
                "release: an empty pool gives back 0 pages");
    tap_is_uint(nr_puts, 0, "release: ... and puts none");

    for (i = 0; i < n; i++) {
        objs[i] = objpool_alloc(&p);
        if (objs[i])
            memset(objs[i], 0xC3, size);
    }
    tap_is_uint(p.pages, 4, "release: %u objects of 100 bytes take 4 pages", n);
    tap_is_uint(nr_out, 4, "release: 4 pages outstanding");

    r = objpool_release(&p, put_page);
    tap_is_uint(r, 0, "release: refused with %u objects in use", n);
    tap_is_uint(nr_puts, 0, "release: ... no page put");
    tap_is_uint(p.pages, 4, "release: ... pages still 4");
    tap_is_uint(p.in_use, n, "release: ... in_use still %u", n);
    for (i = 0; i < n; i++)
        if (!all_bytes(objs[i], 0xC3, size))
            ok = false;
    tap_ok(ok, "release: ... objects untouched");

    for (i = 1; i < n; i++)
        objpool_free(&p, objs[i]);
    tap_is_uint(objpool_release(&p, put_page), 0,
                "release: refused with one object in use");
    tap_is_uint(nr_puts, 0, "release: ... no page put");
    tap_is_uint(p.pages, 4, "release: ... pages still 4");

    objpool_free(&p, objs[0]);
    r = objpool_release(&p, put_page);
    tap_is_uint(r, 4, "release: with none in use gives back 4 pages");
    tap_is_uint(nr_puts, 4, "release: put_page called 4 times");
    tap_is_uint(nr_bad_puts, 0, "release: each put page came from the source");
    tap_is_uint(nr_out, 0, "release: every page handed out came back");
    tap_is_uint(p.pages, 0, "release: pages is 0");
    tap_is_uint(p.in_use, 0, "release: in_use is 0");
    tap_is_uint(objpool_bytes(&p), 0, "release: holds 0 bytes");
    tap_ok(p.free == NULL && p.page_list == NULL,
           "release: free list and page list empty");
    tap_is_uint(objpool_release(&p, put_page), 0,
                "release: a second release gives back 0");
    tap_is_uint(nr_puts, 4, "release: ... and puts none");

    /* The pool works again, from fresh pages. */
    nr_gets = 0;
    ok = true;
    for (i = 0; i < n; i++)
        if (!(objs[i] = objpool_alloc(&p)) || obj_page(objs[i], size) < 0 ||
            !all_bytes(objs[i], 0, size))
            ok = false;
    tap_ok(ok,
           "release: afterwards %u allocs give zeroed objects in "
           "new pages",
           n);
    tap_is_uint(nr_gets, 4, "release: ... taking 4 new pages");
    tap_is_uint(p.pages, 4, "release: pages is 4 again");
    tap_is_uint(p.in_use, n, "release: in_use is %u again", n);
    tap_ok(disjoint(objs, n, size), "release: ... objects disjoint");
    drain(&p, objs, n, "release again");
    tap_is_uint(nr_bad_puts, 0, "release: no bad put overall");
}

/* Two pools on one source: separate pages, separate counters. */
static void test_two_pools(void)
{
    static void *a[MAX_OBJS], *b[MAX_OBJS];
    struct objpool pa, pb;
    unsigned int na = per_page(16) + 1, nb = 3, i;
    bool ok = true;

    source_reset();
    objpool_init(&pa, "a", 16, get_page, 0);
    objpool_init(&pb, "b", 512, get_page, 0);
    for (i = 0; i < na || i < nb; i++) {
        if (i < na)
            a[i] = objpool_alloc(&pa);
        if (i < nb)
            b[i] = objpool_alloc(&pb);
    }
    tap_is_uint(pa.pages, 2, "two pools: a has 2 pages");
    tap_is_uint(pb.pages, 1, "two pools: b has 1 page");
    tap_is_uint(pa.in_use + pb.in_use, na + nb, "two pools: in_use split");
    for (i = 0; i < nb; i++)
        for (unsigned int j = 0; j < na; j++)
            if (obj_page(b[i], 512) == obj_page(a[j], 16))
                ok = false;
    tap_ok(ok, "two pools: no page shared between them");

    for (i = 0; i < nb; i++)
        objpool_free(&pb, b[i]);
    tap_is_uint(objpool_release(&pb, put_page), 1,
                "two pools: releasing b gives back its one page");
    tap_is_uint(nr_out, 2, "two pools: a's two pages still out");
    ok = true;
    for (i = 0; i < na; i++)
        if (obj_page(a[i], 16) < 0)
            ok = false;
    tap_ok(ok, "two pools: a's objects still in outstanding pages");
    drain(&pa, a, na, "two pools: a");
}

int main(void)
{
    test_init();
    test_fill_page();
    test_per_page();
    test_reuse();
    test_max_pages();
    test_dry_source();
    test_release();
    test_two_pools();
    return tap_done();
}
