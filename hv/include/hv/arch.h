/*
 * arch.h - the contract between generic hypervisor code (hv/common) and the
 * architecture (hv/arch/x86_32). Generic code never tests the architecture
 * with #ifdef; it calls these functions, whose behaviour is promised here.
 */
#ifndef __HV_ARCH_H__
#define __HV_ARCH_H__

#include <hv/lib.h>

struct domain;
struct vcpu;
struct bootinfo;

/* Console device (COM1). Usable from the first C line on. */
void arch_serial_init(void);
/* Writes one byte, waiting for the transmitter. */
void arch_serial_putc(char c);
/* Returns the next received byte, or -1 if none is waiting. */
int arch_serial_getc(void);
/* The control port (a second UART, if the machine has one): the next
 * received byte, or -1. Its lines are console commands. */
int arch_ctl_getc(void);

/*
 * Machine exit codes written to the isa-debug-exit device. QEMU exits with
 * status (code << 1) | 1; run-qemu.sh turns those into its own statuses.
 */
#define EXIT_PASS    0x10 /* every domain ended as its scenario expected */
#define EXIT_FAIL    0x11 /* some domain did not                         */
#define EXIT_PANIC   0x12 /* the hypervisor panicked                     */
#define EXIT_TIMEOUT 0x13 /* the watchdog expired                        */
#define EXIT_CONFIG  0x14 /* bad scenario, module or option              */
/* Ends the run with the given code; never returns. Interrupts go off. */
void arch_machine_exit(unsigned int code) __noreturn;

/*
 * Prints the caller's stack as a list of return addresses (frame pointers
 * are always on), one line, for panic messages.
 */
void arch_print_backtrace(void);

/* Bits that differ from one boot to the next (the TSC, which repeats
 * under -icount, mixed with the wall clock): seeds, never a clock. */
uint32_t arch_boot_entropy(void);

/* Where v's guest context would resume (its saved instruction pointer),
 * and whether in guest kernel mode: for diagnostics only. */
uint32_t arch_vcpu_guest_ip(const struct vcpu *v, bool *kernel_mode);

#endif /* __HV_ARCH_H__ */
