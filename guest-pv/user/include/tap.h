/*
 * tap.h - TAP output for pvk user test programs (implemented in
 * guest-pv/user/lib/tap.c, part of libpvkrt.a). Everything goes to stdout
 * and is flushed line by line, so the output so far survives a crash.
 *
 *     plan(3);                        optional: prints "1..3" first
 *     ok(p != NULL, "malloc %d", n);  "ok 1 - malloc 16" or "not ok 1 - ..."
 *                                     and "#   Failed at file.c:12"
 *     is(x, 42, "the answer");        integers; on failure prints both
 *     diag("seed %u", seed);          a "# ..." comment line
 *     return done();                  "1..N" if there was no plan; 0 if
 *                                     every test passed (and as many as
 *                                     planned ran), else 1
 *
 * The description is optional and must be a string literal (a format).
 * ok() and is() return whether the test passed.
 */
#ifndef TAP_H
#define TAP_H

#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))

void plan(int n);
int tap_ok_(int pass, const char *file, int line, const char *fmt, ...)
    TAP_PRINTF(4, 5);
int tap_is_(long long got, long long want, const char *file, int line,
            const char *fmt, ...) TAP_PRINTF(5, 6);
void diag(const char *fmt, ...) TAP_PRINTF(1, 2);
int done(void);

/* The " " prefix keeps the format non-empty (-Wformat-zero-length). */
#define ok(cond, ...) tap_ok_(!!(cond), __FILE__, __LINE__, " " __VA_ARGS__)
#define is(got, want, ...)                                                    \
    tap_is_((long long)(got), (long long)(want), __FILE__, __LINE__,         \
            " " __VA_ARGS__)

#endif /* TAP_H */
