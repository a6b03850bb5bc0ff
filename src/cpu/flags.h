/* Lazy arithmetic flags (see struct lazy_flags in cpu.h). Handlers record the
 * operation with flags_set_*; readers call flags_get or cond_true. */
#ifndef BT86_CPU_FLAGS_H
#define BT86_CPU_FLAGS_H

#include "cpu/cpu.h"

static inline void flags_lazy(struct cpu *cpu, enum lazy_op op, int size, uint32_t a, uint32_t b,
                              uint32_t res)
{
    cpu->lazy.op = (uint8_t)op;
    cpu->lazy.size = (uint8_t)size;
    cpu->lazy.a = a;
    cpu->lazy.b = b;
    cpu->lazy.res = res;
}

/* The arithmetic flags (FLAGS_ARITH bits) of the pending lazy operation. */
uint32_t flags_compute(const struct cpu *cpu);

/* Folds the lazy state into cpu->eflags and returns it. */
static inline uint32_t flags_get(struct cpu *cpu)
{
    if (cpu->lazy.op != LAZY_NONE) {
        cpu->eflags = (cpu->eflags & ~FLAGS_ARITH) | flags_compute(cpu);
        cpu->lazy.op = LAZY_NONE;
    }
    return cpu->eflags;
}

/* Replaces the arithmetic flags given in mask with bits (for handlers that compute
 * flags eagerly: shifts, multiplies, BCD, bit tests). */
static inline void flags_set_arith(struct cpu *cpu, uint32_t mask, uint32_t bits)
{
    /* Replacing all six needs nothing from the pending operation. */
    uint32_t f = mask == FLAGS_ARITH ? (cpu->lazy.op = LAZY_NONE, cpu->eflags) : flags_get(cpu);
    cpu->eflags = (f & ~mask) | (bits & mask);
}

static inline uint32_t size_mask(int size)
{
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}
static inline uint32_t sign_bit(int size)
{
    return 1u << (8 * size - 1);
}

/* CF alone, without folding the other flags (INC/DEC and ADC/SBB need only CF). */
static inline uint32_t flags_cf(const struct cpu *cpu)
{
    const struct lazy_flags *l = &cpu->lazy;
    switch ((enum lazy_op)l->op) {
    case LAZY_ADD:
        return ((l->a & l->b) | ((l->a | l->b) & ~l->res)) & sign_bit(l->size) ? FLAG_CF : 0;
    case LAZY_SUB:
        return ((~l->a & l->b) | ((~l->a | l->b) & l->res)) & sign_bit(l->size) ? FLAG_CF : 0;
    case LAZY_LOGIC: return 0;
    case LAZY_CFOF: return l->a;
    default: return cpu->eflags & FLAG_CF; /* NONE, INC, DEC: CF is in eflags */
    }
}

static inline bool flag_cf(struct cpu *cpu)
{
    return flags_cf(cpu) != 0;
}

/* Parity flag of the low byte of v: set when it has an even number of ones. */
static inline uint32_t parity_flag(uint32_t v)
{
    return (__builtin_parity(v & 0xff) ? 0 : FLAG_PF);
}

/* SF, ZF and PF of a result of size bytes. */
static inline uint32_t flags_szp(uint32_t res, int size)
{
    uint32_t f = parity_flag(res);
    if ((res & size_mask(size)) == 0)
        f |= FLAG_ZF;
    if (res & sign_bit(size))
        f |= FLAG_SF;
    return f;
}

/* Evaluates condition code cc (0-15, the Jcc/SETcc/CMOVcc encoding). */
bool cond_true(struct cpu *cpu, int cc);

/* cond_true for the compare conditions B, BE, L, LE (cc = 2, 6, 12, 14; cc | 1 for
 * the negations), inline so that a caller with a constant cc gets only its own
 * case. After a plain SUB/CMP (res == a - b: not SBB, whose borrow the operands
 * don't show) they follow from the operands, after a logic op (CF = OF = 0) from
 * the result; anything else goes to cond_true. */
static inline bool cond_compare(struct cpu *cpu, int cc)
{
    const struct lazy_flags *l = &cpu->lazy;
    uint32_t m = size_mask(l->size);
    bool r;
    if (l->op == LAZY_SUB && ((l->a - l->b) & m) == (l->res & m)) {
        int sh = 32 - 8 * l->size;
        uint32_t a = l->a & m, b = l->b & m;
        int32_t sa = (int32_t)(a << sh) >> sh, sb = (int32_t)(b << sh) >> sh;
        switch (cc >> 1) {
        case 1: r = a < b; break;
        case 3: r = a <= b; break;
        case 6: r = sa < sb; break;
        default: r = sa <= sb; break;
        }
    } else if (l->op == LAZY_LOGIC) {
        bool zf = (l->res & m) == 0, sf = (l->res & sign_bit(l->size)) != 0;
        switch (cc >> 1) {
        case 1: r = false; break;
        case 3: r = zf; break;
        case 6: r = sf; break;
        default: r = zf || sf; break;
        }
    } else {
        return cond_true(cpu, cc);
    }
    return r ^ (cc & 1);
}

#endif
