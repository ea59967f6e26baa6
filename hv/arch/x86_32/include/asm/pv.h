/*
 * asm/pv.h - running paravirtual guests: trap and event delivery (bounce
 * frames), the virtual trap table, iret, and the switch between a guest's
 * kernel and user modes (pv_traps.c).
 */
#ifndef __ASM_PV_H__
#define __ASM_PV_H__

#include <asm/regs.h>
#include <stdint.h>

struct vcpu;

/* An exception (vector < 32) taken in guest mode. */
void do_guest_exception(struct cpu_user_regs *regs);
/*
 * Deliver software interrupt vector ("int n" at regs->eip) through the
 * guest's trap table, or #GP if the table does not allow it from the
 * guest's current mode.
 */
void pv_inject_trap(struct vcpu *v, struct cpu_user_regs *regs,
                    unsigned int vector);
/*
 * exit_to_guest - last stop before the iret to a guest: run softirqs (which
 * may switch to another vcpu and come back later), then deliver a pending
 * event upcall. Interrupts are off.
 */
void exit_to_guest(struct cpu_user_regs *regs);
/* Load the page directory of v's current mode. */
void pv_load_ptbase(struct vcpu *v);
/* Fill a new vcpu's frame: entry point, stack, start_info in esi. */
void pv_vcpu_init_regs(struct vcpu *v, uint32_t eip, uint32_t esp,
                       uint32_t esi);

#endif /* __ASM_PV_H__ */
