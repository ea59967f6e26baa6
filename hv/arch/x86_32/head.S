/*
 * head.S - multiboot v1 entry. Runs at the physical load address with
 * paging off: checks the boot loader's magic, zeroes .bss, maps machine
 * 0..DIRECTMAP_SIZE (24 MiB) both at 0 and at DIRECTMAP_VIRT_START with
 * 4 MiB pages, turns paging on and jumps to start_hv() in the direct map.
 * It must not touch memory above 24 MiB or assume anything of the boot
 * loader's GDT.
 */
#include <asm/memlayout.h>
#include <asm/processor.h>

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
/* bit 0: page-align modules; bit 1: give us the memory map */
#define MULTIBOOT_HEADER_FLAGS     0x00000003

#define PHYS(sym) ((sym) - DIRECTMAP_VIRT_START)
#define BOOT_MAP_SLOTS (DIRECTMAP_SIZE >> 22)

    .section .multiboot, "a"
    .align 4
    .long MULTIBOOT_HEADER_MAGIC
    .long MULTIBOOT_HEADER_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

    .section .boot.text, "ax"
    .code32
    .globl start
start:
    cli
    cld
    cmpl    $MULTIBOOT_BOOTLOADER_MAGIC, %eax
    jne     not_multiboot
    mov     %ebx, %esi                  /* multiboot info, physical */

    lgdt    boot_gdt_desc
    ljmp    $0x08, $1f
1:  mov     $0x10, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs

    /* Zero .bss (physical addresses: paging is still off). */
    mov     $PHYS(__bss_start), %edi
    mov     $PHYS(__bss_end), %ecx
    sub     %edi, %ecx
    xor     %eax, %eax
    rep stosb

    /* Boot page directory: 4 MiB pages, identity and direct map. */
    mov     $PHYS(boot_pgdir), %edi
    xor     %ecx, %ecx
2:  mov     %ecx, %eax
    shl     $22, %eax
    or      $(0x80 | 0x2 | 0x1), %eax   /* PSE | RW | P */
    mov     %eax, (%edi,%ecx,4)
    mov     %eax, (4 * (DIRECTMAP_VIRT_START >> 22))(%edi,%ecx,4)
    inc     %ecx
    cmp     $BOOT_MAP_SLOTS, %ecx
    jb      2b

    mov     %cr4, %eax
    or      $X86_CR4_PSE, %eax
    mov     %eax, %cr4
    mov     $PHYS(boot_pgdir), %eax
    mov     %eax, %cr3
    mov     %cr0, %eax
    or      $(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE), %eax
    mov     %eax, %cr0

    mov     $high_entry, %eax
    jmp     *%eax

not_multiboot:
    /* Say so on COM1 and stop: there is nothing else we can trust. */
    mov     $not_mb_msg, %esi
    mov     $0x3f8, %dx
3:  lodsb
    test    %al, %al
    jz      4f
    out     %al, %dx
    jmp     3b
4:  hlt
    jmp     4b

    .section .boot.data, "aw"
not_mb_msg:
    .asciz  "(hv) PANIC: not started by a multiboot v1 boot loader\r\n"
    .align 8
boot_gdt:
    .quad   0
    .quad   0x00cf9a000000ffff          /* 0x08: ring 0 code, flat */
    .quad   0x00cf92000000ffff          /* 0x10: ring 0 data, flat */
boot_gdt_end:
boot_gdt_desc:
    .word   boot_gdt_end - boot_gdt - 1
    .long   boot_gdt

    .section .bss.page_aligned, "aw", @nobits
    .align 4096
    .globl boot_pgdir
boot_pgdir:
    .skip   4096
    .globl boot_stack
boot_stack:
    .skip   8192
    .globl boot_stack_top
boot_stack_top:

    .text
high_entry:
    mov     $boot_stack_top, %esp
    xor     %ebp, %ebp
    push    %esi
    call    start_hv
5:  hlt
    jmp     5b
    .section .note.GNU-stack, "", @progbits
