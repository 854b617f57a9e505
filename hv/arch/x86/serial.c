/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor console: a 16550 UART on COM1 (I/O port 0x3f8), 115200 8N1,
 * polled both ways. '\n' goes out as "\r\n"; input is read a byte at a time
 * by the console back end (common/console_ring.c), no interrupt enabled.
 */
#include <asm/setup.h>
#include <asm/x86.h>
#include <hv/arch.h>

#define COM1 0x3f8
#define UART_RBR 0 /* receive buffer */
#define UART_THR 0 /* transmit holding register */
#define UART_IER 1 /* interrupt enable */
#define UART_FCR 2 /* FIFO control */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_DLL 0 /* divisor latch, with LCR.DLAB */
#define UART_DLM 1
#define LSR_DR 0x01   /* data ready: a received byte waits in RBR */
#define LSR_THRE 0x20 /* transmit holding register empty */
#define LSR_TEMT 0x40 /* transmitter empty: every byte is on the wire */

/* A received byte waits. An absent UART reads as all ones: never data. */
static bool data_ready(void)
{
    uint8_t lsr = inb(COM1 + UART_LSR);

    return lsr != 0xff && (lsr & LSR_DR);
}

/* Turning the FIFO on empties the receiver: what arrived before is lost,
 * as on any serial line before its receiver is set up. */
void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80); /* DLAB: set the divisor */
    outb(COM1 + UART_DLL, 1);    /* 115200 baud */
    outb(COM1 + UART_DLM, 0);
    outb(COM1 + UART_LCR, 0x03); /* 8N1 */
    outb(COM1 + UART_FCR, 0xc7); /* FIFO on, cleared, 14-byte threshold */
    outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
    /* Bounded wait: a missing or wedged UART must not hang the hypervisor. */
    for (unsigned int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
        cpu_relax();
    outb(COM1 + UART_THR, (uint8_t)c);
}

void arch_console_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

int arch_console_getc(void)
{
    if (!data_ready())
        return -1;
    return inb(COM1 + UART_RBR);
}

void serial_drain(void)
{
    /* Emulators that stop at once (Bochs) would otherwise lose the tail. */
    for (unsigned int i = 0; i < 1000000 && !(inb(COM1 + UART_LSR) & LSR_TEMT); i++)
        cpu_relax();
}
