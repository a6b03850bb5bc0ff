/* 8254 PIT. The mode rules follow the Intel 8254 datasheet (order no. 231164),
 * "Mode Definitions": a count written is loaded into the counting element (CE)
 * on the next clock edge, which does not decrement it, so in mode 0 OUT rises
 * N + 1 edges after the count is written. CE and OUT are pure functions of the
 * edges elapsed since the load; nothing ticks. */
#include "dev/pit.h"

#include <string.h>

#define NS_PER_S 1000000000ull

uint64_t pit_ticks_at(uint64_t ns)
{
    /* floor(ns * F / 1e9) without overflow: ns = q * 1e9 + r. */
    return ns / NS_PER_S * PIT_HZ + ns % NS_PER_S * PIT_HZ / NS_PER_S;
}

uint64_t pit_ns_of_tick(uint64_t tick)
{
    /* ceil(tick * 1e9 / F): tick = q * F + r. */
    return tick / PIT_HZ * NS_PER_S + (tick % PIT_HZ * NS_PER_S + PIT_HZ - 1) / PIT_HZ;
}

static int eff_mode(const struct pit_counter *c)
{
    return c->mode > 5 ? c->mode - 4 : c->mode; /* 6, 7 are 2, 3 */
}

static uint32_t wrap(const struct pit_counter *c)
{
    return c->bcd ? 10000 : 0x10000;
}

static uint32_t bcd_to_bin(uint16_t v)
{
    return (v >> 12 & 15) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 + (v & 15);
}

static uint16_t bin_to_bcd(uint32_t v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* The initial count N; 0 stands for the largest count (2^16 or 10^4). */
static uint32_t initial_count(const struct pit_counter *c)
{
    uint32_t n = c->bcd ? bcd_to_bin(c->count_reg) : c->count_reg;
    return n ? n : wrap(c);
}

static void sync(struct pit_counter *c, uint64_t k)
{
    if (c->reload_pending && k >= c->reload_tick) {
        c->load_tick = c->reload_tick;
        c->base = initial_count(c);
        c->reload_pending = false;
    }
    if (c->running && k >= c->load_tick)
        c->null_count = false;
}

static void start(struct pit_counter *c, uint64_t tick, uint32_t base)
{
    c->running = true;
    c->load_tick = tick;
    c->base = base;
    c->reload_pending = false;
}

static bool out_at(const struct pit_counter *c, uint64_t k)
{
    if (!c->running || k < c->load_tick)
        return c->out_idle;
    uint64_t e = k - c->load_tick, n = c->base;
    switch (eff_mode(c)) {
    case 0: return c->tc_before || e >= n;  /* high at terminal count */
    case 1: return e >= n;                  /* low for N edges after trigger */
    case 2: return n < 2 || e % n != n - 1; /* low for the edge where CE = 1 */
    case 3: return e % n < (n + 1) / 2;     /* high (N+1)/2, low (N-1)/2 */
    default: return e != n;                 /* 4, 5: one low edge at TC */
    }
}

/* Binary CE value (0 .. wrap-1). */
static uint32_t ce_at(const struct pit_counter *c, uint64_t k)
{
    if (!c->running || k < c->load_tick)
        return c->ce_idle;
    uint64_t e = k - c->load_tick, n = c->base, w = wrap(c), v;
    switch (eff_mode(c)) {
    case 2: v = n - e % n; break;
    case 3: {
        /* Even N: CE steps by 2 from N in each half. Odd N: the first edge of
         * the high half takes 1, the first of the low half 3, the rest 2. */
        uint64_t p = e % n, h = (n + 1) / 2;
        if (p < h)
            v = (n & 1) ? (p ? n + 1 - 2 * p : n) : n - 2 * p;
        else
            v = (n & 1) ? (p > h ? n - 1 - 2 * (p - h) : n) : n - 2 * (p - h);
        break;
    }
    default: v = (n + w - e % w) % w; break; /* 0, 1, 4, 5 keep counting down */
    }
    return (uint32_t)(v % w);
}

/* The first edge after k at which OUT changes, or UINT64_MAX. */
static uint64_t next_edge(const struct pit_counter *c, uint64_t k)
{
    if (!c->running)
        return UINT64_MAX;
    if (k < c->load_tick) {
        if (out_at(c, c->load_tick) != c->out_idle)
            return c->load_tick;
        k = c->load_tick;
    }
    uint64_t e = k - c->load_tick, n = c->base, L = c->load_tick, t = UINT64_MAX;
    switch (eff_mode(c)) {
    case 0:
        if (!c->tc_before && e < n)
            t = L + n;
        break;
    case 1:
        if (e < n)
            t = L + n;
        break;
    case 2:
        if (n >= 2) {
            uint64_t p = e % n, s = L + e - p;
            t = p < n - 1 ? s + n - 1 : s + n;
        }
        break;
    case 3: {
        uint64_t p = e % n, s = L + e - p, h = (n + 1) / 2;
        if (h < n)
            t = p < h ? s + h : s + n;
        break;
    }
    default:
        if (e < n)
            t = L + n;
        else if (e == n)
            t = L + n + 1;
        break;
    }
    if (c->reload_pending && c->reload_tick < t)
        t = c->reload_tick;
    return t;
}

static uint64_t now_tick(const struct pit *pit)
{
    return pit_ticks_at(vclock_now(pit->clock));
}

/* More than this many periods behind, edges are skipped, not replayed. */
#define MAX_REPLAY_PERIODS 1024

/* Drives IRQ 0 from counter 0's OUT at edge k and arms the timer for the next
 * OUT edge. A timer callback evaluates at the edge it was armed for, so a
 * clock advanced past several edges still delivers each of them in order
 * (vclock_advance fires the re-armed timer again while it is due). */
static void drive_irq(struct pit *pit, uint64_t k, bool from_timer)
{
    struct pit_counter *c = &pit->s.c[0];
    sync(c, k);
    bool level = out_at(c, k);
    /* A timer that finds OUT still high missed a whole low pulse (skipped
     * edges): the PIC must still see a rising edge. */
    if (from_timer && level && c->irq_level)
        irq_lower(&pit->irq0);
    if (level != c->irq_level || from_timer)
        irq_set(&pit->irq0, level);
    c->irq_level = level;
    c->next_edge_tick = next_edge(c, k);
    if (c->next_edge_tick == UINT64_MAX)
        vtimer_disarm(&pit->timer);
    else
        vtimer_arm(&pit->timer, pit_ns_of_tick(c->next_edge_tick));
}

static void update_irq(struct pit *pit)
{
    drive_irq(pit, now_tick(pit), false);
}

static void timer_fire(void *opaque, uint64_t now_ns)
{
    struct pit *pit = opaque;
    uint64_t now = pit_ticks_at(now_ns), k = pit->s.c[0].next_edge_tick;
    uint64_t period = pit->s.c[0].base ? pit->s.c[0].base : 1;
    if (k > now || now - k > period * MAX_REPLAY_PERIODS)
        k = now;
    drive_irq(pit, k, true);
}

static void counter_changed(struct pit *pit, int i)
{
    if (i == 0)
        update_irq(pit);
}

static void counter_reset(struct pit_counter *c, bool gate)
{
    memset(c, 0, sizeof *c);
    c->gate = gate;
    c->rw = 3;
    c->out_idle = false;
}

void pit_reset(struct pit *pit)
{
    for (int i = 0; i < 3; i++)
        counter_reset(&pit->s.c[i], i < 2);
    update_irq(pit);
}

void pit_init(struct pit *pit, struct vclock *clock, const struct irq_line *irq0)
{
    memset(pit, 0, sizeof *pit);
    pit->clock = clock;
    if (irq0)
        pit->irq0 = *irq0;
    vtimer_init(&pit->timer, clock, timer_fire, pit);
    pit_reset(pit);
}

static uint16_t ce_formatted(const struct pit_counter *c, uint64_t k)
{
    uint32_t v = ce_at(c, k);
    return c->bcd ? bin_to_bcd(v) : (uint16_t)v;
}

static void latch_count(struct pit_counter *c, uint64_t k)
{
    if (c->latch_bytes)
        return; /* a second latch before the read is ignored */
    c->latch = ce_formatted(c, k);
    c->latch_bytes = c->rw == 3 ? 2 : 1;
}

static void freeze(struct pit_counter *c, uint64_t k)
{
    c->ce_idle = (uint16_t)ce_at(c, k);
    c->out_idle = out_at(c, k);
    c->running = false;
    c->reload_pending = false;
}

static void load_count(struct pit_counter *c, uint64_t k)
{
    uint32_t n = initial_count(c);
    c->null_count = true;
    c->loaded = true;
    switch (eff_mode(c)) {
    case 0:
        c->tc_before = false;
        c->out_idle = false;
        if (c->gate) {
            start(c, k + 1, n);
        } else {
            /* Loaded on the next edge even with GATE low; counting waits. */
            c->running = false;
            c->ce_idle = (uint16_t)(n % wrap(c));
            c->null_count = false;
        }
        break;
    case 2:
    case 3:
        if (c->running && k >= c->load_tick) {
            uint64_t e = k - c->load_tick;
            c->reload_pending = true;
            c->reload_tick = c->load_tick + (e / c->base + 1) * c->base;
        } else if (c->running) {
            c->base = n; /* not loaded yet: the new count replaces it */
        } else if (c->gate) {
            start(c, k + 1, n);
        }
        break;
    case 4:
        if (c->gate)
            start(c, k + 1, n);
        break;
    default: break; /* 1, 5: the count waits for a gate trigger */
    }
}

static void write_control(struct pit *pit, uint8_t v, uint64_t k)
{
    int sel = v >> 6;
    if (sel == 3) { /* read-back command */
        for (int i = 0; i < 3; i++) {
            if (!(v & (2u << i)))
                continue;
            struct pit_counter *c = &pit->s.c[i];
            sync(c, k);
            if (!(v & 0x20))
                latch_count(c, k);
            if (!(v & 0x10) && !c->status_latched) {
                c->status = (uint8_t)(out_at(c, k) << 7 | c->null_count << 6 | c->rw << 4 |
                                      c->mode << 1 | c->bcd);
                c->status_latched = true;
            }
        }
        return;
    }
    struct pit_counter *c = &pit->s.c[sel];
    sync(c, k);
    int rw = v >> 4 & 3;
    if (rw == 0) {
        latch_count(c, k);
        return;
    }
    c->ce_idle = (uint16_t)ce_at(c, k);
    c->running = false;
    c->reload_pending = false;
    c->mode = v >> 1 & 7;
    c->rw = (uint8_t)rw;
    c->bcd = v & 1;
    c->write_msb_next = c->read_msb_next = false;
    c->latch_bytes = 0;
    c->status_latched = false;
    c->null_count = true;
    c->loaded = false;
    c->tc_before = false;
    c->out_idle = eff_mode(c) != 0; /* mode 0: OUT low; all others: high */
    counter_changed(pit, sel);
}

static void write_count(struct pit *pit, int i, uint8_t v, uint64_t k)
{
    struct pit_counter *c = &pit->s.c[i];
    sync(c, k);
    switch (c->rw) {
    case 1: c->count_reg = v; break;
    case 2: c->count_reg = (uint16_t)(v << 8); break;
    default:
        if (!c->write_msb_next) {
            c->write_lsb = v;
            c->write_msb_next = true;
            /* Mode 0: writing the first byte stops the count, OUT goes low. */
            if (eff_mode(c) == 0) {
                if (c->running)
                    freeze(c, k);
                c->out_idle = false;
                c->tc_before = false;
                counter_changed(pit, i);
            }
            return;
        }
        c->count_reg = (uint16_t)(c->write_lsb | v << 8);
        c->write_msb_next = false;
        break;
    }
    load_count(c, k);
    counter_changed(pit, i);
}

static uint8_t read_count(struct pit *pit, int i, uint64_t k)
{
    struct pit_counter *c = &pit->s.c[i];
    sync(c, k);
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->latch_bytes) {
        bool msb = c->rw == 2 || (c->rw == 3 && c->latch_bytes == 1);
        c->latch_bytes--;
        if (c->rw != 3)
            c->latch_bytes = 0;
        return msb ? c->latch >> 8 : c->latch & 0xff;
    }
    uint16_t v = ce_formatted(c, k);
    bool msb = c->rw == 2;
    if (c->rw == 3) {
        msb = c->read_msb_next;
        c->read_msb_next = !c->read_msb_next;
    }
    return msb ? v >> 8 : v & 0xff;
}

uint8_t pit_read(struct pit *pit, int port)
{
    if (port == 3)
        return 0xff; /* the control register cannot be read */
    return read_count(pit, port & 3, now_tick(pit));
}

void pit_write(struct pit *pit, int port, uint8_t value)
{
    uint64_t k = now_tick(pit);
    if (port == 3)
        write_control(pit, value, k);
    else
        write_count(pit, port & 3, value, k);
}

void pit_set_gate(struct pit *pit, int i, bool level)
{
    struct pit_counter *c = &pit->s.c[i];
    uint64_t k = now_tick(pit);
    sync(c, k);
    if (c->gate == level)
        return;
    c->gate = level;
    switch (eff_mode(c)) {
    case 0:
    case 4:
        /* GATE low suspends counting; high resumes it from where it stopped. */
        if (!level) {
            if (c->running)
                freeze(c, k);
        } else if (c->loaded && !c->running) {
            uint32_t base = c->ce_idle ? c->ce_idle : wrap(c);
            c->tc_before = eff_mode(c) == 0 && c->out_idle;
            if (eff_mode(c) == 4)
                c->out_idle = true;
            start(c, k + 1, base);
        }
        break;
    case 1:
    case 5:
        /* A rising GATE (re)triggers: CE loaded with N on the next edge. */
        if (level && c->loaded) {
            c->out_idle = true;
            start(c, k + 1, initial_count(c));
        }
        break;
    default:
        /* Modes 2, 3: GATE low forces OUT high and stops; rising reloads. */
        if (!level) {
            if (c->running)
                freeze(c, k);
            c->out_idle = true;
        } else if (c->loaded) {
            start(c, k + 1, initial_count(c));
        }
        break;
    }
    counter_changed(pit, i);
}

bool pit_get_gate(const struct pit *pit, int i)
{
    return pit->s.c[i].gate;
}

bool pit_get_out(struct pit *pit, int i)
{
    struct pit_counter *c = &pit->s.c[i];
    uint64_t k = now_tick(pit);
    sync(c, k);
    return out_at(c, k);
}

static uint32_t io_read(void *opaque, uint32_t offset, int size)
{
    return pit_read(opaque, (int)offset);
}

static void io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    pit_write(opaque, (int)offset, (uint8_t)value);
}

static const struct io_ops pit_ops = {io_read, io_write};

bool pit_register(struct pit *pit, struct ioport_bus *bus)
{
    return ioport_register(bus, 0x40, 4, &pit_ops, pit);
}
