#include "dev/port92.h"

#include <string.h>

void port92_reset(struct port92 *p)
{
    p->value = 0; /* A20 gate off: the i8042 output port decides */
}

void port92_init(struct port92 *p, const struct sys_hooks *hooks)
{
    memset(p, 0, sizeof *p);
    if (hooks)
        p->hooks = *hooks;
    port92_reset(p);
}

uint8_t port92_read(struct port92 *p)
{
    return p->value & 3;
}

void port92_write(struct port92 *p, uint8_t v)
{
    uint8_t old = p->value;
    p->value = v & 3;
    if ((old ^ v) & 2)
        sys_hooks_a20(&p->hooks, v & 2);
    if ((v & 1) && !(old & 1))
        sys_hooks_reset(&p->hooks);
}

bool port92_a20(const struct port92 *p)
{
    return p->value & 2;
}

static uint32_t io_read(void *opaque, uint32_t offset, int size)
{
    return port92_read(opaque);
}

static void io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    port92_write(opaque, (uint8_t)value);
}

static const struct io_ops port92_ops = {io_read, io_write};

bool port92_register(struct port92 *p, struct ioport_bus *bus)
{
    return ioport_register(bus, 0x92, 1, &port92_ops, p);
}
