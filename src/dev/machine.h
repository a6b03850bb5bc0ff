/* The PC board as the front ends see it: a configuration, and a machine built
 * from it that runs until something ends the run. Front ends never touch CPU
 * internals; everything they need is here. */
#ifndef BT86_DEV_MACHINE_H
#define BT86_DEV_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum char_backend_kind {
    CHAR_NONE,  /* not connected */
    CHAR_STDIO, /* the terminal of bt86 */
    CHAR_FILE,  /* appended to a file */
};

struct char_backend {
    enum char_backend_kind kind;
    const char *path; /* CHAR_FILE */
};

struct machine_config {
    uint64_t ram_bytes;
    const char *kernel; /* bzImage for direct Linux boot */
    const char *initrd;
    const char *append; /* kernel command line */
    const char *bios;   /* firmware image mapped below 4 GiB */
    const char *hda;
    const char *cdrom;
    struct char_backend serial[2];
    bool serial_set[2];           /* given by -serial (else the front end decides) */
    struct char_backend debugcon; /* port 0xE9 */
    bool nographic;
    bool no_reboot;
    bool no_jit;
    bool wait_on_halt;
    double timeout_seconds; /* 0: no limit */
    uint32_t icount_ns;     /* virtual nanoseconds per guest instruction */
    bool trace_events;      /* -d int: log every exception and interrupt to stderr */
};

/* How a run ended; machine_run returns it and main turns it into a status. */
enum machine_exit_kind {
    MACHINE_EXIT_ERROR,       /* message already printed */
    MACHINE_EXIT_HALT,        /* guest halted with interrupts off */
    MACHINE_EXIT_RESET,       /* guest asked for a reset under -no-reboot */
    MACHINE_EXIT_GUEST_CODE,  /* guest wrote to the exit port */
    MACHINE_EXIT_TIMEOUT,     /* --timeout elapsed */
    MACHINE_EXIT_USER,        /* the user quit (Ctrl-A x, window closed) */
    MACHINE_EXIT_UNSUPPORTED, /* the machine cannot run this configuration yet */
};

struct machine_exit {
    enum machine_exit_kind kind;
    int status; /* the process exit status this run asks for */
};

struct machine;

/* What a front end gives the machine: a poll called between CPU slices (at least
 * every few milliseconds of host time) to feed input and decide to quit. */
struct machine_frontend {
    void (*poll)(void *opaque, struct machine *machine);
    void *opaque;
};

void machine_config_defaults(struct machine_config *config);

/* Builds a machine; on failure prints one line naming the problem and returns NULL. */
struct machine *machine_create(const struct machine_config *config);
struct machine_exit machine_run(struct machine *machine);
void machine_destroy(struct machine *machine);

void machine_set_frontend(struct machine *machine, const struct machine_frontend *frontend);
/* Host bytes for serial port n (0 = COM1); returns how many the UART accepted. */
size_t machine_serial_input(struct machine *machine, int port, const uint8_t *buf, size_t len);
/* Ends the run with MACHINE_EXIT_USER (status 0). */
void machine_quit(struct machine *machine);

#endif
