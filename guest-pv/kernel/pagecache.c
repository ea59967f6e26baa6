/*
 * pagecache.c - the page cache: file pages by (inode, index), read in on
 * demand, kept on an LRU list, evicted oldest first when free memory runs
 * low. A page that processes map is unmapped through its reverse map
 * before it goes. tmpfs pages hold the only copy of their data: they are
 * never evicted.
 *
 * Owns the hash table and the LRU list. The cache holds one reference on
 * each of its pages; every user of a page holds its own.
 */
#include "kernel.h"

#define HASH_BUCKETS 1024

static struct page *hash[HASH_BUCKETS];
static struct page *lru_head, *lru_tail; /* head: most recently used */
uint32_t nr_evictions;

static unsigned int bucket(const struct inode *ip, uint32_t index)
{
    return (((uint32_t)ip >> 4) ^ (index * 2654435761U)) % HASH_BUCKETS;
}

static struct page *lookup(const struct inode *ip, uint32_t index)
{
    struct page *p;

    for (p = hash[bucket(ip, index)]; p; p = p->hnext)
        if (p->inode == ip && p->index == index)
            return p;
    return NULL;
}

static void lru_del(struct page *p)
{
    if (!p->on_lru)
        return;
    if (p->prev)
        p->prev->next = p->next;
    else
        lru_head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    else
        lru_tail = p->prev;
    p->next = p->prev = NULL;
    p->on_lru = 0;
}

static void lru_add_head(struct page *p)
{
    p->prev = NULL;
    p->next = lru_head;
    if (lru_head)
        lru_head->prev = p;
    lru_head = p;
    if (!lru_tail)
        lru_tail = p;
    p->on_lru = 1;
}

void pagecache_touch(struct page *p)
{
    if (p->on_lru && lru_head != p) {
        lru_del(p);
        lru_add_head(p);
    }
}

static void remove_from_cache(struct page *p)
{
    struct page **pp = &hash[bucket(p->inode, p->index)];

    while (*pp != p)
        pp = &(*pp)->hnext;
    *pp = p->hnext;
    p->hnext = NULL;
    lru_del(p);
    p->inode = NULL;
    page_put(p); /* the cache's reference */
}

static struct page *get(struct inode *ip, uint32_t index, bool create)
{
    struct page *p = lookup(ip, index);
    unsigned int b;
    int rc;

    if (p) {
        page_get(p);
        pagecache_touch(p);
        return p;
    }
    p = page_alloc(PG_CACHE, create);
    if (!p)
        return NULL;
    if (!create) {
        rc = ip->ops->readpage(ip, index, p);
        if (rc) {
            page_put(p);
            return NULL;
        }
    }
    /* page_alloc may have evicted, but no one else added this page. */
    p->inode = ip;
    p->index = index;
    b = bucket(ip, index);
    p->hnext = hash[b];
    hash[b] = p;
    if (ip->ops->evictable)
        lru_add_head(p);
    else
        p->dirty = 1; /* the only copy: keep it */
    page_get(p); /* the caller's; the allocation's is the cache's */
    return p;
}

struct page *pagecache_get(struct inode *ip, uint32_t index)
{
    return get(ip, index, false);
}

struct page *pagecache_get_for_write(struct inode *ip, uint32_t index)
{
    return get(ip, index, !ip->ops->evictable);
}

void pagecache_truncate(struct inode *ip, uint32_t index)
{
    unsigned int b;

    for (b = 0; b < HASH_BUCKETS; b++) {
        struct page *p = hash[b], *next;

        for (; p; p = next) {
            next = p->hnext;
            if (p->inode != ip || p->index < index)
                continue;
            page_get(p);
            rmap_unmap_all(p);
            remove_from_cache(p);
            page_put(p);
        }
    }
}

uint32_t pagecache_shrink(uint32_t n)
{
    struct page *p = lru_tail, *prev;
    uint32_t freed = 0, scanned = 0, budget = 4 * n + 64;

    while (p && freed < n && scanned++ < budget) {
        prev = p->prev;
        if (p->count > 1 + p->mapcount) {
            /* Someone (the kernel) is using it right now: keep it. */
            pagecache_touch(p);
        } else {
            page_get(p);
            rmap_unmap_all(p);
            if (p->count == 2) { /* ours and the cache's */
                remove_from_cache(p);
                freed++;
                nr_evictions++;
            }
            page_put(p);
        }
        p = prev;
    }
    return freed;
}
