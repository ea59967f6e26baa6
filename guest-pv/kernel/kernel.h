/*
 * kernel.h - the PV guest kernel (pvk): a small Unix-like kernel that runs
 * as a paravirtual guest of the page-sharing hypervisor and holds memory
 * the way Linux does: processes with copy-on-write fork, demand-paged
 * files through a page cache, anonymous memory, and reverse maps from
 * every page to the page-table entries that map it.
 *
 * Guest virtual layout:
 *   0x08048000 ...            user program text, data, bss, heap (brk)
 *   0x40000000 ...            mmap area
 *   ... 0xBFFF0000            user stack (USER_STACK_SIZE, demand paged)
 *   0xC0000000 (KERNEL_BASE)  every pfn of the domain (the hypervisor's
 *                             initial direct map), then the P2M and
 *                             shared_info; the kernel image is at pfn 0.
 * Each process has a kernel-mode page directory (kernel + user) and a
 * user-mode one (user only, same L1 tables): user code never sees the
 * kernel. All page-table changes go through pt.h.
 *
 * Concurrency: one vcpu. Kernel code runs with events masked; they are
 * enabled only in user mode and while the kernel waits for one.
 */
#ifndef __PVK_KERNEL_H__
#define __PVK_KERNEL_H__

#include <guest/guest.h>
#include <pvk/syscall.h>
#include <public/tmem.h>

#define KERNEL_BASE     0xC0000000U
#define USER_TOP        0xC0000000U /* user addresses are below this     */
#define USER_LOW        0x00400000U /* nothing maps below this           */
#define USER_STACK_TOP  0xBFFF0000U
#define USER_STACK_SIZE (1U << 20)
#define MMAP_BASE       0x40000000U
#define NPROC           64
#define NOFILE          16
#define KSTACK_PAGES    2
#define TICK_MS         10 /* preemption tick */

#define PTE_W 1U /* writable; every user PTE is present and user-accessible */

/* --- Errors: negative PVK_E* values ----------------------------------- */
#define EPERM   PVK_EPERM
#define ENOENT  PVK_ENOENT
#define ESRCH   PVK_ESRCH
#define EIO     PVK_EIO
#define E2BIG   PVK_E2BIG
#define ENOEXEC PVK_ENOEXEC
#define EBADF   PVK_EBADF
#define ECHILD  PVK_ECHILD
#define ENOMEM  PVK_ENOMEM
#define EFAULT  PVK_EFAULT
#define EBUSY   PVK_EBUSY
#define EEXIST  PVK_EEXIST
#define ENOTDIR PVK_ENOTDIR
#define EISDIR  PVK_EISDIR
#define EINVAL  PVK_EINVAL
#define EMFILE  PVK_EMFILE
#define ENFILE  PVK_ENFILE
#define ENOSPC  PVK_ENOSPC
#define ESPIPE  PVK_ESPIPE
#define EROFS   PVK_EROFS
#define ENOSYS  PVK_ENOSYS
#define ENOTEMPTY PVK_ENOTEMPTY
#define ENAMETOOLONG PVK_ENAMETOOLONG
#define EAGAIN  PVK_EAGAIN
#define EINTR   4
#define ERANGE  PVK_ERANGE

/* --- Logging ----------------------------------------------------------- */
/* kprintf: a line prefixed "pvk: " on the domain's console. */
#define kprintf(...) printk("pvk: " __VA_ARGS__)
void kpanic(const char *fmt, ...) __printf(1, 2) __noreturn;
#define KASSERT(c)                                                             \
    do {                                                                       \
        if (!(c))                                                              \
            kpanic("%s:%d: assertion '%s' failed", __FILE__, __LINE__, #c);    \
    } while (0)

/* --- Pages (page.c) ---------------------------------------------------- */
struct inode;
struct mm;

/* What a page is used for; with mapcount this gives its category. */
#define PG_FREE   0 /* on the free list                                */
#define PG_KERNEL 1 /* kernel-only: page tables, slab, stacks, image    */
#define PG_ANON   2 /* anonymous user memory                            */
#define PG_CACHE  3 /* in the page cache (file data)                    */
#define PG_BALLOONED 4 /* no frame: given back to the hypervisor (balloon.c) */

struct rmap {
    struct rmap *next;
    struct mm *mm;
    uint32_t va;
};

struct page {
    uint8_t use;        /* PG_*                                          */
    uint8_t dirty;      /* tmpfs data: never evicted                      */
    uint8_t on_lru;
    uint8_t flags;      /* PGF_*                                          */
    uint32_t count;     /* references: mappings, cache, kernel holds      */
    uint32_t mapcount;  /* user PTEs mapping it (= length of rmap)        */
    struct inode *inode;/* page cache: the file                          */
    uint32_t index;     /* page cache: page number in the file; slab:
                           object size                                  */
    struct rmap *rmap;  /* every (address space, va) that maps it        */
    struct page *next, *prev; /* free list or LRU                        */
    struct page *hnext; /* page-cache hash chain                         */
    uint32_t fifo_slot; /* PGF_VOLATILE: its entry on the repayment FIFO  */
};

#define PGF_SHARED 0x01 /* backed by a shared frame (share.c)            */
#define PGF_ZEROED 0x02 /* free, and known to hold zeroes                  */
#define PGF_VOLATILE 0x04 /* a clean cache page on the repayment FIFO: not
                             mapped, its frame the hypervisor's to take  */
#define PGF_LOCKED 0x08 /* in the page cache, being read in: wait for it */

extern struct page *mem_map;
extern uint32_t nr_pages, nr_free_pages;

static inline uint32_t page_to_pfn(const struct page *p)
{
    return (uint32_t)(p - mem_map);
}
static inline struct page *pfn_to_page(uint32_t pfn) { return &mem_map[pfn]; }
static inline void *page_va(const struct page *p)
{
    return pfn_to_virt(page_to_pfn(p));
}
static inline struct page *virt_to_page(const void *va)
{
    return pfn_to_page(virt_to_pfn(va));
}

/* Below this many free pages, allocation grows the balloon or evicts. */
#define LOW_WATERMARK 48

void page_init(void);
/* Take any page off the free list (the balloon gives it back), NULL if
 * none; and put a page with a fresh zeroed frame on it. */
struct page *page_take_free(void);
void page_free_new(struct page *p);
/* A page for use (PG_KERNEL, PG_ANON or PG_CACHE), count 1, zeroed if
 * zero. May evict cache pages first. NULL if memory is exhausted. */
struct page *page_alloc(uint8_t use, bool zero);
static inline void page_get(struct page *p) { p->count++; }
/* Drop a reference; the page is freed when none is left. */
void page_put(struct page *p);
/* n physically consecutive pages (kernel stacks), PG_KERNEL, not zeroed. */
struct page *page_alloc_contig(unsigned int n);
void page_free_contig(struct page *p, unsigned int n);
/* The page's category for user programs (PVK_PAGE_*). */
uint32_t page_category(const struct page *p);
void *kmalloc(size_t size); /* zeroed; at most 2048 bytes */
void kfree(void *ptr);

/* --- Page tables (pt.h) ------------------------------------------------ */
#include "pt.h"

/* --- Reverse maps (rmap.c) --------------------------------------------- */
void rmap_add(struct page *p, struct mm *mm, uint32_t va);
void rmap_remove(struct page *p, struct mm *mm, uint32_t va);
/* Unmap p from every address space (the page cache evicts with it). */
void rmap_unmap_all(struct page *p);
/* Compare p's reverse map with a walk of every page table. */
int rmap_check(struct page *p);

/* --- Page sharing (share.c) ------------------------------------------- */
struct share_counts {
    uint32_t offered, declined, refused, shared[5], breaks, discards,
        internal_cow;
};
extern struct share_counts share_counts;
extern bool share_active;
extern volatile bool share_work_pending;
/* Register with the hypervisor if the domain is in a share group. */
void share_init(void);
/* Keep p's eligibility bit in step with its use. */
void share_hint(const struct page *p);
/* The bottom half: set up the shares the hypervisor offered. */
void share_work(void);
/* Give p (PGF_SHARED) its own frame again, contents kept. 0 or -errno. */
int share_break(struct page *p);
/* first (a free PGF_SHARED page) and more of the free list: own frames,
 * zeroed, contents dropped (no copy). */
void share_discard_free(struct page *first);
/* Put p under grant (I/O into it) or take it out. */
void share_grant(struct page *p, bool on);
/* The driver's counts on the console. */
void share_report(void);

/* --- Ballooning (balloon.c) --------------------------------------------- */
extern bool balloon_self;   /* balloon=self: report, follow the target   */
extern uint32_t nr_ballooned; /* pfns with no frame                      */
/* Read balloon= and balloon_reserve=; bind VIRQ_MEM_TARGET; first report. */
void balloon_init(void);
/* A pfn with no frame (page_init: unpopulated at boot). */
void balloon_add(struct page *p);
/* The idle loop's part: report when due, move toward the target. */
void balloon_work(void);
bool balloon_work_due(void);
/* An allocation is short: ask for up to n pages now. Returns pages got. */
uint32_t balloon_grow_now(uint32_t n);
void balloon_counts(uint32_t *grown, uint32_t *shrunk, uint32_t *target);
/* The repayment FIFO: put p (a clean, unused cache page) on it, or take
 * it back before it is used. repay_rescue() is false if the hypervisor
 * took the frame: the pfn has none, and the data must be read again. */
bool repay_add(struct page *p);
void repay_publish(void);
bool repay_rescue(struct page *p);
extern uint32_t nr_volatile, nr_rereads, nr_repaid_seen;

/* --- Address spaces (vm.c) ----------------------------------------------- */
#define VM_READ   0x1
#define VM_WRITE  0x2
#define VM_EXEC   0x4
#define VM_SHARED 0x8  /* writes go to the file (tmpfs) */
#define VM_ANON   0x10 /* no file: zero-filled          */
#define VM_STACK  0x20
#define VM_HEAP   0x40

struct vma {
    uint32_t start, end;     /* [start, end), page aligned              */
    uint32_t flags;          /* VM_*                                    */
    struct inode *inode;     /* file-backed: the file                   */
    uint32_t offset;         /* file offset of start, page aligned      */
    uint32_t file_end;       /* file bytes past this read as zero       */
    struct vma *next;        /* sorted by start                         */
};

struct mm {
    struct pt pt;
    struct vma *vmas;
    uint32_t brk_start, brk;
    uint32_t mmap_hint;
    uint32_t rss;            /* user pages mapped                       */
};

struct mm *mm_create(void);
/* Free every user page and the page tables (not loaded anywhere). */
void mm_destroy(struct mm *mm);
/* fork: a copy-on-write copy of mm. */
struct mm *mm_fork(struct mm *mm);
struct vma *vma_find(struct mm *mm, uint32_t va);
int vma_add(struct mm *mm, uint32_t start, uint32_t end, uint32_t flags,
            struct inode *inode, uint32_t offset, uint32_t file_end);
/* Unmap [start, end) and drop the vmas there. */
int vm_unmap(struct mm *mm, uint32_t start, uint32_t end);
/* Resolve a fault at va (write or read). 0, or -EFAULT if it cannot be. */
int vm_fault(struct mm *mm, uint32_t va, bool write);
uint32_t vm_brk(struct mm *mm, uint32_t new_brk);
long vm_mmap(struct mm *mm, const struct pvk_mmap_args *a);

/* --- Files (vfs.c, pvfs.c, tmpfs.c, pagecache.c) ------------------------ */
struct inode_ops;

struct inode {
    uint32_t ino;
    uint32_t mode;            /* PVK_S_IF* | permissions                */
    uint32_t size;
    uint32_t nlink;
    uint32_t refcount;
    const struct inode_ops *ops;
    void *fs_data;            /* the file system's own                   */
    uint32_t start_block;     /* pvfs: first data block                  */
    struct inode *mounted;    /* a file system mounted here              */
    struct inode *parent;     /* directories: for ".."                   */
};

struct inode_ops {
    const char *name;
    bool evictable;           /* cache pages can be read back            */
    uint32_t cleancache_tag;  /* non-zero: clean pages may go to the
                                 hypervisor's pool (cleancache.c), named
                                 {ino, tag}; unique per file system      */
    /* Fill pages[0 .. n-1] with pages index .. index+n-1 of the file
     * (n at most what readahead() said, 1 without it). May sleep. */
    int (*readpages)(struct inode *ip, uint32_t index, struct page **pages,
                     unsigned int n);
    /* How many pages from index one read should bring in (>= 1); NULL: 1. */
    uint32_t (*readahead)(struct inode *ip, uint32_t index);
    /* Directory operations; NULL if the file system is read-only. */
    int (*lookup)(struct inode *dir, const char *name, struct inode **out);
    int (*readdir)(struct inode *dir, uint32_t pos, struct pvk_dirent *de);
    int (*create)(struct inode *dir, const char *name, uint32_t mode,
                  struct inode **out);
    int (*unlink)(struct inode *dir, const char *name);
    /* The last reference went (may free the inode). */
    void (*release)(struct inode *ip);
};

static inline bool is_dir(const struct inode *ip)
{
    return (ip->mode & PVK_S_IFMT) == PVK_S_IFDIR;
}

struct file {
    uint32_t refcount;
    bool console;
    struct inode *inode;
    uint32_t offset;
    uint32_t flags;           /* PVK_O_* */
};

void vfs_init(void);
struct inode *iget(struct inode *ip);
void iput(struct inode *ip);
/* Resolve path (relative to cwd); ENOENT etc. */
int namei(const char *path, struct inode **out);
/* The parent directory and the last component of path. */
int nameiparent(const char *path, struct inode **dir, char *name);
struct inode *vfs_root(void);
/* Read n bytes at off into dst (user or kernel memory); bytes read. */
long inode_read(struct inode *ip, void *dst, uint32_t off, uint32_t n,
                bool to_user);
int vfs_open(const char *path, uint32_t flags, struct file **out);
void stat_inode(const struct inode *ip, struct pvk_stat *st);
struct file *file_alloc(void);
struct file *file_dup(struct file *f);
void file_close(struct file *f);
/* Install f in the current process's first free descriptor. */
int fd_alloc(struct file *f);
/* The current process's open file fd, or NULL. */
struct file *fd_to_file(int fd);
long file_read(struct file *f, void *ubuf, uint32_t n);
long file_write(struct file *f, const void *ubuf, uint32_t n);

/* Page cache: the page holding index of ip, read in if needed, with a
 * reference for the caller. NULL on I/O error or out of memory. */
struct page *pagecache_get(struct inode *ip, uint32_t index);
/* Same, but a page that does not exist yet is created zeroed (writes). */
struct page *pagecache_get_for_write(struct inode *ip, uint32_t index);
/* Drop every cache page of ip from index on (truncate, unlink). */
void pagecache_truncate(struct inode *ip, uint32_t index);
/* Evict up to n clean cache pages, oldest first, unmapping mapped ones;
 * returns the number freed. */
uint32_t pagecache_shrink(uint32_t n);
/* The same, but only pages no process maps. */
uint32_t pagecache_shrink_unmapped(uint32_t n);
/* Clean cache pages that no one uses or maps (eviction's easy pickings). */
uint32_t pagecache_idle_pages(void);

/* swap.c: anonymous pages out to disk 1, frontswap (hswap) in front. */
struct swap_counts {
    uint32_t outs, ins, fs_puts, fs_refused, fs_gets, disk_writes, disk_reads;
};
extern struct swap_counts swap_counts;
extern uint32_t nr_swapped; /* pages swapped out now */
void swap_init(void);
bool swap_active(void);
/* Swap out up to n pages; returns how many went. */
uint32_t swap_out_pages(uint32_t n);
/* A fault on va's swap entry: the page back, mapped (writable or not). */
int swap_in(struct mm *mm, uint32_t va, uint32_t slot, bool writable);
void swap_slot_get(uint32_t slot);
void swap_slot_put(uint32_t slot);
/* No swapping between these (a path that walks or holds pages' mappings). */
void swap_hold(void);
void swap_release(void);

/* cleancache.c: the page cache's second chance in a tmem pool. */
extern uint32_t nr_cc_puts, nr_cc_put_refused, nr_cc_gets, nr_cc_hits;
uint64_t cleancache_hash(uint64_t h, const void *data, size_t n);
void cleancache_init(uint64_t fs_id);
bool cleancache_active(void);
void cleancache_put(const struct page *p);
bool cleancache_get(const struct inode *ip, uint32_t index, struct page *p);
void cleancache_flush_inode(const struct inode *ip);
/* Put up to n clean cache pages no one uses on the repayment FIFO, the
 * least recently used first. Returns how many. */
uint32_t pagecache_make_volatile(uint32_t n);
void pagecache_touch(struct page *p);
extern uint32_t nr_evictions;

/* Block device (blkfront.c): read n consecutive sectors into pages, in one
 * request (n <= BLK_MAX_PAGES); the caller sleeps until it completes. A
 * page may arrive shared (PGF_SHARED). 0 or -EIO. */
#define BLK_MAX_PAGES 11
void blkfront_init(void);
int blk_read_pages(uint32_t sector, struct page **pages, unsigned int n);
/* Read or write n pages of disk (0 or 1) from sector; sync: the domain
 * blocks instead of the process sleeping. 0 or -EIO. */
int blk_rw(unsigned int disk, bool write, uint32_t sector, struct page **pages,
           unsigned int n, bool sync);
/* Sectors of disk (0: it is not connected). */
uint32_t blk_disk_sectors(unsigned int disk);
extern uint32_t nr_block_writes;
extern uint32_t nr_block_reads, nr_block_requests, nr_read_shared;
extern unsigned int blk_max_pages; /* blk_segs=: sectors a request, <= 11 */
extern uint64_t idle_cycles; /* proc.c: cycles blocked with nothing to run */

/* File systems. */
struct inode *pvfs_mount(void);
struct inode *tmpfs_mount(void);

/* --- Processes (proc.c, exec.c) --------------------------------------------- */
struct context; /* callee-saved registers, swtch.S */

enum proc_state { P_UNUSED, P_EMBRYO, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

struct proc {
    int pid;
    enum proc_state state;
    struct mm *mm;
    void *kstack;
    struct context *context;
    struct guest_regs *tf;    /* its trap frame, at the top of kstack   */
    struct proc *parent;
    int exit_status;          /* waitpid status                          */
    int killed;               /* signal to die of on the way to user mode */
    uint64_t wake_at;         /* proc_sleep_ms: monotonic ns to wake at   */
    void *chan;               /* what it sleeps on                       */
    struct file *ofile[NOFILE];
    struct inode *cwd;
    char cwd_path[PVK_PATH_MAX];
    char name[16];
    uint8_t fpu[512] __aligned(16);
};

extern struct proc *current;
void proc_init(void);
/* Start the first process: exec path with argv; returns its pid. */
int proc_spawn_init(const char *path, char *const argv[]);
void scheduler(void) __noreturn;
void sched_yield(void);
void sleep_on(void *chan);
/* Sleep at least ms milliseconds (the tick wakes sleepers to check). */
void proc_sleep_ms(uint32_t ms);
/* The tick: wake processes whose sleep is over. */
void proc_timer_tick(void);
void wakeup(void *chan);
int proc_fork(void);
void proc_exit(int status) __noreturn;
int proc_wait(int pid, uint32_t status_uva);
int proc_kill(int pid, int sig);
/* Kill the current process for a fault it took in user mode. */
void proc_fault_kill(int sig, const char *why, const struct guest_regs *regs)
    __noreturn;
/* Replace p's program with the ELF file at path; argv and envp are kernel
 * arrays of kernel strings (envp may be NULL). 0 or -errno; on failure p
 * keeps its old program. */
int exec(struct proc *p, const char *path, char *const argv[],
         char *const envp[]);
void proc_for_each_mm(void (*fn)(struct mm *mm, void *arg), void *arg);
extern volatile bool need_resched;
extern uint32_t nr_cow_faults, nr_page_faults;

/* --- Traps and system calls (trap.c, syscall.c) --------------------------- */
void trap_init(void);
void syscall(struct guest_regs *regs);
/* Copy to and from user memory; faults are resolved by demand paging or
 * end the copy: 0 or -EFAULT. */
int copy_from_user(void *dst, uint32_t usrc, uint32_t n);
int copy_to_user(uint32_t udst, const void *src, uint32_t n);
/* A NUL-terminated string of at most max bytes; its length or -errno. */
int strncpy_from_user(char *dst, uint32_t usrc, uint32_t max);

#endif /* __PVK_KERNEL_H__ */
