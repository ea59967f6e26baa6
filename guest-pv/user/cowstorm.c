/*
 * cowstorm - a copy-on-write storm: "cowstorm+PAGES+SEED" in several guests
 * of one share group. It fills PAGES anonymous pages with contents every
 * guest has, idles until the hypervisor has shared them, then rewrites
 * every one with contents of its own (SEED): each write breaks a share, in
 * every guest at once. On a machine with few free frames the breaks need
 * more frames than are free, and the hypervisor must take volatile pages
 * from the guests' repayment FIFOs instead of failing a break. Every word
 * must then read back as this guest wrote it; the kernel's counts of pages
 * the hypervisor took and of data read again are printed.
 *
 * "cowstorm+PAGES+SEED+DIR" first reads every file under DIR (a directory
 * of the disk no other guest reads): clean page-cache pages of its own,
 * which the kernel can promise as repayment (identical ones would be
 * shared, and a shared page cannot be volatile). They are read again at
 * the end and must match.
 */
#include <pvk.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <tap.h>

#define PAGE  4096
#define WORDS (PAGE / 4)

/* Every file under dir: the sum of their checksums, or 0 if none. */
static uint32_t read_dir(const char *dir, unsigned int *files)
{
    char path[160];
    struct dirent *e;
    unsigned long size;
    uint32_t sum = 0;
    DIR *d = opendir(dir);

    *files = 0;
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        sum += pvk_file_sum(path, &size);
        (*files)++;
    }
    closedir(d);
    return sum;
}

int main(int argc, char **argv)
{
    unsigned int pages = argc > 1 ? (unsigned int)atoi(argv[1]) : 1000;
    unsigned int seed = argc > 2 ? (unsigned int)atoi(argv[2]) : 1, i, w;
    unsigned int bad = 0, passes;
    struct pvk_scaninfo si0, si;
    struct pvk_meminfo mi;
    uint32_t *p, dsum = 0;
    const char *dir = argc > 3 ? argv[3] : NULL;
    unsigned int files = 0, files2;

    if (dir) {
        dsum = read_dir(dir, &files);
        ok(files > 0, "read %u files of %s into the cache", files, dir);
    }
    /* A barrier: the scenario holds the scanner off until every guest got
     * here, so that their fills, shares and storms run side by side. */
    printf("# cowstorm: seed %u: ready\n", seed);
    ok(pvk_wait_scan(1, 300000) >= 1, "the scanner passed: go");

    p = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANON, -1, 0);
    if (!ok(p != MAP_FAILED, "mapped %u pages", pages))
        return done();
    for (i = 0; i < pages; i++)
        for (w = 0; w < WORDS; w++)
            p[i * WORDS + w] = (i + 1) * 0x9E3779B9U ^ w;
    pvk_scaninfo(&si0);
    /* Until the shares are made: scanner passes, not time. */
    for (passes = 0; passes < 20; passes++) {
        if (pvk_wait_scan(1, 300000) < 1 || pvk_scaninfo(&si))
            break;
        if (si.shared_pfns >= si0.shared_pfns + pages * 9 / 10)
            break;
    }
    printf("# cowstorm: seed %u: %u pages on shared frames after %u passes\n",
           seed, si.shared_pfns, passes);
    ok(si.shared_pfns >= si0.shared_pfns + pages * 9 / 10,
       "the common pages were shared");
    /* Let the slower guests' pages join too before anyone writes: the
     * scanner passes only while every guest idles. */
    pvk_wait_scan(3, 300000);
    /* The storm: every page rewritten, every share broken. */
    for (i = 0; i < pages; i++)
        for (w = 0; w < WORDS; w++)
            p[i * WORDS + w] = (seed * 0x85EBCA6BU + i) ^ (w * 0xC2B2AE35U);
    for (i = 0; i < pages; i++)
        for (w = 0; w < WORDS; w++)
            bad += p[i * WORDS + w] != ((seed * 0x85EBCA6BU + i) ^
                                        (w * 0xC2B2AE35U));
    is(bad, 0, "every word of the %u rewritten pages is this guest's", pages);
    /* Hold them until every guest has stormed: the scanner passes only
     * while all guests idle. */
    pvk_wait_scan(2, 300000);
    for (bad = 0, i = 0; i < pages; i++)
        for (w = 0; w < WORDS; w++)
            bad += p[i * WORDS + w] != ((seed * 0x85EBCA6BU + i) ^
                                        (w * 0xC2B2AE35U));
    is(bad, 0, "and still are once every guest has rewritten its own");
    if (dir)
        ok(read_dir(dir, &files2) == dsum && files2 == files,
           "%s reads back the same (pages the hypervisor took read again)",
           dir);
    pvk_meminfo(&mi);
    printf("# cowstorm: seed %u: volatile=%u taken=%u rereads=%u evictions=%u\n",
           seed, mi.volatile_pages, mi.repay_taken, mi.rereads, mi.evictions);
    return done();
}
