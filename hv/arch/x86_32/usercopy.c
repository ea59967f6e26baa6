/*
 * usercopy.c - the guest-memory accessors declared in asm/uaccess.h. The
 * rep movsb below is the only instruction allowed to fault on a guest
 * address; its exception-table entry makes the fault end the copy.
 */
#include <asm/uaccess.h>

static unsigned long copy_bytes(void *to, const void *from, unsigned long n)
{
    uint32_t d0, d1;

    asm volatile("1: rep movsb\n"
                 "2:\n"
                 ".section .ex_table, \"a\"\n"
                 ".align 4\n"
                 ".long 1b, 2b\n"
                 ".previous\n"
                 : "+c"(n), "=D"(d0), "=S"(d1)
                 : "1"(to), "2"(from)
                 : "memory");
    return n;
}

unsigned long raw_copy_from_guest(void *to, uint32_t from, unsigned long n)
{
    if (!guest_range_ok(from, n))
        return n;
    return copy_bytes(to, (const void *)from, n);
}

unsigned long raw_copy_to_guest(uint32_t to, const void *from, unsigned long n)
{
    if (!guest_range_ok(to, n))
        return n;
    return copy_bytes((void *)to, from, n);
}
