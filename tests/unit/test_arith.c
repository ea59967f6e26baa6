/*
 * test_arith.c - lib/arith.c: scale_delta(), the TSC-to-nanoseconds formula
 * the hypervisor and its guests share, checked against exact 128-bit
 * arithmetic and against the rates the hypervisor really sees.
 */
#include "tap.h"

#include <klib.h>
#include <stdint.h>

static uint64_t exact(uint64_t delta, uint32_t mul, int8_t shift)
{
    unsigned __int128 d =
        shift < 0 ? delta >> -shift : (unsigned __int128)delta << shift;

    return (uint64_t)((d * mul) >> 32);
}

int main(void)
{
    static const uint64_t deltas[] = {
        0,
        1,
        999,
        1000000,
        0xFFFFFFFFULL,
        0x100000000ULL,
        0x123456789ABULL,
        1ULL << 40,
        (1ULL << 50) + 12345,
    };
    static const struct {
        uint32_t mul;
        int8_t shift;
    } scales[] = {
        { 0x80000000U, 1 },  /* 1 GHz: the TSC under -icount shift=0 */
        { 0xF3E5A0B5U, 0 },  /* about 1.05 GHz */
        { 0xDE5B4A12U, -1 }, /* about 2.3 GHz */
        { 1, 0 },
        { 0xFFFFFFFFU, -3 },
        { 0x9A3C0012U, 2 },
    };
    unsigned int i, j;
    uint32_t seed = 12345;

    for (i = 0; i < sizeof(scales) / sizeof(scales[0]); i++)
        for (j = 0; j < sizeof(deltas) / sizeof(deltas[0]); j++) {
            /* Keep (delta << shift) within 64 bits, as the hypervisor does. */
            if (scales[i].shift > 0 && deltas[j] >> (64 - scales[i].shift))
                continue;
            tap_is_uint(scale_delta(deltas[j], scales[i].mul, scales[i].shift),
                        exact(deltas[j], scales[i].mul, scales[i].shift),
                        "scale_delta(%#llx, %#x, %d)",
                        (unsigned long long)deltas[j], scales[i].mul,
                        scales[i].shift);
        }
    for (i = 0; i < 200; i++) {
        uint64_t d;
        uint32_t mul;

        seed = seed * 1103515245 + 12345;
        d = (uint64_t)seed << 20;
        seed = seed * 1103515245 + 12345;
        d ^= seed;
        seed = seed * 1103515245 + 12345;
        mul = seed | 1;
        if (scale_delta(d, mul, 0) != exact(d, mul, 0))
            break;
    }
    tap_is_uint(i, 200, "200 pseudo-random deltas and multipliers agree");
    tap_is_uint(scale_delta(1000000000ULL, 0x80000000U, 1), 1000000000ULL,
                "under icount one TSC tick is one nanosecond");
    return tap_done();
}
