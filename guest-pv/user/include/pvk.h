/*
 * pvk.h - what pvk user programs use beyond newlib: the POSIX calls newlib
 * declares but does not implement (mkdir, chdir, getcwd, waitpid,
 * sched_yield), mmap/munmap, a minimal opendir/readdir/closedir, and the
 * pvk-specific windows on the kernel's memory management. All are in
 * libpvkrt.a (guest-pv/user/lib); they return -1 with errno set on failure
 * unless said otherwise.
 */
#ifndef PVK_H
#define PVK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pvk/syscall.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Declared by newlib's headers (sys/stat.h, unistd.h, sys/wait.h) too. */
int mkdir(const char *path, mode_t mode);
int chdir(const char *path);
/* getcwd(NULL, 0) mallocs a PVK_PATH_MAX buffer (free it). */
char *getcwd(char *buf, size_t size);
pid_t waitpid(pid_t pid, int *status, int options);
/* newlib's sched.h declares it only with _POSIX_PRIORITY_SCHEDULING. */
int sched_yield(void);

/* mmap: newlib for i686-elf has no sys/mman.h. */
#ifndef PROT_READ
#define PROT_NONE     0
#define PROT_READ     PVK_PROT_READ
#define PROT_WRITE    PVK_PROT_WRITE
#define PROT_EXEC     PVK_PROT_EXEC
#define MAP_SHARED    PVK_MAP_SHARED
#define MAP_PRIVATE   PVK_MAP_PRIVATE
#define MAP_FIXED     PVK_MAP_FIXED
#define MAP_ANON      PVK_MAP_ANON
#define MAP_ANONYMOUS PVK_MAP_ANON
#define MAP_FAILED    ((void *)-1)
#endif
/* Returns MAP_FAILED with errno set on failure. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t len);

/*
 * Directories, on SYS_getdents (newlib's own <dirent.h> is an #error for
 * this target: do not include it). readdir returns NULL at the end (errno
 * unchanged) or on an error (errno set); its entry is overwritten by the
 * next call.
 */
#define DT_UNKNOWN 0
#define DT_DIR     PVK_DT_DIR
#define DT_REG     PVK_DT_REG

struct dirent {
    ino_t d_ino;
    unsigned char d_type; /* DT_* */
    char d_name[PVK_NAME_MAX + 1];
};

typedef struct pvk_dir DIR;

DIR *opendir(const char *path);
struct dirent *readdir(DIR *dir);
int closedir(DIR *dir);

/* pvk's own calls (SYS_pageinfo...): 0 on success unless said otherwise. */
int pvk_pageinfo(void *va, struct pvk_pageinfo *out);
/*
 * 0 if the reverse map of the page at va agrees with a walk of every page
 * table, else the (positive) number of disagreements; -1 with errno set if
 * the check could not be made.
 */
int pvk_rmap_check(void *va);
int pvk_meminfo(struct pvk_meminfo *out);
/* The sharing driver's counts and the hypervisor's audit of this domain. */
int pvk_shareinfo(struct pvk_shareinfo *out);
/* The hypervisor scanner's progress over this domain (-1, errno EPERM, if
 * it shares with nobody). */
int pvk_scaninfo(struct pvk_scaninfo *out);
/*
 * Idle until the scanner has made `passes` more passes over this domain's
 * memory, or `limit_ms` went by (a bound for a starved scanner, not a
 * pace). Returns the passes seen, or -1 (errno set) if the domain shares
 * with nobody.
 */
int pvk_wait_scan(unsigned int passes, unsigned int limit_ms);
/* Sleep at least ms milliseconds (the guest idles meanwhile). */
int pvk_msleep(unsigned int ms);
/* Seconds since boot (gettimeofday), for the programs' timing lines. */
double pvk_now_s(void);
/* The TSC: instructions under qemu -icount. */
static inline uint64_t pvk_rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
/* FNV-1a of a whole file and its size; 0 and size 0 if it cannot be
 * opened. */
uint32_t pvk_file_sum(const char *path, unsigned long *size);
/* Returns the number of clean, unmapped cache pages freed. */
int pvk_drop_caches(void);

#ifdef __cplusplus
}
#endif

#endif /* PVK_H */
