/*
 * sched.h - the round-robin scheduler, softirqs (deferred work run on the
 * way out to a guest and in the idle loop) and the idle loop.
 */
#ifndef __HV_SCHED_H__
#define __HV_SCHED_H__

#include <hv/lib.h>

struct vcpu;

#define TIMER_SOFTIRQ    0 /* a tick happened: timers, slices, watchdog */
#define SCHEDULE_SOFTIRQ 1 /* pick the next vcpu                       */
#define BLKDEV_SOFTIRQ   2 /* a disk interrupted: reap completions     */
#define NR_SOFTIRQS      3

void raise_softirq(unsigned int nr);
bool softirq_pending(void);
/* Run pending softirqs; may switch vcpus. Interrupts off. */
void do_softirq(void);

/* Create the idle vcpu around the boot stack; becomes current. */
void scheduler_init(void);
/* One WATCHDOG line with what v is waiting for (the watchdog's report on a
 * domain that never ended: blocked without a timer, runnable but never
 * run, an event pending but masked...). */
void sched_print_vcpu(struct vcpu *v);
/*
 * schedule - put the current vcpu back on the run queue if it is still
 * runnable, and run the next one (the idle vcpu if none). Returns when the
 * caller's vcpu is chosen again.
 */
void schedule(void);
bool vcpu_runnable(const struct vcpu *v);
/* Called each tick: ends the current slice if it is used up. */
void sched_tick(int64_t now);
/* v became runnable (unblocked, unpaused): queue it. */
void vcpu_wake(struct vcpu *v);
/* An event arrived for v: end its SCHEDOP_block, if it is in one. */
void vcpu_unblock(struct vcpu *v);
/* v stopped being runnable: take it off the queue. */
void vcpu_sleep(struct vcpu *v);
/* Arch: switch stacks, page tables, FPU and TSS from prev to next. */
void context_switch(struct vcpu *prev, struct vcpu *next);

/*
 * Idle work (the page scanner): a function run in the idle loop when no
 * vcpu is runnable, with interrupts off. It must do a bounded amount of
 * work and return true if it did any, false if it had none to do.
 */
typedef bool (*idle_work_fn_t)(void);
void register_idle_work(idle_work_fn_t fn);

/* The idle vcpu's body: softirqs, the idle hook, halt. Never returns. */
void idle_loop(void) __noreturn;
/* The CPU line: where the cycles went (guests, idle work, halted). */
void sched_print_cpu(void);
/* Run cycles of vcpus already destroyed (domain.c adds them). */
extern uint64_t dead_run_cycles;
/* End the run: print the verdict and exit QEMU with its code. */
void hv_finish(void) __noreturn;
/* The watchdog expired: say which domains were still running, exit. */
void hv_timeout(void) __noreturn;

#endif /* __HV_SCHED_H__ */
