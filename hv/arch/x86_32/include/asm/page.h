/*
 * page.h - hardware facts of non-PAE two-level x86 paging: sizes, entry
 * bits and the accessors for page-table entries. No layout decisions here
 * (those are in memlayout.h) and no tunables.
 */
#ifndef __ASM_PAGE_H__
#define __ASM_PAGE_H__

#define PAGE_SHIFT           12
#define PAGE_SIZE            (1U << PAGE_SHIFT)
#define PAGE_MASK            (~(PAGE_SIZE - 1))
#define L1_PAGETABLE_SHIFT   12
#define L2_PAGETABLE_SHIFT   22
#define L1_PAGETABLE_ENTRIES 1024
#define L2_PAGETABLE_ENTRIES 1024
#define L2_SIZE              (1U << L2_PAGETABLE_SHIFT) /* 4 MiB per L2 slot */

/* Entry bits, the same in L1 and L2 entries unless noted. */
#define _PAGE_PRESENT  0x001U
#define _PAGE_RW       0x002U
#define _PAGE_USER     0x004U
#define _PAGE_PWT      0x008U
#define _PAGE_PCD      0x010U
#define _PAGE_ACCESSED 0x020U
#define _PAGE_DIRTY    0x040U /* L1 only */
#define _PAGE_PSE      0x080U /* L2: 4 MiB page; L1: PAT */
#define _PAGE_PAT      0x080U
#define _PAGE_GLOBAL   0x100U
#define _PAGE_AVAIL    0xE00U

/* Page-fault error code bits. */
#define PFEC_page_present 0x01U
#define PFEC_write_access 0x02U
#define PFEC_user_mode    0x04U
#define PFEC_reserved_bit 0x08U
#define PFEC_insn_fetch   0x10U

#ifndef __ASSEMBLY__
#include <stdint.h>

typedef uint32_t intpte_t;
typedef intpte_t l1_pgentry_t;
typedef intpte_t l2_pgentry_t;

#define l1_table_offset(va) (((uint32_t)(va) >> L1_PAGETABLE_SHIFT) & 1023U)
#define l2_table_offset(va) ((uint32_t)(va) >> L2_PAGETABLE_SHIFT)

#define pte_get_mfn(e)           ((uint32_t)(e) >> PAGE_SHIFT)
#define pte_get_flags(e)         ((uint32_t)(e) & ~PAGE_MASK)
#define pte_from_mfn(mfn, flags) (((uint32_t)(mfn) << PAGE_SHIFT) | (flags))
#define pte_present(e)           (((e)&_PAGE_PRESENT) != 0)

/*
 * The index of the first present entry of t[i..end), or end. Page tables
 * are mostly empty: eight entries are tested at a time (one OR each, where
 * a test per entry costs four or five instructions), which makes a walk of
 * an empty table about a third of its cost. For the walks of whole tables
 * on the paths of every directory built and dropped (shadow.c):
 *     for (i = pte_next_present(t, 0, n); i < n;
 *          i = pte_next_present(t, i + 1, n))
 */
static inline unsigned int pte_next_present(const intpte_t *t, unsigned int i,
                                            unsigned int end)
{
    for (; i < end && (i & 7); i++)
        if (pte_present(t[i]))
            return i;
    for (; i + 8 <= end; i += 8)
        if (pte_present(t[i] | t[i + 1] | t[i + 2] | t[i + 3] | t[i + 4] |
                        t[i + 5] | t[i + 6] | t[i + 7]))
            break;
    for (; i < end; i++)
        if (pte_present(t[i]))
            return i;
    return end;
}

/* The same, for a table whose present entries all lie in the 32-entry
 * chunks set in chunks (page_info's u.pt.present): the others are not
 * read at all. */
static inline unsigned int pte_next_present_in(const intpte_t *t,
                                               uint32_t chunks, unsigned int i,
                                               unsigned int end)
{
    while (i < end) {
        uint32_t left = chunks >> (i >> 5), chunk_end;

        if (!left)
            return end;
        if (!(left & 1)) {
            i = ((i >> 5) + __builtin_ctz(left)) << 5;
            continue;
        }
        chunk_end = ((i >> 5) + 1) << 5;
        if (chunk_end > end)
            chunk_end = end;
        i = pte_next_present(t, i, chunk_end);
        if (i < chunk_end)
            return i;
    }
    return end;
}
#endif

#endif /* __ASM_PAGE_H__ */
