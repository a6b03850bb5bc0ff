/* The headless front end: COM1 on the terminal. stdin goes to the guest's serial
 * port (raw mode when it is a terminal, so keys arrive one by one), and as in QEMU
 * Ctrl-A x quits and Ctrl-A Ctrl-A sends a Ctrl-A. */
#ifndef BT86_UI_HEADLESS_H
#define BT86_UI_HEADLESS_H

#include "dev/machine.h"

#include <stdbool.h>
#include <termios.h>

struct headless {
    bool raw; /* the terminal is in raw mode and must be restored */
    struct termios saved;
    bool escape; /* the last key was Ctrl-A */
    bool stdin_open;
    unsigned char pending[256]; /* input the UART had no room for yet */
    size_t pending_len;
};

/* Attaches stdin to COM1 of the machine. */
void headless_attach(struct headless *h, struct machine *m);
void headless_detach(struct headless *h);

#endif
