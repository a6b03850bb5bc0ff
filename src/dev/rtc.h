/* MC146818A real-time clock and 128 bytes of CMOS RAM at 0x70/0x71 (bit 7 of a
 * write to 0x70 masks NMI). Registers A-D, BCD/binary and 12/24-hour formats,
 * the once-a-second update cycle with its UIP window, periodic, alarm and
 * update-ended interrupts on IRQ 8.
 *
 * Time is virtual: the clock starts from a wall-clock value given to rtc_init
 * (the only host time any device sees, injectable for tests) and advances one
 * second per update cycle of virtual time. Flags are computed lazily from the
 * virtual clock; a vtimer is armed only while an enabled interrupt is due and
 * IRQ 8 is not already asserted. */
#ifndef BT86_DEV_RTC_H
#define BT86_DEV_RTC_H

#include "dev/ioport.h"
#include "dev/irq.h"
#include "dev/vclock.h"

#include <stdbool.h>
#include <stdint.h>

enum {
    RTC_SECONDS = 0x00,
    RTC_SECONDS_ALARM = 0x01,
    RTC_MINUTES = 0x02,
    RTC_MINUTES_ALARM = 0x03,
    RTC_HOURS = 0x04,
    RTC_HOURS_ALARM = 0x05,
    RTC_DAY_OF_WEEK = 0x06,
    RTC_DAY_OF_MONTH = 0x07,
    RTC_MONTH = 0x08,
    RTC_YEAR = 0x09,
    RTC_REG_A = 0x0a,
    RTC_REG_B = 0x0b,
    RTC_REG_C = 0x0c,
    RTC_REG_D = 0x0d,
    RTC_CENTURY = 0x32,
};

/* Plain data: the state to save. */
struct rtc_state {
    uint8_t cmos[128];     /* 0x00-0x0d the clock registers, the rest RAM */
    uint8_t index;         /* last index written to 0x70 */
    bool nmi_masked;       /* bit 7 of the last write to 0x70 */
    bool divider_running;  /* register A DV = 010 */
    uint64_t origin_ns;    /* when the divider chain left reset */
    uint64_t updates_done; /* update cycles applied since origin_ns */
    bool pf_sticky;        /* PF set under an earlier periodic rate */
    uint64_t pf_index;     /* periodic count at the last PF clear */
    int irq_level;
};

struct rtc {
    struct rtc_state s;
    struct vclock *clock;
    struct irq_line irq;
    struct vtimer timer;
};

/* unix_time: the wall clock (seconds since 1970-01-01 UTC) at the current
 * virtual time. ram_bytes fills the CMOS memory-size fields. */
void rtc_init(struct rtc *rtc, struct vclock *clock, const struct irq_line *irq8, int64_t unix_time,
              uint64_t ram_bytes);
/* The /RESET pin: clears PIE, AIE, UIE, SQWE and the flags; time and RAM stay. */
void rtc_reset(struct rtc *rtc);
bool rtc_register(struct rtc *rtc, struct ioport_bus *bus); /* 0x70-0x71 */

uint8_t rtc_read(struct rtc *rtc, int port);
void rtc_write(struct rtc *rtc, int port, uint8_t value);
bool rtc_nmi_masked(const struct rtc *rtc);

/* Direct CMOS access (index 0-127) for the board and tests. */
uint8_t rtc_cmos_read(struct rtc *rtc, uint8_t index);
void rtc_cmos_write(struct rtc *rtc, uint8_t index, uint8_t value);

#endif
