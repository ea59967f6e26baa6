/*
 * unpack - the paper's first workload: copy a source tree from the disk
 * (/src, read through the page cache) into tmpfs (/tmp/src), as unpacking
 * an archive would. Records each file's size and checksum in
 * /tmp/manifest for verify. Prints TAP and its figures.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnv.h>
#include <pvk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tap.h>
#include <unistd.h>

static unsigned int files, dirs, errors;
static unsigned long bytes;
static FILE *manifest;

static void copy_file(const char *from, const char *to, const char *rel)
{
    static char buf[16384];
    int in = open(from, O_RDONLY), out = open(to, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    uint32_t sum = FNV_INIT;
    unsigned long size = 0;
    ssize_t n;

    if (in < 0 || out < 0) {
        printf("# unpack: cannot copy %s\n", from);
        errors++;
        return;
    }
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        if (write(out, buf, n) != n)
            errors++;
        sum = fnv1a(sum, buf, (size_t)n);
        size += (unsigned long)n;
    }
    if (n < 0)
        errors++;
    close(in);
    close(out);
    fprintf(manifest, "%lu %08x %s\n", size, (unsigned int)sum, rel);
    files++;
    bytes += size;
}

static void copy_tree(const char *from, const char *to, const char *rel)
{
    DIR *d = opendir(from);
    struct dirent *e;

    if (!d || (mkdir(to, 0755) && errno != EEXIST)) {
        printf("# unpack: cannot copy directory %s\n", from);
        errors++;
        return;
    }
    dirs++;
    while ((e = readdir(d))) {
        char f[PVK_PATH_MAX], t[PVK_PATH_MAX], r[PVK_PATH_MAX];

        snprintf(f, sizeof(f), "%s/%s", from, e->d_name);
        snprintf(t, sizeof(t), "%s/%s", to, e->d_name);
        snprintf(r, sizeof(r), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        if (e->d_type == DT_DIR)
            copy_tree(f, t, r);
        else
            copy_file(f, t, r);
    }
    closedir(d);
}

int main(void)
{
    double t0 = pvk_now_s();
    struct pvk_meminfo mi;

    manifest = fopen("/tmp/manifest", "w");
    ok(manifest != NULL, "create /tmp/manifest");
    copy_tree("/src", "/tmp/src", "");
    fclose(manifest);
    ok(files > 0 && !errors, "copied %u files in %u directories, %lu bytes",
       files, dirs, bytes);
    pvk_meminfo(&mi);
    printf("# unpack: files=%u dirs=%u bytes=%lu seconds=%.3f cache_pages=%u "
           "free_pages=%u\n", files, dirs, bytes, pvk_now_s() - t0, mi.cache_pages,
           mi.free_pages);
    return done();
}
