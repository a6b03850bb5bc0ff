/* Generator helpers: random numbers biased toward edge cases, instruction byte
 * emission, and r/m operands that address the data window. */
#include "gen.h"
#include "splitmix64.h"

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

uint32_t rnd(struct rng *r)
{
    return (uint32_t)(splitmix64_next(&r->s) >> 32);
}

uint32_t below(struct rng *r, uint32_t n)
{
    return n ? (uint32_t)(((uint64_t)rnd(r) * n) >> 32) : 0;
}

bool chance(struct rng *r, uint32_t percent)
{
    return below(r, 100) < percent;
}

static uint32_t mask_of(int size)
{
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

uint32_t edge(struct rng *r, int size)
{
    uint32_t m = mask_of(size), sb = 1u << (8 * size - 1);
    uint32_t hi = rnd(r) & ~m;
    switch (below(r, 9)) {
    case 0:
    case 1: return rnd(r);
    case 2: return (uint32_t)((int32_t)below(r, 40) - 4); /* -4..35, sign-extended */
    case 3: {
        const uint32_t t[] = {0, 1, 2, m, m - 1, sb, sb - 1, sb + 1, 0x0f, 0x10, 0x99, 0x9a};
        return hi | (t[below(r, sizeof t / sizeof t[0])] & m);
    }
    case 4: {
        /* Every byte an edge byte: 00 01 7f 80 81 fe ff or random. */
        const uint8_t b[] = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x09, 0x90};
        uint32_t v = 0;
        for (int k = 0; k < 4; k++) {
            uint32_t byte = chance(r, 25) ? rnd(r) & 0xff : b[below(r, sizeof b)];
            v |= byte << (8 * k);
        }
        return v;
    }
    case 5: {
        uint32_t v = 1u << below(r, 8 * (uint32_t)size);
        return hi | (chance(r, 50) ? v : ~v & m);
    }
    case 6: {
        /* Whole-register boundaries. */
        const uint32_t t[] = {0,           1,           0xffffffffu, 0x7fffffffu, 0x80000000u,
                              0x80000001u, 0x0000ffffu, 0xffff0000u, 0x00008000u, 0xffff8000u,
                              0x00007fffu, 0x000000ffu, 0xffffff80u, 0x0000007fu};
        return t[below(r, sizeof t / sizeof t[0])];
    }
    case 7: return hi | below(r, 17);
    default: return rnd(r) >> below(r, 32);
    }
}

uint32_t edge_count(struct rng *r, int size)
{
    uint32_t w = 8 * (uint32_t)size;
    const uint32_t t[] = {0,     1,  2,  3,  7,  8,  9,  w - 1, w,  w + 1, 2 * w - 1,
                          2 * w, 15, 16, 17, 31, 32, 33, 63,    64, 0xff};
    switch (below(r, 3)) {
    case 0: return t[below(r, sizeof t / sizeof t[0])];
    case 1: return below(r, 2 * w + 2);
    default: return below(r, 256);
    }
}

int pick_size(struct gen *g, bool bytes)
{
    if (bytes && chance(g->rng, 34))
        return 1;
    return chance(g->rng, 50) ? 2 : 4;
}

int pick_wide(struct gen *g)
{
    return pick_size(g, false);
}

void emit(struct gen *g, uint8_t b)
{
    struct hd_case *c = &g->gc->c;
    if (c->code_len < HD_CODE_MAX)
        c->code[c->code_len++] = b;
}

void emit_imm(struct gen *g, uint32_t v, int size)
{
    for (int k = 0; k < size; k++)
        emit(g, (uint8_t)(v >> (8 * k)));
}

void emit_osize(struct gen *g, int size)
{
    if (size == 2)
        emit(g, 0x66);
}

void set_reg(struct gen *g, int r, uint32_t v)
{
    g->gc->c.regs[r] = v;
    g->owned |= (uint8_t)(1u << r);
}

void poke(struct gen *g, uint32_t off, uint32_t v)
{
    struct hd_case *c = &g->gc->c;
    if (c->poke_count < HD_POKES)
        c->pokes[c->poke_count++] = (struct hd_poke){off, v};
}

uint32_t lane_get(struct gen *g, int r, int size)
{
    const uint32_t *regs = g->gc->c.regs;
    if (size == 1)
        return r < 4 ? regs[r] & 0xff : (regs[r - 4] >> 8) & 0xff;
    return regs[r] & mask_of(size);
}

void lane_set(struct gen *g, int r, int size, uint32_t v)
{
    uint32_t *regs = g->gc->c.regs;
    if (size == 1 && r >= 4)
        regs[r - 4] = (regs[r - 4] & ~0xff00u) | ((v & 0xff) << 8);
    else
        regs[r] = (regs[r] & ~mask_of(size)) | (v & mask_of(size));
    g->owned |= (uint8_t)(1u << (size == 1 ? r & 3 : r));
}

void operand_set(struct gen *g, const struct operand *op, int size, uint32_t v)
{
    if (op->reg >= 0)
        lane_set(g, op->reg, size, v);
    else
        poke(g, op->target, v);
}

/* A free register for a base or index (not ESP, not one the generator chose). */
static int free_reg(struct gen *g, int not )
{
    int cand[8], n = 0;
    for (int r = 0; r < 8; r++)
        if (r != ESP && r != not &&!(g->owned & (1u << r)))
            cand[n++] = r;
    return n ? cand[below(g->rng, (uint32_t)n)] : -1;
}

uint32_t emit_mem_at(struct gen *g, int reg_field, uint32_t target)
{
    struct rng *r = g->rng;
    uint32_t addr = HD_WINDOW + target;
    uint8_t rf = (uint8_t)((reg_field & 7) << 3);
    int base = free_reg(g, -1);
    int mode = base < 0 ? 3 : (int)below(r, 6);
    uint32_t esp = g->gc->c.regs[ESP];
    g->has_mem = true;
    if (mode == 5) {
        /* [esp + disp8] through a SIB byte, at the current ESP. */
        int32_t d = (int32_t)below(r, 256) - 128;
        uint32_t t = esp + (uint32_t)d - HD_WINDOW;
        if (t >= g->tlo && t < g->thi) {
            emit(g, 0x44 | rf);
            emit(g, 0x24);
            emit(g, (uint8_t)d);
            return t;
        }
        mode = 1;
    }
    switch (mode) {
    case 0: /* [base]; EBP needs a displacement byte */
        if (base == EBP) {
            emit(g, 0x45 | rf);
            emit(g, 0);
        } else {
            emit(g, (uint8_t)(rf | base));
        }
        set_reg(g, base, addr);
        break;
    case 1: {
        int32_t d = (int32_t)below(r, 256) - 128;
        emit(g, (uint8_t)(0x40 | rf | base));
        emit(g, (uint8_t)d);
        set_reg(g, base, addr - (uint32_t)d);
        break;
    }
    case 2: {
        uint32_t d = rnd(r);
        emit(g, (uint8_t)(0x80 | rf | base));
        emit_imm(g, d, 4);
        set_reg(g, base, addr - d);
        break;
    }
    case 3:
        emit(g, (uint8_t)(0x05 | rf));
        emit_imm(g, addr, 4);
        break;
    default: {
        int index = free_reg(g, base);
        if (index < 0)
            index = ESP + 0; /* no index */
        uint32_t scale = below(r, 4);
        uint32_t iv = index == ESP ? 0 : (chance(r, 50) ? edge(r, 4) : below(r, 64));
        bool d8 = chance(r, 50);
        uint32_t d = d8 ? (uint32_t)((int32_t)below(r, 256) - 128) : rnd(r);
        emit(g, (uint8_t)((d8 ? 0x44 : 0x84) | rf));
        emit(g, (uint8_t)((scale << 6) | ((uint32_t)index << 3) | (uint32_t)base));
        emit_imm(g, d, d8 ? 1 : 4);
        if (index != ESP)
            set_reg(g, index, iv);
        set_reg(g, base, addr - d - (iv << scale));
        break;
    }
    }
    return target;
}

struct operand emit_rm(struct gen *g, int reg_field, int size, int mem_percent)
{
    struct operand op = {-1, 0, 0};
    if (chance(g->rng, (uint32_t)mem_percent)) {
        uint32_t t = g->tlo + below(g->rng, g->thi - g->tlo);
        op.target = emit_mem_at(g, reg_field, t);
        op.val = edge(g->rng, size);
        poke(g, op.target, op.val);
        return op;
    }
    op.reg = (int)below(g->rng, 8);
    emit(g, (uint8_t)(0xc0 | ((reg_field & 7) << 3) | op.reg));
    op.val = lane_get(g, op.reg, size);
    return op;
}

void ignore(struct gen *g, uint32_t flags, uint8_t regs, const char *why)
{
    g->gc->ignore_flags |= flags;
    g->gc->ignore_regs |= regs;
    g->gc->why = why;
}

void gen_case(const struct form *f, uint64_t seed, uint32_t index, struct gen_case *out)
{
    uint64_t h = seed * 0x100000001b3ull;
    for (const char *p = f->name; *p; p++)
        h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
    struct rng r = {h ^ ((uint64_t)index << 20)};
    splitmix64_next(&r.s);
    memset(out, 0, sizeof *out);
    struct gen g = {.rng = &r, .gc = out, .tlo = 0x100, .thi = HD_WINDOW_SIZE - 0x100};
    struct hd_case *c = &out->c;
    c->seed = rnd(&r);
    for (int k = 0; k < 8; k++)
        c->regs[k] = edge(&r, 4);
    /* ESP always points into the window (mostly aligned), with room both ways. */
    c->regs[ESP] = HD_WINDOW + 0x1800 + below(&r, 0x1000);
    if (chance(&r, 80))
        c->regs[ESP] &= ~3u;
    c->eflags = (rnd(&r) & 0x08d5u) | (chance(&r, 30) ? 0x400u : 0) | 2u;
    f->gen(&g);
    /* Now and then a redundant segment override (ES, CS, SS, DS are all flat on
     * both sides) in front of an instruction with a ModRM memory operand. */
    if (g.has_mem && c->code_len < HD_CODE_MAX && chance(&r, 10)) {
        static const uint8_t seg[] = {0x26, 0x2e, 0x36, 0x3e};
        memmove(c->code + 1, c->code, c->code_len);
        c->code[0] = seg[below(&r, 4)];
        c->code_len++;
    }
}
