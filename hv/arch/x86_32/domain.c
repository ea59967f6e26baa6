/*
 * domain.c (x86_32) - the arch half of a vcpu: its hypervisor stack with
 * the guest frame at the top, its saved switch context, its FPU state, and
 * context_switch(), which moves the cpu from one vcpu to another (page
 * directory, TSS.esp0, FPU, stack).
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/pv.h>

extern void vcpu_first_entry(void);
void switch_stacks(struct switch_context **save, struct switch_context *load);

int arch_vcpu_create(struct vcpu *v)
{
    struct fxsave_area *f = &v->arch.fpu;

    v->arch.stack = alloc_xenheap_pages(VCPU_STACK_PAGES);
    if (!v->arch.stack)
        return -ENOMEM;
    v->arch.regs = (struct cpu_user_regs *)((char *)v->arch.stack +
                                            VCPU_STACK_PAGES * PAGE_SIZE) -
                   1;
    /* The first switch_stacks() to this vcpu "returns" to vcpu_first_entry
     * with esp at the guest frame. */
    v->arch.ctx = (struct switch_context *)v->arch.regs - 1;
    memset(v->arch.ctx, 0, sizeof(*v->arch.ctx));
    v->arch.ctx->eip = (uint32_t)vcpu_first_entry;

    /* FPU state after FNINIT, with SSE exceptions masked. */
    memset(f, 0, sizeof(*f));
    f->bytes[0] = 0x7f; /* FCW = 0x037f */
    f->bytes[1] = 0x03;
    f->bytes[24] = 0x80; /* MXCSR = 0x1f80 */
    f->bytes[25] = 0x1f;
    return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    BUG_ON(v == current);
    free_xenheap_pages(v->arch.stack, VCPU_STACK_PAGES);
    v->arch.stack = NULL;
}

uint32_t arch_vcpu_guest_ip(const struct vcpu *v, bool *kernel_mode)
{
    *kernel_mode = v->arch.kernel_mode;
    return v->arch.regs->eip;
}

void context_switch(struct vcpu *prev, struct vcpu *next)
{
    if (!is_idle_vcpu(prev))
        fxsave(&prev->arch.fpu);
    prev->is_running = false;
    next->is_running = true;
    current = next;

    if (is_idle_vcpu(next)) {
        /* Never leave a guest's directory loaded: it may be freed. */
        write_ptbase(__pa(idle_pg_table) >> PAGE_SHIFT);
    } else {
        pv_load_ptbase(next);
        arch_set_esp0((uint32_t)(next->arch.regs + 1));
        fxrstor(&next->arch.fpu);
        update_vcpu_system_time(next);
    }
    switch_stacks(&prev->arch.ctx, next->arch.ctx);
}
