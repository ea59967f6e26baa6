/*
 * event_channel.h - event_channel_op(int cmd, void *arg).
 * Ports are per domain, numbered from 1 (port 0 is never valid), at most
 * NR_EVTCHN_PORTS of them. Names and numbers as Xen's. ABI only.
 */
#ifndef __PUBLIC_EVENT_CHANNEL_H__
#define __PUBLIC_EVENT_CHANNEL_H__

#include "xen.h"

typedef uint32_t evtchn_port_t;
#define NR_EVTCHN_PORTS 128

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_unmask           9

/* Allocate a port that remote_dom may bind to. dom must be DOMID_SELF. */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom; /* IN  */
    evtchn_port_t port;      /* OUT */
};
XEN_ABI_SIZE(struct evtchn_alloc_unbound, 8);

/* Connect to a port remote_dom allocated for us. */
struct evtchn_bind_interdomain {
    domid_t remote_dom; /* IN  */
    uint16_t pad;
    evtchn_port_t remote_port; /* IN  */
    evtchn_port_t local_port;  /* OUT */
};
XEN_ABI_SIZE(struct evtchn_bind_interdomain, 12);

struct evtchn_bind_virq {
    uint32_t virq;      /* IN  */
    uint32_t vcpu;      /* IN: must be 0 */
    evtchn_port_t port; /* OUT */
};
XEN_ABI_SIZE(struct evtchn_bind_virq, 12);

struct evtchn_close {
    evtchn_port_t port;
};
struct evtchn_send {
    evtchn_port_t port;
};
struct evtchn_unmask {
    evtchn_port_t port;
};

#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_virq        4
struct evtchn_status {
    domid_t dom; /* IN: DOMID_SELF */
    uint16_t pad;
    evtchn_port_t port; /* IN  */
    uint32_t status;    /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;      /* OUT */
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            uint16_t pad;
            evtchn_port_t port;
        } interdomain;
        uint32_t virq;
    } u;
};
XEN_ABI_SIZE(struct evtchn_status, 24);

#endif /* __PUBLIC_EVENT_CHANNEL_H__ */
