/*
 * cleancache.c - the page cache's second chance in the hypervisor's
 * ephemeral tmem pool (public/tmem.h), as Linux's cleancache over Xen's
 * tmem: a clean page the cache evicts is put to the pool; a page the cache
 * misses is got from the pool before the disk is asked; a page that
 * changes on disk is flushed. The pool may drop any page at any time, so
 * a get that misses just means the disk.
 *
 * "cleancache=private" on the command line makes a private pool;
 * "cleancache=shared" a pool shared by the share group, named by the file
 * system (as Linux names a shared pool by the file system's uuid: here a
 * hash of pvfs's superblock and inode table), so that every guest of the
 * group reading the same image finds the pages any of them evicted.
 * Without the option (or "off") nothing is put or got.
 *
 * Pages are named (oid = {inode number, file system tag, 0}, index): the
 * tag is the inode_ops' cleancache_tag, 0 for pages that must never go to
 * the pool (tmpfs holds the only copy of its data). Owns the pool id and
 * the counts; never keeps a page of its own.
 */
#include "kernel.h"

static int32_t pool = -1;
uint32_t nr_cc_puts, nr_cc_put_refused, nr_cc_gets, nr_cc_hits;

static void set_name(struct tmem_op *op, const struct inode *ip,
                     uint32_t index, const struct page *p)
{
    op->pool_id = pool;
    op->u.gen.oid.oid[0] = ip->ino;
    op->u.gen.oid.oid[1] = ip->ops->cleancache_tag;
    op->u.gen.oid.oid[2] = 0;
    op->u.gen.index = index;
    op->u.gen.pfn = p ? page_to_pfn(p) : 0;
}

bool cleancache_active(void)
{
    return pool >= 0;
}

static bool wanted(const struct inode *ip)
{
    return pool >= 0 && ip->ops->cleancache_tag;
}

void cleancache_put(const struct page *p)
{
    struct tmem_op op = { .cmd = TMEM_PUT_PAGE };
    long rc;

    if (!wanted(p->inode) || p->dirty)
        return;
    set_name(&op, p->inode, p->index, p);
    rc = HYPERVISOR_tmem_op(&op);
    nr_cc_puts++;
    nr_cc_put_refused += rc != 1;
    if (rc < 0)
        kprintf("cleancache: put of ino %u page %u failed (%ld)\n",
                p->inode->ino, p->index, rc);
}

bool cleancache_get(const struct inode *ip, uint32_t index, struct page *p)
{
    struct tmem_op op = { .cmd = TMEM_GET_PAGE };
    long rc;

    if (!wanted(ip))
        return false;
    set_name(&op, ip, index, p);
    rc = HYPERVISOR_tmem_op(&op);
    nr_cc_gets++;
    if (rc < 0)
        kprintf("cleancache: get of ino %u page %u failed (%ld)\n", ip->ino,
                index, rc);
    nr_cc_hits += rc == 1;
    return rc == 1;
}

void cleancache_flush_inode(const struct inode *ip)
{
    struct tmem_op op = { .cmd = TMEM_FLUSH_OBJECT };

    if (!wanted(ip))
        return;
    set_name(&op, ip, 0, NULL);
    (void)HYPERVISOR_tmem_op(&op);
}

/* FNV-1a (start with h = 0): the file system's id from its layout. */
uint64_t cleancache_hash(uint64_t h, const void *data, size_t n)
{
    const uint8_t *b = data;

    if (!h)
        h = 0xcbf29ce484222325ULL;
    while (n--)
        h = (h ^ *b++) * 0x100000001b3ULL;
    return h;
}

void cleancache_init(uint64_t fs_id)
{
    struct tmem_op op = { .cmd = TMEM_NEW_POOL };
    char mode[16];
    long rc;

    if (!cmdline_get("cleancache", mode, sizeof(mode)) || !strcmp(mode, "off"))
        return;
    if (!strcmp(mode, "shared")) {
        op.u.creat.flags = TMEM_POOL_SHARED;
        op.u.creat.uuid[0] = fs_id;
        op.u.creat.uuid[1] = 0x7076666370766663ULL; /* "pvfcpvfc" */
    } else if (strcmp(mode, "private")) {
        kpanic("cleancache=%s: private, shared or off", mode);
    }
    rc = HYPERVISOR_tmem_op(&op);
    if (rc < 0) {
        kprintf("cleancache: no %s pool (%ld): pages go to the disk only\n",
                mode, rc);
        return;
    }
    pool = (int32_t)rc;
    kprintf("cleancache: %s ephemeral pool %d\n", mode, pool);
}
