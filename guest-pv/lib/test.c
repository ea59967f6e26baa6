/*
 * test.c - TAP output for test guests and their single verdict.
 */
#include <guest/test.h>

static unsigned int planned, ran, failed;

void test_plan(unsigned int n)
{
    planned = n;
    printk("1..%u\n", n);
}

void test_diag(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("# %s\n", buf);
}

bool test_ok(bool cond, const char *file, int line, const char *fmt, ...)
{
    char desc[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(desc, sizeof(desc), fmt, ap);
    va_end(ap);
    ran++;
    printk("%sok %u - %s\n", cond ? "" : "not ", ran, desc);
    if (!cond) {
        failed++;
        printk("#   failed at %s:%d\n", file, line);
    }
    return cond;
}

/* The plan (if none was given) and the RESULT line; true if all passed. */
static bool test_verdict(void)
{
    if (planned && ran != planned) {
        printk("# planned %u tests but ran %u\n", planned, ran);
        failed++;
    }
    if (!planned)
        printk("1..%u\n", ran);
    printk("RESULT %s tests=%u failed=%u\n", failed ? "fail" : "pass", ran,
           failed);
    return !failed;
}

void test_done(void)
{
    guest_shutdown(test_verdict() ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}

void test_done_hang(void)
{
    if (!test_verdict())
        guest_shutdown(SHUTDOWN_crash);
    printk("blocking for ever, with no timer\n");
    for (;;)
        block_domain();
}

/* The entry point of a test guest: its checks, then the verdict. */
void guest_main(void)
{
    test_main();
    test_done();
}
