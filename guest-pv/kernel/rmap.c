/*
 * rmap.c - reverse maps: for every page, the list of (address space,
 * virtual address) pairs whose page-table entry maps it. Kept exact by
 * every path that maps or unmaps a user page (fault, fork, exec, exit,
 * munmap, copy-on-write, eviction), so that the page cache can unmap a
 * page it evicts and the sharing driver can find every entry that maps a
 * page it shares. rmap_check() proves the invariant against the page
 * tables themselves.
 *
 * Owns struct rmap entries. A page's mapcount is the length of its list.
 */
#include "kernel.h"

void rmap_add(struct page *p, struct mm *mm, uint32_t va)
{
    struct rmap *r = kmalloc(sizeof(*r));

    if (!r)
        kpanic("rmap_add: out of kernel memory");
    r->mm = mm;
    r->va = va;
    r->next = p->rmap;
    p->rmap = r;
    p->mapcount++;
}

void rmap_remove(struct page *p, struct mm *mm, uint32_t va)
{
    struct rmap **rp;

    for (rp = &p->rmap; *rp; rp = &(*rp)->next)
        if ((*rp)->mm == mm && (*rp)->va == va) {
            struct rmap *r = *rp;

            *rp = r->next;
            kfree(r);
            KASSERT(p->mapcount > 0);
            p->mapcount--;
            return;
        }
    kpanic("rmap_remove: pfn %#x is not mapped at %#x", page_to_pfn(p), va);
}

void rmap_unmap_all(struct page *p)
{
    while (p->rmap) {
        struct rmap *r = p->rmap;

        pt_unmap(&r->mm->pt, r->va);
        r->mm->rss--;
        p->rmap = r->next;
        p->mapcount--;
        kfree(r);
        page_put(p); /* the mapping's reference; the caller holds another */
    }
    pt_commit();
}

/* --- rmap_check: the reverse map against a walk of every page table ---- */

struct check {
    uint32_t pfn;
    struct mm *mm;
    struct page *page;
    int found, stray;
};

static void check_pte(void *arg, uint32_t va, uint32_t pfn, uint32_t flags)
{
    struct check *c = arg;
    struct rmap *r;

    (void)flags;
    if (pfn != c->pfn)
        return;
    c->found++;
    for (r = c->page->rmap; r; r = r->next)
        if (r->mm == c->mm && r->va == va)
            return;
    c->stray++; /* a PTE the reverse map does not know */
    kprintf("rmap_check: pfn %#x mapped at %#x in mm %p but not in its "
            "reverse map\n", pfn, va, (void *)c->mm);
}

static void check_mm(struct mm *mm, void *arg)
{
    struct check *c = arg;

    c->mm = mm;
    pt_walk(&mm->pt, 0, USER_TOP, check_pte, c);
}

void proc_for_each_mm(void (*fn)(struct mm *mm, void *arg), void *arg);

int rmap_check(struct page *p)
{
    struct check c = { .pfn = page_to_pfn(p), .page = p };
    int errors;

    proc_for_each_mm(check_mm, &c);
    errors = c.stray;
    /* Every entry of the list must have been seen exactly once. */
    if ((uint32_t)(c.found - c.stray) != p->mapcount) {
        kprintf("rmap_check: pfn %#x: reverse map lists %u mappings, page "
                "tables hold %d\n", c.pfn, p->mapcount, c.found - c.stray);
        errors++;
    }
    return errors;
}
