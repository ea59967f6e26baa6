/*
 * vfs.c - files as processes see them: path lookup across mounts, inode
 * references, open files and descriptor tables, and reads and writes
 * through the page cache. The root is the pvfs image on disk 0; a tmpfs
 * is mounted on /tmp, the only place programs can write.
 *
 * Owns the root and the mounts. Knows nothing of blocks: file systems
 * supply pages through their inode_ops.
 */
#include "kernel.h"

static struct inode *root;

void vfs_init(void)
{
    struct inode *tmp, *troot;

    root = pvfs_mount();
    root->parent = root;
    if (root->ops->lookup(root, "tmp", &tmp) || !is_dir(tmp))
        kpanic("the root file system has no /tmp to mount tmpfs on");
    troot = tmpfs_mount();
    troot->parent = root;
    tmp->mounted = troot;
    kprintf("root: pvfs on disk 0, tmpfs on /tmp\n");
}

struct inode *iget(struct inode *ip)
{
    ip->refcount++;
    return ip;
}

void iput(struct inode *ip)
{
    KASSERT(ip->refcount > 0);
    if (--ip->refcount == 0 && ip->ops->release)
        ip->ops->release(ip);
}

struct inode *vfs_root(void)
{
    return root;
}

/* Follow mounts: the root of what is mounted on ip. */
static struct inode *cross_mount(struct inode *ip)
{
    while (ip->mounted) {
        struct inode *m = iget(ip->mounted);

        iput(ip);
        ip = m;
    }
    return ip;
}

/*
 * Walk path; with want_parent, stop before the last component, copy it to
 * last and return its directory. Components longer than PVK_NAME_MAX and
 * paths longer than PVK_PATH_MAX are refused.
 */
static int walk(const char *path, bool want_parent, char *last,
                struct inode **out)
{
    struct inode *ip;
    char name[PVK_NAME_MAX + 1];

    if (!*path)
        return -ENOENT;
    if (strnlen(path, PVK_PATH_MAX) == PVK_PATH_MAX)
        return -ENAMETOOLONG;
    ip = iget(*path == '/' || !current ? root : current->cwd);
    for (;;) {
        const char *end;
        size_t n;
        struct inode *next;
        int rc;

        while (*path == '/')
            path++;
        if (!*path)
            break;
        for (end = path; *end && *end != '/'; end++)
            ;
        n = (size_t)(end - path);
        if (n > PVK_NAME_MAX) {
            iput(ip);
            return -ENAMETOOLONG;
        }
        memcpy(name, path, n);
        name[n] = '\0';
        path = end;
        while (*path == '/')
            path++;
        if (want_parent && !*path) {
            strlcpy(last, name, PVK_NAME_MAX + 1);
            break;
        }
        if (!is_dir(ip)) {
            iput(ip);
            return -ENOTDIR;
        }
        if (!strcmp(name, "."))
            continue;
        if (!strcmp(name, "..")) {
            next = iget(ip->parent ? ip->parent : ip);
        } else {
            rc = ip->ops->lookup(ip, name, &next);
            if (rc) {
                iput(ip);
                return rc;
            }
            if (is_dir(next) && !next->parent)
                next->parent = ip;
            next = cross_mount(next);
        }
        iput(ip);
        ip = next;
    }
    if (want_parent && !is_dir(ip)) {
        iput(ip);
        return -ENOTDIR;
    }
    *out = ip;
    return 0;
}

int namei(const char *path, struct inode **out)
{
    return walk(path, false, NULL, out);
}

int nameiparent(const char *path, struct inode **dir, char *name)
{
    int rc = walk(path, true, name, dir);

    if (!rc && !name[0]) { /* "/" has no parent entry */
        iput(*dir);
        return -EINVAL;
    }
    return rc;
}

/* --- Reading and writing through the page cache ------------------------- */

long inode_read(struct inode *ip, void *dst, uint32_t off, uint32_t n,
                bool to_user)
{
    uint32_t done = 0;

    if (off >= ip->size)
        return 0;
    if (n > ip->size - off)
        n = ip->size - off;
    while (done < n) {
        uint32_t pos = off + done, in = pos & ~PAGE_MASK;
        uint32_t chunk = min(n - done, PAGE_SIZE - in);
        struct page *p = pagecache_get(ip, pos >> PAGE_SHIFT);
        int rc = 0;

        if (!p)
            return done ? (long)done : -EIO;
        if (to_user)
            rc = copy_to_user((uint32_t)dst + done, (char *)page_va(p) + in,
                              chunk);
        else
            memcpy((char *)dst + done, (char *)page_va(p) + in, chunk);
        page_put(p);
        if (rc)
            return done ? (long)done : rc;
        done += chunk;
    }
    return done;
}

static long inode_write(struct inode *ip, uint32_t usrc, uint32_t off,
                        uint32_t n)
{
    uint32_t done = 0;

    if (ip->ops->evictable)
        return -EROFS;
    if (off + n < off)
        return -EINVAL;
    while (done < n) {
        uint32_t pos = off + done, in = pos & ~PAGE_MASK;
        uint32_t chunk = min(n - done, PAGE_SIZE - in);
        struct page *p = pagecache_get_for_write(ip, pos >> PAGE_SHIFT);
        int rc;

        if (!p)
            return done ? (long)done : -ENOSPC;
        rc = copy_from_user((char *)page_va(p) + in, usrc + done, chunk);
        page_put(p);
        if (rc)
            return done ? (long)done : rc;
        done += chunk;
        if (off + done > ip->size)
            ip->size = off + done;
    }
    return done;
}

long file_read(struct file *f, void *ubuf, uint32_t n)
{
    long rc;

    if (f->console)
        return 0; /* no console input: end of file */
    if ((f->flags & PVK_O_ACCMODE) == PVK_O_WRONLY)
        return -EBADF;
    if (is_dir(f->inode))
        return -EISDIR;
    rc = inode_read(f->inode, ubuf, f->offset, n, true);
    if (rc > 0)
        f->offset += (uint32_t)rc;
    return rc;
}

long file_write(struct file *f, const void *ubuf, uint32_t n)
{
    long rc;

    if (f->console) {
        char buf[256];
        uint32_t done = 0;

        while (done < n) {
            uint32_t chunk = min(n - done, (uint32_t)sizeof(buf));

            if (copy_from_user(buf, (uint32_t)ubuf + done, chunk))
                return done ? (long)done : -EFAULT;
            console_write(buf, chunk);
            done += chunk;
        }
        return done;
    }
    if ((f->flags & PVK_O_ACCMODE) == PVK_O_RDONLY)
        return -EBADF;
    if (f->flags & PVK_O_APPEND)
        f->offset = f->inode->size;
    rc = inode_write(f->inode, (uint32_t)ubuf, f->offset, n);
    if (rc > 0)
        f->offset += (uint32_t)rc;
    return rc;
}

/* --- Open files ---------------------------------------------------------- */

struct file *file_alloc(void)
{
    struct file *f = kmalloc(sizeof(*f));

    if (f)
        f->refcount = 1;
    return f;
}

struct file *file_dup(struct file *f)
{
    f->refcount++;
    return f;
}

void file_close(struct file *f)
{
    if (--f->refcount)
        return;
    if (f->inode)
        iput(f->inode);
    kfree(f);
}

struct file *fd_to_file(int fd)
{
    if (fd < 0 || fd >= NOFILE || !current)
        return NULL;
    return current->ofile[fd];
}

int fd_alloc(struct file *f)
{
    int fd;

    for (fd = 0; fd < NOFILE; fd++)
        if (!current->ofile[fd]) {
            current->ofile[fd] = f;
            return fd;
        }
    return -EMFILE;
}

int vfs_open(const char *path, uint32_t flags, struct file **out)
{
    struct inode *ip, *dir;
    char name[PVK_NAME_MAX + 1];
    struct file *f;
    int rc;

    rc = namei(path, &ip);
    if (rc == -ENOENT && (flags & PVK_O_CREAT)) {
        rc = nameiparent(path, &dir, name);
        if (rc)
            return rc;
        rc = dir->ops->create ? dir->ops->create(dir, name, PVK_S_IFREG | 0644, &ip)
                              : -EROFS;
        iput(dir);
    } else if (!rc && (flags & PVK_O_CREAT) && (flags & PVK_O_EXCL)) {
        iput(ip);
        return -EEXIST;
    }
    if (rc)
        return rc;
    if ((flags & PVK_O_ACCMODE) != PVK_O_RDONLY || (flags & PVK_O_TRUNC)) {
        if (is_dir(ip)) {
            iput(ip);
            return -EISDIR;
        }
        if (ip->ops->evictable) {
            iput(ip);
            return -EROFS;
        }
    }
    if ((flags & PVK_O_TRUNC) && ip->size) {
        pagecache_truncate(ip, 0);
        ip->size = 0;
    }
    f = file_alloc();
    if (!f) {
        iput(ip);
        return -ENOMEM;
    }
    f->inode = ip;
    f->flags = flags;
    *out = f;
    return 0;
}

void stat_inode(const struct inode *ip, struct pvk_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_ino = ip->ino;
    st->st_mode = ip->mode;
    st->st_nlink = ip->nlink;
    st->st_size = ip->size;
    st->st_blocks = ROUNDUP(ip->size, 512) / 512;
}
