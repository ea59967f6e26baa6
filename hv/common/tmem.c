/*
 * tmem.c - transcendent memory (hv/tmem.h, public/tmem.h): tmem_op, the
 * pools, the pages in them, the frames behind those, eviction, the TMEM
 * lines.
 *
 * Owns every frame of dom_tmem and every tmem_pool, tmem_page and
 * tmem_frame. A page a guest puts is copied into a frame of dom_tmem, or
 * names a frame that already holds the same contents (in the same dedup
 * scope: the share group, or the domain if it is in none, and the same
 * kind of pool), found by a fingerprint and compared byte for byte; a get
 * copies it out. No guest
 * ever maps a dom_tmem frame, so stored contents never change and need no
 * copy-on-write. It never writes a guest frame but through
 * guest_pfn_get_writable(), and never touches a frame it does not own
 * otherwise.
 */
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/mem_sched.h>
#include <hv/mem_sharing.h>
#include <hv/mm.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/tmem.h>
#include <asm/uaccess.h>
#include <lz4.h>
#include <objpool.h>

#define POOL_BUCKETS  (PAGE_SIZE / sizeof(struct tmem_page *)) /* a page */
#define FRAME_BUCKETS 4096

/* A frame of dom_tmem holding compressed pages one after the other. Its
 * space is not reused: it is freed when the last of them goes. */
struct tmem_zpage {
    uint32_t mfn;
    uint32_t used; /* bytes from the start                    */
    uint32_t live; /* compressed pages in it                  */
};

/* The contents of a stored page, once per dedup scope: a whole frame, or
 * (ephemeral pages that compress well) zlen bytes of LZ4 in a zpage. */
struct tmem_frame {
    struct tmem_frame *hnext; /* dedup bucket chain                 */
    struct tmem_frame *qprev, *qnext; /* the compression queue     */
    struct tmem_zpage *zp;    /* compressed: where; NULL: whole     */
    uint32_t mfn;             /* whole: a frame of dom_tmem         */
    uint32_t hash;            /* fingerprint() of the contents      */
    uint32_t scope;           /* dedup scope (scope_of())           */
    uint32_t refs;            /* tmem_pages naming it               */
    uint16_t zoff, zlen;      /* compressed: offset, length         */
    bool queued;              /* on the compression queue           */
};

/* A page in a pool: (oid, index) -> frame. */
struct tmem_page {
    struct tmem_page *hnext;              /* pool bucket chain           */
    struct tmem_page *lru_prev, *lru_next; /* ephemeral: its pool's lru  */
    struct tmem_pool *pool;
    struct tmem_frame *frame;
    struct tmem_oid oid;
    uint32_t index;
};

struct tmem_pool {
    struct tmem_page **buckets; /* POOL_BUCKETS chains, a xenheap page */
    struct tmem_pool *next;     /* shared pools: the list of them      */
    uint64_t uuid[2];           /* shared pools: the name              */
    uint32_t flags;             /* TMEM_POOL_*                         */
    uint32_t scope;             /* dedup scope of its frames           */
    uint32_t nr_pages;
    unsigned int members;       /* domains holding a pool id for it    */
    uint8_t group;              /* shared pools: the share group       */
    struct domain *owner;       /* private pools: the domain           */
    struct tmem_lru *lru;       /* ephemeral: where its pages are
                                   charged (the owner's, or shared_lru) */
    struct tmem_lru shared_lru; /* shared pools: their own             */
};

static struct objpool page_pool, frame_pool, pool_pool, zpage_pool;
static struct tmem_frame *frame_hash[FRAME_BUCKETS];
static struct tmem_pool *shared_pools;
/* Whole ephemeral frames not yet tried for compression, oldest first. */
static struct tmem_frame *cq_head, *cq_tail;
#define ZOPEN 4 /* zpages being filled: a page goes to the first it fits */
static struct tmem_zpage *zopen[ZOPEN];
static uint8_t scratch[PAGE_SIZE] __attribute__((aligned(16)));
static LZ4_stream_t lz4_state;

static struct {
    uint32_t pools, eph_pages, pers_pages, frames, eph_frames;
    uint32_t contents;                    /* tmem_frame records now */
    uint32_t compressed, zbytes, zframes; /* now */
    uint64_t puts, puts_refused, dedup_puts, gets, hits, misses;
    uint64_t flushes, flushed_pages, evictions, errors;
    uint64_t incompressible; /* ever tried and stored whole */
    uint64_t compressions, decompressions; /* ever */
    uint64_t changes, changes_printed; /* for the tick's lines */
    s_time_t last_print;
} tm;

static unsigned int opt_tmem_print_ms = 1000;
integer_param_range("tmem_print_ms", opt_tmem_print_ms, 1, 3600000);
/* An ephemeral page is kept compressed if LZ4 makes it at most this many
 * bytes; 0: no compression. */
static unsigned int opt_tmem_compress = PAGE_SIZE * 3 / 4;
integer_param_range("tmem_compress", opt_tmem_compress, 0, PAGE_SIZE);

uint32_t tmem_frames(void)
{
    return tm.frames;
}

uint32_t tmem_reclaimable(void)
{
    return tm.eph_frames;
}

static bool persistent(const struct tmem_pool *p)
{
    return p->flags & TMEM_POOL_PERSIST;
}

static bool shared(const struct tmem_pool *p)
{
    return p->flags & TMEM_POOL_SHARED;
}

/* Frames of one scope may back pages of any pool of that scope: a share
 * group's (or a lone domain's), ephemeral or persistent apart, so that
 * dropping an ephemeral page can free its frame. */
static uint32_t scope_of(const struct domain *d, uint32_t flags)
{
    uint32_t s = d->share ? d->share->group : 0x100U + d->domain_id;

    return s << 1 | (flags & TMEM_POOL_PERSIST);
}

/* --- Frames (dedup) ---------------------------------------------------- */

static struct tmem_frame **frame_bucket(uint32_t hash, uint32_t scope)
{
    return &frame_hash[(hash ^ scope * 0x9e3779b1U) % FRAME_BUCKETS];
}

/*
 * The dedup key: a fingerprint of 16 words sampled across the page, not a
 * hash of all of it (a put would cost more than the copy it makes), so
 * frames are always compared in full before one is shared, and a put
 * compares at most DEDUP_TRIES frames with its fingerprint.
 */
#define DEDUP_TRIES 4

static uint32_t fingerprint(const void *data)
{
    const uint32_t *w = data;
    uint32_t h = 0x9e3779b1U, i;

    for (i = 0; i < 16; i++)
        h = (h ^ w[i * 64 + (i & 63)]) * 0x85ebca6bU + i;
    return h ^ h >> 15;
}

/* The contents of f into dst (a mapped page). */
static void frame_read(const struct tmem_frame *f, void *dst)
{
    const uint8_t *z;
    int n;

    if (!f->zp) {
        const void *p = map_domain_page(f->mfn);

        memcpy(dst, p, PAGE_SIZE);
        unmap_domain_page(p);
        return;
    }
    z = map_domain_page(f->zp->mfn);
    n = LZ4_decompress_safe((const char *)z + f->zoff, dst, f->zlen,
                            PAGE_SIZE);
    unmap_domain_page(z);
    BUG_ON(n != PAGE_SIZE); /* our own data: it was compressed from a page */
}

static bool frame_equal(const struct tmem_frame *f, const void *data)
{
    const void *p;
    bool eq;

    if (f->zp) {
        frame_read(f, scratch);
        return share_pages_equal(scratch, data);
    }
    p = map_domain_page(f->mfn);
    eq = share_pages_equal(p, data);
    unmap_domain_page(p);
    return eq;
}

/* --- Compression --------------------------------------------------------- */

static void cq_del(struct tmem_frame *f)
{
    if (!f->queued)
        return;
    if (f->qprev)
        f->qprev->qnext = f->qnext;
    else
        cq_head = f->qnext;
    if (f->qnext)
        f->qnext->qprev = f->qprev;
    else
        cq_tail = f->qprev;
    f->qprev = f->qnext = NULL;
    f->queued = false;
}

static void cq_add_tail(struct tmem_frame *f)
{
    f->qnext = NULL;
    f->qprev = cq_tail;
    if (cq_tail)
        cq_tail->qnext = f;
    else
        cq_head = f;
    cq_tail = f;
    f->queued = true;
}

static void free_tmem_frame(uint32_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    BUG_ON(page_get_owner(pg) != dom_tmem);
    pg->count_info &= ~PGC_allocated;
    put_page(pg); /* the allocation's reference: the frame is free */
    tm.frames--;
    tm.eph_frames--;
}

/* A compressed page leaves its zpage; the last one frees it. Returns true
 * if a frame was freed. */
static bool zpage_release(struct tmem_zpage *zp, uint32_t zlen)
{
    tm.compressed--;
    tm.zbytes -= zlen;
    if (--zp->live)
        return false;
    for (unsigned int i = 0; i < ZOPEN; i++)
        if (zopen[i] == zp)
            zopen[i] = NULL;
    free_tmem_frame(zp->mfn);
    tm.zframes--;
    objpool_free(&zpage_pool, zp);
    return true;
}

/* Room for n bytes in a zpage: the first open one it fits in, or a new
 * one (a frame beyond the reserve) in place of the fullest. NULL if none. */
static struct tmem_zpage *zpage_room(uint32_t n)
{
    struct page_info *pg;
    struct tmem_zpage *zp;
    unsigned int i, slot = 0;

    for (i = 0; i < ZOPEN; i++) {
        if (zopen[i] && zopen[i]->used + n <= PAGE_SIZE)
            return zopen[i];
        if (!zopen[i] || (zopen[slot] && zopen[i]->used > zopen[slot]->used))
            slot = i;
    }
    if (nr_free_domheap_pages() <= mem_sched_reserve())
        return NULL;
    zp = objpool_alloc(&zpage_pool);
    if (!zp)
        return NULL;
    pg = alloc_domheap_page(dom_tmem, MEMF_no_scrub);
    if (!pg) {
        objpool_free(&zpage_pool, zp);
        return NULL;
    }
    zp->mfn = page_to_mfn(pg);
    zopen[slot] = zp;
    tm.frames++;
    tm.eph_frames++;
    tm.zframes++;
    return zp;
}

/* Try f, a whole ephemeral frame: if LZ4 makes it small enough, it moves
 * into a zpage and its frame is freed; if not, it stays whole for good.
 * False if no zpage could be had (f stays queued). */
static bool compress_one(struct tmem_frame *f)
{
    const char *src = map_domain_page(f->mfn);
    struct tmem_zpage *zp;
    uint8_t *z;
    int n;

    n = LZ4_compress_fast_extState(&lz4_state, src, (char *)scratch,
                                   PAGE_SIZE, (int)opt_tmem_compress, 1);
    unmap_domain_page(src);
    if (n <= 0) {
        cq_del(f);
        tm.incompressible++;
        return true;
    }
    zp = zpage_room((uint32_t)n);
    if (!zp)
        return false; /* no frame for a zpage now: later */
    cq_del(f);
    z = map_domain_page(zp->mfn);
    memcpy(z + zp->used, scratch, (size_t)n);
    unmap_domain_page(z);
    free_tmem_frame(f->mfn);
    f->mfn = INVALID_MFN;
    f->zp = zp;
    f->zoff = (uint16_t)zp->used;
    f->zlen = (uint16_t)n;
    zp->used += (uint32_t)n;
    zp->live++;
    tm.compressed++;
    tm.compressions++;
    tm.zbytes += (uint32_t)n;
    tm.changes++;
    return true;
}

/* Idle work: compress the oldest whole ephemeral frames, a few at a time.
 * True if there was any. */
static bool tmem_compress_work(void)
{
    unsigned int i;

    if (!opt_tmem_compress)
        return false;
    for (i = 0; i < 8 && cq_head; i++)
        if (!compress_one(cq_head))
            break;
    return i > 0;
}

/* A frame of scope holding data (fingerprint h), if one of the first
 * DEDUP_TRIES with that fingerprint does. */
static struct tmem_frame *frame_find(const void *data, uint32_t h,
                                     uint32_t scope)
{
    struct tmem_frame *f;
    unsigned int tries = 0;

    for (f = *frame_bucket(h, scope); f && tries < DEDUP_TRIES; f = f->hnext)
        if (f->hash == h && f->scope == scope) {
            tries++;
            if (frame_equal(f, data))
                return f;
        }
    return NULL;
}

/* A new frame holding data, or NULL (no free frame, no record). */
static struct tmem_frame *frame_new(const void *data, uint32_t h,
                                    uint32_t scope)
{
    struct tmem_frame *f = objpool_alloc(&frame_pool);
    struct tmem_frame **b;
    struct page_info *pg;
    void *p;

    if (!f)
        return NULL;
    pg = alloc_domheap_page(dom_tmem, MEMF_no_scrub);
    if (!pg) {
        objpool_free(&frame_pool, f);
        return NULL;
    }
    f->mfn = page_to_mfn(pg);
    p = map_domain_page(f->mfn);
    memcpy(p, data, PAGE_SIZE);
    unmap_domain_page(p);
    f->hash = h;
    f->scope = scope;
    f->refs = 1;
    tm.contents++;
    b = frame_bucket(h, scope);
    f->hnext = *b;
    *b = f;
    tm.frames++;
    if (!(scope & TMEM_POOL_PERSIST)) {
        tm.eph_frames++;
        if (opt_tmem_compress)
            cq_add_tail(f);
    }
    return f;
}

/* One reference less; the last frees the record, and the frame (or the
 * zpage, if it was its last page). Returns true if a frame was freed. */
static bool frame_put(struct tmem_frame *f)
{
    struct tmem_frame **pp;
    struct page_info *pg;
    bool freed = true;

    BUG_ON(!f->refs);
    if (--f->refs)
        return false;
    for (pp = frame_bucket(f->hash, f->scope); *pp != f; pp = &(*pp)->hnext)
        ;
    *pp = f->hnext;
    cq_del(f);
    if (f->zp) {
        freed = zpage_release(f->zp, f->zlen);
    } else {
        pg = mfn_to_page(f->mfn);
        BUG_ON(page_get_owner(pg) != dom_tmem);
        pg->count_info &= ~PGC_allocated;
        put_page(pg); /* the allocation's reference: the frame is free */
        tm.frames--;
        tm.eph_frames -= !(f->scope & TMEM_POOL_PERSIST);
    }
    tm.contents--;
    objpool_free(&frame_pool, f);
    return freed;
}

/* --- Pages in pools ---------------------------------------------------- */

static uint32_t oid_hash(const struct tmem_oid *oid, uint32_t index)
{
    uint64_t h = oid->oid[0] ^ (oid->oid[1] * 31) ^ (oid->oid[2] * 961);

    return ((uint32_t)h ^ (uint32_t)(h >> 32) ^ index * 2654435761U);
}

static struct tmem_page **pool_bucket(const struct tmem_pool *p,
                                      const struct tmem_oid *oid,
                                      uint32_t index)
{
    return &p->buckets[oid_hash(oid, index) % POOL_BUCKETS];
}

static bool oid_equal(const struct tmem_oid *a, const struct tmem_oid *b)
{
    return a->oid[0] == b->oid[0] && a->oid[1] == b->oid[1] &&
           a->oid[2] == b->oid[2];
}

static struct tmem_page *page_find(const struct tmem_pool *p,
                                   const struct tmem_oid *oid, uint32_t index)
{
    struct tmem_page *pg;

    for (pg = *pool_bucket(p, oid, index); pg; pg = pg->hnext)
        if (pg->index == index && oid_equal(&pg->oid, oid))
            return pg;
    return NULL;
}

static void lru_del(struct tmem_page *pg)
{
    struct tmem_lru *l = pg->pool->lru;

    if (pg->lru_prev)
        pg->lru_prev->lru_next = pg->lru_next;
    else
        l->head = pg->lru_next;
    if (pg->lru_next)
        pg->lru_next->lru_prev = pg->lru_prev;
    else
        l->tail = pg->lru_prev;
    pg->lru_prev = pg->lru_next = NULL;
    l->pages--;
}

static void lru_add_head(struct tmem_page *pg)
{
    struct tmem_lru *l = pg->pool->lru;

    pg->lru_prev = NULL;
    pg->lru_next = l->head;
    if (l->head)
        l->head->lru_prev = pg;
    l->head = pg;
    if (!l->tail)
        l->tail = pg;
    l->pages++;
}

static void lru_touch(struct tmem_page *pg)
{
    if (!persistent(pg->pool) && pg->pool->lru->head != pg) {
        lru_del(pg);
        lru_add_head(pg);
    }
}

/* Take pg out of its pool and free it. Returns true if its frame went. */
static bool page_drop(struct tmem_page *pg)
{
    struct tmem_pool *p = pg->pool;
    struct tmem_page **pp = pool_bucket(p, &pg->oid, pg->index);
    bool freed;

    while (*pp != pg)
        pp = &(*pp)->hnext;
    *pp = pg->hnext;
    if (persistent(p)) {
        p->owner->tmem.pers_pages--;
        tm.pers_pages--;
    } else {
        lru_del(pg);
        tm.eph_pages--;
    }
    p->nr_pages--;
    freed = frame_put(pg->frame);
    objpool_free(&page_pool, pg);
    tm.changes++;
    return freed;
}

static void page_insert(struct tmem_pool *p, struct tmem_page *pg)
{
    struct tmem_page **b = pool_bucket(p, &pg->oid, pg->index);

    pg->pool = p;
    pg->hnext = *b;
    *b = pg;
    p->nr_pages++;
    if (persistent(p)) {
        p->owner->tmem.pers_pages++;
        tm.pers_pages++;
    } else {
        lru_add_head(pg);
        tm.eph_pages++;
    }
}

/* Drop the pages of p of object oid (NULL: every page). Returns how many
 * went. */
static uint32_t pool_flush(struct tmem_pool *p, const struct tmem_oid *oid)
{
    uint32_t b, n = 0;

    for (b = 0; b < POOL_BUCKETS && p->nr_pages; b++) {
        struct tmem_page *pg = p->buckets[b], *next;

        for (; pg; pg = next) {
            next = pg->hnext;
            if (oid && !oid_equal(&pg->oid, oid))
                continue;
            page_drop(pg);
            n++;
        }
    }
    return n;
}

/* --- Eviction ---------------------------------------------------------- */

/* The holder with the most ephemeral pages (a domain's private pools, or a
 * shared pool) loses its least recently used one. Returns true if a frame
 * was freed; false also when nothing is left to evict (*none then). */
static bool evict_one(bool *none)
{
    struct tmem_lru *victim = NULL;
    struct domain *d, *who = NULL;
    struct tmem_pool *p;

    for_each_domain (d)
        if (d->tmem.lru.pages &&
            (!victim || d->tmem.lru.pages > victim->pages)) {
            victim = &d->tmem.lru;
            who = d;
        }
    for (p = shared_pools; p; p = p->next)
        if (p->lru->pages && (!victim || p->lru->pages > victim->pages)) {
            victim = p->lru;
            who = NULL;
        }
    *none = !victim;
    if (!victim)
        return false;
    if (who)
        who->tmem.evicted++;
    tm.evictions++;
    return page_drop(victim->tail);
}

uint32_t tmem_reclaim(uint32_t want)
{
    uint32_t freed = 0;
    bool none = false;

    while (freed < want && !none)
        freed += evict_one(&none);
    return freed;
}

/* Is a frame to be had for a new page of p? Ephemeral pages may use the
 * free frames down to the memory scheduler's reserve, and then only
 * frames of older ephemeral pages; persistent ones may take those too. */
static bool room_for_frame(void)
{
    bool none = false;

    while (nr_free_domheap_pages() <= mem_sched_reserve() && !none)
        evict_one(&none);
    return nr_free_domheap_pages() > mem_sched_reserve();
}

/* --- Pools ------------------------------------------------------------- */

static struct tmem_pool *pool_of(struct domain *d, int32_t id)
{
    if (id < 0 || id >= TMEM_MAX_POOLS || !d->tmem.pools[id]) {
        gprintk(d, "tmem: pool %d is not one of the domain's", id);
        return NULL;
    }
    return d->tmem.pools[id];
}

static void pool_free(struct tmem_pool *p)
{
    struct tmem_pool **pp;

    pool_flush(p, NULL);
    if (shared(p)) {
        for (pp = &shared_pools; *pp != p; pp = &(*pp)->next)
            ;
        *pp = p->next;
    }
    free_xenheap_pages(p->buckets, 1);
    objpool_free(&pool_pool, p);
    tm.pools--;
}

/* d lets go of its pool id: the pool goes with its last member. */
static void pool_leave(struct domain *d, int32_t id)
{
    struct tmem_pool *p = d->tmem.pools[id];

    d->tmem.pools[id] = NULL;
    if (!--p->members) /* a shared pool's pages are the group's */
        pool_free(p);
    tm.changes++;
}

static long new_pool(struct domain *d, const struct tmem_op *op)
{
    uint32_t flags = op->u.creat.flags;
    struct tmem_pool *p = NULL;
    int id;

    if ((flags & ~(TMEM_POOL_PERSIST | TMEM_POOL_SHARED)) ||
        flags == (TMEM_POOL_PERSIST | TMEM_POOL_SHARED) || op->u.creat.arg1) {
        gprintk(d, "tmem: new pool: flags %#x arg1 %#x not supported", flags,
                op->u.creat.arg1);
        return -EINVAL;
    }
    if ((flags & TMEM_POOL_SHARED) && !d->share) {
        gprintk(d, "tmem: a shared pool needs a share group");
        return -EPERM;
    }
    for (id = 0; id < TMEM_MAX_POOLS && d->tmem.pools[id]; id++)
        ;
    if (id == TMEM_MAX_POOLS) {
        gprintk(d, "tmem: new pool: the domain has %d pools already",
                TMEM_MAX_POOLS);
        return -ENOSPC;
    }
    if (flags & TMEM_POOL_SHARED) {
        for (p = shared_pools; p; p = p->next)
            if (p->group == d->share->group &&
                p->uuid[0] == op->u.creat.uuid[0] &&
                p->uuid[1] == op->u.creat.uuid[1])
                break;
        for (int i = 0; p && i < TMEM_MAX_POOLS; i++)
            if (d->tmem.pools[i] == p) {
                gprintk(d, "tmem: new pool: already in that shared pool");
                return -EEXIST;
            }
    }
    if (!p) {
        p = objpool_alloc(&pool_pool);
        if (p && !(p->buckets = alloc_xenheap_pages(1))) {
            objpool_free(&pool_pool, p);
            p = NULL;
        }
        if (!p) {
            gprintk(d, "tmem: new pool: no memory");
            return -ENOMEM;
        }
        memset(p->buckets, 0, PAGE_SIZE);
        p->flags = flags;
        p->scope = scope_of(d, flags);
        p->owner = flags & TMEM_POOL_SHARED ? NULL : d;
        p->lru = flags & TMEM_POOL_SHARED ? &p->shared_lru : &d->tmem.lru;
        if (flags & TMEM_POOL_SHARED) {
            p->uuid[0] = op->u.creat.uuid[0];
            p->uuid[1] = op->u.creat.uuid[1];
            p->group = d->share->group;
            p->next = shared_pools;
            shared_pools = p;
        }
        tm.pools++;
    }
    p->members++;
    d->tmem.pools[id] = p;
    d->tmem.pools_made++;
    tm.changes++;
    return id;
}

/* --- Put, get ---------------------------------------------------------- */

/* May d store one more persistent page? The seed's policy: only a guest
 * that balloons, and never above its maximum, counting its pfns. */
static bool pers_quota(struct domain *d)
{
    return d->mem.balloons &&
           mem_populated(d) + d->tmem.pers_pages < d->p2m_size;
}

static long put(struct domain *d, struct tmem_pool *p, const struct tmem_op *op)
{
    const struct tmem_oid *oid = &op->u.gen.oid;
    uint32_t index = op->u.gen.index, mfn, h;
    struct tmem_page *old = page_find(p, oid, index), *pg;
    struct tmem_frame *f;
    const void *data;
    long rc = 1;

    if (guest_pfn_get_readable(d, op->u.gen.pfn, &mfn)) {
        gprintk(d, "tmem: put: pfn %#x is not populated", op->u.gen.pfn);
        return -EINVAL;
    }
    data = map_domain_page(mfn);
    h = fingerprint(data);
    if (old && old->frame->hash == h && frame_equal(old->frame, data)) {
        lru_touch(old); /* the same page again */
        goto out;
    }
    if (old && shared(p)) {
        gprintk(d, "tmem: put: a shared pool holds that page with other "
                   "contents");
        rc = -EEXIST;
        goto out;
    }
    if (old)
        page_drop(old); /* never an older page than the last put */
    if (persistent(p) && !pers_quota(d)) {
        rc = 0;
        goto out;
    }
    pg = objpool_alloc(&page_pool);
    if (!pg) {
        gprintk(d, "tmem: put: no memory for the record");
        rc = -ENOMEM;
        goto out;
    }
    f = frame_find(data, h, p->scope);
    if (f) {
        f->refs++;
        tm.dedup_puts++;
    } else if (!room_for_frame() || !(f = frame_new(data, h, p->scope))) {
        objpool_free(&page_pool, pg);
        rc = 0;
        goto out;
    }
    pg->frame = f;
    pg->oid = *oid;
    pg->index = index;
    page_insert(p, pg);
 out:
    unmap_domain_page(data);
    put_page(mfn_to_page(mfn));
    if (rc == 0) {
        d->tmem.puts_refused++;
        tm.puts_refused++;
    }
    tm.changes++;
    return rc;
}

static long get(struct domain *d, struct tmem_pool *p, const struct tmem_op *op)
{
    struct tmem_page *pg;
    uint32_t mfn;
    int rc;

    if (p2m_lookup(d, op->u.gen.pfn) == INVALID_MFN) {
        gprintk(d, "tmem: get: pfn %#x is not populated", op->u.gen.pfn);
        return -EINVAL;
    }
    tm.gets++;
    d->tmem.gets++;
    pg = page_find(p, &op->u.gen.oid, op->u.gen.index);
    if (!pg) {
        tm.misses++;
        return 0;
    }
    rc = guest_pfn_get_writable(d, op->u.gen.pfn, &mfn);
    if (rc) {
        gprintk(d, "tmem: get: pfn %#x cannot be written (%d)", op->u.gen.pfn,
                rc);
        return rc;
    }
    if (pg->frame->zp) {
        void *dst = map_domain_page(mfn);

        frame_read(pg->frame, dst);
        unmap_domain_page(dst);
        tm.decompressions++;
    } else {
        copy_domain_page(mfn, pg->frame->mfn);
    }
    put_page_and_type(mfn_to_page(mfn));
    tm.hits++;
    d->tmem.hits++;
    if (!persistent(p) && !shared(p))
        page_drop(pg); /* a private ephemeral get is exclusive */
    else
        lru_touch(pg);
    tm.changes++;
    return 1;
}

long do_tmem_op(uint32_t arg)
{
    struct domain *d = current->domain;
    struct tmem_client *c = &d->tmem;
    struct tmem_page *pg;
    struct tmem_pool *p;
    struct tmem_op op;
    long rc;

    c->used = true;
    if (copy_from_guest(&op, arg, sizeof(op))) {
        gprintk(d, "tmem: the tmem_op structure at %#x cannot be read", arg);
        c->errors++;
        tm.errors++;
        return -EFAULT;
    }
    if (op.cmd == TMEM_NEW_POOL) {
        rc = new_pool(d, &op);
        goto out;
    }
    if (op.cmd != TMEM_DESTROY_POOL && op.cmd != TMEM_PUT_PAGE &&
        op.cmd != TMEM_GET_PAGE && op.cmd != TMEM_FLUSH_PAGE &&
        op.cmd != TMEM_FLUSH_OBJECT && op.cmd != TMEM_FLUSH_POOL) {
        gprintk(d, "tmem: unknown command %u", op.cmd);
        rc = -ENOSYS;
        goto out;
    }
    p = pool_of(d, op.pool_id);
    if (!p) {
        rc = -EINVAL;
        goto out;
    }
    switch (op.cmd) {
    case TMEM_DESTROY_POOL:
        pool_leave(d, op.pool_id);
        rc = 0;
        break;
    case TMEM_PUT_PAGE:
        c->puts++;
        tm.puts++;
        rc = put(d, p, &op);
        break;
    case TMEM_GET_PAGE:
        rc = get(d, p, &op);
        break;
    case TMEM_FLUSH_PAGE:
        pg = page_find(p, &op.u.gen.oid, op.u.gen.index);
        rc = pg != NULL;
        if (pg)
            page_drop(pg);
        break;
    case TMEM_FLUSH_OBJECT:
        rc = pool_flush(p, &op.u.gen.oid);
        break;
    default: /* TMEM_FLUSH_POOL */
        rc = pool_flush(p, NULL);
        break;
    }
    if (op.cmd >= TMEM_FLUSH_PAGE) {
        c->flushes++;
        tm.flushes++;
        tm.flushed_pages += (uint64_t)rc;
    }
 out:
    c->errors += rc < 0;
    tm.errors += rc < 0;
    return rc;
}

void tmem_domain_destroy(struct domain *d)
{
    int id;

    for (id = 0; id < TMEM_MAX_POOLS; id++)
        if (d->tmem.pools[id])
            pool_leave(d, id);
    BUG_ON(d->tmem.lru.pages || d->tmem.pers_pages || d->tmem.lru.head);
    if (!tm.pools) { /* every record is free: the pages go back */
        objpool_release(&page_pool, share_pool_put);
        objpool_release(&frame_pool, share_pool_put);
        objpool_release(&pool_pool, share_pool_put);
        objpool_release(&zpage_pool, share_pool_put);
    }
}

/* --- The TMEM lines ------------------------------------------------------ */

/*
 * TMEM, key=value (Xen's tmem-list counts, by their meaning):
 *   pools        pools that exist (a shared pool once)
 *   eph_pages pers_pages   pages stored in ephemeral / persistent pools
 *   frames       frames of dom_tmem holding them (whole pages and zpages)
 *   dedup_saved  pages - the contents they hold (each contents is kept
 *                once per scope)
 *   puts puts_refused dedup_puts   put calls; of them refused (no room or
 *                quota); put pages that found their contents stored
 *   gets hits misses   get calls (with a valid pfn); found; not found
 *   flushes flushed_pages   flush calls; the pages they dropped
 *   evictions    ephemeral pages dropped to free a frame
 *   compressed zbytes zframes   pages kept LZ4-compressed (idle work
 *                compresses whole ephemeral frames, oldest first); their
 *                bytes; the frames (zpages) holding them
 *   incompressible   pages tried that stayed whole (above tmem_compress=)
 *   compressions decompressions   pages compressed, ever; gets answered
 *                by decompressing, ever
 *   errors       calls answered with an error
 *   metadata_bytes   the records' memory (pools, pages, frames)
 *   at           tick | exit-dN | shutdown | key
 * TMEM-DOMAIN, one per domain that made a tmem call:
 *   dN name pools   its pool ids in use
 *   eph_pages pers_pages   pages in its private ephemeral / persistent
 *                pools (a shared pool's pages are the group's, in TMEM)
 *   puts refused gets hits flushes evicted errors   its own counts
 *                (evicted: pages of its private pools)
 */
void tmem_print(const char *why)
{
    struct domain *d;
    uint32_t pages = tm.eph_pages + tm.pers_pages;

    printk("TMEM pools=%u eph_pages=%u pers_pages=%u frames=%u dedup_saved=%u "
           "puts=%llu puts_refused=%llu dedup_puts=%llu gets=%llu hits=%llu "
           "misses=%llu flushes=%llu flushed_pages=%llu evictions=%llu "
           "compressed=%u zbytes=%u zframes=%u incompressible=%llu "
           "compressions=%llu decompressions=%llu "
           "errors=%llu metadata_bytes=%u at=%s",
           tm.pools, tm.eph_pages, tm.pers_pages, tm.frames,
           pages - tm.contents, (unsigned long long)tm.puts,
           (unsigned long long)tm.puts_refused,
           (unsigned long long)tm.dedup_puts, (unsigned long long)tm.gets,
           (unsigned long long)tm.hits, (unsigned long long)tm.misses,
           (unsigned long long)tm.flushes,
           (unsigned long long)tm.flushed_pages,
           (unsigned long long)tm.evictions, tm.compressed, tm.zbytes,
           tm.zframes, (unsigned long long)tm.incompressible,
           (unsigned long long)tm.compressions,
           (unsigned long long)tm.decompressions,
           (unsigned long long)tm.errors,
           objpool_bytes(&page_pool) + objpool_bytes(&frame_pool) +
               objpool_bytes(&pool_pool) + objpool_bytes(&zpage_pool) +
               tm.pools * PAGE_SIZE,
           why);
    for_each_domain (d) {
        const struct tmem_client *c = &d->tmem;
        unsigned int id, pools = 0;

        if (!c->used)
            continue;
        for (id = 0; id < TMEM_MAX_POOLS; id++)
            pools += c->pools[id] != NULL;
        printk("TMEM-DOMAIN d%u name=%s pools=%u eph_pages=%u pers_pages=%u "
               "puts=%llu refused=%llu gets=%llu hits=%llu flushes=%llu "
               "evicted=%llu errors=%llu at=%s",
               d->domain_id, d->name, pools, c->lru.pages, c->pers_pages,
               (unsigned long long)c->puts,
               (unsigned long long)c->puts_refused,
               (unsigned long long)c->gets, (unsigned long long)c->hits,
               (unsigned long long)c->flushes, (unsigned long long)c->evicted,
               (unsigned long long)c->errors, why);
    }
    tm.changes_printed = tm.changes;
}

void tmem_tick(void)
{
    s_time_t now = NOW();

    if (tm.changes != tm.changes_printed &&
        now - tm.last_print >= MILLISECS(opt_tmem_print_ms)) {
        tm.last_print = now;
        tmem_print("tick");
    }
}

void tmem_finish(void)
{
    struct domain *d;

    for_each_domain (d)
        if (d->tmem.used) {
            tmem_print("shutdown");
            return;
        }
}

static void tmem_key(unsigned char key)
{
    (void)key;
    tmem_print("key");
}

void tmem_init(void)
{
    objpool_init(&page_pool, "tmem_page", sizeof(struct tmem_page),
                 share_pool_get, 0);
    objpool_init(&frame_pool, "tmem_frame", sizeof(struct tmem_frame),
                 share_pool_get, 0);
    objpool_init(&pool_pool, "tmem_pool", sizeof(struct tmem_pool),
                 share_pool_get, 0);
    objpool_init(&zpage_pool, "tmem_zpage", sizeof(struct tmem_zpage),
                 share_pool_get, 0);
    register_idle_work(tmem_compress_work);
    register_keyhandler('t', tmem_key, "print the TMEM lines");
}
