/*
 * regs.h - struct cpu_user_regs: the frame entry.S builds at the top of a
 * vcpu's hypervisor stack on every trap, interrupt and hypercall. The
 * order is fixed by entry.S (segment pushes, pushal, vector, error code,
 * then what the CPU pushed); change both together.
 */
#ifndef __ASM_REGS_H__
#define __ASM_REGS_H__

#include <stdint.h>

struct cpu_user_regs {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_hv; /* esp_hv: pushal's copy, unused */
    uint32_t ebx, edx, ecx, eax;
    uint32_t entry_vector;
    uint32_t error_code;
    /* Pushed by the CPU. */
    uint32_t eip, cs, eflags;
    uint32_t esp, ss; /* only when the trap came from ring 3 */
};

#define guest_mode(r) (((r)->cs & 3) == 3)

#endif /* __ASM_REGS_H__ */
