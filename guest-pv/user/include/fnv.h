/*
 * fnv.h - FNV-1a, the checksum the workloads record and verify. Not a
 * security measure: it catches any changed, lost or moved byte.
 */
#ifndef FNV_H
#define FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV_INIT 2166136261U

static inline uint32_t fnv1a(uint32_t h, const void *data, size_t n)
{
    const unsigned char *p = data;

    while (n--)
        h = (h ^ *p++) * 16777619U;
    return h;
}

#endif /* FNV_H */
