/*
 * sched.h - sched_op(int cmd, void *arg). ABI only; numbers as Xen's.
 */
#ifndef __PUBLIC_SCHED_H__
#define __PUBLIC_SCHED_H__

#include "xen.h"

#define SCHEDOP_yield    0 /* give up the cpu; stays runnable          */
#define SCHEDOP_block    1 /* unmask events and sleep until one is pending */
#define SCHEDOP_shutdown 2 /* arg: struct sched_shutdown; never returns */

struct sched_shutdown {
    uint32_t reason; /* SHUTDOWN_* */
};

#define SHUTDOWN_poweroff 0 /* clean exit: the guest's checks passed   */
#define SHUTDOWN_reboot   1
#define SHUTDOWN_suspend  2
#define SHUTDOWN_crash    3 /* the guest failed, or was killed          */
#define SHUTDOWN_watchdog 4
#define SHUTDOWN_MAX      4

#endif /* __PUBLIC_SCHED_H__ */
