/*
 * switch_stacks.S - void switch_stacks(void **save, void *load): save the
 * callee-saved registers on this stack, store the stack pointer in *save,
 * load the other stack and return on it (xv6's swtch). A stack to switch
 * to holds, from its saved pointer up: edi, esi, ebx, ebp, return address.
 * Shared by the hypervisor (vcpus) and the guest kernel (processes).
 */
    .text
    .globl switch_stacks
switch_stacks:
    movl    4(%esp), %eax
    movl    8(%esp), %edx
    pushl   %ebp
    pushl   %ebx
    pushl   %esi
    pushl   %edi
    movl    %esp, (%eax)
    movl    %edx, %esp
    popl    %edi
    popl    %esi
    popl    %ebx
    popl    %ebp
    ret

    .section .note.GNU-stack, "", @progbits
