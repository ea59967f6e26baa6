/*
 * desc.c - the GDT, the IDT and the TSSs. Built once at boot and never
 * changed afterwards except TSS.esp0, which follows the running vcpu.
 *
 * Guests cannot change any descriptor: there is no set_gdt, no LDT and no
 * update_descriptor. Only four vectors can be raised from ring 3 with
 * "int n": int3, into, the syscall vector and the hypercall vector; any
 * other "int n" faults with #GP and traps.c emulates it from the guest's
 * virtual trap table.
 */
#include <hv/lib.h>
#include <asm/desc.h>
#include <asm/memlayout.h>
#include <asm/paging.h>
#include <asm/processor.h>

struct tss {
    uint16_t link, r0;
    uint32_t esp0;
    uint16_t ss0, r1;
    uint32_t esp1;
    uint16_t ss1, r2;
    uint32_t esp2;
    uint16_t ss2, r3;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, r4, cs, r5, ss, r6, ds, r7, fs, r8, gs, r9, ldt, r10;
    uint16_t trap, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

struct desc_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static uint64_t gdt[NR_GDT_ENTRIES] __aligned(8);
static uint64_t idt[NR_VECTORS] __aligned(8);
static struct tss tss __aligned(128), df_tss __aligned(128);
static uint8_t df_stack[4096] __aligned(16);

extern char entry_stubs[];
extern void double_fault_task(void);

/* Flat 4 GiB segment: access byte (P, DPL, S, type) and 4 KiB granularity. */
static uint64_t flat_segment(uint8_t access)
{
    return 0x00cf00000000ffffULL | ((uint64_t)access << 40);
}

static uint64_t tss_descriptor(const struct tss *t)
{
    uint32_t base = (uint32_t)t, limit = sizeof(*t) - 1;

    return (limit & 0xffffULL) | ((uint64_t)(base & 0xffffff) << 16) |
           (0x89ULL << 40) /* present, DPL 0, 32-bit TSS available */ |
           ((uint64_t)((limit >> 16) & 0xf) << 48) |
           ((uint64_t)(base >> 24) << 56);
}

static uint64_t gate(uint32_t offset, uint16_t sel, uint8_t type_attr)
{
    return (offset & 0xffffULL) | ((uint64_t)sel << 16) |
           ((uint64_t)type_attr << 40) | ((uint64_t)(offset >> 16) << 48);
}

#define GATE_INTR(dpl)                                                         \
    (0x8e | ((dpl) << 5)) /* present, 32-bit interrupt gate */
#define GATE_TASK 0x85    /* present, task gate, DPL 0 */

void arch_desc_init(void)
{
    struct desc_ptr gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };
    struct desc_ptr idtr = { sizeof(idt) - 1, (uint32_t)idt };
    unsigned int v;

    gdt[__HYPERVISOR_CS >> 3] = flat_segment(0x9a); /* ring 0 code */
    gdt[__HYPERVISOR_DS >> 3] = flat_segment(0x92); /* ring 0 data */
    gdt[FLAT_KERNEL_CS >> 3] = flat_segment(0xfa);  /* ring 3 code */
    gdt[FLAT_USER_CS >> 3] = flat_segment(0xfa);    /* ring 3 code */
    gdt[FLAT_KERNEL_DS >> 3] = flat_segment(0xf2);  /* ring 3 data */
    gdt[TSS_SELECTOR >> 3] = tss_descriptor(&tss);
    gdt[DF_TSS_SELECTOR >> 3] = tss_descriptor(&df_tss);

    tss.ss0 = __HYPERVISOR_DS;
    tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 gets no ports */

    df_tss.eip = (uint32_t)double_fault_task;
    df_tss.esp = (uint32_t)(df_stack + sizeof(df_stack));
    df_tss.cs = __HYPERVISOR_CS;
    df_tss.ds = df_tss.es = df_tss.ss = __HYPERVISOR_DS;
    df_tss.cr3 = __pa(idle_pg_table);
    df_tss.eflags = X86_EFLAGS_MBS;
    df_tss.iomap_base = sizeof(df_tss);

    for (v = 0; v < NR_VECTORS; v++)
        idt[v] =
            gate((uint32_t)entry_stubs + 16 * v, __HYPERVISOR_CS, GATE_INTR(0));
    idt[TRAP_int3] = gate((uint32_t)entry_stubs + 16 * TRAP_int3,
                          __HYPERVISOR_CS, GATE_INTR(3));
    idt[TRAP_overflow] = gate((uint32_t)entry_stubs + 16 * TRAP_overflow,
                              __HYPERVISOR_CS, GATE_INTR(3));
    idt[SYSCALL_VECTOR] = gate((uint32_t)entry_stubs + 16 * SYSCALL_VECTOR,
                               __HYPERVISOR_CS, GATE_INTR(3));
    idt[HYPERCALL_VECTOR] = gate((uint32_t)entry_stubs + 16 * HYPERCALL_VECTOR,
                                 __HYPERVISOR_CS, GATE_INTR(3));
    idt[TRAP_double_fault] = gate(0, DF_TSS_SELECTOR, GATE_TASK);

    asm volatile("lgdt %0" : : "m"(gdtr));
    asm volatile("ljmp %0, $1f\n1:" : : "i"(__HYPERVISOR_CS));
    asm volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss; mov %0, %%fs; "
                 "mov %0, %%gs"
                 :
                 : "r"(__HYPERVISOR_DS));
    asm volatile("ltr %w0" : : "r"(TSS_SELECTOR));
    asm volatile("lidt %0" : : "m"(idtr));
}

void arch_set_esp0(uint32_t esp0)
{
    tss.esp0 = esp0;
}

/* The state of the task that double-faulted, for the panic message. */
void arch_double_fault_state(uint32_t *eip, uint32_t *esp, uint32_t *ebp)
{
    *eip = tss.eip;
    *esp = tss.esp;
    *ebp = tss.ebp;
}
