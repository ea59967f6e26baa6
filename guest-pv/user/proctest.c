/*
 * proctest - processes: fork, exec with arguments and environment, exit
 * statuses, wait and waitpid, kill, many children at once, and children
 * that divide by zero, touch memory they do not have, run an invalid
 * instruction, make a system call that does not exist or try a hypercall:
 * each must be killed with the right signal while this process and the
 * kernel go on. Prints TAP.
 */
#include <errno.h>
#include <pvk.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tap.h>
#include <unistd.h>

extern char **environ;

/* Run fn in a child; return its wait status. */
static int in_child(void (*fn)(void))
{
    int status = -1;
    pid_t pid = fork();

    if (pid == 0) {
        fn();
        _exit(0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

static void divide_by_zero(void)
{
    /* A real div: gcc turns "1 / x" into arithmetic without one. */
    asm volatile("xorl %%edx, %%edx; movl $1, %%eax; xorl %%ecx, %%ecx; divl %%ecx"
                 : : : "eax", "ecx", "edx");
}

static void bad_pointer(void)
{
    *(volatile int *)0x1234 = 1;
}

static void kernel_pointer(void)
{
    (void)*(volatile int *)0xC0000000; /* guest-kernel memory */
}

static void bad_instruction(void)
{
    asm volatile("ud2");
}

static void bad_syscall(void)
{
    asm volatile("int $0x80" : : "a"(999));
}

static void hypercall(void)
{
    asm volatile("int $0x82" : : "a"(17)); /* xen_version from user mode */
}

static void sleeper(void)
{
    for (;;)
        sched_yield();
}

int main(int argc, char **argv)
{
    int status, i;
    pid_t pid, kids[20];

    if (argc > 1 && !strcmp(argv[1], "child")) {
        /* Exec'ed by the parent: show what arrived. */
        const char *v = getenv("PROCTEST");

        return argc == 4 && !strcmp(argv[2], "a b") && !strcmp(argv[3], "c") &&
                       v && !strcmp(v, "yes")
                   ? 42
                   : 1;
    }

    pid = fork();
    if (pid == 0)
        _exit(7);
    ok(pid > 0, "fork returns the child's pid to the parent");
    is(waitpid(pid, &status, 0), pid, "waitpid reaps that child");
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 7, "exit status 7 arrives");
    is(waitpid(-1, &status, 0), -1, "no children left: waitpid fails");

    pid = fork();
    if (pid == 0) {
        char *args[] = { "proctest", "child", "a b", "c", NULL };
        char *env[] = { "PROCTEST=yes", NULL };

        execve("/bin/proctest", args, env);
        _exit(99);
    }
    ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 42,
       "exec passes arguments and environment");
    pid = fork();
    if (pid == 0) {
        char *args[] = { "nothing", NULL };

        execve("/bin/no-such-program", args, environ);
        _exit(errno == ENOENT ? 3 : 4);
    }
    ok(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 3,
       "exec of a missing program fails with ENOENT, the caller goes on");
    pid = fork();
    if (pid == 0) {
        char *args[] = { "src", NULL };

        execve("/src", args, environ);
        _exit(5);
    }
    ok(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 5,
       "exec of a directory fails");

    for (i = 0; i < 20; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            _exit(i);
    }
    for (i = 19; i >= 0; i--)
        if (waitpid(kids[i], &status, 0) != kids[i] || WEXITSTATUS(status) != i)
            break;
    is(i, -1, "20 children at once, each reaped with its own status");

    pid = fork();
    if (pid == 0) {
        pid_t grandchild = fork();

        if (grandchild == 0)
            _exit(11);
        waitpid(grandchild, &status, 0);
        _exit(WEXITSTATUS(status) + 1);
    }
    ok(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 12,
       "a child waits for its own child");

    status = in_child(divide_by_zero);
    ok(!WIFEXITED(status) && (status & 0x7f) == PVK_SIGFPE,
       "divide by zero: killed with SIGFPE (status %#x)", status);
    status = in_child(bad_pointer);
    ok((status & 0x7f) == PVK_SIGSEGV, "bad pointer: killed with SIGSEGV");
    status = in_child(kernel_pointer);
    ok((status & 0x7f) == PVK_SIGSEGV,
       "reading guest-kernel memory from user mode: SIGSEGV");
    status = in_child(bad_instruction);
    ok((status & 0x7f) == PVK_SIGILL, "invalid opcode: killed with SIGILL");
    status = in_child(bad_syscall);
    ok((status & 0x7f) == PVK_SIGSYS, "system call 999: killed with SIGSYS");
    status = in_child(hypercall);
    ok((status & 0x7f) == PVK_SIGSEGV,
       "a hypercall from user mode: killed (general protection)");

    pid = fork();
    if (pid == 0)
        sleeper();
    sched_yield();
    is(kill(pid, 9), 0, "kill a spinning child");
    ok(waitpid(pid, &status, 0) == pid && (status & 0x7f) == PVK_SIGKILL,
       "it died of SIGKILL");
    ok(kill(pid, 9) < 0, "killing it again fails");
    ok(getpid() > 1, "and this process is still here (pid %d)", getpid());
    return done();
}
