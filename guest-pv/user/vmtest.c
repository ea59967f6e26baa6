/*
 * vmtest - demand paging and the guest's own copy-on-write, seen from a
 * process: initialised data, zeroed .bss, a heap that grows with brk, a
 * stack that is paged in as it is used, anonymous and file mmaps, page
 * categories (anonymous, mapped file page) and fault counts, private
 * writes that leave the file untouched, and copy-on-write after fork.
 * Prints TAP.
 */
#include <fcntl.h>
#include <pvk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tap.h>
#include <unistd.h>

#define PAGE 4096

static int initialised[1024] = { 1, 2, 3 };
static char zeroed[64 * PAGE];

int main(void);

static unsigned int faults(void)
{
    struct pvk_meminfo mi;

    pvk_meminfo(&mi);
    return mi.page_faults;
}

static int category(void *va)
{
    struct pvk_pageinfo pi;

    return pvk_pageinfo(va, &pi) ? -1 : (int)pi.category;
}

static void test_segments(void)
{
    unsigned int i, nonzero = 0, before;

    ok(initialised[0] == 1 && initialised[2] == 3, "initialised data is there");
    for (i = 0; i < sizeof(zeroed); i++)
        nonzero += zeroed[i] != 0;
    is(nonzero, 0, "64 pages of .bss read as zero");
    ok(category(zeroed) == PVK_PAGE_ANON, ".bss pages are anonymous");
    before = faults();
    zeroed[10 * PAGE] = 1; /* already faulted in by the read: no fault */
    is(faults() - before, 0, "a page already present does not fault again");
    ok(category((void *)main) == PVK_PAGE_MAPPED,
       "program text is a mapped page-cache page");
}

static void test_heap_and_stack(void)
{
    char *brk0 = sbrk(0), *p;
    unsigned int before = faults(), i;
    volatile char deep[64 * 1024];

    p = malloc(1 << 20);
    ok(p != NULL, "malloc 1 MiB");
    ok((char *)sbrk(0) > brk0, "the break moved up");
    is(faults() - before < 8, 1, "mallocing does not touch the pages");
    before = faults();
    /* malloc's own header already brought in the first page. */
    for (i = 0; i < (1 << 20); i += PAGE)
        p[i] = (char)i;
    ok(faults() - before >= 255, "writing them faults each in (%u faults)",
       faults() - before);
    free(p);
    for (i = 0; i < sizeof(deep); i += PAGE)
        deep[i] = 1;
    ok(deep[0] == 1 && deep[sizeof(deep) - PAGE] == 1,
       "64 KiB of stack paged in on use");
}

static void test_mmap(void)
{
    unsigned char *a, *f, *f2;
    int fd = open("/bin/vmtest", O_RDONLY);
    unsigned char head[16];
    struct pvk_pageinfo pi;

    a = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
    ok(a != MAP_FAILED, "anonymous mmap of 16 pages");
    ok(a[5 * PAGE] == 0, "reads as zero");
    a[5 * PAGE] = 0x5a;
    ok(category(a + 5 * PAGE) == PVK_PAGE_ANON && a[5 * PAGE] == 0x5a,
       "written: an anonymous page");
    is(munmap(a, 16 * PAGE), 0, "munmap");

    ok(fd >= 0, "open our own program");
    ok(read(fd, head, sizeof(head)) == sizeof(head), "read its first bytes");
    f = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    ok(f != MAP_FAILED && !memcmp(f, head, sizeof(head)),
       "a file mapping shows the file");
    ok(pvk_pageinfo(f, &pi) == 0 && pi.category == PVK_PAGE_MAPPED &&
           !pi.writable,
       "as a read-only mapped page-cache page");
    f2 = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    ok(f2 != MAP_FAILED && f2[1] == 'E', "a private writable mapping of it");
    f2[1] = 'X';
    ok(category(f2) == PVK_PAGE_ANON, "a write made it a private copy");
    ok(f[1] == 'E', "the shared page-cache page kept the file's byte");
    ok(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED,
       "a shared writable mapping of a read-only file is refused");
    munmap(f, 2 * PAGE);
    munmap(f2, PAGE);
    close(fd);
}

static void test_cow(void)
{
    static int shared_value;
    int status;
    struct pvk_pageinfo before, after;
    pid_t pid;

    shared_value = 100; /* written: an anonymous page of ours alone */
    pvk_pageinfo(&shared_value, &before);
    pid = fork();
    if (pid == 0) {
        struct pvk_pageinfo pi;

        pvk_pageinfo(&shared_value, &pi);
        if (pi.pfn != before.pfn || pi.writable)
            _exit(1); /* not shared read-only after fork */
        shared_value = 200;
        pvk_pageinfo(&shared_value, &pi);
        _exit(pi.pfn != before.pfn && pi.writable && shared_value == 200 ? 0 : 2);
    }
    waitpid(pid, &status, 0);
    is(WEXITSTATUS(status), 0,
       "after fork the child shares the page read-only, then copies it on write");
    is(shared_value, 100, "the parent still sees its own value");
    shared_value = 101;
    pvk_pageinfo(&shared_value, &after);
    ok(after.writable && after.pfn == before.pfn,
       "the parent, alone again, writes its page in place");
}

int main(void)
{
    test_segments();
    test_heap_and_stack();
    test_mmap();
    test_cow();
    return done();
}
