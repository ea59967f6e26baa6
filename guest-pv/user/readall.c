/*
 * readall - read every file under a path (default /) through the page
 * cache, 4 KiB at a time, and say how long it took: "readall [PATH
 * [PASSES [drop [MS]]]]". With PASSES > 1 it reads the tree that many times and fails
 * (exit 1) if a pass reads other bytes than the first (a checksum of
 * everything read, in order): the pages that came back from the disk, the
 * page cache or the hypervisor's tmem pool must be the same. With "drop",
 * before each pass after the first it evicts every clean cache page (to
 * the tmem pool, with cleancache) and sleeps MS milliseconds (default
 * 100), so that the hypervisor, idle, compresses the pool's pages.
 * The disk benchmarks run it: four guests reading the same files is where
 * sharing at block-read time finds its duplicates, and one large file
 * (readall /data/big) is a sequential read. Prints files, bytes, seconds
 * and the TSC cycles it took (tsc; under qemu -icount, instructions and
 * the halts' warped time) and of those the ones the kernel did not spend
 * waiting with nothing to run (busy: under -icount, the instructions, the
 * hypervisor's for this guest included, if no other guest runs), then
 * "readall: done".
 */
#include <fcntl.h>
#include <pvk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned int files, errors;
static unsigned long long bytes, sum;

static unsigned long long rdtsc(void)
{
    unsigned int lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((unsigned long long)hi << 32) | lo;
}

/* Fletcher's checksum over 32-bit words (a short tail byte by byte): the
 * order of the data counts, and it costs a few instructions a word. */
static unsigned int sum_a, sum_b;

static void sum_bytes(const char *buf, size_t n)
{
    const unsigned int *w = (const unsigned int *)buf;
    size_t i;

    for (i = 0; i < n / 4; i++) {
        sum_a += w[i];
        sum_b += sum_a;
    }
    for (i = n & ~(size_t)3; i < n; i++) {
        sum_a += (unsigned char)buf[i];
        sum_b += sum_a;
    }
    sum = (unsigned long long)sum_b << 32 | sum_a;
}

static void read_file(const char *path)
{
    static char buf[4096]; /* one page: the copy it leaves is small */
    int fd = open(path, O_RDONLY);
    ssize_t n;

    if (fd < 0) {
        errors++;
        return;
    }
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        bytes += (unsigned long long)n;
        sum_bytes(buf, (size_t)n);
    }
    if (n < 0)
        errors++;
    close(fd);
    files++;
}

static void read_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;

    if (!d) {
        read_file(path);
        return;
    }
    while ((e = readdir(d))) {
        char p[PVK_PATH_MAX];

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof(p), "%s/%s", strcmp(path, "/") ? path : "",
                 e->d_name);
        if (!strcmp(p, "/tmp"))
            continue; /* tmpfs: not the disk */
        if (e->d_type == DT_DIR)
            read_tree(p);
        else
            read_file(p);
    }
    closedir(d);
}

/* One pass; returns its checksum. */
static unsigned long long pass(const char *path, unsigned int nr)
{
    struct pvk_meminfo m0, m1;
    unsigned long long t0;
    double s0;

    files = errors = 0;
    bytes = 0;
    sum = sum_a = sum_b = 0;
    pvk_meminfo(&m0);
    s0 = pvk_now_s();
    t0 = rdtsc();
    read_tree(path);
    t0 = rdtsc() - t0;
    s0 = pvk_now_s() - s0;
    pvk_meminfo(&m1);
    printf("readall: path=%s pass=%u files=%u bytes=%llu errors=%u "
           "seconds=%.3f tsc=%llu busy=%llu block_reads=%u block_requests=%u "
           "read_shared=%u cc_gets=%u cc_hits=%u cc_puts=%u evictions=%u "
           "sum=%016llx\n",
           path, nr, files, bytes, errors, s0, t0,
           t0 - (unsigned long long)(m1.idle_cycles - m0.idle_cycles),
           m1.block_reads - m0.block_reads,
           m1.block_requests - m0.block_requests,
           m1.read_shared - m0.read_shared, m1.cc_gets - m0.cc_gets,
           m1.cc_hits - m0.cc_hits, m1.cc_puts - m0.cc_puts,
           m1.evictions - m0.evictions, sum);
    return sum;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/";
    unsigned int passes = argc > 2 ? (unsigned int)atoi(argv[2]) : 1, i;
    int drop = argc > 3 && !strcmp(argv[3], "drop");
    unsigned int drop_ms = argc > 4 ? (unsigned int)atoi(argv[4]) : 100;
    unsigned long long first = 0;
    int bad = 0;

    if (passes < 1) {
        fprintf(stderr, "readall: PASSES must be at least 1\n");
        return 1;
    }
    for (i = 1; i <= passes; i++) {
        unsigned long long s;

        if (i > 1 && drop) {
            printf("readall: dropped %d cache pages\n", pvk_drop_caches());
            pvk_msleep(drop_ms);
        }
        s = pass(path, i);

        if (i == 1)
            first = s;
        else if (s != first) {
            printf("readall: pass %u read other bytes than pass 1\n", i);
            bad = 1;
        }
        bad |= errors != 0;
    }
    printf("readall: done\n");
    return bad;
}
