/*
 * console.h - the serial console: hypervisor lines prefixed "(hv) ",
 * guest lines "(dN) ", never split.
 */
#ifndef __HV_CONSOLE_H__
#define __HV_CONSOLE_H__

#include <hv/lib.h>

struct domain;

void console_init(void);
/*
 * Appends guest output to the domain's line buffer, printing each complete
 * line with its "(dN) " prefix. Non-printable bytes are shown as '.', so a
 * guest cannot send terminal control sequences. Lines longer than
 * CONSOLE_LINE_MAX are wrapped.
 */
void guest_console_write(struct domain *d, const char *buf, size_t len);
/* Prints what is left in the domain's line buffer (at shutdown). */
void guest_console_flush(struct domain *d);
/* Act on keys typed on the serial console (debug keys); called each tick. */
void console_poll_keys(void);

/*
 * gprintk - a line about something a guest did (usually wrong), prefixed
 * with "dN: " and rate limited per domain (GUEST_LOG_BURST lines per
 * GUEST_LOG_PERIOD_MS) so that a hostile guest cannot flood the console.
 */
void gprintk(struct domain *d, const char *fmt, ...) __printf(2, 3);
/* Say how many of d's messages the rate limit dropped, if any. */
void gprintk_flush(struct domain *d);

/*
 * Console commands, a line each: typed on the console after ':' (Enter
 * ends it), or sent to the control port (run-qemu.sh --ctl,
 * tools/hv-ctl.sh). "help" lists them; "set NAME=VALUE ..." changes
 * hypervisor options at run time, as on the command line (an option read
 * only at boot keeps its boot value). fn gets the words after the name.
 */
typedef void (*console_cmd_fn_t)(const char *args);
void register_console_command(const char *name, console_cmd_fn_t fn,
                              const char *desc);

/* Debug keys: a key typed on the console runs its handler (Xen's
 * keyhandlers). 'h' lists them. */
typedef void (*keyhandler_fn_t)(unsigned char key);
void register_keyhandler(unsigned char key, keyhandler_fn_t fn,
                         const char *desc);
void console_keys_init(void);

/* Set when loglvl=debug is on the command line. */
extern unsigned int console_loglvl;

#endif /* __HV_CONSOLE_H__ */
