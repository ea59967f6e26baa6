/*
 * proc.c - processes: the process table, the round-robin scheduler (xv6's
 * design: a scheduler loop on the boot stack switching to each runnable
 * process and back), sleep and wakeup, fork, exit, wait and kill.
 *
 * Owns the process table. Each process has its own kernel stack (two
 * pages, with a canary at the bottom) whose top holds its trap frame; a
 * switch saves the callee-saved registers and the FPU state and loads the
 * other process's page directories and kernel stack.
 */
#include "kernel.h"

#define STACK_CANARY 0x5ca1ab1eU

struct context {
    uint32_t edi, esi, ebx, ebp, eip;
};
void switch_stacks(struct context **save, struct context *load);

static struct proc ptable[NPROC];
struct proc *current;
static struct context *sched_context;
static struct proc *initproc;
static int next_pid = 1;
volatile bool need_resched;
uint64_t idle_cycles; /* TSC cycles the kernel waited with nothing to run */

static void *kstack_top(const struct proc *p)
{
    return (char *)p->kstack + KSTACK_PAGES * PAGE_SIZE;
}

static void fpu_init(struct proc *p)
{
    memset(p->fpu, 0, sizeof(p->fpu));
    p->fpu[0] = 0x7f; /* FCW 0x037f: as after FNINIT */
    p->fpu[1] = 0x03;
    p->fpu[24] = 0x80; /* MXCSR 0x1f80: SSE exceptions masked */
    p->fpu[25] = 0x1f;
}

void proc_init(void)
{
    memset(ptable, 0, sizeof(ptable));
}

/* Kernel stacks of reaped processes, kept for the next ones (as Linux
 * caches freed stacks): page_alloc_contig() wants two free neighbours, and
 * the pair it finds drifts, one fork after another, into pages never used
 * since boot (in shadow mode those sit on the zero frame: a CoW break each). */
#define KSTACK_CACHE 4
static struct page *kstack_cache[KSTACK_CACHE];
static unsigned int nr_kstack_cache;

static struct proc *allocproc(void)
{
    struct proc *p;
    struct page *stack;

    for (p = ptable; p < ptable + NPROC; p++)
        if (p->state == P_UNUSED)
            break;
    if (p == ptable + NPROC)
        return NULL;
    stack = nr_kstack_cache ? kstack_cache[--nr_kstack_cache]
                            : page_alloc_contig(KSTACK_PAGES);
    if (!stack)
        return NULL;
    memset(p, 0, sizeof(*p));
    p->state = P_EMBRYO;
    p->pid = next_pid++;
    p->kstack = page_va(stack);
    *(uint32_t *)p->kstack = STACK_CANARY;
    /* The trap frame at the top, as a trap from user mode leaves it; the
     * first switch to the process "returns" into trap_return below it. */
    p->tf = (struct guest_regs *)kstack_top(p) - 1;
    memset(p->tf, 0, sizeof(*p->tf));
    p->context = (struct context *)p->tf - 1;
    memset(p->context, 0, sizeof(*p->context));
    p->context->eip = (uint32_t)trap_return;
    fpu_init(p);
    return p;
}

static void freeproc(struct proc *p)
{
    if (nr_kstack_cache < KSTACK_CACHE)
        kstack_cache[nr_kstack_cache++] = virt_to_page(p->kstack);
    else
        page_free_contig(virt_to_page(p->kstack), KSTACK_PAGES);
    p->kstack = NULL;
    p->state = P_UNUSED;
    p->pid = 0;
}

void proc_for_each_mm(void (*fn)(struct mm *mm, void *arg), void *arg)
{
    struct proc *p;

    for (p = ptable; p < ptable + NPROC; p++)
        if (p->state != P_UNUSED && p->mm)
            fn(p->mm, arg);
}

/* Back to the scheduler; the caller has set current's new state. */
static void sched(void)
{
    struct proc *p = current;

    asm volatile("fxsave %0" : "=m"(p->fpu));
    switch_stacks(&p->context, sched_context);
}

void sched_yield(void)
{
    current->state = P_RUNNABLE;
    sched();
}

void sleep_on(void *chan)
{
    current->chan = chan;
    current->state = P_SLEEPING;
    sched();
    current->chan = NULL;
}

void wakeup(void *chan)
{
    struct proc *p;

    for (p = ptable; p < ptable + NPROC; p++)
        if (p->state == P_SLEEPING && p->chan == chan)
            p->state = P_RUNNABLE;
}

static char sleep_chan;
static unsigned int nr_timed_sleepers;

void proc_sleep_ms(uint32_t ms)
{
    current->wake_at = monotonic_ns() + (uint64_t)ms * 1000000ULL;
    nr_timed_sleepers++;
    while (monotonic_ns() < current->wake_at && !current->killed)
        sleep_on(&sleep_chan);
    nr_timed_sleepers--;
}

void proc_timer_tick(void)
{
    if (nr_timed_sleepers)
        wakeup(&sleep_chan); /* each checks its own deadline */
}

void scheduler(void)
{
    struct proc *p = ptable;
    unsigned int idle;
    uint64_t t0;

    for (;;) {
        local_events_disable();
        for (idle = 0; idle < NPROC; idle++, p = p + 1 < ptable + NPROC ? p + 1 : ptable) {
            if (p->state != P_RUNNABLE)
                continue;
            p->state = P_RUNNING;
            current = p;
            pt_load(&p->mm->pt, (uint32_t)kstack_top(p));
            asm volatile("fxrstor %0" : : "m"(p->fpu));
            switch_stacks(&sched_context, p->context);
            /* Back: p blocked, yielded or exited. */
            if (*(uint32_t *)p->kstack != STACK_CANARY)
                kpanic("pid %d (%s) overflowed its kernel stack", p->pid,
                       p->name);
            current = NULL;
            /* Every slot again, p's own included (the loop's step takes
             * this to 0): a lone runnable process runs on at once. */
            idle = (unsigned int)-1;
        }
        /* Offered shares first: the hypervisor scans while we idle. */
        if (share_work_pending) {
            share_work();
            continue;
        }
        /* Then the balloon: give idle memory back, report the need. */
        if (balloon_work_due()) {
            balloon_work();
            continue;
        }
        /* Nothing to run: wait for an event (events on while we wait). */
        t0 = rdtsc_guest();
        block_domain();
        idle_cycles += rdtsc_guest() - t0;
    }
}

int proc_fork(void)
{
    struct proc *np = allocproc(), *p = current;
    int fd;

    if (!np)
        return -EAGAIN;
    np->mm = mm_fork(p->mm);
    if (!np->mm) {
        freeproc(np);
        return -ENOMEM;
    }
    *np->tf = *p->tf;
    np->tf->eax = 0; /* fork returns 0 in the child */
    for (fd = 0; fd < NOFILE; fd++)
        if (p->ofile[fd])
            np->ofile[fd] = file_dup(p->ofile[fd]);
    np->cwd = iget(p->cwd);
    strlcpy(np->cwd_path, p->cwd_path, sizeof(np->cwd_path));
    strlcpy(np->name, p->name, sizeof(np->name));
    asm volatile("fxsave %0" : "=m"(p->fpu));
    memcpy(np->fpu, p->fpu, sizeof(np->fpu));
    np->parent = p;
    np->state = P_RUNNABLE;
    return np->pid;
}

void proc_exit(int status)
{
    struct proc *p = current, *c;
    int fd;

    if (p == initproc) {
        share_report();
        kprintf("init exited with status %d (%s); %u pages free; shutting "
                "down\n", status, status ? "failure" : "success",
                nr_free_pages);
        guest_shutdown(status ? SHUTDOWN_crash : SHUTDOWN_poweroff);
    }
    for (fd = 0; fd < NOFILE; fd++)
        if (p->ofile[fd]) {
            file_close(p->ofile[fd]);
            p->ofile[fd] = NULL;
        }
    iput(p->cwd);
    p->cwd = NULL;
    /* Off its own tables, which go now in one piece (pt_destroy(): no entry
     * cleared one by one); a zombie holds no memory. */
    pt_load_kernel();
    mm_destroy(p->mm);
    p->mm = NULL;
    for (c = ptable; c < ptable + NPROC; c++)
        if (c->parent == p) {
            c->parent = initproc;
            if (c->state == P_ZOMBIE)
                wakeup(initproc);
        }
    p->exit_status = status;
    p->state = P_ZOMBIE;
    wakeup(p->parent);
    sched();
    kpanic("a zombie ran again");
}

int proc_wait(int pid, uint32_t status_uva)
{
    struct proc *p;

    for (;;) {
        bool have_kids = false;

        for (p = ptable; p < ptable + NPROC; p++) {
            int st, cpid;

            if (p->parent != current || p->state == P_UNUSED ||
                (pid != -1 && p->pid != pid))
                continue;
            have_kids = true;
            if (p->state != P_ZOMBIE)
                continue;
            st = p->exit_status;
            cpid = p->pid;
            p->parent = NULL; /* its address space went at its exit */
            freeproc(p);
            if (status_uva && copy_to_user(status_uva, &st, sizeof(st)))
                return -EFAULT;
            return cpid;
        }
        if (!have_kids)
            return -ECHILD;
        if (current->killed)
            return -EINTR;
        sleep_on(current);
    }
}

int proc_kill(int pid, int sig)
{
    struct proc *p;

    if (sig != PVK_SIGKILL)
        return -EINVAL;
    for (p = ptable; p < ptable + NPROC; p++)
        if (p->pid == pid && p->state != P_UNUSED && p->state != P_ZOMBIE) {
            p->killed = sig;
            if (p->state == P_SLEEPING)
                p->state = P_RUNNABLE;
            return 0;
        }
    return -ESRCH;
}

void proc_fault_kill(int sig, const char *why, const struct guest_regs *regs)
{
    kprintf("pid %d (%s) killed: %s at eip %#x\n", current->pid, current->name,
            why, regs->eip);
    proc_exit(sig);
}

int proc_spawn_init(const char *path, char *const argv[])
{
    struct proc *p = allocproc();
    struct file *con;
    int fd, rc;

    if (!p)
        kpanic("no process for init");
    p->cwd = iget(vfs_root());
    strlcpy(p->cwd_path, "/", sizeof(p->cwd_path));
    for (fd = 0; fd < 3; fd++) {
        con = file_alloc();
        if (!con)
            kpanic("no memory for init's console");
        con->console = true;
        con->flags = fd ? PVK_O_WRONLY : PVK_O_RDONLY;
        p->ofile[fd] = con;
    }
    rc = exec(p, path, argv, NULL);
    if (rc)
        kpanic("cannot start %s: error %d", path, rc);
    initproc = p;
    p->state = P_RUNNABLE;
    return p->pid;
}
