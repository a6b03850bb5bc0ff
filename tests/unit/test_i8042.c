/* i8042 controller and PS/2 keyboard, after the IBM PS/2 technical reference
 * (controller commands, status bits, output port) and the keyboard command
 * set (ACK 0xFA, BAT 0xAA, ID AB 83, echo EE), with set 2 -> set 1
 * translation when command byte bit 6 is set. */
#include "dev/i8042.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

struct fixture {
    struct i8042 kbc;
    struct ioport_bus bus;
    int irq1, irq12, resets, a20_changes;
    bool a20;
};

static void irq_probe(void *opaque, int n, int level)
{
    struct fixture *f = opaque;
    if (n == 1)
        f->irq1 = level;
    if (n == 12)
        f->irq12 = level;
}

static void on_a20(void *opaque, bool on)
{
    struct fixture *f = opaque;
    f->a20 = on;
    f->a20_changes++;
}

static void on_reset(void *opaque)
{
    struct fixture *f = opaque;
    f->resets++;
}

static void setup(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    ioport_bus_init(&f->bus);
    struct irq_line l1 = {irq_probe, f, 1}, l12 = {irq_probe, f, 12};
    struct sys_hooks hooks = {on_a20, on_reset, f};
    i8042_init(&f->kbc, &l1, &l12, &hooks);
    assert_true(i8042_register(&f->kbc, &f->bus));
}

static uint8_t status(struct fixture *f)
{
    return (uint8_t)ioport_read(&f->bus, 0x64, 1);
}

static uint8_t data(struct fixture *f)
{
    return (uint8_t)ioport_read(&f->bus, 0x60, 1);
}

static void cmd(struct fixture *f, uint8_t v)
{
    ioport_write(&f->bus, 0x64, v, 1);
}

static void put(struct fixture *f, uint8_t v)
{
    ioport_write(&f->bus, 0x60, v, 1);
}

/* Reads one byte, checking OBF was set. */
static uint8_t get(struct fixture *f)
{
    assert_int_equal(status(f) & 0x01, 0x01);
    return data(f);
}

static void self_and_interface_tests(void **state)
{
    struct fixture f;
    setup(&f);
    assert_int_equal(status(&f) & 0x01, 0);
    cmd(&f, 0xaa);
    assert_int_equal(get(&f), 0x55);
    assert_int_equal(status(&f) & 0x05, 0x04); /* buffer empty, system flag */
    cmd(&f, 0xab);
    assert_int_equal(get(&f), 0x00);
    cmd(&f, 0xa9); /* aux port lines good, nothing attached */
    assert_int_equal(get(&f), 0x00);
    assert_int_equal(status(&f) & 0x08, 0x08); /* A2: last write was a command */
    put(&f, 0xee);
    assert_int_equal(status(&f) & 0x08, 0x00);
}

static void command_byte_read_write(void **state)
{
    struct fixture f;
    setup(&f);
    cmd(&f, 0x60);
    put(&f, 0x21);
    cmd(&f, 0x20);
    assert_int_equal(get(&f), 0x21);
    cmd(&f, 0xad); /* disable keyboard sets bit 4 */
    cmd(&f, 0x20);
    assert_int_equal(get(&f), 0x31);
    cmd(&f, 0xae);
    cmd(&f, 0xa7); /* disable aux sets bit 5 */
    cmd(&f, 0x20);
    assert_int_equal(get(&f), 0x21);
    cmd(&f, 0xa8);
    cmd(&f, 0x20);
    assert_int_equal(get(&f), 0x01);
}

static void keyboard_reset_and_identify(void **state)
{
    struct fixture f;
    setup(&f);
    cmd(&f, 0x60);
    put(&f, 0x01); /* IRQ 1 on, no translation */
    put(&f, 0xff);
    assert_int_equal(f.irq1, 1);
    assert_int_equal(get(&f), 0xfa);
    assert_int_equal(get(&f), 0xaa);
    assert_int_equal(f.irq1, 0);
    put(&f, 0xf2);
    assert_int_equal(get(&f), 0xfa);
    assert_int_equal(get(&f), 0xab);
    assert_int_equal(get(&f), 0x83);
    /* Through the translator the second ID byte reads 0x41. */
    cmd(&f, 0x60);
    put(&f, 0x41);
    put(&f, 0xf2);
    assert_int_equal(get(&f), 0xfa);
    assert_int_equal(get(&f), 0xab);
    assert_int_equal(get(&f), 0x41);
    put(&f, 0xee);
    assert_int_equal(get(&f), 0xee);
}

static void keyboard_parameters(void **state)
{
    struct fixture f;
    setup(&f);
    cmd(&f, 0x60);
    put(&f, 0x00); /* no IRQ, no translation: poll */
    put(&f, 0xed);
    assert_int_equal(get(&f), 0xfa);
    put(&f, 0x05);
    assert_int_equal(get(&f), 0xfa);
    assert_int_equal(f.kbc.kbd.s.leds, 5);
    put(&f, 0xf3);
    assert_int_equal(get(&f), 0xfa);
    put(&f, 0x20);
    assert_int_equal(get(&f), 0xfa);
    put(&f, 0xf0);
    assert_int_equal(get(&f), 0xfa);
    put(&f, 0x00); /* get the current set */
    assert_int_equal(get(&f), 0xfa);
    assert_int_equal(get(&f), 0x02);
    put(&f, 0xf0);
    get(&f);
    put(&f, 0x01);
    assert_int_equal(get(&f), 0xfa);
    ps2kbd_key(&f.kbc.kbd, 0x1c, false, false); /* A released, in set 1 */
    assert_int_equal(get(&f), 0x9e);
    assert_int_equal(f.irq1, 0);
    put(&f, 0x42); /* not a command */
    assert_int_equal(get(&f), 0xfe);
}

static void scanning_enable_disable(void **state)
{
    struct fixture f;
    setup(&f);
    put(&f, 0xf5);
    assert_int_equal(get(&f), 0xfa);
    ps2kbd_key(&f.kbc.kbd, 0x1c, false, true);
    assert_int_equal(status(&f) & 1, 0);
    put(&f, 0xf4);
    assert_int_equal(get(&f), 0xfa);
    ps2kbd_key(&f.kbc.kbd, 0x1c, false, true);
    assert_int_equal(get(&f), 0x1e);
}

static void translation_set2_to_set1(void **state)
{
    struct fixture f;
    setup(&f);
    /* The reset command byte translates and enables IRQ 1. */
    cmd(&f, 0x20);
    assert_int_equal(get(&f) & 0x41, 0x41);
    ps2kbd_key(&f.kbc.kbd, 0x1c, false, true); /* A: set 2 1C -> set 1 1E */
    assert_int_equal(f.irq1, 1);
    assert_int_equal(get(&f), 0x1e);
    ps2kbd_key(&f.kbc.kbd, 0x1c, false, false); /* F0 1C -> 9E */
    assert_int_equal(get(&f), 0x9e);
    ps2kbd_key(&f.kbc.kbd, 0x76, false, true); /* Esc -> 01 */
    assert_int_equal(get(&f), 0x01);
    ps2kbd_key(&f.kbc.kbd, 0x83, false, true); /* F7 -> 41 */
    assert_int_equal(get(&f), 0x41);
    ps2kbd_key(&f.kbc.kbd, 0x75, true, false); /* up arrow: E0 F0 75 -> E0 C8 */
    assert_int_equal(get(&f), 0xe0);
    assert_int_equal(get(&f), 0xc8);
    /* Untranslated: set 2 bytes pass through. */
    cmd(&f, 0x60);
    put(&f, 0x01);
    ps2kbd_key(&f.kbc.kbd, 0x1c, false, false);
    assert_int_equal(get(&f), 0xf0);
    assert_int_equal(get(&f), 0x1c);
}

static void disable_keyboard_holds_bytes(void **state)
{
    struct fixture f;
    setup(&f);
    cmd(&f, 0xad);
    ps2kbd_key(&f.kbc.kbd, 0x29, false, true);
    assert_int_equal(status(&f) & 1, 0);
    assert_int_equal(f.irq1, 0);
    cmd(&f, 0xae);
    assert_int_equal(f.irq1, 1);
    assert_int_equal(get(&f), 0x39); /* space */
}

static void irq1_follows_command_byte(void **state)
{
    struct fixture f;
    setup(&f);
    cmd(&f, 0x60);
    put(&f, 0x40); /* translation, no interrupt */
    ps2kbd_key(&f.kbc.kbd, 0x29, false, true);
    assert_int_equal(f.irq1, 0);
    assert_int_equal(status(&f) & 1, 1);
    cmd(&f, 0x60);
    put(&f, 0x41);
    assert_int_equal(f.irq1, 1);
}

static void output_port_a20_and_reset(void **state)
{
    struct fixture f;
    setup(&f);
    assert_true(i8042_a20(&f.kbc));
    cmd(&f, 0xd0);
    assert_int_equal(get(&f) & 0x03, 0x03); /* not in reset, A20 on */
    cmd(&f, 0xd1);
    put(&f, 0xdd); /* A20 off, reset high */
    assert_int_equal(f.a20_changes, 1);
    assert_false(f.a20);
    assert_int_equal(f.resets, 0);
    cmd(&f, 0xd0);
    assert_int_equal(get(&f) & 0x03, 0x01);
    cmd(&f, 0xd1);
    put(&f, 0xdf);
    assert_true(f.a20);
    cmd(&f, 0xd1);
    put(&f, 0xde); /* bit 0 low: CPU reset */
    assert_int_equal(f.resets, 1);
    cmd(&f, 0xdd);
    assert_false(i8042_a20(&f.kbc));
    cmd(&f, 0xdf);
    assert_true(i8042_a20(&f.kbc));
}

static void pulse_output_port(void **state)
{
    struct fixture f;
    setup(&f);
    cmd(&f, 0xff); /* pulse nothing */
    assert_int_equal(f.resets, 0);
    cmd(&f, 0xfe); /* pulse bit 0: reset */
    assert_int_equal(f.resets, 1);
    cmd(&f, 0xf0); /* all four bits, reset among them */
    assert_int_equal(f.resets, 2);
}

static void aux_port_without_device(void **state)
{
    struct fixture f;
    setup(&f);
    cmd(&f, 0x60);
    put(&f, 0x03);
    cmd(&f, 0xd4);
    put(&f, 0xff); /* mouse reset: no device answers */
    assert_int_equal(status(&f) & 0x21, 0);
    /* 0xD3 puts a byte in the buffer as if from the aux device. */
    cmd(&f, 0xd3);
    put(&f, 0x5a);
    assert_int_equal(status(&f) & 0x21, 0x21);
    assert_int_equal(f.irq12, 1);
    assert_int_equal(f.irq1, 0);
    assert_int_equal(data(&f), 0x5a);
    assert_int_equal(f.irq12, 0);
    cmd(&f, 0xd2);
    put(&f, 0x33);
    assert_int_equal(status(&f) & 0x21, 0x01);
    assert_int_equal(f.irq1, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(self_and_interface_tests),     cmocka_unit_test(command_byte_read_write),
        cmocka_unit_test(keyboard_reset_and_identify),  cmocka_unit_test(keyboard_parameters),
        cmocka_unit_test(scanning_enable_disable),      cmocka_unit_test(translation_set2_to_set1),
        cmocka_unit_test(disable_keyboard_holds_bytes), cmocka_unit_test(irq1_follows_command_byte),
        cmocka_unit_test(output_port_a20_and_reset),    cmocka_unit_test(pulse_output_port),
        cmocka_unit_test(aux_port_without_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
