/*
 * ns16550.c - the COM1 UART: polled output for the console, polled input
 * for debug keys. Owns the I/O ports 0x3f8-0x3ff; nothing else may touch
 * them.
 */
#include <hv/arch.h>
#include <asm/processor.h>

#define COM1     0x3f8
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

void arch_serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80); /* DLAB on: set the divisor */
    outb(COM1 + UART_DLL, 0x01); /* 115200 baud */
    outb(COM1 + UART_DLM, 0x00);
    outb(COM1 + UART_LCR, 0x03); /* 8N1, DLAB off */
    outb(COM1 + UART_FCR, 0x07); /* FIFOs on and cleared */
    outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
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
