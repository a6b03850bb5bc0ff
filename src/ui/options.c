#include "ui/options.h"
#include "ui/version.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum option_group {
    GROUP_STANDARD,
    GROUP_BLOCK,
    GROUP_DISPLAY,
    GROUP_BOOT,
    GROUP_CHAR,
    GROUP_DEBUG,
    GROUP_COUNT,
};

static const char *const group_titles[GROUP_COUNT] = {
    "Standard options",     "Block device options",     "Display options",
    "Linux/Multiboot boot", "Character device options", "Debug/expert options",
};

struct option_spec;
typedef bool (*option_fn)(const struct option_spec *spec, const char *arg,
                          struct machine_config *config);

struct option_spec {
    const char *name; /* without leading dashes; -name and --name are both accepted */
    const char *arg;  /* argument placeholder, NULL for a flag */
    enum option_group group;
    const char *help;
    option_fn apply; /* NULL: known but not implemented yet */
};

static bool fail(const char *option, const char *fmt, const char *detail)
{
    fprintf(stderr, "bt86: -%s: ", option);
    fprintf(stderr, fmt, detail);
    fputc('\n', stderr);
    return false;
}

static bool readable_file(const struct option_spec *spec, const char *path)
{
    if (access(path, R_OK) == 0)
        return true;
    fprintf(stderr, "bt86: -%s: cannot open '%s': %s\n", spec->name, path, strerror(errno));
    return false;
}

static bool apply_memory(const struct option_spec *spec, const char *arg,
                         struct machine_config *config)
{
    uint64_t bytes;
    if (arg[0] == 's' && strncmp(arg, "size=", 5) == 0)
        arg += 5;
    if (!options_parse_size(arg, &bytes))
        return fail(spec->name, "invalid RAM size '%s' (use a number of MiB, or a suffix K M G)",
                    arg);
    /* Below 1 MiB nothing boots; above 3 GiB guest RAM would overlap the PCI hole
     * and the firmware area, which bt86 does not split around yet. */
    if (bytes < (1u << 20) || bytes > (3ull << 30))
        return fail(spec->name, "RAM size '%s' is out of range (1M to 3G)", arg);
    config->ram_bytes = bytes;
    return true;
}

static bool apply_path(const struct option_spec *spec, const char *arg,
                       struct machine_config *config)
{
    if (!readable_file(spec, arg))
        return false;
    if (strcmp(spec->name, "kernel") == 0)
        config->kernel = arg;
    else if (strcmp(spec->name, "initrd") == 0)
        config->initrd = arg;
    else if (strcmp(spec->name, "bios") == 0)
        config->bios = arg;
    return true;
}

static bool apply_append(const struct option_spec *spec, const char *arg,
                         struct machine_config *config)
{
    config->append = arg;
    return true;
}

/* Character back ends in QEMU's spelling: stdio, file:PATH, none/null. */
static bool parse_char_backend(const struct option_spec *spec, const char *arg,
                               struct char_backend *out)
{
    if (strcmp(arg, "stdio") == 0 || strcmp(arg, "mon:stdio") == 0) {
        *out = (struct char_backend){CHAR_STDIO, NULL};
    } else if (strncmp(arg, "file:", 5) == 0 && arg[5]) {
        *out = (struct char_backend){CHAR_FILE, arg + 5};
    } else if (strcmp(arg, "none") == 0 || strcmp(arg, "null") == 0) {
        *out = (struct char_backend){CHAR_NONE, NULL};
    } else {
        return fail(spec->name, "unsupported character device '%s' (use stdio, file:PATH or none)",
                    arg);
    }
    return true;
}

static bool apply_serial(const struct option_spec *spec, const char *arg,
                         struct machine_config *config)
{
    /* Each -serial takes the next free port, as in QEMU. */
    for (int i = 0; i < 2; i++) {
        if (!config->serial_set[i]) {
            config->serial_set[i] = true;
            return parse_char_backend(spec, arg, &config->serial[i]);
        }
    }
    return fail(spec->name, "%s", "at most two serial ports (COM1, COM2)");
}

static bool apply_debugcon(const struct option_spec *spec, const char *arg,
                           struct machine_config *config)
{
    return parse_char_backend(spec, arg, &config->debugcon);
}

static bool apply_flag(const struct option_spec *spec, const char *arg,
                       struct machine_config *config)
{
    if (strcmp(spec->name, "nographic") == 0)
        config->nographic = true;
    else if (strcmp(spec->name, "no-reboot") == 0)
        config->no_reboot = true;
    else if (strcmp(spec->name, "no-jit") == 0)
        config->no_jit = true;
    else if (strcmp(spec->name, "wait-on-halt") == 0)
        config->wait_on_halt = true;
    return true;
}

static bool apply_timeout(const struct option_spec *spec, const char *arg,
                          struct machine_config *config)
{
    char *end;
    errno = 0;
    double seconds = strtod(arg, &end);
    if (errno || end == arg || *end || !(seconds > 0) || seconds > 1e7)
        return fail(spec->name, "invalid number of seconds '%s'", arg);
    config->timeout_seconds = seconds;
    return true;
}

static bool apply_icount_ns(const struct option_spec *spec, const char *arg,
                            struct machine_config *config)
{
    char *end;
    errno = 0;
    unsigned long ns = strtoul(arg, &end, 10);
    if (errno || end == arg || *end || ns == 0 || ns > 1000000)
        return fail(spec->name, "invalid nanoseconds per instruction '%s' (1 to 1000000)", arg);
    config->icount_ns = (uint32_t)ns;
    return true;
}

/* -d ITEMS: QEMU's log items; bt86 knows "int" (exceptions and interrupts). */
static bool apply_debug_log(const struct option_spec *spec, const char *arg,
                            struct machine_config *config)
{
    /* Items are compared in place: a copy into a fixed buffer used to cut a long
     * list short, and an unknown item past the cut was accepted silently (the
     * product rule: a malformed option gets a clear error). */
    for (const char *item = arg; *item;) {
        size_t len = strcspn(item, ",");
        if (len && !(len == 3 && strncmp(item, "int", 3) == 0)) {
            fprintf(stderr, "bt86: -%s: unknown log item '%.*s' (bt86 knows: int)\n", spec->name,
                    len > 64 ? 64 : (int)len, item);
            return false;
        }
        if (len)
            config->trace_events = true;
        item += len + (item[len] == ',');
    }
    return true;
}

static bool show_help(const struct option_spec *spec, const char *arg,
                      struct machine_config *config)
{
    options_print_help(stdout);
    return true;
}

static bool show_version(const struct option_spec *spec, const char *arg,
                         struct machine_config *config)
{
    version_print(stdout);
    return true;
}

static const struct option_spec options[] = {
    {"h", NULL, GROUP_STANDARD, "print this help and exit", show_help},
    {"help", NULL, GROUP_STANDARD, "print this help and exit", show_help},
    {"version", NULL, GROUP_STANDARD, "print the versions of bt86 and its libraries", show_version},
    {"m", "SIZE", GROUP_STANDARD, "guest RAM size: MiB, or with a K/M/G suffix (default 128M)",
     apply_memory},
    {"hda", "FILE", GROUP_BLOCK, "use FILE as IDE hard disk 0", NULL},
    {"cdrom", "FILE", GROUP_BLOCK, "use FILE as the IDE CD-ROM", NULL},
    {"nographic", NULL, GROUP_DISPLAY, "no window: COM1 on the terminal (Ctrl-A x quits)",
     apply_flag},
    {"kernel", "BZIMAGE", GROUP_BOOT, "boot this Linux kernel directly, without a BIOS",
     apply_path},
    {"initrd", "FILE", GROUP_BOOT, "initial RAM disk for -kernel", apply_path},
    {"append", "CMDLINE", GROUP_BOOT, "kernel command line for -kernel", apply_append},
    {"bios", "FILE", GROUP_BOOT, "firmware image (64, 128 or 256 KiB) at the top of memory",
     apply_path},
    {"no-reboot", NULL, GROUP_BOOT, "exit instead of rebooting when the guest resets", apply_flag},
    {"serial", "DEV", GROUP_CHAR, "next serial port to DEV: stdio, file:PATH or none",
     apply_serial},
    {"debugcon", "DEV", GROUP_CHAR, "port 0xE9 debug console to DEV: stdio, file:PATH or none",
     apply_debugcon},
    {"d", "ITEMS", GROUP_DEBUG, "log to stderr: int (every exception and interrupt)",
     apply_debug_log},
    {"no-jit", NULL, GROUP_DEBUG, "run every block in the interpreter", apply_flag},
    {"icount-ns", "N", GROUP_DEBUG, "virtual nanoseconds per guest instruction (default 1)",
     apply_icount_ns},
    {"timeout", "SECONDS", GROUP_DEBUG, "end the run with status 124 after SECONDS of host time",
     apply_timeout},
    {"wait-on-halt", NULL, GROUP_DEBUG,
     "keep running when the guest halts with interrupts off (default: exit 0)", apply_flag},
};

#define OPTION_COUNT (sizeof options / sizeof options[0])

void options_print_help(FILE *out)
{
    fprintf(out, "usage: bt86 [options]\n"
                 "A userspace full-system x86 PC emulator.\n"
                 "Options take one or two leading dashes (-m 256 and --m 256 are the same).\n");
    for (int g = 0; g < GROUP_COUNT; g++) {
        fprintf(out, "\n%s:\n", group_titles[g]);
        for (size_t i = 0; i < OPTION_COUNT; i++) {
            const struct option_spec *o = &options[i];
            if (o->group != (enum option_group)g)
                continue;
            char left[40];
            snprintf(left, sizeof left, "-%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
            fprintf(out, "  %-22s %s%s\n", left, o->help, o->apply ? "" : " (not implemented yet)");
        }
    }
}

bool options_parse_size(const char *text, uint64_t *bytes)
{
    /* A digit first: strtoull would skip leading blanks and accept a sign, so
     * " -18446744073709551615M" used to parse as 1 MiB. */
    if (!isdigit((unsigned char)text[0]))
        return false;
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno || end == text)
        return false;
    unsigned shift = 20; /* QEMU: a bare number is MiB */
    if (*end) {
        switch (*end) {
        case 'b':
        case 'B': shift = 0; break;
        case 'k':
        case 'K': shift = 10; break;
        case 'm':
        case 'M': shift = 20; break;
        case 'g':
        case 'G': shift = 30; break;
        case 't':
        case 'T': shift = 40; break;
        default: return false;
        }
        end++;
        if (*end == 'i' && end[1] == 'B')
            end += 2;
        else if (*end == 'B')
            end++;
        if (*end)
            return false;
    }
    if (value > (UINT64_MAX >> shift))
        return false;
    *bytes = (uint64_t)value << shift;
    return true;
}

static const struct option_spec *find_option(const char *name)
{
    for (size_t i = 0; i < OPTION_COUNT; i++)
        if (strcmp(options[i].name, name) == 0)
            return &options[i];
    return NULL;
}

enum options_result options_parse(int argc, char **argv, struct machine_config *config)
{
    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        if (word[0] != '-' || !word[1]) {
            fprintf(stderr, "bt86: unexpected argument '%s' (disk images go with -hda)\n", word);
            return OPTIONS_ERROR;
        }
        const char *name = word + 1 + (word[1] == '-');
        /* --name=value is accepted for bt86's long options, as getopt users expect. */
        char name_buf[64];
        const char *inline_arg = NULL;
        const char *eq = strchr(name, '=');
        if (eq && (size_t)(eq - name) < sizeof name_buf) {
            memcpy(name_buf, name, (size_t)(eq - name));
            name_buf[eq - name] = 0;
            inline_arg = eq + 1;
            name = name_buf;
        }
        const struct option_spec *spec = find_option(name);
        if (!spec) {
            fprintf(stderr, "bt86: unknown option '%s' (see bt86 --help)\n", word);
            return OPTIONS_ERROR;
        }
        const char *arg = inline_arg;
        if (spec->arg && !arg) {
            if (i + 1 >= argc) {
                fprintf(stderr, "bt86: -%s needs an argument: %s\n", spec->name, spec->arg);
                return OPTIONS_ERROR;
            }
            arg = argv[++i];
        } else if (!spec->arg && inline_arg) {
            fprintf(stderr, "bt86: -%s takes no argument\n", spec->name);
            return OPTIONS_ERROR;
        }
        if (!spec->apply) {
            fprintf(stderr, "bt86: -%s: not implemented yet\n", spec->name);
            return OPTIONS_ERROR;
        }
        if (!spec->apply(spec, arg, config))
            return OPTIONS_ERROR;
        if (spec->apply == show_help || spec->apply == show_version)
            return OPTIONS_EXIT;
    }
    if (config->initrd && !config->kernel) {
        fprintf(stderr, "bt86: -initrd needs -kernel\n");
        return OPTIONS_ERROR;
    }
    if (config->append && !config->kernel) {
        fprintf(stderr, "bt86: -append needs -kernel\n");
        return OPTIONS_ERROR;
    }
    if (!config->kernel && !config->bios) {
        fprintf(stderr,
                "bt86: nothing to boot: give -kernel BZIMAGE or -bios FILE (see bt86 --help)\n");
        return OPTIONS_ERROR;
    }
    if (config->kernel && config->bios) {
        fprintf(stderr, "bt86: -kernel boots without firmware; leave out -bios\n");
        return OPTIONS_ERROR;
    }
    return OPTIONS_RUN;
}
