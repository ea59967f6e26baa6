/*
 * sched.h - sched_op(int cmd, void *arg), hypercall 29: give up the cpu,
 * block until an event, or shut the domain down. ABI only; numbers as
 * Xen's.
 *
 * This header is the reference for sched_op's commands (the conventions
 * are at the top of xen.h).
 *   ebx  cmd.
 *   ecx  VA of the command's argument (SCHEDOP_shutdown only).
 * Errors: -XEN_ENOSYS for a cmd not defined here.
 */
#ifndef __PUBLIC_SCHED_H__
#define __PUBLIC_SCHED_H__

#include "xen.h"

/*
 * SCHEDOP_yield: give up the cpu; the vcpu stays runnable. The other
 * runnable vcpus (round-robin) have the cpu first. Returns 0; no errors.
 */
#define SCHEDOP_yield    0
/*
 * SCHEDOP_block: unmask events and sleep until one is pending. The call
 * clears evtchn_upcall_mask (blocking enables events, as in Xen). If
 * evtchn_upcall_pending is already set it returns at once; otherwise the
 * vcpu sleeps until the hypervisor next sets evtchn_upcall_pending (an
 * event on an unmasked port, docs/hypercall-abi.md section 4.7). Either
 * way the pending upcall is delivered on the way back if an event callback
 * is set (set_callbacks, xen.h). Returns 0; no errors.
 */
#define SCHEDOP_block    1
/*
 * SCHEDOP_shutdown(struct sched_shutdown *arg): shut the domain down with
 * arg->reason. Its unfinished console line is printed and the vcpu never
 * runs again: on success the call does not return. The domain is then
 * destroyed and all its frames are freed; its interdomain event channels
 * go back to unbound at their peers. Every reason has this same effect
 * (SHUTDOWN_reboot does not restart the domain, SHUTDOWN_suspend does not
 * suspend it); the reason is reported in the end-of-run verdict.
 * Errors: -XEN_EFAULT the structure cannot be read; -XEN_EINVAL reason >
 * SHUTDOWN_MAX.
 */
#define SCHEDOP_shutdown 2

struct sched_shutdown {
    uint32_t reason; /* IN: SHUTDOWN_*, at most SHUTDOWN_MAX */
};

#define SHUTDOWN_poweroff 0 /* clean exit: the guest's checks passed   */
#define SHUTDOWN_reboot   1
#define SHUTDOWN_suspend  2
/* The guest failed; also the reason a domain gets when the hypervisor
 * crashes it (docs/hypercall-abi.md section 4.9). */
#define SHUTDOWN_crash    3
#define SHUTDOWN_watchdog 4
#define SHUTDOWN_MAX      4

#endif /* __PUBLIC_SCHED_H__ */
