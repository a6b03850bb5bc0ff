/* bt86's entry point: parse the command line, build a machine, run it, and turn
 * how the run ended into the process exit status. Nothing else lives here. */
#include "dev/machine.h"
#include "ui/headless.h"
#include "ui/options.h"

int main(int argc, char **argv)
{
    struct machine_config config;
    machine_config_defaults(&config);
    switch (options_parse(argc, argv, &config)) {
    case OPTIONS_EXIT: return 0;
    case OPTIONS_ERROR: return 2;
    case OPTIONS_RUN: break;
    }
    struct machine *machine = machine_create(&config);
    if (!machine)
        return 1;
    /* No window yet: every run is headless, with COM1 on the terminal if -nographic. */
    struct headless headless;
    bool attach = config.nographic || (config.serial_set[0] && config.serial[0].kind == CHAR_STDIO);
    if (attach)
        headless_attach(&headless, machine);
    struct machine_exit exit = machine_run(machine);
    if (attach)
        headless_detach(&headless);
    machine_destroy(machine);
    return exit.status;
}
