/* The board-level outputs that several devices drive: the A20 gate and the CPU
 * reset request. The i8042 output port, port 0x92 and the PIIX3 reset control
 * register (0xCF9) all reach the machine through this one shape; the machine
 * decides what a reset or an A20 change means (DESIGN.md: devices see the CPU
 * only through narrow calls). Either pointer may be NULL. */
#ifndef BT86_DEV_SYSHOOKS_H
#define BT86_DEV_SYSHOOKS_H

#include <stdbool.h>

struct sys_hooks {
    void (*set_a20)(void *opaque, bool enabled);
    void (*reset)(void *opaque);
    void *opaque;
};

static inline void sys_hooks_a20(const struct sys_hooks *h, bool enabled)
{
    if (h->set_a20)
        h->set_a20(h->opaque, enabled);
}

static inline void sys_hooks_reset(const struct sys_hooks *h)
{
    if (h->reset)
        h->reset(h->opaque);
}

#endif
