/*
 * time.h - system time (ns since boot, from the TSC), the timer tick and
 * the guests' time source.
 */
#ifndef __HV_TIME_H__
#define __HV_TIME_H__

#include <hv/lib.h>

typedef int64_t s_time_t;
#define SECONDS(s)   ((s_time_t)(s)*1000000000LL)
#define MILLISECS(m) ((s_time_t)(m)*1000000LL)
#define MICROSECS(u) ((s_time_t)(u)*1000LL)
#define NOW()        get_s_time()

struct vcpu;

/* Nanoseconds since time_init(). */
s_time_t get_s_time(void);
/* TSC ticks per millisecond, measured against the PIT at boot. */
extern uint32_t tsc_khz;
extern unsigned long jiffies; /* timer ticks since boot (HZ a second) */

/* Arch: calibrate the TSC and start the periodic tick (HZ). */
void arch_time_init(void);
/* Arch: the TSC scale for guests: ns = (tsc << shift) * mul >> 32. */
void arch_tsc_scale(uint32_t *mul, int8_t *shift);
uint64_t arch_read_tsc(void);

/* Calibrate the TSC and start the tick. */
void time_init(void);
/* Called by the arch timer interrupt on every tick. */
void timer_tick(void);
/* Softirq work of the tick: guest timers, slices, the watchdog. */
void timer_softirq(void);
/* Refresh the vcpu_time_info a guest reads its clock from. */
void update_vcpu_system_time(struct vcpu *v);

#endif /* __HV_TIME_H__ */
