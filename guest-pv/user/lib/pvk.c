/*
 * pvk.c - the calls of pvk.h: POSIX calls newlib declares but leaves to the
 * OS, mmap/munmap, directories on getdents, and pvk's own system calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <fnv.h>
#include <pvk.h>

#include "sys.h"

int _mkdir(const char *path, mode_t mode);

int _mkdir(const char *path, mode_t mode)
{
    return (int)pvk_ret(pvk_sys2(SYS_mkdir, PVK_PTR(path), (long)mode));
}
int mkdir(const char *path, mode_t mode) __attribute__((alias("_mkdir")));

int chdir(const char *path)
{
    return (int)pvk_ret(pvk_sys1(SYS_chdir, PVK_PTR(path)));
}

char *getcwd(char *buf, size_t size)
{
    char *own = NULL;
    long r;

    if (!buf) {
        if (size == 0)
            size = PVK_PATH_MAX;
        buf = own = malloc(size);
        if (!buf)
            return NULL; /* errno is ENOMEM */
    } else if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    r = pvk_sys2(SYS_getcwd, PVK_PTR(buf), (long)size);
    if (pvk_ret(r) < 0) {
        free(own);
        return NULL;
    }
    return buf;
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    return (pid_t)pvk_ret(pvk_sys3(SYS_waitpid, pid, PVK_PTR(status), options));
}

int sched_yield(void)
{
    return (int)pvk_ret(pvk_sys0(SYS_sched_yield));
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    struct pvk_mmap_args a = {
        .addr = (uint32_t)(unsigned long)addr,
        .len = (uint32_t)len,
        .prot = (uint32_t)prot,
        .flags = (uint32_t)flags,
        .fd = fd,
        .offset = (uint32_t)offset,
    };
    long r = pvk_sys1(SYS_mmap, PVK_PTR(&a));

    if (pvk_is_err(r)) {
        errno = (int)-r;
        return MAP_FAILED;
    }
    return (void *)(unsigned long)r;
}

int munmap(void *addr, size_t len)
{
    return (int)pvk_ret(pvk_sys2(SYS_munmap, PVK_PTR(addr), (long)len));
}

/* --- Directories ---------------------------------------------------------- */
#define DIR_BUF_ENTRIES 8

struct pvk_dir {
    int fd;
    unsigned int pos, len; /* bytes of buf consumed, filled */
    struct dirent ent;     /* what readdir returns */
    struct pvk_dirent buf[DIR_BUF_ENTRIES];
};

DIR *opendir(const char *path)
{
    struct stat st;
    DIR *d;
    int fd;

    fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) {
        close(fd);
        errno = ENOTDIR;
        return NULL;
    }
    d = calloc(1, sizeof(*d));
    if (!d) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    d->fd = fd;
    return d;
}

struct dirent *readdir(DIR *d)
{
    const struct pvk_dirent *e;
    long r;

    if (d->pos + sizeof(*e) > d->len) { /* whole records only */
        r = pvk_sys3(SYS_getdents, d->fd, PVK_PTR(d->buf),
                     (long)sizeof(d->buf));
        if (pvk_ret(r) <= 0)
            return NULL; /* the end (0) or an error (errno set) */
        d->pos = 0;
        d->len = (unsigned int)r;
    }
    e = (const struct pvk_dirent *)((const char *)d->buf + d->pos);
    /* Records are d_reclen bytes apart; never less than one entry. */
    d->pos += e->d_reclen >= sizeof(*e) ? e->d_reclen : sizeof(*e);
    d->ent.d_ino = (ino_t)e->d_ino;
    d->ent.d_type = e->d_type;
    memcpy(d->ent.d_name, e->d_name, sizeof(d->ent.d_name));
    d->ent.d_name[PVK_NAME_MAX] = '\0';
    return &d->ent;
}

int closedir(DIR *d)
{
    int r = close(d->fd);

    free(d);
    return r;
}

/* --- pvk's own ------------------------------------------------------------ */
int pvk_pageinfo(void *va, struct pvk_pageinfo *out)
{
    return (int)pvk_ret(pvk_sys2(SYS_pageinfo, PVK_PTR(va), PVK_PTR(out)));
}

int pvk_rmap_check(void *va)
{
    return (int)pvk_ret(pvk_sys1(SYS_rmap_check, PVK_PTR(va)));
}

int pvk_meminfo(struct pvk_meminfo *out)
{
    return (int)pvk_ret(pvk_sys1(SYS_meminfo, PVK_PTR(out)));
}

int pvk_drop_caches(void)
{
    return (int)pvk_ret(pvk_sys0(SYS_drop_caches));
}

int pvk_shareinfo(struct pvk_shareinfo *out)
{
    return (int)pvk_ret(pvk_sys1(SYS_shareinfo, PVK_PTR(out)));
}

int pvk_scaninfo(struct pvk_scaninfo *out)
{
    return (int)pvk_ret(pvk_sys1(SYS_scaninfo, PVK_PTR(out)));
}

int pvk_wait_scan(unsigned int passes, unsigned int limit_ms)
{
    struct pvk_scaninfo si;
    unsigned int start, waited = 0;

    if (pvk_scaninfo(&si))
        return -1;
    start = si.passes;
    while (si.passes - start < passes && waited < limit_ms) {
        pvk_msleep(50);
        waited += 50;
        if (pvk_scaninfo(&si))
            return -1;
    }
    return (int)(si.passes - start);
}

int pvk_msleep(unsigned int ms)
{
    return (int)pvk_ret(pvk_sys1(SYS_msleep, ms));
}

double pvk_now_s(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

uint32_t pvk_file_sum(const char *path, unsigned long *size)
{
    static char buf[8192];
    int fd = open(path, O_RDONLY);
    uint32_t sum = FNV_INIT;
    ssize_t n;

    *size = 0;
    if (fd < 0)
        return 0;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        sum = fnv1a(sum, buf, (size_t)n);
        *size += (unsigned long)n;
    }
    close(fd);
    return sum;
}
