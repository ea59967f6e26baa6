/*
 * event_channel.h - event_channel_op(int cmd, void *arg), hypercall 32.
 * Ports are per domain, numbered from 1 (port 0 is never valid), at most
 * NR_EVTCHN_PORTS of them. Names and numbers as Xen's. ABI only.
 *
 * This header is the reference for event_channel_op's commands (the
 * conventions are at the top of xen.h).
 *   ebx  cmd.
 *   ecx  VA of the command's structure.
 * For every command:
 *  1. a cmd not defined here (Xen's bind_pirq 2, bind_ipi 7, bind_vcpu 8,
 *     and every number above 9) returns -XEN_ENOSYS; nothing is read;
 *  2. the command's structure cannot be read: -XEN_EFAULT;
 *  3. the command runs;
 *  4. if it succeeded and it has OUT fields (alloc_unbound,
 *     bind_interdomain, bind_virq, status), the whole structure is written
 *     back with them filled in. If that write fails the result is
 *     -XEN_EFAULT, and a port the command allocated is closed again, so no
 *     port is left that the caller does not know of. close, send and
 *     unmask write nothing back.
 *
 * A port is in one of four states: closed (free); unbound (allocated for
 * a given remote domain to bind to); interdomain (connected to a port of a
 * domain, possibly the same domain, or to the block backend: io/blkif.h);
 * virq (carrying a virtual IRQ). Ports 1 .. 127 have their pending and
 * mask bits in bits 1 .. 127 of shared_info.evtchn_pending[] and
 * evtchn_mask[] (words 0 .. 3); docs/hypercall-abi.md section 4.7 says how
 * a port is made pending and how the event reaches the guest. When a
 * domain is destroyed all its ports are closed, as with EVTCHNOP_close.
 */
#ifndef __PUBLIC_EVENT_CHANNEL_H__
#define __PUBLIC_EVENT_CHANNEL_H__

#include "xen.h"

typedef uint32_t evtchn_port_t;
#define NR_EVTCHN_PORTS 128

/*
 * EVTCHNOP_bind_interdomain(struct evtchn_bind_interdomain *): connect to
 * a port remote_dom allocated for the caller. The lowest free port of the
 * caller and remote_port become connected to each other. The new local
 * port is then made pending, whether or not anything was sent, as Xen
 * does, since the remote end may have sent before the bind.
 * Errors:
 *   -XEN_EINVAL  pad is not 0 (checked first)
 *   -XEN_ESRCH   remote_dom does not exist
 *   -XEN_EINVAL  remote_port is not 1 .. 127; it is not unbound, or was not
 *                allocated for the caller
 *   -XEN_ENOSPC  the caller has no free port
 */
#define EVTCHNOP_bind_interdomain 0
/*
 * EVTCHNOP_bind_virq(struct evtchn_bind_virq *): bind virtual IRQ virq
 * (VIRQ_*, xen.h) to the lowest free port. Any virq below NR_VIRQS can be
 * bound, but only VIRQ_TIMER (by set_timer_op) and VIRQ_SHARING (by the
 * page scanner, sharing.h) are ever raised.
 * Errors:
 *   -XEN_EINVAL  virq >= NR_VIRQS, or vcpu != 0
 *   -XEN_EEXIST  this virq is already bound to a port
 *   -XEN_ENOSPC  no free port
 */
#define EVTCHNOP_bind_virq        1
/*
 * EVTCHNOP_close(struct evtchn_close *): close port. A virq port unbinds
 * its virq. For an interdomain port, the peer's port goes back to unbound,
 * reserved for the caller again (so the caller can bind to it anew); a
 * port connected to the block backend disconnects its disk (io/blkif.h).
 * The port becomes free and its pending bit is cleared (a stale pending
 * bit would swallow the first event of the port's next use); its mask bit
 * is left as the guest set it.
 * Errors: -XEN_EINVAL port is not 1 .. 127, or the port is closed.
 */
#define EVTCHNOP_close            3
/*
 * EVTCHNOP_send(struct evtchn_send *): signal the other end of port.
 *   interdomain: the peer's port is made pending (nothing happens if the
 *                peer domain no longer exists); returns 0.
 *   connected to the block backend: the backend serves the ring
 *                (io/blkif.h); returns 0.
 *   unbound:     the event is dropped, as in Xen; returns 0.
 * Errors: -XEN_EINVAL port is not 1 .. 127, or it is closed or a virq
 * port.
 */
#define EVTCHNOP_send             4
/*
 * EVTCHNOP_status(struct evtchn_status *): the state of one of the
 * caller's ports. status and u say:
 *   closed:      EVTCHNSTAT_closed; u is zero
 *   unbound:     EVTCHNSTAT_unbound; u.unbound.dom = the domain allowed
 *                to bind
 *   interdomain: EVTCHNSTAT_interdomain; u.interdomain.dom and .port =
 *                the peer; for the block backend's port, dom = DOMID_XEN
 *                and port = 0
 *   virq:        EVTCHNSTAT_virq; u.virq = the virq
 * Errors: -XEN_EINVAL pad is not 0 (checked first); -XEN_EPERM dom is
 * neither DOMID_SELF nor the caller's own id; -XEN_EINVAL port is not
 * 1 .. 127.
 */
#define EVTCHNOP_status           5
/*
 * EVTCHNOP_alloc_unbound(struct evtchn_alloc_unbound *): allocate a port
 * that remote_dom may bind to. The lowest free port becomes unbound,
 * reserved for remote_dom.
 * Errors:
 *   -XEN_EPERM   dom is neither DOMID_SELF nor the caller's own id
 *   -XEN_ESRCH   remote_dom is not a domain that exists (destroyed
 *                domains do not)
 *   -XEN_ENOSPC  no free port
 */
#define EVTCHNOP_alloc_unbound    6
/*
 * EVTCHNOP_unmask(struct evtchn_unmask *): clear port's mask bit. If the
 * port's pending bit is set and the evtchn_pending_sel bit of its word was
 * clear, that bit is set and, if evtchn_upcall_pending was 0, it is set to
 * 1 and a blocked vcpu is woken. The port's state is not checked. Clearing
 * a mask bit directly in shared_info propagates nothing.
 * Errors: -XEN_EINVAL port is not 1 .. 127.
 */
#define EVTCHNOP_unmask           9

struct evtchn_alloc_unbound {
    domid_t dom;        /* IN: DOMID_SELF or the caller's own id        */
    domid_t remote_dom; /* IN: who may bind; DOMID_SELF = the caller    */
    evtchn_port_t port; /* OUT: the new port                            */
};
XEN_ABI_SIZE(struct evtchn_alloc_unbound, 8);

struct evtchn_bind_interdomain {
    domid_t remote_dom;        /* IN: DOMID_SELF = the caller           */
    uint16_t pad;              /* IN: must be zero (-XEN_EINVAL)        */
    evtchn_port_t remote_port; /* IN                                    */
    evtchn_port_t local_port;  /* OUT                                   */
};
XEN_ABI_SIZE(struct evtchn_bind_interdomain, 12);

struct evtchn_bind_virq {
    uint32_t virq;      /* IN: VIRQ_*                                   */
    uint32_t vcpu;      /* IN: must be zero                             */
    evtchn_port_t port; /* OUT                                          */
};
XEN_ABI_SIZE(struct evtchn_bind_virq, 12);

struct evtchn_close {
    evtchn_port_t port; /* IN */
};
struct evtchn_send {
    evtchn_port_t port; /* IN */
};
struct evtchn_unmask {
    evtchn_port_t port; /* IN */
};

#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_virq        4
struct evtchn_status {
    domid_t dom;        /* IN: DOMID_SELF or the caller's own id        */
    uint16_t pad;       /* IN: must be zero (-XEN_EINVAL)               */
    evtchn_port_t port; /* IN                                           */
    uint32_t status;    /* OUT: EVTCHNSTAT_*                            */
    uint32_t vcpu;      /* OUT: always 0                                */
    union {
        struct {
            domid_t dom; /* OUT */
        } unbound;
        struct {
            domid_t dom;        /* OUT */
            uint16_t pad;       /* OUT: 0 */
            evtchn_port_t port; /* OUT */
        } interdomain;
        uint32_t virq; /* OUT */
    } u;               /* OUT: zeroed, then filled in by status */
};
XEN_ABI_SIZE(struct evtchn_status, 24);

#endif /* __PUBLIC_EVENT_CHANNEL_H__ */
