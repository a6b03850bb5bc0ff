/* 16550A UART (COM1 0x3F8 IRQ 4, COM2 0x2F8 IRQ 3): THR/RBR, IER, IIR with the
 * 16550A priorities and FIFO bits, FCR with 16-byte FIFOs and receive trigger
 * levels, LCR with the divisor latch, MCR with loopback, LSR, MSR and SCR, and
 * the receive FIFO character timeout.
 *
 * Transmission is instantaneous: a byte written to THR goes straight to the
 * write callback, so THRE and TEMT never read 0 and the THRE interrupt is
 * re-requested at once, as a 16550A does when its transmitter empties. The IRQ
 * line is gated by MCR OUT2, as on the PC board. */
#ifndef BT86_DEV_UART_H
#define BT86_DEV_UART_H

#include "dev/ioport.h"
#include "dev/irq.h"
#include "dev/vclock.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ  4
#define UART_COM2_BASE 0x2f8
#define UART_COM2_IRQ  3
#define UART_FIFO_SIZE 16

typedef void (*uart_write_fn)(void *opaque, const uint8_t *buf, size_t len);

/* Plain data: the state to save. */
struct uart_state {
    uint8_t rx[UART_FIFO_SIZE];
    uint8_t rx_head, rx_count;
    uint8_t modem_in; /* external CTS/DSR/RI/DCD, MSR bit positions */
    uint16_t divisor;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    bool thre_pending; /* THRE interrupt requested, not yet cleared */
    bool timeout_pending;
    uint64_t rx_activity_ns; /* last byte received or read: the timeout base */
    int irq_level;
};

struct uart {
    struct uart_state s;
    struct vclock *clock;
    struct irq_line irq;
    struct vtimer timer; /* character timeout */
    uart_write_fn write;
    void *write_opaque;
};

void uart_init(struct uart *uart, struct vclock *clock, const struct irq_line *irq,
               uart_write_fn write, void *write_opaque);
void uart_reset(struct uart *uart);
bool uart_register(struct uart *uart, struct ioport_bus *bus, uint16_t base);

/* Feeds received bytes; returns how many fit in the receive FIFO (the rest must
 * be offered again later). In loopback mode external input is disconnected and
 * the bytes are consumed and dropped, as on the chip. */
size_t uart_receive(struct uart *uart, const uint8_t *buf, size_t len);
/* Bytes the receive FIFO can take now. */
size_t uart_rx_space(const struct uart *uart);
/* Modem status inputs (MSR bits 4-7: CTS, DSR, RI, DCD); deltas are derived.
 * The default after init is CTS, DSR and DCD asserted (a cable is attached). */
void uart_set_modem_inputs(struct uart *uart, uint8_t msr_high);

uint8_t uart_read(struct uart *uart, int offset);
void uart_write(struct uart *uart, int offset, uint8_t value);

#endif
