/*
 * tap.h - a tiny TAP (Test Anything Protocol) producer for the host unit
 * tests. Each check prints "ok N - description" or "not ok N - description"
 * followed by "# " lines showing what was got and what was expected;
 * tap_done() prints the plan "1..N" (TAP allows it at the end) and returns
 * the exit status: 0 if every check passed, 1 otherwise.
 *
 * Include it before klib_names.h, so these helpers use glibc's functions.
 */
#ifndef TESTS_UNIT_TAP_H
#define TESTS_UNIT_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static inline void tap_vreport(bool pass, const char *fmt, va_list ap)
{
    tap_count++;
    if (!pass)
        tap_failed++;
    printf("%s %d - ", pass ? "ok" : "not ok", tap_count);
    vprintf(fmt, ap);
    putchar('\n');
}

/* Prints one diagnostic line: "# " and the text. */
static inline __attribute__((format(printf, 1, 2))) void
tap_diag(const char *fmt, ...)
{
    va_list ap;

    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* Prints s (n bytes) in double quotes, with C escapes for unusual bytes. */
static inline void tap_put_quoted(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* A check of a plain condition; returns it. */
static inline __attribute__((format(printf, 2, 3))) bool
tap_ok(bool pass, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tap_vreport(pass, fmt, ap);
    va_end(ap);
    return pass;
}

/* got == expected, for integers (signed). */
static inline __attribute__((format(printf, 3, 4))) bool
tap_is_int(long long got, long long expected, const char *fmt, ...)
{
    bool pass = got == expected;
    va_list ap;

    va_start(ap, fmt);
    tap_vreport(pass, fmt, ap);
    va_end(ap);
    if (!pass) {
        tap_diag("%10s: %lld (%#llx)", "got", got, (unsigned long long)got);
        tap_diag("%10s: %lld (%#llx)", "expected", expected,
                 (unsigned long long)expected);
    }
    return pass;
}

/* got == expected, for unsigned integers. */
static inline __attribute__((format(printf, 3, 4))) bool
tap_is_uint(unsigned long long got, unsigned long long expected,
            const char *fmt, ...)
{
    bool pass = got == expected;
    va_list ap;

    va_start(ap, fmt);
    tap_vreport(pass, fmt, ap);
    va_end(ap);
    if (!pass) {
        tap_diag("%10s: %llu (%#llx)", "got", got, got);
        tap_diag("%10s: %llu (%#llx)", "expected", expected, expected);
    }
    return pass;
}

static inline void tap_diag_str(const char *label, const char *s)
{
    printf("# %10s: ", label);
    if (s)
        tap_put_quoted(s, strlen(s));
    else
        fputs("NULL", stdout);
    putchar('\n');
}

/* Two NUL-terminated strings are equal (either may be NULL). */
static inline __attribute__((format(printf, 3, 4))) bool
tap_is_str(const char *got, const char *expected, const char *fmt, ...)
{
    bool pass = got && expected ? !strcmp(got, expected) : got == expected;
    va_list ap;

    va_start(ap, fmt);
    tap_vreport(pass, fmt, ap);
    va_end(ap);
    if (!pass) {
        tap_diag_str("got", got);
        tap_diag_str("expected", expected);
    }
    return pass;
}

/* Two byte buffers of n bytes are equal (NULs and all). */
static inline __attribute__((format(printf, 4, 5))) bool
tap_is_mem(const void *got, const void *expected, size_t n, const char *fmt,
           ...)
{
    bool pass = !memcmp(got, expected, n);
    va_list ap;

    va_start(ap, fmt);
    tap_vreport(pass, fmt, ap);
    va_end(ap);
    if (!pass) {
        printf("# %10s: ", "got");
        tap_put_quoted(got, n);
        printf("\n# %10s: ", "expected");
        tap_put_quoted(expected, n);
        putchar('\n');
    }
    return pass;
}

/* got contains needle. */
static inline __attribute__((format(printf, 3, 4))) bool
tap_like(const char *got, const char *needle, const char *fmt, ...)
{
    bool pass = got && strstr(got, needle);
    va_list ap;

    va_start(ap, fmt);
    tap_vreport(pass, fmt, ap);
    va_end(ap);
    if (!pass) {
        tap_diag_str("got", got);
        tap_diag_str("to contain", needle);
    }
    return pass;
}

/* Prints the plan; returns the exit status for main(). */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    if (tap_failed)
        tap_diag("%d of %d checks failed", tap_failed, tap_count);
    fflush(stdout);
    return tap_failed ? 1 : 0;
}

#endif /* TESTS_UNIT_TAP_H */
