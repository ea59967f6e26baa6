/*
 * domain_build.c - build a PV domain's initial state from a scenario line:
 * load the kernel ELF (and an optional module) into its frames, build its
 * first page tables and start_info, point its vcpu at the entry.
 *
 * The initial address space (also drawn in public/xen.h): every pfn mapped
 * in order from virt_base (the kernel's lowest address), page-table frames
 * read-only, then the P2M read-only, then shared_info. The builder writes
 * the tables directly but then validates them with the same checks a
 * guest's own updates get, so a builder bug cannot create an unchecked
 * mapping.
 */
#include <hv/bootinfo.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <elf32.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/setup.h>
#include <hv/shadow.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <public/xen.h>

#define BOOT_STACK_PAGES 4

struct build_layout {
    uint32_t virt_base;
    uint32_t kernel_pfns; /* pfns 0 .. kernel_pfns-1        */
    uint32_t mod_pfn, mod_pfns;
    uint32_t si_pfn;                /* start_info                     */
    uint32_t l2_pfn, l1_pfn, nr_l1; /* page tables                    */
    uint32_t stack_pfn;             /* BOOT_STACK_PAGES               */
    uint32_t first_free_pfn;
    uint32_t p2m_va, shinfo_va, map_end;
};

static void write_guest_frame(struct domain *d, uint32_t pfn, uint32_t off,
                              const void *src, size_t len)
{
    char *p = map_domain_page(d->p2m[pfn]);

    memcpy(p + off, src, len);
    unmap_domain_page(p);
}

/* Copy len bytes of a module (machine address) to guest pfns from va. */
static void copy_module_to_guest(struct domain *d, const struct build_layout *l,
                                 uint32_t maddr, uint32_t va, uint32_t len)
{
    char buf[512];

    while (len) {
        uint32_t off = va & ~PAGE_MASK;
        uint32_t n = min(min(len, (uint32_t)sizeof(buf)), PAGE_SIZE - off);

        copy_from_machine(buf, maddr, n);
        write_guest_frame(d, (va - l->virt_base) >> PAGE_SHIFT, off, buf, n);
        maddr += n;
        va += n;
        len -= n;
    }
}

static int load_elf(struct domain *d, const struct boot_module *m,
                    struct elf_info *ei, struct build_layout *l)
{
    Elf32_Ehdr eh;
    Elf32_Phdr ph[ELF_MAX_PHDRS];
    uint32_t size = m->end - m->start;
    char err[128];
    unsigned int i;

    if (size < sizeof(eh)) {
        printk(XENLOG_ERR "d%u: kernel '%s': not an ELF file", d->domain_id,
               m->name);
        return -EINVAL;
    }
    copy_from_machine(&eh, m->start, sizeof(eh));
    if (elf_check_header(&eh, size, err, sizeof(err)))
        goto bad;
    copy_from_machine(ph, m->start + eh.e_phoff, eh.e_phnum * sizeof(ph[0]));
    if (elf_check_phdrs(&eh, ph, size, HYPERVISOR_VIRT_START, ei, err,
                        sizeof(err)))
        goto bad;
    l->virt_base = ei->vstart;
    l->kernel_pfns = (ei->vend - ei->vstart) >> PAGE_SHIFT;
    if (l->kernel_pfns >= d->cfg->start_pages) {
        snprintf(err, sizeof(err), "needs %u pages, the domain starts with %u",
                 l->kernel_pfns, d->cfg->start_pages);
        goto bad;
    }
    for (i = 0; i < eh.e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_filesz)
            copy_module_to_guest(d, l, m->start + ph[i].p_offset, ph[i].p_vaddr,
                                 ph[i].p_filesz);
    return 0;
bad:
    printk(XENLOG_ERR "d%u: kernel '%s': %s", d->domain_id, m->name, err);
    return -EINVAL;
}

/* Decide where everything goes; -ENOMEM if it does not fit. */
static int plan_layout(struct domain *d, const struct boot_module *mod,
                       struct build_layout *l)
{
    uint32_t next = l->kernel_pfns, span;

    l->mod_pfn = next;
    l->mod_pfns =
        mod ? ROUNDUP(mod->end - mod->start, PAGE_SIZE) >> PAGE_SHIFT : 0;
    next += l->mod_pfns;
    l->si_pfn = next++;
    /* Mapped: all pfns, the P2M frames, shared_info. */
    l->p2m_va = l->virt_base + (d->p2m_size << PAGE_SHIFT);
    l->shinfo_va = l->p2m_va + (d->p2m_frames << PAGE_SHIFT);
    l->map_end = l->shinfo_va + PAGE_SIZE;
    if (l->shinfo_va < l->virt_base || l->map_end > HYPERVISOR_VIRT_START) {
        printk(XENLOG_ERR "d%u: %u MiB from %#x reaches hypervisor space",
               d->domain_id, d->p2m_size >> 8, l->virt_base);
        return -ENOMEM;
    }
    span = l2_table_offset(l->map_end - 1) - l2_table_offset(l->virt_base) + 1;
    l->l2_pfn = next++;
    l->l1_pfn = next;
    l->nr_l1 = span;
    next += span;
    l->stack_pfn = next;
    next += BOOT_STACK_PAGES;
    l->first_free_pfn = next;
    if (next > d->cfg->start_pages) {
        printk(XENLOG_ERR "d%u: kernel, module and boot tables need %u pages, "
                          "the domain starts with %u",
               d->domain_id, next, d->cfg->start_pages);
        return -ENOMEM;
    }
    return 0;
}

static bool is_pt_pfn(const struct build_layout *l, uint32_t pfn)
{
    return pfn >= l->l2_pfn && pfn < l->l1_pfn + l->nr_l1;
}

/* Set the L1 entry for va (inside the planned span) in the new tables. */
static void set_boot_pte(struct domain *d, const struct build_layout *l,
                         uint32_t va, uint32_t mfn, uint32_t flags)
{
    uint32_t l1_index = l2_table_offset(va) - l2_table_offset(l->virt_base);
    l1_pgentry_t *l1 = map_domain_page(d->p2m[l->l1_pfn + l1_index]);

    l1[l1_table_offset(va)] = pte_from_mfn(mfn, flags);
    unmap_domain_page(l1);
}

/*
 * What the initial tables name a frame by: its mfn (PV), or its gfn
 * (translated: RAM pfns, then the P2M frames and shared_info at gfns
 * p2m_size.., as shadow.c's sh_gfn_to_mfn() reads them).
 */
static uint32_t ram_ref(struct domain *d, uint32_t pfn)
{
    return is_translated(d) ? pfn : d->p2m[pfn];
}

static uint32_t p2m_ref(struct domain *d, uint32_t i)
{
    return is_translated(d) ? d->p2m_size + i
                            : (__pa(d->p2m) >> PAGE_SHIFT) + i;
}

static uint32_t shinfo_ref(struct domain *d)
{
    return is_translated(d) ? d->p2m_size + d->p2m_frames
                            : __pa(d->shared_info) >> PAGE_SHIFT;
}

static int build_page_tables(struct domain *d, const struct build_layout *l)
{
    const uint32_t rw =
        _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;
    const uint32_t ro = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
    struct vcpu *v = d->vcpu;
    l2_pgentry_t *l2;
    struct page_info *l2pg;
    uint32_t i, pfn;
    int rc;

    l2 = map_domain_page(d->p2m[l->l2_pfn]);
    for (i = 0; i < l->nr_l1; i++)
        l2[l2_table_offset(l->virt_base) + i] =
            pte_from_mfn(ram_ref(d, l->l1_pfn + i), rw);
    unmap_domain_page(l2);

    /* Every populated pfn (the initial reservation): the rest of the
     * domain's pfns have no frame until it asks (populate_physmap). */
    for (pfn = 0; pfn < d->p2m_size; pfn++)
        if (d->p2m[pfn] != INVALID_MFN)
            set_boot_pte(d, l, l->virt_base + (pfn << PAGE_SHIFT),
                         ram_ref(d, pfn), is_pt_pfn(l, pfn) ? ro : rw);
    for (i = 0; i < d->p2m_frames; i++)
        set_boot_pte(d, l, l->p2m_va + (i << PAGE_SHIFT), p2m_ref(d, i), ro);
    set_boot_pte(d, l, l->shinfo_va, shinfo_ref(d), rw);

    /* Validate as if the guest had pinned it and loaded it. */
    l2pg = mfn_to_page(d->p2m[l->l2_pfn]);
    rc = get_page_and_type(l2pg, d,
                           is_translated(d) ? PGT_guest_l2 : PGT_l2_page_table);
    if (rc) {
        printk(XENLOG_ERR "d%u: initial page tables failed validation (%d)",
               d->domain_id, rc);
        return rc;
    }
    BUG_ON(!get_page(l2pg, d));
    l2pg->type_info++; /* the pin's type reference */
    l2pg->type_info |= PGT_pinned;
    v->arch.guest_table = d->p2m[l->l2_pfn];
    if (is_translated(d) && (rc = sh_set_baseptr(v, false, l->l2_pfn)) != 0) {
        printk(XENLOG_ERR "d%u: no memory for the initial shadow tables",
               d->domain_id);
        return rc;
    }
    return 0;
}

static void write_start_info(struct domain *d, const struct build_layout *l,
                             const struct boot_module *mod)
{
    start_info_t *si = map_domain_page(d->p2m[l->si_pfn]);

    memset(si, 0, PAGE_SIZE);
    strlcpy(si->magic, XEN_START_INFO_MAGIC, sizeof(si->magic));
    si->nr_pages = d->p2m_size;
    si->shared_info = __pa(d->shared_info);
    si->pt_base = l->virt_base + (l->l2_pfn << PAGE_SHIFT);
    si->nr_pt_frames = 1 + l->nr_l1;
    si->mfn_list = l->p2m_va;
    if (is_translated(d))
        si->flags |= SIF_TRANSLATED;
    if (mod) {
        si->mod_start = l->virt_base + (l->mod_pfn << PAGE_SHIFT);
        si->mod_len = mod->end - mod->start;
    }
    strlcpy(si->cmd_line, d->cfg->cmdline, sizeof(si->cmd_line));
    si->domid = d->domain_id;
    si->shared_info_va = l->shinfo_va;
    si->virt_base = l->virt_base;
    si->first_free_pfn = l->first_free_pfn;
    si->max_pfn = d->p2m_size;
    strlcpy(si->name, d->name, sizeof(si->name));
    unmap_domain_page(si);
}

int construct_pv_domain(struct domain *d, const struct boot_module *kernel,
                        const struct boot_module *mod)
{
    struct build_layout l;
    struct elf_info ei;
    int rc;

    memset(&l, 0, sizeof(l));
    rc = domain_populate(d, d->cfg->start_pages);
    if (rc) {
        printk(XENLOG_ERR "d%u: out of memory for %u pages", d->domain_id,
               d->cfg->start_pages);
        return rc;
    }
    if ((rc = load_elf(d, kernel, &ei, &l)) != 0 ||
        (rc = plan_layout(d, mod, &l)) != 0)
        return rc;
    if (mod)
        copy_module_to_guest(d, &l, mod->start,
                             l.virt_base + (l.mod_pfn << PAGE_SHIFT),
                             mod->end - mod->start);
    rc = build_page_tables(d, &l);
    if (rc)
        return rc;
    write_start_info(d, &l, mod);
    pv_vcpu_init_regs(d->vcpu, ei.entry,
                      l.virt_base +
                          ((l.stack_pfn + BOOT_STACK_PAGES) << PAGE_SHIFT),
                      l.virt_base + (l.si_pfn << PAGE_SHIFT));
    printk("d%u (%s): %u MiB (%u at start), %s mode, kernel %s at %#x "
           "entry %#x, %u page-table frames, start_info %#x, first free pfn "
           "%#x",
           d->domain_id, d->name, d->p2m_size >> 8, d->cfg->start_pages >> 8,
           is_translated(d) ? "shadow" : "pv", kernel->name, l.virt_base,
           ei.entry, 1 + l.nr_l1, l.virt_base + (l.si_pfn << PAGE_SHIFT),
           l.first_free_pfn);
    return 0;
}
