/*
 * arch-x86_32.h - the x86_32 (non-PAE) part of the guest ABI: basic types,
 * segment selectors, the fixed virtual layout guests see, trap tables and
 * the frames the hypervisor pushes on a guest stack.
 *
 * This header is the reference for set_trap_table (hypercall 0) and iret
 * (hypercall 23). The conventions (IN/OUT marks, "Errors:" lists) are
 * given at the top of xen.h. docs/hypercall-abi.md section 4 describes
 * traps and events as the guest sees them.
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

/*
 * set_trap_table(const struct trap_info *table), hypercall 0: fill the
 * vcpu's virtual trap table, 256 entries, one per vector, each a handler
 * address (0: no handler) and a flags byte. The table is empty at start;
 * docs/hypercall-abi.md sections 4.2 to 4.4 say how its entries are used.
 *   ebx  VA of an array of struct trap_info that ends with an entry whose
 *        address is 0; or 0 to clear every entry of the table.
 * With ebx = 0 the whole table is cleared. Otherwise the entries are read
 * in order, at most 256 of them: an entry with address 0 ends the list,
 * and every other entry replaces the table's entry for its vector (the
 * address and all 8 bits of flags). Vectors not named keep their entry. A
 * single entry cannot be removed, since address 0 ends the list; only
 * clearing the whole table removes entries. After 256 entries without a
 * terminator the call stops.
 * Returns 0.
 * Errors (the entries read before the failing one stay installed):
 *   -XEN_EFAULT  an entry cannot be read
 *   -XEN_EINVAL  an entry's address >= HYPERVISOR_VIRT_START, or its vector
 *                is 2 (NMI), 8 (double fault) or 0x82 (HYPERCALL_VECTOR):
 *                those vectors can never have a handler
 */
struct trap_info {
    uint8_t vector;   /* IN: exception or software interrupt vector       */
    uint8_t flags;    /* IN: bits 0-1: DPL for "int n" of this vector: guest
                         kernel mode counts as privilege 1 and user mode as
                         3, so 1-3 allow the kernel and 3 allows user mode;
                         exceptions are delivered whatever the DPL. int3
                         and into always reach their handlers.
                         bit 2: mask events on entry (interrupt gate).
                         Bits 3-7 are stored and ignored.                   */
    uint16_t cs;      /* IN: ignored: handlers always run with
                         FLAT_KERNEL_CS (write FLAT_KERNEL_CS)              */
    uint32_t address; /* IN: handler's virtual address; 0 ends the list     */
};
XEN_ABI_SIZE(struct trap_info, 8);
#define TI_GET_DPL(ti) ((ti)->flags & 3)
#define TI_GET_IF(ti)  ((ti)->flags & 4)

/*
 * The frame the hypervisor pushes on the guest kernel stack when it
 * delivers an exception, a software interrupt or an event (lowest address
 * first). error_code is pushed only for the exceptions that have one
 * (10-14 and 17; 8 never reaches a guest), never for a software
 * interrupt or an event; a refused "int n" arrives as a #GP, with one.
 * The stack is the current one if the guest was in kernel mode, else the
 * one set with stack_switch (xen.h). eflags.IF reflects the event mask at
 * the time of the trap (1 = events were enabled). For a page fault the
 * faulting address is in vcpu_info.arch.cr2. docs/hypercall-abi.md section
 * 4.5 gives the offsets and the registers a handler starts with.
 *
 *   [error_code] eip cs eflags esp ss
 */

/*
 * iret(void), hypercall 23: return from an exception, a software interrupt
 * or an event upcall. It has no register arguments: esp points at a struct
 * iret_context, which is the bounce frame above without its error code,
 * preceded by eax and flags. Since eax carries the hypercall number, the
 * guest saves its own eax in the frame. A handler that has removed any
 * error code can therefore return with:
 *
 *     pushl   $0                   (iret_context.flags)
 *     pushl   %eax                 (iret_context.eax)
 *     movl    $__HYPERVISOR_iret, %eax
 *     int     $0x82
 *
 * Like every hypercall, iret is accepted only in guest kernel mode; from
 * user mode it is a #GP for the guest kernel. The hypervisor reads the
 * frame and checks it. It returns no error: any failure crashes the domain
 * (docs/hypercall-abi.md section 4.9 gives the messages):
 *  - the 28 bytes at esp cannot be read;
 *  - cs is neither FLAT_KERNEL_CS nor FLAT_USER_CS, ss is not
 *    FLAT_KERNEL_SS, or eip >= HYPERVISOR_VIRT_START;
 *  - cs is FLAT_USER_CS and no user-mode page directory is installed
 *    (MMUEXT_NEW_USER_BASEPTR, xen.h).
 * The frame's esp is not checked. Then:
 *  - cs = FLAT_USER_CS: the vcpu switches to user mode and the user-mode
 *    page directory is loaded; cs = FLAT_KERNEL_CS: it stays in kernel
 *    mode;
 *  - eip, cs, esp and ss are loaded from the frame;
 *  - eflags = (frame eflags & 0x00240DD5) | 0x202: the guest controls CF,
 *    PF, AF, ZF, SF, TF, DF, OF, AC and ID; IOPL is always 0, NT, RF and VM
 *    are always clear, and the real IF is always 1;
 *  - evtchn_upcall_mask = 1 if the frame's IF (bit 9) is clear, 0 if it is
 *    set: a frame with IF set unmasks events;
 *  - eax = the frame's eax ("returns" it). ebx, ecx, edx, esi, edi, ebp
 *    and ds, es, fs, gs keep the values they had at the "int $0x82".
 * If the return unmasks events and one is pending, the upcall is delivered
 * at once on the way out (docs/hypercall-abi.md section 4.7), with a frame
 * that describes the place iret returned to.
 * Differences from Xen: flags is not interpreted (Xen uses it for
 * VGCF_in_syscall); a bad frame crashes the domain instead of going to the
 * failsafe callback.
 */
struct iret_context {
    uint32_t eax;    /* IN: the value eax gets                            */
    uint32_t flags;  /* IN: ignored (Xen's VGCF_* flags); write 0          */
    uint32_t eip;    /* IN: below HYPERVISOR_VIRT_START                   */
    uint32_t cs;     /* IN: FLAT_KERNEL_CS or FLAT_USER_CS                */
    uint32_t eflags; /* IN: only the bits in 0x00240DD5 are kept; IF
                        (bit 9) gives evtchn_upcall_mask (above)          */
    uint32_t esp;    /* IN: not checked                                   */
    uint32_t ss;     /* IN: FLAT_KERNEL_SS                                */
};
XEN_ABI_SIZE(struct iret_context, 28);

/* In vcpu_info (xen.h); written before each page fault is delivered, so
 * a handler that may fault again must read them first (docs section 4.4). */
struct arch_vcpu_info {
    uint32_t cr2;     /* OUT: faulting address of the last page fault */
    uint32_t cow_mfn; /* OUT: that fault was a write to this shared frame
                         (public/sharing.h); 0 if it was not          */
};

/* In shared_info (xen.h). */
struct arch_shared_info {
    uint32_t max_pfn; /* OUT: size of the P2M in entries (nr_pages)    */
    uint32_t pad;     /* ignored: never read nor written (0)           */
};

#endif /* !__ASSEMBLY__ */
#endif /* __PUBLIC_ARCH_X86_32_H__ */
