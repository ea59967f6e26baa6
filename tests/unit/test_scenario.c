/*
 * test_scenario.c - host unit tests for the scenario-file parser,
 * hv/common/scenario.c (format in hv/include/hv/scenario.h).
 *
 * Valid files must give the expected struct scenario; every malformed one
 * must be refused with -1 and a one-line message "line N: ..." naming the
 * problem. Each parse runs in a child process, so a parser crash is one
 * failed check rather than the end of the test, and the text is copied so
 * that it ends right before an inaccessible page: reading past the bytes
 * the parser was given faults.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#include <hv/scenario.h>
#include <public/sched.h>

/* What one scenario_parse() call gave; written by the child process. */
struct outcome {
    int ret;
    int signal; /* the child died of this signal; 0 if it did not */
    char err[256];
    struct scenario s;
};

static struct outcome *out; /* shared with the child */
static size_t page_size;

/*
 * Runs scenario_parse on len bytes of text, copied to the end of a
 * mapping followed by an inaccessible page. With nul, a NUL follows the
 * len bytes (as in the hypervisor, which terminates the text); without,
 * the byte after the last one is in the inaccessible page. errlen bytes
 * of out->err are offered; the rest holds '@'.
 */
static const struct outcome *run(const char *text, size_t len, bool nul,
                                 size_t errlen)
{
    size_t need = len + (nul ? 1 : 0);
    size_t data = (need + page_size - 1) / page_size * page_size;
    char *map, *copy;
    pid_t pid;
    int status;

    if (!data)
        data = page_size;
    map = mmap(NULL, data + page_size, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED || mprotect(map + data, page_size, PROT_NONE)) {
        perror("mmap");
        exit(2);
    }
    copy = map + data - need;
    memcpy(copy, text, len);
    if (nul)
        copy[len] = '\0';

    memset(out, 0, sizeof(*out));
    out->ret = 12345;
    memset(out->err, '@', sizeof(out->err));
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        out->ret = scenario_parse(copy, len, &out->s, errlen ? out->err : NULL,
                                  errlen);
        _exit(0);
    }
    if (waitpid(pid, &status, 0) != pid) {
        perror("waitpid");
        exit(2);
    }
    if (WIFSIGNALED(status))
        out->signal = WTERMSIG(status);
    munmap(map, data + page_size);
    return out;
}

static void diag_outcome(const struct outcome *o)
{
    if (o->signal)
        tap_diag("the parser was killed by signal %d (%s)", o->signal,
                 strsignal(o->signal));
    else if (o->ret)
        tap_diag_str("error", o->err);
}

/* One check that the text parses; returns the outcome for more checks. */
static const struct outcome *accepts_len(const char *text, size_t len, bool nul,
                                         const char *desc)
{
    const struct outcome *o = run(text, len, nul, sizeof(out->err));

    if (!tap_ok(!o->signal && o->ret == 0, "accepts %s", desc))
        diag_outcome(o);
    return o;
}

static const struct outcome *accepts(const char *text, const char *desc)
{
    return accepts_len(text, strlen(text), true, desc);
}

/*
 * Two checks: the text is refused with -1, and the message starts with
 * "line N: " (unless line is 0), contains what, and is one line.
 */
static void rejects_len(const char *text, size_t len, bool nul,
                        unsigned int line, const char *what, const char *desc)
{
    const struct outcome *o = run(text, len, nul, sizeof(out->err));
    char prefix[32] = "";
    bool pass;

    if (line)
        snprintf(prefix, sizeof(prefix), "line %u: ", line);

    if (!tap_ok(!o->signal && o->ret == -1, "rejects %s", desc)) {
        diag_outcome(o);
        if (!o->signal)
            tap_diag("scenario_parse returned %d", o->ret);
    }
    pass = !o->signal && memchr(o->err, '\0', sizeof(o->err)) &&
           !strncmp(o->err, prefix, strlen(prefix)) && strstr(o->err, what) &&
           !strchr(o->err, '\n');
    if (!tap_ok(pass, "  %s: the message %s%s%s'%s'", desc,
                line ? "starts '" : "", prefix, line ? "', has " : "has ",
                what)) {
        if (o->signal)
            tap_diag("the parser was killed by signal %d", o->signal);
        else if (memchr(o->err, '\0', sizeof(o->err)))
            tap_diag_str("got", o->err);
        else
            tap_diag("the message is not terminated");
        if (line)
            tap_diag_str("to start", prefix);
        tap_diag_str("to contain", what);
    }
}

static void rejects(const char *text, unsigned int line, const char *what,
                    const char *desc)
{
    rejects_len(text, strlen(text), true, line, what, desc);
}

/* A string of n copies of c (n < 1024), in a static buffer. */
static const char *repeat(char c, size_t n)
{
    static char buf[4][1024];
    static unsigned int next;
    char *b = buf[next++ % 4];

    memset(b, c, n);
    b[n] = '\0';
    return b;
}

static void test_one_domain(void)
{
    const struct outcome *o;
    const struct scenario_domain *d;

    o = accepts("domain name=web kernel=guest.elf\n", "one minimal domain");
    d = &o->s.dom[0];
    tap_is_uint(o->s.nr_domains, 1, "  one domain");
    tap_is_str(d->name, "web", "  name");
    tap_is_str(d->kernel, "guest.elf", "  kernel");
    tap_is_str(d->module, "", "  no module");
    tap_is_uint(d->nr_disks, 0, "  no disks");
    tap_is_uint(d->nr_pages, 32 * 256, "  mem defaults to 32M");
    tap_is_uint(d->start_pages, 32 * 256, "  start defaults to mem");
    tap_is_uint(d->mode, PT_MODE_PV, "  mode defaults to pv");
    tap_is_str(d->cmdline, "", "  empty cmdline");
    tap_is_uint(d->expect, SHUTDOWN_poweroff, "  expect defaults to poweroff");
    tap_is_uint(d->line, 1, "  defined on line 1");

    o = accepts("domain name=db kernel=k.elf mem=64M mode=shadow "
                "module=initrd disk=d0 cmdline=test=all expect=crash",
                "a domain with every key, no final newline");
    d = &o->s.dom[0];
    tap_is_uint(o->s.nr_domains, 1, "  one domain");
    tap_is_str(d->name, "db", "  name");
    tap_is_str(d->kernel, "k.elf", "  kernel");
    tap_is_uint(d->nr_pages, 64 * 256, "  mem=64M");
    tap_is_uint(d->start_pages, 64 * 256, "  start defaults to mem=64M");
    tap_is_uint(d->mode, PT_MODE_SHADOW, "  mode=shadow");
    tap_is_str(d->module, "initrd", "  module");
    tap_is_uint(d->nr_disks, 1, "  one disk");
    tap_is_str(d->disks[0].name, "d0", "  disk");
    tap_is_uint(d->disks[0].kind, SCN_DISK_RO, "  read-only");
    tap_is_str(d->cmdline, "test=all", "  unquoted cmdline keeps its '='");
    tap_is_uint(d->expect, SHUTDOWN_crash, "  expect=crash");

    o = accepts("domain name=a kernel=k mode=pv expect=poweroff",
                "explicit mode=pv and expect=poweroff");
    tap_is_uint(o->s.dom[0].mode, PT_MODE_PV, "  mode=pv");
    tap_is_uint(o->s.dom[0].expect, SHUTDOWN_poweroff, "  expect=poweroff");

    o = accepts("domain name=Az09_-xxxxxxxxx kernel=k",
                "a 15-character name of letters, digits, _ and -");
    tap_is_str(o->s.dom[0].name, "Az09_-xxxxxxxxx", "  name kept");
}

static void test_several_domains(void)
{
    const struct outcome *o;
    static char text[MAX_DOMAINS * 32];
    size_t n = 0;

    o = accepts("# a scenario\n"
                "\n"
                "   \t\n"
                "domain name=a kernel=ka   # a trailing comment\n"
                "  # an indented comment\n"
                "\tdomain\tname=b\tkernel=kb\r\n"
                "domain name=c kernel=kc mem=2M",
                "three domains among comments and blank lines");
    tap_is_uint(o->s.nr_domains, 3, "  three domains");
    tap_is_str(o->s.dom[0].name, "a", "  first name");
    tap_is_str(o->s.dom[0].kernel, "ka", "  a trailing comment is not a value");
    tap_is_uint(o->s.dom[0].line, 4, "  first domain on line 4");
    tap_is_str(o->s.dom[1].name, "b", "  second name (tabs separate)");
    tap_is_str(o->s.dom[1].kernel, "kb", "  CRLF line end is not in the value");
    tap_is_uint(o->s.dom[1].line, 6, "  second domain on line 6");
    tap_is_str(o->s.dom[2].name, "c", "  third name");
    tap_is_uint(o->s.dom[2].nr_pages, 512, "  third domain's own mem");
    tap_is_uint(o->s.dom[0].nr_pages, 32 * 256, "  first domain's default mem");
    tap_is_uint(o->s.dom[2].line, 7, "  third domain on line 7");

    for (int i = 0; i < MAX_DOMAINS; i++)
        n += snprintf(text + n, sizeof(text) - n, "domain name=d%d kernel=k\n",
                      i);
    o = accepts(text, "MAX_DOMAINS (128) domains");
    tap_is_uint(o->s.nr_domains, MAX_DOMAINS, "  all 128 kept");
    tap_is_str(o->s.dom[MAX_DOMAINS - 1].name, "d127", "  the last one is d127");
}

static void test_quoting(void)
{
    const struct outcome *o;

    o = accepts("domain name=a kernel=k cmdline=\"say \\\"hi\\\" c:\\\\dir\"",
                "a quoted cmdline with \\\" and \\\\");
    tap_is_str(o->s.dom[0].cmdline, "say \"hi\" c:\\dir", "  escapes undone");

    o = accepts("domain name=a kernel=k cmdline=\"a\\tb\\\\\"",
                "a quoted cmdline with a backslash before another character");
    tap_is_str(o->s.dom[0].cmdline, "a\\tb\\", "  other backslashes kept");

    o = accepts("domain name=a cmdline=\"x # y  z\" kernel=k # comment",
                "a quoted cmdline holding '#' and spaces, then more keys");
    tap_is_str(o->s.dom[0].cmdline, "x # y  z", "  quoted text kept as is");
    tap_is_str(o->s.dom[0].kernel, "k", "  the key after it is read");

    o = accepts("domain name=a kernel=k cmdline=\"\"",
                "an empty quoted cmdline");
    tap_is_str(o->s.dom[0].cmdline, "", "  empty cmdline");

    o = accepts("domain name=\"q\" kernel=\"k k\"", "quoted name and kernel");
    tap_is_str(o->s.dom[0].name, "q", "  quoted name");
    tap_is_str(o->s.dom[0].kernel, "k k", "  quoted kernel with a space");
}

static void test_mem_sizes(void)
{
    static const struct {
        const char *mem;
        uint32_t pages;
    } sizes[] = {
        { "4096K", 1024 }, { "4096k", 1024 },  { "8192KiB", 2048 },
        { "16M", 4096 },   { "16m", 4096 },    { "16", 4096 },
        { "16MiB", 4096 }, { "16MB", 4096 },   { "1M", 256 },
        { "1024K", 256 },  { "512M", 131072 }, { "524288K", 131072 },
        { "012M", 3072 },
    };
    char text[128], desc[32];

    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        const struct outcome *o;

        snprintf(text, sizeof(text), "domain name=a kernel=k mem=%s",
                 sizes[i].mem);
        snprintf(desc, sizeof(desc), "mem=%s", sizes[i].mem);
        o = accepts(text, desc);
        tap_is_uint(o->s.dom[0].nr_pages, sizes[i].pages, "  is %u pages",
                    sizes[i].pages);
    }
}

static void test_disks(void)
{
    const struct outcome *o;

    o = accepts("domain name=a kernel=k disk=d0 disk=d1 disk=d2 disk=d3",
                "four disk= keys");
    tap_is_uint(o->s.dom[0].nr_disks, 4, "  four disks");
    tap_is_str(o->s.dom[0].disks[0].name, "d0", "  disk 0");
    tap_is_str(o->s.dom[0].disks[1].name, "d1", "  disk 1");
    tap_is_str(o->s.dom[0].disks[3].name, "d3", "  disk 3");

    o = accepts("domain name=a kernel=k cowdisk=base.img wdisk=64M disk=r",
                "cowdisk=, wdisk= and disk= in one line");
    tap_is_uint(o->s.dom[0].nr_disks, 3, "  three disks, in order");
    tap_is_uint(o->s.dom[0].disks[0].kind, SCN_DISK_COW, "  disk 0: cow");
    tap_is_str(o->s.dom[0].disks[0].name, "base.img", "  over base.img");
    tap_is_uint(o->s.dom[0].disks[1].kind, SCN_DISK_SCRATCH,
                "  disk 1: scratch");
    tap_is_uint((unsigned int)o->s.dom[0].disks[1].size_kb, 65536,
                "  of 64M");
    tap_is_uint(o->s.dom[0].disks[2].kind, SCN_DISK_RO, "  disk 2: ro");

    rejects("domain name=a kernel=k disk=a disk=b disk=c disk=d wdisk=1M", 1,
            "too many disks (at most 4)", "a fifth disk");
    rejects("domain name=a kernel=k disk=a-name-of-21-chars-xy", 1,
            "disk=a-name-of-21-chars-xy: an image name has at most 20 "
            "characters",
            "an image name longer than a serial number");
    rejects("domain name=a kernel=k wdisk=lots", 1,
            "wdisk=lots is not a size", "wdisk= that is not a size");
    rejects("domain name=a kernel=k wdisk=512K", 1,
            "wdisk=512K out of range (1M to 64G)", "wdisk= below 1M");
    rejects("domain name=a kernel=k cowdisk=", 1, "empty value for 'cowdisk'",
            "an empty cowdisk=");
}

static void test_bad_lines(void)
{
    static char text[MAX_DOMAINS * 32 + 64];
    size_t n = 0;

    rejects("domain name=a kernel=k color=red", 1, "unknown key 'color'",
            "an unknown key");
    rejects("domain name=a kernel=k verbose", 1,
            "expected key=value, found 'verbose'", "a key without a value");
    rejects("domain name =a kernel=k", 1, "expected key=value, found 'name'",
            "a space before '='");
    rejects("domain name=a kernel=k =x", 1, "unknown key ''", "an empty key");
    rejects("domain kernel=k", 1, "no name=", "a domain without a name");
    rejects("domain name=a", 1,
            "domain 'a' has no kernel=", "a domain without a kernel");
    rejects("domain", 1, "no name=", "a bare 'domain'");
    rejects("domain name=a kernel=k\ndomain name=a kernel=k2", 2,
            "duplicate domain name 'a'", "a duplicate name");
    rejects("domain name=we.b kernel=k", 1,
            "name 'we.b' may hold only letters, digits, _ and -",
            "a name with a '.'");
    rejects("domain name=a/b kernel=k", 1, "may hold only",
            "a name with a '/'");
    rejects("domain name=abcdefghijklmnop kernel=k", 1,
            "value of 'name' too long", "a 16-character name");
    rejects("domain name= kernel=k", 1, "empty value for 'name'",
            "an empty name");
    rejects("domain name=a kernel=", 1, "empty value for 'kernel'",
            "an empty kernel");
    rejects("domain name=a kernel=k mode=hvm", 1,
            "mode=hvm: expected pv or shadow", "an unknown mode");
    rejects("domain name=a kernel=k expect=reboot", 1,
            "expect=reboot: expected poweroff or crash", "an unknown expect");
    rejects("name=a kernel=k", 1, "expected 'domain' or 'group', found 'name=a'",
            "a line not starting with 'domain'");
    rejects("domains name=a kernel=k", 1, "found 'domains'",
            "a line starting with 'domains'");
    rejects("Domain name=a kernel=k", 1, "found 'Domain'",
            "a line starting with 'Domain'");
    rejects("domain name=a kernel=k\n"
            "   hello world\n",
            2, "found 'hello'", "an indented stray line after a domain");
    rejects("domain name=a kernel=k\n"
            "# comment\n"
            "\n"
            "domain name=b kernel=k\n"
            "\r\n"
            "domain name=c kernel=k bad=1\n",
            6, "unknown key 'bad'",
            "an error on line 6 (comments and blank lines count)");

    for (int i = 0; i <= MAX_DOMAINS; i++)
        n += snprintf(text + n, sizeof(text) - n, "domain name=d%d kernel=k\n",
                      i);
    rejects(text, MAX_DOMAINS + 1, "too many domains (at most 128)",
            "129 domains (more than MAX_DOMAINS)");
    rejects("domain name=a kernel=k disk=a disk=b disk=c disk=d disk=e", 1,
            "too many disks (at most 4)", "five disks");
    rejects("", 0, "no domain lines", "an empty file");
    rejects("# only\n\n   # comments\n\n", 0, "no domain lines",
            "a file of comments and blank lines");
}

static void test_start(void)
{
    const struct outcome *o;

    o = accepts("domain name=a kernel=k mem=64M start=16M",
                "start= below mem=");
    tap_is_uint(o->s.dom[0].nr_pages, 64 * 256, "  mem is the maximum");
    tap_is_uint(o->s.dom[0].start_pages, 16 * 256, "  start the initial");
    o = accepts("domain name=a kernel=k start=8M", "start= with mem's default");
    tap_is_uint(o->s.dom[0].start_pages, 8 * 256, "  start=8M of 32M");
    rejects("domain name=a kernel=k mem=16M start=32M", 1,
            "start= is more than mem=", "start= above mem=");
    rejects("domain name=a kernel=k start=lots", 1, "start=lots is not a size",
            "start=lots");
    rejects("domain name=a kernel=k start=8M start=8M", 1, "start given twice",
            "start= twice");
}

static void test_groups(void)
{
    const struct outcome *o;

    o = accepts("domain name=a kernel=k mode=shadow share=t\n"
                "group name=t behaviour=same\n"
                "domain name=b kernel=k mode=shadow share=t\n"
                "domain name=c kernel=k share=u\n",
                "a same-behaviour group line after its first domain");
    tap_is_uint(o->s.nr_groups, 1, "  one group line");
    tap_ok(o->s.dom[0].share_same && o->s.dom[1].share_same &&
               !o->s.dom[2].share_same,
           "  its two domains are same-behaviour, the other group's not");
    o = accepts("group name=t behaviour=normal\n"
                "domain name=a kernel=k share=t\n",
                "behaviour=normal, before the domain, a PV domain");
    tap_ok(!o->s.dom[0].share_same, "  not same-behaviour");
    rejects("domain name=a kernel=k share=t\ngroup name=t behaviour=same\n",
            2, "group 't' has behaviour=same, but domain 'a' is not "
               "mode=shadow",
            "behaviour=same with a PV domain");
    rejects("domain name=a kernel=k share=t\ngroup name=x behaviour=same\n",
            2, "group 'x': no domain has share= it", "a group nobody is in");
    rejects("domain name=a kernel=k mode=shadow share=t\n"
            "group name=t behaviour=same\ngroup name=t\n",
            3, "a second line for group 't'", "two lines for one group");
    rejects("domain name=a kernel=k share=t\ngroup name=t behaviour=odd\n",
            2, "behaviour=odd: expected normal or same", "behaviour=odd");
    rejects("domain name=a kernel=k share=t\ngroup name=t mem=4M\n", 2,
            "unknown key 'mem' on a group line", "a domain key on a group line");
    rejects("domain name=a kernel=k share=t\ngroup behaviour=same\n", 2,
            "group has no name=", "a group line without a name");
    rejects("domain name=a kernel=k share=t\ngroup name=t/x\n", 2,
            "may hold only", "a group name with a '/'");
}

static void test_bad_mem(void)
{
    rejects("domain name=a kernel=k mem=lots", 1, "mem=lots is not a size",
            "mem=lots");
    rejects("domain name=a kernel=k mem=", 1, "mem= is not a size", "mem=");
    rejects("domain name=a kernel=k mem=32X", 1, "mem=32X is not a size",
            "mem=32X");
    rejects("domain name=a kernel=k mem=-1M", 1, "is not a size", "mem=-1M");
    rejects("domain name=a kernel=k mem=32MiBx", 1, "is not a size",
            "mem=32MiBx");
    rejects("domain name=a kernel=k mem=0x10M", 1, "is not a size",
            "mem=0x10M");
    rejects("domain name=a kernel=k mem=6K", 1,
            "mem=6K is not a multiple of 4K", "mem=6K");
    rejects("domain name=a kernel=k mem=1022K", 1, "not a multiple of 4K",
            "mem=1022K");
    rejects("domain name=a kernel=k mem=1020K", 1, "mem=1020K out of range",
            "mem=1020K (too small)");
    rejects("domain name=a kernel=k mem=0", 1, "out of range", "mem=0");
    rejects("domain name=a kernel=k mem=897M", 1, "mem=897M out of range",
            "mem=897M (too large)");
    rejects("domain name=a kernel=k mem=917508K", 1, "out of range",
            "mem=917508K (896M + 4K)");
    rejects("domain name=a kernel=k mem=1G", 1, "mem=1G out of range (1M to 896M)",
            "mem=1G");
    rejects("domain name=a kernel=k mem=32M mem=64M", 1, "mem given twice",
            "mem given twice");
    /* 2^54 + 1 MiB: the KiB count wraps around 2^64 to 1024 (1 MiB). */
    rejects("domain name=a kernel=k mem=18014398509481985M", 1,
            "mem=18014398509481985M", "mem=18014398509481985M (overflows)");
}

static void test_bad_values(void)
{
    static const char nul_text[] = "domain name=a kernel=k\n"
                                   "domain name=b\0 kernel=k\n";
    const struct outcome *o;
    char text[1024];

    rejects("domain name=a kernel=k cmdline=\"abc", 1,
            "unterminated quote in value of 'cmdline'",
            "an unterminated quote");
    rejects("domain name=a kernel=k cmdline=\"abc\ndef\"", 1,
            "unterminated quote", "a quote running to the next line");
    rejects("domain name=a kernel=k cmdline=\"a\"b", 1,
            "text right after the closing quote of 'cmdline'",
            "text right after a closing quote");
    rejects_len(nul_text, sizeof(nul_text) - 1, true, 2, "binary data",
                "a NUL byte on line 2");

    snprintf(text, sizeof(text), "domain name=a kernel=%s", repeat('k', 63));
    o = accepts(text, "a 63-character kernel");
    tap_is_uint(strlen(o->s.dom[0].kernel), 63, "  all of it kept");
    snprintf(text, sizeof(text), "domain name=a kernel=%s", repeat('k', 64));
    rejects(text, 1, "value of 'kernel' too long", "a 64-character kernel");
    snprintf(text, sizeof(text), "domain name=a kernel=%s", repeat('k', 600));
    rejects(text, 1, "value of 'kernel' too long", "a 600-character kernel");
    snprintf(text, sizeof(text), "domain name=a kernel=k module=%s",
             repeat('m', 64));
    rejects(text, 1, "value of 'module' too long", "a 64-character module");
    snprintf(text, sizeof(text), "domain name=a kernel=k disk=%s",
             repeat('d', 64));
    rejects(text, 1, "an image name has at most 20 characters",
            "a 64-character disk");
    snprintf(text, sizeof(text), "domain name=a kernel=k cmdline=\"%s\"",
             repeat('c', 511));
    o = accepts(text, "a 511-character cmdline");
    tap_is_uint(strlen(o->s.dom[0].cmdline), 511, "  all of it kept");
    snprintf(text, sizeof(text), "domain name=a kernel=k cmdline=\"%s\"",
             repeat('c', 512));
    rejects(text, 1, "value of 'cmdline' too long", "a 512-character cmdline");
    snprintf(text, sizeof(text), "domain name=a kernel=k %s=1",
             repeat('x', 40));
    rejects(text, 1, "key too long", "a 40-character key");
}

/*
 * The parser keeps each key to one meaning: a key given twice is refused
 * (as mem= is), not silently replaced by its last value.
 */
static void test_repeated_keys(void)
{
    rejects("domain name=a kernel=k1 kernel=k2", 1, "twice",
            "kernel given twice");
    rejects("domain name=a name=b kernel=k", 1, "twice", "name given twice");
}

/* scenario_parse gets (text, len): it must not look past len bytes. */
static void test_length_bounds(void)
{
    const char *two = "domain name=a kernel=kernel.elf\ndomain name=b kernel=k";
    const struct outcome *o;
    char text[64];

    o = accepts_len(two, 32, false, "the first line of two, by len");
    tap_is_uint(o->s.nr_domains, 1, "  one domain");
    tap_is_str(o->s.dom[0].kernel, "kernel.elf", "  its kernel");
    o = accepts_len(two, 26, false, "text cut by len in a value");
    tap_is_str(o->s.dom[0].kernel, "kerne", "  the value ends at len");
    rejects_len("domain name=a kernel=k cmdline=\"abc", 35, false, 1,
                "unterminated quote", "an unterminated quote at len");
    rejects_len("bogus", 5, false, 1, "expected 'domain' or 'group', found 'bogus'",
                "a stray word right at len");

    /* A short error buffer gets a terminated prefix of the message. */
    o = run("domain name=a kernel=k color=red", 32, true, 8);
    tap_is_int(o->ret, -1, "rejects with an 8-byte error buffer");
    tap_is_mem(o->err, "line 1:\0@", 9,
               "  the message is cut to 7 characters, nothing written past");
    o = run("", 0, true, 4);
    tap_is_mem(o->err, "no \0@", 5, "  'no domain lines' is cut the same way");
    o = run("domain color=red", 16, true, 0);
    tap_ok(!o->signal && o->ret == -1, "rejects with no error buffer at all");
    o = run("# nothing", 9, true, 0);
    tap_ok(!o->signal && o->ret == -1,
           "rejects an empty file with no error buffer");

    snprintf(text, sizeof(text), "domain name=a kernel=k");
    o = accepts_len(text, strlen(text), false, "a valid file right at len");
    tap_is_str(o->s.dom[0].kernel, "k", "  its kernel");
}

int main(void)
{
    page_size = (size_t)sysconf(_SC_PAGESIZE);
    out = mmap(NULL, sizeof(*out), PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (out == MAP_FAILED) {
        perror("mmap");
        return 2;
    }

    test_one_domain();
    test_several_domains();
    test_quoting();
    test_mem_sizes();
    test_disks();
    test_bad_lines();
    test_start();
    test_groups();
    test_bad_mem();
    test_bad_values();
    test_repeated_keys();
    test_length_bounds();
    return tap_done();
}
