/*
 * tap.c - TAP output for user test programs (see tap.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <tap.h>

static int planned = -1; /* -1: no plan() */
static int run, failed;

void plan(int n)
{
    planned = n;
    printf("1..%d\n", n);
    fflush(stdout);
}

/* One result line; fmt is " " (no description) or " description". */
static int result(int pass, const char *file, int line, const char *fmt,
                  va_list ap)
{
    char desc[256];

    vsnprintf(desc, sizeof(desc), fmt, ap);
    run++;
    if (!pass)
        failed++;
    printf("%sok %d%s%s\n", pass ? "" : "not ", run,
           desc[0] && desc[1] ? " -" : "", desc[0] && desc[1] ? desc : "");
    if (!pass)
        printf("#   Failed at %s:%d\n", file, line);
    fflush(stdout);
    return pass;
}

int tap_ok_(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    pass = result(pass, file, line, fmt, ap);
    va_end(ap);
    return pass;
}

int tap_is_(long long got, long long want, const char *file, int line,
            const char *fmt, ...)
{
    va_list ap;
    int pass = got == want;

    va_start(ap, fmt);
    result(pass, file, line, fmt, ap);
    va_end(ap);
    if (!pass) {
        printf("#          got: %lld\n#     expected: %lld\n", got, want);
        fflush(stdout);
    }
    return pass;
}

void diag(const char *fmt, ...)
{
    va_list ap;

    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

int done(void)
{
    int bad = failed != 0;

    if (planned < 0) {
        printf("1..%d\n", run);
    } else if (run != planned) {
        printf("# Looks like you planned %d tests but ran %d.\n", planned, run);
        bad = 1;
    }
    if (failed)
        printf("# Looks like you failed %d test%s of %d.\n", failed,
               failed == 1 ? "" : "s", run);
    fflush(stdout);
    return bad;
}
