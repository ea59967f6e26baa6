/*
 * i8259.c - the legacy PIC pair: remapped to vectors 0x20-0x2f, every line
 * masked but those the hypervisor uses (the timer, the disks). Owns ports
 * 0x20/0x21 and 0xa0/0xa1 and the table of device handlers. Guests never
 * see hardware interrupts.
 */
#include <hv/lib.h>
#include <hv/time.h>
#include <asm/desc.h>
#include <asm/irq.h>
#include <asm/processor.h>

#define PIC1_CMD      0x20
#define PIC1_DATA     0x21
#define PIC2_CMD      0xa0
#define PIC2_DATA     0xa1
#define PIC_EOI       0x20
#define OCW3_READ_IRR 0x0a
#define OCW3_READ_ISR 0x0b

static uint16_t irq_mask = 0xffff;

#define HANDLERS_PER_IRQ 4
static void (*handlers[16][HANDLERS_PER_IRQ])(unsigned int irq);

void i8259_init(void)
{
    outb(PIC1_CMD, 0x11); /* ICW1: edge, cascade, ICW4 */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, FIRST_IRQ_VECTOR); /* ICW2: vector base */
    outb(PIC2_DATA, FIRST_IRQ_VECTOR + 8);
    outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
}

void i8259_unmask(unsigned int irq)
{
    irq_mask &= ~(1U << irq);
    if (irq >= 8)
        irq_mask &= ~(1U << 2); /* the cascade */
    outb(PIC1_DATA, irq_mask & 0xff);
    outb(PIC2_DATA, irq_mask >> 8);
}

bool i8259_irq_pending(void)
{
    uint16_t irr;

    outb(PIC1_CMD, OCW3_READ_IRR);
    outb(PIC2_CMD, OCW3_READ_IRR);
    irr = inb(PIC1_CMD) | (inb(PIC2_CMD) << 8);
    return (irr & ~irq_mask) != 0;
}

/* Spurious IRQ 7/15: the in-service bit is clear; no EOI for those. */
static bool is_spurious(unsigned int irq)
{
    uint16_t port = irq < 8 ? PIC1_CMD : PIC2_CMD;

    if ((irq & 7) != 7)
        return false;
    outb(port, OCW3_READ_ISR);
    return !(inb(port) & 0x80);
}

void arch_irq_register(unsigned int irq, void (*fn)(unsigned int irq))
{
    unsigned int i;

    BUG_ON(irq >= 16 || irq == IRQ_TIMER);
    for (i = 0; i < HANDLERS_PER_IRQ; i++) {
        if (handlers[irq][i] == fn)
            return;
        if (!handlers[irq][i]) {
            handlers[irq][i] = fn;
            i8259_unmask(irq);
            return;
        }
    }
    panic("IRQ %u: more than %u handlers", irq, HANDLERS_PER_IRQ);
}

void do_irq(unsigned int irq)
{
    unsigned int i;

    if (is_spurious(irq)) {
        if (irq == 15)
            outb(PIC1_CMD, PIC_EOI); /* the master saw a real cascade IRQ */
        return;
    }
    /* Handlers first: a level-triggered device lowers its line before the
     * EOI, so the line does not fire again at once. */
    if (irq == IRQ_TIMER)
        timer_tick();
    else if (handlers[irq][0])
        for (i = 0; i < HANDLERS_PER_IRQ && handlers[irq][i]; i++)
            handlers[irq][i](irq);
    else
        printk(XENLOG_WARNING "unexpected IRQ %u", irq);
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}
