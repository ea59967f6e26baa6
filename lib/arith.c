/*
 * arith.c - arithmetic the hypervisor and its guests must do the same way.
 * Pure code, shared by the hypervisor, the guests and the host unit tests.
 */
#include <klib.h>

uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
    uint32_t lo, hi;

    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    lo = (uint32_t)delta;
    hi = (uint32_t)(delta >> 32);
    /* 64 x 32 bit product, keeping bits 32..95: no 128-bit type needed. */
    return (((uint64_t)lo * mul) >> 32) + (uint64_t)hi * mul;
}
