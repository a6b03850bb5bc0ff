#include "ui/headless.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define CTRL_A 0x01

static void feed(struct headless *h, struct machine *m)
{
    size_t taken = machine_serial_input(m, 0, h->pending, h->pending_len);
    memmove(h->pending, h->pending + taken, h->pending_len - taken);
    h->pending_len -= taken;
}

static void poll_input(void *opaque, struct machine *m)
{
    struct headless *h = opaque;
    if (h->pending_len)
        feed(h, m);
    if (!h->stdin_open || h->pending_len)
        return;
    struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
    if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & (POLLIN | POLLHUP)))
        return;
    unsigned char buf[128];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
        h->stdin_open = false; /* end of input: the guest simply gets no more */
        return;
    }
    for (ssize_t k = 0; k < n; k++) {
        unsigned char c = buf[k];
        if (h->raw && h->escape) {
            h->escape = false;
            if (c == 'x') {
                machine_quit(m);
                return;
            }
            if (c != CTRL_A)
                continue; /* unknown escape: dropped, as QEMU does */
        } else if (h->raw && c == CTRL_A) {
            h->escape = true;
            continue;
        }
        if (h->pending_len < sizeof h->pending)
            h->pending[h->pending_len++] = c;
    }
    feed(h, m);
}

void headless_attach(struct headless *h, struct machine *m)
{
    memset(h, 0, sizeof *h);
    h->stdin_open = true;
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &h->saved) == 0) {
        struct termios raw = h->saved;
        cfmakeraw(&raw);
        raw.c_oflag |= OPOST | ONLCR; /* keep the guest's output readable */
        if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
            h->raw = true;
    }
    struct machine_frontend fe = {poll_input, h};
    machine_set_frontend(m, &fe);
}

void headless_detach(struct headless *h)
{
    if (h->raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &h->saved);
    h->raw = false;
}
