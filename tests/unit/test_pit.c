/* 8254 PIT against the Intel 8254 datasheet (231164) mode definitions. Times
 * are in counter clock edges: edge k falls at pit_ns_of_tick(k). A count
 * written between edges k and k+1 is loaded into CE on edge k+1 (which does
 * not decrement it) and CE decrements on every later edge. */
#include "dev/pit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "irq_probe.h"

struct fixture {
    struct vclock clock;
    struct pit pit;
    struct irq_probe irq;
};

static void setup(struct fixture *f)
{
    vclock_init(&f->clock, 1);
    struct irq_line line = irq_probe_line(&f->irq, &f->clock, 0);
    pit_init(&f->pit, &f->clock, &line);
}

/* Runs the clock to just after edge k (timers due by then fire). */
static void at_tick(struct fixture *f, uint64_t k)
{
    vclock_advance(&f->clock, pit_ns_of_tick(k));
}

static uint16_t latch_read(struct fixture *f, int ch)
{
    pit_write(&f->pit, 3, (uint8_t)(ch << 6)); /* counter latch */
    uint8_t lo = pit_read(&f->pit, ch);
    uint8_t hi = pit_read(&f->pit, ch);
    return (uint16_t)(lo | hi << 8);
}

static void program(struct fixture *f, int ch, int mode, uint16_t count)
{
    pit_write(&f->pit, 3, (uint8_t)(ch << 6 | 0x30 | mode << 1));
    pit_write(&f->pit, ch, count & 0xff);
    pit_write(&f->pit, ch, count >> 8);
}

static void clock_conversion_is_exact(void **state)
{
    /* 1193182 edges per second, no drift over an hour. */
    assert_int_equal(pit_ticks_at(1000000000ull), 1193182);
    assert_int_equal(pit_ticks_at(3600ull * 1000000000ull), 3600ull * 1193182);
    for (uint64_t k = 0; k < 5000; k += 7) {
        uint64_t ns = pit_ns_of_tick(k);
        assert_int_equal(pit_ticks_at(ns), k);
        if (ns)
            assert_int_equal(pit_ticks_at(ns - 1), k - 1);
    }
}

static void mode0_interrupt_on_terminal_count(void **state)
{
    struct fixture f;
    setup(&f);
    at_tick(&f, 1000);
    pit_write(&f.pit, 3, 0x30); /* counter 0, LSB/MSB, mode 0 */
    assert_false(pit_get_out(&f.pit, 0));
    pit_write(&f.pit, 0, 10);
    pit_write(&f.pit, 0, 0);
    /* Loaded on edge 1001 (CE 10), then 9 at 1002 ... 0 at 1011: OUT rises
     * N + 1 edges after the write. */
    at_tick(&f, 1005);
    assert_int_equal(latch_read(&f, 0), 6);
    at_tick(&f, 1010);
    assert_false(pit_get_out(&f.pit, 0));
    assert_int_equal(f.irq.rises, 0);
    at_tick(&f, 1011);
    assert_true(pit_get_out(&f.pit, 0));
    assert_int_equal(f.irq.rises, 1);
    assert_int_equal(f.irq.last_rise_ns, pit_ns_of_tick(1011));
    /* The counter wraps and keeps counting; OUT stays high. */
    at_tick(&f, 1013);
    assert_int_equal(latch_read(&f, 0), 0xfffe);
    at_tick(&f, 200000);
    assert_true(pit_get_out(&f.pit, 0));
    assert_int_equal(f.irq.rises, 1);
}

static void mode0_first_byte_stops_count(void **state)
{
    struct fixture f;
    setup(&f);
    program(&f, 0, 0, 100);
    at_tick(&f, 50);
    pit_write(&f.pit, 0, 20); /* LSB of a new count: counting stops */
    uint16_t frozen = latch_read(&f, 0);
    at_tick(&f, 80);
    assert_int_equal(latch_read(&f, 0), frozen);
    pit_write(&f.pit, 0, 0); /* MSB: count 20 loads on the next edge */
    at_tick(&f, 80 + 20);
    assert_false(pit_get_out(&f.pit, 0));
    at_tick(&f, 80 + 21);
    assert_true(pit_get_out(&f.pit, 0));
}

static void mode2_rate_generator(void **state)
{
    struct fixture f;
    setup(&f);
    at_tick(&f, 10);
    program(&f, 0, 2, 4);
    /* CE: 4 at 11, 3 at 12, 2 at 13, 1 at 14 (OUT low), reload 4 at 15. */
    assert_true(pit_get_out(&f.pit, 0));
    at_tick(&f, 12);
    assert_int_equal(latch_read(&f, 0), 3);
    at_tick(&f, 13);
    assert_true(pit_get_out(&f.pit, 0));
    at_tick(&f, 14);
    assert_false(pit_get_out(&f.pit, 0));
    assert_int_equal(latch_read(&f, 0), 1);
    at_tick(&f, 15);
    assert_true(pit_get_out(&f.pit, 0));
    assert_int_equal(latch_read(&f, 0), 4);
    /* The control word set OUT high (one rise), then the end of the period. */
    assert_int_equal(f.irq.rises, 2);
    /* One rising edge per period of N edges: at 15, 19, ..., 15 + 4 * 24. */
    at_tick(&f, 15 + 4 * 24);
    assert_int_equal(f.irq.rises, 1 + 25);
}

static void mode2_new_count_waits_for_period_end(void **state)
{
    struct fixture f;
    setup(&f);
    program(&f, 0, 2, 10); /* loaded at 1, periods end at 11, 21, ... */
    at_tick(&f, 5);
    pit_write(&f.pit, 0, 3);
    pit_write(&f.pit, 0, 0);
    at_tick(&f, 9);
    assert_int_equal(latch_read(&f, 0), 10 - 8); /* old count continues */
    at_tick(&f, 11);
    assert_int_equal(latch_read(&f, 0), 3); /* new count from the period end */
    at_tick(&f, 13);
    assert_false(pit_get_out(&f.pit, 0));
    at_tick(&f, 14);
    assert_true(pit_get_out(&f.pit, 0));
}

static void mode3_square_wave_even(void **state)
{
    struct fixture f;
    setup(&f);
    program(&f, 0, 3, 4); /* loaded at edge 1 */
    at_tick(&f, 1);
    assert_true(pit_get_out(&f.pit, 0));
    assert_int_equal(latch_read(&f, 0), 4);
    at_tick(&f, 2);
    assert_int_equal(latch_read(&f, 0), 2); /* decrements by two */
    assert_true(pit_get_out(&f.pit, 0));
    at_tick(&f, 3);
    assert_false(pit_get_out(&f.pit, 0)); /* high N/2, low N/2 */
    assert_int_equal(latch_read(&f, 0), 4);
    at_tick(&f, 4);
    assert_false(pit_get_out(&f.pit, 0));
    at_tick(&f, 5);
    assert_true(pit_get_out(&f.pit, 0));
    assert_int_equal(f.irq.rises, 2); /* at programming (high) and at 5 */
}

static void mode3_square_wave_odd(void **state)
{
    struct fixture f;
    setup(&f);
    program(&f, 0, 3, 5); /* high (N+1)/2 = 3 edges, low (N-1)/2 = 2 */
    for (uint64_t k = 1; k <= 3; k++) {
        at_tick(&f, k);
        assert_true(pit_get_out(&f.pit, 0));
    }
    at_tick(&f, 4);
    assert_false(pit_get_out(&f.pit, 0));
    at_tick(&f, 5);
    assert_false(pit_get_out(&f.pit, 0));
    at_tick(&f, 6);
    assert_true(pit_get_out(&f.pit, 0));
}

static void mode3_pc_timer_rate(void **state)
{
    struct fixture f;
    setup(&f);
    program(&f, 0, 3, 0); /* 65536: the 18.2 Hz BIOS tick */
    vclock_advance(&f.clock, 10ull * 1000000000ull);
    /* Rising edges at 1 + 65536 m: floor((11931820 - 1) / 65536) + 1 = 183,
     * plus the initial rise when the control word set OUT high. */
    assert_int_equal(f.irq.rises, 1 + (pit_ticks_at(10ull * 1000000000ull) - 1) / 65536);
    assert_int_equal(f.irq.rises, 183);
}

static void mode1_hardware_one_shot(void **state)
{
    struct fixture f;
    setup(&f);
    program(&f, 2, 1, 5);
    at_tick(&f, 20);
    assert_true(pit_get_out(&f.pit, 2)); /* no trigger yet */
    pit_set_gate(&f.pit, 2, true);       /* trigger between 20 and 21 */
    at_tick(&f, 21);
    assert_false(pit_get_out(&f.pit, 2)); /* low from the load edge */
    assert_int_equal(latch_read(&f, 2), 5);
    at_tick(&f, 25);
    assert_false(pit_get_out(&f.pit, 2));
    at_tick(&f, 26);
    assert_true(pit_get_out(&f.pit, 2)); /* N edges low */
    /* Retrigger. */
    pit_set_gate(&f.pit, 2, false);
    pit_set_gate(&f.pit, 2, true);
    at_tick(&f, 27);
    assert_false(pit_get_out(&f.pit, 2));
}

static void mode4_software_strobe(void **state)
{
    struct fixture f;
    setup(&f);
    program(&f, 0, 4, 3); /* loaded at 1; CE 0 at edge 4 */
    at_tick(&f, 3);
    assert_true(pit_get_out(&f.pit, 0));
    at_tick(&f, 4);
    assert_false(pit_get_out(&f.pit, 0));
    at_tick(&f, 5);
    assert_true(pit_get_out(&f.pit, 0));
    at_tick(&f, 100000);
    assert_true(pit_get_out(&f.pit, 0)); /* one strobe per count written */
}

static void mode5_hardware_strobe(void **state)
{
    struct fixture f;
    setup(&f);
    program(&f, 2, 5, 3);
    at_tick(&f, 10);
    pit_set_gate(&f.pit, 2, true); /* CE loaded at 11 */
    at_tick(&f, 13);
    assert_true(pit_get_out(&f.pit, 2));
    at_tick(&f, 14);
    assert_false(pit_get_out(&f.pit, 2));
    at_tick(&f, 15);
    assert_true(pit_get_out(&f.pit, 2));
}

static void gate_suspends_mode0(void **state)
{
    struct fixture f;
    setup(&f);
    pit_set_gate(&f.pit, 2, true);
    program(&f, 2, 0, 10); /* loaded at 1 */
    at_tick(&f, 4);
    pit_set_gate(&f.pit, 2, false);
    uint16_t v = latch_read(&f, 2);
    assert_int_equal(v, 7);
    at_tick(&f, 50);
    assert_int_equal(latch_read(&f, 2), 7);
    pit_set_gate(&f.pit, 2, true); /* resumes from edge 51 */
    at_tick(&f, 57);
    assert_false(pit_get_out(&f.pit, 2));
    at_tick(&f, 58);
    assert_true(pit_get_out(&f.pit, 2));
}

static void bcd_counting(void **state)
{
    struct fixture f;
    setup(&f);
    pit_write(&f.pit, 3, 0x31); /* counter 0, LSB/MSB, mode 0, BCD */
    pit_write(&f.pit, 0, 0x00);
    pit_write(&f.pit, 0, 0x01); /* 0100 BCD = 100 */
    at_tick(&f, 11);
    assert_int_equal(latch_read(&f, 0), 0x0090);
    at_tick(&f, 101);
    assert_int_equal(latch_read(&f, 0), 0x0000);
    at_tick(&f, 102);
    assert_int_equal(latch_read(&f, 0), 0x9999); /* BCD wraps to 9999 */
}

static void latch_holds_until_read(void **state)
{
    struct fixture f;
    setup(&f);
    program(&f, 0, 2, 1000);
    at_tick(&f, 101); /* CE = 1000 - 100 */
    pit_write(&f.pit, 3, 0x00);
    at_tick(&f, 300);
    pit_write(&f.pit, 3, 0x00); /* a second latch before reading is ignored */
    assert_int_equal(pit_read(&f.pit, 0), 900 & 0xff);
    at_tick(&f, 400);
    assert_int_equal(pit_read(&f.pit, 0), 900 >> 8);
    /* Unlatched reads follow the counter. */
    uint8_t lo = pit_read(&f.pit, 0), hi = pit_read(&f.pit, 0);
    assert_int_equal(lo | hi << 8, 1000 - 399);
}

static void lsb_only_and_msb_only(void **state)
{
    struct fixture f;
    setup(&f);
    pit_write(&f.pit, 3, 0x14); /* counter 0, LSB only, mode 2 */
    pit_write(&f.pit, 0, 50);
    at_tick(&f, 11);
    assert_int_equal(pit_read(&f.pit, 0), 40);
    pit_write(&f.pit, 3, 0x24); /* MSB only, mode 2: count 0x0200 */
    pit_write(&f.pit, 0, 0x02);
    at_tick(&f, 12 + 0x100);
    assert_int_equal(pit_read(&f.pit, 0), 0x01);
}

static void read_back_status_and_count(void **state)
{
    struct fixture f;
    setup(&f);
    at_tick(&f, 5);
    program(&f, 0, 2, 100);
    /* Before the load edge: NULL COUNT set. */
    pit_write(&f.pit, 3, 0xe2); /* read-back status only, counter 0 */
    assert_int_equal(pit_read(&f.pit, 0), 0x80 | 0x40 | 0x30 | 0x04);
    at_tick(&f, 16);                                           /* loaded at 6, CE = 90 */
    pit_write(&f.pit, 3, 0xc2);                                /* count and status */
    assert_int_equal(pit_read(&f.pit, 0), 0x80 | 0x30 | 0x04); /* status first */
    assert_int_equal(pit_read(&f.pit, 0), 90);
    assert_int_equal(pit_read(&f.pit, 0), 0);
    /* Read-back of several counters at once latches each. */
    program(&f, 2, 0, 50);
    at_tick(&f, 20);
    pit_write(&f.pit, 3, 0xd6); /* count only, counters 1 and 2 */
    at_tick(&f, 30);
    uint8_t lo = pit_read(&f.pit, 2); /* two statements: C leaves the order of */
    uint8_t hi = pit_read(&f.pit, 2); /* calls within one expression open */
    assert_int_equal(lo | hi << 8, 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clock_conversion_is_exact),
        cmocka_unit_test(mode0_interrupt_on_terminal_count),
        cmocka_unit_test(mode0_first_byte_stops_count),
        cmocka_unit_test(mode2_rate_generator),
        cmocka_unit_test(mode2_new_count_waits_for_period_end),
        cmocka_unit_test(mode3_square_wave_even),
        cmocka_unit_test(mode3_square_wave_odd),
        cmocka_unit_test(mode3_pc_timer_rate),
        cmocka_unit_test(mode1_hardware_one_shot),
        cmocka_unit_test(mode4_software_strobe),
        cmocka_unit_test(mode5_hardware_strobe),
        cmocka_unit_test(gate_suspends_mode0),
        cmocka_unit_test(bcd_counting),
        cmocka_unit_test(latch_holds_until_read),
        cmocka_unit_test(lsb_only_and_msb_only),
        cmocka_unit_test(read_back_status_and_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
