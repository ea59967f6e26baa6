/*
 * pv_traps.c - what a paravirtual guest sees of traps: its virtual trap
 * table (set_trap_table), its event and failsafe callbacks, its kernel
 * stack for user->kernel transitions (stack_switch), the bounce frames
 * that deliver exceptions, software interrupts and event upcalls onto the
 * guest kernel stack, iret, and the switch between the guest's kernel-mode
 * and user-mode page directories.
 *
 * Both guest modes run in ring 3; the hypervisor alone knows which mode a
 * vcpu is in (arch.kernel_mode) and never takes the guest's word for it.
 * A guest whose bounce frame cannot be written (bad stack) or that has no
 * handler for a fault it takes is crashed; nothing else is affected.
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/mem_sharing.h>
#include <hv/sched.h>
#include <hv/shadow.h>
#include <hv/stats.h>
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/uaccess.h>

void pv_load_ptbase(struct vcpu *v)
{
    /* A translated domain's own tables are never loaded: their shadows
     * are. */
    uint32_t mfn = is_translated(v->domain) ? sh_ptbase(v)
                   : v->arch.kernel_mode    ? v->arch.guest_table
                                            : v->arch.guest_table_user;

    ASSERT(mfn);
    write_ptbase(mfn);
}

/* Switch v between its kernel and user page directories. */
static void toggle_guest_mode(struct vcpu *v)
{
    v->arch.kernel_mode = !v->arch.kernel_mode;
    pv_load_ptbase(v);
}

/*
 * Push [error_code] eip cs eflags esp ss on the guest kernel stack and
 * resume the guest at handler. From user mode, switch to kernel mode and
 * to the stack_switch stack first (the kernel stack is mapped only in the
 * kernel page directory). Returns false (domain crashed) if the frame
 * cannot be written.
 */
static bool create_bounce_frame(struct vcpu *v, struct cpu_user_regs *regs,
                                uint32_t handler, bool has_error_code,
                                uint32_t error_code, bool mask_events)
{
    struct domain *d = v->domain;
    struct vcpu_info *vi = v->vcpu_info;
    uint32_t frame[6], *f = frame, esp, size;
    bool from_user = !v->arch.kernel_mode;

    if (from_user) {
        if (!v->arch.kernel_sp) {
            domain_crash(d, "trap from user mode with no kernel stack "
                            "(stack_switch never called)");
            return false;
        }
        toggle_guest_mode(v);
        esp = v->arch.kernel_sp;
    } else
        esp = regs->esp;

    if (has_error_code)
        *f++ = error_code;
    *f++ = regs->eip;
    *f++ = from_user ? FLAT_USER_CS : FLAT_KERNEL_CS;
    *f++ = (regs->eflags & ~X86_EFLAGS_IF) |
           (vi->evtchn_upcall_mask ? 0 : X86_EFLAGS_IF);
    *f++ = regs->esp;
    *f++ = regs->ss;
    size = (uint32_t)(f - frame) * sizeof(uint32_t);

    if (esp < size || copy_to_guest(esp - size, frame, size)) {
        domain_crash(d, "cannot write a trap frame at esp %#x (eip %#x)",
                     esp - size, regs->eip);
        return false;
    }
    regs->esp = esp - size;
    regs->ss = FLAT_KERNEL_SS;
    regs->eip = handler;
    regs->cs = FLAT_KERNEL_CS;
    regs->eflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF);
    if (mask_events)
        vi->evtchn_upcall_mask = 1;
    perfc_incr(bounces);
    d->nr_bounces++;
    return true;
}

/* Deliver vector through the guest's trap table, or crash it if none. */
static void inject(struct vcpu *v, struct cpu_user_regs *regs,
                   unsigned int vector, bool has_ec, uint32_t ec)
{
    const struct guest_trap *t = &v->arch.traps[vector];

    if (!t->address) {
        domain_crash(v->domain,
                     "no handler for trap %u at eip %#x (error %#x, "
                     "cr2 %#x)",
                     vector, regs->eip, ec, v->vcpu_info->arch.cr2);
        return;
    }
    create_bounce_frame(v, regs, t->address, has_ec, ec, TI_GET_IF(t) != 0);
}

void pv_inject_trap(struct vcpu *v, struct cpu_user_regs *regs,
                    unsigned int vector)
{
    const struct guest_trap *t = &v->arch.traps[vector];
    /* Virtual CPL: 1 in guest kernel mode, 3 in user mode. */
    unsigned int vcpl = v->arch.kernel_mode ? 1 : 3;

    if (!t->address || (t->flags & 3) < vcpl) {
        /* As the CPU would: #GP at the "int n" that used a gate it may
         * not use. */
        inject(v, regs, TRAP_gp_fault, true, (vector << 3) | 2);
        return;
    }
    regs->eip += 2; /* a software interrupt returns past "int n" (cd nn) */
    inject(v, regs, vector, false, 0);
}

void do_guest_exception(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    unsigned int vector = regs->entry_vector;
    uint32_t ec = regs->error_code;

    switch (vector) {
    case TRAP_page_fault: {
        uint32_t cr2 = read_cr2();

        /* Shadow mode: a fault the guest's tables allow is ours. */
        if (is_translated(v->domain) && sh_page_fault(v, regs, cr2, ec))
            return;
        v->vcpu_info->arch.cr2 = cr2;
        /* A write to a shared frame: tell the guest which (sharing.h). */
        v->vcpu_info->arch.cow_mfn =
            (ec & (PFEC_page_present | PFEC_write_access)) ==
                    (PFEC_page_present | PFEC_write_access)
                ? arch_share_fault_mfn(v->domain, read_cr3() >> PAGE_SHIFT,
                                       cr2)
                : 0;
        /* The hardware says "user" for every guest access (ring 3); tell
         * the guest which of its modes faulted. */
        if (v->arch.kernel_mode)
            ec &= ~PFEC_user_mode;
        inject(v, regs, vector, true, ec);
        return;
    }
    case TRAP_gp_fault:
        /* "int n" through an IDT gate of DPL 0: emulate from the virtual
         * trap table. The CPU reports the vector in the error code. */
        if ((ec & 3) == 2) {
            pv_inject_trap(v, regs, ec >> 3);
            return;
        }
        inject(v, regs, vector, true, ec);
        return;
    case TRAP_nmi:
        printk(XENLOG_WARNING "NMI while running d%u; ignored",
               v->domain->domain_id);
        return;
    default:
        inject(v, regs, vector, TRAP_HAS_ERROR_CODE(vector), ec);
        return;
    }
}

void exit_to_guest(struct cpu_user_regs *regs)
{
    struct vcpu *v;

    ASSERT(guest_mode(regs));
    do_softirq();
    v = current;
    ASSERT(v->arch.regs == regs && !is_idle_vcpu(v));

    if (v->vcpu_info->evtchn_upcall_pending &&
        !v->vcpu_info->evtchn_upcall_mask && v->arch.event_callback_eip) {
        if (create_bounce_frame(v, regs, v->arch.event_callback_eip, false, 0,
                                true)) {
            perfc_incr(events_delivered);
            v->domain->nr_events++;
        } else
            do_softirq(); /* the domain crashed: switch away for good */
    }
}

long do_set_trap_table(uint32_t table)
{
    struct vcpu *v = current;
    struct trap_info ti;
    unsigned int n;

    if (!table) {
        memset(v->arch.traps, 0, sizeof(v->arch.traps));
        return 0;
    }
    for (n = 0; n < 256; n++, table += sizeof(ti)) {
        if (copy_from_guest(&ti, table, sizeof(ti))) {
            gprintk(v->domain, "set_trap_table: bad table address %#x", table);
            return -EFAULT;
        }
        if (!ti.address)
            return 0;
        if (ti.address >= HYPERVISOR_VIRT_START) {
            gprintk(v->domain,
                    "set_trap_table: vector %u handler %#x is in "
                    "hypervisor space",
                    ti.vector, ti.address);
            return -EINVAL;
        }
        if (ti.vector == TRAP_double_fault || ti.vector == TRAP_nmi ||
            ti.vector == HYPERCALL_VECTOR) {
            gprintk(v->domain, "set_trap_table: vector %u is not the guest's",
                    ti.vector);
            return -EINVAL;
        }
        v->arch.traps[ti.vector].address = ti.address;
        v->arch.traps[ti.vector].flags = ti.flags;
    }
    return 0;
}

long do_set_callbacks(uint32_t event_cs, uint32_t event_eip,
                      uint32_t failsafe_cs, uint32_t failsafe_eip)
{
    struct vcpu *v = current;

    if (event_eip >= HYPERVISOR_VIRT_START ||
        failsafe_eip >= HYPERVISOR_VIRT_START) {
        gprintk(v->domain, "set_callbacks: callback in hypervisor space");
        return -EINVAL;
    }
    (void)event_cs;
    (void)failsafe_cs;
    v->arch.event_callback_eip = event_eip;
    v->arch.failsafe_callback_eip = failsafe_eip;
    return 0;
}

long do_stack_switch(uint32_t ss, uint32_t esp)
{
    struct vcpu *v = current;

    if (ss != FLAT_KERNEL_SS || esp > HYPERVISOR_VIRT_START) {
        gprintk(v->domain, "stack_switch: bad stack %#x:%#x", ss, esp);
        return -EINVAL;
    }
    v->arch.kernel_ss = ss;
    v->arch.kernel_sp = esp;
    return 0;
}

long do_iret(void)
{
    struct vcpu *v = current;
    struct cpu_user_regs *regs = v->arch.regs;
    struct iret_context c;

    if (copy_from_guest(&c, regs->esp, sizeof(c))) {
        domain_crash(v->domain, "iret: cannot read the frame at esp %#x",
                     regs->esp);
        return regs->eax;
    }
    if ((c.cs != FLAT_KERNEL_CS && c.cs != FLAT_USER_CS) ||
        c.ss != FLAT_KERNEL_SS || c.eip >= HYPERVISOR_VIRT_START) {
        domain_crash(v->domain, "iret: bad frame cs=%#x ss=%#x eip=%#x", c.cs,
                     c.ss, c.eip);
        return regs->eax;
    }
    if (c.cs == FLAT_USER_CS) {
        if (!v->arch.guest_table_user) {
            domain_crash(v->domain, "iret to user mode with no user page "
                                    "directory");
            return regs->eax;
        }
        if (v->arch.kernel_mode)
            toggle_guest_mode(v);
    }
    regs->eip = c.eip;
    regs->cs = c.cs;
    regs->esp = c.esp;
    regs->ss = c.ss;
    regs->eflags =
        (c.eflags & X86_EFLAGS_GUEST_MASK) | X86_EFLAGS_IF | X86_EFLAGS_MBS;
    v->vcpu_info->evtchn_upcall_mask = !(c.eflags & X86_EFLAGS_IF);
    return c.eax;
}

void pv_vcpu_init_regs(struct vcpu *v, uint32_t eip, uint32_t esp, uint32_t esi)
{
    struct cpu_user_regs *regs = v->arch.regs;

    memset(regs, 0, sizeof(*regs));
    regs->ds = regs->es = regs->fs = regs->gs = FLAT_KERNEL_DS;
    regs->ss = FLAT_KERNEL_SS;
    regs->cs = FLAT_KERNEL_CS;
    regs->eip = eip;
    regs->esp = esp;
    regs->esi = esi;
    regs->eflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;
    v->arch.kernel_mode = true;
}
