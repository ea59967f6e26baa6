/*
 * domain.c - the life of a domain: creation (vcpu, shared_info, P2M),
 * population with frames, unpausing, shutdown, crash and destruction; the
 * pseudo domains; and the end-of-run verdict.
 *
 * Owns domain_list and the domain records. Destruction gives every frame
 * back and checks that none is left referenced: a leak is a hypervisor bug
 * and panics. A dead domain's record stays for the verdict.
 */
#include <hv/arch.h>
#include <hv/blkdev.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/mem_sharing.h>
#include <hv/shadow.h>
#include <hv/sched.h>
#include <hv/setup.h>
#include <hv/stats.h>
#include <asm/paging.h>
#include <public/sched.h>

static struct domain domain_store[MAX_DOMAINS];
static struct domain pseudo_store[4];
struct domain *domain_list[MAX_DOMAINS];
unsigned int nr_domains;
struct domain *dom_xen, *dom_io, *dom_cow, *dom_tmem;

/* Free frames before the first domain was built, for the leak check. */
static uint32_t free_domheap_at_start, free_xenheap_at_start;

static const char *const shutdown_names[] = {
    [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
    [SHUTDOWN_suspend] = "suspend",   [SHUTDOWN_crash] = "crash",
    [SHUTDOWN_watchdog] = "watchdog",
};

void domain_init_pseudo(void)
{
    dom_xen = &pseudo_store[0];
    dom_xen->domain_id = DOMID_XEN;
    strlcpy(dom_xen->name, "xen", sizeof(dom_xen->name));
    dom_io = &pseudo_store[1];
    dom_io->domain_id = DOMID_IO;
    strlcpy(dom_io->name, "io", sizeof(dom_io->name));
    dom_cow = &pseudo_store[2];
    dom_cow->domain_id = DOMID_COW;
    strlcpy(dom_cow->name, "cow", sizeof(dom_cow->name));
    dom_cow->max_pages = ~0U; /* same-behaviour frames (mem_sharing.c) */
    dom_tmem = &pseudo_store[3];
    dom_tmem->domain_id = DOMID_TMEM;
    strlcpy(dom_tmem->name, "tmem", sizeof(dom_tmem->name));
    dom_tmem->max_pages = ~0U; /* tmem.c bounds what it takes */
}

struct domain *get_domain_by_id(domid_t id)
{
    struct domain *d;

    for_each_domain (d)
        if (d->domain_id == id && !d->is_dead)
            return d;
    return NULL;
}

struct domain *domain_create(domid_t id, const struct scenario_domain *cfg)
{
    struct domain *d;
    struct vcpu *v;
    uint32_t i;

    if (!nr_domains) {
        free_domheap_at_start = nr_free_domheap_pages();
        free_xenheap_at_start = nr_free_xenheap_pages();
    }
    BUG_ON(nr_domains >= MAX_DOMAINS);
    d = &domain_store[nr_domains];
    memset(d, 0, sizeof(*d));
    d->domain_id = id;
    strlcpy(d->name, cfg->name, sizeof(d->name));
    d->cfg = cfg;
    d->max_pages = cfg->nr_pages;

    d->shared_info = alloc_xenheap_pages(1);
    if (!d->shared_info)
        goto err_nomem;
    share_xen_page_with_guest(mfn_to_page(__pa(d->shared_info) >> PAGE_SHIFT),
                              d, false);
    d->shared_info->arch.max_pfn = cfg->nr_pages;

    /* The P2M: hypervisor-owned, read-only for the guest. */
    d->p2m_size = cfg->nr_pages;
    d->p2m_frames =
        ROUNDUP(d->p2m_size * sizeof(uint32_t), PAGE_SIZE) >> PAGE_SHIFT;
    d->p2m = alloc_xenheap_pages(d->p2m_frames);
    if (!d->p2m)
        goto err_free_shared_info;
    for (i = 0; i < d->p2m_frames * (PAGE_SIZE / sizeof(uint32_t)); i++)
        d->p2m[i] = INVALID_P2M_ENTRY;
    for (i = 0; i < d->p2m_frames; i++)
        share_xen_page_with_guest(mfn_to_page((__pa(d->p2m) >> PAGE_SHIFT) + i),
                                  d, true);

    v = alloc_xenheap_pages(ROUNDUP(sizeof(*v), PAGE_SIZE) >> PAGE_SHIFT);
    if (!v)
        goto err_free_p2m;
    v->domain = d;
    v->vcpu_info = &d->shared_info->vcpu_info[0];
    v->vcpu_info->evtchn_upcall_mask =
        1; /* events off until the guest is ready */
    v->pause_flags = VPF_down;
    d->vcpu = v;
    if (arch_vcpu_create(v))
        goto err_free_vcpu;
    if (share_domain_init(d))
        goto err_destroy_vcpu;
    if (cfg->mode == PT_MODE_SHADOW && shadow_domain_init(d))
        goto err_destroy_vcpu;
    if (m2p_view_create(d))
        goto err_destroy_vcpu;
    mem_sched_domain_init(d);

    domain_list[nr_domains++] = d;
    return d;

err_destroy_vcpu:
    dead_run_cycles += v->run_cycles;
    arch_vcpu_destroy(v);
err_free_vcpu:
    free_xenheap_pages(v, ROUNDUP(sizeof(*v), PAGE_SIZE) >> PAGE_SHIFT);
err_free_p2m:
    for (i = 0; i < d->p2m_frames; i++)
        unshare_xen_page_with_guest(
            mfn_to_page((__pa(d->p2m) >> PAGE_SHIFT) + i), d);
    free_xenheap_pages(d->p2m, d->p2m_frames);
err_free_shared_info:
    unshare_xen_page_with_guest(mfn_to_page(__pa(d->shared_info) >> PAGE_SHIFT),
                                d);
    free_xenheap_pages(d->shared_info, 1);
err_nomem:
    printk(XENLOG_ERR "domain_create: out of hypervisor memory for '%s'",
           cfg->name);
    return NULL;
}

int domain_populate(struct domain *d, uint32_t nr)
{
    uint32_t pfn;

    for (pfn = 0; pfn < nr; pfn++) {
        struct page_info *pg = alloc_domheap_page(d, 0);

        if (!pg)
            return -ENOMEM;
        d->p2m[pfn] = page_to_mfn(pg);
        set_gpfn_from_mfn(d, page_to_mfn(pg), pfn);
    }
    return 0;
}

void domain_unpause(struct domain *d)
{
    struct vcpu *v = d->vcpu;

    update_vcpu_system_time(v);
    v->pause_flags &= ~VPF_down;
    vcpu_wake(v);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    if (d->is_shutting_down)
        return;
    d->is_shutting_down = true;
    d->shutdown_code = reason;
    guest_console_flush(d);
    gprintk_flush(d);
    printk("d%u (%s): shut down: %s", d->domain_id, d->name,
           shutdown_names[reason]);
    d->vcpu->pause_flags |= VPF_down;
    vcpu_sleep(d->vcpu);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    va_list ap;

    if (d->is_shutting_down)
        return;
    va_start(ap, fmt);
    vsnprintf(d->crash_reason, sizeof(d->crash_reason), fmt, ap);
    va_end(ap);
    perfc_incr(domain_crashes);
    printk(XENLOG_ERR "d%u (%s) crashed: %s", d->domain_id, d->name,
           d->crash_reason);
    domain_shutdown(d, SHUTDOWN_crash);
}

/*
 * Give back everything a shut-down domain holds. Page tables go first (they
 * hold references on the frames they map), then the allocation references;
 * every frame must then be free.
 */
static void domain_destroy(struct domain *d)
{
    struct page_info *pg, *n;
    struct vcpu *v = d->vcpu;
    uint32_t i;

    d->is_dying = true;
    share_domain_report(d);
    blkback_print(d);
    if (d->mem.balloons) {
        char why[16];

        snprintf(why, sizeof(why), "exit-d%u", d->domain_id);
        mem_print(why);
    }
    if (d->tmem.used) {
        char why[16];

        snprintf(why, sizeof(why), "exit-d%u", d->domain_id);
        tmem_print(why);
    }
    evtchn_destroy(d); /* closing backend ports drops the ring references */
    arch_domain_relinquish(d);
    share_domain_destroy(d); /* its pfns leave the shared frames' lists */
    mem_sched_domain_destroy(d); /* its repayment FIFO's frames */
    blkback_domain_destroy(d);   /* its overlays' maps */
    tmem_domain_destroy(d);      /* its pools, its ephemeral puts */

    for_each_page_safe (pg, n, &d->page_list) {
        if (pg->count_info & PGC_allocated) {
            pg->count_info &= ~PGC_allocated;
            put_page(pg);
        }
    }
    if (d->tot_pages)
        panic(
            "domain_destroy: d%u still has %u frames referenced (first mfn %#x "
            "count %#x type %#x)",
            d->domain_id, d->tot_pages,
            page_to_mfn(page_list_first(&d->page_list)),
            page_list_first(&d->page_list)->count_info,
            page_list_first(&d->page_list)->type_info);
    m2p_view_destroy(d);

    dead_run_cycles += v->run_cycles;
    arch_vcpu_destroy(v);
    free_xenheap_pages(v, ROUNDUP(sizeof(*v), PAGE_SIZE) >> PAGE_SHIFT);
    d->vcpu = NULL;
    for (i = 0; i < d->p2m_frames; i++)
        unshare_xen_page_with_guest(
            mfn_to_page((__pa(d->p2m) >> PAGE_SHIFT) + i), d);
    free_xenheap_pages(d->p2m, d->p2m_frames);
    d->p2m = NULL;
    unshare_xen_page_with_guest(mfn_to_page(__pa(d->shared_info) >> PAGE_SHIFT),
                                d);
    free_xenheap_pages(d->shared_info, 1);
    d->shared_info = NULL;
    d->is_dead = true;
}

void domain_reap(void)
{
    struct domain *d;

    /* Not while a disk still reads into or writes from its frames. */
    for_each_domain (d)
        if (d->is_shutting_down && !d->is_dead && d->vcpu != current &&
            !blkback_busy(d))
            domain_destroy(d);
}

bool all_domains_done(void)
{
    struct domain *d;

    if (!nr_domains)
        return false;
    for_each_domain (d)
        if (!d->is_dead)
            return false;
    return true;
}

static void print_domain_lines(void)
{
    struct domain *d;

    for_each_domain (d)
        printk(
            "DOMAIN d%u name=%s state=%s expected=%s hypercalls=%llu "
            "bounces=%llu events=%llu m2p_view_pages=%u%s%s",
            d->domain_id, d->name,
            d->is_shutting_down ? shutdown_names[d->shutdown_code] : "running",
            shutdown_names[d->cfg->expect],
            (unsigned long long)d->nr_hypercalls,
            (unsigned long long)d->nr_bounces, (unsigned long long)d->nr_events,
            d->m2p_view_pages, d->crash_reason[0] ? " reason=" : "",
            d->crash_reason);
}

static void dump_domains(unsigned char key)
{
    (void)key;
    print_domain_lines();
}

void domain_keys_init(void)
{
    register_keyhandler('q', dump_domains, "print the DOMAIN lines");
}

/*
 * The VERDICT line: " dN=name:state(unexpected)" for every domain, sized
 * for MAX_DOMAINS of the longest names, and printed whole by one printk.
 */
#define VERDICT_ENTRY_MAX (sizeof(" d=:(unexpected)") + 3 + SCN_NAME_MAX + 8)
#define VERDICT_LINE_MAX  (64 + MAX_DOMAINS * VERDICT_ENTRY_MAX)
_Static_assert(VERDICT_LINE_MAX <= PRINTK_MAX, "a VERDICT line fits a printk");

void hv_finish(void)
{
    static char line[VERDICT_LINE_MAX];
    struct strbuf sb = STRBUF_INIT(line);
    struct domain *d;
    bool pass = true;
    int32_t leaked;

    local_irq_disable();
    print_domain_lines();
    strbuf_printf(&sb, "VERDICT");
    for_each_domain (d) {
        bool ok = d->shutdown_code == d->cfg->expect;

        pass &= ok;
        strbuf_printf(&sb, " d%u=%s:%s%s", d->domain_id, d->name,
                      shutdown_names[d->shutdown_code],
                      ok ? "" : "(unexpected)");
    }
    share_finish();
    mem_sched_finish();
    tmem_finish();
    blkdev_print();
    blkback_print_cost();
    sched_print_cpu();
    leaked = (int32_t)(free_domheap_at_start - nr_free_domheap_pages()) +
             (int32_t)(free_xenheap_at_start - nr_free_xenheap_pages());
    if (leaked || mapcache_in_use()) {
        printk(XENLOG_ERR "leak check: %d frames not returned, %u mapcache "
                          "slots in use",
               leaked, mapcache_in_use());
        pass = false;
    }
    stats_print();
    BUG_ON(sb.truncated); /* sized for the largest scenario */
    printk("%s leaked_frames=%d result=%s", line, leaked,
           pass ? "pass" : "fail");
    arch_machine_exit(pass ? EXIT_PASS : EXIT_FAIL);
}

void hv_timeout(void)
{
    static char line[VERDICT_LINE_MAX];
    struct strbuf sb = STRBUF_INIT(line);
    struct domain *d;

    local_irq_disable();
    strbuf_printf(&sb, "VERDICT result=timeout still running:");
    for_each_domain (d)
        if (!d->is_shutting_down) {
            strbuf_printf(&sb, " d%u=%s", d->domain_id, d->name);
            sched_print_vcpu(d->vcpu);
        }
    print_domain_lines();
    stats_print();
    printk(XENLOG_ERR "%s", line);
    arch_machine_exit(EXIT_TIMEOUT);
}
