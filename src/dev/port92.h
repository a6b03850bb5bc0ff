/* System control port A (0x92, PIIX3 "Port 92"): bit 1 A20 gate, bit 0 fast
 * reset (a 0 -> 1 transition requests a CPU reset). Other bits read as 0. */
#ifndef BT86_DEV_PORT92_H
#define BT86_DEV_PORT92_H

#include "dev/ioport.h"
#include "dev/syshooks.h"

#include <stdbool.h>
#include <stdint.h>

struct port92 {
    uint8_t value; /* bits 0-1 as written: the state to save */
    struct sys_hooks hooks;
};

void port92_init(struct port92 *p, const struct sys_hooks *hooks);
void port92_reset(struct port92 *p);
bool port92_register(struct port92 *p, struct ioport_bus *bus);
uint8_t port92_read(struct port92 *p);
void port92_write(struct port92 *p, uint8_t value);
bool port92_a20(const struct port92 *p);

#endif
