/*
 * pvk/syscall.h - the system-call ABI of the PV guest kernel (pvk): what
 * its user programs may ask of it. Shared by the guest kernel and the user
 * C runtime (guest-pv/user/lib), which turns these into the calls newlib
 * expects. ABI only: no kernel internals.
 *
 * Calling convention (as Linux i386): "int $0x80", number in eax,
 * arguments in ebx, ecx, edx, esi, edi; the result comes back in eax,
 * -errno on failure. Every other register is preserved. Errno values and
 * open() flags are newlib's, so the runtime passes them through.
 */
#ifndef __PVK_SYSCALL_H__
#define __PVK_SYSCALL_H__

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

/* Numbers: Linux i386's where the call is Linux's, from 200 our own. */
#define SYS_exit          1  /* (int status): never returns               */
#define SYS_fork          2  /* (): child pid in the parent, 0 in the child */
#define SYS_read          3  /* (int fd, void *buf, size_t n)              */
#define SYS_write         4  /* (int fd, const void *buf, size_t n)        */
#define SYS_open          5  /* (const char *path, int flags, int mode)    */
#define SYS_close         6  /* (int fd)                                   */
#define SYS_waitpid       7  /* (int pid, int *status, int options): pid -1 = any */
#define SYS_unlink        10 /* (const char *path)                         */
#define SYS_execve        11 /* (const char *path, char *const argv[], char *const envp[]) */
#define SYS_chdir         12 /* (const char *path)                         */
#define SYS_lseek         19 /* (int fd, long off, int whence)             */
#define SYS_getpid        20 /* ()                                         */
#define SYS_kill          37 /* (int pid, int sig): sig 9 only             */
#define SYS_mkdir         39 /* (const char *path, int mode)               */
#define SYS_times         43 /* (struct pvk_tms *t): returns ticks (ms)    */
#define SYS_brk           45 /* (void *end): returns the new break (or the old one on failure) */
#define SYS_gettimeofday  78 /* (struct pvk_timeval *tv, void *tz)         */
#define SYS_mmap          90 /* (struct pvk_mmap_args *a): returns address or -errno */
#define SYS_munmap        91 /* (void *addr, size_t len)                   */
#define SYS_stat          106 /* (const char *path, struct pvk_stat *st)   */
#define SYS_fstat         108 /* (int fd, struct pvk_stat *st)             */
#define SYS_getdents      141 /* (int fd, struct pvk_dirent *buf, size_t bytes): bytes filled */
#define SYS_sched_yield   158 /* ()                                        */
#define SYS_getcwd        183 /* (char *buf, size_t size)                  */
/* Ours: windows on the kernel's memory management, for tests and figures. */
#define SYS_pageinfo      200 /* (void *va, struct pvk_pageinfo *out)       */
#define SYS_rmap_check    201 /* (void *va): 0 if the reverse map of the page at va
                                 matches a walk of every page table, else -errno
                                 or the number of disagreements */
#define SYS_meminfo       202 /* (struct pvk_meminfo *out)                   */
#define SYS_drop_caches   203 /* (): evict every clean, unmapped cache page; returns pages freed */
#define SYS_msleep        204 /* (unsigned int ms): sleep at least ms milliseconds */
#define SYS_shareinfo     205 /* (struct pvk_shareinfo *out): the sharing driver's
                                 counts and the hypervisor's audit of this domain */
#define SYS_scaninfo      206 /* (struct pvk_scaninfo *out): the hypervisor scanner's
                                 progress over this domain (SHAREOP_scan_info);
                                 -EPERM if it is in no share group */
#define NR_SYSCALLS       207

/* Errno values (newlib's). */
#define PVK_EPERM        1
#define PVK_ENOENT       2
#define PVK_ESRCH        3
#define PVK_EIO          5
#define PVK_E2BIG        7
#define PVK_ENOEXEC      8
#define PVK_EBADF        9
#define PVK_ECHILD       10
#define PVK_EAGAIN       11
#define PVK_ENOMEM       12
#define PVK_EACCES       13
#define PVK_EFAULT       14
#define PVK_EBUSY        16
#define PVK_EEXIST       17
#define PVK_ENOTDIR      20
#define PVK_EISDIR       21
#define PVK_EINVAL       22
#define PVK_ENFILE       23
#define PVK_EMFILE       24
#define PVK_ENOTTY       25
#define PVK_EFBIG        27
#define PVK_ENOSPC       28
#define PVK_ESPIPE       29
#define PVK_EROFS        30
#define PVK_ERANGE       34
#define PVK_ENOSYS       88
#define PVK_ENOTEMPTY    90
#define PVK_ENAMETOOLONG 91

/* open() flags (newlib's). */
#define PVK_O_RDONLY    0
#define PVK_O_WRONLY    1
#define PVK_O_RDWR      2
#define PVK_O_ACCMODE   3
#define PVK_O_APPEND    0x0008
#define PVK_O_CREAT     0x0200
#define PVK_O_TRUNC     0x0400
#define PVK_O_EXCL      0x0800

#define PVK_SEEK_SET 0
#define PVK_SEEK_CUR 1
#define PVK_SEEK_END 2

/* waitpid status: exit status in bits 8..15, or the killing signal. */
#define PVK_WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define PVK_WIFEXITED(s)   (((s) & 0x7f) == 0)
#define PVK_WTERMSIG(s)    ((s) & 0x7f)
#define PVK_SIGKILL  9   /* killed by kill() */
#define PVK_SIGSEGV  11  /* a fault the kernel could not resolve */
#define PVK_SIGFPE   8   /* divide error */
#define PVK_SIGILL   4   /* invalid opcode */
#define PVK_SIGSYS   31  /* a system call that does not exist */

#define PVK_NAME_MAX 59  /* longest file name */
#define PVK_PATH_MAX 256 /* longest path */

#ifndef __ASSEMBLY__

#define PVK_S_IFMT  0170000
#define PVK_S_IFDIR 0040000
#define PVK_S_IFREG 0100000

struct pvk_stat {
    uint32_t st_ino;
    uint32_t st_mode;   /* PVK_S_IF* | permission bits */
    uint32_t st_nlink;
    uint32_t st_size;
    uint32_t st_blocks; /* 512-byte blocks */
    uint32_t st_mtime_sec; /* seconds since boot */
};

struct pvk_dirent {
    uint32_t d_ino;
    uint16_t d_reclen;  /* sizeof(struct pvk_dirent) */
    uint8_t d_type;     /* PVK_DT_* */
    uint8_t d_pad;
    char d_name[PVK_NAME_MAX + 1];
};
#define PVK_DT_REG 8
#define PVK_DT_DIR 4

struct pvk_timeval {
    uint32_t tv_sec, tv_usec;
};

struct pvk_tms {
    uint32_t tms_utime, tms_stime, tms_cutime, tms_cstime; /* ms */
};

/* mmap: anonymous or file-backed private or shared mappings. */
#define PVK_PROT_READ   1
#define PVK_PROT_WRITE  2
#define PVK_PROT_EXEC   4
#define PVK_MAP_SHARED  0x01
#define PVK_MAP_PRIVATE 0x02
#define PVK_MAP_FIXED   0x10
#define PVK_MAP_ANON    0x20
struct pvk_mmap_args {
    uint32_t addr, len, prot, flags;
    int32_t fd;
    uint32_t offset;
};

/* Page categories, as the page-sharing paper sorts them (section 3.1). */
#define PVK_PAGE_FREE      0 /* on the free list                          */
#define PVK_PAGE_KERNEL    1 /* kernel-only: page tables, slab, stacks     */
#define PVK_PAGE_ANON      2 /* anonymous: heap, stack, CoW copies         */
#define PVK_PAGE_MAPPED    3 /* a page-cache page mapped by a process      */
#define PVK_PAGE_CACHE     4 /* a page-cache page no process maps          */
#define PVK_PAGE_BALLOONED 5 /* no frame: given back to the hypervisor     */

struct pvk_pageinfo {
    uint32_t pfn;
    uint32_t mfn;
    uint32_t category;  /* PVK_PAGE_* */
    uint32_t mapcount;  /* PTEs that map it (the reverse map's length) */
    uint32_t writable;  /* the PTE at va is writable */
    uint32_t shared;    /* backed by a shared (dom_cow) frame of the hypervisor */
};

struct pvk_shareinfo {
    uint32_t active;        /* the domain is in a share group              */
    uint32_t offered;       /* pfns the hypervisor offered                 */
    uint32_t declined;      /* ... the driver did not take (category)      */
    uint32_t refused;       /* ... the hypervisor then refused             */
    uint32_t shared_anon, shared_mapped, shared_cache;
    uint32_t breaks;        /* CoW breaks (copied, or the frame handed back) */
    uint32_t discards;      /* free pages given fresh frames, no copy      */
    uint32_t internal_cow;  /* shared pages copied by the guest's own CoW  */
    uint32_t shared_now;    /* pages backed by a shared frame now          */
    int32_t audit;          /* hypervisor audit of this domain: 0 = good   */
    uint32_t transparent;   /* shadow mode: the hypervisor shares our pages
                               with no driver (the counts above stay 0;
                               shared_now is the hypervisor's word)      */
};

struct pvk_scaninfo {
    uint32_t passes;      /* complete scanner passes over this domain      */
    uint32_t shared_pfns; /* its pfns on shared frames now (hypervisor's)  */
};

struct pvk_meminfo {
    uint32_t total_pages;
    uint32_t free_pages;
    uint32_t kernel_pages;
    uint32_t anon_pages;
    uint32_t mapped_pages;
    uint32_t cache_pages;
    uint32_t evictions;   /* cache pages evicted under pressure so far */
    uint32_t block_reads; /* blocks read from disk */
    uint32_t cow_faults;  /* guest-internal copy-on-write copies */
    uint32_t page_faults;
    uint32_t ballooned_pages; /* pfns with no frame (balloon.c)      */
    uint32_t balloon_target;  /* the hypervisor's target, last report */
    uint32_t balloon_grown;   /* pfns populated since boot            */
    uint32_t balloon_shrunk;  /* pfns given back since boot           */
    uint32_t volatile_pages;  /* on the repayment FIFO now            */
    uint32_t repay_taken;     /* FIFO pages the hypervisor took, seen */
    uint32_t rereads;         /* cache pages read again because of it */
    uint32_t block_requests;  /* read requests to the disk (a request
                                 carries up to 11 blocks)             */
    uint32_t read_shared;     /* blocks that arrived on a shared frame
                                 (read-time sharing)                  */
    uint64_t idle_cycles;     /* TSC cycles the kernel waited with no
                                 process to run (for the disk, a timer) */
    uint32_t cc_puts;         /* cleancache: clean pages put to tmem   */
    uint32_t cc_put_refused;  /* ... of them not stored                */
    uint32_t cc_gets;         /* cache misses tried in tmem first      */
    uint32_t cc_hits;         /* ... of them found there (no disk read) */
    uint32_t swap_outs;       /* anonymous pages swapped out            */
    uint32_t swap_ins;        /* ... and back in                        */
    uint32_t fs_puts;         /* frontswap: pages the hswap pool took   */
    uint32_t fs_refused;      /* ... puts it refused (then the disk)    */
    uint32_t swap_writes;     /* pages written to the swap disk         */
    uint32_t swap_reads;      /* pages read from it                     */
    uint32_t machine_pages;   /* XENMEM_maximum_ram_page: the M2P's size */
};

#endif /* !__ASSEMBLY__ */
#endif /* __PVK_SYSCALL_H__ */
