/* The port-I/O bus: 64K ports, each range served by io_ops (the same shape as an
 * MMIO region). Unclaimed ports read as all-ones and ignore writes. */
#ifndef BT86_DEV_IOPORT_H
#define BT86_DEV_IOPORT_H

#include "mem/mem.h"

#include <stdbool.h>
#include <stdint.h>

#define IOPORT_MAX_RANGES 64

struct ioport_range {
    uint16_t base;
    uint16_t count;
    const struct io_ops *ops;
    void *opaque;
};

struct ioport_bus {
    struct ioport_range ranges[IOPORT_MAX_RANGES];
    int range_count;
    uint8_t index[65536]; /* port -> range number + 1, 0 = unclaimed */
};

void ioport_bus_init(struct ioport_bus *bus);
/* Claims [base, base+count); the offset handed to ops is port - base.
 * False when the table is full or a port is already claimed. */
bool ioport_register(struct ioport_bus *bus, uint16_t base, uint16_t count,
                     const struct io_ops *ops, void *opaque);
uint32_t ioport_read(struct ioport_bus *bus, uint16_t port, int size);
void ioport_write(struct ioport_bus *bus, uint16_t port, uint32_t value, int size);

#endif
