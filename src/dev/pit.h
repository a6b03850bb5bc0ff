/* The 8254 programmable interval timer at 0x40-0x43: three counters clocked at
 * 1.193182 MHz, modes 0-5, binary or BCD, counter latch and read-back.
 *
 * Time is virtual: the counter clock is derived from vclock nanoseconds with
 * exact integer arithmetic (clock edge k falls at k * 1e9 / 1193182 ns from
 * virtual time 0), and a counter's value and OUT are computed from the clock
 * edges elapsed since its count was loaded, never by ticking. Counter 0 drives
 * IRQ 0; its vtimer is armed only for the next OUT edge. Counter 2's gate and
 * OUT are reached through port 0x61 (port61.h). */
#ifndef BT86_DEV_PIT_H
#define BT86_DEV_PIT_H

#include "dev/ioport.h"
#include "dev/irq.h"
#include "dev/vclock.h"

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ 1193182u

/* One counter. Plain data: this is the state to save. */
struct pit_counter {
    uint8_t mode; /* 0-5 */
    uint8_t rw;   /* 1 LSB, 2 MSB, 3 LSB then MSB */
    bool bcd;
    bool gate;
    bool write_msb_next; /* RW=3: the next write is the MSB */
    bool read_msb_next;  /* RW=3: the next read is the MSB */
    uint8_t write_lsb;   /* RW=3: the LSB waiting for its MSB */
    uint16_t count_reg;  /* CR: the last count written */
    bool null_count;     /* CR written but not yet loaded into CE */
    bool loaded;         /* a count was written since the control word */

    /* CE as a function of clock edges: while running, CE = base at edge
     * load_tick and counts from there (mode rules in pit.c). */
    bool running;
    uint64_t load_tick;
    uint32_t base;    /* 1 .. 0x10000 (binary) or 1 .. 10000 (BCD) */
    bool tc_before;   /* mode 0: OUT already high when the run started */
    bool out_idle;    /* OUT while not running */
    uint16_t ce_idle; /* CE while not running */
    /* Modes 2 and 3: a count written while running takes effect at the end
     * of the current period (8254 datasheet, mode 2/3 "new count"). */
    bool reload_pending;
    uint64_t reload_tick;

    uint16_t latch;      /* output latch (OL) */
    uint8_t latch_bytes; /* bytes of OL still to read: 0, 1 or 2 */
    bool latch_msb_next; /* RW=3 latched read order */
    bool status_latched;
    uint8_t status;

    bool irq_level;          /* counter 0: the level last driven on IRQ 0 */
    uint64_t next_edge_tick; /* counter 0: the edge its vtimer is armed for */
};

struct pit_state {
    struct pit_counter c[3];
};

struct pit {
    struct pit_state s;
    struct vclock *clock;
    struct irq_line irq0;
    struct vtimer timer; /* counter 0's next OUT edge */
};

void pit_init(struct pit *pit, struct vclock *clock, const struct irq_line *irq0);
void pit_reset(struct pit *pit);
bool pit_register(struct pit *pit, struct ioport_bus *bus); /* 0x40-0x43 */

uint8_t pit_read(struct pit *pit, int port);
void pit_write(struct pit *pit, int port, uint8_t value);

/* Counter gate input (counters 0 and 1 are tied high on the PC). */
void pit_set_gate(struct pit *pit, int counter, bool level);
bool pit_get_gate(const struct pit *pit, int counter);
/* OUT of a counter now. */
bool pit_get_out(struct pit *pit, int counter);

/* Counter clock edges elapsed at virtual time ns, and the first ns at or after
 * edge k (exact inverses; exposed for port 0x61 and tests). */
uint64_t pit_ticks_at(uint64_t ns);
uint64_t pit_ns_of_tick(uint64_t tick);

#endif
