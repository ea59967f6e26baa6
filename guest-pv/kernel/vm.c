/*
 * vm.c - user address spaces: their regions (vmas), demand paging (file
 * pages from the page cache, zero-filled anonymous pages), copy-on-write
 * inside the guest (fork, private file mappings), brk, mmap and munmap.
 *
 * Every user mapping holds one reference on its page and one reverse-map
 * entry; every path here that adds or removes a page-table entry does
 * both, so rmap_check() always holds.
 */
#include "kernel.h"

uint32_t nr_cow_faults, nr_page_faults;

struct mm *mm_create(void)
{
    struct mm *mm = kmalloc(sizeof(*mm));

    if (!mm)
        return NULL;
    if (pt_create(&mm->pt)) {
        kfree(mm);
        return NULL;
    }
    mm->mmap_hint = MMAP_BASE;
    return mm;
}

struct vma *vma_find(struct mm *mm, uint32_t va)
{
    struct vma *v;

    for (v = mm->vmas; v; v = v->next)
        if (va >= v->start && va < v->end)
            return v;
    return NULL;
}

static void vma_insert(struct mm *mm, struct vma *nv)
{
    struct vma **pp = &mm->vmas;

    while (*pp && (*pp)->start < nv->start)
        pp = &(*pp)->next;
    nv->next = *pp;
    *pp = nv;
}

int vma_add(struct mm *mm, uint32_t start, uint32_t end, uint32_t flags,
            struct inode *inode, uint32_t offset, uint32_t file_end)
{
    struct vma *v;

    if (start >= end || (start & ~PAGE_MASK) || (end & ~PAGE_MASK) ||
        start < USER_LOW || end > USER_TOP)
        return -EINVAL;
    for (v = mm->vmas; v; v = v->next)
        if (start < v->end && v->start < end)
            return -EINVAL;
    v = kmalloc(sizeof(*v));
    if (!v)
        return -ENOMEM;
    v->start = start;
    v->end = end;
    v->flags = flags;
    v->inode = inode ? iget(inode) : NULL;
    v->offset = offset;
    v->file_end = file_end;
    vma_insert(mm, v);
    return 0;
}

/* Map page at va: the mapping takes over the caller's reference. */
static int map_page(struct mm *mm, uint32_t va, struct page *p, uint32_t flags)
{
    int rc = pt_map(&mm->pt, va, page_to_pfn(p), flags);

    if (rc)
        return rc;
    rmap_add(p, mm, va);
    mm->rss++;
    return 0;
}

struct unmap_ctx {
    struct mm *mm;
};

/* The mapping's hold on its page, its entry left as it is. */
static void forget_one(void *arg, uint32_t va, uint32_t pfn, uint32_t flags)
{
    struct mm *mm = ((struct unmap_ctx *)arg)->mm;
    struct page *p = pfn_to_page(pfn);

    (void)flags;
    rmap_remove(p, mm, va);
    mm->rss--;
    page_put(p);
}

static void forget_swap_one(void *arg, uint32_t va, uint32_t slot)
{
    (void)arg;
    (void)va;
    swap_slot_put(slot);
}

static void unmap_one(void *arg, uint32_t va, uint32_t pfn, uint32_t flags)
{
    pt_unmap(&((struct unmap_ctx *)arg)->mm->pt, va);
    forget_one(arg, va, pfn, flags);
}

static void unmap_swap_one(void *arg, uint32_t va, uint32_t slot)
{
    pt_unmap(&((struct unmap_ctx *)arg)->mm->pt, va);
    forget_swap_one(arg, va, slot);
}

static void unmap_range(struct mm *mm, uint32_t start, uint32_t end)
{
    struct unmap_ctx c = { mm };

    pt_walk(&mm->pt, start, end, unmap_one, &c);
    pt_walk_swap(&mm->pt, start, end, unmap_swap_one, &c);
    pt_commit();
}

int vm_unmap(struct mm *mm, uint32_t start, uint32_t end)
{
    struct vma **pp = &mm->vmas;

    if ((start & ~PAGE_MASK) || end < start || end > USER_TOP)
        return -EINVAL;
    end = ROUNDUP(end, PAGE_SIZE);
    unmap_range(mm, start, end);
    while (*pp) {
        struct vma *v = *pp;

        if (v->end <= start || v->start >= end) {
            pp = &v->next;
            continue;
        }
        if (v->start >= start && v->end <= end) { /* all of it */
            *pp = v->next;
            if (v->inode)
                iput(v->inode);
            kfree(v);
            continue;
        }
        if (v->start < start && v->end > end) { /* a hole in the middle */
            struct vma *tail = kmalloc(sizeof(*tail));

            if (!tail)
                return -ENOMEM;
            *tail = *v;
            tail->start = end;
            tail->offset = v->offset + (end - v->start);
            if (tail->inode)
                iget(tail->inode);
            v->end = start;
            tail->next = v->next;
            v->next = tail;
            pp = &tail->next;
            continue;
        }
        if (v->start < start) /* its tail */
            v->end = start;
        else { /* its head */
            v->offset += end - v->start;
            v->start = end;
        }
        pp = &v->next;
    }
    return 0;
}

/* The address space is not loaded and never runs again: its pages are let
 * go without their entries being cleared, which pt_destroy() does wholesale. */
void mm_destroy(struct mm *mm)
{
    struct unmap_ctx c = { mm };

    pt_walk(&mm->pt, 0, USER_TOP, forget_one, &c);
    pt_walk_swap(&mm->pt, 0, USER_TOP, forget_swap_one, &c);
    while (mm->vmas) {
        struct vma *v = mm->vmas;

        mm->vmas = v->next;
        if (v->inode)
            iput(v->inode);
        kfree(v);
    }
    KASSERT(!mm->rss);
    pt_destroy(&mm->pt);
    kfree(mm);
}

/* --- Faults ------------------------------------------------------------- */

/* A private copy of src for va: replaces the mapping of src. */
static int cow_copy(struct mm *mm, uint32_t va, struct page *src)
{
    struct page *np = page_alloc(PG_ANON, false);
    int rc;

    if (!np)
        return -ENOMEM;
    memcpy(page_va(np), page_va(src), PAGE_SIZE);
    rc = pt_map(&mm->pt, va, page_to_pfn(np), PTE_W);
    if (rc) {
        page_put(np);
        return rc;
    }
    rmap_remove(src, mm, va);
    page_put(src);
    rmap_add(np, mm, va);
    nr_cow_faults++;
    return 0;
}

/* The page for a file-backed vma at va, with a reference for the caller. */
static struct page *file_page(struct vma *v, uint32_t va, bool *partial)
{
    uint32_t off = v->offset + (va - v->start);
    struct page *cp, *np;
    uint32_t valid;

    *partial = off + PAGE_SIZE > v->file_end;
    if (!*partial)
        return pagecache_get(v->inode, off >> PAGE_SHIFT);
    /* The page holds the end of the file data (e.g. where .data ends and
     * .bss begins): a private copy with the rest zeroed. */
    np = page_alloc(PG_ANON, true);
    if (!np)
        return NULL;
    if (off < v->file_end) {
        valid = v->file_end - off;
        cp = pagecache_get(v->inode, off >> PAGE_SHIFT);
        if (!cp) {
            page_put(np);
            return NULL;
        }
        memcpy(page_va(np), page_va(cp), valid);
        page_put(cp);
    }
    return np;
}

int vm_fault(struct mm *mm, uint32_t va, bool write)
{
    struct vma *v = vma_find(mm, va);
    uint32_t pfn, flags, pte_flags;
    struct page *p;
    bool partial;
    int rc;

    va &= PAGE_MASK;
    nr_page_faults++;
    if (!v || (write && !(v->flags & VM_WRITE)))
        return -EFAULT;
    if (pt_lookup_swap(&mm->pt, va, &pfn)) /* pfn: the slot */
        return swap_in(mm, va, pfn, v->flags & VM_WRITE);
    if (pt_lookup(&mm->pt, va, &pfn, &flags)) {
        if (!write || (flags & PTE_W))
            return 0; /* already resolved (another path got there first) */
        p = pfn_to_page(pfn);
        /* Shared file mapping, or the only user of an anonymous page:
         * just let it write. Otherwise copy. */
        if ((v->flags & VM_SHARED) ||
            (p->use == PG_ANON && p->mapcount == 1 && p->count == 1)) {
            rc = pt_map(&mm->pt, va, pfn, PTE_W); /* breaks a share first */
        } else {
            /* The paper's internal CoW (section 4.6): the guest copies the
             * page anyway, so a shared one is copied once, by the guest,
             * and stays shared for its other users. */
            if (p->flags & PGF_SHARED)
                share_counts.internal_cow++;
            page_get(p); /* not swapped out while it is copied */
            rc = cow_copy(mm, va, p);
            page_put(p);
        }
        pt_commit();
        return rc;
    }

    pte_flags = (v->flags & VM_WRITE) ? PTE_W : 0;
    if (v->flags & VM_ANON) {
        p = page_alloc(PG_ANON, true);
    } else {
        p = file_page(v, va, &partial);
        if (p && !partial && !(v->flags & VM_SHARED)) {
            if (write) {
                /* Private write: the page cache page stays clean. */
                struct page *np = page_alloc(PG_ANON, false);

                if (np) {
                    memcpy(page_va(np), page_va(p), PAGE_SIZE);
                    nr_cow_faults++;
                }
                page_put(p);
                p = np;
            } else
                pte_flags = 0; /* read-only until written: then copied */
        }
    }
    if (!p)
        return -ENOMEM;
    rc = map_page(mm, va, p, pte_flags);
    pt_commit();
    if (rc)
        page_put(p);
    return rc;
}

/* --- fork --------------------------------------------------------------- */

struct fork_ctx {
    struct mm *parent, *child;
    struct vma *vma;
    int rc;
};

static void fork_pte(void *arg, uint32_t va, uint32_t pfn, uint32_t flags)
{
    struct fork_ctx *c = arg;
    struct page *p = pfn_to_page(pfn);
    uint32_t cflags = flags;

    if (c->rc)
        return;
    if ((flags & PTE_W) && !(c->vma->flags & VM_SHARED)) {
        /* Private and writable: both sides read-only, copied on write. */
        pt_map(&c->parent->pt, va, pfn, 0);
        cflags = 0;
    }
    page_get(p);
    c->rc = map_page(c->child, va, p, cflags);
    if (c->rc)
        page_put(p);
}

/* A swap entry: the child's entry names the slot too. */
static void fork_swap(void *arg, uint32_t va, uint32_t slot)
{
    struct fork_ctx *c = arg;

    if (c->rc)
        return;
    c->rc = pt_set_swap(&c->child->pt, va, slot);
    if (!c->rc)
        swap_slot_get(slot);
}

struct mm *mm_fork(struct mm *parent)
{
    struct mm *child = mm_create();
    struct fork_ctx c = { .parent = parent, .child = child };
    struct vma *v;

    if (!child)
        return NULL;
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->mmap_hint = parent->mmap_hint;
    swap_hold(); /* the parent's entries stay as they are while we walk */
    for (v = parent->vmas; v && !c.rc; v = v->next) {
        c.rc = vma_add(child, v->start, v->end, v->flags, v->inode, v->offset,
                       v->file_end);
        c.vma = v;
        if (!c.rc) {
            pt_walk(&parent->pt, v->start, v->end, fork_pte, &c);
            pt_walk_swap(&parent->pt, v->start, v->end, fork_swap, &c);
        }
    }
    swap_release();
    pt_commit();
    if (c.rc) {
        mm_destroy(child);
        return NULL;
    }
    return child;
}

/* --- brk and mmap ----------------------------------------------------------- */

uint32_t vm_brk(struct mm *mm, uint32_t new_brk)
{
    uint32_t old_end = ROUNDUP(mm->brk, PAGE_SIZE);
    uint32_t new_end = ROUNDUP(new_brk, PAGE_SIZE);
    struct vma *heap = NULL, *v;

    if (!new_brk || new_brk < mm->brk_start)
        return mm->brk;
    for (v = mm->vmas; v; v = v->next)
        if (v->flags & VM_HEAP)
            heap = v;
    if (new_end > old_end) {
        for (v = mm->vmas; v; v = v->next)
            if (v != heap && old_end < v->end && v->start < new_end)
                return mm->brk; /* would run into another region */
        if (heap)
            heap->end = new_end;
        else if (vma_add(mm, old_end, new_end,
                         VM_READ | VM_WRITE | VM_ANON | VM_HEAP, NULL, 0, 0))
            return mm->brk;
    } else if (new_end < old_end && heap) {
        /* vm_unmap trims the heap region, or drops it if it empties. */
        vm_unmap(mm, new_end > heap->start ? new_end : heap->start, old_end);
    }
    mm->brk = new_brk;
    return new_brk;
}

static uint32_t find_gap(struct mm *mm, uint32_t len)
{
    uint32_t addr = mm->mmap_hint;
    struct vma *v;

    for (;;) {
        bool clash = false;

        if (addr + len > USER_STACK_TOP - USER_STACK_SIZE || addr + len < addr)
            return 0;
        for (v = mm->vmas; v; v = v->next)
            if (addr < v->end && v->start < addr + len) {
                addr = v->end;
                clash = true;
            }
        if (!clash)
            return addr;
    }
}

long vm_mmap(struct mm *mm, const struct pvk_mmap_args *a)
{
    uint32_t len = ROUNDUP(a->len, PAGE_SIZE), flags = 0, addr;
    struct inode *ip = NULL;
    int rc;

    if (!a->len || len < a->len || (a->offset & ~PAGE_MASK) ||
        !(a->flags & (PVK_MAP_SHARED | PVK_MAP_PRIVATE)))
        return -EINVAL;
    if (a->prot & PVK_PROT_READ)
        flags |= VM_READ;
    if (a->prot & PVK_PROT_WRITE)
        flags |= VM_WRITE | VM_READ;
    if (a->prot & PVK_PROT_EXEC)
        flags |= VM_EXEC | VM_READ;
    if (a->flags & PVK_MAP_ANON) {
        flags |= VM_ANON;
    } else {
        struct file *f = fd_to_file(a->fd);

        if (!f || !f->inode)
            return -EBADF;
        ip = f->inode;
        if (is_dir(ip))
            return -EINVAL;
        if (a->flags & PVK_MAP_SHARED) {
            if ((flags & VM_WRITE) && ip->ops->evictable)
                return -EROFS; /* read-only file system */
            flags |= VM_SHARED;
        }
    }
    if (a->flags & PVK_MAP_FIXED) {
        addr = a->addr;
        if ((addr & ~PAGE_MASK) || addr < USER_LOW || addr + len > USER_TOP ||
            addr + len < addr)
            return -EINVAL;
        vm_unmap(mm, addr, addr + len);
    } else {
        addr = find_gap(mm, len);
        if (!addr)
            return -ENOMEM;
    }
    rc = vma_add(mm, addr, addr + len, flags, ip, a->offset,
                 ip ? (ip->ops->evictable ? ip->size : 0xFFFFFFFFU) : 0);
    if (rc)
        return rc;
    if (!(a->flags & PVK_MAP_FIXED))
        mm->mmap_hint = addr + len;
    return addr;
}
