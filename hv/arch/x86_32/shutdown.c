/*
 * shutdown.c - ending the run: the isa-debug-exit device (port 0xf4) that
 * QEMU turns into its exit status. If the device is absent (a real machine)
 * the CPU halts with interrupts off. Never returns.
 */
#include <hv/arch.h>
#include <asm/processor.h>

#define DEBUG_EXIT_PORT 0xf4

void arch_machine_exit(unsigned int code)
{
    local_irq_disable();
    outl(DEBUG_EXIT_PORT, code);
    for (;;)
        halt();
}
