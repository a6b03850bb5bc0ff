/* Assembles CPU, memory and devices into a PC and runs it: the CPU runs in slices
 * that end at the next device deadline on the virtual clock; when it halts, time
 * jumps to that deadline instead of waiting (DESIGN.md, Time). */
#include "dev/machine_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Longest CPU slice: bounds how long host input and the timeout wait. About
 * half a millisecond of ordinary guest code, so the per-slice work costs nothing;
 * but a guest can make every instruction slow (a store into a page that holds
 * thousands of translated blocks walks them all), and at 5-10 us an instruction
 * the 2M it used to be kept --timeout and the quit key waiting 20 s and more
 * (found by tests/fuzz/loaders.py; the rule: bad guest behaviour never hangs
 * bt86). */
#define MAX_SLICE_INSNS 100000

void machine_config_defaults(struct machine_config *config)
{
    *config = (struct machine_config){
        .ram_bytes = 128u << 20,
        .icount_ns = 1,
    };
}

static double host_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Puts RAM, devices and CPU in their power-on state and loads what boots. fresh:
 * RAM was just allocated zeroed (phys_init) and must not be cleared again: a
 * memset would touch every page of a large -m at start-up (seconds for -m 3G,
 * and all of it committed at once) where the guest may never use most of it. */
static bool power_on(struct machine *m, bool fresh)
{
    if (!fresh)
        memset(m->phys.ram, 0, m->phys.ram_size);
    /* RESET zeroes the CPU's cycle count (and TSC); virtual time carries on. */
    m->base_ns = board_now_ns(m);
    cpu_reset(m->cpu);
    board_reset(m);
    if (m->config.kernel)
        return linux_boot_load(m);
    return true; /* -bios: the CPU starts at the reset vector */
}

struct machine *machine_create(const struct machine_config *config)
{
    if (!config->kernel && !config->bios) {
        fprintf(stderr, "bt86: nothing to boot: give -kernel BZIMAGE or -bios FILE\n");
        return NULL;
    }
    if (config->kernel && config->bios) {
        fprintf(stderr, "bt86: -kernel boots without firmware; leave out -bios\n");
        return NULL;
    }
    struct machine *m = calloc(1, sizeof *m);
    if (!m || !phys_init(&m->phys, config->ram_bytes)) {
        fprintf(stderr, "bt86: cannot allocate %llu MiB of guest RAM\n",
                (unsigned long long)(config->ram_bytes >> 20));
        free(m);
        return NULL;
    }
    m->config = *config;
    m->cpu = cpu_create(&m->phys);
    if (!m->cpu) {
        fprintf(stderr, "bt86: out of memory creating the CPU\n");
        machine_destroy(m);
        return NULL;
    }
    if (!board_create(m) || (config->bios && !firmware_load(m, config->bios)) ||
        !power_on(m, true)) {
        machine_destroy(m);
        return NULL;
    }
    return m;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    board_destroy(m);
    cpu_destroy(m->cpu);
    phys_free(&m->phys);
    free(m);
}

void machine_set_frontend(struct machine *m, const struct machine_frontend *frontend)
{
    m->frontend = *frontend;
}

size_t machine_serial_input(struct machine *m, int port, const uint8_t *buf, size_t len)
{
    if (port < 0 || port > 1)
        return 0;
    vclock_advance(&m->clock, board_now_ns(m));
    return uart_receive(&m->uart[port], buf, len);
}

void machine_quit(struct machine *m)
{
    m->quit_requested = true;
    cpu_request_exit(m->cpu);
}

static int32_t slice_budget(struct machine *m)
{
    uint64_t deadline = vclock_next_deadline(&m->clock);
    uint64_t now = board_now_ns(m);
    if (deadline == VCLOCK_NEVER || deadline <= now)
        return deadline <= now ? 1 : MAX_SLICE_INSNS;
    uint64_t insns = (deadline - now + m->clock.ns_per_insn - 1) / m->clock.ns_per_insn;
    return insns > MAX_SLICE_INSNS ? MAX_SLICE_INSNS : (int32_t)insns;
}

static struct machine_exit finish(enum machine_exit_kind kind, int status)
{
    return (struct machine_exit){kind, status};
}

struct machine_exit machine_run(struct machine *m)
{
    double start = host_seconds();
    for (;;) {
        enum cpu_exit why = cpu_run(m->cpu, slice_budget(m));
        vclock_advance(&m->clock, board_now_ns(m));

        if (m->guest_exit)
            return finish(MACHINE_EXIT_GUEST_CODE, m->guest_exit_status);
        if (why == CPU_EXIT_SHUTDOWN) {
            fprintf(stderr, "bt86: triple fault at %04x:%08x\n", m->cpu->seg[SEG_CS].sel,
                    m->cpu->eip);
            m->reset_requested = true;
        }
        if (m->reset_requested) {
            m->reset_requested = false;
            if (m->config.no_reboot) {
                fprintf(stderr, "bt86: the guest reset the machine (-no-reboot: exiting)\n");
                return finish(MACHINE_EXIT_RESET, 0);
            }
            if (!power_on(m, false))
                return finish(MACHINE_EXIT_ERROR, 1);
        }
        if (why == CPU_EXIT_HALT) {
            bool can_wake = (m->cpu->eflags & FLAG_IF) || m->config.wait_on_halt;
            if (!can_wake) {
                fprintf(stderr, "bt86: the guest halted with interrupts disabled at %04x:%08x\n",
                        m->cpu->seg[SEG_CS].sel, m->cpu->eip);
                return finish(MACHINE_EXIT_HALT, 0);
            }
            /* Idle: jump virtual time to the next device deadline. */
            uint64_t deadline = vclock_next_deadline(&m->clock);
            uint64_t now = board_now_ns(m);
            if (deadline != VCLOCK_NEVER && deadline > now) {
                /* The CPU clock (and so the TSC) keeps running in HLT. */
                board_stall_ns(m, deadline - now);
                vclock_advance(&m->clock, board_now_ns(m));
            } else if (deadline == VCLOCK_NEVER) {
                /* Nothing will ever fire: only host input can wake the guest. */
                struct timespec nap = {0, 1000000};
                nanosleep(&nap, NULL);
            }
        }
        if (m->frontend.poll)
            m->frontend.poll(m->frontend.opaque, m);
        if (m->quit_requested)
            return finish(MACHINE_EXIT_USER, 0);
        if (m->config.timeout_seconds > 0 && host_seconds() - start > m->config.timeout_seconds) {
            fprintf(stderr, "bt86: timeout after %g seconds\n", m->config.timeout_seconds);
            return finish(MACHINE_EXIT_TIMEOUT, 124);
        }
    }
}
