/* The PC board's wiring: which device sits on which ports and IRQ lines, and the
 * CPU's view of them (port I/O, INTR, the interrupt acknowledge). */
#include "dev/machine_internal.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* Virtual time runs on the CPU's clock cycles: retired instructions plus the
 * cycles it stalled (halted, or waiting on the bus for a port access). */
uint64_t board_now_ns(const struct machine *m)
{
    return m->base_ns + cpu_cycles(m->cpu) * m->clock.ns_per_insn;
}

void board_stall_ns(struct machine *m, uint64_t ns)
{
    uint64_t q = m->clock.ns_per_insn;
    cpu_stall(m->cpu, (ns + q - 1) / q);
}

/* A port access is an ISA bus cycle behind the PCI-to-ISA bridge: about a
 * microsecond on a P6 PC (the 8-bit ISA I/O cycle is six 8.33 MHz BCLKs plus the
 * bridge's latency). Software times against it: Linux's quick PIT calibration
 * (arch/x86/kernel/tsc.c) relies on a 16-bit PIT read taking longer than one
 * 1.19 MHz PIT clock, so that the count just written has been loaded. */
#define PORT_ACCESS_NS 1000

/* Brings device timers up to the current instruction before a device is touched,
 * so a port read inside a block sees exact virtual time. */
static void sync_clock(struct machine *m)
{
    vclock_advance(&m->clock, board_now_ns(m));
}

static uint32_t cpu_io_read(void *opaque, uint16_t port, int size)
{
    struct machine *m = opaque;
    board_stall_ns(m, PORT_ACCESS_NS);
    sync_clock(m);
    return ioport_read(&m->io, port, size);
}

static void cpu_io_write(void *opaque, uint16_t port, uint32_t value, int size)
{
    struct machine *m = opaque;
    board_stall_ns(m, PORT_ACCESS_NS);
    sync_clock(m);
    ioport_write(&m->io, port, value, size);
}

/* -d int: one line per event, in the spirit of QEMU's log. */
static void trace_event(void *opaque, int vector, int error_code, int kind)
{
    static const char *const kinds[] = {"fault", "trap", "int", "irq"};
    struct machine *m = opaque;
    const struct cpu *cpu = m->cpu;
    fprintf(stderr, "bt86: %s %02x", kinds[kind & 3], vector);
    if (error_code >= 0)
        fprintf(stderr, " error %04x", error_code);
    fprintf(stderr, " at %04x:%08x icount %llu cr2 %08x", cpu->seg[SEG_CS].sel, cpu->eip,
            (unsigned long long)cpu_retired(cpu), cpu->cr[2]);
    uint8_t code[8];
    if (kind == 0 && cpu_read_linear(m->cpu, cpu->seg[SEG_CS].base + cpu->eip, code, sizeof code))
        for (size_t k = 0; k < sizeof code; k++)
            fprintf(stderr, "%s%02x", k ? " " : " code ", code[k]);
    fputc('\n', stderr);
}

/* FERR# of the x87 (CR0.NE=0) is wired to IRQ 13, as on a PC. */
static void fpu_error(void *opaque, int level)
{
    struct machine *m = opaque;
    pic_set_irq(&m->pic, 13, level);
}

static int cpu_irq_ack(void *opaque)
{
    struct machine *m = opaque;
    return pic_acknowledge(&m->pic);
}

static void intr_changed(void *opaque, int n, int level)
{
    struct machine *m = opaque;
    cpu_set_intr(m->cpu, level != 0);
}

static void set_a20(void *opaque, bool enabled)
{
    struct machine *m = opaque;
    cpu_set_a20(m->cpu, enabled);
}

static void request_reset(void *opaque)
{
    struct machine *m = opaque;
    m->reset_requested = true;
    cpu_request_exit(m->cpu);
}

static void sink_write(struct char_sink *s, const uint8_t *buf, size_t len)
{
    if (s->file) {
        fwrite(buf, 1, len, s->file);
        fflush(s->file);
    }
}

static void serial0_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct machine *m = opaque;
    sink_write(&m->serial_out[0], buf, len);
}

static void serial1_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct machine *m = opaque;
    sink_write(&m->serial_out[1], buf, len);
}

static void debugcon_char(void *opaque, uint8_t c)
{
    struct machine *m = opaque;
    sink_write(&m->debugcon_out, &c, 1);
}

static void guest_exit(void *opaque, int status)
{
    struct machine *m = opaque;
    m->guest_exit = true;
    m->guest_exit_status = status;
    cpu_request_exit(m->cpu);
}

static bool open_sink(struct char_sink *s, const struct char_backend *b)
{
    *s = (struct char_sink){NULL, false};
    switch (b->kind) {
    case CHAR_NONE: return true;
    case CHAR_STDIO: s->file = stdout; return true;
    case CHAR_FILE:
        s->file = fopen(b->path, "ab");
        if (!s->file) {
            fprintf(stderr, "bt86: cannot open '%s' for output: %s\n", b->path, strerror(errno));
            return false;
        }
        s->owned = true;
        return true;
    }
    return true;
}

static void close_sink(struct char_sink *s)
{
    if (s->owned && s->file)
        fclose(s->file);
    *s = (struct char_sink){NULL, false};
}

bool board_create(struct machine *m)
{
    const struct machine_config *c = &m->config;
    struct char_backend com1 = c->serial[0];
    if (!c->serial_set[0] && c->nographic)
        com1 = (struct char_backend){CHAR_STDIO, NULL}; /* -nographic: COM1 on the terminal */
    if (!open_sink(&m->serial_out[0], &com1) || !open_sink(&m->serial_out[1], &c->serial[1]) ||
        !open_sink(&m->debugcon_out, &c->debugcon))
        return false;

    ioport_bus_init(&m->io);
    vclock_init(&m->clock, c->icount_ns);

    struct irq_line intr = {intr_changed, m, 0};
    pic_init(&m->pic, &intr);
    struct irq_line irq0 = pic_irq_line(&m->pic, 0), irq1 = pic_irq_line(&m->pic, 1);
    struct irq_line irq3 = pic_irq_line(&m->pic, 3), irq4 = pic_irq_line(&m->pic, 4);
    struct irq_line irq8 = pic_irq_line(&m->pic, 8), irq12 = pic_irq_line(&m->pic, 12);
    struct sys_hooks hooks = {set_a20, request_reset, m};
    struct debugport_hooks dbg = {debugcon_char, guest_exit, m};

    pit_init(&m->pit, &m->clock, &irq0);
    port61_init(&m->port61, &m->pit);
    /* The RTC starts from the host's time of day, then runs on virtual time. */
    rtc_init(&m->rtc, &m->clock, &irq8, (int64_t)time(NULL), c->ram_bytes);
    uart_init(&m->uart[0], &m->clock, &irq4, serial0_write, m);
    uart_init(&m->uart[1], &m->clock, &irq3, serial1_write, m);
    i8042_init(&m->kbc, &irq1, &irq12, &hooks);
    port92_init(&m->port92, &hooks);
    debugport_init(&m->debug, &dbg);
    pci_host_init(&m->pci, &hooks);

    bool ok = pic_register(&m->pic, &m->io) && pit_register(&m->pit, &m->io) &&
              port61_register(&m->port61, &m->io) && rtc_register(&m->rtc, &m->io) &&
              uart_register(&m->uart[0], &m->io, UART_COM1_BASE) &&
              uart_register(&m->uart[1], &m->io, UART_COM2_BASE) &&
              i8042_register(&m->kbc, &m->io) && port92_register(&m->port92, &m->io) &&
              debugport_register(&m->debug, &m->io) && pci_bus_register(&m->pci.bus, &m->io);
    if (!ok) {
        fprintf(stderr, "bt86: internal error: I/O port ranges overlap\n");
        return false;
    }
    struct cpu_bus bus = {.io_read = cpu_io_read,
                          .io_write = cpu_io_write,
                          .irq_ack = cpu_irq_ack,
                          .trace_event = c->trace_events ? trace_event : NULL,
                          .ferr = fpu_error,
                          .opaque = m};
    cpu_set_bus(m->cpu, &bus);
    return true;
}

void board_reset(struct machine *m)
{
    pic_reset(&m->pic);
    pit_reset(&m->pit);
    port61_reset(&m->port61);
    rtc_reset(&m->rtc);
    uart_reset(&m->uart[0]);
    uart_reset(&m->uart[1]);
    i8042_reset(&m->kbc);
    port92_reset(&m->port92);
    debugport_reset(&m->debug);
    pci_host_reset(&m->pci);
    cpu_set_intr(m->cpu, false);
}

void board_destroy(struct machine *m)
{
    close_sink(&m->serial_out[0]);
    close_sink(&m->serial_out[1]);
    close_sink(&m->debugcon_out);
}
