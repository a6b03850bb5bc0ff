/* Debug ports: 0x80 POST code (the last value is kept; reads return it), 0xE9
 * debug console (each byte written goes to the console callback; reads return
 * 0xE9, the presence check Bochs and QEMU answer), and 0xF4-0xF7, QEMU's
 * isa-debug-exit: a write of V requests exit with status (V << 1) | 1. */
#ifndef BT86_DEV_DEBUGPORT_H
#define BT86_DEV_DEBUGPORT_H

#include "dev/ioport.h"

#include <stdbool.h>
#include <stdint.h>

struct debugport_hooks {
    void (*console)(void *opaque, uint8_t c);
    void (*exit)(void *opaque, int status);
    void *opaque;
};

struct debugport {
    uint8_t post_code; /* the state to save */
    struct debugport_hooks hooks;
};

void debugport_init(struct debugport *d, const struct debugport_hooks *hooks);
void debugport_reset(struct debugport *d);
/* Claims 0x80, 0xE9 and 0xF4-0xF7. */
bool debugport_register(struct debugport *d, struct ioport_bus *bus);

#endif
