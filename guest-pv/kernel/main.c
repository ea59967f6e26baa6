/*
 * main.c - guest_main(): bring the kernel up in order, start init, and
 * become the scheduler. The command line names init and its arguments:
 *
 *   init=/bin/init args=unpack,build,verify
 *
 * (args are split at commas; the defaults are /bin/init and none). When
 * init exits the domain shuts down: poweroff if it exited 0, crash if not.
 */
#include "kernel.h"

#define MAX_INIT_ARGS 16

void kpanic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("pvk: PANIC: %s\n", buf);
    guest_shutdown(SHUTDOWN_crash);
}

void guest_main(void)
{
    static char path[PVK_PATH_MAX], args[512];
    char *argv[MAX_INIT_ARGS + 2], *s;
    unsigned int argc = 0;

    kprintf("%s: %u pages (%u MiB), kernel at %#x\n", start_info->name,
            start_info->nr_pages, start_info->nr_pages >> 8,
            start_info->virt_base);
    page_init();     /* mem_map and the free list */
    pt_init();       /* user page tables (PV mode) */
    trap_init();     /* faults, system calls, the tick; events masked */
    share_init();    /* page sharing, if the domain is in a share group */
    balloon_init();  /* self-ballooning, with balloon=self */
    blkfront_init(); /* disk 0 */
    vfs_init();      /* pvfs on /, tmpfs on /tmp */
    swap_init();     /* disk 1, if there is one; frontswap */
    proc_init();

    if (!cmdline_get("init", path, sizeof(path)))
        strlcpy(path, "/bin/init", sizeof(path));
    argv[argc++] = path;
    if (cmdline_get("args", args, sizeof(args)) && args[0])
        for (s = args; s && argc <= MAX_INIT_ARGS;) {
            char *comma = strchr(s, ',');

            if (comma)
                *comma = '\0';
            if (*s)
                argv[argc++] = s;
            s = comma ? comma + 1 : NULL;
        }
    argv[argc] = NULL;
    kprintf("starting %s with %u argument%s; %u pages free\n", path, argc - 1,
            argc == 2 ? "" : "s", nr_free_pages);
    proc_spawn_init(path, argv);
    scheduler();
}
