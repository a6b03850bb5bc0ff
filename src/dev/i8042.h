/* The i8042 keyboard controller at 0x60 (data) / 0x64 (status, command) with a
 * PS/2 keyboard on its first port (ps2kbd.h).
 *
 * Controller commands: 0x20-0x3F read and 0x60-0x7F write internal RAM (0x20 /
 * 0x60: the command byte), 0xA7/0xA8 aux disable/enable, 0xA9 aux interface
 * test, 0xAA self test (-> 0x55), 0xAB keyboard interface test (-> 0x00),
 * 0xAD/0xAE keyboard disable/enable, 0xD0/0xD1 read/write output port (bit 0
 * CPU reset, active low; bit 1 A20), 0xD2/0xD3 write keyboard/aux output
 * buffer, 0xD4 write to aux, 0xDD/0xDF A20 off/on, 0xE0 test inputs, 0xF0-0xFF
 * pulse output port bits 0-3 (0xFE: reset).
 *
 * The aux port exists but nothing is plugged in: 0xA9 reports the interface as
 * good (0x00), and bytes sent to it with 0xD4 get no answer, so a mouse driver
 * times out and sees no device (what a PC with an empty PS/2 mouse socket does).
 *
 * Bytes move to the output buffer as soon as it is empty (no serial timing);
 * IRQ 1 / IRQ 12 follow OBF while enabled in the command byte. */
#ifndef BT86_DEV_I8042_H
#define BT86_DEV_I8042_H

#include "dev/ioport.h"
#include "dev/irq.h"
#include "dev/ps2kbd.h"
#include "dev/syshooks.h"

#include <stdbool.h>
#include <stdint.h>

#define I8042_QUEUE 8

/* Plain data: the state to save. */
struct i8042_state {
    uint8_t ram[32];            /* ram[0]: the command byte */
    uint8_t out;                /* output buffer */
    bool obf, out_aux;          /* output buffer full, and from the aux port */
    bool sys_flag;              /* status bit 2 */
    bool last_was_command;      /* status bit 3 (A2) */
    uint8_t pending;            /* command waiting for a data byte, or 0 */
    uint8_t outport;            /* output port (0xD0/0xD1) */
    uint8_t queue[I8042_QUEUE]; /* controller replies waiting for OBF */
    uint8_t queue_aux;          /* bit n: queue entry n comes from aux */
    uint8_t queue_head, queue_count;
    bool xlat_break; /* translation saw the set 2 break prefix F0 */
    int irq1_level, irq12_level;
};

struct i8042 {
    struct i8042_state s;
    struct ps2kbd kbd;
    struct irq_line irq1, irq12;
    struct sys_hooks hooks;
};

void i8042_init(struct i8042 *kbc, const struct irq_line *irq1, const struct irq_line *irq12,
                const struct sys_hooks *hooks);
void i8042_reset(struct i8042 *kbc);
bool i8042_register(struct i8042 *kbc, struct ioport_bus *bus); /* 0x60, 0x64 */

uint8_t i8042_read(struct i8042 *kbc, int port); /* port 0x60 or 0x64 */
void i8042_write(struct i8042 *kbc, int port, uint8_t value);
bool i8042_a20(const struct i8042 *kbc);

#endif
