/*
 * console.c - guest console output through console_io, and shutdown.
 */
#include <guest/guest.h>

void console_write(const char *s, size_t n)
{
    while (n) {
        unsigned int chunk = n > 4096 ? 4096 : (unsigned int)n;

        (void)HYPERVISOR_console_io(CONSOLEIO_write, chunk, s);
        s += chunk;
        n -= chunk;
    }
}

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    console_write(buf, (size_t)n);
}

void guest_shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };

    for (;;)
        (void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
}

void guest_panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("PANIC: %s\n", buf);
    guest_shutdown(SHUTDOWN_crash);
}
