/*
 * traps.c - do_trap(), where every interrupt, exception and hypercall
 * lands, and the hypervisor's own faults: exception fixups for guest
 * memory accesses, register dumps, backtraces and the panic on anything
 * else. Guest exceptions are handed to pv_traps.c.
 *
 * A fault in hypervisor code is never blamed on a guest unless it is at an
 * instruction listed in the exception table (the guest-memory accessors).
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/shadow.h>
#include <hv/stats.h>
#include <asm/desc.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/uaccess.h>

extern char _text[], _etext[];

static void show_registers(const struct cpu_user_regs *regs)
{
    bool from_guest = guest_mode(regs);

    printk(XENLOG_ERR "  eip=%08x cs=%04x eflags=%08x vector=%u error=%08x %s",
           regs->eip, regs->cs & 0xffff, regs->eflags, regs->entry_vector,
           regs->error_code, from_guest ? "(guest)" : "(hypervisor)");
    printk(XENLOG_ERR "  eax=%08x ebx=%08x ecx=%08x edx=%08x", regs->eax,
           regs->ebx, regs->ecx, regs->edx);
    printk(XENLOG_ERR "  esi=%08x edi=%08x ebp=%08x esp=%08x", regs->esi,
           regs->edi, regs->ebp, from_guest ? regs->esp : (uint32_t)&regs->esp);
    printk(XENLOG_ERR "  cr0=%08x cr2=%08x cr3=%08x cr4=%08x", read_cr0(),
           read_cr2(), read_cr3(), read_cr4());
}

/* Walk the frame-pointer chain from ebp; stops at anything not on a stack
 * of ours or not pointing into .text. */
static void backtrace_from(uint32_t ebp, uint32_t eip)
{
    char line[256];
    struct strbuf sb = STRBUF_INIT(line);
    unsigned int depth;

    strbuf_printf(&sb, "backtrace: %08x", eip);
    for (depth = 0; depth < 16; depth++) {
        const uint32_t *frame = (const uint32_t *)ebp;
        uint32_t ret;

        if (ebp < DIRECTMAP_VIRT_START || (ebp & 3) || ebp > 0xFFFFFFFFU - 8)
            break;
        ret = frame[1];
        if (ret < (uint32_t)_text || ret >= (uint32_t)_etext)
            break;
        if (!strbuf_printf(&sb, " %08x", ret))
            break;
        ebp = frame[0];
    }
    printk(XENLOG_ERR "%s  (addr2line -e build/hv/hv.elf)", line);
}

void arch_print_backtrace(void)
{
    uint32_t ebp;

    asm volatile("mov %%ebp, %0" : "=r"(ebp));
    backtrace_from(ebp, (uint32_t)__builtin_return_address(0));
}

static bool search_exception_table(struct cpu_user_regs *regs)
{
    const struct exception_table_entry *e;

    for (e = __start_ex_table; e < __stop_ex_table; e++)
        if (e->insn == regs->eip) {
            regs->eip = e->fixup;
            return true;
        }
    return false;
}

static void __noreturn hv_fatal(struct cpu_user_regs *regs, const char *what)
{
    local_irq_disable();
    printk(XENLOG_ERR "FATAL: %s in hypervisor at %08x (current %s)", what,
           regs->eip,
           is_idle_vcpu(current) || !current ? "idle" : current->domain->name);
    show_registers(regs);
    backtrace_from(regs->ebp, regs->eip);
    panic("%s in hypervisor at %08x", what, regs->eip);
}

static void do_hv_exception(struct cpu_user_regs *regs)
{
    static const char *const names[32] = {
        "divide error",
        "debug",
        "NMI",
        "breakpoint",
        "overflow",
        "bound range",
        "invalid opcode",
        "device not available",
        "double fault",
        "coprocessor segment",
        "invalid TSS",
        "segment not present",
        "stack fault",
        "general protection fault",
        "page fault",
        "spurious",
        "x87 error",
        "alignment check",
        "machine check",
        "SIMD error",
    };
    const char *name =
        names[regs->entry_vector] ? names[regs->entry_vector] : "exception";

    if (regs->entry_vector == TRAP_nmi) {
        printk(XENLOG_WARNING "NMI received at %08x; ignored", regs->eip);
        return;
    }
    /* A guest-memory accessor faulted on a translated domain's address
     * that the guest's tables allow: fix the shadow and retry. */
    if (regs->entry_vector == TRAP_page_fault && current &&
        !is_idle_vcpu(current) && is_translated(current->domain) &&
        sh_page_fault(current, NULL, read_cr2(), regs->error_code)) {
        perfc_incr(exceptions[TRAP_page_fault]); /* a fault all the same */
        return;
    }
    /* A guest-memory accessor touched a bad guest address: fail the copy. */
    if ((regs->entry_vector == TRAP_page_fault ||
         regs->entry_vector == TRAP_gp_fault) &&
        search_exception_table(regs))
        return;
    if (regs->entry_vector == TRAP_page_fault)
        printk(
            XENLOG_ERR "page fault at %08x: %s %s, %s", read_cr2(),
            regs->error_code & PFEC_write_access ? "write" : "read",
            regs->error_code & PFEC_page_present ? "protection" : "not present",
            regs->error_code & PFEC_insn_fetch ? "instruction fetch" : "data");
    hv_fatal(regs, name);
}

void do_double_fault(void)
{
    uint32_t eip, esp, ebp;

    arch_double_fault_state(&eip, &esp, &ebp);
    printk(XENLOG_ERR "FATAL: double fault at eip=%08x esp=%08x (hypervisor "
                      "stack overflow?)",
           eip, esp);
    backtrace_from(ebp, eip);
    panic("double fault at %08x", eip);
}

void do_trap(struct cpu_user_regs *regs)
{
    unsigned int vector = regs->entry_vector;

    if (vector >= FIRST_IRQ_VECTOR && vector < FIRST_IRQ_VECTOR + 16) {
        perfc_incr(irqs);
        do_irq(vector - FIRST_IRQ_VECTOR);
    } else if (!guest_mode(regs)) {
        if (vector < 32)
            do_hv_exception(regs);
        else
            printk(XENLOG_WARNING "unexpected vector %#x in hypervisor",
                   vector);
    } else if (vector < 32) {
        uint64_t t0 = stats_cycles ? arch_read_tsc() : 0;

        perfc_incr(exceptions[vector]);
        do_guest_exception(regs);
        if (stats_cycles)
            stats.exception_cycles[vector] += arch_read_tsc() - t0;
    } else if (vector == HYPERCALL_VECTOR) {
        do_hypercall(regs);
    } else if (vector == SYSCALL_VECTOR) {
        regs->eip -= 2; /* the gate let it through: back to the "int" */
        pv_inject_trap(current, regs, SYSCALL_VECTOR);
    } else {
        printk(XENLOG_WARNING "unexpected vector %#x from guest", vector);
    }

    if (guest_mode(regs))
        exit_to_guest(regs);
}
