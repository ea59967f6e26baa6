/*
 * pvfs.c - the read-only file system on disk 0 (format: pvk/pvfs.h).
 * Metadata (superblock, inode table) is read through the page cache of
 * the disk itself, file and directory data through the cache of each
 * inode; everything here is clean and can be evicted and read again.
 *
 * Owns the in-memory inodes of the disk, which live as long as the kernel.
 * Every number read from the disk is checked before it is used.
 */
#include "kernel.h"
#include <pvk/pvfs.h>

#define INODE_HASH 256

struct pvfs_node {
    struct inode inode;
    struct pvfs_node *next;
};

static struct pvfs_super super;
static struct inode bdev; /* the whole disk, for metadata */
static struct pvfs_node *inode_hash[INODE_HASH];
static const struct inode_ops pvfs_ops;

static int bdev_readpages(struct inode *ip, uint32_t index,
                          struct page **pages, unsigned int n)
{
    (void)ip;
    return blk_read_pages(index, pages, n);
}

static const struct inode_ops bdev_ops = {
    .name = "disk",
    .evictable = true,
    .cleancache_tag = 2,
    .readpages = bdev_readpages, /* metadata: no read-ahead */
};

/* Pages of ip from index on that lie within the file (files are
 * contiguous on the disk: one request reads them). */
static uint32_t pvfs_readahead(struct inode *ip, uint32_t index)
{
    uint32_t pages = ROUNDUP(ip->size, PAGE_SIZE) / PAGE_SIZE;

    return index < pages ? pages - index : 1;
}

static int pvfs_readpages(struct inode *ip, uint32_t index,
                          struct page **pages, unsigned int n)
{
    if ((uint64_t)index * PAGE_SIZE >= ip->size) {
        while (n--) /* past the end: zeroes */
            clear_page(page_va(pages[n]));
        return 0;
    }
    return blk_read_pages(ip->start_block + index, pages, n);
}

static int pvfs_iget(uint32_t ino, struct inode **out)
{
    struct pvfs_node *n;
    struct pvfs_inode di;
    struct page *p;
    uint32_t blocks;

    for (n = inode_hash[ino % INODE_HASH]; n; n = n->next)
        if (n->inode.ino == ino) {
            *out = iget(&n->inode);
            return 0;
        }
    if (ino >= super.nr_inodes)
        return -EIO;
    p = pagecache_get(&bdev, super.inode_start + ino / PVFS_INODES_PER_BLOCK);
    if (!p)
        return -EIO;
    di = ((struct pvfs_inode *)page_va(p))[ino % PVFS_INODES_PER_BLOCK];
    page_put(p);
    blocks = ROUNDUP(di.size, PVFS_BLOCK_SIZE) / PVFS_BLOCK_SIZE;
    if ((di.mode & PVK_S_IFMT) != PVK_S_IFDIR &&
        (di.mode & PVK_S_IFMT) != PVK_S_IFREG) {
        kprintf("pvfs: inode %u has a bad mode %#x\n", ino, di.mode);
        return -EIO;
    }
    if (blocks && (di.start >= super.nr_blocks ||
                   super.nr_blocks - di.start < blocks)) {
        kprintf("pvfs: inode %u points past the disk\n", ino);
        return -EIO;
    }
    n = kmalloc(sizeof(*n));
    if (!n)
        return -ENOMEM;
    n->inode.ino = ino;
    n->inode.mode = di.mode;
    n->inode.size = di.size;
    n->inode.nlink = di.nlink;
    n->inode.start_block = di.start;
    n->inode.ops = &pvfs_ops;
    n->inode.refcount = 1; /* the hash's: disk inodes live forever */
    n->next = inode_hash[ino % INODE_HASH];
    inode_hash[ino % INODE_HASH] = n;
    *out = iget(&n->inode);
    return 0;
}

/* Entry i of directory dir, copied to *de; false past the end. */
static bool dir_entry(struct inode *dir, uint32_t i, struct pvfs_dirent *de)
{
    struct page *p;

    if ((uint64_t)(i + 1) * sizeof(*de) > dir->size)
        return false;
    p = pagecache_get(dir, i / PVFS_DIRENTS_PER_BLOCK);
    if (!p)
        return false;
    *de = ((struct pvfs_dirent *)page_va(p))[i % PVFS_DIRENTS_PER_BLOCK];
    page_put(p);
    if (de->name_len > PVFS_NAME_MAX)
        de->name_len = PVFS_NAME_MAX;
    return true;
}

static int pvfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct pvfs_dirent de;
    size_t len = strlen(name);
    uint32_t i;

    for (i = 0; dir_entry(dir, i, &de); i++)
        if (de.name_len == len && !memcmp(de.name, name, len))
            return pvfs_iget(de.ino, out);
    return -ENOENT;
}

static int pvfs_readdir(struct inode *dir, uint32_t pos, struct pvk_dirent *out)
{
    struct pvfs_dirent de;

    if (!dir_entry(dir, pos, &de))
        return 0;
    memset(out, 0, sizeof(*out));
    out->d_ino = de.ino;
    out->d_reclen = sizeof(*out);
    out->d_type = de.type;
    memcpy(out->d_name, de.name, de.name_len);
    return 1;
}

static const struct inode_ops pvfs_ops = {
    .name = "pvfs",
    .evictable = true,
    .cleancache_tag = 1,
    .readpages = pvfs_readpages,
    .readahead = pvfs_readahead,
    .lookup = pvfs_lookup,
    .readdir = pvfs_readdir,
};

/* The superblock and the inode table, hashed: the file system's id for
 * a shared cleancache pool (pvfs has no uuid of its own). */
static uint64_t layout_id(void)
{
    uint64_t h = cleancache_hash(0, &super, sizeof(super));
    uint32_t b;

    for (b = 0; b < super.inode_blocks; b++) {
        struct page *p = pagecache_get(&bdev, super.inode_start + b);

        if (!p)
            kpanic("pvfs: cannot read inode block %u", b);
        h = cleancache_hash(h, page_va(p), PAGE_SIZE);
        page_put(p);
    }
    return h;
}

struct inode *pvfs_mount(void)
{
    struct page *p;
    struct inode *root;

    bdev.ops = &bdev_ops;
    bdev.refcount = 1;
    bdev.size = 0xFFFFFFFFU;
    p = pagecache_get(&bdev, 0);
    if (!p)
        kpanic("pvfs: cannot read the superblock");
    memcpy(&super, page_va(p), sizeof(super));
    page_put(p);
    if (memcmp(super.magic, PVFS_MAGIC, sizeof(PVFS_MAGIC)) ||
        !super.nr_inodes || super.inode_start + super.inode_blocks > super.nr_blocks)
        kpanic("pvfs: disk 0 is not a pvfs image");
    if (pvfs_iget(super.root_ino, &root) || !is_dir(root))
        kpanic("pvfs: no root directory");
    cleancache_init(layout_id());
    kprintf("pvfs: %u inodes, %u blocks\n", super.nr_inodes, super.nr_blocks);
    return root;
}
