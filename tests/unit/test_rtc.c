/* MC146818A RTC against the Motorola datasheet: first update 0.5 s after the
 * divider leaves reset, UIP from 244 us before the update cycle to its end
 * (tUC 1984 us at 32.768 kHz), time registers and UF change at the end,
 * periodic rates from RS3-0, alarm with don't-care bytes, SET, formats. */
#include "dev/rtc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "irq_probe.h"

#define MS         1000000ull
#define US         1000ull
#define UPDATE_END (500 * MS + 1984 * US) /* first update cycle ends */

/* 1999-12-31 23:59:59 UTC, a Friday. */
#define Y2K_EVE 946684799

struct fixture {
    struct vclock clock;
    struct rtc rtc;
    struct irq_probe irq;
};

static void setup(struct fixture *f, int64_t unix_time, uint64_t ram)
{
    vclock_init(&f->clock, 1);
    struct irq_line line = irq_probe_line(&f->irq, &f->clock, 8);
    rtc_init(&f->rtc, &f->clock, &line, unix_time, ram);
}

static uint8_t reg(struct fixture *f, uint8_t index)
{
    rtc_write(&f->rtc, 0, index);
    return rtc_read(&f->rtc, 1);
}

static void set_reg(struct fixture *f, uint8_t index, uint8_t v)
{
    rtc_write(&f->rtc, 0, index);
    rtc_write(&f->rtc, 1, v);
}

static void at(struct fixture *f, uint64_t ns)
{
    vclock_advance(&f->clock, ns);
}

static void initial_time_bcd(void **state)
{
    struct fixture f;
    setup(&f, Y2K_EVE, 32 << 20);
    assert_int_equal(reg(&f, RTC_SECONDS), 0x59);
    assert_int_equal(reg(&f, RTC_MINUTES), 0x59);
    assert_int_equal(reg(&f, RTC_HOURS), 0x23);
    assert_int_equal(reg(&f, RTC_DAY_OF_WEEK), 6);
    assert_int_equal(reg(&f, RTC_DAY_OF_MONTH), 0x31);
    assert_int_equal(reg(&f, RTC_MONTH), 0x12);
    assert_int_equal(reg(&f, RTC_YEAR), 0x99);
    assert_int_equal(reg(&f, RTC_CENTURY), 0x19);
    assert_int_equal(reg(&f, RTC_REG_A), 0x26);
    assert_int_equal(reg(&f, RTC_REG_B), 0x02);
    assert_int_equal(reg(&f, RTC_REG_D), 0x80); /* VRT */
}

static void update_cycle_and_uip_window(void **state)
{
    struct fixture f;
    setup(&f, Y2K_EVE, 32 << 20);
    at(&f, 500 * MS - 244 * US - 1);
    assert_int_equal(reg(&f, RTC_REG_A) & 0x80, 0);
    at(&f, 500 * MS - 244 * US);
    assert_int_equal(reg(&f, RTC_REG_A) & 0x80, 0x80);
    at(&f, UPDATE_END - 1);
    assert_int_equal(reg(&f, RTC_REG_A) & 0x80, 0x80);
    assert_int_equal(reg(&f, RTC_SECONDS), 0x59); /* not yet updated */
    at(&f, UPDATE_END);
    assert_int_equal(reg(&f, RTC_REG_A) & 0x80, 0);
    /* The carry runs through to the century. */
    assert_int_equal(reg(&f, RTC_SECONDS), 0x00);
    assert_int_equal(reg(&f, RTC_MINUTES), 0x00);
    assert_int_equal(reg(&f, RTC_HOURS), 0x00);
    assert_int_equal(reg(&f, RTC_DAY_OF_WEEK), 7);
    assert_int_equal(reg(&f, RTC_DAY_OF_MONTH), 0x01);
    assert_int_equal(reg(&f, RTC_MONTH), 0x01);
    assert_int_equal(reg(&f, RTC_YEAR), 0x00);
    assert_int_equal(reg(&f, RTC_CENTURY), 0x20);
    /* One update per second after that; UIP again 244 us before each. */
    at(&f, UPDATE_END + 61 * 1000 * MS);
    assert_int_equal(reg(&f, RTC_SECONDS), 0x01);
    assert_int_equal(reg(&f, RTC_MINUTES), 0x01);
    at(&f, 62 * 1000 * MS + 500 * MS - 244 * US - 1);
    assert_int_equal(reg(&f, RTC_REG_A) & 0x80, 0);
    at(&f, 62 * 1000 * MS + 500 * MS - 244 * US);
    assert_int_equal(reg(&f, RTC_REG_A) & 0x80, 0x80);
}

static void uip_period_repeats(void **state)
{
    struct fixture f;
    setup(&f, 0, 1 << 20);
    uint64_t s = 7 * 1000 * MS + 500 * MS; /* the 8th update cycle starts */
    at(&f, s - 245 * US);
    assert_int_equal(reg(&f, RTC_REG_A) & 0x80, 0);
    at(&f, s - 244 * US);
    assert_int_equal(reg(&f, RTC_REG_A) & 0x80, 0x80);
    at(&f, s + 1984 * US - 1);
    assert_int_equal(reg(&f, RTC_REG_A) & 0x80, 0x80);
    at(&f, s + 1984 * US);
    assert_int_equal(reg(&f, RTC_REG_A) & 0x80, 0);
    assert_int_equal(reg(&f, RTC_SECONDS), 0x08); /* 1970-01-01 00:00:08 */
}

static void set_bit_inhibits_updates(void **state)
{
    struct fixture f;
    setup(&f, Y2K_EVE, 1 << 20);
    set_reg(&f, RTC_REG_B, 0x82 | 0x10); /* SET (UIE is cleared with it) */
    assert_int_equal(reg(&f, RTC_REG_B), 0x82);
    at(&f, 3000 * MS + 500 * MS - 100 * US);
    assert_int_equal(reg(&f, RTC_REG_A) & 0x80, 0); /* SET clears UIP */
    assert_int_equal(reg(&f, RTC_SECONDS), 0x59);
    set_reg(&f, RTC_SECONDS, 0x30);
    set_reg(&f, RTC_REG_B, 0x02);
    /* The divider kept its phase: the next update ends at 3.501984 s. */
    at(&f, 3000 * MS + UPDATE_END - 1);
    assert_int_equal(reg(&f, RTC_SECONDS), 0x30);
    at(&f, 3000 * MS + UPDATE_END);
    assert_int_equal(reg(&f, RTC_SECONDS), 0x31);
}

static void divider_reset_restarts_phase(void **state)
{
    struct fixture f;
    setup(&f, Y2K_EVE, 1 << 20);
    set_reg(&f, RTC_REG_A, 0x70); /* divider chain in reset */
    at(&f, 5000 * MS);
    assert_int_equal(reg(&f, RTC_SECONDS), 0x59);
    set_reg(&f, RTC_REG_A, 0x20); /* released at 5 s: first update 0.5 s later */
    at(&f, 5000 * MS + UPDATE_END - 1);
    assert_int_equal(reg(&f, RTC_SECONDS), 0x59);
    at(&f, 5000 * MS + UPDATE_END);
    assert_int_equal(reg(&f, RTC_SECONDS), 0x00);
}

static void twelve_hour_mode(void **state)
{
    struct fixture f;
    setup(&f, 0, 1 << 20);
    set_reg(&f, RTC_REG_B, 0x80); /* SET, BCD, 12-hour */
    set_reg(&f, RTC_SECONDS, 0x59);
    set_reg(&f, RTC_MINUTES, 0x59);
    set_reg(&f, RTC_HOURS, 0x11); /* 11 AM */
    set_reg(&f, RTC_REG_B, 0x00);
    at(&f, UPDATE_END);
    assert_int_equal(reg(&f, RTC_HOURS), 0x92); /* 12 PM: bit 7 = PM */
    set_reg(&f, RTC_REG_B, 0x80);
    set_reg(&f, RTC_SECONDS, 0x59);
    set_reg(&f, RTC_MINUTES, 0x59);
    set_reg(&f, RTC_HOURS, 0x91); /* 11 PM */
    set_reg(&f, RTC_REG_B, 0x00);
    at(&f, 1000 * MS + UPDATE_END);
    assert_int_equal(reg(&f, RTC_HOURS), 0x12); /* 12 AM */
}

static void binary_mode_and_leap_day(void **state)
{
    struct fixture f;
    setup(&f, 0, 1 << 20);
    set_reg(&f, RTC_REG_B, 0x86); /* SET, binary, 24-hour */
    set_reg(&f, RTC_SECONDS, 59);
    set_reg(&f, RTC_MINUTES, 59);
    set_reg(&f, RTC_HOURS, 23);
    set_reg(&f, RTC_DAY_OF_MONTH, 28);
    set_reg(&f, RTC_MONTH, 2);
    set_reg(&f, RTC_YEAR, 24);
    set_reg(&f, RTC_CENTURY, 20);
    set_reg(&f, RTC_REG_B, 0x06);
    at(&f, UPDATE_END);
    assert_int_equal(reg(&f, RTC_DAY_OF_MONTH), 29); /* 2024 is a leap year */
    assert_int_equal(reg(&f, RTC_MONTH), 2);
    assert_int_equal(reg(&f, RTC_HOURS), 0);
    set_reg(&f, RTC_REG_B, 0x86);
    set_reg(&f, RTC_HOURS, 23);
    set_reg(&f, RTC_MINUTES, 59);
    set_reg(&f, RTC_SECONDS, 59);
    set_reg(&f, RTC_DAY_OF_MONTH, 28);
    set_reg(&f, RTC_MONTH, 2);
    set_reg(&f, RTC_YEAR, 0);
    set_reg(&f, RTC_CENTURY, 21); /* 2100 is not */
    set_reg(&f, RTC_REG_B, 0x06);
    at(&f, 1000 * MS + UPDATE_END);
    assert_int_equal(reg(&f, RTC_DAY_OF_MONTH), 1);
    assert_int_equal(reg(&f, RTC_MONTH), 3);
}

static void periodic_interrupt_rates(void **state)
{
    struct fixture f;
    setup(&f, 0, 1 << 20);
    reg(&f, RTC_REG_C);
    set_reg(&f, RTC_REG_B, 0x42); /* PIE */
    /* RS = 6: 1024 Hz, period 976.5625 us. */
    at(&f, 976562);
    assert_int_equal(f.irq.rises, 0);
    at(&f, 976563);
    assert_int_equal(f.irq.rises, 1);
    assert_int_equal(f.irq.last_rise_ns, 976563);
    assert_int_equal(reg(&f, RTC_REG_C), 0xc0); /* IRQF | PF, then cleared */
    assert_int_equal(f.irq.level, 0);
    assert_int_equal(reg(&f, RTC_REG_C), 0x00);
    at(&f, 1953124);
    assert_int_equal(f.irq.rises, 1);
    at(&f, 1953125); /* exactly 2 * 976562.5 ns */
    assert_int_equal(f.irq.rises, 2);
    assert_int_equal(f.irq.last_rise_ns, 1953125);
    reg(&f, RTC_REG_C);
    /* RS = 15: 2 Hz. */
    set_reg(&f, RTC_REG_A, 0x2f);
    at(&f, 500 * MS - 1);
    assert_int_equal(f.irq.rises, 2);
    at(&f, 500 * MS);
    assert_int_equal(f.irq.rises, 3);
    reg(&f, RTC_REG_C);
    /* RS = 1: 256 Hz with the 32.768 kHz time base (3.90625 ms). */
    set_reg(&f, RTC_REG_A, 0x21);
    at(&f, 500 * MS + 3906250 - 1);
    assert_int_equal(f.irq.rises, 3);
    at(&f, 500 * MS + 3906250);
    assert_int_equal(f.irq.rises, 4);
}

static void pf_without_pie_sets_flag_only(void **state)
{
    struct fixture f;
    setup(&f, 0, 1 << 20);
    reg(&f, RTC_REG_C);
    at(&f, 2 * MS);
    assert_int_equal(f.irq.rises, 0);
    assert_int_equal(reg(&f, RTC_REG_C), 0x40); /* PF without IRQF */
    /* RS = 0: no periodic flag at all. */
    set_reg(&f, RTC_REG_A, 0x20);
    at(&f, 10 * MS);
    assert_int_equal(reg(&f, RTC_REG_C), 0x00);
}

static void update_ended_interrupt(void **state)
{
    struct fixture f;
    setup(&f, Y2K_EVE, 1 << 20);
    set_reg(&f, RTC_REG_A, 0x20);         /* no periodic flag */
    set_reg(&f, RTC_SECONDS_ALARM, 0x30); /* no alarm match at 00:00:00 */
    set_reg(&f, RTC_REG_B, 0x12);         /* UIE */
    at(&f, UPDATE_END - 1);
    assert_int_equal(f.irq.rises, 0);
    at(&f, UPDATE_END);
    assert_int_equal(f.irq.rises, 1);
    assert_int_equal(f.irq.last_rise_ns, UPDATE_END);
    assert_int_equal(reg(&f, RTC_REG_C), 0x90);
    at(&f, UPDATE_END + 1000 * MS);
    assert_int_equal(f.irq.rises, 2);
}

static void alarm_interrupt(void **state)
{
    struct fixture f;
    setup(&f, Y2K_EVE, 1 << 20);
    set_reg(&f, RTC_REG_A, 0x20);
    set_reg(&f, RTC_SECONDS_ALARM, 0x01);
    set_reg(&f, RTC_MINUTES_ALARM, 0x00);
    set_reg(&f, RTC_HOURS_ALARM, 0x00);
    set_reg(&f, RTC_REG_B, 0x22); /* AIE */
    at(&f, UPDATE_END);           /* 00:00:00: no match */
    assert_int_equal(f.irq.rises, 0);
    at(&f, UPDATE_END + 1000 * MS); /* 00:00:01 */
    assert_int_equal(f.irq.rises, 1);
    assert_int_equal(f.irq.last_rise_ns, UPDATE_END + 1000 * MS);
    assert_int_equal(reg(&f, RTC_REG_C), 0xb0); /* IRQF | AF | UF */
    /* Don't-care bytes (0xC0-0xFF): every second. */
    set_reg(&f, RTC_SECONDS_ALARM, 0xff);
    set_reg(&f, RTC_MINUTES_ALARM, 0xc0);
    set_reg(&f, RTC_HOURS_ALARM, 0xff);
    at(&f, UPDATE_END + 2000 * MS);
    assert_int_equal(f.irq.rises, 2);
    reg(&f, RTC_REG_C);
    at(&f, UPDATE_END + 3000 * MS);
    assert_int_equal(f.irq.rises, 3);
}

static void reset_pin_clears_enables_and_flags(void **state)
{
    struct fixture f;
    setup(&f, 0, 1 << 20);
    set_reg(&f, RTC_REG_B, 0x7a);
    at(&f, 2 * MS);
    assert_int_equal(f.irq.level, 1);
    rtc_reset(&f.rtc);
    assert_int_equal(reg(&f, RTC_REG_B), 0x02);
    assert_int_equal(f.irq.level, 0);
}

static void cmos_memory_size_fields(void **state)
{
    struct fixture f;
    setup(&f, 0, 32ull << 20);
    assert_int_equal(reg(&f, 0x15) | reg(&f, 0x16) << 8, 640);
    assert_int_equal(reg(&f, 0x17) | reg(&f, 0x18) << 8, 31 * 1024);
    assert_int_equal(reg(&f, 0x30) | reg(&f, 0x31) << 8, 31 * 1024);
    assert_int_equal(reg(&f, 0x34) | reg(&f, 0x35) << 8, 16 * 16);

    setup(&f, 0, 128ull << 20);
    assert_int_equal(reg(&f, 0x17) | reg(&f, 0x18) << 8, 65535); /* capped */
    assert_int_equal(reg(&f, 0x30) | reg(&f, 0x31) << 8, 65535);
    assert_int_equal(reg(&f, 0x34) | reg(&f, 0x35) << 8, 112 * 16);

    setup(&f, 0, 8ull << 20);
    assert_int_equal(reg(&f, 0x34) | reg(&f, 0x35) << 8, 0);
}

static void nmi_mask_and_ram(void **state)
{
    struct fixture f;
    setup(&f, 0, 1 << 20);
    rtc_write(&f.rtc, 0, 0x80 | 0x40);
    assert_true(rtc_nmi_masked(&f.rtc));
    rtc_write(&f.rtc, 1, 0x5a);
    rtc_write(&f.rtc, 0, 0x40);
    assert_false(rtc_nmi_masked(&f.rtc));
    assert_int_equal(rtc_read(&f.rtc, 1), 0x5a);
    set_reg(&f, RTC_REG_D, 0x00); /* read only */
    assert_int_equal(reg(&f, RTC_REG_D), 0x80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(initial_time_bcd),
        cmocka_unit_test(update_cycle_and_uip_window),
        cmocka_unit_test(uip_period_repeats),
        cmocka_unit_test(set_bit_inhibits_updates),
        cmocka_unit_test(divider_reset_restarts_phase),
        cmocka_unit_test(twelve_hour_mode),
        cmocka_unit_test(binary_mode_and_leap_day),
        cmocka_unit_test(periodic_interrupt_rates),
        cmocka_unit_test(pf_without_pie_sets_flag_only),
        cmocka_unit_test(update_ended_interrupt),
        cmocka_unit_test(alarm_interrupt),
        cmocka_unit_test(reset_pin_clears_enables_and_flags),
        cmocka_unit_test(cmos_memory_size_fields),
        cmocka_unit_test(nmi_mask_and_ram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
