/* Assembles CPU, memory, JIT and devices into a PC. */
#include "dev/machine.h"

#include <stdio.h>
#include <stdlib.h>

struct machine {
    struct machine_config config;
};

void machine_config_defaults(struct machine_config *config)
{
    *config = (struct machine_config){
        .ram_bytes = 128u << 20,
        .icount_ns = 1,
    };
}

struct machine *machine_create(const struct machine_config *config)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        fprintf(stderr, "bt86: out of memory creating the machine\n");
        return NULL;
    }
    m->config = *config;
    return m;
}

struct machine_exit machine_run(struct machine *m)
{
    (void)m;
    fprintf(stderr, "bt86: the CPU core is not built yet; nothing to run\n");
    return (struct machine_exit){MACHINE_EXIT_UNSUPPORTED, 1};
}

void machine_destroy(struct machine *m)
{
    free(m);
}
