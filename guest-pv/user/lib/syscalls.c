/*
 * syscalls.c - what newlib needs from the OS, on the pvk system calls.
 *
 * newlib (built with --disable-newlib-supplied-syscalls, no sys/ directory
 * for i686-elf) calls the underscore names through its reentrant wrappers
 * (_read_r -> _read, ...) and has no plain POSIX names (read, write, ...) of
 * its own, so each is defined here under both names. errno values and
 * open() flags are newlib's in the pvk ABI: they pass through unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys.h"

/* The underscore names; newlib declares them only for its own build. */
void _exit(int status) __attribute__((noreturn));
int _close(int fd);
int _execve(const char *path, char *const argv[], char *const envp[]);
pid_t _fork(void);
int _fstat(int fd, struct stat *st);
pid_t _getpid(void);
int _gettimeofday(struct timeval *tv, void *tz);
int _isatty(int fd);
int _kill(pid_t pid, int sig);
int _link(const char *old, const char *new);
off_t _lseek(int fd, off_t off, int whence);
int _open(const char *path, int flags, ...);
ssize_t _read(int fd, void *buf, size_t n);
void *_sbrk(ptrdiff_t incr);
int _stat(const char *path, struct stat *st);
clock_t _times(struct tms *t);
int _unlink(const char *path);
pid_t _wait(int *status);
ssize_t _write(int fd, const void *buf, size_t n);

/* Set by crt0 to the envp the kernel passed; an empty list until then. */
static char *empty_env[1];
char **environ = empty_env;

#define ALIAS(name) __attribute__((alias(#name)))

void _exit(int status)
{
    for (;;)
        pvk_sys1(SYS_exit, status);
}

int _close(int fd)
{
    return (int)pvk_ret(pvk_sys1(SYS_close, fd));
}
int close(int fd) ALIAS(_close);

int _execve(const char *path, char *const argv[], char *const envp[])
{
    return (int)pvk_ret(
        pvk_sys3(SYS_execve, PVK_PTR(path), PVK_PTR(argv), PVK_PTR(envp)));
}
int execve(const char *path, char *const argv[], char *const envp[])
    ALIAS(_execve);

pid_t _fork(void)
{
    return (pid_t)pvk_ret(pvk_sys0(SYS_fork));
}
pid_t fork(void) ALIAS(_fork);

pid_t _getpid(void)
{
    return (pid_t)pvk_ret(pvk_sys0(SYS_getpid));
}
pid_t getpid(void) ALIAS(_getpid);

static void stat_from_pvk(struct stat *st, const struct pvk_stat *ps)
{
    memset(st, 0, sizeof(*st));
    st->st_ino = (ino_t)ps->st_ino;
    st->st_mode = (mode_t)ps->st_mode;
    st->st_nlink = (nlink_t)ps->st_nlink;
    st->st_size = (off_t)ps->st_size;
    st->st_blocks = (blkcnt_t)ps->st_blocks;
    st->st_blksize = 4096; /* one page: stdio's buffer size for the file */
    st->st_mtim.tv_sec = (time_t)ps->st_mtime_sec;
    st->st_atim = st->st_mtim;
    st->st_ctim = st->st_mtim;
}

/*
 * fds 0, 1 and 2 are the console unless the kernel says they are a file or
 * a directory (a program that closed one and opened a file in its place).
 * The ABI has no character-device mode, so the console is reported as
 * S_IFCHR here: newlib line-buffers stdout only on a character device that
 * isatty() accepts.
 */
static int console_fd(int fd, const struct pvk_stat *ps, long r)
{
    if (fd < 0 || fd > 2)
        return 0;
    if (r == -PVK_EBADF)
        return 0; /* closed */
    if (r == 0 && ((ps->st_mode & PVK_S_IFMT) == PVK_S_IFREG ||
                   (ps->st_mode & PVK_S_IFMT) == PVK_S_IFDIR))
        return 0;
    return 1;
}

int _fstat(int fd, struct stat *st)
{
    struct pvk_stat ps;
    long r;

    memset(&ps, 0, sizeof(ps));
    r = pvk_sys2(SYS_fstat, fd, PVK_PTR(&ps));
    if (console_fd(fd, &ps, r)) {
        memset(st, 0, sizeof(*st));
        st->st_mode = S_IFCHR | 0620;
        st->st_nlink = 1;
        st->st_blksize = 1024;
        return 0;
    }
    if (pvk_ret(r) < 0)
        return -1;
    stat_from_pvk(st, &ps);
    return 0;
}
int fstat(int fd, struct stat *st) ALIAS(_fstat);

int _stat(const char *path, struct stat *st)
{
    struct pvk_stat ps;

    if (pvk_ret(pvk_sys2(SYS_stat, PVK_PTR(path), PVK_PTR(&ps))) < 0)
        return -1;
    stat_from_pvk(st, &ps);
    return 0;
}
int stat(const char *path, struct stat *st) ALIAS(_stat);

int _isatty(int fd)
{
    struct pvk_stat ps;
    long r;

    memset(&ps, 0, sizeof(ps));
    r = pvk_sys2(SYS_fstat, fd, PVK_PTR(&ps));
    if (console_fd(fd, &ps, r))
        return 1;
    errno = r == -PVK_EBADF ? EBADF : ENOTTY;
    return 0;
}
int isatty(int fd) ALIAS(_isatty);

int _kill(pid_t pid, int sig)
{
    return (int)pvk_ret(pvk_sys2(SYS_kill, pid, sig));
}
int kill(pid_t pid, int sig) ALIAS(_kill);

int _link(const char *old, const char *new)
{
    (void)old;
    (void)new;
    errno = ENOSYS; /* pvk has no hard links */
    return -1;
}
int link(const char *old, const char *new) ALIAS(_link);

off_t _lseek(int fd, off_t off, int whence)
{
    return (off_t)pvk_ret(pvk_sys3(SYS_lseek, fd, (long)off, whence));
}
off_t lseek(int fd, off_t off, int whence) ALIAS(_lseek);

int _open(const char *path, int flags, ...)
{
    va_list ap;
    int mode;

    va_start(ap, flags);
    mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
    va_end(ap);
    return (int)pvk_ret(pvk_sys3(SYS_open, PVK_PTR(path), flags, mode));
}
int open(const char *path, int flags, ...) ALIAS(_open);

ssize_t _read(int fd, void *buf, size_t n)
{
    return (ssize_t)pvk_ret(pvk_sys3(SYS_read, fd, PVK_PTR(buf), (long)n));
}
ssize_t read(int fd, void *buf, size_t n) ALIAS(_read);

ssize_t _write(int fd, const void *buf, size_t n)
{
    return (ssize_t)pvk_ret(pvk_sys3(SYS_write, fd, PVK_PTR(buf), (long)n));
}
ssize_t write(int fd, const void *buf, size_t n) ALIAS(_write);

/*
 * The heap: brk(0) is not a valid break, so the kernel answers with the
 * current one (the end of bss, page-rounded); then each call asks for the
 * new end and checks that it got it.
 */
static unsigned long cur_brk;

void *_sbrk(ptrdiff_t incr)
{
    unsigned long old, want, got;

    if (!cur_brk)
        cur_brk = (unsigned long)pvk_sys1(SYS_brk, 0);
    old = cur_brk;
    if (incr == 0)
        return (void *)old;
    want = old + (unsigned long)incr;
    if ((incr > 0 && want < old) || (incr < 0 && want > old)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    got = (unsigned long)pvk_sys1(SYS_brk, (long)want);
    if (got != want) {
        errno = ENOMEM;
        return (void *)-1;
    }
    cur_brk = want;
    return (void *)old;
}
void *sbrk(ptrdiff_t incr) ALIAS(_sbrk);

clock_t _times(struct tms *t)
{
    struct pvk_tms pt;
    long r = pvk_sys1(SYS_times, PVK_PTR(&pt));

    if (pvk_is_err(r)) {
        errno = (int)-r;
        return (clock_t)-1;
    }
    /* CLOCKS_PER_SEC is 1000 in newlib for i386: the kernel's ms are ticks. */
    if (t) {
        t->tms_utime = pt.tms_utime;
        t->tms_stime = pt.tms_stime;
        t->tms_cutime = pt.tms_cutime;
        t->tms_cstime = pt.tms_cstime;
    }
    return (clock_t)(unsigned long)r;
}
clock_t times(struct tms *t) ALIAS(_times);

int _unlink(const char *path)
{
    return (int)pvk_ret(pvk_sys1(SYS_unlink, PVK_PTR(path)));
}
int unlink(const char *path) ALIAS(_unlink);

pid_t _wait(int *status)
{
    return (pid_t)pvk_ret(pvk_sys3(SYS_waitpid, -1, PVK_PTR(status), 0));
}
pid_t wait(int *status) ALIAS(_wait);

int _gettimeofday(struct timeval *tv, void *tz)
{
    struct pvk_timeval pt;

    if (pvk_ret(pvk_sys2(SYS_gettimeofday, PVK_PTR(&pt), 0)) < 0)
        return -1;
    if (tv) {
        tv->tv_sec = (time_t)pt.tv_sec;
        tv->tv_usec = (suseconds_t)pt.tv_usec;
    }
    if (tz)
        memset(tz, 0, 2 * sizeof(int)); /* struct timezone: UTC, no DST */
    return 0;
}
int gettimeofday(struct timeval *tv, void *tz) ALIAS(_gettimeofday);
