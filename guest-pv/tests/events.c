/*
 * events - event channels, the virtual timer, blocking, masking and
 * software interrupts. With "role=ping peer=N" or "role=pong peer=N" on
 * the command line it also plays ping-pong with domain N over an
 * inter-domain channel for "rounds=K" rounds. Prints TAP.
 */
#include <guest/test.h>

static volatile unsigned int timer_hits, port_hits[NR_EVTCHN_PORTS], int40_hits;

/* Block until *hits reaches n. Events are off from the look to the block,
 * which turns them on (and returns at once if one is pending): an event
 * handled between the look and the block would leave nothing to wake it
 * (the fuzz scenario's worker, which slept so, hung once). */
static void wait_hits(volatile unsigned int *hits, unsigned int n)
{
    local_events_disable();
    while (*hits < n) {
        block_domain();
        local_events_disable();
    }
    local_events_enable();
}

static void on_timer(evtchn_port_t port, struct guest_regs *regs)
{
    timer_hits++;
}

static void on_port(evtchn_port_t port, struct guest_regs *regs)
{
    port_hits[port]++;
}

static bool on_int40(struct guest_regs *regs)
{
    int40_hits++;
    return true;
}

static long evtchn_op(int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

static void test_timer(void)
{
    uint64_t t0, t1;
    int port = bind_virq(VIRQ_TIMER, on_timer);
    struct evtchn_bind_virq again = { .virq = VIRQ_TIMER };
    struct evtchn_bind_virq bad = { .virq = 99 };

    ok(port > 0, "bind VIRQ_TIMER (port %d)", port);
    is(evtchn_op(EVTCHNOP_bind_virq, &again), -XEN_EEXIST,
       "binding it twice fails");
    is(evtchn_op(EVTCHNOP_bind_virq, &bad), -XEN_EINVAL,
       "VIRQ 99 does not exist");

    t0 = monotonic_ns();
    is(HYPERVISOR_set_timer_op(t0 + 5000000), 0, "set a timer 5 ms ahead");
    wait_hits(&timer_hits, 1);
    t1 = monotonic_ns();
    is(timer_hits, 1, "the timer fired once");
    ok(t1 >= t0 + 5000000, "not before its deadline (%llu ns later)",
       (unsigned long long)(t1 - t0));

    /* With events masked the upcall waits for the unmask. */
    local_events_disable();
    (void)HYPERVISOR_set_timer_op(monotonic_ns() + 1000000);
    while (!(shared_info->evtchn_pending[port / 32] & (1U << (port % 32))))
        (void)HYPERVISOR_sched_op(SCHEDOP_yield, 0);
    is(timer_hits, 1, "masked: pending but not delivered");
    local_events_enable();
    is(timer_hits, 2, "delivered on unmask");
}

static void test_loopback(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF,
                                       .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
    struct evtchn_status st = { .dom = DOMID_SELF };
    struct evtchn_send send;
    struct evtchn_close cl;
    struct evtchn_alloc_unbound foreign = { .dom = DOMID_SELF,
                                            .remote_dom = 999 };
    evtchn_port_t a, b;

    is(evtchn_op(EVTCHNOP_alloc_unbound, &au), 0, "alloc_unbound");
    a = au.port;
    bi.remote_port = a;
    is(evtchn_op(EVTCHNOP_bind_interdomain, &bi), 0, "bind_interdomain to it");
    b = bi.local_port;
    ok(a != b && a && b, "two distinct ports (%u, %u)", a, b);
    bind_evtchn_handler(a, on_port);
    bind_evtchn_handler(b, on_port);
    port_hits[a] = port_hits[b] = 0;

    st.port = a;
    is(evtchn_op(EVTCHNOP_status, &st), 0, "status");
    ok(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.port == b,
       "status: interdomain to port %u", b);

    send.port = b;
    is(evtchn_op(EVTCHNOP_send, &send), 0, "send on one end");
    is(port_hits[a], 1, "the other end's handler ran");

    mask_evtchn(a);
    (void)evtchn_op(EVTCHNOP_send, &send);
    is(port_hits[a], 1, "masked port: no upcall");
    ok(shared_info->evtchn_pending[a / 32] & (1U << (a % 32)),
       "but its pending bit is set");
    unmask_evtchn(a);
    is(port_hits[a], 2, "unmask delivers it");

    mask_evtchn(b);
    send.port = a;
    (void)evtchn_op(EVTCHNOP_send, &send);
    ok(shared_info->evtchn_pending[b / 32] & (1U << (b % 32)),
       "a masked port with an event pending");
    cl.port = b;
    is(evtchn_op(EVTCHNOP_close, &cl), 0, "close one end");
    ok(!(shared_info->evtchn_pending[b / 32] & (1U << (b % 32))),
       "closing it cleared its pending bit");
    unmask_evtchn(b);
    is(evtchn_op(EVTCHNOP_status, &st), 0, "status again");
    is(st.status, EVTCHNSTAT_unbound, "the other end is unbound again");
    send.port = a;
    is(evtchn_op(EVTCHNOP_send, &send), 0,
       "sending on an unbound port is dropped");
    cl.port = a;
    is(evtchn_op(EVTCHNOP_close, &cl), 0, "close the other end");
    is(evtchn_op(EVTCHNOP_close, &cl), -XEN_EINVAL, "closing it twice fails");

    send.port = 0;
    is(evtchn_op(EVTCHNOP_send, &send), -XEN_EINVAL, "port 0 is invalid");
    send.port = 5000;
    is(evtchn_op(EVTCHNOP_send, &send), -XEN_EINVAL, "port 5000 is invalid");
    is(evtchn_op(EVTCHNOP_alloc_unbound, &foreign), -XEN_ESRCH,
       "no channel to a domain that does not exist");
    is(evtchn_op(77, &send), -XEN_ENOSYS, "unknown event_channel_op");
}

static void test_soft_interrupts(void)
{
    set_trap_handler(64, on_int40);
    asm volatile("int $0x40");
    is(int40_hits, 1,
       "int $0x40 reaches the guest's handler via its trap table");
    asm volatile("1: int $0x41\n2:\n" GUEST_EXTABLE(1b, 2b));
    is(last_fault.vector, 13, "int $0x41 (no handler) raises #GP");
    is(last_fault.error_code, 0x41 * 8 + 2, "error code names the vector");
    is(HYPERVISOR_sched_op(SCHEDOP_yield, 0), 0, "yield");
    is(HYPERVISOR_sched_op(42, 0), -XEN_ENOSYS, "unknown sched_op");
}

/*
 * Ping-pong with a peer domain over an inter-domain channel. Rendezvous
 * without a store: the ping side allocates its channel before anything
 * else, so it is port 1 of a fresh domain; the pong side binds to the
 * peer's port 1, retrying until the peer has allocated it, then sends one
 * event to say it is there.
 */
static domid_t peer;
static bool ping;
static evtchn_port_t peer_port;
static unsigned int rounds;

static void peer_setup(void)
{
    char role[8];

    peer = (domid_t)cmdline_get_ulong("peer", 0);
    rounds = (unsigned int)cmdline_get_ulong("rounds", 20);
    if (!cmdline_get("role", role, sizeof(role)) || !peer) {
        peer = 0;
        return;
    }
    ping = !strcmp(role, "ping");
    if (ping) {
        struct evtchn_alloc_unbound au = { .dom = DOMID_SELF,
                                           .remote_dom = peer };

        is(evtchn_op(EVTCHNOP_alloc_unbound, &au), 0, "alloc a port for d%u",
           peer);
        is(au.port, 1, "it is port 1");
        peer_port = au.port;
        bind_evtchn_handler(peer_port, on_port);
    }
}

static void test_peer(void)
{
    struct evtchn_send send;
    unsigned int i, tries = 0;

    if (!peer)
        return;
    if (!ping) {
        struct evtchn_bind_interdomain bi = { .remote_dom = peer,
                                              .remote_port = 1 };

        while (evtchn_op(EVTCHNOP_bind_interdomain, &bi)) {
            tries++;
            nap_ms(2);
        }
        peer_port = bi.local_port;
        ok(1, "bound to d%u's port 1 after %u retries", peer, tries);
        bind_evtchn_handler(peer_port, on_port);
        port_hits[peer_port] = 0;
    }
    send.port = peer_port;
    if (ping) {
        wait_hits(&port_hits[peer_port], 1); /* the pong side is there */
    } else
        (void)evtchn_op(EVTCHNOP_send, &send);

    for (i = 1; i <= rounds; i++) {
        if (ping) {
            unsigned int before = port_hits[peer_port];

            (void)evtchn_op(EVTCHNOP_send, &send);
            wait_hits(&port_hits[peer_port], before + 1);
            printk("ping %u -> d%u, pong back\n", i, peer);
        } else {
            wait_hits(&port_hits[peer_port], i);
            printk("pong %u <- d%u\n", i, peer);
            (void)evtchn_op(EVTCHNOP_send, &send);
        }
    }
    ok(port_hits[peer_port] >= rounds, "%u rounds of ping-pong with d%u",
       rounds, peer);
}

void test_main(void)
{
    peer_setup();
    test_timer();
    test_loopback();
    test_soft_interrupts();
    test_peer();
}
