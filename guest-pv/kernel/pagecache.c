/*
 * pagecache.c - the page cache: file pages by (inode, index), read in on
 * demand, kept on an LRU list, evicted oldest first when free memory runs
 * low. A page that processes map is unmapped through its reverse map
 * before it goes. tmpfs pages hold the only copy of their data: they are
 * never evicted.
 *
 * Clean pages no one uses may be volatile (balloon.c's repayment FIFO):
 * unmapped, their frames the hypervisor's to take. Every use of a cached
 * page comes through get() or the eviction below, which rescue it first;
 * a page whose frame was taken leaves the cache (its pfn has no frame)
 * and the data is read again.
 *
 * A miss reads ahead: the page and those after it that the file system
 * can read in the same request (readahead()), up to a request's eleven.
 * The pages are in the cache, PGF_LOCKED, while the read is in flight (the
 * reader sleeps); anyone else who wants one of them waits for the read,
 * and eviction and the repayment FIFO leave them alone.
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

/* p leaves the hash and the LRU list (the cache's reference stays). */
static void unhash(struct page *p)
{
    struct page **pp = &hash[bucket(p->inode, p->index)];

    while (*pp != p)
        pp = &(*pp)->hnext;
    *pp = p->hnext;
    p->hnext = NULL;
    lru_del(p);
    p->inode = NULL;
}

static void remove_from_cache(struct page *p)
{
    unhash(p);
    page_put(p); /* the cache's reference */
}

/* A volatile page's frame was taken: it leaves the cache with no frame. */
static void drop_taken(struct page *p)
{
    unhash(p);
    KASSERT(p->count == 1 && !p->mapcount);
    balloon_add(p);
}

/* Before p is used: rescued from the FIFO, or gone (false). */
static bool usable(struct page *p)
{
    if (!(p->flags & PGF_VOLATILE) || repay_rescue(p))
        return true;
    drop_taken(p);
    return false;
}

uint32_t pagecache_make_volatile(uint32_t n)
{
    struct page *p;
    uint32_t added = 0;

    for (p = lru_tail; p && added < n; p = p->prev) {
        if (p->dirty || p->count != 1 || p->mapcount ||
            (p->flags & (PGF_SHARED | PGF_VOLATILE | PGF_LOCKED)))
            continue;
        if (!repay_add(p)) {
            repay_publish(); /* a full batch: out, then go on */
            if (!repay_add(p))
                break; /* the FIFO is full */
        }
        added++;
    }
    repay_publish();
    return added;
}

static void insert(struct page *p, struct inode *ip, uint32_t index)
{
    unsigned int b = bucket(ip, index);

    p->inode = ip;
    p->index = index;
    p->hnext = hash[b];
    hash[b] = p;
    if (ip->ops->evictable)
        lru_add_head(p);
    else
        p->dirty = 1; /* the only copy: keep it */
}

/* A page someone else is reading in: wait for it. The caller's reference,
 * or NULL if the read failed (the page then left the cache). */
static struct page *wait_read(struct page *p, struct inode *ip,
                              uint32_t index)
{
    page_get(p);
    while (p->flags & PGF_LOCKED)
        sleep_on(p);
    if (p->inode != ip || p->index != index) {
        page_put(p);
        return NULL;
    }
    pagecache_touch(p);
    return p;
}

/* Read index of ip into p, and the pages after it that one request can
 * carry and the cache lacks. p and the others go into the cache locked
 * for the read. Returns p with the caller's reference, or NULL. */
static struct page *read_in(struct inode *ip, uint32_t index, struct page *p)
{
    struct page *pages[BLK_MAX_PAGES];
    unsigned int n = 1, want = 1, i;
    int rc;

    if (ip->ops->readahead)
        want = min(ip->ops->readahead(ip, index), (uint32_t)blk_max_pages);
    pages[0] = p;
    insert(p, ip, index);
    if (cleancache_get(ip, index, p)) {
        page_get(p); /* the caller's; the allocation's is the cache's */
        return p;
    }
    p->flags |= PGF_LOCKED; /* locked at once: page_alloc may evict */
    while (n < want && !lookup(ip, index + n)) {
        struct page *q = page_alloc(PG_CACHE, false);

        if (!q)
            break;
        insert(q, ip, index + n);
        if (cleancache_get(ip, index + n, q))
            break; /* in the cache from the pool: the read ends before it */
        pages[n] = q;
        q->flags |= PGF_LOCKED;
        n++;
    }
    page_get(p); /* the caller's; each allocation's is the cache's */
    rc = ip->ops->readpages(ip, index, pages, n);
    for (i = 0; i < n; i++) {
        pages[i]->flags &= ~PGF_LOCKED;
        wakeup(pages[i]);
        if (rc)
            remove_from_cache(pages[i]);
    }
    if (rc) {
        page_put(p);
        return NULL;
    }
    return p;
}

static struct page *get(struct inode *ip, uint32_t index, bool create)
{
    struct page *p = lookup(ip, index);

    if (p && (p->flags & PGF_LOCKED))
        return wait_read(p, ip, index);
    if (p && !usable(p)) {
        nr_rereads++;
        p = NULL;
    }
    if (p) {
        page_get(p);
        pagecache_touch(p);
        return p;
    }
    p = page_alloc(PG_CACHE, create);
    if (!p)
        return NULL;
    /* page_alloc may have evicted, but no one else added this page. */
    if (!create)
        return read_in(ip, index, p);
    insert(p, ip, index);
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

    cleancache_flush_inode(ip); /* the pool's copies are stale too */
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

uint32_t pagecache_idle_pages(void)
{
    const struct page *p;
    uint32_t n = 0;

    for (p = lru_head; p; p = p->next)
        n += !p->dirty && p->count == 1 && !p->mapcount &&
             !(p->flags & (PGF_LOCKED | PGF_VOLATILE));
    return n;
}

static uint32_t shrink(uint32_t n, bool mapped_too)
{
    struct page *p = lru_tail, *prev;
    uint32_t freed = 0, scanned = 0, budget = 4 * n + 64;

    while (p && freed < n && scanned++ < budget) {
        prev = p->prev;
        if (!usable(p)) {
            p = prev; /* its frame went to the hypervisor already */
            continue;
        }
        if (p->count > 1 + p->mapcount || (p->flags & PGF_LOCKED)) {
            /* Someone (the kernel) is using it right now: keep it. */
            pagecache_touch(p);
        } else if (p->mapcount && !mapped_too) {
            /* A process maps it (program text, say): not yet. */
        } else {
            page_get(p);
            rmap_unmap_all(p);
            if (p->count == 2) { /* ours and the cache's */
                cleancache_put(p);
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

uint32_t pagecache_shrink(uint32_t n)
{
    return shrink(n, true);
}

uint32_t pagecache_shrink_unmapped(uint32_t n)
{
    return shrink(n, false);
}
