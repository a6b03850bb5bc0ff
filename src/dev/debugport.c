#include "dev/debugport.h"

#include <string.h>

void debugport_reset(struct debugport *d)
{
    d->post_code = 0;
}

void debugport_init(struct debugport *d, const struct debugport_hooks *hooks)
{
    memset(d, 0, sizeof *d);
    if (hooks)
        d->hooks = *hooks;
}

static uint32_t post_read(void *opaque, uint32_t offset, int size)
{
    struct debugport *d = opaque;
    return d->post_code;
}

static void post_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct debugport *d = opaque;
    d->post_code = (uint8_t)value;
}

static uint32_t console_read(void *opaque, uint32_t offset, int size)
{
    return 0xe9;
}

static void console_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct debugport *d = opaque;
    if (d->hooks.console)
        d->hooks.console(d->hooks.opaque, (uint8_t)value);
}

static uint32_t exit_read(void *opaque, uint32_t offset, int size)
{
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static void exit_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct debugport *d = opaque;
    if (offset != 0)
        return;
    if (size < 4)
        value &= (1u << (8 * size)) - 1;
    if (d->hooks.exit)
        d->hooks.exit(d->hooks.opaque, (int)((value << 1) | 1));
}

static const struct io_ops post_ops = {post_read, post_write};
static const struct io_ops console_ops = {console_read, console_write};
static const struct io_ops exit_ops = {exit_read, exit_write};

bool debugport_register(struct debugport *d, struct ioport_bus *bus)
{
    return ioport_register(bus, 0x80, 1, &post_ops, d) &&
           ioport_register(bus, 0xe9, 1, &console_ops, d) &&
           ioport_register(bus, 0xf4, 4, &exit_ops, d);
}
