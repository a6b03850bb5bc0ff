#include "dev/ps2kbd.h"

#include <string.h>

enum {
    KBD_ACK = 0xfa,
    KBD_BAT_OK = 0xaa,
    KBD_RESEND = 0xfe,
    KBD_ECHO = 0xee,
};

/* (set 1, set 2) make codes of the keys of a 102/104-key keyboard plus the
 * Japanese/Brazilian extras: the translation the i8042 applies when command
 * byte bit 6 is set (IBM PS/2 technical reference, keyboard scan codes). */
static const uint8_t set1_set2_pairs[][2] = {
    {0x01, 0x76}, {0x02, 0x16}, {0x03, 0x1e}, {0x04, 0x26}, {0x05, 0x25}, {0x06, 0x2e},
    {0x07, 0x36}, {0x08, 0x3d}, {0x09, 0x3e}, {0x0a, 0x46}, {0x0b, 0x45}, {0x0c, 0x4e},
    {0x0d, 0x55}, {0x0e, 0x66}, {0x0f, 0x0d}, {0x10, 0x15}, {0x11, 0x1d}, {0x12, 0x24},
    {0x13, 0x2d}, {0x14, 0x2c}, {0x15, 0x35}, {0x16, 0x3c}, {0x17, 0x43}, {0x18, 0x44},
    {0x19, 0x4d}, {0x1a, 0x54}, {0x1b, 0x5b}, {0x1c, 0x5a}, {0x1d, 0x14}, {0x1e, 0x1c},
    {0x1f, 0x1b}, {0x20, 0x23}, {0x21, 0x2b}, {0x22, 0x34}, {0x23, 0x33}, {0x24, 0x3b},
    {0x25, 0x42}, {0x26, 0x4b}, {0x27, 0x4c}, {0x28, 0x52}, {0x29, 0x0e}, {0x2a, 0x12},
    {0x2b, 0x5d}, {0x2c, 0x1a}, {0x2d, 0x22}, {0x2e, 0x21}, {0x2f, 0x2a}, {0x30, 0x32},
    {0x31, 0x31}, {0x32, 0x3a}, {0x33, 0x41}, {0x34, 0x49}, {0x35, 0x4a}, {0x36, 0x59},
    {0x37, 0x7c}, {0x38, 0x11}, {0x39, 0x29}, {0x3a, 0x58}, {0x3b, 0x05}, {0x3c, 0x06},
    {0x3d, 0x04}, {0x3e, 0x0c}, {0x3f, 0x03}, {0x40, 0x0b}, {0x41, 0x83}, {0x42, 0x0a},
    {0x43, 0x01}, {0x44, 0x09}, {0x45, 0x77}, {0x46, 0x7e}, {0x47, 0x6c}, {0x48, 0x75},
    {0x49, 0x7d}, {0x4a, 0x7b}, {0x4b, 0x6b}, {0x4c, 0x73}, {0x4d, 0x74}, {0x4e, 0x79},
    {0x4f, 0x69}, {0x50, 0x72}, {0x51, 0x7a}, {0x52, 0x70}, {0x53, 0x71}, {0x54, 0x84},
    {0x56, 0x61}, {0x57, 0x78}, {0x58, 0x07}, {0x70, 0x13}, {0x73, 0x51}, {0x79, 0x64},
    {0x7b, 0x67}, {0x7d, 0x6a}, {0x7e, 0x6d}, {0xff, 0x00}, /* 00: overrun */
};

uint8_t ps2_set2_to_set1(uint8_t code)
{
    /* No key sends 02, but the scan-set reply "2" reads back as 0x41 through
     * the translator (as F7's 83 does); drivers check for it. */
    if (code == 0x02)
        return 0x41;
    for (size_t i = 0; i < sizeof set1_set2_pairs / sizeof set1_set2_pairs[0]; i++)
        if (set1_set2_pairs[i][1] == code)
            return set1_set2_pairs[i][0];
    return code;
}

static void push(struct ps2kbd *kbd, uint8_t v)
{
    if (kbd->s.count == PS2KBD_QUEUE)
        return; /* buffer overrun: dropped */
    kbd->s.queue[(kbd->s.head + kbd->s.count) % PS2KBD_QUEUE] = v;
    kbd->s.count++;
    if (kbd->notify)
        kbd->notify(kbd->opaque);
}

static void flush(struct ps2kbd *kbd)
{
    kbd->s.head = kbd->s.count = 0;
}

static void set_defaults(struct ps2kbd *kbd)
{
    kbd->s.scan_set = 2;
    kbd->s.typematic = 0x2b; /* 10.9 cps, 500 ms: the power-on default */
    kbd->s.param_for = 0;
}

void ps2kbd_reset(struct ps2kbd *kbd)
{
    memset(&kbd->s, 0, sizeof kbd->s);
    set_defaults(kbd);
    kbd->s.scanning = true;
}

void ps2kbd_init(struct ps2kbd *kbd, void (*notify)(void *opaque), void *opaque)
{
    kbd->notify = notify;
    kbd->opaque = opaque;
    ps2kbd_reset(kbd);
}

bool ps2kbd_has_data(const struct ps2kbd *kbd)
{
    return kbd->s.count != 0;
}

uint8_t ps2kbd_read(struct ps2kbd *kbd)
{
    if (!kbd->s.count)
        return 0;
    uint8_t v = kbd->s.queue[kbd->s.head];
    kbd->s.head = (kbd->s.head + 1) % PS2KBD_QUEUE;
    kbd->s.count--;
    kbd->s.last_sent = v;
    return v;
}

static void reply(struct ps2kbd *kbd, uint8_t v)
{
    push(kbd, v);
}

static void parameter(struct ps2kbd *kbd, uint8_t cmd, uint8_t v)
{
    kbd->s.param_for = 0;
    switch (cmd) {
    case 0xed:
        kbd->s.leds = v & 7;
        reply(kbd, KBD_ACK);
        break;
    case 0xf3:
        kbd->s.typematic = v & 0x7f;
        reply(kbd, KBD_ACK);
        break;
    case 0xf0:
        if (v == 0) {
            reply(kbd, KBD_ACK);
            reply(kbd, kbd->s.scan_set);
        } else if (v <= 3) {
            kbd->s.scan_set = v;
            reply(kbd, KBD_ACK);
        } else {
            reply(kbd, KBD_RESEND);
        }
        break;
    default: break;
    }
}

void ps2kbd_write(struct ps2kbd *kbd, uint8_t v)
{
    if (kbd->s.param_for) {
        parameter(kbd, kbd->s.param_for, v);
        return;
    }
    switch (v) {
    case 0xff: /* reset: ACK, then the basic assurance test result */
        flush(kbd);
        set_defaults(kbd);
        kbd->s.scanning = true;
        kbd->s.leds = 0;
        reply(kbd, KBD_ACK);
        reply(kbd, KBD_BAT_OK);
        break;
    case 0xfe: reply(kbd, kbd->s.last_sent); break;
    case 0xf6: /* set default */
    case 0xf5: /* default and disable */
        flush(kbd);
        set_defaults(kbd);
        kbd->s.scanning = v == 0xf6;
        reply(kbd, KBD_ACK);
        break;
    case 0xf4:
        flush(kbd);
        kbd->s.scanning = true;
        reply(kbd, KBD_ACK);
        break;
    case 0xf2: /* identify: MF2 keyboard */
        reply(kbd, KBD_ACK);
        reply(kbd, 0xab);
        reply(kbd, 0x83);
        break;
    case 0xed:
    case 0xf3:
    case 0xf0:
        kbd->s.param_for = v;
        reply(kbd, KBD_ACK);
        break;
    case 0xee: reply(kbd, KBD_ECHO); break;
    case 0xf7:
    case 0xf8:
    case 0xf9:
    case 0xfa:
    case 0xfb:
    case 0xfc:
    case 0xfd: reply(kbd, KBD_ACK); break; /* set 3 key types: accepted */
    default: reply(kbd, KBD_RESEND); break;
    }
}

void ps2kbd_key(struct ps2kbd *kbd, uint8_t set2_code, bool extended, bool down)
{
    if (!kbd->s.scanning)
        return;
    if (extended)
        push(kbd, 0xe0);
    if (kbd->s.scan_set == 1) {
        push(kbd, (uint8_t)(ps2_set2_to_set1(set2_code) | (down ? 0 : 0x80)));
        return;
    }
    if (!down)
        push(kbd, 0xf0);
    push(kbd, set2_code);
}

void ps2kbd_send_raw(struct ps2kbd *kbd, const uint8_t *bytes, int n)
{
    if (!kbd->s.scanning)
        return;
    for (int i = 0; i < n; i++)
        push(kbd, bytes[i]);
}
