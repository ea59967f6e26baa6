/*
 * setup.c - start_hv(), the first C function: brings the machine up in
 * order and becomes the idle vcpu. Each step below depends on the ones
 * before it. Nothing set up here is ever torn down; the run ends with
 * hv_finish() or a panic.
 */
#include <hv/arch.h>
#include <hv/blkdev.h>
#include <hv/bootinfo.h>
#include <hv/cmdline.h>
#include <hv/mem_sharing.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/setup.h>
#include <hv/time.h>
#include <asm/desc.h>
#include <asm/irq.h>
#include <asm/paging.h>
#include <asm/processor.h>

/*
 * debug_fault=pf|ud|de makes the hypervisor fault on purpose once the
 * domains are built, to show (and test) what a hypervisor fault reports.
 */
static const char *const debug_faults[] = { "pf", "ud", "de", NULL };
static char opt_debug_fault[8];
string_param_choice("debug_fault", opt_debug_fault, debug_faults);

static void debug_fault(void)
{
    volatile uint32_t zero = 0;

    if (!opt_debug_fault[0])
        return;
    printk(XENLOG_WARNING "debug_fault=%s: faulting on purpose",
           opt_debug_fault);
    if (!strcmp(opt_debug_fault, "pf"))
        *(volatile uint32_t *)0xFBFFF000 = 1; /* unmapped in the idle tables */
    else if (!strcmp(opt_debug_fault, "ud"))
        asm volatile("ud2");
    else
        printk("%u", 1 / zero); /* "de": the parser took nothing else */
    panic("debug_fault=%s: the fault did not happen", opt_debug_fault);
}

static void report_bad_option(const char *word, const char *why)
{
    printk(XENLOG_ERR "ERROR: command line: '%s': %s", word, why);
}

/* Check the features we rely on and set the control registers. */
static void arch_cpu_init(void)
{
    uint32_t a, b, c, d, max_leaf;

    cpuid(0, 0, &max_leaf, &b, &c, &d);
    cpuid(1, 0, &a, &b, &c, &d);
    if (!(d & CPUID1_EDX_TSC) || !(d & CPUID1_EDX_FXSR) ||
        !(d & CPUID1_EDX_PGE))
        panic("arch_cpu_init: the CPU lacks TSC, FXSR or PGE (edx %#x)", d);

    write_cr0((read_cr0() | X86_CR0_MP | X86_CR0_NE | X86_CR0_WP) &
              ~(X86_CR0_EM | X86_CR0_TS));
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | X86_CR4_PGE);
    asm volatile("fninit");
    /* SMEP: the hypervisor never executes guest memory. */
    if (max_leaf >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        if (b & CPUID7_EBX_SMEP)
            write_cr4(read_cr4() | X86_CR4_SMEP);
    }
}

void start_hv(uint32_t mbi_pa)
{
    /* The console first, so that anything below can complain. */
    arch_serial_init();
    printk("page-sharing hypervisor for x86_32 (non-PAE) starting");

    /* Our own page tables: the direct map, mapcache, hypervisor slots. */
    arch_paging_init();

    /* What the boot loader gave us, copied before we reuse memory. */
    multiboot_parse(mbi_pa);
    /* A bad option ends the run: a user's mistake, said in a line each. */
    if (cmdline_parse(bootinfo.cmdline, __start_param, __stop_param,
                      report_bad_option)) {
        printk(XENLOG_ERR "VERDICT result=config-error");
        arch_machine_exit(EXIT_CONFIG);
    }
    console_init(); /* again, now that loglvl= is known */
    printk("command line: '%s'; %u module%s; loader '%s'", bootinfo.cmdline,
           bootinfo.nr_mods, bootinfo.nr_mods == 1 ? "" : "s",
           bootinfo.loader[0] ? bootinfo.loader : "unknown");

    /* CPU features and control registers, then GDT, IDT, TSS. */
    arch_cpu_init();
    arch_desc_init();

    /* Frame table, M2P, heaps. */
    arch_init_memory(&bootinfo);

    /* dom_xen, dom_io, dom_cow; then the idle vcpu is current. */
    domain_init_pseudo();
    scheduler_init();

    /* Interrupt controller, TSC calibration, the tick. */
    i8259_init();
    time_init();
    console_keys_init();
    domain_keys_init();
    mem_sharing_init(); /* the scanner becomes idle work */
    mem_sched_init();
    tmem_init();
    blkdev_init(); /* the disks QEMU attached */

    /* Domains from the scenario file, all unpaused. */
    build_domains_from_scenario();
    debug_fault();

    /* The boot stack becomes the idle vcpu's. */
    idle_loop();
}
