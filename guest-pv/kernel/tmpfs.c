/*
 * tmpfs.c - a writable file system in memory, mounted on /tmp. File data
 * lives only in the page cache (pages marked dirty, never evicted);
 * directories are lists of names. An unlinked file goes away with its
 * last reference, and its pages with it.
 *
 * Owns tmpfs inodes and directory entries.
 */
#include "kernel.h"

struct tmpfs_dirent {
    char name[PVK_NAME_MAX + 1];
    struct inode *ip;
    struct tmpfs_dirent *next;
};

static const struct inode_ops tmpfs_ops;
static uint32_t next_ino = 0x100000;

static struct inode *tmpfs_new(uint32_t mode, struct inode *parent)
{
    struct inode *ip = kmalloc(sizeof(*ip));

    if (!ip)
        return NULL;
    ip->ino = next_ino++;
    ip->mode = mode;
    ip->nlink = 1;
    ip->ops = &tmpfs_ops;
    ip->parent = parent;
    ip->refcount = 1; /* the directory entry's */
    return ip;
}

static int tmpfs_readpages(struct inode *ip, uint32_t index,
                           struct page **pages, unsigned int n)
{
    (void)ip;
    (void)index;
    while (n--)
        clear_page(page_va(pages[n])); /* a hole */
    return 0;
}

static int tmpfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct tmpfs_dirent *e;

    for (e = dir->fs_data; e; e = e->next)
        if (!strcmp(e->name, name)) {
            *out = iget(e->ip);
            return 0;
        }
    return -ENOENT;
}

static int tmpfs_readdir(struct inode *dir, uint32_t pos,
                         struct pvk_dirent *out)
{
    struct tmpfs_dirent *e = dir->fs_data;

    while (e && pos--)
        e = e->next;
    if (!e)
        return 0;
    memset(out, 0, sizeof(*out));
    out->d_ino = e->ip->ino;
    out->d_reclen = sizeof(*out);
    out->d_type = is_dir(e->ip) ? PVK_DT_DIR : PVK_DT_REG;
    strlcpy(out->d_name, e->name, sizeof(out->d_name));
    return 1;
}

static int tmpfs_create(struct inode *dir, const char *name, uint32_t mode,
                        struct inode **out)
{
    struct tmpfs_dirent *e, **tail = (struct tmpfs_dirent **)&dir->fs_data;
    struct inode *ip;

    for (e = dir->fs_data; e; e = e->next) {
        if (!strcmp(e->name, name))
            return -EEXIST;
        tail = &e->next;
    }
    e = kmalloc(sizeof(*e));
    ip = tmpfs_new(mode, (mode & PVK_S_IFMT) == PVK_S_IFDIR ? dir : NULL);
    if (!e || !ip) {
        kfree(e);
        kfree(ip);
        return -ENOMEM;
    }
    strlcpy(e->name, name, sizeof(e->name));
    e->ip = ip;
    *tail = e; /* keep creation order: readdir lists it */
    dir->size += sizeof(struct pvk_dirent);
    *out = iget(ip);
    return 0;
}

static int tmpfs_unlink(struct inode *dir, const char *name)
{
    struct tmpfs_dirent **ep, *e;

    for (ep = (struct tmpfs_dirent **)&dir->fs_data; (e = *ep); ep = &e->next)
        if (!strcmp(e->name, name))
            break;
    if (!e)
        return -ENOENT;
    if (is_dir(e->ip) && e->ip->fs_data)
        return -ENOTEMPTY;
    *ep = e->next;
    dir->size -= sizeof(struct pvk_dirent);
    e->ip->nlink = 0;
    iput(e->ip);
    kfree(e);
    return 0;
}

static void tmpfs_release(struct inode *ip)
{
    if (ip->nlink)
        return; /* still in a directory */
    pagecache_truncate(ip, 0);
    kfree(ip);
}

static const struct inode_ops tmpfs_ops = {
    .name = "tmpfs",
    .evictable = false,
    .readpages = tmpfs_readpages,
    .lookup = tmpfs_lookup,
    .readdir = tmpfs_readdir,
    .create = tmpfs_create,
    .unlink = tmpfs_unlink,
    .release = tmpfs_release,
};

struct inode *tmpfs_mount(void)
{
    struct inode *root = tmpfs_new(PVK_S_IFDIR | 0777, NULL);

    if (!root)
        kpanic("tmpfs: out of memory");
    return root;
}
