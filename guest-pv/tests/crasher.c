/*
 * crasher - a guest that breaks itself in the way "how=" names, so that the
 * hypervisor must crash it (and only it) with a reason on the console:
 *   iret       an iret hypercall with a forged frame (cs = ring 0)
 *   nohandler  a page fault with no trap table
 *   badstack   a trap while the stack pointer is in hypervisor space
 *   user       an iret to user mode with no user page directory
 * Its scenario line says expect=crash; anything else is a failure.
 */
#include <guest/test.h>

void test_main(void)
{
    char how[16];

    if (!cmdline_get("how", how, sizeof(how)))
        guest_panic("no how= on the command line");
    printk("about to break myself: %s\n", how);
    if (!strcmp(how, "iret")) {
        struct iret_context c = { .eip = 0xC0000000,
                                  .cs = 0x08,
                                  .eflags = 0x202,
                                  .esp = 0xC0001000,
                                  .ss = FLAT_KERNEL_SS };

        asm volatile("movl %0, %%esp; movl $23, %%eax; int $0x82"
                     :
                     : "r"(&c)
                     : "memory", "eax");
    } else if (!strcmp(how, "nohandler")) {
        (void)HYPERVISOR_set_trap_table(NULL);
        *(volatile uint32_t *)0x1000 = 1;
    } else if (!strcmp(how, "badstack")) {
        asm volatile("movl $0xFE000000, %%esp; movl 0x1000, %%eax"
                     :
                     :
                     : "memory", "eax");
    } else if (!strcmp(how, "user")) {
        struct iret_context c = { .eip = 0x400000,
                                  .cs = FLAT_USER_CS,
                                  .eflags = 0x202,
                                  .esp = 0x401000,
                                  .ss = FLAT_USER_SS };

        asm volatile("movl %0, %%esp; movl $23, %%eax; int $0x82"
                     :
                     : "r"(&c)
                     : "memory", "eax");
    }
    /* Still here: the hypervisor let it through. */
    guest_shutdown(SHUTDOWN_poweroff);
}
