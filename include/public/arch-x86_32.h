/*
 * arch-x86_32.h - the x86_32 (non-PAE) part of the guest ABI: basic types,
 * segment selectors, the fixed virtual layout guests see, trap tables and
 * the frames the hypervisor pushes on a guest stack.
 *
 * Shared by hypervisor and guests; must not grow hypervisor internals.
 */
#ifndef __PUBLIC_ARCH_X86_32_H__
#define __PUBLIC_ARCH_X86_32_H__

#ifdef __ASSEMBLY__
#define _AC(x, y) x
#else
#define _AC(x, y) x##y
#include <stdint.h>
typedef uint32_t xen_pfn_t;
typedef uint32_t xen_ulong_t;
/* Compile-time guard on the size of every ABI structure. */
#define XEN_ABI_SIZE(type, size)                                               \
    _Static_assert(sizeof(type) == (size), "ABI size of " #type)
#endif

/*
 * Selectors. Guest kernel and guest user code both run in ring 3 (see
 * docs/architecture.md, "Privilege"); the two code selectors differ only so
 * that the cs a guest finds in a trap frame tells which mode was
 * interrupted. Every segment is flat; protection is by paging alone.
 */
#define FLAT_KERNEL_CS _AC(0x1b, U) /* guest kernel code, ring 3 */
#define FLAT_USER_CS   _AC(0x23, U) /* guest user code, ring 3   */
#define FLAT_KERNEL_DS _AC(0x2b, U) /* data, ring 3, both modes  */
#define FLAT_KERNEL_SS FLAT_KERNEL_DS
#define FLAT_USER_DS   FLAT_KERNEL_DS
#define FLAT_USER_SS   FLAT_KERNEL_DS

/* Software interrupt vectors a guest may raise. */
#define HYPERCALL_VECTOR 0x82 /* hypercall, from guest kernel mode only */
#define SYSCALL_VECTOR   0x80 /* bounced to the guest kernel's handler  */

/*
 * Virtual layout. The hypervisor owns [HYPERVISOR_VIRT_START, 4 GiB) in
 * every address space, supervisor-only except the read-only M2P window.
 */
#define HYPERVISOR_VIRT_START _AC(0xFC000000, U)
#define MACH2PHYS_VIRT_START  _AC(0xFC000000, U)
#define MACH2PHYS_VIRT_END    _AC(0xFC400000, U)
#define MACH2PHYS_NR_ENTRIES  ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 2)
/* Page-directory slots a guest may fill: [0, FIRST_HV_L2_SLOT). */
#define FIRST_HV_L2_SLOT      (HYPERVISOR_VIRT_START >> 22)

#ifndef __ASSEMBLY__

/* set_trap_table(const struct trap_info *table): ends at address == 0. */
struct trap_info {
    uint8_t vector;   /* exception or software interrupt vector           */
    uint8_t flags;    /* bits 0-1: DPL for "int n" of this vector: guest
                         kernel mode counts as privilege 1 and user mode as
                         3, so 1-3 allow the kernel and 3 allows user mode;
                         exceptions are delivered whatever the DPL. int3
                         and into always reach their handlers.
                         bit 2: mask events on entry (interrupt gate).
                         Other bits are ignored.                            */
    uint16_t cs;      /* FLAT_KERNEL_CS (not checked)                       */
    uint32_t address; /* handler's virtual address                          */
};
XEN_ABI_SIZE(struct trap_info, 8);
#define TI_GET_DPL(ti) ((ti)->flags & 3)
#define TI_GET_IF(ti)  ((ti)->flags & 4)

/*
 * The frame the hypervisor pushes on the guest kernel stack when it
 * delivers an exception, a software interrupt or an event (lowest address
 * first). error_code is pushed only for the exceptions that have one
 * (10-14 and 17; 8 never reaches a guest), never for a software
 * interrupt or an event; a refused "int n" arrives as a #GP, with one. The stack is the current one if the guest was in kernel mode, else
 * the one set with stack_switch. eflags.IF reflects the event mask at the
 * time of the trap (1 = events were enabled). For a page fault the
 * faulting address is in vcpu_info.arch.cr2.
 *
 *   [error_code] eip cs eflags esp ss
 */

/*
 * iret: the guest returns from a trap frame with hypercall __HYPERVISOR_iret
 * and esp pointing at this structure (it saves eax in it, since eax carries
 * the hypercall number). cs == FLAT_USER_CS returns to user mode and loads
 * the user-mode page directory. eflags.IF = 1 unmasks events.
 */
struct iret_context {
    uint32_t eax, flags, eip, cs, eflags, esp, ss;
};
XEN_ABI_SIZE(struct iret_context, 28);

struct arch_vcpu_info {
    uint32_t cr2;     /* faulting address of the last page fault      */
    uint32_t cow_mfn; /* that fault was a write to this shared frame
                         (public/sharing.h); 0 if it was not          */
};

struct arch_shared_info {
    uint32_t max_pfn; /* size of the P2M in entries                    */
    uint32_t pad;
};

#endif /* !__ASSEMBLY__ */
#endif /* __PUBLIC_ARCH_X86_32_H__ */
