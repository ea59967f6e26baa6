/*
 * asm/irq.h - the legacy interrupt controller (i8259) and the interval
 * timer (i8254) the hypervisor runs its tick on.
 */
#ifndef __ASM_IRQ_H__
#define __ASM_IRQ_H__

#include <stdbool.h>

/* Remap the PICs to FIRST_IRQ_VECTOR and mask every line. */
void i8259_init(void);
void i8259_unmask(unsigned int irq);
/* True if an unmasked interrupt is waiting (interrupts being off). */
bool i8259_irq_pending(void);
/* Handle hardware interrupt irq (0-15): its handlers, then the EOI. */
void do_irq(unsigned int irq);
/* A device driver's handler for line irq (the line may be shared: every
 * handler registered on it runs); the line is unmasked. At most 4 per
 * line. Handlers run with interrupts off and must only acknowledge their
 * device and raise a softirq. */
void arch_irq_register(unsigned int irq, void (*fn)(unsigned int irq));

#define IRQ_TIMER 0
#define IRQ_COM1  4

#endif /* __ASM_IRQ_H__ */
