/*
 * sys.h - the runtime's own: raw pvk system calls ("int $0x80", number in
 * eax, arguments in ebx, ecx, edx, esi, edi, result in eax, -errno on
 * failure; pvk/syscall.h) and the errno convention of the C library.
 * Internal to guest-pv/user/lib.
 */
#ifndef PVKRT_SYS_H
#define PVKRT_SYS_H

#include <errno.h>
#include <pvk/syscall.h>

static inline long pvk_sys0(long n)
{
    long r;

    __asm__ volatile("int $0x80" : "=a"(r) : "0"(n) : "memory");
    return r;
}

static inline long pvk_sys1(long n, long a)
{
    long r;

    __asm__ volatile("int $0x80" : "=a"(r) : "0"(n), "b"(a) : "memory");
    return r;
}

static inline long pvk_sys2(long n, long a, long b)
{
    long r;

    __asm__ volatile("int $0x80"
                     : "=a"(r)
                     : "0"(n), "b"(a), "c"(b)
                     : "memory");
    return r;
}

static inline long pvk_sys3(long n, long a, long b, long c)
{
    long r;

    __asm__ volatile("int $0x80"
                     : "=a"(r)
                     : "0"(n), "b"(a), "c"(b), "d"(c)
                     : "memory");
    return r;
}

/*
 * A result in [-4095, -1] is -errno; anything else (including an address
 * above 2 GiB from mmap or brk) is a success.
 */
static inline int pvk_is_err(long r)
{
    return (unsigned long)r >= (unsigned long)-4095;
}

/* The C convention: -1 with errno set on failure, else the result. */
static inline long pvk_ret(long r)
{
    if (pvk_is_err(r)) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

#define PVK_PTR(p) ((long)(unsigned long)(p))

#endif /* PVKRT_SYS_H */
