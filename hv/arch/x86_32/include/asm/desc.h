/*
 * desc.h - segment selectors and the GDT/IDT/TSS the hypervisor installs.
 *
 * GDT:  0 null | 1 hypervisor code | 2 hypervisor data | 3 FLAT_KERNEL_CS |
 *       4 FLAT_USER_CS | 5 FLAT_KERNEL_DS | 6 TSS | 7 double-fault TSS
 */
#ifndef __ASM_DESC_H__
#define __ASM_DESC_H__

#include <public/arch-x86_32.h>

#define __HYPERVISOR_CS 0x08
#define __HYPERVISOR_DS 0x10
#define TSS_SELECTOR    0x30
#define DF_TSS_SELECTOR 0x38
#define NR_GDT_ENTRIES  8

#define TRAP_divide_error    0
#define TRAP_debug           1
#define TRAP_nmi             2
#define TRAP_int3            3
#define TRAP_overflow        4
#define TRAP_bounds          5
#define TRAP_invalid_op      6
#define TRAP_no_device       7
#define TRAP_double_fault    8
#define TRAP_copro_seg       9
#define TRAP_invalid_tss     10
#define TRAP_no_segment      11
#define TRAP_stack_error     12
#define TRAP_gp_fault        13
#define TRAP_page_fault      14
#define TRAP_spurious_int    15
#define TRAP_copro_error     16
#define TRAP_alignment_check 17
#define TRAP_machine_check   18
#define TRAP_simd_error      19
#define FIRST_IRQ_VECTOR     0x20 /* i8259 IRQ 0..15 -> 0x20..0x2f */
#define NR_VECTORS           256

/* Exceptions for which the CPU pushes an error code. */
#define TRAP_HAS_ERROR_CODE(v)                                                 \
    ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17)

#ifndef __ASSEMBLY__
#include <stdint.h>
/* Build and load the GDT, IDT and TSS (desc.c). */
void arch_desc_init(void);
/* Where the CPU puts the frame of a trap from ring 3: the running vcpu's
 * stack top. */
void arch_set_esp0(uint32_t esp0);
void arch_double_fault_state(uint32_t *eip, uint32_t *esp, uint32_t *ebp);
#endif

#endif /* __ASM_DESC_H__ */
