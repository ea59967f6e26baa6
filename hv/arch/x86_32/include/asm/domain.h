/*
 * asm/domain.h - the x86_32 part of a vcpu: its hypervisor stack and
 * register frame, its two page directories (kernel mode and user mode),
 * its virtual trap table and callbacks, its FPU state.
 */
#ifndef __ASM_DOMAIN_H__
#define __ASM_DOMAIN_H__

#include <stdbool.h>
#include <asm/processor.h>
#include <asm/regs.h>
#include <public/arch-x86_32.h>

/* Callee-saved registers of a vcpu that is not running (switch.S). */
struct switch_context {
    uint32_t edi, esi, ebx, ebp, eip;
};

struct guest_trap {
    uint32_t address; /* 0 = no handler */
    uint8_t flags;    /* trap_info flags: DPL, interrupt-gate bit */
};

struct arch_vcpu {
    void *stack;                /* VCPU_STACK_PAGES of hypervisor stack  */
    struct cpu_user_regs *regs; /* guest frame at the top of the stack   */
    struct switch_context *ctx; /* saved by switch_stacks()              */

    uint32_t guest_table;      /* mfn of the kernel-mode L2, 0 = none   */
    uint32_t guest_table_user; /* mfn of the user-mode L2, 0 = none     */
    bool kernel_mode;          /* which of the two is loaded            */
    /* Translated domains: the shadows of the two (shadow.c), the mfns
     * CR3 really holds. */
    uint32_t shadow_table, shadow_table_user;

    struct guest_trap traps[256]; /* set_trap_table                        */
    uint32_t event_callback_eip;  /* set_callbacks                         */
    uint32_t failsafe_callback_eip;
    uint32_t kernel_ss, kernel_sp; /* stack_switch: stack for user->kernel  */

    struct fxsave_area fpu; /* FPU/SSE state while descheduled       */
};

#endif /* __ASM_DOMAIN_H__ */
