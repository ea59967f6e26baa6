/*
 * timer.c - system time from the TSC, the periodic tick's deferred work
 * (guest one-shot timers, time slices, the run watchdog) and the time
 * information guests read. The arch code calibrates the TSC and raises
 * the tick; nothing here touches hardware.
 */
#include <hv/blkdev.h>
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/mem_sharing.h>
#include <hv/sched.h>
#include <hv/time.h>

unsigned long jiffies;
static uint64_t boot_tsc;
static uint32_t tsc_mul;
static int8_t tsc_shift;

/* Whole-run watchdog in seconds of hypervisor time; 0 = none. */
static unsigned int opt_timeout = DEFAULT_TIMEOUT_S;
integer_param_range("timeout", opt_timeout, 0, 86400);

void time_init(void)
{
    arch_time_init();
    arch_tsc_scale(&tsc_mul, &tsc_shift);
    boot_tsc = arch_read_tsc();
}

s_time_t get_s_time(void)
{
    if (!tsc_mul)
        return 0;
    return (s_time_t)scale_delta(arch_read_tsc() - boot_tsc, tsc_mul,
                                 tsc_shift);
}

void update_vcpu_system_time(struct vcpu *v)
{
    struct vcpu_time_info *t = &v->vcpu_info->time;
    uint64_t tsc = arch_read_tsc();

    t->version++; /* odd: being written */
    asm volatile("" ::: "memory");
    t->tsc_timestamp = tsc;
    t->system_time = (uint64_t)scale_delta(tsc - boot_tsc, tsc_mul, tsc_shift);
    t->tsc_to_system_mul = tsc_mul;
    t->tsc_shift = tsc_shift;
    asm volatile("" ::: "memory");
    t->version++;
}

void timer_tick(void)
{
    jiffies++;
    raise_softirq(TIMER_SOFTIRQ);
}

void timer_softirq(void)
{
    s_time_t now = NOW();
    struct domain *d;

    for_each_domain (d) {
        struct vcpu *v = d->vcpu;

        if (v && v->timer_deadline && now >= v->timer_deadline) {
            v->timer_deadline = 0;
            send_guest_vcpu_virq(v, VIRQ_TIMER);
        }
    }
    blkdev_poll(); /* in case a disk's interrupt was lost */
    sched_tick(now);
    console_poll_keys();
    mem_sched_tick();
    tmem_tick();
    share_scan_tick();
    if (opt_timeout && now > SECONDS(opt_timeout))
        hv_timeout();
}
