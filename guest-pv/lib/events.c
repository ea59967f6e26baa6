/*
 * events.c - event channels on the guest side: the upcall handler that
 * scans the two-level pending bitmaps, per-port handlers, VIRQ binding,
 * masking, and blocking.
 */
#include <guest/guest.h>

static evtchn_handler_t port_handlers[NR_EVTCHN_PORTS];

static inline uint32_t xchg32(volatile uint32_t *p, uint32_t v)
{
    asm volatile("xchgl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
    return v;
}

void do_hypervisor_callback(struct guest_regs *regs)
{
    struct vcpu_info *vi = &shared_info->vcpu_info[0];
    uint32_t l1, l2;

    vi->evtchn_upcall_pending = 0;
    asm volatile("" ::: "memory");
    l1 = xchg32(&vi->evtchn_pending_sel, 0);
    while (l1) {
        unsigned int i = (unsigned int)__builtin_ctz(l1);

        l1 &= ~(1U << i);
        while ((l2 = shared_info->evtchn_pending[i] &
                     ~shared_info->evtchn_mask[i])) {
            unsigned int b = (unsigned int)__builtin_ctz(l2);
            evtchn_port_t port = i * 32 + b;

            asm volatile("lock btrl %1, %0"
                         : "+m"(shared_info->evtchn_pending[i])
                         : "r"(b)
                         : "memory");
            if (port < NR_EVTCHN_PORTS && port_handlers[port])
                port_handlers[port](port, regs);
        }
    }
    trap_exit_hook(regs);
}

void bind_evtchn_handler(evtchn_port_t port, evtchn_handler_t fn)
{
    GUEST_BUG_ON(port >= NR_EVTCHN_PORTS);
    port_handlers[port] = fn;
    unmask_evtchn(port);
}

int bind_virq(unsigned int virq, evtchn_handler_t fn)
{
    struct evtchn_bind_virq op = { .virq = virq, .vcpu = 0 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);

    if (rc)
        return (int)rc;
    bind_evtchn_handler(op.port, fn);
    return (int)op.port;
}

void mask_evtchn(evtchn_port_t port)
{
    asm volatile("lock btsl %1, %0"
                 : "+m"(shared_info->evtchn_mask[port / 32])
                 : "r"(port % 32)
                 : "memory");
}

void unmask_evtchn(evtchn_port_t port)
{
    struct evtchn_unmask op = { .port = port };

    (void)HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op);
}

void local_events_enable(void)
{
    struct vcpu_info *vi = &shared_info->vcpu_info[0];

    asm volatile("" ::: "memory");
    vi->evtchn_upcall_mask = 0;
    asm volatile("" ::: "memory");
    if (vi->evtchn_upcall_pending)
        force_evtchn_callback();
}

void nap_ms(unsigned int ms)
{
    uint64_t end = monotonic_ns() + ms * 1000000ULL;

    /* Masked from before the timer is set to the block, which unmasks
     * atomically: a timer that fired and was handled in between would
     * leave nothing to wake the block. */
    local_events_disable();
    while (monotonic_ns() < end) {
        (void)HYPERVISOR_set_timer_op(end);
        block_domain();
        local_events_disable();
    }
    local_events_enable();
}

void block_domain(void)
{
    /* SCHEDOP_block unmasks events and returns at once if one is pending;
     * the upcall runs on the way back. */
    (void)HYPERVISOR_sched_op(SCHEDOP_block, 0);
}
