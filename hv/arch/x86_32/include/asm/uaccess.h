/*
 * asm/uaccess.h - reading and writing guest memory by guest virtual
 * address, through the page tables currently loaded (the caller's
 * kernel-mode directory during a hypercall). Every access is bounded below
 * HYPERVISOR_VIRT_START and fault-tolerant: a bad address makes the copy
 * fail with -EFAULT, never crashes the hypervisor. CR0.WP is on, so a
 * guest cannot make the hypervisor write through one of its read-only
 * mappings (a page table, the P2M).
 */
#ifndef __ASM_UACCESS_H__
#define __ASM_UACCESS_H__

#include <hv/errno.h>
#include <hv/lib.h>
#include <public/arch-x86_32.h>

struct exception_table_entry {
    uint32_t insn, fixup;
};
extern const struct exception_table_entry __start_ex_table[], __stop_ex_table[];

static inline bool guest_range_ok(uint32_t va, uint32_t n)
{
    return n <= HYPERVISOR_VIRT_START && va <= HYPERVISOR_VIRT_START - n;
}

/* Return the number of bytes NOT copied (0 on success). */
unsigned long raw_copy_from_guest(void *to, uint32_t from, unsigned long n);
unsigned long raw_copy_to_guest(uint32_t to, const void *from, unsigned long n);

/* 0 or -EFAULT. */
static inline int copy_from_guest(void *to, uint32_t from, unsigned long n)
{
    return raw_copy_from_guest(to, from, n) ? -EFAULT : 0;
}
static inline int copy_to_guest(uint32_t to, const void *from, unsigned long n)
{
    return raw_copy_to_guest(to, from, n) ? -EFAULT : 0;
}

#endif /* __ASM_UACCESS_H__ */
