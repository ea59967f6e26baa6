/*
 * entry.S - every way into the hypervisor after boot: 256 interrupt stubs
 * that build a struct cpu_user_regs (asm/regs.h) and call do_trap(), the
 * common exit path and the first entry of a new vcpu (switch_stacks() is
 * in lib/, shared with the guest kernel).
 *
 * Interrupts stay off from entry until the iret (all gates are interrupt
 * gates); only the idle loop enables them. Nothing here decides policy.
 */
#include <asm/desc.h>

    .text

/*
 * One 16-byte stub per vector: push a zero error code unless the CPU
 * pushed one, push the vector, join common_entry. desc.c points the IDT
 * at entry_stubs + 16 * vector.
 */
    .align 16
    .globl entry_stubs
entry_stubs:
    .set vec, 0
    .rept NR_VECTORS
    .align 16
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17)
    pushl   $vec
    .else
    pushl   $0
    pushl   $vec
    .endif
    jmp     common_entry
    .set vec, vec + 1
    .endr

common_entry:
    cld
    pushal
    pushl   %ds
    pushl   %es
    pushl   %fs
    pushl   %gs
    movl    $__HYPERVISOR_DS, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %fs
    movl    %eax, %gs
    movl    %esp, %eax
    pushl   %eax                /* struct cpu_user_regs * */
    call    do_trap
    addl    $4, %esp
    .globl restore_all
restore_all:
    popl    %gs
    popl    %fs
    popl    %es
    popl    %ds
    popal
    addl    $8, %esp            /* vector, error code */
    iret

/*
 * A new vcpu's first run: switch_stacks() "returns" here with esp at the
 * vcpu's guest frame. Deliver whatever is pending, then enter the guest.
 */
    .globl vcpu_first_entry
vcpu_first_entry:
    movl    %esp, %eax
    pushl   %eax
    call    exit_to_guest
    addl    $4, %esp
    jmp     restore_all

/*
 * Double fault: a task gate brings us here on a stack of our own, since
 * the fault may be a hypervisor stack overflow. Report and stop.
 */
    .globl double_fault_task
double_fault_task:
    cld
    movl    $__HYPERVISOR_DS, %eax
    movl    %eax, %ds
    movl    %eax, %es
    call    do_double_fault
1:  hlt
    jmp     1b
    .section .note.GNU-stack, "", @progbits
