/*
 * head.S - guest entry. The hypervisor starts us in kernel mode with esi
 * pointing at start_info, esp at the top of a boot stack, events masked.
 */
    .section .text.head, "ax"
    .globl _start
_start:
    cld
    xorl    %ebp, %ebp
    pushl   %esi
    call    guest_start
1:  jmp     1b

    .section .note.GNU-stack, "", @progbits
