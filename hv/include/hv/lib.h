/*
 * lib.h - the hypervisor's C library: klib (string functions, formatted
 * output), logging with levels, and the assertion macros that stay on in
 * every build.
 */
#ifndef __HV_LIB_H__
#define __HV_LIB_H__

#include <klib.h>

/*
 * Log levels, as the first characters of a printk format (Xen's XENLOG_*).
 * Messages above the threshold set by loglvl= on the command line are
 * dropped. A format without a level prints at XENLOG_INFO.
 */
#define XENLOG_ERR     "<0>"
#define XENLOG_WARNING "<1>"
#define XENLOG_INFO    "<2>"
#define XENLOG_DEBUG   "<3>"

/*
 * printk - format one or more whole lines and write them to the console,
 * each prefixed with "(hv) ". A line is never split across calls; a
 * missing final newline is supplied.
 */
void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);
/* The longest text one printk prints whole; longer text is cut. */
#define PRINTK_MAX 6144

/*
 * panic - print "(hv) PANIC: <message>", the counters, and stop the machine
 * with the panic exit code. For broken hypervisor invariants only, never for
 * bad guest input.
 */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

/* Always-on invariant checks: a corrupted count stops the machine. */
#define BUG_ON(cond)                                                           \
    do {                                                                       \
        if (unlikely(cond))                                                    \
            panic("%s:%d: BUG_ON(%s)", __FILE__, __LINE__, #cond);             \
    } while (0)
#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (unlikely(!(cond)))                                                 \
            panic("%s:%d: assertion '%s' failed", __FILE__, __LINE__, #cond);  \
    } while (0)
#define BUG() panic("%s:%d: BUG", __FILE__, __LINE__)

#endif /* __HV_LIB_H__ */
