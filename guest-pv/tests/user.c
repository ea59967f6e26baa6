/*
 * user - the guest's two modes. The guest builds a user-mode page
 * directory that maps only a user code and stack page (sharing the L1 with
 * its kernel directory), installs it with NEW_USER_BASEPTR, and irets to
 * user mode. User code makes system calls (int $0x80, bounced to the guest
 * kernel on the stack_switch stack), touches kernel memory (a page fault
 * the kernel sees as a user fault) and tries a hypercall (a #GP the
 * guest kernel handles, as it would any forbidden int n).
 * Prints TAP.
 */
#include <guest/test.h>

#define USER_VA     0x00400000U
#define USER_STACK  (USER_VA + 2 * PAGE_SIZE)
#define PTE_USER_RO (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PTE_USER_RW (PTE_USER_RO | _PAGE_RW | _PAGE_DIRTY)

/* Assembly, one instruction a line. */
/* clang-format off */
/* User code: position-independent, copied to USER_VA. */
extern char user_code_start[], user_fault_insn[], user_fault_resume[],
    user_code_end[];
asm(".pushsection .rodata\n"
    "user_code_start:\n"
    "    movl $1, %eax\n"
    "    int $0x80\n"              /* syscall 1: returns eax + 100 */
    "    movl %eax, %ebx\n"
    "user_fault_insn:\n"
    "    movl 0xC0000000, %ecx\n"  /* guest kernel memory: not mapped here */
    "user_fault_resume:\n"
    "    movl $17, %eax\n"         /* __HYPERVISOR_xen_version */
    "    int $0x82\n"              /* from user mode: #GP to the kernel */
    "    movl %eax, %esi\n"
    "    movl 0xFC000000, %edi\n"  /* the read-only M2P is readable */
    "    movl $2, %eax\n"
    "    int $0x80\n"              /* syscall 2: back to the kernel */
    "1:  jmp 1b\n"
    "user_code_end:\n"
    ".popsection\n");

#define USER_ADDR(sym) (USER_VA + (uint32_t)((sym) - user_code_start))

/* Enter user mode at eip with esp; returns when syscall 2 runs. */
extern uint32_t run_user(uint32_t eip, uint32_t esp);
extern void return_to_kernel(uint32_t value) __noreturn;
asm(".text\n"
    "run_user:\n"
    "    pushl %ebp; pushl %ebx; pushl %esi; pushl %edi\n"
    "    movl %esp, saved_kernel_esp\n"
    "    movl 20(%esp), %ecx\n"       /* eip */
    "    movl 24(%esp), %edx\n"       /* esp */
    "    pushl $0x2b\n"               /* ss: FLAT_USER_SS */
    "    pushl %edx\n"                /* esp */
    "    pushl $0x202\n"              /* eflags: IF (events on) */
    "    pushl $0x23\n"               /* cs: FLAT_USER_CS */
    "    pushl %ecx\n"                /* eip */
    "    pushl $0\n"                  /* flags */
    "    pushl $0\n"                  /* eax */
    "    movl $23, %eax\n"            /* __HYPERVISOR_iret */
    "    int $0x82\n"
    "return_to_kernel:\n"
    "    movl 4(%esp), %eax\n"
    "    movl saved_kernel_esp, %esp\n"
    "    popl %edi; popl %esi; popl %ebx; popl %ebp\n"
    "    ret\n");
/* clang-format on */
uint32_t saved_kernel_esp;

static struct {
    unsigned int calls;
    uint32_t first_cs, first_eax, user_esp;
    uint32_t ebx, esi, edi;
    bool on_kernel_stack;
    unsigned int user_faults;
    uint32_t fault_cr2, fault_ec, fault_cs;
    unsigned int user_gps;
    uint32_t gp_ec;
} seen;

static bool on_syscall(struct guest_regs *regs)
{
    seen.calls++;
    if (seen.calls == 1) {
        seen.first_cs = regs->cs;
        seen.first_eax = regs->eax;
        seen.user_esp = regs->esp;
        seen.on_kernel_stack = (uint32_t)regs >= start_info->virt_base;
    }
    switch (regs->eax) {
    case 1:
        regs->eax += 100;
        return true;
    case 2:
        seen.ebx = regs->ebx;
        seen.esi = regs->esi;
        seen.edi = regs->edi;
        return_to_kernel(0);
    default:
        return false;
    }
}

static bool on_page_fault(struct guest_regs *regs)
{
    if (regs->cs != FLAT_USER_CS)
        return false; /* the kernel's own probes */
    seen.user_faults++;
    seen.fault_cr2 = shared_info->vcpu_info[0].arch.cr2;
    seen.fault_ec = regs->error_code;
    seen.fault_cs = regs->cs;
    if (regs->eip != USER_ADDR(user_fault_insn))
        return false;
    regs->eip = USER_ADDR(user_fault_resume);
    return true;
}

/* A hypercall from user mode arrives as #GP(0x82 * 8 + 2): skip it. */
static bool on_gp(struct guest_regs *regs)
{
    if (regs->cs != FLAT_USER_CS)
        return false;
    seen.user_gps++;
    seen.gp_ec = regs->error_code;
    regs->eax = 0xdead;
    regs->eip += 2;
    return true;
}

static long mmuext(unsigned int cmd, uint32_t mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long set_l2e(uint32_t va, uint32_t val)
{
    mmu_update_t u = {
        .ptr = virt_to_machine((uint32_t *)start_info->pt_base + (va >> 22)),
        .val = val,
    };

    return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

void test_main(void)
{
    uint32_t *l1 = alloc_page(), *upd = alloc_page();
    uint8_t *code = alloc_page(), *stack = alloc_page();
    uint32_t l1_mfn = virt_to_mfn(l1), upd_mfn = virt_to_mfn(upd);
    uint32_t l2e = (l1_mfn << PAGE_SHIFT) | PTE_USER_RW;

    memcpy(code, user_code_start, (size_t)(user_code_end - user_code_start));
    l1[0] = (virt_to_mfn(code) << PAGE_SHIFT) | PTE_USER_RO;
    l1[1] = (virt_to_mfn(stack) << PAGE_SHIFT) | PTE_USER_RW;
    upd[USER_VA >> 22] = l2e;

    is(set_page_ro(l1), 0, "user L1 read-only");
    is(pin_table(1, l1_mfn), 0, "user L1 pinned");
    is(set_l2e(USER_VA, l2e), 0, "kernel directory maps the user pages too");
    is(set_page_ro(upd), 0, "user directory read-only");
    is(pin_table(2, upd_mfn), 0, "user directory pinned");
    is(mmuext(MMUEXT_NEW_USER_BASEPTR, upd_mfn), 0, "NEW_USER_BASEPTR");

    set_trap_handler(128, on_syscall);
    set_trap_handler(14, on_page_fault);
    set_trap_handler(13, on_gp);
    is(run_user(USER_VA, USER_STACK), 0, "user code ran and came back");

    is(seen.first_cs, FLAT_USER_CS, "system call came from user mode");
    is(seen.first_eax, 1, "with its argument");
    is(seen.user_esp, USER_STACK, "the frame holds the user stack pointer");
    ok(seen.on_kernel_stack, "the trap frame is on the kernel stack, not the "
                             "user stack");
    is(seen.ebx, 101, "the system call's result reached user mode");
    is(seen.user_faults, 1,
       "touching guest-kernel memory faulted in user mode");
    is(seen.fault_cr2, 0xC0000000, "at the kernel address");
    ok(seen.fault_ec & 4, "the error code says user mode (%#x)", seen.fault_ec);
    is(seen.user_gps, 1, "a hypercall from user mode is a #GP for the kernel");
    is(seen.gp_ec, 0x82 * 8 + 2, "whose error code names the hypercall vector");
    is(seen.esi, 0xdead, "and user mode went on where the kernel said");
    is(seen.edi, machine_to_phys[0], "user mode can read the M2P");
    is(seen.calls, 2, "two system calls");

    /* Tear down: clear the user directory, unpin, unmap. */
    is(mmuext(MMUEXT_NEW_USER_BASEPTR, 0), 0, "clear the user directory");
    is(mmuext(MMUEXT_UNPIN_TABLE, upd_mfn), 0, "unpin it");
    is(set_l2e(USER_VA, 0), 0, "unmap the user pages from the kernel");
    is(mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0), 0, "flush");
    is(mmuext(MMUEXT_UNPIN_TABLE, l1_mfn), 0, "unpin the user L1");
    is(HYPERVISOR_debug_op(DEBUGOP_audit, 0, 0), 0, "audit agrees");
}
