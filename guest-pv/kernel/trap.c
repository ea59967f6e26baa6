/*
 * trap.c - what the kernel does with traps: page faults (demand paging
 * and copy-on-write, for user mode and for the kernel's own accesses to
 * user memory), faults that kill a process, system calls, the preemption
 * tick, and the way back to user mode (reschedule, die if killed). Also
 * the user-memory copy routines, whose faults end the copy with -EFAULT.
 *
 * Runs with events masked (every trap-table entry masks on entry).
 */
#include "kernel.h"

static evtchn_port_t timer_port;

static bool from_user(const struct guest_regs *regs)
{
    return regs->cs == FLAT_USER_CS;
}

static bool on_page_fault(struct guest_regs *regs)
{
    uint32_t cr2 = shared_info->vcpu_info[0].arch.cr2;
    bool write = regs->error_code & PFEC_WRITE;

    if (from_user(regs)) {
        int rc = vm_fault(current->mm, cr2, write);

        if (rc == 0)
            return true;
        proc_fault_kill(PVK_SIGSEGV,
                        rc == -ENOMEM ? "out of memory"
                                      : write ? "bad write" : "bad read",
                        regs);
    }
    /* The kernel writing a page whose frame is shared (its direct map is
     * read-only then): the page gets its own frame, the write is retried. */
    if (write && cr2 >= KERNEL_BASE && virt_to_pfn((void *)cr2) < nr_pages) {
        struct page *p = virt_to_page((void *)cr2);

        if ((p->flags & PGF_SHARED) &&
            shared_info->vcpu_info[0].arch.cow_mfn ==
                pfn_to_mfn(page_to_pfn(p)))
            return share_break(p) == 0;
    }
    /* The kernel touching user memory (copy_to_user and friends). */
    if (current && cr2 < USER_TOP && vm_fault(current->mm, cr2, write) == 0)
        return true;
    return false; /* the exception table, or a kernel bug */
}

static bool on_fatal(struct guest_regs *regs)
{
    static const struct {
        unsigned int vector;
        int sig;
        const char *why;
    } faults[] = {
        { 0, PVK_SIGFPE, "divide error" },
        { 4, PVK_SIGSEGV, "overflow" },
        { 5, PVK_SIGSEGV, "bound range" },
        { 6, PVK_SIGILL, "invalid opcode" },
        { 13, PVK_SIGSEGV, "general protection fault" },
        { 16, PVK_SIGFPE, "x87 floating-point error" },
        { 17, PVK_SIGSEGV, "alignment check" },
        { 19, PVK_SIGFPE, "SIMD floating-point error" },
    };
    unsigned int i;

    if (!from_user(regs))
        return false; /* in the kernel: a bug, the library panics */
    for (i = 0; i < ARRAY_SIZE(faults); i++)
        if (faults[i].vector == regs->vector)
            proc_fault_kill(faults[i].sig, faults[i].why, regs);
    proc_fault_kill(PVK_SIGSEGV, "trap", regs);
}

static bool on_syscall(struct guest_regs *regs)
{
    if (!from_user(regs))
        return false;
    syscall(regs);
    return true;
}

static void on_timer(evtchn_port_t port, struct guest_regs *regs)
{
    (void)port;
    (void)HYPERVISOR_set_timer_op(monotonic_ns() + TICK_MS * 1000000ULL);
    proc_timer_tick();
    if (current && from_user(regs))
        need_resched = true;
}

/* The last thing before the iret: on the way to user mode, reschedule or
 * die. */
void trap_exit_hook(struct guest_regs *regs)
{
    if (!from_user(regs) || !current)
        return;
    if (share_work_pending)
        share_work();
    if (current->killed)
        proc_exit(current->killed);
    if (need_resched) {
        need_resched = false;
        sched_yield();
    }
}

void trap_init(void)
{
    static const unsigned int fatal[] = { 0, 4, 5, 6, 13, 16, 17, 19 };
    unsigned int i;
    int port;

    for (i = 0; i < ARRAY_SIZE(fatal); i++)
        set_trap_handler(fatal[i], on_fatal);
    set_trap_handler(14, on_page_fault);
    set_trap_handler(SYSCALL_VECTOR, on_syscall);
    traps_mask_events_on_entry(true);
    local_events_disable();
    port = bind_virq(VIRQ_TIMER, on_timer);
    if (port < 0)
        kpanic("cannot bind the timer (%d)", port);
    timer_port = (evtchn_port_t)port;
    (void)HYPERVISOR_set_timer_op(monotonic_ns() + TICK_MS * 1000000ULL);
}

/* --- User memory ---------------------------------------------------------- */

static uint32_t copy_bytes(void *dst, const void *src, uint32_t n)
{
    uint32_t d0, d1;

    asm volatile("1: rep movsb\n"
                 "2:\n" GUEST_EXTABLE(1b, 2b)
                 : "+c"(n), "=D"(d0), "=S"(d1)
                 : "1"(dst), "2"(src)
                 : "memory");
    return n; /* bytes left: non-zero if a fault ended the copy */
}

static bool user_range(uint32_t va, uint32_t n)
{
    return n <= USER_TOP && va <= USER_TOP - n;
}

int copy_from_user(void *dst, uint32_t usrc, uint32_t n)
{
    if (!user_range(usrc, n))
        return -EFAULT;
    return copy_bytes(dst, (const void *)usrc, n) ? -EFAULT : 0;
}

int copy_to_user(uint32_t udst, const void *src, uint32_t n)
{
    if (!user_range(udst, n))
        return -EFAULT;
    return copy_bytes((void *)udst, src, n) ? -EFAULT : 0;
}

int strncpy_from_user(char *dst, uint32_t usrc, uint32_t max)
{
    uint32_t i;

    for (i = 0; i < max; i++) {
        if (copy_from_user(&dst[i], usrc + i, 1))
            return -EFAULT;
        if (!dst[i])
            return (int)i;
    }
    return -ENAMETOOLONG;
}
