/*
 * param.h - tunables: sizes and limits a developer may change. Hardware
 * facts live in asm/page.h, the address-space layout in asm/memlayout.h.
 */
#ifndef __HV_PARAM_H__
#define __HV_PARAM_H__

#define MAX_DOMAINS         128 /* guests in one scenario (lib/dom_counts.h) */
#define MAX_MODULES         64 /* multiboot modules                     */
#define MAX_DOMAIN_PAGES    (896U << 8) /* 896 MiB of guest memory: the
                                           builder maps all of it from
                                           0xC0000000, with its P2M after,
                                           below the hypervisor's
                                           0xFC000000 (960 MiB) */
#define MIN_DOMAIN_PAGES    (1U << 8)   /* 1 MiB                          */
#define HZ                  1000 /* timer ticks per second                */
#define SCHED_SLICE_MS      10   /* round-robin time slice                */
#define VCPU_STACK_PAGES    2    /* hypervisor stack per vcpu             */
#define CONSOLE_LINE_MAX    200  /* longer guest lines are wrapped        */
#define GUEST_LOG_BURST     20   /* guest-caused log lines per ...        */
#define GUEST_LOG_PERIOD_MS 1000 /* ... this period, per domain           */
#define MMU_BATCH_PREEMPT   64   /* entries between preemption checks     */
#define DEFAULT_TIMEOUT_S   600  /* guest-time watchdog for a whole run   */

#endif /* __HV_PARAM_H__ */
