/*
 * ns16550.c - the COM1 UART: polled output for the console, polled input
 * for debug keys; and COM2, if the machine has one, a control port whose
 * input lines are console commands (run-qemu.sh --ctl). Owns the I/O
 * ports 0x3f8-0x3ff and 0x2f8-0x2ff; nothing else may touch them.
 */
#include <hv/arch.h>
#include <asm/processor.h>

#define COM1     0x3f8
#define COM2     0x2f8
#define UART_RBR 0    /* receive buffer (read)          */
#define UART_THR 0    /* transmit holding (write)       */
#define UART_IER 1    /* interrupt enable               */
#define UART_DLL 0    /* divisor latch low (DLAB = 1)   */
#define UART_DLM 1    /* divisor latch high (DLAB = 1)  */
#define UART_FCR 2    /* FIFO control                   */
#define UART_LCR 3    /* line control                   */
#define UART_MCR 4    /* modem control                  */
#define UART_LSR 5    /* line status                    */
#define LSR_DR   0x01 /* data ready                  */
#define LSR_THRE 0x20 /* transmitter holding empty   */

static bool have_com2;

static void uart_init(uint16_t port)
{
    outb(port + UART_IER, 0x00);
    outb(port + UART_LCR, 0x80); /* DLAB on: set the divisor */
    outb(port + UART_DLL, 0x01); /* 115200 baud */
    outb(port + UART_DLM, 0x00);
    outb(port + UART_LCR, 0x03); /* 8N1, DLAB off */
    outb(port + UART_FCR, 0x07); /* FIFOs on and cleared */
    outb(port + UART_MCR, 0x03); /* DTR, RTS */
}

void arch_serial_init(void)
{
    uart_init(COM1);
    /* No UART answers 0xFF on its line status register. */
    have_com2 = inb(COM2 + UART_LSR) != 0xFF;
    if (have_com2)
        uart_init(COM2);
}

void arch_serial_putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THRE))
        ;
    outb(COM1 + UART_THR, (uint8_t)c);
}

int arch_serial_getc(void)
{
    if (!(inb(COM1 + UART_LSR) & LSR_DR))
        return -1;
    return inb(COM1 + UART_RBR);
}

int arch_ctl_getc(void)
{
    if (!have_com2 || !(inb(COM2 + UART_LSR) & LSR_DR))
        return -1;
    return inb(COM2 + UART_RBR);
}
