/*
 * readall - read every file under a path (default /) through the page
 * cache, 4 KiB at a time, and say how long it took: "readall [PATH]".
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
#include <string.h>
#include <unistd.h>

static unsigned int files, errors;
static unsigned long long bytes;

static unsigned long long rdtsc(void)
{
    unsigned int lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((unsigned long long)hi << 32) | lo;
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
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        bytes += (unsigned long long)n;
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

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/";
    struct pvk_meminfo m0, m1;
    unsigned long long t0;
    double s0;

    pvk_meminfo(&m0);
    s0 = pvk_now_s();
    t0 = rdtsc();
    read_tree(path);
    t0 = rdtsc() - t0;
    s0 = pvk_now_s() - s0;
    pvk_meminfo(&m1);
    printf("readall: path=%s files=%u bytes=%llu errors=%u seconds=%.3f "
           "tsc=%llu busy=%llu block_reads=%u block_requests=%u "
           "read_shared=%u\n",
           path, files, bytes, errors, s0, t0,
           t0 - (unsigned long long)(m1.idle_cycles - m0.idle_cycles),
           m1.block_reads - m0.block_reads,
           m1.block_requests - m0.block_requests,
           m1.read_shared - m0.read_shared);
    printf("readall: done\n");
    return errors ? 1 : 0;
}
