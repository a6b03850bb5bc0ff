/* 16550A UART, after the TI/National PC16550D datasheet: interrupt priorities
 * (table "Interrupt Control Functions"), FIFO trigger levels, the character
 * timeout (a byte in the receive FIFO, nothing received or read for four
 * character times), loopback wiring (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD). */
#include "dev/uart.h"

#include <string.h>

enum {
    IER_RDA = 0x01,
    IER_THRE = 0x02,
    IER_RLS = 0x04,
    IER_MSI = 0x08,
    IIR_NONE = 0x01,
    IIR_RLS = 0x06,
    IIR_RDA = 0x04,
    IIR_CTI = 0x0c,
    IIR_THRE = 0x02,
    IIR_MSI = 0x00,
    IIR_FIFO = 0xc0,
    FCR_ENABLE = 0x01,
    FCR_CLEAR_RX = 0x02,
    LCR_DLAB = 0x80,
    MCR_DTR = 0x01,
    MCR_RTS = 0x02,
    MCR_OUT1 = 0x04,
    MCR_OUT2 = 0x08,
    MCR_LOOP = 0x10,
    LSR_DR = 0x01,
    LSR_OE = 0x02,
    LSR_ERRORS = 0x1e,
    LSR_THRE = 0x20,
    LSR_TEMT = 0x40,
    MSR_CTS = 0x10,
    MSR_DSR = 0x20,
    MSR_RI = 0x40,
    MSR_DCD = 0x80,
};

#define UART_CLOCK_HZ 1843200ull

static bool fifo_on(const struct uart *u)
{
    return u->s.fcr & FCR_ENABLE;
}

static int rx_capacity(const struct uart *u)
{
    return fifo_on(u) ? UART_FIFO_SIZE : 1;
}

static int rx_trigger(const struct uart *u)
{
    static const uint8_t levels[4] = {1, 4, 8, 14};
    return fifo_on(u) ? levels[u->s.fcr >> 6] : 1;
}

static uint8_t iir_source(const struct uart *u)
{
    uint8_t ier = u->s.ier;
    if ((ier & IER_RLS) && (u->s.lsr & LSR_ERRORS))
        return IIR_RLS;
    if ((ier & IER_RDA) && u->s.rx_count && u->s.rx_count >= rx_trigger(u))
        return IIR_RDA;
    if ((ier & IER_RDA) && u->s.timeout_pending)
        return IIR_CTI;
    if ((ier & IER_THRE) && u->s.thre_pending)
        return IIR_THRE;
    if ((ier & IER_MSI) && (u->s.msr & 0x0f))
        return IIR_MSI;
    return IIR_NONE;
}

/* One character time in ns: start + data + parity bits + 1, 1.5 or 2 stop bits,
 * 16 clocks per bit at 1.8432 MHz / divisor. */
static uint64_t char_time_ns(const struct uart *u)
{
    uint8_t lcr = u->s.lcr;
    uint64_t data = 5 + (lcr & 3);
    uint64_t half_bits = 2 * (1 + data + ((lcr & 8) ? 1 : 0));
    half_bits += (lcr & 4) ? (data == 5 ? 3 : 4) : 2;
    uint64_t div = u->s.divisor ? u->s.divisor : 0x10000;
    return half_bits * div * 16 * 1000000000ull / (2 * UART_CLOCK_HZ);
}

static void update(struct uart *u)
{
    int level = iir_source(u) != IIR_NONE && (u->s.mcr & MCR_OUT2);
    if (level != u->s.irq_level) {
        u->s.irq_level = level;
        irq_set(&u->irq, level);
    }
    if (fifo_on(u) && u->s.rx_count && !u->s.timeout_pending)
        vtimer_arm(&u->timer, u->s.rx_activity_ns + 4 * char_time_ns(u));
    else
        vtimer_disarm(&u->timer);
}

static void timer_fire(void *opaque, uint64_t now_ns)
{
    struct uart *u = opaque;
    if (fifo_on(u) && u->s.rx_count)
        u->s.timeout_pending = true;
    update(u);
}

static void rx_clear(struct uart *u)
{
    u->s.rx_head = u->s.rx_count = 0;
    u->s.lsr &= (uint8_t)~LSR_DR;
    u->s.timeout_pending = false;
}

/* One byte arriving in the receiver; false when it does not fit. */
static bool rx_push(struct uart *u, uint8_t v, bool overrun_if_full)
{
    if (u->s.rx_count >= rx_capacity(u)) {
        if (!overrun_if_full)
            return false;
        /* Overrun: FIFO mode drops the new byte; without FIFO it replaces RBR. */
        u->s.lsr |= LSR_OE;
        if (!fifo_on(u))
            u->s.rx[u->s.rx_head] = v;
        return true;
    }
    u->s.rx[(u->s.rx_head + u->s.rx_count) % UART_FIFO_SIZE] = v;
    u->s.rx_count++;
    u->s.lsr |= LSR_DR;
    u->s.rx_activity_ns = vclock_now(u->clock);
    return true;
}

static void set_msr_inputs(struct uart *u, uint8_t now)
{
    uint8_t old = u->s.msr & 0xf0, changed = old ^ now, delta = 0;
    if (changed & MSR_CTS)
        delta |= 0x01;
    if (changed & MSR_DSR)
        delta |= 0x02;
    if ((old & MSR_RI) && !(now & MSR_RI))
        delta |= 0x04; /* trailing edge of RI */
    if (changed & MSR_DCD)
        delta |= 0x08;
    u->s.msr = (uint8_t)(now | (u->s.msr & 0x0f) | delta);
}

static uint8_t modem_lines(const struct uart *u)
{
    uint8_t mcr = u->s.mcr;
    if (!(mcr & MCR_LOOP))
        return u->s.modem_in & 0xf0;
    return (uint8_t)((mcr & MCR_RTS ? MSR_CTS : 0) | (mcr & MCR_DTR ? MSR_DSR : 0) |
                     (mcr & MCR_OUT1 ? MSR_RI : 0) | (mcr & MCR_OUT2 ? MSR_DCD : 0));
}

void uart_reset(struct uart *u)
{
    uint16_t divisor = u->s.divisor;
    uint8_t modem_in = u->s.modem_in;
    memset(&u->s, 0, sizeof u->s);
    u->s.divisor = divisor;
    u->s.modem_in = modem_in;
    u->s.lsr = LSR_THRE | LSR_TEMT;
    u->s.msr = modem_lines(u);
    update(u);
}

void uart_init(struct uart *u, struct vclock *clock, const struct irq_line *irq,
               uart_write_fn write, void *write_opaque)
{
    memset(u, 0, sizeof *u);
    u->clock = clock;
    if (irq)
        u->irq = *irq;
    u->write = write;
    u->write_opaque = write_opaque;
    vtimer_init(&u->timer, clock, timer_fire, u);
    u->s.divisor = 12; /* 9600 baud */
    u->s.modem_in = MSR_CTS | MSR_DSR | MSR_DCD;
    uart_reset(u);
}

size_t uart_rx_space(const struct uart *u)
{
    return (size_t)(rx_capacity(u) - u->s.rx_count);
}

size_t uart_receive(struct uart *u, const uint8_t *buf, size_t len)
{
    if (u->s.mcr & MCR_LOOP)
        return len; /* serial input disconnected */
    size_t n = 0;
    while (n < len && rx_push(u, buf[n], false))
        n++;
    if (n)
        update(u);
    return n;
}

void uart_set_modem_inputs(struct uart *u, uint8_t msr_high)
{
    u->s.modem_in = msr_high & 0xf0;
    set_msr_inputs(u, modem_lines(u));
    update(u);
}

uint8_t uart_read(struct uart *u, int offset)
{
    uint8_t v = 0;
    switch (offset & 7) {
    case 0:
        if (u->s.lcr & LCR_DLAB)
            return (uint8_t)u->s.divisor;
        if (u->s.rx_count) {
            v = u->s.rx[u->s.rx_head];
            u->s.rx_head = (u->s.rx_head + 1) % UART_FIFO_SIZE;
            u->s.rx_count--;
        } else {
            v = u->s.rx[u->s.rx_head];
        }
        if (!u->s.rx_count)
            u->s.lsr &= (uint8_t)~LSR_DR;
        u->s.timeout_pending = false;
        u->s.rx_activity_ns = vclock_now(u->clock);
        break;
    case 1:
        if (u->s.lcr & LCR_DLAB)
            return (uint8_t)(u->s.divisor >> 8);
        v = u->s.ier;
        break;
    case 2:
        v = iir_source(u);
        /* Reading IIR while it reports THRE clears that interrupt. */
        if (v == IIR_THRE)
            u->s.thre_pending = false;
        if (fifo_on(u))
            v |= IIR_FIFO;
        break;
    case 3: v = u->s.lcr; break;
    case 4: v = u->s.mcr; break;
    case 5:
        v = u->s.lsr | LSR_THRE | LSR_TEMT;
        u->s.lsr &= (uint8_t)~LSR_ERRORS; /* error bits clear on read */
        break;
    case 6:
        v = u->s.msr;
        u->s.msr &= 0xf0; /* deltas clear on read */
        break;
    default: v = u->s.scr; break;
    }
    update(u);
    return v;
}

void uart_write(struct uart *u, int offset, uint8_t v)
{
    switch (offset & 7) {
    case 0:
        if (u->s.lcr & LCR_DLAB) {
            u->s.divisor = (uint16_t)((u->s.divisor & 0xff00) | v);
            break;
        }
        if (u->s.mcr & MCR_LOOP)
            rx_push(u, v, true);
        else if (u->write)
            u->write(u->write_opaque, &v, 1);
        /* The transmitter empties at once: THRE is requested again. */
        u->s.thre_pending = true;
        break;
    case 1:
        if (u->s.lcr & LCR_DLAB) {
            u->s.divisor = (uint16_t)((u->s.divisor & 0xff) | v << 8);
            break;
        }
        /* Enabling ETBEI while THR is empty raises THRE (16550A behaviour). */
        if ((v & IER_THRE) && !(u->s.ier & IER_THRE))
            u->s.thre_pending = true;
        u->s.ier = v & 0x0f;
        break;
    case 2:
        if ((v ^ u->s.fcr) & FCR_ENABLE)
            rx_clear(u); /* toggling the FIFOs empties them */
        if (v & FCR_CLEAR_RX)
            rx_clear(u);
        u->s.fcr = v & 0xc9;
        break;
    case 3: u->s.lcr = v; break;
    case 4:
        u->s.mcr = v & 0x1f;
        set_msr_inputs(u, modem_lines(u));
        break;
    case 5: break; /* LSR: factory test only */
    case 6: break;
    default: u->s.scr = v; break;
    }
    update(u);
}

static uint32_t io_read(void *opaque, uint32_t offset, int size)
{
    return uart_read(opaque, (int)offset);
}

static void io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    uart_write(opaque, (int)offset, (uint8_t)value);
}

static const struct io_ops uart_ops = {io_read, io_write};

bool uart_register(struct uart *uart, struct ioport_bus *bus, uint16_t base)
{
    return ioport_register(bus, base, 8, &uart_ops, uart);
}
