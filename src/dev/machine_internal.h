/* The machine's parts, shared by the files that assemble and run it (machine.c,
 * board.c, firmware.c, linux_boot.c). Front ends use machine.h only. */
#ifndef BT86_DEV_MACHINE_INTERNAL_H
#define BT86_DEV_MACHINE_INTERNAL_H

#include "cpu/cpu.h"
#include "dev/debugport.h"
#include "dev/i8042.h"
#include "dev/ioport.h"
#include "dev/machine.h"
#include "dev/pci.h"
#include "dev/pic.h"
#include "dev/pit.h"
#include "dev/port61.h"
#include "dev/port92.h"
#include "dev/rtc.h"
#include "dev/uart.h"
#include "dev/vclock.h"

#include <stdio.h>

/* Where a character device's output goes. */
struct char_sink {
    FILE *file; /* NULL: discarded */
    bool owned; /* fclose on destroy */
};

struct machine {
    struct machine_config config;
    struct phys_space phys;
    struct cpu *cpu;
    struct ioport_bus io;
    struct vclock clock;
    uint64_t base_ns; /* virtual time at the last CPU reset (time never runs back) */

    struct pic pic;
    struct pit pit;
    struct port61 port61;
    struct rtc rtc;
    struct uart uart[2];
    struct i8042 kbc;
    struct port92 port92;
    struct debugport debug;
    struct pci_host pci;

    struct char_sink serial_out[2];
    struct char_sink debugcon_out;
    struct machine_frontend frontend;

    /* requests from devices and the front end, handled between CPU slices */
    bool reset_requested;
    bool quit_requested;
    bool guest_exit;
    int guest_exit_status;
};

/* board.c: devices on the port bus, IRQ wiring, CPU bus. False: message printed. */
bool board_create(struct machine *m);
void board_reset(struct machine *m);
void board_destroy(struct machine *m);
/* Virtual time now, from the instruction count (exact inside an instruction). */
uint64_t board_now_ns(const struct machine *m);
/* Lets ns of virtual time pass on the CPU clock without retiring instructions. */
void board_stall_ns(struct machine *m, uint64_t ns);

/* firmware.c: maps a -bios image. False: message printed. */
bool firmware_load(struct machine *m, const char *path);

/* linux_boot.c: loads a bzImage (+ initrd, command line) and sets the CPU up at
 * the 32-bit entry point. False: message printed. */
bool linux_boot_load(struct machine *m);

#endif
