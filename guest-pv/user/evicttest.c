/*
 * evicttest - the page cache under memory pressure. Run in a guest with
 * less memory than /data/big (24 MiB, word w of which holds
 * w * 2654435761): reading it all must evict older cache pages, mapping
 * and touching it all must evict pages that are mapped (unmapping them
 * through the reverse map), and every word read back, before and after,
 * must be right. A tmpfs file, which has no other copy, must survive.
 * Prints TAP.
 */
#include <fcntl.h>
#include <pvk.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tap.h>
#include <unistd.h>

#define PAGE 4096
#define BIG "/data/big"

static uint32_t expect(uint32_t w)
{
    return w * 2654435761U;
}

static struct pvk_meminfo info(void)
{
    struct pvk_meminfo mi;

    pvk_meminfo(&mi);
    return mi;
}

int main(void)
{
    static uint32_t buf[PAGE / 4];
    struct stat st;
    uint32_t w = 0, bad = 0, i, size, tmp_bad = 0;
    struct pvk_meminfo before, after;
    int fd, tfd;
    ssize_t n;
    uint32_t *map;

    /* A tmpfs file first: its pages must never be evicted. */
    tfd = open("/tmp/keep", O_CREAT | O_RDWR, 0644);
    for (i = 0; i < 256; i++) {
        memset(buf, (int)i, sizeof(buf));
        write(tfd, buf, sizeof(buf));
    }
    ok(stat(BIG, &st) == 0, "the big file is there");
    size = (uint32_t)st.st_size;
    before = info();
    ok(size / PAGE > before.total_pages,
       "it is bigger than our memory (%u pages against %u)", size / PAGE,
       before.total_pages);

    fd = open(BIG, O_RDONLY);
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        for (i = 0; i < (uint32_t)n / 4; i++, w++)
            bad += buf[i] != expect(w);
    is(w, size / 4, "read every word of it");
    is(bad, 0, "every word as written");
    after = info();
    ok(after.evictions > before.evictions,
       "reading it evicted older cache pages (%u evictions)",
       after.evictions - before.evictions);
    ok(after.block_reads - before.block_reads >= size / PAGE,
       "every block came from the disk (%u reads)",
       after.block_reads - before.block_reads);

    map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ok(map != MAP_FAILED, "map all of it");
    before = info();
    for (w = 0, bad = 0; w < size / 4; w++)
        bad += map[w] != expect(w);
    is(bad, 0, "every word right through the mapping");
    after = info();
    ok(after.evictions > before.evictions,
       "mapped pages were evicted too (%u evictions)",
       after.evictions - before.evictions);
    ok(after.mapped_pages < size / PAGE, "only part of it stays mapped (%u pages)",
       after.mapped_pages);
    for (w = 0, bad = 0; w < size / 4; w += 1024)
        bad += map[w] != expect(w);
    is(bad, 0, "a second pass faults evicted pages back in, right");
    (void)*(volatile uint32_t *)&map[size / 8]; /* mapped now, whatever was evicted */
    is(pvk_rmap_check(&map[size / 8]), 0, "the reverse map is still exact");
    munmap(map, size);
    close(fd);

    lseek(tfd, 0, SEEK_SET);
    for (i = 0; i < 256; i++) {
        read(tfd, buf, sizeof(buf));
        for (w = 0; w < PAGE / 4; w++)
            tmp_bad += buf[w] != (i & 0xff) * 0x01010101U;
    }
    is(tmp_bad, 0, "the tmpfs file survived the pressure");
    close(tfd);
    unlink("/tmp/keep");
    before = info();
    ok(pvk_drop_caches() > 0 && info().cache_pages < before.cache_pages,
       "drop_caches frees clean cache pages");
    return done();
}
