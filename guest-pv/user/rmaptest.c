/*
 * rmaptest - the guest kernel's reverse maps are exact. For chosen pages
 * it checks, with pvk_rmap_check (the kernel compares the page's reverse
 * map with a walk of every page table in the guest) and the mapcount
 * pvk_pageinfo reports, that the map follows every change: mmap, a second
 * mapping in the same process, fork, copy-on-write, munmap, exec and exit.
 * Prints TAP.
 */
#include <fcntl.h>
#include <pvk.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tap.h>
#include <unistd.h>

#define PAGE 4096

extern char **environ;

static unsigned int mapcount(void *va)
{
    struct pvk_pageinfo pi;

    return pvk_pageinfo(va, &pi) ? 0 : pi.mapcount;
}

static unsigned int pfn(void *va)
{
    struct pvk_pageinfo pi;

    return pvk_pageinfo(va, &pi) ? 0 : pi.pfn;
}

/* Wait until a child has created /tmp/ready.N (it has done its part). */
static void wait_ready(int n)
{
    char path[32];
    struct stat st;

    snprintf(path, sizeof(path), "/tmp/ready.%d", n);
    while (stat(path, &st))
        sched_yield();
    unlink(path);
}

static void say_ready(int n)
{
    char path[32];

    snprintf(path, sizeof(path), "/tmp/ready.%d", n);
    close(open(path, O_CREAT | O_WRONLY, 0644));
}

static void __attribute__((noreturn)) child_idle(void)
{
    /* Exec'ed with "idle N": nothing of the parent's mappings is left. */
    for (;;)
        sched_yield();
}

int main(int argc, char **argv)
{
    int fd = open("/bin/rmaptest", O_RDONLY), status, i;
    unsigned char *m1, *m2, *anon;
    pid_t pid, kids[5];

    if (argc > 2 && !strcmp(argv[1], "idle")) {
        say_ready(atoi(argv[2]));
        child_idle();
    }

    m1 = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    ok(m1 != MAP_FAILED && m1[0] == 0x7f, "map the first page of a file");
    is(mapcount(m1), 1, "mapped once");
    is(pvk_rmap_check(m1), 0, "its reverse map matches the page tables");
    m2 = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    (void)*(volatile unsigned char *)m2;
    ok(pfn(m1) == pfn(m2), "a second mapping in the same process: same page");
    is(mapcount(m1), 2, "mapped twice");
    is(pvk_rmap_check(m1), 0, "both mappings in the reverse map");
    munmap(m2, PAGE);
    is(mapcount(m1), 1, "munmap removes one");
    is(pvk_rmap_check(m1), 0, "and the reverse map follows");

    pid = fork();
    if (pid == 0)
        _exit(mapcount(m1) == 2 && pvk_rmap_check(m1) == 0 ? 0 : 1);
    waitpid(pid, &status, 0);
    is(WEXITSTATUS(status), 0, "in a forked child: mapped twice, map exact");
    is(mapcount(m1), 1, "the child's exit removed its mapping");
    is(pvk_rmap_check(m1), 0, "map exact after exit");

    for (i = 0; i < 5; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            say_ready(i);
            for (;;)
                sched_yield();
        }
        wait_ready(i);
    }
    is(mapcount(m1), 6, "five children alive: six mappings");
    is(pvk_rmap_check(m1), 0, "all six in the reverse map");
    for (i = 0; i < 5; i++) {
        kill(kids[i], 9);
        waitpid(kids[i], &status, 0);
    }
    is(mapcount(m1), 1, "killed children leave no mapping behind");

    anon = malloc(4 * PAGE);
    anon = (unsigned char *)(((unsigned long)anon + PAGE - 1) & ~(PAGE - 1UL));
    anon[0] = 1;
    is(mapcount(anon), 1, "an anonymous page, mapped once");
    pid = fork();
    if (pid == 0) {
        unsigned int before = pfn(anon);
        int shared_ok = mapcount(anon) == 2 && pvk_rmap_check(anon) == 0;

        anon[0] = 2; /* copy on write */
        _exit(shared_ok && pfn(anon) != before && mapcount(anon) == 1 &&
                      pvk_rmap_check(anon) == 0
                  ? 0
                  : 1);
    }
    waitpid(pid, &status, 0);
    is(WEXITSTATUS(status), 0,
       "after fork an anonymous page is shared, a write gives each its own");
    ok(mapcount(anon) == 1 && anon[0] == 1, "the parent's page is its own again");
    is(pvk_rmap_check(anon), 0, "map exact after copy-on-write");

    pid = fork();
    if (pid == 0) {
        char *args[] = { "rmaptest", "idle", "9", NULL };

        execve("/bin/rmaptest", args, environ);
        _exit(1);
    }
    wait_ready(9);
    is(mapcount(m1), 1, "a child that exec'ed holds none of the parent's mappings");
    is(pvk_rmap_check(m1), 0, "map exact after exec");
    kill(pid, 9);
    waitpid(pid, &status, 0);

    munmap(m1, PAGE);
    close(fd);
    return done();
}
