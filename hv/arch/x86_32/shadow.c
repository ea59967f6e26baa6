/*
 * shadow.c - shadow page tables of translated domains (the design is in
 * hv/shadow.h): building shadows from the guest's gfn tables, mirroring
 * each guest update, fixing the faults the guest's tables allow, the
 * reverse map from a pfn to the shadow entries that map it, transparent
 * share set-up and CoW breaks through that map, and reclaim.
 *
 * Owns: the shadow frames (xenheap, never in any P2M, never mapped by a
 * guest), per-domain sh_of and rmap. Every shadow L1 entry holds the same
 * references a validated PV entry does (get_page_from_l1e), so the frame
 * type rules hold for the hardware's view: a frame typed as a guest table
 * or shared is never mapped writable. It never trusts a guest table entry
 * it did not check when the guest installed it, and never writes a guest
 * table itself.
 *
 * A shadow frame's page_info keeps its gfn, references and kind in u.sh
 * (hv/mm.h).
 *
 * Invariant: a shadow L1 slot is present only if the guest's entry at
 * the same index is, it maps the frame the P2M gives for that entry's gfn,
 * and - if the gfn is RAM - the slot is on that pfn's rmap list.
 */
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/mm.h>
#include <hv/shadow.h>
#include <hv/stats.h>
#include <asm/paging.h>
#include <asm/regs.h>
#include <asm/uaccess.h>
#include <asm/processor.h>
#include <objpool.h>

/* Shadow frames a domain may hold before unloaded directories are
 * dropped (Xen's shadow pool, in pages). */
static unsigned int opt_shadow_pages = 1024;
integer_param_range("shadow_pages", opt_shadow_pages, 16, 1U << 20);

/* Debug: check every shadow against the guest's tables after each
 * directory load (1) and panic on a difference (tests). */
static unsigned int opt_shadow_check;
integer_param_range("shadow_check", opt_shadow_check, 0, 1);

#define SH_L1 1
#define SH_L2 2
#define LOC(smfn, i)   (((smfn) << 10) | (i))
#define LOC_MFN(loc)   ((loc) >> 10)
#define LOC_IDX(loc)   ((loc)&1023)
#define GL1_DISALLOW   (_PAGE_PAT | _PAGE_GLOBAL)
/* In a shadow L1 entry (a bit the CPU ignores): the guest's entry is
 * writable, whether or not the shadow is. With the entry's other flags
 * and its pfn it gives back the guest's entry without reading it. */
#define SH_GUEST_RW    0x200U
#define GL2_DISALLOW   (_PAGE_PSE | _PAGE_GLOBAL)
#define FIX_REPEAT_MAX 8
/* Freed shadow frames a domain keeps for reuse (a fork makes and an exit
 * drops two directories and a few L1s; the xenheap is slow to search). */
#define SPARE_MAX 32
/* Reverse-map nodes a domain may hold, per page of its memory. */
#define RMAP_PER_PAGE 16

struct sh_rmap {
    uint32_t loc;
    intpte_t old; /* while detached: the entry taken away */
    struct sh_rmap *next;
};

static struct objpool rmap_pool;

static intpte_t *sh_va(uint32_t smfn)
{
    return __va(smfn << PAGE_SHIFT);
}

#define sh_gfn(pg)  ((pg)->u.sh.gfn)
#define sh_refs(pg) ((pg)->u.sh.refs)
#define sh_kind(pg) ((pg)->u.sh.kind)
/* An L1 shadow that has taken this many fills at faults is used densely
 * (a kernel's direct map, a program's heap): the rest of it is filled at
 * once, instead of a fault a page. */
#define SH_FILL_ALL 8

/* --- Translation -------------------------------------------------------- */

uint32_t sh_gfn_to_mfn(struct domain *d, uint32_t gfn)
{
    if (gfn < d->p2m_size)
        return d->p2m[gfn];
    gfn -= d->p2m_size;
    if (gfn < d->p2m_frames)
        return (__pa(d->p2m) >> PAGE_SHIFT) + gfn;
    if (gfn == d->p2m_frames)
        return __pa(d->shared_info) >> PAGE_SHIFT;
    return INVALID_MFN;
}

static bool is_table_frame(const struct page_info *pg)
{
    uint32_t t = pg->type_info & PGT_type_mask;

    return (pg->type_info & PGT_count_mask) && t != PGT_writable_page;
}

int sh_check_gl1e(struct domain *d, intpte_t e)
{
    uint32_t mfn;
    struct page_info *pg;

    if (!pte_present(e))
        return 0;
    if (e & GL1_DISALLOW) {
        gprintk(d, "guest L1 entry %#x: PAT/global bits not allowed", e);
        return -EINVAL;
    }
    mfn = sh_gfn_to_mfn(d, pte_get_mfn(e));
    if (mfn == INVALID_MFN) {
        gprintk(d, "guest L1 entry %#x: gfn %#x does not exist", e,
                pte_get_mfn(e));
        return -EINVAL;
    }
    pg = mfn_to_page(mfn);
    if ((e & _PAGE_RW) && page_get_owner(pg) != dom_cow && is_table_frame(pg)) {
        gprintk(d, "guest L1 entry %#x: gfn %#x cannot be writable (type %#x)",
                e, pte_get_mfn(e), pg->type_info);
        return -EBUSY;
    }
    return 0;
}

/* The machine entry for guest entry g (no references taken). */
static intpte_t translate(struct domain *d, intpte_t g)
{
    uint32_t mfn;
    struct page_info *pg;
    intpte_t e;

    if (!pte_present(g))
        return 0;
    mfn = sh_gfn_to_mfn(d, pte_get_mfn(g));
    if (mfn == INVALID_MFN)
        return 0;
    pg = mfn_to_page(mfn);
    e = pte_from_mfn(mfn, pte_get_flags(g) & ~GL1_DISALLOW & ~_PAGE_AVAIL);
    if (g & _PAGE_RW)
        e |= SH_GUEST_RW;
    /* Shared frames and page tables: never writable in hardware. */
    if ((e & _PAGE_RW) &&
        (page_get_owner(pg) == dom_cow || is_table_frame(pg)))
        e &= ~(_PAGE_RW | _PAGE_DIRTY);
    return e;
}

static bool rmap_pfn(const struct domain *d, intpte_t g, uint32_t *pfn)
{
    *pfn = pte_get_mfn(g);
    return pte_present(g) && *pfn < d->p2m_size;
}

/* --- Slots --------------------------------------------------------------- */

/* Put machine entry e, its references held, in the slot at loc (which
 * was writable already if was_rw). */
static void slot_set(struct domain *d, uint32_t loc, intpte_t e, bool was_rw)
{
    sh_va(LOC_MFN(loc))[LOC_IDX(loc)] = e;
    d->shadow->propagated++;
    if ((e & _PAGE_RW) && !was_rw)
        share_changed(d); /* a page it may now write unseen */
}

/* Fill the empty slot at loc from guest entry g; true if now present. */
static bool slot_fill(struct domain *d, uint32_t loc, intpte_t g)
{
    intpte_t e = translate(d, g);

    if (!e)
        return false;
    if (get_page_from_l1e(e, d)) {
        if (!(e & _PAGE_RW))
            return false;
        e &= ~(_PAGE_RW | _PAGE_DIRTY); /* read-only will do */
        if (get_page_from_l1e(e, d))
            return false;
    }
    slot_set(d, loc, e, false);
    return true;
}

static void slot_clear(struct domain *d, uint32_t loc)
{
    intpte_t *sl1 = sh_va(LOC_MFN(loc));
    intpte_t e = sl1[LOC_IDX(loc)];

    sl1[LOC_IDX(loc)] = 0;
    put_page_from_l1e(e, d);
}

static void rmap_add(struct domain *d, uint32_t pfn, uint32_t loc)
{
    struct shadow_dom *s = d->shadow;
    struct sh_rmap *n = NULL;

    /* The nodes come from the xenheap every domain shares: a domain that
     * maps its pages thousands of times over gets no more than its due,
     * and its extra mappings fault (and refill) instead. */
    if (s->rmap_nodes < d->p2m_size * RMAP_PER_PAGE)
        n = objpool_alloc(&rmap_pool);
    else if (!s->rmap_capped++)
        gprintk(d, "shadow: %u mappings: further ones are not kept",
                s->rmap_nodes);
    if (!n) {
        /* No node, no mapping: the slot refills at the next fault. */
        slot_clear(d, loc);
        return;
    }
    n->loc = loc;
    n->next = d->shadow->rmap[pfn];
    d->shadow->rmap[pfn] = n;
    s->rmap_nodes++;
}

static void rmap_del(struct domain *d, uint32_t pfn, uint32_t loc)
{
    struct sh_rmap **pp, *n;

    for (pp = &d->shadow->rmap[pfn]; (n = *pp) != NULL; pp = &n->next)
        if (n->loc == loc) {
            *pp = n->next;
            objpool_free(&rmap_pool, n);
            d->shadow->rmap_nodes--;
            return;
        }
    panic("shadow: d%u pfn %#x: slot %#x present but not on the rmap",
          d->domain_id, pfn, loc);
}

/*
 * The slot at loc maps the machine frame translate() gives for g, only with
 * other flags (a fork's write protection, the end of a guest's CoW): the
 * frame reference stays; only the writable type reference follows the RW
 * bit (a frame that refuses it is mapped read-only, as slot_fill does).
 * False if the frame changed (the general path then).
 */
static bool slot_reflag(struct domain *d, uint32_t loc, intpte_t old,
                        intpte_t g)
{
    intpte_t e = translate(d, g);
    struct page_info *pg;

    if (!e || pte_get_mfn(e) != pte_get_mfn(old))
        return false;
    pg = mfn_to_page(pte_get_mfn(e));
    if ((e & _PAGE_RW) && !(old & _PAGE_RW) &&
        get_page_type(pg, PGT_writable_page))
        e &= ~(_PAGE_RW | _PAGE_DIRTY); /* read-only will do */
    else if (!(e & _PAGE_RW) && (old & _PAGE_RW))
        put_page_type(pg);
    slot_set(d, loc, e, old & _PAGE_RW);
    return true;
}

/* Make the slot at loc mirror guest entry g (the slot mirrored og). */
static void slot_update(struct domain *d, uint32_t loc, intpte_t og,
                        intpte_t g)
{
    intpte_t old = sh_va(LOC_MFN(loc))[LOC_IDX(loc)];
    uint32_t pfn;

    /* The same pfn with other flags: the rmap node and the frame
     * reference stay. */
    if (pte_present(old) && pte_present(g) &&
        pte_get_mfn(og) == pte_get_mfn(g) && slot_reflag(d, loc, old, g))
        return;
    if (pte_present(old)) {
        slot_clear(d, loc);
        if (rmap_pfn(d, og, &pfn))
            rmap_del(d, pfn, loc);
    }
    if (slot_fill(d, loc, g) && rmap_pfn(d, g, &pfn))
        rmap_add(d, pfn, loc);
}

/* --- Shadow frames ------------------------------------------------------- */

static void reclaim(struct domain *d, bool all);
static int unshare(struct domain *d, uint32_t pfn, bool clear);
static void free_spares(struct domain *d);

static struct page_info *sh_alloc(struct domain *d, uint32_t gfn,
                                  uint32_t kind)
{
    struct shadow_dom *s = d->shadow;
    void *va = NULL;
    struct page_info *pg;
    struct domain *o;

    if (s->pages >= opt_shadow_pages)
        reclaim(d, false);
    if (s->pages < opt_shadow_pages) {
        /* A spare is clean already: L1s all zero, L2s all but the
         * hypervisor's slots. */
        pg = page_list_first(&s->spare[kind - 1]);
        if (pg) {
            page_list_del(&s->spare[kind - 1], pg);
            va = __va(page_to_mfn(pg) << PAGE_SHIFT);
        } else
            va = alloc_xenheap_pages(1);
    }
    if (!va && s->pages < opt_shadow_pages) {
        /* The heap is short: every translated domain gives back what it
         * has not loaded. */
        for_each_domain (o)
            if (o->shadow) {
                reclaim(o, true);
                free_spares(o);
            }
        va = alloc_xenheap_pages(1);
    }
    if (!va) {
        gprintk(d, "shadow: no memory for a shadow table (%u held)", s->pages);
        return NULL;
    }
    pg = mfn_to_page(__pa(va) >> PAGE_SHIFT);
    sh_gfn(pg) = gfn;
    sh_refs(pg) = 0;
    pg->u.sh.kind = kind;
    pg->u.sh.fills = 0;
    d->shadow->sh_of[gfn] = page_to_mfn(pg);
    if (++s->pages > s->peak)
        s->peak = s->pages;
    return pg;
}

/* pg's entries are all clear (an L2's hypervisor slots aside). */
static void sh_free(struct domain *d, struct page_info *pg)
{
    struct page_list_head *spare = &d->shadow->spare[sh_kind(pg) - 1];

    d->shadow->sh_of[sh_gfn(pg)] = 0;
    memset(&pg->u, 0, sizeof(pg->u));
    d->shadow->pages--;
    if (spare->count < SPARE_MAX) {
        page_list_add(spare, pg);
    } else {
        /* The CPU may still cache a walk through it: no other use of the
         * frame until that is gone. */
        flush_tlb_local();
        free_xenheap_pages(__va(page_to_mfn(pg) << PAGE_SHIFT), 1);
    }
}

static void free_spares(struct domain *d)
{
    unsigned int k;

    flush_tlb_local(); /* as in sh_free(): no cached walk through them */
    for (k = 0; k < 2; k++)
        while (page_list_first(&d->shadow->spare[k])) {
            struct page_info *pg = page_list_first(&d->shadow->spare[k]);

            page_list_del(&d->shadow->spare[k], pg);
            free_xenheap_pages(__va(page_to_mfn(pg) << PAGE_SHIFT), 1);
        }
}

/* The chunks of guest table gfn (validated: it has a shadow, or is getting
 * one) that may hold present entries (u.pt.present, arch mm.c); a shadow
 * slot is present only where the guest's entry is, so they bound the
 * shadow's too. */
static uint32_t guest_present_chunks(struct domain *d, uint32_t gfn)
{
    return mfn_to_page(d->p2m[gfn])->u.pt.present;
}

/*
 * The shadow of guest L1 gfn, with a reference; 0 if no memory. A new one
 * is empty: its entries are filled one at a time, at the guest's faults
 * (fix_entry()). A fork's child touches a handful of the pages its tables
 * map before it exits or execs, and filling every entry up front, then
 * dropping it, cost more than the faults (forkexec: fork_test +3 %, exec_test +1 %).
 */
static uint32_t get_l1(struct domain *d, uint32_t gfn)
{
    uint32_t smfn = d->shadow->sh_of[gfn];
    struct page_info *pg;

    if (smfn) {
        pg = mfn_to_page(smfn);
        BUG_ON(sh_kind(pg) != SH_L1);
        sh_refs(pg)++;
        return smfn;
    }
    pg = sh_alloc(d, gfn, SH_L1);
    if (!pg)
        return 0;
    sh_refs(pg) = 1;
    d->shadow->l1_made++;
    return page_to_mfn(pg);
}

static void put_l1(struct domain *d, uint32_t smfn)
{
    struct page_info *pg = mfn_to_page(smfn);
    intpte_t *sl1 = sh_va(smfn);
    const intpte_t *gl1;
    uint32_t i, pfn, present;

    BUG_ON(sh_kind(pg) != SH_L1 || !sh_refs(pg));
    if (--sh_refs(pg))
        return;
    gl1 = map_domain_page(d->p2m[sh_gfn(pg)]);
    present = guest_present_chunks(d, sh_gfn(pg));
    for (i = pte_next_present_in(sl1, present, 0, L1_PAGETABLE_ENTRIES);
         i < L1_PAGETABLE_ENTRIES;
         i = pte_next_present_in(sl1, present, i + 1, L1_PAGETABLE_ENTRIES)) {
        slot_clear(d, LOC(smfn, i));
        if (rmap_pfn(d, gl1[i], &pfn))
            rmap_del(d, pfn, LOC(smfn, i));
    }
    unmap_domain_page(gl1);
    sh_free(d, pg);
}

static intpte_t sl2e_for(uint32_t smfn1, intpte_t gl2e)
{
    return pte_from_mfn(smfn1, pte_get_flags(gl2e) & ~GL2_DISALLOW &
                                   ~_PAGE_AVAIL);
}

/* A shadow directory for guest directory gfn (not yet referenced). */
static struct page_info *make_l2(struct domain *d, uint32_t gfn)
{
    struct page_info *pg = sh_alloc(d, gfn, SH_L2);
    const intpte_t *gl2;
    intpte_t *sl2;
    uint32_t i, smfn1, present;

    if (!pg)
        return NULL;
    sh_refs(pg) = 1; /* held: reclaim must not take it while it is built */
    sl2 = sh_va(page_to_mfn(pg));
    init_guest_l2_slots(d, sl2);
    gl2 = map_domain_page(d->p2m[gfn]);
    present = guest_present_chunks(d, gfn);
    for (i = pte_next_present_in(gl2, present, 0, FIRST_HV_L2_SLOT);
         i < FIRST_HV_L2_SLOT;
         i = pte_next_present_in(gl2, present, i + 1, FIRST_HV_L2_SLOT))
        if ((smfn1 = get_l1(d, pte_get_mfn(gl2[i]))) != 0)
            sl2[i] = sl2e_for(smfn1, gl2[i]);
    unmap_domain_page(gl2);
    sh_refs(pg)--;
    page_list_add(&d->shadow->l2s, pg);
    d->shadow->l2_made++;
    return pg;
}

static void destroy_l2(struct domain *d, struct page_info *pg)
{
    intpte_t *sl2 = sh_va(page_to_mfn(pg));
    uint32_t i, present;

    BUG_ON(sh_kind(pg) != SH_L2 || sh_refs(pg));
    page_list_del(&d->shadow->l2s, pg);
    present = guest_present_chunks(d, sh_gfn(pg));
    for (i = pte_next_present_in(sl2, present, 0, FIRST_HV_L2_SLOT);
         i < FIRST_HV_L2_SLOT;
         i = pte_next_present_in(sl2, present, i + 1, FIRST_HV_L2_SLOT)) {
        put_l1(d, pte_get_mfn(sl2[i]));
        sl2[i] = 0;
    }
    sh_free(d, pg);
}

/* Drop shadow directories nobody has loaded, least recently loaded
 * first: until well under the limit, or all of them. */
static void reclaim(struct domain *d, bool all)
{
    struct shadow_dom *s = d->shadow;
    struct page_info *pg, *prev;
    uint32_t target = opt_shadow_pages > 64 ? opt_shadow_pages - 64 : 0;

    /* Loading puts a directory at the head: the oldest are at the tail. */
    for (pg = page_list_first(&s->l2s); pg && pg->next; pg = pg->next)
        ;
    for (; pg; pg = prev) {
        prev = pg->prev;
        if (!all && s->pages <= target)
            break;
        if (sh_refs(pg))
            continue;
        destroy_l2(d, pg);
        s->reclaimed++;
    }
    flush_tlb_local();
}

/* --- Guest table life ---------------------------------------------------- */

void sh_guest_table_gone(struct domain *d, uint32_t gfn)
{
    uint32_t smfn = d->shadow->sh_of[gfn];
    struct page_info *pg;

    if (!smfn)
        return;
    pg = mfn_to_page(smfn);
    /* A guest L1 no directory points at has no shadow directory entry
     * either (shadow directories mirror the guest's). */
    if (sh_kind(pg) != SH_L2 || sh_refs(pg))
        panic("shadow: d%u gfn %#x stops being a table while its shadow "
              "(kind %u) has %u references",
              d->domain_id, gfn, sh_kind(pg), sh_refs(pg));
    destroy_l2(d, pg);
}

void sh_update_gl1e(struct domain *d, uint32_t gfn, unsigned int idx,
                    intpte_t old, intpte_t new)
{
    uint32_t smfn = d->shadow->sh_of[gfn];

    if (smfn)
        slot_update(d, LOC(smfn, idx), old, new);
}

void sh_update_gl2e(struct domain *d, uint32_t gfn, unsigned int idx,
                    intpte_t new)
{
    uint32_t smfn = d->shadow->sh_of[gfn], smfn1 = 0;
    struct page_info *pg;
    intpte_t *sl2, old;

    if (!smfn)
        return;
    pg = mfn_to_page(smfn);
    sh_refs(pg)++; /* hold it: get_l1 may reclaim */
    if (pte_present(new))
        smfn1 = get_l1(d, pte_get_mfn(new)); /* 0: filled at a fault */
    sl2 = sh_va(smfn);
    old = sl2[idx];
    sl2[idx] = smfn1 ? sl2e_for(smfn1, new) : 0;
    if (pte_present(old))
        put_l1(d, pte_get_mfn(old));
    sh_refs(pg)--;
}

/* --- Loading ------------------------------------------------------------- */

uint32_t sh_ptbase(struct vcpu *v)
{
    return v->arch.kernel_mode ? v->arch.shadow_table
                               : v->arch.shadow_table_user;
}

int sh_set_baseptr(struct vcpu *v, bool user, uint32_t gfn)
{
    struct domain *d = v->domain;
    uint32_t *slot = user ? &v->arch.shadow_table_user : &v->arch.shadow_table;
    struct page_info *pg = NULL;
    uint32_t smfn;

    if (gfn || !user) {
        smfn = d->shadow->sh_of[gfn];
        pg = smfn ? mfn_to_page(smfn) : make_l2(d, gfn);
        if (!pg)
            return -ENOMEM;
        BUG_ON(sh_kind(pg) != SH_L2);
        sh_refs(pg)++;
        /* Most recently loaded last: reclaim takes the oldest. */
        page_list_del(&d->shadow->l2s, pg);
        page_list_add(&d->shadow->l2s, pg);
    }
    if (*slot) {
        struct page_info *old = mfn_to_page(*slot);

        BUG_ON(!sh_refs(old));
        sh_refs(old)--;
    }
    *slot = pg ? page_to_mfn(pg) : 0;
    if (opt_shadow_check && (d->shadow->checks++, sh_check_consistency(d)))
        panic("shadow: d%u: shadows disagree with the guest's tables",
              d->domain_id);
    return 0;
}

void sh_vcpu_unload(struct vcpu *v)
{
    uint32_t *slot[2] = { &v->arch.shadow_table, &v->arch.shadow_table_user };
    unsigned int i;

    for (i = 0; i < 2; i++)
        if (*slot[i]) {
            BUG_ON(!sh_refs(mfn_to_page(*slot[i])));
            sh_refs(mfn_to_page(*slot[i]))--;
            *slot[i] = 0;
        }
}

/* --- Faults -------------------------------------------------------------- */

/*
 * The guest's own view of va: its directory entry (read from the shadow
 * when that is present: an L1 shadow names its guest L1) and L1 entry.
 * True if both levels allow the access from ring 3 (every guest access
 * runs there) - a write needs both levels' RW.
 */
static bool guest_allows(struct vcpu *v, uint32_t va, bool write,
                         intpte_t *gl2e, uint32_t *gfn1, intpte_t *g)
{
    struct domain *d = v->domain;
    const intpte_t *sl2 = sh_va(sh_ptbase(v)), *p;
    uint32_t gl2mfn =
        v->arch.kernel_mode ? v->arch.guest_table : v->arch.guest_table_user;

    if (pte_present(sl2[l2_table_offset(va)])) {
        *gl2e = sl2[l2_table_offset(va)];
        *gfn1 = sh_gfn(mfn_to_page(pte_get_mfn(*gl2e)));
    } else {
        p = map_domain_page(gl2mfn);
        *gl2e = p[l2_table_offset(va)];
        unmap_domain_page(p);
        if (!pte_present(*gl2e))
            return false;
        *gfn1 = pte_get_mfn(*gl2e);
    }
    p = map_domain_page(d->p2m[*gfn1]);
    *g = p[l1_table_offset(va)];
    unmap_domain_page(p);
    return pte_present(*g) && (*g & *gl2e & _PAGE_USER) &&
           (!write || (*g & *gl2e & _PAGE_RW));
}

/* A write to a present page whose guest entry is read-only: the shadow
 * entry says so (SH_GUEST_RW, kept in step with the guest's entry at every
 * update) without a walk of the guest's tables. */
static bool guest_entry_read_only(struct vcpu *v, uint32_t va, uint32_t ec)
{
    intpte_t sl2e, e;

    if ((ec & (PFEC_page_present | PFEC_write_access)) !=
        (PFEC_page_present | PFEC_write_access))
        return false;
    sl2e = sh_va(sh_ptbase(v))[l2_table_offset(va)];
    if (!pte_present(sl2e))
        return false;
    e = sh_va(pte_get_mfn(sl2e))[l1_table_offset(va)];
    return pte_present(e) && !(e & SH_GUEST_RW);
}

/* The shadow allowed the access already: a stale TLB entry, flushed. The
 * same one again and again would mean a bug: false lets the guest see it. */
static bool fix_stale(struct domain *d, uint32_t va, uint32_t ec)
{
    struct shadow_dom *s = d->shadow;

    if (va == s->fix_va && ++s->fix_repeats > FIX_REPEAT_MAX) {
        gprintk(d, "shadow: fault at %#x (error %#x) keeps coming back", va,
                ec);
        s->fix_repeats = 0;
        return false;
    }
    if (va != s->fix_va) {
        s->fix_va = va;
        s->fix_repeats = 0;
    }
    invlpg(va);
    perfc_incr(invlpgs);
    return true;
}

/* The L1 shadow for va, its directory entry installed from the guest's
 * (gl2e, guest L1 gfn1) if missing; 0 if none can be had. */
static uint32_t shadow_l1_for(struct vcpu *v, uint32_t va, intpte_t gl2e,
                              uint32_t gfn1)
{
    intpte_t *sl2 = sh_va(sh_ptbase(v));
    uint32_t smfn1;

    if (!pte_present(sl2[l2_table_offset(va)])) {
        smfn1 = get_l1(v->domain, gfn1);
        if (!smfn1)
            return 0;
        sl2[l2_table_offset(va)] = sl2e_for(smfn1, gl2e);
    }
    return pte_get_mfn(sl2[l2_table_offset(va)]);
}

/* A fill at a fault in L1 shadow smfn1: past SH_FILL_ALL of them, every
 * absent slot whose guest entry is present is filled. */
static void note_fill(struct domain *d, uint32_t smfn1)
{
    struct page_info *pg = mfn_to_page(smfn1);
    const intpte_t *gl1, *sl1 = sh_va(smfn1);
    uint32_t i, present;

    if (pg->u.sh.fills > SH_FILL_ALL || ++pg->u.sh.fills <= SH_FILL_ALL)
        return;
    gl1 = map_domain_page(d->p2m[sh_gfn(pg)]);
    present = guest_present_chunks(d, sh_gfn(pg));
    for (i = pte_next_present_in(gl1, present, 0, L1_PAGETABLE_ENTRIES);
         i < L1_PAGETABLE_ENTRIES;
         i = pte_next_present_in(gl1, present, i + 1, L1_PAGETABLE_ENTRIES))
        if (!pte_present(sl1[i]))
            slot_update(d, LOC(smfn1, i), 0, gl1[i]);
    unmap_domain_page(gl1);
}

/*
 * A write fault at va by "rep stosl" that stores zeros from va, the first
 * byte of a page, over at least the whole page: a guest clearing a page it
 * has just allocated (32-bit Linux's memset, pvk's clear_page). When the
 * page is shared, its old contents are never read again: the break needs
 * a zeroed frame, not a copy, and the hypervisor does the instruction's
 * iterations over this page itself (complete_clear). Milos's no-copy CoW
 * for freed pages, found without the guest's help. Flat segments (every
 * guest selector is): EIP and EDI are linear addresses. regs is NULL for
 * the hypervisor's own accesses.
 */
static bool is_page_clear(const struct cpu_user_regs *regs, uint32_t va)
{
    uint8_t insn[2];

    return regs && !(va & ~PAGE_MASK) && regs->edi == va && !regs->eax &&
           regs->ecx >= PAGE_SIZE / 4 &&
           !(regs->eflags & (X86_EFLAGS_DF | X86_EFLAGS_TF)) &&
           !copy_from_guest(insn, regs->eip, sizeof(insn)) &&
           insn[0] == 0xf3 && insn[1] == 0xab; /* rep stosl */
}

/* The page's 1024 iterations of the rep stosl is_page_clear() found, as
 * the CPU leaves them: EDI and ECX advanced, EIP past it once ECX is 0. */
static void complete_clear(struct cpu_user_regs *regs)
{
    regs->edi += PAGE_SIZE;
    regs->ecx -= PAGE_SIZE / 4;
    if (!regs->ecx)
        regs->eip += 2;
}

/* Make the shadow entry for va (in L1 shadow smfn1; the guest's entry is
 * g) agree with the guest's, breaking a share on a write first (*cleared:
 * broken with no copy, the page zeroed for the clear regs is doing). -ENOMEM:
 * no frame for the copy (the domain is crashed); -EAGAIN: the shadow still
 * does not allow it (the guest's fault). */
static int fix_entry(struct domain *d, const struct cpu_user_regs *regs,
                     uint32_t va, bool write, uint32_t smfn1, intpte_t g,
                     bool *cleared)
{
    intpte_t e;
    uint32_t pfn;

    if (write && rmap_pfn(d, g, &pfn) && d->p2m[pfn] != INVALID_MFN &&
        page_get_owner(mfn_to_page(d->p2m[pfn])) == dom_cow) {
        bool clear = is_page_clear(regs, va);

        if (unshare(d, pfn, clear)) {
            domain_crash(d, "no memory to copy shared pfn %#x at %#x", pfn,
                         va);
            return -ENOMEM;
        }
        *cleared = clear;
    }
    e = sh_va(smfn1)[l1_table_offset(va)];
    if (!pte_present(e) || (write && !(e & _PAGE_RW))) {
        bool fill = !pte_present(e);

        slot_update(d, LOC(smfn1, l1_table_offset(va)), g, g);
        if (fill)
            note_fill(d, smfn1);
        e = sh_va(smfn1)[l1_table_offset(va)];
    }
    return pte_present(e) && (!write || (e & _PAGE_RW)) ? 0 : -EAGAIN;
}

bool sh_page_fault(struct vcpu *v, struct cpu_user_regs *regs, uint32_t va,
                   uint32_t ec)
{
    struct domain *d = v->domain;
    struct shadow_dom *s = d->shadow;
    bool write = ec & PFEC_write_access, cleared = false;
    uint32_t gfn1, smfn1;
    intpte_t gl2e, g, e;
    int rc;

    if (!s || va >= HYPERVISOR_VIRT_START ||
        !(v->arch.kernel_mode ? v->arch.guest_table
                              : v->arch.guest_table_user) ||
        !sh_ptbase(v))
        return false;
    if (guest_entry_read_only(v, va, ec))
        goto guest; /* the guest's own protection (its CoW, most often) */
    if (!guest_allows(v, va, write, &gl2e, &gfn1, &g))
        goto guest;
    /* The guest's tables allow it: make the shadow agree. */
    smfn1 = shadow_l1_for(v, va, gl2e, gfn1);
    if (!smfn1)
        goto guest;
    e = sh_va(smfn1)[l1_table_offset(va)];
    if (pte_present(e) && (!write || (e & _PAGE_RW))) {
        if (fix_stale(d, va, ec))
            return true;
        goto guest;
    }
    s->fix_va = 0;
    rc = fix_entry(d, regs, va, write, smfn1, g, &cleared);
    if (rc == -ENOMEM)
        return false;
    /* The page is zero now: the clear's stores to it are done, even if
     * the entry could not be made writable (no rmap node). */
    if (cleared) {
        complete_clear(regs);
        s->clear_breaks++;
    } else if (rc)
        goto guest;
    invlpg(va);
    perfc_incr(invlpgs);
    s->faults_fixed++;
    return true;
guest:
    s->faults_to_guest++;
    return false;
}

/* --- Transparent sharing ------------------------------------------------- */

/* Take every shadow mapping of pfn away; the list comes back to
 * restore_pfn() once the P2M says what pfn is now. */
static struct sh_rmap *detach_pfn(struct domain *d, uint32_t pfn)
{
    struct sh_rmap *list = d->shadow->rmap[pfn], *n;

    d->shadow->rmap[pfn] = NULL;
    for (n = list; n; n = n->next) {
        n->old = sh_va(LOC_MFN(n->loc))[LOC_IDX(n->loc)];
        slot_clear(d, n->loc);
    }
    return list;
}

static void restore_pfn(struct domain *d, uint32_t pfn, struct sh_rmap *list)
{
    struct sh_rmap *n;

    while ((n = list) != NULL) {
        list = n->next;
        /* The guest's entry, from the one taken away (its pfn is pfn). */
        intpte_t g = pte_from_mfn(pfn, (pte_get_flags(n->old) &
                                        ~(_PAGE_AVAIL | _PAGE_RW)) |
                                           ((n->old & SH_GUEST_RW) ? _PAGE_RW
                                                                   : 0));

        if (slot_fill(d, n->loc, g)) {
            n->next = d->shadow->rmap[pfn];
            d->shadow->rmap[pfn] = n;
        } else {
            objpool_free(&rmap_pool, n);
            d->shadow->rmap_nodes--;
        }
    }
    flush_tlb_local();
}

/* sh_unshare() of a pfn known to be shared; clear: its contents are not
 * wanted (a zeroed frame, no copy). */
static int unshare(struct domain *d, uint32_t pfn, bool clear)
{
    struct sh_rmap *list = detach_pfn(d, pfn);
    int rc;

    rc = share_break_pfn(d, pfn, clear);
    restore_pfn(d, pfn, list);
    if (rc)
        d->shadow->cow_failures++;
    else
        d->shadow->cow_breaks++;
    return rc;
}

int sh_unshare(struct domain *d, uint32_t pfn)
{
    if (!d->shadow || pfn >= d->p2m_size || d->p2m[pfn] == INVALID_MFN ||
        page_get_owner(mfn_to_page(d->p2m[pfn])) != dom_cow)
        return 0;
    return unshare(d, pfn, false);
}

bool sh_shareable(struct domain *d, uint32_t pfn)
{
    struct page_info *pg = mfn_to_page(d->p2m[pfn]);
    const struct sh_rmap *n;
    uint32_t maps = 0;

    /* References beyond the allocation and the shadows' (a block ring)
     * mean the page cannot be shared. */
    for (n = d->shadow->rmap[pfn]; n; n = n->next)
        maps++;
    return (pg->count_info & PGC_count_mask) == 1 + maps;
}

int sh_share_by(struct domain *d, uint32_t pfn,
                int (*setup)(struct domain *d, uint32_t pfn, void *arg),
                void *arg)
{
    struct sh_rmap *list;
    int rc;

    /* A private frame may have references besides its shadows (a block
     * ring); a shared one has none a guest could hold. */
    if (page_get_owner(mfn_to_page(d->p2m[pfn])) != dom_cow &&
        !sh_shareable(d, pfn)) {
        d->shadow->share_failures++;
        return -EBUSY;
    }
    list = detach_pfn(d, pfn);
    rc = setup(d, pfn, arg);

    restore_pfn(d, pfn, list);
    if (rc)
        d->shadow->share_failures++;
    else
        d->shadow->shares++;
    return rc;
}

static int setup_offer(struct domain *d, uint32_t pfn, void *arg)
{
    (void)arg;
    return share_setup_pfn(d, pfn);
}

int sh_share(struct domain *d, uint32_t pfn)
{
    return sh_share_by(d, pfn, setup_offer, NULL);
}

void sh_zap_pfn(struct domain *d, uint32_t pfn)
{
    struct sh_rmap *n;

    if (!d->shadow || pfn >= d->p2m_size)
        return;
    n = detach_pfn(d, pfn);
    while (n) {
        struct sh_rmap *next = n->next;

        objpool_free(&rmap_pool, n);
        d->shadow->rmap_nodes--;
        n = next;
    }
    flush_tlb_local();
}

/* --- Audit --------------------------------------------------------------- */

void sh_for_each_l1e(struct domain *d,
                     void (*fn)(void *arg, uint32_t smfn, unsigned int i,
                                intpte_t e),
                     void *arg)
{
    uint32_t gfn, i;

    for (gfn = 0; gfn < d->p2m_size; gfn++) {
        uint32_t smfn = d->shadow->sh_of[gfn];
        const intpte_t *sl1;

        if (!smfn || sh_kind(mfn_to_page(smfn)) != SH_L1)
            continue;
        sl1 = sh_va(smfn);
        for (i = 0; i < L1_PAGETABLE_ENTRIES; i++)
            if (pte_present(sl1[i]))
                fn(arg, smfn, i, sl1[i]);
    }
}

static unsigned int sh_error(struct domain *d, const char *what, uint32_t a,
                             uint32_t b, uint32_t c)
{
    printk(XENLOG_ERR "shadow audit d%u: %s (%#x %#x %#x)", d->domain_id,
           what, a, b, c);
    return 1;
}

static bool on_rmap(struct domain *d, uint32_t pfn, uint32_t loc)
{
    const struct sh_rmap *n;

    for (n = d->shadow->rmap[pfn]; n; n = n->next)
        if (n->loc == loc)
            return true;
    return false;
}

static unsigned int check_l1(struct domain *d, uint32_t gfn, uint32_t smfn,
                             uint32_t *present)
{
    const intpte_t *sl1 = sh_va(smfn), *gl1 = map_domain_page(d->p2m[gfn]);
    unsigned int i, errors = 0;
    uint32_t pfn;

    for (i = 0; i < L1_PAGETABLE_ENTRIES; i++) {
        intpte_t s = sl1[i], g = gl1[i], want = translate(d, g);

        if (!pte_present(s))
            continue;
        if (rmap_pfn(d, g, &pfn))
            (*present)++;
        if (!pte_present(g))
            errors += sh_error(d, "shadow entry for an absent guest entry",
                               gfn, i, s);
        else if (pte_get_mfn(s) != pte_get_mfn(want) ||
                 ((s ^ want) & ~(_PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_RW)) ||
                 ((s & _PAGE_RW) && !(want & _PAGE_RW)))
            errors += sh_error(d, "shadow entry differs from the guest's", gfn,
                               s, g);
        else if (rmap_pfn(d, g, &pfn) && !on_rmap(d, pfn, LOC(smfn, i)))
            errors += sh_error(d, "shadow entry missing from the rmap", gfn, i,
                               pfn);
    }
    unmap_domain_page(gl1);
    return errors;
}

unsigned int sh_check_consistency(struct domain *d)
{
    struct shadow_dom *s = d->shadow;
    uint32_t gfn, i, present = 0, nodes = 0, pages = 0;
    unsigned int errors = 0;

    if (!s)
        return 0;
    /* Every directory's entries point at the shadows of the guest's L1s;
     * count the references each L1 shadow should have. */
    for (gfn = 0; gfn < d->p2m_size; gfn++) {
        uint32_t smfn = s->sh_of[gfn];

        if (smfn && sh_kind(mfn_to_page(smfn)) == SH_L1)
            mfn_to_page(smfn)->u.sh.audit_refs = 0;
    }
    for (gfn = 0; gfn < d->p2m_size; gfn++) {
        uint32_t smfn = s->sh_of[gfn];
        struct page_info *pg;

        if (!smfn)
            continue;
        pages++;
        pg = mfn_to_page(smfn);
        if (sh_gfn(pg) != gfn)
            errors += sh_error(d, "shadow names another gfn", gfn, smfn,
                               sh_gfn(pg));
        if (sh_kind(pg) == SH_L1) {
            if ((d->p2m[gfn] == INVALID_MFN) ||
                (mfn_to_page(d->p2m[gfn])->type_info & PGT_type_mask) !=
                    PGT_guest_l1)
                errors += sh_error(d, "L1 shadow of a frame not a guest L1",
                                   gfn, smfn, 0);
            else
                errors += check_l1(d, gfn, smfn, &present);
        } else {
            const intpte_t *sl2 = sh_va(smfn), *gl2;

            if ((mfn_to_page(d->p2m[gfn])->type_info & PGT_type_mask) !=
                PGT_guest_l2) {
                errors += sh_error(d, "L2 shadow of a frame not a guest L2",
                                   gfn, smfn, 0);
                continue;
            }
            gl2 = map_domain_page(d->p2m[gfn]);
            for (i = 0; i < FIRST_HV_L2_SLOT; i++) {
                if (!pte_present(sl2[i]))
                    continue;
                if (!pte_present(gl2[i]) ||
                    s->sh_of[pte_get_mfn(gl2[i])] != pte_get_mfn(sl2[i]))
                    errors += sh_error(d, "shadow directory entry differs",
                                       gfn, i, sl2[i]);
                else
                    mfn_to_page(pte_get_mfn(sl2[i]))->u.sh.audit_refs++;
            }
            for (i = FIRST_HV_L2_SLOT; i < L2_PAGETABLE_ENTRIES; i++)
                if ((sl2[i] ^ idle_pg_table[i]) & ~_PAGE_ACCESSED)
                    errors += sh_error(d, "shadow hypervisor slot differs",
                                       gfn, i, sl2[i]);
            unmap_domain_page(gl2);
        }
    }
    for (gfn = 0; gfn < d->p2m_size; gfn++) {
        uint32_t smfn = s->sh_of[gfn];
        struct page_info *pg = smfn ? mfn_to_page(smfn) : NULL;

        if (pg && sh_kind(pg) == SH_L1 && pg->u.sh.audit_refs != sh_refs(pg))
            errors += sh_error(d, "L1 shadow references", gfn,
                               pg->u.sh.audit_refs, sh_refs(pg));
    }
    if (pages != s->pages)
        errors += sh_error(d, "shadow frames counted", pages, s->pages, 0);
    /* Each rmap node names a present slot (check_l1 counted the slots). */
    for (i = 0; i < d->p2m_size; i++) {
        const struct sh_rmap *n;

        for (n = s->rmap[i]; n; n = n->next)
            nodes++;
    }
    if (nodes != present)
        errors += sh_error(d, "rmap nodes vs present RAM entries", nodes,
                           present, 0);
    return errors;
}

/* --- Domain life --------------------------------------------------------- */

static void *rmap_pool_page(void)
{
    return alloc_xenheap_pages(1);
}

static void rmap_pool_put(void *page)
{
    free_xenheap_pages(page, 1);
}

int shadow_domain_init(struct domain *d)
{
    struct shadow_dom *s;
    uint32_t bytes = d->p2m_size * (sizeof(uint32_t) + sizeof(void *));
    uint32_t pages = ROUNDUP(sizeof(*s) + bytes, PAGE_SIZE) >> PAGE_SHIFT;

    if (!rmap_pool.name)
        objpool_init(&rmap_pool, "shadow rmap", sizeof(struct sh_rmap),
                     rmap_pool_page, 0);
    s = alloc_xenheap_pages(pages);
    if (!s)
        return -ENOMEM;
    memset(s, 0, pages * PAGE_SIZE);
    s->sh_of = (uint32_t *)(s + 1);
    s->rmap = (struct sh_rmap **)(s->sh_of + d->p2m_size);
    s->meta_pages = pages;
    d->shadow = s;
    return 0;
}

/* After every table reference went (arch_domain_relinquish). */
void shadow_domain_destroy(struct domain *d)
{
    struct shadow_dom *s = d->shadow;
    struct page_info *pg, *n;

    if (!s)
        return;
    for_each_page_safe (pg, n, &s->l2s)
        destroy_l2(d, pg);
    free_spares(d);
    if (s->pages)
        panic("shadow: d%u: %u shadow frames left after teardown",
              d->domain_id, s->pages);
    sh_report(d);
    d->shadow = NULL;
    free_xenheap_pages(s, s->meta_pages);
    /* The last translated domain gone: the rmap nodes' pages go back. */
    objpool_release(&rmap_pool, rmap_pool_put);
}

/*
 * SHADOW, one line per translated domain at its exit, key=value:
 *   domain pages peak    its id; shadow frames held now (0 at exit) and at most
 *   l1_made l2_made      shadow tables built (rebuilds count again)
 *   reclaimed            shadow directories dropped to stay under shadow_pages
 *   propagated           guest entries mirrored into a shadow
 *   faults_fixed         faults the guest's tables allowed, fixed here unseen
 *   faults_to_guest      faults handed to the guest
 *   cow_breaks cow_failures shares share_failures   transparent sharing
 *   clear_breaks         of cow_breaks, those at a whole-page clear: no copy
 *   checks               shadow_check comparisons made
 *   rmap_bytes           the reverse map's pool, all domains
 */
void sh_report(struct domain *d)
{
    struct shadow_dom *s = d->shadow;

    printk("SHADOW domain=%u pages=%u peak=%u l1_made=%llu l2_made=%llu "
           "reclaimed=%llu propagated=%llu faults_fixed=%llu "
           "faults_to_guest=%llu cow_breaks=%llu clear_breaks=%llu "
           "cow_failures=%llu shares=%llu share_failures=%llu checks=%llu rmap_bytes=%u",
           d->domain_id, s->pages, s->peak, (unsigned long long)s->l1_made,
           (unsigned long long)s->l2_made, (unsigned long long)s->reclaimed,
           (unsigned long long)s->propagated,
           (unsigned long long)s->faults_fixed,
           (unsigned long long)s->faults_to_guest,
           (unsigned long long)s->cow_breaks,
           (unsigned long long)s->clear_breaks,
           (unsigned long long)s->cow_failures, (unsigned long long)s->shares,
           (unsigned long long)s->share_failures,
           (unsigned long long)s->checks, objpool_bytes(&rmap_pool));
}
