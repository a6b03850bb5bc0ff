/* i8042 keyboard controller (IBM PS/2 technical reference, "Keyboard/
 * Auxiliary Device Controller"). */
#include "dev/i8042.h"

#include <string.h>

enum {
    ST_OBF = 0x01,
    ST_SYS = 0x04,
    ST_A2 = 0x08,
    ST_UNLOCKED = 0x10, /* keyboard inhibit switch: not inhibited */
    ST_AUX_OBF = 0x20,
    CB_KBD_INT = 0x01,
    CB_AUX_INT = 0x02,
    CB_SYS = 0x04,
    CB_KBD_DISABLE = 0x10,
    CB_AUX_DISABLE = 0x20,
    CB_XLAT = 0x40,
    OP_RESET = 0x01, /* active low */
    OP_A20 = 0x02,
};

static void update_irq(struct i8042 *k)
{
    uint8_t cb = k->s.ram[0];
    int l1 = k->s.obf && !k->s.out_aux && (cb & CB_KBD_INT);
    int l12 = k->s.obf && k->s.out_aux && (cb & CB_AUX_INT);
    if (l1 != k->s.irq1_level) {
        k->s.irq1_level = l1;
        irq_set(&k->irq1, l1);
    }
    if (l12 != k->s.irq12_level) {
        k->s.irq12_level = l12;
        irq_set(&k->irq12, l12);
    }
}

/* Moves the next byte into an empty output buffer: controller replies first,
 * then the keyboard (translated to set 1 when the command byte says so). */
static void refill(struct i8042 *k)
{
    if (!k->s.obf && k->s.queue_count) {
        uint8_t i = k->s.queue_head;
        k->s.out = k->s.queue[i];
        k->s.out_aux = k->s.queue_aux >> i & 1;
        k->s.queue_head = (uint8_t)((i + 1) % I8042_QUEUE);
        k->s.queue_count--;
        k->s.obf = true;
    }
    while (!k->s.obf && !(k->s.ram[0] & CB_KBD_DISABLE) && ps2kbd_has_data(&k->kbd)) {
        uint8_t b = ps2kbd_read(&k->kbd);
        if (k->s.ram[0] & CB_XLAT) {
            if (b == 0xf0) {
                k->s.xlat_break = true;
                continue;
            }
            b = ps2_set2_to_set1(b);
            if (k->s.xlat_break)
                b |= 0x80;
            k->s.xlat_break = false;
        }
        k->s.out = b;
        k->s.out_aux = false;
        k->s.obf = true;
    }
    update_irq(k);
}

static void queue_reply(struct i8042 *k, uint8_t v, bool aux)
{
    if (k->s.queue_count == I8042_QUEUE)
        return;
    uint8_t i = (uint8_t)((k->s.queue_head + k->s.queue_count) % I8042_QUEUE);
    k->s.queue[i] = v;
    k->s.queue_aux = (uint8_t)((k->s.queue_aux & ~(1u << i)) | (aux ? 1u << i : 0));
    k->s.queue_count++;
    refill(k);
}

static void kbd_notify(void *opaque)
{
    refill(opaque);
}

static void write_outport(struct i8042 *k, uint8_t v)
{
    uint8_t old = k->s.outport;
    k->s.outport = v;
    if ((old ^ v) & OP_A20)
        sys_hooks_a20(&k->hooks, v & OP_A20);
    if (!(v & OP_RESET))
        sys_hooks_reset(&k->hooks);
}

void i8042_reset(struct i8042 *k)
{
    memset(&k->s, 0, sizeof k->s);
    /* The command byte a PC BIOS leaves: translate, system flag, IRQ 1. */
    k->s.ram[0] = CB_XLAT | CB_SYS | CB_KBD_INT;
    k->s.sys_flag = true;
    k->s.outport = OP_RESET | OP_A20;
    ps2kbd_reset(&k->kbd);
    update_irq(k);
}

void i8042_init(struct i8042 *k, const struct irq_line *irq1, const struct irq_line *irq12,
                const struct sys_hooks *hooks)
{
    memset(k, 0, sizeof *k);
    if (irq1)
        k->irq1 = *irq1;
    if (irq12)
        k->irq12 = *irq12;
    if (hooks)
        k->hooks = *hooks;
    ps2kbd_init(&k->kbd, kbd_notify, k);
    i8042_reset(k);
}

bool i8042_a20(const struct i8042 *k)
{
    return k->s.outport & OP_A20;
}

static void command(struct i8042 *k, uint8_t v)
{
    if (v >= 0x20 && v <= 0x3f) {
        queue_reply(k, k->s.ram[v & 0x1f], false);
        return;
    }
    if ((v >= 0x60 && v <= 0x7f) || (v >= 0xd1 && v <= 0xd4)) {
        k->s.pending = v;
        return;
    }
    if (v >= 0xf0) {
        /* Pulse the output port bits whose mask bit is 0; bit 0 is reset. */
        if (!(v & 1))
            sys_hooks_reset(&k->hooks);
        return;
    }
    switch (v) {
    case 0xa7: k->s.ram[0] |= CB_AUX_DISABLE; break;
    case 0xa8: k->s.ram[0] &= (uint8_t)~CB_AUX_DISABLE; break;
    case 0xa9: queue_reply(k, 0x00, false); break; /* aux clock/data lines good */
    case 0xaa:
        k->s.sys_flag = true;
        queue_reply(k, 0x55, false);
        break;
    case 0xab: queue_reply(k, 0x00, false); break;
    case 0xad: k->s.ram[0] |= CB_KBD_DISABLE; break;
    case 0xae:
        k->s.ram[0] &= (uint8_t)~CB_KBD_DISABLE;
        refill(k);
        break;
    case 0xd0: {
        uint8_t v = k->s.outport & (uint8_t)~0x30;
        if (k->s.obf)
            v |= k->s.out_aux ? 0x20 : 0x10;
        queue_reply(k, v, false);
        break;
    }
    case 0xdd: write_outport(k, k->s.outport & (uint8_t)~OP_A20); break;
    case 0xdf: write_outport(k, k->s.outport | OP_A20); break;
    case 0xe0: queue_reply(k, 0x00, false); break;
    default: break;
    }
}

static void data(struct i8042 *k, uint8_t v)
{
    uint8_t p = k->s.pending;
    k->s.pending = 0;
    if (p >= 0x60 && p <= 0x7f) {
        k->s.ram[p & 0x1f] = v;
        if (p == 0x60)
            k->s.sys_flag = v & CB_SYS;
        refill(k);
        return;
    }
    switch (p) {
    case 0xd1: write_outport(k, v); break;
    case 0xd2: queue_reply(k, v, false); break;
    case 0xd3: queue_reply(k, v, true); break;
    case 0xd4: break; /* no aux device: the byte goes unanswered */
    default: ps2kbd_write(&k->kbd, v); break;
    }
}

uint8_t i8042_read(struct i8042 *k, int port)
{
    if (port == 0x64) {
        uint8_t st = ST_UNLOCKED;
        if (k->s.obf)
            st |= ST_OBF | (k->s.out_aux ? ST_AUX_OBF : 0);
        if (k->s.sys_flag)
            st |= ST_SYS;
        if (k->s.last_was_command)
            st |= ST_A2;
        return st;
    }
    uint8_t v = k->s.out; /* an empty buffer reads the last byte again */
    k->s.obf = false;
    refill(k);
    return v;
}

void i8042_write(struct i8042 *k, int port, uint8_t value)
{
    if (port == 0x64) {
        k->s.last_was_command = true;
        command(k, value);
    } else {
        k->s.last_was_command = false;
        data(k, value);
    }
}

static uint32_t data_read(void *opaque, uint32_t offset, int size)
{
    return i8042_read(opaque, 0x60);
}

static void data_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    i8042_write(opaque, 0x60, (uint8_t)value);
}

static uint32_t status_read(void *opaque, uint32_t offset, int size)
{
    return i8042_read(opaque, 0x64);
}

static void command_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    i8042_write(opaque, 0x64, (uint8_t)value);
}

static const struct io_ops data_ops = {data_read, data_write};
static const struct io_ops status_ops = {status_read, command_write};

bool i8042_register(struct i8042 *k, struct ioport_bus *bus)
{
    return ioport_register(bus, 0x60, 1, &data_ops, k) &&
           ioport_register(bus, 0x64, 1, &status_ops, k);
}
