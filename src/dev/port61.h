/* Port 0x61, the AT "system control port B" (PIIX3 NMI status and control):
 * bit 0 PIT counter 2 gate, bit 1 speaker data enable, bits 2-3 parity/IOCHK
 * check enables (stored), bit 4 refresh request toggle (read only), bit 5 PIT
 * counter 2 OUT (read only), bits 6-7 IOCHK/SERR status (read as 0: no NMI
 * sources). */
#ifndef BT86_DEV_PORT61_H
#define BT86_DEV_PORT61_H

#include "dev/ioport.h"
#include "dev/pit.h"

#include <stdbool.h>
#include <stdint.h>

struct port61 {
    uint8_t value; /* bits 0-3 as written: the state to save */
    struct pit *pit;
};

void port61_init(struct port61 *p, struct pit *pit);
void port61_reset(struct port61 *p);
bool port61_register(struct port61 *p, struct ioport_bus *bus);

uint8_t port61_read(struct port61 *p);
void port61_write(struct port61 *p, uint8_t value);
/* The speaker is driven when bit 1 is set (counter 2 OUT gated by bit 1). */
bool port61_speaker_enabled(const struct port61 *p);

#endif
