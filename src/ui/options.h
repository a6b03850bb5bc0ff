/* Command-line parsing: QEMU's option spellings plus bt86's own long options. */
#ifndef BT86_UI_OPTIONS_H
#define BT86_UI_OPTIONS_H

#include "dev/machine.h"

#include <stdio.h>

enum options_result {
    OPTIONS_RUN,   /* config is ready: build and run a machine */
    OPTIONS_EXIT,  /* --help or --version was answered: exit 0 */
    OPTIONS_ERROR, /* a one-line error was printed: exit 2 */
};

enum options_result options_parse(int argc, char **argv, struct machine_config *config);

/* Parses a QEMU-style size ("128", "128M", "1G", "512k"); a bare number is MiB,
 * as with QEMU's -m. Returns false on malformed or out-of-range input. */
bool options_parse_size(const char *text, uint64_t *bytes);

void options_print_help(FILE *out);

#endif
