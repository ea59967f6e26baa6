/*
 * hypercall.c - the hypercall table and dispatcher: reads the number and
 * arguments from the guest's registers, calls the handler, writes the
 * result to eax, counts the call. Also continuations (re-issuing a long
 * hypercall) and the preemption check.
 *
 * Hypercalls come only from guest kernel mode; from user mode "int $0x82"
 * is reflected to the guest kernel as a #GP, like any int n the guest may
 * not use. The dispatcher knows nothing of what the calls do.
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/blkback.h>
#include <hv/hypercall.h>
#include <hv/mem_sharing.h>
#include <hv/stats.h>
#include <hv/tmem.h>
#include <asm/irq.h>
#include <asm/pv.h>
#include <public/io/blkif.h>
#include <public/sharing.h>
#include <public/tmem.h>
#include <public/xen.h>

typedef long (*hypercall_fn_t)(const struct cpu_user_regs *r);

/* One typed wrapper per handler: the register-to-argument mapping. */
#define A1(r) (r)->ebx
#define A2(r) A1(r), (r)->ecx
#define A3(r) A2(r), (r)->edx
#define A4(r) A3(r), (r)->esi
#define HYPERCALL(name, nargs)                                                 \
    static long hc_##name(const struct cpu_user_regs *r)                       \
    {                                                                          \
        (void)r;                                                               \
        return do_##name(A##nargs(r));                                         \
    }
#define A0(r)
HYPERCALL(set_trap_table, 1)
HYPERCALL(mmu_update, 4)
HYPERCALL(stack_switch, 2)
HYPERCALL(set_callbacks, 4)
HYPERCALL(memory_op, 2)
HYPERCALL(update_va_mapping, 4)
HYPERCALL(set_timer_op, 2)
HYPERCALL(xen_version, 2)
HYPERCALL(console_io, 3)
HYPERCALL(mmuext_op, 4)
HYPERCALL(sched_op, 2)
HYPERCALL(event_channel_op, 2)
HYPERCALL(debug_op, 3)
HYPERCALL(blkif_op, 3)
HYPERCALL(sharing_op, 3)
HYPERCALL(tmem_op, 1)

static long hc_iret(const struct cpu_user_regs *r)
{
    (void)r;
    return do_iret();
}

static const struct {
    hypercall_fn_t fn;
    const char *name;
} hypercall_table[NR_hypercalls] = {
/* One hypercall a line. */
/* clang-format off */
#define ENTRY(n) [__HYPERVISOR_##n] = { hc_##n, #n }
    ENTRY(set_trap_table),
    ENTRY(mmu_update),
    ENTRY(stack_switch),
    ENTRY(set_callbacks),
    ENTRY(memory_op),
    ENTRY(update_va_mapping),
    ENTRY(set_timer_op),
    ENTRY(xen_version),
    ENTRY(console_io),
    ENTRY(iret),
    ENTRY(mmuext_op),
    ENTRY(sched_op),
    ENTRY(event_channel_op),
    ENTRY(debug_op),
    ENTRY(blkif_op),
    ENTRY(sharing_op),
    ENTRY(tmem_op),
#undef ENTRY
    /* clang-format on */
};

const char *hypercall_name(unsigned int nr)
{
    return nr < NR_hypercalls ? hypercall_table[nr].name : NULL;
}

void do_hypercall(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    uint32_t nr = regs->eax;
    uint64_t t0;
    long ret;

    if (!v->arch.kernel_mode) {
        /* From user mode, "int $0x82" is a gate the guest may not use: the
         * guest kernel gets the #GP, as for any other forbidden int n. */
        regs->eip -= 2; /* the gate let it through: back to the "int" */
        pv_inject_trap(v, regs, HYPERCALL_VECTOR);
        return;
    }
    if (nr >= NR_hypercalls || !hypercall_table[nr].fn) {
        gprintk(v->domain, "hypercall %u does not exist", nr);
        regs->eax = (uint32_t)-ENOSYS;
        perfc_incr(hypercall_errors);
        return;
    }
    perfc_incr(hypercalls[nr]);
    v->domain->nr_hypercalls++;
    t0 = stats_cycles ? arch_read_tsc() : 0;
    ret = hypercall_table[nr].fn(regs);
    if (stats_cycles)
        stats.hypercall_cycles[nr] += arch_read_tsc() - t0;
    /* iret's result is the guest's own eax, not a status. */
    if (nr != __HYPERVISOR_iret && ret < 0 && ret >= -4095)
        perfc_incr(hypercall_errors);
    regs->eax = (uint32_t)ret;
}

long hypercall_create_continuation(unsigned int op, unsigned int nargs,
                                   uint32_t a1, uint32_t a2, uint32_t a3,
                                   uint32_t a4)
{
    struct cpu_user_regs *regs = current->arch.regs;
    uint32_t *arg[] = { &regs->ebx, &regs->ecx, &regs->edx, &regs->esi };
    const uint32_t val[] = { a1, a2, a3, a4 };
    unsigned int i;

    ASSERT(nargs <= ARRAY_SIZE(arg));
    /* Back over "int $0x82" (cd 82) so the guest issues the call again. */
    regs->eip -= 2;
    for (i = 0; i < nargs; i++)
        *arg[i] = val[i];
    return op; /* lands in eax: the hypercall number */
}

bool hypercall_preempt_check(void)
{
    /* Stop for an interrupt waiting behind our cli (the tick: timers,
     * slices) or an event the caller should see. */
    return i8259_irq_pending() || (current->vcpu_info->evtchn_upcall_pending &&
                                   !current->vcpu_info->evtchn_upcall_mask);
}
