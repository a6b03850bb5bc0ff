#include "dev/port61.h"

/* The refresh request toggles on every DRAM refresh, which the PC/AT BIOS
 * programs as PIT counter 1 mode 2 with count 18 (15.085 us). Deriving it from
 * the PIT clock keeps it exact and independent of counter 1's programming. */
#define REFRESH_TICKS 18

void port61_reset(struct port61 *p)
{
    p->value = 0;
    pit_set_gate(p->pit, 2, false);
}

void port61_init(struct port61 *p, struct pit *pit)
{
    p->pit = pit;
    port61_reset(p);
}

uint8_t port61_read(struct port61 *p)
{
    uint64_t ticks = pit_ticks_at(vclock_now(p->pit->clock));
    uint8_t v = p->value & 0x0f;
    if (ticks / REFRESH_TICKS & 1)
        v |= 0x10;
    if (pit_get_out(p->pit, 2))
        v |= 0x20;
    return v;
}

void port61_write(struct port61 *p, uint8_t value)
{
    p->value = value & 0x0f;
    pit_set_gate(p->pit, 2, value & 1);
}

bool port61_speaker_enabled(const struct port61 *p)
{
    return (p->value & 3) == 3;
}

static uint32_t io_read(void *opaque, uint32_t offset, int size)
{
    return port61_read(opaque);
}

static void io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    port61_write(opaque, (uint8_t)value);
}

static const struct io_ops port61_ops = {io_read, io_write};

bool port61_register(struct port61 *p, struct ioport_bus *bus)
{
    return ioport_register(bus, 0x61, 1, &port61_ops, p);
}
