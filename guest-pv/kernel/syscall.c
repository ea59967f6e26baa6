/*
 * syscall.c - the system calls of pvk/syscall.h: argument checking and
 * copying, then the subsystem that does the work. A call that does not
 * exist kills the process (SIGSYS) with a message; the kernel goes on.
 *
 * Every user pointer is copied through copy_from_user/copy_to_user and
 * every descriptor, length and flag is checked here.
 */
#include "kernel.h"
#include <public/debug.h>
#include <public/sharing.h>

#define MAX_ARGS 64

typedef long (*syscall_fn)(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);

static long get_path(char *buf, uint32_t upath)
{
    int n = strncpy_from_user(buf, upath, PVK_PATH_MAX);

    if (n < 0)
        return n;
    return n ? 0 : -ENOENT;
}

static long sys_exit(uint32_t status, uint32_t b, uint32_t c, uint32_t d)
{
    proc_exit((int)((status & 0xff) << 8));
}

static long sys_fork(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return proc_fork();
}

static long sys_read(uint32_t fd, uint32_t buf, uint32_t n, uint32_t d)
{
    struct file *f = fd_to_file((int)fd);

    return f ? file_read(f, (void *)buf, n) : -EBADF;
}

static long sys_write(uint32_t fd, uint32_t buf, uint32_t n, uint32_t d)
{
    struct file *f = fd_to_file((int)fd);

    return f ? file_write(f, (const void *)buf, n) : -EBADF;
}

static long sys_open(uint32_t upath, uint32_t flags, uint32_t mode, uint32_t d)
{
    char path[PVK_PATH_MAX];
    struct file *f;
    long rc = get_path(path, upath);
    int fd;

    if (rc)
        return rc;
    rc = vfs_open(path, flags, &f);
    if (rc)
        return rc;
    fd = fd_alloc(f);
    if (fd < 0)
        file_close(f);
    return fd;
}

static long sys_close(uint32_t fd, uint32_t b, uint32_t c, uint32_t d)
{
    struct file *f = fd_to_file((int)fd);

    if (!f)
        return -EBADF;
    current->ofile[fd] = NULL;
    file_close(f);
    return 0;
}

static long sys_waitpid(uint32_t pid, uint32_t ustatus, uint32_t options,
                        uint32_t d)
{
    if (options)
        return -EINVAL;
    return proc_wait((int)pid, ustatus);
}

static long sys_unlink(uint32_t upath, uint32_t b, uint32_t c, uint32_t d)
{
    char path[PVK_PATH_MAX], name[PVK_NAME_MAX + 1];
    struct inode *dir;
    long rc = get_path(path, upath);

    if (rc || (rc = nameiparent(path, &dir, name)))
        return rc;
    rc = dir->ops->unlink ? dir->ops->unlink(dir, name) : -EROFS;
    iput(dir);
    return rc;
}

/* Copy a NULL-terminated user array of strings into buf; the kernel array
 * of pointers into buf goes in out. */
static long copy_strings(uint32_t uarr, char **out, unsigned int max,
                         char *buf, uint32_t *used, uint32_t size)
{
    unsigned int i;

    for (i = 0; uarr; i++) {
        uint32_t up;
        int n;

        if (i == max)
            return -E2BIG;
        if (copy_from_user(&up, uarr + i * 4, 4))
            return -EFAULT;
        if (!up)
            break;
        n = strncpy_from_user(buf + *used, up, size - *used);
        if (n < 0)
            return n == -ENAMETOOLONG ? -E2BIG : n;
        out[i] = buf + *used;
        *used += (uint32_t)n + 1;
    }
    out[i] = NULL;
    return 0;
}

static long sys_execve(uint32_t upath, uint32_t uargv, uint32_t uenvp,
                       uint32_t d)
{
    char path[PVK_PATH_MAX];
    struct page *buf;
    char **argv, **envp, *strings;
    uint32_t used = 0;
    long rc = get_path(path, upath);

    if (rc)
        return rc;
    buf = page_alloc(PG_KERNEL, false);
    if (!buf)
        return -ENOMEM;
    /* One page: the pointer arrays first, the strings after them. */
    argv = page_va(buf);
    envp = argv + MAX_ARGS + 1;
    strings = (char *)(envp + MAX_ARGS + 1);
    rc = copy_strings(uargv, argv, MAX_ARGS, strings, &used,
                      PAGE_SIZE - 2 * (MAX_ARGS + 1) * 4);
    if (!rc)
        rc = copy_strings(uenvp, envp, MAX_ARGS, strings, &used,
                          PAGE_SIZE - 2 * (MAX_ARGS + 1) * 4);
    if (!rc)
        rc = exec(current, path, argv, envp);
    page_put(buf);
    return rc;
}

static long sys_chdir(uint32_t upath, uint32_t b, uint32_t c, uint32_t d)
{
    char path[PVK_PATH_MAX], joined[PVK_PATH_MAX];
    struct inode *ip;
    long rc = get_path(path, upath);

    if (rc || (rc = namei(path, &ip)))
        return rc;
    if (!is_dir(ip)) {
        iput(ip);
        return -ENOTDIR;
    }
    iput(current->cwd);
    current->cwd = ip;
    /* Remember the path for getcwd, made absolute (no .. handling). */
    if (path[0] == '/')
        strlcpy(current->cwd_path, path, sizeof(current->cwd_path));
    else {
        snprintf(joined, sizeof(joined), "%s%s%s", current->cwd_path,
                 strcmp(current->cwd_path, "/") ? "/" : "", path);
        strlcpy(current->cwd_path, joined, sizeof(current->cwd_path));
    }
    return 0;
}

static long sys_lseek(uint32_t fd, uint32_t off, uint32_t whence, uint32_t d)
{
    struct file *f = fd_to_file((int)fd);
    int32_t base;

    if (!f)
        return -EBADF;
    if (f->console)
        return -ESPIPE;
    switch (whence) {
    case PVK_SEEK_SET: base = 0; break;
    case PVK_SEEK_CUR: base = (int32_t)f->offset; break;
    case PVK_SEEK_END: base = (int32_t)f->inode->size; break;
    default: return -EINVAL;
    }
    if (base + (int32_t)off < 0)
        return -EINVAL;
    f->offset = (uint32_t)(base + (int32_t)off);
    return f->offset;
}

static long sys_getpid(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return current->pid;
}

static long sys_kill(uint32_t pid, uint32_t sig, uint32_t c, uint32_t d)
{
    return proc_kill((int)pid, (int)sig);
}

static long sys_mkdir(uint32_t upath, uint32_t mode, uint32_t c, uint32_t d)
{
    char path[PVK_PATH_MAX], name[PVK_NAME_MAX + 1];
    struct inode *dir, *ip;
    long rc = get_path(path, upath);

    if (rc || (rc = nameiparent(path, &dir, name)))
        return rc;
    rc = dir->ops->create ? dir->ops->create(dir, name, PVK_S_IFDIR | 0755, &ip)
                          : -EROFS;
    if (!rc)
        iput(ip);
    iput(dir);
    return rc;
}

static uint32_t now_ms(void)
{
    return (uint32_t)(monotonic_ns() / 1000000);
}

static long sys_times(uint32_t utms, uint32_t b, uint32_t c, uint32_t d)
{
    struct pvk_tms t = { .tms_utime = now_ms() };

    if (utms && copy_to_user(utms, &t, sizeof(t)))
        return -EFAULT;
    return now_ms();
}

static long sys_brk(uint32_t addr, uint32_t b, uint32_t c, uint32_t d)
{
    return vm_brk(current->mm, addr);
}

static long sys_gettimeofday(uint32_t utv, uint32_t tz, uint32_t c, uint32_t d)
{
    uint64_t ns = monotonic_ns();
    struct pvk_timeval tv = { (uint32_t)(ns / 1000000000ULL),
                              (uint32_t)(ns % 1000000000ULL / 1000) };

    return utv && copy_to_user(utv, &tv, sizeof(tv)) ? -EFAULT : 0;
}

static long sys_mmap(uint32_t uargs, uint32_t b, uint32_t c, uint32_t d)
{
    struct pvk_mmap_args a;

    if (copy_from_user(&a, uargs, sizeof(a)))
        return -EFAULT;
    return vm_mmap(current->mm, &a);
}

static long sys_munmap(uint32_t addr, uint32_t len, uint32_t c, uint32_t d)
{
    if ((addr & ~PAGE_MASK) || !len || addr + len < addr || addr + len > USER_TOP)
        return -EINVAL;
    return vm_unmap(current->mm, addr, addr + len);
}

static long sys_stat(uint32_t upath, uint32_t ust, uint32_t c, uint32_t d)
{
    char path[PVK_PATH_MAX];
    struct inode *ip;
    struct pvk_stat st;
    long rc = get_path(path, upath);

    if (rc || (rc = namei(path, &ip)))
        return rc;
    stat_inode(ip, &st);
    iput(ip);
    return copy_to_user(ust, &st, sizeof(st));
}

static long sys_fstat(uint32_t fd, uint32_t ust, uint32_t c, uint32_t d)
{
    struct file *f = fd_to_file((int)fd);
    struct pvk_stat st;

    if (!f)
        return -EBADF;
    memset(&st, 0, sizeof(st));
    if (f->console)
        st.st_mode = 0020666; /* a character device */
    else
        stat_inode(f->inode, &st);
    return copy_to_user(ust, &st, sizeof(st));
}

static long sys_getdents(uint32_t fd, uint32_t ubuf, uint32_t bytes, uint32_t d)
{
    struct file *f = fd_to_file((int)fd);
    struct pvk_dirent de;
    uint32_t done = 0;

    if (!f)
        return -EBADF;
    if (f->console || !is_dir(f->inode))
        return -ENOTDIR;
    while (done + sizeof(de) <= bytes &&
           f->inode->ops->readdir(f->inode, f->offset, &de) > 0) {
        if (copy_to_user(ubuf + done, &de, sizeof(de)))
            return done ? (long)done : -EFAULT;
        done += sizeof(de);
        f->offset++;
    }
    return done;
}

static long sys_sched_yield(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    sched_yield();
    return 0;
}

static long sys_getcwd(uint32_t ubuf, uint32_t size, uint32_t c, uint32_t d)
{
    uint32_t len = strlen(current->cwd_path) + 1;

    if (len > size)
        return -ERANGE;
    return copy_to_user(ubuf, current->cwd_path, len) ? -EFAULT : (long)len;
}

/* Shadow mode: only the hypervisor knows (its debug window, for tests). */
static bool hv_says_shared(uint32_t pfn)
{
    struct debug_frame_info fi;

    return xen_translated() &&
           HYPERVISOR_debug_op(DEBUGOP_frame_info, pfn, (uint32_t)&fi) == 0 &&
           fi.shared;
}

static long sys_pageinfo(uint32_t va, uint32_t uout, uint32_t c, uint32_t d)
{
    struct pvk_pageinfo pi;
    uint32_t pfn, flags;
    struct page *p;

    if (!pt_lookup(&current->mm->pt, va & PAGE_MASK, &pfn, &flags))
        return -EFAULT;
    p = pfn_to_page(pfn);
    pi.pfn = pfn;
    pi.mfn = pfn_to_mfn(pfn);
    pi.category = page_category(p);
    pi.mapcount = p->mapcount;
    pi.writable = (flags & PTE_W) != 0;
    pi.shared = (p->flags & PGF_SHARED) != 0 || hv_says_shared(pfn);
    return copy_to_user(uout, &pi, sizeof(pi));
}

static long sys_msleep(uint32_t ms, uint32_t b, uint32_t c, uint32_t d)
{
    proc_sleep_ms(ms);
    return 0;
}

static long sys_shareinfo(uint32_t uout, uint32_t b, uint32_t c, uint32_t d)
{
    struct pvk_shareinfo si;
    uint32_t pfn;

    memset(&si, 0, sizeof(si));
    si.active = share_active;
    si.offered = share_counts.offered;
    si.declined = share_counts.declined;
    si.refused = share_counts.refused;
    si.shared_anon = share_counts.shared[SHARE_CAT_ANON];
    si.shared_mapped = share_counts.shared[SHARE_CAT_MAPPED];
    si.shared_cache = share_counts.shared[SHARE_CAT_CACHE];
    si.breaks = share_counts.breaks;
    si.discards = share_counts.discards;
    si.internal_cow = share_counts.internal_cow;
    si.transparent = xen_translated();
    for (pfn = 0; pfn < nr_pages; pfn++)
        si.shared_now += (pfn_to_page(pfn)->flags & PGF_SHARED) != 0 ||
                         hv_says_shared(pfn);
    pt_commit();
    si.audit = (int32_t)HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0);
    return copy_to_user(uout, &si, sizeof(si));
}

static long sys_scaninfo(uint32_t uout, uint32_t b, uint32_t c, uint32_t d)
{
    struct share_scan_info hsi;
    struct pvk_scaninfo si;
    long rc = HYPERVISOR_sharing_op(SHAREOP_scan_info, (uint32_t)&hsi, 0);

    if (rc)
        return rc == -XEN_EPERM ? -EPERM : -EIO;
    si.passes = hsi.passes;
    si.shared_pfns = hsi.shared_pfns;
    return copy_to_user(uout, &si, sizeof(si));
}

static long sys_rmap_check(uint32_t va, uint32_t b, uint32_t c, uint32_t d)
{
    uint32_t pfn, flags;

    if (!pt_lookup(&current->mm->pt, va & PAGE_MASK, &pfn, &flags))
        return -EFAULT;
    return rmap_check(pfn_to_page(pfn));
}

static long sys_meminfo(uint32_t uout, uint32_t b, uint32_t c, uint32_t d)
{
    struct pvk_meminfo mi;
    uint32_t pfn;

    memset(&mi, 0, sizeof(mi));
    mi.total_pages = nr_pages;
    mi.machine_pages =
        (uint32_t)HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    for (pfn = 0; pfn < nr_pages; pfn++)
        switch (page_category(pfn_to_page(pfn))) {
        case PVK_PAGE_FREE: mi.free_pages++; break;
        case PVK_PAGE_KERNEL: mi.kernel_pages++; break;
        case PVK_PAGE_ANON: mi.anon_pages++; break;
        case PVK_PAGE_MAPPED: mi.mapped_pages++; break;
        case PVK_PAGE_CACHE: mi.cache_pages++; break;
        case PVK_PAGE_BALLOONED: mi.ballooned_pages++; break;
        }
    balloon_counts(&mi.balloon_grown, &mi.balloon_shrunk, &mi.balloon_target);
    mi.volatile_pages = nr_volatile;
    mi.repay_taken = nr_repaid_seen;
    mi.rereads = nr_rereads;
    mi.evictions = nr_evictions;
    mi.block_reads = nr_block_reads;
    mi.block_requests = nr_block_requests;
    mi.read_shared = nr_read_shared;
    mi.cc_puts = nr_cc_puts;
    mi.cc_put_refused = nr_cc_put_refused;
    mi.cc_gets = nr_cc_gets;
    mi.cc_hits = nr_cc_hits;
    mi.swap_outs = swap_counts.outs;
    mi.swap_ins = swap_counts.ins;
    mi.fs_puts = swap_counts.fs_puts;
    mi.fs_refused = swap_counts.fs_refused;
    mi.swap_writes = swap_counts.disk_writes;
    mi.swap_reads = swap_counts.disk_reads;
    mi.idle_cycles = idle_cycles;
    mi.cow_faults = nr_cow_faults;
    mi.page_faults = nr_page_faults;
    return copy_to_user(uout, &mi, sizeof(mi));
}

static long sys_drop_caches(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return pagecache_shrink(nr_pages);
}

static const syscall_fn syscalls[NR_SYSCALLS] = {
    [SYS_exit] = sys_exit,           [SYS_fork] = sys_fork,
    [SYS_read] = sys_read,           [SYS_write] = sys_write,
    [SYS_open] = sys_open,           [SYS_close] = sys_close,
    [SYS_waitpid] = sys_waitpid,     [SYS_unlink] = sys_unlink,
    [SYS_execve] = sys_execve,       [SYS_chdir] = sys_chdir,
    [SYS_lseek] = sys_lseek,         [SYS_getpid] = sys_getpid,
    [SYS_kill] = sys_kill,           [SYS_mkdir] = sys_mkdir,
    [SYS_times] = sys_times,         [SYS_brk] = sys_brk,
    [SYS_gettimeofday] = sys_gettimeofday,
    [SYS_mmap] = sys_mmap,           [SYS_munmap] = sys_munmap,
    [SYS_stat] = sys_stat,           [SYS_fstat] = sys_fstat,
    [SYS_getdents] = sys_getdents,   [SYS_sched_yield] = sys_sched_yield,
    [SYS_getcwd] = sys_getcwd,       [SYS_pageinfo] = sys_pageinfo,
    [SYS_rmap_check] = sys_rmap_check, [SYS_meminfo] = sys_meminfo,
    [SYS_drop_caches] = sys_drop_caches, [SYS_msleep] = sys_msleep,
    [SYS_shareinfo] = sys_shareinfo, [SYS_scaninfo] = sys_scaninfo,
};

void syscall(struct guest_regs *regs)
{
    uint32_t nr = regs->eax;

    if (nr >= NR_SYSCALLS || !syscalls[nr]) {
        kprintf("pid %d (%s) killed: bad system call %u at eip %#x\n",
                current->pid, current->name, nr, regs->eip);
        proc_exit(PVK_SIGSYS);
    }
    regs->eax = (uint32_t)syscalls[nr](regs->ebx, regs->ecx, regs->edx,
                                       regs->esi);
}
