/*
 * time.c - guest time from the hypervisor's vcpu_time_info and the TSC.
 */
#include <guest/guest.h>

uint64_t rdtsc_guest(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

uint64_t monotonic_ns(void)
{
    volatile struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
    uint32_t v;
    uint64_t ns;

    do {
        v = t->version;
        asm volatile("" ::: "memory");
        ns = t->system_time + scale_delta(rdtsc_guest() - t->tsc_timestamp,
                                          t->tsc_to_system_mul, t->tsc_shift);
        asm volatile("" ::: "memory");
    } while ((v & 1) || v != t->version);
    return ns;
}
