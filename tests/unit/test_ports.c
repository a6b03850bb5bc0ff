/* The small system ports: 0x92 (PIIX3 port 92: A20, fast reset), 0x61 (system
 * control port B: PIT counter 2 gate/OUT, speaker, refresh toggle), 0x80 POST,
 * 0xE9 debug console and QEMU's isa-debug-exit at 0xF4. */
#include "dev/debugport.h"
#include "dev/port61.h"
#include "dev/port92.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

struct sink {
    int resets, a20_changes, exits, exit_status;
    bool a20;
    char console[16];
    int console_len;
};

static void on_a20(void *opaque, bool on)
{
    struct sink *s = opaque;
    s->a20 = on;
    s->a20_changes++;
}

static void on_reset(void *opaque)
{
    struct sink *s = opaque;
    s->resets++;
}

static void on_console(void *opaque, uint8_t c)
{
    struct sink *s = opaque;
    s->console[s->console_len++] = (char)c;
}

static void on_exit_request(void *opaque, int status)
{
    struct sink *s = opaque;
    s->exits++;
    s->exit_status = status;
}

static void port92_a20_and_fast_reset(void **state)
{
    struct sink s = {0};
    struct ioport_bus bus;
    struct port92 p;
    ioport_bus_init(&bus);
    struct sys_hooks hooks = {on_a20, on_reset, &s};
    port92_init(&p, &hooks);
    assert_true(port92_register(&p, &bus));
    assert_int_equal(ioport_read(&bus, 0x92, 1), 0x00);
    ioport_write(&bus, 0x92, 0x02, 1);
    assert_true(s.a20);
    assert_true(port92_a20(&p));
    assert_int_equal(ioport_read(&bus, 0x92, 1), 0x02);
    assert_int_equal(s.resets, 0);
    ioport_write(&bus, 0x92, 0x03, 1); /* 0 -> 1 on bit 0: reset */
    assert_int_equal(s.resets, 1);
    ioport_write(&bus, 0x92, 0x03, 1); /* no new transition */
    assert_int_equal(s.resets, 1);
    assert_int_equal(s.a20_changes, 1);
    ioport_write(&bus, 0x92, 0x00, 1);
    assert_false(s.a20);
}

static void debug_ports(void **state)
{
    struct sink s = {0};
    struct ioport_bus bus;
    struct debugport d;
    ioport_bus_init(&bus);
    struct debugport_hooks hooks = {on_console, on_exit_request, &s};
    debugport_init(&d, &hooks);
    assert_true(debugport_register(&d, &bus));
    assert_int_equal(ioport_read(&bus, 0xe9, 1), 0xe9); /* Bochs/QEMU presence check */
    ioport_write(&bus, 0xe9, 'o', 1);
    ioport_write(&bus, 0xe9, 'k', 1);
    assert_int_equal(s.console_len, 2);
    assert_memory_equal(s.console, "ok", 2);
    ioport_write(&bus, 0x80, 0x3c, 1);
    assert_int_equal(ioport_read(&bus, 0x80, 1), 0x3c);
    ioport_write(&bus, 0xf4, 0x10, 1);
    assert_int_equal(s.exits, 1);
    assert_int_equal(s.exit_status, 0x21); /* (0x10 << 1) | 1 */
    ioport_write(&bus, 0xf4, 0, 4);
    assert_int_equal(s.exit_status, 1);
}

static void port61_gate_out_and_refresh(void **state)
{
    struct vclock clock;
    struct pit pit;
    struct port61 p;
    struct ioport_bus bus;
    vclock_init(&clock, 1);
    ioport_bus_init(&bus);
    pit_init(&pit, &clock, NULL);
    port61_init(&p, &pit);
    assert_true(pit_register(&pit, &bus));
    assert_true(port61_register(&p, &bus));

    /* Counter 2 mode 0 as Linux's PIT calibration uses it: gate on through
     * bit 0, OUT (bit 5) rises N + 1 edges after the count is written. */
    ioport_write(&bus, 0x61, 0x01, 1);
    assert_true(pit_get_gate(&pit, 2));
    ioport_write(&bus, 0x43, 0xb0, 1);
    ioport_write(&bus, 0x42, 100, 1);
    ioport_write(&bus, 0x42, 0, 1);
    assert_int_equal(ioport_read(&bus, 0x61, 1) & 0x20, 0);
    vclock_advance(&clock, pit_ns_of_tick(100));
    assert_int_equal(ioport_read(&bus, 0x61, 1) & 0x20, 0);
    vclock_advance(&clock, pit_ns_of_tick(101));
    assert_int_equal(ioport_read(&bus, 0x61, 1) & 0x20, 0x20);
    assert_int_equal(ioport_read(&bus, 0x61, 1) & 0x0f, 0x01);

    /* The refresh bit toggles every 15.085 us (18 PIT clocks). */
    vclock_advance(&clock, pit_ns_of_tick(18 * 10));
    uint8_t a = ioport_read(&bus, 0x61, 1) & 0x10;
    vclock_advance(&clock, pit_ns_of_tick(18 * 11));
    uint8_t b = ioport_read(&bus, 0x61, 1) & 0x10;
    vclock_advance(&clock, pit_ns_of_tick(18 * 12));
    uint8_t c = ioport_read(&bus, 0x61, 1) & 0x10;
    assert_int_not_equal(a, b);
    assert_int_equal(a, c);

    ioport_write(&bus, 0x61, 0x03, 1);
    assert_true(port61_speaker_enabled(&p));
    ioport_write(&bus, 0x61, 0x00, 1);
    assert_false(pit_get_gate(&pit, 2));
    assert_false(port61_speaker_enabled(&p));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(port92_a20_and_fast_reset),
        cmocka_unit_test(debug_ports),
        cmocka_unit_test(port61_gate_out_and_refresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
