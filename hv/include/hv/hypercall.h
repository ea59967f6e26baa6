/*
 * hypercall.h - the hypercall handlers. Each takes its arguments as the
 * guest passed them in ebx, ecx, edx, esi, edi (guest pointers as
 * uint32_t) and returns 0/a value or a negative errno. They run for the
 * current vcpu, whose kernel-mode page directory is loaded.
 */
#ifndef __HV_HYPERCALL_H__
#define __HV_HYPERCALL_H__

#include <hv/lib.h>
#include <asm/regs.h>

void do_hypercall(struct cpu_user_regs *regs);
/*
 * hypercall_create_continuation - make the guest re-issue hypercall op with
 * new arguments when it next runs (after any pending events or other
 * vcpus), so that a long batch never holds the cpu for long. Only the
 * first nargs argument registers are rewritten; the others keep the
 * guest's values. Returns the value the handler must return.
 */
long hypercall_create_continuation(unsigned int op, unsigned int nargs,
                                   uint32_t a1, uint32_t a2, uint32_t a3,
                                   uint32_t a4);
/* True when a long hypercall should stop and continue later: an
 * interrupt is waiting or the caller has an event to take. */
bool hypercall_preempt_check(void);

long do_set_trap_table(uint32_t table);
long do_mmu_update(uint32_t ureqs, uint32_t count, uint32_t pdone,
                   uint32_t foreigndom);
long do_stack_switch(uint32_t ss, uint32_t esp);
long do_set_callbacks(uint32_t event_cs, uint32_t event_eip,
                      uint32_t failsafe_cs, uint32_t failsafe_eip);
long do_memory_op(uint32_t cmd, uint32_t arg);
long do_update_va_mapping(uint32_t va, uint32_t lo, uint32_t hi,
                          uint32_t flags);
long do_set_timer_op(uint32_t lo, uint32_t hi);
long do_xen_version(uint32_t cmd, uint32_t arg);
long do_console_io(uint32_t cmd, uint32_t count, uint32_t buffer);
long do_iret(void);
long do_mmuext_op(uint32_t uops, uint32_t count, uint32_t pdone,
                  uint32_t foreigndom);
long do_sched_op(uint32_t cmd, uint32_t arg);
long do_event_channel_op(uint32_t cmd, uint32_t arg);
long do_debug_op(uint32_t cmd, uint32_t a1, uint32_t a2);

#endif /* __HV_HYPERCALL_H__ */
