/* MC146818A RTC. Timing from the Motorola MC146818A datasheet: the first update
 * cycle begins 0.5 s after the divider chain leaves reset, then one per second;
 * UIP is set tBUC = 244 us before an update cycle and stays set for the cycle
 * (tUC = 1984 us with the 32.768 kHz time base); the time registers change and
 * UF is set at the end of the cycle, when the alarm is also compared. */
#include "dev/rtc.h"

#include <string.h>

#define NS_PER_S        1000000000ull
#define FIRST_UPDATE_NS 500000000ull
#define T_BUC_NS        244000ull
#define T_UC_NS         1984000ull

enum {
    A_UIP = 0x80,
    B_SET = 0x80,
    B_PIE = 0x40,
    B_AIE = 0x20,
    B_UIE = 0x10,
    B_SQWE = 0x08,
    B_DM = 0x04, /* 1 = binary */
    B_24H = 0x02,
    C_IRQF = 0x80,
    C_PF = 0x40,
    C_AF = 0x20,
    C_UF = 0x10,
    D_VRT = 0x80,
};

/* --- calendar arithmetic (proleptic Gregorian, day 0 = 1970-01-01) --- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* --- register formats --- */

static bool binary(const struct rtc *rtc)
{
    return rtc->s.cmos[RTC_REG_B] & B_DM;
}

static uint8_t to_reg(const struct rtc *rtc, int v)
{
    return binary(rtc) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static int from_reg(const struct rtc *rtc, uint8_t r)
{
    return binary(rtc) ? r : (r >> 4) * 10 + (r & 15);
}

static uint8_t hour_to_reg(const struct rtc *rtc, int h)
{
    if (rtc->s.cmos[RTC_REG_B] & B_24H)
        return to_reg(rtc, h);
    int h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(to_reg(rtc, h12) | (h >= 12 ? 0x80 : 0));
}

static int hour_from_reg(const struct rtc *rtc, uint8_t r)
{
    if (rtc->s.cmos[RTC_REG_B] & B_24H)
        return from_reg(rtc, r);
    return from_reg(rtc, r & 0x7f) % 12 + (r & 0x80 ? 12 : 0);
}

/* Adds seconds to the time registers, read and written in the current format. */
static void advance_time(struct rtc *rtc, uint64_t seconds)
{
    uint8_t *c = rtc->s.cmos;
    int mon = from_reg(rtc, c[RTC_MONTH]), dom = from_reg(rtc, c[RTC_DAY_OF_MONTH]);
    int64_t year = from_reg(rtc, c[RTC_CENTURY]) * 100 + from_reg(rtc, c[RTC_YEAR]);
    if (mon < 1 || mon > 12)
        mon = 1;
    if (dom < 1)
        dom = 1;
    int64_t days = days_from_civil(year, mon, dom);
    int64_t t = days * 86400 + hour_from_reg(rtc, c[RTC_HOURS]) * 3600 +
                from_reg(rtc, c[RTC_MINUTES]) * 60 + from_reg(rtc, c[RTC_SECONDS]);
    t += (int64_t)seconds;
    int64_t ndays = t / 86400, rem = t % 86400;
    civil_from_days(ndays, &year, &mon, &dom);
    c[RTC_SECONDS] = to_reg(rtc, (int)(rem % 60));
    c[RTC_MINUTES] = to_reg(rtc, (int)(rem / 60 % 60));
    c[RTC_HOURS] = hour_to_reg(rtc, (int)(rem / 3600));
    c[RTC_DAY_OF_MONTH] = to_reg(rtc, dom);
    c[RTC_MONTH] = to_reg(rtc, mon);
    c[RTC_YEAR] = to_reg(rtc, (int)(year % 100));
    c[RTC_CENTURY] = to_reg(rtc, (int)(year / 100 % 100));
    int dow = from_reg(rtc, c[RTC_DAY_OF_WEEK]);
    if (dow >= 1 && dow <= 7)
        c[RTC_DAY_OF_WEEK] = to_reg(rtc, (int)((dow - 1 + (ndays - days)) % 7) + 1);
}

static bool alarm_matches(const uint8_t *c)
{
    /* An alarm byte of 0xC0-0xFF is "don't care" (datasheet, alarm). */
    for (int i = 0; i < 3; i++) {
        uint8_t alarm = c[RTC_SECONDS_ALARM + 2 * i], now = c[RTC_SECONDS + 2 * i];
        if (alarm < 0xc0 && alarm != now)
            return false;
    }
    return true;
}

/* --- divider chain timing --- */

static uint64_t updates_ended(const struct rtc *rtc, uint64_t now)
{
    uint64_t first_end = rtc->s.origin_ns + FIRST_UPDATE_NS + T_UC_NS;
    if (!rtc->s.divider_running || now < first_end)
        return 0;
    return (now - first_end) / NS_PER_S + 1;
}

static uint64_t update_end_ns(const struct rtc *rtc, uint64_t k)
{
    return rtc->s.origin_ns + FIRST_UPDATE_NS + T_UC_NS + k * NS_PER_S;
}

/* Periodic rate in 32.768 kHz cycles (datasheet table 5): RS 1 and 2 select
 * the same taps as 8 and 9 with this time base. 0: none. */
static uint64_t period_cycles(const struct rtc *rtc)
{
    int rs = rtc->s.cmos[RTC_REG_A] & 15;
    if (!rs)
        return 0;
    return rs <= 2 ? 1ull << (rs + 6) : 1ull << (rs - 1);
}

/* One 32.768 kHz cycle is exactly 1953125/64 ns. */
static uint64_t cycles_at(const struct rtc *rtc, uint64_t now)
{
    uint64_t d = now - rtc->s.origin_ns;
    return d / 1953125 * 64 + d % 1953125 * 64 / 1953125;
}

static uint64_t ns_of_cycle(const struct rtc *rtc, uint64_t t)
{
    return rtc->s.origin_ns + t / 64 * 1953125 + (t % 64 * 1953125 + 63) / 64;
}

static uint64_t periodic_count(const struct rtc *rtc, uint64_t now)
{
    uint64_t p = period_cycles(rtc);
    if (!p || !rtc->s.divider_running || now < rtc->s.origin_ns)
        return 0;
    return cycles_at(rtc, now) / p;
}

static bool pf_now(const struct rtc *rtc, uint64_t now)
{
    return rtc->s.pf_sticky || periodic_count(rtc, now) > rtc->s.pf_index;
}

static bool in_uip_window(const struct rtc *rtc, uint64_t now)
{
    if (!rtc->s.divider_running || (rtc->s.cmos[RTC_REG_B] & B_SET))
        return false;
    uint64_t t = now - rtc->s.origin_ns + T_BUC_NS;
    if (now < rtc->s.origin_ns || t < FIRST_UPDATE_NS)
        return false;
    return (t - FIRST_UPDATE_NS) % NS_PER_S < T_BUC_NS + T_UC_NS;
}

/* Applies the update cycles that have ended by now. */
static void sync(struct rtc *rtc, uint64_t now)
{
    uint64_t n = updates_ended(rtc, now);
    if (n <= rtc->s.updates_done)
        return;
    uint64_t delta = n - rtc->s.updates_done;
    rtc->s.updates_done = n;
    if (rtc->s.cmos[RTC_REG_B] & B_SET)
        return; /* SET inhibits updates */
    if (delta > 1)
        advance_time(rtc, delta - 1);
    advance_time(rtc, 1);
    rtc->s.cmos[RTC_REG_C] |= C_UF;
    if (alarm_matches(rtc->s.cmos))
        rtc->s.cmos[RTC_REG_C] |= C_AF;
}

static uint8_t flags_now(const struct rtc *rtc, uint64_t now)
{
    uint8_t f = rtc->s.cmos[RTC_REG_C] & (C_AF | C_UF);
    if (pf_now(rtc, now))
        f |= C_PF;
    if (f & rtc->s.cmos[RTC_REG_B] & (B_PIE | B_AIE | B_UIE))
        f |= C_IRQF;
    return f;
}

static void update_irq(struct rtc *rtc)
{
    uint64_t now = vclock_now(rtc->clock);
    sync(rtc, now);
    uint8_t b = rtc->s.cmos[RTC_REG_B];
    int level = (flags_now(rtc, now) & C_IRQF) != 0;
    if (level != rtc->s.irq_level) {
        rtc->s.irq_level = level;
        irq_set(&rtc->irq, level);
    }
    /* IRQ 8 stays asserted until register C is read: no timer needed then. */
    uint64_t next = VCLOCK_NEVER;
    if (!level && rtc->s.divider_running) {
        if ((b & B_PIE) && period_cycles(rtc))
            next = ns_of_cycle(rtc, (periodic_count(rtc, now) + 1) * period_cycles(rtc));
        if ((b & (B_UIE | B_AIE)) && !(b & B_SET)) {
            uint64_t u = update_end_ns(rtc, rtc->s.updates_done);
            if (u < next)
                next = u;
        }
    }
    if (next == VCLOCK_NEVER)
        vtimer_disarm(&rtc->timer);
    else
        vtimer_arm(&rtc->timer, next);
}

static void timer_fire(void *opaque, uint64_t now_ns)
{
    update_irq(opaque);
}

static void set_time(struct rtc *rtc, int64_t unix_time)
{
    uint8_t *c = rtc->s.cmos;
    int64_t days = unix_time / 86400, rem = unix_time % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t year;
    int mon, dom;
    civil_from_days(days, &year, &mon, &dom);
    c[RTC_SECONDS] = to_reg(rtc, (int)(rem % 60));
    c[RTC_MINUTES] = to_reg(rtc, (int)(rem / 60 % 60));
    c[RTC_HOURS] = hour_to_reg(rtc, (int)(rem / 3600));
    c[RTC_DAY_OF_WEEK] = to_reg(rtc, (int)(((days % 7 + 7) % 7 + 4) % 7) + 1); /* 1970-01-01: Thu */
    c[RTC_DAY_OF_MONTH] = to_reg(rtc, dom);
    c[RTC_MONTH] = to_reg(rtc, mon);
    c[RTC_YEAR] = to_reg(rtc, (int)(year % 100));
    c[RTC_CENTURY] = to_reg(rtc, (int)(year / 100));
}

static void set_memory_size(struct rtc *rtc, uint64_t ram)
{
    uint8_t *c = rtc->s.cmos;
    uint64_t base_kib = ram / 1024 < 640 ? ram / 1024 : 640;
    uint64_t ext_kib = ram > (1u << 20) ? (ram - (1u << 20)) / 1024 : 0;
    uint64_t blocks = ram > (16u << 20) ? (ram - (16u << 20)) / 65536 : 0;
    if (ext_kib > 65535)
        ext_kib = 65535;
    if (blocks > 65535)
        blocks = 65535;
    c[0x15] = (uint8_t)base_kib;
    c[0x16] = (uint8_t)(base_kib >> 8);
    c[0x17] = c[0x30] = (uint8_t)ext_kib;
    c[0x18] = c[0x31] = (uint8_t)(ext_kib >> 8);
    c[0x34] = (uint8_t)blocks;
    c[0x35] = (uint8_t)(blocks >> 8);
    /* Equipment byte: math coprocessor present, VGA, no floppy. */
    c[0x14] = 0x02;
    /* AT checksum over 0x10-0x2d, big endian at 0x2e. */
    unsigned sum = 0;
    for (int i = 0x10; i <= 0x2d; i++)
        sum += c[i];
    c[0x2e] = (uint8_t)(sum >> 8);
    c[0x2f] = (uint8_t)sum;
}

void rtc_init(struct rtc *rtc, struct vclock *clock, const struct irq_line *irq8, int64_t unix_time,
              uint64_t ram_bytes)
{
    memset(rtc, 0, sizeof *rtc);
    rtc->clock = clock;
    if (irq8)
        rtc->irq = *irq8;
    vtimer_init(&rtc->timer, clock, timer_fire, rtc);
    /* The state a PC BIOS leaves: 32.768 kHz divider, 1024 Hz rate, BCD, 24 h. */
    rtc->s.cmos[RTC_REG_A] = 0x26;
    rtc->s.cmos[RTC_REG_B] = B_24H;
    rtc->s.cmos[RTC_REG_D] = D_VRT;
    rtc->s.divider_running = true;
    rtc->s.origin_ns = vclock_now(clock);
    set_time(rtc, unix_time);
    set_memory_size(rtc, ram_bytes);
    rtc_reset(rtc);
}

void rtc_reset(struct rtc *rtc)
{
    uint64_t now = vclock_now(rtc->clock);
    sync(rtc, now);
    rtc->s.cmos[RTC_REG_B] &= (uint8_t) ~(B_PIE | B_AIE | B_UIE | B_SQWE);
    rtc->s.cmos[RTC_REG_C] = 0;
    rtc->s.pf_sticky = false;
    rtc->s.pf_index = periodic_count(rtc, now);
    update_irq(rtc);
}

uint8_t rtc_cmos_read(struct rtc *rtc, uint8_t index)
{
    uint64_t now = vclock_now(rtc->clock);
    index &= 0x7f;
    sync(rtc, now);
    switch (index) {
    case RTC_REG_A:
        return (uint8_t)((rtc->s.cmos[RTC_REG_A] & 0x7f) | (in_uip_window(rtc, now) ? A_UIP : 0));
    case RTC_REG_C: {
        /* Reading C clears every flag and releases IRQ 8. */
        uint8_t v = flags_now(rtc, now);
        rtc->s.cmos[RTC_REG_C] = 0;
        rtc->s.pf_sticky = false;
        rtc->s.pf_index = periodic_count(rtc, now);
        update_irq(rtc);
        return v;
    }
    case RTC_REG_D: return D_VRT;
    default: return rtc->s.cmos[index];
    }
}

void rtc_cmos_write(struct rtc *rtc, uint8_t index, uint8_t value)
{
    uint64_t now = vclock_now(rtc->clock);
    index &= 0x7f;
    sync(rtc, now);
    switch (index) {
    case RTC_REG_A: {
        bool pf = pf_now(rtc, now);
        bool run = (value >> 4 & 7) == 2;
        if (run && !rtc->s.divider_running) {
            rtc->s.origin_ns = now; /* first update 0.5 s from here */
            rtc->s.updates_done = 0;
        }
        rtc->s.divider_running = run;
        rtc->s.cmos[RTC_REG_A] = value & 0x7f;
        rtc->s.pf_sticky = pf;
        rtc->s.pf_index = periodic_count(rtc, now);
        break;
    }
    case RTC_REG_B:
        /* Setting SET aborts the update cycle and clears UIE (datasheet). */
        if (value & B_SET)
            value &= (uint8_t)~B_UIE;
        rtc->s.cmos[RTC_REG_B] = value;
        break;
    case RTC_REG_C:
    case RTC_REG_D: break; /* read only */
    default: rtc->s.cmos[index] = value; break;
    }
    update_irq(rtc);
}

uint8_t rtc_read(struct rtc *rtc, int port)
{
    if (!(port & 1))
        return 0xff; /* the index register is write only */
    return rtc_cmos_read(rtc, rtc->s.index);
}

void rtc_write(struct rtc *rtc, int port, uint8_t value)
{
    if (port & 1) {
        rtc_cmos_write(rtc, rtc->s.index, value);
    } else {
        rtc->s.index = value & 0x7f;
        rtc->s.nmi_masked = value & 0x80;
    }
}

bool rtc_nmi_masked(const struct rtc *rtc)
{
    return rtc->s.nmi_masked;
}

static uint32_t io_read(void *opaque, uint32_t offset, int size)
{
    return rtc_read(opaque, (int)offset);
}

static void io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    rtc_write(opaque, (int)offset, (uint8_t)value);
}

static const struct io_ops rtc_ops = {io_read, io_write};

bool rtc_register(struct rtc *rtc, struct ioport_bus *bus)
{
    return ioport_register(bus, 0x70, 2, &rtc_ops, rtc);
}
