/*
 * mm.c - the paravirtual MMU: reference counts and page types (the rules
 * are in hv/mm.h), validation of guest page tables, and the hypercalls
 * that change them (mmu_update, mmuext_op, update_va_mapping).
 *
 * A guest page table holds machine frame numbers and is read by the CPU,
 * so every entry a guest installs is checked here first:
 *  - it maps only frames the guest owns (get_page fails otherwise), plus the
 *    hypervisor-provided M2P slot it cannot change;
 *  - a writable mapping takes a PGT_writable_page type reference, so a frame
 *    in use as a page table (or locked read-only) cannot be mapped writable;
 *  - no superpages, no global bit, no touching the hypervisor's slots;
 *  - a shared frame (owned by dom_cow) only read-only, and only by a
 *    domain with a pfn on its M2P list (mem_sharing.c keeps the counts).
 * Whenever a frame stops being of one type and becomes another, the TLB is
 * flushed, so no stale translation survives the change.
 *
 * Bad guest input gets a negative errno and one (rate-limited) log line;
 * a broken count is a hypervisor bug and panics.
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/mm.h>
#include <hv/shadow.h>
#include <hv/stats.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <asm/uaccess.h>

/* Bits a guest may not set in a present entry. */
#define L1_DISALLOW_MASK (_PAGE_PAT | _PAGE_GLOBAL)
#define L2_DISALLOW_MASK (_PAGE_PSE | _PAGE_GLOBAL)

/* Types whose contents are validated when taken and released when gone:
 * the CPU's tables (PV) and a translated domain's own tables. */
static bool is_pt_type(uint32_t type)
{
    return type == PGT_l1_page_table || type == PGT_l2_page_table ||
           type == PGT_guest_l1 || type == PGT_guest_l2;
}

/* --- General references -------------------------------------------------- */

bool get_page(struct page_info *pg, struct domain *d)
{
    uint32_t x = pg->count_info;

    if (page_get_owner(pg) != d || (x & (PGC_free | PGC_reserved)))
        return false;
    if (!(x & PGC_count_mask) || (x & PGC_count_mask) == PGC_count_mask)
        return false;
    pg->count_info = x + 1;
    return true;
}

void put_page(struct page_info *pg)
{
    uint32_t x = pg->count_info;

    if (!(x & PGC_count_mask))
        panic("put_page: mfn %#x count underflow (count %#x type %#x)",
              page_to_mfn(pg), x, pg->type_info);
    pg->count_info = x - 1;
    if (!((x - 1) & PGC_count_mask)) {
        if (x & PGC_xen_heap)
            panic("put_page: last reference to xenheap mfn %#x dropped",
                  page_to_mfn(pg));
        free_domheap_page(pg);
    }
}

/* --- Validation of page tables -------------------------------------------- */

/* (Static, so that the validation loops inline it; shadow.c calls the
 * exported wrappers below.) */
static int l1e_get_refs(l1_pgentry_t e, struct domain *d)
{
    uint32_t mfn = pte_get_mfn(e);
    struct page_info *pg;
    int rc;

    if (!pte_present(e))
        return 0;
    if (e & L1_DISALLOW_MASK) {
        gprintk(d, "L1 entry %#x: PAT/global bits not allowed", e);
        return -EINVAL;
    }
    if (!mfn_valid(mfn)) {
        gprintk(d, "L1 entry %#x: mfn %#x does not exist", e, mfn);
        return -EINVAL;
    }
    pg = mfn_to_page(mfn);
    if (page_get_owner(pg) == dom_cow && d->share)
        return share_get_mapping(pg, d, e); /* read-only, listed domains */
    if (!get_page(pg, d)) {
        gprintk(d, "L1 entry %#x: mfn %#x is not the domain's", e, mfn);
        return -EPERM;
    }
    if (e & _PAGE_RW) {
        rc = get_page_type(pg, PGT_writable_page);
        if (rc) {
            gprintk(d, "L1 entry %#x: mfn %#x cannot be writable (type %#x)", e,
                    mfn, pg->type_info);
            put_page(pg);
            return rc;
        }
    }
    return 0;
}

static void l1e_put_refs(l1_pgentry_t e, struct domain *d)
{
    struct page_info *pg;

    if (!pte_present(e))
        return;
    pg = mfn_to_page(pte_get_mfn(e));
    if (page_get_owner(pg) == dom_cow)
        share_put_mapping(pg, d);
    else if (e & _PAGE_RW)
        put_page_and_type(pg);
    else
        put_page(pg);
}

int get_page_from_l1e(l1_pgentry_t e, struct domain *d)
{
    return l1e_get_refs(e, d);
}

void put_page_from_l1e(l1_pgentry_t e, struct domain *d)
{
    l1e_put_refs(e, d);
}

static int get_page_from_l2e(l2_pgentry_t e, struct domain *d)
{
    uint32_t mfn = pte_get_mfn(e);
    int rc;

    if (!pte_present(e))
        return 0;
    if (e & L2_DISALLOW_MASK) {
        gprintk(d, "L2 entry %#x: superpage/global bits not allowed", e);
        return -EINVAL;
    }
    if (!mfn_valid(mfn)) {
        gprintk(d, "L2 entry %#x: mfn %#x does not exist", e, mfn);
        return -EINVAL;
    }
    rc = get_page_and_type(mfn_to_page(mfn), d, PGT_l1_page_table);
    if (rc)
        gprintk(d, "L2 entry %#x: mfn %#x cannot be an L1 table (%d)", e, mfn,
                rc);
    return rc;
}

static void put_page_from_l2e(l2_pgentry_t e)
{
    if (pte_present(e))
        put_page_and_type(mfn_to_page(pte_get_mfn(e)));
}

/*
 * A translated domain's directory entry: a gfn that must be the domain's
 * RAM and becomes (stays) a guest L1 table. A shared frame is made the
 * domain's own first, transparently.
 */
static int get_page_from_gl2e(l2_pgentry_t e, struct domain *d)
{
    uint32_t gfn = pte_get_mfn(e);
    int rc;

    if (!pte_present(e))
        return 0;
    if (e & L2_DISALLOW_MASK) {
        gprintk(d, "guest L2 entry %#x: superpage/global bits not allowed", e);
        return -EINVAL;
    }
    if (gfn >= d->p2m_size || d->p2m[gfn] == INVALID_MFN) {
        gprintk(d, "guest L2 entry %#x: gfn %#x does not exist", e, gfn);
        return -EINVAL;
    }
    if ((rc = sh_unshare(d, gfn)) != 0)
        return rc;
    rc = get_page_and_type(mfn_to_page(d->p2m[gfn]), d, PGT_guest_l1);
    if (rc)
        gprintk(d, "guest L2 entry %#x: gfn %#x cannot be an L1 table (%d)", e,
                gfn, rc);
    return rc;
}

static void put_page_from_gl2e(l2_pgentry_t e, struct domain *d)
{
    if (pte_present(e))
        put_page_and_type(mfn_to_page(d->p2m[pte_get_mfn(e)]));
}

/* An entry's references, by the type of the table that holds it. A guest
 * L1's entries hold none (its shadow's do): they are only checked. */
static int get_entry_refs(uint32_t type, intpte_t e, struct domain *d)
{
    if (type == PGT_guest_l1)
        return sh_check_gl1e(d, e);
    if (type == PGT_guest_l2)
        return get_page_from_gl2e(e, d);
    if (type == PGT_l1_page_table)
        return l1e_get_refs(e, d);
    return get_page_from_l2e(e, d);
}

static void put_entry_refs(uint32_t type, intpte_t e, struct domain *d)
{
    if (type == PGT_guest_l2)
        put_page_from_gl2e(e, d);
    else if (type == PGT_l1_page_table)
        l1e_put_refs(e, d);
    else if (type == PGT_l2_page_table)
        put_page_from_l2e(e);
}

/* The entries of a table of this type that a guest may fill. */
static unsigned int table_entries(uint32_t type)
{
    return type == PGT_l1_page_table || type == PGT_guest_l1
               ? L1_PAGETABLE_ENTRIES
               : FIRST_HV_L2_SLOT;
}

/* Entry idx of validated table pg may be present from now on
 * (u.pt.present). Every write of an entry (mod_*_entry()) calls it first:
 * a bit set for a write then refused only costs a walk a few reads. */
static void note_present_entry(struct page_info *pg, unsigned int idx)
{
    pg->u.pt.present |= 1U << (idx >> 5);
}

/* Take the references every entry of a new page table needs, and note
 * where its present entries are. Only those hold any; most of a table is
 * empty (pte_next_present()). */
static int alloc_page_type(struct page_info *pg, uint32_t type)
{
    struct domain *d = page_get_owner(pg);
    intpte_t *pt = map_domain_page(page_to_mfn(pg));
    unsigned int i, n = table_entries(type);
    uint32_t present = 0;
    int rc = 0;

    perfc_incr(pt_validations);
    for (i = pte_next_present(pt, 0, n); i < n;
         i = pte_next_present(pt, i + 1, n)) {
        if ((rc = get_entry_refs(type, pt[i], d)) != 0)
            break;
        present |= 1U << (i >> 5);
    }
    if (rc)
        while (i--)
            put_entry_refs(type, pt[i], d); /* no-op where not present */
    else {
        pg->u.pt.present = present;
        if (type == PGT_l2_page_table)
            init_guest_l2_slots(d, pt);
    }
    unmap_domain_page(pt);
    return rc;
}

/* Drop the references of a page table whose last type reference went. */
static void free_page_type(struct page_info *pg, uint32_t type)
{
    struct domain *d = page_get_owner(pg);
    intpte_t *pt;
    unsigned int i, n = table_entries(type);

    if (type == PGT_guest_l1 || type == PGT_guest_l2)
        /* The shadow goes first: it reads the guest's entries. */
        sh_guest_table_gone(d, get_gpfn_from_mfn(page_to_mfn(pg)));
    pt = map_domain_page(page_to_mfn(pg));
    for (i = pte_next_present_in(pt, pg->u.pt.present, 0, n); i < n;
         i = pte_next_present_in(pt, pg->u.pt.present, i + 1, n))
        put_entry_refs(type, pt[i], d);
    pg->u.pt.present = 0;
    /* The guest may map this frame writable next: no hypervisor slots. */
    if (type == PGT_l2_page_table)
        memset(&pt[FIRST_HV_L2_SLOT], 0, NR_HV_L2_SLOTS * sizeof(intpte_t));
    unmap_domain_page(pt);
}

/* --- Type references ----------------------------------------------------- */

int get_page_type(struct page_info *pg, uint32_t type)
{
    uint32_t x = pg->type_info, count = x & PGT_count_mask;
    uint32_t old_type = x & PGT_type_mask;
    int rc;

    if (count == PGT_count_mask)
        return -EOVERFLOW;
    if (count) {
        if (old_type != type || !(x & PGT_validated))
            return -EBUSY;
        pg->type_info = x + 1;
        return 0;
    }
    if (old_type == type && (x & PGT_validated)) {
        pg->type_info = x + 1;
        return 0;
    }
    /* The frame changes use: no translation from its old use may survive. */
    if (old_type != PGT_none && old_type != type)
        flush_tlb_local();
    pg->type_info = type | 1;
    if (is_pt_type(type)) {
        rc = alloc_page_type(pg, type);
        if (rc) {
            pg->type_info = PGT_none;
            return rc;
        }
    }
    pg->type_info |= PGT_validated;
    return 0;
}

void put_page_type(struct page_info *pg)
{
    uint32_t x = pg->type_info, count = x & PGT_count_mask;
    uint32_t type = x & PGT_type_mask;

    if (!count)
        panic(
            "put_page_type: mfn %#x type count underflow (type %#x count %#x)",
            page_to_mfn(pg), x, pg->count_info);
    if (count == 1 && (x & PGT_pinned))
        panic("put_page_type: mfn %#x: last type reference of a pinned table",
              page_to_mfn(pg));
    if (count == 1 && is_pt_type(type) && (x & PGT_validated)) {
        /* Keep the count while the entries' references go, so nothing can
         * retype the frame half way. */
        free_page_type(pg, type);
        pg->type_info = type; /* count 0, no longer validated */
        return;
    }
    pg->type_info = x - 1;
}

int get_page_and_type(struct page_info *pg, struct domain *d, uint32_t type)
{
    int rc;

    if (!get_page(pg, d))
        return -EPERM;
    rc = get_page_type(pg, type);
    if (rc)
        put_page(pg);
    return rc;
}

void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

/* --- Changing one entry -------------------------------------------------- */

/*
 * Replace entry idx of validated L1 table pg (mapped at pt) with nl1e:
 * references for the new entry first, the write, then the old entry's
 * references go.
 */
static int mod_l1_entry(struct page_info *pg, l1_pgentry_t *pt,
                        unsigned int idx, l1_pgentry_t nl1e, struct domain *d,
                        bool preserve_ad)
{
    l1_pgentry_t *pl1e = &pt[idx], ol1e = *pl1e;
    int rc;

    if (pte_present(nl1e))
        note_present_entry(pg, idx); /* a superset: before the write */

    if (preserve_ad && pte_get_mfn(ol1e) == pte_get_mfn(nl1e))
        nl1e |= ol1e & (_PAGE_ACCESSED | _PAGE_DIRTY);
    /* Only A/D bits change: no reference moves. */
    if (pte_present(ol1e) && pte_present(nl1e) &&
        !((ol1e ^ nl1e) & ~(_PAGE_ACCESSED | _PAGE_DIRTY))) {
        *pl1e = nl1e;
        return 0;
    }
    rc = l1e_get_refs(nl1e, d);
    if (rc)
        return rc;
    *pl1e = nl1e;
    l1e_put_refs(ol1e, d);
    if ((nl1e & (_PAGE_PRESENT | _PAGE_RW)) == (_PAGE_PRESENT | _PAGE_RW))
        share_changed(d); /* a page it may now write unseen */
    return 0;
}

static int mod_l2_entry(struct page_info *pg, l2_pgentry_t *pl2,
                        unsigned int idx, l2_pgentry_t nl2e, struct domain *d)
{
    l2_pgentry_t ol2e = pl2[idx];
    int rc;

    if (idx >= FIRST_HV_L2_SLOT) {
        gprintk(d, "L2 slot %u belongs to the hypervisor", idx);
        return -EPERM;
    }
    if (pte_present(nl2e))
        note_present_entry(pg, idx);
    if (pte_present(ol2e) && pte_present(nl2e) &&
        !((ol2e ^ nl2e) & ~_PAGE_ACCESSED)) {
        pl2[idx] = nl2e;
        return 0;
    }
    rc = get_page_from_l2e(nl2e, d);
    if (rc)
        return rc;
    pl2[idx] = nl2e;
    put_page_from_l2e(ol2e);
    return 0;
}

/* Not a page table now: a checked plain write to a data frame. */
static int write_data_word(struct domain *d, struct page_info *pg,
                           unsigned int idx, uint32_t val)
{
    uint32_t *p;
    int rc = get_page_type(pg, PGT_writable_page);

    if (rc) {
        gprintk(d, "mmu_update: mfn %#x is not writable (type %#x)",
                page_to_mfn(pg), pg->type_info);
        return rc;
    }
    p = map_domain_page(page_to_mfn(pg));
    p[idx] = val;
    unmap_domain_page(p);
    put_page_type(pg);
    return 0;
}

/* Translated domains: entry idx of guest L1 table gfn (frame mfn). */
static int mod_gl1_entry(struct domain *d, uint32_t gfn, uint32_t mfn,
                         unsigned int idx, intpte_t val, bool preserve_ad)
{
    intpte_t *pt, old;
    int rc = sh_check_gl1e(d, val);

    if (rc)
        return rc;
    if (pte_present(val))
        note_present_entry(mfn_to_page(mfn), idx);
    pt = map_domain_page(mfn);
    old = pt[idx];
    if (preserve_ad && pte_get_mfn(old) == pte_get_mfn(val))
        val |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);
    pt[idx] = val;
    unmap_domain_page(pt);
    sh_update_gl1e(d, gfn, idx, old, val);
    return 0;
}

/* Translated domains: entry idx of guest directory gfn (frame mfn). */
static int mod_gl2_entry(struct domain *d, uint32_t gfn, uint32_t mfn,
                         unsigned int idx, intpte_t val)
{
    intpte_t *pt, old;
    bool same;
    int rc;

    if (idx >= FIRST_HV_L2_SLOT) {
        gprintk(d, "L2 slot %u belongs to the hypervisor", idx);
        return -EPERM;
    }
    if (pte_present(val))
        note_present_entry(mfn_to_page(mfn), idx);
    pt = map_domain_page(mfn);
    old = pt[idx];
    unmap_domain_page(pt);
    same = pte_present(old) && pte_present(val) &&
           !((old ^ val) & ~_PAGE_ACCESSED);
    if (!same && (rc = get_page_from_gl2e(val, d)) != 0)
        return rc;
    pt = map_domain_page(mfn);
    pt[idx] = val;
    unmap_domain_page(pt);
    sh_update_gl2e(d, gfn, idx, val);
    if (!same)
        put_page_from_gl2e(old, d);
    return 0;
}

/* mmu_update of a translated domain: ptr is a guest-physical address. */
static int do_one_gpt_update(struct domain *d, uint32_t ptr, uint32_t val,
                             bool preserve_ad)
{
    uint32_t gfn = ptr >> PAGE_SHIFT, idx = (ptr & ~PAGE_MASK) >> 2, mfn;
    uint32_t type, count;
    struct page_info *pg;
    int rc;

    if (gfn >= d->p2m_size || d->p2m[gfn] == INVALID_MFN) {
        gprintk(d, "mmu_update: gfn %#x does not exist", gfn);
        return -EINVAL;
    }
    if ((rc = sh_unshare(d, gfn)) != 0)
        return rc;
    mfn = d->p2m[gfn];
    pg = mfn_to_page(mfn);
    if (!get_page(pg, d)) {
        gprintk(d, "mmu_update: gfn %#x is not the domain's", gfn);
        return -EPERM;
    }
    type = pg->type_info & PGT_type_mask;
    count = pg->type_info & PGT_count_mask;
    if (count && type == PGT_guest_l1)
        rc = mod_gl1_entry(d, gfn, mfn, idx, val, preserve_ad);
    else if (count && type == PGT_guest_l2)
        rc = mod_gl2_entry(d, gfn, mfn, idx, val);
    else
        rc = write_data_word(d, pg, idx, val);
    put_page(pg);
    return rc;
}

/* One MMU_NORMAL_PT_UPDATE / MMU_PT_UPDATE_PRESERVE_AD request. */
static int do_one_pt_update(struct domain *d, uint32_t ptr, uint32_t val,
                            bool preserve_ad)
{
    uint32_t mfn = ptr >> PAGE_SHIFT, idx = (ptr & ~PAGE_MASK) >> 2;
    struct page_info *pg;
    intpte_t *pt;
    uint32_t type;
    int rc;

    if (is_translated(d))
        return do_one_gpt_update(d, ptr, val, preserve_ad);

    if (!mfn_valid(mfn)) {
        gprintk(d, "mmu_update: mfn %#x does not exist", mfn);
        return -EINVAL;
    }
    pg = mfn_to_page(mfn);
    if (!get_page(pg, d)) {
        gprintk(d, "mmu_update: mfn %#x is not the domain's", mfn);
        return -EPERM;
    }
    type = pg->type_info & PGT_type_mask;
    if ((pg->type_info & PGT_count_mask) && is_pt_type(type)) {
        pt = map_domain_page(mfn);
        if (type == PGT_l1_page_table)
            rc = mod_l1_entry(pg, pt, idx, val, d, preserve_ad);
        else
            rc = mod_l2_entry(pg, pt, idx, val, d);
        unmap_domain_page(pt);
    } else
        rc = write_data_word(d, pg, idx, val);
    put_page(pg);
    return rc;
}

/* One mmu_update request: entry points at a mmu_update_t. */
static int do_one_mmu_update(struct domain *d, struct vcpu *v,
                             const void *entry)
{
    const mmu_update_t *req = entry;
    uint32_t cmd = (uint32_t)req->ptr & 3;

    if ((req->ptr >> 32) || (req->val >> 32)) {
        gprintk(d, "mmu_update: address or entry beyond 32 bits");
        return -EINVAL;
    }
    switch (cmd) {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_PRESERVE_AD:
        return do_one_pt_update(d, (uint32_t)req->ptr & ~3U, (uint32_t)req->val,
                                cmd == MMU_PT_UPDATE_PRESERVE_AD);
    case MMU_MACHPHYS_UPDATE:
        gprintk(d, "mmu_update: MMU_MACHPHYS_UPDATE refused: the P2M and M2P "
                   "belong to the hypervisor");
        return -ENOSYS;
    default:
        gprintk(d, "mmu_update: bad command %u", cmd);
        return -EINVAL;
    }
}

/*
 * The batch loop mmu_update and mmuext_op share (Xen's semantics): entries
 * are applied in order, the first failure stops the batch, *pdone counts
 * the entries done. Between entries the call may be preempted: it is then
 * re-issued with the rest of the batch and count | MMU_UPDATE_PREEMPTED,
 * and the done count so far is carried in *pdone.
 */
static long
do_mmu_batch(unsigned int op, const char *name, uint32_t uentries,
             uint32_t count, uint32_t pdone, uint32_t foreigndom, size_t size,
             int (*one)(struct domain *, struct vcpu *, const void *))
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    uint32_t i, done = 0;
    union {
        mmu_update_t u;
        struct mmuext_op x;
    } entry;
    long rc = 0;

    ASSERT(size <= sizeof(entry));
    if (count & MMU_UPDATE_PREEMPTED) {
        count &= ~MMU_UPDATE_PREEMPTED;
        if (pdone && copy_from_guest(&done, pdone, sizeof(done)))
            return -EFAULT;
    }
    if ((domid_t)foreigndom != DOMID_SELF &&
        (domid_t)foreigndom != d->domain_id) {
        gprintk(d, "%s: foreign domain %u not allowed", name, foreigndom);
        return -EPERM;
    }
    for (i = 0; i < count; i++) {
        if (i && !(i % MMU_BATCH_PREEMPT) && hypercall_preempt_check()) {
            rc = hypercall_create_continuation(
                op, 4, uentries + i * size, (count - i) | MMU_UPDATE_PREEMPTED,
                pdone, foreigndom);
            break;
        }
        if (copy_from_guest(&entry, uentries + i * size, size)) {
            gprintk(d, "%s: entry %u at %#x unreadable", name, i,
                    uentries + i * (uint32_t)size);
            rc = -EFAULT;
            break;
        }
        rc = one(d, v, &entry);
        if (rc)
            break;
    }
    done += i;
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)) && !rc)
        rc = -EFAULT;
    return rc;
}

long do_mmu_update(uint32_t ureqs, uint32_t count, uint32_t pdone,
                   uint32_t foreigndom)
{
    return do_mmu_batch(__HYPERVISOR_mmu_update, "mmu_update", ureqs, count,
                        pdone, foreigndom, sizeof(mmu_update_t),
                        do_one_mmu_update);
}

/* --- mmuext_op -------------------------------------------------------- */

static int pin_table(struct domain *d, uint32_t mfn, uint32_t type)
{
    struct page_info *pg;
    int rc;

    if (!mfn_valid(mfn)) {
        gprintk(d, "pin: mfn %#x does not exist", mfn);
        return -EINVAL;
    }
    pg = mfn_to_page(mfn);
    rc = get_page_and_type(pg, d, type);
    if (rc) {
        gprintk(d, "pin: mfn %#x cannot be an L%u table (%d)", mfn,
                type == PGT_l1_page_table ? 1 : 2, rc);
        return rc;
    }
    if (pg->type_info & PGT_pinned) {
        put_page_and_type(pg);
        gprintk(d, "pin: mfn %#x already pinned", mfn);
        return -EINVAL;
    }
    pg->type_info |= PGT_pinned;
    return 0;
}

static int unpin_table(struct domain *d, uint32_t mfn)
{
    struct page_info *pg;

    if (!mfn_valid(mfn)) {
        gprintk(d, "unpin: mfn %#x does not exist", mfn);
        return -EINVAL;
    }
    if (!get_page(mfn_to_page(mfn), d)) {
        gprintk(d, "unpin: mfn %#x is not the domain's", mfn);
        return -EPERM;
    }
    pg = mfn_to_page(mfn);
    if (!(pg->type_info & PGT_pinned)) {
        put_page(pg);
        gprintk(d, "unpin: mfn %#x is not pinned", mfn);
        return -EINVAL;
    }
    pg->type_info &= ~PGT_pinned;
    put_page_and_type(pg);
    put_page(pg);
    return 0;
}

/* Point *slot at a new L2 (0 = none), dropping the old one's references. */
static int new_baseptr(struct domain *d, uint32_t *slot, uint32_t mfn,
                       bool allow_zero)
{
    uint32_t old = *slot;
    int rc;

    if (!mfn && allow_zero) {
        *slot = 0;
    } else {
        if (!mfn_valid(mfn)) {
            gprintk(d, "new_baseptr: mfn %#x does not exist", mfn);
            return -EINVAL;
        }
        rc = get_page_and_type(mfn_to_page(mfn), d,
                               is_translated(d) ? PGT_guest_l2
                                                : PGT_l2_page_table);
        if (rc) {
            gprintk(d, "new_baseptr: mfn %#x cannot be a page directory (%d)",
                    mfn, rc);
            return rc;
        }
        *slot = mfn;
    }
    return old;
}

/* A writable reference to one of d's frames, for CLEAR_PAGE/COPY_PAGE. */
static int get_writable_frame(struct domain *d, uint32_t mfn, const char *what)
{
    int rc;

    if (!mfn_valid(mfn)) {
        gprintk(d, "%s: mfn %#x does not exist", what, mfn);
        return -EINVAL;
    }
    rc = get_page_and_type(mfn_to_page(mfn), d, PGT_writable_page);
    if (rc)
        gprintk(d, "%s: mfn %#x is not a writable frame of the domain (%d)",
                what, mfn, rc);
    return rc;
}

/*
 * A translated domain names frames by gfn: the frame behind it, made the
 * domain's own first if it was shared. (0 stays 0 where it means none.)
 */
static int gfn_arg(struct domain *d, uint32_t gfn, uint32_t *mfn,
                   const char *what, bool zero_is_none)
{
    int rc;

    if (!gfn && zero_is_none) {
        *mfn = 0;
        return 0;
    }
    if (gfn >= d->p2m_size || d->p2m[gfn] == INVALID_MFN) {
        gprintk(d, "%s: gfn %#x does not exist", what, gfn);
        return -EINVAL;
    }
    if ((rc = sh_unshare(d, gfn)) != 0)
        return rc;
    *mfn = d->p2m[gfn];
    return 0;
}

static bool mmuext_takes_frame(unsigned int cmd)
{
    switch (cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_UNPIN_TABLE:
    case MMUEXT_NEW_BASEPTR:
    case MMUEXT_NEW_USER_BASEPTR:
    case MMUEXT_CLEAR_PAGE:
    case MMUEXT_COPY_PAGE:
        return true;
    default:
        return false;
    }
}

static int do_one_mmuext(struct domain *d, struct vcpu *v, const void *entry)
{
    const struct mmuext_op *op = entry;
    uint32_t mfn = op->arg1.mfn, gfn = op->arg1.mfn, src = op->arg2.src_mfn;
    bool tr = is_translated(d);
    struct page_info *pg;
    int rc = 0, rc2;

    if (tr && mmuext_takes_frame(op->cmd)) {
        rc = gfn_arg(d, gfn, &mfn, "mmuext_op",
                     op->cmd == MMUEXT_NEW_USER_BASEPTR);
        if (!rc && op->cmd == MMUEXT_COPY_PAGE)
            rc = gfn_arg(d, op->arg2.src_mfn, &src, "copy_page", false);
        if (rc)
            return rc;
    }
    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
        return pin_table(d, mfn, tr ? PGT_guest_l1 : PGT_l1_page_table);
    case MMUEXT_PIN_L2_TABLE:
        return pin_table(d, mfn, tr ? PGT_guest_l2 : PGT_l2_page_table);
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        gprintk(d, "mmuext_op: only two-level paging here");
        return -EINVAL;
    case MMUEXT_UNPIN_TABLE:
        return unpin_table(d, mfn);
    case MMUEXT_NEW_BASEPTR:
    case MMUEXT_NEW_USER_BASEPTR: {
        bool user = op->cmd == MMUEXT_NEW_USER_BASEPTR;
        uint32_t *slot =
            user ? &v->arch.guest_table_user : &v->arch.guest_table;

        rc = new_baseptr(d, slot, mfn, user);
        if (rc < 0)
            return rc;
        if (tr && (rc2 = sh_set_baseptr(v, user, mfn ? gfn : 0)) != 0) {
            *slot = (uint32_t)rc; /* no shadow: keep the old directory */
            put_page_and_type(mfn_to_page(mfn));
            return rc2;
        }
        if (v->arch.kernel_mode != user)
            pv_load_ptbase(v);
        if (rc)
            put_page_and_type(mfn_to_page((uint32_t)rc));
        return 0;
    }
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
        flush_tlb_local();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        if (op->arg1.linear_addr >= HYPERVISOR_VIRT_START) {
            gprintk(d, "invlpg: %#x is hypervisor space", op->arg1.linear_addr);
            return -EINVAL;
        }
        invlpg(op->arg1.linear_addr);
        perfc_incr(invlpgs);
        return 0;
    case MMUEXT_CLEAR_PAGE:
        if ((rc = get_writable_frame(d, mfn, "clear_page")) != 0)
            return rc;
        clear_domain_page(mfn);
        put_page_and_type(mfn_to_page(mfn));
        return 0;
    case MMUEXT_COPY_PAGE: {
        if (!mfn_valid(src) || !get_page(mfn_to_page(src), d)) {
            gprintk(d, "copy_page: source mfn %#x is not the domain's", src);
            return mfn_valid(src) ? -EPERM : -EINVAL;
        }
        pg = mfn_to_page(src);
        if ((rc = get_writable_frame(d, mfn, "copy_page")) != 0) {
            put_page(pg);
            return rc;
        }
        copy_domain_page(mfn, src);
        put_page_and_type(mfn_to_page(mfn));
        put_page(pg);
        return 0;
    }
    default:
        gprintk(d, "mmuext_op: command %u not supported", op->cmd);
        return -ENOSYS;
    }
}

long do_mmuext_op(uint32_t uops, uint32_t count, uint32_t pdone,
                  uint32_t foreigndom)
{
    return do_mmu_batch(__HYPERVISOR_mmuext_op, "mmuext_op", uops, count, pdone,
                        foreigndom, sizeof(struct mmuext_op), do_one_mmuext);
}

/* --- update_va_mapping ------------------------------------------------ */

long do_update_va_mapping(uint32_t va, uint32_t lo, uint32_t hi, uint32_t flags)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    l2_pgentry_t *l2, l2e;
    l1_pgentry_t *l1;
    struct page_info *l1pg;
    int rc;

    if (va >= HYPERVISOR_VIRT_START || hi ||
        (flags & UVMF_FLUSHTYPE_MASK) == UVMF_FLUSHTYPE_MASK) {
        gprintk(d,
                "update_va_mapping: bad address %#x, entry %#x%08x or "
                "flags %#x",
                va, hi, lo, flags);
        return -EINVAL;
    }
    l2 = map_domain_page(v->arch.guest_table);
    l2e = l2[l2_table_offset(va)];
    unmap_domain_page(l2);
    if (!pte_present(l2e)) {
        gprintk(d, "update_va_mapping: no L1 table for %#x", va);
        return -EINVAL;
    }
    if (is_translated(d)) {
        /* A validated guest directory names only guest L1 tables. */
        uint32_t gfn = pte_get_mfn(l2e);

        l1pg = mfn_to_page(d->p2m[gfn]);
        BUG_ON((l1pg->type_info & PGT_type_mask) != PGT_guest_l1 ||
               !(l1pg->type_info & PGT_count_mask));
        rc = mod_gl1_entry(d, gfn, d->p2m[gfn], l1_table_offset(va), lo,
                           false);
        goto flush;
    }
    l1pg = mfn_to_page(pte_get_mfn(l2e));
    /* A validated L2 only points at validated L1s of the same domain. */
    BUG_ON((l1pg->type_info & PGT_type_mask) != PGT_l1_page_table ||
           !(l1pg->type_info & PGT_count_mask) || page_get_owner(l1pg) != d);
    l1 = map_domain_page(pte_get_mfn(l2e));
    rc = mod_l1_entry(l1pg, l1, l1_table_offset(va), lo, d, false);
    unmap_domain_page(l1);
flush:
    if (rc)
        return rc;
    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_TLB_FLUSH:
        flush_tlb_local();
        break;
    case UVMF_INVLPG:
        invlpg(va);
        perfc_incr(invlpgs);
        break;
    }
    return 0;
}

/* --- Domain teardown ---------------------------------------------------- */

void arch_domain_relinquish(struct domain *d)
{
    struct vcpu *v = d->vcpu;
    struct page_info *pg, *n;

    if (is_translated(d))
        sh_vcpu_unload(v); /* the shadows before the tables they mirror */
    if (v->arch.guest_table)
        put_page_and_type(mfn_to_page(v->arch.guest_table));
    if (v->arch.guest_table_user)
        put_page_and_type(mfn_to_page(v->arch.guest_table_user));
    v->arch.guest_table = v->arch.guest_table_user = 0;

    /* Unpinning cascades: an L2 drops its L1s, an L1 its frames. */
    for_each_page_safe (pg, n, &d->page_list)
        if (pg->type_info & PGT_pinned) {
            pg->type_info &= ~PGT_pinned;
            put_page_and_type(pg);
        }
    shadow_domain_destroy(d);
}
