/* 8259A pair: expected behaviour from the Intel 8259A datasheet (231468):
 * fully nested priority, EOI kinds, rotation, masking, special mask mode,
 * poll, cascade through IR2, ELCR level mode, spurious IRQ 7 / 15. */
#include "dev/pic.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

struct intr_probe {
    int level, changes;
};

static void probe_set(void *opaque, int n, int level)
{
    struct intr_probe *p = opaque;
    p->level = level;
    p->changes++;
}

struct fixture {
    struct pic pic;
    struct ioport_bus bus;
    struct intr_probe intr;
};

static void outb(struct fixture *f, uint16_t port, uint8_t v)
{
    ioport_write(&f->bus, port, v, 1);
}

static uint8_t inb(struct fixture *f, uint16_t port)
{
    return (uint8_t)ioport_read(&f->bus, port, 1);
}

/* The PC BIOS initialisation: vectors 0x08 and 0x70, cascade on IR2, 8086 mode. */
static void setup(struct fixture *f, uint8_t icw4)
{
    struct irq_line intr = {probe_set, &f->intr, 0};
    f->intr = (struct intr_probe){0, 0};
    ioport_bus_init(&f->bus);
    pic_init(&f->pic, &intr);
    assert_true(pic_register(&f->pic, &f->bus));
    outb(f, 0x20, 0x11);
    outb(f, 0x21, 0x08);
    outb(f, 0x21, 0x04);
    outb(f, 0x21, icw4);
    outb(f, 0xa0, 0x11);
    outb(f, 0xa1, 0x70);
    outb(f, 0xa1, 0x02);
    outb(f, 0xa1, icw4);
}

static uint8_t read_isr(struct fixture *f, uint16_t base)
{
    outb(f, base, 0x0b); /* OCW3: read ISR */
    return inb(f, base);
}

static uint8_t read_irr(struct fixture *f, uint16_t base)
{
    outb(f, base, 0x0a); /* OCW3: read IRR */
    return inb(f, base);
}

static void basic_vector_and_isr(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    assert_false(pic_has_interrupt(&f.pic));
    pic_set_irq(&f.pic, 0, 1);
    assert_true(pic_has_interrupt(&f.pic));
    assert_int_equal(f.intr.level, 1);
    assert_int_equal(read_irr(&f, 0x20), 0x01);
    assert_int_equal(pic_acknowledge(&f.pic), 0x08);
    assert_int_equal(f.intr.level, 0);
    assert_int_equal(read_isr(&f, 0x20), 0x01);
    assert_int_equal(read_irr(&f, 0x20), 0x00); /* edge request consumed by INTA */
    outb(&f, 0x20, 0x20);                       /* non-specific EOI */
    assert_int_equal(read_isr(&f, 0x20), 0x00);
    /* Edge triggered: the line is still high, but no new edge, no request. */
    assert_false(pic_has_interrupt(&f.pic));
}

static void fully_nested_priority(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    pic_set_irq(&f.pic, 3, 1);
    pic_set_irq(&f.pic, 1, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x09); /* IR1 beats IR3 */
    /* IR3 is lower than IR1 in service: held off. */
    assert_false(pic_has_interrupt(&f.pic));
    /* IR0 is higher: it nests. */
    pic_set_irq(&f.pic, 0, 1);
    assert_true(pic_has_interrupt(&f.pic));
    assert_int_equal(pic_acknowledge(&f.pic), 0x08);
    assert_int_equal(read_isr(&f, 0x20), 0x03);
    /* Non-specific EOI clears the highest-priority ISR bit (IR0). */
    outb(&f, 0x20, 0x20);
    assert_int_equal(read_isr(&f, 0x20), 0x02);
    assert_false(pic_has_interrupt(&f.pic));
    outb(&f, 0x20, 0x20);
    assert_true(pic_has_interrupt(&f.pic));
    assert_int_equal(pic_acknowledge(&f.pic), 0x0b);
}

static void specific_eoi(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    pic_set_irq(&f.pic, 4, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x0c);
    pic_set_irq(&f.pic, 2 + 1, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x0b);
    assert_int_equal(read_isr(&f, 0x20), 0x18);
    outb(&f, 0x20, 0x64); /* specific EOI for level 4, the lower one */
    assert_int_equal(read_isr(&f, 0x20), 0x08);
}

static void masking(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    outb(&f, 0x21, 0xfe);
    assert_int_equal(inb(&f, 0x21), 0xfe);
    pic_set_irq(&f.pic, 1, 1);
    assert_false(pic_has_interrupt(&f.pic));
    assert_int_equal(read_irr(&f, 0x20), 0x02); /* IRR still latches it */
    outb(&f, 0x21, 0x00);
    assert_true(pic_has_interrupt(&f.pic));
    assert_int_equal(pic_acknowledge(&f.pic), 0x09);
}

static void cascade(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    pic_set_irq(&f.pic, 10, 1);
    assert_true(pic_has_interrupt(&f.pic));
    assert_int_equal(pic_acknowledge(&f.pic), 0x72);
    assert_int_equal(read_isr(&f, 0x20), 0x04); /* master IR2 in service */
    assert_int_equal(read_isr(&f, 0xa0), 0x04); /* slave IR2 = IRQ 10 */
    /* Masking the slave's input on the master blocks slave interrupts. */
    outb(&f, 0xa0, 0x20);
    outb(&f, 0x20, 0x20);
    assert_int_equal(read_isr(&f, 0xa0), 0);
    assert_int_equal(read_isr(&f, 0x20), 0);
    outb(&f, 0x21, 0x04);
    pic_set_irq(&f.pic, 15, 0);
    pic_set_irq(&f.pic, 15, 1);
    assert_false(pic_has_interrupt(&f.pic));
    outb(&f, 0x21, 0x00);
    assert_int_equal(pic_acknowledge(&f.pic), 0x77);
}

static void cascade_priority_vs_master(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    /* IRQ 8-15 rank between IRQ 1 and IRQ 3 (they enter at IR2). */
    pic_set_irq(&f.pic, 3, 1);
    pic_set_irq(&f.pic, 12, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x74);
    pic_set_irq(&f.pic, 1, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x09);
}

static void special_fully_nested(void **state)
{
    struct fixture f;
    setup(&f, 0x11); /* SFNM on both; only the master's matters */
    pic_set_irq(&f.pic, 12, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x74);
    /* IRQ 9 is higher than IRQ 12 on the slave; SFNM lets it through the
     * master even though master IR2 is in service. */
    pic_set_irq(&f.pic, 9, 1);
    assert_true(pic_has_interrupt(&f.pic));
    assert_int_equal(pic_acknowledge(&f.pic), 0x71);

    struct fixture g;
    setup(&g, 0x01); /* without SFNM the master blocks it */
    pic_set_irq(&g.pic, 12, 1);
    assert_int_equal(pic_acknowledge(&g.pic), 0x74);
    pic_set_irq(&g.pic, 9, 1);
    assert_false(pic_has_interrupt(&g.pic));
}

static void level_vs_edge(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    /* ELCR: bits for IRQ 0-2, 8 and 13 do not exist. */
    outb(&f, 0x4d0, 0xff);
    outb(&f, 0x4d1, 0xff);
    assert_int_equal(inb(&f, 0x4d0), 0xf8);
    assert_int_equal(inb(&f, 0x4d1), 0xde);
    outb(&f, 0x4d0, 0x00);
    outb(&f, 0x4d1, 0x04); /* IRQ 10 level triggered */
    pic_set_irq(&f.pic, 10, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x72);
    outb(&f, 0xa0, 0x20);
    outb(&f, 0x20, 0x20);
    /* Still asserted: a level request comes straight back after EOI. */
    assert_true(pic_has_interrupt(&f.pic));
    assert_int_equal(pic_acknowledge(&f.pic), 0x72);
    outb(&f, 0xa0, 0x20);
    outb(&f, 0x20, 0x20);
    pic_set_irq(&f.pic, 10, 0);
    assert_false(pic_has_interrupt(&f.pic));

    /* The same on an edge line (IRQ 11): one interrupt per rising edge. */
    pic_set_irq(&f.pic, 11, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x73);
    outb(&f, 0xa0, 0x20);
    outb(&f, 0x20, 0x20);
    assert_false(pic_has_interrupt(&f.pic));
    pic_set_irq(&f.pic, 11, 0);
    pic_set_irq(&f.pic, 11, 1);
    assert_true(pic_has_interrupt(&f.pic));
}

static void ltim_makes_all_levels_level(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    outb(&f, 0x20, 0x19); /* ICW1 with LTIM */
    outb(&f, 0x21, 0x08);
    outb(&f, 0x21, 0x04);
    outb(&f, 0x21, 0x01);
    pic_set_irq(&f.pic, 4, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x0c);
    outb(&f, 0x20, 0x20);
    assert_true(pic_has_interrupt(&f.pic));
}

static void spurious_irq7(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    pic_set_irq(&f.pic, 5, 1);
    assert_true(pic_has_interrupt(&f.pic));
    pic_set_irq(&f.pic, 5, 0); /* withdrawn before INTA */
    assert_int_equal(pic_acknowledge(&f.pic), 0x0f);
    assert_int_equal(read_isr(&f, 0x20), 0x00); /* no ISR bit for a spurious IRQ */
}

static void spurious_irq15(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    /* The master saw IR2 but the slave's request went away before the second
     * INTA: the slave answers with its level 7 and sets no ISR bit, while the
     * master's IR2 is in service (the OS must EOI the master only). Devices
     * here change lines atomically, so the race is staged in the state. */
    f.pic.s.chip[0].irr |= 0x04;
    assert_int_equal(pic_acknowledge(&f.pic), 0x77);
    assert_int_equal(read_isr(&f, 0xa0), 0x00);
    assert_int_equal(read_isr(&f, 0x20), 0x04);
}

static void auto_eoi(void **state)
{
    struct fixture f;
    setup(&f, 0x03); /* ICW4: 8086 mode, AEOI */
    pic_set_irq(&f.pic, 6, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x0e);
    assert_int_equal(read_isr(&f, 0x20), 0x00);
    /* No in-service level: a lower request is taken at once. */
    pic_set_irq(&f.pic, 7, 1);
    assert_true(pic_has_interrupt(&f.pic));
}

static void rotation(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    pic_set_irq(&f.pic, 0, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x08);
    outb(&f, 0x20, 0xa0); /* rotate on non-specific EOI: IR0 becomes lowest */
    pic_set_irq(&f.pic, 0, 0);
    pic_set_irq(&f.pic, 0, 1);
    pic_set_irq(&f.pic, 7, 1);
    /* Priority now 1,2,...,7,0: IR7 outranks IR0. */
    assert_int_equal(pic_acknowledge(&f.pic), 0x0f);
    outb(&f, 0x20, 0x20);
    assert_int_equal(pic_acknowledge(&f.pic), 0x08);
    outb(&f, 0x20, 0x20);

    /* Set priority: level 4 lowest, so 5 is highest. */
    outb(&f, 0x20, 0xc4);
    pic_set_irq(&f.pic, 3, 1);
    pic_set_irq(&f.pic, 5, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x0d);
    /* Rotate on specific EOI for 5: 5 becomes lowest, 6 highest. */
    outb(&f, 0x20, 0xe5);
    pic_set_irq(&f.pic, 6, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x0e);
}

static void special_mask_mode(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    pic_set_irq(&f.pic, 3, 1);
    assert_int_equal(pic_acknowledge(&f.pic), 0x0b);
    pic_set_irq(&f.pic, 5, 1);
    assert_false(pic_has_interrupt(&f.pic)); /* lower than IR3 in service */
    outb(&f, 0x20, 0x68);                    /* OCW3: set special mask mode */
    outb(&f, 0x21, 0x08);                    /* mask IR3 */
    assert_true(pic_has_interrupt(&f.pic));
    assert_int_equal(pic_acknowledge(&f.pic), 0x0d);
    outb(&f, 0x20, 0x48); /* reset special mask mode */
    assert_int_equal(read_isr(&f, 0x20), 0x28);
}

static void poll_command(void **state)
{
    struct fixture f;
    setup(&f, 0x01);
    outb(&f, 0x20, 0x0c); /* OCW3 poll */
    assert_int_equal(inb(&f, 0x20) & 0x80, 0);
    pic_set_irq(&f.pic, 4, 1);
    outb(&f, 0x20, 0x0c);
    assert_int_equal(inb(&f, 0x20), 0x84);
    assert_int_equal(read_isr(&f, 0x20), 0x10); /* the poll read acts as INTA */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(basic_vector_and_isr),
        cmocka_unit_test(fully_nested_priority),
        cmocka_unit_test(specific_eoi),
        cmocka_unit_test(masking),
        cmocka_unit_test(cascade),
        cmocka_unit_test(cascade_priority_vs_master),
        cmocka_unit_test(special_fully_nested),
        cmocka_unit_test(level_vs_edge),
        cmocka_unit_test(ltim_makes_all_levels_level),
        cmocka_unit_test(spurious_irq7),
        cmocka_unit_test(spurious_irq15),
        cmocka_unit_test(auto_eoi),
        cmocka_unit_test(rotation),
        cmocka_unit_test(special_mask_mode),
        cmocka_unit_test(poll_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
