/*
 * sched.c - round-robin scheduling of guest vcpus with a fixed time slice,
 * the idle vcpu and its loop, softirqs, and the scheduler hypercalls
 * (sched_op, set_timer_op).
 *
 * Owns the run queue and `current`. The current vcpu is never on the run
 * queue; a vcpu is on it exactly when it is runnable and not current.
 * Runs with interrupts off everywhere except the halt in the idle loop.
 */
#include <hv/arch.h>
#include <hv/blkdev.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/hypercall.h>
#include <hv/sched.h>
#include <hv/stats.h>
#include <asm/processor.h>
#include <asm/uaccess.h>
#include <public/sched.h>

struct vcpu *current;
struct vcpu *idle_vcpu;
static struct vcpu idle_vcpu_struct;
static struct vcpu *runq_head, *runq_tail;
static unsigned long softirq_bits;
/* The CPU line's figures (sched_print_cpu). */
static uint64_t boot_tsc, halted_cycles;
uint64_t dead_run_cycles; /* of vcpus destroyed already */
static idle_work_fn_t idle_workers[4];
static unsigned int nr_idle_workers;

void register_idle_work(idle_work_fn_t fn)
{
    BUG_ON(nr_idle_workers == ARRAY_SIZE(idle_workers));
    idle_workers[nr_idle_workers++] = fn;
}

/* Run the idle workers in turn; true if one of them did something. */
static bool idle_work(void)
{
    unsigned int i;

    for (i = 0; i < nr_idle_workers; i++)
        if (idle_workers[i]())
            return true;
    return false;
}

void raise_softirq(unsigned int nr)
{
    softirq_bits |= 1UL << nr;
}

bool softirq_pending(void)
{
    return softirq_bits != 0;
}

void do_softirq(void)
{
    while (softirq_bits) {
        if (softirq_bits & (1UL << TIMER_SOFTIRQ)) {
            softirq_bits &= ~(1UL << TIMER_SOFTIRQ);
            timer_softirq();
        }
        if (softirq_bits & (1UL << BLKDEV_SOFTIRQ)) {
            softirq_bits &= ~(1UL << BLKDEV_SOFTIRQ);
            blkdev_poll();
        }
        if (softirq_bits & (1UL << SCHEDULE_SOFTIRQ)) {
            softirq_bits &= ~(1UL << SCHEDULE_SOFTIRQ);
            schedule();
        }
    }
}

bool vcpu_runnable(const struct vcpu *v)
{
    return !v->pause_flags && !v->domain->is_shutting_down;
}

static void runq_append(struct vcpu *v)
{
    ASSERT(!v->on_runq && !is_idle_vcpu(v));
    v->next_in_runq = NULL;
    if (runq_tail)
        runq_tail->next_in_runq = v;
    else
        runq_head = v;
    runq_tail = v;
    v->on_runq = true;
}

static struct vcpu *runq_pop(void)
{
    struct vcpu *v = runq_head;

    if (!v)
        return NULL;
    runq_head = v->next_in_runq;
    if (!runq_head)
        runq_tail = NULL;
    v->on_runq = false;
    v->next_in_runq = NULL;
    return v;
}

static void runq_remove(struct vcpu *v)
{
    struct vcpu **pp, *prev = NULL;

    for (pp = &runq_head; *pp; prev = *pp, pp = &(*pp)->next_in_runq)
        if (*pp == v) {
            *pp = v->next_in_runq;
            if (runq_tail == v)
                runq_tail = prev;
            v->on_runq = false;
            v->next_in_runq = NULL;
            return;
        }
}

void vcpu_wake(struct vcpu *v)
{
    if (!vcpu_runnable(v) || v->on_runq || v == current)
        return;
    runq_append(v);
    if (is_idle_vcpu(current))
        raise_softirq(SCHEDULE_SOFTIRQ);
}

void vcpu_unblock(struct vcpu *v)
{
    if (!(v->pause_flags & VPF_blocked))
        return;
    v->pause_flags &= ~VPF_blocked;
    vcpu_wake(v);
}

void vcpu_sleep(struct vcpu *v)
{
    if (v->on_runq)
        runq_remove(v);
    if (v == current)
        raise_softirq(SCHEDULE_SOFTIRQ);
}

void schedule(void)
{
    struct vcpu *prev = current, *next;
    uint64_t now;

    if (!is_idle_vcpu(prev) && vcpu_runnable(prev))
        runq_append(prev);
    next = runq_pop();
    if (!next)
        next = idle_vcpu;
    next->slice_end = NOW() + MILLISECS(SCHED_SLICE_MS);
    if (next == prev)
        return;
    perfc_incr(context_switches);
    now = arch_read_tsc();
    prev->run_cycles += now - prev->run_start;
    next->run_start = now;
    context_switch(prev, next);
    /* Back on prev's stack: prev was chosen again. */
}

void sched_tick(int64_t now)
{
    if (!is_idle_vcpu(current) && runq_head && now >= current->slice_end)
        raise_softirq(SCHEDULE_SOFTIRQ);
}

void scheduler_init(void)
{
    boot_tsc = arch_read_tsc();
    idle_vcpu = &idle_vcpu_struct;
    idle_vcpu->domain = dom_xen;
    idle_vcpu->is_running = true;
    current = idle_vcpu;
}

/*
 * Before the cpu halts, nothing may be waiting in vain: a runnable vcpu is
 * queued (or current), and a blocked one has no upcall pending. A broken
 * rule here is a lost wakeup: stop with its name rather than hang.
 */
static void check_no_lost_wakeup(void)
{
    struct domain *d;

    for_each_domain(d) {
        struct vcpu *v = d->vcpu;

        if (!v || d->is_shutting_down)
            continue;
        if (vcpu_runnable(v) && !v->on_runq && v != current)
            panic("idle: d%u is runnable but not queued (flags %#x)",
                  d->domain_id, v->pause_flags);
        if ((v->pause_flags & VPF_blocked) &&
            v->vcpu_info->evtchn_upcall_pending)
            panic("idle: d%u is blocked with an event pending (mask %u)",
                  d->domain_id, v->vcpu_info->evtchn_upcall_mask);
    }
}

void idle_loop(void)
{
    uint64_t t0;

    for (;;) {
        local_irq_disable();
        do_softirq();
        domain_reap();
        if (all_domains_done())
            hv_finish();
        if (softirq_pending() || runq_head)
            continue;
        if (idle_work()) {
            irq_window(); /* the tick may be waiting: timers, wakeups */
            continue;     /* did some work; look for vcpus again */
        }
        check_no_lost_wakeup();
        t0 = arch_read_tsc();
        safe_halt(); /* sti; hlt: an interrupt cannot slip in between */
        halted_cycles += arch_read_tsc() - t0;
    }
}

/*
 * CPU total_cycles=N guest_cycles=N idle_cycles=N halted_cycles=N
 *   total_cycles   TSC cycles since boot
 *   guest_cycles   cycles a domain's vcpu was current (its own code and the
 *                  hypervisor's on its behalf), all domains
 *   idle_cycles    cycles the idle vcpu was current: idle work (the
 *                  scanner), softirqs and halts
 *   halted_cycles  of them, halted (under qemu -icount: time warped, no
 *                  instruction run)
 * So under -icount total - halted is the instructions the machine ran.
 */
void sched_print_cpu(void)
{
    uint64_t now = arch_read_tsc(), guest = 0;
    struct domain *d;

    current->run_cycles += now - current->run_start;
    current->run_start = now;
    for_each_domain (d)
        if (d->vcpu)
            guest += d->vcpu->run_cycles;
    guest += dead_run_cycles;
    printk("CPU total_cycles=%llu guest_cycles=%llu idle_cycles=%llu "
           "halted_cycles=%llu",
           now - boot_tsc, guest, idle_vcpu->run_cycles, halted_cycles);
}

void sched_print_vcpu(struct vcpu *v)
{
    const struct vcpu_info *vi = v->vcpu_info;
    const shared_info_t *s = v->domain->shared_info;
    unsigned int i, pending = 0, masked = 0;
    char timer[24] = "none";
    bool kmode;
    uint32_t ip = arch_vcpu_guest_ip(v, &kmode);

    for (i = 0; i < ARRAY_SIZE(s->evtchn_pending); i++) {
        pending += __builtin_popcount(s->evtchn_pending[i]);
        masked += __builtin_popcount(s->evtchn_pending[i] & s->evtchn_mask[i]);
    }
    if (v->timer_deadline)
        snprintf(timer, sizeof(timer), "%lld",
                 (long long)((v->timer_deadline - NOW()) / 1000000));
    printk(XENLOG_ERR "WATCHDOG d%u name=%s vcpu=%s pause_flags=%#x "
           "on_runq=%d ip=%#x mode=%s upcall_pending=%u upcall_mask=%u "
           "pending_sel=%#x pending_ports=%u masked_ports=%u timer_ms=%s",
           v->domain->domain_id, v->domain->name,
           v == current                    ? "running"
           : (v->pause_flags & VPF_blocked) ? "blocked"
           : vcpu_runnable(v)               ? "runnable"
                                            : "down",
           v->pause_flags, v->on_runq, ip, kmode ? "kernel" : "user",
           vi->evtchn_upcall_pending, vi->evtchn_upcall_mask,
           vi->evtchn_pending_sel, pending, masked, timer);
}

/* --- Hypercalls -------------------------------------------------------- */

long do_sched_op(uint32_t cmd, uint32_t arg)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;

    switch (cmd) {
    case SCHEDOP_yield:
        raise_softirq(SCHEDULE_SOFTIRQ);
        return 0;
    case SCHEDOP_block:
        /* As Xen: blocking enables events, and an event already pending
         * means there is nothing to wait for. */
        v->vcpu_info->evtchn_upcall_mask = 0;
        if (event_pending(v))
            return 0;
        v->pause_flags |= VPF_blocked;
        vcpu_sleep(v);
        return 0;
    case SCHEDOP_shutdown: {
        struct sched_shutdown s;

        if (copy_from_guest(&s, arg, sizeof(s))) {
            gprintk(d, "sched_op shutdown: bad argument %#x", arg);
            return -EFAULT;
        }
        if (s.reason > SHUTDOWN_MAX) {
            gprintk(d, "sched_op shutdown: bad reason %u", s.reason);
            return -EINVAL;
        }
        domain_shutdown(d, s.reason);
        return 0;
    }
    default:
        gprintk(d, "sched_op %u not supported", cmd);
        return -ENOSYS;
    }
}

long do_set_timer_op(uint32_t lo, uint32_t hi)
{
    s_time_t deadline = (s_time_t)(((uint64_t)hi << 32) | lo);

    /* 0 cancels; a time in the past fires at the next tick. */
    current->timer_deadline = deadline;
    return 0;
}
