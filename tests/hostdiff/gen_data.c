/* Generators for the data-movement forms: string instructions, the stack, XCHG and
 * friends, MOV/MOVZX/MOVSX/LEA, the sign extensions, flag instructions, XLAT,
 * BOUND and LOCK validity; and the table of all forms. */
#include "gen_forms.h"

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

static uint32_t window_addr(struct gen *g, uint32_t lo, uint32_t hi)
{
    return HD_WINDOW + lo + below(g->rng, hi - lo);
}

/* A string instruction: opcode base op (byte form), optional REP/REPE/REPNE,
 * a source segment override now and then, ESI/EDI inside the window, a small count
 * and DF either way. */
static void string_op(struct gen *g, uint8_t op, bool compares)
{
    struct rng *r = g->rng;
    struct hd_case *c = &g->gc->c;
    int size = pick_size(g, true);
    uint32_t rep = below(r, 10); /* 0-3 none, 4-7 F3, 8-9 F2 */
    c->fill_kind = (uint8_t)below(r, 3);
    if (chance(r, 50))
        c->eflags |= 0x400u;
    uint32_t si = window_addr(g, 0x800, 0x3800);
    uint32_t di = chance(r, 30) ? si + below(r, 33) - 16 : window_addr(g, 0x800, 0x3800);
    if (chance(r, 60)) {
        si &= ~(uint32_t)(size - 1);
        di &= ~(uint32_t)(size - 1);
    }
    set_reg(g, ESI, si);
    set_reg(g, EDI, di);
    if (rep >= 4 || chance(r, 50))
        set_reg(g, ECX, chance(r, 10) ? 0 : below(r, 13));
    if (compares && chance(r, 50))
        lane_set(g, EAX, 4, c->fill_kind == HD_FILL_BITS ? 0x01010101 : 0);
    if (compares && chance(r, 30))
        poke(g, di - HD_WINDOW + 4 * below(r, 8), rnd(r));
    if (chance(r, 10)) {
        static const uint8_t seg[] = {0x26, 0x2e, 0x36, 0x3e};
        emit(g, seg[below(r, 4)]);
    }
    if (rep >= 8)
        emit(g, 0xf2);
    else if (rep >= 4)
        emit(g, 0xf3);
    emit_osize(g, size);
    emit(g, (uint8_t)(op + (size > 1)));
}

void gen_movs(struct gen *g)
{
    string_op(g, 0xa4, false);
}
void gen_cmps(struct gen *g)
{
    string_op(g, 0xa6, true);
}
void gen_stos(struct gen *g)
{
    string_op(g, 0xaa, false);
}
void gen_lods(struct gen *g)
{
    string_op(g, 0xac, false);
}
void gen_scas(struct gen *g)
{
    string_op(g, 0xae, true);
}

static uint32_t esp_off(struct gen *g)
{
    return g->gc->c.regs[ESP] - HD_WINDOW;
}

void gen_push(struct gen *g)
{
    struct rng *r = g->rng;
    int size = pick_wide(g);
    emit_osize(g, size);
    switch (below(r, 4)) {
    case 0: emit(g, (uint8_t)(0x50 + below(r, 8))); break;
    case 1:
        emit(g, 0xff);
        emit_rm(g, 6, size, 60);
        break;
    case 2:
        emit(g, 0x68);
        emit_imm(g, edge(r, size), size);
        break;
    default:
        emit(g, 0x6a);
        emit(g, (uint8_t)edge(r, 1));
        break;
    }
}

void gen_pop(struct gen *g)
{
    struct rng *r = g->rng;
    int size = pick_wide(g);
    poke(g, esp_off(g), edge(r, 4));
    emit_osize(g, size);
    if (chance(r, 40)) {
        emit(g, (uint8_t)(0x58 + below(r, 8)));
    } else {
        emit(g, 0x8f);
        emit_rm(g, 0, size, 60);
    }
}

void gen_pusha(struct gen *g)
{
    emit_osize(g, pick_wide(g));
    emit(g, 0x60);
}

void gen_popa(struct gen *g)
{
    emit_osize(g, pick_wide(g));
    emit(g, 0x61);
}

void gen_pushf(struct gen *g)
{
    emit_osize(g, pick_wide(g));
    emit(g, 0x9c);
}

/* The popped image never sets TF (the helper would trap after the instruction). */
void gen_popf(struct gen *g)
{
    poke(g, esp_off(g), rnd(g->rng) & ~0x100u);
    emit_osize(g, pick_wide(g));
    emit(g, 0x9d);
}

void gen_enter(struct gen *g)
{
    struct rng *r = g->rng;
    set_reg(g, EBP, window_addr(g, 0x1000, 0x3800));
    uint32_t level = chance(r, 60) ? below(r, 4) : below(r, 64);
    /* ENTER checks a write at the final ESP (Intel SDM Vol. 2, ENTER: #PF "if a
     * write using the final value of the stack pointer would cause a page fault"),
     * and only the window is mapped natively: keep the frame inside it. */
    uint32_t room = esp_off(g) - 0x100 - 4 * 32;
    uint32_t frame = chance(r, 50)   ? below(r, 64)
                     : chance(r, 50) ? edge(r, 2) % room
                                     : below(r, room);
    emit_osize(g, pick_wide(g));
    emit(g, 0xc8);
    emit_imm(g, frame, 2);
    emit(g, (uint8_t)level);
}

void gen_leave(struct gen *g)
{
    set_reg(g, EBP, window_addr(g, 0x1000, 0x3800));
    emit_osize(g, pick_wide(g));
    emit(g, 0xc9);
}

void gen_xchg(struct gen *g)
{
    struct rng *r = g->rng;
    int size = pick_size(g, true);
    if (size > 1 && chance(r, 25)) {
        emit_osize(g, size);
        emit(g, (uint8_t)(0x90 + below(r, 8)));
        return;
    }
    emit_osize(g, size);
    emit(g, size == 1 ? 0x86 : 0x87);
    emit_rm(g, (int)below(r, 8), size, 50);
}

void gen_xadd(struct gen *g)
{
    int size = pick_size(g, true);
    emit_osize(g, size);
    emit(g, 0x0f);
    emit(g, size == 1 ? 0xc0 : 0xc1);
    emit_rm(g, (int)below(g->rng, 8), size, 50);
}

void gen_cmpxchg(struct gen *g)
{
    struct rng *r = g->rng;
    int size = pick_size(g, true);
    set_reg(g, EAX, g->gc->c.regs[EAX]);
    emit_osize(g, size);
    emit(g, 0x0f);
    emit(g, size == 1 ? 0xb0 : 0xb1);
    struct operand o = emit_rm(g, (int)below(r, 8), size, 50);
    /* Half the time the accumulator equals the destination (the store path). */
    if (chance(r, 50) && o.reg != EAX && !(size == 1 && o.reg == 4))
        lane_set(g, EAX, size, o.val);
}

void gen_cmpxchg8b(struct gen *g)
{
    struct rng *r = g->rng;
    struct hd_case *c = &g->gc->c;
    for (int k = EAX; k <= EBX; k++)
        set_reg(g, k, c->regs[k]);
    emit(g, 0x0f);
    emit(g, 0xc7);
    uint32_t t = g->tlo + below(r, g->thi - g->tlo);
    t = emit_mem_at(g, 1, t);
    uint32_t lo = chance(r, 50) ? c->regs[EAX] : rnd(r);
    uint32_t hi = chance(r, 70) ? c->regs[EDX] : rnd(r);
    poke(g, t, lo);
    poke(g, t + 4, hi);
}

void gen_bswap(struct gen *g)
{
    emit(g, 0x0f);
    emit(g, (uint8_t)(0xc8 + below(g->rng, 8)));
}

static void movx(struct gen *g, uint8_t op)
{
    int size = pick_wide(g);
    bool word = chance(g->rng, 50);
    emit_osize(g, size);
    emit(g, 0x0f);
    emit(g, (uint8_t)(op + word));
    emit_rm(g, (int)below(g->rng, 8), word ? 2 : 1, 50);
}

void gen_movzx(struct gen *g)
{
    movx(g, 0xb6);
}

void gen_movsx(struct gen *g)
{
    movx(g, 0xbe);
}

/* LEA computes an address without touching memory, so it can also be tested with
 * 16-bit addressing (67h: BX/BP/SI/DI sums wrapping at 64 KiB), which the other
 * forms cannot use because the native window lies above 64 KiB. */
void gen_lea(struct gen *g)
{
    struct rng *r = g->rng;
    int size = pick_wide(g);
    bool addr16 = chance(r, 30);
    if (addr16)
        emit(g, 0x67);
    emit_osize(g, size);
    emit(g, 0x8d);
    if (!addr16) {
        emit_rm(g, (int)below(r, 8), size, 95);
        return;
    }
    uint32_t mod = below(r, 3), rm = below(r, 8);
    emit(g, (uint8_t)(mod << 6 | below(r, 8) << 3 | rm));
    if (mod == 1)
        emit(g, (uint8_t)rnd(r));
    else if (mod == 2 || (mod == 0 && rm == 6))
        emit_imm(g, rnd(r), 2);
}

void gen_mov(struct gen *g)
{
    struct rng *r = g->rng;
    int size = pick_size(g, true);
    int w = size > 1;
    emit_osize(g, size);
    switch (below(r, 5)) {
    case 0:
    case 1:
        emit(g, (uint8_t)(0x88 + 2 * below(r, 2) + w));
        emit_rm(g, (int)below(r, 8), size, 50);
        break;
    case 2:
        emit(g, (uint8_t)(0xc6 + w));
        emit_rm(g, 0, size, 50);
        emit_imm(g, edge(r, size), size);
        break;
    case 3:
        emit(g, (uint8_t)(0xb0 + 8 * w + below(r, 8)));
        emit_imm(g, edge(r, size), size);
        break;
    default:
        /* moffs forms A0-A3 */
        emit(g, (uint8_t)(0xa0 + 2 * below(r, 2) + w));
        emit_imm(g, HD_WINDOW + g->tlo + below(r, g->thi - g->tlo), 4);
        break;
    }
}

void gen_cbw(struct gen *g)
{
    emit_osize(g, pick_wide(g));
    emit(g, 0x98);
}

void gen_cwd(struct gen *g)
{
    emit_osize(g, pick_wide(g));
    emit(g, 0x99);
}

void gen_lahf(struct gen *g)
{
    emit(g, 0x9f);
}

void gen_sahf(struct gen *g)
{
    emit(g, 0x9e);
}

void gen_flagop(struct gen *g)
{
    static const uint8_t ops[] = {0xf5, 0xf8, 0xf9, 0xfc, 0xfd, 0xd6};
    emit(g, ops[below(g->rng, sizeof ops)]);
}

void gen_xlat(struct gen *g)
{
    set_reg(g, EBX, window_addr(g, 0x100, 0x3e00));
    if (chance(g->rng, 10))
        emit(g, 0x3e);
    emit(g, 0xd7);
}

/* BOUND r, m16&16 / m32&32: the index below, inside or above [lower, upper]. */
void gen_bound(struct gen *g)
{
    struct rng *r = g->rng;
    int size = pick_wide(g);
    int reg = (int)below(r, 8);
    while (reg == ESP)
        reg = (int)below(r, 8);
    set_reg(g, reg, g->gc->c.regs[reg]);
    emit_osize(g, size);
    emit(g, 0x62);
    uint32_t t = emit_mem_at(g, reg, g->tlo + below(r, g->thi - g->tlo));
    uint32_t lo = edge(r, size), hi = edge(r, size);
    int32_t slo = size == 2 ? (int16_t)lo : (int32_t)lo,
            shi = size == 2 ? (int16_t)hi : (int32_t)hi;
    if (slo > shi && chance(r, 70)) {
        uint32_t t2 = lo;
        lo = hi;
        hi = t2;
    }
    uint32_t idx = chance(r, 30)   ? lo
                   : chance(r, 30) ? hi
                   : chance(r, 50) ? lo + below(r, hi - lo + 1)
                                   : edge(r, size);
    if (size == 2) {
        poke(g, t, (lo & 0xffff) | hi << 16);
    } else {
        poke(g, t, lo);
        poke(g, t + 4, hi);
    }
    lane_set(g, reg, size, idx);
}

/* LOCK with lockable instructions on memory (valid), on register operands and on
 * instructions that are never lockable (both #UD, Intel SDM Vol. 2, LOCK). */
void gen_lock(struct gen *g)
{
    struct rng *r = g->rng;
    static const uint8_t one[] = {0x00, 0x01, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19,
                                  0x20, 0x21, 0x28, 0x29, 0x30, 0x31, 0x86, 0x87};
    static const uint8_t never[] = {0x02, 0x03, 0x38, 0x39, 0x84, 0x85, 0x88, 0x89, 0x8b};
    int size = pick_wide(g);
    emit(g, 0xf0);
    emit_osize(g, size);
    if (chance(r, 70)) {
        emit(g, one[below(r, sizeof one)] | 1);
        emit_rm(g, (int)below(r, 8), size, 60);
    } else {
        emit(g, never[below(r, sizeof never)] | 1);
        emit_rm(g, (int)below(r, 8), size, 60);
    }
}

#define FORM_ENTRY(name, what) {#name, gen_##name, what, false},
const struct form hd_forms[] = {
    FORMS(FORM_ENTRY){"addr16", gen_addr16,
                      "16-bit addressing (67h) through FS over the window: ALU, MOV, "
                      "unary, shifts, XCHG, MOVZX/SX, PUSH/POP m, BT, LODS, XLAT; limit #GP",
                      true},
};
const size_t hd_form_count = sizeof hd_forms / sizeof hd_forms[0];
