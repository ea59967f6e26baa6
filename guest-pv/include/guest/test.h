/*
 * test.h - TAP output for test guests, XTF style: a test prints a plan,
 * one "ok N - what" or "not ok N - what" per check (with the failing line),
 * and ends with exactly one verdict through test_done(), which also shuts
 * the domain down (poweroff if everything passed, crash if not).
 */
#ifndef __GUEST_TEST_H__
#define __GUEST_TEST_H__

#include <guest/guest.h>

void test_plan(unsigned int n);
/* Record one check; returns cond. */
bool test_ok(bool cond, const char *file, int line, const char *fmt, ...)
    __printf(4, 5);
void test_done(void) __noreturn;
/* The verdict as test_done() prints it, then (if it passed) block for
 * ever with no timer set instead of shutting down: a domain the
 * hypervisor's watchdog must find still running. */
void test_done_hang(void) __noreturn;
void test_diag(const char *fmt, ...) __printf(1, 2);

#define ok(cond, ...) test_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* Compare two integers; on failure print both. */
#define is(got, want, ...)                                                     \
    ({                                                                         \
        long __g = (long)(got), __w = (long)(want);                            \
        bool __r = test_ok(__g == __w, __FILE__, __LINE__, __VA_ARGS__);       \
        if (!__r)                                                              \
            test_diag("  got %ld (%#lx), want %ld (%#lx)", __g, __g, __w,      \
                      __w);                                                    \
        __r;                                                                   \
    })

#endif /* __GUEST_TEST_H__ */
