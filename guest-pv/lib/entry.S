/*
 * entry.S - where the hypervisor delivers traps and events. Each stub
 * makes the frame uniform (a zero error code if the CPU had none, then the
 * vector), saves the registers as struct guest_regs and calls C; the way
 * back is always the iret hypercall, which restores the event mask from
 * eflags.IF and can return to user mode.
 */
#include <public/xen.h>

#define IRET_HYPERCALL                                                         \
    pushl   $0;             /* iret_context.flags */                           \
    pushl   %eax;           /* iret_context.eax   */                           \
    movl    $__HYPERVISOR_iret, %eax;                                          \
    int     $0x82

    .text
.macro TRAP_NOEC vec
    .globl trap_\vec
trap_\vec:
    pushl   $0
    pushl   $\vec
    jmp     trap_common
.endm
.macro TRAP_EC vec
    .globl trap_\vec
trap_\vec:
    pushl   $\vec
    jmp     trap_common
.endm

TRAP_NOEC 0
TRAP_NOEC 1
TRAP_NOEC 3
TRAP_NOEC 4
TRAP_NOEC 5
TRAP_NOEC 6
TRAP_NOEC 7
TRAP_NOEC 9
TRAP_EC   10
TRAP_EC   11
TRAP_EC   12
TRAP_EC   13
TRAP_EC   14
TRAP_NOEC 16
TRAP_EC   17
TRAP_NOEC 18
TRAP_NOEC 19
TRAP_NOEC 64    /* a software-interrupt vector the tests use */
TRAP_NOEC 128   /* system calls */

trap_common:
    pushal
    movl    %esp, %eax
    pushl   %eax
    call    do_trap
    addl    $4, %esp
    .globl  trap_return
trap_return:
    popal
    addl    $8, %esp
    IRET_HYPERCALL

    .globl hypervisor_callback
hypervisor_callback:
    pushl   $0
    pushl   $256
    pushal
    movl    %esp, %eax
    pushl   %eax
    call    do_hypervisor_callback
    addl    $4, %esp
    popal
    addl    $8, %esp
    IRET_HYPERCALL

    .section .note.GNU-stack, "", @progbits
