/* 16550A UART against the PC16550D datasheet: register reset values, IIR
 * priorities (line status > received data / timeout > THRE > modem status),
 * FIFO trigger levels, character timeout, THRE interrupt set/clear rules,
 * loopback wiring, overrun. Transmission is instantaneous in this model. */
#include "dev/uart.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define MS 1000000ull

enum { RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

struct fixture {
    struct vclock clock;
    struct uart uart;
    struct ioport_bus bus;
    uint8_t out[64];
    size_t out_len;
    int irq_level;
};

static void capture(void *opaque, const uint8_t *buf, size_t len)
{
    struct fixture *f = opaque;
    memcpy(f->out + f->out_len, buf, len);
    f->out_len += len;
}

static void irq_probe(void *opaque, int n, int level)
{
    struct fixture *f = opaque;
    f->irq_level = level;
}

static void setup(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    vclock_init(&f->clock, 1);
    ioport_bus_init(&f->bus);
    struct irq_line line = {irq_probe, f, UART_COM1_IRQ};
    uart_init(&f->uart, &f->clock, &line, capture, f);
    assert_true(uart_register(&f->uart, &f->bus, UART_COM1_BASE));
}

static uint8_t in(struct fixture *f, int reg)
{
    return (uint8_t)ioport_read(&f->bus, (uint16_t)(UART_COM1_BASE + reg), 1);
}

static void out(struct fixture *f, int reg, uint8_t v)
{
    ioport_write(&f->bus, (uint16_t)(UART_COM1_BASE + reg), v, 1);
}

static void reset_values(void **state)
{
    struct fixture f;
    setup(&f);
    assert_int_equal(in(&f, IER), 0x00);
    assert_int_equal(in(&f, IIR), 0x01);
    assert_int_equal(in(&f, LCR), 0x00);
    assert_int_equal(in(&f, MCR), 0x00);
    assert_int_equal(in(&f, LSR), 0x60);
    assert_int_equal(in(&f, MSR) & 0x0f, 0x00);
    out(&f, SCR, 0xa5);
    assert_int_equal(in(&f, SCR), 0xa5);
}

static void divisor_latch(void **state)
{
    struct fixture f;
    setup(&f);
    out(&f, LCR, 0x83);
    out(&f, 0, 0x01);
    out(&f, 1, 0x02);
    assert_int_equal(in(&f, 0), 0x01);
    assert_int_equal(in(&f, 1), 0x02);
    out(&f, LCR, 0x03);
    assert_int_equal(in(&f, IER), 0x00); /* DLM did not touch IER */
    assert_int_equal(f.uart.s.divisor, 0x0201);
}

static void transmit_goes_to_callback(void **state)
{
    struct fixture f;
    setup(&f);
    out(&f, THR, 'h');
    out(&f, THR, 'i');
    assert_int_equal(f.out_len, 2);
    assert_memory_equal(f.out, "hi", 2);
    assert_int_equal(in(&f, LSR) & 0x60, 0x60); /* THRE and TEMT */
}

static void thre_interrupt_rules(void **state)
{
    struct fixture f;
    setup(&f);
    out(&f, MCR, 0x08); /* OUT2 routes the interrupt on a PC */
    out(&f, IER, 0x02);
    /* Enabling ETBEI with THR empty requests THRE at once. */
    assert_int_equal(f.irq_level, 1);
    assert_int_equal(in(&f, IIR), 0x02);
    /* Reading IIR while it names THRE clears it. */
    assert_int_equal(f.irq_level, 0);
    assert_int_equal(in(&f, IIR), 0x01);
    /* Writing THR clears it; the transmitter empties and it returns. */
    out(&f, THR, 'x');
    assert_int_equal(in(&f, IIR), 0x02);
    assert_int_equal(in(&f, IIR), 0x01);
    /* Toggling ETBEI requests it again. */
    out(&f, IER, 0x00);
    out(&f, IER, 0x02);
    assert_int_equal(in(&f, IIR), 0x02);
}

static void out2_gates_irq(void **state)
{
    struct fixture f;
    setup(&f);
    out(&f, IER, 0x02);
    assert_int_equal(f.irq_level, 0);
    out(&f, MCR, 0x08);
    assert_int_equal(f.irq_level, 1);
}

static void iir_priorities(void **state)
{
    struct fixture f;
    setup(&f);
    out(&f, MCR, 0x18); /* loopback + OUT2 */
    in(&f, MSR);        /* clear the deltas loopback caused */
    out(&f, IER, 0x0f);
    out(&f, THR, 'a'); /* received through the loop: data available */
    assert_int_equal(in(&f, IIR), 0x04);
    out(&f, THR, 'b'); /* RBR not read: overrun */
    assert_int_equal(in(&f, IIR), 0x06);
    assert_int_equal(in(&f, LSR), 0x63); /* DR, OE, THRE, TEMT; OE clears */
    assert_int_equal(in(&f, LSR), 0x61);
    assert_int_equal(in(&f, IIR), 0x04);
    assert_int_equal(in(&f, RBR), 'b'); /* without FIFO the new byte replaced RBR */
    assert_int_equal(in(&f, IIR), 0x02);
    out(&f, MCR, 0x1a); /* RTS -> CTS changes: modem status, lowest priority */
    assert_int_equal(in(&f, IIR), 0x00);
    assert_int_equal(in(&f, MSR), 0x91); /* CTS (RTS), DCD (OUT2), DCTS */
    assert_int_equal(in(&f, IIR), 0x01);
}

static void fifo_trigger_levels(void **state)
{
    struct fixture f;
    setup(&f);
    out(&f, FCR, 0xc7); /* enable, clear both, trigger 14 */
    out(&f, IER, 0x01);
    out(&f, MCR, 0x08);
    assert_int_equal(in(&f, IIR), 0xc1); /* FIFOs enabled bits */
    uint8_t data[20];
    for (int i = 0; i < 20; i++)
        data[i] = (uint8_t)('A' + i);
    assert_int_equal(uart_receive(&f.uart, data, 13), 13);
    assert_int_equal(in(&f, IIR), 0xc1);
    assert_int_equal(f.irq_level, 0);
    assert_int_equal(uart_receive(&f.uart, data + 13, 7), 3); /* 16 bytes fit */
    assert_int_equal(in(&f, IIR), 0xc4);
    assert_int_equal(f.irq_level, 1);
    for (int i = 0; i < 3; i++)
        assert_int_equal(in(&f, RBR), 'A' + i);
    assert_int_equal(in(&f, IIR), 0xc1); /* 13 left: below 14 */
    /* Trigger level 4. */
    out(&f, FCR, 0x41);
    assert_int_equal(in(&f, IIR), 0xc4);
    out(&f, FCR, 0x43); /* clear RX */
    assert_int_equal(in(&f, LSR) & 1, 0);
    assert_int_equal(uart_rx_space(&f.uart), 16);
    /* FIFO disabled: one byte of buffering. */
    out(&f, FCR, 0x00);
    assert_int_equal(uart_receive(&f.uart, data, 4), 1);
    assert_int_equal(in(&f, IIR), 0x04);
}

static void character_timeout(void **state)
{
    struct fixture f;
    setup(&f);
    out(&f, LCR, 0x83);
    out(&f, 0, 12); /* 9600 baud: 8N1 = 10 bits = 1.0417 ms per character */
    out(&f, 1, 0);
    out(&f, LCR, 0x03);
    out(&f, FCR, 0xc1);
    out(&f, IER, 0x01);
    out(&f, MCR, 0x08);
    const uint8_t data[3] = {1, 2, 3};
    assert_int_equal(uart_receive(&f.uart, data, 3), 3);
    vclock_advance(&f.clock, 4100000); /* under four character times */
    assert_int_equal(in(&f, IIR), 0xc1);
    vclock_advance(&f.clock, 4200000);
    assert_int_equal(f.irq_level, 1);
    assert_int_equal(in(&f, IIR), 0xcc);
    assert_int_equal(in(&f, RBR), 1); /* a read clears it and restarts the timer */
    assert_int_equal(in(&f, IIR), 0xc1);
    vclock_advance(&f.clock, 4200000 + 4100000);
    assert_int_equal(in(&f, IIR), 0xc1);
    vclock_advance(&f.clock, 4200000 + 4200000);
    assert_int_equal(in(&f, IIR), 0xcc);
}

static void loopback(void **state)
{
    struct fixture f;
    setup(&f);
    out(&f, MCR, 0x1f);
    assert_int_equal(in(&f, MSR) & 0xf0, 0xf0);
    out(&f, MCR, 0x12); /* RTS only: CTS */
    assert_int_equal(in(&f, MSR) & 0xf0, 0x10);
    out(&f, MCR, 0x11); /* DTR only: DSR */
    assert_int_equal(in(&f, MSR) & 0xf0, 0x20);
    out(&f, MCR, 0x14); /* OUT1: RI */
    assert_int_equal(in(&f, MSR) & 0xf0, 0x40);
    out(&f, MCR, 0x10); /* RI falls: trailing edge TERI */
    assert_int_equal(in(&f, MSR), 0x04);
    out(&f, THR, 'z');
    assert_int_equal(f.out_len, 0); /* nothing leaves the chip */
    assert_int_equal(in(&f, LSR) & 1, 1);
    assert_int_equal(in(&f, RBR), 'z');
    const uint8_t ext = 'q';
    assert_int_equal(uart_receive(&f.uart, &ext, 1), 1); /* input disconnected */
    assert_int_equal(in(&f, LSR) & 1, 0);
}

static void modem_status_inputs(void **state)
{
    struct fixture f;
    setup(&f);
    assert_int_equal(in(&f, MSR), 0xb0); /* CTS, DSR, DCD: cable attached */
    uart_set_modem_inputs(&f.uart, 0x30);
    assert_int_equal(in(&f, MSR), 0x38); /* DCD dropped: DDCD */
    assert_int_equal(in(&f, MSR), 0x30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reset_values),
        cmocka_unit_test(divisor_latch),
        cmocka_unit_test(transmit_goes_to_callback),
        cmocka_unit_test(thre_interrupt_rules),
        cmocka_unit_test(out2_gates_irq),
        cmocka_unit_test(iir_priorities),
        cmocka_unit_test(fifo_trigger_levels),
        cmocka_unit_test(character_timeout),
        cmocka_unit_test(loopback),
        cmocka_unit_test(modem_status_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
