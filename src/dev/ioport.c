#include "dev/ioport.h"

#include <string.h>

void ioport_bus_init(struct ioport_bus *bus)
{
    memset(bus, 0, sizeof *bus);
}

bool ioport_register(struct ioport_bus *bus, uint16_t base, uint16_t count,
                     const struct io_ops *ops, void *opaque)
{
    if (bus->range_count == IOPORT_MAX_RANGES || count == 0 || base + count > 65536)
        return false;
    for (uint32_t p = base; p < (uint32_t)base + count; p++)
        if (bus->index[p])
            return false;
    bus->ranges[bus->range_count] = (struct ioport_range){base, count, ops, opaque};
    bus->range_count++;
    for (uint32_t p = base; p < (uint32_t)base + count; p++)
        bus->index[p] = (uint8_t)bus->range_count;
    return true;
}

/* A word or dword access that a device does not serve whole is split into bytes,
 * which is what the ISA bus does with a 16-bit access to an 8-bit device. */
uint32_t ioport_read(struct ioport_bus *bus, uint16_t port, int size)
{
    int n = bus->index[port];
    if (n) {
        const struct ioport_range *r = &bus->ranges[n - 1];
        if (port + size <= r->base + r->count)
            return r->ops->read(r->opaque, port - r->base, size);
    }
    if (size == 1)
        return 0xff;
    uint32_t v = 0;
    for (int i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        int m = bus->index[p];
        uint32_t byte = 0xff;
        if (m) {
            const struct ioport_range *r = &bus->ranges[m - 1];
            byte = r->ops->read(r->opaque, p - r->base, 1) & 0xff;
        }
        v |= byte << (8 * i);
    }
    return v;
}

void ioport_write(struct ioport_bus *bus, uint16_t port, uint32_t value, int size)
{
    int n = bus->index[port];
    if (n) {
        const struct ioport_range *r = &bus->ranges[n - 1];
        if (port + size <= r->base + r->count) {
            r->ops->write(r->opaque, port - r->base, value, size);
            return;
        }
    }
    for (int i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        int m = bus->index[p];
        if (m) {
            const struct ioport_range *r = &bus->ranges[m - 1];
            r->ops->write(r->opaque, p - r->base, (value >> (8 * i)) & 0xff, 1);
        }
    }
}
