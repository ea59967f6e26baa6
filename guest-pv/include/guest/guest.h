/*
 * guest.h - the small PV guest library: start-up state, console output,
 * traps and exception fixups, events, time, memory helpers. Used by the
 * test guests (guest-pv/tests) and the guest kernel.
 *
 * Memory as a guest sees it (built by the hypervisor, see public/xen.h):
 * pfn n is mapped at start_info->virt_base + n * 4096; its machine frame is
 * p2m[n]; page-table frames are mapped read-only.
 */
#ifndef __GUEST_GUEST_H__
#define __GUEST_GUEST_H__

#include <klib.h>
#include <guest/hypercall.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096U
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/* Zero one page with "rep stosl", as 32-bit Linux clears a page (its
 * memset). In shadow mode the hypervisor knows the instruction at a write
 * fault on a shared page: it hands the page a zeroed frame instead of
 * copying the shared one (shadow.c, is_page_clear). */
static inline void clear_page(void *va)
{
    uint32_t ecx, edi;

    asm volatile("rep stosl"
                 : "=c"(ecx), "=D"(edi)
                 : "0"(PAGE_SIZE / 4), "1"(va), "a"(0)
                 : "memory");
}

#define _PAGE_PRESENT  0x001U
#define _PAGE_RW       0x002U
#define _PAGE_USER     0x004U
#define _PAGE_ACCESSED 0x020U
#define _PAGE_DIRTY    0x040U
#define _PAGE_PSE      0x080U
#define _PAGE_GLOBAL   0x100U

/* Page-fault error code bits (the user bit says which guest mode faulted). */
#define PFEC_PRESENT 0x1U
#define PFEC_WRITE   0x2U
#define PFEC_USER    0x4U

extern start_info_t *start_info;
extern shared_info_t *shared_info;
extern const uint32_t *p2m; /* pfn -> mfn, read-only */
extern bool xen_translated_mode; /* start_info's SIF_TRANSLATED, read once */
#define machine_to_phys ((const uint32_t *)MACH2PHYS_VIRT_START)

/* --- Address conversions over the initial direct map ------------------- */
static inline void *pfn_to_virt(uint32_t pfn)
{
    return (void *)(start_info->virt_base + (pfn << PAGE_SHIFT));
}
static inline uint32_t virt_to_pfn(const void *va)
{
    return ((uint32_t)va - start_info->virt_base) >> PAGE_SHIFT;
}
/* Shadow mode (SIF_TRANSLATED): the guest names frames by pfn everywhere,
 * page tables included; the hypervisor translates. */
static inline bool xen_translated(void)
{
    return xen_translated_mode; /* a global: no pointer chase on hot paths */
}
static inline uint32_t pfn_to_mfn(uint32_t pfn)
{
    return xen_translated() ? pfn : p2m[pfn];
}
static inline uint32_t mfn_to_pfn(uint32_t mfn)
{
    return xen_translated() ? mfn : machine_to_phys[mfn];
}
static inline uint32_t virt_to_mfn(const void *va)
{
    return pfn_to_mfn(virt_to_pfn(va));
}
static inline uint64_t virt_to_machine(const void *va)
{
    return ((uint64_t)virt_to_mfn(va) << PAGE_SHIFT) |
           ((uint32_t)va & ~PAGE_MASK);
}

/* --- Console -------------------------------------------------------------- */
/* printk writes through console_io; output is line-buffered by the
 * hypervisor and prefixed "(dN) ". */
void printk(const char *fmt, ...) __printf(1, 2);
void console_write(const char *s, size_t n);

/* Stop this domain: poweroff or crash. */
void guest_shutdown(unsigned int reason) __noreturn;
/* Print and shut down with SHUTDOWN_crash. */
void guest_panic(const char *fmt, ...) __printf(1, 2) __noreturn;
#define GUEST_BUG_ON(c)                                                        \
    do {                                                                       \
        if (c)                                                                 \
            guest_panic("%s:%d: BUG_ON(%s)", __FILE__, __LINE__, #c);          \
    } while (0)

/* --- Command line ---------------------------------------------------------- */
/* Value of key=... on the guest command line, copied into buf; NULL if
 * absent. */
const char *cmdline_get(const char *key, char *buf, size_t size);
unsigned long cmdline_get_ulong(const char *key, unsigned long dflt);

/* --- Traps ----------------------------------------------------------------- */
struct guest_regs {
    uint32_t edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax; /* pushal */
    uint32_t vector, error_code;
    uint32_t eip, cs, eflags, esp, ss; /* the bounce frame */
};

/*
 * Exception fixups: an instruction listed with GUEST_EXTABLE(fault, fixup)
 * may fault; the trap handler then records what happened in last_fault and
 * resumes at fixup. Tests use it to check that an access faults.
 */
struct extable_entry {
    uint32_t insn, fixup;
};
#define GUEST_EXTABLE(insn, fixup)                                             \
    ".pushsection .ex_table, \"a\"\n .align 4\n .long " #insn ", " #fixup      \
    "\n .popsection\n"

struct fault_info {
    unsigned int count; /* faults fixed up so far */
    uint32_t vector, error_code, cr2, eip;
};
extern struct fault_info last_fault;

/* Returns the vector of the fault a read of *p took, or -1 if none. */
int probe_read(const volatile void *p);
/* Same for a write of v to *p. */
int probe_write(volatile void *p, uint32_t v);

/*
 * A handler for vector, called with the frame; return true if handled
 * (the guest then resumes at regs->eip). Unhandled traps print and crash.
 */
typedef bool (*trap_handler_t)(struct guest_regs *regs);
void set_trap_handler(unsigned int vector, trap_handler_t fn);

/* --- Events ------------------------------------------------------------------ */
typedef void (*evtchn_handler_t)(evtchn_port_t port, struct guest_regs *regs);
/* Bind a VIRQ and route its port to fn; returns the port or < 0. */
int bind_virq(unsigned int virq, evtchn_handler_t fn);
/* Route an already-bound port to fn and unmask it. */
void bind_evtchn_handler(evtchn_port_t port, evtchn_handler_t fn);
void mask_evtchn(evtchn_port_t port);
void unmask_evtchn(evtchn_port_t port);
/* The guest's interrupt flag. */
static inline void local_events_disable(void)
{
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
    asm volatile("" ::: "memory");
}
void local_events_enable(void);
/* Block until an event arrives (events end up enabled). */
void block_domain(void);
/* Sleep at least ms milliseconds, blocked (VIRQ_TIMER must be bound). */
void nap_ms(unsigned int ms);

/* --- Time --------------------------------------------------------------------- */
/* Nanoseconds since the hypervisor booted. */
uint64_t monotonic_ns(void);
uint64_t rdtsc_guest(void);

/* --- Memory -------------------------------------------------------------------- */
/* A page from the free pfns (start_info->first_free_pfn on), zeroed. */
void *alloc_page(void);
void free_page(void *va);
unsigned int free_page_count(void);

/* Queue page-table updates; flushed by mmu_flush() or when the batch fills. */
void mmu_queue_update(uint64_t ptr, uint64_t val);
int mmu_flush(void);
/* Map va (4 KiB) to mfn with flags in the current kernel page table. */
int map_va(uint32_t va, uint32_t mfn, uint32_t flags);
/* Make one of our pages read-only / writable again in the direct map. */
int set_page_ro(void *va);
int set_page_rw(void *va);
int pin_table(unsigned int level, uint32_t mfn);
int unpin_table(uint32_t mfn);
/* The page-directory entry that covers va in the current page directory. */
uint32_t current_l2e(uint32_t va);

/* Entry point of whatever is linked with the library: test.c provides one
 * that runs test_main() (a test guest's checks); a kernel brings its own.
 * Returning powers the domain off. */
void guest_main(void);
void test_main(void);

/*
 * trap_exit_hook - called after every trap handler and event upcall, just
 * before the iret back to where the trap came from (regs). A weak no-op in
 * the library; a kernel overrides it to reschedule or kill a process on
 * its way back to user mode.
 */
void trap_exit_hook(struct guest_regs *regs);
/* Set (or clear) "mask events on entry" on every trap-table entry. */
void traps_mask_events_on_entry(bool mask);
/* Where a trap returns through: a new process's first kernel context
 * "returns" here with esp at its trap frame. */
extern char trap_return[];

#endif /* __GUEST_GUEST_H__ */
