/*
 * traps.c - the guest's virtual trap table, its C trap handler with
 * exception fixups (probe_read/probe_write), and registered handlers.
 */
#include <guest/guest.h>

extern const struct extable_entry __start_ex_table[], __stop_ex_table[];
struct fault_info last_fault;
static trap_handler_t handlers[257];

/* The entry stubs in entry.S. */
extern char trap_0[], trap_1[], trap_3[], trap_4[], trap_5[], trap_6[],
    trap_7[], trap_9[], trap_10[], trap_11[], trap_12[], trap_13[], trap_14[],
    trap_16[], trap_17[], trap_18[], trap_19[], trap_64[], trap_128[];

/* flags: DPL in bits 0-1 (3 = user mode may "int" it), bit 2 = mask events. */
static struct trap_info trap_table[] = {
    { 0, 0, FLAT_KERNEL_CS, (uint32_t)trap_0 },
    { 1, 0, FLAT_KERNEL_CS, (uint32_t)trap_1 },
    { 3, 3, FLAT_KERNEL_CS, (uint32_t)trap_3 },
    { 4, 3, FLAT_KERNEL_CS, (uint32_t)trap_4 },
    { 5, 0, FLAT_KERNEL_CS, (uint32_t)trap_5 },
    { 6, 0, FLAT_KERNEL_CS, (uint32_t)trap_6 },
    { 7, 0, FLAT_KERNEL_CS, (uint32_t)trap_7 },
    { 9, 0, FLAT_KERNEL_CS, (uint32_t)trap_9 },
    { 10, 0, FLAT_KERNEL_CS, (uint32_t)trap_10 },
    { 11, 0, FLAT_KERNEL_CS, (uint32_t)trap_11 },
    { 12, 0, FLAT_KERNEL_CS, (uint32_t)trap_12 },
    { 13, 0, FLAT_KERNEL_CS, (uint32_t)trap_13 },
    { 14, 4, FLAT_KERNEL_CS, (uint32_t)trap_14 }, /* cr2 lives in vcpu_info */
    { 16, 0, FLAT_KERNEL_CS, (uint32_t)trap_16 },
    { 17, 0, FLAT_KERNEL_CS, (uint32_t)trap_17 },
    { 18, 0, FLAT_KERNEL_CS, (uint32_t)trap_18 },
    { 19, 0, FLAT_KERNEL_CS, (uint32_t)trap_19 },
    { 64, 3, FLAT_KERNEL_CS, (uint32_t)trap_64 },
    { 128, 3, FLAT_KERNEL_CS, (uint32_t)trap_128 },
    { 0, 0, 0, 0 },
};

void traps_init(void)
{
    long rc = HYPERVISOR_set_trap_table(trap_table);

    if (rc)
        guest_panic("set_trap_table failed: %ld", rc);
}

void traps_mask_events_on_entry(bool mask)
{
    struct trap_info *t;

    for (t = trap_table; t->address; t++)
        t->flags = (uint8_t)((t->flags & ~4U) | (mask ? 4U : 0U));
    traps_init();
}

__attribute__((weak)) void trap_exit_hook(struct guest_regs *regs)
{
    (void)regs;
}

void set_trap_handler(unsigned int vector, trap_handler_t fn)
{
    handlers[vector] = fn;
}

void do_trap(struct guest_regs *regs)
{
    const struct extable_entry *e;
    uint32_t cr2 = regs->vector == 14 ? shared_info->vcpu_info[0].arch.cr2 : 0;

    if (handlers[regs->vector] && handlers[regs->vector](regs)) {
        trap_exit_hook(regs);
        return;
    }
    for (e = __start_ex_table; e < __stop_ex_table; e++)
        if (e->insn == regs->eip) {
            last_fault.count++;
            last_fault.vector = regs->vector;
            last_fault.error_code = regs->error_code;
            last_fault.cr2 = cr2;
            last_fault.eip = regs->eip;
            regs->eip = e->fixup;
            trap_exit_hook(regs);
            return;
        }
    guest_panic("unhandled trap %u at eip %#x (error %#x, cr2 %#x, cs %#x, "
                "esp %#x)",
                regs->vector, regs->eip, regs->error_code, cr2, regs->cs,
                regs->esp);
}

int probe_read(const volatile void *p)
{
    unsigned int before = last_fault.count;
    uint32_t tmp;

    asm volatile("1: movl (%1), %0\n2:\n" GUEST_EXTABLE(1b, 2b)
                 : "=&r"(tmp)
                 : "r"(p), "0"(0)
                 : "memory");
    (void)tmp;
    return last_fault.count != before ? (int)last_fault.vector : -1;
}

int probe_write(volatile void *p, uint32_t v)
{
    unsigned int before = last_fault.count;

    asm volatile("1: movl %1, (%0)\n2:\n" GUEST_EXTABLE(1b, 2b)
                 :
                 : "r"(p), "r"(v)
                 : "memory");
    return last_fault.count != before ? (int)last_fault.vector : -1;
}
