/*
 * objpool.h - a fixed-size-object allocator: objects of one size carved
 * from whole pages that a caller-supplied function provides, kept on a
 * free list. The hypervisor's sharing code takes its M2P list entries,
 * share records and hash-table nodes from pools like this (Xen's
 * mem_sharing uses the xenheap the same way), so that their memory is
 * counted and bounded.
 *
 * Pure code, unit-tested on the host. A pool grows to its high-water mark;
 * its pages go back only all at once, when no object is in use.
 */
#ifndef __OBJPOOL_H__
#define __OBJPOOL_H__

#include "klib.h"

#define OBJPOOL_PAGE_SIZE 4096

struct objpool {
    const char *name;
    size_t size;             /* object size, rounded up to a pointer     */
    void *(*get_page)(void); /* a zeroed page, or NULL                   */
    void *free;              /* free objects, linked through their first word */
    void *page_list;         /* pages taken, linked through their last word */
    uint32_t in_use;         /* objects handed out                        */
    uint32_t pages;          /* pages taken                               */
    uint32_t max_pages;      /* limit (0 = none)                          */
};

/* Set up an empty pool of objects of size bytes (at most half a page). */
void objpool_init(struct objpool *p, const char *name, size_t size,
                  void *(*get_page)(void), uint32_t max_pages);
/* A zeroed object, or NULL if no page could be had. */
void *objpool_alloc(struct objpool *p);
/* Give obj back; it must have come from p. */
void objpool_free(struct objpool *p, void *obj);
/* If no object is in use, give every page to put_page and empty the pool;
 * returns the pages given back. */
uint32_t objpool_release(struct objpool *p, void (*put_page)(void *page));
/* Bytes of memory the pool holds (its pages). */
static inline uint32_t objpool_bytes(const struct objpool *p)
{
    return p->pages * OBJPOOL_PAGE_SIZE;
}

#endif /* __OBJPOOL_H__ */
