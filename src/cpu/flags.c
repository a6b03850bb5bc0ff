#include "cpu/flags.h"

/* Carry and overflow come from the carry chain, which covers the forms with a
 * carry/borrow in (ADC, SBB) without storing it:
 *   add: carries  = (a & b) | ((a | b) & ~res)
 *   sub: borrows  = (~a & b) | ((~a | b) & res)
 * CF is the top bit of the chain, AF bit 3's carry (bit 4 of a ^ b ^ res). */
uint32_t flags_compute(const struct cpu *cpu)
{
    const struct lazy_flags *l = &cpu->lazy;
    uint32_t a = l->a, b = l->b, res = l->res;
    uint32_t top = sign_bit(l->size);
    uint32_t f = flags_szp(res, l->size);

    switch ((enum lazy_op)l->op) {
    case LAZY_NONE: return cpu->eflags & FLAGS_ARITH;
    case LAZY_ADD:
        if (((a & b) | ((a | b) & ~res)) & top)
            f |= FLAG_CF;
        if ((a ^ res) & (b ^ res) & top)
            f |= FLAG_OF;
        break;
    case LAZY_SUB:
        if (((~a & b) | ((~a | b) & res)) & top)
            f |= FLAG_CF;
        if ((a ^ b) & (a ^ res) & top)
            f |= FLAG_OF;
        break;
    case LAZY_LOGIC: return f;
    case LAZY_CFOF: return f | a | b;
    case LAZY_INC:
        f |= cpu->eflags & FLAG_CF;
        if ((res & size_mask(l->size)) == top)
            f |= FLAG_OF;
        break;
    case LAZY_DEC:
        f |= cpu->eflags & FLAG_CF;
        if ((res & size_mask(l->size)) == top - 1)
            f |= FLAG_OF;
        break;
    }
    f |= (a ^ b ^ res) & FLAG_AF;
    return f;
}

static bool cond_from_flags(uint32_t f, int cc)
{
    bool r;
    switch (cc >> 1) {
    case 0: r = f & FLAG_OF; break;
    case 1: r = f & FLAG_CF; break;
    case 2: r = f & FLAG_ZF; break;
    case 3: r = f & (FLAG_CF | FLAG_ZF); break;
    case 4: r = f & FLAG_SF; break;
    case 5: r = f & FLAG_PF; break;
    case 6: r = !(f & FLAG_SF) != !(f & FLAG_OF); break;
    default: r = (f & FLAG_ZF) || (!(f & FLAG_SF) != !(f & FLAG_OF)); break;
    }
    return r ^ (cc & 1);
}

static int32_t sign_extend(uint32_t v, int size)
{
    int shift = 32 - 8 * size;
    return (int32_t)(v << shift) >> shift;
}

/* After CMP/SUB the common conditions follow from the operands directly. */
static bool cond_after_sub(const struct lazy_flags *l, int cc, bool *known)
{
    uint32_t m = size_mask(l->size);
    uint32_t a = l->a & m, b = l->b & m;
    int32_t sa = sign_extend(a, l->size), sb = sign_extend(b, l->size);
    *known = true;
    bool r;
    switch (cc >> 1) {
    case 1: r = a < b; break;
    case 2: r = a == b; break;
    case 3: r = a <= b; break;
    case 6: r = sa < sb; break;
    case 7: r = sa <= sb; break;
    default: *known = false; return false;
    }
    return r ^ (cc & 1);
}

/* After AND/OR/XOR/TEST CF and OF are 0, so every condition but parity follows
 * from the result alone. */
static bool cond_after_logic(const struct lazy_flags *l, int cc, bool *known)
{
    bool zf = (l->res & size_mask(l->size)) == 0, sf = (l->res & sign_bit(l->size)) != 0;
    *known = true;
    bool r;
    switch (cc >> 1) {
    case 0:                   /* O */
    case 1: r = false; break; /* B */
    case 3: r = zf; break;    /* BE */
    case 6: r = sf; break;    /* L: SF != OF */
    case 7: r = zf || sf; break;
    default: *known = false; return false;
    }
    return r ^ (cc & 1);
}

bool cond_true(struct cpu *cpu, int cc)
{
    /* ZF and SF come straight from the result for every lazy operation. */
    const struct lazy_flags *l = &cpu->lazy;
    if (l->op == LAZY_NONE)
        return cond_from_flags(cpu->eflags, cc);
    if ((cc >> 1) == 2)
        return ((l->res & size_mask(l->size)) == 0) ^ (cc & 1);
    if ((cc >> 1) == 4)
        return ((l->res & sign_bit(l->size)) != 0) ^ (cc & 1);
    bool known = false, r = false;
    /* SBB leaves a borrow the operands alone don't show; only plain SUB/CMP qualify,
     * which is when res == a - b. */
    if (l->op == LAZY_SUB && ((l->a - l->b) & size_mask(l->size)) == (l->res & size_mask(l->size)))
        r = cond_after_sub(l, cc, &known);
    else if (l->op == LAZY_LOGIC)
        r = cond_after_logic(l, cc, &known);
    if (known)
        return r;
    return cond_from_flags(flags_get(cpu), cc);
}
