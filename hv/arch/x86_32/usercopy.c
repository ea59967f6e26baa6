/*
 * usercopy.c - the guest-memory accessors declared in asm/uaccess.h. The
 * two string moves below are the only instructions allowed to fault on a
 * guest address; their exception-table entries make the fault end the
 * copy.
 */
#include <asm/uaccess.h>

/* Words, then the last 0-3 bytes (a guest's request is a few dozen bytes,
 * and an emulated CPU counts each iteration). Returns the bytes not
 * copied: a fault in the word move leaves ECX words and the tail. */
static unsigned long copy_bytes(void *to, const void *from, unsigned long n)
{
    unsigned long tail = n & 3;
    uint32_t d0, d1;

    n >>= 2;
    asm volatile("1: rep movsl\n"
                 "   mov %[tail], %%ecx\n"
                 "2: rep movsb\n"
                 "   jmp 4f\n"
                 "3: lea (%[tail],%%ecx,4), %%ecx\n"
                 "4:\n"
                 ".section .ex_table, \"a\"\n"
                 ".align 4\n"
                 ".long 1b, 3b\n"
                 ".long 2b, 4b\n"
                 ".previous\n"
                 : "+c"(n), "=D"(d0), "=S"(d1)
                 : "1"(to), "2"(from), [tail] "r"(tail)
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
