/*
 * klib.h - the freestanding C library shared by the hypervisor, the guest
 * kernels and the host unit tests: string functions, formatted output, and
 * the arithmetic both sides of the ABI must agree on.
 * Pure code: no state, no hardware, no allocation.
 */
#ifndef __KLIB_H__
#define __KLIB_H__

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member)                                        \
    ((type *)((char *)(ptr)-offsetof(type, member)))
#define min(a, b)      ((a) < (b) ? (a) : (b))
#define max(a, b)      ((a) > (b) ? (a) : (b))
#define ROUNDUP(x, a)  (((x) + (a)-1) & ~((a)-1))
#define STRINGIFY_(x)  #x
#define STRINGIFY(x)   STRINGIFY_(x) /* a macro's value as a string */
#define likely(x)      __builtin_expect(!!(x), 1)
#define unlikely(x)    __builtin_expect(!!(x), 0)
#define __noreturn     __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __aligned(n)   __attribute__((aligned(n)))
#define __section(s)   __attribute__((section(s)))
#define __used         __attribute__((used))

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
/*
 * parse_u32 - parse an unsigned 32-bit number in base (0: decimal, or hex
 * with a 0x prefix). *end (if not NULL) is set past the digits. Returns
 * false if there are no digits or the number does not fit in 32 bits
 * (*out is then saturated).
 */
bool parse_u32(const char *s, const char **end, unsigned base, uint32_t *out);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * struct strbuf - a line built from several formatted pieces that can never
 * overrun its buffer (a sum of snprintf() returns can pass the end: the
 * VERDICT line once did). The text is always terminated; a piece that does
 * not fit is cut and `truncated` set, and every later piece is dropped.
 *
 *     char line[128];
 *     struct strbuf sb = STRBUF_INIT(line);
 *     strbuf_printf(&sb, "VERDICT");
 *     for_each_domain (d) strbuf_printf(&sb, " d%u=%s", d->domain_id, d->name);
 */
struct strbuf {
    char *buf;
    size_t size;    /* of buf, terminator included (at least 1)      */
    size_t len;     /* characters in buf now, < size                  */
    bool truncated; /* a piece was cut or dropped                     */
};
#define STRBUF_INIT(array) { (array), sizeof(array), 0, false }
/* Appends one formatted piece; returns false if it did not fit whole. */
bool strbuf_printf(struct strbuf *sb, const char *fmt, ...) __printf(2, 3);

/*
 * scale_delta - (delta << shift) * mul >> 32 (a negative shift shifts
 * right): TSC ticks to nanoseconds with the tsc_to_system_mul and
 * tsc_shift of struct vcpu_time_info.
 */
uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift);

#endif /* __KLIB_H__ */
