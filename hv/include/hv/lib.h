/*
 * lib.h - the hypervisor's small C library: string functions, formatted
 * output, logging with levels, and the assertion macros that stay on in
 * every build.
 */
#ifndef __HV_LIB_H__
#define __HV_LIB_H__

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member)                                        \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define ROUNDUP(x, a) (((x) + (a)-1) & ~((a)-1))
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __noreturn  __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __aligned(n) __attribute__((aligned(n)))
#define __section(s) __attribute__((section(s)))
#define __used      __attribute__((used))

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
/* Parses an unsigned number (0x prefix for hex); *end past it. */
unsigned long simple_strtoul(const char *s, const char **end, unsigned base);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

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
