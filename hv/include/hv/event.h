/*
 * event.h - event channels: per-domain ports whose pending bits live in the
 * domain's shared_info, bound to a virtual IRQ or to a port of another
 * domain. The hypervisor-side state of each port is here; the bits the
 * guest sees are in shared_info.
 */
#ifndef __HV_EVENT_H__
#define __HV_EVENT_H__

#include <hv/lib.h>
#include <public/event_channel.h>

struct domain;
struct vcpu;

#define ECS_FREE        0
#define ECS_UNBOUND     1 /* waiting for remote_domid to bind            */
#define ECS_INTERDOMAIN 2 /* connected to remote_domid:remote_port        */
#define ECS_VIRQ        3 /* carries virtual IRQ virq                     */
#define ECS_BACKEND     4 /* connected to the hypervisor's block backend,
                             disk number `backend`                        */

struct evtchn {
    uint8_t state;
    domid_t remote_domid;
    evtchn_port_t remote_port;
    uint32_t virq;
    uint32_t backend;
};

/* event_channel_op hypercall; arg is a guest pointer. */
long do_event_channel_op(uint32_t cmd, uint32_t arg);
/*
 * evtchn_set_pending - mark port pending for v's domain and, unless the
 * port is masked, raise the upcall and wake the vcpu if it is blocked (as
 * Xen: the vcpu's own event mask delays the upcall, not the wakeup).
 */
void evtchn_set_pending(struct vcpu *v, evtchn_port_t port);
/* Raise virq on v if the guest bound it; otherwise nothing happens. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
/* A port whose other end is the block backend for disk; returns the
 * port or -ENOSPC. */
int evtchn_alloc_backend(struct domain *d, unsigned int disk);
/* Close every port of a dying domain, unbinding its peers. */
void evtchn_destroy(struct domain *d);
/* True if v has an upcall pending (evtchn_upcall_pending), masked or not. */
bool event_pending(struct vcpu *v);

#endif /* __HV_EVENT_H__ */
