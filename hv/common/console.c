/*
 * console.c - printk, panic and the guests' console: every line on the
 * serial port carries its source, "(hv) " or "(dN) ", and is written whole.
 *
 * Owns the console line buffers. It must never block on a guest or let a
 * guest's bytes reach the terminal unfiltered.
 */
#include <hv/arch.h>
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/param.h>
#include <hv/stats.h>
#include <hv/time.h>
#include <asm/processor.h>
#include <asm/uaccess.h>

/* 0 = err, 1 = warning, 2 = info, 3 = debug (the digit of XENLOG_*). */
unsigned int console_loglvl = 2;
static const char *const loglvl_names[] = { "err", "warning", "info",
                                            "debug", NULL };
static char opt_loglvl[16] = "info";
string_param_choice("loglvl", opt_loglvl, loglvl_names);

static bool in_panic;

static void serial_puts(const char *s, size_t n)
{
    for (; n; n--, s++) {
        if (*s == '\n')
            arch_serial_putc('\r');
        arch_serial_putc(*s);
    }
}

/* Write text as whole lines, each with the given prefix. */
static void write_lines(const char *prefix, const char *text)
{
    size_t plen = strlen(prefix);

    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);

        serial_puts(prefix, plen);
        serial_puts(text, n);
        serial_puts("\n", 1);
        text += n + (nl ? 1 : 0);
    }
}

void console_init(void)
{
    unsigned int i;

    arch_serial_init();
    for (i = 0; loglvl_names[i]; i++)
        if (!strcmp(opt_loglvl, loglvl_names[i]))
            console_loglvl = i;
}

void vprintk(const char *fmt, va_list ap)
{
    static char buf[PRINTK_MAX];
    unsigned int level = 2;

    if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '3' && fmt[2] == '>') {
        level = fmt[1] - '0';
        fmt += 3;
    }
    if (level > console_loglvl)
        return;
    vsnprintf(buf, sizeof(buf), fmt, ap);
    write_lines("(hv) ", buf);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void gprintk_flush(struct domain *d)
{
    if (d->log_suppressed)
        printk(XENLOG_WARNING "d%u: %u guest-caused messages suppressed",
               d->domain_id, d->log_suppressed);
    d->log_suppressed = 0;
}

void gprintk(struct domain *d, const char *fmt, ...)
{
    char line[256];
    int n;
    va_list ap;
    uint64_t now = NOW();

    if (now - d->log_window_start >= MILLISECS(GUEST_LOG_PERIOD_MS)) {
        gprintk_flush(d);
        d->log_window_start = now;
        d->log_count = 0;
    }
    if (d->log_count >= GUEST_LOG_BURST) {
        d->log_suppressed++;
        return;
    }
    d->log_count++;

    n = snprintf(line, sizeof(line), "d%u: ", d->domain_id);
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    printk(XENLOG_WARNING "%s", line);
}

void panic(const char *fmt, ...)
{
    static char buf[512];
    va_list ap;

    local_irq_disable();
    if (in_panic) /* a panic while panicking: say nothing more */
        arch_machine_exit(EXIT_PANIC);
    in_panic = true;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk(XENLOG_ERR "PANIC: %s", buf);
    arch_print_backtrace();
    stats_print();
    printk(XENLOG_ERR "VERDICT result=panic");
    arch_machine_exit(EXIT_PANIC);
}

static void emit_guest_line(struct domain *d)
{
    char prefix[16];

    d->console_buf[d->console_len] = '\0';
    snprintf(prefix, sizeof(prefix), "(d%u) ", d->domain_id);
    write_lines(prefix, d->console_len ? d->console_buf : " ");
    d->console_len = 0;
}

void guest_console_write(struct domain *d, const char *buf, size_t len)
{
    for (; len; len--, buf++) {
        char c = *buf;

        if (c == '\n') {
            emit_guest_line(d);
            continue;
        }
        if (c == '\r')
            continue;
        if (c != '\t' && (c < 0x20 || c > 0x7e))
            c = '.';
        d->console_buf[d->console_len++] = c;
        if (d->console_len == CONSOLE_LINE_MAX)
            emit_guest_line(d);
    }
}

void guest_console_flush(struct domain *d)
{
    if (d->console_len)
        emit_guest_line(d);
}

/* --- Debug keys (Xen's keyhandlers) ----------------------------------- */

static struct {
    keyhandler_fn_t fn;
    const char *desc;
} key_table[128];

void register_keyhandler(unsigned char key, keyhandler_fn_t fn,
                         const char *desc)
{
    BUG_ON(key >= ARRAY_SIZE(key_table) || key_table[key].fn);
    key_table[key].fn = fn;
    key_table[key].desc = desc;
}

static void show_help(unsigned char key)
{
    unsigned int k;

    (void)key;
    for (k = 0; k < ARRAY_SIZE(key_table); k++)
        if (key_table[k].fn)
            printk("key '%c': %s", k, key_table[k].desc);
}

static void dump_stats(unsigned char key)
{
    (void)key;
    stats_print();
}

/* --- Console commands ------------------------------------------------- */

#define CMD_LINE_MAX 80

static struct {
    const char *name;
    console_cmd_fn_t fn;
    const char *desc;
} cmd_table[16];
static unsigned int nr_cmds;

void register_console_command(const char *name, console_cmd_fn_t fn,
                              const char *desc)
{
    BUG_ON(nr_cmds == ARRAY_SIZE(cmd_table));
    cmd_table[nr_cmds].name = name;
    cmd_table[nr_cmds].fn = fn;
    cmd_table[nr_cmds].desc = desc;
    nr_cmds++;
}

static void run_command(const char *line)
{
    unsigned int i;
    size_t n;

    while (*line == ' ')
        line++;
    if (!*line)
        return;
    printk("command: %s", line);
    for (i = 0; i < nr_cmds; i++) {
        n = strlen(cmd_table[i].name);
        if (!strncmp(line, cmd_table[i].name, n) &&
            (line[n] == ' ' || !line[n])) {
            line += n;
            while (*line == ' ')
                line++;
            cmd_table[i].fn(line);
            return;
        }
    }
    printk("command: unknown: '%s' (try help)", line);
}

static void cmd_help(const char *args)
{
    unsigned int i;

    (void)args;
    for (i = 0; i < nr_cmds; i++)
        printk("command %s: %s", cmd_table[i].name, cmd_table[i].desc);
}

/* "echo TEXT": TEXT on the console (a mark in a log; a test's no-op). */
static void cmd_echo(const char *args)
{
    printk("echo: %s", args);
}

static void set_refused(const char *word, const char *why)
{
    printk("set: '%s': %s", word, why);
}

static void cmd_set(const char *args)
{
    if (!cmdline_parse(args, __start_param, __stop_param, set_refused))
        printk("set: done: %s", args);
}

/* A line being typed: on the console after ':', and on the control port. */
struct line_in {
    char buf[CMD_LINE_MAX + 1];
    unsigned int len;
    bool active;
};
static struct line_in console_line, ctl_line;

/* c goes into l; a full line runs. */
static void line_input(struct line_in *l, int c)
{
    if (c == '\r' || c == '\n') {
        l->buf[l->len] = '\0';
        l->active = false;
        l->len = 0;
        run_command(l->buf);
        return;
    }
    if (c >= 0x20 && c < 0x7f && l->len < CMD_LINE_MAX)
        l->buf[l->len++] = (char)c;
}

void console_keys_init(void)
{
    register_keyhandler('h', show_help, "list the debug keys");
    register_keyhandler('s', dump_stats, "print the STATS counters");
    register_console_command("help", cmd_help, "list the commands");
    register_console_command("echo", cmd_echo, "echo TEXT: print TEXT");
    register_console_command("set", cmd_set,
                             "set NAME=VALUE ...: hypervisor options, as on "
                             "the command line");
}

void console_poll_keys(void)
{
    int c;

    while ((c = arch_serial_getc()) >= 0) {
        if (console_line.active) {
            line_input(&console_line, c);
        } else if (c == ':') {
            console_line.active = true;
        } else if (c < (int)ARRAY_SIZE(key_table) && key_table[c].fn) {
            printk("debug key '%c'", c);
            key_table[c].fn((unsigned char)c);
        }
    }
    while ((c = arch_ctl_getc()) >= 0)
        line_input(&ctl_line, c);
}

/* --- console_io hypercall --------------------------------------------- */

#define CONSOLE_IO_MAX 16384 /* bytes per call */

long do_console_io(uint32_t cmd, uint32_t count, uint32_t buffer)
{
    struct domain *d = current->domain;
    char chunk[256];
    uint32_t done = 0;

    switch (cmd) {
    case CONSOLEIO_write:
        if (count > CONSOLE_IO_MAX) {
            gprintk(d, "console_io: %u bytes in one call (at most %u)", count,
                    CONSOLE_IO_MAX);
            return -E2BIG;
        }
        while (done < count) {
            uint32_t n = min(count - done, (uint32_t)sizeof(chunk));

            if (copy_from_guest(chunk, buffer + done, n)) {
                gprintk(d, "console_io: buffer %#x unreadable", buffer + done);
                return -EFAULT;
            }
            guest_console_write(d, chunk, n);
            done += n;
        }
        return 0;
    case CONSOLEIO_read:
        /* The serial console's input is the hypervisor's (debug keys). */
        return -ENOSYS;
    default:
        gprintk(d, "console_io: command %u not supported", cmd);
        return -ENOSYS;
    }
}
