/* A PS/2 (MF2) keyboard as the i8042 sees it: a byte queue towards the
 * controller and the keyboard command set (reset 0xFF -> FA AA, 0xF2 identify
 * -> FA AB 83, 0xF4/0xF5 enable/disable, 0xED LEDs, 0xF0 scan code set, 0xF3
 * typematic, 0xEE echo, 0xFE resend). Keys are reported in scan code set 2;
 * the i8042 translates to set 1 when its command byte asks for it. Selecting
 * set 1 with 0xF0 makes the keyboard itself send set 1; set 3 is accepted and
 * reported but keys are still sent in set 2 (no PC guest relies on it). */
#ifndef BT86_DEV_PS2KBD_H
#define BT86_DEV_PS2KBD_H

#include <stdbool.h>
#include <stdint.h>

#define PS2KBD_QUEUE 32

/* Plain data: the state to save. */
struct ps2kbd_state {
    uint8_t queue[PS2KBD_QUEUE];
    uint8_t head, count;
    uint8_t param_for; /* command waiting for its parameter byte, or 0 */
    uint8_t scan_set;  /* 1, 2 or 3 */
    bool scanning;     /* 0xF4 enables, 0xF5 disables */
    uint8_t leds;      /* bit 0 scroll, 1 num, 2 caps lock */
    uint8_t typematic; /* 0xF3 parameter */
    uint8_t last_sent; /* for 0xFE resend */
};

struct ps2kbd {
    struct ps2kbd_state s;
    void (*notify)(void *opaque); /* bytes became available */
    void *opaque;
};

void ps2kbd_init(struct ps2kbd *kbd, void (*notify)(void *opaque), void *opaque);
void ps2kbd_reset(struct ps2kbd *kbd);

/* A byte from the host (through the controller). */
void ps2kbd_write(struct ps2kbd *kbd, uint8_t value);
bool ps2kbd_has_data(const struct ps2kbd *kbd);
uint8_t ps2kbd_read(struct ps2kbd *kbd); /* pops one byte; 0 when empty */

/* A key event, named by its set 2 make code (extended: 0xE0 prefix). */
void ps2kbd_key(struct ps2kbd *kbd, uint8_t set2_code, bool extended, bool down);
/* Raw bytes as the keyboard would send them (Pause, Print Screen sequences). */
void ps2kbd_send_raw(struct ps2kbd *kbd, const uint8_t *bytes, int n);

/* The set 2 -> set 1 translation of one byte (the i8042 table; bytes with no
 * key behind them pass unchanged). */
uint8_t ps2_set2_to_set1(uint8_t code);

#endif
