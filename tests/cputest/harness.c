/* Setting up, running and checking one test (UPSTREAM-README, "Using the Tests"). */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const enum gpr gpr_of[MOO_REG_COUNT] = {
    [MOO_AX] = REG_EAX, [MOO_BX] = REG_EBX, [MOO_CX] = REG_ECX, [MOO_DX] = REG_EDX,
    [MOO_SP] = REG_ESP, [MOO_BP] = REG_EBP, [MOO_SI] = REG_ESI, [MOO_DI] = REG_EDI,
};

static const enum seg_reg seg_of[MOO_REG_COUNT] = {
    [MOO_CS] = SEG_CS, [MOO_SS] = SEG_SS, [MOO_DS] = SEG_DS, [MOO_ES] = SEG_ES};

static bool is_seg(int r)
{
    return r == MOO_CS || r == MOO_SS || r == MOO_DS || r == MOO_ES;
}

/* Real-mode interrupt vectors 12 (#SS) and 13 (#GP) in the IVT. */
#define IVT_SS_ENTRY 0x30u
#define IVT_GP_ENTRY 0x34u
#define IVT_SIZE     0x400u

/* Unexpected interrupts. A test lists every byte the 286 read, so IVT entries it
 * does not list were not used by the 286; the runner points each of them at one
 * HLT byte (the sentinel) through a different CS:IP per vector, v -> (S/16 - v) :
 * (16v + S%16), so that a CPU taking an interrupt the 286 did not take halts at
 * once and the vector can be named, instead of running through random memory.
 * The sentinel sits at the first of these addresses that the test does not list. */
static const uint32_t sentinel_candidates[] = {0x0ffff, 0x8fff1, 0x5fff3,
                                               0x3fff7, 0xdfffb, 0x10fff};

int harness_init(struct harness *h)
{
    memset(h, 0, sizeof *h);
    if (!phys_init(&h->ps, HARNESS_RAM_SIZE))
        return -1;
    h->cpu = cpu_create(&h->ps);
    if (!h->cpu) {
        phys_free(&h->ps);
        return -1;
    }
    /* No bus callbacks: port reads return all-ones, which is what the vectors
     * expect from IN and INS (UPSTREAM-README, 6C, 6D, E4, E5, EC, ED). */
    return 0;
}

void harness_free(struct harness *h)
{
    cpu_destroy(h->cpu);
    phys_free(&h->ps);
    free(h->touched);
    memset(h, 0, sizeof *h);
}

static bool touch(struct harness *h, uint32_t addr)
{
    if (h->touched_count == h->touched_cap) {
        size_t cap = h->touched_cap ? h->touched_cap * 2 : 4096;
        uint32_t *t = realloc(h->touched, cap * sizeof *t);
        if (!t)
            return false;
        h->touched = t;
        h->touched_cap = cap;
    }
    h->touched[h->touched_count++] = addr;
    return true;
}

/* Puts back the zero bytes the previous test changed. phys_write, not a host
 * store, so that blocks translated from those bytes are dropped too. */
static void restore_ram(struct harness *h)
{
    for (size_t k = 0; k < h->touched_count; k++)
        phys_write(&h->ps, h->touched[k], 0, 1);
    h->touched_count = 0;
    if (h->sentinel)
        phys_write(&h->ps, h->sentinel, 0, 1);
    h->sentinel = 0;
    /* the IVT is rewritten by every test (place_sentinel) */
}

/* After a failure the CPU may have written bytes no list names (a wrong
 * address, an unexpected interrupt frame): clear all of RAM so that the next test
 * starts from the same state whatever this one did. */
static void wipe_ram(struct harness *h)
{
    memset(h->ps.ram, 0, h->ps.ram_size);
    cpu_invalidate_phys(h->cpu, 0, (uint32_t)h->ps.ram_size);
    h->touched_count = 0;
    h->sentinel = 0;
}

static bool listed(const struct moo_file *f, const struct moo_test *t, uint32_t addr)
{
    const struct moo_ram *a = f->ram + t->initial.ram_first, *b = f->ram + t->final.ram_first;
    for (uint32_t k = 0; k < t->initial.ram_count; k++)
        if (a[k].addr == addr)
            return true;
    for (uint32_t k = 0; k < t->final.ram_count; k++)
        if (b[k].addr == addr)
            return true;
    return false;
}

static void place_sentinel(struct harness *h, const struct moo_file *f, const struct moo_test *t)
{
    size_t n = sizeof sentinel_candidates / sizeof sentinel_candidates[0];
    h->sentinel = 0;
    for (size_t k = 0; k < n && !h->sentinel; k++)
        if (!listed(f, t, sentinel_candidates[k]))
            h->sentinel = sentinel_candidates[k];
    if (!h->sentinel)
        return; /* all taken: unexpected interrupts just run on */
    for (uint32_t v = 0; v < 256; v++) {
        uint32_t seg = (h->sentinel >> 4) - v, off = 16 * v + (h->sentinel & 15);
        phys_write(&h->ps, 4 * v, seg << 16 | off, 4);
    }
    phys_write(&h->ps, h->sentinel, 0xf4, 1); /* HLT */
}

/* The vector whose sentinel entry the CPU halted on, or -1. */
static int sentinel_vector(const struct harness *h)
{
    const struct cpu *cpu = h->cpu;
    if (!h->sentinel || cpu->eip == 0 || cpu->eip > 0xffff)
        return -1;
    uint32_t off = cpu->eip - 1;
    if (off < (h->sentinel & 15) || (off - (h->sentinel & 15)) % 16)
        return -1;
    uint32_t v = (off - (h->sentinel & 15)) / 16;
    if (v > 255 || cpu->seg[SEG_CS].sel != (h->sentinel >> 4) - v)
        return -1;
    return (int)v;
}

static bool in_ram(uint32_t addr)
{
    return addr < HARNESS_RAM_SIZE;
}

/* Writes the initial RAM and registers. False (with diff) when the test cannot be
 * represented. */
static bool load_initial(struct harness *h, const struct moo_file *f, const struct moo_test *t,
                         const struct compare_opts *o, char *diff, size_t difflen)
{
    place_sentinel(h, f, t);
    const struct moo_ram *ram = f->ram + t->initial.ram_first;
    for (uint32_t k = 0; k < t->initial.ram_count; k++) {
        if (!in_ram(ram[k].addr)) {
            snprintf(diff, difflen, "RAM address 0x%06x is beyond the runner's %u MiB", ram[k].addr,
                     HARNESS_RAM_SIZE >> 20);
            return false;
        }
        if (!touch(h, ram[k].addr))
            goto oom;
        phys_write(&h->ps, ram[k].addr, ram[k].value, 1);
    }
    const struct moo_ram *fin = f->ram + t->final.ram_first;
    for (uint32_t k = 0; k < t->final.ram_count; k++) {
        if (!in_ram(fin[k].addr)) {
            snprintf(diff, difflen, "RAM address 0x%06x is beyond the runner's %u MiB", fin[k].addr,
                     HARNESS_RAM_SIZE >> 20);
            return false;
        }
        if (!touch(h, fin[k].addr))
            goto oom;
    }
    if (o->ss_fault_13) {
        /* See the exclusion list: vector 12 gets vector 13's handler. */
        uint32_t target = (uint32_t)phys_read(&h->ps, IVT_GP_ENTRY, 4);
        for (uint32_t b = 0; b < 4; b++)
            if (!touch(h, IVT_SS_ENTRY + b))
                goto oom;
        phys_write(&h->ps, IVT_SS_ENTRY, target, 4);
    }

    struct cpu *cpu = h->cpu;
    const uint16_t *r = t->initial.regs;
    for (int k = 0; k < MOO_REG_COUNT; k++) {
        if (k == MOO_IP || k == MOO_FLAGS)
            continue;
        if (is_seg(k))
            cpu_load_seg_real(cpu, seg_of[k], r[k]);
        else
            cpu->reg[gpr_of[k]] = r[k];
    }
    cpu->eip = r[MOO_IP];
    cpu_set_eflags(cpu, r[MOO_FLAGS] & (uint16_t)~o->initial_flags_clear);
    return true;
oom:
    snprintf(diff, difflen, "out of memory");
    return false;
}

static bool compare_regs(struct harness *h, const struct moo_test *t, const struct compare_opts *o,
                         char *diff, size_t difflen)
{
    struct cpu *cpu = h->cpu;
    for (int k = 0; k < MOO_REG_COUNT; k++) {
        uint32_t want = (t->final.reg_mask & (1u << k)) ? t->final.regs[k] : t->initial.regs[k];
        uint32_t got, mask = 0xffffffffu;
        if (k == MOO_FLAGS) {
            if (!(t->final.reg_mask & (1u << k)))
                want &= (uint16_t)~o->initial_flags_clear;
            got = cpu_get_eflags(cpu);
            mask = 0xffff0000u | (o->flags_mask & (uint16_t)~o->final_flags_ignore);
            want |= FLAG_FIXED1;
        } else if (k == MOO_IP) {
            got = cpu->eip;
        } else if (is_seg(k)) {
            const struct segment *s = &cpu->seg[seg_of[k]];
            got = s->sel;
            if (got == want && s->base != want << 4) {
                snprintf(diff, difflen, "%s base expected 0x%05x got 0x%08x", moo_reg_names[k],
                         want << 4, s->base);
                return false;
            }
        } else {
            got = cpu->reg[gpr_of[k]];
        }
        if ((got ^ want) & mask) {
            if (k == MOO_FLAGS)
                snprintf(diff, difflen, "flags expected 0x%04x got 0x%04x (compared bits 0x%04x)",
                         want & mask, got & mask, mask & 0xffff);
            else if (got > 0xffff)
                snprintf(diff, difflen, "%s expected 0x%04x got 0x%08x", moo_reg_names[k], want,
                         got);
            else
                snprintf(diff, difflen, "%s expected 0x%04x got 0x%04x", moo_reg_names[k], want,
                         got);
            return false;
        }
    }
    return true;
}

static const struct moo_ram *find_ram(const struct moo_ram *list, uint32_t n, uint32_t addr)
{
    for (uint32_t k = 0; k < n; k++)
        if (list[k].addr == addr)
            return &list[k];
    return NULL;
}

/* Checks one listed byte; mask selects the bits that count. */
static bool compare_byte(struct harness *h, uint32_t addr, uint8_t want, uint8_t mask, char *diff,
                         size_t difflen)
{
    uint8_t got = (uint8_t)phys_read(&h->ps, addr, 1);
    if (!((got ^ want) & mask))
        return true;
    snprintf(diff, difflen, "ram[0x%06x] expected 0x%02x got 0x%02x%s", addr, want, got,
             mask != 0xff ? " (masked flags image)" : "");
    return false;
}

static uint8_t byte_mask(const struct moo_test *t, const struct compare_opts *o, uint32_t addr)
{
    /* The FLAGS image an exception pushed holds the instruction's undefined flags
     * too (UPSTREAM-README, "Exception Format"). */
    if (t->has_exception && addr == t->exc_flags_addr)
        return (uint8_t)o->flags_mask;
    if (t->has_exception && addr == t->exc_flags_addr + 1)
        return (uint8_t)(o->flags_mask >> 8);
    return 0xff;
}

static bool compare_ram(struct harness *h, const struct moo_file *f, const struct moo_test *t,
                        const struct compare_opts *o, char *diff, size_t difflen)
{
    const struct moo_ram *ini = f->ram + t->initial.ram_first;
    const struct moo_ram *fin = f->ram + t->final.ram_first;
    uint32_t nf = t->final.ram_count;
    for (uint32_t k = 0; k < nf; k++)
        if (!compare_byte(h, fin[k].addr, fin[k].value, byte_mask(t, o, fin[k].addr), diff,
                          difflen))
            return false;
    /* Bytes listed only initially must be unchanged. */
    for (uint32_t k = 0; k < t->initial.ram_count; k++) {
        uint32_t a = ini[k].addr;
        if (find_ram(fin, nf, a))
            continue;
        if (o->ss_fault_13 && a >= IVT_SS_ENTRY && a < IVT_SS_ENTRY + 4)
            continue; /* patched */
        if (!compare_byte(h, a, ini[k].value, byte_mask(t, o, a), diff, difflen))
            return false;
    }
    return true;
}

static bool run_and_compare(struct harness *h, const struct moo_file *f, const struct moo_test *t,
                            const struct compare_opts *o, char *diff, size_t difflen)
{
    enum cpu_exit why = cpu_run(h->cpu, HARNESS_BUDGET);
    if (why != CPU_EXIT_HALT) {
        snprintf(diff, difflen, "did not reach HLT: %s (cs:ip %04x:%04x)",
                 why == CPU_EXIT_BUDGET     ? "instruction budget ran out"
                 : why == CPU_EXIT_SHUTDOWN ? "triple fault"
                                            : "exit requested",
                 h->cpu->seg[SEG_CS].sel, h->cpu->eip);
        return false;
    }
    int v = sentinel_vector(h);
    if (v >= 0) {
        if (t->has_exception)
            snprintf(diff, difflen, "took interrupt %d, the 286 took %u", v, t->exception);
        else
            snprintf(diff, difflen, "took interrupt %d, the 286 took none", v);
        return false;
    }
    return compare_regs(h, t, o, diff, difflen) && compare_ram(h, f, t, o, diff, difflen);
}

bool harness_run(struct harness *h, const struct moo_file *f, const struct moo_test *t,
                 const struct compare_opts *o, char *diff, size_t difflen)
{
    restore_ram(h);
    cpu_reset(h->cpu);
    bool ok = load_initial(h, f, t, o, diff, difflen) && run_and_compare(h, f, t, o, diff, difflen);
    if (!ok)
        wipe_ram(h);
    return ok;
}
