/*
 * event_channel.c - event channels (Xen's two-level ABI): per-domain
 * ports, bound to a virtual IRQ or to a port of another domain, with
 * pending and mask bits in the domain's shared_info.
 *
 * Owns each domain's evtchn[] array. Every port number a guest passes is
 * checked; a guest can set bits only in its own shared_info and in the
 * pending bitmap of a peer it is bound to, never anywhere else.
 */
#include <hv/blkback.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/hypercall.h>
#include <hv/sched.h>
#include <asm/uaccess.h>

#define BITS_PER_WORD 32

static bool test_bit(unsigned int nr, const uint32_t *w)
{
    return (w[nr / BITS_PER_WORD] >> (nr % BITS_PER_WORD)) & 1;
}

/* Single cpu, interrupts off: the guest is not running while we look. */
static bool test_and_set_bit(unsigned int nr, uint32_t *w)
{
    bool old = test_bit(nr, w);

    w[nr / BITS_PER_WORD] |= 1U << (nr % BITS_PER_WORD);
    return old;
}

static void clear_bit(unsigned int nr, uint32_t *w)
{
    w[nr / BITS_PER_WORD] &= ~(1U << (nr % BITS_PER_WORD));
}

static bool port_is_valid(evtchn_port_t port)
{
    return port > 0 && port < NR_EVTCHN_PORTS;
}

static int get_free_port(struct domain *d)
{
    evtchn_port_t p;

    for (p = 1; p < NR_EVTCHN_PORTS; p++)
        if (d->evtchn[p].state == ECS_FREE)
            return (int)p;
    return -ENOSPC;
}

static void mark_events_pending(struct vcpu *v)
{
    if (!v->vcpu_info->evtchn_upcall_pending) {
        v->vcpu_info->evtchn_upcall_pending = 1;
        vcpu_unblock(v);
    }
}

void evtchn_set_pending(struct vcpu *v, evtchn_port_t port)
{
    shared_info_t *s = v->domain->shared_info;

    if (test_and_set_bit(port, s->evtchn_pending))
        return;
    if (!test_bit(port, s->evtchn_mask) &&
        !test_and_set_bit(port / BITS_PER_WORD,
                          &v->vcpu_info->evtchn_pending_sel))
        mark_events_pending(v);
}

bool event_pending(struct vcpu *v)
{
    return v->vcpu_info->evtchn_upcall_pending != 0;
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    evtchn_port_t port;

    ASSERT(virq < NR_VIRQS);
    port = v->virq_to_evtchn[virq];
    if (port)
        evtchn_set_pending(v, port);
}

int evtchn_alloc_backend(struct domain *d, unsigned int disk)
{
    int port = get_free_port(d);

    if (port < 0)
        return port;
    d->evtchn[port].state = ECS_BACKEND;
    d->evtchn[port].backend = disk;
    return port;
}

static long alloc_unbound(struct domain *d, struct evtchn_alloc_unbound *a)
{
    domid_t remote = a->remote_dom == DOMID_SELF ? d->domain_id : a->remote_dom;
    int port;

    if (a->dom != DOMID_SELF && a->dom != d->domain_id)
        return -EPERM;
    if (!get_domain_by_id(remote))
        return -ESRCH;
    port = get_free_port(d);
    if (port < 0)
        return port;
    d->evtchn[port].state = ECS_UNBOUND;
    d->evtchn[port].remote_domid = remote;
    a->port = (evtchn_port_t)port;
    return 0;
}

static long bind_interdomain(struct domain *ld,
                             struct evtchn_bind_interdomain *b)
{
    domid_t rid = b->remote_dom == DOMID_SELF ? ld->domain_id : b->remote_dom;
    struct domain *rd = get_domain_by_id(rid);
    struct evtchn *rchn, *lchn;
    int lport;

    if (b->pad) {
        gprintk(ld, "bind_interdomain: pad must be 0");
        return -EINVAL;
    }
    if (!rd)
        return -ESRCH;
    if (!port_is_valid(b->remote_port))
        return -EINVAL;
    rchn = &rd->evtchn[b->remote_port];
    if (rchn->state != ECS_UNBOUND || rchn->remote_domid != ld->domain_id)
        return -EINVAL;
    lport = get_free_port(ld);
    if (lport < 0)
        return lport;
    lchn = &ld->evtchn[lport];
    lchn->state = ECS_INTERDOMAIN;
    lchn->remote_domid = rid;
    lchn->remote_port = b->remote_port;
    rchn->state = ECS_INTERDOMAIN;
    rchn->remote_domid = ld->domain_id;
    rchn->remote_port = (evtchn_port_t)lport;
    b->local_port = (evtchn_port_t)lport;
    /* As Xen: the remote end may have sent before we bound. */
    evtchn_set_pending(ld->vcpu, (evtchn_port_t)lport);
    return 0;
}

static long bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
    struct vcpu *v = d->vcpu;
    int port;

    if (b->virq >= NR_VIRQS || b->vcpu != 0)
        return -EINVAL;
    if (v->virq_to_evtchn[b->virq])
        return -EEXIST;
    port = get_free_port(d);
    if (port < 0)
        return port;
    d->evtchn[port].state = ECS_VIRQ;
    d->evtchn[port].virq = b->virq;
    v->virq_to_evtchn[b->virq] = (uint16_t)port;
    b->port = (evtchn_port_t)port;
    return 0;
}

static long evtchn_close(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;

    if (!port_is_valid(port))
        return -EINVAL;
    chn = &d->evtchn[port];
    switch (chn->state) {
    case ECS_FREE:
        return -EINVAL;
    case ECS_VIRQ:
        d->vcpu->virq_to_evtchn[chn->virq] = 0;
        break;
    case ECS_BACKEND:
        blkback_disconnect(d, chn->backend);
        break;
    case ECS_INTERDOMAIN: {
        struct domain *rd = get_domain_by_id(chn->remote_domid);

        /* The peer's end goes back to waiting for us, as in Xen. */
        if (rd) {
            struct evtchn *rchn = &rd->evtchn[chn->remote_port];

            ASSERT(rchn->state == ECS_INTERDOMAIN &&
                   rchn->remote_domid == d->domain_id &&
                   rchn->remote_port == port);
            rchn->state = ECS_UNBOUND;
            rchn->remote_port = 0;
        }
        break;
    }
    default:
        break;
    }
    memset(chn, 0, sizeof(*chn));
    /* A stale pending bit would swallow the first event of the port's next
     * use (setting an already-set bit raises no upcall). */
    clear_bit(port, d->shared_info->evtchn_pending);
    return 0;
}

static long evtchn_send(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;
    struct domain *rd;

    if (!port_is_valid(port))
        return -EINVAL;
    chn = &d->evtchn[port];
    switch (chn->state) {
    case ECS_INTERDOMAIN:
        rd = get_domain_by_id(chn->remote_domid);
        if (rd && rd->vcpu)
            evtchn_set_pending(rd->vcpu, chn->remote_port);
        return 0;
    case ECS_UNBOUND:
        return 0; /* nobody listening yet: dropped, as in Xen */
    case ECS_BACKEND:
        blkback_notify(d, chn->backend);
        return 0;
    default:
        return -EINVAL;
    }
}

static long evtchn_unmask(struct domain *d, evtchn_port_t port)
{
    struct vcpu *v = d->vcpu;
    shared_info_t *s = d->shared_info;

    if (!port_is_valid(port))
        return -EINVAL;
    clear_bit(port, s->evtchn_mask);
    if (test_bit(port, s->evtchn_pending) &&
        !test_and_set_bit(port / BITS_PER_WORD,
                          &v->vcpu_info->evtchn_pending_sel))
        mark_events_pending(v);
    return 0;
}

static long evtchn_status(struct domain *d, struct evtchn_status *st)
{
    struct evtchn *chn;

    if (st->pad) {
        gprintk(d, "evtchn_status: pad must be 0");
        return -EINVAL;
    }
    if (st->dom != DOMID_SELF && st->dom != d->domain_id)
        return -EPERM;
    if (!port_is_valid(st->port))
        return -EINVAL;
    chn = &d->evtchn[st->port];
    st->vcpu = 0;
    memset(&st->u, 0, sizeof(st->u));
    switch (chn->state) {
    case ECS_FREE:
        st->status = EVTCHNSTAT_closed;
        break;
    case ECS_UNBOUND:
        st->status = EVTCHNSTAT_unbound;
        st->u.unbound.dom = chn->remote_domid;
        break;
    case ECS_INTERDOMAIN:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = chn->remote_domid;
        st->u.interdomain.port = chn->remote_port;
        break;
    case ECS_VIRQ:
        st->status = EVTCHNSTAT_virq;
        st->u.virq = chn->virq;
        break;
    case ECS_BACKEND:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = DOMID_XEN;
        break;
    }
    return 0;
}

void evtchn_destroy(struct domain *d)
{
    evtchn_port_t p;

    for (p = 1; p < NR_EVTCHN_PORTS; p++)
        if (d->evtchn[p].state != ECS_FREE)
            evtchn_close(d, p);
}

static bool has_output(uint32_t cmd)
{
    return cmd == EVTCHNOP_alloc_unbound || cmd == EVTCHNOP_bind_interdomain ||
           cmd == EVTCHNOP_bind_virq || cmd == EVTCHNOP_status;
}

long do_event_channel_op(uint32_t cmd, uint32_t arg)
{
    struct domain *d = current->domain;
    union {
        struct evtchn_alloc_unbound alloc_unbound;
        struct evtchn_bind_interdomain bind_interdomain;
        struct evtchn_bind_virq bind_virq;
        struct evtchn_close close;
        struct evtchn_send send;
        struct evtchn_unmask unmask;
        struct evtchn_status status;
    } op;
    static const uint8_t size[] = {
        [EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
        [EVTCHNOP_bind_virq] = sizeof(struct evtchn_bind_virq),
        [EVTCHNOP_close] = sizeof(struct evtchn_close),
        [EVTCHNOP_send] = sizeof(struct evtchn_send),
        [EVTCHNOP_status] = sizeof(struct evtchn_status),
        [EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
        [EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
    };
    long rc;

    if (cmd >= ARRAY_SIZE(size) || !size[cmd]) {
        gprintk(d, "event_channel_op %u not supported", cmd);
        return -ENOSYS;
    }
    if (copy_from_guest(&op, arg, size[cmd])) {
        gprintk(d, "event_channel_op %u: bad argument %#x", cmd, arg);
        return -EFAULT;
    }
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        rc = alloc_unbound(d, &op.alloc_unbound);
        break;
    case EVTCHNOP_bind_interdomain:
        rc = bind_interdomain(d, &op.bind_interdomain);
        break;
    case EVTCHNOP_bind_virq:
        rc = bind_virq(d, &op.bind_virq);
        break;
    case EVTCHNOP_close:
        rc = evtchn_close(d, op.close.port);
        break;
    case EVTCHNOP_send:
        rc = evtchn_send(d, op.send.port);
        break;
    case EVTCHNOP_unmask:
        rc = evtchn_unmask(d, op.unmask.port);
        break;
    case EVTCHNOP_status:
        rc = evtchn_status(d, &op.status);
        break;
    default:
        rc = -ENOSYS;
    }
    /* Write back only the ops with results. If the caller cannot learn the
     * port it got, take the port back. */
    if (rc == 0 && has_output(cmd) && copy_to_guest(arg, &op, size[cmd])) {
        if (cmd == EVTCHNOP_alloc_unbound)
            evtchn_close(d, op.alloc_unbound.port);
        else if (cmd == EVTCHNOP_bind_interdomain)
            evtchn_close(d, op.bind_interdomain.local_port);
        else if (cmd == EVTCHNOP_bind_virq)
            evtchn_close(d, op.bind_virq.port);
        rc = -EFAULT;
    }
    if (rc < 0)
        gprintk(d, "event_channel_op %u failed: %ld", cmd, rc);
    return rc;
}
